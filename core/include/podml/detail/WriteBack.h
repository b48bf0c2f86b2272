#pragma once
/// \file detail/WriteBack.h
/// Stand-in for podio's mutable reference to a component member: a copy of
/// the component that is written back to its columns when the full
/// expression (or the variable holding it) ends. `m.getCovMatrix().setValue(...)`
/// thus behaves as in podio.

#include "podml/Column.h"

#include <cstddef>
#include <cstring>
#include <type_traits>

namespace podml::detail {

/// A component value that stores itself back into its columns on destruction,
/// if it was changed: a reference kept only for reading never overwrites a
/// setter called in between.
template <typename T>
class WriteBack : public T {
  static_assert(std::is_trivially_copyable_v<T>, "components are plain structs");

public:
  using Store = void (*)(Column*, std::size_t, const T&);
  /// Copy of `value`, to be stored at element `elem` of `cols` through `store`.
  WriteBack(const T& value, Column* cols, std::size_t elem, Store store)
      : T(value), m_cols(cols), m_elem(elem), m_store(store) {
    std::memcpy(m_orig, static_cast<const T*>(this), sizeof(T));
  }
  WriteBack(const WriteBack&) = delete;
  WriteBack& operator=(const WriteBack&) = delete;
  ~WriteBack() {
    if (std::memcmp(m_orig, static_cast<const T*>(this), sizeof(T)) != 0) {
      m_store(m_cols, m_elem, *this);
    }
  }
  /// Replaces the whole value.
  WriteBack& operator=(const T& value) {
    T::operator=(value);
    return *this;
  }

private:
  Column* m_cols;
  std::size_t m_elem;
  Store m_store;
  alignas(T) unsigned char m_orig[sizeof(T)];
};

} // namespace podml::detail
