#include "podml/onnx/ModelCard.h"

#include "podml/Definition.h"
#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/Text.h"
#include "podml/onnx/Session.h"

#include <algorithm>
#include <map>

namespace podml::onnx {

std::string_view inputKindName(InputKind kind) noexcept {
  switch (kind) {
  case InputKind::Objects: return "objects";
  case InputKind::Constituents: return "constituents";
  case InputKind::Mask: return "mask";
  case InputKind::SegmentIds: return "segment_ids";
  case InputKind::Offsets: return "offsets";
  }
  return "objects";
}

std::string_view layoutName(ConstituentLayout layout) noexcept {
  switch (layout) {
  case ConstituentLayout::FeaturesFirst: return "NFP";
  case ConstituentLayout::ConstituentsFirst: return "NPF";
  case ConstituentLayout::Ragged: return "ragged";
  }
  return "NFP";
}

std::string dimName(const Dim& d) {
  if (const auto* s = std::get_if<std::string>(&d)) {
    return *s;
  }
  return std::to_string(std::get<int64_t>(d));
}

namespace {

std::string numberText(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') {
    s.pop_back();
  }
  return s;
}

} // namespace

std::string constituentTypeOf(const CardInput& in, const DataModelDefinition& dm) {
  if (!in.constituents) {
    return {};
  }
  const auto& c = *in.constituents;
  const auto* scored = dm.datatype(in.collectionType);
  if (!c.relation.empty()) {
    const auto* r = scored != nullptr ? scored->relation(c.relation) : nullptr;
    return r != nullptr && r->many ? r->type : std::string();
  }
  const auto* link = dm.datatype(c.link);
  if (link == nullptr || !link->isLink) {
    return {};
  }
  if (link->linkFrom == in.collectionType) {
    return link->linkTo;
  }
  return link->linkTo == in.collectionType ? link->linkFrom : std::string();
}

std::string describeInput(const CardInput& in) {
  switch (in.kind) {
  case InputKind::Objects:
    return "members of " + in.collectionType + " '" + in.collection + "'";
  case InputKind::Mask:
    return "mask of input '" + in.of + "' (1 = constituent, 0 = padding)";
  case InputKind::SegmentIds:
    return "segment ids of input '" + in.of + "' (per constituent, the index of its object)";
  case InputKind::Offsets:
    return "offsets of input '" + in.of + "' (where each object's constituents start, N + 1 values)";
  case InputKind::Constituents:
    break;
  }
  const auto& c = *in.constituents;
  std::string s = "constituents of " + in.collectionType + " '" + in.collection + "' through " +
                  (c.relation.empty() ? "links '" + c.linkCollection + "' (" + c.link + ")" : "'" + c.relation + "'") +
                  (c.type.empty() ? "" : " (" + c.type + ")");
  switch (c.layout) {
  case ConstituentLayout::FeaturesFirst: s += ", [N, F, P]"; break;
  case ConstituentLayout::ConstituentsFirst: s += ", [N, P, F]"; break;
  case ConstituentLayout::Ragged: s += ", ragged [M, F]"; break;
  }
  if (c.layout != ConstituentLayout::Ragged) {
    s += c.maxCount > 0 ? ", P = " + std::to_string(c.maxCount) + " (longer lists truncated)" : ", P = the longest list";
  }
  if (!c.sortBy.empty()) {
    s += std::string(", ordered by ") + c.sortBy + (c.descending ? " (descending)" : " (ascending)");
  }
  if (c.layout != ConstituentLayout::Ragged) {
    s += ", padded with " + numberText(c.padValue);
  }
  return s;
}

