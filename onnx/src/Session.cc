// The only translation unit that sees ONNX Runtime's API.
#include "podml/onnx/Session.h"

#include "Gather.h"
#include "WriteBack.h"

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

// Per-thread scratch: run() is const and called from many threads, so nothing is shared.
struct Scratch {
  std::vector<std::vector<std::byte>> gather;
  std::vector<const void*> lastData;
  std::vector<const CollectionBase*> colls; // the bound collections of the event being run
  std::vector<detail::ConstituentLists> lists; // per constituent group
  std::vector<char> built;                     // whether lists[g] is built for this event
  // run(events): the block's collections, object rows, lists and length buckets
  std::vector<std::vector<const CollectionBase*>> eventColls;
  std::vector<int64_t> eventRows;                    // [events + 1]: first object row of each event
  std::vector<std::vector<std::byte>> blockRows;     // per objects input: every event's rows
  std::vector<detail::ConstituentLists> blockLists, bucketLists; // per group
  std::vector<uint32_t> length, order;
  std::vector<std::size_t> bounds;
};
thread_local Scratch t_scratch;

// Rows per gather block: the block's slice of the tensor (256 rows x 8 floats = 8 KiB)
// stays in L1 while every member writes its slot, instead of one pass over the whole
// tensor per member.
constexpr std::size_t kGatherBlock = 256;

// Objects per ONNX Runtime call with length buckets: enough to amortise the call, few
// enough that a bucket's activations stay in cache (measured in podml-bench-structured).
constexpr std::size_t kBucketObjects = 128;

struct BoundMember {
  std::size_t column;
  uint32_t width;
  DType dtype;
  uint32_t offset{0};        // first slot of this member in a tensor row
  detail::GatherFn gather{nullptr};          // objects: column dtype -> tensor dtype
  detail::SlotGatherFn slotGather{nullptr};  // constituents
};

