#pragma once
/// \file RelationRange.h
/// Ranges over related objects and over component-typed vector members.
/// Both yield values (handles or components) rather than references, which
/// is what struct-of-arrays storage can offer; they are random-access ranges.

#include "podml/Column.h"
#include "podml/detail/Handle.h"

#include <cstddef>
#include <iterator>
#include <stdexcept>

namespace podml {

/// Random-access iterator over stored RawHandles, dereferencing to handle type H.
template <typename H>
class RelationIterator {
public:
  using iterator_concept = std::random_access_iterator_tag;
  using iterator_category = std::input_iterator_tag;
  using value_type = H;
  using reference = H;
  using difference_type = std::ptrdiff_t;

  RelationIterator() = default;
  /// Iterator at `p`.
  explicit RelationIterator(const detail::RawHandle* p) : m_p(p) {}
  /// The handle at this position.
  H operator*() const { return detail::HandleAccess::make<H>(*m_p); }
  /// The handle `n` positions further.
  H operator[](difference_type n) const { return detail::HandleAccess::make<H>(m_p[n]); }
  /// `it->member()`: the handle lives in a small proxy for the duration of the expression.
  struct Arrow {
    H value;
    H* operator->() { return &value; }
  };
  /// What operator-> returns (std::reverse_iterator forwards it).
  using pointer = Arrow;
  /// Member access through the iterator.
  Arrow operator->() const { return Arrow{**this}; }

  RelationIterator& operator++() {
    ++m_p;
    return *this;
  }
  RelationIterator operator++(int) { return RelationIterator(m_p++); }
  RelationIterator& operator--() {
    --m_p;
    return *this;
  }
  RelationIterator operator--(int) { return RelationIterator(m_p--); }
  RelationIterator& operator+=(difference_type n) {
    m_p += n;
    return *this;
  }
  RelationIterator& operator-=(difference_type n) {
    m_p -= n;
    return *this;
  }
  friend RelationIterator operator+(RelationIterator it, difference_type n) { return it += n; }
  friend RelationIterator operator+(difference_type n, RelationIterator it) { return it += n; }
  friend RelationIterator operator-(RelationIterator it, difference_type n) { return it -= n; }
  friend difference_type operator-(const RelationIterator& a, const RelationIterator& b) { return a.m_p - b.m_p; }
  friend bool operator==(const RelationIterator&, const RelationIterator&) = default;
  friend auto operator<=>(const RelationIterator&, const RelationIterator&) = default;

private:
  const detail::RawHandle* m_p{nullptr};
};

/// The related objects of one object (podio::RelationRange): begin/end, size, operator[], at.
template <typename H>
class RelationRange {
public:
  using iterator = RelationIterator<H>;
  using const_iterator = iterator;

  RelationRange() = default;
  /// Range over [begin, end).
  RelationRange(const detail::RawHandle* begin, const detail::RawHandle* end) : m_begin(begin), m_end(end) {}
  /// First related object.
  iterator begin() const { return iterator(m_begin); }
  /// Past the last related object.
  iterator end() const { return iterator(m_end); }
  /// begin(), as podio's RelationRange offers it.
  const_iterator cbegin() const { return begin(); }
  /// end(), as podio's RelationRange offers it.
  const_iterator cend() const { return end(); }
  /// The related objects last to first.
  std::reverse_iterator<iterator> rbegin() const { return std::reverse_iterator<iterator>(end()); }
  /// Past the first related object, backwards.
  std::reverse_iterator<iterator> rend() const { return std::reverse_iterator<iterator>(begin()); }
  /// Number of related objects.
  std::size_t size() const { return static_cast<std::size_t>(m_end - m_begin); }
  /// Whether there are none.
  bool empty() const { return m_begin == m_end; }
  /// Whether there are any.
  explicit operator bool() const { return !empty(); }
  /// The first related object (unchecked, as std containers' front()).
  H front() const { return (*this)[0]; }
  /// The last related object (unchecked).
  H back() const { return (*this)[size() - 1]; }
  /// Related object `i` (unchecked).
  H operator[](std::size_t i) const { return detail::HandleAccess::make<H>(m_begin[i]); }
  /// Related object `i`; throws std::out_of_range.
  H at(std::size_t i) const {
    if (i >= size()) {
      throw std::out_of_range("RelationRange::at: index out of range");
    }
    return (*this)[i];
  }

private:
  const detail::RawHandle* m_begin{nullptr};
  const detail::RawHandle* m_end{nullptr};
};

/// Random-access iterator over a component-typed vector member, gathering
/// each component from its leaf columns (podml_load is found by ADL).
template <typename C>
class ComponentIterator {
public:
  using iterator_concept = std::random_access_iterator_tag;
  using iterator_category = std::input_iterator_tag;
  using value_type = C;
  using reference = C;
  using difference_type = std::ptrdiff_t;

