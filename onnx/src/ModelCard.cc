#include "podml/onnx/ModelCard.h"

#include "podml/Definition.h"
#include "podml/Exceptions.h"
#include "podml/Json.h"

namespace podml::onnx {

std::string dimName(const Dim& d) {
  if (const auto* s = std::get_if<std::string>(&d)) {
    return *s;
  }
  return std::to_string(std::get<int64_t>(d));
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

std::string ModelCard::toJson(int indent) const {
  json::Value root = json::Value::object();
  root.set("podml_card", json::Value(version));
  json::Value dm = json::Value::object();
  dm.set("name", json::Value(dataModel));
  dm.set("schema_version", json::Value(schemaVersion));
  dm.set("members_hash", json::Value(membersHash));
  root.set("datamodel", std::move(dm));
  json::Value ins = json::Value::array();
  for (const auto& in : inputs) {
    json::Value o = json::Value::object();
    o.set("name", json::Value(in.name));
    o.set("collection_type", json::Value(in.collectionType));
    o.set("collection", json::Value(in.collection));
    json::Value ms = json::Value::array();
    for (const auto& m : in.members) {
      json::Value mo = json::Value::object();
      mo.set("path", json::Value(m.path));
      mo.set("dtype", json::Value(std::string(dtypeName(m.dtype))));
      mo.set("shape", uintArray(m.shape));
      mo.set("unit", json::Value(m.unit));
      ms.push_back(std::move(mo));
    }
    o.set("members", std::move(ms));
    o.set("dtype", json::Value(std::string(dtypeName(in.dtype))));
    o.set("shape", shapeJson(in.shape));
    o.set("preprocessing", json::Value(in.preprocessing));
    ins.push_back(std::move(o));
  }
  root.set("inputs", std::move(ins));
  json::Value outs = json::Value::array();
  for (const auto& out : outputs) {
    json::Value o = json::Value::object();
    o.set("name", json::Value(out.name));
    o.set("meaning", json::Value(out.meaning));
    o.set("dtype", json::Value(std::string(dtypeName(out.dtype))));
    o.set("shape", shapeJson(out.shape));
    o.set("input", json::Value(out.input));
    if (out.target) {
      json::Value t = json::Value::object();
      t.set("type", json::Value(out.target->type));
      t.set("member", json::Value(out.target->member));
      t.set("relation", json::Value(out.target->relation));
      t.set("collection", json::Value(out.target->collection));
      o.set("target", std::move(t));
    }
    outs.push_back(std::move(o));
  }
  root.set("outputs", std::move(outs));
  root.set("producer", json::Value(producer));
  root.set("provenance", json::parse(provenanceJson.empty() ? "{}" : provenanceJson, "model card provenance"));
  return json::dump(root, indent);
}

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
  const Fields dm(f.get("datamodel"), "datamodel", source);
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
    CardInput ci;
    ci.name = in.str("name");
    ci.collectionType = in.str("collection_type");
    ci.collection = in.optStr("collection");
    const auto& ms = in.array("members");
    if (ms.empty()) {
      in.fail("an input needs at least one member");
    }
    for (std::size_t k = 0; k < ms.size(); ++k) {
      CardMember m;
      if (ms[k].isString()) {
        m.path = ms[k].asString(); // short form: just the path, the rest comes from the data model
      } else {
        const Fields mf(ms[k], in.where() + ".members[" + std::to_string(k) + "]", source);
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
      ci.members.push_back(std::move(m));
    }
    ci.dtype = in.opt("dtype") != nullptr ? in.dtype("dtype") : DType::Float32;
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
    CardOutput co;
    co.name = of.str("name");
    co.meaning = of.optStr("meaning");
    co.dtype = of.opt("dtype") != nullptr ? of.dtype("dtype") : DType::Float32;
    if (of.opt("shape") != nullptr) {
      co.shape = of.shape("shape");
    }
    co.input = of.optStr("input");
    if (const auto* t = of.opt("target")) {
      const Fields tf(*t, of.where() + ".target", source);
      co.target = CardTarget{tf.str("type"), tf.str("member"), tf.optStr("relation"), tf.optStr("collection")};
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
  return card;
}

std::string ModelCard::computeMembersHash() const {
  std::string canon = dataModel + ";";
  for (const auto& in : inputs) {
    canon += in.collectionType + ":";
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

void ModelCard::completeFrom(const DataModelDefinition& dm) {
  if (dataModel.empty()) {
    dataModel = dm.name;
  }
  schemaVersion = dm.schemaVersion;
  for (auto& in : inputs) {
    const auto* type = dm.datatype(in.collectionType);
    if (type == nullptr) {
      throw DefinitionError("cannot complete model card: input '" + in.name + "' reads type '" + in.collectionType +
                            "', which data model '" + dm.name + "' does not define");
    }
    for (auto& m : in.members) {
      const auto* c = type->column(m.path);
      if (c == nullptr || c->kind != ColumnKind::Member) {
        throw DefinitionError("cannot complete model card: input '" + in.name + "' reads '" + m.path + "', which " +
                              in.collectionType + " does not have as a per-object member");
      }
      m.dtype = c->dtype;
      m.shape = c->shape;
      m.unit = c->unit;
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
  int64_t width = 0;
  for (const auto& m : card.inputs.front().members) {
    int64_t w = 1;
    for (auto d : m.shape) {
      w *= d;
    }
    width += w;
  }
  card.inputs.front().shape = {std::string("N"), width};
  return card;
}

} // namespace podml::onnx
