#pragma once
// An EDM4hep event with every datatype, every link and the TrackerHit interface,
// filled the way podio user code does it: a decay chain of MC particles, the
// detector response to it and the reconstruction built from that response.
// Used by the demo and by the I/O round-trip test.

#include "edm4hep/CaloHitContributionCollection.h"
#include "edm4hep/CaloHitMCParticleLinkCollection.h"
#include "edm4hep/CaloHitSimCaloHitLinkCollection.h"
#include "edm4hep/CalorimeterHitCollection.h"
#include "edm4hep/ClusterCollection.h"
#include "edm4hep/ClusterMCParticleLinkCollection.h"
#include "edm4hep/DatamodelDefinition.h"
#include "edm4hep/EventHeaderCollection.h"
#include "edm4hep/GeneratorEventParametersCollection.h"
#include "edm4hep/MCParticleCollection.h"
#include "edm4hep/ParticleIDCollection.h"
#include "edm4hep/RawCalorimeterHitCollection.h"
#include "edm4hep/RawTimeSeriesCollection.h"
#include "edm4hep/RecDqdxCollection.h"
#include "edm4hep/RecoMCParticleLinkCollection.h"
#include "edm4hep/ReconstructedParticleCollection.h"
#include "edm4hep/SenseWireHitCollection.h"
#include "edm4hep/SimCalorimeterHitCollection.h"
#include "edm4hep/SimTrackerHitCollection.h"
#include "edm4hep/TimeSeriesCollection.h"
#include "edm4hep/TrackCollection.h"
#include "edm4hep/TrackMCParticleLinkCollection.h"
#include "edm4hep/TrackerHit.h"
#include "edm4hep/TrackerHit3DCollection.h"
#include "edm4hep/TrackerHitPlaneCollection.h"
#include "edm4hep/TrackerHitSimTrackerHitLinkCollection.h"
#include "edm4hep/VertexCollection.h"
#include "edm4hep/VertexRecoParticleLinkCollection.h"

#include "podml/Frame.h"
#include "podml/LinkNavigator.h"

#include <cmath>
#include <cstdio>
#include <random>