std::string describeOutput(const CardOutput& o) {
  std::string s = o.meaning;
  std::string names;
  for (const auto& c : o.classes) {
    names += (names.empty() ? "" : ", ") + c.name + " (code " + std::to_string(c.code) + ")";
  }
  if (!o.classes.empty()) {
    s += (s.empty() ? "" : "; ") + std::string("classes ") + names;
  }
  if (!o.target) {
    return s + (s.empty() ? "" : "; ") + "not written back";
  }
  const auto& t = *o.target;
  s += (s.empty() ? "" : " ") + std::string("-> ") + t.type + "." + t.member;
  if (!o.classes.empty()) {
    s += t.perClass == ClassWriteBack::Vector ? " (all classes, one object per row)" : " (one collection per class)";
  }
  s += " in '" + t.collection + "'";
  if (!o.classes.empty() && t.perClass == ClassWriteBack::Collections) {
    s += "_<class>";
  }
  if (!t.classMember.empty()) {
    s += ", " + t.classMember +
         (t.perClass == ClassWriteBack::Vector && !o.classes.empty() ? " = the code of the most probable class"
                                                                     : " = the class code");
  }
  if (!t.relation.empty()) {
    s += ", " + t.relation + " -> the scored " + std::string(o.perConstituent ? "constituent" : "object");
  }
  return s;
}

namespace {

json::Value shapeJson(const std::vector<Dim>& shape) {
  json::Value a = json::Value::array();
  for (const auto& d : shape) {
    if (const auto* s = std::get_if<std::string>(&d)) {
      a.push_back(json::Value(*s));
    } else {
      a.push_back(json::Value(std::get<int64_t>(d)));
    }
  }
  return a;
}

json::Value uintArray(const std::vector<uint32_t>& v) {
  json::Value a = json::Value::array();
  for (auto x : v) {
    a.push_back(json::Value(x));
  }
  return a;
}

// Reads fields with messages that name the place in the card.
class Fields {
public:
  Fields(const json::Value& v, std::string where, std::string_view source) : m_v(v), m_where(std::move(where)), m_source(source) {
    if (!v.isObject()) {
      fail("expected an object");
    }
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw DefinitionError("cannot read model card: " + why + " (" + std::string(m_source) + ": " + m_where + ")");
  }
  const json::Value& get(const char* key) const {
    const auto* v = m_v.find(key);
    if (v == nullptr) {
      fail("missing field '" + std::string(key) + "'");
    }
    return *v;
  }
  const json::Value* opt(const char* key) const { return m_v.find(key); }
  // A misspelt key would otherwise be ignored and its default used in silence.
  void only(std::initializer_list<std::string_view> keys) const {
    for (const auto& [k, v] : m_v.asObject()) {
      if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
        std::string known;
        for (auto key : keys) {
          known += (known.empty() ? "" : ", ") + std::string(key);
        }
        fail("unknown field '" + k + "' (known: " + known + ")");
      }
    }
  }
  bool boolean(const char* key, bool fallback) const {
    const auto* v = opt(key);
    if (v == nullptr) {
      return fallback;
    }
    if (!v->isBool()) {
      fail("field '" + std::string(key) + "' must be true or false");
    }
    return v->asBool();
  }
  double number(const char* key, double fallback) const {
    const auto* v = opt(key);
    if (v == nullptr) {
      return fallback;
    }
    if (!v->isNumber()) {
      fail("field '" + std::string(key) + "' must be a number");
    }
    return v->asDouble();
  }
  std::string str(const char* key) const {
    const auto& v = get(key);
    if (!v.isString()) {
      fail("field '" + std::string(key) + "' must be a string");
    }
    return v.asString();
  }
  std::string optStr(const char* key) const {
    const auto* v = opt(key);
    if (v == nullptr) {
      return {};
    }
    if (!v->isString()) {
      fail("field '" + std::string(key) + "' must be a string");
    }
    return v->asString();
  }
  int64_t integer(const char* key) const {
    const auto& v = get(key);
    if (!v.isInt()) {
      fail("field '" + std::string(key) + "' must be an integer");
    }
    return v.asInt();
  }
  const json::Array& array(const char* key) const {
    const auto& v = get(key);
    if (!v.isArray()) {
      fail("field '" + std::string(key) + "' must be a list");
    }
    return v.asArray();
  }
  DType dtype(const char* key) const {
    const std::string s = str(key);
    const auto d = dtypeFromName(s);
    if (!d || *d == DType::ObjectID) {
      fail("unknown dtype '" + s + "' in field '" + std::string(key) + "'");
    }
    return *d;
  }
  std::vector<Dim> shape(const char* key) const {
    std::vector<Dim> out;
    for (const auto& d : array(key)) {
      if (d.isString() && !d.asString().empty()) {
        out.emplace_back(d.asString());
      } else if (d.isInt() && d.asInt() >= 0) {
        out.emplace_back(d.asInt());
      } else {
        fail("shape entries must be non-negative integers or symbol names");
      }
    }
    return out;
  }
  const std::string& where() const { return m_where; }

private:
  const json::Value& m_v;
  std::string m_where;
  std::string_view m_source;
};

} // namespace

