// podml::workflow: the inference job every front end runs. Outputs that stand on their own
// (every input collection kept, relations resolve), --only-scores without dangling
// relations (reading one gives an empty handle, never a crash), an empty auxiliary input
// collection that skips one event instead of stopping the job, checks before any work, and
// no file under the output name after a failure.
#include "../common/TestPaths.h"
#include "../onnx/ModelBuilder.h"

#include "testdm/ClusterCollection.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/ScoreCollection.h"

#include "podml/Exceptions.h"
#include "podml/io/Reader.h"
#include "podml/io/Writer.h"
#include "podml/onnx/ModelCard.h"
#include "podml/workflow/Cards.h"
#include "podml/workflow/DataModels.h"
#include "podml/workflow/Inference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace {

using podml::test::tmpPath;
namespace wf = podml::workflow;

constexpr int kEvents = 5;
constexpr int kEmptyAuxEvent = 2; // "MoreHits" is empty in this event

int hitsIn(int e) { return 1 + e % 3; }

// Hits (scored), MoreHits (an auxiliary input with as many objects, except one event),
// Clusters pointing at the hits.
std::string writeEvents(const std::string& name) {
  const std::string path = tmpPath(name);
  podml::io::Writer w(path);
  for (int e = 0; e < kEvents; ++e) {
    podml::Frame f;
    ExampleHitCollection hits, more;
    ex::ClusterCollection clusters;
    auto cl = clusters.create();
    cl.energy(100.f + e);
    for (int i = 0; i < hitsIn(e); ++i) {
      auto h = hits.create(0x10ULL * e + i, 0.5 * i, 0., 0., 1.0 + e + 0.25 * i);
      cl.addHits(h);
      if (e != kEmptyAuxEvent) {
        more.create(0ULL, 0., 0., 0., -0.5 * i);
      }
    }
    f.put(std::move(hits), "Hits");
    f.put(std::move(more), "MoreHits");
    f.put(std::move(clusters), "Clusters");
    w.writeFrame(f, "events");
  }
  w.finish();
  return path;
}

podml::onnx::CardMember member(const std::string& path) {
  podml::onnx::CardMember m;
  m.path = path;
  return m;
}

podml::onnx::CardInput input(const std::string& name, const std::string& type, const std::string& collection,
                              const std::vector<std::string>& members) {
  podml::onnx::CardInput in;
  in.name = name;
  in.collectionType = type;
  in.collection = collection;
  for (const auto& m : members) {
    in.members.push_back(member(m));
  }
  in.shape = {std::string("N"), static_cast<int64_t>(members.size())};
  return in;
}

// A card with `inputs` and one output "score" [N, 1] of the first input, written to `target`;
// completed from the data and attached to `bare`.
std::string attach(const std::string& bare, const std::string& path, const std::string& data,
                   std::vector<podml::onnx::CardInput> inputs, podml::onnx::CardTarget target) {
  podml::onnx::ModelCard card;
  card.dataModel = "testdm";
  card.inputs = std::move(inputs);
  podml::onnx::CardOutput o;
  o.name = "score";
  o.meaning = "a test score";
  o.shape = {std::string("N"), int64_t{1}};
  o.input = card.inputs.front().name;
  o.target = std::move(target);
  card.outputs = {o};
  wf::completeCard(card, wf::dataModelsIn(data).require("testdm").get());
  wf::attachCard(bare, card, path);
  return path;
}

// score = sigmoid(x - energy + extra): features [x, energy] of Hits, extra = energy of MoreHits.
std::string writeTwoInputModel(const std::string& data) {
  const std::string bare = tmpPath("two-bare.onnx");
  testmodels::writeTwoInputs(bare);
  return attach(bare, tmpPath("two.onnx"), data,
                {input("features", "ExampleHit", "Hits", {"x", "energy"}), input("extra", "ExampleHit", "MoreHits", {"energy"})},
                {"ex::Score", "value", "hit", "HitScores"});
}

// score = sigmoid(0.01 * energy) of Clusters, written without a relation.
std::string writeClusterModel(const std::string& data) {
  const std::string bare = tmpPath("cluster-bare.onnx");
  testmodels::writeLinearSigmoid(bare, {0.01f}, 0.f);
  return attach(bare, tmpPath("cluster.onnx"), data, {input("features", "ex::Cluster", "Clusters", {"energy"})},
                {"ex::Score", "value", "", "ClusterScores"});
}

