#pragma once
// Scratch files for the tests. One directory per process: ctest runs every test case
// as its own process, in parallel, and several build trees (default, asan, tsan) may
// run the same tests at the same time, so a fixed directory would be shared.

#include <filesystem>
#include <string>
#include <unistd.h>

namespace podml::test {

/// `name` inside this process's scratch directory (created on first use).
inline std::string tmpPath(const std::string& name) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("podml-tests-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return (dir / name).string();
}

} // namespace podml::test
