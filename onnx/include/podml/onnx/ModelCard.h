#pragma once
/// \file ModelCard.h
/// The model card: a versioned JSON document stored under one key of an ONNX
/// model's metadata_props that says which data model types and members the
/// model reads and where its outputs go (docs/model-card.md).

#include "podml/DType.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace podml {
struct DataModelDefinition;
}

namespace podml::onnx {

/// Key of the card in the model's metadata_props.
inline constexpr const char* kCardKey = "podml.card";
/// Newest card format version this podml reads. A card is written with the lowest
/// version that can say what it holds (ModelCard::requiredVersion()), so a card
/// without structured inputs stays readable by podml versions that know only 1.
inline constexpr uint32_t kCardVersion = 2;

/// One tensor dimension: fixed (>= 0) or symbolic (e.g. the object axis "N").
using Dim = std::variant<int64_t, std::string>;

/// One member of the collection bound to an input, in tensor order.
struct CardMember {
  std::string path;           ///< dotted column path, e.g. `momentum.x`
  DType dtype{DType::Float32}; ///< dtype of the column in the data model
  std::vector<uint32_t> shape; ///< per-object shape of the column (empty for scalars)
  std::string unit;           ///< unit in the data model
  /// False for a member the card gives as a bare path: completeFrom() fills in its dtype,
  /// shape and unit, and until then they are only defaults.
  bool described{true};
};

/// What an input tensor holds (card version 2; version 1 knows only Objects).
enum class InputKind : uint8_t {
  Objects,      ///< members of the scored objects: [N, k] or [N]
  Constituents, ///< members of the objects related to each scored object: padded or ragged
  Mask,         ///< 1 for a real constituent, 0 for padding, of a padded constituents input
  SegmentIds,   ///< [M]: for each constituent of a ragged input, the index of its scored object
  Offsets,      ///< [N + 1]: where each scored object's constituents start in a ragged input
};

/// How constituents are laid out in their tensor.
enum class ConstituentLayout : uint8_t {
  FeaturesFirst, ///< [N, F, P], channels first, as weaver's ParticleTransformer takes them
  ConstituentsFirst, ///< [N, P, F]
  Ragged,        ///< [M, F], the constituents of all scored objects one after the other
};

/// Where the constituents of a scored object come from and how they are arranged.
struct ConstituentSource {
  std::string relation;       ///< one-to-many relation of the scored type, e.g. `particles`
  std::string link;           ///< or: a link datatype with the scored type on one side
  std::string linkCollection; ///< default collection of that link in the event
  std::string type;           ///< datatype of the constituents (filled from the relation or link)
  ConstituentLayout layout{ConstituentLayout::FeaturesFirst};
  uint32_t maxCount{0};       ///< padded: P fixed, longer lists truncated; 0 = the longest list of the event
  std::string sortBy;         ///< member of the constituent type to order by; empty = stored order
  bool descending{true};      ///< order of sortBy (weaver sorts by pT, descending)
  double padValue{0};         ///< value of padded slots
};

/// What an ONNX input reads.
struct CardInput {
  std::string name;             ///< ONNX graph input name
  InputKind kind{InputKind::Objects};
  std::string collectionType;   ///< the scored datatype, e.g. `edm4hep::ReconstructedParticle`
  std::string collection;       ///< default collection name of the scored objects in the event
  std::optional<ConstituentSource> constituents; ///< set for kind Constituents
  std::string of;               ///< Mask, SegmentIds, Offsets: the Constituents input described
  std::vector<CardMember> members; ///< of the scored type (Objects) or the constituent type
  DType dtype{DType::Float32};  ///< element type of the tensor
  std::vector<Dim> shape;       ///< tensor shape, first axis symbolic (objects)
  std::string preprocessing;    ///< what the graph does to the inputs first (for humans)
};

/// Name of an input kind as the card spells it (`objects`, `constituents`, `mask`,
/// `segment_ids`, `offsets`).
std::string_view inputKindName(InputKind kind) noexcept;
/// Name of a layout as the card spells it (`NFP`, `NPF`, `ragged`).
std::string_view layoutName(ConstituentLayout layout) noexcept;

/// How an output with one column per class is written back.
enum class ClassWriteBack : uint8_t {
  Collections, ///< one collection per class, `member` = the class's value, `classMember` = its code
  Vector,      ///< one object per row, all values in the vector member `member`
};

/// Where an ONNX output is written.
struct CardTarget {
  std::string type;       ///< datatype created per input object, e.g. `edm4hep::ParticleID`
  std::string member;     ///< member receiving the value, e.g. `likelihood`
  std::string relation;   ///< one-to-one relation set to the scored object, e.g. `particle`
  std::string collection; ///< default output collection name (the prefix of per-class names)
  ClassWriteBack perClass{ClassWriteBack::Collections}; ///< for outputs with classes
  std::string classMember{}; ///< member set to the class code (e.g. `PDG`): per class, or of the best class
};

/// One class of a multi-class output ([N, C]): column c of the output.
struct CardClass {
  std::string name;       ///< e.g. `b`
  int64_t code{0};        ///< written to the target's classMember, e.g. the PDG code 5
  std::string collection; ///< per-class collection; default `<target collection>_<name>`
};

/// What an ONNX output means and where it goes.
struct CardOutput {
  std::string name;     ///< ONNX graph output name
  std::string meaning;  ///< e.g. "probability that the particle comes from the signal"
  DType dtype{DType::Float32};
  std::vector<Dim> shape;
  std::optional<CardTarget> target;
  std::string input;    ///< name of the input whose objects the output rows belong to
  /// The rows are the constituents of input `input` ([N, P] padded or [M] ragged,
  /// written back to each real constituent), not the scored objects.
  bool perConstituent{false};
  std::vector<CardClass> classes; ///< for [N, C] outputs: one per column
};

/// The whole card.
struct ModelCard {
  uint32_t version{kCardVersion};
  std::string dataModel;        ///< data model name
  uint32_t schemaVersion{0};    ///< schema version the model was trained on
  std::string membersHash;      ///< hash of the member definitions used (see membersHash())
  std::vector<CardInput> inputs;
  std::vector<CardOutput> outputs;
  std::string producer;         ///< e.g. "podml 0.1.0"
  std::string provenanceJson{"{}"}; ///< free-form JSON object: training data, settings, metrics

