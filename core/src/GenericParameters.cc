#include "podml/GenericParameters.h"

namespace podml {

GenericParameters::GenericParameters(const GenericParameters& other) {
  std::lock_guard lock(other.m_mutex);
  m_ints = other.m_ints;
  m_floats = other.m_floats;
  m_doubles = other.m_doubles;
  m_strings = other.m_strings;
}

GenericParameters& GenericParameters::operator=(const GenericParameters& other) {
  if (this != &other) {
    std::scoped_lock lock(m_mutex, other.m_mutex);
    m_ints = other.m_ints;
    m_floats = other.m_floats;
    m_doubles = other.m_doubles;
    m_strings = other.m_strings;
  }
  return *this;
}

GenericParameters::GenericParameters(GenericParameters&& other) noexcept {
  std::lock_guard lock(other.m_mutex);
  m_ints = std::move(other.m_ints);
  m_floats = std::move(other.m_floats);
  m_doubles = std::move(other.m_doubles);
  m_strings = std::move(other.m_strings);
}

GenericParameters& GenericParameters::operator=(GenericParameters&& other) noexcept {
  if (this != &other) {
    std::scoped_lock lock(m_mutex, other.m_mutex);
    m_ints = std::move(other.m_ints);
    m_floats = std::move(other.m_floats);
    m_doubles = std::move(other.m_doubles);
    m_strings = std::move(other.m_strings);
  }
  return *this;
}

bool GenericParameters::empty() const {
  std::lock_guard lock(m_mutex);
  return m_ints.empty() && m_floats.empty() && m_doubles.empty() && m_strings.empty();
}

void GenericParameters::clear() {
  std::lock_guard lock(m_mutex);
  m_ints.clear();
  m_floats.clear();
  m_doubles.clear();
  m_strings.clear();
}

bool operator==(const GenericParameters& a, const GenericParameters& b) {
  if (&a == &b) {
    return true;
  }
  std::scoped_lock lock(a.m_mutex, b.m_mutex);
  return a.m_ints == b.m_ints && a.m_floats == b.m_floats && a.m_doubles == b.m_doubles && a.m_strings == b.m_strings;
}

} // namespace podml
