#pragma once
/// \file Json.h
/// A small JSON value, parser and writer, because `core` may depend on the
/// standard library only but must read and write data model definitions.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace podml::json {

enum class Kind { Null, Bool, Number, String, Array, Object };

class Value;
using Array = std::vector<Value>;
/// Members keep insertion order so written definitions are stable and diffable.
using Object = std::vector<std::pair<std::string, Value>>;

/// Lower-case name of a kind ("null", "number", ...), for error messages.
const char* kindName(Kind kind) noexcept;

/// One JSON value. Integers without fraction or exponent are kept exactly as
/// int64_t; all other numbers are finite doubles.
class Value {
public:
  /// A null value.
  Value() noexcept = default;
  Value(std::nullptr_t) noexcept {}
  Value(bool b) noexcept : m_data(b) {}
  /// Any integer type; unsigned values above INT64_MAX throw DefinitionError
  /// rather than silently wrapping.
  template <std::integral T>
    requires(!std::same_as<T, bool> && !std::same_as<T, char> && sizeof(T) <= sizeof(std::int64_t))
  Value(T number) : m_data(static_cast<std::int64_t>(number)) {
    if constexpr (std::is_unsigned_v<T>) {
      if (static_cast<std::uint64_t>(number) > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
        throwUnsignedTooLarge(number);
      }
    }
  }
  /// Throws DefinitionError for NaN and infinities, which JSON cannot represent.
  Value(double number);
  Value(const char* s) : m_data(std::string(s)) {}
  Value(std::string s) noexcept : m_data(std::move(s)) {}
  Value(std::string_view s) : m_data(std::string(s)) {}
  Value(Array a) noexcept : m_data(std::move(a)) {}
  Value(Object o) noexcept : m_data(std::move(o)) {}

  /// An empty array, to fill with push_back().
  static Value array() { return Value(Array{}); }
  /// An empty object, to fill with set().
  static Value object() { return Value(Object{}); }

  Kind kind() const noexcept;
  bool isNull() const noexcept { return m_data.index() == 0; }
  bool isBool() const noexcept { return m_data.index() == 1; }
  /// True only for numbers stored as integers (see asInt() for integral doubles).
  bool isInt() const noexcept { return m_data.index() == 2; }
  bool isNumber() const noexcept { return m_data.index() == 2 || m_data.index() == 3; }
  bool isString() const noexcept { return m_data.index() == 4; }
  bool isArray() const noexcept { return m_data.index() == 5; }
  bool isObject() const noexcept { return m_data.index() == 6; }

  // The accessors throw DefinitionError naming the expected and actual kind.
  bool asBool() const;
  /// Also accepts doubles with an integral value in int64_t range.
  std::int64_t asInt() const;
  /// Integers beyond 2^53 lose precision here; use asInt() for them.
  double asDouble() const;
  const std::string& asString() const;
  const Array& asArray() const;
  const Object& asObject() const;

  /// Member lookup; throws DefinitionError naming the key if it is missing.
  const Value& operator[](std::string_view key) const;
  /// Member lookup that reports absence as nullptr (throws if not an object).
  const Value* find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  /// Number of elements or members; throws for scalars.
  std::size_t size() const;

  /// Appends to an array; throws if this is not an array.
  void push_back(Value v);
  /// Adds a member, or replaces an existing one in place so order is kept.
  void set(std::string key, Value v);

  /// Structural equality; object member order matters (it shows in dump()).
  /// Numbers compare by value, so 1 == 1.0.
  friend bool operator==(const Value& a, const Value& b);

private:
  [[noreturn]] static void throwUnsignedTooLarge(std::uint64_t number);
  [[noreturn]] void throwWrongKind(const char* expected) const;
  template <class T>
  const T& get(const char* expected) const;

  std::variant<std::monostate, bool, std::int64_t, double, std::string, Array, Object> m_data;
};

/// Parses one strict RFC 8259 document (a leading UTF-8 BOM is ignored).
/// Duplicate object keys, invalid UTF-8, lone surrogates, numbers outside double
/// range and nesting deeper than 512 are rejected too; "-0" becomes the double
/// -0.0 so the sign survives. Throws DefinitionError
/// `cannot parse JSON: <reason> (<sourceName>:<line>:<column>)`, column in bytes.
Value parse(std::string_view text, std::string_view sourceName = "<json>");

/// Deterministic text: indent < 0 is compact, otherwise pretty with that many
/// spaces per level. Doubles always carry a '.' or exponent so they parse back
/// as doubles, bit-exact. Control characters become \n, \r, \t or \u00XX;
/// other UTF-8 passes through. Throws DefinitionError for strings that are not UTF-8.
std::string dump(const Value& value, int indent = -1);

} // namespace podml::json
