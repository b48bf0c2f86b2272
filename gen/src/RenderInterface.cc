// Interfaces (a handle that may hold any of several datatypes) and the top-level render().
#include "RenderContext.h"

#include "podml/Exceptions.h"

#include <fstream>
#include <set>
#include <sstream>

namespace podml::gen::detail {

void renderInterface(const Context& ctx, const InterfaceDef& iface, FileSet& out) {
  const std::string ns = nsOf(iface.name);
  const std::string bare = bareOf(iface.name);
  std::ostringstream h;
  h << ctx.banner() << "#pragma once\n\n#include \"podml/ObjectID.h\"\n#include \"podml/detail/Handle.h\"\n\n";
  std::set<std::string> incs;
  for (const auto& t : iface.types) {
    incs.insert(ctx.includePath(t));
  }
  for (const auto& m : iface.members) {
    if (!ctx.isBuiltin(m.valueType())) {
      incs.insert(ctx.includePath(m.valueType()));
    }
  }
  for (const auto& i : incs) {
    h << "#include \"" << i << "\"\n";
  }
  h << "\n#include <functional>\n#include <ostream>\n#include <stdexcept>\n#include <string_view>\n#include <tuple>\n"
       "#include <type_traits>\n\n";
  if (!ns.empty()) {
    h << "namespace " << ns << " {\n\n";
  }
  std::string types, mutTypes;
  for (const auto& t : iface.types) {
    types += (types.empty() ? "" : ", ") + t;
    const std::string mt = (nsOf(t).empty() ? "" : nsOf(t) + "::") + "Mutable" + bareOf(t);
    mutTypes += "\n      || std::is_same_v<T, " + t + "> || std::is_same_v<T, " + mt + ">";
  }
  h << "/// " << (iface.description.empty() ? bare : iface.description) << "\n"
    << "/// Read-only handle to an object of any of: " << types << ".\n";
  h << "class " << bare << " {\n  friend struct podml::detail::HandleAccess;\n\npublic:\n";
  h << "  using interfaced_types = std::tuple<" << types << ">;\n";
  h << "  /// Whether a handle of type T can be held.\n  template <typename T>\n  static constexpr bool isInitializableFrom = false"
    << mutTypes << ";\n";
  std::string plain;
  for (const auto& t : iface.types) {
    plain += "\n      || std::is_same_v<T, " + t + ">";
  }
  h << "  /// Whether T is one of the interfaced (immutable) types.\n  template <typename T>\n"
    << "  static constexpr bool isInterfacedType = false" << plain << ";\n";
  h << "  static constexpr std::string_view typeName = \"" << iface.name << "\";\n\n";
  h << "  /// Holds `value` (any of the interfaced types, mutable or not).\n  template <typename T>\n"
    << "    requires isInitializableFrom<T>\n  " << bare
    << "(const T& value) : m_h(podml::detail::HandleAccess::raw(value)) {}\n";
  h << "  /// A handle that refers to nothing.\n  static " << bare << " makeEmpty() { return " << bare
    << "(podml::detail::RawHandle{}); }\n\n";
  h << "  /// Whether the held object is a T (one of the interfaced, immutable types).\n  template <typename T>\n"
    << "    requires isInterfacedType<T>\n  bool isA() const {\n"
    << "    return m_h.isAvailable() && m_h.location().data->typeName == T::typeName;\n  }\n";
  h << "  /// The held object as a T; throws std::runtime_error if it is another type.\n  template <typename T>\n"
    << "    requires isInterfacedType<T>\n  T as() const {\n    if (!isA<T>()) {\n"
    << "      throw std::runtime_error(\"Cannot get value as object currently holds another type\");\n    }\n"
    << "    return podml::detail::HandleAccess::make<T>(m_h);\n  }\n";
  h << "  /// Deprecated spelling of as<T>().\n  template <typename T>\n    requires isInterfacedType<T>\n  [[deprecated(\"Use 'as' instead.\")]] T getValue() const {\n"
    << "    return as<T>();\n  }\n";
  h << "  /// Name of the held type (empty if none).\n  std::string_view getValueTypeName() const {\n"
    << "    return m_h.isAvailable() ? m_h.location().data->typeName : std::string_view{};\n  }\n";
  for (const auto& m : iface.members) {
    const bool gs = ctx.model().getSyntax;
    const std::string g = ctx.getter(m.name, gs);
    h << "  /// " << (m.description.empty() ? m.name : m.description) << "\n  " << ctx.cppType(m) << " " << g
      << "() const {\n";
    for (const auto& t : iface.types) {
      const auto* owner = ctx.ownerOf(t);
      const std::string tg = ctx.getter(m.name, owner ? owner->getSyntax : gs);
      h << "    if (isA<" << t << ">()) {\n      return as<" << t << ">()." << tg << "();\n    }\n";
    }
    h << "    throw std::runtime_error(\"" << iface.name << "::" << g << ": the handle holds no object\");\n  }\n";
  }
  h << "  /// Whether the handle refers to an object.\n  bool isAvailable() const { return m_h.isAvailable(); }\n"
    << "  /// Detaches the handle.\n  void unlink() { m_h = {}; }\n"
    << "  /// podio's ObjectID of the held object.\n  podml::ObjectID id() const { return m_h.objectID(); }\n"
    << "  /// podio's ObjectID of the held object.\n  podml::ObjectID getObjectID() const { return m_h.objectID(); }\n"
    << "  /// Identity: same object.\n  bool operator==(const " << bare << "& other) const { return m_h == other.m_h; }\n"
    << "  /// Identity with a concrete handle.\n  template <typename T>\n    requires isInitializableFrom<T>\n"
    << "  bool operator==(const T& other) const {\n    return m_h == podml::detail::HandleAccess::raw(other);\n  }\n"
    << "  /// A strict order consistent with identity.\n  bool operator<(const " << bare
    << "& other) const { return m_h < other.m_h; }\n\n";
  h << "private:\n  explicit " << bare << "(podml::detail::RawHandle h) : m_h(std::move(h)) {}\n"
    << "  podml::detail::RawHandle m_h;\n};\n\n";
  h << "/// Prints the held type and ID.\ninline std::ostream& operator<<(std::ostream& o, const " << bare
    << "& value) {\n  return o << value.getValueTypeName() << \" \" << value.id();\n}\n";
  if (!ns.empty()) {
    h << "\n} // namespace " << ns << "\n";
  }
  h << "\ntemplate <>\nstruct std::hash<" << iface.name << "> {\n  std::size_t operator()(const " << iface.name
    << "& v) const noexcept { return podml::detail::HandleAccess::raw(v).hash(); }\n};\n";
  out["include/" + ctx.model().name + "/" + bare + ".h"] = h.str();
}

} // namespace podml::gen::detail

