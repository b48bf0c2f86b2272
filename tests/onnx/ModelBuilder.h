#pragma once
// Small ONNX graphs written with ONNX's protobuf API for the tests: a linear
// layer with a sigmoid on [N, k] inputs, and an elementwise scale on [N].

#include <onnx/onnx_pb.h>

#include <cctype>
#include <fstream>
#include <string>
#include <vector>

namespace testmodels {

inline void addTensorInfo(::onnx::ValueInfoProto* v, const std::string& name, int elemType, const std::vector<std::string>& dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elemType);
  auto* shape = tt->mutable_shape();
  for (const auto& d : dims) {
    auto* dim = shape->add_dim();
    if (!d.empty() && std::isdigit(static_cast<unsigned char>(d[0]))) {
      dim->set_dim_value(std::stoll(d));
    } else {
      dim->set_dim_param(d);
    }
  }
}

inline void addFloatInitializer(::onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims,
                                const std::vector<float>& values) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(::onnx::TensorProto::FLOAT);
  for (auto d : dims) {
    t->add_dims(d);
  }
  for (auto v : values) {
    t->add_float_data(v);
  }
}

inline ::onnx::NodeProto* addNode(::onnx::GraphProto* g, const std::string& op, const std::vector<std::string>& inputs,
                                  const std::string& output) {
  auto* n = g->add_node();
  n->set_op_type(op);
  for (const auto& i : inputs) {
    n->add_input(i);
  }
  n->add_output(output);
  return n;
}

inline void save(const ::onnx::ModelProto& m, const std::string& path) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  m.SerializeToOstream(&f);
}

inline ::onnx::ModelProto emptyModel() {
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("podml-tests");
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(17);
  return m;
}

/// score = sigmoid(features @ W + b) with the declared shapes given: features
/// `inputDims` float (last axis = w.size()), score `outputDims` float. For graphs
/// with a fixed first axis and the like.
inline void writeLinearSigmoidShaped(const std::string& path, const std::vector<float>& w, float b,
                                     const std::vector<std::string>& inputDims, const std::vector<std::string>& outputDims,
                                     const std::string& input = "features", const std::string& output = "score") {
  auto m = emptyModel();
  auto* g = m.mutable_graph();
  g->set_name("linear_sigmoid");
  const auto k = static_cast<int64_t>(w.size());
  addTensorInfo(g->add_input(), input, ::onnx::TensorProto::FLOAT, inputDims);
  addTensorInfo(g->add_output(), output, ::onnx::TensorProto::FLOAT, outputDims);
  addFloatInitializer(g, "W", {k, 1}, w);
  addFloatInitializer(g, "B", {1}, {b});
  addNode(g, "MatMul", {input, "W"}, "z0");
  addNode(g, "Add", {"z0", "B"}, "z1");
  addNode(g, "Sigmoid", {"z1"}, output);
  save(m, path);
}

/// score = sigmoid(features @ W + b), features [N, k] float, score [N, 1].
inline void writeLinearSigmoid(const std::string& path, const std::vector<float>& w, float b,
                               const std::string& input = "features", const std::string& output = "score") {
  writeLinearSigmoidShaped(path, w, b, {"N", std::to_string(w.size())}, {"N", "1"}, input, output);
}

/// The linear model with its sigmoid replaced by an operator no runtime knows: its inputs
/// and outputs are declared like writeLinearSigmoid's, so a card fits, but ONNX Runtime
/// refuses to load it.
inline void writeUnknownOperator(const std::string& path) {
  writeLinearSigmoid(path, {0.5f, -0.25f}, 0.1f);
  ::onnx::ModelProto m;
  std::ifstream in(path, std::ios::binary);
  m.ParseFromIstream(&in);
  in.close();
  m.mutable_graph()->mutable_node(2)->set_op_type("PodmlNoSuchOperator");
  save(m, path);
}

