#pragma once
/// \file GenericCollection.h
/// A collection of any datatype, built from its runtime definition alone:
/// what readers return for data models not compiled into the program.

#include "podml/CollectionBase.h"

#include <memory>
#include <string>
#include <vector>

namespace podml {

/// Columns and relation ObjectIDs of one collection, typed only at run time.
class GenericCollection final : public CollectionBase {
public:
  /// An empty collection of `type` from data model `model` (kept alive by the collection).
  GenericCollection(std::shared_ptr<const DataModelDefinition> model, const DatatypeDef& type);

  std::string_view getTypeName() const override { return m_typeName; }
  std::string_view getValueTypeName() const override { return m_type->name; }
  std::string_view getDataTypeName() const override { return m_dataTypeName; }
  std::string_view getDataModelName() const override { return m_model->name; }
  uint32_t getSchemaVersion() const override { return m_model->schemaVersion; }
  const DatatypeDef& definition() const override { return *m_type; }
  const DataModelDefinition& dataModelDefinition() const override { return *m_model; }
  std::size_t size() const override { return m_subset ? m_subsetIDs.size() : m_count; }
  void clear() override;
  bool isSubsetCollection() const override { return m_subset; }
  void setSubsetCollection(bool setSubset = true) override;
  uint32_t getID() const override { return m_id; }
  void setID(uint32_t id) override { m_id = id; }
  std::span<Column> columns() override;
  std::span<const Column> columns() const override;
  std::vector<ObjectID> relationIDs(std::size_t relationIndex) const override;
  void relationIDsInto(std::size_t relationIndex, std::vector<ObjectID>& out) const override;
  std::vector<ObjectID> subsetIDs() const override { return m_subsetIDs; }
  void setObjectCount(std::size_t n) override;
  void setRelationIDs(std::size_t relationIndex, std::vector<ObjectID> ids) override;
  void setSubsetIDs(std::vector<ObjectID> ids) override { m_subsetIDs = std::move(ids); }
  /// Generic collections keep relations as ObjectIDs; nothing to resolve.
  std::size_t resolveRelations(const CollectionLookup&) override { return 0; }
  detail::CollectionDataBase* storageBase() const override { return nullptr; }

private:
  std::shared_ptr<const DataModelDefinition> m_model;
  const DatatypeDef* m_type;
  std::string m_typeName;
  std::string m_dataTypeName;
  std::vector<Column> m_columns;
  std::vector<std::vector<ObjectID>> m_relations;
  std::vector<ObjectID> m_subsetIDs;
  std::size_t m_count{0};
  uint32_t m_id{static_cast<uint32_t>(ObjectID::untracked)};
  bool m_subset{false};
};

/// A new empty collection of `type` (a datatype of `model`): the compiled class if one is
/// registered with exactly this layout and `schemaVersion`, else a GenericCollection over
/// `model`. What readers and writers of collections made at run time use.
std::unique_ptr<CollectionBase> makeCollection(std::shared_ptr<const DataModelDefinition> model, const DatatypeDef& type,
                                               uint32_t schemaVersion);

} // namespace podml
