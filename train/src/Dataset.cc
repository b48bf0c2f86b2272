#include "podml/train/Dataset.h"

#include "podml/Definition.h"
#include "podml/Exceptions.h"
#include "podml/io/Reader.h"

#include "Random.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>

namespace podml::train {
namespace {

std::string joinFiles(const std::vector<std::string>& files) {
  std::string s;
  for (std::size_t i = 0; i < files.size() && i < 3; ++i) {
    s += (i ? ", " : "") + files[i];
  }
  if (files.size() > 3) {
    s += ", ... (" + std::to_string(files.size()) + " files)";
  }
  return s;
}

bool isNumeric(DType t) { return t != DType::ObjectID; }

// Converts `rows` rows of `width` values of any numeric column into float, at
// `dst[row * stride + offset + k]`.
template <typename T>
void scatterTyped(const T* src, std::size_t rows, uint32_t width, float* dst, std::size_t stride, std::size_t offset) {
  for (std::size_t r = 0; r < rows; ++r) {
    for (uint32_t k = 0; k < width; ++k) {
      dst[r * stride + offset + k] = static_cast<float>(src[r * width + k]);
    }
  }
}

void scatter(const Column& c, float* dst, std::size_t stride, std::size_t offset) {
  const std::size_t rows = c.size();
  const uint32_t w = c.width();
  switch (c.dtype()) {
  case DType::Bool: return scatterTyped(c.data<bool>(), rows, w, dst, stride, offset);
  case DType::Int8: return scatterTyped(c.data<int8_t>(), rows, w, dst, stride, offset);
  case DType::Int16: return scatterTyped(c.data<int16_t>(), rows, w, dst, stride, offset);
  case DType::Int32: return scatterTyped(c.data<int32_t>(), rows, w, dst, stride, offset);
  case DType::Int64: return scatterTyped(c.data<int64_t>(), rows, w, dst, stride, offset);
  case DType::UInt8: return scatterTyped(c.data<uint8_t>(), rows, w, dst, stride, offset);
  case DType::UInt16: return scatterTyped(c.data<uint16_t>(), rows, w, dst, stride, offset);
  case DType::UInt32: return scatterTyped(c.data<uint32_t>(), rows, w, dst, stride, offset);
  case DType::UInt64: return scatterTyped(c.data<uint64_t>(), rows, w, dst, stride, offset);
  case DType::Float32: return scatterTyped(c.data<float>(), rows, w, dst, stride, offset);
  case DType::Float64: return scatterTyped(c.data<double>(), rows, w, dst, stride, offset);
  case DType::ObjectID: break;
  }
  throw UsageError("cannot use a column of ObjectIDs as a feature");
}

template <typename T>
void toDoubles(const T* src, std::vector<double>& out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<double>(src[i]);
  }
}

// One scalar column as doubles (labels), exact for every integer a PDG code can be.
std::vector<double> asDoubles(const Column& c) {
  std::vector<double> out(c.size());
  switch (c.dtype()) {
  case DType::Bool: toDoubles(c.data<bool>(), out); break;
  case DType::Int8: toDoubles(c.data<int8_t>(), out); break;
  case DType::Int16: toDoubles(c.data<int16_t>(), out); break;
  case DType::Int32: toDoubles(c.data<int32_t>(), out); break;
  case DType::Int64: toDoubles(c.data<int64_t>(), out); break;
  case DType::UInt8: toDoubles(c.data<uint8_t>(), out); break;
  case DType::UInt16: toDoubles(c.data<uint16_t>(), out); break;
  case DType::UInt32: toDoubles(c.data<uint32_t>(), out); break;
  case DType::UInt64: toDoubles(c.data<uint64_t>(), out); break;
  case DType::Float32: toDoubles(c.data<float>(), out); break;
  case DType::Float64: toDoubles(c.data<double>(), out); break;
  case DType::ObjectID: throw UsageError("cannot use a column of ObjectIDs as a label");
  }
  return out;
}

void permuteRows(Chunk& c, std::size_t width, std::size_t constituentWidth, uint64_t seed) {
  const std::size_t n = c.rows();
  std::vector<std::size_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  SplitMix64 rng(seed);
  for (std::size_t i = n; i > 1; --i) {
    std::swap(perm[i - 1], perm[rng.below(i)]);
  }
  Chunk out;
  out.features.resize(c.features.size());
  out.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::copy_n(c.features.data() + perm[i] * width, width, out.features.data() + i * width);
    out.labels[i] = c.labels[perm[i]];
  }
  if (!c.offsets.empty()) {
    out.offsets.reserve(n + 1);
    out.offsets.push_back(0);
    out.constituents.reserve(c.constituents.size());
    for (std::size_t i = 0; i < n; ++i) {
      const auto* first = c.constituents.data() + c.offsets[perm[i]] * constituentWidth;
      const auto* last = c.constituents.data() + c.offsets[perm[i] + 1] * constituentWidth;
      out.constituents.insert(out.constituents.end(), first, last);
      out.offsets.push_back(out.offsets.back() + (c.offsets[perm[i] + 1] - c.offsets[perm[i]]));
    }
  }
  c = std::move(out);
}

