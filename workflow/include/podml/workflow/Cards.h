#pragma once
/// \file Cards.h
/// The card steps of `podml card attach` and `podml check`, shared by the command
/// line and the Python module: read a card file, complete it from the data model,
/// attach it to a model, check a model against data.

#include "podml/onnx/ModelCard.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/workflow/DataModels.h"

#include <memory>
#include <string>
#include <vector>

namespace podml::workflow {

/// A card from a file: JSON for `.json`, YAML otherwise (scalars typed as the card's
/// JSON expects: integers, booleans, strings). Throws DefinitionError naming the file
/// (and the line for YAML syntax errors).
onnx::ModelCard readCardFile(const std::string& path);

/// Completes `card` from `dm` if given (members' dtype, shape and unit, hashes) and sets
/// the producer to this podml if the card names none. Throws DefinitionError, and
/// UsageError if `dm` is null and a member is given as a bare path (nothing to complete it from).
void completeCard(onnx::ModelCard& card, const DataModelDefinition* dm);

/// Stores `card` in `modelIn`'s metadata and writes `modelOut` (may be the same file),
/// after checking that it fits the graph. Throws ModelError with one line per mismatch,
/// writing nothing then, and UsageError before anything if `modelOut` is one of `otherInputs`
/// (the card file, the data: files the run reads, which writing would destroy).
void attachCard(const std::string& modelIn, const onnx::ModelCard& card, const std::string& modelOut,
                const std::vector<std::string>& otherInputs = {});

/// The model's card; ModelError "cannot <verb> model 'M': it has no podml card" if it
/// has none, DefinitionError (naming the model) if the card is broken.
onnx::ModelCard requireCard(const std::string& modelPath, const onnx::ModelInfo& info, const std::string& verb);

/// What `podml check` finds.
struct CheckReport {
  onnx::ModelInfo info;                                  ///< what the model declares
  onnx::ModelCard card;                                  ///< its card
  std::shared_ptr<const DataModelDefinition> dataModel;  ///< the one checked against (null: not found)
  std::vector<std::string> problems;                     ///< one line per mismatch; empty if the model fits
};

/// Checks a model's card against its graph and against the data model it names in
/// `data` (`dataModelName` overrides the card's). A data model `data` lacks is one
/// problem line. Throws ModelError if the model has no card.
CheckReport checkModel(const std::string& modelPath, const DataModels& data, const std::string& dataModelName = "");
/// The same for a model already read (`info`), so the file is not parsed again.
CheckReport checkModel(onnx::ModelInfo info, const DataModels& data, const std::string& dataModelName = "");

} // namespace podml::workflow
