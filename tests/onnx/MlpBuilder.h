#pragma once
// A small multilayer perceptron written with ONNX's protobuf API (beside ModelBuilder.h):
// inputs [N, k] float, hidden layers Gemm + Relu, one sigmoid output [N, 1]. Opset 17,
// dynamic first axis "N". Weights are fixed pseudo-random numbers from a seed, so the
// same call always writes the same model.

#include "ModelBuilder.h"

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace testmodels {

/// Layer sizes and weights of an MLP, row-major: weights[l] is [sizes[l], sizes[l+1]].
struct Mlp {
  std::vector<int64_t> sizes; ///< {inputs, hidden..., outputs}
  std::vector<std::vector<float>> weights;
  std::vector<std::vector<float>> biases;

  /// Reference forward pass of one object (ReLU between layers, sigmoid at the end),
  /// for checking what ONNX Runtime computes.
  std::vector<float> forward(const float* x) const {
    std::vector<float> a(x, x + sizes.front());
    for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
      const auto in = static_cast<std::size_t>(sizes[l]);
      const auto out = static_cast<std::size_t>(sizes[l + 1]);
      std::vector<float> z(biases[l]);
      for (std::size_t i = 0; i < in; ++i) {
        for (std::size_t j = 0; j < out; ++j) {
          z[j] += a[i] * weights[l][i * out + j];
        }
      }
      const bool last = l + 2 == sizes.size();
      for (auto& v : z) {
        v = last ? 1.0f / (1.0f + std::exp(-v)) : (v > 0.0f ? v : 0.0f);
      }
      a = std::move(z);
    }
    return a;
  }
};

/// Random weights (uniform in +-1/sqrt(fan_in), as PyTorch initialises Linear) for `sizes`.
inline Mlp randomMlp(const std::vector<int64_t>& sizes, uint32_t seed = 20240611) {
  Mlp m;
  m.sizes = sizes;
  std::mt19937 rng(seed);
  for (std::size_t l = 0; l + 1 < sizes.size(); ++l) {
    const float bound = 1.0f / std::sqrt(static_cast<float>(sizes[l]));
    std::uniform_real_distribution<float> u(-bound, bound);
    std::vector<float> w(static_cast<std::size_t>(sizes[l] * sizes[l + 1]));
    std::vector<float> b(static_cast<std::size_t>(sizes[l + 1]));
    for (auto& v : w) {
      v = u(rng);
    }
    for (auto& v : b) {
      v = u(rng);
    }
    m.weights.push_back(std::move(w));
    m.biases.push_back(std::move(b));
  }
  return m;
}

/// Writes `mlp` as Gemm (+ Relu) nodes and a final Sigmoid: input `input` [N, k] float,
/// output `output` [N, outputs] float.
inline void writeMlp(const std::string& path, const Mlp& mlp, const std::string& input = "features",
                     const std::string& output = "score") {
  auto m = emptyModel();
  auto* g = m.mutable_graph();
  g->set_name("mlp");
  addTensorInfo(g->add_input(), input, ::onnx::TensorProto::FLOAT, {"N", std::to_string(mlp.sizes.front())});
  addTensorInfo(g->add_output(), output, ::onnx::TensorProto::FLOAT, {"N", std::to_string(mlp.sizes.back())});
  std::string x = input;
  const std::size_t layers = mlp.sizes.size() - 1;
  for (std::size_t l = 0; l < layers; ++l) {
    const std::string w = "W" + std::to_string(l);
    const std::string b = "B" + std::to_string(l);
    addFloatInitializer(g, w, {mlp.sizes[l], mlp.sizes[l + 1]}, mlp.weights[l]);
    addFloatInitializer(g, b, {mlp.sizes[l + 1]}, mlp.biases[l]);
    auto* gemm = g->add_node();
    gemm->set_op_type("Gemm");
    gemm->set_name("gemm" + std::to_string(l));
    gemm->add_input(x);
    gemm->add_input(w);
    gemm->add_input(b);
    const std::string z = "z" + std::to_string(l);
    gemm->add_output(z);
    auto* act = g->add_node();
    const bool last = l + 1 == layers;
    act->set_op_type(last ? "Sigmoid" : "Relu");
    act->set_name((last ? "sigmoid" : "relu") + std::to_string(l));
    act->add_input(z);
    x = last ? output : "a" + std::to_string(l);
    act->add_output(x);
  }
  save(m, path);
}

} // namespace testmodels
