// ONNX models on event columns: card attach/read, checks against the graph and
// the data model, zero-copy inputs, gathered multi-member inputs, write-back.
#include "../common/TestPaths.h"
#include "ModelBuilder.h"

#include "testdm/DatamodelDefinition.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/ScoreCollection.h"

#include "podml/Exceptions.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/onnx/Session.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <thread>
#include <unistd.h>

namespace {

podml::onnx::ModelCard hitCard() {
  podml::onnx::ScoreCardSpec c;
  c.collectionType = "ExampleHit";
  c.collection = "Hits";
  c.members = {"x", "energy"};
  c.meaning = "a test score";
  c.target = podml::onnx::CardTarget{"ex::Score", "value", "hit", "HitScores"};
  c.producer = "podml tests";
  return podml::onnx::makeScoreCard(c, podml::models::testdm::definition());
}

podml::Frame hitsEvent(int n) {
  ExampleHitCollection hits;
  for (int i = 0; i < n; ++i) {
    hits.create(uint64_t(i), 0.5 * i, 0., 0., 1.0 + i);
  }
  podml::Frame f;
  f.put(std::move(hits), "Hits");
  return f;
}

// The linear model without a card; every test that needs it writes it, so no test
// depends on another having run first.
std::string rawModel() {
  const auto raw = podml::test::tmpPath("linear.onnx");
  testmodels::writeLinearSigmoid(raw, {0.5f, -0.25f}, 0.1f);
  return raw;
}

std::string cardedModel() {
  const auto carded = podml::test::tmpPath("linear-card.onnx");
  podml::onnx::attachCard(rawModel(), hitCard(), carded);
  return carded;
}

} // namespace

TEST(ModelCard, JsonRoundTripAndErrors) {
  const auto card = hitCard();
  const auto back = podml::onnx::ModelCard::fromJson(card.toJson(2));
  EXPECT_EQ(back.toJson(), card.toJson());
  EXPECT_EQ(back.inputs.at(0).members.at(1).unit, "GeV");
  EXPECT_EQ(back.inputs.at(0).members.at(0).dtype, podml::DType::Float64);
  EXPECT_EQ(back.membersHash, card.computeMembersHash());
  EXPECT_THROW(podml::onnx::ModelCard::fromJson("{not json"), podml::DefinitionError);
  try {
    podml::onnx::ModelCard::fromJson(R"({"podml_card": 7, "datamodel": {}, "inputs": [], "outputs": []})", "m.onnx");
    FAIL();
  } catch (const podml::DefinitionError& e) {
    EXPECT_NE(std::string(e.what()).find("card version 7 is not supported"), std::string::npos) << e.what();
  }
  try {
    podml::onnx::ModelCard::fromJson(R"({"podml_card": 1, "datamodel": {"name": "x", "schema_version": 1},
      "inputs": [{"name": "a", "collection_type": "T", "members": [{"path": 3}]}], "outputs": []})", "m.onnx");
    FAIL();
  } catch (const podml::DefinitionError& e) {
    EXPECT_NE(std::string(e.what()).find("inputs[0].members[0]"), std::string::npos) << e.what();
  }
}

TEST(OnnxModel, AttachReadsBackWithoutChangingTheGraph) {
  const auto path = cardedModel();
  const auto info = podml::onnx::readModelInfo(path);
  ASSERT_TRUE(info.card.has_value());
  EXPECT_EQ(podml::onnx::ModelCard::fromJson(*info.card).inputs.at(0).collection, "Hits");
  ASSERT_EQ(info.inputs.size(), 1u);
  EXPECT_EQ(info.inputs[0].name, "features");
  EXPECT_EQ(podml::onnx::dimName(info.inputs[0].shape[0]), "N");
  EXPECT_EQ(info.outputs.at(0).name, "score");
  EXPECT_EQ(podml::onnx::checkModel(path), "");
  const auto raw = podml::onnx::readModelInfo(rawModel());
  EXPECT_FALSE(raw.card.has_value());
  EXPECT_EQ(raw.inputs.size(), info.inputs.size());
}

TEST(OnnxModel, NotAModelIsAModelError) {
  const auto path = podml::test::tmpPath("not-a-model.onnx");
  {
    std::ofstream f(path);
    f << "this is not protobuf at all, just text\n";
  }
  EXPECT_THROW(podml::onnx::readModelInfo(path), podml::ModelError);
  EXPECT_THROW(podml::onnx::readModelInfo(podml::test::tmpPath("missing.onnx")), podml::ModelError);
  EXPECT_THROW(podml::onnx::Session session(path), podml::ModelError);
}

