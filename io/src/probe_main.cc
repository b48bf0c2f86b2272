// podml-probe FILE [--full]: reads FILE with podml's reader, without a probe of its
// own, as a Reader's probe does (io/src/Probe.h). The Reader starts this program
// before it trusts a file in-process: if libhdf5 crashes or hangs on the file, it
// does so here. Exit status: 0 if everything read, 1 with the first podml error on
// stderr (after "podml-probe: error: "), 2 for a bad command line; anything else (a
// signal, a sanitizer's exit code, 3 for an unexpected exception) is a crash.
#include "Probe.h"

#include "podml/Exceptions.h"
#include "podml/io/Reader.h"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <string>
#include <ucontext.h>
#include <unistd.h>

namespace {

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define PODML_PROBE_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PODML_PROBE_SANITIZED 1
#endif

#ifndef PODML_PROBE_SANITIZED
void writeText(const char* s) {
  if (s != nullptr) {
    [[maybe_unused]] const auto n = ::write(2, s, std::strlen(s));
  }
}

// Says in which binary the crash happened (libhdf5 or podml's own code), so that the
// caller's IoError can name it; then dies from the same signal. A sanitizer's report
// does this better, so sanitized builds keep the sanitizer's handler.
void onCrash(int sig, siginfo_t*, void* context) {
  void* pc = nullptr;
#if defined(__x86_64__)
  pc = reinterpret_cast<void*>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  pc = reinterpret_cast<void*>(static_cast<ucontext_t*>(context)->uc_mcontext.pc);
#else
  (void)context;
#endif
  Dl_info info{};
  writeText("podml-probe: crashed (signal ");
  char num[16];
  std::snprintf(num, sizeof num, "%d", sig);
  writeText(num);
  writeText(")");
  if (pc != nullptr && ::dladdr(pc, &info) != 0) {
    writeText(" in ");
    writeText(info.dli_fname);
    if (info.dli_sname != nullptr) {
      writeText(" (");
      writeText(info.dli_sname);
      writeText(")");
    }
  }
  writeText("\n");
  ::raise(sig); // SA_RESETHAND: the default action, so the parent sees the signal
}

void installCrashReport() {
  struct sigaction sa {};
  sa.sa_sigaction = onCrash;
  sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
    ::sigaction(sig, &sa, nullptr);
  }
}
#else
void installCrashReport() {}
#endif

int usage() {
  std::fputs("usage: podml-probe FILE [--full]\n", stderr);
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  bool full = false;
  bool optionsDone = false;
  std::string file;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (!optionsDone && a == "--full") {
      full = true;
    } else if (!optionsDone && a == "--") {
      optionsDone = true;
    } else if (!optionsDone && a.size() > 1 && a[0] == '-') {
      return usage();
    } else if (file.empty()) {
      file = a;
    } else {
      return usage();
    }
  }
  if (file.empty()) {
    return usage();
  }
  installCrashReport();
  try {
    podml::io::Reader reader({file}, podml::io::ReaderOptions{podml::io::Probe::Off});
    const auto error =
        podml::io::detail::ReaderAccess::walk(reader, full ? podml::io::Probe::Full : podml::io::Probe::Metadata);
    if (!error.empty()) {
      std::fprintf(stderr, "%s%s\n", podml::io::detail::kProbeErrorMarker, error.c_str());
      return podml::io::detail::kProbeOrdinaryError;
    }
    return 0;
  } catch (const podml::Error& e) {
    std::fprintf(stderr, "%s%s\n", podml::io::detail::kProbeErrorMarker, e.what());
    return podml::io::detail::kProbeOrdinaryError;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "podml-probe: crashed: uncaught exception: %s\n", e.what());
    return 3;
  }
}
