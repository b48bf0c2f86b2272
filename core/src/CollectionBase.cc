#include "podml/CollectionBase.h"

#include "podml/Exceptions.h"
#include "podml/detail/Handle.h"
#include "podml/detail/PushBackCheck.h"
#include "podml/detail/ResolveTarget.h"

#include <iomanip>
#include <stdexcept>
#include <string>

namespace podml {

const Column& CollectionBase::column(std::string_view path) const {
  if (isSubsetCollection()) {
    throw UsageError("cannot get column '" + std::string(path) + "': collection of " +
                     std::string(getValueTypeName()) + " is a subset collection and holds no columns");
  }
  const int i = definition().columnIndex(path);
  if (i < 0) {
    throw UsageError("cannot get column '" + std::string(path) + "': " + std::string(getValueTypeName()) +
                     " has no such column");
  }
  return columns()[static_cast<std::size_t>(i)];
}

namespace {
void printCell(std::ostream& os, const Column& c, std::size_t row) {
  if (c.width() != 1) {
    os << "[" << c.width() << "]";
    return;
  }
  switch (c.dtype()) {
  case DType::Bool:
    os << (c.data<bool>()[row] ? "true" : "false");
    break;
  case DType::Int8:
    os << int(c.data<int8_t>()[row]);
    break;
  case DType::Int16:
    os << c.data<int16_t>()[row];
    break;
  case DType::Int32:
    os << c.data<int32_t>()[row];
    break;
  case DType::Int64:
    os << c.data<int64_t>()[row];
    break;
  case DType::UInt8:
    os << unsigned(c.data<uint8_t>()[row]);
    break;
  case DType::UInt16:
    os << c.data<uint16_t>()[row];
    break;
  case DType::UInt32:
    os << c.data<uint32_t>()[row];
    break;
  case DType::UInt64:
    os << c.data<uint64_t>()[row];
    break;
  case DType::Float32:
    os << c.data<float>()[row];
    break;
  case DType::Float64:
    os << c.data<double>()[row];
    break;
  case DType::ObjectID:
    os << c.data<ObjectID>()[row];
    break;
  }
}
} // namespace

void CollectionBase::print(std::ostream& os, bool flush) const {
  printRows(os, size());
  if (flush) {
    os.flush();
  }
}

void CollectionBase::printRows(std::ostream& os, std::size_t maxRows) const {
  os << getTypeName() << " (id " << getID() << ", " << size() << (isSubsetCollection() ? " references" : " objects")
     << ")\n";
  if (isSubsetCollection()) {
    return;
  }
  const auto& def = definition();
  const auto cols = columns();
  const std::size_t rows = std::min(size(), maxRows);
  for (std::size_t k = 0; k < def.columns.size(); ++k) {
    const auto& cd = def.columns[k];
    if (cd.kind != ColumnKind::Member) {
      continue;
    }
    os << "  " << std::left << std::setw(28) << cd.path << std::setw(9) << dtypeName(cd.dtype);
    for (std::size_t r = 0; r < rows; ++r) {
      os << ' ';
      printCell(os, cols[k], r);
    }
    if (size() > rows) {
      os << " ...";
    }
    os << '\n';
  }
}

} // namespace podml

namespace podml::detail {

void throwEmptyHandle() {
  throw UsageError("cannot use an object through an empty handle: it refers to no object (a relation that was never "
                   "set, or whose target collection was not read or not written to the file); test isAvailable() "
                   "first");
}

} // namespace podml::detail

namespace podml::detail {

bool resolveTarget(const CollectionLookup& lookup, const ObjectID& id, std::initializer_list<std::string_view> allowed,
                   std::string_view owner, std::string_view what, RawHandle& out) {
  out = {};
  if (id.index < 0) {
    return true;
  }
  const CollectionBase* target = lookup(id.collectionID);
  if (target == nullptr || target->storageBase() == nullptr) {
    return false;
  }
  auto* base = target->storageBase();
  bool typeOk = false;
  for (const auto t : allowed) {
    typeOk = typeOk || t == base->typeName;
  }
  const std::string where = "cannot resolve relation '" + std::string(what) + "' of " + std::string(owner);
  if (!typeOk || target->isSubsetCollection()) {
    throw IoError(where + ": collection " + std::to_string(id.collectionID) + " holds " +
                  std::string(target->getTypeName()) + (target->isSubsetCollection() ? " references" : ""));
  }
  if (static_cast<std::size_t>(id.index) >= target->size()) {
    throw IoError(where + ": index " + std::to_string(id.index) + " out of range (size " +
                  std::to_string(target->size()) + ")");
  }
  out = RawHandle{base, id.index, {}};
  return true;
}

} // namespace podml::detail

namespace podml::detail {

void checkPushBack(const RawHandle& h, bool isMutable, bool intoSubset, std::string_view collectionType) {
  auto refuse = [&](const char* why) {
    throw std::invalid_argument("cannot push_back into " + std::string(intoSubset ? "a subset " : "") +
                                std::string(collectionType) + ": " + why);
  };
  if (!h.isAvailable()) {
    refuse("the handle refers to no object");
  }
  if (intoSubset) {
    if (h.objectID().index < 0) {
      refuse("the object is in no collection (subset collections only reference tracked objects)");
    }
    return;
  }
  if (!isMutable) {
    refuse("immutable objects can only be added to subset collections");
  }
  if (!h.obj || h.obj.get()->inCollection()) {
    refuse("the object is already in a collection (push a clone() or use a subset collection)");
  }
}

} // namespace podml::detail
