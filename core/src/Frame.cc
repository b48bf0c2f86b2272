#include "podml/Frame.h"

namespace podml {

Frame::Frame(Frame&& other) noexcept {
  std::lock_guard lock(other.m_mutex);
  m_collections = std::move(other.m_collections);
  m_idTable = std::move(other.m_idTable);
  m_parameters = std::move(other.m_parameters);
}

Frame& Frame::operator=(Frame&& other) noexcept {
  if (this != &other) {
    std::scoped_lock lock(m_mutex, other.m_mutex);
    m_collections = std::move(other.m_collections);
    m_idTable = std::move(other.m_idTable);
    m_parameters = std::move(other.m_parameters);
  }
  return *this;
}

const CollectionBase& Frame::put(std::unique_ptr<CollectionBase> coll, const std::string& name) {
  if (!coll) {
    throw UsageError("cannot put collection '" + name + "': it is null");
  }
  std::lock_guard lock(m_mutex);
  if (m_collections.count(name) != 0) {
    throw UsageError("cannot put collection '" + name + "': the frame already holds a collection of that name");
  }
  const uint32_t id = m_idTable.add(name);
  coll->setID(id);
  auto& slot = m_collections[name];
  slot = std::move(coll);
  return *slot;
}

const CollectionBase* Frame::get(const std::string& name) const {
  std::lock_guard lock(m_mutex);
  auto it = m_collections.find(name);
  return it == m_collections.end() ? nullptr : it->second.get();
}

const CollectionBase* Frame::getByID(uint32_t id) const {
  std::lock_guard lock(m_mutex);
  auto name = m_idTable.name(id);
  if (!name) {
    return nullptr;
  }
  auto it = m_collections.find(*name);
  return it == m_collections.end() ? nullptr : it->second.get();
}

std::vector<std::string> Frame::getAvailableCollections() const {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> names;
  for (const auto& [n, c] : m_collections) {
    names.push_back(n);
  }
  return names;
}

std::optional<std::string> Frame::getName(const CollectionBase& coll) const {
  std::lock_guard lock(m_mutex);
  for (const auto& [n, c] : m_collections) {
    if (c.get() == &coll) {
      return n;
    }
  }
  return std::nullopt;
}

std::optional<std::string> Frame::getName(uint32_t id) const {
  std::lock_guard lock(m_mutex);
  return m_idTable.name(id);
}

CollectionIDTable Frame::getCollectionIDTable() const {
  std::lock_guard lock(m_mutex);
  return m_idTable;
}

std::string Frame::availableList() const {
  std::string s;
  for (const auto& n : getAvailableCollections()) {
    s += (s.empty() ? "" : ", ") + n;
  }
  return s.empty() ? "none" : s;
}

} // namespace podml
