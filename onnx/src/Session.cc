// The only translation unit that sees ONNX Runtime's API.
#include "podml/onnx/Session.h"

#include "podml/DataModelRegistry.h"
#include "podml/Exceptions.h"
#include "podml/GenericCollection.h"

#include <onnxruntime_cxx_api.h>

#include <array>
#include <cstring>
#include <span>

namespace podml::onnx {

std::size_t Tensor::size() const {
  std::size_t n = 1;
  for (auto d : shape) {
    n *= static_cast<std::size_t>(d);
  }
  return n;
}

namespace {

// One process-wide environment, as ONNX Runtime wants.
Ort::Env& env() {
  static Ort::Env e(ORT_LOGGING_LEVEL_WARNING, "podml");
  return e;
}

ONNXTensorElementDataType ortType(DType d) {
  switch (d) {
  case DType::Float32:
    return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
  case DType::Float64:
    return ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE;
  case DType::Int8:
    return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8;
  case DType::Int16:
    return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16;
  case DType::Int32:
    return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32;
  case DType::Int64:
    return ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64;
  case DType::UInt8:
    return ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8;
  case DType::UInt16:
    return ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16;
  case DType::UInt32:
    return ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32;
  case DType::UInt64:
    return ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64;
  case DType::Bool:
    return ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL;
  case DType::ObjectID:
    break;
  }
  throw InferenceError("cannot make a tensor of dtype " + std::string(dtypeName(d)));
}

DType podmlType(ONNXTensorElementDataType t) {
  switch (t) {
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
    return DType::Float32;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE:
    return DType::Float64;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8:
    return DType::Int8;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16:
    return DType::Int16;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
    return DType::Int32;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
    return DType::Int64;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8:
    return DType::UInt8;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16:
    return DType::UInt16;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32:
    return DType::UInt32;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64:
    return DType::UInt64;
  case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL:
    return DType::Bool;
  default:
    break;
  }
  throw InferenceError("cannot read an output of ONNX element type " + std::to_string(static_cast<int>(t)));
}

template <typename T>
void storeAs(std::byte* out, std::size_t i, double v) {
  reinterpret_cast<T*>(out)[i] = static_cast<T>(v);
}

void storeDouble(DType d, std::byte* out, std::size_t i, double v) {
  switch (d) {
  case DType::Float32:
    return storeAs<float>(out, i, v);
  case DType::Float64:
    return storeAs<double>(out, i, v);
  case DType::Int8:
    return storeAs<int8_t>(out, i, v);
  case DType::Int16:
    return storeAs<int16_t>(out, i, v);
  case DType::Int32:
    return storeAs<int32_t>(out, i, v);
  case DType::Int64:
    return storeAs<int64_t>(out, i, v);
  case DType::UInt8:
    return storeAs<uint8_t>(out, i, v);
  case DType::UInt16:
    return storeAs<uint16_t>(out, i, v);
  case DType::UInt32:
    return storeAs<uint32_t>(out, i, v);
  case DType::UInt64:
    return storeAs<uint64_t>(out, i, v);
  case DType::Bool:
    return storeAs<bool>(out, i, v != 0.0);
  case DType::ObjectID:
    break;
  }
}

// Per-thread scratch: run() is const and called from many threads, so nothing is shared.
struct Scratch {
  std::vector<std::vector<std::byte>> gather;
  std::vector<const void*> lastData;
  std::vector<const CollectionBase*> colls; // the bound collections of the event being run
};
thread_local Scratch t_scratch;

// Copies rows [r0, r1) of one member column (`width` values per row) into its slot
// (`offset`) of the row-major [n, rowWidth] tensor buffer, converting Src -> Dst directly.
// Instantiated per (column dtype, tensor dtype) pair and chosen once at bind time, so
// the hot loop has no per-element switch and no detour through double.
using GatherFn = void (*)(const void* src, std::byte* dst, std::size_t r0, std::size_t r1, uint32_t width,
                          uint32_t rowWidth, uint32_t offset);

template <typename Dst, typename Src>
void gatherMember(const void* src, std::byte* dst, std::size_t r0, std::size_t r1, uint32_t width, uint32_t rowWidth,
                  uint32_t offset) {
  const Src* s = static_cast<const Src*>(src);
  Dst* d = reinterpret_cast<Dst*>(dst);
  if (width == 1) {
    for (std::size_t r = r0; r < r1; ++r) {
      d[r * rowWidth + offset] = static_cast<Dst>(s[r]);
    }
    return;
  }
  for (std::size_t r = r0; r < r1; ++r) {
    for (uint32_t k = 0; k < width; ++k) {
      d[r * rowWidth + offset + k] = static_cast<Dst>(s[r * width + k]);
    }
  }
}

template <typename Dst>
GatherFn gatherFrom(DType src) {
  switch (src) {
  case DType::Float32: return &gatherMember<Dst, float>;
  case DType::Float64: return &gatherMember<Dst, double>;
  case DType::Int8: return &gatherMember<Dst, int8_t>;
  case DType::Int16: return &gatherMember<Dst, int16_t>;
  case DType::Int32: return &gatherMember<Dst, int32_t>;
  case DType::Int64: return &gatherMember<Dst, int64_t>;
  case DType::UInt8: return &gatherMember<Dst, uint8_t>;
  case DType::UInt16: return &gatherMember<Dst, uint16_t>;
  case DType::UInt32: return &gatherMember<Dst, uint32_t>;
  case DType::UInt64: return &gatherMember<Dst, uint64_t>;
  case DType::Bool: return &gatherMember<Dst, bool>;
  case DType::ObjectID: break;
  }
  throw InferenceError("cannot gather a column of dtype " + std::string(dtypeName(src)) + " into a tensor");
}

GatherFn gatherFunction(DType src, DType dst) {
  switch (dst) {
  case DType::Float32: return gatherFrom<float>(src);
  case DType::Float64: return gatherFrom<double>(src);
  case DType::Int8: return gatherFrom<int8_t>(src);
  case DType::Int16: return gatherFrom<int16_t>(src);
  case DType::Int32: return gatherFrom<int32_t>(src);
  case DType::Int64: return gatherFrom<int64_t>(src);
  case DType::UInt8: return gatherFrom<uint8_t>(src);
  case DType::UInt16: return gatherFrom<uint16_t>(src);
  case DType::UInt32: return gatherFrom<uint32_t>(src);
  case DType::UInt64: return gatherFrom<uint64_t>(src);
  case DType::Bool: return gatherFrom<bool>(src);
  case DType::ObjectID: break;
  }
  throw InferenceError("cannot make a tensor of dtype " + std::string(dtypeName(dst)));
}

// Rows per gather block: the block's slice of the tensor (256 rows x 8 floats = 8 KiB)
// stays in L1 while every member writes its slot, instead of one pass over the whole
// tensor per member.
constexpr std::size_t kGatherBlock = 256;

struct BoundMember {
  std::size_t column;
  uint32_t width;
  DType dtype;
  uint32_t offset{0};        // first slot of this member in a tensor row
  GatherFn gather{nullptr};  // column dtype -> tensor dtype
};

struct BoundInput {
  std::string collection;
  std::string type;
  std::vector<BoundMember> members;
  uint32_t width{0};   // values per object
  DType dtype{DType::Float32};
  bool rank1{false};   // tensor [N] instead of [N, width]
  bool zeroCopy{false};
};

} // namespace

std::string formatMismatches(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) {
    s += "\n  " + l;
  }
  return s;
}

