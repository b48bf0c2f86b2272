#include "Probe.h"

#include "podml/Exceptions.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace podml::io::detail {

namespace fs = std::filesystem;

namespace {

// Exit code of a forked child whose walk threw: anything else but 0 is a crash.
constexpr int kForkOrdinaryError = 97;
// Exit code of podml-probe for a command line it does not understand (an
// incompatible helper): the file was not probed, which is not the file's fault.
constexpr int kProbeUsage = 2;
// The helper's stderr is kept up to this size (its tail): enough for a sanitizer report's
// SUMMARY line, bounded whatever the helper prints.
constexpr std::size_t kMaxOutput = 64 * 1024;

bool isExecutable(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// The binary that holds this code: the program itself when podml's io library is
// linked statically, else the shared object (a Python extension, libpodml-io.so).
fs::path selfBinary() {
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&findProbeHelper), &info) != 0 && info.dli_fname != nullptr &&
      info.dli_fname[0] == '/') {
    return info.dli_fname;
  }
  // glibc names the main program as it was started (argv[0], possibly relative or a
  // bare name found through PATH); the kernel knows its real path.
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe;
}

// What a crashed helper said last about where it crashed: a sanitizer's SUMMARY line,
// or the helper's own signal report. Empty if it said nothing of the kind.
std::string crashDetail(const std::string& output) {
  for (const char* key : {"SUMMARY: ", "podml-probe: crashed"}) {
    const auto at = output.rfind(key);
    if (at != std::string::npos) {
      const auto end = output.find('\n', at);
      return "; " + output.substr(at, end == std::string::npos ? std::string::npos : end - at);
    }
  }
  return {};
}

std::string signalText(int sig) {
  const char* name = ::strsignal(sig);
  return "signal " + std::to_string(sig) + (name != nullptr ? std::string(", ") + name : std::string());
}

// Runs the helper on `file`. Returns false if it could not be started or did not
// understand its command line (the caller then falls back); throws IoError if it
// crashed, failed abnormally or did not finish in time.
bool probeWithHelper(const std::string& helper, const std::string& file, Probe depth, int timeoutSeconds) {
  int fds[2];
  // O_CLOEXEC: helpers spawned by other threads at the same time must not inherit
  // this pipe, or its read end would not see EOF when this helper exits.
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  std::vector<std::string> args{helper};
  if (depth == Probe::Full) {
    args.emplace_back("--full");
  }
  args.emplace_back("--");
  args.push_back(file);
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  // Some of HDF5's crashes free or follow pointers it never initialised: whether the
  // helper crashes then depends on what its heap held before. glibc's perturbation fills
  // fresh and freed blocks with a non-zero byte, so such garbage is never a harmless
  // NULL in the helper (sanitized helpers get the same from ASan's malloc_fill_byte).
  // In a build with AddressSanitizer, the helper's leak check at exit would turn
  // libhdf5's leaks on a damaged file into a failed probe: leaks are not crashes (and
  // the in-process reader is still leak-checked). Other builds ignore ASAN_OPTIONS.
  std::vector<char*> env;
  bool perturbSet = false;
  std::string asan = "ASAN_OPTIONS=detect_leaks=0";
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, "ASAN_OPTIONS=", 13) == 0) {
      asan = std::string(*e) + ":detect_leaks=0";
      continue;
    }
    perturbSet = perturbSet || std::strncmp(*e, "MALLOC_PERTURB_=", 16) == 0;
    env.push_back(*e);
  }
  env.push_back(asan.data());
  std::string perturb = "MALLOC_PERTURB_=165";
  if (!perturbSet) {
    env.push_back(perturb.data());
  }
  env.push_back(nullptr);
  pid_t pid = -1;
  // posix_spawn, not fork: a forked copy of a multi-threaded process may inherit a lock
  // (HDF5's, malloc's) held by another thread and wait for it forever.
  const int rc = ::posix_spawn(&pid, helper.c_str(), &actions, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(std::max(1, timeoutSeconds));
  std::string output;
  bool timedOut = false;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timedOut = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) {
      break;
    }
    if (ready <= 0) {
      continue;
    }
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break; // EOF: the helper exited (or closed its stderr)
    }
    output.append(buf, static_cast<std::size_t>(n));
    if (output.size() > 2 * kMaxOutput) {
      output.erase(0, output.size() - kMaxOutput);
    }
  }
  ::close(fds[0]);
  if (timedOut) {
    ::kill(pid, SIGKILL);
  }
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, timedOut ? 0 : WNOHANG);
    if (r == pid) {
      break;
    }
    if (r < 0 && errno != EINTR) {
      return false; // someone else reaped it (a SIGCHLD handler set to SIG_IGN): no verdict
    }
    if (!timedOut && std::chrono::steady_clock::now() > deadline) {
      timedOut = true;
    }
    if (timedOut) {
      ::kill(pid, SIGKILL);
      continue;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (timedOut) {
    throw IoError("cannot open '" + file + "': libhdf5 did not finish reading it within " +
                  std::to_string(timeoutSeconds) + " s (probe process " + helper +
                  "); the file is corrupt, or larger than ReaderOptions::probeTimeoutSeconds allows for");
  }
  if (WIFEXITED(status)) {
    const int code = WEXITSTATUS(status);
    if (code == 0 || (code == kProbeOrdinaryError && output.find(kProbeErrorMarker) != std::string::npos)) {
      return true;
    }
    if (code == kProbeUsage && output.rfind("usage: ", 0) == 0) {
      return false;
    }
    // Sanitizer runtimes report memory errors by exiting with their own code (1 for ASan).
    throw IoError("cannot open '" + file + "': libhdf5 failed reading it (exit code " + std::to_string(code) +
                  " of probe process " + helper + crashDetail(output) + "); the file is corrupt");
  }
  const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  throw IoError("cannot open '" + file + "': libhdf5 crashed reading it (" + signalText(sig) + " in probe process " +
                helper + crashDetail(output) + "); the file is corrupt");
}

} // namespace

