#pragma once
/// \file detail/Cells.h
/// Where a handle's member values are, written once for every generated handle: the
/// generated accessors say which column (`Cells::cell<float>(m_h, Columns::energy)`).

#include "podml/detail/Handle.h"
#include "podml/detail/MemberIO.h"

#include <cstddef>
#include <cstdint>
#include <utility>

namespace podml::detail {

/// Member access of handles into storage of type Data (a generated XCollectionData).
template <typename Data>
struct Cells {
  /// The storage the object lives in (its collection's or its own record) and its row.
  static std::pair<Data*, std::size_t> at(const RawHandle& h) {
    const auto l = h.location();
    return {static_cast<Data*>(l.data), static_cast<std::size_t>(l.index)};
  }
  /// The value of builtin member `column`.
  template <typename T>
  static T& cell(const RawHandle& h, std::size_t column) {
    const auto [d, i] = at(h);
    return d->columns[column].template data<T>()[i];
  }
  /// The value of a member whose leaves start at `column` (components, arrays).
  template <typename T>
  static T load(const RawHandle& h, std::size_t column) {
    const auto [d, i] = at(h);
    T v{};
    loadMember(&d->columns[column], i, v);
    return v;
  }
  /// Stores a member whose leaves start at `column`.
  template <typename T>
  static void store(const RawHandle& h, std::size_t column, const T& value) {
    const auto [d, i] = at(h);
    storeMember(&d->columns[column], i, value);
  }
  /// Stores a member whose leaves start at `Column` into row `row` of `data`: what a
  /// WriteBack copy calls when it writes itself back.
  template <typename T, std::size_t Column>
  static void storeAt(CollectionDataBase* data, std::size_t row, const T& value) {
    storeMember(&static_cast<Data*>(data)->columns[Column], row, value);
  }
  /// Loads the component member `Outer` (leaves from `Column`), sets its part `part` to
  /// `value` and stores it back: the write-back of `m.position().x`-style partial views.
  template <typename Outer, std::size_t Column, auto Part, typename T>
  static void storePartAt(CollectionDataBase* data, std::size_t row, const T& value) {
    auto* cols = &static_cast<Data*>(data)->columns[Column];
    Outer whole{};
    loadMember(cols, row, whole);
    whole.*Part = value;
    storeMember(cols, row, whole);
  }
  /// The [begin, end) value range of a vector member or one-to-many relation.
  static std::pair<uint32_t, uint32_t> range(const RawHandle& h, std::size_t beginColumn, std::size_t endColumn) {
    const auto [d, i] = at(h);
    return {d->columns[beginColumn].template data<uint32_t>()[i], d->columns[endColumn].template data<uint32_t>()[i]};
  }
};

} // namespace podml::detail
