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
/// Card format version this podml writes and the newest it reads.
inline constexpr uint32_t kCardVersion = 1;

/// One tensor dimension: fixed (>= 0) or symbolic (e.g. the object axis "N").
using Dim = std::variant<int64_t, std::string>;

/// One member of the collection bound to an input, in tensor order.
struct CardMember {
  std::string path;           ///< dotted column path, e.g. `momentum.x`
  DType dtype{DType::Float32}; ///< dtype of the column in the data model
  std::vector<uint32_t> shape; ///< per-object shape of the column (empty for scalars)
  std::string unit;           ///< unit in the data model
};

/// What an ONNX input reads.
struct CardInput {
  std::string name;             ///< ONNX graph input name
  std::string collectionType;   ///< datatype, e.g. `edm4hep::ReconstructedParticle`
  std::string collection;       ///< default collection name in the event
  std::vector<CardMember> members;
  DType dtype{DType::Float32};  ///< element type of the tensor
  std::vector<Dim> shape;       ///< tensor shape, first axis symbolic (objects)
  std::string preprocessing;    ///< what the graph does to the inputs first (for humans)
};

/// Where an ONNX output is written.
struct CardTarget {
  std::string type;       ///< datatype created per input object, e.g. `edm4hep::ParticleID`
  std::string member;     ///< member receiving the value, e.g. `likelihood`
  std::string relation;   ///< one-to-one relation set to the scored object, e.g. `particle`
  std::string collection; ///< default output collection name
};

/// What an ONNX output means and where it goes.
struct CardOutput {
  std::string name;     ///< ONNX graph output name
  std::string meaning;  ///< e.g. "probability that the particle comes from the signal"
  DType dtype{DType::Float32};
  std::vector<Dim> shape;
  std::optional<CardTarget> target;
  std::string input;    ///< name of the input whose objects the output rows belong to
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

  /// The card as JSON text (deterministic).
  std::string toJson(int indent = -1) const;
  /// Parses a card; throws DefinitionError naming `source` for malformed JSON,
  /// missing fields or an unknown card version.
  static ModelCard fromJson(std::string_view text, std::string_view source = "model card");
  /// Hash over the types and members the inputs use (dtype, shape, unit of each).
  std::string computeMembersHash() const;
  /// Fills members' dtype/shape/unit, membersHash and schemaVersion from `dm`;
  /// throws DefinitionError for a type or member the data model lacks.
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

/// The name of a dimension for messages: "N" or "8".
std::string dimName(const Dim& d);

} // namespace podml::onnx
