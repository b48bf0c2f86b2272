#pragma once
/// \file Writer.h
/// Writes Frames to a columnar, self-describing HDF5 file (docs/file-format.md).

#include "podml/Frame.h"
#include "podml/io/Options.h"

#include <memory>
#include <string>
#include <vector>

namespace podml::io {

/// Mirrors podio's Writer: writeFrame() per frame and category, finish() at the end.
/// The file is written under a temporary name and renamed when finish() succeeds,
/// so a crash, an exception or a forgotten finish() never leaves a file under the
/// final name (and never replaces an older one there).
class Writer {
public:
  /// Starts writing `filename` (created or replaced at finish()).
  explicit Writer(const std::string& filename, const WriterOptions& options = {});
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  Writer(Writer&&) noexcept;
  Writer& operator=(Writer&&) noexcept;
  /// Abandons the file if finish() has not been called (see abandon()): only an explicit,
  /// successful finish() puts a file under the final name.
  ~Writer();

  /// Appends `frame` to `category`, writing all its collections or only `collections`.
  /// Throws UsageError for a collection name not in the frame.
  void writeFrame(const Frame& frame, const std::string& category, const std::vector<std::string>& collections = {});
  /// Flushes buffered frames, writes the definitions and closes the file under its final name.
  void finish();
  /// Stops without finishing: frames not yet flushed are dropped, the temporary file
  /// (every frame flushed so far, readable by a Reader) is closed and kept, or removed
  /// if `keepTemporary` is false, it holds no frame or a write to it failed (its HDF5
  /// metadata is then half written); nothing is written under the final name. Never throws.
  void abandon(bool keepTemporary = true) noexcept;
  /// The file written until finish() renames it. After each flush it holds every
  /// flushed frame and can be read by a Reader (what survives a crash).
  const std::string& temporaryFile() const;
  /// Frames written so far to `category`.
  std::size_t entries(const std::string& category) const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

} // namespace podml::io