namespace podml::gen {

FileSet render(const RenderInput& in) {
  if (in.model == nullptr) {
    throw DefinitionError("cannot render: no data model given");
  }
  const detail::Context ctx(in);
  FileSet out;
  detail::renderModelFiles(ctx, out);
  for (const auto& c : in.model->components) {
    detail::renderComponent(ctx, c, out);
  }
  for (const auto& d : in.model->datatypes) {
    detail::renderDatatype(ctx, d, out);
  }
  for (const auto& i : in.model->interfaces) {
    detail::renderInterface(ctx, i, out);
  }
  detail::renderPackageHeader(ctx, out);
  // A fixed number of translation units whatever the model, so that build systems know
  // the generated sources before generation and 2+ cores still compile in parallel.
  std::vector<std::string> sources;
  for (const auto& [path, content] : out) {
    if (path.starts_with("src/") && path.ends_with(".cc")) {
      sources.push_back(path.substr(4));
    }
  }
  for (std::size_t shard = 0; shard < kSourceShards; ++shard) {
    std::string text = ctx.banner();
    for (std::size_t i = shard; i < sources.size(); i += kSourceShards) {
      text += "#include \"" + sources[i] + "\"\n";
    }
    out["src/podml_shard_" + std::to_string(shard) + ".cc"] = text;
  }
  return out;
}

std::size_t writeIfChanged(const FileSet& files, const std::filesystem::path& outDir) {
  std::size_t written = 0;
  for (const auto& [rel, content] : files) {
    // Names are checked when the model is read; this keeps any path that slipped through inside outDir.
    const std::filesystem::path relPath(rel);
    const auto normal = relPath.lexically_normal();
    if (relPath.is_absolute() || normal.empty() || *normal.begin() == "..") {
      throw IoError("refusing to write '" + rel + "': it is not inside the output directory '" + outDir.string() + "'");
    }
    const auto path = outDir / rel;
    {
      std::ifstream in(path, std::ios::binary);
      if (in) {
        std::ostringstream old;
        old << in.rdbuf();
        if (old.str() == content) {
          continue; // unchanged files keep their timestamps, so builds stay incremental
        }
      }
    }
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      throw IoError("cannot create directory '" + path.parent_path().string() + "': " + ec.message());
    }
    // Write to a temporary and rename, so an interrupted run never leaves half a file.
    const auto tmp = path.string() + ".tmp";
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      f << content;
      if (!f) {
        throw IoError("cannot write '" + tmp + "': write failed");
      }
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
      throw IoError("cannot write '" + path.string() + "': " + ec.message());
    }
    ++written;
  }
  return written;
}

} // namespace podml::gen
