#include "podml/DType.h"

#include <array>
#include <string>
#include <utility>

namespace podml {

namespace {
constexpr std::array<std::pair<DType, std::string_view>, 12> kNames{{
    {DType::Bool, "bool"},
    {DType::Int8, "int8"},
    {DType::Int16, "int16"},
    {DType::Int32, "int32"},
    {DType::Int64, "int64"},
    {DType::UInt8, "uint8"},
    {DType::UInt16, "uint16"},
    {DType::UInt32, "uint32"},
    {DType::UInt64, "uint64"},
    {DType::Float32, "float32"},
    {DType::Float64, "float64"},
    {DType::ObjectID, "objectid"},
}};

// podio's builtin types (generator_utils.BUILTIN_TYPES plus fixed-width ints),
// mapped to what they are on LP64 Linux, the only ABI podml targets.
constexpr std::array<std::pair<std::string_view, DType>, 32> kCppTypes{{
    {"bool", DType::Bool},
    {"char", DType::Int8},
    {"signed char", DType::Int8},
    {"unsigned char", DType::UInt8},
    {"short", DType::Int16},
    {"short int", DType::Int16},
    {"unsigned short", DType::UInt16},
    {"unsigned short int", DType::UInt16},
    {"int", DType::Int32},
    {"unsigned int", DType::UInt32},
    {"unsigned", DType::UInt32},
    {"long", DType::Int64},
    {"long int", DType::Int64},
    {"unsigned long", DType::UInt64},
    {"unsigned long int", DType::UInt64},
    {"long long", DType::Int64},
    {"long long int", DType::Int64},
    {"unsigned long long", DType::UInt64},
    {"unsigned long long int", DType::UInt64},
    {"float", DType::Float32},
    {"double", DType::Float64},
    {"int8_t", DType::Int8},
    {"int16_t", DType::Int16},
    {"int32_t", DType::Int32},
    {"int64_t", DType::Int64},
    {"uint8_t", DType::UInt8},
    {"uint16_t", DType::UInt16},
    {"uint32_t", DType::UInt32},
    {"uint64_t", DType::UInt64},
    {"size_t", DType::UInt64},
    {"ptrdiff_t", DType::Int64},
    {"intptr_t", DType::Int64},
}};
} // namespace

std::string_view dtypeName(DType t) noexcept {
  for (const auto& [d, n] : kNames) {
    if (d == t) {
      return n;
    }
  }
  return "unknown";
}

std::optional<DType> dtypeFromName(std::string_view name) noexcept {
  for (const auto& [d, n] : kNames) {
    if (n == name) {
      return d;
    }
  }
  return std::nullopt;
}

std::optional<DType> dtypeFromCppType(std::string_view cppType) noexcept {
  if (cppType.starts_with("std::")) {
    cppType.remove_prefix(5);
    // Only the fixed-width aliases live in std::, the keywords do not.
    if (!cppType.ends_with("_t")) {
      return std::nullopt;
    }
  }
  for (const auto& [n, d] : kCppTypes) {
    if (n == cppType) {
      return d;
    }
  }
  return std::nullopt;
}

} // namespace podml
