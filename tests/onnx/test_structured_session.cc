// Structured models (card version 2) in the Session, on EDM4hep jets built here:
// 8 threads give the same bytes as 1, the multi-class and per-constituent write-back
// read back typed as EDM4hep after a write and a read, with the ParticleIDMeta the
// inference job writes, and a link instead of a relation gathers the same constituents.
// The models are exported by PyTorch (tests/python/structured_models.py) into
// PODML_STRUCTURED_MODELS by the fixture `structured_models_export`.
#include "../common/TestPaths.h"

#include "edm4hep/ParticleIDCollection.h"
#include "edm4hep/ReconstructedParticleCollection.h"
#include "edm4hep/VertexCollection.h"
#include "edm4hep/VertexRecoParticleLinkCollection.h"

#include "podml/io/Reader.h"
#include "podml/io/Writer.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/onnx/Session.h"
#include "podml/workflow/Cards.h"
#include "podml/workflow/Inference.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <random>
#include <span>
#include <thread>

namespace {

const std::string kModels = PODML_STRUCTURED_MODELS;

const podml::DataModelDefinition& edm4hep() {
  return edm4hep::ReconstructedParticleCollection().dataModelDefinition();
}

std::string tmp(const std::string& suffix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return podml::test::tmpPath(std::string(info->test_suite_name()) + "." + info->name() + "-" + suffix);
}

// Event i: jets with 0 to 14 constituents each (some events without jets), the
// constituents in `Particles`, plus the same jets as vertices linked to their particles.
podml::Frame makeEvent(unsigned i) {
  std::mt19937 rng(1000 + i);
  std::uniform_int_distribution<int> jetsPerEvent(0, 6), perJet(0, 14);
  std::normal_distribution<float> value(0.f, 10.f);
  edm4hep::ReconstructedParticleCollection particles, jets;
  edm4hep::VertexCollection vertices;
  edm4hep::VertexRecoParticleLinkCollection links;
  const int njets = i % 7 == 3 ? 0 : jetsPerEvent(rng);
  for (int j = 0; j < njets; ++j) {
    auto jet = jets.create();
    jet.setEnergy(std::abs(value(rng)) + 20.f);
    jet.setMomentum({value(rng), value(rng), value(rng)});
    auto vertex = vertices.create();
    const int n = perJet(rng);
    for (int k = 0; k < n; ++k) {
      auto p = particles.create();
      p.setEnergy(std::abs(value(rng)) + 0.5f);
      p.setMomentum({value(rng), value(rng), value(rng)});
      jet.addToParticles(p);
      auto l = links.create();
      l.setFrom(vertex);
      l.setTo(p);
    }
  }
  podml::Frame f;
  f.put(std::move(particles), "Particles");
  f.put(std::move(jets), "Jets");
  f.put(std::move(vertices), "Vertices");
  f.put(std::move(links), "VertexParticles");
  return f;
}

// Events 0..n-1 (makeEvent) and pointers to them, as run(events) takes them.
struct Events {
  std::vector<podml::Frame> frames;
  std::vector<const podml::Frame*> ptrs;
};
Events makeEvents(unsigned n) {
  Events e;
  for (unsigned i = 0; i < n; ++i) {
    e.frames.push_back(makeEvent(i));
  }
  for (const auto& f : e.frames) {
    e.ptrs.push_back(&f);
  }
  return e;
}

// A file of `n` events made by makeEvent, for the inference job.
std::string writeEvents(const std::string& name, unsigned n) {
  const auto path = tmp(name);
  podml::io::Writer w(path);
  for (unsigned i = 0; i < n; ++i) {
    w.writeFrame(makeEvent(i), "events");
  }
  w.finish();
  return path;
}

// The model `name` with the card `card` attached (completed from EDM4hep).
std::string carded(const std::string& name, const std::string& cardJson) {
  auto card = podml::onnx::ModelCard::fromJson(cardJson, name + " card");
  card.completeFrom(edm4hep());
  const auto out = tmp(name + "-card.onnx");
  podml::onnx::attachCard(kModels + "/" + name + ".onnx", card, out);
  return out;
}

const char* kDeepSets = R"({"podml_card": 2, "datamodel": {"name": "edm4hep", "schema_version": 0},
  "inputs": [{"name": "constituents", "collection_type": "edm4hep::ReconstructedParticle", "collection": "Jets",
              "constituents": {"relation": "particles", "layout": "NPF", "sort_by": "energy", "max": 10},
              "members": ["energy", "momentum.x", "momentum.y", "momentum.z"]},
             {"name": "mask", "kind": "mask", "of": "constituents", "dtype": "bool"}],
  "outputs": [{"name": "probs", "input": "constituents",
               "classes": [{"name": "b", "code": 5}, {"name": "c", "code": 4}, {"name": "light", "code": 0}],
               "target": {"type": "edm4hep::ParticleID", "member": "likelihood", "relation": "particle",
                          "collection": "JetTag", "class_member": "PDG"}}]})";

