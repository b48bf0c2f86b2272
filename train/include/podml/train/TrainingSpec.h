#pragma once
/// \file TrainingSpec.h
/// What to train, from a YAML file (docs/training.md): the scored collection and the
/// graph inputs read from it (its members, or its constituents through a relation or
/// link, as in the model card version 2), the label (binary or several classes), the
/// network, the training settings and where the model's output is written. The same
/// spec produces the model card.

#include "podml/onnx/ModelCard.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace podml::train {

/// Spec format version this podml writes and the newest it reads.
inline constexpr uint32_t kSpecVersion = 2;

/// One class of a multi-class label. An object belongs to the first class, in the spec's
/// order, that one of its linked or related objects matches; `unlinked` takes objects
/// with none, `otherwise` those no other class takes; objects no class takes are dropped.
struct ClassSpec {
  enum class Match : uint8_t {
    Values,     ///< the label member is one of `values`
    PdgFlavour, ///< the label member is a PDG code whose heaviest quark is `flavour` (5: b hadrons)
    Unlinked,   ///< nothing linked or related
    Otherwise,  ///< anything no other class takes
  };
  std::string name;            ///< e.g. `b`
  int64_t code{0};             ///< written with the class (ParticleID's PDG); default: the flavour, the first value, or the index
  Match match{Match::Values};
  std::vector<double> values;  ///< for Values
  int flavour{0};              ///< for PdgFlavour: 1 to 6
};

/// Where the label of each input object comes from.
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
  /// Several classes (version 2): in order, the columns of the output. Empty: binary.
  std::vector<ClassSpec> classes;
};

/// The network, by name, with its hyper-parameters.
struct NetworkSpec {
  /// `mlp` (one objects input), `deepsets` (padded constituents with their mask, and
  /// optionally one objects input) or `attention` (Python route only: weaver's contract).
  std::string name{"mlp"};
  std::vector<int64_t> hidden{64, 64}; ///< MLP: hidden layers; DeepSets: the jet-level network after pooling
  std::string activation{"relu"};      ///< relu, tanh, sigmoid, elu or leaky_relu
  std::vector<int64_t> phi{64, 64};    ///< DeepSets: the per-constituent network
  std::string pooling{"sum"};          ///< DeepSets: `sum` or `mean` over the real constituents
  int64_t embed{32};                   ///< attention: embedding width
  int64_t heads{4};                    ///< attention: heads (divides embed)
  int64_t blocks{2};                   ///< attention: encoder blocks
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
  bool balanceClasses{false};     ///< binary: positives weighted by negatives/positives; classes: each by rows/(C rows_c)
  std::vector<double> classWeights; ///< per class of the label, in its order (empty: all 1, or balanced)
};

/// The model's output and where inference writes it.
struct OutputSpec {
  std::string name{"score"}; ///< ONNX output name
  std::string meaning;       ///< what the score means, for the card
  std::string targetType;    ///< datatype created per input object, e.g. `edm4hep::ParticleID` (empty: none)
  std::string targetMember;  ///< member receiving the score, e.g. `likelihood`
  std::string targetRelation; ///< one-to-one relation set to the scored object, e.g. `particle`
  std::string targetCollection; ///< default output collection name
  std::string perClass{"collections"}; ///< classes: `collections` (one per class) or `vector`
  std::string classMember;      ///< classes: member set to the class code, e.g. `PDG`
};

/// A whole training spec.
struct TrainingSpec {
  uint32_t version{kSpecVersion};
  std::string category{"events"};
  std::string inputType;       ///< datatype of the scored collection, e.g. `edm4hep::ReconstructedParticle`
  std::string inputCollection; ///< its name in the events
  std::string inputName{"features"}; ///< ONNX name of the objects input (version 1: the only input)
  std::vector<std::string> features; ///< its member paths (an array member gives all its elements); empty if none
  /// Every graph input in order, as the card says them (members by path only): version 1
  /// has one objects input; version 2 lists them in the spec's order.
  std::vector<onnx::CardInput> inputs;
  LabelSpec label;
  NetworkSpec network;
  TrainingSettings training;
  OutputSpec output;
  std::string source; ///< the file it was read from, for messages and provenance

  /// Reads a spec; throws DefinitionError naming `path`, the line and the reason.
  static TrainingSpec fromYamlFile(const std::string& path);
  /// Parses a spec from YAML text; `source` names it in messages.
  static TrainingSpec fromYaml(const std::string& text, const std::string& source = "training spec");

  /// The constituents input(s) (all read the same constituents), or null.
  const onnx::CardInput* constituentsInput() const;
  /// The objects input, or null.
  const onnx::CardInput* objectsInput() const;
  /// The mask input, or null.
  const onnx::CardInput* maskInput() const;
  /// True if the label has several classes.
  bool multiClass() const { return !label.classes.empty(); }
};

/// The heaviest quark of a PDG code (hadrons, quarks; 0 for leptons, bosons, nuclei and
/// light-only hadrons are 1 to 3): 5 for B hadrons, 4 for charm hadrons.
int pdgHeaviestQuark(int64_t pdg);

} // namespace podml::train
