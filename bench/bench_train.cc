// Training throughput (issue 5): the C++ trainer (libtorch) and the Python route
// (podml module + PyTorch, examples/python/train.py) on the same toy file, spec and
// network, with every epoch run. Prints a markdown table of samples/s, the share of
// time spent reading data, and the ratio C++ / Python.
#include "BenchCommon.h"

#include "podml/Json.h"
#include "podml/toy/ToyDataset.h"
#include "podml/train/Train.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace {

struct Route {
  std::string name;
  double samples{0}, stepSeconds{0}, readSeconds{0}, totalSeconds{0}, auc{0};
};

void usage() {
  std::fprintf(stderr, "usage: podml-bench-train [--events N] [--epochs E] [--threads T] [--python PY]\n");
  std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
  uint64_t events = 20000;
  int epochs = 5, threads = 2;
  std::string python = "/usr/bin/python3";
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
    } else {
      usage();
    }
  }
  namespace fs = std::filesystem;
  const auto dir = fs::temp_directory_path() / ("podml-bench-train-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto data = (dir / "toy.h5").string();
  const auto summary = podml::toy::writeToyDataset(data, {.events = events, .seed = 1});

  auto spec = podml::train::TrainingSpec::fromYamlFile(PODML_BENCH_TOY_SPEC);
  spec.training.epochs = epochs;
  spec.training.patience = 0;
  podml::train::TrainOptions options;
  options.threads = threads;
  const auto r = podml::train::trainAndExport(spec, {data}, (dir / "cpp.onnx").string(), options);
  Route cpp{"C++ (podml train, libtorch)", static_cast<double>(r.samplesSeen), r.stepSeconds, r.readSeconds,
            r.totalSeconds, r.validationAuc};

  const auto report = (dir / "python.json").string();
  const std::string cmd = "PYTHONPATH=" PODML_BENCH_PYTHONPATH " " + python + " " + PODML_BENCH_TRAIN_SCRIPT + " " + PODML_BENCH_TOY_SPEC + " " + data + " -o " +
                          (dir / "python.onnx").string() + " --epochs " + std::to_string(epochs) +
                          " --no-early-stopping --threads " + std::to_string(threads) + " -q --report " + report;
  Route py{"Python (podml module, PyTorch)"};
  if (std::system(cmd.c_str()) == 0) {
    std::ifstream in(report);
    std::stringstream ss;
    ss << in.rdbuf();
    const auto j = podml::json::parse(ss.str(), report);
    py.samples = j["samples"].asDouble();
    py.stepSeconds = j["step_seconds"].asDouble();
    py.readSeconds = j["read_seconds"].asDouble();
    py.totalSeconds = j["total_seconds"].asDouble();
    py.auc = j["validation_auc"].asDouble();
  } else {
    std::fprintf(stderr, "podml-bench-train: the Python route failed: %s\n", cmd.c_str());
  }

  std::printf("## Training throughput\n\n");
  std::printf("machine: %s, load %s; libtorch/PyTorch threads: %d\n", podml::bench::cpuModel().c_str(),
              podml::bench::loadAverage().c_str(), threads);
  std::printf("data: podml toy, %llu events, %llu reconstructed particles; spec examples/toy-train.yaml "
              "(8 features, MLP 64-64, batch %lld), %d epochs without early stopping\n\n",
              static_cast<unsigned long long>(summary.events),
              static_cast<unsigned long long>(summary.reconstructedParticles),
              static_cast<long long>(spec.training.batchSize), epochs);
  std::printf("| route | samples/s (optimiser steps) | samples/s (end to end) | reading data | share reading | val AUC |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  for (const auto* x : {&cpp, &py}) {
    if (x->totalSeconds <= 0) {
      continue;
    }
    std::printf("| %s | %s | %s | %s s | %s %% | %s |\n", x->name.c_str(),
                podml::bench::fmt("%.0f", x->samples / x->stepSeconds).c_str(),
                podml::bench::fmt("%.0f", x->samples / x->totalSeconds).c_str(),
                podml::bench::fmt("%.2f", x->readSeconds).c_str(),
                podml::bench::fmt("%.1f", 100.0 * x->readSeconds / x->totalSeconds).c_str(),
                podml::bench::fmt("%.4f", x->auc).c_str());
  }
  if (py.totalSeconds > 0) {
    std::printf("\nratio C++ / Python: %.2f (optimiser steps), %.2f (end to end)\n",
                (cpp.samples / cpp.stepSeconds) / (py.samples / py.stepSeconds),
                (cpp.samples / cpp.totalSeconds) / (py.samples / py.totalSeconds));
  }
  fs::remove_all(dir);
  return py.totalSeconds > 0 ? 0 : 1;
}
