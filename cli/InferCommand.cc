// `podml infer MODEL.onnx IN.h5 -o OUT.h5`: runs a model over every event and
// writes its outputs as new collections next to the collections they score.
#include "Commands.h"

#include "Progress.h"

#include "podml/Exceptions.h"
#include "podml/io/Reader.h"
#include "podml/io/Writer.h"
#include "podml/onnx/Session.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

namespace podml::cli {

namespace {

// "i/n" with 0 <= i < n, as --shard takes it; nullopt if malformed.
std::optional<std::pair<uint64_t, uint64_t>> parseShard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size() ||
      text.find_first_not_of("0123456789/") != std::string::npos || text.find('/', slash + 1) != std::string::npos ||
      slash > 18 || text.size() - slash - 1 > 18) {
    return std::nullopt;
  }
  return std::make_pair(std::stoull(text.substr(0, slash)), std::stoull(text.substr(slash + 1)));
}

std::string joinQuoted(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) {
    s += (s.empty() ? "'" : ", '") + n + "'";
  }
  return s.empty() ? "none" : s;
}

} // namespace

Runner addInferCommand(CLI::App& app, const GlobalOptions& g) {
  struct Options {
    std::string model, output, category{"events"};
    std::vector<std::string> inputs;
    std::string collection;
    std::string shard;
    int32_t algorithmType{0};
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("infer", "Run an ONNX model with a podml card over every event of podml files");
  cmd->footer("The output file holds, per event, the scored input collections and one new collection per\n"
              "output with a target (e.g. edm4hep::ParticleID), whose relation points at the scored object.\n"
              "The model must carry a card (podml card attach) that fits the data (podml check).\n"
              "-v lists the files, the collections each input reads and ONNX Runtime's threads.\n"
              "Examples:\n"
              "  podml infer model.onnx events.h5 -o scored.h5\n"
              "  podml infer model.onnx 'run*.h5' -o part3.h5 --shard 3/10 --collection PFOs\n"
              "  podml -q infer model.onnx events.h5 -o scored.h5 && podml inspect scored.h5");
  cmd->add_option("model", opts->model, "ONNX model with a podml card")->required();
  cmd->add_option("inputs", opts->inputs, "podml file(s) or glob(s)")->required();
  cmd->add_option("-o,--output", opts->output, "output podml file")->required();
  cmd->add_option("--collection", opts->collection, "read the model's first input from this collection");
  cmd->add_option("--category", opts->category, "category of the frames to score (default: events)");
  cmd->add_option("--shard", opts->shard, "process only share i of n (i/n, 0-based), for batch systems")
      ->check(CLI::Validator(
          [](const std::string& text) -> std::string {
            const auto s = parseShard(text);
            if (!s) {
              return "expects i/n (e.g. 3/10), got '" + text + "'";
            }
            if (s->second == 0 || s->first >= s->second) {
              return "cannot take shard " + std::to_string(s->first) + " of " + std::to_string(s->second) +
                     ": need 0 <= i < n";
            }
            return {};
          },
          "i/n"));
  cmd->add_option("--algorithm-type", opts->algorithmType, "value for the target's algorithmType member (default 0)");
  return [opts, cmd, &g]() -> int {
    if (!cmd->parsed()) {
      return -1;
    }
    auto reader = io::makeReader(opts->inputs);
    const auto info = onnx::readModelInfo(opts->model);
    const auto card = requireModelCard(opts->model, info, "run");
    const std::string firstFile = shellQuote(reader->files().front());
    const std::string checkHint =
        "run `podml check " + shellQuote(opts->model) + " " + firstFile + "` to list every mismatch";
    std::shared_ptr<const DataModelDefinition> dm;
    std::vector<std::string> held;
    for (const auto& m : reader->dataModels()) {
      held.push_back(m->name);
      if (m->name == card.dataModel) {
        dm = m;
      }
    }
    if (!dm) {
      throw CliError(kExitBadData,
                     "cannot run model '" + opts->model + "': it reads data model '" + card.dataModel +
                         "', which the input files do not contain (they hold " + joinQuoted(held) + ")",
                     checkHint);
    }
    // The category and collections to read: checked here, so that a typo is reported before any work.
    const auto categories = reader->getAvailableCategories();
    if (std::find(categories.begin(), categories.end(), opts->category) == categories.end()) {
      throw CliError(kExitBadUsage,
                     "cannot score category '" + opts->category + "': the input files have no such category (they have " +
                         joinQuoted(categories) + ")",
                     "pass one of them with --category");
    }
    // Writing over an input would replace it while it is read.
    for (const auto& f : reader->files()) {
      std::error_code ec;
      if (std::filesystem::equivalent(f, opts->output, ec)) {
        throw CliError(kExitBadUsage, "cannot write '" + opts->output + "': it is one of the input files",
                       "choose another output file with -o");
      }
    }
    onnx::SessionOptions so;
    so.algorithmType = opts->algorithmType;
    if (!opts->collection.empty()) {
      so.inputCollections[card.inputs.front().name] = opts->collection;
    }
    std::vector<std::string> stored;
    for (const auto& c : reader->collections(opts->category)) {
      stored.push_back(c.name);
    }
    std::vector<std::string> read;
    for (const auto& in : card.inputs) {
      const auto over = so.inputCollections.find(in.name);
      const bool fromOption = over != so.inputCollections.end();
      read.push_back(fromOption ? over->second : in.collection);
      if (std::find(stored.begin(), stored.end(), read.back()) == stored.end()) {
        const std::string what = "cannot run model '" + opts->model + "': input '" + in.name + "' reads collection '" +
                                 read.back() + "', which is not in category '" + opts->category +
                                 "' of the input files";
        const std::string hint = "run `podml inspect " + firstFile + "` to list the collections" +
                                 (fromOption ? "" : ", and pass the one to read with --collection NAME");
        throw CliError(fromOption ? kExitBadUsage : kExitBadData, what, hint);
      }
    }
    std::optional<onnx::Session> session;
    withHint([&] { session.emplace(opts->model, *dm, so); }, checkHint);
    uint64_t first = 0, last = reader->getEntries(opts->category);
    if (!opts->shard.empty()) {
      const auto [i, n] = *parseShard(opts->shard);
      const auto range = io::EntryRange::shard(last, i, n);
      first = range.first;
      last = range.last;
    }
    if (g.verbose) {
      std::cout << "model: " << opts->model << " (data model '" << card.dataModel << "' schema version "
                << card.schemaVersion << ")\n";
      std::cout << "files:";
      for (const auto& f : reader->files()) {
        std::cout << " " << f;
      }
      std::cout << "\n";
      for (std::size_t k = 0; k < card.inputs.size(); ++k) {
        const auto& in = card.inputs[k];
        std::cout << "input '" << in.name << "' <- collection '" << read[k] << "' (" << in.collectionType << "), members:";
        for (const auto& m : in.members) {
          std::cout << " " << m.path;
        }
        std::cout << "\n";
      }
      for (const auto& o : card.outputs) {
        std::cout << "output '" << o.name << "'";
        if (o.target) {
          std::cout << " -> " << o.target->type << "." << o.target->member << " in collection '"
                    << (o.target->collection.empty() ? o.name : o.target->collection) << "'\n";
        } else {
          std::cout << ": not written (no target in the card)\n";
        }
      }
      std::cout << "category '" << opts->category << "', entries " << first << ".." << last << " of "
                << reader->getEntries(opts->category) << "; ONNX Runtime: " << so.intraOpThreads
                << " intra-op thread(s), " << so.interOpThreads << " inter-op thread(s)\n";
    }
    io::Writer writer(opts->output);
    Progress progress(last - first, "scoring", g.quiet);
    uint64_t scored = 0;
    for (uint64_t e = first; e < last; ++e) {
      Frame event = reader->readFrame(opts->category, e, read);
      auto outputs = session->runAndWriteBack(event);
      for (const auto& name : read) {
        if (const auto* c = event.get(name)) {
          scored += c->size();
        }
      }
      // The scored collections stay in the frame, so the new relations resolve within the output file.
      for (auto& [name, coll] : outputs) {
        event.put(std::move(coll), name);
      }
      writer.writeFrame(event, opts->category);
      progress.update(e - first + 1);
    }
    // Where EDM4hep's PIDHandler looks for them: "<collection>__AlgoName" etc. in the metadata frame.
    Frame meta;
    for (const auto& o : session->card().outputs) {
      if (!o.target) {
        continue;
      }
      const std::string coll = o.target->collection.empty() ? o.name : o.target->collection;
      meta.putParameter(coll + "__AlgoName", std::filesystem::path(opts->model).stem().string());
      meta.putParameter(coll + "__AlgoType", static_cast<int>(opts->algorithmType));
      meta.putParameter(coll + "__ParameterNames", std::vector<std::string>{o.name});
      meta.putParameter(coll + "__podml_model", opts->model);
      meta.putParameter(coll + "__podml_meaning", o.meaning);
    }
    writer.writeFrame(meta, "metadata");
    writer.finish();
    progress.done();
    if (!g.quiet) {
      std::cout << "podml: scored " << scored << " objects in " << (last - first) << " events with " << opts->model
                << " -> " << opts->output << "\n";
    }
    return 0;
  };
}

} // namespace podml::cli
