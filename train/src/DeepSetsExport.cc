#include "podml/train/DeepSetsExport.h"

#include "OnnxGraph.h"

#include "podml/Exceptions.h"

namespace podml::train {
namespace {

void checkShapes(const DeepSetsWeights& n, const DeepSetsGraph& io) {
  auto bad = [](const std::string& why) { throw ModelError("cannot export DeepSets: " + why); };
  auto layers = [&](const MlpWeights& m, const char* what) {
    if (m.sizes.size() < 2 || m.weights.size() + 1 != m.sizes.size() || m.biases.size() + 1 != m.sizes.size()) {
      bad(std::string(what) + " needs at least one layer and one weight matrix per layer");
    }
    for (std::size_t l = 0; l + 1 < m.sizes.size(); ++l) {
      if (m.weights[l].size() != static_cast<std::size_t>(m.sizes[l] * m.sizes[l + 1]) ||
          m.biases[l].size() != static_cast<std::size_t>(m.sizes[l + 1])) {
        bad(std::string(what) + " layer " + std::to_string(l) + " has weights of the wrong size");
      }
    }
  };
  layers(n.phi, "phi");
  layers(n.rho, "rho");
  if (n.phi.mean.size() != static_cast<std::size_t>(n.phi.sizes.front()) || n.phi.scale.size() != n.phi.mean.size()) {
    bad("the constituents need one mean and one scale per value");
  }
  if (n.objectMean.size() != n.objectScale.size() || io.objects.empty() != n.objectMean.empty()) {
    bad("the objects input needs one mean and one scale per value");
  }
  if (n.rho.sizes.front() != n.phi.sizes.back() + static_cast<int64_t>(n.objectMean.size())) {
    bad("rho takes " + std::to_string(n.rho.sizes.front()) + " values, phi and the objects give " +
        std::to_string(n.phi.sizes.back() + static_cast<int64_t>(n.objectMean.size())));
  }
  if (n.pooling != "sum" && n.pooling != "mean") {
    bad("unknown pooling '" + n.pooling + "'");
  }
}

// [out, in] row-major as [in, out], for MatMul on [N, P, in].
std::vector<float> transposed(const std::vector<float>& w, int64_t out, int64_t in) {
  std::vector<float> t(w.size());
  for (int64_t o = 0; o < out; ++o) {
    for (int64_t i = 0; i < in; ++i) {
      t[static_cast<std::size_t>(i * out + o)] = w[static_cast<std::size_t>(o * in + i)];
    }
  }
  return t;
}

} // namespace

void writeDeepSetsOnnx(const std::string& path, const DeepSetsWeights& net, const DeepSetsGraph& io,
                       const std::string& cardJson, const std::string& docString) {
  checkShapes(net, io);
  auto m = graph::newModel(cardJson, docString);
  auto* g = m.mutable_graph();
  g->set_name("podml_deepsets");
  const graph::Dim n = std::string("N");
  const graph::Dim p = io.maxCount > 0 ? graph::Dim{io.maxCount} : graph::Dim{std::string("P")};
  const int64_t f = net.phi.sizes.front();
  for (const auto& name : io.order) {
    if (name == io.constituents) {
      graph::tensorInfo(g->add_input(), name, ::onnx::TensorProto::FLOAT,
                        io.featuresFirst ? std::vector<graph::Dim>{n, f, p} : std::vector<graph::Dim>{n, p, f});
    } else if (name == io.mask) {
      graph::tensorInfo(g->add_input(), name, io.boolMask ? ::onnx::TensorProto::BOOL : ::onnx::TensorProto::FLOAT,
                        io.featuresFirst ? std::vector<graph::Dim>{n, int64_t{1}, p} : std::vector<graph::Dim>{n, p});
    } else if (name == io.objects) {
      graph::tensorInfo(g->add_input(), name, ::onnx::TensorProto::FLOAT,
                        {n, static_cast<int64_t>(net.objectMean.size())});
    } else {
      throw ModelError("cannot export DeepSets: input '" + name + "' is neither the constituents, the mask nor the objects");
    }
  }
  const int64_t outputs = net.rho.sizes.back();
  graph::tensorInfo(g->add_output(), io.output, ::onnx::TensorProto::FLOAT, {n, outputs});

  // Constituents as [N, P, F], standardised, through phi.
  std::string x = io.constituents;
  if (io.featuresFirst) {
    graph::intsAttr(graph::node(g, "Transpose", {x}, "constituents.npf"), "perm", {0, 2, 1});
    x = "constituents.npf";
  }
  graph::initializer(g, "phi.mean", {f}, net.phi.mean);
  graph::initializer(g, "phi.scale", {f}, net.phi.scale);
  graph::node(g, "Sub", {x, "phi.mean"}, "phi.centred");
  graph::node(g, "Div", {"phi.centred", "phi.scale"}, "phi.standardised");
  x = "phi.standardised";
  for (std::size_t l = 0; l + 1 < net.phi.sizes.size(); ++l) {
    const std::string id = "phi" + std::to_string(l);
    const int64_t in = net.phi.sizes[l], out = net.phi.sizes[l + 1];
    graph::initializer(g, id + ".weight", {in, out}, transposed(net.phi.weights[l], out, in));
    graph::initializer(g, id + ".bias", {out}, net.phi.biases[l]);
    graph::node(g, "MatMul", {x, id + ".weight"}, id + ".matmul");
    graph::node(g, "Add", {id + ".matmul", id + ".bias"}, id);
    graph::activation(g, net.phi.activation, id, id + ".act");
    x = id + ".act";
  }

  // The mask as [N, P, 1] floats: padded slots contribute nothing to the pool.
  std::string mask = io.mask;
  if (io.boolMask) {
    graph::intAttr(graph::node(g, "Cast", {mask}, "mask.float"), "to", ::onnx::TensorProto::FLOAT);
    mask = "mask.float";
  }
  // [N, 1, P] -> [N, P, 1] by a transpose, [N, P] -> [N, P, 1] by an unsqueeze: both keep an
  // empty batch (N = 0) valid, where a reshape with -1 would not.
  if (io.featuresFirst) {
    graph::intsAttr(graph::node(g, "Transpose", {mask}, "mask.npf"), "perm", {0, 2, 1});
  } else {
    graph::intInitializer(g, "mask.axes", {2});
    graph::node(g, "Unsqueeze", {mask, "mask.axes"}, "mask.npf");
  }
  graph::node(g, "Mul", {x, "mask.npf"}, "phi.masked");
  graph::intInitializer(g, "pool.axes", {1});
  graph::intAttr(graph::node(g, "ReduceSum", {"phi.masked", "pool.axes"}, "pool.sum"), "keepdims", 0);
  std::string pooled = "pool.sum";
  if (net.pooling == "mean") {
    graph::intAttr(graph::node(g, "ReduceSum", {"mask.npf", "pool.axes"}, "pool.count"), "keepdims", 0);
    graph::initializer(g, "pool.one", {1}, {1.0f});
    graph::node(g, "Max", {"pool.count", "pool.one"}, "pool.count1");
    graph::node(g, "Div", {"pool.sum", "pool.count1"}, "pool.mean");
    pooled = "pool.mean";
  }
  if (!io.objects.empty()) {
    const auto k = static_cast<int64_t>(net.objectMean.size());
    graph::initializer(g, "objects.mean", {k}, net.objectMean);
    graph::initializer(g, "objects.scale", {k}, net.objectScale);
    graph::node(g, "Sub", {io.objects, "objects.mean"}, "objects.centred");
    graph::node(g, "Div", {"objects.centred", "objects.scale"}, "objects.standardised");
    graph::intAttr(graph::node(g, "Concat", {pooled, "objects.standardised"}, "rho.input"), "axis", 1);
    pooled = "rho.input";
  }
  const std::string logits = mlpGemmLayers(g, net.rho, "rho", pooled);
  if (outputs == 1) {
    graph::node(g, "Sigmoid", {logits}, io.output);
  } else {
    graph::intAttr(graph::node(g, "Softmax", {logits}, io.output), "axis", -1);
  }
  graph::save(m, path);
}

} // namespace podml::train
