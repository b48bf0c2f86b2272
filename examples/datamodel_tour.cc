// What the C++ generated from examples/my_model.yaml looks like in use: one
// block per kind of member, in the order of docs/datamodel-syntax.md (whose
// C++ blocks are lines of this file; tests/docs/test_snippets.py checks that).
// Then the struct-of-arrays columns of every datatype, as files store them.
//
//   podml-datamodel-tour     prints the objects it made and the column layout
#include "mymodel/ClusterCollection.h"
#include "mymodel/DatamodelDefinition.h"
#include "mymodel/EnergyDeposit.h"
#include "mymodel/HitCollection.h"
#include "mymodel/ParticleCollection.h"
#include "mymodel/ParticleHitLinkCollection.h"
#include "mymodel/TrackCollection.h"
#include "podml/LinkNavigator.h"

#include <cstdlib>
#include <exception>
#include <iomanip>
#include <iostream>
#include <span>
#include <stdexcept>
#include <string>

namespace {

void require(bool ok, const std::string& what) {
  if (!ok) {
    throw std::runtime_error("datamodel tour: " + what);
  }
}

void tour() {
  // --- Members: builtins, fixed-width integers, components, defaults
  my::HitCollection hits;
  auto hit = hits.create();
  hit.setCellID(0x1234);
  hit.setEnergy(1.5f);                   // float energy [GeV]: the unit is documentation and column metadata
  hit.setPosition({10.f, 0.f, 5.f});     // my::Vector3f position [mm]
  int32_t quality = hit.getQuality();    // int32_t quality{1}: 1 until set
  float r = hit.getPosition().r();       // the component's ExtraCode
  hit.position().z = 6.f;                // one field of a component member

  require(quality == 1, "default value of quality");
  require(r > 11.1f && r < 11.2f, "component ExtraCode");
  require(hit.getPosition().z == 6.f, "write-back of a component field");
  auto hit2 = hits.create(uint64_t{0x1235}, 0.5f, 1.f, my::Vector3f{11.f, 0.f, 5.f}, 1);

  // --- std::array members, VectorMembers, OneToManyRelations, ExtraCode
  my::ClusterCollection clusters;
  auto cluster = clusters.create();
  cluster.setEnergy(hit.getEnergy() + hit2.getEnergy());
  cluster.setShape({0.5f, 0.25f, 0.125f});  // std::array<float, 3> shape
  cluster.addToHits(hit);                   // OneToManyRelations: my::Hit hits
  cluster.addToHits(hit2);
  cluster.addToHitFractions(1.f);           // VectorMembers: float hitFractions
  cluster.addToHitFractions(0.5f);
  for (const my::Hit h : cluster.getHits()) {
    std::cout << "hit " << h.getCellID() << " E=" << h.getEnergy() << " GeV\n";
  }
  std::span<const float> fractions = cluster.getHitFractions();
  float mean = cluster.meanHitEnergy();     // the datatype's ExtraCode

  require(cluster.getShape(1) == 0.25f, "array element");
  require(cluster.hits_size() == 2 && fractions.size() == 2 && fractions[1] == 0.5f, "vector member and relation");
  require(mean == 1.f, "datatype ExtraCode");

  // --- Nested components, arrays of components, component vector members
  my::TrackCollection tracks;
  auto track = tracks.create();
  track.helix().omega = 0.002f;             // my::Helix helix -> float omega [1/mm]
  track.helix().cov.values[0] = 0.01f;      // -> my::CovMatrix3f cov -> std::array<float, 6> values
  track.setEnds({my::Vector3f{0.f, 0.f, 0.f}, my::Vector3f{1000.f, 0.f, 0.f}});
  track.addToPoints({500.f, 1.f, 0.f});     // VectorMembers: my::Vector3f points [mm]
  track.addToHits(hit);

  require(track.getHelix().omega == 0.002f && track.getHelix().cov.values[0] == 0.01f, "nested components");
  require(track.getEnds(1).x == 1000.f && track.getPoints(0).y == 1.f, "arrays and vectors of components");

  // --- OneToOneRelations, relations to an interface, MutableExtraCode
  my::ParticleCollection particles;
  auto particle = particles.create();
  particle.setPDG(-11);
  particle.setTrack(track);                 // OneToOneRelations: my::Track track
  particle.addToDeposits(hit);              // OneToManyRelations: my::EnergyDeposit deposits
  particle.addToDeposits(cluster);          //   (an interface: any of its Types)
  particle.flipCharge();                    // MutableExtraCode; charge{-1} becomes +1
  for (const my::EnergyDeposit d : particle.getDeposits()) {
    std::cout << d.getValueTypeName() << " E=" << d.getEnergy() << " GeV\n";
  }

  require(particle.getCharge() == 1.f, "MutableExtraCode on a default");
  require(particle.getTrack() == track, "one-to-one relation");
  require(particle.getDeposits(1).isA<my::Cluster>() && particle.getDeposits(1).as<my::Cluster>() == cluster,
          "interface relation");

  // --- Links
  my::ParticleHitLinkCollection links;
  auto link = links.create();
  link.setFrom(particle);
  link.setTo(hit);
  link.setWeight(0.9f);
  const podml::LinkNavigator nav(links);
  for (const auto& [linkedHit, weight] : nav.getLinked(particle)) {
    std::cout << "particle -> hit " << linkedHit.getCellID() << " (weight " << weight << ")\n";
  }

  require(nav.getLinked(particle).size() == 1 && nav.getLinked(hit).size() == 1, "link navigator");

  // --- Columns: one per scalar leaf, spans over the collection's storage
  std::span<const float> x = hits.column<float>("position.x");
  std::span<const float> energies = hits.energy();        // podio's collection accessor, without a copy
  std::span<const uint32_t> begins = clusters.column<uint32_t>("hits_begin");

  require(x.size() == 2 && x[1] == 11.f && energies[0] == 1.5f && begins[0] == 0, "columns");
}

/// The column layout of each datatype, as docs/datamodel-syntax.md tabulates it.
void printColumns() {
  const auto& def = podml::models::mymodel::definition();
  for (const auto& type : def.datatypes) {
    std::cout << "\n" << type.name << (type.isLink ? " (link)" : "") << "\n";
    for (const auto& c : type.columns) {
      std::string shape;
      for (const auto n : c.shape) {
        shape += "[" + std::to_string(n) + "]";
      }
      std::cout << "  " << std::left << std::setw(20) << c.path << " " << std::setw(12)
                << (std::string(podml::dtypeName(c.dtype)) + shape) << " " << std::setw(12)
                << podml::columnKindName(c.kind) << (c.unit.empty() ? "" : " [" + c.unit + "]") << "\n";
    }
    for (const auto& rel : type.relations) {
      std::cout << "  " << std::left << std::setw(20) << (rel.name + ".index") << " int32, and "
                << (rel.name + ".collectionID") << " uint32: ObjectIDs of " << rel.type
                << (rel.many ? " (one-to-many)" : " (one-to-one)") << "\n";
    }
  }
}

} // namespace

int main() {
  try {
    tour();
    printColumns();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "podml-datamodel-tour: error: " << e.what() << "\n";
    return 1;
  }
}