struct Files {
  std::string data = writeEvents("events.h5");
  std::string twoInputs = writeTwoInputModel(data);
  std::string clusters = writeClusterModel(data);
};

const Files& files() {
  static const Files f;
  return f;
}

wf::InferenceRequest request(const std::string& model, const std::string& out) {
  wf::InferenceRequest rq;
  rq.model = model;
  rq.inputs = {files().data};
  rq.output = tmpPath(out);
  return rq;
}

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

TEST(Inference, KeepsEveryInputCollectionAndRelationsResolve) {
  auto rq = request(files().twoInputs, "all.h5");
  wf::InferenceJob job(rq);
  std::vector<std::string> warnings;
  const auto summary = job.run({}, [&](const std::string& w) { warnings.push_back(w); });
  EXPECT_EQ(summary.events, uint64_t(kEvents));
  ASSERT_EQ(summary.outputs.size(), 1u);
  EXPECT_EQ(summary.outputs[0].collection, "HitScores");

  podml::io::Reader reader({rq.output});
  podml::io::Reader input({files().data});
  for (const char* c : {"Hits", "MoreHits"}) { // kept collections equal their inputs, column by column
    for (const char* path : {"cellID", "x", "energy"}) {
      const auto a = reader.readColumns("events", c, {path}), b = input.readColumns("events", c, {path});
      ASSERT_EQ(a.offsets, b.offsets) << c;
      ASSERT_EQ(a.columns[0].sizeBytes(), b.columns[0].sizeBytes()) << c << "." << path;
      EXPECT_EQ(std::memcmp(a.columns[0].rawData(), b.columns[0].rawData(), a.columns[0].sizeBytes()), 0)
          << c << "." << path;
    }
  }
  for (int e = 0; e < kEvents; ++e) {
    auto f = reader.readFrame("events", static_cast<std::size_t>(e));
    const auto names = f.getAvailableCollections();
    for (const char* c : {"Hits", "MoreHits", "Clusters", "HitScores"}) {
      EXPECT_NE(std::find(names.begin(), names.end(), c), names.end()) << c << " in event " << e;
    }
    const auto& hits = f.get<ExampleHitCollection>("Hits");
    const auto& more = f.get<ExampleHitCollection>("MoreHits");
    const auto& scores = f.get<ex::ScoreCollection>("HitScores");
    // The clusters' relations resolve within the output file.
    const auto& clusters = f.get<ex::ClusterCollection>("Clusters");
    ASSERT_EQ(clusters[0].Hits_size(), hits.size());
    EXPECT_EQ(clusters[0].Hits(0).energy(), hits[0].energy());
    if (e == kEmptyAuxEvent) {
      EXPECT_EQ(scores.size(), 0u) << "an event that cannot be scored is written without scores";
      continue;
    }
    ASSERT_EQ(scores.size(), hits.size());
    for (std::size_t i = 0; i < hits.size(); ++i) {
      EXPECT_EQ(scores[i].hit(), hits[i]);
      EXPECT_NEAR(scores[i].value(), sigmoid(hits[i].x() - hits[i].energy() + more[i].energy()), 1e-6);
    }
  }
  EXPECT_EQ(summary.skippedEvents, 1u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("entry 2 of category 'events' not scored: input 'extra' reads collection 'MoreHits', "
                             "which is empty, while input 'features' has 3 objects in 'Hits'"),
            std::string::npos)
      << warnings[0];
  // EDM4hep's PID metadata for the new collection.
  auto meta = reader.readFrame("metadata", 0);
  EXPECT_EQ(meta.getParameter<std::string>("HitScores__AlgoName").value_or(""), "two");
}

// Issue 14: --collection INPUT=NAME remaps any input, not only the first. Here both inputs
// read Hits: score = sigmoid(x - energy + energy) = sigmoid(x) of every hit, in every event.
TEST(Inference, EveryInputCanBeReadFromAnotherCollection) {
  auto rq = request(files().twoInputs, "remapped.h5");
  rq.inputCollections["extra"] = "Hits";
  wf::InferenceJob job(rq);
  EXPECT_EQ(job.inputCollections(), (std::vector<std::string>{"Hits", "Hits"}));
  const auto summary = job.run();
  EXPECT_EQ(summary.skippedEvents, 0u) << "MoreHits, empty in one event, is no longer read";
  podml::io::Reader reader({rq.output});
  for (int e = 0; e < kEvents; ++e) {
    auto f = reader.readFrame("events", static_cast<std::size_t>(e));
    const auto& hits = f.get<ExampleHitCollection>("Hits");
    const auto& scores = f.get<ex::ScoreCollection>("HitScores");
    ASSERT_EQ(scores.size(), hits.size()) << "event " << e;
    for (std::size_t i = 0; i < hits.size(); ++i) {
      EXPECT_EQ(scores[i].hit(), hits[i]);
      EXPECT_NEAR(scores[i].value(), sigmoid(hits[i].x()), 1e-6);
    }
  }
}

