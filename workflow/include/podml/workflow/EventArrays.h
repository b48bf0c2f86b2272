#pragma once
/// \file EventArrays.h
/// Events built from arrays: collections of any datatype of any data model, given as
/// one array per member path over many events, with per-event object counts, vector
/// members as flat values plus counts per object, relations (also links and subset
/// collections) as indices into other collections of the same event. Everything is
/// checked against the data model when the builder is made, before any frame exists:
/// what the Python module's `Writer.write_events` and `podml.make_frame` stand on.

#include "podml/DType.h"
#include "podml/Definition.h"
#include "podml/Frame.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace podml::workflow {

/// A C-contiguous array the caller owns (a NumPy array): `shape[0]` rows.
struct ArrayRef {
  DType dtype{DType::Float32};
  const void* data{nullptr};
  std::vector<std::size_t> shape;
  /// Number of elements.
  std::size_t size() const;
};

/// Targets of a relation (or the references of a subset collection).
struct RelationArrays {
  std::string collection; ///< the target collection, in the same events
  /// Per target: the index into the target collection of the same event (-1: unset).
  /// One per object for a one-to-one relation, the concatenation of every object's
  /// targets for a one-to-many one (and for a subset collection, one per reference).
  ArrayRef index;
  std::optional<ArrayRef> counts; ///< targets per object, for a one-to-many relation
};

/// Values of a vector member: flat values plus a count per object.
struct VectorArrays {
  /// By value column path: the member's name for a builtin type (`weights`), one array
  /// per leaf for a component (`points.a`, `points.b`); each holds every object's values.
  std::map<std::string, ArrayRef> values;
  ArrayRef counts;
};

/// One collection over all events.
struct CollectionArrays {
  std::string type; ///< datatype (or link), e.g. `edm4hep::MCParticle`
  /// Objects per event (`counts`, one per event) or their running sum (`offsets`,
  /// events + 1, starting at 0): exactly one of them.
  std::optional<ArrayRef> counts, offsets;
  std::map<std::string, ArrayRef> members;   ///< by column path; absent members take their default
  std::map<std::string, VectorArrays> vectors; ///< by vector member name
  std::map<std::string, RelationArrays> relations; ///< by relation name (`from`/`to` for links)
  std::optional<RelationArrays> subset;      ///< set: a subset collection of references
};

/// The events of a set of collections, checked once, made frame by frame.
class EventBuilder {
public:
  /// Checks every array against `dataModel`: known types, members, vector members and
  /// relations, dtypes, lengths, counts, index ranges and target types, for every event.
  /// Throws UsageError naming the collection, the member and the reason.
  EventBuilder(std::shared_ptr<const DataModelDefinition> dataModel,
               std::vector<std::pair<std::string, CollectionArrays>> collections);
  EventBuilder(const EventBuilder&) = delete;
  EventBuilder& operator=(const EventBuilder&) = delete;
  ~EventBuilder();

  /// Number of events (1 if no collection is given).
  uint64_t events() const;
  /// Event `e`: one collection per name (compiled type if the program has it with the same
  /// layout, else generic), relations resolved within the frame. Copies the values once.
  Frame frame(uint64_t e) const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace podml::workflow
