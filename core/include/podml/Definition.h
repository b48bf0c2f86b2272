#pragma once
/// \file Definition.h
/// Runtime description of a data model (reflection): types, members, the
/// flattened leaf columns with dtype, shape and unit, relations, versions.
/// Built from podio-style JSON, which every generated model embeds and every
/// podml file stores, so tools can work on data models they were not compiled with.

#include "podml/DType.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace podml {

namespace json {
class Value;
}

/// One member line of podio's YAML: `type name{default} [unit] // description`.
struct MemberDef {
  std::string type;         ///< full type as written, e.g. `float`, `edm4hep::Vector3f`, `std::array<float, 6>`
  std::string name;         ///< member name
  std::string defaultValue; ///< text between `{}` or empty
  std::string unit;         ///< text between `[]` or empty
  std::string description;  ///< text after `//`, trimmed

  bool isArray{false};      ///< `std::array<T, N>`
  std::string arrayType;    ///< T of an array
  uint32_t arraySize{0};    ///< N of an array

  /// The element type: arrayType for arrays, else type.
  const std::string& valueType() const { return isArray ? arrayType : type; }
  /// The member written back as one podio member line.
  std::string toLine() const;
};

/// Why a member line could not be parsed.
struct MemberParseError {
  std::string reason;
};

/// Parses one podio member line. Returns the member or the reason it is malformed.
/// Checks only the grammar; whether the type exists is the caller's business.
std::variant<MemberDef, MemberParseError> parseMemberLine(std::string_view line);

/// Where a column sits in a datatype.
enum class ColumnKind : uint8_t {
  Member,      ///< one row per object
  VectorValue, ///< one row per value of a vector member (ragged)
  RangeBegin,  ///< per-object begin into a vector member's or relation's values
  RangeEnd,    ///< per-object end into a vector member's or relation's values
};

/// Name of a column kind as files and tools spell it: `member`, `vector_value`,
/// `range_begin`, `range_end`.
std::string_view columnKindName(ColumnKind kind) noexcept;

/// One contiguous column of a datatype's struct-of-arrays storage.
struct ColumnDef {
  std::string path;            ///< dotted path, e.g. `momentum.x`; ranges are `<name>_begin`/`<name>_end`
  DType dtype{DType::Float32}; ///< element type
  std::vector<uint32_t> shape; ///< per-row shape: empty for scalars, {N} for std::array<T,N>
  std::string unit;            ///< unit from the YAML (inherited from the enclosing member if the leaf has none)
  std::string description;     ///< description of the enclosing member
  std::string cppType;         ///< C++ element type as written in the YAML
  ColumnKind kind{ColumnKind::Member};
  std::string owner;           ///< the top-level member, vector member or relation it belongs to
  std::string defaultValue;    ///< default from the YAML for top-level scalar members, else empty

  /// Elements per row (product of shape).
  uint32_t width() const;
};

/// A relation to another datatype or interface.
struct RelationDef {
  std::string type;        ///< target type (datatype or interface)
  std::string name;        ///< relation name
  std::string description; ///< text after `//`
  bool many{false};        ///< one-to-many
};

/// A component: a plain struct of builtins, arrays and other components.
struct ComponentDef {
  std::string name;
  std::string description;
  std::vector<MemberDef> members;
  std::map<std::string, std::string> extraCode;
};

/// A datatype: what a collection holds.
struct DatatypeDef {
  std::string name;
  std::string description;
  std::string author;
  std::vector<MemberDef> members;
  std::vector<MemberDef> vectorMembers;
  std::vector<RelationDef> relations; ///< one-to-one first, then one-to-many, in YAML order
  std::map<std::string, std::string> extraCode;
  std::map<std::string, std::string> mutableExtraCode;
  bool isLink{false};       ///< generated from a `links` entry
  std::string linkFrom;     ///< From type of a link
  std::string linkTo;       ///< To type of a link

  std::vector<ColumnDef> columns; ///< flattened storage, in storage order
  std::string hash;               ///< hash of columns and relations (16 hex digits)

  /// Column by path, or null.
  const ColumnDef* column(std::string_view path) const;
  /// Index of a column by path, or -1.
  int columnIndex(std::string_view path) const;
  /// Relation by name, or null.
  const RelationDef* relation(std::string_view name) const;
};

/// An interface: a handle that can hold any of several datatypes.
struct InterfaceDef {
  std::string name;
  std::string description;
  std::string author;
  std::vector<MemberDef> members;
  std::vector<std::string> types;
};

/// A whole data model.
struct DataModelDefinition {
  std::string name;                  ///< model name (e.g. `edm4hep`)
  uint32_t schemaVersion{0};
  bool getSyntax{false};
  bool exposePODMembers{true};
  bool includeSubfolder{false};
  std::vector<std::string> upstream; ///< names of upstream models this one extends
  std::vector<ComponentDef> components;
  std::vector<DatatypeDef> datatypes; ///< datatypes, then links (isLink)
  std::vector<InterfaceDef> interfaces;

  std::string json; ///< canonical podio-style JSON this definition was built from
  std::string hash; ///< hash of `json` (16 hex digits)

  /// Component by full name, or null (this model only).
  const ComponentDef* component(std::string_view name) const;
  /// Datatype (or link) by full name, or null (this model only).
  const DatatypeDef* datatype(std::string_view name) const;
  /// Interface by full name, or null (this model only).
  const InterfaceDef* interface(std::string_view name) const;

  /// Builds a definition from podio-style JSON. `upstreamModels` resolves
  /// components of models this one extends. Throws DefinitionError.
  static DataModelDefinition fromJson(std::string_view jsonText,
                                      const std::vector<const DataModelDefinition*>& upstreamModels = {});
};

/// 64-bit FNV-1a of `text` as 16 lower-case hex digits (stable content hashes).
std::string contentHash(std::string_view text);

} // namespace podml
