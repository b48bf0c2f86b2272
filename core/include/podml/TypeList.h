#pragma once
/// \file TypeList.h
/// podio's `podio::utils::TypeList`: the type lists of a data model's package header
/// (`edm4hep/edm4hep.h` declares `edm4hep::edm4hepDataTypes`, ...).

namespace podml::utils {

/// A list of types, for compile-time iteration over a data model's types.
template <typename... Types>
struct TypeList {};

} // namespace podml::utils
