#include "podml/workflow/Cards.h"

#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/OutputPath.h"
#include "podml/Text.h"
#include "podml/onnx/Session.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace podml::workflow {

namespace {

// YAML scalars carry no type; the card's numbers are integers, its flags booleans.
json::Value yamlToJson(const YAML::Node& n) {
  switch (n.Type()) {
  case YAML::NodeType::Map: {
    json::Value o = json::Value::object();
    for (const auto& kv : n) {
      o.set(kv.first.as<std::string>(), yamlToJson(kv.second));
    }
    return o;
  }
  case YAML::NodeType::Sequence: {
    json::Value a = json::Value::array();
    for (const auto& v : n) {
      a.push_back(yamlToJson(v));
    }
    return a;
  }
  case YAML::NodeType::Scalar: {
    const std::string s = n.Scalar();
    if (n.Tag() != "!" && !s.empty()) { // quoted scalars stay strings
      char* end = nullptr;
      const long long i = std::strtoll(s.c_str(), &end, 10);
      if (end != nullptr && *end == '\0') {
        return json::Value(static_cast<int64_t>(i));
      }
      // A card's only non-integer number is a pad value: plain decimals and exponents, no
      // YAML specials (.inf, .nan), which a pad value has no use for.
      if (s.find_first_not_of("0123456789+-.eE") == std::string::npos && s.find_first_of("0123456789") != std::string::npos) {
        char* dend = nullptr;
        const double d = std::strtod(s.c_str(), &dend);
        if (dend != nullptr && *dend == '\0') {
          return json::Value(d);
        }
      }
      if (s == "true" || s == "True") {
        return json::Value(true);
      }
      if (s == "false" || s == "False") {
        return json::Value(false);
      }
    }
    return json::Value(s);
  }
  default:
    return json::Value();
  }
}

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw DefinitionError("cannot read '" + path + "': no such file or not readable");
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

onnx::ModelCard readCardFile(const std::string& path) {
  const std::string text = readText(path);
  requireUtf8Text(text, "model card", path);
  if (path.ends_with(".json")) {
    return onnx::ModelCard::fromJson(text, path);
  }
  try {
    return onnx::ModelCard::fromJson(json::dump(yamlToJson(YAML::Load(text))), path);
  } catch (const YAML::Exception& e) {
    throw DefinitionError("cannot read model card: " + e.msg + " (" + path + ":" + std::to_string(e.mark.line + 1) + ")");
  }
}

void completeCard(onnx::ModelCard& card, const DataModelDefinition* dm) {
  if (dm != nullptr) {
    card.completeFrom(*dm);
  }
  for (const auto& in : card.inputs) {
    for (const auto& m : in.members) {
      if (!m.described) {
        // Attached as is, the card would claim float32 scalars for whatever the member holds.
        throw UsageError("cannot attach the card without data: input '" + in.name + "' gives member '" + m.path +
                         "' as a bare path, and podml fills in its dtype, shape and unit from the data; pass the "
                         "data (a podml file or the data model's YAML)");
      }
    }
  }
  if (card.producer.empty()) {
    card.producer = "podml " PODML_VERSION_STRING;
  }
}

void attachCard(const std::string& modelIn, const onnx::ModelCard& card, const std::string& modelOut,
                const std::vector<std::string>& otherInputs) {
  checkOutputPath(modelOut, otherInputs, "model");
  const auto info = onnx::readModelInfo(modelIn);
  const auto problems = onnx::checkCardAgainstGraph(card, info);
  if (!problems.empty()) {
    throw ModelError("the card does not fit the model '" + modelIn + "':" + onnx::formatMismatches(problems));
  }
  onnx::attachCard(modelIn, card, modelOut);
}

onnx::ModelCard requireCard(const std::string& modelPath, const onnx::ModelInfo& info, const std::string& verb) {
  if (!info.card) {
    throw ModelError("cannot " + verb + " model '" + modelPath + "': it has no podml card");
  }
  return onnx::ModelCard::fromJson(*info.card, modelPath);
}

CheckReport checkModel(const std::string& modelPath, const DataModels& data, const std::string& dataModelName) {
  return checkModel(onnx::readModelInfo(modelPath), data, dataModelName);
}

CheckReport checkModel(onnx::ModelInfo info, const DataModels& data, const std::string& dataModelName) {
  CheckReport r;
  r.info = std::move(info);
  r.card = requireCard(r.info.path, r.info, "check");
  r.problems = onnx::checkCardAgainstGraph(r.card, r.info);
  const std::string name = dataModelName.empty() ? r.card.dataModel : dataModelName;
  r.dataModel = data.find(name);
  if (r.dataModel) {
    const auto more = onnx::checkCardAgainstDataModel(r.card, *r.dataModel);
    r.problems.insert(r.problems.end(), more.begin(), more.end());
  } else {
    r.problems.push_back("data model: the model reads '" + name + "', which " + data.where +
                         " does not contain (it holds " + data.names() + ")");
  }
  if (r.problems.empty()) {
    // The card can fit while ONNX Runtime refuses the graph (an unknown operator, types
    // that do not match inside it): "fits" must mean that `podml infer` can run it.
    try {
      const onnx::Session session(r.info.path, *r.dataModel);
    } catch (const ModelError& e) {
      r.problems.push_back(std::string("model: ONNX Runtime cannot run it: ") + e.what());
    }
  }
  return r;
}

} // namespace podml::workflow