struct Session::Impl {
  std::string path;
  ModelInfo info;
  ModelCard card;
  bool hasCard{false};
  const DataModelDefinition* dataModel{nullptr};
  SessionOptions options;
  std::unique_ptr<Ort::Session> session;
  Ort::MemoryInfo memInfo{Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault)};
  std::vector<std::string> inputNames, outputNames;
  std::vector<const char*> inputPtrs, outputPtrs;
  std::vector<BoundInput> bound;
  bool preallocOutputs{false};
  std::vector<std::vector<int64_t>> outputTail; // per output: {0, fixed dims...}

  void load(const std::string& modelPath, const SessionOptions& opt) {
    path = modelPath;
    options = opt;
    info = readModelInfo(modelPath);
    if (info.card) {
      try {
        card = ModelCard::fromJson(*info.card, modelPath + ": metadata_props['" + kCardKey + "']");
      } catch (const DefinitionError& e) {
        throw ModelError("cannot load model '" + modelPath + "': its card is broken: " + e.what());
      }
      hasCard = true;
    } else if (opt.binding) {
      card = *opt.binding;
    }
  }

  // After the checks, so that a model that does not fit reports the mismatches,
  // not whatever ONNX Runtime finds first.
  void createSession() {
    Ort::SessionOptions so;
    so.SetIntraOpNumThreads(options.intraOpThreads);
    so.SetInterOpNumThreads(options.interOpThreads);
    so.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    try {
      session = std::make_unique<Ort::Session>(env(), path.c_str(), so);
    } catch (const Ort::Exception& e) {
      throw ModelError("cannot load model '" + path + "': " + e.what());
    }
    for (const auto& t : info.outputs) {
      outputNames.push_back(t.name);
    }
    for (const auto& n : outputNames) {
      outputPtrs.push_back(n.c_str());
    }
  }

  void bind(const DataModelDefinition& dm) {
    dataModel = &dm;
    if (!hasCard && !options.binding) {
      throw ModelError("cannot bind model '" + path + "': it has no podml card; attach one (podml card attach) or pass "
                       "an explicit binding in SessionOptions::binding");
    }
    if (!hasCard) {
      // An explicit binding may leave dtypes, shapes and units to the data model.
      card.completeFrom(dm);
    }
    auto problems = checkCardAgainstGraph(card, info);
    const auto dmProblems = checkCardAgainstDataModel(card, dm);
    problems.insert(problems.end(), dmProblems.begin(), dmProblems.end());
    if (!problems.empty()) {
      throw ModelError("model '" + path + "' does not fit the data (" + std::to_string(problems.size()) +
                       (problems.size() == 1 ? " mismatch):" : " mismatches):") + formatMismatches(problems));
    }
    for (const auto& in : card.inputs) {
      BoundInput b;
      const auto over = options.inputCollections.find(in.name);
      b.collection = over != options.inputCollections.end() ? over->second : in.collection;
      b.type = in.collectionType;
      b.dtype = in.dtype;
      const auto* type = dm.datatype(in.collectionType);
      for (const auto& m : in.members) {
        const int k = type->columnIndex(m.path);
        const uint32_t w = type->columns[static_cast<std::size_t>(k)].width();
        b.members.push_back({static_cast<std::size_t>(k), w, m.dtype, b.width, gatherFunction(m.dtype, in.dtype)});
        b.width += w;
      }
      const auto g = std::find_if(info.inputs.begin(), info.inputs.end(), [&](const TensorInfo& t) { return t.name == in.name; });
      b.rank1 = g->hasShape && g->shape.size() == 1;
      b.zeroCopy = b.members.size() == 1 && b.members.front().dtype == b.dtype;
      if (b.collection.empty()) {
        throw ModelError("cannot bind input '" + in.name + "' of model '" + path +
                         "': the card names no collection and none was given");
      }
      bound.push_back(std::move(b));
      inputNames.push_back(in.name);
    }
    for (const auto& n : inputNames) {
      inputPtrs.push_back(n.c_str());
    }
    // Preallocate outputs when every output is [S, fixed...] with S the symbolic object
    // axis of every input (the card's "N"), and has a podml dtype.
    preallocOutputs = !info.inputs.empty();
    for (const auto& in : info.inputs) {
      preallocOutputs = preallocOutputs && in.hasShape && !in.shape.empty() &&
                        std::holds_alternative<std::string>(in.shape[0]) &&
                        std::get<std::string>(in.shape[0]) == std::get<std::string>(info.inputs[0].shape[0]);
    }
    for (const auto& o : info.outputs) {
      bool ok = preallocOutputs && o.dtype && o.hasShape && !o.shape.empty() &&
                std::holds_alternative<std::string>(o.shape[0]) &&
                std::get<std::string>(o.shape[0]) == std::get<std::string>(info.inputs[0].shape[0]);
      std::vector<int64_t> tail{0};
      for (std::size_t d = 1; ok && d < o.shape.size(); ++d) {
        ok = std::holds_alternative<int64_t>(o.shape[d]);
        if (ok) {
          tail.push_back(std::get<int64_t>(o.shape[d]));
        }
      }
      preallocOutputs = ok;
      outputTail.push_back(std::move(tail));
    }
  }

  std::vector<Tensor> collect(std::vector<Ort::Value>& outs) const {
    std::vector<Tensor> result;
    for (auto& v : outs) {
      Tensor t;
      const auto ti = v.GetTensorTypeAndShapeInfo();
      t.dtype = podmlType(ti.GetElementType());
      t.shape = ti.GetShape();
      t.data.resize(t.size() * dtypeSize(t.dtype));
      if (!t.data.empty()) {
        std::memcpy(t.data.data(), v.GetTensorRawData(), t.data.size());
      }
      result.push_back(std::move(t));
    }
    return result;
  }

  EventResult run(const Frame& event) const {
    if (dataModel == nullptr) {
      throw InferenceError("cannot run model '" + path + "' on an event: the session was created without a data model");
    }
    auto& scratch = t_scratch;
    scratch.gather.resize(bound.size());
    scratch.lastData.assign(bound.size(), nullptr);
    std::vector<Ort::Value> values;
    values.reserve(bound.size());
    // Every input shares the object axis: all collections hold the same number of
    // objects, or the event cannot be scored (skipped if one is empty, else an error).
    auto& colls = scratch.colls;
    colls.assign(bound.size(), nullptr);
    int64_t objects = -1;
    std::size_t widest = 0;
    for (std::size_t i = 0; i < bound.size(); ++i) {
      const auto& b = bound[i];
      const CollectionBase* coll = event.get(b.collection);
      if (coll == nullptr) {
        throw InferenceError("cannot run model '" + path + "': input '" + inputNames[i] + "' reads collection '" +
                             b.collection + "', which the event does not have");
      }
      if (coll->getValueTypeName() != b.type || coll->isSubsetCollection()) {
        throw InferenceError("cannot run model '" + path + "': collection '" + b.collection + "' holds " +
                             std::string(coll->getValueTypeName()) + (coll->isSubsetCollection() ? " references" : "") +
                             ", input '" + inputNames[i] + "' needs " + b.type);
      }
      colls[i] = coll;
      const auto n = static_cast<int64_t>(coll->size());
      if (objects >= 0 && n != objects && n != 0 && objects != 0) {
        throw InferenceError("cannot run model '" + path + "': its inputs share the object axis, but input '" +
                             inputNames[widest] + "' reads " + std::to_string(objects) + " objects from collection '" +
                             bound[widest].collection + "' and input '" + inputNames[i] + "' " + std::to_string(n) +
                             " from '" + b.collection + "'");
      }
      if (n > objects) {
        widest = i;
      }
      objects = std::max(objects, n);
    }
    EventResult result;
    result.names = outputNames;
    for (std::size_t i = 0; i < bound.size() && objects > 0; ++i) {
      if (colls[i]->size() == 0) {
        result.skipped = "input '" + inputNames[i] + "' reads collection '" + bound[i].collection +
                         "', which is empty, while input '" + inputNames[widest] + "' has " + std::to_string(objects) +
                         " objects in '" + bound[widest].collection + "'";
        objects = 0;
      }
    }
    for (std::size_t i = 0; i < bound.size() && objects > 0; ++i) {
      const auto& b = bound[i];
      const CollectionBase* coll = colls[i];
      const auto n = objects;
      const auto cols = coll->columns();
      const std::array<int64_t, 2> shapeData{n, static_cast<int64_t>(b.width)};
      const std::span<const int64_t> shape(shapeData.data(), b.rank1 ? 1 : 2);
      void* data = nullptr;
      std::size_t bytes = static_cast<std::size_t>(n) * b.width * dtypeSize(b.dtype);
      if (b.zeroCopy) {
        // The column is the tensor: ONNX Runtime reads the collection's memory directly.
        data = const_cast<void*>(cols[b.members.front().column].rawData());
      } else {
        auto& buf = scratch.gather[i];
        if (buf.size() < bytes) {
          buf.resize(bytes); // grows only: later events reuse the thread's buffer as is
        }
        const auto rows = static_cast<std::size_t>(n);
        for (std::size_t r0 = 0; r0 < rows; r0 += kGatherBlock) {
          const std::size_t r1 = std::min(rows, r0 + kGatherBlock);
          for (const auto& m : b.members) {
            m.gather(cols[m.column].rawData(), buf.data(), r0, r1, m.width, b.width, m.offset);
          }
        }
        data = buf.data();
      }
      scratch.lastData[i] = data;
      values.push_back(Ort::Value::CreateTensor(memInfo, data, bytes, shape.data(), shape.size(), ortType(b.dtype)));
    }
    if (objects <= 0) {
      // Nothing to score: no call into ONNX Runtime.
      for (const auto& o : info.outputs) {
        Tensor t;
        t.dtype = o.dtype.value_or(DType::Float32);
        t.shape = {0};
        for (std::size_t d = 1; d < o.shape.size(); ++d) {
          t.shape.push_back(std::holds_alternative<int64_t>(o.shape[d]) ? std::get<int64_t>(o.shape[d]) : 1);
        }
        result.tensors.push_back(std::move(t));
      }
      return result;
    }
    if (preallocOutputs) {
      // Output shapes are [N, fixed...]: ORT writes straight into the result tensors
      // (no ORT allocation, no GetTensorTypeAndShapeInfo, no copy).
      std::vector<Ort::Value> outs;
      outs.reserve(info.outputs.size());
      result.tensors.resize(info.outputs.size());
      for (std::size_t o = 0; o < info.outputs.size(); ++o) {
        Tensor& t = result.tensors[o];
        t.dtype = *info.outputs[o].dtype;
        t.shape = outputTail[o];
        t.shape[0] = objects;
        t.data.resize(t.size() * dtypeSize(t.dtype));
        outs.push_back(Ort::Value::CreateTensor(memInfo, t.data.data(), t.data.size(), t.shape.data(), t.shape.size(),
                                                ortType(t.dtype)));
      }
      try {
        session->Run(Ort::RunOptions{nullptr}, inputPtrs.data(), values.data(), values.size(), outputPtrs.data(),
                     outs.data(), outs.size());
      } catch (const Ort::Exception& e) {
        throw InferenceError("cannot run model '" + path + "': " + e.what());
      }
      return result;
    }
    std::vector<Ort::Value> outs;
    try {
      outs = session->Run(Ort::RunOptions{nullptr}, inputPtrs.data(), values.data(), values.size(), outputPtrs.data(),
                          outputPtrs.size());
    } catch (const Ort::Exception& e) {
      throw InferenceError("cannot run model '" + path + "': " + e.what());
    }
    result.tensors = collect(outs);
    return result;
  }
};

