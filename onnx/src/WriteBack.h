#pragma once
// Turning one output tensor into new collections of the card's target type (no ONNX
// Runtime type here): one object per scored object or per constituent, one collection
// per class or all classes in a vector member, the relation set to what was scored.

#include "Gather.h"

#include "podml/CollectionBase.h"
#include "podml/Frame.h"
#include "podml/onnx/Session.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace podml::onnx::detail {

/// New collections, each with the name it is stored under.
using NamedCollections = std::vector<std::pair<std::string, std::unique_ptr<CollectionBase>>>;

/// What the rows of an output are.
struct OutputRows {
  const CollectionBase* scored{nullptr};       ///< the scored objects (rows are objects)
  const ConstituentLists* constituents{nullptr}; ///< or: the constituents of the rows' input
  bool padded{false};                          ///< constituents: the tensor is [N, P(, 1)], not [M(, 1)]
};

/// Writes output `o` (tensor `t`) back into new collections named `names` (one per
/// class for per-class collections, else one), appended to `out`. Throws
/// InferenceError if the tensor does not fit the rows.
void writeBack(const CardOutput& o, const std::vector<std::string>& names, const Tensor& t, const OutputRows& rows,
               const DataModelDefinition& dm, const Frame& event, int32_t algorithmType, const std::string& model,
               NamedCollections& out);

} // namespace podml::onnx::detail
