#pragma once
/// \file Trainer.h
/// Trains the spec's network with libtorch: an MLP on the objects input, or DeepSets on
/// padded constituents (a per-constituent MLP, a masked sum or mean, a jet-level MLP
/// with the objects input concatenated). Binary (cross-entropy on one logit) or several
/// classes (softmax cross-entropy, class weights), Adam, early stopping on the
/// validation loss; inputs standardised with the training set's mean and standard
/// deviation inside the network.

#include "podml/train/Dataset.h"
#include "podml/train/DeepSetsExport.h"
#include "podml/train/MlpExport.h"
#include "podml/train/TrainingSpec.h"

#include <functional>
#include <memory>
#include <vector>

namespace podml::train {

/// Figures of one finished epoch.
struct EpochReport {
  int epoch{0};            ///< 1-based
  int epochs{0};           ///< the most epochs that will run
  double trainLoss{0};     ///< mean loss over the epoch's batches
  double validationLoss{0};
  double validationAccuracy{0};
  double validationAuc{0}; ///< binary: ROC AUC; classes: the mean of each class against the rest
  double seconds{0};       ///< wall time of the epoch (training and validation)
  uint64_t samples{0};     ///< training objects seen in the epoch
  bool improved{false};    ///< the validation loss improved (this epoch's weights are kept)
};

/// Progress inside an epoch.
struct BatchProgress {
  int epoch{0};
  uint64_t done{0};  ///< training objects processed so far in the epoch
  uint64_t total{0}; ///< training objects in the epoch
  double loss{0};    ///< running mean loss
};

/// Hooks for progress display (all optional).
struct TrainCallbacks {
  /// Called by trainAndExport() once the data is opened and checked against the spec,
  /// before the first epoch (e.g. to show the counts and feature names).
  std::function<void(const Dataset&)> onData;
  std::function<void(const BatchProgress&)> onBatch;
  std::function<void(const EpochReport&)> onEpoch;
};

/// A trained network (the best epoch's weights), usable for predictions.
class TrainedModel {
public:
  TrainedModel(TrainedModel&&) noexcept;
  TrainedModel& operator=(TrainedModel&&) noexcept;
  ~TrainedModel();

  /// Probabilities of the rows of `chunk` with libtorch, rows x outputs() (row-major):
  /// the sigmoid of a binary model, the softmax over the classes otherwise.
  std::vector<float> predict(const Chunk& chunk) const;
  /// Values per row: 1 (binary) or the number of classes.
  std::size_t outputs() const;
  /// The MLP's weights and standardisation as plain numbers (null for DeepSets).
  const MlpWeights* mlp() const;
  /// DeepSets' weights (null for an MLP).
  const DeepSetsWeights* deepSets() const;
  /// Epochs run, in order.
  const std::vector<EpochReport>& history() const;
  /// The epoch whose weights were kept (1-based).
  int bestEpoch() const;
  /// Seconds spent in the optimisation steps of all epochs (no data reading).
  double stepSeconds() const;
  /// Training objects processed over all epochs.
  uint64_t samplesSeen() const;
  /// Seconds spent building batch tensors from chunks (padding constituents) in the
  /// training passes: part of the data cost, not of stepSeconds().
  double batchSeconds() const;

private:
  friend TrainedModel fit(Dataset&, const TrainingSpec&, const TrainCallbacks&, int);
  struct Impl;
  explicit TrainedModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

/// Trains the spec's network on `data`; `threads` <= 0 uses libtorch's default. Throws
/// DefinitionError for a network the C++ route does not train (`attention`: Python).
TrainedModel fit(Dataset& data, const TrainingSpec& spec, const TrainCallbacks& callbacks = {}, int threads = 0);

} // namespace podml::train