// Issue 14: an input collection missing from one entry (written without it) is skipped
// like an empty one, named by entry and collection, and the entries after it are scored
// from their own rows, one event per run and in batches.
TEST(Inference, CollectionMissingFromOneEntryIsSkippedAndNamed) {
  constexpr int kMissing = 3;
  const std::string data = tmpPath("missing-more.h5");
  {
    podml::io::Writer w(data);
    for (int e = 0; e < kEvents; ++e) {
      podml::Frame f;
      ExampleHitCollection hits, more;
      for (int i = 0; i < hitsIn(e); ++i) {
        hits.create(0ULL, 0.5 * i, 0., 0., 1.0 + e);
        more.create(0ULL, 0., 0., 0., 0.1 * e + 0.01 * i);
      }
      f.put(std::move(hits), "Hits");
      if (e != kMissing) {
        f.put(std::move(more), "MoreHits");
      }
      w.writeFrame(f, "events");
    }
    w.finish();
  }
  for (const std::size_t perRun : {std::size_t{1}, std::size_t{3}}) {
    SCOPED_TRACE(perRun);
    auto rq = request(files().twoInputs, "missing-" + std::to_string(perRun) + ".h5");
    rq.inputs = {data};
    rq.eventsPerRun = perRun;
    std::vector<std::string> warnings;
    const auto summary = wf::InferenceJob(rq).run({}, [&](const std::string& w) { warnings.push_back(w); });
    EXPECT_EQ(summary.skippedEvents, 1u);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0], "entry 3 of category 'events' not scored: input 'extra' reads collection 'MoreHits', "
                           "which this event does not have");
    podml::io::Reader reader({rq.output});
    for (int e = 0; e < kEvents; ++e) {
      const auto f = reader.readFrame("events", static_cast<std::size_t>(e));
      const auto& hits = f.get<ExampleHitCollection>("Hits");
      const auto& scores = f.get<ex::ScoreCollection>("HitScores");
      if (e == kMissing) {
        EXPECT_EQ(scores.size(), 0u);
        continue;
      }
      const auto& more = f.get<ExampleHitCollection>("MoreHits");
      ASSERT_EQ(scores.size(), hits.size()) << "entry " << e;
      for (std::size_t i = 0; i < hits.size(); ++i) {
        EXPECT_NEAR(scores[i].value(), sigmoid(hits[i].x() - hits[i].energy() + more[i].energy()), 1e-6)
            << "entry " << e << ", hit " << i;
      }
    }
  }
  auto rq = request(files().twoInputs, "missing-fail.h5");
  rq.inputs = {data};
  rq.onEmptyInput = wf::OnEmptyInput::Fail;
  try {
    wf::InferenceJob(rq).run();
    ADD_FAILURE() << "expected an InferenceError";
  } catch (const podml::InferenceError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("input 'extra' reads collection 'MoreHits', which this event does not have"), std::string::npos)
        << what;
    EXPECT_NE(what.find("(entries 3..3 of category 'events')"), std::string::npos) << what;
  }
}

