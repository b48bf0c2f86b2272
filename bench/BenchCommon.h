#pragma once
// What every podml benchmark prints about the machine, number formatting, and the
// machine-readable report (--report FILE) that make bench collects.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <unistd.h>

#include "podml/Json.h"

// The flags the benchmark was compiled with, set by bench/CMakeLists.txt.
#ifndef PODML_BENCH_CXX_FLAGS
#define PODML_BENCH_CXX_FLAGS "?"
#endif

namespace podml::bench {

/// printf-style formatting of one number.
inline std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

/// The CPU model from /proc/cpuinfo.
inline std::string cpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

/// The 1, 5 and 15 minute load averages: timings taken under load are shared.
inline std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// ---------------------------------------------------------------------------
// Machine-readable results (make bench): one JSON object per line, appended to the file
// given with --report FILE or, without the option, $PODML_BENCH_REPORT. The human tables
// stay as they are; scripts/bench-report.py turns the lines of all benchmarks into one
// markdown table. Records:
//   {"bench": B, "kind": "start", "time", "load", "cpu", "nproc", "compiler", "flags", "config"}
//   {"bench": B, "kind": "result", "metric", "value", "unit", "baseline", "baseline_value",
//    "ratio", "target", "pass", "error",    (absent numbers and texts are null)
//    "podio_value", "podio_ratio", "podio_target", "podio_pass"}
//   podio_*: real podio's figure for the same operation in `unit` (the collections bench with
//   --podio), podio / podml, the target for that ratio (">= 40x") and whether it is met.
//   {"bench": B, "kind": "end", "time", "load", "seconds"}
// ---------------------------------------------------------------------------

/// One measurement against its baseline (or limit) and the target.
struct ReportRow {
  std::string metric;                                         // what was measured
  double value{std::numeric_limits<double>::quiet_NaN()};     // podml's number
  std::string unit;                                           // of value and baselineValue
  std::string baseline;                                       // empty: none
  double baselineValue{std::numeric_limits<double>::quiet_NaN()};
  double ratio{std::numeric_limits<double>::quiet_NaN()};     // as the bench defines it (the metric says)
  std::string target;                                         // empty: informative
  std::optional<bool> pass;                                   // against the target
  std::string error;                                          // non-empty: the measurement failed
  double podioValue{std::numeric_limits<double>::quiet_NaN()};  // real podio, same unit
  double podioRatio{std::numeric_limits<double>::quiet_NaN()};  // podioValue / value
  std::string podioTarget;                                    // for podioRatio, e.g. ">= 40x"
  std::optional<bool> podioPass;
};

/// A JSON number; NaN and infinities (no value) are null.
inline json::Value jsonNumber(double v) { return std::isfinite(v) ? json::Value(v) : json::Value(); }

/// A JSON string; empty (not applicable) is null.
inline json::Value jsonText(const std::string& s) { return s.empty() ? json::Value() : json::Value(s); }

/// The compiler and version the benchmark was built with.
inline std::string compilerVersion() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#else
  return std::string("gcc ") + __VERSION__;
#endif
}

/// Appends JSON lines to the report file, if one was asked for; every call is a no-op otherwise.
class Report {
public:
  explicit Report(std::string bench) : m_bench(std::move(bench)) {}

  /// Opens `path` for appending; an empty path falls back to $PODML_BENCH_REPORT, and
  /// without both there is no report. Exits with status 2 if the file cannot be opened.
  void open(std::string path) {
    if (path.empty()) {
      const char* env = std::getenv("PODML_BENCH_REPORT");
      path = env != nullptr ? env : "";
    }
    if (path.empty()) {
      return;
    }
    m_out.open(path, std::ios::app);
    if (!m_out) {
      std::fprintf(stderr, "podml-bench-%s: error: cannot open report file '%s'\n", m_bench.c_str(), path.c_str());
      std::exit(2);
    }
  }
  bool enabled() const { return m_out.is_open(); }

  /// The start record: machine, build and the sizes of this run (`config`, free text).
  void start(const std::string& config, const std::string& cxxFlags) {
    m_start = std::chrono::steady_clock::now();
    auto r = record("start");
    r.set("time", utcNow());
    r.set("load", loadAverage());
    r.set("cpu", cpuModel());
    r.set("nproc", static_cast<int64_t>(sysconf(_SC_NPROCESSORS_ONLN)));
    r.set("compiler", compilerVersion());
    r.set("flags", cxxFlags);
    r.set("config", config);
    write(r);
  }

  /// One result record.
  void row(const ReportRow& row) {
    auto r = record("result");
    r.set("metric", row.metric);
    r.set("value", jsonNumber(row.value));
    r.set("unit", jsonText(row.unit));
    r.set("baseline", jsonText(row.baseline));
    r.set("baseline_value", jsonNumber(row.baselineValue));
    r.set("ratio", jsonNumber(row.ratio));
    r.set("target", jsonText(row.target));
    r.set("pass", row.pass ? json::Value(*row.pass) : json::Value());
    r.set("error", jsonText(row.error));
    r.set("podio_value", jsonNumber(row.podioValue));
    r.set("podio_ratio", jsonNumber(row.podioRatio));
    r.set("podio_target", jsonText(row.podioTarget));
    r.set("podio_pass", row.podioPass ? json::Value(*row.podioPass) : json::Value());
    write(r);
  }

  /// A measurement that could not be taken.
  void error(const std::string& metric, const std::string& message) {
    ReportRow r;
    r.metric = metric;
    r.error = message;
    row(r);
  }

  /// The end record: load average and wall time since start().
  void end() {
    auto r = record("end");
    r.set("time", utcNow());
    r.set("load", loadAverage());
    r.set("seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count());
    write(r);
  }

private:
  json::Value record(const char* kind) const {
    auto r = json::Value::object();
    r.set("bench", m_bench);
    r.set("kind", kind);
    return r;
  }
  static std::string utcNow() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }
  /// One line, flushed at once, so that a later crash loses nothing already measured.
  void write(const json::Value& record) {
    if (m_out.is_open()) {
      m_out << json::dump(record) << '\n';
      m_out.flush();
    }
  }

  std::string m_bench;
  std::ofstream m_out;
  std::chrono::steady_clock::time_point m_start{std::chrono::steady_clock::now()};
};

} // namespace podml::bench