namespace podml::examples {


// One event: a decay chain of MC particles, the detector response to it and
// the reconstruction built from that response.
inline podml::Frame makeEvent(uint64_t eventNumber, std::mt19937& rng) {
  std::normal_distribution<float> smear(0.f, 0.05f);
  std::uniform_real_distribution<double> angle(0.0, 2 * M_PI);
  std::exponential_distribution<double> pt(0.2);
  podml::Frame frame;

  edm4hep::EventHeaderCollection headers;
  auto header = headers.create();
  header.setEventNumber(eventNumber);
  header.setRunNumber(1);
  header.setTimeStamp(1700000000 + eventNumber);
  header.setWeight(1.0);
  header.addToWeights(1.0);
  header.addToWeights(0.9);

  edm4hep::MCParticleCollection mcs;
  auto boson = mcs.create();
  boson.setPDG(23);
  boson.setGeneratorStatus(2);
  boson.setMass(91.19);
  boson.setMomentum({0, 0, 5});
  const int nDaughters = 4 + static_cast<int>(eventNumber % 4);
  for (int i = 0; i < nDaughters; ++i) {
    auto d = mcs.create();
    const double phi = angle(rng);
    const double p = 1.0 + pt(rng);
    d.setPDG(i % 2 ? 211 : -211);
    d.setGeneratorStatus(1);
    d.setCharge(i % 2 ? 1.f : -1.f);
    d.setMass(0.13957);
    d.setMomentum({p * std::cos(phi), p * std::sin(phi), p * 0.3 * (i - 2)});
    d.setVertex({0.01 * i, 0, 0});
    d.setCreatedInSimulation(i == 0);
    d.addToParents(boson);
    boson.addToDaughters(d);
  }

  edm4hep::GeneratorEventParametersCollection genParams;
  auto gp = genParams.create();
  gp.setSqrts(91.2);
  gp.setBeamsPz({45.6, -45.6});
  gp.setPartonIds({11, -11});
  gp.addToCrossSections(41.5);
  gp.addToCrossSectionErrors(0.1);
  gp.addToSignalVertexParticles(boson);

  edm4hep::SimTrackerHitCollection simHits;
  edm4hep::TrackerHit3DCollection hits3d;
  edm4hep::TrackerHitPlaneCollection hitsPlane;
  edm4hep::SenseWireHitCollection wireHits;
  edm4hep::TrackerHitSimTrackerHitLinkCollection hitLinks;
  edm4hep::TrackCollection tracks;
  edm4hep::TrackMCParticleLinkCollection trackLinks;
  edm4hep::RawTimeSeriesCollection rawSeries;
  edm4hep::TimeSeriesCollection series;
  edm4hep::RecDqdxCollection dqdx;
  edm4hep::SimCalorimeterHitCollection simCalo;
  edm4hep::CaloHitContributionCollection contributions;
  edm4hep::RawCalorimeterHitCollection rawCalo;
  edm4hep::CalorimeterHitCollection caloHits;
  edm4hep::CaloHitSimCaloHitLinkCollection caloSimLinks;
  edm4hep::CaloHitMCParticleLinkCollection caloMCLinks;
  edm4hep::ClusterCollection clusters;
  edm4hep::ClusterMCParticleLinkCollection clusterLinks;
  edm4hep::ReconstructedParticleCollection recos;
  edm4hep::RecoMCParticleLinkCollection recoLinks;
  edm4hep::ParticleIDCollection pids;
  edm4hep::VertexCollection vertices;
  edm4hep::VertexRecoParticleLinkCollection vertexLinks;

  auto vertex = vertices.create();
  vertex.setPrimary();
  vertex.setChi2(1.2f);
  vertex.setNdf(3);
  vertex.setPosition({0.f, 0.f, 0.f});

  for (std::size_t i = 1; i < mcs.size(); ++i) {
    const auto mc = mcs[i];
    const auto mom = mc.getMomentum();
    auto track = tracks.create();
    track.setChi2(10.f + smear(rng));
    track.setNdf(8);
    track.addToSubdetectorHitNumbers(3);
    track.addToSubdetectorHitNumbers(2);
    for (int layer = 0; layer < 3; ++layer) {
      const double r = 50.0 * (layer + 1);
      const double phi = std::atan2(mom.y, mom.x);
      auto sim = simHits.create();
      sim.setCellID(1000 * i + layer);
      sim.setEDep(1e-4f);
      sim.setPosition({r * std::cos(phi), r * std::sin(phi), r * mom.z / std::hypot(mom.x, mom.y)});
      sim.setMomentum({float(mom.x), float(mom.y), float(mom.z)});
      sim.setParticle(mc);
      edm4hep::TrackerHit hit = edm4hep::TrackerHit::makeEmpty();
      if (layer == 0) {
        auto h = hits3d.create();
        h.setCellID(sim.getCellID());
        h.setEDep(sim.getEDep());
        h.setPosition(sim.getPosition());
        h.setCovMatrix(0.01f, edm4hep::Cartesian::x, edm4hep::Cartesian::x);
        hit = h;
      } else if (layer == 1) {
        auto h = hitsPlane.create();
        h.setCellID(sim.getCellID());
        h.setEDep(sim.getEDep());
        h.setPosition(sim.getPosition());
        h.setDu(0.01f);
        h.setDv(0.02f);
        hit = h;
      } else {
        auto h = wireHits.create();
        h.setCellID(sim.getCellID());
        h.setEDep(sim.getEDep());
        h.setPosition(sim.getPosition());
        h.setDistanceToWire(1.5f);
        h.addToNElectrons(12);
        h.addToNElectrons(9);
        hit = h;
      }
      track.addToTrackerHits(hit);
      auto link = hitLinks.create();
      link.setFrom(hit);
      link.setTo(sim);
    }
    edm4hep::TrackState state;
    state.location = edm4hep::TrackState::AtIP;
    state.phi = static_cast<float>(std::atan2(mom.y, mom.x));
    state.omega = 0.3f * 2.0f / static_cast<float>(std::hypot(mom.x, mom.y)) * 1e-3f;
    state.tanLambda = static_cast<float>(mom.z / std::hypot(mom.x, mom.y));
    state.setCovMatrix(0.01f, edm4hep::TrackParams::d0, edm4hep::TrackParams::d0);
    track.addToTrackStates(state);
    auto trackLink = trackLinks.create();
    trackLink.setFrom(track);
    trackLink.setTo(mc);

    auto raw = rawSeries.create();
    raw.setCellID(7000 + i);
    for (int k = 0; k < 4; ++k) {
      raw.addToAdcCounts(100 + 10 * k);
    }
    auto ts = series.create();
    ts.setCellID(raw.getCellID());
    ts.setInterval(1.f);
    for (int k = 0; k < 4; ++k) {
      ts.addToAmplitude(0.1f * k);
    }
    auto dq = dqdx.create();
    dq.setDQdx({0, 3.1f, 0.2f});
    dq.setTrack(track);

    auto sc = simCalo.create();
    sc.setCellID(9000 + i);
    const float e = static_cast<float>(std::sqrt(mom.x * mom.x + mom.y * mom.y + mom.z * mom.z));
    sc.setEnergy(e);
    auto contrib = contributions.create();
    contrib.setPDG(mc.getPDG());
    contrib.setEnergy(e);
    contrib.setParticle(mc);
    sc.addToContributions(contrib);
    auto rc = rawCalo.create();
    rc.setCellID(sc.getCellID());
    rc.setAmplitude(static_cast<int32_t>(e * 1000));
    auto ch = caloHits.create();
    ch.setCellID(sc.getCellID());
    ch.setEnergy(e * (1 + smear(rng)));
    auto l1 = caloSimLinks.create();
    l1.setFrom(ch);
    l1.setTo(sc);
    auto l2 = caloMCLinks.create();
    l2.setFrom(ch);
    l2.setTo(mc);
    auto cluster = clusters.create();
    cluster.setEnergy(ch.getEnergy());
    cluster.addToHits(ch);
    cluster.addToShapeParameters(0.5f);
    auto l3 = clusterLinks.create();
    l3.setFrom(cluster);
    l3.setTo(mc);

    auto reco = recos.create();
    reco.setPDG(mc.getPDG());
    reco.setCharge(mc.getCharge());
    reco.setMass(static_cast<float>(mc.getMass()));
    reco.setMomentum({float(mom.x) * (1 + smear(rng)), float(mom.y) * (1 + smear(rng)), float(mom.z) * (1 + smear(rng))});
    reco.setEnergy(static_cast<float>(mc.getEnergy()) * (1 + smear(rng)));
    reco.addToTracks(track);
    reco.addToClusters(cluster);
    reco.setDecayVertex(vertex);
    vertex.addToParticles(reco);
    auto recoLink = recoLinks.create();
    recoLink.setFrom(reco);
    recoLink.setTo(mc);
    recoLink.setWeight(0.9f);
    auto vlink = vertexLinks.create();
    vlink.setFrom(vertex);
    vlink.setTo(reco);
    auto pid = pids.create();
    pid.setPDG(mc.getPDG());
    pid.setLikelihood(0.8f);
    pid.setParticle(reco);
  }

  frame.put(std::move(headers), "EventHeader");
  frame.put(std::move(mcs), "MCParticles");
  frame.put(std::move(genParams), "GeneratorEventParameters");
  frame.put(std::move(simHits), "SimTrackerHits");
  frame.put(std::move(hits3d), "TrackerHits3D");
  frame.put(std::move(hitsPlane), "TrackerHitPlanes");
  frame.put(std::move(wireHits), "SenseWireHits");
  frame.put(std::move(hitLinks), "TrackerHitSimTrackerHitLinks");
  frame.put(std::move(tracks), "Tracks");
  frame.put(std::move(trackLinks), "TrackMCParticleLinks");
  frame.put(std::move(rawSeries), "RawTimeSeries");
  frame.put(std::move(series), "TimeSeries");
  frame.put(std::move(dqdx), "RecDqdx");
  frame.put(std::move(simCalo), "SimCalorimeterHits");
  frame.put(std::move(contributions), "CaloHitContributions");
  frame.put(std::move(rawCalo), "RawCalorimeterHits");
  frame.put(std::move(caloHits), "CalorimeterHits");
  frame.put(std::move(caloSimLinks), "CaloHitSimCaloHitLinks");
  frame.put(std::move(caloMCLinks), "CaloHitMCParticleLinks");
  frame.put(std::move(clusters), "Clusters");
  frame.put(std::move(clusterLinks), "ClusterMCParticleLinks");
  frame.put(std::move(recos), "ReconstructedParticles");
  frame.put(std::move(recoLinks), "RecoMCParticleLinks");
  frame.put(std::move(pids), "ParticleIDs");
  frame.put(std::move(vertices), "Vertices");
  frame.put(std::move(vertexLinks), "VertexRecoParticleLinks");
  frame.putParameter("generator", "podml demo");
  frame.putParameter("sqrtS", 91.2);
  return frame;
}

} // namespace podml::examples