Session::Session(const std::string& modelPath, const DataModelDefinition& dataModel, SessionOptions options)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->load(modelPath, options);
  m_impl->bind(dataModel);
  m_impl->createSession();
}

Session::Session(const std::string& modelPath, SessionOptions options) : m_impl(std::make_unique<Impl>()) {
  m_impl->load(modelPath, options);
  m_impl->createSession();
}

Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

const ModelCard& Session::card() const { return m_impl->card; }
const ModelInfo& Session::info() const { return m_impl->info; }

EventResult Session::run(const Frame& event) const { return m_impl->run(event); }

std::vector<Tensor> Session::runTensors(const std::vector<Tensor>& inputs) const {
  const auto& im = *m_impl;
  if (inputs.size() != im.info.inputs.size()) {
    throw InferenceError("cannot run model '" + im.path + "': it has " + std::to_string(im.info.inputs.size()) +
                         " inputs, " + std::to_string(inputs.size()) + " given");
  }
  std::vector<std::string> names;
  std::vector<const char*> ptrs;
  for (const auto& t : im.info.inputs) {
    names.push_back(t.name);
  }
  for (const auto& n : names) {
    ptrs.push_back(n.c_str());
  }
  std::vector<Ort::Value> values;
  for (const auto& t : inputs) {
    if (t.data.size() != t.size() * dtypeSize(t.dtype)) {
      throw InferenceError("cannot run model '" + im.path + "': a tensor's data does not match its shape");
    }
    values.push_back(Ort::Value::CreateTensor(im.memInfo, const_cast<std::byte*>(t.data.data()), t.data.size(),
                                              t.shape.data(), t.shape.size(), ortType(t.dtype)));
  }
  try {
    auto outs = im.session->Run(Ort::RunOptions{nullptr}, ptrs.data(), values.data(), values.size(), im.outputPtrs.data(),
                                im.outputPtrs.size());
    return im.collect(outs);
  } catch (const Ort::Exception& e) {
    throw InferenceError("cannot run model '" + im.path + "': " + e.what());
  }
}

