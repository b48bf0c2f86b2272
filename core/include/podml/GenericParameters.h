#pragma once
/// \file GenericParameters.h
/// Key/value parameters of a Frame or collection, as in podio::GenericParameters.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace podml {

/// The scalar types a parameter can hold (each also as a vector).
template <typename T>
inline constexpr bool isSupportedParameterType =
    std::is_same_v<T, int> || std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, std::string>;

namespace detail {
template <typename T>
struct ParamElement {
  using type = T;
  static constexpr bool isVector = false;
};
template <typename T>
struct ParamElement<std::vector<T>> {
  using type = T;
  static constexpr bool isVector = true;
};
} // namespace detail

/// Parameters of type int, float, double and std::string, each stored as a
/// vector under a string key. A scalar is a vector of one element. Thread-safe.
class GenericParameters {
public:
  /// Empty parameter set.
  GenericParameters() = default;
  /// Copies the other set (under its lock).
  GenericParameters(const GenericParameters& other);
  /// Copy assignment (locks both sets).
  GenericParameters& operator=(const GenericParameters& other);
  /// Moves from `other` (under its lock).
  GenericParameters(GenericParameters&& other) noexcept;
  /// Move assignment (locks both sets).
  GenericParameters& operator=(GenericParameters&& other) noexcept;
  ~GenericParameters() = default;

  /// Stores `value` (T or std::vector<T>) under `key`, replacing what was there.
  template <typename T>
  void set(const std::string& key, T value) {
    using E = typename detail::ParamElement<std::decay_t<T>>::type;
    static_assert(isSupportedParameterType<E>, "parameters hold int, float, double or std::string");
    std::lock_guard lock(m_mutex);
    if constexpr (detail::ParamElement<std::decay_t<T>>::isVector) {
      mapFor<E>()[key] = std::move(value);
    } else {
      mapFor<E>()[key] = std::vector<E>{std::move(value)};
    }
  }
  /// Stores a string (convenience overload for literals).
  void set(const std::string& key, const char* value) { set<std::string>(key, std::string(value)); }
  /// Stores a list of strings given as literals.
  void set(const std::string& key, std::initializer_list<std::string> values) {
    set<std::vector<std::string>>(key, std::vector<std::string>(values));
  }
  /// Stores a list given as a brace list, e.g. `set("xs", {1, 2, 3})`.
  template <typename T>
    requires isSupportedParameterType<T>
  void set(const std::string& key, std::initializer_list<T> values) {
    set<std::vector<T>>(key, std::vector<T>(values));
  }

  /// The value under `key` as T (first element) or std::vector<T>, if present.
  template <typename T>
  std::optional<T> get(const std::string& key) const {
    using E = typename detail::ParamElement<T>::type;
    static_assert(isSupportedParameterType<E>, "parameters hold int, float, double or std::string");
    std::lock_guard lock(m_mutex);
    const auto& map = mapFor<E>();
    auto it = map.find(key);
    if (it == map.end()) {
      return std::nullopt;
    }
    if constexpr (detail::ParamElement<T>::isVector) {
      return it->second;
    } else {
      if (it->second.empty()) {
        return std::nullopt;
      }
      return it->second.front();
    }
  }

  /// Keys holding values of element type T, sorted.
  template <typename T>
  std::vector<std::string> getKeys() const {
    std::lock_guard lock(m_mutex);
    std::vector<std::string> keys;
    for (const auto& [k, v] : mapFor<T>()) {
      keys.push_back(k);
    }
    return keys;
  }

  /// Number of keys holding values of element type T.
  template <typename T>
  std::size_t getN() const {
    std::lock_guard lock(m_mutex);
    return mapFor<T>().size();
  }
  /// Number of values stored under `key` as element type T, 0 if none (podio's getN).
  template <typename T>
  std::size_t getN(const std::string& key) const {
    std::lock_guard lock(m_mutex);
    const auto& map = mapFor<T>();
    const auto it = map.find(key);
    return it == map.end() ? 0 : it->second.size();
  }
  /// Keys and values of element type T, in key order (podio's getKeysAndValues).
  template <typename T>
  std::tuple<std::vector<std::string>, std::vector<std::vector<T>>> getKeysAndValues() const {
    std::lock_guard lock(m_mutex);
    std::tuple<std::vector<std::string>, std::vector<std::vector<T>>> out;
    for (const auto& [k, v] : mapFor<T>()) {
      std::get<0>(out).push_back(k);
      std::get<1>(out).push_back(v);
    }
    return out;
  }

  /// Whether no parameter of any type is stored.
  bool empty() const;
  /// Removes every parameter.
  void clear();

  /// Direct access to the map of element type T (for I/O). Not locked.
  template <typename T>
  const std::map<std::string, std::vector<T>>& getMap() const {
    return mapFor<T>();
  }

  /// Equal when all four maps are equal.
  friend bool operator==(const GenericParameters& a, const GenericParameters& b);

private:
  template <typename T>
  std::map<std::string, std::vector<T>>& mapFor() {
    return const_cast<std::map<std::string, std::vector<T>>&>(std::as_const(*this).mapFor<T>());
  }
  template <typename T>
  const std::map<std::string, std::vector<T>>& mapFor() const {
    if constexpr (std::is_same_v<T, int>) {
      return m_ints;
    } else if constexpr (std::is_same_v<T, float>) {
      return m_floats;
    } else if constexpr (std::is_same_v<T, double>) {
      return m_doubles;
    } else {
      return m_strings;
    }
  }

  mutable std::mutex m_mutex;
  std::map<std::string, std::vector<int>> m_ints;
  std::map<std::string, std::vector<float>> m_floats;
  std::map<std::string, std::vector<double>> m_doubles;
  std::map<std::string, std::vector<std::string>> m_strings;
};

} // namespace podml
