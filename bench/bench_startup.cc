// Start-up of the podml command (issue: commands that do not train must not load libtorch):
// wall time of `podml --version`, `podml inspect FILE` and `podml check MODEL FILE`-free
// commands, median over repeated runs, against starting a trivial program (/bin/true) in the
// same run, and against the helper podml-train (which links libtorch) as the cost avoided.
//
// Usage: podml-bench-startup --podml PATH [--file F.h5] [--reps N] [--report FILE]
#include "BenchCommon.h"

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <string>
#include <vector>

extern char** environ;

namespace {

// Milliseconds to run `args` to completion (output to /dev/null); NaN if it fails.
double runOnce(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  const auto t0 = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    return std::nan("");
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? ms : std::nan("");
}

double median(const std::vector<std::string>& args, int reps) {
  std::vector<double> t;
  runOnce(args); // warm the page cache
  for (int i = 0; i < reps; ++i) {
    t.push_back(runOnce(args));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
  std::string podml, file, reportPath;
  int reps = 21;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--podml" && i + 1 < argc) {
      podml = argv[++i];
    } else if (a == "--file" && i + 1 < argc) {
      file = argv[++i];
    } else if (a == "--reps" && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else if (a == "--report" && i + 1 < argc) {
      reportPath = argv[++i];
    } else {
      std::fprintf(stderr, "usage: podml-bench-startup --podml PATH [--file F.h5] [--reps N] [--report FILE]\n");
      return 2;
    }
  }
  if (podml.empty()) {
    std::fprintf(stderr, "podml-bench-startup: --podml is required\n");
    return 2;
  }
  podml::bench::Report report("startup");
  report.open(reportPath);
  report.start("median of " + std::to_string(reps) + " runs", PODML_BENCH_CXX_FLAGS);
  const std::string helper = (std::filesystem::path(podml).parent_path() / "podml-train").string();
  const double base = median({"/bin/true"}, reps);
  struct Case {
    std::string metric;
    std::vector<std::string> args;
  };
  std::vector<Case> cases{{"podml --version", {podml, "--version"}}};
  if (!file.empty()) {
    cases.push_back({"podml inspect FILE", {podml, "inspect", file}});
  }
  cases.push_back({"podml-train --version (links libtorch: the cost the other commands avoid)", {helper, "--version"}});
  std::printf("%-72s %10s\n", "command", "ms");
  std::printf("%-72s %10.2f\n", "/bin/true (process start)", base);
  int failed = 0;
  for (const auto& c : cases) {
    const double ms = median(c.args, reps);
    std::printf("%-72s %10.2f\n", c.metric.c_str(), ms);
    podml::bench::ReportRow row;
    row.metric = "start-up: " + c.metric;
    row.unit = "ms";
    row.baseline = "/bin/true";
    row.baselineValue = base;
    if (std::isnan(ms)) {
      row.error = "the command failed";
      ++failed;
    } else {
      row.value = ms;
      row.ratio = ms / base;
      if (c.metric.starts_with("podml ")) {
        row.target = "< 500 ms";
        row.pass = ms < 500.0;
      }
    }
    report.row(row);
  }
  report.end();
  return failed == 0 ? 0 : 1;
}