TEST(Inference, EmptyAuxiliaryInputCanStopTheJob) {
  auto rq = request(files().twoInputs, "fail.h5");
  rq.onEmptyInput = wf::OnEmptyInput::Fail;
  wf::InferenceJob job(rq);
  try {
    job.run();
    FAIL() << "expected an InferenceError";
  } catch (const podml::InferenceError& e) {
    EXPECT_NE(std::string(e.what()).find("which is empty"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(rq.output)) << "a failed run leaves no output";
  for (const auto& f : std::filesystem::directory_iterator(std::filesystem::path(rq.output).parent_path())) {
    EXPECT_EQ(f.path().string().find("fail.h5.podml-tmp"), std::string::npos) << "no temporary file left: " << f.path();
  }
}

TEST(Inference, OnlyScoresLeavesNoDanglingRelation) {
  auto rq = request(files().clusters, "only.h5");
  rq.onlyScores = true;
  wf::InferenceJob job(rq);
  const auto summary = job.run();
  EXPECT_EQ(summary.outputs.at(0).objects, uint64_t(kEvents));

  podml::io::Reader reader({rq.output});
  // The relation halves as stored: unset ({-2, -2}, as podio writes an unset relation).
  const auto ids = reader.readColumns("events", "Clusters", {"Hits.index", "Hits.collectionID"});
  ASSERT_GT(ids.columns[0].size(), 0u);
  for (std::size_t i = 0; i < ids.columns[0].size(); ++i) {
    EXPECT_EQ(ids.columns[0].data<int32_t>()[i], podml::ObjectID::invalid);
  }
  auto f = reader.readFrame("events", 0);
  EXPECT_EQ(f.getAvailableCollections(), (std::vector<std::string>{"ClusterScores", "Clusters"}));
  const auto& clusters = f.get<ex::ClusterCollection>("Clusters");
  ASSERT_EQ(clusters[0].Hits_size(), 1u) << "the relation keeps its size; its targets are absent";
  const auto hit = clusters[0].Hits(0);
  EXPECT_FALSE(hit.isAvailable());
  EXPECT_THROW((void)hit.energy(), podml::UsageError) << "reading through it is an error, not a crash";
  try {
    (void)hit.energy();
  } catch (const podml::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("empty handle"), std::string::npos) << e.what();
  }
}

TEST(Inference, ChecksBeforeAnyWork) {
  const auto expectError = [](wf::InferenceRequest rq, const std::string& text, auto type) {
    try {
      wf::InferenceJob job(rq);
      FAIL() << "expected an error containing: " << text;
    } catch (const decltype(type)& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(rq.output));
  };
  auto rq = request(files().twoInputs, "never.h5");
  rq.category = "runs";
  expectError(rq, "cannot score category 'runs': the input files have no such category", podml::UsageError(""));
  rq = request(files().twoInputs, "never.h5");
  rq.inputCollections["extra"] = "Nope";
  expectError(rq, "input 'extra' reads collection 'Nope', which is not in category 'events'", podml::UsageError(""));
  rq = request(files().twoInputs, "never.h5");
  rq.inputCollections["typo"] = "Hits";
  expectError(rq, "model '" + files().twoInputs + "' has no such input (its inputs are 'features', 'extra')",
              podml::UsageError(""));
  rq = request(files().twoInputs, "never.h5");
  rq.outputCollections["score"] = "Clusters";
  expectError(rq, "to collection 'Clusters': the input files already hold a collection of that name",
              podml::UsageError(""));
  rq = request(files().twoInputs, "never.h5");
  rq.output = files().data;
  try {
    wf::InferenceJob job(rq);
    FAIL();
  } catch (const podml::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("it is also an input of this run"), std::string::npos);
  }
  rq = request(files().twoInputs, "never.h5");
  rq.shardIndex = 2;
  rq.shardCount = 2;
  expectError(rq, "cannot take shard 2 of 2", podml::UsageError(""));
}

TEST(Inference, ShardsConcatenateToTheWholeRun) {
  uint64_t events = 0;
  for (uint64_t k = 0; k < 3; ++k) {
    auto rq = request(files().clusters, "shard" + std::to_string(k) + ".h5");
    rq.shardIndex = k;
    rq.shardCount = 3;
    wf::InferenceJob job(rq);
    const auto s = job.run();
    EXPECT_EQ(s.firstEntry, events);
    events += s.events;
  }
  EXPECT_EQ(events, uint64_t(kEvents));
}

TEST(Cards, CheckReportsAMissingDataModel) {
  wf::DataModels none;
  none.where = "'nothing.h5'";
  const auto r = wf::checkModel(files().twoInputs, none);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0], "data model: the model reads 'testdm', which 'nothing.h5' does not contain (it holds none)");
  EXPECT_TRUE(wf::checkModel(files().twoInputs, wf::dataModelsIn(files().data)).problems.empty());
}

TEST(Cards, YamlCardFileErrorsNameTheLine) {
  const std::string path = tmpPath("broken-card.yaml");
  std::ofstream(path) << "podml_card: 1\ninputs: [\n";
  try {
    (void)wf::readCardFile(path);
    FAIL();
  } catch (const podml::DefinitionError& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":"), std::string::npos) << e.what();
  }
}

} // namespace