namespace {

json::Value membersJson(const std::vector<CardMember>& members) {
  json::Value ms = json::Value::array();
  for (const auto& m : members) {
    json::Value mo = json::Value::object();
    mo.set("path", json::Value(m.path));
    mo.set("dtype", json::Value(std::string(dtypeName(m.dtype))));
    mo.set("shape", uintArray(m.shape));
    mo.set("unit", json::Value(m.unit));
    ms.push_back(std::move(mo));
  }
  return ms;
}

json::Value constituentsJson(const ConstituentSource& c) {
  json::Value o = json::Value::object();
  if (!c.relation.empty()) {
    o.set("relation", json::Value(c.relation));
  }
  if (!c.link.empty()) {
    o.set("link", json::Value(c.link));
    o.set("link_collection", json::Value(c.linkCollection));
  }
  o.set("type", json::Value(c.type));
  o.set("layout", json::Value(std::string(layoutName(c.layout))));
  if (c.layout != ConstituentLayout::Ragged) {
    o.set("max", json::Value(c.maxCount));
    o.set("pad_value", json::Value(c.padValue));
  }
  if (!c.sortBy.empty()) {
    o.set("sort_by", json::Value(c.sortBy));
    o.set("descending", json::Value(c.descending));
  }
  return o;
}

json::Value inputJson(const CardInput& in) {
  json::Value o = json::Value::object();
  o.set("name", json::Value(in.name));
  if (in.kind != InputKind::Objects) {
    o.set("kind", json::Value(std::string(inputKindName(in.kind))));
  }
  if (!in.of.empty()) {
    o.set("of", json::Value(in.of));
  }
  if (!in.collectionType.empty() || in.kind == InputKind::Objects) {
    o.set("collection_type", json::Value(in.collectionType));
    o.set("collection", json::Value(in.collection));
  }
  if (in.constituents) {
    o.set("constituents", constituentsJson(*in.constituents));
  }
  if (in.kind == InputKind::Objects || in.kind == InputKind::Constituents) {
    o.set("members", membersJson(in.members));
  }
  o.set("dtype", json::Value(std::string(dtypeName(in.dtype))));
  o.set("shape", shapeJson(in.shape));
  if (!in.preprocessing.empty() || in.kind == InputKind::Objects) {
    o.set("preprocessing", json::Value(in.preprocessing));
  }
  return o;
}

json::Value outputJson(const CardOutput& out) {
  json::Value o = json::Value::object();
  o.set("name", json::Value(out.name));
  o.set("meaning", json::Value(out.meaning));
  o.set("dtype", json::Value(std::string(dtypeName(out.dtype))));
  o.set("shape", shapeJson(out.shape));
  o.set("input", json::Value(out.input));
  if (out.perConstituent) {
    o.set("rows", json::Value(std::string("constituents")));
  }
  if (!out.classes.empty()) {
    json::Value cs = json::Value::array();
    for (const auto& c : out.classes) {
      json::Value co = json::Value::object();
      co.set("name", json::Value(c.name));
      co.set("code", json::Value(c.code));
      if (!c.collection.empty()) {
        co.set("collection", json::Value(c.collection));
      }
      cs.push_back(std::move(co));
    }
    o.set("classes", std::move(cs));
  }
  if (out.target) {
    json::Value t = json::Value::object();
    t.set("type", json::Value(out.target->type));
    t.set("member", json::Value(out.target->member));
    t.set("relation", json::Value(out.target->relation));
    t.set("collection", json::Value(out.target->collection));
    if (!out.classes.empty()) {
      t.set("per_class", json::Value(std::string(out.target->perClass == ClassWriteBack::Vector ? "vector" : "collections")));
    }
    if (!out.target->classMember.empty()) {
      t.set("class_member", json::Value(out.target->classMember));
    }
    o.set("target", std::move(t));
  }
  return o;
}

std::vector<CardMember> readMembers(const Fields& in, std::string_view source) {
  std::vector<CardMember> out;
  const auto& ms = in.array("members");
  if (ms.empty()) {
    in.fail("an input needs at least one member");
  }
  for (std::size_t k = 0; k < ms.size(); ++k) {
    CardMember m;
    if (ms[k].isString()) {
      m.path = ms[k].asString(); // short form: just the path, the rest comes from the data model
      m.described = false;
    } else {
      const Fields mf(ms[k], in.where() + ".members[" + std::to_string(k) + "]", source);
      mf.only({"path", "dtype", "shape", "unit"});
      m.path = mf.str("path");
      if (mf.opt("dtype") != nullptr) {
        m.dtype = mf.dtype("dtype");
      }
      if (const auto* sh = mf.opt("shape")) {
        if (!sh->isArray()) {
          mf.fail("field 'shape' must be a list");
        }
        for (const auto& d : sh->asArray()) {
          if (!d.isInt() || d.asInt() <= 0 || d.asInt() > UINT32_MAX) {
            mf.fail("member shape entries must be positive integers");
          }
          m.shape.push_back(static_cast<uint32_t>(d.asInt()));
        }
      }
      m.unit = mf.optStr("unit");
    }
    out.push_back(std::move(m));
  }
  return out;
}

InputKind readKind(const Fields& in) {
  const std::string k = in.optStr("kind");
  if (k.empty()) {
    return in.opt("constituents") != nullptr ? InputKind::Constituents : InputKind::Objects;
  }
  for (auto kind : {InputKind::Objects, InputKind::Constituents, InputKind::Mask, InputKind::SegmentIds,
                    InputKind::Offsets}) {
    if (k == inputKindName(kind)) {
      return kind;
    }
  }
  in.fail("unknown input kind '" + k + "' (known: objects, constituents, mask, segment_ids, offsets)");
}

ConstituentSource readConstituents(const Fields& c) {
  c.only({"relation", "link", "link_collection", "type", "layout", "max", "sort_by", "descending", "pad_value"});
  ConstituentSource src;
  src.relation = c.optStr("relation");
  src.link = c.optStr("link");
  src.linkCollection = c.optStr("link_collection");
  if (src.relation.empty() == src.link.empty()) {
    c.fail("constituents come through exactly one of 'relation' (a one-to-many relation of the scored type) or "
           "'link' (a link datatype)");
  }
  if (!src.link.empty() && src.linkCollection.empty()) {
    c.fail("a link needs 'link_collection', the link collection to read in the event");
  }
  src.type = c.optStr("type");
  const std::string layout = c.optStr("layout");
  if (layout.empty() || layout == "NFP") {
    src.layout = ConstituentLayout::FeaturesFirst;
  } else if (layout == "NPF") {
    src.layout = ConstituentLayout::ConstituentsFirst;
  } else if (layout == "ragged") {
    src.layout = ConstituentLayout::Ragged;
  } else {
    c.fail("unknown layout '" + layout + "' (known: NFP for [N, F, P], NPF for [N, P, F], ragged for [M, F])");
  }
  if (c.opt("max") != nullptr) {
    const int64_t m = c.integer("max");
    if (m < 0 || m > 1000000) {
      c.fail("'max' must be between 0 (the longest list of the event) and 1000000");
    }
    if (src.layout == ConstituentLayout::Ragged && m != 0) {
      c.fail("'max' applies to padded layouts; a ragged input takes every constituent");
    }
    src.maxCount = static_cast<uint32_t>(m);
  }
  src.sortBy = c.optStr("sort_by");
  src.descending = c.boolean("descending", true);
  src.padValue = c.number("pad_value", 0.0);
  return src;
}

} // namespace

