#include "Gather.h"

#include "podml/Exceptions.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace podml::onnx::detail {

namespace {

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

template <typename Dst, typename Src>
void gatherSlots(const ConstituentLists& lists, std::size_t column, uint32_t width, uint32_t offset,
                 const SlotLayout& layout, std::byte* dst) {
  Dst* d = reinterpret_cast<Dst*>(dst);
  // The column is looked up again only when the source changes: consecutive refs almost
  // always share one (one collection per event, and events follow one another in a block).
  uint32_t current = std::numeric_limits<uint32_t>::max();
  const Src* s = nullptr;
  const std::size_t n = lists.objects();
  for (std::size_t i = 0; i < n; ++i) {
    const uint32_t b = lists.begin[i];
    const uint32_t e = lists.begin[i + 1];
    const std::size_t base = i * layout.objectStride + (layout.ragged ? b : 0) * layout.slotStride;
    for (uint32_t k = b; k < e; ++k) {
      const auto& ref = lists.refs[k];
      if (ref.source != current) {
        current = ref.source;
        s = static_cast<const Src*>(lists.sources[current]->columns()[column].rawData());
      }
      const std::size_t at = base + (k - b) * layout.slotStride;
      for (uint32_t j = 0; j < width; ++j) {
        d[at + (offset + j) * layout.featureStride] = static_cast<Dst>(s[static_cast<std::size_t>(ref.row) * width + j]);
      }
    }
  }
}

// Both tables dispatch on (source, destination) dtype once, at bind time.
template <template <typename, typename> class Op, typename Dst>
struct BySource {
  template <typename Fn>
  static Fn pick(DType src) {
    switch (src) {
    case DType::Float32: return &Op<Dst, float>::run;
    case DType::Float64: return &Op<Dst, double>::run;
    case DType::Int8: return &Op<Dst, int8_t>::run;
    case DType::Int16: return &Op<Dst, int16_t>::run;
    case DType::Int32: return &Op<Dst, int32_t>::run;
    case DType::Int64: return &Op<Dst, int64_t>::run;
    case DType::UInt8: return &Op<Dst, uint8_t>::run;
    case DType::UInt16: return &Op<Dst, uint16_t>::run;
    case DType::UInt32: return &Op<Dst, uint32_t>::run;
    case DType::UInt64: return &Op<Dst, uint64_t>::run;
    case DType::Bool: return &Op<Dst, bool>::run;
    case DType::ObjectID: break;
    }
    throw InferenceError("cannot gather a column of dtype " + std::string(dtypeName(src)) + " into a tensor");
  }
};

template <template <typename, typename> class Op, typename Fn>
Fn pickGather(DType src, DType dst) {
  switch (dst) {
  case DType::Float32: return BySource<Op, float>::template pick<Fn>(src);
  case DType::Float64: return BySource<Op, double>::template pick<Fn>(src);
  case DType::Int8: return BySource<Op, int8_t>::template pick<Fn>(src);
  case DType::Int16: return BySource<Op, int16_t>::template pick<Fn>(src);
  case DType::Int32: return BySource<Op, int32_t>::template pick<Fn>(src);
  case DType::Int64: return BySource<Op, int64_t>::template pick<Fn>(src);
  case DType::UInt8: return BySource<Op, uint8_t>::template pick<Fn>(src);
  case DType::UInt16: return BySource<Op, uint16_t>::template pick<Fn>(src);
  case DType::UInt32: return BySource<Op, uint32_t>::template pick<Fn>(src);
  case DType::UInt64: return BySource<Op, uint64_t>::template pick<Fn>(src);
  case DType::Bool: return BySource<Op, bool>::template pick<Fn>(src);
  case DType::ObjectID: break;
  }
  throw InferenceError("cannot make a tensor of dtype " + std::string(dtypeName(dst)));
}

template <typename Dst, typename Src>
struct MemberOp {
  static void run(const void* src, std::byte* dst, std::size_t r0, std::size_t r1, uint32_t width, uint32_t rowWidth,
                  uint32_t offset) {
    gatherMember<Dst, Src>(src, dst, r0, r1, width, rowWidth, offset);
  }
};

template <typename Dst, typename Src>
struct SlotOp {
  static void run(const ConstituentLists& lists, std::size_t column, uint32_t width, uint32_t offset,
                  const SlotLayout& layout, std::byte* dst) {
    gatherSlots<Dst, Src>(lists, column, width, offset, layout, dst);
  }
};

template <typename T>
double load(const std::byte* src, std::size_t i) {
  return static_cast<double>(reinterpret_cast<const T*>(src)[i]);
}

constexpr double kInf = std::numeric_limits<double>::infinity();

// The sort key of one constituent.
double keyOf(const Column& c, int32_t row) { return loadValue(c.dtype(), static_cast<const std::byte*>(c.rawData()), row); }

} // namespace

