// The physics toy dataset: reproducible per (seed, event), every reconstructed
// particle linked once to a charged final-state MC particle, a signal fraction in
// the documented range, no truth in the reconstructed columns, and all of it
// intact after an HDF5 round trip.
#include "../common/TestPaths.h"
#include "podml/toy/ToyDataset.h"

#include "edm4hep/EventHeaderCollection.h"
#include "edm4hep/MCParticleCollection.h"
#include "edm4hep/RecoMCParticleLinkCollection.h"
#include "edm4hep/ReconstructedParticleCollection.h"
#include "edm4hep/TrackCollection.h"

#include "podml/Exceptions.h"
#include "podml/io/Reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

namespace {

using podml::toy::makeToyEvent;

const std::vector<std::string> kCollections{podml::toy::kEventHeader, podml::toy::kMCParticles,
                                            podml::toy::kRecoMCParticleLinks, podml::toy::kReconstructedParticles,
                                            podml::toy::kTracks};

// Member columns bytewise and relations by ObjectID. Vector-member values are
// compared only for frames built the same way (`withVectorValues`): after a read
// they may sit elsewhere in the value columns.
void expectSameFrame(const podml::Frame& a, const podml::Frame& b, bool withVectorValues) {
  ASSERT_EQ(a.getAvailableCollections(), b.getAvailableCollections());
  for (const auto& name : a.getAvailableCollections()) {
    const auto& ca = *a.get(name);
    const auto& cb = *b.get(name);
    ASSERT_EQ(ca.size(), cb.size()) << name;
    EXPECT_EQ(ca.getID(), cb.getID()) << name;
    const auto& def = ca.definition();
    for (std::size_t k = 0; k < def.columns.size(); ++k) {
      if (withVectorValues || def.columns[k].kind == podml::ColumnKind::Member) {
        EXPECT_TRUE(ca.columns()[k] == cb.columns()[k]) << name << "." << def.columns[k].path;
      }
    }
    for (std::size_t r = 0; r < def.relations.size(); ++r) {
      EXPECT_EQ(ca.relationIDs(r), cb.relationIDs(r)) << name << " relation " << def.relations[r].name;
    }
  }
}

bool sameMomenta(const podml::Frame& a, const podml::Frame& b) {
  const auto& ma = a.get<edm4hep::MCParticleCollection>(podml::toy::kMCParticles);
  const auto& mb = b.get<edm4hep::MCParticleCollection>(podml::toy::kMCParticles);
  return ma.size() == mb.size() && ma.column("momentum.x") == mb.column("momentum.x");
}

} // namespace

TEST(Toy, HasTheDocumentedCollections) {
  const auto event = makeToyEvent(1, 0);
  EXPECT_EQ(event.getAvailableCollections(), kCollections);
  EXPECT_EQ(event.get<edm4hep::EventHeaderCollection>(podml::toy::kEventHeader)[0].getEventNumber(), 0u);
}

TEST(Toy, SameSeedAndEventGiveTheSameEvent) {
  for (const uint64_t i : {0u, 1u, 17u}) {
    const auto a = makeToyEvent(42, i);
    const auto b = makeToyEvent(42, i);
    expectSameFrame(a, b, true);
  }
  // Order does not matter: event 5 alone equals event 5 after others.
  makeToyEvent(42, 4);
  expectSameFrame(makeToyEvent(42, 5), makeToyEvent(42, 5), true);
}

TEST(Toy, DifferentSeedOrEventGiveDifferentEvents) {
  const auto a = makeToyEvent(42, 3);
  EXPECT_FALSE(sameMomenta(a, makeToyEvent(43, 3)));
  EXPECT_FALSE(sameMomenta(a, makeToyEvent(42, 4)));
  // Neighbouring (seed, event) pairs must not map onto shifted streams.
  EXPECT_FALSE(sameMomenta(makeToyEvent(1, 2), makeToyEvent(2, 1)));
}

