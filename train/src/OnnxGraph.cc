#include "OnnxGraph.h"

#include "podml/Exceptions.h"
#include "podml/OutputPath.h"
#include "podml/onnx/ModelCard.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/train/MlpExport.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace podml::train::graph {

void tensorInfo(::onnx::ValueInfoProto* v, const std::string& name, int elemType, const std::vector<Dim>& dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elemType);
  for (const auto& d : dims) {
    auto* dim = tt->mutable_shape()->add_dim();
    if (const auto* s = std::get_if<std::string>(&d)) {
      dim->set_dim_param(*s);
    } else {
      dim->set_dim_value(std::get<int64_t>(d));
    }
  }
}

void initializer(::onnx::GraphProto* g, const std::string& name, std::vector<int64_t> dims, const std::vector<float>& v) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(::onnx::TensorProto::FLOAT);
  for (auto d : dims) {
    t->add_dims(d);
  }
  // raw_data is little-endian, as the machine's.
  t->set_raw_data(std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float)));
}

void intInitializer(::onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& v) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(::onnx::TensorProto::INT64);
  t->add_dims(static_cast<int64_t>(v.size()));
  t->set_raw_data(std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(int64_t)));
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

void intAttr(::onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(::onnx::AttributeProto::INT);
  a->set_i(v);
}

void intsAttr(::onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(::onnx::AttributeProto::INTS);
  for (auto x : v) {
    a->add_ints(x);
  }
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
    throw ModelError("cannot export the network: unknown activation '" + kind + "'");
  }
}

::onnx::ModelProto newModel(const std::string& cardJson, const std::string& docString) {
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
  return m;
}

void save(const ::onnx::ModelProto& m, const std::string& path) {
  checkOutputPath(path, {}, "model");
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
  std::filesystem::rename(tmp, std::filesystem::path(path), ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw ModelError("cannot write ONNX model '" + path + "': " + ec.message());
  }
}

} // namespace podml::train::graph
