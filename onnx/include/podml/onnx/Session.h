#pragma once
/// \file Session.h
/// Runs an ONNX model on event collections with ONNX Runtime: inputs bound to
/// columns once at construction, one Run per event and input collection,
/// single-member inputs passed without copying, results written back as a new
/// collection that points at the scored objects.

#include "podml/CollectionBase.h"
#include "podml/Frame.h"
#include "podml/onnx/ModelCard.h"
#include "podml/onnx/OnnxModel.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace podml::onnx {

/// Options of a Session.
struct SessionOptions {
  int intraOpThreads{1}; ///< ONNX Runtime threads inside one operator (the caller parallelises over events)
  int interOpThreads{1}; ///< ONNX Runtime threads across operators
  /// Collection names to read instead of the card's defaults, by ONNX input name.
  std::map<std::string, std::string> inputCollections;
  /// Output collection names instead of the card's defaults, by ONNX output name.
  std::map<std::string, std::string> outputCollections;
  /// For a model without a card: the binding the caller states explicitly (a card
  /// with inputs and, optionally, outputs). Ignored when the model has a card.
  std::optional<ModelCard> binding;
  /// Value of the target's `algorithmType` member, if it has one (EDM4hep ParticleID).
  int32_t algorithmType{0};
  /// In run() over several events: sort the objects by constituent count and run ONNX
  /// Runtime once per group of similar count, each padded to its own longest list,
  /// instead of padding every object to the longest of the block. Needs a mask input
  /// for every padded constituents input (else the scores could depend on the padding).
  bool lengthBuckets{false};
};

/// A tensor handed to or returned by ONNX Runtime, owning its data.
struct Tensor {
  DType dtype{DType::Float32};
  std::vector<int64_t> shape;
  std::vector<std::byte> data;
  /// Number of elements.
  std::size_t size() const;
  /// Typed view; T must match dtype.
  template <typename T>
  const T* as() const {
    return reinterpret_cast<const T*>(data.data());
  }
};

/// The outputs of one event: per ONNX output, the values for the objects scored.
struct EventResult {
  std::vector<std::string> names; ///< ONNX output names
  std::vector<Tensor> tensors;    ///< one per name; first axis = objects of the bound input
  /// Why the event was not scored (an input collection is missing from the event, or
  /// empty while another has objects, so the inputs cannot share the object axis);
  /// empty if it was. The tensors then have zero rows.
  std::string skipped;
};

/// A loaded, checked model. Immutable after construction; run() may be called from
/// many threads at once (each thread gathers into its own buffers).
class Session {
public:
  /// Loads `modelPath`, checks its card against the graph and binds the inputs to
  /// the columns of `dataModel` (the definition the events follow). Throws ModelError
  /// listing every mismatch.
  Session(const std::string& modelPath, const DataModelDefinition& dataModel, SessionOptions options = {});
  /// Loads a model for raw tensor runs only (runTensors), with or without a card.
  explicit Session(const std::string& modelPath, SessionOptions options = {});
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  /// The card in use (the model's, or the caller's binding).
  const ModelCard& card() const;
  /// What the model file declares.
  const ModelInfo& info() const;

  /// Runs the model on the bound collections of `event`. An empty collection is not
  /// passed to ONNX Runtime; its outputs have zero rows. An event lacking an input
  /// collection is skipped (EventResult::skipped). Throws InferenceError if a collection
  /// is of another type or the inputs' object counts differ.
  EventResult run(const Frame& event) const;
  /// Runs and writes back: one new collection per output with a target, holding one
  /// object per scored object with the relation set to it. Returns (name, collection).
  /// An event run() skips throws InferenceError, unless `skipped` is given: it then
  /// receives the reason and the new collections are empty.
  std::vector<std::pair<std::string, std::unique_ptr<CollectionBase>>> runAndWriteBack(const Frame& event,
                                                                                      std::string* skipped = nullptr) const;
  /// Runs the model on several events at once: their objects are concatenated along the
  /// object axis (and, with SessionOptions::lengthBuckets, grouped by constituent count),
  /// so ONNX Runtime sees larger batches; the results are split back, one per event, as
  /// run(event) gives them. Models with per-constituent outputs or ragged inputs run
  /// event by event. Throws as run(event) does, naming the event's position.
  std::vector<EventResult> run(std::span<const Frame* const> events) const;
  /// runAndWriteBack() for several events run as one batch (see run(events)). `skipped`,
  /// if given, receives one reason per event (empty if the event was scored).
  std::vector<std::vector<std::pair<std::string, std::unique_ptr<CollectionBase>>>> runAndWriteBack(
      std::span<const Frame* const> events, std::vector<std::string>* skipped = nullptr) const;
  /// Whether run(events) batches this model's events together (else it runs them one by one).
  bool batchesEvents() const;
  /// Name of the collection runAndWriteBack() writes output `output` to (the options'
  /// override, else the card's target collection, else the output's name).
  std::string outputCollection(const CardOutput& output) const;
  /// Names of every collection runAndWriteBack() writes for output `output`, in the
  /// order it returns them: one per class for per-class collections, else one.
  std::vector<std::string> outputCollections(const CardOutput& output) const;
  /// Runs on raw tensors given in graph input order (no binding involved).
  std::vector<Tensor> runTensors(const std::vector<Tensor>& inputs) const;

  /// The data pointer of the tensor made for input `input` of the last run on this
  /// thread (tests use it to prove that single-member inputs are not copied).
  static const void* lastInputData(std::size_t input);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// Name of the collection output `output` is written to: the override in `options`,
/// else the card's target collection, else the output's name.
std::string outputCollectionName(const CardOutput& output, const SessionOptions& options);

/// Names of the collections output `output` is written to: outputCollectionName(), or
/// for per-class collections one per class (the class's own name, else
/// `<outputCollectionName()>_<class>`; an override in `options` renames them all).
std::vector<std::string> outputCollectionNames(const CardOutput& output, const SessionOptions& options);

/// Mismatch lines as error messages list them: "\n  <line>" each.
std::string formatMismatches(const std::vector<std::string>& lines);

/// Checks a card against the graph declarations; returns one line per mismatch.
std::vector<std::string> checkCardAgainstGraph(const ModelCard& card, const ModelInfo& info);
/// Checks a card against a data model; returns one line per mismatch.
std::vector<std::string> checkCardAgainstDataModel(const ModelCard& card, const DataModelDefinition& dm);

} // namespace podml::onnx