/// out = 2 * x, x [N] double.
inline void writeDoubleScale(const std::string& path) {
  auto m = emptyModel();
  auto* g = m.mutable_graph();
  g->set_name("scale");
  addTensorInfo(g->add_input(), "x", ::onnx::TensorProto::DOUBLE, {"N"});
  addTensorInfo(g->add_output(), "y", ::onnx::TensorProto::DOUBLE, {"N"});
  auto* t = g->add_initializer();
  t->set_name("two");
  t->set_data_type(::onnx::TensorProto::DOUBLE);
  t->add_double_data(2.0);
  addNode(g, "Mul", {"x", "two"}, "y");
  save(m, path);
}

/// score = sigmoid(features @ W + extra), features [N, 2] float, extra [N, 1] float,
/// score [N, 1]: a graph with two inputs.
inline void writeTwoInputs(const std::string& path) {
  auto m = emptyModel();
  auto* g = m.mutable_graph();
  g->set_name("two_inputs");
  addTensorInfo(g->add_input(), "features", ::onnx::TensorProto::FLOAT, {"N", "2"});
  addTensorInfo(g->add_input(), "extra", ::onnx::TensorProto::FLOAT, {"N", "1"});
  addTensorInfo(g->add_output(), "score", ::onnx::TensorProto::FLOAT, {"N", "1"});
  addFloatInitializer(g, "W", {2, 1}, {1.f, -1.f});
  addNode(g, "MatMul", {"features", "W"}, "z0");
  addNode(g, "Add", {"z0", "extra"}, "z1");
  addNode(g, "Sigmoid", {"z1"}, "score");
  save(m, path);
}

/// score = sigmoid(flatten(features) @ W), features [N, 2, 3] float (rank 3), score [N, 1].
inline void writeRank3(const std::string& path) {
  auto m = emptyModel();
  auto* g = m.mutable_graph();
  g->set_name("rank3");
  addTensorInfo(g->add_input(), "features", ::onnx::TensorProto::FLOAT, {"N", "2", "3"});
  addTensorInfo(g->add_output(), "score", ::onnx::TensorProto::FLOAT, {"N", "1"});
  addFloatInitializer(g, "W", {6, 1}, {1.f, 1.f, 1.f, 1.f, 1.f, 1.f});
  auto* fl = addNode(g, "Flatten", {"features"}, "flat");
  auto* axis = fl->add_attribute();
  axis->set_name("axis");
  axis->set_type(::onnx::AttributeProto::INT);
  axis->set_i(1);
  addNode(g, "MatMul", {"flat", "W"}, "z0");
  addNode(g, "Sigmoid", {"z0"}, "score");
  save(m, path);
}

/// y = float(x), x of ONNX element type `elemType` with shape `dims`, y float of the same shape.
/// E.g. an int64 [N] input, a float16 input (no podml dtype), or a rank-0 input (dims {}).
inline void writeCastToFloat(const std::string& path, int elemType, const std::vector<std::string>& dims) {
  auto m = emptyModel();
  auto* g = m.mutable_graph();
  g->set_name("cast_to_float");
  addTensorInfo(g->add_input(), "x", elemType, dims);
  addTensorInfo(g->add_output(), "y", ::onnx::TensorProto::FLOAT, dims);
  auto* cast = addNode(g, "Cast", {"x"}, "y");
  auto* to = cast->add_attribute();
  to->set_name("to");
  to->set_type(::onnx::AttributeProto::INT);
  to->set_i(::onnx::TensorProto::FLOAT);
  save(m, path);
}

/// Copies the model `in` to `out` with metadata_props[key] = value (raw text, not
/// checked), e.g. to store a malformed card.
inline void writeWithMetadata(const std::string& in, const std::string& out, const std::string& key,
                              const std::string& value) {
  ::onnx::ModelProto m;
  {
    std::ifstream f(in, std::ios::binary);
    m.ParseFromIstream(&f);
  }
  auto* p = m.add_metadata_props();
  p->set_key(key);
  p->set_value(value);
  save(m, out);
}

} // namespace testmodels
