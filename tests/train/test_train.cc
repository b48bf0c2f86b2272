// The C++ training route on a small sample of the test data model: the spec, the
// dataset (label joined through a link, split, streaming), the metrics, the ONNX
// export and the whole train-export-check chain.
#include "../common/TestPaths.h"
#include "TrainSample.h"

#include "testdm/ClusterCollection.h"
#include "testdm/ScoreCollection.h"

#include "testdm/DatamodelDefinition.h"

#include "podml/Exceptions.h"
#include "podml/io/Reader.h"
#include "podml/onnx/ModelCard.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/onnx/Session.h"
#include "podml/train/Dataset.h"
#include "podml/train/Metrics.h"
#include "podml/train/MlpExport.h"
#include "podml/train/Train.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <unistd.h>

namespace {

using namespace podml::train;

// One sample file for the whole suite.
const std::string& sampleFile() {
  static const std::string path = [] {
    auto p = podml::test::tmpPath("sample.h5");
    trainsample::write(p, 400);
    return p;
  }();
  return path;
}

std::vector<trainsample::Truth> sampleTruth() {
  return trainsample::write(podml::test::tmpPath("truth-only.h5"), 400);
}

std::string messageOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const podml::Error& e) {
    return e.what();
  }
  return "(no exception)";
}

TEST(TrainingSpec, ParsesEverySection) {
  const auto s = TrainingSpec::fromYaml(trainsample::spec(), "spec.yaml");
  EXPECT_EQ(s.inputType, "ExampleHit");
  EXPECT_EQ(s.inputCollection, "Hits");
  EXPECT_EQ(s.inputName, "features");
  EXPECT_EQ(s.features, (std::vector<std::string>{"x", "y", "energy"}));
  EXPECT_EQ(s.label.link, "HitMCLinks");
  EXPECT_EQ(s.label.member, "PDG");
  EXPECT_EQ(s.label.signalValues, (std::vector<double>{11, -11}));
  EXPECT_EQ(s.network.hidden, (std::vector<int64_t>{16, 16}));
  EXPECT_EQ(s.network.activation, "tanh");
  EXPECT_EQ(s.training.batchSize, 64);
  EXPECT_EQ(s.training.patience, 4);
  EXPECT_DOUBLE_EQ(s.training.validationFraction, 0.25);
  EXPECT_EQ(s.output.targetType, "ex::Score");
  EXPECT_EQ(s.output.targetCollection, "HitScores");
}

TEST(TrainingSpec, ErrorsNameFileLineAndReason) {
  auto spec = trainsample::spec();
  auto bad = [&](const std::string& from, const std::string& to) {
    auto s = spec;
    s.replace(s.find(from), from.size(), to);
    return messageOf([&] { TrainingSpec::fromYaml(s, "spec.yaml"); });
  };
  EXPECT_EQ(bad("  activation: tanh", "  activation: swish"),
            "invalid training spec: unknown activation 'swish' (expected relu, tanh, sigmoid, elu or leaky_relu) "
            "(spec.yaml:12)");
  EXPECT_EQ(bad("  batch_size: 64", "  batchsize: 64"),
            "invalid training spec: unknown key 'batchsize' in 'training' (expected one of: epochs, batch_size, "
            "learning_rate, weight_decay, validation_fraction, early_stopping, seed, balance_classes) (spec.yaml:15)");
  EXPECT_EQ(bad("podml_training: 1", "podml_training: 3"),
            "invalid training spec: spec version 3 is not supported (this podml reads 1 to 2) (spec.yaml:1)");
  EXPECT_EQ(bad("podml_training: 1", "podml_training: 2"),
            "invalid training spec: unknown key 'features' in 'spec' (expected one of: podml_training, category, input, "
            "inputs, label, network, training, output) (spec.yaml:5)");
  EXPECT_EQ(bad("features: [x, y, energy]", "features: [x, x]"),
            "invalid training spec: feature 'x' is listed twice (spec.yaml:5)");
  EXPECT_EQ(bad("  validation_fraction: 0.25", "  validation_fraction: 1.5"),
            "invalid training spec: 'training.validation_fraction' must be between 0 and 1 (exclusive) (spec.yaml:17)");
  EXPECT_EQ(bad("  epochs: 12", "  epochs: many"),
            "invalid training spec: 'training.epochs' has the wrong type: 'many' (spec.yaml:14)");
  EXPECT_EQ(bad("features: [x, y, energy]\n", ""), "invalid training spec: 'spec' needs 'features' (spec.yaml:1)");
  EXPECT_NE(messageOf([] { TrainingSpec::fromYaml("a: [", "broken.yaml"); }).find("broken.yaml:"), std::string::npos);
  EXPECT_EQ(messageOf([] { TrainingSpec::fromYamlFile("/nonexistent/spec.yaml"); }),
            "cannot read training spec '/nonexistent/spec.yaml': no such file or not readable");
}

