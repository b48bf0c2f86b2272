// The training rows (podml::train::Dataset, from bulk column reads) are what the inference
// gather (onnx::Session) hands ONNX Runtime, on jets made to be awkward: tied and NaN sort
// keys, jets without constituents, constituents shared between jets, events without jets,
// and the same constituents through a link instead of the relation.
#include "../common/TestPaths.h"

#include "edm4hep/ReconstructedParticleCollection.h"
#include "edm4hep/VertexCollection.h"
#include "edm4hep/VertexRecoParticleLinkCollection.h"

#include "podml/io/Writer.h"
#include "podml/onnx/OnnxModel.h"
#include "podml/onnx/Session.h"
#include "podml/train/Dataset.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace {

constexpr unsigned kEvents = 40;
constexpr uint32_t kMax = 5;

// Event i: up to 6 jets of 0 to 9 constituents; energies rounded to whole GeV (ties), some
// NaN; every fourth jet also takes the previous jet's first constituent; every seventh event
// has no jets. Each jet is also a vertex linked to the same particles, in the same order.
podml::Frame makeEvent(unsigned i) {
  std::mt19937 rng(77 + i);
  std::uniform_int_distribution<int> jetsPerEvent(0, 6), perJet(0, 9), energy(1, 4);
  std::normal_distribution<float> value(0.f, 10.f);
  edm4hep::ReconstructedParticleCollection particles, jets;
  edm4hep::VertexCollection vertices;
  edm4hep::VertexRecoParticleLinkCollection links;
  const int njets = i % 7 == 3 ? 0 : jetsPerEvent(rng);
  for (int j = 0; j < njets; ++j) {
    auto jet = jets.create();
    jet.setPDG(j % 2);
    jet.setEnergy(std::abs(value(rng)) + 20.f);
    auto vertex = vertices.create();
    auto add = [&](const edm4hep::ReconstructedParticle& p) {
      jet.addToParticles(p);
      auto l = links.create();
      l.setFrom(vertex);
      l.setTo(p);
    };
    const int n = perJet(rng);
    for (int k = 0; k < n; ++k) {
      auto p = particles.create();
      p.setEnergy(k % 5 == 4 ? NAN : static_cast<float>(energy(rng)));
      p.setMomentum({value(rng), value(rng), value(rng)});
      add(p);
    }
    if (j % 4 == 3 && jets[static_cast<std::size_t>(j - 1)].getParticles().size() > 0) {
      add(jets[static_cast<std::size_t>(j - 1)].getParticles()[0]);
    }
  }
  podml::Frame f;
  f.put(std::move(particles), "Particles");
  f.put(std::move(jets), "Jets");
  f.put(std::move(vertices), "Vertices");
  f.put(std::move(links), "VertexParticles");
  return f;
}

std::string spec(const std::string& scored, const std::string& source, bool descending) {
  return "podml_training: 2\n"
         "input: {type: " + scored + ", collection: " + (scored == "edm4hep::Vertex" ? "Vertices" : "Jets") + "}\n"
         "inputs:\n"
         "  - name: constituents\n"
         "    kind: constituents\n" + source +
         "    members: [energy, momentum.x, momentum.y, momentum.z]\n"
         "    layout: NPF\n"
         "    max: " + std::to_string(kMax) + "\n"
         "    sort_by: energy\n"
         "    descending: " + (descending ? "true" : "false") + "\n"
         "    pad_value: -7\n"
         "  - {name: mask, kind: mask, of: constituents}\n"
         "label: {member: " + (scored == "edm4hep::Vertex" ? "type" : "PDG") + ", classes: {a: {in: [1]}, rest: {otherwise: true}}}\n"
         "network: {name: deepsets}\n";
}