const char* kPerConstituent = R"({"podml_card": 2, "datamodel": {"name": "edm4hep", "schema_version": 0},
  "inputs": [{"name": "constituents", "collection_type": "edm4hep::ReconstructedParticle", "collection": "Jets",
              "constituents": {"relation": "particles", "layout": "NPF"},
              "members": ["energy", "momentum.x", "momentum.y", "momentum.z"]}],
  "outputs": [{"name": "score", "input": "constituents", "rows": "constituents",
               "target": {"type": "edm4hep::ParticleID", "member": "likelihood", "relation": "particle",
                          "collection": "ConstituentScores"}}]})";

const char* kPerConstituentByLink = R"({"podml_card": 2, "datamodel": {"name": "edm4hep", "schema_version": 0},
  "inputs": [{"name": "constituents", "collection_type": "edm4hep::Vertex", "collection": "Vertices",
              "constituents": {"link": "edm4hep::VertexRecoParticleLink", "link_collection": "VertexParticles",
                               "layout": "NPF"},
              "members": ["energy", "momentum.x", "momentum.y", "momentum.z"]}],
  "outputs": [{"name": "score", "input": "constituents", "rows": "constituents",
               "target": {"type": "edm4hep::ParticleID", "member": "likelihood", "relation": "particle",
                          "collection": "ConstituentScores"}}]})";

std::vector<std::byte> bytesOf(const podml::onnx::EventResult& r) {
  std::vector<std::byte> b;
  for (const auto& t : r.tensors) {
    b.insert(b.end(), t.data.begin(), t.data.end());
  }
  return b;
}

