#include "podml/workflow/EventArrays.h"

#include "podml/CollectionIDTable.h"
#include "podml/Exceptions.h"
#include "podml/GenericCollection.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace podml::workflow {

std::size_t ArrayRef::size() const {
  return std::accumulate(shape.begin(), shape.end(), std::size_t{1}, std::multiplies<>());
}

namespace {

bool isInteger(DType d) {
  switch (d) {
  case DType::Int8:
  case DType::Int16:
  case DType::Int32:
  case DType::Int64:
  case DType::UInt8:
  case DType::UInt16:
  case DType::UInt32:
  case DType::UInt64:
    return true;
  default:
    return false;
  }
}

// Integer values of `a` (1-D) as int64; `what` names it in errors.
std::vector<int64_t> integers(const ArrayRef& a, const std::string& what) {
  if (!isInteger(a.dtype)) {
    throw UsageError(what + " must hold integers, not " + std::string(dtypeName(a.dtype)));
  }
  if (a.shape.size() != 1) {
    throw UsageError(what + " must be one-dimensional, not of rank " + std::to_string(a.shape.size()));
  }
  std::vector<int64_t> out(a.shape[0]);
  for (std::size_t i = 0; i < out.size(); ++i) {
    switch (a.dtype) {
    case DType::Int8: out[i] = static_cast<const int8_t*>(a.data)[i]; break;
    case DType::Int16: out[i] = static_cast<const int16_t*>(a.data)[i]; break;
    case DType::Int32: out[i] = static_cast<const int32_t*>(a.data)[i]; break;
    case DType::Int64: out[i] = static_cast<const int64_t*>(a.data)[i]; break;
    case DType::UInt8: out[i] = static_cast<const uint8_t*>(a.data)[i]; break;
    case DType::UInt16: out[i] = static_cast<const uint16_t*>(a.data)[i]; break;
    case DType::UInt32: out[i] = static_cast<const uint32_t*>(a.data)[i]; break;
    default: {
      const uint64_t v = static_cast<const uint64_t*>(a.data)[i];
      if (v > static_cast<uint64_t>(INT64_MAX)) {
        throw UsageError(what + ": value " + std::to_string(v) + " at position " + std::to_string(i) + " is too large");
      }
      out[i] = static_cast<int64_t>(v);
    }
    }
  }
  return out;
}

// Running sums of non-negative counts: counts.size() + 1 offsets.
std::vector<uint64_t> offsetsOf(const std::vector<int64_t>& counts, const std::string& what) {
  std::vector<uint64_t> off(counts.size() + 1, 0);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] < 0) {
      throw UsageError(what + ": count " + std::to_string(counts[i]) + " at position " + std::to_string(i) +
                       " is negative");
    }
    off[i + 1] = off[i] + static_cast<uint64_t>(counts[i]);
  }
  return off;
}

std::string listed(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < 12; ++i) {
    s += (i ? ", '" : "'") + names[i] + "'";
  }
  if (names.size() > 12) {
    s += ", ... (" + std::to_string(names.size()) + " in all)";
  }
  return s.empty() ? "none" : s;
}

// Parses a top-level scalar member's YAML default (`{5}`, `{1.5}`, `{-1}`), if numeric.
std::optional<double> numericDefault(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  if (text == "true" || text == "false") {
    return text == "true" ? 1.0 : 0.0;
  }
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  return end != nullptr && *end == '\0' ? std::optional<double>(v) : std::nullopt;
}

template <typename T>
void fillTyped(void* data, std::size_t n, double v) {
  std::fill(static_cast<T*>(data), static_cast<T*>(data) + n, static_cast<T>(v));
}

