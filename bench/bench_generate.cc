// Code generation time against the size of one datatype (issue 14: it grew as N^3 in the
// members of one type, 170 s for 40k). Reads and renders, in memory, a model whose one
// datatype has N members (half of them a two-float component), for N = 1k, 4k, 16k, 64k;
// the baseline is the smallest model of the same run, so the table shows the growth:
// linear growth keeps the time per member flat.
//
// Usage: podml-bench-generate [--reps N] [--report FILE]
#include "BenchCommon.h"

#include "podml/gen/Renderer.h"
#include "podml/gen/YamlReader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace {

std::string bigModel(int members) {
  std::string y = "schema_version: 1\noptions: {exposePODMembers: false}\ncomponents:\n  ex::V:\n    Members:\n"
                  "      - float x\n      - float y\ndatatypes:\n  ex::Big:\n    Description: big\n    Author: me\n"
                  "    Members:\n";
  for (int i = 0; i < members; ++i) {
    y += std::string("      - ") + (i % 2 ? "ex::V" : "float") + " m" + std::to_string(i) + " // member\n";
  }
  return y;
}

// Milliseconds to read, validate and render the model (best of `reps`).
double generateMs(const std::string& yaml, int reps) {
  double best = 1e300;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto model = podml::gen::readModelFromString(yaml, "big.yaml", "ex");
    podml::gen::RenderInput in;
    in.model = &model.definition;
    in.json = model.json;
    in.sourceName = "big.yaml";
    in.yamlHash = model.yamlHash;
    const auto files = podml::gen::render(in);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (files.empty()) {
      return std::nan("");
    }
    best = std::min(best, ms);
  }
  return best;
}

} // namespace

int main(int argc, char** argv) {
  std::string reportPath;
  int reps = 3;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--reps" && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--report" && i + 1 < argc) {
      reportPath = argv[++i];
    } else {
      std::fprintf(stderr, "usage: podml-bench-generate [--reps N] [--report FILE]\n");
      return 2;
    }
  }
  podml::bench::Report report("generate");
  report.open(reportPath);
  report.start("best of " + std::to_string(reps) + ", one datatype of N members", PODML_BENCH_CXX_FLAGS);
  std::printf("load %s, best of %d\n", podml::bench::loadAverage().c_str(), reps);
  std::printf("%10s %12s %16s %22s\n", "members", "ms", "us per member", "per member vs 1000");
  double basePerMember = 0;
  for (const int n : {1000, 4000, 16000, 64000}) {
    const double ms = generateMs(bigModel(n), n >= 16000 ? 1 : reps);
    const double perMember = 1000.0 * ms / n;
    if (n == 1000) {
      basePerMember = perMember;
    }
    std::printf("%10d %12.1f %16.2f %22.2f\n", n, ms, perMember, perMember / basePerMember);
    podml::bench::ReportRow row;
    row.metric = "generate one datatype of " + std::to_string(n) + " members (time per member)";
    row.value = perMember;
    row.unit = "us";
    row.baseline = "1000 members, same run";
    row.baselineValue = basePerMember;
    row.ratio = perMember / basePerMember;
    if (n > 1000) {
      // Linear generation keeps the time per member flat; quadratic would grow 4x per row.
      row.target = "< 2x the 1000-member time per member";
      row.pass = row.ratio < 2.0;
    }
    report.row(row);
  }
  report.end();
  return 0;
}
