// An extension data model (upstream: testdm) generates, compiles and links
// against the upstream model's types, relations and interface.
#include "extension/RegionCollection.h"
#include "extension/RegionMCLinkCollection.h"
#include "testdm/ClusterCollection.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/MCCollection.h"

#include "podml/DataModelRegistry.h"
#include "podml/Frame.h"
#include "podml/LinkNavigator.h"

#include <gtest/gtest.h>

TEST(Extension, UsesUpstreamComponentsRelationsAndInterfaces) {
  ex::ClusterCollection clusters;
  auto seed = clusters.create();
  seed.energy(7.f);
  ExampleHitCollection hits;
  auto hit = hits.create();
  hit.energy(2.5);

  ext::RegionCollection regions;
  auto r = regions.create();
  r.setBox({{1, 2, 3}, {4, 5, 6}});
  r.setCentre({0.5f, 0.25f});
  r.addToCorners({1, 1, 1});
  r.addToCorners({2, 2, 2});
  r.setSeed(seed);
  r.addToHits(hit);
  r.getBox().hi.z = 60; // write-back through an extension component holding an upstream one

  ex::MCCollection mcs;
  auto mc = mcs.create();
  ext::RegionMCLinkCollection links;
  auto link = links.create();
  link.setFrom(r);
  link.setTo(mc);

  podml::Frame frame;
  frame.put(std::move(clusters), "Clusters");
  frame.put(std::move(hits), "Hits");
  frame.put(std::move(mcs), "MCs");
  const auto& stored = frame.put(std::move(regions), "Regions");
  const auto& storedLinks = frame.put(std::move(links), "RegionMC");

  const auto region = stored[0];
  EXPECT_EQ(region.getBox().lo.y, 2);
  EXPECT_EQ(region.getBox().hi.z, 60);
  EXPECT_EQ(region.getCentre().b, 0.25f);
  ASSERT_EQ(region.corners_size(), 2u);
  EXPECT_EQ(region.getCorners(1).x, 2);
  EXPECT_EQ(region.getSeed().energy(), 7.f);
  EXPECT_TRUE(region.getHits(0).isA<ExampleHit>());
  EXPECT_EQ(region.getHits(0).energy(), 2.5);
  EXPECT_EQ(stored.column<double>("box.hi.z")[0], 60);
  EXPECT_EQ(stored.column<double>("corners.y").size(), 2u);
  EXPECT_EQ(region.getSeed().id().collectionID, podml::collectionIDFromName("Clusters"));

  const podml::LinkNavigator nav(storedLinks);
  ASSERT_EQ(nav.getLinked(region).size(), 1u);
  EXPECT_EQ(nav.getLinked(region)[0].o, frame.get<ex::MCCollection>("MCs")[0]);

  const auto* def = podml::DataModelRegistry::instance().find("extension");
  ASSERT_NE(def, nullptr);
  EXPECT_EQ(def->upstream, std::vector<std::string>{"testdm"});
  const auto* regionDef = def->datatype("ext::Region");
  ASSERT_NE(regionDef, nullptr);
  EXPECT_EQ(regionDef->column("box.lo.x")->unit, "mm");
  EXPECT_EQ(regionDef->column("centre.a")->dtype, podml::DType::Float32);
  EXPECT_NE(podml::DataModelRegistry::instance().find("testdm"), nullptr);
}