void fill(Column& c, double v) {
  const std::size_t n = c.size() * c.width();
  switch (c.dtype()) {
  case DType::Bool: fillTyped<bool>(c.rawData(), n, v != 0.0); break;
  case DType::Int8: fillTyped<int8_t>(c.rawData(), n, v); break;
  case DType::Int16: fillTyped<int16_t>(c.rawData(), n, v); break;
  case DType::Int32: fillTyped<int32_t>(c.rawData(), n, v); break;
  case DType::Int64: fillTyped<int64_t>(c.rawData(), n, v); break;
  case DType::UInt8: fillTyped<uint8_t>(c.rawData(), n, v); break;
  case DType::UInt16: fillTyped<uint16_t>(c.rawData(), n, v); break;
  case DType::UInt32: fillTyped<uint32_t>(c.rawData(), n, v); break;
  case DType::UInt64: fillTyped<uint64_t>(c.rawData(), n, v); break;
  case DType::Float32: fillTyped<float>(c.rawData(), n, v); break;
  case DType::Float64: fillTyped<double>(c.rawData(), n, v); break;
  default: break;
  }
}

} // namespace

struct EventBuilder::Impl {
  struct Values {        // one column's array
    std::size_t column;  // index into the definition's columns
    ArrayRef array;
  };
  struct Ragged {        // a vector member or one-to-many relation: per-object offsets of its values
    std::string owner;
    std::size_t begin, end;       // range columns
    std::vector<uint64_t> offsets; // rows + 1, over all events
  };
  struct Relation {
    std::size_t relation; // index into definition().relations
    std::size_t target;   // index into colls
    std::vector<int64_t> index;
    int ragged{-1};       // index into raggeds for one-to-many
  };
  struct Coll {
    std::string name;
    const DatatypeDef* def{nullptr};
    std::vector<uint64_t> offsets; // events + 1
    std::vector<Values> members;
    std::vector<Values> vectorValues; // values columns, with the ragged owner
    std::vector<std::string> vectorOwner;
    std::vector<Ragged> raggeds;
    std::vector<Relation> relations;
    std::optional<Relation> subset;
    std::vector<std::pair<std::size_t, double>> defaults; // column, value
  };
  std::shared_ptr<const DataModelDefinition> dm;
  std::vector<Coll> colls;
  uint64_t events{1};

  const Ragged* ragged(const Coll& c, const std::string& owner) const {
    for (const auto& r : c.raggeds) {
      if (r.owner == owner) {
        return &r;
      }
    }
    return nullptr;
  }

  // Objects of collection `c` in event `e`.
  static uint64_t count(const Coll& c, uint64_t e) { return c.offsets[e + 1] - c.offsets[e]; }

  // The type names a relation to `type` accepts.
  std::vector<std::string> accepted(const std::string& type) const {
    if (const auto* iface = dm->interface(type)) {
      return iface->types;
    }
    return {type};
  }

  // Checks the indices of `rel` (targets of objects of `c`) against the target's size per event.
  void checkIndices(const Coll& c, const Relation& rel, const std::string& what) const {
    const Coll& t = colls[rel.target];
    for (uint64_t e = 0; e < events; ++e) {
      uint64_t first = 0, last = 0; // positions in rel.index of this event's targets
      if (rel.ragged >= 0) {
        const auto& off = c.raggeds[static_cast<std::size_t>(rel.ragged)].offsets;
        first = off[c.offsets[e]];
        last = off[c.offsets[e + 1]];
      } else {
        first = c.offsets[e];
        last = c.offsets[e + 1];
      }
      const auto n = static_cast<int64_t>(count(t, e));
      for (uint64_t i = first; i < last; ++i) {
        if (rel.index[i] < -1 || rel.index[i] >= n) {
          throw UsageError(what + ": index " + std::to_string(rel.index[i]) + " at position " + std::to_string(i) +
                           " is out of range for event " + std::to_string(e) + ", where '" + t.name + "' has " +
                           std::to_string(n) + " objects (use -1 for unset)");
        }
      }
    }
  }
};

