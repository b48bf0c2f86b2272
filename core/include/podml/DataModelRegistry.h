#pragma once
/// \file DataModelRegistry.h
/// Process-wide registry of the data model definitions compiled into the program.

#include "podml/Definition.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace podml {

class CollectionBase;

/// Creates an empty collection of one compiled datatype.
using CollectionFactory = std::unique_ptr<CollectionBase> (*)();

/// Every generated data model library registers its definition here at load time.
class DataModelRegistry {
public:
  /// The registry of this process.
  static DataModelRegistry& instance();

  /// Registers a model from its embedded JSON (upstream models must be registered
  /// first) and returns it. Registering the same name twice returns the first one.
  const DataModelDefinition& registerDataModel(std::string_view json);
  /// Model by name, or null.
  const DataModelDefinition* find(std::string_view name) const;
  /// Datatype (or link) by full type name across all models, or null.
  const DatatypeDef* findDatatype(std::string_view typeName) const;
  /// Component by full name across all models, or null.
  const ComponentDef* findComponent(std::string_view typeName) const;
  /// Registers how to create collections of `valueTypeName` (generated code does this).
  void registerCollectionFactory(std::string_view valueTypeName, CollectionFactory factory);
  /// A new empty collection of compiled type `valueTypeName`, or null if it is not compiled in.
  std::unique_ptr<CollectionBase> createCollection(std::string_view valueTypeName) const;
  /// Names of all registered models, in registration order.
  std::vector<std::string> names() const;

private:
  DataModelRegistry() = default;
  struct Impl;
  Impl& impl() const;
};

} // namespace podml
