#pragma once
/// \file CollectionBase.h
/// Type-erased interface of every collection (generated or read generically).

#include "podml/Column.h"
#include "podml/Definition.h"
#include "podml/ObjectID.h"

#include <cstdint>
#include <functional>
#include <iostream>
#include <limits>
#include <memory>
#include <ostream>
#include <span>
#include <string_view>
#include <vector>

namespace podml {

namespace detail {
struct CollectionDataBase;
}

class CollectionBase;

/// Finds a collection by ID (the Frame being read); null if it is not there.
using CollectionLookup = std::function<const CollectionBase*(uint32_t collectionID)>;

/// What podml needs to know about any collection: identity, type, size and
/// its columns in the storage order of its datatype definition.
class CollectionBase {
public:
  virtual ~CollectionBase() = default;

  /// Collection type name, e.g. `edm4hep::MCParticleCollection`.
  virtual std::string_view getTypeName() const = 0;
  /// Element type name, e.g. `edm4hep::MCParticle`.
  virtual std::string_view getValueTypeName() const = 0;
  /// podio's name of the element's plain-data struct, e.g. `edm4hep::MCParticleData`
  /// (podml keeps no such struct: the name is for code that keys on podio's names).
  virtual std::string_view getDataTypeName() const = 0;
  /// Name of the data model the element type belongs to.
  virtual std::string_view getDataModelName() const = 0;
  /// Schema version of that data model.
  virtual uint32_t getSchemaVersion() const = 0;
  /// Runtime definition of the element type (columns, relations).
  virtual const DatatypeDef& definition() const = 0;
  /// The whole data model the element type belongs to.
  virtual const DataModelDefinition& dataModelDefinition() const = 0;

  /// Number of elements.
  virtual std::size_t size() const = 0;
  /// Whether there are no elements.
  bool empty() const { return size() == 0; }
  /// The most elements a collection can hold: ObjectID indices are 32-bit signed.
  std::size_t max_size() const { return static_cast<std::size_t>(std::numeric_limits<int32_t>::max()); }
  /// Removes all elements.
  virtual void clear() = 0;

  /// Whether the collection only references objects of other collections.
  virtual bool isSubsetCollection() const = 0;
  /// Turns an empty collection into a subset collection (or back); throws UsageError if not empty.
  virtual void setSubsetCollection(bool setSubset = true) = 0;

  /// Collection ID (untracked until put into a Frame).
  virtual uint32_t getID() const = 0;
  /// Sets the collection ID (done by Frame::put).
  virtual void setID(uint32_t id) = 0;
  /// Whether the collection has an ID (it has been put into a Frame or read).
  bool hasID() const {
    return getID() != static_cast<uint32_t>(ObjectID::untracked) && getID() != static_cast<uint32_t>(ObjectID::invalid);
  }
  /// podio's older name of hasID().
  [[deprecated("use hasID(), as podio does")]] bool isValid() const { return hasID(); }

  /// All columns, in the order of `definition().columns`. Empty for subset collections.
  virtual std::span<Column> columns() = 0;
  /// All columns, in the order of `definition().columns`. Empty for subset collections.
  virtual std::span<const Column> columns() const = 0;

  /// Column by dotted path; throws UsageError naming the path and type if absent.
  const Column& column(std::string_view path) const;
  /// Elements of a column by dotted path, without copying; throws UsageError on a
  /// missing path or a T that does not match the column's dtype.
  template <typename T>
  std::span<const T> column(std::string_view path) const {
    return column(path).span<T>();
  }

  /// ObjectIDs of the targets of relation `relationIndex` (index into
  /// `definition().relations`): one per object for one-to-one relations, the
  /// concatenation of every object's range for one-to-many relations.
  virtual std::vector<ObjectID> relationIDs(std::size_t relationIndex) const = 0;
  /// The same into `out` (cleared first), so that a caller running per event reuses
  /// one buffer instead of allocating each time.
  virtual void relationIDsInto(std::size_t relationIndex, std::vector<ObjectID>& out) const {
    out = relationIDs(relationIndex);
  }
  /// ObjectIDs of the referenced objects of a subset collection.
  virtual std::vector<ObjectID> subsetIDs() const = 0;

  // ---- reading: filled by readers, which know nothing of the concrete type ----

  /// Sets the number of objects: per-object columns get `n` zeroed rows (value
  /// columns of vector members are sized by the caller). Previous content is dropped.
  virtual void setObjectCount(std::size_t n) = 0;
  /// Stores the ObjectIDs of relation `relationIndex` (layout as relationIDs()), to be
  /// turned into handles by resolveRelations(). The range columns must be filled first.
  virtual void setRelationIDs(std::size_t relationIndex, std::vector<ObjectID> ids) = 0;
  /// Stores the ObjectIDs referenced by a subset collection (resolved by resolveRelations()).
  virtual void setSubsetIDs(std::vector<ObjectID> ids) = 0;
  /// Turns stored ObjectIDs into handles, looking targets up with `lookup`. Targets that
  /// are absent stay unset. Throws IoError if a target has the wrong type or index.
  /// Returns the number of relations that could not be resolved.
  virtual std::size_t resolveRelations(const CollectionLookup& lookup) = 0;
  /// The storage handles point into; null for collections without compiled code.
  virtual detail::CollectionDataBase* storageBase() const = 0;

  /// Prints the collection as a table (type, ID, size, every row), as podio's print does;
  /// flushes `os` if asked.
  void print(std::ostream& os = std::cout, bool flush = true) const;
  /// Prints the table with only the first `maxRows` rows.
  void printRows(std::ostream& os, std::size_t maxRows = 5) const;
};

} // namespace podml