// Ties keep the stored order and NaN goes last, exactly as the inference gather orders
// constituents (onnx/src/Gather.cc), so that training sees what inference will give.
void orderConstituents(std::vector<uint32_t>& order, const std::vector<double>& keys, bool descending) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> k(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    k[i] = std::isnan(keys[i]) ? (descending ? -kInf : kInf) : keys[i];
  }
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (k[a] != k[b]) {
      return descending ? k[a] > k[b] : k[a] < k[b];
    }
    return a < b;
  });
}

} // namespace

bool isValidationEvent(uint64_t entry, uint64_t seed, double fraction) {
  const uint64_t h = SplitMix64::mix(seed * 0x9E3779B97F4A7C15ull ^ SplitMix64::mix(entry));
  return static_cast<double>(h >> 11) * 0x1.0p-53 < fraction;
}

struct Dataset::Impl {
  TrainingSpec spec;
  DatasetOptions options;
  std::unique_ptr<io::Reader> reader;
  std::shared_ptr<const DataModelDefinition> dm;
  std::vector<io::CollectionInfo> collections;
  io::CollectionInfo input;
  std::vector<std::string> featurePaths;
  std::vector<std::string> featureNames;
  std::size_t width{0};
  uint64_t events{0};

  // Label through a link: which side of the link points at the input objects.
  std::string inSide, targetSide;
  // Label through a relation of the input type.
  const RelationDef* relation{nullptr};
  std::map<uint32_t, std::string> targetCollections; // collection ID -> name (of the target type)
  std::set<double> signal;

  // Constituents (version 2): where they come from and which of their members are read.
  const onnx::ConstituentSource* source{nullptr};
  std::string constituentType;
  std::vector<std::string> constituentPaths;
  std::vector<std::string> constituentNames;
  std::size_t constituentWidth{0};
  const RelationDef* constituentRelation{nullptr};        // constituents through a relation
  std::string scoredSide, otherSide;                      // constituents through a link
  std::map<uint32_t, std::string> constituentCollections; // collection ID -> name (of the constituent type)
  uint64_t constituentObjects{0};
  std::string anyColumn; // a column of the input type, to count its objects without reading features

  bool inMemory{false};
  Chunk train, validation;
  SplitCounts counts[2];
  double readSeconds{0.0};

  [[noreturn]] void fail(const std::string& why) const {
    throw DefinitionError("training spec does not fit the data: " + why + " (" + spec.source + "; " +
                          joinFiles(reader->files()) + ")");
  }

  const io::CollectionInfo* find(const std::string& name) const {
    auto it = std::find_if(collections.begin(), collections.end(), [&](const auto& c) { return c.name == name; });
    return it == collections.end() ? nullptr : &*it;
  }

  const DatatypeDef* datatype(const std::string& name) const {
    for (const auto& m : reader->dataModels()) {
      if (const auto* d = m->datatype(name)) {
        return d;
      }
    }
    return nullptr;
  }

  // The datatypes an interface stands for, or the type itself.
  std::vector<std::string> concreteTypes(const std::string& type) const {
    for (const auto& m : reader->dataModels()) {
      if (const auto* i = m->interface(type)) {
        return i->types;
      }
    }
    return {type};
  }

  // Member paths as columns of `type`, with a name per value; returns the width.
  std::size_t memberColumns(const DatatypeDef& type, const std::string& typeName, const std::vector<std::string>& paths,
                            const std::string& what, std::vector<std::string>& names) const {
    std::size_t w = 0;
    for (const auto& path : paths) {
      const auto* cd = type.column(path);
      if (cd == nullptr || cd->kind != ColumnKind::Member) {
        fail(what + " '" + path + "' is not a per-object member of " + typeName);
      }
      if (!isNumeric(cd->dtype)) {
        fail(what + " '" + path + "' is not numeric");
      }
      const uint32_t cw = cd->width();
      for (uint32_t k = 0; k < cw; ++k) {
        names.push_back(cw == 1 && cd->shape.empty() ? path : path + "[" + std::to_string(k) + "]");
      }
      w += cw;
    }
    return w;
  }

  void resolve() {
    collections = reader->collections(spec.category);
    events = reader->getEntries(spec.category);
    const auto* in = find(spec.inputCollection);
    if (in == nullptr) {
      std::string names;
      for (const auto& c : collections) {
        names += (names.empty() ? "" : ", ") + c.name;
      }
      fail("input collection '" + spec.inputCollection + "' is not in category '" + spec.category + "' (it has: " +
           (names.empty() ? "nothing" : names) + ")");
    }
    if (in->type != spec.inputType) {
      fail("input collection '" + spec.inputCollection + "' holds " + in->type + ", not " + spec.inputType);
    }
    if (in->subset) {
      fail("input collection '" + spec.inputCollection + "' is a subset collection; train on the collection it refers to");
    }
    input = *in;
    for (const auto& m : reader->dataModels()) {
      if (m->name == in->dataModel) {
        dm = m;
      }
    }
    const DatatypeDef* type = dm ? dm->datatype(spec.inputType) : nullptr;
    if (type == nullptr) {
      fail("the files store no definition of " + spec.inputType);
    }
    for (const auto& c : type->columns) {
      if (c.kind != ColumnKind::VectorValue) {
        anyColumn = c.path;
        break;
      }
    }
    if (anyColumn.empty()) {
      fail(spec.inputType + " has no per-object columns to read");
    }
    featurePaths = spec.features;
    width = memberColumns(*type, spec.inputType, featurePaths, "feature", featureNames);
    resolveConstituents(*type);
    resolveLabel(*type);
  }

