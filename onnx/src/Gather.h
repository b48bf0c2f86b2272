#pragma once
// Filling input tensors from collection columns (no ONNX Runtime type here): the
// per-object gather of flat inputs, and the constituent lists of structured inputs
// with their padded or ragged gather. Everything a run needs per event lives in
// buffers the caller keeps per thread, so a run allocates nothing once they have grown.

#include "podml/CollectionBase.h"
#include "podml/Frame.h"
#include "podml/onnx/ModelCard.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace podml::onnx::detail {

/// Copies rows [r0, r1) of one member column (`width` values per row) into its slot
/// (`offset`) of a row-major [n, rowWidth] tensor buffer, converting to the tensor's
/// dtype. One instantiation per (column dtype, tensor dtype), chosen at bind time.
using GatherFn = void (*)(const void* src, std::byte* dst, std::size_t r0, std::size_t r1, uint32_t width,
                          uint32_t rowWidth, uint32_t offset);
/// The gather from a column of dtype `src` into a tensor of dtype `dst`.
GatherFn gatherFunction(DType src, DType dst);

/// One constituent kept for a scored object: which source collection, which row.
struct ConstituentRef {
  uint32_t source;
  int32_t row;
};

/// Where the constituents of the scored objects are, resolved once at bind time.
struct ConstituentGroup {
  std::string collection;      ///< the scored objects' collection
  std::string type;            ///< constituent datatype
  // through a one-to-many relation of the scored type:
  std::size_t relationIndex{0};
  std::size_t beginColumn{0}, endColumn{0};
  // or through a link collection:
  std::string linkCollection;
  std::string linkType;
  std::size_t scoredSide{0}, otherSide{1}; ///< relation indices of the link ('from' = 0, 'to' = 1)
  bool viaLink{false};
  uint32_t maxCount{0};        ///< 0: every constituent (padded to the longest list)
  int sortColumn{-1};          ///< column of the constituent type to order by
  bool descending{true};
  std::string what;            ///< for messages: "input 'pf_features' (Jets -> particles)"
};

/// The constituents of one event's scored objects, as a run builds them.
struct ConstituentLists {
  std::vector<uint32_t> begin;                 ///< [N + 1]: refs of object i are [begin[i], begin[i+1])
  std::vector<ConstituentRef> refs;            ///< kept constituents, object by object, ordered
  std::vector<const CollectionBase*> sources;  ///< collections the refs point into
  std::vector<uint32_t> sourceIDs;             ///< their collection IDs
  std::vector<const Column*> sortKeys;         ///< per source, the column to order by (or null)
  int64_t slots{0};                            ///< P of padded tensors
  // scratch:
  std::vector<ObjectID> ids, otherIDs;
  std::vector<double> keys;
  std::vector<uint32_t> order;
  std::vector<ConstituentRef> pending;
  std::vector<uint32_t> linkStarts, linkFill;
  std::vector<ObjectID> linked;

  /// Number of scored objects.
  std::size_t objects() const { return begin.empty() ? 0 : begin.size() - 1; }
  /// ObjectID of kept constituent `k`.
  ObjectID id(std::size_t k) const { return {refs[k].row, sourceIDs[refs[k].source]}; }
};

/// Resolves `source` of input `in` (scored type `scored`) against the data model.
/// The card has been checked against `dm` before, so what is looked up exists.
ConstituentGroup resolveGroup(const CardInput& in, const std::string& collection, const DataModelDefinition& dm,
                              const std::string& linkCollection);

/// Builds the constituent lists of `scored` for one event; throws InferenceError
/// for a constituent whose collection the event lacks or that has another type.
void buildLists(const ConstituentGroup& g, const CollectionBase& scored, const Frame& event, ConstituentLists& out);

/// Appends one event's lists to `block`, the lists of several events run as one batch
/// (object rows and sources follow on; P becomes the larger of the two).
void appendLists(const ConstituentLists& event, ConstituentLists& block);

/// The lists of `count` objects of `all`, in the order `objects` gives, into `out`; P is
/// `fixedSlots` if positive, else the longest list kept (at least 1).
void selectLists(const ConstituentLists& all, const uint32_t* objects, std::size_t count, int64_t fixedSlots,
                 ConstituentLists& out);

/// Orders objects by `length` (ascending, stable) into `order` and cuts them into runs of
/// similar length: each run [bounds[r], bounds[r+1]) pads at most a quarter (and at least
/// one slot) beyond its shortest list and holds at most `maxObjects` objects.
void planBuckets(const std::vector<uint32_t>& length, std::size_t maxObjects, std::vector<uint32_t>& order,
                 std::vector<std::size_t>& bounds);

/// How a padded or ragged constituents tensor is addressed: element (object i, slot p,
/// feature f) is at i * objectStride + (base_i + p) * slotStride + f * featureStride,
/// where base_i is 0 for padded tensors and the object's first row for ragged ones.
struct SlotLayout {
  std::size_t objectStride{0}, slotStride{0}, featureStride{0};
  bool ragged{false};
};

/// Copies member column `column` (`width` values per constituent, features [offset,
/// offset + width)) of every kept constituent into `dst`, converting to the tensor's dtype.
using SlotGatherFn = void (*)(const ConstituentLists& lists, std::size_t column, uint32_t width, uint32_t offset,
                              const SlotLayout& layout, std::byte* dst);
/// The constituent gather from a column of dtype `src` into a tensor of dtype `dst`.
SlotGatherFn slotGatherFunction(DType src, DType dst);

/// Writes `value` converted to `dtype` into elements [0, n) of `dst`.
void fillValue(DType dtype, std::byte* dst, std::size_t n, double value);
/// Writes `value` converted to `dtype` into element `i` of `dst`.
void storeValue(DType dtype, std::byte* dst, std::size_t i, double value);
/// Element `i` of a tensor of `dtype` as a double.
double loadValue(DType dtype, const std::byte* src, std::size_t i);

} // namespace podml::onnx::detail