EventBuilder::EventBuilder(std::shared_ptr<const DataModelDefinition> dataModel,
                           std::vector<std::pair<std::string, CollectionArrays>> collections)
    : m_impl(std::make_unique<Impl>()) {
  auto& im = *m_impl;
  im.dm = std::move(dataModel);
  if (!im.dm) {
    throw UsageError("cannot build events: no data model given");
  }
  std::map<std::string, std::size_t> byName;
  std::optional<uint64_t> events;
  std::string eventsFrom;
  // First pass: types, counts, members and vector members of every collection.
  for (auto& [name, arrays] : collections) {
    const std::string where = "collection '" + name + "'";
    if (name.empty()) {
      throw UsageError("cannot build a collection without a name");
    }
    if (byName.count(name) != 0) {
      throw UsageError("cannot build " + where + " twice");
    }
    Impl::Coll c;
    c.name = name;
    c.def = im.dm->datatype(arrays.type);
    if (c.def == nullptr) {
      std::vector<std::string> names;
      for (const auto& t : im.dm->datatypes) {
        names.push_back(t.name);
      }
      throw UsageError("cannot build " + where + ": data model '" + im.dm->name + "' has no datatype '" + arrays.type +
                       "' (it has " + listed(names) + ")");
    }
    const std::string typed = where + " (" + arrays.type + ")";
    if (arrays.counts.has_value() == arrays.offsets.has_value()) {
      throw UsageError("cannot build " + typed + ": give either the objects per event ('counts') or their offsets "
                       "('offsets'), not " + (arrays.counts ? "both" : "neither"));
    }
    if (arrays.counts) {
      c.offsets = offsetsOf(integers(*arrays.counts, typed + ": 'counts'"), typed + ": 'counts'");
    } else {
      const auto off = integers(*arrays.offsets, typed + ": 'offsets'");
      if (off.empty() || off.front() != 0) {
        throw UsageError(typed + ": 'offsets' must start at 0 and have one more entry than there are events");
      }
      for (std::size_t i = 0; i + 1 < off.size(); ++i) {
        if (off[i + 1] < off[i]) {
          throw UsageError(typed + ": 'offsets' decrease at position " + std::to_string(i + 1));
        }
      }
      c.offsets.assign(off.begin(), off.end());
    }
    const uint64_t n = c.offsets.size() - 1;
    if (events && *events != n) {
      throw UsageError("cannot build " + where + ": it has " + std::to_string(n) + " events, " + eventsFrom + " has " +
                       std::to_string(*events));
    }
    events = n;
    eventsFrom = where;
    const uint64_t rows = c.offsets.back();
    if (arrays.subset) {
      if (!arrays.members.empty() || !arrays.vectors.empty() || !arrays.relations.empty()) {
        throw UsageError("cannot build " + typed + ": a subset collection holds references only (no members, vector "
                         "members or relations)");
      }
    }
    std::vector<std::string> memberPaths;
    for (const auto& cd : c.def->columns) {
      if (cd.kind == ColumnKind::Member) {
        memberPaths.push_back(cd.path);
      }
    }
    for (const auto& [path, a] : arrays.members) {
      const int k = c.def->columnIndex(path);
      if (k < 0 || c.def->columns[static_cast<std::size_t>(k)].kind != ColumnKind::Member) {
        throw UsageError("cannot build " + typed + ": it has no member '" + path + "' (its members are " +
                         listed(memberPaths) + ")");
      }
      const auto& cd = c.def->columns[static_cast<std::size_t>(k)];
      const std::string what = typed + ", member '" + path + "'";
      if (a.dtype != cd.dtype) {
        throw UsageError("cannot build " + what + ": the data has dtype " + std::string(dtypeName(a.dtype)) +
                         ", the member is " + std::string(dtypeName(cd.dtype)) + " (convert it, e.g. with .astype)");
      }
      const bool shapeOk = a.shape.size() >= 1 && a.shape[0] == rows &&
                           (cd.width() == 1 ? a.shape.size() == 1 : (a.shape.size() == 2 && a.shape[1] == cd.width()));
      if (!shapeOk) {
        std::string got;
        for (auto d : a.shape) {
          got += (got.empty() ? "" : ", ") + std::to_string(d);
        }
        throw UsageError("cannot build " + what + ": the data has shape (" + got + "), the collection needs (" +
                         std::to_string(rows) + (cd.width() == 1 ? "" : ", " + std::to_string(cd.width())) +
                         ") (" + std::to_string(rows) + " objects over " + std::to_string(n) + " events)");
      }
      c.members.push_back({static_cast<std::size_t>(k), a});
    }
    for (std::size_t k = 0; k < c.def->columns.size(); ++k) {
      const auto& cd = c.def->columns[k];
      if (cd.kind == ColumnKind::Member && arrays.members.count(cd.path) == 0) {
        if (const auto v = numericDefault(cd.defaultValue)) {
          c.defaults.emplace_back(k, *v);
        }
      }
    }
    auto rangeColumns = [&](const std::string& owner, std::vector<uint64_t> offsets) {
      Impl::Ragged r;
      r.owner = owner;
      r.begin = static_cast<std::size_t>(c.def->columnIndex(owner + "_begin"));
      r.end = static_cast<std::size_t>(c.def->columnIndex(owner + "_end"));
      r.offsets = std::move(offsets);
      c.raggeds.push_back(std::move(r));
    };
    std::vector<std::string> vectorNames;
    for (const auto& v : c.def->vectorMembers) {
      vectorNames.push_back(v.name);
    }
    for (const auto& [vname, va] : arrays.vectors) {
      if (std::find(vectorNames.begin(), vectorNames.end(), vname) == vectorNames.end()) {
        throw UsageError("cannot build " + typed + ": it has no vector member '" + vname + "' (its vector members are " +
                         listed(vectorNames) + ")");
      }
      const std::string what = typed + ", vector member '" + vname + "'";
      const auto counts = integers(va.counts, what + ": 'counts'");
      if (counts.size() != rows) {
        throw UsageError("cannot build " + what + ": 'counts' has " + std::to_string(counts.size()) +
                         " entries, one per object is " + std::to_string(rows));
      }
      auto off = offsetsOf(counts, what + ": 'counts'");
      const uint64_t values = off.back();
      // Its value columns: one for a builtin type, one per leaf for a component.
      std::vector<std::string> valuePaths;
      for (std::size_t k = 0; k < c.def->columns.size(); ++k) {
        if (c.def->columns[k].kind == ColumnKind::VectorValue && c.def->columns[k].owner == vname) {
          valuePaths.push_back(c.def->columns[k].path);
        }
      }
      for (const auto& [path, a] : va.values) {
        const int k = c.def->columnIndex(path);
        if (k < 0 || c.def->columns[static_cast<std::size_t>(k)].owner != vname ||
            c.def->columns[static_cast<std::size_t>(k)].kind != ColumnKind::VectorValue) {
          throw UsageError("cannot build " + what + ": it has no values '" + path + "' (its values are " +
                           listed(valuePaths) + ")");
        }
        const auto& cd = c.def->columns[static_cast<std::size_t>(k)];
        if (a.dtype != cd.dtype) {
          throw UsageError("cannot build " + what + ": the values '" + path + "' have dtype " +
                           std::string(dtypeName(a.dtype)) + ", the member holds " + std::string(dtypeName(cd.dtype)));
        }
        if (a.shape.empty() || a.shape[0] != values || a.size() != values * cd.width()) {
          throw UsageError("cannot build " + what + ": " + std::to_string(a.shape.empty() ? 0 : a.shape[0]) +
                           " values '" + path + "' given, the counts add up to " + std::to_string(values));
        }
        c.vectorValues.push_back({static_cast<std::size_t>(k), a});
        c.vectorOwner.push_back(vname);
      }
      if (va.values.size() != valuePaths.size()) {
        throw UsageError("cannot build " + what + ": give every value column (" + listed(valuePaths) + ")");
      }
      rangeColumns(vname, std::move(off));
    }
    for (const auto& v : c.def->vectorMembers) {
      if (arrays.vectors.count(v.name) == 0) {
        rangeColumns(v.name, std::vector<uint64_t>(rows + 1, 0)); // empty for every object
      }
    }
    byName[name] = im.colls.size();
    im.colls.push_back(std::move(c));
  }
  im.events = events.value_or(1);
  // Second pass: relations and subsets, now that every target is known.
  for (std::size_t ci = 0; ci < collections.size(); ++ci) {
    const auto& arrays = collections[ci].second;
    auto& c = im.colls[ci];
    const std::string typed = "collection '" + c.name + "' (" + arrays.type + ")";
    const uint64_t rows = c.offsets.back();
    auto target = [&](const RelationArrays& r, const std::string& what,
                      const std::vector<std::string>& allowed) -> std::size_t {
      const auto it = byName.find(r.collection);
      if (it == byName.end()) {
        throw UsageError("cannot build " + what + ": its target collection '" + r.collection +
                         "' is not among the collections given (relations point into the same events)");
      }
      const auto& t = im.colls[it->second];
      if (std::find(allowed.begin(), allowed.end(), t.def->name) == allowed.end()) {
        throw UsageError("cannot build " + what + ": collection '" + r.collection + "' holds " + t.def->name +
                         ", the relation needs " + listed(allowed));
      }
      if (collections[it->second].second.subset) {
        throw UsageError("cannot build " + what + ": collection '" + r.collection +
                         "' is a subset collection; point at the collection that holds the objects");
      }
      return it->second;
    };
    std::vector<std::string> relNames;
    for (const auto& r : c.def->relations) {
      relNames.push_back(r.name);
    }
    for (const auto& [rname, ra] : arrays.relations) {
      const auto* rel = c.def->relation(rname);
      if (rel == nullptr) {
        throw UsageError("cannot build " + typed + ": it has no relation '" + rname + "' (its relations are " +
                         listed(relNames) + ")");
      }
      const std::string what = typed + ", relation '" + rname + "'";
      Impl::Relation r;
      r.relation = static_cast<std::size_t>(rel - c.def->relations.data());
      r.target = target(ra, what, im.accepted(rel->type));
      r.index = integers(ra.index, what + ": 'index'");
      if (rel->many) {
        if (!ra.counts) {
          throw UsageError("cannot build " + what + ": a one-to-many relation needs 'counts' (targets per object) "
                           "besides 'index'");
        }
        const auto counts = integers(*ra.counts, what + ": 'counts'");
        if (counts.size() != rows) {
          throw UsageError("cannot build " + what + ": 'counts' has " + std::to_string(counts.size()) +
                           " entries, one per object is " + std::to_string(rows));
        }
        auto off = offsetsOf(counts, what + ": 'counts'");
        if (off.back() != r.index.size()) {
          throw UsageError("cannot build " + what + ": 'index' has " + std::to_string(r.index.size()) +
                           " entries, the counts add up to " + std::to_string(off.back()));
        }
        r.ragged = static_cast<int>(c.raggeds.size());
        c.raggeds.push_back({rname, static_cast<std::size_t>(c.def->columnIndex(rname + "_begin")),
                             static_cast<std::size_t>(c.def->columnIndex(rname + "_end")), std::move(off)});
      } else {
        if (ra.counts) {
          throw UsageError("cannot build " + what + ": a one-to-one relation takes one index per object, no 'counts'");
        }
        if (r.index.size() != rows) {
          throw UsageError("cannot build " + what + ": 'index' has " + std::to_string(r.index.size()) +
                           " entries, one per object is " + std::to_string(rows));
        }
      }
      im.checkIndices(c, r, what);
      c.relations.push_back(std::move(r));
    }
    for (std::size_t k = 0; k < c.def->relations.size(); ++k) {
      const auto& rel = c.def->relations[k];
      if (rel.many && arrays.relations.count(rel.name) == 0) {
        c.raggeds.push_back({rel.name, static_cast<std::size_t>(c.def->columnIndex(rel.name + "_begin")),
                             static_cast<std::size_t>(c.def->columnIndex(rel.name + "_end")),
                             std::vector<uint64_t>(rows + 1, 0)});
      }
    }
    if (arrays.subset) {
      const std::string what = typed + ", subset";
      Impl::Relation r;
      r.relation = 0;
      r.target = target(*arrays.subset, what, {c.def->name});
      r.index = integers(arrays.subset->index, what + ": 'index'");
      if (arrays.subset->counts) {
        throw UsageError("cannot build " + what + ": a subset collection takes one index per reference, no 'counts'");
      }
      if (r.index.size() != rows) {
        throw UsageError("cannot build " + what + ": 'index' has " + std::to_string(r.index.size()) +
                         " entries, the collection's counts add up to " + std::to_string(rows));
      }
      im.checkIndices(c, r, what);
      c.subset = std::move(r);
    }
  }
}

