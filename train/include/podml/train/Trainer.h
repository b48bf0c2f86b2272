#pragma once
/// \file Trainer.h
/// Trains the spec's MLP with libtorch (binary cross-entropy on logits, Adam, early
/// stopping on the validation loss), standardising inputs with the training set's
/// mean and standard deviation inside the network.

#include "podml/train/Dataset.h"
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
  double validationAuc{0};
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
class TrainedMlp {
public:
  TrainedMlp(TrainedMlp&&) noexcept;
  TrainedMlp& operator=(TrainedMlp&&) noexcept;
  ~TrainedMlp();

  /// Probabilities for `rows` objects of `width` features (row-major), with libtorch.
  std::vector<float> predict(const float* features, std::size_t rows) const;
  /// The weights and standardisation as plain numbers.
  const MlpWeights& weights() const;
  /// Epochs run, in order.
  const std::vector<EpochReport>& history() const;
  /// The epoch whose weights were kept (1-based).
  int bestEpoch() const;
  /// Seconds spent in the optimisation steps of all epochs (no data reading).
  double stepSeconds() const;
  /// Training objects processed over all epochs.
  uint64_t samplesSeen() const;

private:
  friend TrainedMlp fitMlp(Dataset&, const TrainingSpec&, const TrainCallbacks&, int);
  struct Impl;
  explicit TrainedMlp(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

/// Trains an MLP on `data` as `spec` says; `threads` <= 0 uses libtorch's default.
TrainedMlp fitMlp(Dataset& data, const TrainingSpec& spec, const TrainCallbacks& callbacks = {}, int threads = 0);

} // namespace podml::train
