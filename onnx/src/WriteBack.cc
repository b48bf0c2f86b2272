#include "WriteBack.h"

#include "podml/Exceptions.h"
#include "podml/GenericCollection.h"

namespace podml::onnx::detail {

namespace {

std::size_t columnOf(const DatatypeDef& type, const std::string& path) {
  return static_cast<std::size_t>(type.columnIndex(path));
}

// One collection of `n` objects of the target type: algorithmType (if the type has
// one) and the relation to what each row scored.
std::unique_ptr<CollectionBase> makeRows(const CardOutput& o, const DatatypeDef& type, const DataModelDefinition& dm,
                                         const std::vector<ObjectID>& ids, const Frame& event, int32_t algorithmType) {
  // The session owns the definition; the collection only refers to it.
  auto coll = makeCollection(std::shared_ptr<const DataModelDefinition>(std::shared_ptr<void>{}, &dm), type, dm.schemaVersion);
  const std::size_t n = ids.size();
  coll->setObjectCount(n);
  auto cols = coll->columns();
  if (const int a = type.columnIndex("algorithmType"); a >= 0 && type.columns[static_cast<std::size_t>(a)].dtype == DType::Int32) {
    auto* alg = cols[static_cast<std::size_t>(a)].data<int32_t>();
    std::fill(alg, alg + n, algorithmType);
  }
  if (!o.target->relation.empty() && n > 0) {
    std::size_t relIndex = 0;
    for (std::size_t r = 0; r < type.relations.size(); ++r) {
      if (type.relations[r].name == o.target->relation) {
        relIndex = r;
      }
    }
    coll->setRelationIDs(relIndex, ids);
    coll->resolveRelations([&event](uint32_t id) { return event.getByID(id); });
  }
  return coll;
}

} // namespace

void writeBack(const CardOutput& o, const std::vector<std::string>& names, const Tensor& t, const OutputRows& rows,
               const DataModelDefinition& dm, const Frame& event, int32_t algorithmType, const std::string& model,
               NamedCollections& out) {
  const std::string what = "cannot write output '" + o.name + "' of model '" + model + "'";
  const auto* type = dm.datatype(o.target->type);
  const std::size_t classes = o.classes.empty() ? 1 : o.classes.size();
  const std::size_t tensorRows = t.shape.empty() ? 0 : static_cast<std::size_t>(t.shape.front());
  const auto* data = t.data.data();
  // For each row: the element of the tensor holding class 0, and what it scored.
  std::vector<std::size_t> at;
  std::vector<ObjectID> ids;
  if (o.perConstituent && tensorRows > 0) {
    const auto& lists = *rows.constituents;
    const std::size_t slots = rows.padded ? (t.shape.size() > 1 ? static_cast<std::size_t>(t.shape[1]) : 0) : 1;
    const std::size_t expected = rows.padded ? lists.objects() * static_cast<std::size_t>(lists.slots) : lists.refs.size();
    if (t.size() != expected || (rows.padded && slots != static_cast<std::size_t>(lists.slots))) {
      throw InferenceError(what + ": it has " + std::to_string(t.size()) + " values, the " + std::to_string(lists.refs.size()) +
                           " constituents of " + std::to_string(lists.objects()) + " objects need " + std::to_string(expected) +
                           " (one per " + (rows.padded ? "slot" : "constituent") + ")");
    }
    for (std::size_t i = 0; i < lists.objects(); ++i) {
      for (uint32_t k = lists.begin[i]; k < lists.begin[i + 1]; ++k) {
        at.push_back(rows.padded ? i * slots + (k - lists.begin[i]) : k);
        ids.push_back(lists.id(k));
      }
    }
  } else if (!o.perConstituent) {
    if (tensorRows != 0 && t.size() != tensorRows * classes) {
      throw InferenceError(what + ": it has " + std::to_string(t.size() / tensorRows) + " values per object, " +
                           (o.classes.empty() ? std::string("the target member holds one")
                                              : "the card names " + std::to_string(classes) + " classes"));
    }
    if (rows.scored != nullptr && tensorRows != 0 && tensorRows != rows.scored->size()) {
      throw InferenceError(what + ": " + std::to_string(tensorRows) + " rows for " + std::to_string(rows.scored->size()) +
                           " scored objects");
    }
    const uint32_t id = rows.scored != nullptr ? rows.scored->getID() : 0;
    for (std::size_t i = 0; i < tensorRows; ++i) {
      at.push_back(i * classes);
      ids.push_back({static_cast<int32_t>(i), id});
    }
  }
  const std::size_t n = ids.size();
  const auto value = [&](std::size_t row, std::size_t c) { return loadValue(t.dtype, data, at[row] + c); };
  if (!o.classes.empty() && o.target->perClass == ClassWriteBack::Vector) {
    auto coll = makeRows(o, *type, dm, ids, event, algorithmType);
    auto cols = coll->columns();
    Column& values = cols[columnOf(*type, o.target->member)];
    auto* begin = cols[columnOf(*type, o.target->member + "_begin")].data<uint32_t>();
    auto* end = cols[columnOf(*type, o.target->member + "_end")].data<uint32_t>();
    values.resize(n * classes);
    auto* raw = static_cast<std::byte*>(values.rawData());
    Column* code = o.target->classMember.empty() ? nullptr : &cols[columnOf(*type, o.target->classMember)];
    for (std::size_t i = 0; i < n; ++i) {
      begin[i] = static_cast<uint32_t>(i * classes);
      end[i] = static_cast<uint32_t>((i + 1) * classes);
      std::size_t best = 0;
      for (std::size_t c = 0; c < classes; ++c) {
        const double v = value(i, c);
        storeValue(values.dtype(), raw, i * classes + c, v);
        best = v > value(i, best) ? c : best;
      }
      if (code != nullptr) {
        storeValue(code->dtype(), static_cast<std::byte*>(code->rawData()), i, static_cast<double>(o.classes[best].code));
      }
    }
    out.emplace_back(names.front(), std::move(coll));
    return;
  }
  for (std::size_t c = 0; c < classes; ++c) {
    auto coll = makeRows(o, *type, dm, ids, event, algorithmType);
    auto cols = coll->columns();
    Column& target = cols[columnOf(*type, o.target->member)];
    auto* raw = static_cast<std::byte*>(target.rawData());
    for (std::size_t i = 0; i < n; ++i) {
      storeValue(target.dtype(), raw, i, value(i, c));
    }
    if (!o.target->classMember.empty() && !o.classes.empty()) {
      Column& code = cols[columnOf(*type, o.target->classMember)];
      fillValue(code.dtype(), static_cast<std::byte*>(code.rawData()), n, static_cast<double>(o.classes[c].code));
    }
    out.emplace_back(names.at(c), std::move(coll));
  }
}

} // namespace podml::onnx::detail