TEST(StructuredSession, EightThreadsGiveTheBytesOfOne) {
  // A model without a card, bound explicitly with the example card of the docs.
  podml::onnx::SessionOptions options;
  options.binding = podml::workflow::readCardFile(PODML_WEAVER_CARD);
  const podml::onnx::Session session(kModels + "/weaver.onnx", edm4hep(), options);
  constexpr unsigned kEvents = 64;
  std::vector<podml::Frame> events;
  for (unsigned i = 0; i < kEvents; ++i) {
    events.push_back(makeEvent(i));
  }
  std::vector<std::vector<std::byte>> one(kEvents), eight(kEvents);
  for (unsigned i = 0; i < kEvents; ++i) {
    one[i] = bytesOf(session.run(events[i]));
  }
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (unsigned i = t; i < kEvents; i += 8) {
        eight[i] = bytesOf(session.run(events[i]));
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  std::size_t scored = 0;
  for (unsigned i = 0; i < kEvents; ++i) {
    EXPECT_EQ(one[i], eight[i]) << "event " << i;
    scored += one[i].size();
  }
  EXPECT_GT(scored, 0u);
}

TEST(StructuredSession, ClassesAndConstituentsReadBackTypedAsEdm4hep) {
  const podml::onnx::Session tagger(carded("deepsets", kDeepSets), edm4hep());
  const podml::onnx::Session perConstituent(carded("perconstituent", kPerConstituent), edm4hep());
  const auto path = tmp("scored.h5");
  constexpr unsigned kEvents = 20;
  {
    podml::io::Writer w(path);
    for (unsigned i = 0; i < kEvents; ++i) {
      auto event = makeEvent(i);
      for (auto* s : {&tagger, &perConstituent}) {
        for (auto& [name, coll] : s->runAndWriteBack(event)) {
          event.put(std::move(coll), name);
        }
      }
      w.writeFrame(event, "events");
    }
    w.finish();
  }
  podml::io::Reader r({path});
  for (unsigned i = 0; i < kEvents; ++i) {
    const auto event = r.readFrame("events", i);
    const auto& jets = event.get<edm4hep::ReconstructedParticleCollection>("Jets");
    const auto& particles = event.get<edm4hep::ReconstructedParticleCollection>("Particles");
    const auto& b = event.get<edm4hep::ParticleIDCollection>("JetTag_b");
    const auto& c = event.get<edm4hep::ParticleIDCollection>("JetTag_c");
    const auto& light = event.get<edm4hep::ParticleIDCollection>("JetTag_light");
    ASSERT_EQ(b.size(), jets.size());
    ASSERT_EQ(light.size(), jets.size());
    for (std::size_t j = 0; j < jets.size(); ++j) {
      EXPECT_TRUE(b[j].getParticle() == jets[j]);
      EXPECT_TRUE(light[j].getParticle() == jets[j]);
      EXPECT_EQ(b[j].getPDG(), 5);
      EXPECT_EQ(c[j].getPDG(), 4);
      EXPECT_EQ(light[j].getPDG(), 0);
      EXPECT_NEAR(b[j].getLikelihood() + c[j].getLikelihood() + light[j].getLikelihood(), 1.0, 1e-5) << "a softmax";
    }
    const auto& scores = event.get<edm4hep::ParticleIDCollection>("ConstituentScores");
    std::size_t k = 0;
    for (const auto& jet : jets) {
      for (const auto& p : jet.getParticles()) {
        ASSERT_LT(k, scores.size());
        EXPECT_TRUE(scores[k].getParticle() == p) << "event " << i << ": scores follow the jets' constituents";
        EXPECT_GT(scores[k].getLikelihood(), 0.f);
        ++k;
      }
    }
    EXPECT_EQ(k, scores.size());
    EXPECT_LE(scores.size(), particles.size());
  }
}

TEST(StructuredSession, ALinkGathersWhatTheRelationGathers) {
  // The same model twice: constituents of the jets through `particles`, and of the
  // vertices (made one per jet, in the same order) through the VertexRecoParticleLinks.
  const podml::onnx::Session byRelation(carded("perconstituent", kPerConstituent), edm4hep());
  const podml::onnx::Session byLink(carded("perconstituent", kPerConstituentByLink), edm4hep());
  std::size_t compared = 0;
  for (unsigned i = 0; i < 10; ++i) {
    const auto event = makeEvent(i);
    const auto expected = bytesOf(byRelation.run(event));
    EXPECT_EQ(expected, bytesOf(byLink.run(event))) << "event " << i;
    compared += expected.size();
  }
  EXPECT_GT(compared, 100u);
}

TEST(StructuredSession, GathersOrderedTruncatedAndPadded) {
  // [N, P, F] with P fixed to 3, ordered by energy ascending, padded with -1.5 (from YAML).
  const auto yaml = tmp("card.yaml");
  {
    std::ofstream(yaml) << R"(podml_card: 2
datamodel: {name: edm4hep, schema_version: 0}
inputs:
  - name: constituents
    collection_type: edm4hep::ReconstructedParticle
    collection: Jets
    constituents: {relation: particles, layout: NPF, max: 3, sort_by: energy, descending: false, pad_value: -1.5}
    members: [energy, momentum.x, momentum.y, momentum.z]
outputs:
  - name: score
    input: constituents
    rows: constituents
    target: {type: edm4hep::ParticleID, member: likelihood, relation: particle, collection: S}
)";
  }
  auto card = podml::workflow::readCardFile(yaml);
  EXPECT_EQ(card.inputs[0].constituents->padValue, -1.5);
  card.completeFrom(edm4hep());
  const auto model = tmp("model.onnx");
  podml::onnx::attachCard(kModels + "/perconstituent.onnx", card, model);
  const podml::onnx::Session session(model, edm4hep());
  for (unsigned i = 0; i < 12; ++i) {
    const auto event = makeEvent(i);
    const auto result = session.run(event);
    const auto& jets = event.get<edm4hep::ReconstructedParticleCollection>("Jets");
    if (jets.empty()) {
      continue;
    }
    const auto* x = static_cast<const float*>(podml::onnx::Session::lastInputData(0));
    ASSERT_NE(x, nullptr);
    ASSERT_EQ(result.tensors[0].shape, (std::vector<int64_t>{static_cast<int64_t>(jets.size()), 3}));
    for (std::size_t j = 0; j < jets.size(); ++j) {
      std::vector<edm4hep::ReconstructedParticle> cons(jets[j].getParticles().begin(), jets[j].getParticles().end());
      std::stable_sort(cons.begin(), cons.end(), [](const auto& a, const auto& b) { return a.getEnergy() < b.getEnergy(); });
      for (std::size_t p = 0; p < 3; ++p) {
        const float* slot = x + (j * 3 + p) * 4;
        if (p < cons.size()) {
          EXPECT_EQ(slot[0], cons[p].getEnergy());
          EXPECT_EQ(slot[3], cons[p].getMomentum().z);
        } else {
          for (int f = 0; f < 4; ++f) {
            EXPECT_EQ(slot[f], -1.5f) << "padding";
          }
        }
      }
    }
  }
}