uint32_t ModelCard::requiredVersion() const {
  for (const auto& in : inputs) {
    if (in.kind != InputKind::Objects) {
      return 2;
    }
  }
  for (const auto& o : outputs) {
    if (!o.classes.empty() || o.perConstituent || (o.target && !o.target->classMember.empty())) {
      return 2;
    }
  }
  return 1;
}

const CardInput* ModelCard::input(std::string_view name) const {
  for (const auto& in : inputs) {
    if (in.name == name) {
      return &in;
    }
  }
  return nullptr;
}

std::string ModelCard::toJson(int indent) const {
  json::Value root = json::Value::object();
  root.set("podml_card", json::Value(requiredVersion()));
  json::Value dm = json::Value::object();
  dm.set("name", json::Value(dataModel));
  dm.set("schema_version", json::Value(schemaVersion));
  dm.set("members_hash", json::Value(membersHash));
  root.set("datamodel", std::move(dm));
  json::Value ins = json::Value::array();
  for (const auto& in : inputs) {
    ins.push_back(inputJson(in));
  }
  root.set("inputs", std::move(ins));
  json::Value outs = json::Value::array();
  for (const auto& out : outputs) {
    outs.push_back(outputJson(out));
  }
  root.set("outputs", std::move(outs));
  root.set("producer", json::Value(producer));
  root.set("provenance", json::parse(provenanceJson.empty() ? "{}" : provenanceJson, "model card provenance"));
  return json::dump(root, indent);
}

