#pragma once
/// \file SpecCard.h
/// The model card a training spec gives: what both training routes (podml train and
/// examples/python/*.py through podml.training_card) attach to the models they export,
/// so that the card cannot differ between them.

#include "podml/onnx/ModelCard.h"
#include "podml/train/TrainingSpec.h"

#include <string>
#include <vector>

namespace podml {
struct DataModelDefinition;
}

namespace podml::train {

/// The model card `spec` gives for data model `dm` (members completed from it) with
/// `provenanceJson` attached: version 1 for a version 1 spec, else the lowest version
/// that holds it. Throws DefinitionError for a type or member `dm` lacks.
onnx::ModelCard makeCard(const TrainingSpec& spec, const DataModelDefinition& dm, const std::string& provenanceJson);

/// The card of `spec` for the data model of its input collection in `files`.
onnx::ModelCard makeCard(const TrainingSpec& spec, const std::vector<std::string>& files, const std::string& provenanceJson);

/// The label in one line, e.g. `RecoMCParticleLinks -> PDG in {11, -11}` or
/// `JetMCFlavourLinks -> PDG as classes {b, c, light}`.
std::string describeLabel(const LabelSpec& label);

} // namespace podml::train