struct BoundInput {
  InputKind kind{InputKind::Objects};
  std::string collection; // the scored objects' collection
  std::string type;
  std::vector<BoundMember> members;
  uint32_t width{0};   // values per object (per constituent for constituents inputs)
  DType dtype{DType::Float32};
  bool rank1{false};   // tensor [N] instead of [N, width]
  bool zeroCopy{false};
  // structured inputs:
  int group{-1};
  ConstituentLayout layout{ConstituentLayout::FeaturesFirst};
  double padValue{0};
  std::size_t rank{2};
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
  std::vector<detail::ConstituentGroup> groups;
  std::vector<int> rowsInput; // per card output: index of the bound input its rows belong to
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
      bound.push_back(bindInput(in, dm));
      inputNames.push_back(in.name);
    }
    for (const auto& o : card.outputs) {
      int idx = 0;
      for (std::size_t i = 0; i < card.inputs.size(); ++i) {
        if (card.inputs[i].name == o.input) {
          idx = static_cast<int>(i);
        }
      }
      rowsInput.push_back(idx);
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
    planBlocks();
  }

  std::string collectionOf(const CardInput& in) const {
    const auto over = options.inputCollections.find(in.name);
    const std::string name = over != options.inputCollections.end() ? over->second : in.collection;
    if (name.empty()) {
      throw ModelError("cannot bind input '" + in.name + "' of model '" + path +
                       "': the card names no collection and none was given");
    }
    return name;
  }

  BoundInput bindInput(const CardInput& in, const DataModelDefinition& dm) {
    BoundInput b;
    b.kind = in.kind;
    b.dtype = in.dtype;
    const auto g = std::find_if(info.inputs.begin(), info.inputs.end(), [&](const TensorInfo& t) { return t.name == in.name; });
    b.rank = g->hasShape ? g->shape.size() : in.shape.size();
    if (in.kind == InputKind::Mask || in.kind == InputKind::SegmentIds || in.kind == InputKind::Offsets) {
      // The described input comes first in the card's checks, not necessarily in order.
      const CardInput* of = card.input(in.of);
      b.collection = collectionOf(*of);
      b.type = of->collectionType;
      b.layout = of->constituents->layout;
      b.group = groupOf(*of, dm);
      return b;
    }
    b.collection = collectionOf(in);
    b.type = in.collectionType;
    const DatatypeDef* type = dm.datatype(in.collectionType);
    if (in.constituents) {
      b.layout = in.constituents->layout;
      b.padValue = in.constituents->padValue;
      b.group = groupOf(in, dm);
      type = dm.datatype(groups[static_cast<std::size_t>(b.group)].type);
    }
    for (const auto& m : in.members) {
      const int k = type->columnIndex(m.path);
      const uint32_t w = type->columns[static_cast<std::size_t>(k)].width();
      BoundMember bm{static_cast<std::size_t>(k), w, m.dtype, b.width};
      if (in.constituents) {
        bm.slotGather = detail::slotGatherFunction(m.dtype, in.dtype);
      } else {
        bm.gather = detail::gatherFunction(m.dtype, in.dtype);
      }
      b.members.push_back(bm);
      b.width += w;
    }
    b.rank1 = in.kind == InputKind::Objects && b.rank == 1;
    b.zeroCopy = in.kind == InputKind::Objects && b.members.size() == 1 && b.members.front().dtype == b.dtype;
    return b;
  }

  // Inputs reading the same constituents the same way share one list per event.
  int groupOf(const CardInput& in, const DataModelDefinition& dm) {
    const auto& c = *in.constituents;
    detail::ConstituentGroup g = detail::resolveGroup(in, collectionOf(in), dm, c.linkCollection);
    for (std::size_t i = 0; i < groups.size(); ++i) {
      const auto& h = groups[i];
      if (h.collection == g.collection && h.viaLink == g.viaLink && h.relationIndex == g.relationIndex &&
          h.linkCollection == g.linkCollection && h.maxCount == g.maxCount && h.sortColumn == g.sortColumn &&
          h.descending == g.descending) {
        return static_cast<int>(i);
      }
    }
    groups.push_back(std::move(g));
    return static_cast<int>(groups.size() - 1);
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

  void* objectsTensor(const BoundInput& b, std::size_t i, const CollectionBase& coll, int64_t n, Scratch& scratch) const {
    const auto cols = coll.columns();
    if (b.zeroCopy) {
      // The column is the tensor: ONNX Runtime reads the collection's memory directly.
      return const_cast<void*>(cols[b.members.front().column].rawData());
    }
    const std::size_t bytes = static_cast<std::size_t>(n) * b.width * dtypeSize(b.dtype);
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
    return buf.data();
  }

  const detail::ConstituentLists& listsOf(const BoundInput& b, const CollectionBase& scored, const Frame& event,
                                          Scratch& scratch) const {
    const auto g = static_cast<std::size_t>(b.group);
    if (!scratch.built[g]) {
      detail::buildLists(groups[g], scored, event, scratch.lists[g]);
      scratch.built[g] = 1;
    }
    return scratch.lists[g];
  }

  // Constituents (padded or ragged), their mask, segment ids or offsets.
  void* structuredTensor(const BoundInput& b, std::size_t i, const detail::ConstituentLists& lists, Scratch& scratch,
                         std::array<int64_t, 3>& shape, std::size_t& elements) const {
    const auto n = static_cast<int64_t>(lists.objects());
    const int64_t p = lists.slots;
    const auto m = static_cast<int64_t>(lists.refs.size());
    const auto f = static_cast<int64_t>(b.width);
    switch (b.kind) {
    case InputKind::Constituents:
      if (b.layout == ConstituentLayout::FeaturesFirst) {
        shape = {n, f, p};
      } else if (b.layout == ConstituentLayout::ConstituentsFirst) {
        shape = {n, p, f};
      } else {
        shape = {m, f, 0};
      }
      break;
    case InputKind::Mask:
      shape = b.rank == 2 ? std::array<int64_t, 3>{n, p, 0}
                          : b.layout == ConstituentLayout::FeaturesFirst ? std::array<int64_t, 3>{n, 1, p}
                                                                         : std::array<int64_t, 3>{n, p, 1};
      break;
    case InputKind::SegmentIds:
      shape = {m, 0, 0};
      break;
    default:
      shape = {n + 1, 0, 0};
      break;
    }
    elements = 1;
    for (std::size_t d = 0; d < b.rank; ++d) {
      elements *= static_cast<std::size_t>(shape[d]);
    }
    auto& buf = scratch.gather[i];
    const std::size_t bytes = elements * dtypeSize(b.dtype);
    if (buf.size() < std::max<std::size_t>(bytes, 1)) {
      buf.resize(std::max<std::size_t>(bytes, 1));
    }
    std::byte* d = buf.data();
    switch (b.kind) {
    case InputKind::Constituents: {
      detail::SlotLayout layout;
      if (b.layout == ConstituentLayout::FeaturesFirst) {
        layout = {static_cast<std::size_t>(f * p), 1, static_cast<std::size_t>(p), false};
      } else if (b.layout == ConstituentLayout::ConstituentsFirst) {
        layout = {static_cast<std::size_t>(p * f), static_cast<std::size_t>(f), 1, false};
      } else {
        layout = {0, static_cast<std::size_t>(f), 1, true};
      }
      if (b.layout != ConstituentLayout::Ragged) {
        detail::fillValue(b.dtype, d, elements, b.padValue);
      }
      for (const auto& mem : b.members) {
        mem.slotGather(lists, mem.column, mem.width, mem.offset, layout, d);
      }
      break;
    }
    case InputKind::Mask:
      // [N, 1, P], [N, P, 1] and [N, P] share one memory order: object, then slot.
      detail::fillValue(b.dtype, d, elements, 0.0);
      for (int64_t o = 0; o < n; ++o) {
        const auto count = static_cast<int64_t>(lists.begin[static_cast<std::size_t>(o) + 1] - lists.begin[static_cast<std::size_t>(o)]);
        for (int64_t s = 0; s < count; ++s) {
          detail::storeValue(b.dtype, d, static_cast<std::size_t>(o * p + s), 1.0);
        }
      }
      break;
    case InputKind::SegmentIds:
      for (int64_t o = 0; o < n; ++o) {
        for (uint32_t k = lists.begin[static_cast<std::size_t>(o)]; k < lists.begin[static_cast<std::size_t>(o) + 1]; ++k) {
          detail::storeValue(b.dtype, d, k, static_cast<double>(o));
        }
      }
      break;
    default:
      for (int64_t o = 0; o <= n; ++o) {
        detail::storeValue(b.dtype, d, static_cast<std::size_t>(o), lists.begin[static_cast<std::size_t>(o)]);
      }
      break;
    }
    return d;
  }

  void requireDataModel() const {
    if (dataModel == nullptr) {
      throw InferenceError("cannot run model '" + path + "' on an event: the session was created without a data model");
    }
  }

  // Every input shares the object axis: all collections hold the same number of objects,
  // or the event cannot be scored (skipped, with the reason, if one is empty; else an
  // error). Returns the number of objects to score (0 if none or skipped).
  int64_t eventObjects(const Frame& event, std::vector<const CollectionBase*>& colls, std::string& skipped) const {
    colls.assign(bound.size(), nullptr);
    int64_t objects = -1;
    std::size_t widest = 0;
    for (std::size_t i = 0; i < bound.size(); ++i) {
      const auto& b = bound[i];
      const CollectionBase* coll = event.get(b.collection);
      if (coll == nullptr) {
        // An entry written without the collection cannot be scored, like one where it is empty.
        skipped = "input '" + inputNames[i] + "' reads collection '" + b.collection + "', which this event does not have";
        return 0;
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
    for (std::size_t i = 0; i < bound.size() && objects > 0; ++i) {
      if (colls[i]->size() == 0) {
        skipped = "input '" + inputNames[i] + "' reads collection '" + bound[i].collection +
                  "', which is empty, while input '" + inputNames[widest] + "' has " + std::to_string(objects) +
                  " objects in '" + bound[widest].collection + "'";
        objects = 0;
      }
    }
    return std::max<int64_t>(objects, 0);
  }

  // The outputs of an event with nothing to score: zero rows, the graph's fixed dims.
  std::vector<Tensor> emptyOutputs() const {
    std::vector<Tensor> tensors;
    for (const auto& o : info.outputs) {
      Tensor t;
      t.dtype = o.dtype.value_or(DType::Float32);
      t.shape = {0};
      for (std::size_t d = 1; d < o.shape.size(); ++d) {
        t.shape.push_back(std::holds_alternative<int64_t>(o.shape[d]) ? std::get<int64_t>(o.shape[d]) : 1);
      }
      tensors.push_back(std::move(t));
    }
    return tensors;
  }

  // One ONNX Runtime call on `values` (inputs of `objects` objects).
  std::vector<Tensor> runOrt(std::vector<Ort::Value>& values, int64_t objects) const {
    std::vector<Tensor> tensors;
    if (preallocOutputs) {
      // Output shapes are [N, fixed...]: ORT writes straight into the result tensors
      // (no ORT allocation, no GetTensorTypeAndShapeInfo, no copy).
      std::vector<Ort::Value> outs;
      outs.reserve(info.outputs.size());
      tensors.resize(info.outputs.size());
      for (std::size_t o = 0; o < info.outputs.size(); ++o) {
        Tensor& t = tensors[o];
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
      return tensors;
    }
    std::vector<Ort::Value> outs;
    try {
      outs = session->Run(Ort::RunOptions{nullptr}, inputPtrs.data(), values.data(), values.size(), outputPtrs.data(),
                          outputPtrs.size());
    } catch (const Ort::Exception& e) {
      throw InferenceError("cannot run model '" + path + "': " + e.what());
    }
    return collect(outs);
  }

  // The ONNX Runtime view of input `b`'s tensor (`elements` values of shape `shape`).
  Ort::Value makeValue(const BoundInput& b, void* data, const std::array<int64_t, 3>& shape, std::size_t elements) const {
    return Ort::Value::CreateTensor(memInfo, data, elements * dtypeSize(b.dtype), shape.data(), b.rank1 ? 1 : b.rank,
                                    ortType(b.dtype));
  }

  void resetScratch(Scratch& scratch) const {
    scratch.gather.resize(bound.size());
    scratch.lastData.assign(bound.size(), nullptr);
    scratch.lists.resize(groups.size());
    scratch.built.assign(groups.size(), 0);
  }

  EventResult run(const Frame& event) const {
    requireDataModel();
    auto& scratch = t_scratch;
    resetScratch(scratch);
    EventResult result;
    result.names = outputNames;
    const int64_t objects = eventObjects(event, scratch.colls, result.skipped);
    if (objects == 0) {
      // Nothing to score: no call into ONNX Runtime.
      result.tensors = emptyOutputs();
      return result;
    }
    std::vector<Ort::Value> values;
    values.reserve(bound.size());
    for (std::size_t i = 0; i < bound.size(); ++i) {
      const auto& b = bound[i];
      void* data = nullptr;
      std::array<int64_t, 3> shape{};
      std::size_t elements = 0;
      if (b.kind == InputKind::Objects) {
        data = objectsTensor(b, i, *scratch.colls[i], objects, scratch);
        shape = {objects, static_cast<int64_t>(b.width), 0};
        elements = static_cast<std::size_t>(objects) * b.width;
      } else {
        const auto& lists = listsOf(b, *scratch.colls[i], event, scratch);
        data = structuredTensor(b, i, lists, scratch, shape, elements);
      }
      scratch.lastData[i] = data;
      values.push_back(makeValue(b, data, shape, elements));
    }
    result.tensors = runOrt(values, objects);
    return result;
  }


  // Whether run(events) batches events (every output per object, no ragged input), and
  // per group the bound input whose collection holds the scored objects.
  bool blockable{false};
  std::vector<std::size_t> groupInput;

  void planBlocks() {
    blockable = true;
    for (const auto& o : card.outputs) {
      blockable = blockable && !o.perConstituent;
    }
    groupInput.assign(groups.size(), 0);
    std::vector<char> masked(groups.size(), 0);
    for (std::size_t i = 0; i < bound.size(); ++i) {
      const auto& b = bound[i];
      blockable = blockable && (b.kind == InputKind::Objects || b.layout != ConstituentLayout::Ragged);
      if (b.group >= 0) {
        groupInput[static_cast<std::size_t>(b.group)] = i;
        if (b.kind == InputKind::Mask) {
          masked[static_cast<std::size_t>(b.group)] = 1;
        }
      }
    }
    if (!options.lengthBuckets) {
      return;
    }
    for (std::size_t i = 0; i < bound.size(); ++i) {
      const auto& b = bound[i];
      if (b.kind == InputKind::Constituents && b.layout != ConstituentLayout::Ragged &&
          groups[static_cast<std::size_t>(b.group)].maxCount == 0 && masked[static_cast<std::size_t>(b.group)] == 0) {
        throw ModelError("cannot group the objects of model '" + path + "' by constituent count (length buckets): input '" +
                         inputNames[i] + "' pads its constituents to the longest list and the model has no mask "
                         "input for them, so its scores could depend on the padding");
      }
    }
  }

  // The new collections of one event's result. `lists` holds, per constituent group, the
  // lists the result was computed from (per-constituent outputs need them).
  detail::NamedCollections writeBackResult(const Frame& event, const EventResult& result,
                                           const std::vector<detail::ConstituentLists>* lists) const {
    detail::NamedCollections out;
    for (std::size_t k = 0; k < card.outputs.size(); ++k) {
      const auto& o = card.outputs[k];
      if (!o.target) {
        continue;
      }
      const auto idx = static_cast<std::size_t>(
          std::find(result.names.begin(), result.names.end(), o.name) - result.names.begin());
      const Tensor& t = result.tensors.at(idx);
      const auto& b = bound[static_cast<std::size_t>(rowsInput[k])];
      detail::OutputRows rows;
      rows.scored = event.get(b.collection);
      if (o.perConstituent && b.group >= 0 && result.skipped.empty() && lists != nullptr) {
        rows.constituents = &(*lists)[static_cast<std::size_t>(b.group)];
        rows.padded = b.layout != ConstituentLayout::Ragged;
      }
      detail::writeBack(o, outputCollectionNames(o, options), t, rows, *dataModel, event, options.algorithmType, path,
                        out);
    }
    return out;
  }

  static void clearLists(detail::ConstituentLists& l) {
    l.begin.clear();
    l.refs.clear();
    l.sources.clear();
    l.sourceIDs.clear();
    l.sortKeys.clear();
    l.slots = 1;
  }

  std::vector<EventResult> runBlock(std::span<const Frame* const> events) const {
    requireDataModel();
    std::vector<EventResult> results(events.size());
    const auto where = [&](std::size_t e, const std::exception& x) {
      return InferenceError(std::string(x.what()) + " (event " + std::to_string(e) + " of " +
                            std::to_string(events.size()) + " run together)");
    };
    if (!blockable || events.size() == 1) {
      for (std::size_t e = 0; e < events.size(); ++e) {
        results[e] = run(*events[e]);
      }
      return results;
    }
    auto& sc = t_scratch;
    resetScratch(sc);
    sc.eventColls.resize(events.size());
    sc.eventRows.assign(events.size() + 1, 0);
    for (std::size_t e = 0; e < events.size(); ++e) {
      results[e].names = outputNames;
      try {
        sc.eventRows[e + 1] = sc.eventRows[e] + eventObjects(*events[e], sc.eventColls[e], results[e].skipped);
      } catch (const InferenceError& x) {
        throw where(e, x);
      }
    }
    const int64_t total = sc.eventRows.back();
    if (total == 0) {
      for (auto& r : results) {
        r.tensors = emptyOutputs();
      }
      return results;
    }
    // Every event's rows and constituent lists, one after the other.
    sc.blockRows.resize(bound.size());
    sc.blockLists.resize(groups.size());
    sc.bucketLists.resize(groups.size());
    for (auto& l : sc.blockLists) {
      clearLists(l);
    }
    for (std::size_t i = 0; i < bound.size(); ++i) {
      if (bound[i].kind == InputKind::Objects) {
        const std::size_t bytes = static_cast<std::size_t>(total) * bound[i].width * dtypeSize(bound[i].dtype);
        if (sc.blockRows[i].size() < bytes) {
          sc.blockRows[i].resize(bytes);
        }
      }
    }
    for (std::size_t e = 0; e < events.size(); ++e) {
      const auto n = static_cast<std::size_t>(sc.eventRows[e + 1] - sc.eventRows[e]);
      if (n == 0) {
        continue;
      }
      const auto& colls = sc.eventColls[e];
      for (std::size_t i = 0; i < bound.size(); ++i) {
        const auto& b = bound[i];
        if (b.kind != InputKind::Objects) {
          continue;
        }
        std::byte* dst = sc.blockRows[i].data() +
                         static_cast<std::size_t>(sc.eventRows[e]) * b.width * dtypeSize(b.dtype);
        const auto cols = colls[i]->columns();
        for (const auto& m : b.members) {
          m.gather(cols[m.column].rawData(), dst, 0, n, m.width, b.width, m.offset);
        }
      }
      for (std::size_t g = 0; g < groups.size(); ++g) {
        try {
          detail::buildLists(groups[g], *colls[groupInput[g]], *events[e], sc.lists[g]);
        } catch (const InferenceError& x) {
          throw where(e, x);
        }
        detail::appendLists(sc.lists[g], sc.blockLists[g]);
      }
    }
    const bool buckets = options.lengthBuckets && !groups.empty();
    if (buckets) {
      sc.length.assign(static_cast<std::size_t>(total), 0);
      for (const auto& l : sc.blockLists) {
        for (std::size_t k = 0; k < sc.length.size(); ++k) {
          sc.length[k] = std::max(sc.length[k], l.begin[k + 1] - l.begin[k]);
        }
      }
      detail::planBuckets(sc.length, kBucketObjects, sc.order, sc.bounds);
    } else {
      sc.bounds = {0, static_cast<std::size_t>(total)};
    }
    std::vector<Tensor> blockOut(info.outputs.size());
    for (std::size_t r = 0; r + 1 < sc.bounds.size(); ++r) {
      const std::size_t s = sc.bounds[r];
      const auto nb = static_cast<int64_t>(sc.bounds[r + 1] - s);
      std::vector<Ort::Value> values;
      values.reserve(bound.size());
      sc.built.assign(groups.size(), 0);
      for (std::size_t i = 0; i < bound.size(); ++i) {
        const auto& b = bound[i];
        void* data = nullptr;
        std::array<int64_t, 3> shape{};
        std::size_t elements = 0;
        if (b.kind == InputKind::Objects) {
          data = sc.blockRows[i].data();
          const std::size_t rowBytes = b.width * dtypeSize(b.dtype);
          if (buckets) {
            auto& buf = sc.gather[i];
            if (buf.size() < static_cast<std::size_t>(nb) * rowBytes) {
              buf.resize(static_cast<std::size_t>(nb) * rowBytes);
            }
            for (int64_t k = 0; k < nb; ++k) {
              std::memcpy(buf.data() + static_cast<std::size_t>(k) * rowBytes,
                          sc.blockRows[i].data() + sc.order[s + static_cast<std::size_t>(k)] * rowBytes, rowBytes);
            }
            data = buf.data();
          }
          shape = {nb, static_cast<int64_t>(b.width), 0};
          elements = static_cast<std::size_t>(nb) * b.width;
        } else {
          const auto g = static_cast<std::size_t>(b.group);
          if (buckets && sc.built[g] == 0) {
            detail::selectLists(sc.blockLists[g], sc.order.data() + s, static_cast<std::size_t>(nb), groups[g].maxCount,
                                sc.bucketLists[g]);
            sc.built[g] = 1;
          }
          data = structuredTensor(b, i, buckets ? sc.bucketLists[g] : sc.blockLists[g], sc, shape, elements);
        }
        values.push_back(makeValue(b, data, shape, elements));
      }
      auto outs = runOrt(values, nb);
      for (std::size_t o = 0; o < outs.size(); ++o) {
        const Tensor& t = outs[o];
        Tensor& out = blockOut[o];
        if (t.shape.empty() || t.shape[0] != nb) {
          throw InferenceError("cannot run model '" + path + "' on several events at once: output '" + outputNames[o] +
                               "' has " + (t.shape.empty() ? std::string("no object axis") : std::to_string(t.shape[0]) + " rows") +
                               " for " + std::to_string(nb) + " objects");
        }
        if (r == 0) {
          out.dtype = t.dtype;
          out.shape = t.shape;
          out.shape[0] = total;
          out.data.resize(out.size() * dtypeSize(out.dtype));
        } else if (!std::equal(t.shape.begin() + 1, t.shape.end(), out.shape.begin() + 1, out.shape.end())) {
          throw InferenceError("cannot run model '" + path + "' on several events at once: output '" + outputNames[o] +
                               "' changes shape between batches (its per-object shape depends on the padding)");
        }
        const std::size_t rowBytes = t.data.size() / static_cast<std::size_t>(nb);
        for (int64_t k = 0; k < nb; ++k) {
          const std::size_t to = buckets ? sc.order[s + static_cast<std::size_t>(k)] : s + static_cast<std::size_t>(k);
          std::memcpy(out.data.data() + to * rowBytes, t.data.data() + static_cast<std::size_t>(k) * rowBytes, rowBytes);
        }
      }
    }
    for (std::size_t e = 0; e < events.size(); ++e) {
      const int64_t n = sc.eventRows[e + 1] - sc.eventRows[e];
      if (n == 0) {
        results[e].tensors = emptyOutputs();
        continue;
      }
      for (const Tensor& out : blockOut) {
        Tensor t;
        t.dtype = out.dtype;
        t.shape = out.shape;
        t.shape[0] = n;
        const std::size_t rowBytes = out.data.size() / static_cast<std::size_t>(total);
        const auto* from = out.data.data() + static_cast<std::size_t>(sc.eventRows[e]) * rowBytes;
        t.data.assign(from, from + static_cast<std::size_t>(n) * rowBytes);
        results[e].tensors.push_back(std::move(t));
      }
    }
    return results;
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

std::vector<std::string> outputCollectionNames(const CardOutput& output, const SessionOptions& options) {
  const std::string base = outputCollectionName(output, options);
  if (output.classes.empty() || (output.target && output.target->perClass == ClassWriteBack::Vector)) {
    return {base};
  }
  std::vector<std::string> names;
  const bool renamed = options.outputCollections.count(output.name) != 0;
  for (const auto& c : output.classes) {
    // A renamed output renames every class: the override is the prefix.
    names.push_back(!c.collection.empty() && !renamed ? c.collection : base + "_" + c.name);
  }
  return names;
}

std::string Session::outputCollection(const CardOutput& output) const {
  return outputCollectionName(output, m_impl->options);
}

std::vector<std::string> Session::outputCollections(const CardOutput& output) const {
  return outputCollectionNames(output, m_impl->options);
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
  // The lists this thread built for the run just made.
  return im.writeBackResult(event, result, &t_scratch.lists);
}

std::vector<EventResult> Session::run(std::span<const Frame* const> events) const { return m_impl->runBlock(events); }

bool Session::batchesEvents() const { return m_impl->blockable; }

std::vector<std::vector<std::pair<std::string, std::unique_ptr<CollectionBase>>>> Session::runAndWriteBack(
    std::span<const Frame* const> events, std::vector<std::string>* skipped) const {
  const auto& im = *m_impl;
  std::vector<std::vector<std::pair<std::string, std::unique_ptr<CollectionBase>>>> out;
  if (skipped != nullptr) {
    skipped->assign(events.size(), {});
  }
  if (!im.blockable) {
    // Per-constituent outputs need each event's own lists: one event at a time.
    for (std::size_t e = 0; e < events.size(); ++e) {
      out.push_back(runAndWriteBack(*events[e], skipped != nullptr ? &(*skipped)[e] : nullptr));
    }
    return out;
  }
  const auto results = im.runBlock(events);
  for (std::size_t e = 0; e < events.size(); ++e) {
    if (!results[e].skipped.empty()) {
      if (skipped == nullptr) {
        throw InferenceError("cannot score event " + std::to_string(e) + " of " + std::to_string(events.size()) +
                             " with model '" + im.path + "': " + results[e].skipped);
      }
      (*skipped)[e] = results[e].skipped;
    }
  }
  for (std::size_t e = 0; e < events.size(); ++e) {
    out.push_back(im.writeBackResult(*events[e], results[e], nullptr));
  }
  return out;
}

const void* Session::lastInputData(std::size_t input) {
  return input < t_scratch.lastData.size() ? t_scratch.lastData[input] : nullptr;
}

} // namespace podml::onnx

