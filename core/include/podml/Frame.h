#pragma once
/// \file Frame.h
/// A set of named collections plus parameters: one event, run or metadata
/// record. Mirrors podio::Frame.

#include "podml/CollectionBase.h"
#include "podml/CollectionIDTable.h"
#include "podml/Exceptions.h"
#include "podml/GenericParameters.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace podml {

/// Named collections and parameters. `put` and `get` are thread-safe; a
/// collection, once put, is immutable through the Frame and lives as long as it.
class Frame {
public:
  /// Empty frame.
  Frame() = default;
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
  /// Moves collections and parameters.
  Frame(Frame&& other) noexcept;
  /// Moves collections and parameters.
  Frame& operator=(Frame&& other) noexcept;
  ~Frame() = default;

  /// Stores `coll` under `name` (taking ownership), assigns its collection ID
  /// and returns a reference to the stored collection. Throws UsageError if the
  /// name is taken.
  template <typename CollT>
    requires(std::is_base_of_v<CollectionBase, CollT> && !std::is_lvalue_reference_v<CollT>)
  const CollT& put(CollT&& coll, const std::string& name) {
    return static_cast<const CollT&>(put(std::make_unique<CollT>(std::move(coll)), name));
  }
  /// Stores a type-erased collection under `name`; see the typed overload.
  const CollectionBase& put(std::unique_ptr<CollectionBase> coll, const std::string& name);

  /// The collection `name` as CollT. Throws UsageError if it is missing or of another type.
  template <typename CollT>
  const CollT& get(const std::string& name) const {
    const CollectionBase* c = get(name);
    if (c == nullptr) {
      throw UsageError("cannot get collection '" + name + "': not in this frame (available: " + availableList() + ")");
    }
    const auto* typed = dynamic_cast<const CollT*>(c);
    if (typed == nullptr) {
      if (c->getTypeName() == CollT::typeName) {
        // Same type name, but read without the compiled code: the file's definition differs.
        const CollT compiled;
        throw UsageError("cannot get collection '" + name + "' as " + std::string(CollT::typeName) +
                         ": it was read with the file's own definition of " + std::string(c->getValueTypeName()) +
                         " (data model '" + std::string(c->getDataModelName()) + "' schema version " +
                         std::to_string(c->getSchemaVersion()) + ", layout " + c->definition().hash +
                         "), which differs from the compiled one (schema version " +
                         std::to_string(compiled.getSchemaVersion()) + ", layout " + compiled.definition().hash +
                         "); use it through podml::CollectionBase");
      }
      throw UsageError("cannot get collection '" + name + "' as " + std::string(CollT::typeName) + ": it is a " +
                       std::string(c->getTypeName()));
    }
    return *typed;
  }
  /// The collection `name`, or null if absent.
  const CollectionBase* get(const std::string& name) const;
  /// The collection with ID `id`, or null if absent.
  const CollectionBase* getByID(uint32_t id) const;

  /// Names of all collections, sorted.
  std::vector<std::string> getAvailableCollections() const;
  /// Name of a collection stored in this frame, if it is.
  std::optional<std::string> getName(const CollectionBase& coll) const;
  /// Name of the collection with ID `id`, if present.
  std::optional<std::string> getName(uint32_t id) const;

  /// Stores a parameter (int, float, double, std::string or a vector of them).
  template <typename T>
  void putParameter(const std::string& key, T value) {
    m_parameters.set(key, std::move(value));
  }
  /// Stores a string parameter given as a literal.
  void putParameter(const std::string& key, const char* value) { m_parameters.set(key, value); }
  /// Stores a list given in braces, as podio: `putParameter("ids", {1, 2, 3})`, `{"a", "b"}`.
  template <typename T>
  void putParameter(const std::string& key, std::initializer_list<T> values) {
    if constexpr (std::is_convertible_v<T, std::string> && !std::is_same_v<T, std::string>) {
      m_parameters.set(key, std::vector<std::string>(values.begin(), values.end()));
    } else {
      m_parameters.set(key, std::vector<T>(values));
    }
  }
  /// A parameter, if present.
  template <typename T>
  std::optional<T> getParameter(const std::string& key) const {
    return m_parameters.get<T>(key);
  }
  /// Parameter keys of element type T.
  template <typename T>
  std::vector<std::string> getParameterKeys() const {
    return m_parameters.getKeys<T>();
  }
  /// All parameters.
  const GenericParameters& getParameters() const { return m_parameters; }
  /// Replaces every parameter with those of `parameters`.
  void setParameters(GenericParameters parameters) { m_parameters = std::move(parameters); }
  /// All parameters, for readers filling a frame.
  GenericParameters& parameters() { return m_parameters; }

  /// The name <-> ID table of the collections in this frame.
  CollectionIDTable getCollectionIDTable() const;

private:
  std::string availableList() const;

  mutable std::mutex m_mutex;
  std::map<std::string, std::unique_ptr<CollectionBase>> m_collections;
  CollectionIDTable m_idTable;
  GenericParameters m_parameters;
};

} // namespace podml