GatherFn gatherFunction(DType src, DType dst) { return pickGather<MemberOp, GatherFn>(src, dst); }

SlotGatherFn slotGatherFunction(DType src, DType dst) { return pickGather<SlotOp, SlotGatherFn>(src, dst); }

void storeValue(DType dtype, std::byte* dst, std::size_t i, double v) {
  switch (dtype) {
  case DType::Float32: reinterpret_cast<float*>(dst)[i] = static_cast<float>(v); return;
  case DType::Float64: reinterpret_cast<double*>(dst)[i] = v; return;
  case DType::Int8: reinterpret_cast<int8_t*>(dst)[i] = static_cast<int8_t>(v); return;
  case DType::Int16: reinterpret_cast<int16_t*>(dst)[i] = static_cast<int16_t>(v); return;
  case DType::Int32: reinterpret_cast<int32_t*>(dst)[i] = static_cast<int32_t>(v); return;
  case DType::Int64: reinterpret_cast<int64_t*>(dst)[i] = static_cast<int64_t>(v); return;
  case DType::UInt8: reinterpret_cast<uint8_t*>(dst)[i] = static_cast<uint8_t>(v); return;
  case DType::UInt16: reinterpret_cast<uint16_t*>(dst)[i] = static_cast<uint16_t>(v); return;
  case DType::UInt32: reinterpret_cast<uint32_t*>(dst)[i] = static_cast<uint32_t>(v); return;
  case DType::UInt64: reinterpret_cast<uint64_t*>(dst)[i] = static_cast<uint64_t>(v); return;
  case DType::Bool: reinterpret_cast<bool*>(dst)[i] = v != 0.0; return;
  case DType::ObjectID: break;
  }
}

void fillValue(DType dtype, std::byte* dst, std::size_t n, double value) {
  if (n == 0) {
    return;
  }
  if (value == 0.0) {
    std::fill(dst, dst + n * dtypeSize(dtype), std::byte{0}); // all-zero bytes are 0 in every dtype
    return;
  }
  storeValue(dtype, dst, 0, value);
  const std::size_t size = dtypeSize(dtype);
  for (std::size_t i = 1; i < n; ++i) {
    std::copy(dst, dst + size, dst + i * size);
  }
}

double loadValue(DType dtype, const std::byte* src, std::size_t i) {
  switch (dtype) {
  case DType::Float32: return load<float>(src, i);
  case DType::Float64: return load<double>(src, i);
  case DType::Int8: return load<int8_t>(src, i);
  case DType::Int16: return load<int16_t>(src, i);
  case DType::Int32: return load<int32_t>(src, i);
  case DType::Int64: return load<int64_t>(src, i);
  case DType::UInt8: return load<uint8_t>(src, i);
  case DType::UInt16: return load<uint16_t>(src, i);
  case DType::UInt32: return load<uint32_t>(src, i);
  case DType::UInt64: return load<uint64_t>(src, i);
  case DType::Bool: return load<bool>(src, i);
  case DType::ObjectID: break;
  }
  return 0.0;
}

ConstituentGroup resolveGroup(const CardInput& in, const std::string& collection, const DataModelDefinition& dm,
                              const std::string& linkCollection) {
  const auto& c = *in.constituents;
  ConstituentGroup g;
  g.collection = collection;
  g.maxCount = c.layout == ConstituentLayout::Ragged ? 0 : c.maxCount;
  g.descending = c.descending;
  g.type = constituentTypeOf(in, dm);
  const auto* scored = dm.datatype(in.collectionType);
  if (!c.relation.empty()) {
    const auto* r = scored->relation(c.relation);
    g.relationIndex = static_cast<std::size_t>(r - scored->relations.data());
    g.beginColumn = static_cast<std::size_t>(scored->columnIndex(c.relation + "_begin"));
    g.endColumn = static_cast<std::size_t>(scored->columnIndex(c.relation + "_end"));
    g.what = "input '" + in.name + "' (" + collection + " -> " + c.relation + ")";
  } else {
    const auto* link = dm.datatype(c.link);
    g.viaLink = true;
    g.linkType = c.link;
    g.linkCollection = linkCollection;
    const bool scoredIsFrom = link->linkFrom == in.collectionType;
    g.scoredSide = scoredIsFrom ? 0 : 1;
    g.otherSide = scoredIsFrom ? 1 : 0;
    g.what = "input '" + in.name + "' (" + collection + " through links '" + linkCollection + "')";
  }
  if (!c.sortBy.empty()) {
    g.sortColumn = dm.datatype(g.type)->columnIndex(c.sortBy);
  }
  return g;
}

