// The user's tasks T1 and T2 on the physics toy, C++ route:
// T1: toy events -> podml::train (libtorch) -> ONNX with a card that passes ONNX's checker.
// T2: that model over a fresh toy file with `podml infer` -> one edm4hep::ParticleID per
//     reconstructed particle, pointing at it, whose scores separate prompt leptons.
#include "../common/TestPaths.h"
#include "edm4hep/ParticleIDCollection.h"
#include "edm4hep/RecoMCParticleLinkCollection.h"
#include "edm4hep/ReconstructedParticleCollection.h"

#include "podml/io/Reader.h"
#include "podml/onnx/ModelCard.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/toy/ToyDataset.h"
#include "podml/train/Metrics.h"
#include "podml/train/Train.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

// On the toy (docs/toy-dataset.md, 30k events) the transverse momentum alone separates
// prompt leptons with AUC 0.957 and |d0| alone with 0.604; a 2x64 MLP on the spec's
// features reaches ~0.965. The network sees momentum components, not pT, so 0.90 asks it
// to have learned most of what pT carries, while leaving room for the smaller training
// sample here and seed-to-seed spread; a model that learned nothing gives ~0.5.
constexpr double kAucThreshold = 0.90;

struct Trained {
  std::string model;
  podml::train::TrainReport report;
};

// T1, shared by both tests: one training run on 3000 toy events.
const Trained& trained() {
  static const Trained t = [] {
    const auto data = podml::test::tmpPath("train.h5");
    podml::toy::writeToyDataset(data, {.events = 3000, .seed = 1});
    auto spec = podml::train::TrainingSpec::fromYamlFile(PODML_TOY_SPEC);
    spec.training.epochs = 12;
    Trained r;
    r.model = podml::test::tmpPath("lepton-id.onnx");
    podml::train::TrainOptions options;
    options.threads = 2;
    r.report = podml::train::trainAndExport(spec, {data}, r.model, options);
    return r;
  }();
  return t;
}

TEST(ToyRoute, T1_TrainExportAndCheck) {
  const auto& t = trained();
  EXPECT_EQ(podml::onnx::checkModel(t.model), "") << "ONNX's checker";
  EXPECT_LE(t.report.maxExportDifference, podml::train::kExportTolerance);
  EXPECT_GE(t.report.validationAuc, kAucThreshold);
  EXPECT_GT(t.report.validation.positives, 100u);

  const auto info = podml::onnx::readModelInfo(t.model);
  ASSERT_TRUE(info.card);
  const auto card = podml::onnx::ModelCard::fromJson(*info.card, t.model);
  EXPECT_EQ(card.dataModel, "edm4hep");
  ASSERT_EQ(card.inputs.size(), 1u);
  EXPECT_EQ(card.inputs[0].collectionType, "edm4hep::ReconstructedParticle");
  EXPECT_EQ(card.inputs[0].collection, "ReconstructedParticles");
  ASSERT_EQ(card.inputs[0].members.size(), 8u);
  EXPECT_EQ(card.inputs[0].members[0].path, "momentum.x");
  EXPECT_EQ(card.inputs[0].members[0].unit, "GeV");
  EXPECT_EQ(card.membersHash, card.computeMembersHash());
  ASSERT_EQ(card.outputs.size(), 1u);
  ASSERT_TRUE(card.outputs[0].target);
  EXPECT_EQ(card.outputs[0].target->type, "edm4hep::ParticleID");
  EXPECT_EQ(card.outputs[0].target->member, "likelihood");
  EXPECT_EQ(card.outputs[0].target->relation, "particle");
  ASSERT_EQ(info.inputs.size(), 1u);
  EXPECT_EQ(podml::onnx::dimName(info.inputs[0].shape[0]), "N");
}

TEST(ToyRoute, T2_InferOnFreshEventsAndReadBack) {
  const auto& t = trained();
  const auto fresh = podml::test::tmpPath("fresh.h5");
  const auto scored = podml::test::tmpPath("scored.h5");
  podml::toy::writeToyDataset(fresh, {.events = 1000, .seed = 2});
  const std::string cmd = std::string(PODML_EXE) + " infer -q " + t.model + " " + fresh + " -o " + scored;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;

  podml::io::Reader reader({scored});
  podml::io::Reader truth({fresh}); // podml infer copies only what it scores, not the links
  ASSERT_EQ(reader.getEntries("events"), 1000u);
  std::vector<float> scores, labels;
  for (std::size_t e = 0; e < 1000; ++e) {
    const auto frame = reader.readFrame("events", e);
    const auto& reco = frame.get<edm4hep::ReconstructedParticleCollection>("ReconstructedParticles");
    const auto& ids = frame.get<edm4hep::ParticleIDCollection>("LeptonIDs");
    ASSERT_EQ(ids.size(), reco.size()) << "one score per particle, event " << e;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      ASSERT_TRUE(ids[i].getParticle() == reco[i]) << "the score points at the particle it scored";
      scores.push_back(ids[i].getLikelihood());
      ASSERT_GE(scores.back(), 0.0f);
      ASSERT_LE(scores.back(), 1.0f);
    }
    // Labels from the truth links of the fresh file.
    std::vector<float> lab(reco.size(), 0.0f);
    const auto truthFrame = truth.readFrame("events", e);
    const auto& links = truthFrame.get<edm4hep::RecoMCParticleLinkCollection>("RecoMCParticleLinks");
    for (const auto& l : links) {
      lab[l.getFrom().getObjectID().index] = podml::toy::isPromptLeptonPDG(l.getTo().getPDG()) ? 1.0f : 0.0f;
    }
    labels.insert(labels.end(), lab.begin(), lab.end());
  }
  const double auc = podml::train::rocAuc(scores, labels);
  std::cout << "T2: AUC on 1000 fresh events = " << auc << " (" << scores.size() << " particles)\n";
  EXPECT_GE(auc, kAucThreshold);
}

} // namespace
