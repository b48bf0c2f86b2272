#pragma once
/// \file detail/MemberIO.h
/// Reading and writing one member of one object from and to its columns, for every member
/// kind at once, so that generated code calls one function instead of spelling out each kind.

#include "podml/Column.h"

#include <array>
#include <cstddef>
#include <cstring>
#include <type_traits>

namespace podml::detail {

template <typename T>
inline constexpr bool isArrayMember = false;
template <typename E, std::size_t N>
inline constexpr bool isArrayMember<std::array<E, N>> = true;

/// Loads member value `out` of object `row` from its leaf columns starting at `cols`:
/// a builtin from one column, a builtin array from one column of width N, a component
/// (and an array of them) through its model's podml_load, found by argument-dependent lookup.
template <typename T>
void loadMember(const Column* cols, std::size_t row, T& out) {
  if constexpr (std::is_arithmetic_v<T>) {
    out = cols->data<T>()[row];
  } else if constexpr (isArrayMember<T>) {
    using E = typename T::value_type;
    constexpr std::size_t n = std::tuple_size_v<T>;
    if constexpr (std::is_arithmetic_v<E>) {
      std::memcpy(out.data(), cols->data<E>() + row * n, sizeof(E) * n);
    } else {
      for (std::size_t j = 0; j < n; ++j) {
        podml_load(cols, row * n + j, out[j]);
      }
    }
  } else {
    podml_load(cols, row, out);
  }
}

/// Stores `value` as member of object `row` into its leaf columns starting at `cols`
/// (the inverse of loadMember).
template <typename T>
void storeMember(Column* cols, std::size_t row, const T& value) {
  if constexpr (std::is_arithmetic_v<T>) {
    cols->data<T>()[row] = value;
  } else if constexpr (isArrayMember<T>) {
    using E = typename T::value_type;
    constexpr std::size_t n = std::tuple_size_v<T>;
    if constexpr (std::is_arithmetic_v<E>) {
      std::memcpy(cols->data<E>() + row * n, value.data(), sizeof(E) * n);
    } else {
      for (std::size_t j = 0; j < n; ++j) {
        podml_store(cols, row * n + j, value[j]);
      }
    }
  } else {
    podml_store(cols, row, value);
  }
}

} // namespace podml::detail