namespace {

// The collections the outputs write must be writable names and must not be what an input
// reads: found here, before anything runs, rather than by the writer after the model ran.
void checkOutputCollections(const ModelCard& card, std::string_view source) {
  std::map<std::string, std::string, std::less<>> inputCollections; // collection -> input
  for (const auto& in : card.inputs) {
    if (!in.collection.empty()) {
      inputCollections.emplace(in.collection, in.name);
    }
  }
  for (std::size_t i = 0; i < card.outputs.size(); ++i) {
    const auto& o = card.outputs[i];
    if (!o.target) {
      continue;
    }
    const std::string where = "outputs[" + std::to_string(i) + "]";
    for (const auto& name : outputCollectionNames(o, SessionOptions{})) {
      const auto fail = [&](const std::string& why) {
        throw DefinitionError("cannot read model card: output '" + o.name + "' would write collection '" + name +
                              "', which " + why + "; name another in target.collection (" + std::string(source) +
                              ": " + where + ")");
      };
      if (const auto problem = collectionNameProblem(name); !problem.empty()) {
        fail("cannot name a collection (" + problem + ")");
      }
      if (const auto it = inputCollections.find(name); it != inputCollections.end()) {
        fail("input '" + it->second + "' reads");
      }
    }
  }
}

} // namespace