EventBuilder::~EventBuilder() = default;

uint64_t EventBuilder::events() const { return m_impl->events; }

Frame EventBuilder::frame(uint64_t e) const {
  const auto& im = *m_impl;
  if (e >= im.events) {
    throw UsageError("cannot build event " + std::to_string(e) + ": there are " + std::to_string(im.events));
  }
  std::vector<std::unique_ptr<CollectionBase>> made;
  std::map<uint32_t, CollectionBase*> byID;
  for (const auto& c : im.colls) {
    std::unique_ptr<CollectionBase> coll = makeCollection(im.dm, *c.def, im.dm->schemaVersion);
    coll->setID(collectionIDFromName(c.name));
    const uint64_t first = c.offsets[e], n = Impl::count(c, e);
    auto idsOf = [&](const Impl::Relation& r, uint64_t from, uint64_t to) {
      const uint32_t tid = collectionIDFromName(im.colls[r.target].name);
      std::vector<ObjectID> ids(to - from);
      for (uint64_t i = from; i < to; ++i) {
        const int64_t k = r.index[i];
        ids[i - from] = k < 0 ? ObjectID{ObjectID::invalid, static_cast<uint32_t>(ObjectID::invalid)}
                              : ObjectID{static_cast<int32_t>(k), tid};
      }
      return ids;
    };
    if (c.subset) {
      coll->setSubsetCollection(true);
      coll->setSubsetIDs(idsOf(*c.subset, first, first + n));
    } else {
      coll->setObjectCount(n);
      auto cols = coll->columns();
      for (const auto& [k, v] : c.defaults) {
        fill(cols[k], v);
      }
      for (const auto& m : c.members) {
        Column& col = cols[m.column];
        const std::size_t row = col.rowBytes();
        if (n > 0) {
          std::memcpy(col.rawData(), static_cast<const std::byte*>(m.array.data) + first * row, n * row);
        }
      }
      for (const auto& r : c.raggeds) {
        const uint64_t base = r.offsets[first];
        auto* b = cols[r.begin].data<uint32_t>();
        auto* en = cols[r.end].data<uint32_t>();
        for (uint64_t i = 0; i < n; ++i) {
          b[i] = static_cast<uint32_t>(r.offsets[first + i] - base);
          en[i] = static_cast<uint32_t>(r.offsets[first + i + 1] - base);
        }
      }
      for (std::size_t v = 0; v < c.vectorValues.size(); ++v) {
        const auto* r = im.ragged(c, c.vectorOwner[v]);
        const uint64_t from = r->offsets[first], to = r->offsets[first + n];
        Column& col = cols[c.vectorValues[v].column];
        col.resize(to - from);
        if (to > from) {
          std::memcpy(col.rawData(), static_cast<const std::byte*>(c.vectorValues[v].array.data) + from * col.rowBytes(),
                      (to - from) * col.rowBytes());
        }
      }
      for (const auto& r : c.relations) {
        if (r.ragged >= 0) {
          const auto& off = c.raggeds[static_cast<std::size_t>(r.ragged)].offsets;
          coll->setRelationIDs(r.relation, idsOf(r, off[first], off[first + n]));
        } else {
          coll->setRelationIDs(r.relation, idsOf(r, first, first + n));
        }
      }
    }
    byID[coll->getID()] = coll.get();
    made.push_back(std::move(coll));
  }
  for (auto& coll : made) {
    coll->resolveRelations([&byID](uint32_t id) -> const CollectionBase* {
      const auto it = byID.find(id);
      return it == byID.end() ? nullptr : it->second;
    });
  }
  Frame frame;
  for (std::size_t i = 0; i < made.size(); ++i) {
    frame.put(std::move(made[i]), im.colls[i].name);
  }
  return frame;
}

} // namespace podml::workflow
