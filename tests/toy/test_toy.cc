// The physics toy dataset: reproducible per (seed, event), every reconstructed
// particle linked once to a charged final-state MC particle, a signal fraction in
// the documented range, no truth in the reconstructed columns, anti-kt jets of the
// reconstructed particles with a truth flavour, and all of it intact after an HDF5
// round trip.
#include "../common/TestPaths.h"
#include "podml/toy/ToyDataset.h"

#include "edm4hep/EventHeaderCollection.h"
#include "edm4hep/MCParticleCollection.h"
#include "edm4hep/RecoMCParticleLinkCollection.h"
#include "edm4hep/ReconstructedParticleCollection.h"
#include "edm4hep/TrackCollection.h"

#include "podml/Exceptions.h"
#include "podml/io/Reader.h"

#include <fastjet/ClusterSequence.hh>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <numbers>
#include <set>

namespace {

using podml::toy::makeToyEvent;

const std::vector<std::string> kCollections{podml::toy::kEventHeader,         podml::toy::kJetMCFlavourLinks,
                                            podml::toy::kJets,                podml::toy::kMCParticles,
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
  // About 2.2% (docs/toy-dataset.md): the jets' soft tracks outnumber the leptons.
  EXPECT_GT(fraction, 0.015);
  EXPECT_LT(fraction, 0.035);
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

// ---------------------------------------------------------------------------
// Jets and their flavour

namespace {

using podml::toy::JetFlavour;
using podml::toy::jetFlavour;

template <class V> double transverse(const V& p) { return std::hypot(double(p.x), double(p.y)); }
template <class V> double pseudorapidity(const V& p) { return std::asinh(double(p.z) / transverse(p)); }
template <class V> double azimuth(const V& p) { return std::atan2(double(p.y), double(p.x)); }

double deltaPhi(double a, double b) {
  const double d = std::abs(a - b);
  return d > std::numbers::pi ? 2 * std::numbers::pi - d : d;
}

// In (eta, phi): the distance of the flavour matching.
template <class V1, class V2> double deltaREtaPhi(const V1& a, const V2& b) {
  return std::hypot(pseudorapidity(a) - pseudorapidity(b), deltaPhi(azimuth(a), azimuth(b)));
}

// In (rapidity, phi): the distance anti-kt uses.
double rapidity(double e, double pz) { return 0.5 * std::log((e + pz) / (e - pz)); }
double deltaRRapidityPhi(const edm4hep::ReconstructedParticle& a, const edm4hep::ReconstructedParticle& b) {
  const auto pa = a.getMomentum();
  const auto pb = b.getMomentum();
  return std::hypot(rapidity(a.getEnergy(), pa.z) - rapidity(b.getEnergy(), pb.z), deltaPhi(azimuth(pa), azimuth(pb)));
}

// Weakly decaying hadrons of `flavour` with pT above the labelling threshold: decayed,
// and no daughter carries the flavour on.
std::vector<edm4hep::MCParticle> labellingHadrons(const edm4hep::MCParticleCollection& mcs, JetFlavour flavour) {
  std::vector<edm4hep::MCParticle> out;
  for (const auto mc : mcs) {
    if (jetFlavour(mc.getPDG()) != flavour || mc.getGeneratorStatus() != 2 ||
        transverse(mc.getMomentum()) <= podml::toy::kFlavourHadronPtMin) {
      continue;
    }
    const auto daughters = mc.getDaughters();
    if (std::none_of(daughters.begin(), daughters.end(),
                     [&](const edm4hep::MCParticle& d) { return jetFlavour(d.getPDG()) == flavour; })) {
      out.push_back(mc);
    }
  }
  return out;
}

// ROC AUC of (score, is signal) rows; tied scores count half.
double rocAuc(std::vector<std::pair<double, bool>> rows) {
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  double signalRanks = 0;
  double signal = 0;
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t j = i;
    while (j < rows.size() && rows[j].first == rows[i].first) {
      ++j;
    }
    const double rank = 0.5 * static_cast<double>(i + 1 + j); // the mean of ranks i+1 .. j
    for (std::size_t k = i; k < j; ++k) {
      if (rows[k].second) {
        signalRanks += rank;
        signal += 1;
      }
    }
    i = j;
  }
  const double background = static_cast<double>(rows.size()) - signal;
  return (signalRanks - signal * (signal + 1) / 2) / (signal * background);
}

// How well a score separates, whichever way round.
double separation(const std::vector<std::pair<double, bool>>& rows) {
  const double auc = rocAuc(rows);
  return std::max(auc, 1 - auc);
}

} // namespace

TEST(ToyJets, FlavourFromTheQuarkDigits) {
  for (const int32_t pdg : {511, -511, 521, -521, 531, 5122, -5122, 541, 553, 10521, 5332}) {
    EXPECT_EQ(jetFlavour(pdg), JetFlavour::Bottom) << pdg;
  }
  for (const int32_t pdg : {421, -421, 411, -411, 431, 4122, -4122, 443, 10421, 4332}) {
    EXPECT_EQ(jetFlavour(pdg), JetFlavour::Charm) << pdg;
  }
  // Hadrons without heavy quarks, and codes without quark digits (the label is a hadron's).
  for (const int32_t pdg : {211, -321, 2212, 130, 310, 3122, 111, 5, -4, 21, 11, 22, 23, 1000020040}) {
    EXPECT_EQ(jetFlavour(pdg), JetFlavour::Light) << pdg;
  }
  EXPECT_EQ(static_cast<int>(JetFlavour::Bottom), 5);
  EXPECT_EQ(static_cast<int>(JetFlavour::Charm), 4);
  EXPECT_EQ(static_cast<int>(JetFlavour::Light), 0);
}

TEST(ToyJets, AreTheSumsOfTheirConstituents) {
  uint64_t jetsSeen = 0, constituentsSeen = 0, beyondR = 0;
  for (uint64_t i = 0; i < 100; ++i) {
    const auto event = makeToyEvent(7, i);
    const auto& recos = event.get<edm4hep::ReconstructedParticleCollection>(podml::toy::kReconstructedParticles);
    const auto& jets = event.get<edm4hep::ReconstructedParticleCollection>(podml::toy::kJets);
    std::set<uint32_t> used;
    double lastPt = INFINITY;
    for (const auto jet : jets) {
      const auto p = jet.getMomentum();
      EXPECT_GT(transverse(p), podml::toy::kJetPtMin);
      EXPECT_LT(std::abs(pseudorapidity(p)), podml::toy::kJetEtaMax);
      EXPECT_LE(transverse(p), lastPt) << "jets ordered by pT";
      lastPt = transverse(p);
      EXPECT_EQ(jet.getPDG(), 0);
      EXPECT_EQ(jet.tracks_size(), 0u);
      ASSERT_GT(jet.particles_size(), 0u);
      double px = 0, py = 0, pz = 0, e = 0, lastConstituentPt = INFINITY;
      float charge = 0;
      for (const auto c : jet.getParticles()) {
        ASSERT_EQ(c.getObjectID().collectionID, recos.getID());
        EXPECT_TRUE(used.insert(c.getObjectID().index).second) << "a particle in two jets";
        const auto cp = c.getMomentum();
        px += cp.x;
        py += cp.y;
        pz += cp.z;
        e += c.getEnergy();
        charge += c.getCharge();
        EXPECT_LE(transverse(cp), lastConstituentPt) << "constituents ordered by pT";
        lastConstituentPt = transverse(cp);
        const double dr = deltaRRapidityPhi(c, jet);
        EXPECT_LT(dr, 2 * podml::toy::kJetRadius);
        beyondR += dr > podml::toy::kJetRadius ? 1 : 0;
        ++constituentsSeen;
      }
      // E-scheme recombination: the jet is the four-momentum sum, to float precision.
      const double tolerance = 1e-6 * e;
      EXPECT_NEAR(p.x, px, tolerance);
      EXPECT_NEAR(p.y, py, tolerance);
      EXPECT_NEAR(p.z, pz, tolerance);
      EXPECT_NEAR(jet.getEnergy(), e, tolerance);
      EXPECT_NEAR(jet.getMass(), std::sqrt(std::max(0.0, e * e - px * px - py * py - pz * pz)), 1e-5 * e);
      EXPECT_EQ(jet.getCharge(), charge);
      ++jetsSeen;
    }
  }
  EXPECT_GT(jetsSeen, 200u);
  // Anti-kt jets are cones of radius R around hard particles; only where two jets
  // overlap may a constituent end up slightly further out.
  EXPECT_LE(beyondR, constituentsSeen / 200) << beyondR << " of " << constituentsSeen;
}

TEST(ToyJets, AreWhatFastJetGivesForTheReconstructedParticles) {
  // The documented definition, spelled out here rather than taken from the header.
  const fastjet::JetDefinition antiKt04(fastjet::antikt_algorithm, 0.4);
  for (uint64_t i = 0; i < 40; ++i) {
    const auto event = makeToyEvent(13, i);
    const auto& recos = event.get<edm4hep::ReconstructedParticleCollection>(podml::toy::kReconstructedParticles);
    const auto& jets = event.get<edm4hep::ReconstructedParticleCollection>(podml::toy::kJets);
    std::vector<fastjet::PseudoJet> inputs;
    for (std::size_t k = 0; k < recos.size(); ++k) {
      const auto p = recos[k].getMomentum();
      inputs.emplace_back(p.x, p.y, p.z, recos[k].getEnergy());
      inputs.back().set_user_index(static_cast<int>(k));
    }
    const fastjet::ClusterSequence sequence(inputs, antiKt04);
    std::vector<fastjet::PseudoJet> want;
    for (const auto& jet : fastjet::sorted_by_pt(sequence.inclusive_jets(20.0))) {
      if (std::abs(jet.eta()) < 2.5) {
        want.push_back(jet);
      }
    }
    ASSERT_EQ(jets.size(), want.size()) << "event " << i;
    for (std::size_t j = 0; j < want.size(); ++j) {
      EXPECT_FLOAT_EQ(jets[j].getEnergy(), static_cast<float>(want[j].e()));
      EXPECT_FLOAT_EQ(jets[j].getMomentum().z, static_cast<float>(want[j].pz()));
      std::vector<uint32_t> got, expected;
      for (const auto c : jets[j].getParticles()) {
        got.push_back(c.getObjectID().index);
      }
      for (const auto& c : fastjet::sorted_by_pt(want[j].constituents())) {
        expected.push_back(static_cast<uint32_t>(c.user_index()));
      }
      EXPECT_EQ(got, expected) << "event " << i << " jet " << j;
    }
  }
}

TEST(ToyJets, FlavourLinksPointAtTheClosestWeaklyDecayingHeavyHadron) {
  const std::set<int32_t> bCodes{511, 521, 531, 5122}, cCodes{411, 421, 431, 4122};
  uint64_t bLinks = 0, cLinks = 0, unlinked = 0;
  for (uint64_t i = 0; i < 300; ++i) {
    const auto event = makeToyEvent(21, i);
    const auto& mcs = event.get<edm4hep::MCParticleCollection>(podml::toy::kMCParticles);
    const auto& jets = event.get<edm4hep::ReconstructedParticleCollection>(podml::toy::kJets);
    const auto& links = event.get<edm4hep::RecoMCParticleLinkCollection>(podml::toy::kJetMCFlavourLinks);
    std::map<uint32_t, edm4hep::MCParticle> linked;
    for (const auto link : links) {
      ASSERT_EQ(link.getFrom().getObjectID().collectionID, jets.getID());
      ASSERT_EQ(link.getTo().getObjectID().collectionID, mcs.getID());
      EXPECT_EQ(link.getWeight(), 1.f);
      EXPECT_TRUE(linked.emplace(link.getFrom().getObjectID().index, link.getTo()).second) << "a jet linked twice";
    }
    const auto bHadrons = labellingHadrons(mcs, JetFlavour::Bottom);
    const auto cHadrons = labellingHadrons(mcs, JetFlavour::Charm);
    for (std::size_t j = 0; j < jets.size(); ++j) {
      const auto axis = jets[j].getMomentum();
      const auto closest = [&](const std::vector<edm4hep::MCParticle>& hadrons) {
        const edm4hep::MCParticle* best = nullptr;
        double bestDeltaR = podml::toy::kFlavourMatchRadius;
        for (const auto& h : hadrons) {
          if (const double dr = deltaREtaPhi(h.getMomentum(), axis); dr < bestDeltaR) {
            best = &h;
            bestDeltaR = dr;
          }
        }
        return best;
      };
      const edm4hep::MCParticle* want = closest(bHadrons); // b before c
      if (want == nullptr) {
        want = closest(cHadrons);
      }
      const auto it = linked.find(static_cast<uint32_t>(j));
      if (want == nullptr) {
        EXPECT_EQ(it, linked.end()) << "a light jet has no link (event " << i << ", jet " << j << ")";
        ++unlinked;
        continue;
      }
      ASSERT_NE(it, linked.end()) << "event " << i << ", jet " << j;
      EXPECT_EQ(it->second, *want);
      const int32_t code = std::abs(it->second.getPDG());
      if (jetFlavour(code) == JetFlavour::Bottom) {
        EXPECT_TRUE(bCodes.count(code)) << code;
        ++bLinks;
      } else {
        EXPECT_EQ(jetFlavour(code), JetFlavour::Charm);
        EXPECT_TRUE(cCodes.count(code)) << code;
        ++cLinks;
      }
    }
  }
  EXPECT_GT(bLinks, 50u);
  EXPECT_GT(cLinks, 30u);
  EXPECT_GT(unlinked, bLinks);
}

TEST(ToyJets, AreReproducible) {
  for (uint64_t i = 0; i < 20; ++i) {
    const auto a = makeToyEvent(99, i);
    const auto b = makeToyEvent(99, i);
    for (const char* name : {podml::toy::kJets, podml::toy::kJetMCFlavourLinks}) {
      const auto& ca = *a.get(name);
      const auto& cb = *b.get(name);
      ASSERT_EQ(ca.size(), cb.size()) << name;
      for (std::size_t k = 0; k < ca.columns().size(); ++k) {
        EXPECT_TRUE(ca.columns()[k] == cb.columns()[k]) << name << " column " << k;
      }
      for (std::size_t r = 0; r < ca.definition().relations.size(); ++r) {
        EXPECT_EQ(ca.relationIDs(r), cb.relationIDs(r)) << name << " relation " << r;
      }
    }
  }
}

// The numbers docs/toy-dataset.md quotes (seed 1, 2000 events): the flavour mix, the jet
// content, and that b jets carry displaced tracks, so a tagger that sees the
// constituents beats one that sees only the jet's mass, pT and multiplicity.
TEST(ToyJets, FlavourFractionsAndDisplacedTracks) {
  constexpr uint64_t kEvents = 2000;
  std::map<JetFlavour, double> jets, constituents, sumAbsD0, tracks;
  uint64_t partons = 0, bPartons = 0, cPartons = 0;
  std::vector<std::pair<double, bool>> byMass, byMultiplicity, byPt, byDisplacement; // b (true) vs light jets
  for (uint64_t i = 0; i < kEvents; ++i) {
    const auto event = makeToyEvent(1, i);
    for (const auto mc : event.get<edm4hep::MCParticleCollection>(podml::toy::kMCParticles)) {
      if (mc.getGeneratorStatus() == 3) {
        ++partons;
        bPartons += std::abs(mc.getPDG()) == 5 ? 1 : 0;
        cPartons += std::abs(mc.getPDG()) == 4 ? 1 : 0;
      }
    }
    const auto& jetColl = event.get<edm4hep::ReconstructedParticleCollection>(podml::toy::kJets);
    std::map<uint32_t, JetFlavour> flavourOf;
    for (const auto link : event.get<edm4hep::RecoMCParticleLinkCollection>(podml::toy::kJetMCFlavourLinks)) {
      flavourOf[link.getFrom().getObjectID().index] = jetFlavour(link.getTo().getPDG());
    }
    for (std::size_t j = 0; j < jetColl.size(); ++j) {
      const auto jet = jetColl[j];
      const auto it = flavourOf.find(static_cast<uint32_t>(j));
      const JetFlavour flavour = it == flavourOf.end() ? JetFlavour::Light : it->second;
      jets[flavour] += 1;
      constituents[flavour] += static_cast<double>(jet.particles_size());
      // The tagger's view: the second largest impact-parameter significance (one
      // mismeasured track is not enough).
      std::vector<double> significances{0.0, 0.0};
      for (const auto c : jet.getParticles()) {
        const auto state = c.getTracks(0).getTrackStates(0);
        const double sigma = std::sqrt(state.covMatrix.getValue(edm4hep::TrackParams::d0, edm4hep::TrackParams::d0));
        sumAbsD0[flavour] += std::abs(state.D0);
        tracks[flavour] += 1;
        significances.push_back(std::abs(state.D0) / sigma);
      }
      if (flavour != JetFlavour::Charm) {
        std::sort(significances.rbegin(), significances.rend());
        const bool isB = flavour == JetFlavour::Bottom;
        byDisplacement.emplace_back(significances[1], isB);
        byMass.emplace_back(jet.getMass(), isB);
        byMultiplicity.emplace_back(static_cast<double>(jet.particles_size()), isB);
        byPt.emplace_back(transverse(jet.getMomentum()), isB);
      }
    }
  }
  double allJets = 0, allConstituents = 0;
  for (const auto& [flavour, n] : jets) {
    allJets += n;
    allConstituents += constituents[flavour];
  }
  const auto fraction = [&](JetFlavour f) { return jets[f] / allJets; };
  const auto meanAbsD0 = [&](JetFlavour f) { return 1000.0 * sumAbsD0[f] / tracks[f]; }; // um
  const double jetLevel = std::max({separation(byMass), separation(byMultiplicity), separation(byPt)});
  const double constituentLevel = separation(byDisplacement);
  std::cout << "seed 1, " << kEvents << " events: partons b " << double(bPartons) / double(partons) << ", c "
            << double(cPartons) / double(partons) << "; " << allJets / kEvents << " jets per event, "
            << allConstituents / allJets << " constituents per jet\n"
            << "jets b " << fraction(JetFlavour::Bottom) << ", c " << fraction(JetFlavour::Charm) << ", light "
            << fraction(JetFlavour::Light) << "; constituents per jet b "
            << constituents[JetFlavour::Bottom] / jets[JetFlavour::Bottom] << ", c "
            << constituents[JetFlavour::Charm] / jets[JetFlavour::Charm] << ", light "
            << constituents[JetFlavour::Light] / jets[JetFlavour::Light] << "\n"
            << "mean |d0| [um] b " << meanAbsD0(JetFlavour::Bottom) << ", c " << meanAbsD0(JetFlavour::Charm)
            << ", light " << meanAbsD0(JetFlavour::Light) << "\n"
            << "b vs light AUC: mass " << separation(byMass) << ", constituents " << separation(byMultiplicity)
            << ", pT " << separation(byPt) << "; 2nd largest |d0|/sigma " << constituentLevel << "\n";

  // As generated: 20% b and 15% c partons.
  EXPECT_NEAR(double(bPartons) / double(partons), 0.20, 0.02);
  EXPECT_NEAR(double(cPartons) / double(partons), 0.15, 0.02);
  // Fewer among the reconstructed jets: single prompt leptons and hard pions from taus
  // make light jets of their own, and some heavy hadrons fall below 5 GeV.
  EXPECT_NEAR(fraction(JetFlavour::Bottom), 0.17, 0.03);
  EXPECT_NEAR(fraction(JetFlavour::Charm), 0.13, 0.03);
  EXPECT_GT(allJets / kEvents, 2.5);
  EXPECT_GT(allConstituents / allJets, 4.5);
  EXPECT_GT(meanAbsD0(JetFlavour::Bottom), 2.0 * meanAbsD0(JetFlavour::Light));
  EXPECT_GT(meanAbsD0(JetFlavour::Bottom), meanAbsD0(JetFlavour::Charm));
  EXPECT_GT(meanAbsD0(JetFlavour::Charm), meanAbsD0(JetFlavour::Light));
  EXPECT_GT(constituentLevel, jetLevel + 0.05);
}
