#include "podml/detail/Ragged.h"

namespace podml::detail {

std::size_t raggedAppendSlot(Column& begin, Column& end, std::span<Column* const> values, std::size_t row) {
  auto* b = begin.data<uint32_t>();
  auto* e = end.data<uint32_t>();
  const std::size_t total = values.empty() ? 0 : values.front()->size();
  if (e[row] == total) {
    for (Column* c : values) {
      c->appendZeroRow();
    }
  } else {
    // The object's values are not last: move them to the end so they stay contiguous.
    const uint32_t n = e[row] - b[row];
    for (Column* c : values) {
      c->appendRows(*c, b[row], n);
      c->appendZeroRow();
    }
    b[row] = static_cast<uint32_t>(total);
    e[row] = static_cast<uint32_t>(total) + n;
  }
  return e[row]++;
}

} // namespace podml::detail