TEST(StructuredSession, InferenceJobWritesParticleIDMetaForClasses) {
  const auto events = writeEvents("events.h5", 5);
  podml::workflow::InferenceRequest rq;
  rq.model = carded("deepsets", kDeepSets);
  rq.inputs = {events};
  rq.output = tmp("tagged.h5");
  podml::workflow::InferenceJob job(rq);
  const auto summary = job.run({}, {});
  ASSERT_EQ(summary.outputs.size(), 3u);
  EXPECT_EQ(summary.outputs[0].collection, "JetTag_b");
  podml::io::Reader r({rq.output});
  const auto meta = r.readFrame("metadata", 0);
  EXPECT_EQ(meta.getParameter<std::vector<std::string>>("JetTag_c__ParameterNames").value(), std::vector<std::string>{"c"});
  EXPECT_EQ(meta.getParameter<int>("JetTag_light__podml_class_code").value(), 0);
}

// run(events) over blocks of 1, 5 and 16 events (with and without length buckets) gives,
// event by event, the scores run(event) gives: events without jets, jets without
// constituents and fixed-P truncation included.
TEST(StructuredSession, EventsRunTogetherScoreAsOneByOne) {
  constexpr unsigned kEvents = 40;
  const auto made = makeEvents(kEvents);
  const auto& events = made.frames;
  const auto& ptrs = made.ptrs;
  podml::onnx::SessionOptions weaver;
  weaver.binding = podml::workflow::readCardFile(PODML_WEAVER_CARD);
  const std::string deepsets = carded("deepsets", kDeepSets);
  for (const bool buckets : {false, true}) {
    for (const std::string model : {"weaver", "deepsets"}) {
      auto options = model == "weaver" ? weaver : podml::onnx::SessionOptions{};
      const auto path = model == "weaver" ? kModels + "/weaver.onnx" : deepsets;
      const podml::onnx::Session single(path, edm4hep(), options);
      options.lengthBuckets = buckets;
      const podml::onnx::Session batched(path, edm4hep(), options);
      ASSERT_TRUE(batched.batchesEvents());
      for (const std::size_t perRun : {std::size_t{1}, std::size_t{5}, std::size_t{16}}) {
        std::size_t rows = 0;
        for (std::size_t first = 0; first < kEvents; first += perRun) {
          const std::size_t n = std::min<std::size_t>(perRun, kEvents - first);
          const auto results = batched.run(std::span<const podml::Frame* const>(ptrs.data() + first, n));
          ASSERT_EQ(results.size(), n);
          for (std::size_t k = 0; k < n; ++k) {
            const auto want = single.run(events[first + k]);
            const auto& got = results[k];
            ASSERT_EQ(got.tensors.size(), want.tensors.size());
            for (std::size_t o = 0; o < want.tensors.size(); ++o) {
              ASSERT_EQ(got.tensors[o].shape, want.tensors[o].shape)
                  << model << " event " << first + k << " buckets " << buckets << " per run " << perRun;
              const auto* g = got.tensors[o].as<float>();
              const auto* w = want.tensors[o].as<float>();
              for (std::size_t j = 0; j < want.tensors[o].size(); ++j) {
                EXPECT_NEAR(g[j], w[j], 1e-5) << model << " event " << first + k << " value " << j;
              }
              rows += want.tensors[o].shape[0];
            }
          }
        }
        EXPECT_GT(rows, 50u);
      }
    }
  }
}

TEST(StructuredSession, EventsWrittenBackTogetherAsOneByOne) {
  const auto made = makeEvents(12);
  const auto& events = made.frames;
  const auto& ptrs = made.ptrs;
  podml::onnx::SessionOptions options;
  options.lengthBuckets = true;
  const podml::onnx::Session session(carded("deepsets", kDeepSets), edm4hep(), options);
  const auto together = session.runAndWriteBack(ptrs);
  ASSERT_EQ(together.size(), events.size());
  for (std::size_t e = 0; e < events.size(); ++e) {
    const auto alone = session.runAndWriteBack(events[e]);
    ASSERT_EQ(together[e].size(), alone.size());
    for (std::size_t c = 0; c < alone.size(); ++c) {
      EXPECT_EQ(together[e][c].first, alone[c].first);
      const auto& a = dynamic_cast<const edm4hep::ParticleIDCollection&>(*alone[c].second);
      const auto& t = dynamic_cast<const edm4hep::ParticleIDCollection&>(*together[e][c].second);
      ASSERT_EQ(t.size(), a.size()) << "event " << e;
      for (std::size_t k = 0; k < a.size(); ++k) {
        EXPECT_NEAR(t[k].getLikelihood(), a[k].getLikelihood(), 1e-5);
        EXPECT_EQ(t[k].getPDG(), a[k].getPDG());
        EXPECT_EQ(t[k].getParticle().getObjectID(), a[k].getParticle().getObjectID());
      }
    }
  }
}