  void resolveConstituents(const DatatypeDef& type) {
    for (const auto& in : spec.inputs) {
      if (in.kind != onnx::InputKind::Constituents) {
        continue;
      }
      source = &*in.constituents;
      for (const auto& m : in.members) {
        constituentPaths.push_back(m.path);
      }
    }
    if (source == nullptr) {
      return;
    }
    const std::string& firstName = spec.constituentsInput()->name;
    if (!source->relation.empty()) {
      const auto* r = type.relation(source->relation);
      if (r == nullptr || !r->many) {
        fail("input '" + firstName + "': '" + source->relation + "' is not a one-to-many relation of " + spec.inputType);
      }
      constituentRelation = r;
      constituentType = r->type;
    } else {
      const auto* link = find(source->linkCollection);
      if (link == nullptr) {
        fail("input '" + firstName + "': link collection '" + source->linkCollection + "' is not in category '" +
             spec.category + "'");
      }
      if (link->type != source->link) {
        fail("input '" + firstName + "': link collection '" + source->linkCollection + "' holds " + link->type + ", not " +
             source->link);
      }
      const auto* lt = datatype(link->type);
      if (lt == nullptr || !lt->isLink) {
        fail("input '" + firstName + "': " + link->type + " is not a link");
      }
      if (lt->linkFrom == spec.inputType) {
        scoredSide = "from", otherSide = "to", constituentType = lt->linkTo;
      } else if (lt->linkTo == spec.inputType) {
        scoredSide = "to", otherSide = "from", constituentType = lt->linkFrom;
      } else {
        fail("input '" + firstName + "': link " + link->type + " connects " + lt->linkFrom + " and " + lt->linkTo +
             ", not " + spec.inputType);
      }
    }
    if (concreteTypes(constituentType) != std::vector<std::string>{constituentType}) {
      fail("input '" + firstName + "': the constituents are of interface " + constituentType +
           ", which the inference gather cannot read (point the relation or link at a datatype)");
    }
    std::vector<std::string> names;
    for (const auto& t : concreteTypes(constituentType)) {
      const auto* ct = datatype(t);
      if (ct == nullptr) {
        fail("the files store no definition of " + t + " (the constituents of input '" + firstName + "')");
      }
      names.clear();
      constituentWidth = memberColumns(*ct, t, constituentPaths, "constituent member", names);
      if (!source->sortBy.empty()) {
        const auto* cd = ct->column(source->sortBy);
        if (cd == nullptr || cd->kind != ColumnKind::Member || cd->width() != 1 || !isNumeric(cd->dtype)) {
          fail("input '" + firstName + "': sort_by '" + source->sortBy + "' is not a numeric scalar member of " + t);
        }
      }
      for (const auto& c : collections) {
        if (c.type == t && !c.subset) {
          constituentCollections[c.collectionID] = c.name;
          constituentObjects += c.objects;
        }
      }
    }
    constituentNames = std::move(names);
  }

  void resolveLabel(const DatatypeDef& type) {
    signal.insert(spec.label.signalValues.begin(), spec.label.signalValues.end());
    auto checkLabelMember = [&](const DatatypeDef& t, const std::string& typeName) {
      const auto* cd = t.column(spec.label.member);
      if (cd == nullptr || cd->kind != ColumnKind::Member || cd->width() != 1 || !isNumeric(cd->dtype)) {
        fail("label member '" + spec.label.member + "' is not a numeric scalar member of " + typeName);
      }
    };
    if (spec.label.link.empty() && spec.label.relation.empty()) {
      checkLabelMember(type, spec.inputType);
      return;
    }
    std::string targetType, via;
    if (!spec.label.relation.empty()) {
      relation = type.relation(spec.label.relation);
      if (relation == nullptr) {
        fail("label relation '" + spec.label.relation + "' is not a relation of " + spec.inputType);
      }
      targetType = relation->type;
      via = "relation '" + spec.label.relation + "'";
    } else {
      targetType = resolveLink(find(spec.label.link));
      via = "link collection '" + spec.label.link + "'";
    }
    // An interface relation may point at several datatypes: each must have the member.
    for (const auto& t : concreteTypes(targetType)) {
      const DatatypeDef* target = datatype(t);
      if (target == nullptr) {
        fail("the files store no definition of " + t);
      }
      checkLabelMember(*target, t);
      for (const auto& c : collections) {
        if (c.type == t && !c.subset) {
          targetCollections[c.collectionID] = c.name;
        }
      }
    }
    if (targetCollections.empty()) {
      fail("no collection of " + targetType + " (the label's source through the " + via + ") is stored");
    }
  }

