#pragma once
/// \file Constants.h
/// podml's own version of EDM4hep's constants: metadata / parameter names and
/// the enums that name covariance-matrix dimensions.

#include <cstdint>

namespace edm4hep {

/// Names of file-level metadata and collection parameters. They are plain
/// `const char*` (as upstream) so they pass to podio's Frame API unchanged.
namespace labels {
  /// Collection parameter holding the cell ID decoding string.
  static constexpr const char* CellIDEncoding = "CellIDEncoding";
  /// Canonical name of the EventHeader collection.
  static constexpr const char* EventHeader = "EventHeader";
  /// Metadata entry naming EventHeader::weights (note the value differs from the identifier).
  static constexpr const char* EventWeightsNames = "EventWeightNames";
  /// Metadata entry naming Cluster::shapeParameters.
  static constexpr const char* ShapeParameterNames = "shapeParameterNames";
  /// Metadata entry for event filter statistics.
  static constexpr const char* EventFilterStats = "EventFilterStats";
  /// Canonical name of the main MCParticle collection.
  static constexpr const char* MCParticles = "MCParticles";
  /// ParticleID collection parameter naming ParticleID::parameters.
  static constexpr const char* PIDParameterNames = "ParameterNames";
  /// ParticleID collection parameter holding the algorithm name.
  static constexpr const char* PIDAlgoName = "AlgoName";
  /// ParticleID collection parameter holding the algorithm type.
  static constexpr const char* PIDAlgoType = "AlgoType";

  /// Generator-level metadata: versions of the generator tools.
  static constexpr const char* GeneratorToolVersions = "GeneratorToolVersions";
  /// Generator-level metadata: names of the generator tools.
  static constexpr const char* GeneratorToolNames = "GeneratorToolNames";
  /// Generator-level metadata: descriptions of the generator tools.
  static constexpr const char* GeneratorToolDescriptions = "GeneratorToolDescriptions";
  /// Generator-level metadata: name of the GeneratorEventParameters collection.
  static constexpr const char* GeneratorEventParameters = "GeneratorEventParameters";
  /// Generator-level metadata: name of the PDF info collection.
  static constexpr const char* GeneratorPdfInfo = "GeneratorPdfInfo";
  /// Metadata entry naming GeneratorEventParameters::weights.
  static constexpr const char* GeneratorWeightNames = "GeneratorWeightNames";
} // namespace labels

// Old spellings directly in edm4hep::, kept (deprecated) so code written
// against older EDM4hep still compiles.
/// Deprecated: use labels::CellIDEncoding.
[[deprecated("Use 'edm4hep::labels::CellIDEncoding' instead")]] static constexpr const char* CellIDEncoding = labels::CellIDEncoding;
/// Deprecated: use labels::EventHeader.
[[deprecated("Use 'edm4hep::labels::EventHeader' instead")]] static constexpr const char* EventHeaderName = labels::EventHeader;
/// Deprecated: use labels::EventWeightsNames.
[[deprecated("Use 'edm4hep::labels::EventWeightsNames' instead")]] static constexpr const char* EventWeights = labels::EventWeightsNames;
/// Deprecated: use labels::ShapeParameterNames.
[[deprecated("Use 'edm4hep::labels::ShapeParameterNames' instead")]] static constexpr const char* shapeParameterNames = labels::ShapeParameterNames;
/// Deprecated: use labels::EventFilterStats.
[[deprecated("Use 'edm4hep::labels::EventFilterStats' instead")]] static constexpr const char* EventFilterStats = labels::EventFilterStats;
/// Deprecated: use labels::PIDParameterNames.
[[deprecated("Use 'edm4hep::labels::PIDParameterNames' instead")]] static constexpr const char* pidParameterNames = labels::PIDParameterNames;
/// Deprecated: use labels::PIDAlgoName.
[[deprecated("Use 'edm4hep::labels::PIDAlgoName' instead")]] static constexpr const char* pidAlgoName = labels::PIDAlgoName;
/// Deprecated: use labels::PIDAlgoType.
[[deprecated("Use 'edm4hep::labels::PIDAlgoType' instead")]] static constexpr const char* pidAlgoType = labels::PIDAlgoType;

/// Underlying type of the dimension enums; 16 bits as upstream, so values and
/// sizeof match code (and dictionaries) built against real EDM4hep.
using DimType = std::uint16_t;

/// Dimensions of a position covariance matrix (CovMatrix3f).
enum class Cartesian : DimType { x = 0, y, z };

/// Dimensions of a four-momentum covariance matrix (CovMatrix4f).
enum class FourMomCoords : DimType { x = 0, y, z, t };

/// Dimensions of a track-parameter covariance matrix (TrackState, CovMatrix6f).
enum class TrackParams : DimType { d0 = 0, phi, omega, z0, tanLambda, time };

/// Dimensions of the (charge, time) covariance matrix of the former TrackerPulse;
/// upstream still ships it, so it is kept for source compatibility.
enum class TrackerPulseDims : DimType { charge = 0, time };

} // namespace edm4hep
