#pragma once
/// \file Train.h
/// The whole C++ training route of `podml train`: read the data a spec names, train
/// the MLP or DeepSets network with libtorch, export it to ONNX with its model card, and
/// check the export with ONNX Runtime against libtorch on the validation set and, through
/// the inference gather, on the first events of the files.

#include "podml/train/Dataset.h"
#include "podml/train/SpecCard.h"
#include "podml/train/Trainer.h"
#include "podml/train/TrainingSpec.h"

#include <string>
#include <vector>

namespace podml::onnx {
struct ModelCard;
}

namespace podml::train {

/// Largest |ONNX Runtime - libtorch| accepted on the validation set after export.
inline constexpr double kExportTolerance = 1e-5;

/// How to train.
struct TrainOptions {
  int threads{0};           ///< libtorch threads (<= 0: its default)
  DatasetOptions dataset;
  TrainCallbacks callbacks;
};

/// What a training run did.
struct TrainReport {
  std::string modelPath;
  std::vector<std::string> files;
  uint64_t events{0};
  SplitCounts training, validation;
  std::vector<EpochReport> history;
  int bestEpoch{0};
  double validationAuc{0};       ///< of the kept weights
  double validationAccuracy{0};
  double maxExportDifference{0}; ///< max |ONNX Runtime - libtorch| over the validation set and the gathered events
  uint64_t gatherCheckedEvents{0}; ///< events run through Session::run for that check
  std::vector<std::string> constituentNames; ///< one per constituent value (empty: none)
  double readSeconds{0};         ///< reading files and building rows
  double batchSeconds{0};        ///< building batch tensors (padding constituents) while training
  double stepSeconds{0};         ///< optimisation steps (forward, backward, update)
  double totalSeconds{0};
  uint64_t samplesSeen{0};       ///< training objects over all epochs
};

/// Trains on `files` as `spec` says and writes `modelPath` (ONNX with the card).
/// Throws DefinitionError/IoError for a spec or data that do not fit, ModelError if
/// the exported model differs from libtorch by more than kExportTolerance.
TrainReport trainAndExport(const TrainingSpec& spec, const std::vector<std::string>& files,
                           const std::string& modelPath, const TrainOptions& options = {});

} // namespace podml::train
