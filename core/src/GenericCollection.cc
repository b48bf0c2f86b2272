#include "podml/GenericCollection.h"

#include "podml/DataModelRegistry.h"
#include "podml/Exceptions.h"

namespace podml {

GenericCollection::GenericCollection(std::shared_ptr<const DataModelDefinition> model, const DatatypeDef& type)
    : m_model(std::move(model)), m_type(&type), m_typeName(type.name + "Collection"), m_dataTypeName(type.name + "Data"),
      m_relations(type.relations.size()) {
  for (const auto& c : type.columns) {
    m_columns.emplace_back(c.dtype, c.width());
  }
}

void GenericCollection::clear() {
  for (auto& c : m_columns) {
    c.clear();
  }
  for (auto& r : m_relations) {
    r.clear();
  }
  m_subsetIDs.clear();
  m_count = 0;
}

void GenericCollection::setSubsetCollection(bool setSubset) {
  if (setSubset != m_subset && size() != 0) {
    throw UsageError("cannot change the subset status of a non-empty " + m_typeName);
  }
  m_subset = setSubset;
}

std::span<Column> GenericCollection::columns() {
  return m_subset ? std::span<Column>{} : std::span<Column>{m_columns};
}

std::span<const Column> GenericCollection::columns() const {
  return m_subset ? std::span<const Column>{} : std::span<const Column>{m_columns};
}

std::vector<ObjectID> GenericCollection::relationIDs(std::size_t relationIndex) const {
  if (relationIndex >= m_relations.size()) {
    throw std::out_of_range(m_type->name + " has no relation number " + std::to_string(relationIndex));
  }
  return m_relations[relationIndex];
}

void GenericCollection::relationIDsInto(std::size_t relationIndex, std::vector<ObjectID>& out) const {
  if (relationIndex >= m_relations.size()) {
    throw std::out_of_range(m_type->name + " has no relation number " + std::to_string(relationIndex));
  }
  out.assign(m_relations[relationIndex].begin(), m_relations[relationIndex].end());
}

void GenericCollection::setObjectCount(std::size_t n) {
  for (std::size_t k = 0; k < m_columns.size(); ++k) {
    if (m_type->columns[k].kind != ColumnKind::VectorValue) {
      m_columns[k].clear();
      m_columns[k].resize(n);
    }
  }
  for (std::size_t r = 0; r < m_relations.size(); ++r) {
    m_relations[r].clear();
    if (!m_type->relations[r].many) {
      m_relations[r].resize(n, ObjectID{ObjectID::invalid, static_cast<uint32_t>(ObjectID::invalid)});
    }
  }
  m_count = n;
}

void GenericCollection::setRelationIDs(std::size_t relationIndex, std::vector<ObjectID> ids) {
  if (relationIndex >= m_relations.size()) {
    throw std::out_of_range(m_type->name + " has no relation number " + std::to_string(relationIndex));
  }
  m_relations[relationIndex] = std::move(ids);
}

std::unique_ptr<CollectionBase> makeCollection(std::shared_ptr<const DataModelDefinition> model, const DatatypeDef& type,
                                               uint32_t schemaVersion) {
  if (auto typed = DataModelRegistry::instance().createCollection(type.name)) {
    // The compiled type only if its storage is laid out exactly as the definition says.
    if (typed->definition().hash == type.hash && typed->getSchemaVersion() == schemaVersion) {
      return typed;
    }
  }
  return std::make_unique<GenericCollection>(std::move(model), type);
}

} // namespace podml
