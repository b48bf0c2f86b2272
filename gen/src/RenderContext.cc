#include "RenderContext.h"

#include "podml/Exceptions.h"

#include <cctype>

namespace podml::gen::detail {

std::string nsOf(const std::string& full) {
  const auto p = full.rfind("::");
  return p == std::string::npos ? std::string{} : full.substr(0, p);
}

std::string bareOf(const std::string& full) {
  const auto p = full.rfind("::");
  return p == std::string::npos ? full : full.substr(p + 2);
}

std::string cap(const std::string& name) {
  if (name.empty()) {
    return name;
  }
  std::string s = name;
  s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

std::string identifier(const std::string& name) {
  std::string s;
  for (char c : name) {
    s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) {
    s = "_" + s;
  }
  return s;
}

Context::Context(const RenderInput& in) : m_in(in) {}

const DataModelDefinition* Context::ownerOf(const std::string& type) const {
  auto has = [&](const DataModelDefinition* dm) {
    return dm->component(type) || dm->datatype(type) || dm->interface(type);
  };
  if (has(m_in.model)) {
    return m_in.model;
  }
  for (const auto* up : m_in.upstream) {
    if (has(up)) {
      return up;
    }
  }
  return nullptr;
}

std::string Context::modelInclude(const DataModelDefinition& dm, const std::string& file) const {
  return dm.includeSubfolder ? dm.name + "/" + file : file;
}

std::string Context::includePath(const std::string& type, const std::string& suffix) const {
  const auto* owner = ownerOf(type);
  if (owner == nullptr) {
    throw DefinitionError("cannot render include for '" + type + "': unknown type");
  }
  return modelInclude(*owner, bareOf(type) + suffix + ".h");
}

const ComponentDef* Context::component(const std::string& type) const {
  const auto* o = ownerOf(type);
  return o ? o->component(type) : nullptr;
}

const DatatypeDef* Context::datatype(const std::string& type) const {
  const auto* o = ownerOf(type);
  return o ? o->datatype(type) : nullptr;
}

const InterfaceDef* Context::interface(const std::string& type) const {
  const auto* o = ownerOf(type);
  return o ? o->interface(type) : nullptr;
}

bool Context::isBuiltin(const std::string& type) const { return dtypeFromCppType(type).has_value(); }

std::string Context::cppValueType(const std::string& type) const {
  if (isBuiltin(type) && type.ends_with("_t") && !type.starts_with("std::")) {
    return "std::" + type;
  }
  return type;
}

std::string Context::cppType(const MemberDef& m) const {
  if (m.isArray) {
    return "std::array<" + cppValueType(m.arrayType) + ", " + std::to_string(m.arraySize) + ">";
  }
  return cppValueType(m.type);
}

std::size_t Context::leafCount(const std::string& type) const {
  if (isBuiltin(type)) {
    return 1;
  }
  const auto* c = component(type);
  if (c == nullptr) {
    throw DefinitionError("cannot render member of type '" + type + "': unknown component");
  }
  std::size_t n = 0;
  for (const auto& m : c->members) {
    n += leafCount(m.valueType());
  }
  return n;
}

std::string Context::getter(const std::string& name, bool getSyntax) const {
  return getSyntax ? "get" + cap(name) : name;
}

std::string Context::setter(const std::string& name, bool getSyntax) const {
  return getSyntax ? "set" + cap(name) : name;
}

std::string Context::adder(const std::string& name, bool getSyntax) const {
  return getSyntax ? "addTo" + cap(name) : "add" + name;
}

std::string Context::loadMember(const MemberDef& m, const std::string& cols, const std::string& elem,
                                const std::string& target) const {
  const std::string vt = cppValueType(m.valueType());
  const std::string n = std::to_string(m.arraySize);
  const std::string C = "(" + cols + ")";
  if (isBuiltin(m.valueType())) {
    if (m.isArray) {
      return "std::memcpy(" + target + ".data(), " + C + "[0].data<" + vt + ">() + (" + elem + ") * " + n +
             ", sizeof(" + vt + ") * " + n + ");";
    }
    return target + " = " + C + "[0].data<" + vt + ">()[" + elem + "];";
  }
  if (m.isArray) {
    return "for (std::size_t j_ = 0; j_ < " + n + "; ++j_) { podml_load(" + C + ", (" + elem + ") * " + n +
           " + j_, " + target + "[j_]); }";
  }
  return "podml_load(" + C + ", " + elem + ", " + target + ");";
}

std::string Context::storeMember(const MemberDef& m, const std::string& cols, const std::string& elem,
                                 const std::string& value) const {
  const std::string vt = cppValueType(m.valueType());
  const std::string n = std::to_string(m.arraySize);
  const std::string C = "(" + cols + ")";
  if (isBuiltin(m.valueType())) {
    if (m.isArray) {
      return "std::memcpy(" + C + "[0].data<" + vt + ">() + (" + elem + ") * " + n + ", " + value +
             ".data(), sizeof(" + vt + ") * " + n + ");";
    }
    return C + "[0].data<" + vt + ">()[" + elem + "] = " + value + ";";
  }
  if (m.isArray) {
    return "for (std::size_t j_ = 0; j_ < " + n + "; ++j_) { podml_store(" + C + ", (" + elem + ") * " + n +
           " + j_, " + value + "[j_]); }";
  }
  return "podml_store(" + C + ", " + elem + ", " + value + ");";
}

std::string Context::banner() const {
  return "// Generated by podml " PODML_VERSION_STRING " from " + m_in.sourceName + " (content hash " +
         m_in.yamlHash + ").\n// Do not edit: changes are overwritten by the next generation.\n";
}

} // namespace podml::gen::detail
