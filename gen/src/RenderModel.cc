// Components, the model definition, and the component <-> columns functions.
#include "RenderContext.h"

#include <set>
#include <sstream>

namespace podml::gen::detail {

namespace {

std::string openNs(const std::string& ns) { return ns.empty() ? "" : "namespace " + ns + " {\n"; }
std::string closeNs(const std::string& ns) { return ns.empty() ? "" : "} // namespace " + ns + "\n"; }

} // namespace

void renderComponent(const Context& ctx, const ComponentDef& c, FileSet& out) {
  const std::string ns = nsOf(c.name);
  const std::string bare = bareOf(c.name);
  std::ostringstream h;
  h << ctx.banner() << "#pragma once\n\n#include <array>\n#include <cstdint>\n#include <ostream>\n";
  std::set<std::string> incs;
  for (const auto& m : c.members) {
    if (!ctx.isBuiltin(m.valueType())) {
      incs.insert(ctx.includePath(m.valueType()));
    }
  }
  for (const auto& i : incs) {
    h << "#include \"" << i << "\"\n";
  }
  if (auto inc = extra(c.extraCode, "includes"); !inc.empty()) {
    h << "\n" << inc << "\n";
  }
  h << "\n" << openNs(ns) << "\n";
  h << "/// " << (c.description.empty() ? bare : oneLine(c.description)) << "\n";
  h << "class " << bare << " {\npublic:\n";
  for (const auto& m : c.members) {
    h << "  " << ctx.cppType(m) << " " << m.name << "{" << m.defaultValue << "};";
    if (!m.description.empty() || !m.unit.empty()) {
      h << " ///< " << oneLine(m.description) << (m.unit.empty() ? "" : " [" + m.unit + "]");
    }
    h << "\n";
  }
  if (auto decl = extra(c.extraCode, "declaration"); !decl.empty()) {
    h << "\n" << decl << "\n";
  }
  if (auto file = extra(c.extraCode, "declarationFile"); !file.empty()) {
    h << "\n" << file << "\n";
  }
  h << "};\n\n";
  h << "/// Prints the members of a " << bare << " separated by spaces.\n";
  h << "inline std::ostream& operator<<(std::ostream& o, const " << bare << "& value) {\n";
  for (const auto& m : c.members) {
    if (m.isArray) {
      h << "  for (const auto& v : value." << m.name << ") {\n    o << v << \" \";\n  }\n";
    } else {
      h << "  o << value." << m.name << " << \" \";\n";
    }
  }
  h << "  return o;\n}\n\n" << closeNs(ns);
  out["include/" + ctx.model().name + "/" + bare + ".h"] = h.str();
}

// podio's `<package>/<package>.h`: every collection header and the model's type lists.
void renderPackageHeader(const Context& ctx, FileSet& out) {
  const auto& dm = ctx.model();
  const std::string path = "include/" + dm.name + "/" + dm.name + ".h";
  if (out.count(path) != 0) {
    return; // a type named like the package has this header already; podio would overwrite it
  }
  std::vector<std::string> datatypes, links, interfaces;
  for (const auto& d : dm.datatypes) {
    (d.isLink ? links : datatypes).push_back("::" + d.name);
  }
  for (const auto& i : dm.interfaces) {
    interfaces.push_back("::" + i.name);
  }
  std::ostringstream h;
  h << ctx.banner() << "#pragma once\n\n#include \"podml/TypeList.h\"\n\n";
  for (const auto& d : dm.datatypes) {
    h << "#include \"" << ctx.includePath(d.name, "Collection") << "\"\n";
  }
  for (const auto& i : dm.interfaces) {
    h << "#include \"" << ctx.includePath(i.name) << "\"\n";
  }
  auto list = [&](const std::string& name, const std::vector<std::string>& types, const std::string& suffix) {
    h << "\n/// podio's " << name << ".\nusing " << name << " = podml::utils::TypeList<";
    for (std::size_t i = 0; i < types.size(); ++i) {
      h << (i == 0 ? "" : ",") << "\n    " << types[i] << suffix;
    }
    h << ">;\n";
  };
  const std::string id = identifier(dm.name);
  h << "\nnamespace " << id << " {\n";
  list(id + "DataTypes", datatypes, "");
  list(id + "DataCollectionTypes", datatypes, "Collection");
  list(id + "LinkTypes", links, "");
  list(id + "LinkCollectionTypes", links, "Collection");
  list(id + "InterfaceTypes", interfaces, "");
  h << "\n} // namespace " << id << "\n";
  out[path] = h.str();
}

void renderModelFiles(const Context& ctx, FileSet& out) {
  const auto& dm = ctx.model();
  const std::string id = identifier(dm.name);
  const std::string dir = "include/" + dm.name + "/";

  // Definition header and source.
  std::ostringstream h;
  h << ctx.banner() << "#pragma once\n\n#include \"podml/Definition.h\"\n\n#include <cstdint>\n#include <string_view>\n\n";
  h << "namespace podml::models::" << id << " {\n\n";
  h << "/// Name of the data model.\ninline constexpr std::string_view name = \"" << dm.name << "\";\n";
  h << "/// Schema version of the data model.\ninline constexpr uint32_t schemaVersion = " << dm.schemaVersion
    << ";\n";
  h << "/// The podio-style JSON definition embedded in this library.\nstd::string_view json();\n";
  h << "/// The runtime definition, registered with podml::DataModelRegistry on first use.\n"
       "const podml::DataModelDefinition& definition();\n\n";
  h << "} // namespace podml::models::" << id << "\n";
  out[dir + "DatamodelDefinition.h"] = h.str();

  std::ostringstream s;
  s << ctx.banner() << "#include \"" << ctx.modelInclude(dm, "DatamodelDefinition.h") << "\"\n";
  for (const auto* up : ctx.input().upstream) {
    s << "#include \"" << ctx.modelInclude(*up, "DatamodelDefinition.h") << "\"\n";
  }
  s << "\n#include \"podml/CollectionBase.h\"\n#include \"podml/DataModelRegistry.h\"\n\n#include <memory>\n\n";
  // Factories are declared here rather than included, to keep this file light.
  for (const auto& d : dm.datatypes) {
    const std::string ns = nsOf(d.name);
    s << openNs(ns) << "std::unique_ptr<podml::CollectionBase> podml_make_" << bareOf(d.name) << "Collection();\n"
      << closeNs(ns);
  }
  s << "\nnamespace podml::models::" << id << " {\n\n";
  // Adjacent raw literals of 80 characters keep lines short; together they are the JSON as is.
  s << "std::string_view json() {\n  static constexpr std::string_view text =";
  const std::string& json = ctx.input().json;
  for (std::size_t i = 0; i < json.size() || i == 0; i += 80) {
    s << "\n      R\"podmljson(" << json.substr(i, 80) << ")podmljson\"";
  }
  s << ";\n  return text;\n}\n\n";
  s << "const podml::DataModelDefinition& definition() {\n";
  s << "  static const podml::DataModelDefinition& def = [] () -> const podml::DataModelDefinition& {\n";
  for (const auto* up : ctx.input().upstream) {
    s << "    podml::models::" << identifier(up->name) << "::definition(); // upstream first\n";
  }
  s << "    auto& registry = podml::DataModelRegistry::instance();\n"
    << "    const auto& registered = registry.registerDataModel(json());\n";
  for (const auto& d : dm.datatypes) {
    s << "    registry.registerCollectionFactory(\"" << d.name << "\", &" << (nsOf(d.name).empty() ? "" : "::" + nsOf(d.name))
      << "::podml_make_" << bareOf(d.name) << "Collection);\n";
  }
  s << "    return registered;\n  }();\n  return def;\n}\n\n";
  s << "namespace {\n// Registers the model when the library is loaded, so tools can find it by name.\n"
       "[[maybe_unused]] const podml::DataModelDefinition& s_registered = definition();\n}\n\n";
  s << "} // namespace podml::models::" << id << "\n";
  out["src/DatamodelDefinition.cc"] = s.str();

  // Column access for components: gathers a component from its leaf columns and scatters it back.
  std::ostringstream c;
  c << ctx.banner() << "#pragma once\n\n#include \"podml/Column.h\"\n#include \"podml/detail/MemberIO.h\"\n#include \"podml/detail/WriteBack.h\"\n\n"
    << "#include <cstddef>\n#include <cstring>\n\n";
  for (const auto* up : ctx.input().upstream) {
    c << "#include \"" << ctx.modelInclude(*up, "detail/ComponentSoA.h") << "\"\n";
  }
  for (const auto& comp : dm.components) {
    c << "#include \"" << ctx.includePath(comp.name) << "\"\n";
  }
  c << "\n// podml_load/podml_store live in each component's namespace so that\n"
       "// argument-dependent lookup finds them from templates and other models.\n";
  for (const auto& comp : dm.components) {
    const std::string ns = nsOf(comp.name);
    const std::string bare = bareOf(comp.name);
    c << openNs(ns) << "void podml_load(const podml::Column* c, std::size_t e, " << bare << "& v);\n"
      << "void podml_store(podml::Column* c, std::size_t e, const " << bare << "& v);\n" << closeNs(ns);
  }
  for (const auto& comp : dm.components) {
    const std::string ns = nsOf(comp.name);
    const std::string bare = bareOf(comp.name);
    c << "\n" << openNs(ns);
    c << "/// Gathers element `e` of a " << bare << " from its leaf columns starting at `c`.\n";
    c << "inline void podml_load([[maybe_unused]] const podml::Column* c, [[maybe_unused]] std::size_t e, "
         "[[maybe_unused]] "
      << bare << "& v) {\n";
    std::size_t off = 0;
    for (const auto& m : comp.members) {
      c << "  " << ctx.loadMember(m, "(c + " + std::to_string(off) + ")", "e", "v." + m.name) << "\n";
      off += ctx.leafCount(m.valueType());
    }
    c << "}\n";
    c << "/// Scatters `v` into element `e` of its leaf columns starting at `c`.\n";
    c << "inline void podml_store([[maybe_unused]] podml::Column* c, [[maybe_unused]] std::size_t e, "
         "[[maybe_unused]] const "
      << bare << "& v) {\n";
    off = 0;
    for (const auto& m : comp.members) {
      c << "  " << ctx.storeMember(m, "(c + " + std::to_string(off) + ")", "e", "v." + m.name) << "\n";
      off += ctx.leafCount(m.valueType());
    }
    c << "}\n" << closeNs(ns);
  }
  // podio's mutable component accessor returns C&; podml returns WriteBack<C>, whose
  // reference members make `m.position().x = 3` an assignment to an lvalue.
  for (const auto& comp : dm.components) {
    c << "\n/// Modifiable copy of a " << comp.name << " member with assignable member views.\n";
    c << "template <>\nclass podml::detail::WriteBack<" << comp.name << "> : public podml::detail::WriteBackBase<"
      << comp.name << "> {\npublic:\n  using podml::detail::WriteBackBase<" << comp.name << ">::WriteBackBase;\n"
      << "  using podml::detail::WriteBackBase<" << comp.name << ">::operator=;\n";
    for (const auto& m : comp.members) {
      c << "  " << ctx.cppType(m) << "& " << m.name << " = this->" << comp.name << "::" << m.name << ";\n";
    }
    c << "};\n";
  }
  out[dir + "detail/ComponentSoA.h"] = c.str();
}

} // namespace podml::gen::detail
