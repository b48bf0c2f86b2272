// `podml card attach`, `podml check` and the ONNX side of `podml inspect`.
#include "Commands.h"

#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/gen/YamlReader.h"
#include "podml/io/Reader.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/onnx/Session.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace podml::cli {

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

onnx::ModelCard readCardFile(const std::string& path) {
  const std::string text = readText(path);
  if (path.ends_with(".json")) {
    return onnx::ModelCard::fromJson(text, path);
  }
  try {
    return onnx::ModelCard::fromJson(json::dump(yamlToJson(YAML::Load(text))), path);
  } catch (const YAML::Exception& e) {
    throw DefinitionError("cannot read model card: " + e.msg + " (" + path + ":" + std::to_string(e.mark.line + 1) + ")");
  }
}

// The data model a card is completed or checked against: from a podml file or a YAML.
std::shared_ptr<const DataModelDefinition> dataModelFrom(const std::string& source, const std::string& name) {
  if (source.ends_with(".yaml") || source.ends_with(".yml")) {
    auto model = gen::readModel(source, name.empty() ? std::filesystem::path(source).stem().string() : name);
    return std::make_shared<const DataModelDefinition>(std::move(model.definition));
  }
  const auto reader = io::makeReader(source);
  for (const auto& m : reader->dataModels()) {
    if (name.empty() || m->name == name) {
      return m;
    }
  }
  throw DefinitionError("cannot find data model '" + name + "' in '" + source + "'");
}

std::string dims(const std::vector<onnx::Dim>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    s += (i ? ", " : "") + onnx::dimName(shape[i]);
  }
  return s + "]";
}

json::Value tensorsJson(const std::vector<onnx::TensorInfo>& ts) {
  json::Value a = json::Value::array();
  for (const auto& t : ts) {
    json::Value o = json::Value::object();
    o.set("name", json::Value(t.name));
    o.set("type", json::Value(onnx::onnxTypeName(t.elementType)));
    o.set("shape", json::Value(dims(t.shape)));
    a.push_back(std::move(o));
  }
  return a;
}

} // namespace

int inspectModel(const std::string& path, bool asJson) {
  const auto info = onnx::readModelInfo(path);
  if (asJson) {
    json::Value o = json::Value::object();
    o.set("kind", json::Value("onnx-model"));
    o.set("file", json::Value(path));
    o.set("ir_version", json::Value(info.irVersion));
    o.set("producer", json::Value(info.producer));
    o.set("inputs", tensorsJson(info.inputs));
    o.set("outputs", tensorsJson(info.outputs));
    o.set("card", info.card ? json::parse(*info.card, path) : json::Value());
    std::cout << json::dump(o, 2) << "\n";
    return 0;
  }
  std::cout << "model: " << path << "\nIR version " << info.irVersion << ", producer " << info.producer << ", opsets";
  for (const auto& [domain, version] : info.opsets) {
    std::cout << " " << (domain.empty() ? "ai.onnx" : domain) << ":" << version;
  }
  std::cout << "\ninputs:\n";
  for (const auto& t : info.inputs) {
    std::cout << "  " << t.name << "  " << onnx::onnxTypeName(t.elementType) << " " << dims(t.shape) << "\n";
  }
  std::cout << "outputs:\n";
  for (const auto& t : info.outputs) {
    std::cout << "  " << t.name << "  " << onnx::onnxTypeName(t.elementType) << " " << dims(t.shape) << "\n";
  }
  if (!info.card) {
    std::cout << "card: none (attach one with `podml card attach`)\n";
    return 0;
  }
  const auto card = onnx::ModelCard::fromJson(*info.card, path);
  std::cout << "card (version " << card.version << "): data model '" << card.dataModel << "' schema version "
            << card.schemaVersion << ", members hash " << card.membersHash << "\n";
  for (const auto& in : card.inputs) {
    std::cout << "  input " << in.name << " <- " << in.collectionType << " '" << in.collection << "' "
              << dtypeName(in.dtype) << " " << dims(in.shape) << "\n";
    for (const auto& m : in.members) {
      std::cout << "    " << m.path << "  " << dtypeName(m.dtype) << (m.unit.empty() ? "" : " [" + m.unit + "]") << "\n";
    }
    if (!in.preprocessing.empty()) {
      std::cout << "    preprocessing: " << in.preprocessing << "\n";
    }
  }
  for (const auto& o : card.outputs) {
    std::cout << "  output " << o.name << ": " << o.meaning;
    if (o.target) {
      std::cout << " -> " << o.target->type << "." << o.target->member << " in '" << o.target->collection << "'"
                << (o.target->relation.empty() ? "" : " (" + o.target->relation + " -> scored object)");
    }
    std::cout << "\n";
  }
  std::cout << "  producer: " << card.producer << "\n";
  return 0;
}

