#pragma once
/// \file CollectionIDTable.h
/// Names <-> collection IDs, with podio's hashing scheme.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace podml {

/// MurmurHash3_x86_32 of `data` (Austin Appleby's public-domain algorithm).
uint32_t murmurHash3_x86_32(std::string_view data, uint32_t seed = 0) noexcept;

/// The ID podio gives a collection named `name`: MurmurHash3_x86_32(name, 0).
inline uint32_t collectionIDFromName(std::string_view name) noexcept {
  return murmurHash3_x86_32(name, 0);
}

/// Bidirectional map between collection names and IDs (podio::CollectionIDTable).
class CollectionIDTable {
public:
  /// Empty table.
  CollectionIDTable() = default;
  /// Table from parallel lists of IDs and names; throws UsageError if their sizes differ.
  CollectionIDTable(std::vector<uint32_t> ids, std::vector<std::string> names);

  /// ID of `name`, if present.
  std::optional<uint32_t> collectionID(std::string_view name) const;
  /// Name of the collection with `id`, if present.
  std::optional<std::string> name(uint32_t id) const;
  /// Whether a collection called `name` is in the table.
  bool present(std::string_view name) const { return collectionID(name).has_value(); }
  /// Adds `name` (if new) and returns its ID. Throws UsageError if its hash
  /// collides with a different name already in the table.
  uint32_t add(std::string_view name);
  /// All IDs, in insertion order.
  const std::vector<uint32_t>& ids() const { return m_ids; }
  /// All names, in insertion order.
  const std::vector<std::string>& names() const { return m_names; }
  /// Number of entries.
  std::size_t size() const { return m_ids.size(); }
  /// Whether the table is empty.
  bool empty() const { return m_ids.empty(); }

private:
  std::vector<uint32_t> m_ids;
  std::vector<std::string> m_names;
};

} // namespace podml