  // The type at the other end of the label's link collection.
  std::string resolveLink(const io::CollectionInfo* link) {
    if (link == nullptr) {
      fail("label link collection '" + spec.label.link + "' is not in category '" + spec.category + "'");
    }
    const DataModelDefinition* linkModel = nullptr;
    for (const auto& m : reader->dataModels()) {
      if (m->name == link->dataModel) {
        linkModel = m.get();
      }
    }
    const DatatypeDef* linkType = linkModel ? linkModel->datatype(link->type) : nullptr;
    if (linkType == nullptr || !linkType->isLink) {
      fail("label link collection '" + spec.label.link + "' holds " + link->type + ", which is not a link");
    }
    if (linkType->linkFrom == spec.inputType) {
      inSide = "from", targetSide = "to";
      return linkType->linkTo;
    }
    if (linkType->linkTo == spec.inputType) {
      inSide = "to", targetSide = "from";
      return linkType->linkFrom;
    }
    fail("link " + link->type + " connects " + linkType->linkFrom + " and " + linkType->linkTo + ", not " +
         spec.inputType);
  }

  bool isSignal(double v) const { return signal.empty() ? v != 0.0 : signal.contains(v); }

  // The first class, in the spec's order, that a value belongs to; -1 if none (classes
  // that take unlinked objects or the rest are decided per object, not per value).
  int classOf(double v) const {
    const auto& classes = spec.label.classes;
    for (std::size_t k = 0; k < classes.size(); ++k) {
      const auto& c = classes[k];
      if (c.match == ClassSpec::Match::Values &&
          std::find(c.values.begin(), c.values.end(), v) != c.values.end()) {
        return static_cast<int>(k);
      }
      if (c.match == ClassSpec::Match::PdgFlavour && std::isfinite(v) && std::fabs(v) < 9.2e18 &&
          pdgHeaviestQuark(static_cast<int64_t>(std::llround(v))) == c.flavour) {
        return static_cast<int>(k);
      }
    }
    return -1;
  }

  int classMatching(ClassSpec::Match m) const {
    const auto& classes = spec.label.classes;
    for (std::size_t k = 0; k < classes.size(); ++k) {
      if (classes[k].match == m) {
        return static_cast<int>(k);
      }
    }
    return -1;
  }

  // Labels of the rows of `range`: 1, 0 or the class index; -1 for "drop".
  std::vector<float> labels(io::EntryRange range, const io::ColumnBatch& in, const std::vector<double>* ownMember) {
    const std::size_t rows = in.offsets.back();
    const bool multi = spec.multiClass();
    const int otherwise = classMatching(ClassSpec::Match::Otherwise);
    if (ownMember != nullptr) {
      std::vector<float> out(rows);
      for (std::size_t r = 0; r < rows; ++r) {
        const double v = (*ownMember)[r];
        const int k = multi ? classOf(v) : isSignal(v) ? 1 : 0;
        out[r] = static_cast<float>(k >= 0 ? k : otherwise);
      }
      return out;
    }
    // Per row: the best (lowest) class any target matches, or whether any target was there.
    constexpr int kNothing = std::numeric_limits<int>::max();
    constexpr int kLinked = kNothing - 1;
    std::vector<int> best(rows, kNothing);
    const auto pairs = relation != nullptr ? relationPairs(range, in, *relation, "label")
                                           : linkPairs(range, in, spec.label.link, inSide, targetSide);
    struct Target {
      std::vector<double> values;
      std::vector<uint64_t> offsets;
    };
    std::map<uint32_t, Target> targets;
    const std::string via = relation != nullptr ? "relation '" + relation->name + "' of '" + spec.inputCollection + "'"
                                                : "link collection '" + spec.label.link + "'";
    const uint64_t nEvents = range.last - range.first;
    for (uint64_t e = 0; e < nEvents; ++e) {
      for (uint64_t p = pairs.offsets[e]; p < pairs.offsets[e + 1]; ++p) {
        const auto tc = targetCollections.find(pairs.targetCollection[p]);
        if (pairs.targetIndex[p] < 0 || tc == targetCollections.end()) {
          continue; // points nowhere, or at a collection that is not stored
        }
        auto t = targets.find(tc->first);
        if (t == targets.end()) {
          auto b = reader->readColumns(spec.category, tc->second, {spec.label.member}, range);
          t = targets.emplace(tc->first, Target{asDoubles(b.columns[0]), std::move(b.offsets)}).first;
        }
        const auto& tg = t->second;
        const auto ti = static_cast<uint64_t>(pairs.targetIndex[p]);
        if (ti >= tg.offsets[e + 1] - tg.offsets[e]) {
          throw IoError("cannot read label: the " + via + " of entry " + std::to_string(range.first + e) +
                        " points past the end of '" + tc->second + "' (" + joinFiles(reader->files()) + ")");
        }
        const double v = tg.values[tg.offsets[e] + ti];
        // Several targets for one object: signal if any of them is; the first class in
        // the spec's order that any of them belongs to.
        int k = multi ? classOf(v) : isSignal(v) ? 1 : 0;
        if (!multi) {
          k = 1 - k; // lower is better below: signal (0) beats background (1)
        }
        int& b = best[in.offsets[e] + pairs.inputIndex[p]];
        b = std::min(b, k >= 0 ? k : kLinked);
      }
    }
    std::vector<float> out(rows);
    const int unlinked = multi ? classMatching(ClassSpec::Match::Unlinked) : spec.label.skipUnlinked ? -1 : 0;
    for (std::size_t r = 0; r < rows; ++r) {
      int k = best[r];
      if (!multi) {
        k = k == kNothing ? unlinked : 1 - k;
      } else if (k == kLinked) {
        k = otherwise;
      } else if (k == kNothing) {
        k = unlinked >= 0 ? unlinked : otherwise;
      }
      out[r] = static_cast<float>(k);
    }
    return out;
  }

