#include "podml/Column.h"

#include "podml/Exceptions.h"

#include <algorithm>
#include <atomic>
#include <new>

namespace podml {

namespace {
// Cache-line alignment lets ONNX Runtime and SIMD loops use the buffers as they are.
constexpr std::align_val_t kAlign{64};
// Large buffers come from mmap and would all start at the same offset in a page, so
// row i of every column of a collection would map to the same cache set and evict each
// other when a collection is filled or gathered row by row. Starting each large buffer
// at a different cache line spreads them over the sets.
constexpr std::size_t kStaggerThreshold = 64 * 1024;
constexpr std::size_t kStaggerLines = 16;
std::atomic<std::size_t> g_staggerCounter{0};

struct Allocation {
  void* base;
  void* data;
};

Allocation allocate(std::size_t bytes) {
  if (bytes == 0) {
    return {nullptr, nullptr};
  }
  if (bytes < kStaggerThreshold) {
    void* p = ::operator new(bytes, kAlign);
    return {p, p};
  }
  const std::size_t colour = g_staggerCounter.fetch_add(1, std::memory_order_relaxed) % kStaggerLines;
  void* base = ::operator new(bytes + kStaggerLines * 64, kAlign);
  return {base, static_cast<std::byte*>(base) + colour * 64};
}
void release(void* base) noexcept {
  if (base != nullptr) {
    ::operator delete(base, kAlign);
  }
}
} // namespace

Column::Column(const Column& other) : m_dtype(other.m_dtype), m_width(other.m_width) {
  reallocate(other.m_size);
  if (other.m_size != 0) {
    std::memcpy(m_data, other.m_data, other.sizeBytes());
  }
  m_size = other.m_size;
}

Column& Column::operator=(const Column& other) {
  if (this != &other) {
    Column tmp(other);
    *this = std::move(tmp);
  }
  return *this;
}

Column::Column(Column&& other) noexcept
    : m_data(other.m_data), m_base(other.m_base), m_size(other.m_size), m_capacity(other.m_capacity),
      m_dtype(other.m_dtype), m_width(other.m_width) {
  other.m_data = nullptr;
  other.m_base = nullptr;
  other.m_size = other.m_capacity = 0;
}

Column& Column::operator=(Column&& other) noexcept {
  if (this != &other) {
    release(m_base);
    m_data = other.m_data;
    m_base = other.m_base;
    m_size = other.m_size;
    m_capacity = other.m_capacity;
    m_dtype = other.m_dtype;
    m_width = other.m_width;
    other.m_data = nullptr;
    other.m_base = nullptr;
    other.m_size = other.m_capacity = 0;
  }
  return *this;
}

Column::~Column() { release(m_base); }

void Column::appendRows(const Column& src, std::size_t first, std::size_t n) {
  if (n == 0) {
    return;
  }
  if (src.m_dtype != m_dtype || src.m_width != m_width) {
    throw UsageError("cannot append rows: column types differ (" + std::string(dtypeName(src.m_dtype)) + " vs " +
                     std::string(dtypeName(m_dtype)) + ")");
  }
  if (m_size + n > m_capacity) {
    grow(m_size + n);
  }
  // src may alias this column, so copy after growing from the (possibly moved) source.
  const void* from = static_cast<const std::byte*>(src.m_data) + first * rowBytes();
  std::memmove(static_cast<std::byte*>(m_data) + m_size * rowBytes(), from, n * rowBytes());
  m_size += n;
}

void Column::resize(std::size_t rows) {
  if (rows > m_capacity) {
    reallocate(rows);
  }
  if (rows > m_size) {
    std::memset(static_cast<std::byte*>(m_data) + m_size * rowBytes(), 0, (rows - m_size) * rowBytes());
  }
  m_size = rows;
}

void Column::shrinkToFit() {
  if (m_capacity != m_size) {
    reallocate(m_size);
  }
}

void Column::grow(std::size_t minRows) { reallocate(std::max<std::size_t>({minRows, 2 * m_capacity, 16})); }

void Column::reallocate(std::size_t rows) {
  const Allocation fresh = allocate(rows * rowBytes());
  if (m_size != 0 && rows != 0) {
    std::memcpy(fresh.data, m_data, std::min(rows, m_size) * rowBytes());
  }
  release(m_base);
  m_data = fresh.data;
  m_base = fresh.base;
  m_capacity = rows;
  m_size = std::min(m_size, rows);
}

void Column::checkType(DType requested) const {
  if (requested != m_dtype) {
    throw UsageError("cannot view column as " + std::string(dtypeName(requested)) + ": it holds " +
                     std::string(dtypeName(m_dtype)));
  }
}

bool operator==(const Column& a, const Column& b) noexcept {
  return a.m_dtype == b.m_dtype && a.m_width == b.m_width && a.m_size == b.m_size &&
         (a.m_size == 0 || std::memcmp(a.m_data, b.m_data, a.sizeBytes()) == 0);
}

} // namespace podml