ModelCard ModelCard::fromJson(std::string_view text, std::string_view source) {
  json::Value root;
  try {
    root = json::parse(text, source);
  } catch (const DefinitionError& e) {
    throw DefinitionError(std::string("cannot read model card: ") + e.what());
  }
  const Fields f(root, "card", source);
  ModelCard card;
  const int64_t version = f.integer("podml_card");
  if (version < 1 || version > kCardVersion) {
    f.fail("card version " + std::to_string(version) + " is not supported (this podml reads versions 1 to " +
           std::to_string(kCardVersion) + ")");
  }
  card.version = static_cast<uint32_t>(version);
  const bool v2 = version >= 2;
  const Fields dm(f.get("datamodel"), "datamodel", source);
  dm.only({"name", "schema_version", "members_hash"});
  card.dataModel = dm.str("name");
  const int64_t sv = dm.integer("schema_version");
  if (sv < 0 || sv > UINT32_MAX) {
    dm.fail("schema_version out of range");
  }
  card.schemaVersion = static_cast<uint32_t>(sv);
  card.membersHash = dm.optStr("members_hash");
  const auto& ins = f.array("inputs");
  for (std::size_t i = 0; i < ins.size(); ++i) {
    const Fields in(ins[i], "inputs[" + std::to_string(i) + "]", source);
    if (v2) {
      in.only({"name", "kind", "of", "collection_type", "collection", "constituents", "members", "dtype", "shape",
               "preprocessing"});
    } else {
      in.only({"name", "collection_type", "collection", "members", "dtype", "shape", "preprocessing"});
    }
    CardInput ci;
    ci.name = in.str("name");
    ci.kind = readKind(in);
    const bool structured = ci.kind == InputKind::Mask || ci.kind == InputKind::SegmentIds || ci.kind == InputKind::Offsets;
    if (structured) {
      ci.of = in.str("of");
      for (const char* key : {"members", "constituents", "collection_type", "collection"}) {
        if (in.opt(key) != nullptr) {
          in.fail("a " + std::string(inputKindName(ci.kind)) + " input takes its objects from input '" + ci.of +
                  "' and has no field '" + key + "'");
        }
      }
    } else {
      ci.collectionType = in.str("collection_type");
      ci.collection = in.optStr("collection");
      ci.members = readMembers(in, source);
      if (in.opt("of") != nullptr) {
        in.fail("field 'of' belongs to mask, segment_ids and offsets inputs");
      }
    }
    if (ci.kind == InputKind::Constituents) {
      ci.constituents = readConstituents(Fields(in.get("constituents"), in.where() + ".constituents", source));
    } else if (in.opt("constituents") != nullptr) {
      in.fail("field 'constituents' belongs to constituents inputs");
    }
    const DType fallback = ci.kind == InputKind::SegmentIds || ci.kind == InputKind::Offsets ? DType::Int64 : DType::Float32;
    ci.dtype = in.opt("dtype") != nullptr ? in.dtype("dtype") : fallback;
    if (in.opt("shape") != nullptr) {
      ci.shape = in.shape("shape");
    }
    ci.preprocessing = in.optStr("preprocessing");
    card.inputs.push_back(std::move(ci));
  }
  if (card.inputs.empty()) {
    f.fail("a card needs at least one input");
  }
  const auto& outs = f.array("outputs");
  for (std::size_t i = 0; i < outs.size(); ++i) {
    const Fields of(outs[i], "outputs[" + std::to_string(i) + "]", source);
    if (v2) {
      of.only({"name", "meaning", "dtype", "shape", "input", "rows", "target", "classes"});
    } else {
      of.only({"name", "meaning", "dtype", "shape", "input", "target"});
    }
    CardOutput co;
    co.name = of.str("name");
    co.meaning = of.optStr("meaning");
    co.dtype = of.opt("dtype") != nullptr ? of.dtype("dtype") : DType::Float32;
    if (of.opt("shape") != nullptr) {
      co.shape = of.shape("shape");
    }
    co.input = of.optStr("input");
    const std::string rows = of.optStr("rows");
    if (rows == "constituents") {
      co.perConstituent = true;
    } else if (!rows.empty() && rows != "objects") {
      of.fail("unknown rows '" + rows + "' (known: objects, one row per scored object; constituents, one per "
              "constituent of input 'input')");
    }
    if (of.opt("classes") != nullptr) {
      const auto& cs = of.array("classes");
      for (std::size_t k = 0; k < cs.size(); ++k) {
        const Fields cf(cs[k], of.where() + ".classes[" + std::to_string(k) + "]", source);
        cf.only({"name", "code", "collection"});
        CardClass c;
        c.name = cf.str("name");
        c.code = cf.opt("code") != nullptr ? cf.integer("code") : 0;
        c.collection = cf.optStr("collection");
        co.classes.push_back(std::move(c));
      }
    }
    if (const auto* t = of.opt("target")) {
      const Fields tf(*t, of.where() + ".target", source);
      if (v2) {
        tf.only({"type", "member", "relation", "collection", "per_class", "class_member"});
      } else {
        tf.only({"type", "member", "relation", "collection"});
      }
      CardTarget target;
      target.type = tf.str("type");
      target.member = tf.str("member");
      target.relation = tf.optStr("relation");
      target.collection = tf.optStr("collection");
      const std::string per = tf.optStr("per_class");
      if (per == "vector") {
        target.perClass = ClassWriteBack::Vector;
      } else if (!per.empty() && per != "collections") {
        tf.fail("unknown per_class '" + per + "' (known: collections, one collection per class; vector, all values "
                "in one vector member)");
      }
      target.classMember = tf.optStr("class_member");
      co.target = std::move(target);
    }
    card.outputs.push_back(std::move(co));
  }
  card.producer = f.optStr("producer");
  if (const auto* p = f.opt("provenance")) {
    if (!p->isObject()) {
      f.fail("field 'provenance' must be an object");
    }
    card.provenanceJson = json::dump(*p);
  }
  f.only({"podml_card", "datamodel", "inputs", "outputs", "producer", "provenance"});
  checkOutputCollections(card, source);
  return card;
}

