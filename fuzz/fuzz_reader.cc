// libFuzzer target for podml's HDF5 reader: the input bytes are written to a
// file, which is opened with podml::io::Reader and read entirely (every
// category, frames, column infos, bulk columns). podml::Error is the expected
// outcome for a malformed file; anything else (a crash, a sanitizer report, an
// uncaught exception, a huge allocation) is a finding.
#include "podml/CollectionBase.h"
#include "podml/Exceptions.h"
#include "podml/io/Reader.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace {

// Bounds the work per input: malformed files may claim billions of entries.
constexpr std::size_t kMaxFrames = 16;

std::string inputPath() {
  // /dev/shm keeps the per-input file in memory; one file per process (-jobs/-workers).
  const char* dir = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return std::string(dir) + "/podml-fuzz-" + std::to_string(::getpid()) + ".h5";
}

void readAll(const std::string& path) {
  podml::io::Reader reader({path});
  (void)reader.formatVersion();
  (void)reader.dataModels();
  for (const auto& category : reader.getAvailableCategories()) {
    const std::size_t entries = reader.getEntries(category);
    for (std::size_t i = 0; i < entries && i < kMaxFrames; ++i) {
      try {
        const auto frame = reader.readFrame(category, i);
        for (const auto& name : frame.getAvailableCollections()) {
          const auto* coll = frame.get(name);
          std::size_t sum = coll->size();
          for (const auto& col : coll->columns()) {
            sum += col.sizeBytes();
          }
          if (!coll->isSubsetCollection()) {
            for (std::size_t r = 0; r < coll->definition().relations.size(); ++r) {
              sum += coll->relationIDs(r).size();
            }
          }
          if (sum == 0xdeadbeef) {
            std::fputc(' ', stderr); // keeps the reads from being optimised away
          }
        }
      } catch (const podml::Error&) {
        // One broken entry: keep reading the others and the columns.
      }
    }
    for (const auto& info : reader.collections(category)) {
      if (info.subset) {
        continue;
      }
      // Each column on its own (columns of different row spaces cannot be read together).
      for (const auto& col : info.columns) {
        try {
          podml::io::EntryRange range{0, std::min<uint64_t>(entries, kMaxFrames)};
          if (range.last == 0) {
            continue;
          }
          (void)reader.readColumns(category, info.name, {col.path}, range);
        } catch (const podml::Error&) {
        }
      }
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