std::string outputCollectionName(const CardOutput& output, const SessionOptions& options) {
  const auto over = options.outputCollections.find(output.name);
  if (over != options.outputCollections.end()) {
    return over->second;
  }
  return output.target && !output.target->collection.empty() ? output.target->collection : output.name;
}

std::string Session::outputCollection(const CardOutput& output) const {
  return outputCollectionName(output, m_impl->options);
}

std::vector<std::pair<std::string, std::unique_ptr<CollectionBase>>> Session::runAndWriteBack(const Frame& event,
                                                                                           std::string* skipped) const {
  const auto& im = *m_impl;
  const EventResult result = im.run(event);
  if (!result.skipped.empty()) {
    if (skipped == nullptr) {
      throw InferenceError("cannot score the event with model '" + im.path + "': " + result.skipped);
    }
    *skipped = result.skipped;
  }
  std::vector<std::pair<std::string, std::unique_ptr<CollectionBase>>> out;
  for (const auto& o : im.card.outputs) {
    if (!o.target) {
      continue;
    }
    const auto idx = static_cast<std::size_t>(
        std::find(result.names.begin(), result.names.end(), o.name) - result.names.begin());
    const Tensor& t = result.tensors.at(idx);
    // Which input's objects the rows belong to: the named one, else the first.
    std::size_t inIdx = 0;
    for (std::size_t i = 0; i < im.card.inputs.size(); ++i) {
      if (im.card.inputs[i].name == o.input) {
        inIdx = i;
      }
    }
    const CollectionBase* scored = event.get(im.bound[inIdx].collection);
    const std::size_t n = t.shape.empty() ? 0 : static_cast<std::size_t>(t.shape.front());
    if (n != 0 && t.size() != n) {
      throw InferenceError("cannot write output '" + o.name + "' of model '" + im.path + "': it has " +
                           std::to_string(t.size() / n) + " values per object, the target member holds one");
    }
    if (scored != nullptr && n != scored->size() && result.skipped.empty()) {
      throw InferenceError("cannot write output '" + o.name + "' of model '" + im.path + "': " + std::to_string(n) +
                           " rows for " + std::to_string(scored->size()) + " scored objects");
    }
    const auto* type = im.dataModel->datatype(o.target->type);
    std::unique_ptr<CollectionBase> coll = DataModelRegistry::instance().createCollection(o.target->type);
    if (!coll || coll->definition().hash != type->hash) {
      // Not compiled in (or another layout): a generic collection from the definition.
      coll = std::make_unique<GenericCollection>(
          std::shared_ptr<const DataModelDefinition>(std::shared_ptr<void>{}, im.dataModel), *type);
    }
    coll->setObjectCount(n);
    auto cols = coll->columns();
    const int k = type->columnIndex(o.target->member);
    Column& target = cols[static_cast<std::size_t>(k)];
    for (std::size_t i = 0; i < n; ++i) {
      double v = 0;
      switch (t.dtype) {
      case DType::Float32:
        v = t.as<float>()[i];
        break;
      case DType::Float64:
        v = t.as<double>()[i];
        break;
      case DType::Int64:
        v = static_cast<double>(t.as<int64_t>()[i]);
        break;
      case DType::Int32:
        v = t.as<int32_t>()[i];
        break;
      default:
        throw InferenceError("cannot write output '" + o.name + "': element type " + std::string(dtypeName(t.dtype)) +
                             " is not supported for write-back");
      }
      storeDouble(target.dtype(), static_cast<std::byte*>(target.rawData()), i, v);
    }
    if (const int a = type->columnIndex("algorithmType"); a >= 0 && type->columns[static_cast<std::size_t>(a)].dtype == DType::Int32) {
      auto* alg = cols[static_cast<std::size_t>(a)].data<int32_t>();
      std::fill(alg, alg + n, im.options.algorithmType);
    }
    if (!o.target->relation.empty() && scored != nullptr && n > 0) {
      std::size_t relIndex = 0;
      for (std::size_t r = 0; r < type->relations.size(); ++r) {
        if (type->relations[r].name == o.target->relation) {
          relIndex = r;
        }
      }
      std::vector<ObjectID> ids(n);
      for (std::size_t i = 0; i < n; ++i) {
        ids[i] = {static_cast<int32_t>(i), scored->getID()};
      }
      coll->setRelationIDs(relIndex, std::move(ids));
      coll->resolveRelations([&event](uint32_t id) { return event.getByID(id); });
    }
    out.emplace_back(outputCollection(o), std::move(coll));
  }
  return out;
}

const void* Session::lastInputData(std::size_t input) {
  return input < t_scratch.lastData.size() ? t_scratch.lastData[input] : nullptr;
}

} // namespace podml::onnx