Runner addCardCommand(CLI::App& app) {
  struct Options {
    std::string model, card, out, data, dataModel;
  };
  auto opts = std::make_shared<Options>();
  auto* card = app.add_subcommand("card", "Model cards: attach one to an ONNX model");
  card->require_subcommand(1);
  auto* attach = card->add_subcommand("attach", "Store a model card (YAML or JSON) in an ONNX model's metadata");
  attach->footer("Members given as plain paths get their dtype, shape and unit from the data model.\nExample:\n"
                 "  podml card attach model.onnx card.yaml -o model-card.onnx --data events.h5");
  attach->add_option("model", opts->model, "ONNX model")->required();
  attach->add_option("card", opts->card, "model card, .yaml or .json")->required();
  attach->add_option("-o,--output", opts->out, "output model (may equal the input)")->required();
  attach->add_option("--data", opts->data, "podml file or data model YAML to complete the card from");
  attach->add_option("--datamodel", opts->dataModel, "data model name (default: the card's)");
  return [opts, attach]() -> int {
    if (!attach->parsed()) {
      return -1;
    }
    auto c = readCardFile(opts->card);
    if (!opts->data.empty()) {
      const auto dm = dataModelFrom(opts->data, opts->dataModel.empty() ? c.dataModel : opts->dataModel);
      c.completeFrom(*dm);
    }
    if (c.producer.empty()) {
      c.producer = "podml " PODML_VERSION_STRING;
    }
    const auto info = onnx::readModelInfo(opts->model);
    const auto problems = onnx::checkCardAgainstGraph(c, info);
    if (!problems.empty()) {
      std::cerr << "podml: error: the card does not fit the model '" << opts->model << "':\n";
      for (const auto& p : problems) {
        std::cerr << "  " << p << "\n";
      }
      return 1;
    }
    onnx::attachCard(opts->model, c, opts->out);
    std::cout << "podml: attached a card (" << c.inputs.size() << " inputs, " << c.outputs.size() << " outputs) to "
              << opts->out << "\n";
    return 0;
  };
}

Runner addCheckCommand(CLI::App& app) {
  struct Options {
    std::string model, data;
    bool json{false};
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("check", "Check that an ONNX model's card fits its graph and a data file");
  cmd->footer("Exit code 0 if everything fits, 1 with one line per mismatch otherwise.\nExample:\n"
              "  podml check model.onnx events.h5");
  cmd->add_option("model", opts->model, "ONNX model with a podml card")->required();
  cmd->add_option("data", opts->data, "podml file (or data model YAML)")->required();
  cmd->add_flag("--json", opts->json, "print the result as JSON");
  return [opts, cmd]() -> int {
    if (!cmd->parsed()) {
      return -1;
    }
    const auto info = onnx::readModelInfo(opts->model);
    if (!info.card) {
      throw ModelError("cannot check model '" + opts->model + "': it has no podml card (attach one with podml card attach)");
    }
    const auto card = onnx::ModelCard::fromJson(*info.card, opts->model);
    auto problems = onnx::checkCardAgainstGraph(card, info);
    std::shared_ptr<const DataModelDefinition> dm;
    try {
      dm = dataModelFrom(opts->data, card.dataModel);
    } catch (const DefinitionError&) {
      problems.push_back("data model: the model reads '" + card.dataModel + "', which '" + opts->data + "' does not contain");
    }
    if (dm) {
      const auto more = onnx::checkCardAgainstDataModel(card, *dm);
      problems.insert(problems.end(), more.begin(), more.end());
    }
    if (opts->json) {
      json::Value o = json::Value::object();
      o.set("model", json::Value(opts->model));
      o.set("data", json::Value(opts->data));
      o.set("ok", json::Value(problems.empty()));
      json::Value p = json::Value::array();
      for (const auto& line : problems) {
        p.push_back(json::Value(line));
      }
      o.set("mismatches", std::move(p));
      std::cout << json::dump(o, 2) << "\n";
    } else if (problems.empty()) {
      std::cout << "podml: " << opts->model << " fits " << opts->data << "\n";
    } else {
      std::cout << "podml: " << opts->model << " does not fit " << opts->data << " (" << problems.size()
                << " mismatches):\n";
      for (const auto& line : problems) {
        std::cout << "  " << line << "\n";
      }
    }
    return problems.empty() ? 0 : 1;
  };
}

} // namespace podml::cli