TEST(StructuredSession, PerConstituentOutputsRunEventByEvent) {
  const auto made = makeEvents(6);
  const auto& events = made.frames;
  const auto& ptrs = made.ptrs;
  const podml::onnx::Session session(carded("perconstituent", kPerConstituent), edm4hep());
  EXPECT_FALSE(session.batchesEvents());
  const auto together = session.runAndWriteBack(ptrs);
  for (std::size_t e = 0; e < events.size(); ++e) {
    const auto alone = session.runAndWriteBack(events[e]);
    ASSERT_EQ(together[e].size(), 1u);
    EXPECT_EQ(together[e][0].second->size(), alone[0].second->size());
  }
}

TEST(StructuredSession, LengthBucketsNeedAMask) {
  podml::onnx::SessionOptions options;
  options.lengthBuckets = true;
  try {
    const podml::onnx::Session session(carded("perconstituent", kPerConstituent), edm4hep(), options);
    FAIL() << "no error";
  } catch (const podml::ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("input 'constituents' pads its constituents to the longest list and the model "
                                         "has no mask"),
              std::string::npos)
        << e.what();
  }
}

TEST(StructuredSession, InferenceJobRunsEventsTogether) {
  const auto events = writeEvents("events.h5", 23);
  const auto scores = [&](std::size_t perRun, const std::string& out) {
    podml::workflow::InferenceRequest rq;
    rq.model = carded("deepsets", kDeepSets);
    rq.inputs = {events};
    rq.output = tmp(out);
    rq.eventsPerRun = perRun;
    rq.lengthBuckets = perRun > 1;
    podml::workflow::InferenceJob job(rq);
    EXPECT_EQ(job.run({}, {}).events, 23u);
    podml::io::Reader r({rq.output});
    std::vector<float> all;
    for (uint64_t e = 0; e < r.getEntries("events"); ++e) {
      const auto f = r.readFrame("events", e);
      for (const auto& p : f.get<edm4hep::ParticleIDCollection>("JetTag_b")) {
        all.push_back(p.getLikelihood());
      }
    }
    return all;
  };
  const auto one = scores(1, "one.h5");
  const auto seven = scores(7, "seven.h5");
  ASSERT_EQ(one.size(), seven.size());
  ASSERT_GT(one.size(), 20u);
  for (std::size_t k = 0; k < one.size(); ++k) {
    EXPECT_NEAR(one[k], seven[k], 1e-5) << k;
  }
}

TEST(StructuredSession, EightThreadsRunningBatchesGiveTheBytesOfOne) {
  podml::onnx::SessionOptions options;
  options.binding = podml::workflow::readCardFile(PODML_WEAVER_CARD);
  options.lengthBuckets = true;
  const podml::onnx::Session session(kModels + "/weaver.onnx", edm4hep(), options);
  constexpr unsigned kEvents = 48, kPerRun = 6;
  const auto made = makeEvents(kEvents);
  const auto& events = made.frames;
  const auto& ptrs = made.ptrs;
  const auto batch = [&](unsigned b) {
    std::vector<std::byte> bytes;
    for (const auto& r : session.run(std::span<const podml::Frame* const>(ptrs.data() + b * kPerRun, kPerRun))) {
      const auto one = bytesOf(r);
      bytes.insert(bytes.end(), one.begin(), one.end());
    }
    return bytes;
  };
  std::vector<std::vector<std::byte>> one(kEvents / kPerRun), eight(kEvents / kPerRun);
  for (unsigned b = 0; b < one.size(); ++b) {
    one[b] = batch(b);
  }
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] { eight[t] = batch(t); });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (unsigned b = 0; b < one.size(); ++b) {
    EXPECT_EQ(one[b], eight[b]) << "batch " << b;
    EXPECT_FALSE(one[b].empty());
  }
}

} // namespace
