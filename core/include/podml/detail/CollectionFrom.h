#pragma once
/// \file detail/CollectionFrom.h
/// podio's `XCollection::from(range)`, written once for every generated collection.

#include <concepts>
#include <ranges>
#include <type_traits>
#include <utility>

namespace podml::detail {

/// A range whose elements convert to handle type T (podio's RangeConvertibleTo).
template <typename R, typename T>
concept RangeConvertibleTo = std::ranges::input_range<R> && std::convertible_to<std::ranges::range_reference_t<R>, T>;

/// A collection made from `range`: elements of the immutable type make a subset collection
/// (they must be in a collection already), mutable ones are moved in as push_back does.
/// Throws what push_back throws (std::invalid_argument) on an element it cannot take.
template <typename Coll, typename R>
Coll collectionFrom(R&& range) {
  Coll coll;
  using Element = std::remove_cvref_t<std::ranges::range_reference_t<R>>;
  if constexpr (std::is_same_v<Element, typename Coll::value_type>) {
    coll.setSubsetCollection();
  }
  for (auto&& element : range) {
    coll.push_back(std::forward<decltype(element)>(element));
  }
  return coll;
}

} // namespace podml::detail