  /// The card as JSON text (deterministic), at requiredVersion().
  std::string toJson(int indent = -1) const;
  /// 2 if the card uses anything of version 2 (structured inputs, classes), else 1.
  uint32_t requiredVersion() const;
  /// The input named `name`, or null.
  const CardInput* input(std::string_view name) const;
  /// Parses a card; throws DefinitionError naming `source` for malformed JSON,
  /// missing fields or an unknown card version.
  static ModelCard fromJson(std::string_view text, std::string_view source = "model card");
  /// Hash over the types and members the inputs use (dtype, shape, unit of each).
  std::string computeMembersHash() const;
  /// Fills members' dtype/shape/unit, constituent types, the shapes of structured
  /// inputs left empty, membersHash and schemaVersion from `dm`; throws
  /// DefinitionError for a type, member or relation the data model lacks.
  void completeFrom(const DataModelDefinition& dm);
};

/// What a card for a per-object score model says: one float input [N, width] gathered
/// from `members` of one collection, one float output [N, 1].
struct ScoreCardSpec {
  std::string inputName{"features"};
  std::string collectionType;           ///< e.g. `edm4hep::ReconstructedParticle`
  std::string collection;               ///< default collection name
  std::vector<std::string> members;     ///< member paths in tensor order
  std::string preprocessing{"none"};
  std::string outputName{"score"};
  std::string meaning;
  std::optional<CardTarget> target;
  std::string producer;
  std::string provenanceJson{"{}"};
};

/// The card of `spec`, completed from `dm` (dtype, shape, unit of each member, the
/// input's width counting every element of array members, hashes). Throws
/// DefinitionError for a type or member `dm` lacks.
ModelCard makeScoreCard(const ScoreCardSpec& spec, const DataModelDefinition& dm);

/// The datatype (or interface) of the constituents of input `in` in `dm`: the target of
/// its relation, or the other side of its link; empty if `in` has no constituents or
/// the relation or link does not resolve (the checks say why).
std::string constituentTypeOf(const CardInput& in, const DataModelDefinition& dm);

/// One line saying what an input reads, for people: e.g. "constituents of
/// edm4hep::ReconstructedParticle 'Jets' through 'particles' (edm4hep::ReconstructedParticle),
/// [N, F, P], P = the longest list, ordered by energy (descending), padded with 0".
std::string describeInput(const CardInput& in);
/// One line saying where an output goes, for people (target, classes, rows).
std::string describeOutput(const CardOutput& out);

/// Values per object (or per constituent) that `members` give: an array member counts
/// all its elements (their shapes must be filled, e.g. by ModelCard::completeFrom).
int64_t membersWidth(const std::vector<CardMember>& members);

/// The name of a dimension for messages: "N" or "8".
std::string dimName(const Dim& d);

} // namespace podml::onnx
