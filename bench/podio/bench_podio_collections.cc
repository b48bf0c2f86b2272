/// \file bench_podio_collections.cc
/// The podio side of podml's collection benchmark: the operations of CollectionOps.h on real
/// podio's edm4hep::ReconstructedParticleCollection (podio's own generator run on the same
/// edm4hep.yaml, bench/podio/CMakeLists.txt). A program of its own because podio and podml
/// both define namespace edm4hep.
///
/// Usage:
///   podio-bench-collections --serve --n N   the child of podml-bench-collections --podio:
///                                           fills N objects, then runs one op per line read
///                                           from stdin (protocol in CollectionOps.h)
///   podio-bench-collections [--n N] [--reps R]  alone: every op R times, best of R as JSON
///                                           lines (to look at podio without podml)

#include "CollectionOps.h"

#include "edm4hep/ReconstructedParticleCollection.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#ifndef PODIO_BENCH_CXX_FLAGS
#define PODIO_BENCH_CXX_FLAGS "?"
#endif
#ifndef PODIO_BENCH_PODIO_VERSION
#define PODIO_BENCH_PODIO_VERSION "?"
#endif

namespace {

using Clock = std::chrono::steady_clock;
using edm4hep::ReconstructedParticleCollection;

/// podio's other public path to the [N,8] features: its per-member copies (`energy()`,
/// `momentum()`, ...; each a std::vector built from the objects), interleaved. Whichever of
/// this and the handle loop is faster is podio's "fastest gather".
__attribute__((noinline)) void gatherColumns(const ReconstructedParticleCollection& c, float* __restrict out) {
  const auto e = c.energy();
  const auto mom = c.momentum();
  const auto m = c.mass();
  const auto q = c.charge();
  const auto ref = c.referencePoint();
  for (std::size_t i = 0; i < e.size(); ++i) {
    float* __restrict o = out + 8 * i;
    o[0] = e[i];
    o[1] = mom[i].x;
    o[2] = mom[i].y;
    o[3] = mom[i].z;
    o[4] = m[i];
    o[5] = q[i];
    o[6] = ref[i].x;
    o[7] = ref[i].y;
  }
}

/// Wall time (seconds) of one run of `run`; `setup` and `teardown` are not timed.
template <typename Setup, typename Run, typename Teardown>
double timeOnce(Setup&& setup, Run&& run, Teardown&& teardown) {
  setup();
  benchops::clobberMemory();
  const auto t0 = Clock::now();
  run();
  benchops::clobberMemory();
  const auto t1 = Clock::now();
  teardown();
  return std::chrono::duration<double>(t1 - t0).count();
}

/// What the ops work on, kept between them.
struct State {
  std::size_t n{0};
  std::unique_ptr<ReconstructedParticleCollection> coll;    // every member filled (read ops)
  std::unique_ptr<ReconstructedParticleCollection> refill;  // filled by fill(), for "refill"
  std::vector<float> tensor;                                // [N,8], faulted in up front
};

/// One timed run of `op`: its seconds and a value derived from its result (the parent
/// compares it with podml's). False for an unknown op.
bool runOp(State& st, std::string_view op, double& seconds, double& check) {
  const std::size_t n = st.n;
  auto& c = *st.coll;
  float s = 0;
  const auto none = [] {};
  if (op == "sum-column") {
    seconds = timeOnce(none, [&] { s = benchops::sumEnergyColumn(c); }, none);
    check = s;
  } else if (op == "sum-column-scalar") {
    seconds = timeOnce(none, [&] { s = benchops::sumEnergyColumnRangeFor(c); }, none);
    check = s;
  } else if (op == "sum-range-for") {
    seconds = timeOnce(none, [&] { s = benchops::sumRangeFor(c); }, none);
    check = s;
  } else if (op == "sum-index") {
    seconds = timeOnce(none, [&] { s = benchops::sumIndex(c); }, none);
    check = s;
  } else if (op == "gather-handles" || op == "gather-columns") {
    const bool handles = op == "gather-handles";
    seconds = timeOnce([&] { std::fill(st.tensor.begin(), st.tensor.end(), 0.0f); },
                       [&] {
                         float* out = st.tensor.data();
                         handles ? benchops::gatherHandles(c, out) : gatherColumns(c, out);
                       },
                       none);
    check = benchops::gatherCheck(st.tensor.data(), n);
  } else if (op == "fill") {
    std::unique_ptr<ReconstructedParticleCollection> f;
    seconds = timeOnce([&] { f = std::make_unique<ReconstructedParticleCollection>(); },
                       [&] { benchops::fill(*f, n); },
                       [&] {
                         check = f->at(n - 1).getMass();
                         f.reset();
                       });
  } else if (op == "refill") {
    if (!st.refill) {  // the first refill starts from a filled collection, as the later ones
      st.refill = std::make_unique<ReconstructedParticleCollection>();
      benchops::fill(*st.refill, n);
    }
    seconds = timeOnce([&] { st.refill->clear(); }, [&] { benchops::fill(*st.refill, n); },
                       [&] { check = st.refill->at(n - 1).getMass(); });
  } else if (op == "destroy") {
    std::unique_ptr<ReconstructedParticleCollection> f;
    seconds = timeOnce(
        [&] {
          f = std::make_unique<ReconstructedParticleCollection>();
          benchops::fill(*f, n);
          check = f->at(n - 1).getMass();
        },
        [&] { f.reset(); }, none);
  } else {
    return false;
  }
  return true;
}

/// A JSON string literal (the texts here are compiler versions and flags: quotes and
/// backslashes are the only characters that need escaping).
std::string jsonQuoted(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
    }
    out += (ch == '\n' ? ' ' : ch);
  }
  return out + "\"";
}