void expectRowsMatchGather(const std::string& specText, const std::string& file, const std::string& cardText) {
  const auto s = podml::train::TrainingSpec::fromYaml(specText, "rows.yaml");
  const auto rows = podml::train::readLabelledRows(s, {file});
  auto card = podml::onnx::ModelCard::fromJson(cardText, "card");
  const auto& dm = edm4hep::ReconstructedParticleCollection().dataModelDefinition();
  card.completeFrom(dm);
  const auto model = podml::test::tmpPath("rows-" + std::to_string(std::hash<std::string>{}(specText)) + ".onnx");
  podml::onnx::attachCard(std::string(PODML_STRUCTURED_MODELS) + "/perconstituent.onnx", card, model);
  const podml::onnx::Session session(model, dm);
  podml::io::Reader reader({file});
  std::size_t row = 0, compared = 0;
  for (unsigned e = 0; e < kEvents; ++e) {
    const auto frame = reader.readFrame("events", e);
    const auto result = session.run(frame);
    const auto n = static_cast<std::size_t>(result.tensors.at(0).shape.at(0));
    if (n == 0) {
      continue;
    }
    const auto* x = static_cast<const float*>(podml::onnx::Session::lastInputData(0));
    for (std::size_t j = 0; j < n; ++j, ++row) {
      ASSERT_LT(row, rows.entry.size());
      ASSERT_EQ(rows.entry[row], e);
      ASSERT_EQ(rows.object[row], j);
      const auto first = rows.rows.offsets[row], count = rows.rows.offsets[row + 1] - first;
      ASSERT_LE(count, kMax);
      for (std::size_t p = 0; p < kMax; ++p) {
        for (std::size_t f = 0; f < 4; ++f) {
          const float gathered = x[(j * kMax + p) * 4 + f];
          const float trained = p < count ? rows.rows.constituents[(first + p) * 4 + f] : -7.0f;
          if (std::isnan(trained)) {
            EXPECT_TRUE(std::isnan(gathered)) << "entry " << e << " jet " << j << " slot " << p;
          } else {
            EXPECT_EQ(gathered, trained) << "entry " << e << " jet " << j << " slot " << p << " value " << f;
          }
        }
      }
      ++compared;
    }
  }
  EXPECT_EQ(row, rows.entry.size()) << "every row was compared";
  EXPECT_GT(compared, 50u);
}

const std::string& eventsFile() {
  static const std::string path = [] {
    const auto p = podml::test::tmpPath("awkward-jets.h5");
    podml::io::Writer w(p);
    for (unsigned i = 0; i < kEvents; ++i) {
      w.writeFrame(makeEvent(i), "events");
    }
    w.finish();
    return p;
  }();
  return path;
}

std::string card(const std::string& scored, const std::string& source, bool descending) {
  return R"({"podml_card": 2, "datamodel": {"name": "edm4hep", "schema_version": 0},
  "inputs": [{"name": "constituents", "collection_type": ")" + scored + R"(", "collection": ")" +
         (scored == "edm4hep::Vertex" ? "Vertices" : "Jets") + R"(",
              "constituents": {)" + source + R"(, "layout": "NPF", "max": 5, "sort_by": "energy",
                               "descending": )" + (descending ? "true" : "false") + R"(, "pad_value": -7},
              "members": ["energy", "momentum.x", "momentum.y", "momentum.z"]}],
  "outputs": [{"name": "score", "input": "constituents", "rows": "constituents"}]})";
}

TEST(RowsMatchGather, ThroughTheRelationDescending) {
  expectRowsMatchGather(spec("edm4hep::ReconstructedParticle", "    relation: particles\n", true), eventsFile(),
                        card("edm4hep::ReconstructedParticle", R"("relation": "particles")", true));
}

TEST(RowsMatchGather, ThroughTheRelationAscending) {
  expectRowsMatchGather(spec("edm4hep::ReconstructedParticle", "    relation: particles\n", false), eventsFile(),
                        card("edm4hep::ReconstructedParticle", R"("relation": "particles")", false));
}

TEST(RowsMatchGather, ThroughALink) {
  expectRowsMatchGather(
      spec("edm4hep::Vertex", "    link: edm4hep::VertexRecoParticleLink\n    link_collection: VertexParticles\n", true),
      eventsFile(),
      card("edm4hep::Vertex", R"("link": "edm4hep::VertexRecoParticleLink", "link_collection": "VertexParticles")", true));
}

} // namespace
