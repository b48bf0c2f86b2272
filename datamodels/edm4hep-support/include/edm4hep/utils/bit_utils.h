#pragma once
/// \file bit_utils.h
/// podml's own implementation of the bit helpers EDM4hep's ExtraCode calls
/// (MCParticle simulator status, SimTrackerHit quality, Vertex type).

#include <concepts>
#include <stdexcept>
#include <type_traits>

namespace edm4hep::utils {

namespace detail {
  /// Shared range check: shifting by >= the width is UB, and inside a constant
  /// expression the throw turns a bad bit number into a compile error.
  template <typename T>
  constexpr void checkBitNumber(unsigned int bit) {
    if (bit >= sizeof(T) * 8) {
      throw std::out_of_range("edm4hep::utils: bit number exceeds the width of the bitfield type");
    }
  }
} // namespace detail

/// Returns `bitfield` with `bit` set to `value`; it returns instead of mutating
/// because the ExtraCode feeds the result straight into a setter.
/// Throws std::out_of_range if `bit` does not fit into T (like upstream).
template <typename T>
  requires std::integral<T> && (!std::same_as<T, bool>)
constexpr T setBit(T bitfield, unsigned int bit, bool value) {
  detail::checkBitNumber<T>(bit);
  // Work on the unsigned twin so that touching the sign bit is well defined.
  using U = std::make_unsigned_t<T>;
  const auto mask = static_cast<U>(U{1} << bit);
  const auto bits = static_cast<U>(bitfield);
  return static_cast<T>(value ? (bits | mask) : (bits & static_cast<U>(~mask)));
}

/// True if `bit` is set in `bitfield`, which may be signed (EDM4hep stores its
/// flag words as int32_t). Throws std::out_of_range if `bit` does not fit into T.
template <typename T>
  requires std::integral<T> && (!std::same_as<T, bool>)
constexpr bool checkBit(T bitfield, unsigned int bit) {
  detail::checkBitNumber<T>(bit);
  using U = std::make_unsigned_t<T>;
  return ((static_cast<U>(bitfield) >> bit) & U{1}) != 0;
}

} // namespace edm4hep::utils
