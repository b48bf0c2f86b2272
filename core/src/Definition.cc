#include "podml/Definition.h"

#include "podml/Exceptions.h"
#include "podml/Json.h"

#include <cstdio>
#include <functional>

namespace podml {

std::string contentHash(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

uint32_t ColumnDef::width() const {
  uint32_t w = 1;
  for (auto d : shape) {
    w *= d;
  }
  return w;
}

const ColumnDef* DatatypeDef::column(std::string_view path) const {
  const int i = columnIndex(path);
  return i < 0 ? nullptr : &columns[static_cast<std::size_t>(i)];
}

int DatatypeDef::columnIndex(std::string_view path) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].path == path) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

const RelationDef* DatatypeDef::relation(std::string_view n) const {
  for (const auto& r : relations) {
    if (r.name == n) {
      return &r;
    }
  }
  return nullptr;
}

const ComponentDef* DataModelDefinition::component(std::string_view n) const {
  for (const auto& c : components) {
    if (c.name == n) {
      return &c;
    }
  }
  return nullptr;
}

const DatatypeDef* DataModelDefinition::datatype(std::string_view n) const {
  for (const auto& d : datatypes) {
    if (d.name == n) {
      return &d;
    }
  }
  return nullptr;
}

const InterfaceDef* DataModelDefinition::interface(std::string_view n) const {
  for (const auto& i : interfaces) {
    if (i.name == n) {
      return &i;
    }
  }
  return nullptr;
}

namespace {

std::string where(const std::string& model, const std::string& type) {
  return " (data model '" + model + "', type '" + type + "')";
}

MemberDef parseMember(const json::Value& v, const std::string& model, const std::string& type) {
  auto parsed = parseMemberLine(v.asString());
  if (auto* err = std::get_if<MemberParseError>(&parsed)) {
    throw DefinitionError("cannot read member '" + v.asString() + "': " + err->reason + where(model, type));
  }
  return std::get<MemberDef>(std::move(parsed));
}

std::vector<MemberDef> parseMembers(const json::Value& obj, std::string_view key, const std::string& model,
                                    const std::string& type) {
  std::vector<MemberDef> out;
  if (const auto* list = obj.find(key)) {
    for (const auto& m : list->asArray()) {
      out.push_back(parseMember(m, model, type));
    }
  }
  return out;
}

std::map<std::string, std::string> parseExtra(const json::Value& obj, std::string_view key) {
  std::map<std::string, std::string> out;
  if (const auto* extra = obj.find(key)) {
    for (const auto& [k, v] : extra->asObject()) {
      out[k] = v.asString();
    }
  }
  return out;
}

std::string optString(const json::Value& obj, std::string_view key) {
  const auto* v = obj.find(key);
  return v && v->isString() ? v->asString() : std::string{};
}

// Expands members into leaf columns, recursing through components.
class Flattener {
public:
  Flattener(const DataModelDefinition& dm, const std::vector<const DataModelDefinition*>& upstream)
      : m_dm(dm), m_upstream(upstream) {}

  const ComponentDef* findComponent(const std::string& name) const {
    if (const auto* c = m_dm.component(name)) {
      return c;
    }
    for (const auto* up : m_upstream) {
      if (const auto* c = up->component(name)) {
        return c;
      }
    }
    return nullptr;
  }

  void flatten(const MemberDef& m, const std::string& prefix, const std::string& inheritedUnit,
               const std::string& description, std::vector<uint32_t> shape, ColumnKind kind, const std::string& owner,
               const std::string& typeName, std::vector<ColumnDef>& out, int depth = 0) const {
    if (depth > 32) {
      throw DefinitionError("cannot flatten member '" + owner + "': components nest too deeply" +
                            where(m_dm.name, typeName));
    }
    if (m.isArray) {
      shape.push_back(m.arraySize);
    }
    const std::string unit = m.unit.empty() ? inheritedUnit : m.unit;
    const std::string& vt = m.valueType();
    if (auto dt = dtypeFromCppType(vt)) {
      ColumnDef c;
      c.path = prefix + m.name;
      c.dtype = *dt;
      c.shape = std::move(shape);
      c.unit = unit;
      c.description = description.empty() ? m.description : description;
      c.cppType = vt;
      c.kind = kind;
      c.owner = owner;
      if (depth == 0 && !m.isArray) {
        c.defaultValue = m.defaultValue;
      }
      out.push_back(std::move(c));
      return;
    }
    const ComponentDef* comp = findComponent(vt);
    if (comp == nullptr) {
      throw DefinitionError("cannot flatten member '" + m.name + "': type '" + vt +
                            "' is neither builtin nor a known component" + where(m_dm.name, typeName));
    }
    for (const auto& sub : comp->members) {
      flatten(sub, prefix + m.name + ".", unit, description.empty() ? m.description : description, shape, kind, owner,
              typeName, out, depth + 1);
    }
  }

private:
  const DataModelDefinition& m_dm;
  const std::vector<const DataModelDefinition*>& m_upstream;
};

void computeColumns(DatatypeDef& dt, const Flattener& fl) {
  for (const auto& m : dt.members) {
    fl.flatten(m, "", "", m.description, {}, ColumnKind::Member, m.name, dt.name, dt.columns);
  }
  for (const auto& m : dt.vectorMembers) {
    fl.flatten(m, "", "", m.description, {}, ColumnKind::VectorValue, m.name, dt.name, dt.columns);
  }
  auto addRange = [&](const std::string& name) {
    for (auto kind : {ColumnKind::RangeBegin, ColumnKind::RangeEnd}) {
      ColumnDef c;
      c.path = name + (kind == ColumnKind::RangeBegin ? "_begin" : "_end");
      c.dtype = DType::UInt32;
      c.cppType = "uint32_t";
      c.kind = kind;
      c.owner = name;
      dt.columns.push_back(std::move(c));
    }
  };
  for (const auto& m : dt.vectorMembers) {
    addRange(m.name);
  }
  for (const auto& r : dt.relations) {
    if (r.many) {
      addRange(r.name);
    }
  }
  std::string canon;
  for (const auto& c : dt.columns) {
    canon += c.path + "|" + std::string(dtypeName(c.dtype)) + "|";
    for (auto d : c.shape) {
      canon += std::to_string(d) + ",";
    }
    canon += "|" + c.unit + ";";
  }
  for (const auto& r : dt.relations) {
    canon += r.name + "|" + r.type + "|" + (r.many ? "many" : "one") + ";";
  }
  dt.hash = contentHash(canon);
}

} // namespace

