#pragma once
/// \file cov_matrix_utils.h
/// podml's own implementation of the covariance-matrix helpers behind
/// edm4hep::CovMatrixNf::getValue / setValue. A symmetric D x D matrix is kept
/// as its lower triangle, row by row, in a flat std::array of D*(D+1)/2 values:
/// (0,0) (1,0) (1,1) (2,0) (2,1) (2,2) ...

#include <array>
#include <cstddef>
#include <stdexcept>
#include <type_traits>

namespace edm4hep::utils {

namespace detail {
  /// Enum -> array index. The dimension enums are scoped (no implicit
  /// conversion); this is std::to_underlying, which C++20 lacks.
  template <typename E>
    requires std::is_enum_v<E>
  constexpr auto to_index(E e) {
    return static_cast<std::underlying_type_t<E>>(e);
  }

  /// D for N = D*(D+1)/2, or 0 if N is no such size. Counting instead of a
  /// square root keeps it constexpr for any size.
  constexpr std::size_t tri_dim(std::size_t N) {
    std::size_t dim = 0;
    while (dim * (dim + 1) / 2 < N) {
      ++dim;
    }
    return (N != 0 && dim * (dim + 1) / 2 == N) ? dim : 0;
  }
} // namespace detail

/// Dimension D of a lower-triangular storage of size N = D*(D+1)/2. Throws
/// std::invalid_argument if N is not a triangular number (as upstream; in a
/// constant expression that is a compile error).
constexpr std::size_t get_cov_dim(std::size_t N) {
  const std::size_t dim = detail::tri_dim(N);
  if (dim == 0) {
    throw std::invalid_argument("Not a valid size for a covariance matrix stored in lower triangular form");
  }
  return dim;
}

/// Flat index of element (i, j). Symmetry means (i, j) and (j, i) are the same
/// element, so the pair is ordered to land in the lower triangle.
constexpr int to_lower_tri(int i, int j) {
  if (i < j) {
    const int tmp = i;
    i = j;
    j = tmp;
  }
  return i * (i + 1) / 2 + j;
}

namespace detail {
  /// Flat index of (dimI, dimJ) in storage of size N, bounds-checked because a
  /// dimension enum too large for the matrix would otherwise read past the
  /// array (e.g. TrackParams on a CovMatrix3f).
  template <std::size_t N, typename DimEnum>
  constexpr std::size_t cov_index(DimEnum dimI, DimEnum dimJ) {
    static_assert(std::is_enum_v<DimEnum>, "covariance matrix dimensions must be named by an enum");
    static_assert(tri_dim(N) != 0, "storage size must be D*(D+1)/2 for a D x D covariance matrix");
    constexpr std::size_t dim = tri_dim(N);
    const auto i = static_cast<std::size_t>(to_index(dimI));
    const auto j = static_cast<std::size_t>(to_index(dimJ));
    if (i >= dim || j >= dim) {
      throw std::out_of_range("covariance matrix dimension out of range");
    }
    return static_cast<std::size_t>(to_lower_tri(static_cast<int>(i), static_cast<int>(j)));
  }
} // namespace detail

/// Value of the covariance matrix stored in `cov` for (dimI, dimJ); order of
/// the two dimensions does not matter. Throws std::out_of_range for a
/// dimension beyond the matrix.
template <typename DimEnum, typename Scalar, std::size_t N>
constexpr Scalar get_cov_value(const std::array<Scalar, N>& cov, DimEnum dimI, DimEnum dimJ) {
  return cov[detail::cov_index<N>(dimI, dimJ)];
}

/// Sets the (dimI, dimJ) element, and through symmetry (dimJ, dimI), to
/// `value`. Value comes first, matching upstream's argument order.
/// Throws std::out_of_range for a dimension beyond the matrix.
template <typename DimEnum, typename Scalar, std::size_t N>
constexpr void set_cov_value(Scalar value, std::array<Scalar, N>& cov, DimEnum dimI, DimEnum dimJ) {
  cov[detail::cov_index<N>(dimI, dimJ)] = value;
}

} // namespace edm4hep::utils
