#include "podml/CollectionIDTable.h"

#include "podml/Exceptions.h"

#include <cstring>

namespace podml {

namespace {
constexpr uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }
} // namespace

uint32_t murmurHash3_x86_32(std::string_view data, uint32_t seed) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t len = data.size();
  const std::size_t nblocks = len / 4;
  constexpr uint32_t c1 = 0xcc9e2d51;
  constexpr uint32_t c2 = 0x1b873593;
  uint32_t h1 = seed;
  for (std::size_t i = 0; i < nblocks; ++i) {
    uint32_t k1;
    // Little-endian block read, as the reference implementation does on x86.
    std::memcpy(&k1, bytes + 4 * i, 4);
    k1 *= c1;
    k1 = rotl32(k1, 15);
    k1 *= c2;
    h1 ^= k1;
    h1 = rotl32(h1, 13);
    h1 = h1 * 5 + 0xe6546b64;
  }
  const unsigned char* tail = bytes + nblocks * 4;
  uint32_t k1 = 0;
  switch (len & 3) {
  case 3:
    k1 ^= uint32_t(tail[2]) << 16;
    [[fallthrough]];
  case 2:
    k1 ^= uint32_t(tail[1]) << 8;
    [[fallthrough]];
  case 1:
    k1 ^= tail[0];
    k1 *= c1;
    k1 = rotl32(k1, 15);
    k1 *= c2;
    h1 ^= k1;
  }
  h1 ^= static_cast<uint32_t>(len);
  h1 ^= h1 >> 16;
  h1 *= 0x85ebca6b;
  h1 ^= h1 >> 13;
  h1 *= 0xc2b2ae35;
  h1 ^= h1 >> 16;
  return h1;
}

CollectionIDTable::CollectionIDTable(std::vector<uint32_t> ids, std::vector<std::string> names)
    : m_ids(std::move(ids)), m_names(std::move(names)) {
  if (m_ids.size() != m_names.size()) {
    throw UsageError("cannot build CollectionIDTable: " + std::to_string(m_ids.size()) + " IDs but " +
                     std::to_string(m_names.size()) + " names");
  }
}

std::optional<uint32_t> CollectionIDTable::collectionID(std::string_view name) const {
  for (std::size_t i = 0; i < m_names.size(); ++i) {
    if (m_names[i] == name) {
      return m_ids[i];
    }
  }
  return std::nullopt;
}

std::optional<std::string> CollectionIDTable::name(uint32_t id) const {
  for (std::size_t i = 0; i < m_ids.size(); ++i) {
    if (m_ids[i] == id) {
      return m_names[i];
    }
  }
  return std::nullopt;
}

uint32_t CollectionIDTable::add(std::string_view name) {
  if (auto id = collectionID(name)) {
    return *id;
  }
  const uint32_t id = collectionIDFromName(name);
  if (auto other = this->name(id)) {
    throw UsageError("cannot add collection '" + std::string(name) + "': its ID " + std::to_string(id) +
                     " collides with collection '" + *other + "'");
  }
  m_ids.push_back(id);
  m_names.emplace_back(name);
  return id;
}

} // namespace podml
