#include "podml/train/Train.h"

#include "podml/Definition.h"
#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/onnx/ModelCard.h"
#include "podml/onnx/Session.h"
#include "podml/train/Metrics.h"

#include <chrono>
#include <cmath>
#include <cstring>

namespace podml::train {
namespace {

std::string describeLabel(const LabelSpec& l) {
  std::string s = !l.link.empty() ? l.link + " -> " + l.member : !l.relation.empty() ? l.relation + "." + l.member : l.member;
  if (l.signalValues.empty()) {
    return s + " != 0";
  }
  s += " in {";
  for (std::size_t i = 0; i < l.signalValues.size(); ++i) {
    s += (i ? ", " : "") + json::dump(json::Value(l.signalValues[i]));
  }
  return s + "}";
}

json::Value provenance(const TrainingSpec& spec, const TrainReport& r, const std::vector<std::string>& featureNames) {
  auto files = json::Value::array();
  for (const auto& f : r.files) {
    files.push_back(f);
  }
  auto features = json::Value::array();
  for (const auto& f : featureNames) {
    features.push_back(f);
  }
  auto hidden = json::Value::array();
  for (auto h : spec.network.hidden) {
    hidden.push_back(h);
  }
  auto p = json::Value::object();
  p.set("trainer", "podml train (libtorch)");
  p.set("spec", spec.source);
  p.set("files", std::move(files));
  p.set("events", r.events);
  p.set("training_objects", r.training.rows);
  p.set("validation_objects", r.validation.rows);
  p.set("label", describeLabel(spec.label));
  p.set("features", std::move(features));
  p.set("network", "MLP hidden " + json::dump(hidden) + ", " + spec.network.activation + ", sigmoid output");
  p.set("epochs_run", static_cast<int64_t>(r.history.size()));
  p.set("best_epoch", r.bestEpoch);
  p.set("seed", spec.training.seed);
  p.set("validation_auc", r.validationAuc);
  p.set("validation_accuracy", r.validationAccuracy);
  return p;
}

} // namespace

onnx::ModelCard makeCard(const TrainingSpec& spec, const DataModelDefinition& dm, const std::string& provenanceJson) {
  onnx::ScoreCardSpec c;
  c.inputName = spec.inputName;
  c.collectionType = spec.inputType;
  c.collection = spec.inputCollection;
  c.members = spec.features;
  c.preprocessing = "standardised in the graph: (x - mean) / std, mean and std of the training set";
  c.outputName = spec.output.name;
  c.meaning = spec.output.meaning.empty() ? "probability that " + describeLabel(spec.label) : spec.output.meaning;
  if (!spec.output.targetType.empty()) {
    c.target = onnx::CardTarget{spec.output.targetType, spec.output.targetMember, spec.output.targetRelation,
                                spec.output.targetCollection};
  }
  c.producer = "podml " PODML_VERSION_STRING;
  c.provenanceJson = provenanceJson;
  return onnx::makeScoreCard(c, dm);
}

TrainReport trainAndExport(const TrainingSpec& spec, const std::vector<std::string>& files, const std::string& modelPath,
                           const TrainOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  Dataset data(spec, files, options.dataset);
  // Build the card first: a spec that does not fit the data model fails before training.
  (void)makeCard(spec, data.dataModel(), "{}");
  if (options.callbacks.onData) {
    options.callbacks.onData(data);
  }
  auto model = fitMlp(data, spec, options.callbacks, options.threads);

  TrainReport r;
  r.modelPath = modelPath;
  r.files = data.files();
  r.events = data.events();
  r.training = data.counts(Split::Training);
  r.validation = data.counts(Split::Validation);
  r.history = model.history();
  r.bestEpoch = model.bestEpoch();
  r.samplesSeen = model.samplesSeen();
  r.stepSeconds = model.stepSeconds();
  for (const auto& e : r.history) {
    if (e.epoch == r.bestEpoch) {
      r.validationAuc = e.validationAuc;
      r.validationAccuracy = e.validationAccuracy;
    }
  }
  const auto card = makeCard(spec, data.dataModel(), json::dump(provenance(spec, r, data.featureNames())));
  writeMlpOnnx(modelPath, model.weights(), spec.inputName, spec.output.name, card.toJson(),
               "Binary classifier trained by podml from " + spec.source);

  // The export is only trusted once ONNX Runtime reproduces libtorch on the validation
  // set; the Session also checks the card against the graph and the data model.
  onnx::Session session(modelPath, data.dataModel());
  double maxDiff = 0;
  data.forEachChunk(Split::Validation, 0, [&](const Chunk& c) {
    const auto torchScores = model.predict(c.features.data(), c.rows());
    onnx::Tensor x;
    x.dtype = DType::Float32;
    x.shape = {static_cast<int64_t>(c.rows()), static_cast<int64_t>(data.width())};
    x.data.resize(c.features.size() * sizeof(float));
    std::memcpy(x.data.data(), c.features.data(), x.data.size());
    const auto out = session.runTensors({x});
    const float* ort = out.front().as<float>();
    for (std::size_t i = 0; i < c.rows(); ++i) {
      const double d = std::fabs(static_cast<double>(ort[i]) - torchScores[i]);
      maxDiff = std::isnan(d) ? INFINITY : std::max(maxDiff, d);
    }
  });
  r.maxExportDifference = maxDiff;
  if (!(maxDiff <= kExportTolerance)) {
    throw ModelError("exported model '" + modelPath + "' differs from libtorch by " + std::to_string(maxDiff) +
                     " on the validation set (tolerance " + std::to_string(kExportTolerance) + ")");
  }
  r.readSeconds = data.readSeconds();
  r.totalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

} // namespace podml::train