bool singleThreaded() {
  std::error_code ec;
  std::size_t n = 0;
  for (fs::directory_iterator it("/proc/self/task", ec), end; !ec && it != end; it.increment(ec)) {
    ++n;
  }
  return !ec && n == 1;
}

std::string findProbeHelper() {
  if (const char* env = std::getenv("PODML_PROBE"); env != nullptr && env[0] != '\0') {
    if (!isExecutable(env)) {
      throw UsageError(std::string("cannot probe files: PODML_PROBE='") + env + "' is not an executable file");
    }
    return env;
  }
  std::vector<fs::path> candidates;
  if (const auto self = selfBinary(); !self.empty()) {
    candidates.push_back(self.parent_path() / "podml-probe");
    candidates.push_back(self.parent_path() / ".." / "libexec" / "podml" / "podml-probe");
  }
#ifdef PODML_PROBE_BUILD_PATH
  candidates.emplace_back(PODML_PROBE_BUILD_PATH);
#endif
#ifdef PODML_PROBE_INSTALL_PATH
  candidates.emplace_back(PODML_PROBE_INSTALL_PATH);
#endif
  for (const auto& c : candidates) {
    if (isExecutable(c)) {
      return c.lexically_normal().string();
    }
  }
  return {};
}

void probeFile(const std::string& file, Probe depth, int timeoutSeconds, const std::function<void()>& forkWalk) {
  if (depth == Probe::Off) {
    return;
  }
  const auto helper = findProbeHelper();
  if (!helper.empty() && probeWithHelper(helper, file, depth, timeoutSeconds)) {
    return;
  }
  probeInChild(file, forkWalk, timeoutSeconds);
}

void probeInChild(const std::string& file, const std::function<void()>& walk, int timeoutSeconds) {
  // A child forked while another thread holds HDF5's global lock would wait for it
  // forever: probe only from a single-threaded process.
  if (!singleThreaded()) {
    return;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    return; // no probe possible: the in-process open is what is left
  }
  if (pid == 0) {
    int rc = 0;
    try {
      walk();
    } catch (...) {
      rc = kForkOrdinaryError; // the parent's own open will report it
    }
    ::_exit(rc);
  }
  // Another thread may have held a library lock at fork time and the child may
  // then wait forever: give it a bounded time, then fall back to the in-process open.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      break;
    }
    if (r < 0) {
      return;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (WIFSIGNALED(status)) {
    throw IoError("cannot open '" + file + "': libhdf5 crashed reading it (" + signalText(WTERMSIG(status)) +
                  " in a forked probe); the file is corrupt");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != kForkOrdinaryError) {
    // Sanitizer runtimes report memory errors by exiting with their own code (1 for ASan).
    throw IoError("cannot open '" + file + "': libhdf5 failed reading it (exit code " +
                  std::to_string(WEXITSTATUS(status)) + " of a forked probe); the file is corrupt");
  }
}

} // namespace podml::io::detail
