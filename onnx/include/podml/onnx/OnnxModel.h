#pragma once
/// \file OnnxModel.h
/// Reading what an ONNX file declares (inputs, outputs, metadata, the card) and
/// attaching a card, without changing the graph. No protobuf type is exposed.

#include "podml/DType.h"
#include "podml/onnx/ModelCard.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace podml::onnx {

/// One graph input or output as the model declares it.
struct TensorInfo {
  std::string name;
  int32_t elementType{0};       ///< ONNX TensorProto.DataType (1 = float, 11 = double, ...)
  std::optional<DType> dtype;   ///< the same as a podml dtype, if there is one
  std::vector<Dim> shape;       ///< declared shape; a dimension without value or name is the symbol "?"
  bool hasShape{false};
};

/// What an ONNX model file declares.
struct ModelInfo {
  std::string path;
  int64_t irVersion{0};
  std::vector<std::pair<std::string, int64_t>> opsets; ///< (domain, version)
  std::string producer;                                ///< producer_name producer_version
  std::vector<TensorInfo> inputs;  ///< graph inputs that are not initializers
  std::vector<TensorInfo> outputs;
  std::vector<std::pair<std::string, std::string>> metadata; ///< metadata_props
  std::optional<std::string> card; ///< the podml card JSON, if present
};

/// Reads the declarations of an ONNX model; throws ModelError naming the file if
/// it is missing or not an ONNX model.
ModelInfo readModelInfo(const std::string& path);

/// Writes `in` with `card` stored under kCardKey of metadata_props (replacing an
/// old card) to `out`, through a temporary file and a rename. The graph is untouched.
void attachCard(const std::string& in, const ModelCard& card, const std::string& out);

/// Name of an ONNX element type ("float", "int64", ...).
std::string onnxTypeName(int32_t elementType);

/// Runs ONNX's own checker on the model; returns "" if it passes, else the reason.
std::string checkModel(const std::string& path);

} // namespace podml::onnx
