#pragma once
// Building blocks of the ONNX graphs podml::train writes (the MLP and DeepSets exports):
// the only header of podml::train that sees ONNX's protobuf types, included by the two
// export translation units only.

#include <onnx/onnx_pb.h>

#include <string>
#include <variant>
#include <vector>

namespace podml::train::graph {

/// A dimension: fixed, or symbolic by name.
using Dim = std::variant<int64_t, std::string>;

/// Declares a graph input or output of `elemType` and `dims`.
void tensorInfo(::onnx::ValueInfoProto* v, const std::string& name, int elemType, const std::vector<Dim>& dims);

/// Adds a float initializer.
void initializer(::onnx::GraphProto* g, const std::string& name, std::vector<int64_t> dims, const std::vector<float>& v);

/// Adds an int64 initializer (shapes, axes).
void intInitializer(::onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& v);

/// Adds a node `op(in...) -> out`, named after its output.
::onnx::NodeProto* node(::onnx::GraphProto* g, const std::string& op, std::vector<std::string> in, const std::string& out);

/// Sets an attribute.
void floatAttr(::onnx::NodeProto* n, const std::string& name, float v);
void intAttr(::onnx::NodeProto* n, const std::string& name, int64_t v);
void intsAttr(::onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v);

/// `kind(in) -> out` for relu, tanh, sigmoid, elu, leaky_relu; throws ModelError otherwise.
void activation(::onnx::GraphProto* g, const std::string& kind, const std::string& in, const std::string& out);

/// A model with podml's producer, opset and the card under its key.
::onnx::ModelProto newModel(const std::string& cardJson, const std::string& docString);

/// Serialises to a temporary file, runs ONNX's checker and renames to `path`; throws ModelError.
void save(const ::onnx::ModelProto& m, const std::string& path);

} // namespace podml::train::graph

namespace podml::train {
struct MlpWeights;
/// Adds `mlp`'s layers (Gemm, activation between layers, none after the last) to `g`
/// on input `x`, initializers named `<prefix><layer>.weight/.bias`; returns the logits' name.
std::string mlpGemmLayers(::onnx::GraphProto* g, const MlpWeights& mlp, const std::string& prefix, std::string x);
} // namespace podml::train
