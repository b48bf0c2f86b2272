// podml's own member block for edm4hep::CovMatrix2f/3f/4f/6f.
//
// podml pastes this file INSIDE the component's struct body (ExtraCode
// `declarationFile`), so it may contain only member declarations: no includes,
// no namespaces. It relies on
//   - the struct's only data member being `std::array<float, N> values;`
//   - edm4hep/utils/cov_matrix_utils.h having been included already (the
//     components' ExtraCode `includes` does that).
// Names are fully qualified because the struct need not live in ::edm4hep.

/// Flat access to the lower-triangular storage, for code that iterates or
/// serialises the raw values.
constexpr float operator[](unsigned i) const { return values[i]; }

/// Mutable flat access to the lower-triangular storage.
constexpr float& operator[](unsigned i) { return values[i]; }

/// Iterators over the raw storage, so the matrix works in range-for and algorithms.
constexpr auto begin() const { return values.begin(); }
/// \copydoc begin() const
constexpr auto begin() { return values.begin(); }
/// End of the raw storage.
constexpr auto end() const { return values.end(); }
/// \copydoc end() const
constexpr auto end() { return values.end(); }

/// Pointer to the raw storage, for C-style and linear-algebra interfaces.
constexpr const float* data() const { return values.data(); }
/// \copydoc data() const
constexpr float* data() { return values.data(); }

/// Element (dimI, dimJ). The enum type (Cartesian, FourMomCoords, TrackParams)
/// is deduced, so the call site documents which coordinates it means.
template <typename DimEnum>
constexpr float getValue(DimEnum dimI, DimEnum dimJ) const {
  return ::edm4hep::utils::get_cov_value(values, dimI, dimJ);
}

/// Sets element (dimI, dimJ), which is also (dimJ, dimI) by symmetry.
template <typename DimEnum>
constexpr void setValue(float value, DimEnum dimI, DimEnum dimJ) {
  ::edm4hep::utils::set_cov_value(value, values, dimI, dimJ);
}
