#pragma once
// Frame parameters <-> one JSON document per entry (how files store them).

#include "podml/GenericParameters.h"

#include <string>
#include <string_view>

namespace podml::io::detail {

/// `{"int": {key: [..]}, "float": {...}, "double": {...}, "string": {...}}`; non-finite
/// floating point values are written as the strings "NaN", "Infinity", "-Infinity".
std::string parametersToJson(const GenericParameters& params);
/// Inverse of parametersToJson; throws IoError naming `where` on malformed input.
void parametersFromJson(std::string_view text, GenericParameters& params, const std::string& where);

} // namespace podml::io::detail
