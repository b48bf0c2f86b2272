#pragma once
/// \file ObjectID.h
/// podio's object identity: position in a collection plus the collection's ID.

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>

namespace podml {

/// Identifies an object by its index in a collection and that collection's ID.
/// Same values and meaning as podio::ObjectID.
struct ObjectID {
  /// Index of an object that is not (yet) part of a collection.
  static constexpr int32_t untracked = -1;
  /// Index of an ObjectID that refers to nothing.
  static constexpr int32_t invalid = -2;

  int32_t index{untracked};
  uint32_t collectionID{static_cast<uint32_t>(untracked)};

  /// Identity comparison: equal when both index and collection ID match.
  friend constexpr bool operator==(const ObjectID&, const ObjectID&) = default;
  /// Orders by collection first, then index (as podio does).
  friend constexpr auto operator<=>(const ObjectID& a, const ObjectID& b) {
    if (auto c = a.collectionID <=> b.collectionID; c != 0) {
      return c;
    }
    return a.index <=> b.index;
  }
};
static_assert(sizeof(ObjectID) == 8);

/// Prints `collectionID|index`, like podio.
inline std::ostream& operator<<(std::ostream& os, const ObjectID& id) {
  return os << id.collectionID << "|" << id.index;
}

} // namespace podml

template <>
struct std::hash<podml::ObjectID> {
  std::size_t operator()(const podml::ObjectID& id) const noexcept {
    return std::hash<uint64_t>{}((uint64_t(id.collectionID) << 32) | uint32_t(id.index));
  }
};
