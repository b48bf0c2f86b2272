#pragma once
/// \file Column.h
/// A contiguous, growable, 64-byte aligned array of one element type: the
/// storage of every scalar leaf of a struct-of-arrays collection.

#include "podml/DType.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace podml {

/// One column: `size()` rows of `width()` elements of `dtype()`, row-major,
/// contiguous. A scalar member has width 1, `std::array<T,N>` has width N.
/// Typed access through `data<T>()` is unchecked (hot path); `span<T>()` checks.
class Column {
public:
  /// Empty float32 column of width 1.
  Column() = default;
  /// Empty column of `dtype`, `width` elements per row.
  explicit Column(DType dtype, uint32_t width = 1) : m_dtype(dtype), m_width(width) {}
  /// Deep copy.
  Column(const Column& other);
  /// Deep copy assignment.
  Column& operator=(const Column& other);
  /// Steals the buffer.
  Column(Column&& other) noexcept;
  /// Steals the buffer.
  Column& operator=(Column&& other) noexcept;
  ~Column();

  /// Element type.
  DType dtype() const noexcept { return m_dtype; }
  /// Elements per row.
  uint32_t width() const noexcept { return m_width; }
  /// Number of rows.
  std::size_t size() const noexcept { return m_size; }
  /// Whether there are no rows.
  bool empty() const noexcept { return m_size == 0; }
  /// Number of rows that fit without reallocating.
  std::size_t capacity() const noexcept { return m_capacity; }
  /// Bytes per row.
  std::size_t rowBytes() const noexcept { return dtypeSize(m_dtype) * m_width; }
  /// Bytes in use.
  std::size_t sizeBytes() const noexcept { return m_size * rowBytes(); }

  /// Raw pointer to the first element (may be null when empty).
  void* rawData() noexcept { return m_data; }
  /// Raw pointer to the first element (may be null when empty).
  const void* rawData() const noexcept { return m_data; }
  /// Typed pointer; T must match dtype() (unchecked).
  template <typename T>
  T* data() noexcept {
    return reinterpret_cast<T*>(m_data);
  }
  /// Typed pointer; T must match dtype() (unchecked).
  template <typename T>
  const T* data() const noexcept {
    return reinterpret_cast<const T*>(m_data);
  }
  /// All elements as a span; throws UsageError if T does not match dtype().
  template <typename T>
  std::span<T> span() {
    checkType(dtypeOf<T>());
    return {data<T>(), m_size * m_width};
  }
  /// All elements as a span; throws UsageError if T does not match dtype().
  template <typename T>
  std::span<const T> span() const {
    checkType(dtypeOf<T>());
    return {data<T>(), m_size * m_width};
  }

  /// Appends one element to a width-1 column (unchecked type).
  template <typename T>
  void push_back(const T& value) {
    if (m_size == m_capacity) [[unlikely]] {
      grow(m_size + 1);
    }
    data<T>()[m_size++] = value;
  }
  /// Appends one element to a width-1 column whose capacity is known to suffice
  /// (the caller reserved it); the hot path of generated create().
  template <typename T>
  void pushUnchecked(const T& value) noexcept {
    data<T>()[m_size++] = value;
  }
  /// Marks `n` more rows, already written within the capacity, as in use.
  void commitRows(std::size_t n) noexcept { m_size += n; }
  /// Appends a zero-filled row and returns its index.
  std::size_t appendZeroRow() {
    if (m_size == m_capacity) [[unlikely]] {
      grow(m_size + 1);
    }
    std::memset(static_cast<std::byte*>(m_data) + m_size * rowBytes(), 0, rowBytes());
    return m_size++;
  }
  /// Appends `n` rows copied from `src` starting at `first` (same dtype and width).
  void appendRows(const Column& src, std::size_t first, std::size_t n);
  /// Copies row `src` to row `dst` within this column.
  void copyRow(std::size_t dst, std::size_t src) noexcept {
    std::memmove(static_cast<std::byte*>(m_data) + dst * rowBytes(),
                 static_cast<const std::byte*>(m_data) + src * rowBytes(), rowBytes());
  }
  /// Ensures room for `rows` rows.
  void reserve(std::size_t rows) {
    if (rows > m_capacity) {
      reallocate(rows);
    }
  }
  /// Sets the row count; new rows are zero-filled.
  void resize(std::size_t rows);
  /// Removes all rows (keeps the buffer).
  void clear() noexcept { m_size = 0; }
  /// Frees unused capacity.
  void shrinkToFit();

  /// Equal when dtype, width and all bytes in use match.
  friend bool operator==(const Column& a, const Column& b) noexcept;

private:
  void grow(std::size_t minRows);
  void reallocate(std::size_t rows);
  void checkType(DType requested) const;

  void* m_data{nullptr};
  void* m_base{nullptr}; // start of the allocation; m_data may be staggered into it
  std::size_t m_size{0};
  std::size_t m_capacity{0};
  DType m_dtype{DType::Float32};
  uint32_t m_width{1};
};

} // namespace podml
