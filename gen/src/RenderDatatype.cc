// Datatypes and links: storage struct, X, MutableX, XCollection and their source.
#include "DatatypeShape.h"

#include "podml/Exceptions.h"

#include <set>
#include <sstream>

namespace podml::gen::detail {

namespace {

// ---------------------------------------------------------------- storage

std::string renderData(const Shape& s) {
  const auto& ctx = s.ctx;
  const auto& dt = s.dt;
  std::ostringstream h;
  h << ctx.banner() << "#pragma once\n\n"
    << "#include \"podml/Column.h\"\n#include \"podml/detail/Handle.h\"\n#include \"podml/detail/Ragged.h\"\n"
    << "#include \"podml/detail/WriteBack.h\"\n"
    << "#include \"" << ctx.modelInclude(ctx.model(), "detail/ComponentSoA.h") << "\"\n\n"
    << "#include <array>\n#include <cstdint>\n#include <cstring>\n#include <type_traits>\n#include <vector>\n\n";
  if (!s.ns.empty()) {
    h << "namespace " << s.ns << " {\n\n";
  }
  h << "/// Struct-of-arrays storage of " << s.full << ": one contiguous column per leaf\n"
    << "/// (see definition().columns for names, dtypes and units), relation targets as handles.\n";
  h << "struct " << s.data << " : podml::detail::CollectionDataBase {\n";
  h << "  static constexpr std::size_t kNumColumns = " << dt.columns.size() << ";\n";
  h << "  /// Position of each column in `columns` (the order of definition().columns).\n  struct Columns {\n";
  for (std::size_t i = 0; i < dt.columns.size(); ++i) {
    h << "    static constexpr std::size_t " << s.columnNames[i] << " = " << i << ";\n";
  }
  h << "  };\n";
  h << "  std::array<podml::Column, kNumColumns> columns;\n";
  for (const auto& r : dt.relations) {
    h << "  std::vector<podml::detail::RawHandle> rel_" << r.name << "; ///< " << (r.many ? "values of" : "one per object:")
      << " " << r.name << "\n";
  }
  h << "  std::vector<podml::detail::RawHandle> subset; ///< references of a subset collection\n";
  h << "  std::size_t count{0};\n  std::size_t capacity{0}; ///< rows every per-object column can hold\n"
    << "  bool isSubset{false};\n\n";
  h << "  " << s.data << "();\n";
  h << "  /// Number of objects (or references).\n  std::size_t size() const { return isSubset ? subset.size() : count; }\n";
  h << "  /// Appends an object with default values; returns its index.\n  int32_t appendDefault();\n";
  h << "  /// Appends a copy of object `row` of `src`; relations are copied only if asked.\n"
    << "  int32_t appendCopy(const " << s.data << "& src, std::size_t row, bool withRelations);\n";
  h << "  /// Removes every object (keeps the buffers).\n  void clear();\n";
  h << "  /// Makes room for `rows` objects in every per-object column.\n  void reserve(std::size_t rows);\n};\n\n";

  // appendDefault is the hot path of create(): one capacity check, then unchecked stores.
  h << "inline int32_t " << s.data << "::appendDefault() {\n"
    << "  if (count >= capacity) [[unlikely]] {\n    reserve(count < 8 ? 16 : 2 * count);\n  }\n"
    << "  [[maybe_unused]] const std::size_t row = count;\n";
  for (std::size_t i = 0; i < dt.columns.size(); ++i) {
    const auto& c = dt.columns[i];
    if (c.kind == ColumnKind::VectorValue) {
      continue;
    }
    if (c.kind == ColumnKind::RangeBegin || c.kind == ColumnKind::RangeEnd) {
      h << "  " << s.col(i) << ".pushUnchecked<uint32_t>(0u);\n";
    } else if (c.width() == 1) {
      const std::string t = ctx.cppValueType(c.cppType);
      h << "  " << s.col(i) << ".pushUnchecked<" << t << ">(std::type_identity_t<" << t << ">{" << c.defaultValue
        << "});\n";
    } else {
      const std::string t = ctx.cppValueType(c.cppType);
      h << "  std::memset(" << s.col(i) << ".data<" << t << ">() + row * " << c.width() << ", 0, sizeof(" << t
        << ") * " << c.width() << ");\n  " << s.col(i) << ".commitRows(1);\n";
    }
  }
  for (const auto& m : dt.members) {
    const bool component = !ctx.isBuiltin(m.valueType());
    if (component || (m.isArray && !m.defaultValue.empty())) {
      // Components may carry their own defaults (member initialisers, ExtraCode constructors);
      // store them only when they differ from the zero-filled row.
      const std::size_t k = s.first(m.name, ColumnKind::Member);
      h << "  {\n    static const bool nonZero_ = podml::detail::hasNonZeroBytes(" << ctx.cppType(m) << "{"
        << m.defaultValue << "});\n    if (nonZero_) {\n      const " << ctx.cppType(m) << " v_{" << m.defaultValue
        << "};\n      " << ctx.storeMember(m, "&" + s.col(k), "row", "v_") << "\n    }\n  }\n";
    }
  }
  for (const auto* r : s.relations(false)) {
    h << "  rel_" << r->name << ".emplace_back();\n";
  }
  h << "  return static_cast<int32_t>(count++);\n}\n\n";

  h << "/// Record behind a free " << s.mut << ": one object's storage, shared by its handles.\n";
  h << "class " << s.obj << " final : public podml::detail::ObjBase {\npublic:\n";
  h << "  " << s.data << " data;\n";
  h << "  /// A new object with default values.\n  " << s.obj << "();\n";
  h << "  /// A copy of object `row` of `src`.\n  " << s.obj << "(const " << s.data
    << "& src, std::size_t row, bool withRelations);\n};\n";
  if (!s.ns.empty()) {
    h << "\n} // namespace " << s.ns << "\n";
  }
  return h.str();
}

std::string renderDataSource(const Shape& s) {
  const auto& ctx = s.ctx;
  const auto& dt = s.dt;
  std::ostringstream c;
  c << s.data << "::" << s.data << "() {\n  typeName = \"" << s.full << "\";\n";
  for (std::size_t i = 0; i < dt.columns.size(); ++i) {
    const auto& cd = dt.columns[i];
    c << "  " << s.col(i) << " = podml::Column(podml::DType::";
    switch (cd.dtype) {
    case DType::Bool: c << "Bool"; break;
    case DType::Int8: c << "Int8"; break;
    case DType::Int16: c << "Int16"; break;
    case DType::Int32: c << "Int32"; break;
    case DType::Int64: c << "Int64"; break;
    case DType::UInt8: c << "UInt8"; break;
    case DType::UInt16: c << "UInt16"; break;
    case DType::UInt32: c << "UInt32"; break;
    case DType::UInt64: c << "UInt64"; break;
    case DType::Float32: c << "Float32"; break;
    case DType::Float64: c << "Float64"; break;
    case DType::ObjectID: c << "ObjectID"; break;
    }
    c << ", " << cd.width() << "); // " << cd.path << "\n";
  }
  c << "}\n\n";

  c << "int32_t " << s.data << "::appendCopy(const " << s.data
    << "& src, std::size_t row, [[maybe_unused]] bool withRelations) {\n";
  for (std::size_t i = 0; i < dt.columns.size(); ++i) {
    if (dt.columns[i].kind == ColumnKind::Member) {
      c << "  " << s.col(i) << ".appendRows(src." << s.col(i) << ", row, 1);\n";
    }
  }
  for (const auto& v : dt.vectorMembers) {
    const std::size_t k = s.first(v.name, ColumnKind::VectorValue);
    const std::size_t n = ctx.leafCount(v.type);
    c << "  {\n    const uint32_t b = src." << s.rangeBegin(v.name) << ".data<uint32_t>()[row];\n"
      << "    // podio's clone(false) drops vector members with the relations.\n"
      << "    const uint32_t e = withRelations ? src." << s.rangeEnd(v.name) << ".data<uint32_t>()[row] : b;\n"
      << "    const auto nb = static_cast<uint32_t>(" << s.col(k) << ".size());\n";
    for (std::size_t j = k; j < k + n; ++j) {
      c << "    " << s.col(j) << ".appendRows(src." << s.col(j) << ", b, e - b);\n";
    }
    c << "    " << s.rangeBegin(v.name) << ".push_back<uint32_t>(nb);\n"
      << "    " << s.rangeEnd(v.name) << ".push_back<uint32_t>(nb + (e - b));\n  }\n";
  }
  for (const auto* r : s.relations(true)) {
    c << "  {\n    const uint32_t b = src." << s.rangeBegin(r->name) << ".data<uint32_t>()[row];\n"
      << "    const uint32_t e = withRelations ? src." << s.rangeEnd(r->name) << ".data<uint32_t>()[row] : b;\n"
      << "    const auto nb = static_cast<uint32_t>(rel_" << r->name << ".size());\n"
      << "    rel_" << r->name << ".insert(rel_" << r->name << ".end(), src.rel_" << r->name << ".begin() + b, src.rel_"
      << r->name << ".begin() + e);\n"
      << "    " << s.rangeBegin(r->name) << ".push_back<uint32_t>(nb);\n"
      << "    " << s.rangeEnd(r->name) << ".push_back<uint32_t>(nb + (e - b));\n  }\n";
  }
  for (const auto* r : s.relations(false)) {
    c << "  rel_" << r->name << ".push_back(withRelations ? src.rel_" << r->name
      << "[row] : podml::detail::RawHandle{});\n";
  }
  c << "  return static_cast<int32_t>(count++);\n}\n\n";

  c << "void " << s.data << "::clear() {\n  for (auto& c : columns) {\n    c.clear();\n  }\n";
  for (const auto& r : dt.relations) {
    c << "  rel_" << r.name << ".clear();\n";
  }
  c << "  subset.clear();\n  records.clear();\n  count = 0;\n}\n\n";
  c << "void " << s.data << "::reserve(std::size_t rows) {\n  if (rows <= capacity) {\n    return;\n  }\n";
  for (std::size_t i = 0; i < dt.columns.size(); ++i) {
    if (dt.columns[i].kind != ColumnKind::VectorValue) {
      c << "  " << s.col(i) << ".reserve(rows);\n";
    }
  }
  for (const auto* r : s.relations(false)) {
    c << "  rel_" << r->name << ".reserve(rows);\n";
  }
  c << "  capacity = rows;\n}\n\n";

  c << s.obj << "::" << s.obj << "() : podml::detail::ObjBase(&data) {\n  data.isFreeRecord = true;\n"
    << "  data.appendDefault();\n}\n\n";
  c << s.obj << "::" << s.obj << "(const " << s.data
    << "& src, std::size_t row, bool withRelations) : podml::detail::ObjBase(&data) {\n"
    << "  data.isFreeRecord = true;\n  data.appendCopy(src, row, withRelations);\n}\n\n";
  return c.str();
}

// ---------------------------------------------------------------- handles

// Getters shared by X and MutableX.
std::string renderGetters(const Shape& s) {
  const auto& ctx = s.ctx;
  const auto& dt = s.dt;
  std::ostringstream h;
  for (const auto& m : dt.members) {
    const std::size_t k = s.first(m.name, ColumnKind::Member);
    const std::string t = ctx.cppType(m);
    const std::string g = ctx.getter(m.name, s.gs);
    h << "  /// " << (m.description.empty() ? m.name : oneLine(m.description)) << (m.unit.empty() ? "" : " [" + m.unit + "]")
      << "\n";
    if (ctx.isBuiltin(m.type)) {
      h << "  " << t << " " << g << "() const { return Cells_::cell<" << t << ">(m_h, " << s.colName(k) << "); }\n";
    } else {
      h << "  " << t << " " << g << "() const { return Cells_::load<" << t << ">(m_h, " << s.colName(k) << "); }\n";
    }
    if (m.isArray) {
      const std::string et = ctx.cppValueType(m.arrayType);
      h << "  /// Element `i` of " << m.name << "\n";
      h << "  " << et << " " << g << "(std::size_t i) const {\n    return " << g << "()[podml::detail::checkedIndex(i, "
        << m.arraySize << ", \"" << s.full << "::" << g << "\")];\n  }\n";
    }
    if (ctx.model().exposePODMembers && !m.isArray && !ctx.isBuiltin(m.type)) {
      if (const auto* comp = ctx.component(m.type)) {
        for (const auto& sub : comp->members) {
          h << "  /// " << sub.name << " of " << m.name << "\n";
          h << "  " << ctx.cppType(sub) << " " << ctx.getter(sub.name, s.gs) << "() const { return " << g << "()."
            << sub.name << "; }\n";
        }
      }
    }
  }
  for (const auto& v : dt.vectorMembers) {
    const std::size_t k = s.first(v.name, ColumnKind::VectorValue);
    const std::string g = ctx.getter(v.name, s.gs);
    const std::string t = ctx.cppValueType(v.type);
    h << "  /// Number of " << v.name << "\n  std::size_t " << v.name
      << "_size() const {\n    const auto [b_, e_] = Cells_::range(m_h, " << s.rangeArgs(v.name)
      << ");\n    return e_ - b_;\n  }\n";
    if (ctx.isBuiltin(v.type)) {
      h << "  /// " << (v.description.empty() ? v.name : oneLine(v.description)) << "\n";
      h << "  std::span<const " << t << "> " << g << "() const {\n    const auto [b_, e_] = Cells_::range(m_h, "
        << s.rangeArgs(v.name) << ");\n    return {&Cells_::at(m_h).first->" << s.col(k) << ".data<" << t
        << ">()[b_], e_ - b_};\n  }\n";
      h << "  /// Value `i` of " << v.name << "; throws std::out_of_range\n  " << t << " " << g
        << "(std::size_t i) const {\n    return " << g << "()[podml::detail::checkedIndex(i, " << v.name << "_size(), \""
        << s.full << "::" << g << "\")];\n  }\n";
      h << "  /// First value of " << v.name << "\n  const " << t << "* " << v.name << "_begin() const { return " << g
        << "().data(); }\n";
      h << "  /// Past the last value of " << v.name << "\n  const " << t << "* " << v.name << "_end() const { return "
        << g << "().data() + " << v.name << "_size(); }\n";
    } else {
      h << "  /// " << (v.description.empty() ? v.name : oneLine(v.description)) << "\n";
      h << "  podml::ComponentRange<" << t << "> " << g << "() const {\n    const auto [b_, e_] = Cells_::range(m_h, "
        << s.rangeArgs(v.name) << ");\n    return {&Cells_::at(m_h).first->" << s.col(k) << ", b_, e_};\n  }\n";
      h << "  /// Value `i` of " << v.name << "; throws std::out_of_range\n  " << t << " " << g
        << "(std::size_t i) const {\n    return " << g << "()[podml::detail::checkedIndex(i, " << v.name << "_size(), \""
        << s.full << "::" << g << "\")];\n  }\n";
      h << "  /// First value of " << v.name << "\n  podml::ComponentIterator<" << t << "> " << v.name
        << "_begin() const { return " << g << "().begin(); }\n";
      h << "  /// Past the last value of " << v.name << "\n  podml::ComponentIterator<" << t << "> " << v.name
        << "_end() const { return " << g << "().end(); }\n";
    }
  }
  for (const auto& r : dt.relations) {
    const std::string g = ctx.getter(r.name, s.gs);
    h << "  /// " << (r.description.empty() ? r.name : oneLine(r.description)) << "\n";
    if (!r.many) {
      h << "  const " << r.type << " " << g << "() const;\n";
    } else {
      h << "  podml::RelationRange<" << r.type << "> " << g << "() const;\n";
      h << "  /// Related object `i` of " << r.name << "; throws std::out_of_range\n  " << r.type << " " << g
        << "(std::size_t i) const;\n";
      h << "  /// Number of " << r.name << "\n  std::size_t " << r.name
        << "_size() const {\n    const auto [b_, e_] = Cells_::range(m_h, " << s.rangeArgs(r.name)
        << ");\n    return e_ - b_;\n  }\n";
      h << "  /// First of " << r.name << "\n  podml::RelationIterator<" << r.type << "> " << r.name
        << "_begin() const;\n";
      h << "  /// Past the last of " << r.name << "\n  podml::RelationIterator<" << r.type << "> " << r.name
        << "_end() const;\n";
    }
  }
  if (dt.isLink) {
    h << "  /// podio's structured bindings (`const auto& [from, to, weight] = link`): From, To, weight.\n"
      << "  template <std::size_t Index>\n    requires(Index < 3)\n  auto get() const {\n"
      << "    if constexpr (Index == 0) {\n      return " << ctx.getter("from", s.gs) << "();\n"
      << "    } else if constexpr (Index == 1) {\n      return " << ctx.getter("to", s.gs) << "();\n"
      << "    } else {\n      return " << ctx.getter("weight", s.gs) << "();\n    }\n  }\n";
  }
  if (dt.isLink && dt.linkFrom != dt.linkTo) {
    h << "  /// The end of the link of type T (From or To).\n  template <typename T>\n  T get() const {\n"
      << "    if constexpr (std::is_same_v<T, " << dt.linkFrom << ">) {\n      return getFrom();\n    } else {\n"
      << "      static_assert(std::is_same_v<T, " << dt.linkTo << ">, \"a link has only From and To\");\n"
      << "      return getTo();\n    }\n  }\n";
  }
  return h.str();
}

// std::tuple_size and std::tuple_element make a link handle destructure like podio's.
std::string linkTupleTraits(const Shape& s, const std::string& qualified) {
  if (!s.dt.isLink) {
    return "";
  }
  return "\ntemplate <>\nstruct std::tuple_size<" + qualified + "> : std::integral_constant<std::size_t, 3> {};\n" +
         "template <std::size_t Index>\nstruct std::tuple_element<Index, " + qualified +
         "> : std::tuple_element<Index, std::tuple<" + s.dt.linkFrom + ", " + s.dt.linkTo + ", float>> {};\n";
}

std::string renderCommon(const Shape& s, const std::string& cls) {
  std::ostringstream h;
  h << "  /// Whether the handle refers to an object.\n  bool isAvailable() const { return m_h.isAvailable(); }\n";
  h << "  /// Detaches the handle from its object.\n  void unlink() { m_h = {}; }\n";
  h << "  /// podio's ObjectID: index and collection ID.\n  podml::ObjectID id() const { return m_h.objectID(); }\n";
  h << "  /// podio's ObjectID: index and collection ID.\n  podml::ObjectID getObjectID() const { return m_h.objectID(); }\n";
  h << "  /// Identity: same object.\n  bool operator==(const " << s.bare
    << "& other) const;\n";
  h << "  /// Identity: same object.\n  bool operator==(const " << s.mut << "& other) const;\n";
  h << "  /// A strict order consistent with identity (for std::set and sorting).\n  bool operator<(const " << cls
    << "& other) const { return m_h < other.m_h; }\n";
  return h.str();
}

std::string relationIncludes(const Shape& s, bool forwardOnly) {
  std::set<std::string> types;
  for (const auto& r : s.dt.relations) {
    if (r.type != s.full) {
      types.insert(r.type);
    }
  }
  std::ostringstream h;
  for (const auto& t : types) {
    if (forwardOnly) {
      h << forwardDecl(t);
    } else {
      h << "#include \"" << s.ctx.includePath(t) << "\"\n";
    }
  }
  return h.str();
}

std::string handleHeaderIncludes(const Shape& s) {
  const auto& ctx = s.ctx;
  std::ostringstream h;
  h << "#include \"" << ctx.includePath(s.full, "CollectionData") << "\"\n"
    << "#include \"podml/ObjectID.h\"\n#include \"podml/RelationRange.h\"\n#include \"podml/detail/Cells.h\"\n"
    << "#include \"podml/detail/CheckedIndex.h\"\n"
    << "#include \"podml/detail/WriteBack.h\"\n\n"
    << "#include <array>\n#include <cstdint>\n#include <functional>\n#include <ostream>\n#include <span>\n"
    << "#include <string_view>\n#include <tuple>\n#include <type_traits>\n#include <utility>\n";
  std::set<std::string> incs;
  for (const auto& m : s.dt.members) {
    if (!ctx.isBuiltin(m.valueType())) {
      incs.insert(ctx.includePath(m.valueType()));
    }
  }
  for (const auto& m : s.dt.vectorMembers) {
    if (!ctx.isBuiltin(m.valueType())) {
      incs.insert(ctx.includePath(m.valueType()));
    }
  }
  if (s.dt.isLink) {
    incs.insert(ctx.includePath(s.dt.linkFrom));
    incs.insert(ctx.includePath(s.dt.linkTo));
  }
  for (const auto& i : incs) {
    h << "#include \"" << i << "\"\n";
  }
  for (const auto* code : {&s.dt.extraCode, &s.dt.mutableExtraCode}) {
    if (auto inc = extra(*code, "includes"); !inc.empty()) {
      h << inc << "\n";
    }
  }
  return h.str();
}

std::string renderObjectHeader(const Shape& s) {
  const auto& ctx = s.ctx;
  const auto& dt = s.dt;
  std::ostringstream h;
  h << ctx.banner() << "#pragma once\n\n" << handleHeaderIncludes(s) << "\n";
  h << relationIncludes(s, true);
  if (!s.ns.empty()) {
    h << "\nnamespace " << s.ns << " {\n";
  }
  h << "\nclass " << s.mut << ";\nclass " << s.coll << ";\n\n";
  h << "/// " << (dt.description.empty() ? s.bare : oneLine(dt.description)) << "\n";
  h << "/// Read-only handle to an object in a collection (or a free object).\n";
  h << "class " << s.bare << " {\n  friend class " << s.mut << ";\n  friend class " << s.coll
    << ";\n  friend struct podml::detail::HandleAccess;\n  using Columns = " << s.data
    << "::Columns;\n  using Cells_ = podml::detail::Cells<" << s.data << ">;\n\npublic:\n";
  h << "  using mutable_type = " << s.mut << ";\n  using collection_type = " << s.coll << ";\n";
  if (dt.isLink) {
    h << "  using from_type = " << dt.linkFrom << ";\n  using to_type = " << dt.linkTo << ";\n";
  }
  h << "  static constexpr std::string_view typeName = \"" << s.full << "\";\n\n";
  h << "  /// A new free object with default values (podio semantics).\n  " << s.bare << "();\n";
  if (!dt.members.empty()) {
    h << "  /// A new free object with the given member values.\n  " << s.bare << "(" << s.params() << ");\n";
  }
  h << "  /// View of a mutable object.\n  " << s.bare << "(const " << s.mut << "& other);\n";
  h << "  /// A handle that refers to nothing.\n  static " << s.bare << " makeEmpty();\n";
  h << "  /// A new free mutable copy; relations are copied only if asked.\n  " << s.mut
    << " clone(bool cloneRelations = true) const;\n\n";
  h << renderGetters(s) << "\n" << renderCommon(s, s.bare);
  if (auto d = extra(dt.extraCode, "declaration"); !d.empty()) {
    h << "\n" << d << "\n";
  }
  if (auto f = extra(dt.extraCode, "declarationFile"); !f.empty()) {
    h << "\n" << f << "\n";
  }
  h << "\nprivate:\n  explicit " << s.bare << "(podml::detail::RawHandle h) : m_h(std::move(h)) {}\n"
    << "  podml::detail::RawHandle m_h;\n};\n\n";
  h << "/// Prints the object's ID and members.\nstd::ostream& operator<<(std::ostream& o, const " << s.bare
    << "& value);\n";
  if (!s.ns.empty()) {
    h << "\n} // namespace " << s.ns << "\n";
  }
  h << "\ntemplate <>\nstruct std::hash<" << s.full << "> {\n  std::size_t operator()(const " << s.full
    << "& v) const noexcept { return podml::detail::HandleAccess::raw(v).hash(); }\n};\n" << linkTupleTraits(s, s.full);
  // The mutable handle completes this header (conversion, cross-type ==), and the
  // related types are complete for callers (setters take them, interfaces convert).
  // Included last, so cycles between related types resolve through #pragma once.
  h << "\n#include \"" << ctx.modelInclude(ctx.model(), s.mut + ".h") << "\"\n" << relationIncludes(s, false);
  return h.str();
}

std::string renderSetters(const Shape& s) {
  const auto& ctx = s.ctx;
  const auto& dt = s.dt;
  std::ostringstream h;
  for (const auto& m : dt.members) {
    const std::size_t k = s.first(m.name, ColumnKind::Member);
    const std::string t = ctx.cppType(m);
    const std::string st = ctx.setter(m.name, s.gs);
    if (ctx.isBuiltin(m.type)) {
      // podio's mutable handles hand out a reference to builtin members.
      h << "  /// Reference to " << m.name << " (valid until the collection grows)\n";
      h << "  " << t << "& " << ctx.getter(m.name, s.gs) << "() { return Cells_::cell<" << t << ">(m_h, "
        << s.colName(k) << "); }\n";
    }
    h << "  /// Sets " << m.name << "\n";
    h << "  void " << st << "(" << s.paramType(m) << " value) { Cells_::store(m_h, " << s.colName(k)
      << ", value); }\n";
    if (m.isArray) {
      const std::string et = ctx.cppValueType(m.arrayType);
      const bool b = ctx.isBuiltin(m.arrayType);
      h << "  /// Sets element `i` of " << m.name << "\n";
      h << "  void " << st << "(std::size_t i, " << (b ? et : "const " + et + "&") << " value) {\n"
        << "    auto v_ = std::as_const(*this)." << ctx.getter(m.name, s.gs) << "();\n    v_[i] = value;\n    " << st << "(v_);\n  }\n";
    }
    if (!ctx.isBuiltin(m.type) || m.isArray) {
      // podio hands out a mutable reference here; SoA hands out a copy that writes itself back.
      const std::string body = "{\n    return {std::as_const(*this)." + ctx.getter(m.name, s.gs) +
                               "(), m_h, &Cells_::storeAt<" + t + ", " + s.colName(k) + ">};\n  }\n";
      h << "  /// Modifiable copy of " << m.name << ", written back when it goes out of scope.\n";
      h << "  podml::detail::WriteBack<" << t << "> " << m.name << "() " << body;
      if (s.gs) {
        h << "  /// Modifiable copy of " << m.name << ", written back when it goes out of scope.\n";
        h << "  podml::detail::WriteBack<" << t << "> " << ctx.getter(m.name, true) << "() " << body;
      }
    }
    if (ctx.model().exposePODMembers && !m.isArray && !ctx.isBuiltin(m.type)) {
      if (const auto* comp = ctx.component(m.type)) {
        std::size_t leaf = k;
        for (const auto& sub : comp->members) {
          const std::string subT = ctx.cppType(sub);
          if (ctx.isBuiltin(sub.type)) {
            h << "  /// Reference to " << sub.name << " of " << m.name << " (valid until the collection grows)\n";
            h << "  " << subT << "& " << ctx.getter(sub.name, s.gs) << "() { return Cells_::cell<" << subT
              << ">(m_h, " << s.colName(leaf) << "); }\n";
          } else {
            h << "  /// Modifiable copy of " << sub.name << " of " << m.name << ", written back when it goes out of scope.\n";
            h << "  podml::detail::WriteBack<" << subT << "> " << ctx.getter(sub.name, s.gs)
              << "() {\n    return {std::as_const(*this)." << ctx.getter(sub.name, s.gs) << "(), m_h,\n"
              << "            &Cells_::storePartAt<" << t << ", " << s.colName(k) << ", &" << t << "::" << sub.name
              << ", " << subT << ">};\n  }\n";
          }
          leaf += ctx.leafCount(sub.valueType());
          h << "  /// Sets " << sub.name << " of " << m.name << "\n";
          h << "  void " << ctx.setter(sub.name, s.gs) << "(" << s.paramType(sub) << " value) {\n    auto v_ = std::as_const(*this)."
            << ctx.getter(m.name, s.gs) << "();\n    v_." << sub.name << " = value;\n    " << st << "(v_);\n  }\n";
        }
      }
    }
  }
  for (const auto& v : dt.vectorMembers) {
    const std::string t = ctx.cppValueType(v.type);
    h << "  /// Appends a value to " << v.name << "\n  void " << ctx.adder(v.name, s.gs) << "("
      << (ctx.isBuiltin(v.type) ? t : "const " + t + "&") << " value);\n";
  }
  for (const auto& r : dt.relations) {
    if (!r.many) {
      h << "  /// Sets " << r.name << "\n  void " << ctx.setter(r.name, s.gs) << "(const " << r.type << "& value);\n";
    } else {
      h << "  /// Appends to " << r.name << "\n  void " << ctx.adder(r.name, s.gs) << "(const " << r.type
        << "& value);\n";
    }
  }
  return h.str();
}

std::string renderMutableHeader(const Shape& s) {
  const auto& ctx = s.ctx;
  const auto& dt = s.dt;
  std::ostringstream h;
  h << ctx.banner() << "#pragma once\n\n#include \"" << ctx.includePath(s.full) << "\"\n\n";
  if (!s.ns.empty()) {
    h << "namespace " << s.ns << " {\n\n";
  }
  h << "/// " << (dt.description.empty() ? s.bare : oneLine(dt.description)) << "\n";
  h << "/// Modifiable handle to an object in a collection (or a free object).\n";
  h << "class " << s.mut << " {\n  friend class " << s.bare << ";\n  friend class " << s.coll
    << ";\n  friend struct podml::detail::HandleAccess;\n  using Columns = " << s.data
    << "::Columns;\n  using Cells_ = podml::detail::Cells<" << s.data << ">;\n\npublic:\n";
  h << "  using object_type = " << s.bare << ";\n  using collection_type = " << s.coll << ";\n";
  if (dt.isLink) {
    h << "  using from_type = " << dt.linkFrom << ";\n  using to_type = " << dt.linkTo << ";\n";
  }
  h << "  static constexpr std::string_view typeName = \"" << s.full << "\";\n\n";
  h << "  /// A new free object with default values (podio semantics).\n  " << s.mut << "();\n";
  if (!dt.members.empty()) {
    h << "  /// A new free object with the given member values.\n  " << s.mut << "(" << s.params() << ");\n";
  }
  h << "  /// A new free mutable copy; relations are copied only if asked.\n  " << s.mut
    << " clone(bool cloneRelations = true) const;\n\n";
  h << renderGetters(s) << "\n" << renderCommon(s, s.mut);
  h << "\n" << renderSetters(s);
  if (dt.isLink && dt.linkFrom != dt.linkTo) {
    h << "  /// podio's link.set(x): sets From or To, whichever of the two `value` is.\n  template <typename T>\n"
      << "  void set(const T& value) {\n    constexpr bool isFrom = std::is_convertible_v<const T&, " << dt.linkFrom
      << ">;\n    static_assert(isFrom != std::is_convertible_v<const T&, " << dt.linkTo
      << ">, \"set(x) needs x to be of exactly one of the link's From and To types\");\n"
      << "    if constexpr (isFrom) {\n      " << ctx.setter("from", s.gs) << "(value);\n    } else {\n      "
      << ctx.setter("to", s.gs) << "(value);\n    }\n  }\n";
  }
  for (const auto* code : {&dt.extraCode, &dt.mutableExtraCode}) {
    if (auto d = extra(*code, "declaration"); !d.empty()) {
      h << "\n" << d << "\n";
    }
    if (auto f = extra(*code, "declarationFile"); !f.empty()) {
      h << "\n" << f << "\n";
    }
  }
  h << "\nprivate:\n  explicit " << s.mut << "(podml::detail::RawHandle h) : m_h(std::move(h)) {}\n"
    << "  podml::detail::RawHandle m_h;\n};\n\n";
  h << "inline " << s.bare << "::" << s.bare << "(const " << s.mut << "& other) : m_h(other.m_h) {}\n";
  h << "inline bool " << s.bare << "::operator==(const " << s.bare << "& other) const { return m_h == other.m_h; }\n";
  h << "inline bool " << s.bare << "::operator==(const " << s.mut << "& other) const { return m_h == other.m_h; }\n";
  h << "inline bool " << s.mut << "::operator==(const " << s.bare << "& other) const { return m_h == other.m_h; }\n";
  h << "inline bool " << s.mut << "::operator==(const " << s.mut << "& other) const { return m_h == other.m_h; }\n";
  h << "/// Prints the object's ID and members.\nstd::ostream& operator<<(std::ostream& o, const " << s.mut << "& value);\n";
  if (!s.ns.empty()) {
    h << "\n} // namespace " << s.ns << "\n";
  }
  h << "\ntemplate <>\nstruct std::hash<" << (s.ns.empty() ? "" : s.ns + "::") << s.mut << "> {\n  std::size_t operator()(const "
    << (s.ns.empty() ? "" : s.ns + "::") << s.mut
    << "& v) const noexcept { return podml::detail::HandleAccess::raw(v).hash(); }\n};\n"
    << linkTupleTraits(s, (s.ns.empty() ? "" : s.ns + "::") + s.mut);
  return h.str();
}

} // namespace

std::string renderCollectionHeader(const Shape& s);
std::string renderSource(const Shape& s, const std::string& dataSource);

void renderDatatype(const Context& ctx, const DatatypeDef& dt, FileSet& out) {
  const Shape s(ctx, dt);
  const std::string dir = "include/" + ctx.model().name + "/";
  out[dir + s.bare + "CollectionData.h"] = renderData(s);
  out[dir + s.bare + ".h"] = renderObjectHeader(s);
  out[dir + s.mut + ".h"] = renderMutableHeader(s);
  out[dir + s.coll + ".h"] = renderCollectionHeader(s);
  out["src/" + s.bare + ".cc"] = renderSource(s, renderDataSource(s));
}

} // namespace podml::gen::detail
