// The only translation unit that sees ONNX's protobuf types.
#include "podml/onnx/OnnxModel.h"

#include "podml/Exceptions.h"
#include "podml/OutputPath.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace podml::onnx {

namespace {

::onnx::ModelProto load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ModelError("cannot read model '" + path + "': no such file or not readable");
  }
  ::onnx::ModelProto model;
  if (!model.ParseFromIstream(&in)) {
    throw ModelError("cannot read model '" + path + "': not an ONNX model (protobuf parse failed)");
  }
  // Protobuf accepts many byte strings; a model has at least a version and a graph.
  if (model.ir_version() <= 0 || !model.has_graph() || model.graph().output_size() == 0) {
    throw ModelError("cannot read model '" + path + "': not an ONNX model (no IR version or no graph with outputs)");
  }
  return model;
}

TensorInfo tensorInfo(const ::onnx::ValueInfoProto& v) {
  TensorInfo t;
  t.name = v.name();
  if (v.has_type() && v.type().has_tensor_type()) {
    const auto& tt = v.type().tensor_type();
    t.elementType = tt.elem_type();
    switch (tt.elem_type()) {
    case ::onnx::TensorProto::FLOAT:
      t.dtype = DType::Float32;
      break;
    case ::onnx::TensorProto::DOUBLE:
      t.dtype = DType::Float64;
      break;
    case ::onnx::TensorProto::INT8:
      t.dtype = DType::Int8;
      break;
    case ::onnx::TensorProto::INT16:
      t.dtype = DType::Int16;
      break;
    case ::onnx::TensorProto::INT32:
      t.dtype = DType::Int32;
      break;
    case ::onnx::TensorProto::INT64:
      t.dtype = DType::Int64;
      break;
    case ::onnx::TensorProto::UINT8:
      t.dtype = DType::UInt8;
      break;
    case ::onnx::TensorProto::UINT16:
      t.dtype = DType::UInt16;
      break;
    case ::onnx::TensorProto::UINT32:
      t.dtype = DType::UInt32;
      break;
    case ::onnx::TensorProto::UINT64:
      t.dtype = DType::UInt64;
      break;
    case ::onnx::TensorProto::BOOL:
      t.dtype = DType::Bool;
      break;
    default:
      break;
    }
    if (tt.has_shape()) {
      t.hasShape = true;
      for (const auto& d : tt.shape().dim()) {
        if (d.has_dim_value()) {
          t.shape.emplace_back(static_cast<int64_t>(d.dim_value()));
        } else if (d.has_dim_param() && !d.dim_param().empty()) {
          t.shape.emplace_back(d.dim_param());
        } else {
          t.shape.emplace_back(std::string("?"));
        }
      }
    }
  }
  return t;
}

} // namespace

std::string onnxTypeName(int32_t elementType) {
  if (::onnx::TensorProto::DataType_IsValid(elementType)) {
    std::string n = ::onnx::TensorProto::DataType_Name(static_cast<::onnx::TensorProto::DataType>(elementType));
    for (auto& c : n) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return n;
  }
  return "type " + std::to_string(elementType);
}

ModelInfo readModelInfo(const std::string& path) {
  const auto model = load(path);
  ModelInfo info;
  info.path = path;
  info.irVersion = model.ir_version();
  for (const auto& o : model.opset_import()) {
    info.opsets.emplace_back(o.domain(), o.version());
  }
  info.producer = model.producer_name() + (model.producer_version().empty() ? "" : " " + model.producer_version());
  const auto& g = model.graph();
  std::vector<std::string> initializers;
  for (const auto& i : g.initializer()) {
    initializers.push_back(i.name());
  }
  for (const auto& in : g.input()) {
    if (std::find(initializers.begin(), initializers.end(), in.name()) == initializers.end()) {
      info.inputs.push_back(tensorInfo(in));
    }
  }
  for (const auto& out : g.output()) {
    info.outputs.push_back(tensorInfo(out));
  }
  for (const auto& p : model.metadata_props()) {
    info.metadata.emplace_back(p.key(), p.value());
    if (p.key() == kCardKey) {
      info.card = p.value();
    }
  }
  return info;
}

void attachCard(const std::string& in, const ModelCard& card, const std::string& out) {
  auto model = load(in);
  const std::string json = card.toJson();
  bool replaced = false;
  for (auto& p : *model.mutable_metadata_props()) {
    if (p.key() == kCardKey) {
      p.set_value(json);
      replaced = true;
    }
  }
  if (!replaced) {
    auto* p = model.add_metadata_props();
    p->set_key(kCardKey);
    p->set_value(json);
  }
  // The input may be the output (a card replaced in place), but never a device or directory.
  checkOutputPath(out, {}, "model");
  const std::string tmp = out + ".podml-tmp-" + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f || !model.SerializeToOstream(&f)) {
      std::filesystem::remove(tmp);
      throw ModelError("cannot write model '" + out + "': write failed");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, out, ec);
  if (ec) {
    std::filesystem::remove(tmp);
    throw ModelError("cannot write model '" + out + "': " + ec.message());
  }
}

std::string checkModel(const std::string& path) {
  try {
    auto model = load(path);
    ::onnx::checker::check_model(model);
  } catch (const ModelError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

} // namespace podml::onnx
