// libFuzzer target for podml's HDF5 reader: the input bytes are written to a
// file, which is opened with podml::io::Reader with the full probe and then read
// entirely in-process by the probe's own walk (every category, entry, collection,
// dataset and parameter). The probe helper (podml-probe, built with the same
// sanitizers) makes the same HDF5 calls first, so inputs on which libhdf5 crashes
// become an IoError and never reach libhdf5 in this process. podml::Error is the
// expected outcome for a malformed file; anything else (a crash, a sanitizer report,
// an uncaught exception, a huge allocation) is a finding, and so is a probe that
// crashed in podml's own code (the helper's sanitizer report names a podml:: frame).
#include "Probe.h"

#include "podml/Exceptions.h"
#include "podml/io/Reader.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace {

// The helper's time limit per input, well inside libFuzzer's -timeout=3 (fuzz/run.sh):
// the in-process walk repeats the helper's work and takes about as long.
constexpr int kProbeSeconds = 1;

std::string inputPath() {
  // /dev/shm keeps the per-input file in memory; one file per process (-jobs/-workers).
  const char* dir = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return std::string(dir) + "/podml-fuzz-" + std::to_string(::getpid()) + ".h5";
}

void readAll(const std::string& path) {
  podml::io::ReaderOptions options;
  options.probe = podml::io::Probe::Full;
  options.probeTimeoutSeconds = kProbeSeconds;
  try {
    podml::io::Reader reader({path}, options);
    (void)reader.formatVersion();
    (void)reader.dataModels();
    (void)podml::io::detail::ReaderAccess::walk(reader, podml::io::Probe::Full);
    for (const auto& category : reader.getAvailableCategories()) {
      (void)reader.collections(category); // merges what the walk loaded: no HDF5 call
    }
  } catch (const podml::IoError& e) {
    // A crash in the helper is reported as libhdf5's; if the sanitizer saw it in
    // podml's own code, it is a podml bug the probe must not hide.
    const std::string what = e.what();
    if (what.find("probe process") != std::string::npos && what.find("podml::") != std::string::npos) {
      std::fprintf(stderr, "podml-fuzz: the probe crashed in podml's code: %s\n", what.c_str());
      std::abort();
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const std::string path = inputPath();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    return 0;
  }
  if (size != 0) {
    std::fwrite(data, 1, size, f);
  }
  std::fclose(f);
  try {
    readAll(path);
  } catch (const podml::Error&) {
  }
  std::remove(path.c_str());
  return 0;
}
