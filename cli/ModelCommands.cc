// `podml card attach`, `podml check` and the ONNX side of `podml inspect`.
#include "Commands.h"

#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/workflow/Cards.h"

#include <iostream>
#include <memory>

namespace podml::cli {

namespace {

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

void printCard(const onnx::ModelCard& card, std::ostream& out) {
  out << "card (version " << card.requiredVersion() << "): data model '" << card.dataModel << "' schema version "
      << card.schemaVersion << ", members hash " << card.membersHash << "\n";
  for (const auto& in : card.inputs) {
    out << "  input " << in.name << " " << dtypeName(in.dtype) << " " << dims(in.shape) << " <- " << onnx::describeInput(in)
        << "\n";
    for (const auto& m : in.members) {
      out << "    " << m.path << "  " << dtypeName(m.dtype) << (m.unit.empty() ? "" : " [" + m.unit + "]") << "\n";
    }
    if (!in.preprocessing.empty()) {
      out << "    preprocessing: " << in.preprocessing << "\n";
    }
  }
  for (const auto& o : card.outputs) {
    out << "  output " << o.name << ": " << onnx::describeOutput(o) << "\n";
  }
  out << "  producer: " << card.producer << "\n";
}

} // namespace

std::string attachHint(const std::string& model) {
  return "attach one with `podml card attach " + shellQuote(model) +
         " CARD.yaml -o MODEL-card.onnx --data DATA.h5`; docs/model-card.md describes cards";
}

onnx::ModelCard requireModelCard(const std::string& model, const onnx::ModelInfo& info, const std::string& verb) {
  if (!info.card) {
    throw CliError(kExitBadData, "cannot " + verb + " model '" + model + "': it has no podml card", attachHint(model));
  }
  onnx::ModelCard card;
  withHint([&] { card = onnx::ModelCard::fromJson(*info.card, model); },
           "the card stored in the model is broken: attach a new one with `podml card attach`");
  return card;
}

int inspectModel(const std::string& path, bool asJson, const GlobalOptions& g) {
  const auto info = onnx::readModelInfo(path);
  if (asJson) {
    json::Value o = json::Value::object();
    o.set("kind", json::Value("onnx-model"));
    o.set("file", json::Value(path));
    o.set("ir_version", json::Value(info.irVersion));
    o.set("producer", json::Value(info.producer));
    json::Value opsets = json::Value::object();
    for (const auto& [domain, version] : info.opsets) {
      opsets.set(domain.empty() ? "ai.onnx" : domain, json::Value(version));
    }
    o.set("opsets", std::move(opsets));
    o.set("inputs", tensorsJson(info.inputs));
    o.set("outputs", tensorsJson(info.outputs));
    o.set("card", info.card ? json::parse(*info.card, path) : json::Value());
    std::cout << json::dump(o, 2) << "\n";
    return 0;
  }
  if (g.quiet) {
    if (info.card) {
      (void)onnx::ModelCard::fromJson(*info.card, path); // still report a broken card
    }
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
    std::cout << "card: none; " << attachHint(path) << "\n";
    return 0;
  }
  const auto card = onnx::ModelCard::fromJson(*info.card, path);
  printCard(card, std::cout);
  if (g.verbose) {
    std::cout << "provenance: " << json::dump(json::parse(card.provenanceJson, path), 2) << "\n";
  }
  return 0;
}

Runner addCardCommand(CLI::App& app, const GlobalOptions& g) {
  struct Options {
    std::string model, card, out, data, dataModel;
  };
  auto opts = std::make_shared<Options>();
  auto* card = app.add_subcommand("card", "Model cards: attach one to an ONNX model (what it reads, what it writes)");
  card->require_subcommand(1);
  card->footer("A card says which collection, type and members a model reads and where its\n"
               "outputs go (docs/model-card.md).\n"
               "Examples:\n"
               "  podml card attach model.onnx card.yaml -o model-card.onnx --data events.h5\n"
               "  podml card attach --help");
  auto* attach = card->add_subcommand("attach", "Store a model card (YAML or JSON) in an ONNX model's metadata");
  attach->footer("Members given as plain paths get their dtype, shape and unit from the data model (--data).\n"
                 "The card must fit the graph (input and output names, dtypes, widths), else nothing is written.\n"
                 "Examples:\n"
                 "  podml card attach model.onnx card.yaml -o model-card.onnx --data events.h5\n"
                 "  podml card attach model.onnx card.json -o model.onnx --data edm4hep.yaml --datamodel edm4hep\n"
                 "  podml check model-card.onnx events.h5      # then check it against the data");
  attach->add_option("model", opts->model, "ONNX model")->required();
  attach->add_option("card", opts->card, "model card, .yaml or .json")->required();
  attach->add_option("-o,--output", opts->out, "output model (may equal the input)")->required();
  attach->add_option("--data", opts->data, "podml file or data model YAML to complete the card from");
  attach->add_option("--datamodel", opts->dataModel, "data model name (default: the card's)");
  return [opts, attach, &g]() -> int {
    if (!attach->parsed()) {
      return -1;
    }
    onnx::ModelCard c;
    withHint([&] { c = workflow::readCardFile(opts->card); },
             [](const std::string& what) -> std::string {
               return what.find("no such file") != std::string::npos
                          ? ""
                          : "docs/model-card.md describes the card's fields, with an example";
             });
    std::shared_ptr<const DataModelDefinition> dm;
    if (!opts->data.empty()) {
      const std::string name = opts->dataModel.empty() ? c.dataModel : opts->dataModel;
      const auto models = workflow::dataModelsIn(opts->data, name);
      dm = models.find(name);
      if (!dm) {
        throw CliError(kExitBadData, "cannot complete the card from '" + opts->data + "': it holds no data model '" + name +
                                         "' (it holds " + models.names() + ")",
                       "pass the data the model was made for, or name the data model with --datamodel");
      }
    }
    withHint([&] { workflow::completeCard(c, dm.get()); },
             opts->data.empty() ? "add --data FILE: the events the model is for, or the data model's YAML"
                                : "run `podml inspect -v " + shellQuote(opts->data) +
                                      "` to list the collections and their columns");
    withHint([&] { workflow::attachCard(opts->model, c, opts->out, {opts->card, opts->data}); },
             "run `podml inspect " + shellQuote(opts->model) + "` to see the graph's inputs and outputs");
    if (g.verbose) {
      printCard(c, std::cout);
    }
    if (!g.quiet) {
      std::cout << "podml: attached a card (" << c.inputs.size() << " inputs, " << c.outputs.size() << " outputs) to "
                << opts->out << "\n";
    }
    return 0;
  };
}

Runner addCheckCommand(CLI::App& app, const GlobalOptions& g) {
  struct Options {
    std::string model, data;
    bool json{false};
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("check", "Check that an ONNX model's card fits its graph and a data file");
  cmd->footer("Exit code 0 if everything fits, 1 with one line per mismatch otherwise (also with --json).\n"
              "The data may be a podml file or the data model's YAML. -q prints nothing: use the exit code.\n"
              "--json prints one document (schema: docs/cli.md).\n"
              "Examples:\n"
              "  podml check model.onnx events.h5\n"
              "  podml check model.onnx edm4hep.yaml --json\n"
              "  podml check -q model.onnx events.h5 && podml infer model.onnx events.h5 -o scored.h5");
  cmd->add_option("model", opts->model, "ONNX model with a podml card")->required();
  cmd->add_option("data", opts->data, "podml file (or data model YAML)")->required();
  cmd->add_flag("--json", opts->json, "print the result as one JSON document");
  return [opts, cmd, &g]() -> int {
    if (!cmd->parsed()) {
      return -1;
    }
    const auto info = onnx::readModelInfo(opts->model);
    // requireModelCard: the CLI's message and hint for a model without a card. A data model
    // YAML names no model: it is read as the one the card names.
    const auto named = requireModelCard(opts->model, info, "check").dataModel;
    const auto report = workflow::checkModel(info, workflow::dataModelsIn(opts->data, named));
    const auto& card = report.card;
    const auto& problems = report.problems;
    const auto& dm = report.dataModel;
    if (opts->json) {
      json::Value o = json::Value::object();
      o.set("kind", json::Value("podml-check"));
      o.set("model", json::Value(opts->model));
      o.set("data", json::Value(opts->data));
      o.set("datamodel", json::Value(card.dataModel));
      o.set("schema_version", json::Value(card.schemaVersion));
      o.set("ok", json::Value(problems.empty()));
      json::Value p = json::Value::array();
      for (const auto& line : problems) {
        p.push_back(json::Value(line));
      }
      o.set("mismatches", std::move(p));
      std::cout << json::dump(o, 2) << "\n";
    } else if (!g.quiet) {
      if (g.verbose) {
        printCard(card, std::cout);
        std::cout << "checked the card against the graph (" << info.inputs.size() << " inputs, " << info.outputs.size()
                  << " outputs) and against data model '" << card.dataModel << "'";
        if (dm) {
          std::cout << " schema version " << dm->schemaVersion << " from " << opts->data;
        }
        std::cout << "\n";
      }
      if (problems.empty()) {
        std::cout << "podml: " << opts->model << " fits " << opts->data << "\n";
      } else {
        std::cout << "podml: " << opts->model << " does not fit " << opts->data << " (" << problems.size()
                  << (problems.size() == 1 ? " mismatch" : " mismatches") << "):\n";
        for (const auto& line : problems) {
          std::cout << "  " << line << "\n";
        }
        std::cout << "next: compare what the model reads (`podml inspect " << shellQuote(opts->model) << "`) with "
                  << (workflow::isDataModelYaml(opts->data) ? "the data model " + opts->data
                                         : "what the data holds (`podml inspect -v " + shellQuote(opts->data) + "`)")
                  << ", then fix the card and attach it again with `podml card attach`\n";
      }
    }
    return problems.empty() ? kExitOk : kExitBadData;
  };
}

} // namespace podml::cli
