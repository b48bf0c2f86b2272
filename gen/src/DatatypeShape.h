#pragma once
// Names and column positions of one datatype, shared by the datatype renderers.

#include "RenderContext.h"

#include "podml/Exceptions.h"

#include <algorithm>
#include <map>
#include <set>
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
  std::vector<std::string> columnNames; ///< per column: its name in the generated `Columns`

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
    // Column positions get names (`momentum.x` -> `momentum_x`) so that generated code says
    // which column it reads; a name taken twice (`a_b` and `a.b`) gets its position appended.
    std::set<std::string> taken{"Columns"};
    for (std::size_t i = 0; i < d.columns.size(); ++i) {
      std::string n = d.columns[i].path;
      std::replace(n.begin(), n.end(), '.', '_');
      if (!taken.insert(n).second) {
        n += "_" + std::to_string(i);
        taken.insert(n);
      }
      columnNames.push_back(n);
    }
  }

  std::size_t first(const std::string& owner, ColumnKind kind) const {
    if (const auto it = firstColumn.find({owner, kind}); it != firstColumn.end()) {
      return it->second;
    }
    throw DefinitionError("cannot render '" + full + "': no column for '" + owner + "'");
  }
  std::string col(std::size_t i) const { return "columns[" + colName(i) + "]"; }
  /// The position of column `i` as generated code names it, e.g. `Columns::energy`.
  std::string colName(std::size_t i) const { return "Columns::" + columnNames[i]; }
  std::string rangeArgs(const std::string& name) const {
    return colName(first(name, ColumnKind::RangeBegin)) + ", " + colName(first(name, ColumnKind::RangeEnd));
  }
  std::string rangeBegin(const std::string& name) const { return col(first(name, ColumnKind::RangeBegin)); }
  std::string rangeEnd(const std::string& name) const { return col(first(name, ColumnKind::RangeEnd)); }
  std::string paramType(const MemberDef& m) const {
    const std::string t = ctx.cppType(m);
    return !m.isArray && ctx.isBuiltin(m.type) ? t : "const " + t + "&";
  }
  /// The member parameters of the constructor and create(), one per line when they are many.
  std::string params() const {
    std::string one;
    for (const auto& m : dt.members) {
      one += (one.empty() ? "" : ", ") + paramType(m) + " " + m.name;
    }
    if (one.size() <= 70) {
      return one;
    }
    std::string wrapped;
    for (const auto& m : dt.members) {
      wrapped += "\n    " + paramType(m) + " " + m.name + ",";
    }
    wrapped.pop_back();
    return wrapped;
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
