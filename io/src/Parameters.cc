#include "Parameters.h"

#include "podml/Exceptions.h"
#include "podml/Json.h"

#include <cmath>
#include <limits>

namespace podml::io::detail {

namespace {
template <typename T>
json::Value number(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(v)) {
      return json::Value("NaN");
    }
    if (std::isinf(v)) {
      return json::Value(v > 0 ? "Infinity" : "-Infinity");
    }
    return json::Value(static_cast<double>(v));
  } else {
    return json::Value(static_cast<int64_t>(v));
  }
}

template <typename T>
T fromNumber(const json::Value& v) {
  if constexpr (std::is_floating_point_v<T>) {
    if (v.isString()) {
      const auto& s = v.asString();
      if (s == "NaN") {
        return std::numeric_limits<T>::quiet_NaN();
      }
      if (s == "Infinity") {
        return std::numeric_limits<T>::infinity();
      }
      if (s == "-Infinity") {
        return -std::numeric_limits<T>::infinity();
      }
      throw DefinitionError("not a number: '" + s + "'");
    }
    return static_cast<T>(v.asDouble());
  } else {
    const auto i = v.asInt();
    if (i < std::numeric_limits<int>::min() || i > std::numeric_limits<int>::max()) {
      throw DefinitionError("integer parameter out of range");
    }
    return static_cast<int>(i);
  }
}

template <typename T>
json::Value section(const GenericParameters& p) {
  json::Value obj = json::Value::object();
  for (const auto& [key, values] : p.getMap<T>()) {
    json::Value arr = json::Value::array();
    for (const auto& v : values) {
      if constexpr (std::is_same_v<T, std::string>) {
        arr.push_back(json::Value(v));
      } else {
        arr.push_back(number(v));
      }
    }
    obj.set(key, std::move(arr));
  }
  return obj;
}

template <typename T>
void readSection(const json::Value& root, const char* name, GenericParameters& p) {
  const auto* sec = root.find(name);
  if (sec == nullptr) {
    return;
  }
  for (const auto& [key, arr] : sec->asObject()) {
    std::vector<T> values;
    for (const auto& v : arr.asArray()) {
      if constexpr (std::is_same_v<T, std::string>) {
        values.push_back(v.asString());
      } else {
        values.push_back(fromNumber<T>(v));
      }
    }
    p.set(key, std::move(values));
  }
}
} // namespace

std::string parametersToJson(const GenericParameters& params) {
  json::Value root = json::Value::object();
  root.set("int", section<int>(params));
  root.set("float", section<float>(params));
  root.set("double", section<double>(params));
  root.set("string", section<std::string>(params));
  return json::dump(root);
}

void parametersFromJson(std::string_view text, GenericParameters& params, const std::string& where) {
  try {
    const json::Value root = json::parse(text, where);
    readSection<int>(root, "int", params);
    readSection<float>(root, "float", params);
    readSection<double>(root, "double", params);
    readSection<std::string>(root, "string", params);
  } catch (const DefinitionError& e) {
    throw IoError(std::string("cannot read parameters: ") + e.what() + " (" + where + ")");
  }
}

} // namespace podml::io::detail
