#pragma once
/// \file Reader.h
/// Reads Frames and bulk columns from podml HDF5 files, from the definitions
/// stored in the files (no compiled data model needed).

#include "podml/Column.h"
#include "podml/Definition.h"
#include "podml/Frame.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace podml::io {

/// One column of a collection as stored: dtype, shape and unit from the file.
struct ColumnInfo {
  std::string path;
  DType dtype{DType::Float32};
  std::vector<uint32_t> shape;
  std::string unit;
  ColumnKind kind{ColumnKind::Member};
  std::string owner;
};

/// A collection as stored in one category.
struct CollectionInfo {
  std::string name;
  std::string type;          ///< value type, e.g. edm4hep::MCParticle
  std::string dataModel;     ///< data model name
  uint32_t schemaVersion{0};
  uint32_t collectionID{0};
  bool subset{false};
  uint64_t objects{0};       ///< objects (or references) over all entries
  uint64_t absentEntries{0}; ///< entries of the chain that lack the collection (written without it)
  uint64_t firstAbsentEntry{0}; ///< the first of them (over the chain), if absentEntries > 0
  std::vector<ColumnInfo> columns;
};

/// The chosen columns of one collection over a range of entries: one
/// contiguous array per column plus the object offsets per entry.
struct ColumnBatch {
  std::vector<std::string> paths;  ///< requested column paths
  std::vector<Column> columns;     ///< one per path, rows = objects in the range
  std::vector<uint64_t> offsets;   ///< entries+1 offsets into the rows
  /// Per entry: 1 if the collection is stored in it, 0 if that entry lacks it (its rows are
  /// then none, as for an empty collection: this tells the two apart).
  std::vector<uint8_t> present;
  uint64_t firstEntry{0};          ///< first entry of the range (over the chain of files)
};

/// A range of entries: [first, last).
struct EntryRange {
  uint64_t first{0};
  uint64_t last{0};
  /// Shard `i` of `n` of [0, entries): contiguous, sizes differ by at most one.
  static EntryRange shard(uint64_t entries, uint64_t i, uint64_t n);
};

/// How much of a file the probe reads in a separate process before the Reader
/// trusts it in-process (ReaderOptions::probe).
enum class Probe {
  Off,      ///< no probe: for files the caller trusts (or already probed)
  Metadata, ///< open, every collection's offsets, the first and last entry of every category
  Full,     ///< additionally every entry and every row of every dataset: costs about one full read
};

/// How a Reader opens files.
struct ReaderOptions {
  /// HDF5 1.10 can crash on a corrupt file, so each file is first read by the helper
  /// program `podml-probe` (a separate process, also from a multi-threaded program); a
  /// crash or hang there becomes an IoError. `Metadata` costs one process start and a
  /// few reads per file; `Full` reads the whole file once more but covers every read a
  /// Reader can make (docs/file-format.md, section 11). Without the helper, a
  /// single-threaded process probes in a forked child and a multi-threaded one not at all.
  Probe probe{Probe::Metadata};
  /// How long the probe may take before the file counts as one HDF5 hangs on.
  int probeTimeoutSeconds{60};
};

namespace detail {
struct ReaderAccess;
} // namespace detail

/// Reads one or several podml files as one chain (podio's Reader interface).
class Reader {
public:
  /// Opens `files` in order; throws IoError naming the file for anything unreadable.
  explicit Reader(const std::vector<std::string>& files, ReaderOptions options = {});
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  Reader(Reader&&) noexcept;
  Reader& operator=(Reader&&) noexcept;
  ~Reader();

  /// Categories present in any file, sorted.
  std::vector<std::string> getAvailableCategories() const;
  /// Entries of `category` over all files (0 if absent).
  std::size_t getEntries(const std::string& category) const;
  /// Entry `i` of `category`, all collections or only `collections`.
  Frame readFrame(const std::string& category, std::size_t i, const std::vector<std::string>& collections = {});
  /// The entry after the last one read with readNextFrame (starting at 0).
  Frame readNextFrame(const std::string& category);

  /// Collections stored in `category` over the chain (objects summed); throws IoError
  /// if a name holds different types in different files.
  std::vector<CollectionInfo> collections(const std::string& category) const;
  /// Data model definitions stored in the files (by name).
  std::vector<std::shared_ptr<const DataModelDefinition>> dataModels() const;
  /// podml file format version of the first file.
  uint32_t formatVersion() const;
  /// The files of the chain.
  const std::vector<std::string>& files() const;

  /// Reads `paths` of `collection` in `category` for entries `range` (all if last == 0),
  /// across files, touching only those datasets. Besides the columns, a path may name
  /// the halves of a relation's ObjectIDs, `<relation>.index` (int32) and
  /// `<relation>.collectionID` (uint32): per object for a one-to-one relation, per
  /// target for a one-to-many one.
  ColumnBatch readColumns(const std::string& category, const std::string& collection,
                          const std::vector<std::string>& paths, EntryRange range = {});

private:
  friend struct detail::ReaderAccess; // the probe's walk (io/src/Probe.h)
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// A Reader over one file, a comma-free list, or a glob pattern (`data/*.h5`); throws
/// IoError if a pattern matches nothing.
std::unique_ptr<Reader> makeReader(const std::string& fileOrGlob);
/// A Reader over several files or patterns, in the given order.
std::unique_ptr<Reader> makeReader(const std::vector<std::string>& filesOrGlobs);
/// The files makeReader() opens for `filesOrGlobs`: patterns expanded (sorted), in the
/// given order; throws IoError if a pattern matches nothing.
std::vector<std::string> expandFiles(const std::vector<std::string>& filesOrGlobs);

/// The current podml file format version (root attribute `podml_format_version`).
inline constexpr uint32_t kFormatVersion = 1;

} // namespace podml::io