/// The compiler and version this program was built with (the parent prints it beside its own).
std::string compilerVersion() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#else
  return std::string("gcc ") + __VERSION__;
#endif
}

[[noreturn]] void usage(const char* argv0, const std::string& why) {
  std::fprintf(stderr, "podio-bench-collections: error: %s\nusage: %s [--serve] [--n N] [--reps R]\n", why.c_str(),
               argv0);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 10'000'000;
  int reps = 5;
  bool serve = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--serve") {
      serve = true;
    } else if ((a == "--n" || a == "--reps") && i + 1 < argc) {
      char* end = nullptr;
      const long long v = std::strtoll(argv[++i], &end, 10);
      if (end == argv[i] || *end != '\0' || v <= 0) {
        usage(argv[0], "bad value for " + std::string(a) + ": '" + argv[i] + "'");
      }
      (a == "--n" ? n = static_cast<std::size_t>(v) : reps = static_cast<int>(v));
    } else {
      usage(argv[0], "unknown argument '" + std::string(a) + "'");
    }
  }

  try {
    State st;
    st.n = n;
    const std::size_t heap0 = benchops::heapInUse();
    st.coll = std::make_unique<ReconstructedParticleCollection>();
    benchops::fillAll<edm4hep::CovMatrix4f>(*st.coll, n);
    const std::size_t heap = benchops::heapInUse() - heap0;
    st.tensor.assign(8 * n, 1.0f);
    const auto& c = *st.coll;
    std::printf(
        "{\"kind\": \"ready\", \"impl\": \"podio\", \"podio_version\": \"%s\", \"n\": %zu, \"heap_bytes\": %zu, "
        "\"energy_mid\": %.9g, \"reference_y_last\": %.9g, \"compiler\": %s, \"flags\": %s}\n",
        PODIO_BENCH_PODIO_VERSION, n, heap, c[n / 2].getEnergy(), c[n - 1].getReferencePoint().y,
        jsonQuoted(compilerVersion()).c_str(), jsonQuoted(PODIO_BENCH_CXX_FLAGS).c_str());
    std::fflush(stdout);

    if (serve) {
      std::string line;
      while (std::getline(std::cin, line) && line != "quit") {
        double seconds = 0, check = 0;
        if (runOp(st, line, seconds, check)) {
          std::printf("{\"kind\": \"op\", \"op\": %s, \"seconds\": %.9g, \"check\": %.9g}\n", jsonQuoted(line).c_str(),
                      seconds, check);
        } else {
          std::printf("{\"kind\": \"error\", \"op\": %s, \"message\": \"unknown op\"}\n", jsonQuoted(line).c_str());
        }
        std::fflush(stdout);
      }
      return 0;
    }

    std::vector<std::string_view> ops(benchops::kOps.begin(), benchops::kOps.end());
    ops.push_back("gather-columns");
    for (const auto op : ops) {
      double best = std::numeric_limits<double>::infinity(), check = 0;
      for (int r = 0; r < reps; ++r) {
        double seconds = 0;
        runOp(st, op, seconds, check);
        best = std::min(best, seconds);
      }
      std::printf("{\"kind\": \"op\", \"op\": %s, \"seconds\": %.9g, \"ns_per_object\": %.4g, \"check\": %.9g}\n",
                  jsonQuoted(op).c_str(), best, best * 1e9 / static_cast<double>(n), check);
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::printf("{\"kind\": \"error\", \"message\": %s}\n", jsonQuoted(e.what()).c_str());
    std::fflush(stdout);
    std::fprintf(stderr, "podio-bench-collections: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
