#include "Probe.h"

#include "podml/Exceptions.h"

#include <chrono>
#include <filesystem>
#include <csignal>
#include <cstring>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace podml::io::detail {

namespace {
// Exit code of a child whose walk threw: anything else but 0 is a crash.
constexpr int kOrdinaryError = 97;
} // namespace

bool singleThreaded() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
    ++n;
  }
  return n == 1;
}

void probeInChild(const std::string& file, const std::function<void()>& walk, int timeoutSeconds) {
  // A child forked while another thread holds HDF5's global lock would wait for it
  // forever: probe only from a single-threaded process.
  std::error_code ec;
  if (!std::filesystem::exists("/proc/self/task", ec) || !singleThreaded()) {
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
      rc = kOrdinaryError; // the parent's own open will report it
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
    throw IoError("cannot open '" + file + "': HDF5 crashed while reading its metadata (" +
                  std::string(strsignal(WTERMSIG(status))) + "); the file is corrupt");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != kOrdinaryError) {
    // Sanitizer runtimes report memory errors by exiting with their own code (1 for ASan).
    throw IoError("cannot open '" + file + "': HDF5 failed while reading its metadata (exit code " +
                  std::to_string(WEXITSTATUS(status)) + "); the file is corrupt");
  }
}

} // namespace podml::io::detail
