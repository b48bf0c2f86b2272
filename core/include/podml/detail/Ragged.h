#pragma once
/// \file detail/Ragged.h
/// Per-object ranges into shared value storage (vector members, one-to-many
/// relations). Appending to an object whose range is not at the end of the
/// values relocates its range to the end; `compact` restores object order.

#include "podml/Column.h"

#include <cstdint>
#include <span>
#include <vector>

namespace podml::detail {

/// Makes room for one more value of object `row` and returns the value slot.
/// `begin`/`end` are uint32 columns; `values` are the columns holding the values.
std::size_t raggedAppendSlot(Column& begin, Column& end, std::span<Column* const> values, std::size_t row);

/// Same for values held in a std::vector (relation targets).
template <typename V>
std::size_t raggedAppendSlot(Column& begin, Column& end, std::vector<V>& values, std::size_t row) {
  auto* b = begin.data<uint32_t>();
  auto* e = end.data<uint32_t>();
  if (e[row] == values.size()) {
    values.emplace_back();
  } else {
    const uint32_t n = e[row] - b[row];
    const auto newBegin = static_cast<uint32_t>(values.size());
    values.reserve(values.size() + n + 1);
    for (uint32_t k = 0; k < n; ++k) {
      values.push_back(values[b[row] + k]);
    }
    values.emplace_back();
    b[row] = newBegin;
    e[row] = newBegin + n;
  }
  return e[row]++;
}

} // namespace podml::detail