std::string ModelCard::computeMembersHash() const {
  std::string canon = dataModel + ";";
  for (const auto& in : inputs) {
    if (in.kind == InputKind::Mask || in.kind == InputKind::SegmentIds || in.kind == InputKind::Offsets) {
      continue;
    }
    canon += in.collectionType + ":";
    if (in.constituents) {
      // v1 cards hash as before: only structured inputs add their path through the data model.
      const auto& c = *in.constituents;
      canon += (c.relation.empty() ? "link " + c.link : "relation " + c.relation) + "->" + c.type + ":";
    }
    for (const auto& m : in.members) {
      canon += m.path + "|" + std::string(dtypeName(m.dtype)) + "|";
      for (auto d : m.shape) {
        canon += std::to_string(d) + ",";
      }
      canon += "|" + m.unit + ";";
    }
  }
  return contentHash(canon);
}

int64_t membersWidth(const std::vector<CardMember>& members) {
  int64_t width = 0;
  for (const auto& m : members) {
    int64_t w = 1;
    for (auto d : m.shape) {
      w *= d;
    }
    width += w;
  }
  return width;
}

namespace {

[[noreturn]] void cannotComplete(const CardInput& in, const std::string& why) {
  throw DefinitionError("cannot complete model card: input '" + in.name + "' " + why);
}

// The constituent type of `in`, or a DefinitionError saying why there is none.
std::string requireConstituentType(const CardInput& in, const DataModelDefinition& dm) {
  std::string type = constituentTypeOf(in, dm);
  if (!type.empty()) {
    return type;
  }
  const auto& c = *in.constituents;
  if (!c.relation.empty()) {
    cannotComplete(in, "takes constituents through '" + c.relation + "', which is not a one-to-many relation of " +
                           in.collectionType);
  }
  const auto* link = dm.datatype(c.link);
  if (link == nullptr || !link->isLink) {
    cannotComplete(in, "takes constituents through link '" + c.link + "', which data model '" + dm.name +
                           "' does not define as a link");
  }
  cannotComplete(in, "takes constituents through link '" + c.link + "', which has " + in.collectionType +
                         " on neither side");
}

void completeMembers(const CardInput& in, std::vector<CardMember>& members, const DatatypeDef& type) {
  for (auto& m : members) {
    const auto* col = type.column(m.path);
    if (col == nullptr || col->kind != ColumnKind::Member) {
      cannotComplete(in, "reads '" + m.path + "', which " + type.name + " does not have as a per-object member");
    }
    m.dtype = col->dtype;
    m.shape = col->shape;
    m.unit = col->unit;
    m.described = true;
  }
}

// The shape a structured input has when the card leaves it out.
std::vector<Dim> defaultShape(const CardInput& in, const ModelCard& card) {
  const std::string n = "N";
  if (in.kind == InputKind::Constituents) {
    const auto& c = *in.constituents;
    const int64_t f = membersWidth(in.members);
    const Dim p = c.maxCount > 0 ? Dim{int64_t{c.maxCount}} : Dim{std::string("P")};
    switch (c.layout) {
    case ConstituentLayout::FeaturesFirst: return {n, f, p};
    case ConstituentLayout::ConstituentsFirst: return {n, p, f};
    case ConstituentLayout::Ragged: return {std::string("M"), f};
    }
  }
  const CardInput* of = card.input(in.of);
  if (of == nullptr || !of->constituents) {
    return {};
  }
  const auto& c = *of->constituents;
  const Dim p = c.maxCount > 0 ? Dim{int64_t{c.maxCount}} : Dim{std::string("P")};
  switch (in.kind) {
  case InputKind::Mask:
    return c.layout == ConstituentLayout::FeaturesFirst ? std::vector<Dim>{n, int64_t{1}, p} : std::vector<Dim>{n, p};
  case InputKind::SegmentIds: return {std::string("M")};
  case InputKind::Offsets: return {std::string("N+1")};
  default: return {};
  }
}

} // namespace

