// The only translation unit of podml::train that sees ONNX's protobuf types.
#include "podml/train/MlpExport.h"

#include "podml/Exceptions.h"
#include "podml/onnx/ModelCard.h"
#include "podml/onnx/OnnxModel.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace podml::train {
namespace {

void checkShapes(const MlpWeights& m) {
  auto bad = [](const std::string& why) { throw ModelError("cannot export MLP: " + why); };
  if (m.sizes.size() < 2 || m.sizes.back() != 1) {
    bad("layer sizes must run from the inputs to one output");
  }
  const std::size_t layers = m.sizes.size() - 1;
  if (m.weights.size() != layers || m.biases.size() != layers) {
    bad(std::to_string(layers) + " layers but " + std::to_string(m.weights.size()) + " weight matrices");
  }
  for (std::size_t l = 0; l < layers; ++l) {
    if (m.weights[l].size() != static_cast<std::size_t>(m.sizes[l] * m.sizes[l + 1]) ||
        m.biases[l].size() != static_cast<std::size_t>(m.sizes[l + 1])) {
      bad("layer " + std::to_string(l) + " has weights of the wrong size");
    }
  }
  const auto inputs = static_cast<std::size_t>(m.sizes.front());
  if (m.mean.size() != inputs || m.scale.size() != inputs) {
    bad("standardisation needs one mean and one scale per input");
  }
}

void tensorInfo(::onnx::ValueInfoProto* v, const std::string& name, int64_t width) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(::onnx::TensorProto::FLOAT);
  tt->mutable_shape()->add_dim()->set_dim_param("N");
  tt->mutable_shape()->add_dim()->set_dim_value(width);
}

void initializer(::onnx::GraphProto* g, const std::string& name, std::vector<int64_t> dims, const std::vector<float>& v) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(::onnx::TensorProto::FLOAT);
  for (auto d : dims) {
    t->add_dims(d);
  }
  // raw_data is little-endian float, as the machine's.
  t->set_raw_data(std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
}

::onnx::NodeProto* node(::onnx::GraphProto* g, const std::string& op, std::vector<std::string> in, const std::string& out) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(out);
  for (const auto& i : in) {
    n->add_input(i);
  }
  n->add_output(out);
  return n;
}

void floatAttr(::onnx::NodeProto* n, const std::string& name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(::onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

void activation(::onnx::GraphProto* g, const std::string& kind, const std::string& in, const std::string& out) {
  if (kind == "relu") {
    node(g, "Relu", {in}, out);
  } else if (kind == "tanh") {
    node(g, "Tanh", {in}, out);
  } else if (kind == "sigmoid") {
    node(g, "Sigmoid", {in}, out);
  } else if (kind == "elu") {
    floatAttr(node(g, "Elu", {in}, out), "alpha", 1.0f);
  } else if (kind == "leaky_relu") {
    floatAttr(node(g, "LeakyRelu", {in}, out), "alpha", 0.01f);
  } else {
    throw ModelError("cannot export MLP: unknown activation '" + kind + "'");
  }
}

} // namespace

void writeMlpOnnx(const std::string& path, const MlpWeights& mlp, const std::string& inputName,
                  const std::string& outputName, const std::string& cardJson, const std::string& docString) {
  checkShapes(mlp);
  ::onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("podml");
  m.set_producer_version(PODML_VERSION_STRING);
  m.set_doc_string(docString);
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(kExportOpset);
  if (!cardJson.empty()) {
    auto* p = m.add_metadata_props();
    p->set_key(onnx::kCardKey);
    p->set_value(cardJson);
  }
  auto* g = m.mutable_graph();
  g->set_name("podml_mlp");
  tensorInfo(g->add_input(), inputName, mlp.sizes.front());
  tensorInfo(g->add_output(), outputName, 1);

  initializer(g, "standardise.mean", {mlp.sizes.front()}, mlp.mean);
  initializer(g, "standardise.scale", {mlp.sizes.front()}, mlp.scale);
  node(g, "Sub", {inputName, "standardise.mean"}, "centred");
  node(g, "Div", {"centred", "standardise.scale"}, "standardised");
  std::string x = "standardised";
  const std::size_t layers = mlp.sizes.size() - 1;
  for (std::size_t l = 0; l < layers; ++l) {
    const std::string id = std::to_string(l);
    initializer(g, "layer" + id + ".weight", {mlp.sizes[l + 1], mlp.sizes[l]}, mlp.weights[l]);
    initializer(g, "layer" + id + ".bias", {mlp.sizes[l + 1]}, mlp.biases[l]);
    auto* gemm = node(g, "Gemm", {x, "layer" + id + ".weight", "layer" + id + ".bias"}, "layer" + id);
    auto* transB = gemm->add_attribute();
    transB->set_name("transB");
    transB->set_type(::onnx::AttributeProto::INT);
    transB->set_i(1);
    const bool last = l + 1 == layers;
    x = last ? outputName : "hidden" + id;
    if (last) {
      node(g, "Sigmoid", {"layer" + id}, x);
    } else {
      activation(g, mlp.activation, "layer" + id, x);
    }
  }

  const std::filesystem::path target(path);
  const std::string tmp = path + ".podml-tmp-" + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f || !m.SerializeToOstream(&f) || !f.flush()) {
      std::remove(tmp.c_str());
      throw ModelError("cannot write ONNX model '" + path + "': the file cannot be written");
    }
  }
  if (const auto why = onnx::checkModel(tmp); !why.empty()) {
    std::remove(tmp.c_str());
    throw ModelError("cannot write ONNX model '" + path + "': ONNX's checker rejects it: " + why);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw ModelError("cannot write ONNX model '" + path + "': " + ec.message());
  }
}

double mlpForward(const MlpWeights& mlp, const float* x) {
  std::vector<double> a(static_cast<std::size_t>(mlp.sizes.front()));
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = (static_cast<double>(x[i]) - mlp.mean[i]) / mlp.scale[i];
  }
  const std::size_t layers = mlp.sizes.size() - 1;
  for (std::size_t l = 0; l < layers; ++l) {
    const auto in = static_cast<std::size_t>(mlp.sizes[l]);
    const auto out = static_cast<std::size_t>(mlp.sizes[l + 1]);
    std::vector<double> z(out);
    for (std::size_t o = 0; o < out; ++o) {
      double s = mlp.biases[l][o];
      for (std::size_t i = 0; i < in; ++i) {
        s += static_cast<double>(mlp.weights[l][o * in + i]) * a[i];
      }
      if (l + 1 == layers) {
        z[o] = 1.0 / (1.0 + std::exp(-s));
      } else if (mlp.activation == "relu") {
        z[o] = s > 0 ? s : 0;
      } else if (mlp.activation == "tanh") {
        z[o] = std::tanh(s);
      } else if (mlp.activation == "sigmoid") {
        z[o] = 1.0 / (1.0 + std::exp(-s));
      } else if (mlp.activation == "elu") {
        z[o] = s > 0 ? s : std::expm1(s);
      } else {
        z[o] = s > 0 ? s : 0.01 * s;
      }
    }
    a = std::move(z);
  }
  return a.front();
}

} // namespace podml::train