TEST(Metrics, AucAccuracyAndRoc) {
  const std::vector<float> labels{1, 1, 0, 0};
  EXPECT_DOUBLE_EQ(rocAuc(std::vector<float>{0.9f, 0.8f, 0.2f, 0.1f}, labels), 1.0);
  EXPECT_DOUBLE_EQ(rocAuc(std::vector<float>{0.1f, 0.2f, 0.8f, 0.9f}, labels), 0.0);
  EXPECT_DOUBLE_EQ(rocAuc(std::vector<float>{0.5f, 0.5f, 0.5f, 0.5f}, labels), 0.5);
  // Signal {0.8, 0.4}, background {0.6, 0.2}: 3 of 4 pairs ordered right.
  EXPECT_DOUBLE_EQ(rocAuc(std::vector<float>{0.8f, 0.4f, 0.6f, 0.2f}, labels), 0.75);
  EXPECT_TRUE(std::isnan(rocAuc(std::vector<float>{0.1f}, std::vector<float>{1})));
  EXPECT_DOUBLE_EQ(accuracy(std::vector<float>{0.8f, 0.4f, 0.6f, 0.2f}, labels), 0.5);
  EXPECT_NEAR(logLoss(std::vector<float>{0.5f, 0.5f}, std::vector<float>{1, 0}), std::log(2.0), 1e-12);
  const auto roc = rocCurve(std::vector<float>{0.8f, 0.4f, 0.6f, 0.2f}, labels);
  ASSERT_EQ(roc.size(), 4u);
  EXPECT_DOUBLE_EQ(roc[0].signalEfficiency, 0.5);
  EXPECT_DOUBLE_EQ(roc[1].backgroundEfficiency, 0.5);
  EXPECT_DOUBLE_EQ(signalEfficiencyAt(std::vector<float>{0.8f, 0.4f, 0.6f, 0.2f}, labels, 0.5), 0.5);
  EXPECT_THROW(rocAuc(std::vector<float>{0.1f}, labels), podml::UsageError);
}