DataModelDefinition DataModelDefinition::fromJson(std::string_view jsonText,
                                                  const std::vector<const DataModelDefinition*>& upstreamModels) {
  const json::Value root = json::parse(jsonText, "data model definition");
  DataModelDefinition dm;
  try {
    dm.name = root["name"].asString();
    const auto sv = root["schema_version"].asInt();
    if (sv <= 0 || sv > UINT32_MAX) {
      throw DefinitionError("schema_version has to be larger than 0 (is " + std::to_string(sv) + ")");
    }
    dm.schemaVersion = static_cast<uint32_t>(sv);
    if (const auto* opts = root.find("options")) {
      if (const auto* v = opts->find("getSyntax")) {
        dm.getSyntax = v->asBool();
      }
      if (const auto* v = opts->find("exposePODMembers")) {
        dm.exposePODMembers = v->asBool();
      }
      if (const auto* v = opts->find("includeSubfolder")) {
        dm.includeSubfolder = v->asBool();
      }
    }
    if (const auto* up = root.find("upstream")) {
      for (const auto& u : up->asArray()) {
        dm.upstream.push_back(u.asString());
      }
    }
    if (const auto* comps = root.find("components")) {
      for (const auto& [name, body] : comps->asObject()) {
        ComponentDef c;
        c.name = name;
        c.description = optString(body, "Description");
        c.members = parseMembers(body, "Members", dm.name, name);
        c.extraCode = parseExtra(body, "ExtraCode");
        dm.components.push_back(std::move(c));
      }
    }
    if (const auto* dts = root.find("datatypes")) {
      for (const auto& [name, body] : dts->asObject()) {
        DatatypeDef d;
        d.name = name;
        d.description = optString(body, "Description");
        d.author = optString(body, "Author");
        d.members = parseMembers(body, "Members", dm.name, name);
        d.vectorMembers = parseMembers(body, "VectorMembers", dm.name, name);
        for (const auto& [key, many] : {std::pair{"OneToOneRelations", false}, std::pair{"OneToManyRelations", true}}) {
          for (auto& m : parseMembers(body, key, dm.name, name)) {
            d.relations.push_back({m.type, m.name, m.description, many});
          }
        }
        d.extraCode = parseExtra(body, "ExtraCode");
        d.mutableExtraCode = parseExtra(body, "MutableExtraCode");
        dm.datatypes.push_back(std::move(d));
      }
    }
    if (const auto* links = root.find("links")) {
      for (const auto& [name, body] : links->asObject()) {
        DatatypeDef d;
        d.name = name;
        d.description = optString(body, "Description");
        d.author = optString(body, "Author");
        d.isLink = true;
        d.linkFrom = body["From"].asString();
        d.linkTo = body["To"].asString();
        MemberDef weight;
        weight.type = "float";
        weight.name = "weight";
        weight.defaultValue = "1.0";
        weight.description = "weight of the link";
        d.members.push_back(weight);
        d.relations.push_back({d.linkFrom, "from", "the object the link starts from", false});
        d.relations.push_back({d.linkTo, "to", "the object the link points to", false});
        dm.datatypes.push_back(std::move(d));
      }
    }
    if (const auto* ifaces = root.find("interfaces")) {
      for (const auto& [name, body] : ifaces->asObject()) {
        InterfaceDef i;
        i.name = name;
        i.description = optString(body, "Description");
        i.author = optString(body, "Author");
        i.members = parseMembers(body, "Members", dm.name, name);
        for (const auto& t : body["Types"].asArray()) {
          i.types.push_back(t.asString());
        }
        dm.interfaces.push_back(std::move(i));
      }
    }
  } catch (const DefinitionError& e) {
    throw DefinitionError(std::string("cannot read data model definition: ") + e.what());
  }
  const Flattener fl(dm, upstreamModels);
  for (auto& d : dm.datatypes) {
    computeColumns(d, fl);
  }
  dm.json = json::dump(root);
  dm.hash = contentHash(dm.json);
  return dm;
}

std::string_view columnKindName(ColumnKind kind) noexcept {
  switch (kind) {
  case ColumnKind::Member:
    return "member";
  case ColumnKind::VectorValue:
    return "vector_value";
  case ColumnKind::RangeBegin:
    return "range_begin";
  case ColumnKind::RangeEnd:
    return "range_end";
  }
  return "member";
}

} // namespace podml
