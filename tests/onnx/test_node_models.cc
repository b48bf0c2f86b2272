// Real ONNX models podml did not write: node tests of ONNX's own suite (Debian's
// libonnx-testdata), run through podml's Session and compared with the expected
// outputs shipped with them.
#include "podml/onnx/OnnxModel.h"
#include "podml/onnx/Session.h"

#include <onnx/onnx_pb.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace {

const std::filesystem::path kNodeDir = "/usr/share/libonnx-testdata/data/node";

podml::onnx::Tensor readTensor(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  ::onnx::TensorProto t;
  if (!t.ParseFromIstream(&in)) {
    throw std::runtime_error("cannot parse " + file.string());
  }
  podml::onnx::Tensor out;
  for (auto d : t.dims()) {
    out.shape.push_back(d);
  }
  switch (t.data_type()) {
  case ::onnx::TensorProto::FLOAT:
    out.dtype = podml::DType::Float32;
    break;
  case ::onnx::TensorProto::DOUBLE:
    out.dtype = podml::DType::Float64;
    break;
  case ::onnx::TensorProto::INT64:
    out.dtype = podml::DType::Int64;
    break;
  case ::onnx::TensorProto::INT32:
    out.dtype = podml::DType::Int32;
    break;
  default:
    throw std::runtime_error("unsupported tensor type in " + file.string());
  }
  const std::size_t bytes = out.size() * podml::dtypeSize(out.dtype);
  out.data.resize(bytes);
  if (bytes == 0) {
    return out; // e.g. an empty list of axes
  }
  if (!t.raw_data().empty()) {
    if (t.raw_data().size() != bytes) {
      throw std::runtime_error("raw data size mismatch in " + file.string());
    }
    std::memcpy(out.data.data(), t.raw_data().data(), bytes);
  } else if (out.dtype == podml::DType::Float32) {
    std::memcpy(out.data.data(), t.float_data().data(), bytes);
  } else if (out.dtype == podml::DType::Float64) {
    std::memcpy(out.data.data(), t.double_data().data(), bytes);
  } else if (out.dtype == podml::DType::Int64) {
    std::memcpy(out.data.data(), t.int64_data().data(), bytes);
  } else {
    std::memcpy(out.data.data(), t.int32_data().data(), bytes);
  }
  return out;
}

double at(const podml::onnx::Tensor& t, std::size_t i) {
  switch (t.dtype) {
  case podml::DType::Float32:
    return t.as<float>()[i];
  case podml::DType::Float64:
    return t.as<double>()[i];
  case podml::DType::Int64:
    return static_cast<double>(t.as<int64_t>()[i]);
  default:
    return t.as<int32_t>()[i];
  }
}

class NodeModel : public ::testing::TestWithParam<std::string> {};

} // namespace

TEST_P(NodeModel, MatchesExpectedOutputs) {
  const auto dir = kNodeDir / GetParam();
  ASSERT_TRUE(std::filesystem::exists(dir / "model.onnx")) << "libonnx-testdata is not installed";
  const podml::onnx::Session session((dir / "model.onnx").string());
  const auto data = dir / "test_data_set_0";
  std::vector<podml::onnx::Tensor> inputs;
  for (std::size_t i = 0; std::filesystem::exists(data / ("input_" + std::to_string(i) + ".pb")); ++i) {
    inputs.push_back(readTensor(data / ("input_" + std::to_string(i) + ".pb")));
  }
  const auto outputs = session.runTensors(inputs);
  for (std::size_t o = 0; std::filesystem::exists(data / ("output_" + std::to_string(o) + ".pb")); ++o) {
    const auto expected = readTensor(data / ("output_" + std::to_string(o) + ".pb"));
    ASSERT_LT(o, outputs.size());
    EXPECT_EQ(outputs[o].shape, expected.shape);
    ASSERT_EQ(outputs[o].size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const double want = at(expected, i);
      ASSERT_NEAR(at(outputs[o], i), want, 1e-5 * std::max(1.0, std::abs(want))) << GetParam() << " element " << i;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(LibonnxTestdata, NodeModel,
                         ::testing::Values("test_abs", "test_add", "test_clip", "test_concat_2d_axis_0", "test_div",
                                           "test_exp", "test_gemm_default_no_bias", "test_identity", "test_leakyrelu",
                                           "test_log", "test_matmul_2d", "test_mul", "test_neg",
                                           "test_reduce_sum_default_axes_keepdims_example", "test_relu", "test_sigmoid",
                                           "test_softmax_axis_1", "test_sub", "test_tanh", "test_transpose_default"));
