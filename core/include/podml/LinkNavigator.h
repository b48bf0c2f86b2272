#pragma once
/// \file LinkNavigator.h
/// podio's link helpers: LinkCollection<From, To> and LinkNavigator.

#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace podml {

/// Maps (From, To) to the generated link collection; specialised by generated code.
template <typename From, typename To>
struct LinkTraits;

/// The link collection type between From and To (podio::LinkCollection<From, To>).
template <typename From, typename To>
using LinkCollection = typename LinkTraits<From, To>::collection_type;

/// An object reached through a link, with the link's weight.
template <typename T>
struct WeightedObject {
  T o;
  float weight;
  /// Equal when object and weight are equal.
  bool operator==(const WeightedObject& other) const { return o == other.o && weight == other.weight; }
};

/// Tag selecting the From side in LinkNavigator::getLinked (podio's ReturnFrom).
struct ReturnFromTag {};
/// Tag selecting the To side in LinkNavigator::getLinked (podio's ReturnTo).
struct ReturnToTag {};
/// podio::ReturnFrom.
inline constexpr ReturnFromTag ReturnFrom{};
/// podio::ReturnTo.
inline constexpr ReturnToTag ReturnTo{};

/// Looks up linked objects in both directions; indexes the collection once at construction.
template <typename LinkCollT>
class LinkNavigator {
  using LinkT = typename LinkCollT::value_type;

public:
  using FromT = typename LinkT::from_type;
  using ToT = typename LinkT::to_type;

  /// Indexes every link of `links`.
  explicit LinkNavigator(const LinkCollT& links) {
    for (const auto link : links) {
      const auto from = link.getFrom();
      const auto to = link.getTo();
      const float w = link.getWeight();
      m_fromTo[from].push_back(WeightedObject<ToT>{to, w});
      m_toFrom[to].push_back(WeightedObject<FromT>{from, w});
    }
  }

  /// Objects linked from `from`, with weights, in collection order.
  std::vector<WeightedObject<ToT>> getLinkedTo(const FromT& from) const { return collect(m_fromTo, from); }
  /// Objects linking to `to`, with weights, in collection order.
  std::vector<WeightedObject<FromT>> getLinkedFrom(const ToT& to) const { return collect(m_toFrom, to); }

  /// Objects linked to `obj` from the other side (only when From and To differ).
  std::vector<WeightedObject<ToT>> getLinked(const FromT& from) const
    requires(!std::is_same_v<FromT, ToT>)
  {
    return getLinkedTo(from);
  }
  /// Objects linked to `obj` from the other side (only when From and To differ).
  std::vector<WeightedObject<FromT>> getLinked(const ToT& to) const
    requires(!std::is_same_v<FromT, ToT>)
  {
    return getLinkedFrom(to);
  }
  /// podio's explicit form: the From objects linked to `to`.
  std::vector<WeightedObject<FromT>> getLinked(const ToT& to, ReturnFromTag) const { return getLinkedFrom(to); }
  /// podio's explicit form: the To objects linked from `from`.
  std::vector<WeightedObject<ToT>> getLinked(const FromT& from, ReturnToTag) const { return getLinkedTo(from); }

private:
  template <typename Map, typename Key>
  static typename Map::mapped_type collect(const Map& map, const Key& key) {
    auto it = map.find(key);
    return it == map.end() ? typename Map::mapped_type{} : it->second;
  }

  // One vector per key keeps the links in collection order.
  std::unordered_map<FromT, std::vector<WeightedObject<ToT>>> m_fromTo;
  std::unordered_map<ToT, std::vector<WeightedObject<FromT>>> m_toFrom;
};

} // namespace podml
