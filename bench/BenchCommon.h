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
//    "ratio", "target", "pass", "error"}    (absent numbers and texts are null)
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
};

/// A JSON string literal.
inline std::string jsonString(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
        out += buf;
      } else {
        out += c;
      }
    }
  }
  return out + "\"";
}

/// A JSON number; NaN and infinities (no value) are null.
inline std::string jsonNumber(double v) { return std::isfinite(v) ? fmt("%.6g", v) : "null"; }

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
    write("{\"bench\": " + jsonString(m_bench) + ", \"kind\": \"start\", \"time\": " + jsonString(utcNow()) +
          ", \"load\": " + jsonString(loadAverage()) + ", \"cpu\": " + jsonString(cpuModel()) +
          ", \"nproc\": " + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) +
          ", \"compiler\": " + jsonString(compilerVersion()) + ", \"flags\": " + jsonString(cxxFlags) +
          ", \"config\": " + jsonString(config) + "}");
  }

  void row(const ReportRow& r) {
    const auto text = [](const std::string& s) { return s.empty() ? std::string("null") : jsonString(s); };
    write("{\"bench\": " + jsonString(m_bench) + ", \"kind\": \"result\", \"metric\": " + jsonString(r.metric) +
          ", \"value\": " + jsonNumber(r.value) + ", \"unit\": " + text(r.unit) + ", \"baseline\": " +
          text(r.baseline) + ", \"baseline_value\": " + jsonNumber(r.baselineValue) +
          ", \"ratio\": " + jsonNumber(r.ratio) + ", \"target\": " + text(r.target) +
          ", \"pass\": " + (r.pass ? (*r.pass ? "true" : "false") : "null") + ", \"error\": " + text(r.error) + "}");
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
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    write("{\"bench\": " + jsonString(m_bench) + ", \"kind\": \"end\", \"time\": " + jsonString(utcNow()) +
          ", \"load\": " + jsonString(loadAverage()) + ", \"seconds\": " + jsonNumber(s) + "}");
  }

private:
  static std::string utcNow() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }
  /// One line, flushed at once, so that a later crash loses nothing already measured.
  void write(const std::string& line) {
    if (m_out.is_open()) {
      m_out << line << '\n';
      m_out.flush();
    }
  }

  std::string m_bench;
  std::ofstream m_out;
  std::chrono::steady_clock::time_point m_start{std::chrono::steady_clock::now()};
};

} // namespace podml::bench