  // (input object, target ObjectID) pairs of a chunk, grouped by entry.
  struct Pairs {
    std::vector<uint64_t> offsets{0}; // entries + 1
    std::vector<uint64_t> inputIndex; // within its entry
    std::vector<uint32_t> targetCollection;
    std::vector<int32_t> targetIndex;
    void add(uint64_t in, uint32_t cid, int32_t idx) {
      inputIndex.push_back(in);
      targetCollection.push_back(cid);
      targetIndex.push_back(idx);
    }
  };

  // Links of `linkCollection` whose side `side` points at an object of this chunk's input
  // collection, with the ObjectID of side `other`, in link order per entry.
  Pairs linkPairs(io::EntryRange range, const io::ColumnBatch& in, const std::string& linkCollection,
                  const std::string& side, const std::string& other) {
    auto link = reader->readColumns(spec.category, linkCollection,
                                    {side + ".index", side + ".collectionID", other + ".index", other + ".collectionID"},
                                    range);
    const auto* inIdx = link.columns[0].data<int32_t>();
    const auto* inCid = link.columns[1].data<uint32_t>();
    const auto* tIdx = link.columns[2].data<int32_t>();
    const auto* tCid = link.columns[3].data<uint32_t>();
    Pairs p;
    for (uint64_t e = 0; e + 1 < link.offsets.size(); ++e) {
      const uint64_t nIn = in.offsets[e + 1] - in.offsets[e];
      for (uint64_t l = link.offsets[e]; l < link.offsets[e + 1]; ++l) {
        // Links from another collection of the input type, or from nowhere, are not these objects'.
        if (inCid[l] == input.collectionID && inIdx[l] >= 0 && static_cast<uint64_t>(inIdx[l]) < nIn) {
          p.add(static_cast<uint64_t>(inIdx[l]), tCid[l], tIdx[l]);
        }
      }
      p.offsets.push_back(p.inputIndex.size());
    }
    return p;
  }

  // The targets of relation `rel` of every input object of this chunk, per entry in
  // object order and, for one-to-many, in stored order; `what` names the reading in errors.
  Pairs relationPairs(io::EntryRange range, const io::ColumnBatch& in, const RelationDef& rel, const std::string& what) {
    const std::string& r = rel.name;
    auto ids = reader->readColumns(spec.category, spec.inputCollection, {r + ".index", r + ".collectionID"}, range);
    const auto* tIdx = ids.columns[0].data<int32_t>();
    const auto* tCid = ids.columns[1].data<uint32_t>();
    Pairs p;
    if (!rel.many) {
      for (uint64_t e = 0; e + 1 < in.offsets.size(); ++e) {
        for (uint64_t o = in.offsets[e]; o < in.offsets[e + 1]; ++o) {
          p.add(o - in.offsets[e], tCid[o], tIdx[o]);
        }
        p.offsets.push_back(p.inputIndex.size());
      }
      return p;
    }
    // One-to-many: per object a range into the entry's targets.
    auto ranges = reader->readColumns(spec.category, spec.inputCollection, {r + "_begin", r + "_end"}, range);
    const auto* begin = ranges.columns[0].data<uint32_t>();
    const auto* end = ranges.columns[1].data<uint32_t>();
    for (uint64_t e = 0; e + 1 < in.offsets.size(); ++e) {
      const uint64_t values = ids.offsets[e + 1] - ids.offsets[e];
      for (uint64_t o = in.offsets[e]; o < in.offsets[e + 1]; ++o) {
        if (begin[o] > end[o] || end[o] > values) {
          throw IoError("cannot read " + what + ": object " + std::to_string(o - in.offsets[e]) + " of entry " +
                        std::to_string(range.first + e) + " in '" + spec.inputCollection + "' has range " +
                        std::to_string(begin[o]) + ".." + std::to_string(end[o]) + " for '" + r + "' with " +
                        std::to_string(values) + " targets (" + joinFiles(reader->files()) + ")");
        }
        for (uint64_t v = begin[o]; v < end[o]; ++v) {
          p.add(o - in.offsets[e], tCid[ids.offsets[e] + v], tIdx[ids.offsets[e] + v]);
        }
      }
      p.offsets.push_back(p.inputIndex.size());
    }
    return p;
  }

