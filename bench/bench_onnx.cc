/// \file bench_onnx.cc
/// Inference benchmark (issue 4): an MLP (8 inputs, 2x64 hidden ReLU, 1 sigmoid output,
/// fixed random weights, written with ONNX's protobuf API) scoring one
/// edm4hep::ReconstructedParticle collection per event, N objects per event, three ways:
///
///   (a) podml: Session::run(frame) -- binds the 8 member columns, gathers them into an
///       [N, 8] tensor, one ONNX Runtime Run per event, copies the scores out;
///   (b) raw ORT: Ort::Session::Run on an [N, 8] tensor prepared before timing (the limit:
///       no gather, no binding, only the Run and ORT's own output allocation);
///   (d) raw ORT + gather: what podml's own path can approach -- a typed column-to-row
///       gather from the collection's 8 columns into a reused [N, 8] buffer, then Run
///       (informative: podml minus (d) is the cost of podml's binding and gather code);
///   (c) per object: the pattern common in HEP code today -- for every particle, fill an
///       8-float buffer from the object's getters, wrap it as a [1, 8] tensor, one Run.
///
/// Both sessions use the same options (1 intra-op and 1 inter-op thread, all graph
/// optimisations), as podml's defaults. Repetitions of (a), (b), (c) are interleaved so
/// that load from elsewhere hits all three alike; the table shows the best repetition and
/// the median in brackets. Prints a markdown table with ns/object and the ratios
/// podml/raw and per-object/podml, with the targets.
///
/// Usage: podml-bench-onnx [--reps R] [--objects M] [--n N]... [--report FILE]
///   --reps R       repetitions per row (default 7)
///   --objects M    objects scored per timed repetition of (a), (b), (d) (default 200000)
///   --n N          only this N (repeatable; default 1 10 100 1000 100000)
///   --report FILE  also append (a) vs (b) and (c) vs (a) per N to FILE as JSON lines
///                  (default $PODML_BENCH_REPORT; BenchCommon.h, collected by make bench)

#include "BenchCommon.h"

#include "MlpBuilder.h"

#include "edm4hep/DatamodelDefinition.h"
#include "edm4hep/ReconstructedParticleCollection.h"

#include "podml/Frame.h"
#include "podml/onnx/ModelCard.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/onnx/Session.h"

#include <onnxruntime_cxx_api.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>


namespace {

using podml::bench::cpuModel;
using podml::bench::fmt;
using podml::bench::loadAverage;

using Clock = std::chrono::steady_clock;

constexpr const char* kCollection = "ReconstructedParticles";
constexpr std::array<const char*, 8> kMembers = {"energy", "momentum.x", "momentum.y", "momentum.z",
                                                 "mass",   "charge",     "referencePoint.x", "referencePoint.y"};
constexpr int64_t kFeatures = 8;

[[noreturn]] void usage(const char* argv0, const std::string& why) {
  std::fprintf(stderr, "podml-bench-onnx: error: %s\nusage: %s [--reps R] [--objects M] [--n N]... [--report FILE]\n",
               why.c_str(), argv0);
  std::exit(2);
}

/// One event: N reconstructed particles with physics-like values.
podml::Frame makeEvent(std::size_t n, std::mt19937& rng) {
  std::normal_distribution<float> p(0.0f, 5.0f);
  std::uniform_real_distribution<float> m(0.0f, 1.0f);
  std::uniform_int_distribution<int> q(-1, 1);
  std::normal_distribution<float> r(0.0f, 0.1f);
  edm4hep::ReconstructedParticleCollection coll;
  for (std::size_t i = 0; i < n; ++i) {
    const edm4hep::Vector3f mom{p(rng), p(rng), p(rng)};
    const float mass = m(rng);
    const float e = std::sqrt(mom.x * mom.x + mom.y * mom.y + mom.z * mom.z + mass * mass);
    coll.create(211, e, mom, edm4hep::Vector3f{r(rng), r(rng), r(rng)}, static_cast<float>(q(rng)), mass, 0.0f,
                edm4hep::CovMatrix4f{});
  }
  podml::Frame f;
  f.put(std::move(coll), kCollection);
  return f;
}

/// The [N, 8] tensor of an event, gathered through the public API (for the raw ORT rows).
std::vector<float> prepareTensor(const podml::Frame& f) {
  const auto& c = f.get<edm4hep::ReconstructedParticleCollection>(kCollection);
  std::vector<float> t(c.size() * kFeatures);
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto p = c[i];
    const auto mom = p.getMomentum();
    const auto ref = p.getReferencePoint();
    const float row[kFeatures] = {p.getEnergy(), mom.x, mom.y, mom.z, p.getMass(), p.getCharge(), ref.x, ref.y};
    std::copy(row, row + kFeatures, t.begin() + static_cast<std::ptrdiff_t>(i * kFeatures));
  }
  return t;
}

