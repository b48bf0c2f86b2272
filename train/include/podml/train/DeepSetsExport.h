#pragma once
/// \file DeepSetsExport.h
/// A trained DeepSets classifier as plain numbers, and its ONNX export: per-constituent
/// standardisation and MLP, the mask applied, a sum or mean over the constituents, the
/// objects input (standardised) concatenated, the jet-level MLP and a sigmoid or
/// softmax, in one graph with the model card in metadata_props.

#include "podml/train/MlpExport.h"

#include <cstdint>
#include <string>
#include <vector>

namespace podml::train {

/// Weights of a DeepSets network.
struct DeepSetsWeights {
  /// Per constituent: sizes {F, phi...}, the activation after every layer, `mean` and
  /// `scale` the standardisation of the constituent values.
  MlpWeights phi;
  /// After pooling: sizes {phi.back() + objects, hidden..., outputs}, no standardisation
  /// of its own (mean 0, scale 1: the objects' standardisation is objectMean/objectScale).
  MlpWeights rho;
  std::vector<float> objectMean, objectScale; ///< standardisation of the objects input (empty: none)
  std::string pooling{"sum"};                  ///< `sum` or `mean` over the real constituents
};

/// The graph's inputs and output, as the card names them.
struct DeepSetsGraph {
  std::string constituents;       ///< constituents input name
  bool featuresFirst{true};       ///< [N, F, P] (weaver) rather than [N, P, F]
  int64_t maxCount{0};            ///< fixed P, or 0 for the symbolic "P"
  std::string mask;               ///< mask input name: [N, 1, P] (features first) or [N, P]
  bool boolMask{false};           ///< the mask is bool rather than float
  std::string objects;            ///< objects input name (empty: none)
  std::string output;             ///< output name: [N, outputs]
  std::vector<std::string> order; ///< the input names in graph order
};

/// Writes `net` to `path` as ONNX (opset kExportOpset) with `cardJson` under the card key,
/// runs ONNX's checker and renames into place; throws ModelError if the weights are
/// inconsistent or the checker rejects the model.
void writeDeepSetsOnnx(const std::string& path, const DeepSetsWeights& net, const DeepSetsGraph& graph,
                       const std::string& cardJson, const std::string& docString = {});

} // namespace podml::train
