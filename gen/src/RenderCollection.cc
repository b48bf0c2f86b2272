// XCollection header and the datatype's source file.
#include "DatatypeShape.h"

#include <set>
#include <sstream>

namespace podml::gen::detail {

std::string renderCollectionHeader(const Shape& s) {
  const auto& ctx = s.ctx;
  const auto& dt = s.dt;
  std::ostringstream h;
  h << ctx.banner() << "#pragma once\n\n#include \"" << ctx.includePath(s.full) << "\"\n#include \""
    << ctx.modelInclude(ctx.model(), s.mut + ".h") << "\"\n\n"
    << "#include \"podml/CollectionBase.h\"\n#include \"podml/detail/CollectionFrom.h\"\n"
    << "#include \"podml/detail/CollectionIterator.h\"\n";
  if (dt.isLink) {
    h << "#include \"podml/LinkNavigator.h\"\n";
  }
  h << "\n#include <cstddef>\n#include <iterator>\n#include <memory>\n#include <ostream>\n#include <span>\n"
       "#include <string_view>\n#include <utility>\n#include <vector>\n\n";
  if (!s.ns.empty()) {
    h << "namespace " << s.ns << " {\n\n";
  }
  h << "/// A collection of " << s.full << " stored as struct-of-arrays: every scalar leaf is one\n"
    << "/// contiguous column, reachable without copying through column<T>(path) and the\n"
    << "/// per-member accessors below.\n";
  h << "class " << s.coll << " final : public podml::CollectionBase {\npublic:\n";
  h << "  using value_type = " << s.bare << ";\n  using mutable_type = " << s.mut << ";\n"
    << "  using const_iterator = podml::detail::CollectionIterator<" << s.bare << ">;\n"
    << "  using iterator = podml::detail::CollectionIterator<" << s.mut << ">;\n"
    << "  using reverse_iterator = std::reverse_iterator<iterator>;\n"
    << "  using const_reverse_iterator = std::reverse_iterator<const_iterator>;\n"
    << "  using difference_type = std::ptrdiff_t;\n  using size_type = std::size_t;\n"
    << "  static constexpr std::string_view typeName = \"" << s.full << "Collection\";\n"
    << "  static constexpr std::string_view valueTypeName = \"" << s.full << "\";\n"
    << "  static constexpr std::string_view dataTypeName = \"" << s.full << "Data\";\n\n";
  h << "  /// An empty collection.\n  " << s.coll << "();\n";
  h << "  " << s.coll << "(const " << s.coll << "&) = delete;\n  " << s.coll << "& operator=(const " << s.coll
    << "&) = delete;\n";
  h << "  /// Moves storage; handles into it stay valid.\n  " << s.coll << "(" << s.coll << "&&) noexcept = default;\n";
  h << "  /// Moves storage; handles into it stay valid.\n  " << s.coll << "& operator=(" << s.coll
    << "&&) noexcept = default;\n  ~" << s.coll << "() override;\n";
  h << "  /// podio's Collection::from: a subset collection of a range of " << s.bare << ", or a collection\n"
    << "  /// owning a range of free " << s.mut << " objects.\n"
    << "  template <podml::detail::RangeConvertibleTo<value_type> R>\n  static " << s.coll
    << " from(R&& range) {\n    return podml::detail::collectionFrom<" << s.coll
    << ">(std::forward<R>(range));\n  }\n\n";

  h << "  /// Appends an object with default values and returns a handle to it.\n  " << s.mut
    << " create() {\n    if (m_data->isSubset) [[unlikely]] {\n      throwSubsetCreate();\n    }\n"
    << "    return " << s.mut << "(podml::detail::RawHandle{m_data.get(), m_data->appendDefault(), {}});\n  }\n";
  if (!dt.members.empty()) {
    const std::string params = s.params();
    h << "  /// Appends an object with the given member values.\n  " << s.mut << " create(" << params << ");\n";
  }
  h << "  /// Adds a free object (its handles then see the collection element) or, to a\n"
    << "  /// subset collection, a reference. Throws std::invalid_argument (as podio) if the object\n"
    << "  /// is already in a collection and this is not a subset collection.\n  void push_back(const " << s.mut
    << "& object);\n";
  h << "  /// Adds a reference to a subset collection; throws std::invalid_argument (as podio) on a\n"
    << "  /// collection that owns its objects.\n  void push_back(const " << s.bare << "& object);\n\n";

  h << "  /// Object `i` (unchecked).\n  " << s.bare << " operator[](std::size_t i) const { return " << s.bare
    << "(handleAt(i)); }\n";
  h << "  /// Object `i` (unchecked).\n  " << s.mut << " operator[](std::size_t i) { return " << s.mut
    << "(handleAt(i)); }\n";
  h << "  /// Object `i`; throws std::out_of_range.\n  " << s.bare << " at(std::size_t i) const;\n";
  h << "  /// Object `i`; throws std::out_of_range.\n  " << s.mut << " at(std::size_t i);\n\n";
  h << "  /// Number of objects (or references).\n  std::size_t size() const override { return m_data->size(); }\n";
  h << "  /// Removes every object.\n  void clear() override { m_data->clear(); }\n";
  h << "  /// Makes room for `n` objects without reallocating.\n  void reserve(std::size_t n) { m_data->reserve(n); }\n\n";
  h << "  const_iterator begin() const { return cbegin(); }\n  const_iterator end() const { return cend(); }\n"
    << "  const_iterator cbegin() const { return {m_data.get(), subsetData(), 0}; }\n"
    << "  const_iterator cend() const { return {m_data.get(), subsetData(), static_cast<int32_t>(size())}; }\n"
    << "  iterator begin() { return {m_data.get(), subsetData(), 0}; }\n"
    << "  iterator end() { return {m_data.get(), subsetData(), static_cast<int32_t>(size())}; }\n"
    << "  const_reverse_iterator rbegin() const { return const_reverse_iterator(end()); }\n"
    << "  const_reverse_iterator rend() const { return const_reverse_iterator(begin()); }\n"
    << "  const_reverse_iterator crbegin() const { return rbegin(); }\n"
    << "  const_reverse_iterator crend() const { return rend(); }\n"
    << "  reverse_iterator rbegin() { return reverse_iterator(end()); }\n"
    << "  reverse_iterator rend() { return reverse_iterator(begin()); }\n\n";

  // Zero-copy access to the columns of builtin members; a copying gather for components (as podio).
  for (const auto& m : dt.members) {
    const std::size_t k = s.first(m.name, ColumnKind::Member);
    if (ctx.isBuiltin(m.valueType())) {
      const std::string t = ctx.cppValueType(m.valueType());
      h << "  /// The " << m.name << " column" << (m.isArray ? " (" + std::to_string(m.arraySize) + " values per object)" : "")
        << ", without copying.\n";
      h << "  /// (podio's form: the first nElem objects, all if 0; still without copying.)\n";
      h << "  std::span<const " << t << "> " << m.name << "(std::size_t nElem = 0) const {\n"
        << "    const std::size_t n_ = nElem == 0 || nElem > size() ? size() : nElem;\n"
        << "    return {m_data->" << s.col(k) << ".data<" << t << ">(), n_ * m_data->" << s.col(k) << ".width()};\n  }\n";
    } else {
      const std::string t = ctx.cppType(m);
      h << "  /// The " << m.name << " of the first nElem objects (all if 0), gathered from its columns.\n";
      h << "  std::vector<" << t << "> " << m.name << "(std::size_t nElem = 0) const;\n";
    }
  }
  h << "\n  // podml::CollectionBase\n"
    << "  std::string_view getTypeName() const override { return typeName; }\n"
    << "  std::string_view getValueTypeName() const override { return valueTypeName; }\n"
    << "  std::string_view getDataTypeName() const override { return dataTypeName; }\n"
    << "  std::string_view getDataModelName() const override;\n"
    << "  uint32_t getSchemaVersion() const override;\n"
    << "  const podml::DatatypeDef& definition() const override;\n"
    << "  const podml::DataModelDefinition& dataModelDefinition() const override;\n"
    << "  bool isSubsetCollection() const override { return m_data->isSubset; }\n"
    << "  void setSubsetCollection(bool setSubset = true) override;\n"
    << "  uint32_t getID() const override { return m_data->collectionID; }\n"
    << "  void setID(uint32_t id) override { m_data->collectionID = id; }\n"
    << "  std::span<podml::Column> columns() override {\n"
    << "    return m_data->isSubset ? std::span<podml::Column>{} : std::span<podml::Column>{m_data->columns};\n  }\n"
    << "  std::span<const podml::Column> columns() const override {\n"
    << "    return m_data->isSubset ? std::span<const podml::Column>{} : std::span<const podml::Column>{m_data->columns};\n  }\n"
    << "  std::vector<podml::ObjectID> relationIDs(std::size_t relationIndex) const override;\n"
    << "  void relationIDsInto(std::size_t relationIndex, std::vector<podml::ObjectID>& out) const override;\n"
    << "  std::vector<podml::ObjectID> subsetIDs() const override;\n"
    << "  void setObjectCount(std::size_t n) override;\n"
    << "  void setRelationIDs(std::size_t relationIndex, std::vector<podml::ObjectID> ids) override;\n"
    << "  void setSubsetIDs(std::vector<podml::ObjectID> ids) override;\n"
    << "  std::size_t resolveRelations(const podml::CollectionLookup& lookup) override;\n"
    << "  podml::detail::CollectionDataBase* storageBase() const override { return m_data.get(); }\n\n";
  h << "  /// The struct-of-arrays storage (I/O, tensor binding).\n  " << s.data << "& storage() { return *m_data; }\n";
  h << "  /// The struct-of-arrays storage (I/O, tensor binding).\n  const " << s.data
    << "& storage() const { return *m_data; }\n";
  h << "\nprivate:\n  using Columns = " << s.data << "::Columns;\n"
    << "  podml::detail::RawHandle handleAt(std::size_t i) const {\n"
    << "    if (m_data->isSubset) {\n      return m_data->subset[i];\n    }\n"
    << "    return podml::detail::RawHandle{m_data.get(), static_cast<int32_t>(i), {}};\n  }\n"
    << "  const podml::detail::RawHandle* subsetData() const { return m_data->isSubset ? m_data->subset.data() : nullptr; }\n"
    << "  void pushRaw(const podml::detail::RawHandle& h, bool isMutable);\n"
    << "  [[noreturn]] static void throwSubsetCreate();\n"
    << "  std::unique_ptr<" << s.data << "> m_data;\n"
    << "  std::vector<std::vector<podml::ObjectID>> m_pendingRelations; ///< read, not yet resolved\n"
    << "  std::vector<podml::ObjectID> m_pendingSubset;\n};\n\n";
  h << "/// podio's names of the iterator types.\nusing " << s.coll << "Iterator = " << s.coll << "::const_iterator;\n"
    << "using " << s.bare << "MutableCollectionIterator = " << s.coll << "::iterator;\n\n";
  h << "/// Prints the collection as a table.\nstd::ostream& operator<<(std::ostream& o, const " << s.coll << "& value);\n";
  h << "/// Creates an empty " << s.coll << " (registered with podml::DataModelRegistry).\n"
    << "std::unique_ptr<podml::CollectionBase> podml_make_" << s.coll << "();\n";
  if (!s.ns.empty()) {
    h << "\n} // namespace " << s.ns << "\n";
  }
  if (dt.isLink) {
    h << "\n/// podml::LinkCollection<" << dt.linkFrom << ", " << dt.linkTo << ">\ntemplate <>\nstruct podml::LinkTraits<"
      << dt.linkFrom << ", " << dt.linkTo << "> {\n  using collection_type = " << s.full << "Collection;\n};\n";
  }
  return h.str();
}

namespace {

std::string handleSource(const Shape& s, const std::string& cls, bool isMutable) {
  const auto& ctx = s.ctx;
  const auto& dt = s.dt;
  std::ostringstream c;
  c << cls << "::" << cls << "() : m_h{nullptr, 0, podml::detail::ObjPtr(new " << s.obj << "())} {}\n\n";
  if (!dt.members.empty()) {
    const std::string params = s.params();
    c << cls << "::" << cls << "(" << params << ") : " << cls << "() {\n  auto* d_ = static_cast<" << s.data
      << "*>(m_h.location().data);\n";
    for (const auto& m : dt.members) {
      c << "  " << ctx.storeMember(m, "&d_->" + s.col(s.first(m.name, ColumnKind::Member)), "0", m.name) << "\n";
    }
    c << "}\n\n";
  }
  c << s.mut << " " << cls << "::clone(bool cloneRelations) const {\n  const auto [d_, i_] = Cells_::at(m_h);\n"
    << "  auto* copy_ = new " << s.obj << "(*d_, i_, cloneRelations);\n"
    << "  return " << s.mut << "(podml::detail::RawHandle{nullptr, 0, podml::detail::ObjPtr(copy_)});\n}\n\n";
  if (!isMutable) {
    c << s.bare << " " << s.bare << "::makeEmpty() { return " << s.bare << "(podml::detail::RawHandle{}); }\n\n";
  }
  for (const auto& r : dt.relations) {
    const std::string g = ctx.getter(r.name, s.gs);
    if (!r.many) {
      c << "const " << r.type << " " << cls << "::" << g << "() const {\n  const auto [d_, i_] = Cells_::at(m_h);\n"
        << "  return podml::detail::HandleAccess::make<" << r.type << ">(d_->rel_" << r.name << "[i_]);\n}\n\n";
      if (isMutable) {
        c << "void " << cls << "::" << ctx.setter(r.name, s.gs) << "(const " << r.type
          << "& value) {\n  const auto [d_, i_] = Cells_::at(m_h);\n  d_->rel_" << r.name
          << "[i_] = podml::detail::HandleAccess::raw(value);\n}\n\n";
      }
    } else {
      c << "podml::RelationRange<" << r.type << "> " << cls << "::" << g << "() const {\n"
        << "  const auto [b_, e_] = Cells_::range(m_h, " << s.rangeArgs(r.name) << ");\n"
        << "  const auto* base_ = Cells_::at(m_h).first->rel_" << r.name << ".data();\n"
        << "  return {base_ + b_, base_ + e_};\n}\n\n";
      c << r.type << " " << cls << "::" << g << "(std::size_t i) const {\n  const auto all_ = " << g
        << "();\n  return all_[podml::detail::checkedIndex(i, all_.size(), \"" << s.full << "::" << g << "\")];\n}\n\n";
      c << "podml::RelationIterator<" << r.type << "> " << cls << "::" << r.name << "_begin() const { return " << g
        << "().begin(); }\n\n";
      c << "podml::RelationIterator<" << r.type << "> " << cls << "::" << r.name << "_end() const { return " << g
        << "().end(); }\n\n";
      if (isMutable) {
        c << "void " << cls << "::" << ctx.adder(r.name, s.gs) << "(const " << r.type
          << "& value) {\n  const auto [d_, i_] = Cells_::at(m_h);\n"
          << "  const std::size_t slot_ =\n      podml::detail::raggedAppendSlot(d_->" << s.rangeBegin(r.name)
          << ", d_->" << s.rangeEnd(r.name) << ", d_->rel_" << r.name << ", i_);\n"
          << "  d_->rel_" << r.name << "[slot_] = podml::detail::HandleAccess::raw(value);\n}\n\n";
      }
    }
  }
  if (isMutable) {
    for (const auto& v : dt.vectorMembers) {
      const std::size_t k = s.first(v.name, ColumnKind::VectorValue);
      const std::size_t n = ctx.leafCount(v.type);
      const std::string t = ctx.cppValueType(v.type);
      c << "void " << cls << "::" << ctx.adder(v.name, s.gs) << "(" << (ctx.isBuiltin(v.type) ? t : "const " + t + "&")
        << " value) {\n  const auto [d_, i_] = Cells_::at(m_h);\n  podml::Column* const values_[] = {";
      for (std::size_t j = k; j < k + n; ++j) {
        c << (j == k ? "" : ",") << "\n      &d_->" << s.col(j);
      }
      c << "};\n  const std::size_t slot_ =\n      podml::detail::raggedAppendSlot(d_->" << s.rangeBegin(v.name)
        << ", d_->" << s.rangeEnd(v.name) << ", values_, i_);\n  "
        << ctx.storeMember(v, "&d_->" + s.col(k), "slot_", "value") << "\n}\n\n";
    }
  }
  c << "std::ostream& operator<<(std::ostream& o, const " << cls << "& value) {\n"
    << "  if (!value.isAvailable()) {\n    return o << \"[not available]\";\n  }\n"
    << "  o << \"" << s.full << " \" << value.id();\n";
  for (const auto& m : dt.members) {
    if (ctx.isBuiltin(m.type)) {
      c << "  o << \" " << m.name << "=\" << value." << ctx.getter(m.name, s.gs) << "();\n";
    } else if (!m.isArray) {
      c << "  o << \" " << m.name << "=(\" << value." << ctx.getter(m.name, s.gs) << "() << \")\";\n";
    }
  }
  c << "  return o;\n}\n\n";
  return c.str();
}

} // namespace

std::string renderSource(const Shape& s, const std::string& dataSource) {
  const auto& ctx = s.ctx;
  const auto& dt = s.dt;
  std::ostringstream c;
  c << ctx.banner() << "#include \"" << ctx.includePath(s.full, "Collection") << "\"\n";
  c << "#include \"" << ctx.modelInclude(ctx.model(), "DatamodelDefinition.h") << "\"\n";
  std::set<std::string> incs;
  for (const auto& r : dt.relations) {
    incs.insert(ctx.includePath(r.type));
  }
  for (const auto& i : incs) {
    c << "#include \"" << i << "\"\n";
  }
  c << "\n#include \"podml/Exceptions.h\"\n#include \"podml/detail/CheckedIndex.h\"\n#include \"podml/detail/PushBackCheck.h\"\n#include \"podml/detail/ResolveTarget.h\"\n\n#include <iomanip>\n#include <stdexcept>\n#include <string>\n\n";
  if (!s.ns.empty()) {
    c << "namespace " << s.ns << " {\n\n";
  }
  c << dataSource;
  // ExtraCode implementations (inline text or implementationFile) with podio's `{name}`
  // placeholder: the ExtraCode ones for X and for MutableX (both declare them), the
  // MutableExtraCode ones for MutableX only.
  auto substitute = [](std::string text, const std::string& cls) {
    for (std::size_t p = text.find("{name}"); p != std::string::npos; p = text.find("{name}", p + cls.size())) {
      text.replace(p, 6, cls);
    }
    return text;
  };
  for (const auto* key : {"implementation", "implementationFile"}) {
    if (auto impl = extra(dt.extraCode, key); !impl.empty()) {
      c << substitute(impl, s.bare) << "\n\n" << substitute(impl, s.mut) << "\n\n";
    }
    if (auto impl = extra(dt.mutableExtraCode, key); !impl.empty()) {
      c << substitute(impl, s.mut) << "\n\n";
    }
  }
  c << handleSource(s, s.bare, false) << handleSource(s, s.mut, true);

  // Collection.
  const std::string id = identifier(ctx.model().name);
  c << s.coll << "::" << s.coll << "() : m_data(std::make_unique<" << s.data << ">()) {}\n\n";
  c << s.coll << "::~" << s.coll << "() = default;\n\n";
  if (!dt.members.empty()) {
    c << s.mut << " " << s.coll << "::create(" << s.params() << ") {\n  auto obj_ = create();\n";
    for (const auto& m : dt.members) {
      c << "  obj_." << ctx.setter(m.name, s.gs) << "(" << m.name << ");\n";
    }
    c << "  return obj_;\n}\n\n";
  }
  c << "void " << s.coll << "::push_back(const " << s.mut
    << "& object) { pushRaw(podml::detail::HandleAccess::raw(object), true); }\n\n";
  c << "void " << s.coll << "::push_back(const " << s.bare
    << "& object) { pushRaw(podml::detail::HandleAccess::raw(object), false); }\n\n";
  c << "void " << s.coll << "::pushRaw(const podml::detail::RawHandle& h, bool isMutable) {\n"
    << "  podml::detail::checkPushBack(h, isMutable, m_data->isSubset, typeName);\n"
    << "  if (m_data->isSubset) {\n    m_data->subset.push_back(h);\n    return;\n  }\n"
    << "  auto* obj_ = static_cast<" << s.obj << "*>(h.obj.get());\n"
    << "  const int32_t index_ = m_data->appendCopy(obj_->data, 0, true);\n"
    << "  obj_->moveTo({m_data.get(), index_});\n"
    << "  m_data->setRecord(index_, obj_);\n"
    << "  // Handles now see the collection element; drop the record's copy and the references it holds.\n"
    << "  obj_->data.clear();\n}\n\n";
  c << "void " << s.coll << "::throwSubsetCreate() {\n  throw std::logic_error(\"cannot create an object in a "
    << s.full << "Collection: it is a subset collection\");\n}\n\n";
  for (const auto& [ret, cst] : {std::pair{s.bare, std::string(" const")}, std::pair{s.mut, std::string()}}) {
    c << ret << " " << s.coll << "::at(std::size_t i)" << cst << " {\n  return " << ret
      << "(handleAt(podml::detail::checkedIndex(i, size(), \"" << s.full << "Collection::at\")));\n}\n\n";
  }
  for (const auto& m : dt.members) {
    if (ctx.isBuiltin(m.valueType())) {
      continue;
    }
    const std::size_t k = s.first(m.name, ColumnKind::Member);
    const std::string t = ctx.cppType(m);
    c << "std::vector<" << t << "> " << s.coll << "::" << m.name
      << "(std::size_t nElem) const {\n  const std::size_t n_ = nElem == 0 || nElem > size() ? size() : nElem;\n"
      << "  std::vector<" << t << "> out_(n_);\n  for (std::size_t i = 0; i < n_; ++i) {\n    "
      << ctx.loadMember(m, "&m_data->" + s.col(k), "i", "out_[i]") << "\n  }\n  return out_;\n}\n\n";
  }
  c << "std::string_view " << s.coll << "::getDataModelName() const { return podml::models::" << id
    << "::name; }\n\n";
  c << "uint32_t " << s.coll << "::getSchemaVersion() const { return podml::models::" << id
    << "::schemaVersion; }\n\n";
  c << "const podml::DataModelDefinition& " << s.coll << "::dataModelDefinition() const {\n  return podml::models::" << id
    << "::definition();\n}\n\n";
  c << "const podml::DatatypeDef& " << s.coll << "::definition() const {\n"
    << "  static const podml::DatatypeDef& def = *podml::models::" << id << "::definition().datatype(valueTypeName);\n"
    << "  return def;\n}\n\n";
  c << "void " << s.coll << "::setSubsetCollection(bool setSubset) {\n  if (setSubset != m_data->isSubset && size() != 0) {\n"
    << "    throw std::logic_error(\"cannot change the subset status of a non-empty " << s.full << "Collection\");\n"
    << "  }\n  m_data->isSubset = setSubset;\n}\n\n";
  c << "std::vector<podml::ObjectID> " << s.coll
    << "::relationIDs(std::size_t relationIndex) const {\n  std::vector<podml::ObjectID> out_;\n"
    << "  relationIDsInto(relationIndex, out_);\n  return out_;\n}\n\n";
  c << "void " << s.coll << "::relationIDsInto([[maybe_unused]] std::size_t relationIndex,\n"
    << "    std::vector<podml::ObjectID>& out_) const {\n  out_.clear();\n";
  for (const auto& r : dt.relations) {
    c << "  if (relationIndex == " << s.relationIndex(r) << ") {\n";
    if (!r.many) {
      c << "    out_.reserve(m_data->rel_" << r.name << ".size());\n    for (const auto& h : m_data->rel_" << r.name
        << ") {\n      out_.push_back(h.objectID());\n    }\n";
    } else {
      c << "    const auto* b_ = m_data->" << s.rangeBegin(r.name) << ".data<uint32_t>();\n"
        << "    const auto* e_ = m_data->" << s.rangeEnd(r.name) << ".data<uint32_t>();\n"
        << "    for (std::size_t i = 0; i < m_data->count; ++i) {\n      for (uint32_t j = b_[i]; j < e_[i]; ++j) {\n"
        << "        out_.push_back(m_data->rel_" << r.name << "[j].objectID());\n      }\n    }\n";
    }
    c << "    return;\n  }\n";
  }
  c << "  throw std::out_of_range(\"" << s.full << " has no relation number \" + std::to_string(relationIndex));\n}\n\n";
  c << "std::vector<podml::ObjectID> " << s.coll << "::subsetIDs() const {\n  std::vector<podml::ObjectID> out_;\n"
    << "  out_.reserve(m_data->subset.size());\n  for (const auto& h : m_data->subset) {\n    out_.push_back(h.objectID());\n"
    << "  }\n  return out_;\n}\n\n";
  c << "void " << s.coll << "::setObjectCount(std::size_t n) {\n  m_data->clear();\n  m_data->isSubset = false;\n"
    << "  m_data->reserve(n);\n";
  for (std::size_t i = 0; i < dt.columns.size(); ++i) {
    if (dt.columns[i].kind != ColumnKind::VectorValue) {
      c << "  m_data->" << s.col(i) << ".resize(n);\n";
    }
  }
  for (const auto* r : s.relations(false)) {
    c << "  m_data->rel_" << r->name << ".assign(n, podml::detail::RawHandle{});\n";
  }
  c << "  m_data->count = n;\n  m_pendingRelations.clear();\n  m_pendingSubset.clear();\n}\n\n";
  c << "void " << s.coll << "::setRelationIDs(std::size_t relationIndex, [[maybe_unused]] std::vector<podml::ObjectID> ids) {\n";
  if (dt.relations.empty()) {
    c << "  throw std::out_of_range(\"" << s.full << " has no relation number \" + std::to_string(relationIndex));\n}\n\n";
  } else {
  c << "  if (relationIndex >= " << dt.relations.size() << ") {\n    throw std::out_of_range(\"" << s.full
    << " has no relation number \" + std::to_string(relationIndex));\n  }\n"
    << "  m_pendingRelations.resize(" << dt.relations.size() << ");\n";
  for (const auto* r : s.relations(true)) {
    c << "  if (relationIndex == " << s.relationIndex(*r) << ") {\n    m_data->rel_" << r->name
      << ".assign(ids.size(), podml::detail::RawHandle{});\n  }\n";
  }
  c << "  m_pendingRelations[relationIndex] = std::move(ids);\n}\n\n";
  }
  c << "void " << s.coll << "::setSubsetIDs(std::vector<podml::ObjectID> ids) {\n  m_data->clear();\n"
    << "  m_data->isSubset = true;\n  m_data->subset.assign(ids.size(), podml::detail::RawHandle{});\n"
    << "  m_pendingSubset = std::move(ids);\n}\n\n";
  // Relation targets are checked by type name and index: a file must not be able to make a
  // handle of one type point into storage of another.
  c << "std::size_t " << s.coll << "::resolveRelations(const podml::CollectionLookup& lookup) {\n"
    << "  std::size_t unresolved = 0;\n"
    << "  auto resolve = [&](const podml::ObjectID& id, std::initializer_list<std::string_view> allowed,\n"
    << "                     const char* what, podml::detail::RawHandle& out) {\n"
    << "    unresolved += podml::detail::resolveTarget(lookup, id, allowed, valueTypeName, what, out) ? 0 : 1;\n  };\n";
  auto allowedList = [&](const std::string& type) {
    std::string list;
    if (const auto* iface = ctx.interface(type)) {
      for (const auto& t : iface->types) {
        list += (list.empty() ? "\"" : ", \"") + t + "\"";
      }
    } else {
      list = "\"" + type + "\"";
    }
    return "{" + list + "}";
  };
  for (const auto& r : dt.relations) {
    const std::size_t i = s.relationIndex(r);
    c << "  if (m_pendingRelations.size() > " << i << " && !m_pendingRelations[" << i << "].empty()) {\n"
      << "    const auto& ids = m_pendingRelations[" << i << "];\n";
    if (!r.many) {
      c << "    if (ids.size() != m_data->count) {\n      throw podml::IoError(\"cannot resolve relation '" << r.name
        << "' of " << s.full << ": \" + std::to_string(ids.size()) +\n"
        << "                           \" targets for \" + std::to_string(m_data->count) + \" objects\");\n    }\n";
    }
    c << "    m_data->rel_" << r.name << ".resize(ids.size());\n"
      << "    for (std::size_t j = 0; j < ids.size(); ++j) {\n      resolve(ids[j], " << allowedList(r.type) << ", \""
      << r.name << "\", m_data->rel_" << r.name << "[j]);\n    }\n    m_pendingRelations[" << i << "].clear();\n  }\n";
  }
  c << "  if (!m_pendingSubset.empty()) {\n    m_data->subset.resize(m_pendingSubset.size());\n"
    << "    for (std::size_t j = 0; j < m_pendingSubset.size(); ++j) {\n      resolve(m_pendingSubset[j], {\"" << s.full
    << "\"}, \"subset\", m_data->subset[j]);\n    }\n    m_pendingSubset.clear();\n  }\n"
    << "  return unresolved;\n}\n\n";
  c << "std::unique_ptr<podml::CollectionBase> podml_make_" << s.coll << "() { return std::make_unique<" << s.coll
    << ">(); }\n\n";
  c << "std::ostream& operator<<(std::ostream& o, const " << s.coll << "& value) {\n  value.print(o, false);\n  return o;\n}\n";
  if (!s.ns.empty()) {
    c << "\n} // namespace " << s.ns << "\n";
  }
  return c.str();
}

} // namespace podml::gen::detail