  // The constituents of every row of `range`, resolved, ordered and truncated as the
  // inference gather does: per row [offsets[r], offsets[r + 1]) of `values`.
  struct Constituents {
    std::vector<uint64_t> offsets{0};
    std::vector<float> values;
  };

  Constituents constituents(io::EntryRange range, const io::ColumnBatch& in) {
    // Per row the ObjectIDs of its constituents, in stored (relation or link) order: the
    // same pairs the label reads, bucketed by row with a counting sort that keeps their order.
    const std::size_t rows = in.offsets.back();
    const std::string what = "the constituents of input '" + spec.constituentsInput()->name + "'";
    const auto pairs = constituentRelation != nullptr
                           ? relationPairs(range, in, *constituentRelation, what)
                           : linkPairs(range, in, source->linkCollection, scoredSide, otherSide);
    std::vector<uint64_t> starts(rows + 1, 0);
    for (uint64_t e = 0; e + 1 < pairs.offsets.size(); ++e) {
      for (uint64_t k = pairs.offsets[e]; k < pairs.offsets[e + 1]; ++k) {
        ++starts[in.offsets[e] + pairs.inputIndex[k] + 1];
      }
    }
    std::partial_sum(starts.begin(), starts.end(), starts.begin());
    std::vector<uint32_t> cids(starts.back());
    std::vector<int32_t> idxs(starts.back());
    std::vector<uint64_t> fill(starts.begin(), starts.end() - 1);
    for (uint64_t e = 0; e + 1 < pairs.offsets.size(); ++e) {
      for (uint64_t k = pairs.offsets[e]; k < pairs.offsets[e + 1]; ++k) {
        const uint64_t at = fill[in.offsets[e] + pairs.inputIndex[k]]++;
        cids[at] = pairs.targetCollection[k];
        idxs[at] = pairs.targetIndex[k];
      }
    }

    // The members (and the sort key) of every collection the constituents point into.
    struct Source {
      std::vector<float> values; // rows of the range x constituentWidth
      std::vector<double> keys;
      std::vector<uint64_t> offsets;
    };
    std::map<uint32_t, Source> sources;
    auto sourceOf = [&](uint32_t cid, uint64_t entry) -> const Source& {
      if (auto it = sources.find(cid); it != sources.end()) {
        return it->second;
      }
      const auto c = constituentCollections.find(cid);
      if (c == constituentCollections.end()) {
        throw IoError("cannot read " + what + ": a constituent in entry " + std::to_string(entry) +
                      " points into collection ID " + std::to_string(cid) + ", which is not a stored collection of " +
                      constituentType + " (" + joinFiles(reader->files()) + ")");
      }
      auto paths = constituentPaths;
      if (!source->sortBy.empty()) {
        paths.push_back(source->sortBy);
      }
      auto batch = reader->readColumns(spec.category, c->second, paths, range);
      Source src;
      src.values.resize(batch.offsets.back() * constituentWidth);
      std::size_t offset = 0;
      for (std::size_t k = 0; k < constituentPaths.size(); ++k) {
        scatter(batch.columns[k], src.values.data(), constituentWidth, offset);
        offset += batch.columns[k].width();
      }
      if (!source->sortBy.empty()) {
        src.keys = asDoubles(batch.columns.back());
      }
      src.offsets = std::move(batch.offsets);
      return sources.emplace(cid, std::move(src)).first->second;
    };

    Constituents out;
    out.offsets.reserve(rows + 1);
    struct Ref {
      const float* values;
      double key;
    };
    std::vector<Ref> refs;
    std::vector<double> keys;
    std::vector<uint32_t> order;
    for (uint64_t e = 0; e + 1 < in.offsets.size(); ++e) {
      const uint64_t entry = range.first + e;
      for (uint64_t o = in.offsets[e]; o < in.offsets[e + 1]; ++o) {
        refs.clear();
        for (uint64_t j = starts[o]; j < starts[o + 1]; ++j) {
          if (idxs[j] < 0) {
            continue; // unset: not a constituent
          }
          const Source& src = sourceOf(cids[j], entry);
          const auto row = static_cast<uint64_t>(idxs[j]);
          if (row >= src.offsets[e + 1] - src.offsets[e]) {
            throw IoError("cannot read " + what + ": a constituent in entry " + std::to_string(entry) +
                          " points at index " + std::to_string(row) + " of a collection of " +
                          std::to_string(src.offsets[e + 1] - src.offsets[e]) + " (" + joinFiles(reader->files()) + ")");
          }
          const uint64_t at = src.offsets[e] + row;
          refs.push_back({src.values.data() + at * constituentWidth, src.keys.empty() ? 0.0 : src.keys[at]});
        }
        std::size_t n = refs.size();
        if (source->maxCount > 0) {
          n = std::min<std::size_t>(n, source->maxCount);
        }
        if (!source->sortBy.empty() && refs.size() > 1) {
          keys.resize(refs.size());
          order.resize(refs.size());
          for (std::size_t k = 0; k < refs.size(); ++k) {
            keys[k] = refs[k].key;
          }
          orderConstituents(order, keys, source->descending);
          for (std::size_t k = 0; k < n; ++k) {
            out.values.insert(out.values.end(), refs[order[k]].values, refs[order[k]].values + constituentWidth);
          }
        } else {
          for (std::size_t k = 0; k < n; ++k) {
            out.values.insert(out.values.end(), refs[k].values, refs[k].values + constituentWidth);
          }
        }
        out.offsets.push_back(out.offsets.back() + n);
      }
    }
    return out;
  }