TEST(Dataset, JoinsLabelsThroughTheLinkAndSplitsByEvent) {
  const auto truth = sampleTruth();
  const auto spec = TrainingSpec::fromYaml(trainsample::spec(), "spec.yaml");
  Dataset data(spec, {sampleFile()});
  EXPECT_EQ(data.width(), 3u);
  EXPECT_EQ(data.featureNames(), (std::vector<std::string>{"x", "y", "energy"}));
  EXPECT_EQ(data.events(), 400u);
  EXPECT_TRUE(data.inMemory());
  const auto tr = data.counts(Split::Training), va = data.counts(Split::Validation);
  EXPECT_EQ(tr.rows + va.rows, truth.size()) << "unlinked hits are background by default, not dropped";
  uint64_t positives = 0;
  for (const auto& t : truth) {
    positives += t.linked && t.signal ? 1 : 0;
  }
  EXPECT_EQ(tr.positives + va.positives, positives);
  EXPECT_NEAR(static_cast<double>(va.rows) / static_cast<double>(truth.size()), 0.25, 0.08);

  // Unshuffled rows come in file order; together the two splits hold every hit once,
  // each with the label its link gives.
  std::vector<std::vector<float>> rows;
  for (auto split : {Split::Training, Split::Validation}) {
    data.forEachChunk(split, 0, [&](const Chunk& c) {
      for (std::size_t r = 0; r < c.rows(); ++r) {
        rows.push_back({c.features[3 * r], c.features[3 * r + 1], c.features[3 * r + 2], c.labels[r]});
      }
    });
  }
  std::sort(rows.begin(), rows.end());
  std::vector<std::vector<float>> expected;
  for (const auto& t : truth) {
    expected.push_back({t.x, t.y, t.energy, t.linked && t.signal ? 1.0f : 0.0f});
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(rows, expected);
}

TEST(Dataset, StreamingGivesTheSameRowsAsMemory) {
  const auto spec = TrainingSpec::fromYaml(trainsample::spec(), "spec.yaml");
  Dataset memory(spec, {sampleFile()});
  Dataset streamed(spec, {sampleFile()}, DatasetOptions{.chunkEvents = 7, .memoryBudgetBytes = 0});
  EXPECT_FALSE(streamed.inMemory());
  for (auto split : {Split::Training, Split::Validation}) {
    Chunk a, b;
    auto append = [](Chunk& dst) {
      return [&dst](const Chunk& c) {
        dst.features.insert(dst.features.end(), c.features.begin(), c.features.end());
        dst.labels.insert(dst.labels.end(), c.labels.begin(), c.labels.end());
      };
    };
    memory.forEachChunk(split, 0, append(a));
    int chunks = 0;
    streamed.forEachChunk(split, 0, [&](const Chunk& c) {
      ++chunks;
      append(b)(c);
    });
    EXPECT_GT(chunks, 10);
    EXPECT_EQ(a.features, b.features);
    EXPECT_EQ(a.labels, b.labels);
    EXPECT_EQ(memory.counts(split).rows, streamed.counts(split).rows);
  }
  // Shuffled passes are permutations of the same rows, and differ between seeds.
  Chunk s1, s2;
  memory.forEachChunk(Split::Training, 11, [&](const Chunk& c) { s1 = c; });
  memory.forEachChunk(Split::Training, 12, [&](const Chunk& c) { s2 = c; });
  EXPECT_NE(s1.labels == s2.labels && s1.features == s2.features, true);
  std::sort(s1.features.begin(), s1.features.end());
  std::sort(s2.features.begin(), s2.features.end());
  EXPECT_EQ(s1.features, s2.features);
}

TEST(Dataset, SkipsUnlinkedObjectsWhenAsked) {
  auto text = trainsample::spec();
  text.replace(text.find("  in: [11, -11]"), 15, "  in: [11, -11]\n  unlinked: skip");
  const auto spec = TrainingSpec::fromYaml(text, "spec.yaml");
  Dataset data(spec, {sampleFile()});
  uint64_t linked = 0;
  for (const auto& t : sampleTruth()) {
    linked += t.linked ? 1 : 0;
  }
  EXPECT_EQ(data.counts(Split::Training).rows + data.counts(Split::Validation).rows, linked);
}

TEST(Dataset, SpecThatDoesNotFitTheDataIsNamed) {
  const auto base = trainsample::spec();
  auto bad = [&](const std::string& from, const std::string& to) {
    auto s = base;
    s.replace(s.find(from), from.size(), to);
    return messageOf([&] { Dataset(TrainingSpec::fromYaml(s, "spec.yaml"), {sampleFile()}); });
  };
  const std::string where = " (spec.yaml; " + sampleFile() + ")";
  EXPECT_EQ(bad("collection: Hits", "collection: Tracks"),
            "training spec does not fit the data: input collection 'Tracks' is not in category 'events' (it has: "
            "HitMCLinks, Hits, MCs)" + where);
  EXPECT_EQ(bad("type: ExampleHit", "type: ex::MC"),
            "training spec does not fit the data: input collection 'Hits' holds ExampleHit, not ex::MC" + where);
  EXPECT_EQ(bad("features: [x, y, energy]", "features: [x, y, momentum]"),
            "training spec does not fit the data: feature 'momentum' is not a per-object member of ExampleHit" + where);
  EXPECT_EQ(bad("member: PDG", "member: charge"),
            "training spec does not fit the data: label member 'charge' is not a numeric scalar member of ex::MC" + where);
  EXPECT_EQ(bad("link: HitMCLinks", "link: MCs"),
            "training spec does not fit the data: label link collection 'MCs' holds ex::MC, which is not a link" + where);
  const auto oneClass = bad("in: [11, -11]", "in: [999999]");
  EXPECT_NE(oneClass.find("training spec does not fit the data: the label makes every training object background ("),
            std::string::npos)
      << oneClass;
  EXPECT_NE(oneClass.find(" signal); check the label's member and values"), std::string::npos) << oneClass;
  EXPECT_NE(messageOf([] {
              Dataset(TrainingSpec::fromYaml(trainsample::spec(), "spec.yaml"), {"/nonexistent/file.h5"});
            }).find("/nonexistent/file.h5"),
            std::string::npos);
}

TEST(MlpExport, OnnxRuntimeMatchesTheReferenceForEveryActivation) {
  std::mt19937 rng(5);
  std::normal_distribution<float> g(0.0f, 0.7f);
  for (const std::string act : {"relu", "tanh", "sigmoid", "elu", "leaky_relu"}) {
    MlpWeights m;
    m.sizes = {4, 8, 5, 1};
    m.activation = act;
    for (std::size_t l = 0; l + 1 < m.sizes.size(); ++l) {
      std::vector<float> w(static_cast<std::size_t>(m.sizes[l] * m.sizes[l + 1])), b(static_cast<std::size_t>(m.sizes[l + 1]));
      for (auto& v : w) {
        v = g(rng);
      }
      for (auto& v : b) {
        v = g(rng);
      }
      m.weights.push_back(w);
      m.biases.push_back(b);
    }
    m.mean = {1.0f, -2.0f, 0.5f, 100.0f};
    m.scale = {2.0f, 0.5f, 1.0f, 30.0f};
    const auto path = podml::test::tmpPath("mlp-" + act + ".onnx");
    writeMlpOnnx(path, m, "x", "p", "");
    EXPECT_EQ(podml::onnx::checkModel(path), "");
    const auto info = podml::onnx::readModelInfo(path);
    ASSERT_EQ(info.inputs.size(), 1u);
    EXPECT_EQ(podml::onnx::dimName(info.inputs[0].shape[0]), "N");
    EXPECT_EQ(info.opsets.front().second, kExportOpset);
    const podml::onnx::Session session(path);
    std::vector<float> x(40);
    for (auto& v : x) {
      v = 3 * g(rng) + 1;
    }
    podml::onnx::Tensor t{podml::DType::Float32, {10, 4}, {}};
    t.data.resize(x.size() * sizeof(float));
    std::memcpy(t.data.data(), x.data(), t.data.size());
    const auto out = session.runTensors({t});
    ASSERT_EQ(out.front().shape, (std::vector<int64_t>{10, 1}));
    for (int i = 0; i < 10; ++i) {
      EXPECT_NEAR(out.front().as<float>()[i], mlpForward(m, x.data() + 4 * i), 1e-6) << act << " row " << i;
    }
  }
  MlpWeights broken;
  broken.sizes = {2, 1};
  EXPECT_THROW(writeMlpOnnx(podml::test::tmpPath("broken.onnx"), broken, "x", "p", ""), podml::ModelError);
  EXPECT_FALSE(std::filesystem::exists(podml::test::tmpPath("broken.onnx")));
}

TEST(Train, TrainsExportsAndChecksAgainstOnnxRuntime) {
  const auto spec = TrainingSpec::fromYaml(trainsample::spec(), "spec.yaml");
  const auto model = podml::test::tmpPath("hits.onnx");
  std::vector<EpochReport> epochs;
  TrainOptions options;
  options.threads = 1;
  options.callbacks.onEpoch = [&](const EpochReport& e) { epochs.push_back(e); };
  const auto r = trainAndExport(spec, {sampleFile()}, model, options);
  ASSERT_FALSE(epochs.empty());
  EXPECT_EQ(epochs.size(), r.history.size());
  EXPECT_GE(r.bestEpoch, 1);
  // The disc is learnable: far above chance, and the kept weights are the best epoch's.
  EXPECT_GT(r.validationAuc, 0.9) << "AUC " << r.validationAuc;
  EXPECT_LE(r.maxExportDifference, kExportTolerance);
  EXPECT_EQ(podml::onnx::checkModel(model), "");

  const auto info = podml::onnx::readModelInfo(model);
  ASSERT_TRUE(info.card.has_value());
  const auto card = podml::onnx::ModelCard::fromJson(*info.card);
  EXPECT_EQ(card.dataModel, "testdm");
  ASSERT_EQ(card.inputs.size(), 1u);
  EXPECT_EQ(card.inputs[0].collectionType, "ExampleHit");
  ASSERT_EQ(card.inputs[0].members.size(), 3u);
  EXPECT_EQ(card.inputs[0].members[2].path, "energy");
  EXPECT_EQ(card.inputs[0].members[2].unit, "GeV");
  EXPECT_EQ(card.inputs[0].members[2].dtype, podml::DType::Float64);
  EXPECT_EQ(card.membersHash, card.computeMembersHash());
  ASSERT_TRUE(card.outputs[0].target.has_value());
  EXPECT_EQ(card.outputs[0].target->collection, "HitScores");
  EXPECT_NE(card.provenanceJson.find("\"validation_auc\""), std::string::npos);
  EXPECT_TRUE(podml::onnx::checkCardAgainstDataModel(card, podml::models::testdm::definition()).empty());

  // The model runs on events through the card's binding, with scores written back.
  podml::io::Reader reader({sampleFile()});
  const podml::onnx::Session session(model, podml::models::testdm::definition());
  const auto frame = reader.readFrame("events", 3);
  const auto out = session.runAndWriteBack(frame);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].first, "HitScores");
  EXPECT_EQ(out[0].second->size(), frame.get("Hits")->size());
}

