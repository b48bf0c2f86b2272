#pragma once
// Reads a file once in a separate process before the reader trusts it in-process:
// HDF5 1.10 does not validate its own metadata and can crash or hang on a corrupt
// file (fuzz/known-hdf5-crashers). A crash or hang there becomes an IoError here.
// The separate process is the helper program `podml-probe` (io/src/probe_main.cc),
// started with posix_spawn, which is safe in a multi-threaded process; a forked
// child is the fallback when the helper cannot be found.

#include "podml/io/Reader.h"

#include <functional>
#include <string>

namespace podml::io::detail {

/// Access to a Reader's internals for the probe.
struct ReaderAccess {
  /// Reads what `depth` covers in every file of `r` (section 11 of docs/file-format.md):
  /// the same HDF5 calls in the same order each time, so a process that repeats the
  /// helper's walk on a file the helper read without crashing repeats only reads that
  /// did not crash. Catches podml::Error per step, so one damaged collection or entry
  /// does not hide the rest; returns the first error's message (empty if none).
  static std::string walk(Reader& r, Probe depth);
};

/// Path of the podml-probe helper: $PODML_PROBE; else next to the binary holding
/// podml's io code (the program, or a shared object) or in ../libexec/podml/ from
/// there; else the build tree's and the install prefix's helper. Empty if none is
/// executable. Throws UsageError if $PODML_PROBE names no executable file.
std::string findProbeHelper();

/// Probes `file` to `depth` (not Probe::Off) with the helper, or with `forkWalk` in a
/// forked child when there is no helper and the process is single-threaded. Throws
/// IoError naming the file if the probe crashed or did not finish in `timeoutSeconds`.
/// Returns normally if the probe succeeded, if it met an ordinary podml error (the
/// in-process reader reports it again where it meets it), or if no probe could run.
void probeFile(const std::string& file, Probe depth, int timeoutSeconds, const std::function<void()>& forkWalk);

/// Runs `walk` (which opens and reads `file`) in a forked child. Throws IoError
/// naming the file if the child dies from a signal. Returns normally if the child
/// finished (with or without an error, which the in-process open reports again),
/// if the probe could not run or did not finish within `timeoutSeconds`, or if the
/// process has several threads (a fork could then inherit a held HDF5 lock).
void probeInChild(const std::string& file, const std::function<void()>& walk, int timeoutSeconds = 60);

/// Whether this process runs only one thread (Linux: /proc/self/task).
bool singleThreaded();

/// Exit code of podml-probe when the walk met an ordinary podml::Error. Sanitizer
/// runtimes also exit with 1, so the helper marks its message with kProbeErrorMarker.
inline constexpr int kProbeOrdinaryError = 1;
/// Prefix of the helper's stderr line that carries the ordinary error's message.
inline constexpr const char* kProbeErrorMarker = "podml-probe: error: ";

} // namespace podml::io::detail
