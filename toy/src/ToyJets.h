#pragma once
// The toy's jets, free of EDM4hep and of FastJet's types: anti-kt clustering of
// the reconstructed particles (FastJet, inside ToyJets.cc only) and the truth
// flavour of each jet by matching heavy hadrons in (eta, phi).

#include "ToyPhysics.h"

#include <string>
#include <vector>

namespace podml::toy::detail {

/// A four-momentum [GeV].
struct FourMomentum {
  double px{0}, py{0}, pz{0}, e{0};
};

/// One clustered jet.
struct ClusteredJet {
  FourMomentum p;                ///< the sum of its constituents (E-scheme)
  double mass{0};                ///< FastJet's m(): negative only for a spacelike sum
  std::vector<int> constituents; ///< indices into the clustered particles, highest pT first
};

/// Anti-kt jets (R = kJetRadius) of `particles` with pT > kJetPtMin and |eta| < kJetEtaMax,
/// highest pT first.
std::vector<ClusteredJet> clusterJets(const std::vector<FourMomentum>& particles);

/// Index into `truth.particles` of the hadron that gives a jet along `axis` its flavour:
/// the closest weakly decaying b hadron with pT > kFlavourHadronPtMin within
/// kFlavourMatchRadius, else the closest such c hadron; -1 for a light jet.
int flavourHadron(const FourMomentum& axis, const TruthEvent& truth);

/// The algorithm and its settings in words, with FastJet's version (file provenance).
std::string jetDescription();

} // namespace podml::toy::detail
