#pragma once
/// \file MlpExport.h
/// A trained multilayer perceptron as plain numbers, and its ONNX export: the
/// standardisation, the layers and a final sigmoid in one graph (opset 17, symbolic
/// object axis "N"), with the model card in metadata_props.

#include <cstdint>
#include <string>
#include <vector>

namespace podml::train {

/// Weights of an MLP with one output (a probability) or one per class (softmax).
struct MlpWeights {
  std::vector<int64_t> sizes;               ///< {inputs, hidden..., outputs}
  std::vector<std::vector<float>> weights;  ///< per layer [out, in], row-major (PyTorch's Linear layout)
  std::vector<std::vector<float>> biases;   ///< per layer [out]
  std::string activation{"relu"};           ///< between layers: relu, tanh, sigmoid, elu or leaky_relu
  std::vector<float> mean;                  ///< standardisation: (x - mean) / scale, per input
  std::vector<float> scale;
};

/// The ONNX opset the export uses (the newest Debian's libonnx 1.12 checks).
inline constexpr int64_t kExportOpset = 17;

/// Writes `mlp` to `path` as an ONNX model with input `inputName` [N, inputs] float and
/// output `outputName` [N, outputs] float (sigmoid of one output, softmax of several), `cardJson` (if not empty) under the card key, and
/// runs ONNX's checker on the result; throws ModelError if the weights are inconsistent
/// or the checker rejects the model. Writes through a temporary file and a rename.
void writeMlpOnnx(const std::string& path, const MlpWeights& mlp, const std::string& inputName,
                  const std::string& outputName, const std::string& cardJson, const std::string& docString = {});

/// Reference forward pass of one object in double precision, first output (for tests).
double mlpForward(const MlpWeights& mlp, const float* x);

} // namespace podml::train