TEST(Session, RunsOnColumnsAndWritesBack) {
  const auto& dm = podml::models::testdm::definition();
  podml::onnx::SessionOptions opt;
  opt.algorithmType = 42;
  const podml::onnx::Session session(cardedModel(), dm, opt);
  const auto event = hitsEvent(5);
  const auto result = session.run(event);
  ASSERT_EQ(result.tensors.size(), 1u);
  const auto& t = result.tensors[0];
  ASSERT_EQ(t.shape, (std::vector<int64_t>{5, 1}));
  const auto& hits = event.get<ExampleHitCollection>("Hits");
  for (int i = 0; i < 5; ++i) {
    const double z = 0.5 * hits[i].x() - 0.25 * hits[i].energy() + 0.1;
    EXPECT_NEAR(t.as<float>()[i], 1.0 / (1.0 + std::exp(-z)), 1e-6);
  }
  auto written = session.runAndWriteBack(event);
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].first, "HitScores");
  podml::Frame out;
  const auto& scores = static_cast<const ex::ScoreCollection&>(out.put(std::move(written[0].second), "HitScores"));
  ASSERT_EQ(scores.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(scores[i].value(), t.as<float>()[i]);
    EXPECT_EQ(scores[i].algorithmType(), 42);
    EXPECT_EQ(scores[i].hit(), hits[i]);
  }
}

TEST(Session, EmptyCollectionSkipsOnnxRuntime) {
  const podml::onnx::Session session(cardedModel(), podml::models::testdm::definition());
  const auto result = session.run(hitsEvent(0));
  ASSERT_EQ(result.tensors.size(), 1u);
  EXPECT_EQ(result.tensors[0].shape.front(), 0);
  EXPECT_EQ(podml::onnx::Session::lastInputData(0), nullptr); // no tensor was made from memory
}

TEST(Session, SingleMemberInputIsTheColumnItself) {
  const auto raw = podml::test::tmpPath("scale.onnx");
  testmodels::writeDoubleScale(raw);
  podml::onnx::ModelCard card;
  card.dataModel = "testdm";
  podml::onnx::CardInput in;
  in.name = "x";
  in.collectionType = "ExampleHit";
  in.collection = "Hits";
  in.members = {{"energy", {}, {}, {}}};
  in.dtype = podml::DType::Float64;
  in.shape = {std::string("N")};
  card.inputs.push_back(in);
  podml::onnx::CardOutput out;
  out.name = "y";
  out.dtype = podml::DType::Float64;
  out.shape = {std::string("N")};
  card.outputs.push_back(out);
  card.completeFrom(podml::models::testdm::definition());
  const auto path = podml::test::tmpPath("scale-card.onnx");
  podml::onnx::attachCard(raw, card, path);
  const podml::onnx::Session session(path, podml::models::testdm::definition());
  const auto event = hitsEvent(4);
  const auto result = session.run(event);
  const auto& hits = event.get<ExampleHitCollection>("Hits");
  EXPECT_EQ(podml::onnx::Session::lastInputData(0), hits.column("energy").rawData());
  ASSERT_EQ(result.tensors[0].shape, (std::vector<int64_t>{4}));
  EXPECT_EQ(result.tensors[0].as<double>()[3], 2.0 * hits[3].energy());
}

TEST(Session, MismatchesAreListedOnePerLine) {
  auto card = hitCard();
  card.inputs[0].members[1].unit = "MeV";             // data says GeV
  card.inputs[0].members.push_back({"nope", podml::DType::Float32, {}, ""});
  card.outputs[0].target->member = "missing";
  const auto path = podml::test::tmpPath("linear-bad-card.onnx");
  podml::onnx::attachCard(rawModel(), card, path);
  try {
    podml::onnx::Session session(path, podml::models::testdm::definition());
    FAIL() << "a mismatched card must be refused";
  } catch (const podml::ModelError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("input 'features', member 'energy': the model expects float64 [MeV], the data has float64 [GeV]"),
              std::string::npos) << msg;
    EXPECT_NE(msg.find("input 'features', member 'nope'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("the graph expects 2 values per object, the card's members give 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("output 'score': the target member 'missing'"), std::string::npos) << msg;
  }
}

TEST(Session, ModelWithoutCardNeedsAnExplicitBinding) {
  const auto raw = podml::test::tmpPath("linear-plain.onnx");
  testmodels::writeLinearSigmoid(raw, {1.f, 0.f}, 0.f);
  EXPECT_THROW(podml::onnx::Session session(raw, podml::models::testdm::definition()), podml::ModelError);
  podml::onnx::SessionOptions opt;
  auto binding = hitCard();
  binding.membersHash.clear();
  opt.binding = binding;
  const podml::onnx::Session session(raw, podml::models::testdm::definition(), opt);
  const auto result = session.run(hitsEvent(2));
  EXPECT_NEAR(result.tensors[0].as<float>()[1], 1.0 / (1.0 + std::exp(-0.5)), 1e-6);
}

TEST(Session, ManyThreadsGiveTheSingleThreadResults) {
  const podml::onnx::Session session(cardedModel(), podml::models::testdm::definition());
  std::vector<podml::Frame> events;
  for (int e = 0; e < 16; ++e) {
    events.push_back(hitsEvent(1 + e));
  }
  std::vector<std::vector<float>> reference;
  for (const auto& ev : events) {
    const auto r = session.run(ev);
    reference.emplace_back(r.tensors[0].as<float>(), r.tensors[0].as<float>() + r.tensors[0].size());
  }
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int rep = 0; rep < 20; ++rep) {
        for (std::size_t e = 0; e < events.size(); ++e) {
          const auto r = session.run(events[e]);
          const std::vector<float> got(r.tensors[0].as<float>(), r.tensors[0].as<float>() + r.tensors[0].size());
          if (got != reference[e]) {
            ++mismatches;
          }
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(mismatches.load(), 0);
}