  ComponentIterator() = default;
  /// Iterator at value row `row` of the leaf columns starting at `cols`.
  ComponentIterator(const Column* cols, std::size_t row) : m_cols(cols), m_row(row) {}
  /// The component at this position.
  C operator*() const {
    C c{};
    podml_load(m_cols, m_row, c);
    return c;
  }
  /// The component `n` positions further.
  C operator[](difference_type n) const { return *(*this + n); }
  /// `it->member()`: the handle lives in a small proxy for the duration of the expression.
  struct Arrow {
    C value;
    C* operator->() { return &value; }
  };
  /// What operator-> returns (std::reverse_iterator forwards it).
  using pointer = Arrow;
  /// Member access through the iterator.
  Arrow operator->() const { return Arrow{**this}; }

  ComponentIterator& operator++() {
    ++m_row;
    return *this;
  }
  ComponentIterator operator++(int) {
    auto t = *this;
    ++m_row;
    return t;
  }
  ComponentIterator& operator--() {
    --m_row;
    return *this;
  }
  ComponentIterator operator--(int) {
    auto t = *this;
    --m_row;
    return t;
  }
  ComponentIterator& operator+=(difference_type n) {
    m_row += n;
    return *this;
  }
  ComponentIterator& operator-=(difference_type n) {
    m_row -= n;
    return *this;
  }
  friend ComponentIterator operator+(ComponentIterator it, difference_type n) { return it += n; }
  friend ComponentIterator operator+(difference_type n, ComponentIterator it) { return it += n; }
  friend ComponentIterator operator-(ComponentIterator it, difference_type n) { return it -= n; }
  friend difference_type operator-(const ComponentIterator& a, const ComponentIterator& b) {
    return static_cast<difference_type>(a.m_row) - static_cast<difference_type>(b.m_row);
  }
  friend bool operator==(const ComponentIterator& a, const ComponentIterator& b) { return a.m_row == b.m_row; }
  friend auto operator<=>(const ComponentIterator& a, const ComponentIterator& b) { return a.m_row <=> b.m_row; }

private:
  const Column* m_cols{nullptr};
  std::size_t m_row{0};
};

/// The values of a component-typed vector member of one object.
template <typename C>
class ComponentRange {
public:
  using iterator = ComponentIterator<C>;
  using const_iterator = iterator;

  ComponentRange() = default;
  /// Values [begin, end) of the leaf columns starting at `cols`.
  ComponentRange(const Column* cols, std::size_t begin, std::size_t end) : m_cols(cols), m_begin(begin), m_end(end) {}
  /// First value.
  iterator begin() const { return {m_cols, m_begin}; }
  /// Past the last value.
  iterator end() const { return {m_cols, m_end}; }
  /// begin(), for code written against podio's ranges.
  const_iterator cbegin() const { return begin(); }
  /// end(), for code written against podio's ranges.
  const_iterator cend() const { return end(); }
  /// The values last to first.
  std::reverse_iterator<iterator> rbegin() const { return std::reverse_iterator<iterator>(end()); }
  /// Past the first value, backwards.
  std::reverse_iterator<iterator> rend() const { return std::reverse_iterator<iterator>(begin()); }
  /// Number of values.
  std::size_t size() const { return m_end - m_begin; }
  /// Whether there are none.
  bool empty() const { return m_begin == m_end; }
  /// Whether there are any.
  explicit operator bool() const { return !empty(); }
  /// The first value (unchecked).
  C front() const { return (*this)[0]; }
  /// The last value (unchecked).
  C back() const { return (*this)[size() - 1]; }
  /// Value `i` (unchecked).
  C operator[](std::size_t i) const { return *(begin() + static_cast<std::ptrdiff_t>(i)); }
  /// Value `i`; throws std::out_of_range.
  C at(std::size_t i) const {
    if (i >= size()) {
      throw std::out_of_range("ComponentRange::at: index out of range");
    }
    return (*this)[i];
  }

private:
  const Column* m_cols{nullptr};
  std::size_t m_begin{0};
  std::size_t m_end{0};
};

} // namespace podml
