// `podml infer MODEL.onnx IN.h5 -o OUT.h5`: runs a model over every event and
// writes its outputs as new collections next to the collections they score.
#include "Commands.h"

#include "Progress.h"

#include "podml/Exceptions.h"
#include "podml/io/Reader.h"
#include "podml/io/Writer.h"
#include "podml/onnx/Session.h"

#include <filesystem>
#include <iostream>
#include <memory>

namespace podml::cli {

Runner addInferCommand(CLI::App& app) {
  struct Options {
    std::string model, output, category{"events"};
    std::vector<std::string> inputs;
    std::string collection;
    std::string shard;
    int32_t algorithmType{0};
    bool quiet{false};
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("infer", "Run an ONNX model with a podml card over every event of podml files");
  cmd->footer("The output file holds, per event, the scored input collections and one new collection per\n"
              "output with a target (e.g. edm4hep::ParticleID), whose relation points at the scored object.\n"
              "Examples:\n"
              "  podml infer model.onnx events.h5 -o scored.h5\n"
              "  podml infer model.onnx 'run*.h5' -o part3.h5 --shard 3/10 --collection PFOs");
  cmd->add_option("model", opts->model, "ONNX model with a podml card")->required();
  cmd->add_option("inputs", opts->inputs, "podml file(s) or glob(s)")->required();
  cmd->add_option("-o,--output", opts->output, "output podml file")->required();
  cmd->add_option("--collection", opts->collection, "read the model's first input from this collection");
  cmd->add_option("--category", opts->category, "category of the frames to score (default: events)");
  cmd->add_option("--shard", opts->shard, "process only share i of n (i/n, 0-based), for batch systems");
  cmd->add_option("--algorithm-type", opts->algorithmType, "value for the target's algorithmType member");
  cmd->add_flag("-q,--quiet", opts->quiet, "no progress bar");
  return [opts, cmd]() -> int {
    if (!cmd->parsed()) {
      return -1;
    }
    auto reader = io::makeReader(opts->inputs);
    const auto info = onnx::readModelInfo(opts->model);
    if (!info.card) {
      throw ModelError("cannot run model '" + opts->model + "': it has no podml card (attach one with podml card attach)");
    }
    const auto card = onnx::ModelCard::fromJson(*info.card, opts->model);
    std::shared_ptr<const DataModelDefinition> dm;
    for (const auto& m : reader->dataModels()) {
      if (m->name == card.dataModel) {
        dm = m;
      }
    }
    if (!dm) {
      throw ModelError("cannot run model '" + opts->model + "': it reads data model '" + card.dataModel +
                       "', which the input files do not contain");
    }
    onnx::SessionOptions so;
    so.algorithmType = opts->algorithmType;
    if (!opts->collection.empty()) {
      so.inputCollections[card.inputs.front().name] = opts->collection;
    }
    const onnx::Session session(opts->model, *dm, so);
    std::vector<std::string> read;
    for (const auto& in : session.card().inputs) {
      const auto over = so.inputCollections.find(in.name);
      read.push_back(over != so.inputCollections.end() ? over->second : in.collection);
    }
    uint64_t first = 0, last = reader->getEntries(opts->category);
    if (!opts->shard.empty()) {
      const auto slash = opts->shard.find('/');
      try {
        const uint64_t i = std::stoull(opts->shard.substr(0, slash));
        const uint64_t n = std::stoull(opts->shard.substr(slash + 1));
        const auto range = io::EntryRange::shard(last, i, n);
        first = range.first;
        last = range.last;
      } catch (const std::logic_error&) {
        throw UsageError("--shard expects i/n with 0 <= i < n, got '" + opts->shard + "'");
      }
    }
    io::Writer writer(opts->output);
    Progress progress(last - first, "events", opts->quiet);
    uint64_t scored = 0;
    for (uint64_t e = first; e < last; ++e) {
      Frame event = reader->readFrame(opts->category, e, read);
      auto outputs = session.runAndWriteBack(event);
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
    for (const auto& o : session.card().outputs) {
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
    if (!opts->quiet) {
      std::cout << "podml: scored " << scored << " objects in " << (last - first) << " events with " << opts->model
                << " -> " << opts->output << "\n";
    }
    return 0;
  };
}

} // namespace podml::cli