void ModelCard::completeFrom(const DataModelDefinition& dm) {
  if (dataModel.empty()) {
    dataModel = dm.name;
  }
  schemaVersion = dm.schemaVersion;
  for (auto& in : inputs) {
    if (in.kind == InputKind::Mask || in.kind == InputKind::SegmentIds || in.kind == InputKind::Offsets) {
      continue;
    }
    const auto* type = dm.datatype(in.collectionType);
    if (type == nullptr) {
      cannotComplete(in, "reads type '" + in.collectionType + "', which data model '" + dm.name + "' does not define");
    }
    if (!in.constituents) {
      completeMembers(in, in.members, *type);
      continue;
    }
    auto& c = *in.constituents;
    const std::string related = requireConstituentType(in, dm);
    if (!c.type.empty() && c.type != related) {
      cannotComplete(in, "names constituent type " + c.type + ", but its constituents are " + related);
    }
    c.type = related;
    const auto* ctype = dm.datatype(related);
    if (ctype == nullptr) {
      cannotComplete(in, "takes constituents of type " + related +
                             ", which is not a datatype of the data model (an interface cannot be gathered)");
    }
    completeMembers(in, in.members, *ctype);
    if (!c.sortBy.empty()) {
      const auto* col = ctype->column(c.sortBy);
      if (col == nullptr || col->kind != ColumnKind::Member || col->width() != 1) {
        cannotComplete(in, "orders its constituents by '" + c.sortBy + "', which is not a scalar member of " + related);
      }
    }
  }
  for (auto& in : inputs) {
    if (in.shape.empty() && in.kind != InputKind::Objects) {
      in.shape = defaultShape(in, *this);
    }
  }
  membersHash = computeMembersHash();
}

ModelCard makeScoreCard(const ScoreCardSpec& spec, const DataModelDefinition& dm) {
  ModelCard card;
  card.dataModel = dm.name;
  card.producer = spec.producer;
  card.provenanceJson = spec.provenanceJson;
  CardInput in;
  in.name = spec.inputName;
  in.collectionType = spec.collectionType;
  in.collection = spec.collection;
  for (const auto& m : spec.members) {
    in.members.push_back({m, DType::Float32, {}, {}});
  }
  in.dtype = DType::Float32;
  in.preprocessing = spec.preprocessing;
  CardOutput out;
  out.name = spec.outputName;
  out.meaning = spec.meaning;
  out.dtype = DType::Float32;
  out.shape = {std::string("N"), int64_t{1}};
  out.input = spec.inputName;
  out.target = spec.target;
  card.inputs.push_back(std::move(in));
  card.outputs.push_back(std::move(out));
  card.completeFrom(dm);
  // The width is known once members are completed: array members count all elements.
  card.inputs.front().shape = {std::string("N"), membersWidth(card.inputs.front().members)};
  return card;
}

} // namespace podml::onnx
