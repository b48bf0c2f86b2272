#pragma once
/// \file Inference.h
/// The read -> infer -> write loop over podml files, as `podml infer`, the Python
/// module's `podml.infer` and the Dask example run it: everything is checked when the
/// job is made, before any work; run() scores every event of the chosen entries and
/// writes the output file, renamed into place only when it is complete.

#include "podml/Frame.h"
#include "podml/Json.h"
#include "podml/onnx/ModelCard.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace podml::io {
class Reader;
}
namespace podml::onnx {
class Session;
}

namespace podml::workflow {

/// What to do with an event in which one input collection is empty while another has
/// objects (the inputs share the object axis, so the event cannot be scored).
enum class OnEmptyInput {
  Skip, ///< write the event with empty output collections, count it and warn (default)
  Fail, ///< stop the job with an InferenceError naming the event
};

/// What to score and where to write it.
struct InferenceRequest {
  std::string model;                ///< ONNX model with a card
  std::vector<std::string> inputs;  ///< podml files or globs, read as one chain
  std::string output;               ///< podml file to write
  std::string category{"events"};   ///< category of the frames to score
  /// Collection to read per ONNX input name, instead of the card's.
  std::map<std::string, std::string> inputCollections;
  /// Collection to read the model's first input from (`podml infer --collection NAME`),
  /// when the caller does not know the input's name, together with every other input
  /// the card reads from the same collection; empty: the card's.
  std::string firstInputCollection;
  /// Collection to write per ONNX output name, instead of the card's.
  std::map<std::string, std::string> outputCollections;
  uint64_t shardIndex{0}; ///< score only share shardIndex of shardCount of the entries
  uint64_t shardCount{1};
  /// Write only the scored collections and the new ones; relations of the kept
  /// collections into anything else are then stored as unset (never dangling). By
  /// default every collection of the input frame is written next to the new ones.
  bool onlyScores{false};
  OnEmptyInput onEmptyInput{OnEmptyInput::Skip};
  int32_t algorithmType{0}; ///< value of the target's `algorithmType` member (EDM4hep ParticleID)
  int intraOpThreads{1};    ///< ONNX Runtime threads (the caller parallelises over files)
  int interOpThreads{1};
  /// Events batched into one ONNX Runtime call (their objects concatenated; see
  /// onnx::Session::run(events)). 1: one call per event.
  std::size_t eventsPerRun{1};
  /// With eventsPerRun > 1: group objects by constituent count (onnx::SessionOptions::lengthBuckets).
  bool lengthBuckets{false};
};

/// What one output wrote.
struct OutputCount {
  std::string output;     ///< ONNX output name
  std::string collection; ///< collection written
  std::string type;       ///< its datatype
  uint64_t objects{0};    ///< objects written over all events
};

/// What a run did.
struct InferenceSummary {
  uint64_t firstEntry{0}, lastEntry{0}; ///< entries scored: [first, last)
  uint64_t events{0};                   ///< events written
  uint64_t skippedEvents{0};            ///< events written without scores (OnEmptyInput::Skip)
  std::vector<OutputCount> outputs;     ///< one per output with a target
};

/// The summary as JSON: {"first", "last", "events", "skipped_events", "outputs": [{"output",
/// "collection", "type", "objects"}]}, what `podml infer --json` and `podml.infer` report.
json::Value summaryJson(const InferenceSummary& summary);

/// One inference job: validated and loaded at construction.
class InferenceJob {
public:
  /// Opens the inputs, reads the card, finds its data model in the files, checks the
  /// category, the collections read and written and the output path, and loads the
  /// model into ONNX Runtime. Throws (UsageError for bad requests, ModelError for a
  /// model that does not fit, IoError for unreadable files) before anything is written.
  explicit InferenceJob(InferenceRequest request);
  InferenceJob(const InferenceJob&) = delete;
  InferenceJob& operator=(const InferenceJob&) = delete;
  ~InferenceJob();

  /// Called after each event with (events done, events to do).
  using Progress = std::function<void(uint64_t done, uint64_t total)>;
  /// Called with a warning for the user (a skipped event).
  using Warn = std::function<void(const std::string& message)>;
  /// Scores the entries and writes the output file; a failure leaves no file under the
  /// output name. May be called once.
  InferenceSummary run(const Progress& progress = {}, const Warn& warn = {});

  /// The request as given.
  const InferenceRequest& request() const;
  /// The model's card.
  const onnx::ModelCard& card() const;
  /// The loaded session.
  const onnx::Session& session() const;
  /// The files read, in chain order.
  const std::vector<std::string>& files() const;
  /// Per card input, the collection it reads; then any link collections the constituents come through.
  const std::vector<std::string>& inputCollections() const;
  /// Entries of the category in the files, and the range this job scores.
  uint64_t totalEntries() const;
  uint64_t firstEntry() const;
  uint64_t lastEntry() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// EDM4hep's PID metadata for the outputs of `session`, as PIDHandler reads it from the
/// `metadata` frame: `<collection>__AlgoName` (the model's file stem), `__AlgoType`,
/// `__ParameterNames`, plus podml's `__podml_model` and `__podml_meaning`.
Frame pidMetadata(const onnx::Session& session, const std::string& modelPath, int32_t algorithmType);

} // namespace podml::workflow
