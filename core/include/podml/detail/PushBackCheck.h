#pragma once
/// \file detail/PushBackCheck.h
/// podio's rules for `push_back`, written once for every generated collection.

#include "podml/detail/Handle.h"

#include <string_view>

namespace podml::detail {

/// Throws std::invalid_argument (podio's type) naming `collectionType` when `h` may not be
/// pushed: an empty handle; into a subset collection, an object in no collection; into a
/// collection that owns its objects, an immutable handle or an object already in a collection.
void checkPushBack(const RawHandle& h, bool isMutable, bool intoSubset, std::string_view collectionType);

} // namespace podml::detail
