#pragma once
/// \file DType.h
/// Element types of columns, and the mapping from C++ and podio type names.

#include "podml/ObjectID.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>

namespace podml {

/// Element type of a column. Fixed-width: C++ `long` is Int64 on LP64 Linux.
enum class DType : uint8_t { Bool, Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Float32, Float64, ObjectID };

/// Size in bytes of one element of `t`.
constexpr std::size_t dtypeSize(DType t) noexcept {
  switch (t) {
  case DType::Bool:
  case DType::Int8:
  case DType::UInt8:
    return 1;
  case DType::Int16:
  case DType::UInt16:
    return 2;
  case DType::Int32:
  case DType::UInt32:
  case DType::Float32:
    return 4;
  case DType::Int64:
  case DType::UInt64:
  case DType::Float64:
  case DType::ObjectID:
    return 8;
  }
  return 0;
}

/// Canonical lower-case name (`float32`, `int64`, `objectid`, ...), as used in files and model cards.
std::string_view dtypeName(DType t) noexcept;
/// Parses a canonical name back; nullopt if unknown.
std::optional<DType> dtypeFromName(std::string_view name) noexcept;
/// DType of a podio builtin type name (`float`, `unsigned long`, `std::int16_t`, ...); nullopt if not builtin.
std::optional<DType> dtypeFromCppType(std::string_view cppType) noexcept;

/// Compile-time DType of a C++ arithmetic type (or ObjectID).
template <typename T>
constexpr DType dtypeOf() {
  using U = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<U, bool>) {
    return DType::Bool;
  } else if constexpr (std::is_same_v<U, float>) {
    return DType::Float32;
  } else if constexpr (std::is_same_v<U, double>) {
    return DType::Float64;
  } else if constexpr (std::is_same_v<U, ObjectID>) {
    return DType::ObjectID;
  } else if constexpr (std::is_integral_v<U>) {
    constexpr bool s = std::is_signed_v<U>;
    if constexpr (sizeof(U) == 1) {
      return s ? DType::Int8 : DType::UInt8;
    } else if constexpr (sizeof(U) == 2) {
      return s ? DType::Int16 : DType::UInt16;
    } else if constexpr (sizeof(U) == 4) {
      return s ? DType::Int32 : DType::UInt32;
    } else {
      static_assert(sizeof(U) == 8, "unsupported integer size");
      return s ? DType::Int64 : DType::UInt64;
    }
  } else {
    static_assert(sizeof(U) == 0, "type has no podml DType");
  }
}

} // namespace podml
