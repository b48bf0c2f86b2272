#include "podml/train/SpecCard.h"

#include "podml/Definition.h"
#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/io/Reader.h"

namespace podml::train {

std::string describeLabel(const LabelSpec& l) {
  std::string s = !l.link.empty() ? l.link + " -> " + l.member : !l.relation.empty() ? l.relation + "." + l.member : l.member;
  if (!l.classes.empty()) {
    std::string names;
    for (const auto& c : l.classes) {
      names += (names.empty() ? "" : ", ") + c.name;
    }
    return s + " as classes {" + names + "}";
  }
  if (l.signalValues.empty()) {
    return s + " != 0";
  }
  s += " in {";
  for (std::size_t i = 0; i < l.signalValues.size(); ++i) {
    s += (i ? ", " : "") + json::dump(json::Value(l.signalValues[i]));
  }
  return s + "}";
}

onnx::ModelCard makeCard(const TrainingSpec& spec, const DataModelDefinition& dm, const std::string& provenanceJson) {
  const std::string meaning = spec.output.meaning.empty()
                                  ? (spec.multiClass() ? "probability per class of " : "probability that ") + describeLabel(spec.label)
                                  : spec.output.meaning;
  if (spec.version == 1) {
    onnx::ScoreCardSpec c;
    c.inputName = spec.inputName;
    c.collectionType = spec.inputType;
    c.collection = spec.inputCollection;
    c.members = spec.features;
    c.preprocessing = "standardised in the graph: (x - mean) / std, mean and std of the training set";
    c.outputName = spec.output.name;
    c.meaning = meaning;
    if (!spec.output.targetType.empty()) {
      c.target = onnx::CardTarget{spec.output.targetType, spec.output.targetMember, spec.output.targetRelation,
                                  spec.output.targetCollection};
    }
    c.producer = "podml " PODML_VERSION_STRING;
    c.provenanceJson = provenanceJson;
    return onnx::makeScoreCard(c, dm);
  }
  onnx::ModelCard card;
  card.dataModel = dm.name;
  card.producer = "podml " PODML_VERSION_STRING;
  card.provenanceJson = provenanceJson;
  card.inputs = spec.inputs;
  for (auto& in : card.inputs) {
    if (in.kind == onnx::InputKind::Objects || in.kind == onnx::InputKind::Constituents) {
      in.preprocessing = "standardised in the graph: (x - mean) / std, mean and std of the training set";
    }
  }
  onnx::CardOutput out;
  out.name = spec.output.name;
  out.meaning = meaning;
  // The rows are the scored objects: name an input that reads them (not a mask or index).
  out.input = spec.objectsInput() != nullptr ? spec.objectsInput()->name : spec.constituentsInput()->name;
  const int64_t columns = spec.multiClass() ? static_cast<int64_t>(spec.label.classes.size()) : 1;
  out.shape = {std::string("N"), columns};
  for (const auto& c : spec.label.classes) {
    out.classes.push_back({c.name, c.code, {}});
  }
  if (!spec.output.targetType.empty()) {
    onnx::CardTarget t{spec.output.targetType, spec.output.targetMember, spec.output.targetRelation,
                       spec.output.targetCollection};
    if (spec.multiClass()) {
      t.perClass = spec.output.perClass == "vector" ? onnx::ClassWriteBack::Vector : onnx::ClassWriteBack::Collections;
      t.classMember = spec.output.classMember;
    }
    out.target = std::move(t);
  }
  card.outputs.push_back(std::move(out));
  card.completeFrom(dm);
  for (auto& in : card.inputs) {
    if (in.kind == onnx::InputKind::Objects) {
      in.shape = {std::string("N"), onnx::membersWidth(in.members)};
    }
  }
  return card;
}

onnx::ModelCard makeCard(const TrainingSpec& spec, const std::vector<std::string>& files, const std::string& provenanceJson) {
  const auto reader = io::makeReader(files);
  std::string model;
  for (const auto& c : reader->collections(spec.category)) {
    if (c.name == spec.inputCollection) {
      model = c.dataModel;
    }
  }
  for (const auto& dm : reader->dataModels()) {
    if (dm->name == model) {
      return makeCard(spec, *dm, provenanceJson);
    }
  }
  throw DefinitionError("training spec does not fit the data: input collection '" + spec.inputCollection +
                        "' is not in category '" + spec.category + "' (" + spec.source + "; " + files.front() + ")");
}

} // namespace podml::train
