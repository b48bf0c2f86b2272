#include "podml/train/Train.h"

#include "podml/Definition.h"
#include "podml/Exceptions.h"
#include "podml/Json.h"
#include "podml/OutputPath.h"
#include "podml/onnx/ModelCard.h"
#include "podml/io/Reader.h"
#include "podml/onnx/Session.h"
#include "podml/train/Metrics.h"
#include "podml/train/SpecCard.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <map>

namespace podml::train {
namespace {

json::Value provenance(const TrainingSpec& spec, const TrainReport& r, const std::vector<std::string>& featureNames) {
  auto files = json::Value::array();
  for (const auto& f : r.files) {
    files.push_back(f);
  }
  auto features = json::Value::array();
  for (const auto& f : featureNames) {
    features.push_back(f);
  }
  auto sizes = [](const std::vector<int64_t>& v) {
    auto a = json::Value::array();
    for (auto h : v) {
      a.push_back(h);
    }
    return json::dump(a);
  };
  auto p = json::Value::object();
  p.set("trainer", "podml train (libtorch)");
  p.set("spec", spec.source);
  p.set("files", std::move(files));
  p.set("events", r.events);
  p.set("training_objects", r.training.rows);
  p.set("validation_objects", r.validation.rows);
  if (!r.training.perClass.empty()) {
    auto per = json::Value::object();
    for (std::size_t k = 0; k < spec.label.classes.size(); ++k) {
      per.set(spec.label.classes[k].name, r.training.perClass[k]);
    }
    p.set("training_objects_per_class", std::move(per));
  }
  p.set("label", describeLabel(spec.label));
  p.set("features", std::move(features));
  const auto& n = spec.network;
  const std::string head = spec.multiClass() ? "softmax over " + std::to_string(spec.label.classes.size()) + " classes"
                                             : "sigmoid output";
  p.set("network", n.name == "deepsets" ? "DeepSets phi " + sizes(n.phi) + ", " + n.pooling + " pooling, rho " +
                                              sizes(n.hidden) + ", " + n.activation + ", " + head
                                        : "MLP hidden " + sizes(n.hidden) + ", " + n.activation + ", " + head);
  if (!r.constituentNames.empty()) {
    auto c = json::Value::array();
    for (const auto& f : r.constituentNames) {
      c.push_back(f);
    }
    p.set("constituent_features", std::move(c));
  }
  p.set("epochs_run", static_cast<int64_t>(r.history.size()));
  p.set("best_epoch", r.bestEpoch);
  p.set("seed", spec.training.seed);
  p.set("validation_auc", r.validationAuc);
  p.set("validation_accuracy", r.validationAccuracy);
  return p;
}

} // namespace

namespace {

// The graph's input tensors for rows [first, first + n) of a chunk, in the card's input
// order and layouts: what the inference gather would hand ONNX Runtime.
std::vector<onnx::Tensor> tensorsOf(const onnx::ModelCard& card, const Chunk& c, std::size_t first, std::size_t n,
                                    std::size_t width, std::size_t constituentWidth) {
  std::size_t p = 1;
  const onnx::ConstituentSource* src = nullptr;
  for (const auto& in : card.inputs) {
    if (in.kind == onnx::InputKind::Constituents) {
      src = &*in.constituents;
    }
  }
  if (src != nullptr) {
    for (std::size_t r = first; r < first + n; ++r) {
      p = std::max<std::size_t>(p, c.offsets[r + 1] - c.offsets[r]);
    }
    if (src->maxCount > 0) {
      p = src->maxCount;
    }
  }
  const auto rows = static_cast<int64_t>(n);
  std::vector<onnx::Tensor> out;
  std::size_t column = 0; // first constituent value of the next constituents input
  for (const auto& in : card.inputs) {
    onnx::Tensor t;
    t.dtype = in.dtype;
    if (in.kind == onnx::InputKind::Objects) {
      t.shape = {rows, static_cast<int64_t>(width)};
      t.data.resize(n * width * sizeof(float));
      std::memcpy(t.data.data(), c.features.data() + first * width, t.data.size());
    } else if (in.kind == onnx::InputKind::Constituents) {
      const auto f = static_cast<std::size_t>(onnx::membersWidth(in.members));
      const bool nfp = in.constituents->layout == onnx::ConstituentLayout::FeaturesFirst;
      t.shape = nfp ? std::vector<int64_t>{rows, static_cast<int64_t>(f), static_cast<int64_t>(p)}
                    : std::vector<int64_t>{rows, static_cast<int64_t>(p), static_cast<int64_t>(f)};
      std::vector<float> v(n * f * p, static_cast<float>(in.constituents->padValue));
      for (std::size_t r = 0; r < n; ++r) {
        const uint64_t a = c.offsets[first + r];
        const std::size_t k = std::min<std::size_t>(c.offsets[first + r + 1] - a, p);
        for (std::size_t j = 0; j < k; ++j) {
          for (std::size_t q = 0; q < f; ++q) {
            const float x = c.constituents[(a + j) * constituentWidth + column + q];
            v[nfp ? (r * f + q) * p + j : (r * p + j) * f + q] = x;
          }
        }
      }
      column += f;
      t.data.resize(v.size() * sizeof(float));
      std::memcpy(t.data.data(), v.data(), t.data.size());
    } else if (in.kind == onnx::InputKind::Mask) {
      t.shape.assign(in.shape.size(), 1);
      t.shape.front() = rows;
      t.shape.back() = static_cast<int64_t>(p);
      const bool isBool = in.dtype == DType::Bool;
      t.data.assign(n * p * (isBool ? sizeof(bool) : sizeof(float)), std::byte{0});
      for (std::size_t r = 0; r < n; ++r) {
        const std::size_t k = std::min<std::size_t>(c.offsets[first + r + 1] - c.offsets[first + r], p);
        for (std::size_t j = 0; j < k; ++j) {
          if (isBool) {
            reinterpret_cast<bool*>(t.data.data())[r * p + j] = true;
          } else {
            reinterpret_cast<float*>(t.data.data())[r * p + j] = 1.0f;
          }
        }
      }
    } else {
      throw ModelError("cannot check the export: input kind '" + std::string(onnx::inputKindName(in.kind)) +
                       "' is not made by podml train");
    }
    out.push_back(std::move(t));
  }
  return out;
}

double maxDifference(const float* a, const std::vector<float>& b, std::size_t n, double current) {
  for (std::size_t i = 0; i < n; ++i) {
    const double d = std::fabs(static_cast<double>(a[i]) - b[i]);
    current = std::isnan(d) ? INFINITY : std::max(current, d);
  }
  return current;
}

// Events on which the export is also run through the inference gather, from the first file.
constexpr uint64_t kGatherCheckEvents = 64;

} // namespace

TrainReport trainAndExport(const TrainingSpec& spec, const std::vector<std::string>& files, const std::string& modelPath,
                           const TrainOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  // Before any work: the model must not replace the spec or a data file (or a device).
  auto protectedFiles = io::expandFiles(files);
  protectedFiles.push_back(spec.source);
  checkOutputPath(modelPath, protectedFiles, "model");
  Dataset data(spec, files, options.dataset);
  // Build the card first: a spec that does not fit the data model fails before training.
  (void)makeCard(spec, data.dataModel(), "{}");
  if (options.callbacks.onData) {
    options.callbacks.onData(data);
  }
  auto model = fit(data, spec, options.callbacks, options.threads);

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
  r.batchSeconds = model.batchSeconds();
  r.constituentNames = data.constituentNames();
  for (const auto& e : r.history) {
    if (e.epoch == r.bestEpoch) {
      r.validationAuc = e.validationAuc;
      r.validationAccuracy = e.validationAccuracy;
    }
  }
  const auto card = makeCard(spec, data.dataModel(), json::dump(provenance(spec, r, data.featureNames())));
  const std::string doc = std::string(spec.multiClass() ? "Classifier" : "Binary classifier") + " trained by podml from " + spec.source;
  if (const auto* mlp = model.mlp()) {
    writeMlpOnnx(modelPath, *mlp, spec.inputName, spec.output.name, card.toJson(), doc);
  } else {
    DeepSetsGraph g;
    const auto* cons = spec.constituentsInput();
    g.constituents = cons->name;
    g.featuresFirst = cons->constituents->layout == onnx::ConstituentLayout::FeaturesFirst;
    g.maxCount = cons->constituents->maxCount;
    g.mask = spec.maskInput()->name;
    g.boolMask = spec.maskInput()->dtype == DType::Bool;
    g.objects = spec.objectsInput() != nullptr ? spec.objectsInput()->name : "";
    g.output = spec.output.name;
    for (const auto& in : spec.inputs) {
      g.order.push_back(in.name);
    }
    writeDeepSetsOnnx(modelPath, *model.deepSets(), g, card.toJson(), doc);
  }

  // The export is only trusted once ONNX Runtime reproduces libtorch on the validation
  // set; the Session also checks the card against the graph and the data model.
  onnx::Session session(modelPath, data.dataModel());
  const std::size_t outputs = model.outputs();
  double maxDiff = 0;
  std::string where = "on the validation set";
  data.forEachChunk(Split::Validation, 0, [&](const Chunk& c) {
    const auto torchScores = model.predict(c);
    constexpr std::size_t kBlock = 4096;
    for (std::size_t a = 0; a < c.rows(); a += kBlock) {
      const std::size_t n = std::min(kBlock, c.rows() - a);
      const auto out = session.runTensors(tensorsOf(card, c, a, n, data.width(), data.constituentWidth()));
      const std::vector<float> ref(torchScores.begin() + static_cast<std::ptrdiff_t>(a * outputs),
                                   torchScores.begin() + static_cast<std::ptrdiff_t>((a + n) * outputs));
      maxDiff = maxDifference(out.front().as<float>(), ref, n * outputs, maxDiff);
    }
  });
  // And through the inference gather on the first events of the files, read as podml
  // infer reads them: training rows and inference tensors must be the same.
  {
    // The first file only: a chain of many files is not opened (and probed) twice more.
    const std::vector<std::string> first{data.files().front()};
    auto reader = io::makeReader(first);
    const uint64_t events = std::min<uint64_t>(reader->getEntries(spec.category), kGatherCheckEvents);
    const auto rows = events > 0 ? readLabelledRows(spec, first, {0, events}) : LabelledRows{};
    const auto torchScores = model.predict(rows.rows);
    std::size_t row = 0;
    for (uint64_t e = 0; e < events && row < rows.entry.size(); ++e) {
      if (rows.entry[row] != e) {
        continue;
      }
      const auto result = session.run(reader->readFrame(spec.category, e));
      const float* ort = result.tensors.front().as<float>();
      const auto scored = static_cast<std::size_t>(result.tensors.front().shape.front());
      for (; row < rows.entry.size() && rows.entry[row] == e; ++row) {
        const std::size_t o = rows.object[row];
        if (o >= scored) {
          throw ModelError("cannot check the export: entry " + std::to_string(e) + " has " + std::to_string(scored) +
                           " scored objects at inference, fewer than in training");
        }
        const std::vector<float> ref(torchScores.begin() + static_cast<std::ptrdiff_t>(row * outputs),
                                     torchScores.begin() + static_cast<std::ptrdiff_t>((row + 1) * outputs));
        const double before = maxDiff;
        maxDiff = maxDifference(ort + o * outputs, ref, outputs, maxDiff);
        if (maxDiff > before && maxDiff > kExportTolerance) {
          // The graph agreed on the training rows but not on what inference gathers: the
          // rows and the gather differ.
          where = "on object " + std::to_string(o) + " of entry " + std::to_string(e) +
                  " through the inference gather (the training rows differ from what podml infer gathers)";
        }
      }
      ++r.gatherCheckedEvents;
    }
  }
  r.maxExportDifference = maxDiff;
  if (!(maxDiff <= kExportTolerance)) {
    throw ModelError("exported model '" + modelPath + "' differs from libtorch by " + std::to_string(maxDiff) +
                     " (tolerance " + std::to_string(kExportTolerance) + ") " + where);
  }
  r.readSeconds = data.readSeconds();
  r.totalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

} // namespace podml::train