TEST(Toy, EveryReconstructedParticleHasOneLinkToAChargedFinalStateParticle) {
  for (uint64_t i = 0; i < 50; ++i) {
    const auto event = makeToyEvent(7, i);
    const auto& mcs = event.get<edm4hep::MCParticleCollection>(podml::toy::kMCParticles);
    const auto& recos = event.get<edm4hep::ReconstructedParticleCollection>(podml::toy::kReconstructedParticles);
    const auto& tracks = event.get<edm4hep::TrackCollection>(podml::toy::kTracks);
    const auto& links = event.get<edm4hep::RecoMCParticleLinkCollection>(podml::toy::kRecoMCParticleLinks);
    ASSERT_FALSE(recos.empty()) << "event " << i;
    ASSERT_EQ(links.size(), recos.size()) << "event " << i;
    ASSERT_EQ(tracks.size(), recos.size()) << "event " << i;
    std::map<int32_t, int> linksPerReco;
    std::set<int32_t> linkedMC;
    for (std::size_t k = 0; k < links.size(); ++k) {
      const auto link = links[k];
      ASSERT_TRUE(link.getFrom().isAvailable());
      ASSERT_TRUE(link.getTo().isAvailable());
      // Documented alignment: link k starts at reconstructed particle k.
      EXPECT_EQ(link.getFrom(), recos[k]);
      EXPECT_EQ(link.getWeight(), 1.f);
      ++linksPerReco[link.getFrom().getObjectID().index];
      const auto mc = link.getTo();
      EXPECT_EQ(mc.getObjectID().collectionID, mcs.getID());
      EXPECT_EQ(mc.getGeneratorStatus(), 1);
      EXPECT_NE(mc.getCharge(), 0.f);
      EXPECT_TRUE(linkedMC.insert(mc.getObjectID().index).second) << "two reconstructed particles share an MC particle";
    }
    EXPECT_EQ(linksPerReco.size(), recos.size());
    for (const auto& [index, n] : linksPerReco) {
      EXPECT_EQ(n, 1) << "reco " << index;
    }
    for (std::size_t k = 0; k < recos.size(); ++k) {
      ASSERT_EQ(recos[k].tracks_size(), 1u);
      EXPECT_EQ(recos[k].getTracks(0), tracks[k]);
    }
  }
}

TEST(Toy, ReconstructedColumnsCarryNoTruth) {
  for (uint64_t i = 0; i < 20; ++i) {
    const auto event = makeToyEvent(3, i);
    const auto& recos = event.get<edm4hep::ReconstructedParticleCollection>(podml::toy::kReconstructedParticles);
    float lastPt = INFINITY;
    for (const auto reco : recos) {
      EXPECT_EQ(reco.getPDG(), 0);
      EXPECT_EQ(reco.getGoodnessOfPID(), 0.f);
      EXPECT_NEAR(reco.getMass(), 0.13957, 1e-5); // the pion hypothesis for everyone
      const auto p = reco.getMomentum();
      const double p2 = double(p.x) * p.x + double(p.y) * p.y + double(p.z) * p.z;
      EXPECT_NEAR(reco.getEnergy(), std::sqrt(p2 + 0.13957039 * 0.13957039), 1e-4 * reco.getEnergy());
      // Ordered by measured pT, not by the truth record.
      const float pt = std::hypot(p.x, p.y);
      EXPECT_LE(pt, lastPt);
      lastPt = pt;
    }
  }
}

TEST(Toy, SignalFractionAndContent) {
  uint64_t recos = 0, signal = 0, electrons = 0, muons = 0, fromTau = 0, hardHadrons = 0, displaced = 0;
  for (uint64_t i = 0; i < 400; ++i) {
    const auto event = makeToyEvent(11, i);
    const auto& links = event.get<edm4hep::RecoMCParticleLinkCollection>(podml::toy::kRecoMCParticleLinks);
    for (const auto link : links) {
      const auto mc = link.getTo();
      const auto reco = link.getFrom();
      ++recos;
      const auto rp = reco.getReferencePoint();
      const auto mom = reco.getMomentum();
      const bool prompt = podml::toy::isPromptLeptonPDG(mc.getPDG());
      if (prompt) {
        ++signal;
        electrons += std::abs(mc.getPDG()) == 11 ? 1 : 0;
        muons += std::abs(mc.getPDG()) == 13 ? 1 : 0;
        fromTau += std::abs(mc.getParents(0).getPDG()) == 15 ? 1 : 0;
      } else {
        EXPECT_TRUE(std::abs(mc.getPDG()) == 211 || std::abs(mc.getPDG()) == 321 || std::abs(mc.getPDG()) == 2212)
            << mc.getPDG();
        hardHadrons += std::hypot(mom.x, mom.y) > 25.f ? 1 : 0;
        displaced += std::hypot(rp.x, rp.y) > 0.5f ? 1 : 0;
      }
    }
  }
  const double fraction = static_cast<double>(signal) / static_cast<double>(recos);
  EXPECT_GT(fraction, 0.03);
  EXPECT_LT(fraction, 0.06);
  // Both flavours, some through taus; hadrons that look like leptons (hard) or not (displaced).
  EXPECT_GT(electrons, signal / 3);
  EXPECT_GT(muons, signal / 3);
  EXPECT_GT(fromTau, signal / 20);
  EXPECT_GT(hardHadrons, signal / 10);
  EXPECT_GT(displaced, recos / 100);
}

