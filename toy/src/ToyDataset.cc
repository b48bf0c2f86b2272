#include "podml/toy/ToyDataset.h"

#include "ToyJets.h"
#include "ToyPhysics.h"

#include "edm4hep/EventHeaderCollection.h"
#include "edm4hep/MCParticleCollection.h"
#include "edm4hep/RecoMCParticleLinkCollection.h"
#include "edm4hep/ReconstructedParticleCollection.h"
#include "edm4hep/TrackCollection.h"

#include "podml/Exceptions.h"
#include "podml/io/Writer.h"

#include <vector>

namespace podml::toy {

namespace {

// Bumped when the physics changes, so a file says which toy made it.
constexpr int kToyVersion = 2;

edm4hep::Vector3d toEdm(const detail::V3& v) { return {v.x, v.y, v.z}; }
edm4hep::Vector3f toEdmF(const detail::V3& v) {
  return {static_cast<float>(v.x), static_cast<float>(v.y), static_cast<float>(v.z)};
}

float square(double x) { return static_cast<float>(x * x); }

// Jets of the reconstructed particles as stored (float momenta, pion-mass energies),
// so that a jet is exactly the sum its constituents in the file give.
void addJets(const edm4hep::ReconstructedParticleCollection& particles, const detail::TruthEvent& truth,
             const std::vector<edm4hep::MutableMCParticle>& mcs, edm4hep::ReconstructedParticleCollection& jets,
             edm4hep::RecoMCParticleLinkCollection& flavourLinks) {
  std::vector<detail::FourMomentum> inputs;
  inputs.reserve(particles.size());
  for (const auto p : particles) {
    const auto m = p.getMomentum();
    inputs.push_back({m.x, m.y, m.z, p.getEnergy()});
  }
  for (const auto& c : detail::clusterJets(inputs)) {
    auto jet = jets.create();
    jet.setPDG(0);
    jet.setEnergy(static_cast<float>(c.p.e));
    jet.setMomentum({static_cast<float>(c.p.px), static_cast<float>(c.p.py), static_cast<float>(c.p.pz)});
    jet.setMass(static_cast<float>(c.mass));
    float charge = 0.f;
    for (const int k : c.constituents) {
      const auto constituent = particles[static_cast<std::size_t>(k)];
      charge += constituent.getCharge();
      jet.addToParticles(constituent);
    }
    jet.setCharge(charge);
    if (const int hadron = detail::flavourHadron(c.p, truth); hadron >= 0) {
      auto link = flavourLinks.create();
      link.setFrom(jet);
      link.setTo(mcs[static_cast<std::size_t>(hadron)]);
      link.setWeight(1.f);
    }
  }
}

} // namespace

Frame makeToyEvent(uint64_t seed, uint64_t index) {
  detail::Rng rng(seed, index);
  const detail::TruthEvent truth = detail::generateTruth(rng);
  const std::vector<detail::RecoParticle> recos = detail::reconstruct(truth, rng);

  edm4hep::EventHeaderCollection headers;
  auto header = headers.create();
  header.setEventNumber(index);
  header.setWeight(1.0);

  edm4hep::MCParticleCollection mcs;
  mcs.reserve(truth.particles.size());
  std::vector<edm4hep::MutableMCParticle> handles;
  handles.reserve(truth.particles.size());
  for (const auto& p : truth.particles) {
    auto mc = mcs.create();
    mc.setPDG(p.pdg);
    mc.setGeneratorStatus(p.generatorStatus);
    mc.setCharge(p.charge);
    mc.setTime(p.time);
    mc.setMass(p.mass);
    mc.setVertex(toEdm(p.vertex));
    mc.setEndpoint(toEdm(p.endpoint));
    mc.setMomentum(toEdm(p.momentum));
    mc.setDecayedInTracker(p.decayedInTracker || p.interactionRadius > 0);
    handles.push_back(mc);
  }
  for (std::size_t i = 0; i < truth.particles.size(); ++i) {
    for (const int parent : truth.particles[i].parents) {
      handles[i].addToParents(handles[static_cast<std::size_t>(parent)]);
    }
    for (const int daughter : truth.particles[i].daughters) {
      handles[i].addToDaughters(handles[static_cast<std::size_t>(daughter)]);
    }
  }

  edm4hep::ReconstructedParticleCollection particles;
  edm4hep::TrackCollection tracks;
  edm4hep::RecoMCParticleLinkCollection links;
  particles.reserve(recos.size());
  tracks.reserve(recos.size());
  links.reserve(recos.size());
  for (const auto& r : recos) {
    auto track = tracks.create();
    track.setChi2(r.chi2);
    track.setNdf(r.ndf);
    track.setNholes(r.holes);
    track.addToSubdetectorHitNumbers(r.pixelHits);
    track.addToSubdetectorHitNumbers(r.stripHits);
    edm4hep::TrackState state;
    state.location = edm4hep::TrackState::AtIP;
    state.D0 = static_cast<float>(r.d0);
    state.phi = static_cast<float>(r.phi);
    state.omega = static_cast<float>(r.omega);
    state.Z0 = static_cast<float>(r.z0);
    state.tanLambda = static_cast<float>(r.tanLambda);
    state.covMatrix.setValue(square(r.sigmaD0), edm4hep::TrackParams::d0, edm4hep::TrackParams::d0);
    state.covMatrix.setValue(square(r.sigmaPhi), edm4hep::TrackParams::phi, edm4hep::TrackParams::phi);
    state.covMatrix.setValue(square(r.sigmaOmega), edm4hep::TrackParams::omega, edm4hep::TrackParams::omega);
    state.covMatrix.setValue(square(r.sigmaZ0), edm4hep::TrackParams::z0, edm4hep::TrackParams::z0);
    state.covMatrix.setValue(square(r.sigmaTanLambda), edm4hep::TrackParams::tanLambda,
                             edm4hep::TrackParams::tanLambda);
    track.addToTrackStates(state);

    // No particle identification: every particle gets the pion hypothesis, so
    // neither PDG, mass nor energy says what it really is.
    const double p2 = r.momentum.dot(r.momentum);
    const double energy = std::sqrt(p2 + detail::kPionMass * detail::kPionMass);
    auto reco = particles.create();
    reco.setPDG(0);
    reco.setEnergy(static_cast<float>(energy));
    reco.setMomentum(toEdmF(r.momentum));
    reco.setReferencePoint(toEdmF(r.referencePoint));
    reco.setCharge(r.charge);
    reco.setMass(static_cast<float>(detail::kPionMass));
    // The four-momentum covariance from the curvature resolution (angles neglected).
    edm4hep::CovMatrix4f cov;
    const double s = r.sigmaPtRel;
    cov.setValue(square(s * r.momentum.x), edm4hep::FourMomCoords::x, edm4hep::FourMomCoords::x);
    cov.setValue(square(s * r.momentum.y), edm4hep::FourMomCoords::y, edm4hep::FourMomCoords::y);
    cov.setValue(square(s * r.momentum.z), edm4hep::FourMomCoords::z, edm4hep::FourMomCoords::z);
    cov.setValue(square(s * p2 / energy), edm4hep::FourMomCoords::t, edm4hep::FourMomCoords::t);
    reco.setCovMatrix(cov);
    reco.addToTracks(track);

    auto link = links.create();
    link.setFrom(reco);
    link.setTo(handles[static_cast<std::size_t>(r.mc)]);
    link.setWeight(1.f);
  }

  edm4hep::ReconstructedParticleCollection jets;
  edm4hep::RecoMCParticleLinkCollection flavourLinks;
  addJets(particles, truth, handles, jets, flavourLinks);

  Frame frame;
  frame.put(std::move(headers), kEventHeader);
  frame.put(std::move(mcs), kMCParticles);
  frame.put(std::move(tracks), kTracks);
  frame.put(std::move(particles), kReconstructedParticles);
  frame.put(std::move(links), kRecoMCParticleLinks);
  frame.put(std::move(jets), kJets);
  frame.put(std::move(flavourLinks), kJetMCFlavourLinks);
  return frame;
}

ToySummary writeToyDataset(const std::string& path, const ToyOptions& options, const ToyProgress& progress) {
  if (options.events == 0) {
    throw UsageError("cannot write toy dataset '" + path + "': the number of events must be positive");
  }
  io::WriterOptions writerOptions;
  writerOptions.compression = io::parseCompression(options.compression, &writerOptions.level);
  io::Writer writer(path, writerOptions);
  ToySummary summary;
  for (uint64_t k = 0; k < options.events; ++k) {
    const Frame event = makeToyEvent(options.seed, options.firstEvent + k);
    const auto& mcs = event.get<edm4hep::MCParticleCollection>(kMCParticles);
    const auto& links = event.get<edm4hep::RecoMCParticleLinkCollection>(kRecoMCParticleLinks);
    summary.mcParticles += mcs.size();
    summary.reconstructedParticles += links.size();
    for (const auto link : links) {
      summary.promptLeptons += isPromptLeptonPDG(link.getTo().getPDG()) ? 1 : 0;
    }
    summary.jets += event.get<edm4hep::ReconstructedParticleCollection>(kJets).size();
    for (const auto link : event.get<edm4hep::RecoMCParticleLinkCollection>(kJetMCFlavourLinks)) {
      const JetFlavour flavour = jetFlavour(link.getTo().getPDG());
      summary.bJets += flavour == JetFlavour::Bottom ? 1 : 0;
      summary.cJets += flavour == JetFlavour::Charm ? 1 : 0;
    }
    writer.writeFrame(event, "events");
    ++summary.events;
    if (progress) {
      progress(summary.events, options.events);
    }
  }
  // Provenance: enough to regenerate the file. The seed is a string because frame
  // parameters hold 32-bit integers.
  Frame meta;
  meta.putParameter("toy.generator", std::string("podml toy"));
  meta.putParameter("toy.version", kToyVersion);
  meta.putParameter("toy.seed", std::to_string(options.seed));
  meta.putParameter("toy.firstEvent", std::to_string(options.firstEvent));
  meta.putParameter("toy.events", std::to_string(options.events));
  meta.putParameter("toy.label", std::string("RecoMCParticleLinks: linked MCParticle PDG in {11,-11,13,-13}"));
  meta.putParameter("toy.jets", std::string("Jets: ") + detail::jetDescription() + ", of ReconstructedParticles");
  meta.putParameter("toy.jetLabel", std::string("JetMCFlavourLinks: the b (else c) hadron with pT > 5 GeV closest to "
                                                "the jet axis within DeltaR < 0.3; light jets have no link"));
  writer.writeFrame(meta, "metadata");
  writer.finish();
  return summary;
}

} // namespace podml::toy
