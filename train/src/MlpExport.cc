#include "podml/train/MlpExport.h"

#include "OnnxGraph.h"

#include "podml/Exceptions.h"

#include <cmath>

namespace podml::train {
namespace {

void checkShapes(const MlpWeights& m) {
  auto bad = [](const std::string& why) { throw ModelError("cannot export MLP: " + why); };
  if (m.sizes.size() < 2 || m.sizes.back() < 1) {
    bad("layer sizes must run from the inputs to at least one output");
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

} // namespace

void writeMlpOnnx(const std::string& path, const MlpWeights& mlp, const std::string& inputName,
                  const std::string& outputName, const std::string& cardJson, const std::string& docString) {
  checkShapes(mlp);
  auto m = graph::newModel(cardJson, docString);
  auto* g = m.mutable_graph();
  g->set_name("podml_mlp");
  const int64_t outputs = mlp.sizes.back();
  graph::tensorInfo(g->add_input(), inputName, ::onnx::TensorProto::FLOAT, {std::string("N"), mlp.sizes.front()});
  graph::tensorInfo(g->add_output(), outputName, ::onnx::TensorProto::FLOAT, {std::string("N"), outputs});

  graph::initializer(g, "standardise.mean", {mlp.sizes.front()}, mlp.mean);
  graph::initializer(g, "standardise.scale", {mlp.sizes.front()}, mlp.scale);
  graph::node(g, "Sub", {inputName, "standardise.mean"}, "centred");
  graph::node(g, "Div", {"centred", "standardise.scale"}, "standardised");
  const std::string logits = mlpGemmLayers(g, mlp, "layer", "standardised");
  if (outputs == 1) {
    graph::node(g, "Sigmoid", {logits}, outputName);
  } else {
    graph::intAttr(graph::node(g, "Softmax", {logits}, outputName), "axis", -1);
  }
  graph::save(m, path);
}

std::string mlpGemmLayers(::onnx::GraphProto* g, const MlpWeights& mlp, const std::string& prefix, std::string x) {
  const std::size_t layers = mlp.sizes.size() - 1;
  for (std::size_t l = 0; l < layers; ++l) {
    const std::string id = prefix + std::to_string(l);
    graph::initializer(g, id + ".weight", {mlp.sizes[l + 1], mlp.sizes[l]}, mlp.weights[l]);
    graph::initializer(g, id + ".bias", {mlp.sizes[l + 1]}, mlp.biases[l]);
    graph::intAttr(graph::node(g, "Gemm", {x, id + ".weight", id + ".bias"}, id), "transB", 1);
    x = id;
    if (l + 1 < layers) {
      graph::activation(g, mlp.activation, id, id + ".act");
      x = id + ".act";
    }
  }
  return x;
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
        z[o] = s;
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
  if (a.size() == 1) {
    return 1.0 / (1.0 + std::exp(-a.front()));
  }
  double mx = a.front(), sum = 0;
  for (double v : a) {
    mx = std::max(mx, v);
  }
  for (double v : a) {
    sum += std::exp(v - mx);
  }
  return std::exp(a.front() - mx) / sum;
}

} // namespace podml::train