  // Reads entries `range` and appends their rows to `train` and `val`, or, with `all`,
  // every row to `all` in file order with its split and entry.
  void load(io::EntryRange range, Chunk& tr, Chunk& va, LabelledRows* all = nullptr) {
    const auto t0 = std::chrono::steady_clock::now();
    auto paths = featurePaths;
    const bool ownLabel = spec.label.link.empty() && spec.label.relation.empty();
    if (ownLabel) {
      paths.push_back(spec.label.member);
    }
    if (paths.empty()) {
      paths.push_back(anyColumn); // only for the objects per entry
    }
    auto batch = reader->readColumns(spec.category, spec.inputCollection, paths, range);
    const std::size_t rows = batch.offsets.back();
    std::vector<float> x(rows * width);
    std::size_t offset = 0;
    for (std::size_t k = 0; k < featurePaths.size(); ++k) {
      scatter(batch.columns[k], x.data(), width, offset);
      offset += batch.columns[k].width();
    }
    std::vector<double> own;
    if (ownLabel) {
      own = asDoubles(batch.columns.back());
    }
    const auto y = labels(range, batch, ownLabel ? &own : nullptr);
    Constituents cons;
    if (source != nullptr) {
      cons = constituents(range, batch);
      for (Chunk* c : {&tr, &va, all != nullptr ? &all->rows : nullptr}) {
        if (c != nullptr && c->offsets.empty()) {
          c->offsets.push_back(0); // rows + 1 offsets, even for no rows
        }
      }
    }
    for (uint64_t e = 0; e < range.last - range.first; ++e) {
      const bool isVal = isValidationEvent(range.first + e, spec.training.seed, spec.training.validationFraction);
      Chunk& dst = all != nullptr ? all->rows : isVal ? va : tr;
      for (uint64_t r = batch.offsets[e]; r < batch.offsets[e + 1]; ++r) {
        if (y[r] < 0.0f) {
          continue;
        }
        dst.features.insert(dst.features.end(), x.begin() + static_cast<std::ptrdiff_t>(r * width),
                            x.begin() + static_cast<std::ptrdiff_t>((r + 1) * width));
        dst.labels.push_back(y[r]);
        if (source != nullptr) {
          const auto first = cons.values.begin() + static_cast<std::ptrdiff_t>(cons.offsets[r] * constituentWidth);
          const auto last = cons.values.begin() + static_cast<std::ptrdiff_t>(cons.offsets[r + 1] * constituentWidth);
          dst.constituents.insert(dst.constituents.end(), first, last);
          dst.offsets.push_back(dst.offsets.back() + (cons.offsets[r + 1] - cons.offsets[r]));
        }
        if (all != nullptr) {
          all->validation.push_back(isVal ? 1 : 0);
          all->entry.push_back(range.first + e);
          all->object.push_back(static_cast<uint32_t>(r - batch.offsets[e]));
        }
      }
    }
    readSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  void count(const Chunk& c, SplitCounts& n) const {
    n.rows += c.rows();
    if (spec.multiClass()) {
      n.perClass.resize(spec.label.classes.size(), 0);
      for (float l : c.labels) {
        ++n.perClass[static_cast<std::size_t>(l)];
      }
    } else {
      n.positives += static_cast<uint64_t>(std::count_if(c.labels.begin(), c.labels.end(), [](float l) { return l > 0.5f; }));
    }
    n.constituents += c.offsets.empty() ? 0 : c.offsets.back();
  }

  std::vector<io::EntryRange> ranges() const {
    std::vector<io::EntryRange> out;
    const uint64_t step = std::max<uint64_t>(1, options.chunkEvents);
    for (uint64_t a = 0; a < events; a += step) {
      out.push_back({a, std::min(events, a + step)});
    }
    return out;
  }
};

Dataset::Dataset(const TrainingSpec& spec, const std::vector<std::string>& files, DatasetOptions options)
    : m_impl(std::make_unique<Impl>()) {
  auto& im = *m_impl;
  im.spec = spec;
  im.options = options;
  im.reader = io::makeReader(files);
  im.resolve();
  // Rough size of everything in memory: features and label per object and the
  // constituents' values, twice while chunks are appended.
  const uint64_t bytes = (im.input.objects * (im.width + 2) + im.constituentObjects * im.constituentWidth) * sizeof(float) * 2;
  im.inMemory = bytes <= options.memoryBudgetBytes;
  for (const auto& r : im.ranges()) {
    if (im.inMemory) {
      im.load(r, im.train, im.validation);
    } else {
      Chunk tr, va; // only counted here; streamed again on every pass
      im.load(r, tr, va);
      im.count(tr, im.counts[0]);
      im.count(va, im.counts[1]);
    }
  }
  if (im.inMemory) {
    im.count(im.train, im.counts[0]);
    im.count(im.validation, im.counts[1]);
  }
  if (im.counts[0].rows == 0 || im.counts[1].rows == 0) {
    im.fail("the " + std::string(im.counts[0].rows == 0 ? "training" : "validation") + " split has no objects (" +
            std::to_string(im.events) + " events)");
  }
  if (spec.multiClass()) {
    for (std::size_t k = 0; k < spec.label.classes.size(); ++k) {
      if (im.counts[0].perClass[k] == 0) {
        std::string found;
        for (std::size_t j = 0; j < spec.label.classes.size(); ++j) {
          found += (j ? ", " : "") + spec.label.classes[j].name + " " + std::to_string(im.counts[0].perClass[j]);
        }
        im.fail("no training object is of class '" + spec.label.classes[k].name + "' (found: " + found + ")");
      }
    }
  } else if (im.counts[0].positives == 0 || im.counts[0].positives == im.counts[0].rows) {
    // One class only: nothing to learn, and the AUC would be undefined.
    im.fail("the label makes every training object " +
            std::string(im.counts[0].positives == 0 ? "background" : "signal") + " (" +
            std::to_string(im.counts[0].rows) + " objects, " + std::to_string(im.counts[0].positives) +
            " signal); check the label's member and values");
  }
}

Dataset::~Dataset() = default;

std::size_t Dataset::width() const { return m_impl->width; }
std::size_t Dataset::constituentWidth() const { return m_impl->constituentWidth; }
const std::vector<std::string>& Dataset::constituentNames() const { return m_impl->constituentNames; }
const std::vector<std::string>& Dataset::featureNames() const { return m_impl->featureNames; }
SplitCounts Dataset::counts(Split split) const { return m_impl->counts[split == Split::Training ? 0 : 1]; }
uint64_t Dataset::events() const { return m_impl->events; }
const std::vector<std::string>& Dataset::files() const { return m_impl->reader->files(); }
const DataModelDefinition& Dataset::dataModel() const { return *m_impl->dm; }
bool Dataset::inMemory() const { return m_impl->inMemory; }
double Dataset::readSeconds() const { return m_impl->readSeconds; }

void Dataset::forEachChunk(Split split, uint64_t shuffleSeed, const std::function<void(const Chunk&)>& f) {
  auto& im = *m_impl;
  if (im.inMemory) {
    const Chunk& all = split == Split::Training ? im.train : im.validation;
    if (shuffleSeed == 0) {
      f(all);
      return;
    }
    Chunk c = all;
    permuteRows(c, im.width, im.constituentWidth, shuffleSeed);
    f(c);
    return;
  }
  auto ranges = im.ranges();
  SplitMix64 rng(shuffleSeed);
  if (shuffleSeed != 0) {
    for (std::size_t i = ranges.size(); i > 1; --i) {
      std::swap(ranges[i - 1], ranges[rng.below(i)]);
    }
  }
  for (const auto& r : ranges) {
    Chunk tr, va;
    im.load(r, tr, va);
    Chunk& c = split == Split::Training ? tr : va;
    if (c.rows() == 0) {
      continue;
    }
    if (shuffleSeed != 0) {
      permuteRows(c, im.width, im.constituentWidth, rng.next());
    }
    f(c);
  }
}

LabelledRows readLabelledRows(const TrainingSpec& spec, const std::vector<std::string>& files, io::EntryRange range) {
  // The Dataset's own reading, without its split checks: a test file may be all validation.
  Dataset::Impl im;
  im.spec = spec;
  im.reader = io::makeReader(files);
  im.resolve();
  if (range.last == 0) {
    range.last = im.events;
  }
  if (range.first > range.last || range.last > im.events) {
    throw UsageError("cannot read entries " + std::to_string(range.first) + ".." + std::to_string(range.last) +
                     ": the files hold " + std::to_string(im.events));
  }
  LabelledRows out;
  out.width = im.width;
  out.featureNames = im.featureNames;
  out.events = im.events;
  out.constituentWidth = im.constituentWidth;
  out.constituentNames = im.constituentNames;
  Chunk unused;
  const uint64_t step = std::max<uint64_t>(1, DatasetOptions{}.chunkEvents);
  for (uint64_t a = range.first; a < range.last; a += step) {
    im.load({a, std::min(range.last, a + step)}, unused, unused, &out);
  }
  return out;
}

} // namespace podml::train
