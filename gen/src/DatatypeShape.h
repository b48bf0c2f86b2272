#pragma once
// Names and column positions of one datatype, shared by the datatype renderers.

#include "RenderContext.h"

#include "podml/Exceptions.h"

#include <map>
#include <string>
#include <vector>

namespace podml::gen::detail {

// Names and column positions of one datatype, computed once.
struct Shape {
  const Context& ctx;
  const DatatypeDef& dt;
  std::string ns, bare, full, data, obj, mut, coll;
  bool gs;
  std::map<std::pair<std::string, ColumnKind>, std::size_t> firstColumn;

  Shape(const Context& c, const DatatypeDef& d) : ctx(c), dt(d) {
    ns = nsOf(d.name);
    bare = bareOf(d.name);
    full = d.name;
    data = bare + "CollectionData";
    obj = bare + "Obj";
    mut = "Mutable" + bare;
    coll = bare + "Collection";
    // podio's links always use get/set names, whatever the model's option.
    gs = c.model().getSyntax || d.isLink;
    // Every member asks for its first column; a scan per member made generation quadratic.
    for (std::size_t i = 0; i < d.columns.size(); ++i) {
      firstColumn.try_emplace({d.columns[i].owner, d.columns[i].kind}, i);
    }
  }

  std::size_t first(const std::string& owner, ColumnKind kind) const {
    if (const auto it = firstColumn.find({owner, kind}); it != firstColumn.end()) {
      return it->second;
    }
    throw DefinitionError("cannot render '" + full + "': no column for '" + owner + "'");
  }
  std::string col(std::size_t i) const { return "columns[" + std::to_string(i) + "]"; }
  std::string rangeBegin(const std::string& name) const { return col(first(name, ColumnKind::RangeBegin)); }
  std::string rangeEnd(const std::string& name) const { return col(first(name, ColumnKind::RangeEnd)); }
  std::string paramType(const MemberDef& m) const {
    const std::string t = ctx.cppType(m);
    return !m.isArray && ctx.isBuiltin(m.type) ? t : "const " + t + "&";
  }
  std::vector<const RelationDef*> relations(bool many) const {
    std::vector<const RelationDef*> out;
    for (const auto& r : dt.relations) {
      if (r.many == many) {
        out.push_back(&r);
      }
    }
    return out;
  }
  std::size_t relationIndex(const RelationDef& r) const { return static_cast<std::size_t>(&r - dt.relations.data()); }
};

inline std::string forwardDecl(const std::string& type) {
  const std::string ns = nsOf(type);
  if (ns.empty()) {
    return "class " + type + ";\n";
  }
  return "namespace " + ns + " {\nclass " + bareOf(type) + ";\n}\n";
}

} // namespace podml::gen::detail
