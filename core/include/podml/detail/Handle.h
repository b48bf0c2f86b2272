#pragma once
/// \file detail/Handle.h
/// The machinery shared by all generated handle types: where an object lives
/// (a collection's storage and an index) and the one-object record a free
/// `MutableX` owns until it is pushed into a collection.

#include "podml/Column.h"
#include "podml/ObjectID.h"

#include <atomic>
#include <functional>
#include <string_view>
#include <cstdint>
#include <utility>
#include <vector>

namespace podml::detail {

struct CollectionDataBase;

/// Location of an object: storage plus row.
struct Location {
  CollectionDataBase* data;
  int32_t index;
};

/// Refcounted record behind a free `MutableX`. Once the object is pushed into
/// a collection it forwards every handle to the collection's row, so all
/// existing handles see the collection element (podio's semantics).
class ObjBase {
public:
  virtual ~ObjBase() = default;

  /// Where the object currently lives.
  Location location() const noexcept {
    if (m_moved.data != nullptr) {
      return m_moved;
    }
    return {m_own, 0};
  }
  /// Whether the object has been pushed into a collection.
  bool inCollection() const noexcept { return m_moved.data != nullptr; }
  /// Redirects all handles to `loc` (called by push_back).
  void moveTo(Location loc) noexcept { m_moved = loc; }

  /// Shared ownership bookkeeping.
  void acquire() noexcept { m_refs.fetch_add(1, std::memory_order_relaxed); }
  /// Drops one owner; deletes the record with the last one.
  void release() noexcept {
    if (m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      delete this;
    }
  }

protected:
  // `own` may not be constructed yet (it is a member of the derived record): only store it.
  explicit ObjBase(CollectionDataBase* own) noexcept : m_own(own) {}

private:
  std::atomic<int> m_refs{0};
  CollectionDataBase* m_own;
  Location m_moved{nullptr, 0};
};

/// Intrusive shared pointer to an ObjBase; null for objects owned by a collection.
class ObjPtr {
public:
  ObjPtr() noexcept = default;
  /// Takes shared ownership of `p` (may be null).
  explicit ObjPtr(ObjBase* p) noexcept : m_p(p) {
    if (m_p) {
      m_p->acquire();
    }
  }
  ObjPtr(const ObjPtr& o) noexcept : ObjPtr(o.m_p) {}
  ObjPtr(ObjPtr&& o) noexcept : m_p(std::exchange(o.m_p, nullptr)) {}
  ObjPtr& operator=(const ObjPtr& o) noexcept {
    ObjPtr tmp(o);
    std::swap(m_p, tmp.m_p);
    return *this;
  }
  ObjPtr& operator=(ObjPtr&& o) noexcept {
    std::swap(m_p, o.m_p);
    return *this;
  }
  ~ObjPtr() {
    if (m_p) {
      m_p->release();
    }
  }
  /// The record, or null.
  ObjBase* get() const noexcept { return m_p; }
  /// Whether a record is held.
  explicit operator bool() const noexcept { return m_p != nullptr; }

private:
  ObjBase* m_p{nullptr};
};

/// Common head of every generated `XCollectionData`: what a handle needs
/// to know about the storage it points into, whatever the datatype.
struct CollectionDataBase {
  /// ID of the owning collection (untracked until the collection is put into a Frame).
  uint32_t collectionID{static_cast<uint32_t>(ObjectID::untracked)};
  /// Whether this storage belongs to a free object rather than a collection.
  bool isFreeRecord{false};
  /// Full name of the datatype stored (lets interfaces find the concrete type).
  std::string_view typeName{};
  /// For rows that came from a free object: its record. It is the object's
  /// identity before and after the push, so hashes and orderings of handles
  /// do not change when an object is pushed (podio keys on its Obj* too).
  std::vector<ObjPtr> records;

  /// The record of row `index`, or null.
  ObjBase* recordOf(int32_t index) const noexcept {
    return static_cast<std::size_t>(index) < records.size() ? records[static_cast<std::size_t>(index)].get() : nullptr;
  }
  /// Remembers that row `index` came from free object `obj`.
  void setRecord(int32_t index, ObjBase* obj) {
    if (records.size() <= static_cast<std::size_t>(index)) {
      records.resize(static_cast<std::size_t>(index) + 1);
    }
    records[static_cast<std::size_t>(index)] = ObjPtr(obj);
  }
};

/// Throws the UsageError for reading or changing an object through an empty handle.
[[noreturn]] void throwEmptyHandle();

/// Type-erased handle: what every generated handle holds and what relations store.
struct RawHandle {
  CollectionDataBase* data{nullptr};
  int32_t index{ObjectID::invalid};
  ObjPtr obj{};

  /// Current location; resolves a free object that has since been pushed. Throws
  /// UsageError for an empty handle, so reading through an unset or unresolved
  /// relation is an error, never a null dereference.
  Location location() const {
    if (obj) [[unlikely]] {
      return obj.get()->location();
    }
    if (data == nullptr) [[unlikely]] {
      throwEmptyHandle();
    }
    return {data, index};
  }
  /// Whether the handle refers to an object.
  bool isAvailable() const noexcept { return data != nullptr || obj; }
  /// podio's ObjectID: untracked for free objects, else index and collection ID.
  ObjectID objectID() const noexcept {
    if (!isAvailable()) {
      return {ObjectID::invalid, static_cast<uint32_t>(ObjectID::invalid)};
    }
    const Location loc = location();
    if (loc.data->isFreeRecord) {
      return {ObjectID::untracked, static_cast<uint32_t>(ObjectID::untracked)};
    }
    return {loc.index, loc.data->collectionID};
  }
  /// What identifies the object: its free record if it ever had one, else storage and row.
  /// Stable across push_back, so handles can key hashed and ordered containers.
  std::pair<const void*, int32_t> identityKey() const noexcept {
    if (obj) {
      return {obj.get(), 0};
    }
    if (data == nullptr) {
      return {nullptr, 0};
    }
    if (const ObjBase* rec = data->recordOf(index)) {
      return {rec, 0};
    }
    return {data, index};
  }
  /// Identity: the same object.
  friend bool operator==(const RawHandle& a, const RawHandle& b) noexcept { return a.identityKey() == b.identityKey(); }
  /// A strict order consistent with ==, used for `<` on handles.
  friend bool operator<(const RawHandle& a, const RawHandle& b) noexcept {
    const auto ka = a.identityKey();
    const auto kb = b.identityKey();
    if (ka.first != kb.first) {
      return std::less<const void*>{}(ka.first, kb.first);
    }
    return ka.second < kb.second;
  }
  /// Hash consistent with ==.
  std::size_t hash() const noexcept {
    const auto k = identityKey();
    return std::hash<const void*>{}(k.first) ^ (std::size_t(uint32_t(k.second)) * 0x9e3779b97f4a7c15ull);
  }
};

/// Access to the RawHandle inside generated handle types (they befriend it).
struct HandleAccess {
  template <typename H>
  static const RawHandle& raw(const H& h) noexcept {
    return h.m_h;
  }
  template <typename H>
  static H make(RawHandle r) noexcept {
    return H(std::move(r));
  }
};

} // namespace podml::detail
