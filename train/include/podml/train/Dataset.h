#pragma once
/// \file Dataset.h
/// Training data from podml files: per scored object the spec's members of its
/// collection, the members of its constituents (through a relation or link: ordered and
/// truncated as the model card says, so exactly what inference gathers) and a label
/// (binary, or a class index), read with bulk column reads, split into training and
/// validation sets by event, and streamed in chunks of events so that memory stays
/// bounded.

#include "podml/io/Reader.h"
#include "podml/train/TrainingSpec.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace podml {
struct DataModelDefinition;
}

namespace podml::train {

/// Which part of the data.
enum class Split : uint8_t { Training, Validation };

/// Rows of features and labels, row-major; a row is one scored object.
struct Chunk {
  std::vector<float> features; ///< rows x width: the objects input (empty without one)
  std::vector<float> labels;   ///< rows: 0 or 1, or the class index
  /// rows + 1: the constituents of row r are [offsets[r], offsets[r + 1]) (empty
  /// without a constituents input).
  std::vector<uint64_t> offsets;
  std::vector<float> constituents; ///< constituents x constituentWidth, each row's in the card's order
  std::size_t rows() const { return labels.size(); }
};

/// How a Dataset reads.
struct DatasetOptions {
  uint64_t chunkEvents{20000};            ///< events read at once when streaming
  uint64_t memoryBudgetBytes{2ull << 30}; ///< keep everything in memory if it fits in this
};

/// Counts of one split.
struct SplitCounts {
  uint64_t rows{0};
  uint64_t positives{0};          ///< binary label: rows labelled 1
  std::vector<uint64_t> perClass; ///< classes: rows per class
  uint64_t constituents{0};       ///< constituents over the rows (after truncation)
};

/// Every row a Dataset of `spec` over `files` makes, in file order (entries, then
/// objects), with its split: what the Python route trains on and evaluates with, so
/// both routes see the same rows, labels and split. Objects the label drops
/// (`unlinked: skip`) are left out; `object` says which object of its entry a row is.
struct LabelledRows {
  Chunk rows;                           ///< features (rows x width) and labels
  std::vector<uint8_t> validation;      ///< per row: 1 in the validation split
  std::vector<uint64_t> entry;          ///< per row: entry over the chain
  std::vector<uint32_t> object;         ///< per row: index of the object in its entry's collection
  std::size_t width{0};                 ///< values per row
  std::vector<std::string> featureNames; ///< one per value
  uint64_t events{0};                   ///< entries of the category over the files
  std::size_t constituentWidth{0};      ///< values per constituent
  std::vector<std::string> constituentNames; ///< one per constituent value
};

/// Reads the rows of `spec` over `files` for entries `range` (all if last == 0). Throws
/// DefinitionError if the spec does not fit the data, IoError for the files.
LabelledRows readLabelledRows(const TrainingSpec& spec, const std::vector<std::string>& files, io::EntryRange range = {});

/// The training data of a spec over one or several files (read as one chain).
class Dataset {
public:
  /// Opens `files` (globs allowed), checks that the spec's collection, features and
  /// label exist with numeric types, and counts the rows of each split. Throws
  /// DefinitionError (spec does not fit the data) or IoError (files).
  Dataset(const TrainingSpec& spec, const std::vector<std::string>& files, DatasetOptions options = {});
  Dataset(const Dataset&) = delete;
  Dataset& operator=(const Dataset&) = delete;
  ~Dataset();

  /// Number of input values per object (an array member counts all its elements).
  std::size_t width() const;
  /// A name per input value, e.g. `momentum.x` or `covMatrix[3]`.
  const std::vector<std::string>& featureNames() const;
  /// Values per constituent: every constituents input's members, in spec order.
  std::size_t constituentWidth() const;
  /// A name per constituent value.
  const std::vector<std::string>& constituentNames() const;
  /// Rows and positives of a split.
  SplitCounts counts(Split split) const;
  /// Events over all files.
  uint64_t events() const;
  /// The files as expanded.
  const std::vector<std::string>& files() const;
  /// The stored data model definition that holds the input type.
  const DataModelDefinition& dataModel() const;
  /// True if all rows are held in memory (else every pass reads the files again).
  bool inMemory() const;
  /// Seconds spent reading files and building rows so far.
  double readSeconds() const;

  /// Calls `f` for each chunk of `split`. With `shuffleSeed` != 0 the chunk order and
  /// the rows in each chunk are permuted (deterministically for a given seed).
  void forEachChunk(Split split, uint64_t shuffleSeed, const std::function<void(const Chunk&)>& f);

private:
  friend LabelledRows readLabelledRows(const TrainingSpec&, const std::vector<std::string>&, io::EntryRange);
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// True if event `entry` (over the chain) belongs to the validation split: a hash of
/// (seed, entry) below `fraction`, so the split does not depend on how events are chunked.
bool isValidationEvent(uint64_t entry, uint64_t seed, double fraction);

} // namespace podml::train