namespace {

uint32_t sourceOf(const ConstituentGroup& g, uint32_t collectionID, const Frame& event, ConstituentLists& out) {
  for (std::size_t s = 0; s < out.sourceIDs.size(); ++s) {
    if (out.sourceIDs[s] == collectionID) {
      return static_cast<uint32_t>(s);
    }
  }
  const CollectionBase* c = event.getByID(collectionID);
  if (c == nullptr) {
    throw InferenceError("cannot gather " + g.what + ": the constituents are in collection ID " +
                         std::to_string(collectionID) + ", which the event does not have (read it with the scored objects)");
  }
  if (c->getValueTypeName() != g.type || c->isSubsetCollection()) {
    throw InferenceError("cannot gather " + g.what + ": a constituent points into a collection of " +
                         std::string(c->getValueTypeName()) + (c->isSubsetCollection() ? " references" : "") + ", not " +
                         g.type);
  }
  out.sources.push_back(c);
  out.sourceIDs.push_back(collectionID);
  out.sortKeys.push_back(g.sortColumn >= 0 ? &c->columns()[static_cast<std::size_t>(g.sortColumn)] : nullptr);
  return static_cast<uint32_t>(out.sources.size() - 1);
}

// Appends the constituents `ids[first, last)` of one object: resolved, ordered, truncated.
void keep(const ConstituentGroup& g, const std::vector<ObjectID>& ids, std::size_t first, std::size_t last,
          const Frame& event, ConstituentLists& out) {
  out.pending.clear();
  for (std::size_t j = first; j < last; ++j) {
    const ObjectID id = ids[j];
    if (id.index < 0) {
      continue; // unset: not a constituent
    }
    const uint32_t s = sourceOf(g, id.collectionID, event, out);
    if (static_cast<std::size_t>(id.index) >= out.sources[s]->size()) {
      throw InferenceError("cannot gather " + g.what + ": a constituent points at index " + std::to_string(id.index) +
                           " of a collection of " + std::to_string(out.sources[s]->size()));
    }
    out.pending.push_back({s, id.index});
  }
  if (g.sortColumn >= 0 && out.pending.size() > 1) {
    out.keys.resize(out.pending.size());
    out.order.resize(out.pending.size());
    for (std::size_t k = 0; k < out.pending.size(); ++k) {
      const auto& ref = out.pending[k];
      const double key = keyOf(*out.sortKeys[ref.source], ref.row);
      // NaN would break the ordering std::sort needs: such constituents go last.
      out.keys[k] = std::isnan(key) ? (g.descending ? -kInf : kInf) : key;
    }
    std::iota(out.order.begin(), out.order.end(), 0U);
    // Equal keys keep the stored order (the index breaks ties), so the result is that of
    // a stable sort without std::stable_sort's temporary buffer per object.
    std::sort(out.order.begin(), out.order.end(), [&](uint32_t a, uint32_t b) {
      const double ka = out.keys[a], kb = out.keys[b];
      if (ka != kb) {
        return g.descending ? ka > kb : ka < kb;
      }
      return a < b;
    });
    const std::size_t n = g.maxCount > 0 ? std::min<std::size_t>(g.maxCount, out.order.size()) : out.order.size();
    for (std::size_t k = 0; k < n; ++k) {
      out.refs.push_back(out.pending[out.order[k]]);
    }
    return;
  }
  const std::size_t n = g.maxCount > 0 ? std::min<std::size_t>(g.maxCount, out.pending.size()) : out.pending.size();
  out.refs.insert(out.refs.end(), out.pending.begin(), out.pending.begin() + static_cast<std::ptrdiff_t>(n));
}

} // namespace

