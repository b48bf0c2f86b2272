#pragma once
/// \file detail/WriteBack.h
/// Stand-in for podio's mutable reference to a component (or array) member:
/// a copy of the value that is written back to the object's columns when the
/// full expression (or the variable bound to it) ends, if it was changed.
/// `m.getCovMatrix().setValue(...)` and `m.position().x = 3` thus behave as in
/// podio. A reference kept only for reading never overwrites a later setter.

#include "podml/detail/Handle.h"

#include <cstddef>
#include <cstring>
#include <type_traits>

namespace podml::detail {

/// Whether any byte of `v` is non-zero: a default that a zero-filled row already holds
/// need not be stored again (padding may make this answer "yes" needlessly; that is only slower).
template <typename T>
bool hasNonZeroBytes(const T& v) noexcept {
  static_assert(std::is_trivially_copyable_v<T>);
  unsigned char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));
  for (unsigned char b : bytes) {
    if (b != 0) {
      return true;
    }
  }
  return false;
}

/// The write-back machinery; `WriteBack<T>` adds assignable member views for components.
template <typename T>
class WriteBackBase : public T {
  static_assert(std::is_trivially_copyable_v<T>, "components are plain structs");

public:
  /// Stores a value into row `row` of the storage `data`.
  using Store = void (*)(CollectionDataBase* data, std::size_t row, const T& value);

  /// Copy of `value`, to be stored into the object behind `handle` through `store`.
  /// The handle is resolved when writing, so a push_back in between is followed.
  WriteBackBase(const T& value, RawHandle handle, Store store) : T(value), m_handle(std::move(handle)), m_store(store) {
    std::memcpy(m_orig, static_cast<const T*>(this), sizeof(T));
  }
  WriteBackBase(const WriteBackBase&) = delete;
  WriteBackBase& operator=(const WriteBackBase&) = delete;
  ~WriteBackBase() {
    if (std::memcmp(m_orig, static_cast<const T*>(this), sizeof(T)) != 0) {
      const Location l = m_handle.location();
      m_store(l.data, static_cast<std::size_t>(l.index), *this);
    }
  }
  /// Replaces the whole value.
  WriteBackBase& operator=(const T& value) {
    T::operator=(value);
    return *this;
  }

private:
  RawHandle m_handle;
  Store m_store;
  alignas(T) unsigned char m_orig[sizeof(T)];
};

/// A modifiable copy of a member value; generated code specialises it for each
/// component with reference members, so that `m.position().x = 3` assigns.
template <typename T>
class WriteBack : public WriteBackBase<T> {
public:
  using WriteBackBase<T>::WriteBackBase;
  using WriteBackBase<T>::operator=;
};

} // namespace podml::detail
