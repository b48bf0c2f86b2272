// The only file that sees FastJet: ToyJets.h keeps its types out of the rest
// of the toy, and the public header out of every user of podml_toy.
#include "ToyJets.h"

#include "podml/toy/ToyDataset.h"

#include <fastjet/ClusterSequence.hh>
#include <fastjet/JetDefinition.hh>
#include <fastjet/PseudoJet.hh>

#include <atomic>
#include <cmath>
#include <iostream>
#include <numbers>
#include <sstream>

namespace podml::toy {

namespace {
std::atomic<std::ostream*> g_bannerStream{&std::cerr};
} // namespace

void setFastJetBannerStream(std::ostream* stream) { g_bannerStream.store(stream); }

namespace detail {

namespace {

// FastJet prints its banner at its first clustering, to std::cout by default. podml's
// stdout carries command output, so the banner goes to std::cerr instead (its authors
// ask that it not be switched off by default). Printing it here, once, also keeps
// threads from racing on FastJet's first-time flag, which Debian's build (without
// --enable-thread-safety) does not guard.
void printBannerOnce() {
  static const bool printed = [] {
    fastjet::ClusterSequence::set_fastjet_banner_stream(g_bannerStream.load());
    fastjet::ClusterSequence::print_banner();
    return true;
  }();
  (void)printed;
}

const fastjet::JetDefinition& jetDefinition() {
  // The default recombination is the E-scheme: a jet's four-momentum is the sum of its constituents'.
  static const fastjet::JetDefinition definition(fastjet::antikt_algorithm, kJetRadius);
  return definition;
}

double pseudorapidity(double px, double py, double pz) { return std::asinh(pz / std::hypot(px, py)); }

double deltaR(double eta1, double phi1, double eta2, double phi2) {
  double dphi = std::abs(phi1 - phi2);
  if (dphi > std::numbers::pi) {
    dphi = 2.0 * std::numbers::pi - dphi;
  }
  return std::hypot(eta1 - eta2, dphi);
}

// Weakly decaying: of the flavour, decayed, and none of its daughters carries the flavour
// on (a B* -> B gamma would leave the B, a B -> D decay leaves the B as the b hadron).
bool isWeaklyDecaying(const TruthEvent& truth, const TruthParticle& p, JetFlavour flavour) {
  if (p.generatorStatus != 2 || jetFlavour(p.pdg) != flavour) {
    return false;
  }
  for (const int d : p.daughters) {
    if (jetFlavour(truth.particles[static_cast<std::size_t>(d)].pdg) == flavour) {
      return false;
    }
  }
  return true;
}

} // namespace

std::vector<ClusteredJet> clusterJets(const std::vector<FourMomentum>& particles) {
  if (particles.empty()) {
    return {};
  }
  printBannerOnce();
  std::vector<fastjet::PseudoJet> inputs;
  inputs.reserve(particles.size());
  for (std::size_t i = 0; i < particles.size(); ++i) {
    const auto& p = particles[i];
    inputs.emplace_back(p.px, p.py, p.pz, p.e);
    inputs.back().set_user_index(static_cast<int>(i));
  }
  const fastjet::ClusterSequence sequence(inputs, jetDefinition());
  std::vector<ClusteredJet> out;
  for (const auto& jet : fastjet::sorted_by_pt(sequence.inclusive_jets(kJetPtMin))) {
    if (std::abs(jet.eta()) >= kJetEtaMax) {
      continue;
    }
    ClusteredJet& c = out.emplace_back();
    c.p = {jet.px(), jet.py(), jet.pz(), jet.e()};
    c.mass = jet.m();
    for (const auto& constituent : fastjet::sorted_by_pt(jet.constituents())) {
      c.constituents.push_back(constituent.user_index());
    }
  }
  return out;
}

int flavourHadron(const FourMomentum& axis, const TruthEvent& truth) {
  const double etaJet = pseudorapidity(axis.px, axis.py, axis.pz);
  const double phiJet = std::atan2(axis.py, axis.px);
  for (const JetFlavour flavour : {JetFlavour::Bottom, JetFlavour::Charm}) {
    int best = -1;
    double bestDeltaR = kFlavourMatchRadius;
    for (std::size_t i = 0; i < truth.particles.size(); ++i) {
      const auto& p = truth.particles[i];
      if (p.pt() <= kFlavourHadronPtMin || !isWeaklyDecaying(truth, p, flavour)) {
        continue;
      }
      const double dr = deltaR(etaJet, phiJet, p.eta(), std::atan2(p.momentum.y, p.momentum.x));
      if (dr < bestDeltaR) {
        best = static_cast<int>(i);
        bestDeltaR = dr;
      }
    }
    if (best >= 0) {
      return best;
    }
  }
  return -1;
}

std::string jetDescription() {
  std::ostringstream text;
  text << jetDefinition().description() << ", pT > " << kJetPtMin << " GeV, |eta| < " << kJetEtaMax << " ("
       << fastjet::fastjet_version_string() << ")";
  return text.str();
}

} // namespace detail
} // namespace podml::toy
