// `podml infer MODEL.onnx IN.h5 -o OUT.h5`: runs a model over every event and
// writes its outputs as new collections next to the collections they score.
#include "Commands.h"

#include "Progress.h"

#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/io/Reader.h"
#include "podml/onnx/Session.h"
#include "podml/workflow/Inference.h"

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


// The job's summary (workflow::summaryJson, shared with podml.infer) after the run's arguments.
template <typename Options>
json::Value inferJson(const workflow::InferenceSummary& s, const Options& opts, const std::vector<std::string>& files) {
  auto o = json::Value::object();
  o.set("kind", "podml-infer");
  o.set("model", opts.model);
  auto inputs = json::Value::array();
  for (const auto& f : files) {
    inputs.push_back(f);
  }
  o.set("inputs", std::move(inputs));
  o.set("output", opts.output);
  o.set("category", opts.category);
  const auto summary = workflow::summaryJson(s); // held: asObject() refers into it
  for (const auto& [key, value] : summary.asObject()) {
    o.set(key, value);
  }
  return o;
}

} // namespace

Runner addInferCommand(CLI::App& app, const GlobalOptions& g) {
  struct Options {
    std::string model, output, category{"events"};
    std::vector<std::string> inputs;
    std::vector<std::string> collections;
    std::string shard, onEmpty{"skip"};
    int32_t algorithmType{0};
    bool onlyScores{false};
    std::size_t eventsPerRun{1};
    bool lengthBuckets{false};
    int threads{1};
    bool json{false};
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("infer", "Run an ONNX model with a podml card over every event of podml files");
  cmd->footer("The output file holds, per event, every collection of the input event and one new collection\n"
              "per output with a target (e.g. edm4hep::ParticleID), whose relation points at the scored object;\n"
              "with --only-scores only the scored collections and the new ones (relations into anything else\n"
              "are then stored as unset). An event in which one input collection is empty while another has\n"
              "objects cannot be scored: it is written without scores and counted (--on-empty-input fail stops).\n"
              "The model must carry a card (podml card attach) that fits the data (podml check).\n"
              "-v lists the files, the collections each input reads and ONNX Runtime's threads; --json prints\n"
              "the summary as one document (schema: docs/cli.md).\n"
              "Examples:\n"
              "  podml infer model.onnx events.h5 -o scored.h5\n"
              "  podml infer model.onnx 'run*.h5' -o part3.h5 --shard 3/10 --collection PFOs\n"
              "  podml infer model.onnx events.h5 -o scores.h5 --only-scores --collection tracks=Tracks\n"
              "  podml -q infer model.onnx events.h5 -o scored.h5 && podml inspect scored.h5");
  cmd->add_option("model", opts->model, "ONNX model with a podml card")->required();
  cmd->add_option("inputs", opts->inputs, "podml file(s) or glob(s)")->required();
  cmd->add_option("-o,--output", opts->output, "output podml file")->required();
  cmd->add_option("--collection", opts->collections,
                  "read the model's first input from collection NAME, or input INPUT from NAME with INPUT=NAME "
                  "(repeatable)");
  cmd->add_flag("--only-scores", opts->onlyScores, "write only the scored collections and the new ones");
  cmd->add_option("--on-empty-input", opts->onEmpty,
                  "an event whose input collections cannot share the object axis (one empty): skip (default) or fail")
      ->check(CLI::IsMember({"skip", "fail"}));
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
  cmd->add_option("--events-per-run", opts->eventsPerRun,
                  "batch the objects of N events into one ONNX Runtime call (default 1; 16-64 is faster for "
                  "small collections)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{4096}));
  cmd->add_flag("--length-buckets", opts->lengthBuckets,
                "with --events-per-run: group objects by constituent count, each group padded to its own "
                "longest list (needs a mask input)");
  cmd->add_option("--threads", opts->threads,
                  "ONNX Runtime threads per call (default 1; run several jobs, e.g. --shard, to use more cores)")
      ->check(CLI::Range(1, 1024));
  cmd->add_flag("--json", opts->json, "print the summary as one JSON document");
  return [opts, cmd, &g]() -> int {
    if (!cmd->parsed()) {
      return -1;
    }
    workflow::InferenceRequest rq;
    rq.intraOpThreads = opts->threads;
    rq.model = opts->model;
    rq.inputs = opts->inputs;
    rq.output = opts->output;
    rq.category = opts->category;
    rq.algorithmType = opts->algorithmType;
    rq.onlyScores = opts->onlyScores;
    rq.eventsPerRun = opts->eventsPerRun;
    rq.lengthBuckets = opts->lengthBuckets;
    rq.onEmptyInput = opts->onEmpty == "fail" ? workflow::OnEmptyInput::Fail : workflow::OnEmptyInput::Skip;
    if (!opts->shard.empty()) {
      std::tie(rq.shardIndex, rq.shardCount) = *parseShard(opts->shard);
    }
    std::string firstInput; // --collection NAME: the model's first input, known once the card is read
    for (const auto& c : opts->collections) {
      const auto eq = c.find('=');
      if (eq == std::string::npos) {
        if (!firstInput.empty()) {
          throw CliError(kExitBadUsage, "cannot read the first input from both '" + firstInput + "' and '" + c + "'",
                         "name the input for every further collection: --collection INPUT=NAME");
        }
        firstInput = c;
      } else if (eq == 0 || eq + 1 == c.size()) {
        throw CliError(kExitBadUsage, "--collection expects NAME or INPUT=NAME, got '" + c + "'");
      } else {
        rq.inputCollections[c.substr(0, eq)] = c.substr(eq + 1);
      }
    }
    rq.firstInputCollection = firstInput;
    const std::string firstFile = shellQuote(io::expandFiles(opts->inputs).front());
    const std::string checkHint =
        "run `podml check " + shellQuote(opts->model) + " " + firstFile + "` to list every mismatch";
    const bool remapped = !rq.inputCollections.empty() || !firstInput.empty();
    std::optional<workflow::InferenceJob> job;
    withHint([&] { job.emplace(rq); },
             [&](const std::string& what) -> std::string {
               if (what.find("it has no podml card") != std::string::npos) {
                 return attachHint(opts->model);
               }
               if (what.find("no such category") != std::string::npos) {
                 return "pass one of them with --category";
               }
               if (what.find("it is also an input of this run") != std::string::npos) {
                 return "choose another output file with -o";
               }
               if (what.find("which is not in category") != std::string::npos) {
                 return "run `podml inspect " + firstFile + "` to list the collections" +
                        (remapped ? "" : ", and pass the one to read with --collection NAME");
               }
               if (what.find("already hold a collection") != std::string::npos) {
                 return "the input was probably scored before: use --only-scores, or another output collection name "
                        "in the card";
               }
               if (what.find("has no such input") != std::string::npos) {
                 return "run `podml inspect " + shellQuote(opts->model) + "` to list the model's inputs";
               }
               return what.find("cannot open") != std::string::npos ? "" : checkHint;
             });
    const auto& card = job->card();
    if (g.verbose) {
      std::cout << "model: " << opts->model << " (data model '" << card.dataModel << "' schema version "
                << card.schemaVersion << ")\n";
      std::cout << "files:";
      for (const auto& f : job->files()) {
        std::cout << " " << f;
      }
      std::cout << "\n";
      for (std::size_t k = 0; k < card.inputs.size(); ++k) {
        const auto& in = card.inputs[k];
        std::cout << "input '" << in.name << "' <- collection '" << job->inputCollections()[k] << "': "
                  << onnx::describeInput(in);
        if (!in.members.empty()) {
          std::cout << "; members:";
        }
        for (const auto& m : in.members) {
          std::cout << " " << m.path;
        }
        std::cout << "\n";
      }
      for (const auto& o : card.outputs) {
        std::cout << "output '" << o.name << "'";
        if (o.target) {
          std::cout << " -> " << o.target->type << "." << o.target->member << " in collection";
          for (const auto& name : job->session().outputCollections(o)) {
            std::cout << " '" << name << "'";
          }
          std::cout << "\n";
        } else {
          std::cout << ": not written (no target in the card)\n";
        }
      }
      std::cout << "category '" << opts->category << "', entries " << job->firstEntry() << ".." << job->lastEntry()
                << " of " << job->totalEntries() << "; writing " << (rq.onlyScores ? "the scored" : "every")
                << " input collection; ONNX Runtime: " << rq.intraOpThreads << " intra-op thread(s), "
                << rq.interOpThreads << " inter-op thread(s)\n";
    }
    Progress progress(job->lastEntry() - job->firstEntry(), "scoring", g.quiet);
    uint64_t warned = 0;
    constexpr uint64_t kMaxWarnings = 10;
    const auto summary = job->run([&](uint64_t done, uint64_t) { progress.update(done); },
                                  [&](const std::string& message) {
                                    if (!g.quiet && !opts->json && warned++ < kMaxWarnings) {
                                      std::cerr << "podml: warning: " << message << "\n";
                                    }
                                  });
    progress.done();
    if (opts->json) {
      std::cout << json::dump(inferJson(summary, *opts, job->files()), 2) << "\n";
    } else if (!g.quiet) {
      if (summary.skippedEvents > kMaxWarnings) {
        std::cerr << "podml: warning: " << summary.skippedEvents << " events in all were not scored (" << kMaxWarnings
                  << " shown)\n";
      }
      std::cout << "podml: scored ";
      if (summary.skippedEvents > 0) {
        std::cout << summary.events - summary.skippedEvents << " of ";
      }
      std::cout << summary.events << " events with " << opts->model << " -> " << opts->output << ":";
      for (std::size_t k = 0; k < summary.outputs.size(); ++k) {
        const auto& o = summary.outputs[k];
        std::cout << (k ? "," : "") << " " << o.objects << " " << o.type << " in '" << o.collection << "'";
      }
      std::cout << (summary.outputs.empty() ? " no output has a target, so no scores were written\n" : "\n");
    }
    return 0;
  };
}

} // namespace podml::cli
