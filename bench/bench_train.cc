// Training throughput: the C++ trainer (libtorch) and the Python route (podml module +
// PyTorch) on the same toy file, spec and network, with every epoch run: the lepton MLP
// (examples/toy-train.yaml, examples/python/train.py) or, with --task jets, DeepSets on
// the jets' constituents (examples/toy-jets-train.yaml, examples/python/train_jets.py).
// Prints a markdown table of samples/s, the share of time spent reading data and
// building (padded) batches, and the ratio C++ / Python. With --report FILE (or
// $PODML_BENCH_REPORT) the ratios are also appended to FILE as JSON lines (BenchCommon.h,
// collected by make bench); a route that fails is reported there as an error row.
#include "BenchCommon.h"

#include "podml/Json.h"
#include "podml/toy/ToyDataset.h"
#include "podml/train/Train.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>


namespace {

struct Route {
  std::string name;
  double samples{0}, stepSeconds{0}, readSeconds{0}, batchSeconds{0}, totalSeconds{0}, auc{-1};
};

void usage() {
  std::fprintf(stderr,
               "usage: podml-bench-train [--task leptons|jets] [--events N] [--epochs E] [--threads T] [--python PY]\n"
               "                         [--report FILE]\n");
  std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
  uint64_t events = 20000;
  int epochs = 5, threads = 2;
  std::string python = "/usr/bin/python3";
  std::string reportPath, task = "leptons";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) {
      usage();
    }
    if (a == "--events") {
      events = std::stoull(argv[++i]);
    } else if (a == "--epochs") {
      epochs = std::stoi(argv[++i]);
    } else if (a == "--threads") {
      threads = std::stoi(argv[++i]);
    } else if (a == "--python") {
      python = argv[++i];
    } else if (a == "--report") {
      reportPath = argv[++i];
    } else if (a == "--task") {
      task = argv[++i];
      if (task != "leptons" && task != "jets") {
        usage();
      }
    } else {
      usage();
    }
  }
  const bool jets = task == "jets";
  const std::string specPath = jets ? PODML_BENCH_JETS_SPEC : PODML_BENCH_TOY_SPEC;
  const std::string script = jets ? PODML_BENCH_JETS_SCRIPT : PODML_BENCH_TRAIN_SCRIPT;
  const std::string specName = jets ? "examples/toy-jets-train.yaml" : "examples/toy-train.yaml";
  podml::bench::Report report(jets ? "train-jets" : "train");
  report.open(reportPath);
  report.start("podml toy, " + std::to_string(events) + " events, " + specName + ", " + std::to_string(epochs) +
                   " epochs, " + std::to_string(threads) + " threads",
               PODML_BENCH_CXX_FLAGS);
  const std::string kStepsMetric = jets ? "DeepSets training throughput, optimiser steps (C++ / Python)"
                                        : "training throughput, optimiser steps (C++ / Python)";
  const std::string kEndMetric = jets ? "DeepSets training throughput, end to end (C++ / Python)"
                                      : "training throughput, end to end (C++ / Python)";

  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path() / ("podml-bench-train-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto data = (dir / "toy.h5").string();
  podml::toy::ToySummary summary;
  try {
    summary = podml::toy::writeToyDataset(data, {.events = events, .seed = 1});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "podml-bench-train: error: cannot write the toy data: %s\n", e.what());
    report.error(kStepsMetric, std::string("cannot write the toy data: ") + e.what());
    report.end();
    fs::remove_all(dir);
    return 1;
  }

  auto spec = podml::train::TrainingSpec::fromYamlFile(specPath);
  spec.training.epochs = epochs;
  spec.training.patience = 0;
  podml::train::TrainOptions options;
  options.threads = threads;
  Route cpp{"C++ (podml train, libtorch)"};
  std::string cppError;
  try {
    const auto r = podml::train::trainAndExport(spec, {data}, (dir / "cpp.onnx").string(), options);
    cpp = {cpp.name,       static_cast<double>(r.samplesSeen), r.stepSeconds, r.readSeconds, r.batchSeconds,
           r.totalSeconds, r.validationAuc};
  } catch (const std::exception& e) {
    cppError = std::string("the C++ route failed: ") + e.what();
    std::fprintf(stderr, "podml-bench-train: %s\n", cppError.c_str());
  }

  // The Python route runs in a child process; its stderr goes to a log, shown when it fails.
  const auto pyReport = (dir / "python.json").string();
  const auto pyLog = (dir / "python.log").string();
  const std::string cmd = "PYTHONPATH=" PODML_BENCH_PYTHONPATH " " + python + " " + script + " " + specPath + " " + data + " -o " +
                          (dir / "python.onnx").string() + " --epochs " + std::to_string(epochs) +
                          " --no-early-stopping --threads " + std::to_string(threads) + " -q --report " + pyReport +
                          " 2> " + pyLog;
  Route py{"Python (podml module, PyTorch)"};
  std::string pyError;
  const int rc = std::system(cmd.c_str());
  std::string lastLogLine; // of a failed run, usually the exception
  {
    std::ifstream log(pyLog);
    std::string line;
    while (std::getline(log, line)) {
      std::fprintf(stderr, "%s\n", line.c_str());
      if (!line.empty()) {
        lastLogLine = line;
      }
    }
  }
  if (rc == 0) {
    try {
      std::ifstream in(pyReport);
      std::stringstream ss;
      ss << in.rdbuf();
      const auto j = podml::json::parse(ss.str(), pyReport);
      py.samples = j["samples"].asDouble();
      py.stepSeconds = j["step_seconds"].asDouble();
      py.readSeconds = j["read_seconds"].asDouble();
      py.totalSeconds = j["total_seconds"].asDouble();
      py.auc = j["validation_auc"].asDouble();
      if (jets) {
        py.batchSeconds = j["batch_seconds"].asDouble();
      }
    } catch (const std::exception& e) {
      pyError = std::string("cannot read the Python route's report: ") + e.what();
      py.totalSeconds = 0;
    }
  } else {
    pyError = "the Python route failed (" +
              (WIFEXITED(rc) ? "exit status " + std::to_string(WEXITSTATUS(rc)) : "status " + std::to_string(rc)) + ")" +
              (lastLogLine.empty() ? "" : ": " + lastLogLine);
  }
  if (!pyError.empty()) {
    std::fprintf(stderr, "podml-bench-train: %s\n  command: %s\n", pyError.c_str(), cmd.c_str());
  }

  std::printf("## Training throughput\n\n");
  std::printf("machine: %s, load %s; libtorch/PyTorch threads: %d\n", podml::bench::cpuModel().c_str(),
              podml::bench::loadAverage().c_str(), threads);
  if (jets) {
    std::printf("data: podml toy, %llu events, %llu jets; spec %s (DeepSets phi 64-64, rho 64-64, P <= 16, "
                "batch %lld; samples are jets), %d epochs without early stopping\n\n",
                static_cast<unsigned long long>(summary.events), static_cast<unsigned long long>(summary.jets),
                specName.c_str(), static_cast<long long>(spec.training.batchSize), epochs);
  } else {
    std::printf("data: podml toy, %llu events, %llu reconstructed particles; spec %s "
                "(8 features, MLP 64-64, batch %lld), %d epochs without early stopping\n\n",
                static_cast<unsigned long long>(summary.events),
                static_cast<unsigned long long>(summary.reconstructedParticles), specName.c_str(),
                static_cast<long long>(spec.training.batchSize), epochs);
  }
  std::printf("| route | samples/s (optimiser steps) | samples/s (end to end) | reading data | building batches | "
              "share reading + batches | val AUC |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  for (const auto* x : {&cpp, &py}) {
    if (x->totalSeconds <= 0) {
      continue;
    }
    std::printf("| %s | %s | %s | %s s | %s s | %s %% | %s |\n", x->name.c_str(),
                podml::bench::fmt("%.0f", x->samples / x->stepSeconds).c_str(),
                podml::bench::fmt("%.0f", x->samples / x->totalSeconds).c_str(),
                podml::bench::fmt("%.2f", x->readSeconds).c_str(), podml::bench::fmt("%.2f", x->batchSeconds).c_str(),
                podml::bench::fmt("%.1f", 100.0 * (x->readSeconds + x->batchSeconds) / x->totalSeconds).c_str(),
                x->auc >= 0 ? podml::bench::fmt("%.4f", x->auc).c_str() : "-");
  }
  if (cpp.totalSeconds > 0 && py.totalSeconds > 0) {
    std::printf("\nratio C++ / Python: %.2f (optimiser steps), %.2f (end to end)\n",
                (cpp.samples / cpp.stepSeconds) / (py.samples / py.stepSeconds),
                (cpp.samples / cpp.totalSeconds) / (py.samples / py.totalSeconds));
  }

  // The same for make bench's summary: samples/s of the C++ route against the Python route.
  const auto throughputRow = [&](const std::string& metric, double cppSeconds, double pySeconds) {
    podml::bench::ReportRow x;
    x.metric = metric;
    x.unit = "samples/s";
    x.baseline = "Python (podml module + PyTorch)";
    if (cppError.empty()) {
      x.value = cpp.samples / cppSeconds;
    }
    if (pyError.empty()) {
      x.baselineValue = py.samples / pySeconds;
    }
    if (cppError.empty() && pyError.empty()) {
      x.ratio = x.value / x.baselineValue;
    }
    x.error = cppError + (!cppError.empty() && !pyError.empty() ? "; " : "") + pyError;
    report.row(x);
  };
  throughputRow(kStepsMetric, cpp.stepSeconds, py.stepSeconds);
  throughputRow(kEndMetric, cpp.totalSeconds, py.totalSeconds);
  report.end();

  fs::remove_all(dir);
  return cppError.empty() && pyError.empty() ? 0 : 1;
}