void buildLists(const ConstituentGroup& g, const CollectionBase& scored, const Frame& event, ConstituentLists& out) {
  const std::size_t n = scored.size();
  out.begin.assign(n + 1, 0);
  out.refs.clear();
  out.sources.clear();
  out.sourceIDs.clear();
  out.sortKeys.clear();
  if (!g.viaLink) {
    scored.relationIDsInto(g.relationIndex, out.ids);
    const auto cols = scored.columns();
    const auto* b = cols[g.beginColumn].data<uint32_t>();
    const auto* e = cols[g.endColumn].data<uint32_t>();
    for (std::size_t i = 0; i < n; ++i) {
      // Each object's own range, as podio reads it (ranges need not be in object order).
      if (b[i] > e[i] || e[i] > out.ids.size()) {
        throw InferenceError("cannot gather " + g.what + ": object " + std::to_string(i) + " has range " +
                             std::to_string(b[i]) + ".." + std::to_string(e[i]) + " into " +
                             std::to_string(out.ids.size()) + " related objects");
      }
      keep(g, out.ids, b[i], e[i], event, out);
      out.begin[i + 1] = static_cast<uint32_t>(out.refs.size());
    }
  } else {
    const CollectionBase* links = event.get(g.linkCollection);
    if (links == nullptr) {
      throw InferenceError("cannot gather " + g.what + ": the event has no collection '" + g.linkCollection + "'");
    }
    if (links->getValueTypeName() != g.linkType) {
      throw InferenceError("cannot gather " + g.what + ": collection '" + g.linkCollection + "' holds " +
                           std::string(links->getValueTypeName()) + ", not " + g.linkType);
    }
    links->relationIDsInto(g.scoredSide, out.ids);
    links->relationIDsInto(g.otherSide, out.otherIDs);
    // Bucket the links by scored object (a counting sort that keeps the links' order).
    auto& starts = out.linkStarts;
    starts.assign(n + 1, 0);
    const auto scoredRow = [&](const ObjectID& id) {
      return id.collectionID == scored.getID() && id.index >= 0 && static_cast<std::size_t>(id.index) < n;
    };
    for (const auto& id : out.ids) {
      if (scoredRow(id)) {
        ++starts[static_cast<std::size_t>(id.index) + 1];
      }
    }
    std::partial_sum(starts.begin(), starts.end(), starts.begin());
    out.linkFill.assign(starts.begin(), starts.end());
    out.linked.resize(starts[n]);
    for (std::size_t k = 0; k < out.ids.size(); ++k) {
      if (scoredRow(out.ids[k])) {
        out.linked[out.linkFill[static_cast<std::size_t>(out.ids[k].index)]++] = out.otherIDs[k];
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      keep(g, out.linked, starts[i], starts[i + 1], event, out);
      out.begin[i + 1] = static_cast<uint32_t>(out.refs.size());
    }
  }
  std::size_t longest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    longest = std::max<std::size_t>(longest, out.begin[i + 1] - out.begin[i]);
  }
  // Dynamic P is at least 1, so that an event whose objects have no constituents still
  // gives the model a (fully masked) slot rather than an empty axis.
  out.slots = g.maxCount > 0 ? g.maxCount : static_cast<int64_t>(std::max<std::size_t>(longest, 1));
}

void appendLists(const ConstituentLists& event, ConstituentLists& block) {
  if (block.begin.empty()) {
    block.begin.push_back(0);
    block.slots = 1;
  }
  const auto refBase = static_cast<uint32_t>(block.refs.size());
  const auto sourceBase = static_cast<uint32_t>(block.sources.size());
  for (std::size_t i = 1; i < event.begin.size(); ++i) {
    block.begin.push_back(refBase + event.begin[i]);
  }
  for (const auto& r : event.refs) {
    block.refs.push_back({sourceBase + r.source, r.row});
  }
  block.sources.insert(block.sources.end(), event.sources.begin(), event.sources.end());
  block.sourceIDs.insert(block.sourceIDs.end(), event.sourceIDs.begin(), event.sourceIDs.end());
  block.sortKeys.insert(block.sortKeys.end(), event.sortKeys.begin(), event.sortKeys.end());
  block.slots = std::max(block.slots, event.slots);
}

void selectLists(const ConstituentLists& all, const uint32_t* objects, std::size_t count, int64_t fixedSlots,
                 ConstituentLists& out) {
  out.begin.assign(1, 0);
  out.refs.clear();
  // The refs keep their source indices, so the sources are shared as they are.
  out.sources = all.sources;
  out.sourceIDs = all.sourceIDs;
  out.sortKeys = all.sortKeys;
  std::size_t longest = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const uint32_t i = objects[k];
    out.refs.insert(out.refs.end(), all.refs.begin() + all.begin[i], all.refs.begin() + all.begin[i + 1]);
    out.begin.push_back(static_cast<uint32_t>(out.refs.size()));
    longest = std::max<std::size_t>(longest, all.begin[i + 1] - all.begin[i]);
  }
  out.slots = fixedSlots > 0 ? fixedSlots : static_cast<int64_t>(std::max<std::size_t>(longest, 1));
}

void planBuckets(const std::vector<uint32_t>& length, std::size_t maxObjects, std::vector<uint32_t>& order,
                 std::vector<std::size_t>& bounds) {
  order.resize(length.size());
  std::iota(order.begin(), order.end(), 0U);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return length[a] < length[b]; });
  bounds.assign(1, 0);
  std::size_t start = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const uint32_t shortest = length[order[start]];
    const uint32_t allowed = shortest + std::max<uint32_t>(1, shortest / 4);
    if (k > start && (length[order[k]] > allowed || k - start >= maxObjects)) {
      bounds.push_back(k);
      start = k;
    }
  }
  if (!order.empty()) {
    bounds.push_back(order.size());
  }
}

} // namespace podml::onnx::detail
