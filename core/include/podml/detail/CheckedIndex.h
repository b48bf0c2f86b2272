#pragma once
/// \file detail/CheckedIndex.h
/// The bounds check of podio's indexed getters (`getHits(i)`, `getWeights(i)`, `getArr(i)`).

#include <cstddef>

namespace podml::detail {

/// Throws std::out_of_range naming `what` (e.g. `ex::Cluster::Hits`), the index and the size.
[[noreturn]] void throwIndexOutOfRange(const char* what, std::size_t index, std::size_t size);

/// `index` if it is below `size`; else throws std::out_of_range as podio's indexed getters do.
inline std::size_t checkedIndex(std::size_t index, std::size_t size, const char* what) {
  if (index >= size) [[unlikely]] {
    throwIndexOutOfRange(what, index, size);
  }
  return index;
}

} // namespace podml::detail
