#include "podml/DataModelRegistry.h"

#include "podml/CollectionBase.h"

#include "podml/Exceptions.h"
#include "podml/Json.h"

#include <deque>
#include <map>
#include <mutex>

namespace podml {

struct DataModelRegistry::Impl {
  mutable std::mutex mutex;
  // deque: references handed out stay valid as models are added.
  std::deque<DataModelDefinition> models;
  std::map<std::string, CollectionFactory, std::less<>> factories;
};

DataModelRegistry& DataModelRegistry::instance() {
  static DataModelRegistry registry;
  return registry;
}

DataModelRegistry::Impl& DataModelRegistry::impl() const {
  static Impl impl;
  return impl;
}

const DataModelDefinition& DataModelRegistry::registerDataModel(std::string_view jsonText) {
  auto& im = impl();
  const json::Value root = json::parse(jsonText, "embedded data model definition");
  const std::string& name = root["name"].asString();
  std::lock_guard lock(im.mutex);
  for (const auto& m : im.models) {
    if (m.name == name) {
      return m;
    }
  }
  std::vector<const DataModelDefinition*> upstream;
  if (const auto* ups = root.find("upstream")) {
    for (const auto& u : ups->asArray()) {
      const DataModelDefinition* found = nullptr;
      for (const auto& m : im.models) {
        if (m.name == u.asString()) {
          found = &m;
        }
      }
      if (found == nullptr) {
        throw DefinitionError("cannot register data model '" + name + "': upstream model '" + u.asString() +
                              "' is not registered (link its library first)");
      }
      upstream.push_back(found);
    }
  }
  im.models.push_back(DataModelDefinition::fromJson(jsonText, upstream));
  return im.models.back();
}

const DataModelDefinition* DataModelRegistry::find(std::string_view name) const {
  auto& im = impl();
  std::lock_guard lock(im.mutex);
  for (const auto& m : im.models) {
    if (m.name == name) {
      return &m;
    }
  }
  return nullptr;
}

const DatatypeDef* DataModelRegistry::findDatatype(std::string_view typeName) const {
  auto& im = impl();
  std::lock_guard lock(im.mutex);
  for (const auto& m : im.models) {
    if (const auto* d = m.datatype(typeName)) {
      return d;
    }
  }
  return nullptr;
}

const ComponentDef* DataModelRegistry::findComponent(std::string_view typeName) const {
  auto& im = impl();
  std::lock_guard lock(im.mutex);
  for (const auto& m : im.models) {
    if (const auto* c = m.component(typeName)) {
      return c;
    }
  }
  return nullptr;
}

void DataModelRegistry::registerCollectionFactory(std::string_view valueTypeName, CollectionFactory factory) {
  auto& im = impl();
  std::lock_guard lock(im.mutex);
  im.factories.emplace(std::string(valueTypeName), factory);
}

std::unique_ptr<CollectionBase> DataModelRegistry::createCollection(std::string_view valueTypeName) const {
  auto& im = impl();
  CollectionFactory f = nullptr;
  {
    std::lock_guard lock(im.mutex);
    auto it = im.factories.find(valueTypeName);
    if (it == im.factories.end()) {
      return nullptr;
    }
    f = it->second;
  }
  return f();
}

std::vector<std::string> DataModelRegistry::names() const {
  auto& im = impl();
  std::lock_guard lock(im.mutex);
  std::vector<std::string> out;
  for (const auto& m : im.models) {
    out.push_back(m.name);
  }
  return out;
}

} // namespace podml