TEST(Toy, LabelIsAPdgMembershipTest) {
  EXPECT_TRUE(podml::toy::isPromptLeptonPDG(11));
  EXPECT_TRUE(podml::toy::isPromptLeptonPDG(-13));
  EXPECT_FALSE(podml::toy::isPromptLeptonPDG(15));
  EXPECT_FALSE(podml::toy::isPromptLeptonPDG(211));
  EXPECT_FALSE(podml::toy::isPromptLeptonPDG(0));
}

TEST(Toy, RoundTripKeepsEventsAndRelations) {
  const std::string file = podml::test::tmpPath("roundtrip.h5");
  podml::toy::ToyOptions options;
  options.events = 12;
  options.seed = 5;
  options.compression = "deflate:1"; // small temporary files
  uint64_t progressCalls = 0;
  const auto summary =
      podml::toy::writeToyDataset(file, options, [&](uint64_t done, uint64_t total) {
        ++progressCalls;
        EXPECT_EQ(done, progressCalls);
        EXPECT_EQ(total, 12u);
      });
  EXPECT_EQ(summary.events, 12u);
  EXPECT_EQ(progressCalls, 12u);

  podml::io::Reader reader({file});
  ASSERT_EQ(reader.getEntries("events"), 12u);
  uint64_t recos = 0, signal = 0;
  for (uint64_t i = 0; i < 12; ++i) {
    const auto read = reader.readFrame("events", i);
    const auto original = makeToyEvent(5, i);
    expectSameFrame(original, read, false);
    const auto& links = read.get<edm4hep::RecoMCParticleLinkCollection>(podml::toy::kRecoMCParticleLinks);
    const auto& origLinks = original.get<edm4hep::RecoMCParticleLinkCollection>(podml::toy::kRecoMCParticleLinks);
    const auto& recoColl = read.get<edm4hep::ReconstructedParticleCollection>(podml::toy::kReconstructedParticles);
    const auto& tracks = read.get<edm4hep::TrackCollection>(podml::toy::kTracks);
    for (std::size_t k = 0; k < links.size(); ++k) {
      // The relations resolve to the objects of the read frame, with the original content.
      EXPECT_EQ(links[k].getFrom(), recoColl[k]);
      EXPECT_EQ(links[k].getTo().getPDG(), origLinks[k].getTo().getPDG());
      EXPECT_EQ(links[k].getTo().getMomentum().x, origLinks[k].getTo().getMomentum().x);
      EXPECT_EQ(links[k].getTo().parents_size(), origLinks[k].getTo().parents_size());
      EXPECT_EQ(recoColl[k].getTracks(0), tracks[k]);
      const auto state = tracks[k].getTrackState(edm4hep::TrackState::AtIP);
      ASSERT_TRUE(state.has_value());
      const auto origState = original.get<edm4hep::TrackCollection>(podml::toy::kTracks)[k].getTrackStates(0);
      EXPECT_EQ(state->D0, origState.D0);
      EXPECT_EQ(state->covMatrix, origState.covMatrix);
      signal += podml::toy::isPromptLeptonPDG(links[k].getTo().getPDG()) ? 1 : 0;
      ++recos;
    }
  }
  EXPECT_EQ(summary.reconstructedParticles, recos);
  EXPECT_EQ(summary.promptLeptons, signal);
  const auto meta = reader.readFrame("metadata", 0);
  EXPECT_EQ(meta.getParameter<std::string>("toy.seed"), "5");
  EXPECT_EQ(meta.getParameter<std::string>("toy.events"), "12");
  std::filesystem::remove(file);
}

TEST(Toy, ShardsHoldTheSameEventsAsOneRun) {
  const std::string whole = podml::test::tmpPath("whole.h5");
  const std::string shard = podml::test::tmpPath("shard.h5");
  podml::toy::ToyOptions options;
  options.seed = 9;
  options.events = 5;
  options.compression = "deflate:1";
  podml::toy::writeToyDataset(whole, options);
  options.firstEvent = 3;
  options.events = 2;
  podml::toy::writeToyDataset(shard, options);
  podml::io::Reader a({whole});
  podml::io::Reader b({shard});
  for (std::size_t k = 0; k < 2; ++k) {
    expectSameFrame(a.readFrame("events", 3 + k), b.readFrame("events", k), false);
  }
  std::filesystem::remove(whole);
  std::filesystem::remove(shard);
}

TEST(Toy, RejectsBadOptions) {
  podml::toy::ToyOptions options;
  options.events = 0;
  EXPECT_THROW(podml::toy::writeToyDataset(podml::test::tmpPath("never.h5"), options), podml::UsageError);
  options.events = 1;
  options.compression = "zip";
  EXPECT_THROW(podml::toy::writeToyDataset(podml::test::tmpPath("never.h5"), options), podml::UsageError);
  EXPECT_FALSE(std::filesystem::exists(podml::test::tmpPath("never.h5")));
}
