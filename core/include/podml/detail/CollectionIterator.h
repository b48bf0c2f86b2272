#pragma once
/// \file detail/CollectionIterator.h
/// Random-access iterator over a collection, yielding handles by value.

#include "podml/detail/Handle.h"

#include <cstddef>
#include <iterator>

namespace podml::detail {

/// Iterates rows of a collection's storage (or the references of a subset
/// collection), producing handle type H.
template <typename H>
class CollectionIterator {
public:
  using iterator_concept = std::random_access_iterator_tag;
  using iterator_category = std::input_iterator_tag;
  using value_type = H;
  using reference = H;
  using difference_type = std::ptrdiff_t;

  CollectionIterator() = default;
  /// Position `index` of `data`; `subset` is the reference list of a subset collection, else null.
  CollectionIterator(CollectionDataBase* data, const RawHandle* subset, int32_t index)
      : m_data(data), m_subset(subset), m_index(index) {}

  /// The handle at this position.
  H operator*() const {
    if (m_subset != nullptr) {
      return HandleAccess::make<H>(m_subset[m_index]);
    }
    return HandleAccess::make<H>(RawHandle{m_data, m_index, {}});
  }
  /// The handle `n` positions further.
  H operator[](difference_type n) const { return *(*this + n); }
  /// `it->member()`: the handle lives in a small proxy for the duration of the expression.
  struct Arrow {
    H value;
    H* operator->() { return &value; }
  };
  /// What operator-> returns (std::reverse_iterator forwards it).
  using pointer = Arrow;
  /// Member access through the iterator.
  Arrow operator->() const { return Arrow{**this}; }

  CollectionIterator& operator++() {
    ++m_index;
    return *this;
  }
  CollectionIterator operator++(int) {
    auto t = *this;
    ++m_index;
    return t;
  }
  CollectionIterator& operator--() {
    --m_index;
    return *this;
  }
  CollectionIterator operator--(int) {
    auto t = *this;
    --m_index;
    return t;
  }
  CollectionIterator& operator+=(difference_type n) {
    m_index += static_cast<int32_t>(n);
    return *this;
  }
  CollectionIterator& operator-=(difference_type n) {
    m_index -= static_cast<int32_t>(n);
    return *this;
  }
  friend CollectionIterator operator+(CollectionIterator it, difference_type n) { return it += n; }
  friend CollectionIterator operator+(difference_type n, CollectionIterator it) { return it += n; }
  friend CollectionIterator operator-(CollectionIterator it, difference_type n) { return it -= n; }
  friend difference_type operator-(const CollectionIterator& a, const CollectionIterator& b) {
    return a.m_index - b.m_index;
  }
  friend bool operator==(const CollectionIterator& a, const CollectionIterator& b) { return a.m_index == b.m_index; }
  friend auto operator<=>(const CollectionIterator& a, const CollectionIterator& b) { return a.m_index <=> b.m_index; }

private:
  CollectionDataBase* m_data{nullptr};
  const RawHandle* m_subset{nullptr};
  int32_t m_index{0};
};

} // namespace podml::detail
