#pragma once
/// \file detail/ResolveTarget.h
/// Turning a stored ObjectID back into a handle after a read, written once for every
/// generated collection.

#include "podml/CollectionBase.h"
#include "podml/detail/Handle.h"

#include <initializer_list>
#include <string_view>

namespace podml::detail {

/// Sets `out` to the object `id` names, looked up with `lookup`. An unset ID (negative index)
/// gives an empty handle. Returns false when the target collection is not there (or has no
/// compiled storage): `out` stays empty. Throws IoError naming relation `what` of type `owner`
/// when the target's type is not one of `allowed`, is a subset collection, or has no such index:
/// a file must not make a handle of one type point into storage of another.
bool resolveTarget(const CollectionLookup& lookup, const ObjectID& id, std::initializer_list<std::string_view> allowed,
                   std::string_view owner, std::string_view what, RawHandle& out);

} // namespace podml::detail
