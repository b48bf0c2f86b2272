#pragma once
/// \file Options.h
/// Knobs of the HDF5 writer.

#include <cstddef>
#include <cstdint>
#include <string>

namespace podml::io {

/// Compression filter of the column datasets.
enum class Compression : uint8_t {
  None,    ///< fastest to read; largest files
  Deflate, ///< zlib, always available; `level` 1-9
  Lz4,     ///< LZ4 through Debian's hdf5-filter-plugin, when installed (else Deflate)
};

/// How the writer lays out and compresses datasets.
struct WriterOptions {
  Compression compression{Compression::None};
  int level{1};                ///< deflate level
  bool shuffle{true};          ///< byte shuffle before compression (ignored without compression)
  std::size_t chunkRows{65536}; ///< most rows per HDF5 chunk (smaller when the first flush has fewer rows)
  std::size_t flushEvents{1000}; ///< frames buffered in memory per category before they are written
};

/// Parses "none", "deflate", "deflate:N", "lz4"; throws UsageError otherwise.
Compression parseCompression(const std::string& text, int* level = nullptr);

} // namespace podml::io