podml::onnx::ModelCard mlpCard() {
  podml::onnx::ScoreCardSpec c;
  c.collectionType = "edm4hep::ReconstructedParticle";
  c.collection = kCollection;
  c.members.assign(std::begin(kMembers), std::end(kMembers));
  c.meaning = "benchmark score (random weights)";
  c.target = podml::onnx::CardTarget{"edm4hep::ParticleID", "likelihood", "particle", "BenchPID"};
  c.producer = "podml-bench-onnx";
  return podml::onnx::makeScoreCard(c, podml::models::edm4hep::definition());
}

struct Stats {
  std::vector<double> seconds; // one per repetition
  double objects{0};           // objects per repetition
  double best() const { return *std::min_element(seconds.begin(), seconds.end()); }
  double median() const {
    auto s = seconds;
    std::sort(s.begin(), s.end());
    return s[s.size() / 2];
  }
  double nsBest() const { return best() * 1e9 / objects; }
  double nsMedian() const { return median() * 1e9 / objects; }
};

template <typename F>
double timeIt(F&& f) {
  const auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

} // namespace

int main(int argc, char** argv) {
  int reps = 7;
  std::size_t objectsPerRep = 200'000;
  std::vector<std::size_t> sizes;
  std::string reportPath;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--report" && i + 1 < argc) {
      reportPath = argv[++i];
    } else if ((a == "--reps" || a == "--objects" || a == "--n") && i + 1 < argc) {
      char* end = nullptr;
      const long long v = std::strtoll(argv[++i], &end, 10);
      if (end == argv[i] || *end != '\0' || v <= 0) {
        usage(argv[0], "bad value for " + std::string(a) + ": '" + argv[i] + "'");
      }
      if (a == "--reps") {
        reps = static_cast<int>(v);
      } else if (a == "--objects") {
        objectsPerRep = static_cast<std::size_t>(v);
      } else {
        sizes.push_back(static_cast<std::size_t>(v));
      }
    } else if (a == "-h" || a == "--help") {
      usage(argv[0], "help requested");
    } else {
      usage(argv[0], "unknown argument '" + std::string(a) + "'");
    }
  }

  if (sizes.empty()) {
    sizes = {1, 10, 100, 1000, 100000};
  }
  podml::bench::Report report("onnx");
  report.open(reportPath);

  // --- the model ----------------------------------------------------------------------
  const auto dir = std::filesystem::temp_directory_path() / ("podml-bench-onnx-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string raw = (dir / "mlp.onnx").string();
  const std::string carded = (dir / "mlp-card.onnx").string();
  const auto mlp = testmodels::randomMlp({kFeatures, 64, 64, 1});
  testmodels::writeMlp(raw, mlp);
  podml::onnx::attachCard(raw, mlpCard(), carded);

  podml::onnx::SessionOptions podmlOptions; // defaults: 1 intra-op, 1 inter-op thread
  const podml::onnx::Session session(carded, podml::models::edm4hep::definition(), podmlOptions);

  // Raw ONNX Runtime with the same options. Ort::Env wraps a process-wide singleton, so
  // this is the environment podml's Session uses too.
  Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "podml-bench-onnx");
  Ort::SessionOptions so;
  so.SetIntraOpNumThreads(podmlOptions.intraOpThreads);
  so.SetInterOpNumThreads(podmlOptions.interOpThreads);
  so.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
  Ort::Session ort(env, carded.c_str(), so);
  const auto mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  const char* inNames[] = {"features"};
  const char* outNames[] = {"score"};
  const Ort::RunOptions runOptions{nullptr};

  std::printf("# podml ONNX inference benchmark: MLP 8-64-64-1 on edm4hep::ReconstructedParticle\n\n");
  std::printf("- machine: %ld logical CPUs (nproc), %s\n", sysconf(_SC_NPROCESSORS_ONLN), cpuModel().c_str());
  std::printf("- compiler: %s %s, flags: %s\n",
#if defined(__clang__)
              "clang",
#else
              "gcc",
#endif
              __VERSION__, PODML_BENCH_CXX_FLAGS);
  std::printf("- ONNX Runtime %s; both sessions: %d intra-op / %d inter-op thread, ORT_ENABLE_ALL\n",
              Ort::GetVersionString().c_str(), podmlOptions.intraOpThreads, podmlOptions.interOpThreads);
  std::printf("- model: Gemm+Relu, Gemm+Relu, Gemm+Sigmoid, opset 17, input [N, 8] float = %s, ...\n",
              "energy, momentum.x/y/z, mass, charge, referencePoint.x/y");
  std::printf("- %d interleaved repetitions per row; (a)/(b) score >= %zu objects per repetition; "
              "ns/object = best (median)\n",
              reps, objectsPerRep);
  std::printf("- load average at start: %s (anything near or above nproc means the timings are shared)\n\n",
              loadAverage().c_str());
  std::fflush(stdout);
  {
    std::string ns;
    for (const std::size_t n : sizes) {
      ns += (ns.empty() ? "" : ",") + std::to_string(n);
    }
    report.start("MLP 8-64-64-1, ORT " + Ort::GetVersionString() + ", 1 thread, N = " + ns + ", best of " +
                     std::to_string(reps) + " repetitions, >= " + std::to_string(objectsPerRep) + " objects each",
                 PODML_BENCH_CXX_FLAGS);
  }

  struct Row {
    std::size_t n;
    Stats podml, raw, perObject, gather;
  };
  std::vector<Row> rows;
  double sink = 0;
  double maxDiffRaw = 0, maxDiffRef = 0;
  std::mt19937 rng(12345);

  for (const std::size_t n : sizes) {
    // A few distinct events, cycled, so that small N does not score one cached event only.
    const std::size_t nEvents = n >= 100000 ? 2 : 8;
    std::vector<podml::Frame> events;
    std::vector<std::vector<float>> tensors;
    std::vector<Ort::Value> values;
    const std::array<int64_t, 2> shape{static_cast<int64_t>(n), kFeatures};
    for (std::size_t e = 0; e < nEvents; ++e) {
      events.push_back(makeEvent(n, rng));
      tensors.push_back(prepareTensor(events.back()));
    }
    for (auto& t : tensors) {
      values.push_back(Ort::Value::CreateTensor<float>(mem, t.data(), t.size(), shape.data(), shape.size()));
    }

    // Correctness: podml and raw ORT see the same numbers; both match a plain C++ forward pass.
    {
      const auto res = session.run(events[0]);
      auto outs = ort.Run(runOptions, inNames, &values[0], 1, outNames, 1);
      const float* r = outs[0].GetTensorData<float>();
      const float* p = res.tensors.at(0).as<float>();
      for (std::size_t i = 0; i < n; ++i) {
        maxDiffRaw = std::max(maxDiffRaw, static_cast<double>(std::abs(p[i] - r[i])));
      }
      for (std::size_t i = 0; i < std::min<std::size_t>(n, 50); ++i) {
        maxDiffRef = std::max(maxDiffRef, static_cast<double>(std::abs(mlp.forward(&tensors[0][i * kFeatures])[0] - r[i])));
      }
    }

    // Calls per repetition: batched paths score >= objectsPerRep objects (at most 20000
    // events); the per-object path is slow, so it scores about 20000 objects.
    const std::size_t calls = std::clamp<std::size_t>(objectsPerRep / n, 1, 20000);
    const std::size_t perObjectEvents = std::max<std::size_t>(1, 20000 / n);

    Row row{n, {}, {}, {}, {}};
    row.podml.objects = row.raw.objects = row.gather.objects = static_cast<double>(calls * n);
    std::vector<float> buffer;
    row.perObject.objects = static_cast<double>(perObjectEvents * n);
    for (int rep = -1; rep < reps; ++rep) { // rep -1 warms up
      const double tPodml = timeIt([&] {
        for (std::size_t c = 0; c < calls; ++c) {
          const auto res = session.run(events[c % nEvents]);
          sink += res.tensors[0].as<float>()[0];
        }
      });
      const double tRaw = timeIt([&] {
        for (std::size_t c = 0; c < calls; ++c) {
          auto outs = ort.Run(runOptions, inNames, &values[c % nEvents], 1, outNames, 1);
          sink += outs[0].GetTensorData<float>()[0];
        }
      });
      const double tPerObject = timeIt([&] {
        const std::array<int64_t, 2> one{1, kFeatures};
        for (std::size_t c = 0; c < perObjectEvents; ++c) {
          const auto& coll = events[c % nEvents].get<edm4hep::ReconstructedParticleCollection>(kCollection);
          for (const auto p : coll) {
            const auto mom = p.getMomentum();
            const auto ref = p.getReferencePoint();
            std::array<float, kFeatures> x{p.getEnergy(), mom.x, mom.y, mom.z, p.getMass(), p.getCharge(), ref.x, ref.y};
            auto in = Ort::Value::CreateTensor<float>(mem, x.data(), x.size(), one.data(), one.size());
            auto outs = ort.Run(runOptions, inNames, &in, 1, outNames, 1);
            sink += outs[0].GetTensorData<float>()[0];
          }
        }
      });
      const double tGather = timeIt([&] {
        for (std::size_t c = 0; c < calls; ++c) {
          const auto& coll = events[c % nEvents].get<edm4hep::ReconstructedParticleCollection>(kCollection);
          const std::size_t rows = coll.size();
          buffer.resize(rows * kFeatures);
          for (std::size_t k = 0; k < kFeatures; ++k) {
            const float* col = coll.column<float>(kMembers[k]).data();
            float* out = buffer.data() + k;
            for (std::size_t i = 0; i < rows; ++i) {
              out[i * kFeatures] = col[i];
            }
          }
          const std::array<int64_t, 2> sh{static_cast<int64_t>(rows), kFeatures};
          auto in = Ort::Value::CreateTensor<float>(mem, buffer.data(), buffer.size(), sh.data(), sh.size());
          auto outs = ort.Run(runOptions, inNames, &in, 1, outNames, 1);
          sink += outs[0].GetTensorData<float>()[0];
        }
      });
      if (rep >= 0) {
        row.gather.seconds.push_back(tGather);
        row.podml.seconds.push_back(tPodml);
        row.raw.seconds.push_back(tRaw);
        row.perObject.seconds.push_back(tPerObject);
      }
    }
    rows.push_back(std::move(row));
    std::fprintf(stderr, "podml-bench-onnx: N = %zu done\n", n);
    std::fflush(stderr);
  }

  std::printf("| N | (a) podml run ns/obj | (b) raw ORT ns/obj | (c) per-object ns/obj | (d) raw + gather ns/obj | "
              "podml/raw | per-object/podml | target | result |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
  bool allPass = true;
  for (const auto& r : rows) {
    const double ratioRaw = r.podml.best() / r.raw.best() * (r.raw.objects / r.podml.objects);
    const double ratioPerObject = r.perObject.nsBest() / r.podml.nsBest();
    std::string target = "-";
    std::string result = "(info)";
    if (r.n >= 100) {
      const bool ok = ratioRaw <= 1.10 && (r.n != 100 || ratioPerObject >= 10.0);
      target = r.n == 100 ? "podml/raw <= 1.10, per-object/podml >= 10" : "podml/raw <= 1.10";
      result = ok ? "PASS" : "MISS";
      allPass = allPass && ok;
    }
    std::printf("| %zu | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %s | %s | %s | %s |\n", r.n,
                fmt("%.1f", r.podml.nsBest()).c_str(), fmt("%.1f", r.podml.nsMedian()).c_str(),
                fmt("%.1f", r.raw.nsBest()).c_str(), fmt("%.1f", r.raw.nsMedian()).c_str(),
                fmt("%.1f", r.perObject.nsBest()).c_str(), fmt("%.1f", r.perObject.nsMedian()).c_str(),
                fmt("%.1f", r.gather.nsBest()).c_str(), fmt("%.1f", r.gather.nsMedian()).c_str(), fmt("%.3f", ratioRaw).c_str(),
                fmt("%.1f", ratioPerObject).c_str(), target.c_str(), result.c_str());

    // The same for make bench's summary: podml against raw ORT (the limit), and the
    // per-object pattern against podml (the speed-up of batching), best repetitions.
    podml::bench::ReportRow vsRaw;
    vsRaw.metric = "Session::run vs raw ORT Run on a prepared tensor (podml / raw), N = " + std::to_string(r.n);
    vsRaw.value = r.podml.nsBest();
    vsRaw.unit = "ns/object";
    vsRaw.baseline = "raw ORT";
    vsRaw.baselineValue = r.raw.nsBest();
    vsRaw.ratio = ratioRaw;
    if (r.n >= 100) {
      vsRaw.target = "<= 1.10x";
      vsRaw.pass = ratioRaw <= 1.10;
    }
    report.row(vsRaw);
    podml::bench::ReportRow vsPerObject;
    vsPerObject.metric = "Session::run: speed-up over one Run per object (per-object / podml), N = " + std::to_string(r.n);
    vsPerObject.value = r.podml.nsBest();
    vsPerObject.unit = "ns/object";
    vsPerObject.baseline = "one Run per object";
    vsPerObject.baselineValue = r.perObject.nsBest();
    vsPerObject.ratio = ratioPerObject;
    if (r.n == 100) {
      vsPerObject.target = ">= 10x";
      vsPerObject.pass = ratioPerObject >= 10.0;
    }
    report.row(vsPerObject);
  }
  std::printf("\nns/object = time per repetition / objects scored; (d) is informative: a typed column gather plus Run,\n"
              "what podml's run can approach (podml - (d) is the cost of podml's own binding and gather code).\n");
  std::printf("\n- podml vs raw ORT outputs: max |diff| = %g; raw ORT vs plain C++ forward pass: max |diff| = %g\n",
              maxDiffRaw, maxDiffRef);
  std::printf("- load average at end: %s\n", loadAverage().c_str());
  std::printf("- checksum (ignore): %g\n", sink);
  std::filesystem::remove_all(dir);
  if (maxDiffRaw != 0.0 || maxDiffRef > 1e-5) {
    std::fprintf(stderr, "podml-bench-onnx: error: outputs differ (podml vs raw %g, raw vs reference %g)\n", maxDiffRaw,
                 maxDiffRef);
    report.error("outputs: podml vs raw ORT vs plain C++ forward pass",
                 "outputs differ (podml vs raw " + fmt("%g", maxDiffRaw) + ", raw vs reference " + fmt("%g", maxDiffRef) +
                     ")");
    report.end();
    return 1;
  }
  // A missed target is a finding, not a failure of the program (make bench runs on).
  std::printf("- targets: %s\n", allPass ? "all met" : "MISSED (see the result column)");
  report.end();
  return 0;
}
