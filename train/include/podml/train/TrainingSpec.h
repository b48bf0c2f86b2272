#pragma once
/// \file TrainingSpec.h
/// What to train, from a YAML file (docs/training.md): input collection and feature
/// members, the label, the network, the training settings and where the model's
/// output is written. The same spec produces the model card.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace podml::train {

/// Spec format version this podml writes and the newest it reads.
inline constexpr uint32_t kSpecVersion = 1;

/// Where the binary label of each input object comes from.
struct LabelSpec {
  /// Name of a link collection (e.g. `RecoMCParticleLinks`) whose one side points at
  /// the input objects; empty: no link.
  std::string link;
  /// Name of a relation of the input type (one-to-one or one-to-many) whose targets
  /// give the label; empty: no relation. At most one of `link` and `relation` is set;
  /// with neither, `member` is a member of the input collection itself.
  std::string relation;
  /// Member giving the label: of the input collection, or of the object(s) the link
  /// or relation points at (e.g. `PDG`).
  std::string member;
  /// Values of `member` that make an object signal (compared as doubles); empty:
  /// signal is `member != 0`.
  std::vector<double> signalValues;
  /// What an input object without a linked or related object is: background (false) or dropped (true).
  bool skipUnlinked{false};
};

/// The multilayer perceptron.
struct NetworkSpec {
  std::vector<int64_t> hidden{64, 64}; ///< sizes of the hidden layers
  std::string activation{"relu"};      ///< relu, tanh, sigmoid, elu or leaky_relu
};

/// Optimisation settings.
struct TrainingSettings {
  int epochs{20};
  int64_t batchSize{256};
  double learningRate{1e-3};
  double weightDecay{0.0};
  double validationFraction{0.2}; ///< share of events (not objects) kept for validation
  int patience{3};                ///< epochs without improvement of the validation loss before stopping (0: never)
  double minDelta{1e-4};          ///< smallest decrease of the validation loss that counts as improvement
  uint64_t seed{42};
  bool balanceClasses{false};     ///< weight the positive class by negatives/positives in the loss
};

/// The model's output and where inference writes it.
struct OutputSpec {
  std::string name{"score"}; ///< ONNX output name
  std::string meaning;       ///< what the score means, for the card
  std::string targetType;    ///< datatype created per input object, e.g. `edm4hep::ParticleID` (empty: none)
  std::string targetMember;  ///< member receiving the score, e.g. `likelihood`
  std::string targetRelation; ///< one-to-one relation set to the scored object, e.g. `particle`
  std::string targetCollection; ///< default output collection name
};

/// A whole training spec.
struct TrainingSpec {
  uint32_t version{kSpecVersion};
  std::string category{"events"};
  std::string inputType;       ///< datatype of the input collection, e.g. `edm4hep::ReconstructedParticle`
  std::string inputCollection; ///< its name in the events
  std::string inputName{"features"}; ///< ONNX input name
  std::vector<std::string> features; ///< ordered member paths (an array member gives all its elements)
  LabelSpec label;
  NetworkSpec network;
  TrainingSettings training;
  OutputSpec output;
  std::string source; ///< the file it was read from, for messages and provenance

  /// Reads a spec; throws DefinitionError naming `path`, the line and the reason.
  static TrainingSpec fromYamlFile(const std::string& path);
  /// Parses a spec from YAML text; `source` names it in messages.
  static TrainingSpec fromYaml(const std::string& text, const std::string& source = "training spec");
};

} // namespace podml::train
