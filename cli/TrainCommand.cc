// `podml train SPEC.yaml IN.h5... -o MODEL.onnx`: the C++ training route (libtorch),
// ending in an ONNX model with its model card, checked against ONNX Runtime.
//
// Compiled twice: into `podml`, which only parses and checks the command line and then
// executes the helper `podml-train` with the same arguments (PODML_CLI_TRAIN_EXEC), so that
// no other command loads libtorch (half a second at every start); and into `podml-train`,
// which links libtorch and trains.
#include "Commands.h"

#include "Progress.h"

#ifndef PODML_CLI_TRAIN_EXEC
#include "podml/Json.h"
#include "podml/train/Train.h"
#endif

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

namespace podml::cli {

#ifndef PODML_CLI_TRAIN_EXEC
namespace {

json::Value countsJson(const train::SplitCounts& c, const train::TrainingSpec& spec) {
  auto o = json::Value::object();
  o.set("objects", json::Value(static_cast<int64_t>(c.rows)));
  if (spec.multiClass()) {
    auto per = json::Value::object();
    for (std::size_t k = 0; k < spec.label.classes.size() && k < c.perClass.size(); ++k) {
      per.set(spec.label.classes[k].name, json::Value(static_cast<int64_t>(c.perClass[k])));
    }
    o.set("classes", per);
  } else {
    o.set("signal", json::Value(static_cast<int64_t>(c.positives)));
  }
  if (spec.constituentsInput() != nullptr) {
    o.set("constituents", json::Value(static_cast<int64_t>(c.constituents)));
  }
  return o;
}

// NaN (no validation AUC) is null: JSON has no NaN.
json::Value number(double v) { return std::isfinite(v) ? json::Value(v) : json::Value(); }

template <typename Options>
json::Value trainJson(const train::TrainReport& r, const train::TrainingSpec& spec, const Options& opts) {
  auto o = json::Value::object();
  o.set("kind", json::Value("podml-train"));
  o.set("spec", json::Value(opts.spec));
  auto inputs = json::Value::array();
  for (const auto& in : opts.inputs) {
    inputs.push_back(json::Value(in));
  }
  o.set("inputs", inputs);
  o.set("model", json::Value(r.modelPath));
  o.set("best_epoch", json::Value(static_cast<int64_t>(r.bestEpoch)));
  o.set("validation_auc", number(r.validationAuc));
  o.set("validation_accuracy", number(r.validationAccuracy));
  o.set("events", json::Value(static_cast<int64_t>(r.events)));
  o.set("training", countsJson(r.training, spec));
  o.set("validation", countsJson(r.validation, spec));
  auto check = json::Value::object();
  check.set("max_difference", number(r.maxExportDifference));
  check.set("tolerance", json::Value(train::kExportTolerance));
  check.set("gather_events", json::Value(static_cast<int64_t>(r.gatherCheckedEvents)));
  o.set("export_check", check);
  auto history = json::Value::array();
  for (const auto& e : r.history) {
    auto h = json::Value::object();
    h.set("epoch", json::Value(static_cast<int64_t>(e.epoch)));
    h.set("loss", number(e.trainLoss));
    h.set("validation_loss", number(e.validationLoss));
    h.set("validation_accuracy", number(e.validationAccuracy));
    h.set("validation_auc", number(e.validationAuc));
    h.set("improved", json::Value(e.improved));
    h.set("seconds", number(e.seconds));
    history.push_back(h);
  }
  o.set("history", history);
  auto seconds = json::Value::object();
  seconds.set("total", number(r.totalSeconds));
  seconds.set("reading", number(r.readSeconds));
  seconds.set("batches", number(r.batchSeconds));
  seconds.set("optimising", number(r.stepSeconds));
  o.set("seconds", seconds);
  return o;
}

} // namespace
#endif

Runner addTrainCommand(CLI::App& app, const GlobalOptions& g) {
  struct Options {
    std::string spec, output;
    std::vector<std::string> inputs;
    int threads{0};
    uint64_t chunkEvents{20000};
    double memoryGiB{2.0};
    bool json{false};
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("train", "Train a binary classifier (MLP, libtorch) on podml files and export it to ONNX");
  cmd->footer("The spec (YAML, docs/training.md) names the input collection, the feature members, the label,\n"
              "the network and the training settings. The model is written with its model card and checked:\n"
              "ONNX Runtime must reproduce libtorch on the validation set within 1e-5.\n"
              "Prints one line per epoch (* marks an improved validation loss) and a summary; -v adds the\n"
              "data before training (files, counts, feature names), -q prints nothing, --json prints one\n"
              "document at the end instead (schema: docs/cli.md).\n"
              "Examples:\n"
              "  podml train examples/toy-train.yaml toy.h5 -o lepton-id.onnx\n"
              "  podml train spec.yaml 'data/run*.h5' -o model.onnx --threads 2\n"
              "  podml train -v spec.yaml big.h5 -o model.onnx --memory 0.5 --chunk-events 5000");
  cmd->add_option("spec", opts->spec, "training spec (YAML)")->required();
  cmd->add_option("inputs", opts->inputs, "podml file(s) or glob(s)")->required();
  cmd->add_option("-o,--output", opts->output, "ONNX model to write")->required();
  // Integer bounds: CLI11's NonNegativeNumber would print the largest double in its message.
  cmd->add_option("--threads", opts->threads, "libtorch threads (default: all cores)")->check(CLI::Range(0, 1024));
  cmd->add_option("--chunk-events", opts->chunkEvents, "events read at once when the data does not fit in memory")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 40));
  cmd->add_option("--memory", opts->memoryGiB, "keep the data in memory up to this many GiB (default 2)")
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_flag("--json", opts->json, "print the summary as one JSON document (no epoch lines)");
  return [opts, cmd, &g]() -> int {
    if (!cmd->parsed()) {
      return -1;
    }
#ifdef PODML_CLI_TRAIN_EXEC
    (void)g;
    execHelper("podml-train");
#else
    train::TrainingSpec spec;
    withHint([&] { spec = train::TrainingSpec::fromYamlFile(opts->spec); },
             [](const std::string& what) -> std::string {
               return what.find("no such file") != std::string::npos
                          ? ""
                          : "docs/training.md describes the spec; examples/toy-train.yaml is a complete one";
             });
    train::TrainOptions to;
    to.threads = opts->threads;
    to.dataset.chunkEvents = opts->chunkEvents;
    to.dataset.memoryBudgetBytes = static_cast<uint64_t>(opts->memoryGiB * double(1ull << 30));
    // "1200 objects (130 signal)" or "1200 objects (b 210, c 160, light 830; 6300 constituents)".
    const auto counted = [&](const train::SplitCounts& c) {
      std::string s = std::to_string(c.rows) + " objects (";
      if (spec.multiClass()) {
        for (std::size_t k = 0; k < spec.label.classes.size() && k < c.perClass.size(); ++k) {
          s += (k ? ", " : "") + spec.label.classes[k].name + " " + std::to_string(c.perClass[k]);
        }
      } else {
        s += std::to_string(c.positives) + " signal";
      }
      if (spec.constituentsInput() != nullptr) {
        s += "; " + std::to_string(c.constituents) + " constituents";
      }
      return s + ")";
    };
    if (g.verbose) {
      to.callbacks.onData = [&](const train::Dataset& data) {
        std::printf("files:");
        for (const auto& f : data.files()) {
          std::printf(" %s", f.c_str());
        }
        const auto tr = data.counts(train::Split::Training);
        const auto va = data.counts(train::Split::Validation);
        std::printf("\ndata: %llu events; input '%s' (%s), %zu values per object, %s\n",
                    static_cast<unsigned long long>(data.events()), spec.inputCollection.c_str(),
                    spec.inputType.c_str(), data.width(),
                    data.inMemory() ? "held in memory" : "streamed from the files each epoch");
        std::printf("features:");
        for (const auto& f : data.featureNames()) {
          std::printf(" %s", f.c_str());
        }
        if (!data.constituentNames().empty()) {
          std::printf("\nconstituent features:");
          for (const auto& f : data.constituentNames()) {
            std::printf(" %s", f.c_str());
          }
        }
        std::printf("\ntraining: %s; validation: %s, fraction %.2f\n", counted(tr).c_str(), counted(va).c_str(),
                    spec.training.validationFraction);
        std::printf("network: %s", spec.network.name.c_str());
        if (spec.network.name == "deepsets") {
          std::printf(", phi");
          for (const auto h : spec.network.phi) {
            std::printf(" %lld", static_cast<long long>(h));
          }
          std::printf(", %s pooling, rho", spec.network.pooling.c_str());
        } else {
          std::printf(", hidden");
        }
        for (const auto h : spec.network.hidden) {
          std::printf(" %lld", static_cast<long long>(h));
        }
        std::printf(", %s; up to %d epochs, batch size %lld, learning rate %g, seed %llu, threads %s\n",
                    spec.network.activation.c_str(), spec.training.epochs,
                    static_cast<long long>(spec.training.batchSize), spec.training.learningRate,
                    static_cast<unsigned long long>(spec.training.seed),
                    opts->threads > 0 ? std::to_string(opts->threads).c_str() : "all cores");
        std::fflush(stdout);
      };
    }
    std::optional<Progress> bar;
    to.callbacks.onBatch = [&](const train::BatchProgress& b) {
      if (!bar) {
        bar.emplace(b.total, "epoch " + std::to_string(b.epoch) + "/" + std::to_string(spec.training.epochs), g.quiet,
                    "objects");
      }
      char loss[32];
      std::snprintf(loss, sizeof loss, "loss %.4f", b.loss);
      bar->update(b.done, loss);
    };
    to.callbacks.onEpoch = [&](const train::EpochReport& e) {
      if (bar) {
        bar->done();
        bar.reset();
      }
      if (!g.quiet && !opts->json) {
        std::printf("epoch %2d/%d  loss %.4f  val loss %.4f  val acc %.4f  val AUC %.4f  %.1f s%s\n", e.epoch,
                    e.epochs, e.trainLoss, e.validationLoss, e.validationAccuracy, e.validationAuc, e.seconds,
                    e.improved ? "  *" : "");
        std::fflush(stdout);
      }
    };
    const std::string firstInput = shellQuote(opts->inputs.front());
    train::TrainReport r;
    withHint([&] { r = train::trainAndExport(spec, opts->inputs, opts->output, to); },
             [&](const std::string& what) -> std::string {
               if (what.find("does not fit the data") != std::string::npos ||
                   what.find("cannot complete model card") != std::string::npos) {
                 return "run `podml inspect -v " + firstInput +
                        "` to list the collections and their columns, then fix the spec (docs/training.md)";
               }
               if (what.find("training diverged") != std::string::npos) {
                 return "lower training.learning_rate in the spec, or check the features for huge or infinite values";
               }
               return {};
             });
    if (opts->json) {
      std::cout << json::dump(trainJson(r, spec, *opts), 2) << "\n";
    } else if (!g.quiet) {
      std::printf("wrote %s: best epoch %d of %zu, validation AUC %.4f, accuracy %.4f\n", r.modelPath.c_str(),
                  r.bestEpoch, r.history.size(), r.validationAuc, r.validationAccuracy);
      std::printf("data: %llu events; training %s; validation %s\n", static_cast<unsigned long long>(r.events),
                  counted(r.training).c_str(), counted(r.validation).c_str());
      std::printf("check: max |ONNX Runtime - libtorch| = %.2e on the validation set and %llu events through the "
                  "inference gather (limit %.0e)\n",
                  r.maxExportDifference, static_cast<unsigned long long>(r.gatherCheckedEvents), train::kExportTolerance);
      std::printf("time: %.1f s total, %.1f s reading, %.1f s building batches, %.1f s optimising (%.0f samples/s)\n",
                  r.totalSeconds, r.readSeconds, r.batchSeconds, r.stepSeconds,
                  r.stepSeconds > 0 ? static_cast<double>(r.samplesSeen) / r.stepSeconds : 0.0);
    }
    return 0;
#endif
  };
}

} // namespace podml::cli