TEST(Train, SameSeedSameModel) {
  auto text = trainsample::spec(2);
  const auto spec = TrainingSpec::fromYaml(text, "spec.yaml");
  TrainOptions options;
  options.threads = 1;
  const auto a = podml::test::tmpPath("a.onnx"), b = podml::test::tmpPath("b.onnx");
  const auto ra = trainAndExport(spec, {sampleFile()}, a, options);
  const auto rb = trainAndExport(spec, {sampleFile()}, b, options);
  EXPECT_EQ(ra.validationAuc, rb.validationAuc);
  EXPECT_EQ(ra.history.back().trainLoss, rb.history.back().trainLoss);
}

} // namespace

namespace {

// Labels reached through a relation of the input type: one-to-many (cluster -> hits)
// and one-to-one (score -> hit).
TEST(Dataset, JoinsLabelsThroughRelations) {
  const auto path = podml::test::tmpPath("relations.h5");
  uint64_t clustersWithSeven = 0, clusters = 0, scoresOnEnergetic = 0, scores = 0;
  {
    podml::io::Writer w(path);
    for (int e = 0; e < 40; ++e) {
      ExampleHitCollection hits;
      ex::ClusterCollection cl;
      ex::ScoreCollection sc;
      for (int i = 0; i < 6; ++i) {
        hits.create(static_cast<unsigned long long>((e + i) % 9), 0.1 * i, 0.2, 0.3, (e * i) % 3 == 0 ? 0.0 : 1.5);
      }
      for (int c = 0; c < 3; ++c) {
        auto cluster = cl.create();
        cluster.energy(static_cast<float>(e + c));
        bool seven = false;
        for (int k = c; k < 6; k += 2 + c) { // ranges of different lengths, some clusters share hits
          cluster.addHits(hits[static_cast<std::size_t>(k)]);
          seven = seven || (e + k) % 9 == 7;
        }
        clustersWithSeven += seven ? 1 : 0;
        ++clusters;
        auto s = sc.create();
        s.value(0.5f * static_cast<float>(c));
        s.hit(hits[static_cast<std::size_t>(5 - c)]);
        scoresOnEnergetic += (e * (5 - c)) % 3 == 0 ? 0 : 1;
        ++scores;
      }
      podml::Frame f;
      f.put(std::move(hits), "Hits");
      f.put(std::move(cl), "Clusters");
      f.put(std::move(sc), "Scores");
      w.writeFrame(f, "events");
    }
    w.finish();
  }
  auto count = [&](const std::string& yaml) {
    Dataset d(TrainingSpec::fromYaml(yaml, "spec.yaml"), {path});
    return std::pair{d.counts(Split::Training).rows + d.counts(Split::Validation).rows,
                     d.counts(Split::Training).positives + d.counts(Split::Validation).positives};
  };
  const auto many = count(R"(podml_training: 1
input: {type: ex::Cluster, collection: Clusters}
features: [energy]
label: {relation: Hits, member: cellID, in: [7]}
)");
  EXPECT_EQ(many.first, clusters);
  EXPECT_EQ(many.second, clustersWithSeven);
  const auto one = count(R"(podml_training: 1
input: {type: ex::Score, collection: Scores}
features: [value]
label: {relation: hit, member: energy}
)");
  EXPECT_EQ(one.first, scores);
  EXPECT_EQ(one.second, scoresOnEnergetic);
  EXPECT_NE(messageOf([&] { count("podml_training: 1\ninput: {type: ex::Score, collection: Scores}\nfeatures: [value]\n"
                                  "label: {relation: cluster, member: energy}\n"); })
                .find("label relation 'cluster' is not a relation of ex::Score"),
            std::string::npos);
  EXPECT_NE(messageOf([] {
              TrainingSpec::fromYaml("podml_training: 1\ninput: {type: A, collection: B}\nfeatures: [x]\n"
                                     "label: {link: L, relation: r, member: m}\n");
            }).find("'label' takes either 'link' or 'relation', not both"),
            std::string::npos);
}

} // namespace
