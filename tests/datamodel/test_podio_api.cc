// The podio API a podio user program calls, checked the way podio's own unit tests
// check it: relation ranges, links as tuples, parameters from brace lists, clone(false),
// bounds-checked indexed getters, podio's exception types, the collection's podio
// members (max_size, getDataTypeName, hasID, reverse iteration, from(range)) and the
// `<package>/<package>.h` header with the model's type lists.
#include "testdm/testdm.h"

#include "podml/Frame.h"
#include "podml/GenericParameters.h"

#include <gtest/gtest.h>

#include <limits>
#include <ranges>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace {

template <typename List>
struct Length;
template <typename... T>
struct Length<podml::utils::TypeList<T...>> : std::integral_constant<std::size_t, sizeof...(T)> {};

template <typename T, typename List>
struct Contains;
template <typename T, typename... U>
struct Contains<T, podml::utils::TypeList<U...>> : std::bool_constant<(std::is_same_v<T, U> || ...)> {};

} // namespace

TEST(PodioApi, PackageHeaderListsTheModelsTypes) {
  static_assert(Contains<ExampleHit, testdm::testdmDataTypes>::value);
  static_assert(Contains<ex::ClusterCollection, testdm::testdmDataCollectionTypes>::value);
  static_assert(!Contains<ex::HitMCLink, testdm::testdmDataTypes>::value, "links are listed apart");
  static_assert(Length<testdm::testdmLinkTypes>::value == 2);
  static_assert(Contains<ex::HitMCLinkCollection, testdm::testdmLinkCollectionTypes>::value);
  static_assert(std::is_same_v<testdm::testdmInterfaceTypes, podml::utils::TypeList<ex::Hit>>);
  SUCCEED();
}

TEST(PodioApi, RelationRangeMembers) {
  ExampleHitCollection hits;
  ex::ClusterCollection clusters;
  auto c = clusters.create();
  const ex::Cluster empty = clusters.create();
  for (int i = 0; i < 3; ++i) {
    auto h = hits.create();
    h.energy(i);
    c.addHits(h);
  }
  const auto range = c.Hits();
  EXPECT_EQ(range.front(), hits[0]);
  EXPECT_EQ(range.back(), hits[2]);
  EXPECT_EQ(*range.cbegin(), hits[0]);
  EXPECT_EQ(range.cend() - range.cbegin(), 3);
  EXPECT_EQ((*range.rbegin()).energy(), 2.);
  EXPECT_TRUE(range);
  EXPECT_FALSE(range.empty());
  EXPECT_FALSE(empty.Hits());
  EXPECT_TRUE(empty.Hits().empty());
}

TEST(PodioApi, LinksDestructureAndSetByType) {
  ExampleHitCollection hits;
  ex::MCCollection mcs;
  auto hit = hits.create();
  auto mc = mcs.create();
  ex::HitMCLinkCollection links;
  auto link = links.create();
  link.set(hit); // From, chosen by type
  link.set(mc);  // To
  link.setWeight(0.5f);
  const ex::HitMCLink imm = link;
  const auto& [from, to, weight] = imm;
  EXPECT_EQ(from, hit);
  EXPECT_EQ(to, mc);
  EXPECT_EQ(weight, 0.5f);
  static_assert(std::tuple_size_v<ex::HitMCLink> == 3);
  static_assert(std::is_same_v<std::tuple_element_t<0, ex::HitMCLink>, ExampleHit>);
  static_assert(std::is_same_v<std::tuple_element_t<1, ex::MutableHitMCLink>, ex::MC>);
  static_assert(std::is_same_v<std::tuple_element_t<2, ex::HitMCLink>, float>);
  int seen = 0;
  for (const auto& [f, t, w] : links) {
    EXPECT_EQ(f, hit);
    EXPECT_EQ(t, mc);
    EXPECT_EQ(w, 0.5f);
    ++seen;
  }
  EXPECT_EQ(seen, 1);
}

TEST(PodioApi, ParametersFromBraceListsOfEveryType) {
  podml::Frame frame;
  frame.putParameter("ints", {1, 2, 3});
  frame.putParameter("floats", {1.5f, 2.5f});
  frame.putParameter("doubles", {0.25, 0.5});
  frame.putParameter("strings", {"a", "b"});
  EXPECT_EQ(frame.getParameter<std::vector<int>>("ints"), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(frame.getParameter<std::vector<float>>("floats"), (std::vector<float>{1.5f, 2.5f}));
  EXPECT_EQ(frame.getParameter<std::vector<double>>("doubles"), (std::vector<double>{0.25, 0.5}));
  EXPECT_EQ(frame.getParameter<std::vector<std::string>>("strings"), (std::vector<std::string>{"a", "b"}));
}

TEST(PodioApi, CloneWithoutRelationsDropsRelationsAndVectorMembers) {
  ex::ClusterCollection clusters;
  ex::MCCollection mcs;
  ex::WithEverythingCollection coll;
  auto target = clusters.create();
  auto mc = mcs.create();
  auto obj = coll.create();
  obj.scalar(4.f);
  obj.cluster(target);
  obj.addparticles(mc);
  obj.addweights(1.);
  obj.addweights(2.);
  obj.addpoints(ex::Vec2{1.f, 2.f});

  const auto full = obj.clone();
  EXPECT_EQ(full.scalar(), 4.f);
  EXPECT_EQ(full.cluster(), target);
  EXPECT_EQ(full.particles_size(), 1u);
  EXPECT_EQ(full.weights_size(), 2u);
  EXPECT_EQ(full.points_size(), 1u);

  const auto bare = obj.clone(false);
  EXPECT_EQ(bare.scalar(), 4.f);
  EXPECT_FALSE(bare.cluster().isAvailable());
  EXPECT_EQ(bare.particles_size(), 0u);
  EXPECT_EQ(bare.weights_size(), 0u);
  EXPECT_EQ(bare.points_size(), 0u);
  // The immutable handle's clone is the same.
  const ex::WithEverything imm = obj;
  EXPECT_EQ(imm.clone(false).weights_size(), 0u);
  EXPECT_EQ(imm.clone(true).weights_size(), 2u);
}

TEST(PodioApi, IndexedGettersAreBoundsChecked) {
  ExampleHitCollection hits;
  ex::ClusterCollection clusters;
  auto c = clusters.create();
  c.addHits(hits.create());
  EXPECT_EQ(c.Hits(0), hits[0]);
  EXPECT_THROW(c.Hits(1), std::out_of_range);

  ex::WithEverythingCollection coll;
  auto obj = coll.create();
  obj.addweights(3.);
  obj.addpoints(ex::Vec2{1.f, 2.f});
  EXPECT_EQ(obj.weights(0), 3.);
  EXPECT_THROW(obj.weights(1), std::out_of_range);
  EXPECT_EQ(obj.points(0).b, 2.f);
  EXPECT_THROW(obj.points(1), std::out_of_range);
  EXPECT_EQ(obj.arr(3), 0.f);
  EXPECT_THROW(obj.arr(4), std::out_of_range);
  try {
    obj.weights(7);
    FAIL() << "no exception";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("ex::WithEverything::weights: index 7 out of range (size 1)"),
              std::string::npos)
        << e.what();
  }
}

TEST(PodioApi, ExceptionTypesAsPodio) {
  ExampleHitCollection hits;
  auto tracked = hits.create();
  ExampleHitCollection other;
  EXPECT_THROW(other.push_back(tracked), std::invalid_argument);
  EXPECT_THROW(other.push_back(ExampleHit(MutableExampleHit())), std::invalid_argument)
      << "immutable objects only go into subset collections";
  EXPECT_THROW(hits.setSubsetCollection(), std::logic_error);
  EXPECT_THROW(hits.at(5), std::out_of_range);

  ExampleHitCollection subset;
  subset.setSubsetCollection();
  EXPECT_THROW(subset.create(), std::logic_error);
  EXPECT_THROW(subset.push_back(MutableExampleHit()), std::invalid_argument) << "untracked objects cannot be referenced";
  subset.push_back(hits[0]);
  EXPECT_EQ(subset.size(), 1u);
}

TEST(PodioApi, CollectionMembersPodioHas) {
  ExampleHitCollection hits;
  EXPECT_EQ(hits.getDataTypeName(), "ExampleHitData");
  EXPECT_EQ(ex::ClusterCollection::dataTypeName, "ex::ClusterData");
  EXPECT_GE(hits.max_size(), static_cast<std::size_t>(std::numeric_limits<int32_t>::max()));
  EXPECT_FALSE(hits.hasID());
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  EXPECT_FALSE(hits.isValid());
#pragma GCC diagnostic pop
  for (int i = 0; i < 3; ++i) {
    hits.create().energy(i);
  }
  std::vector<double> reversed;
  for (auto it = hits.rbegin(); it != hits.rend(); ++it) {
    reversed.push_back(it->energy());
  }
  EXPECT_EQ(reversed, (std::vector<double>{2, 1, 0}));
  const auto& constHits = hits;
  EXPECT_EQ((*constHits.crbegin()).energy(), 2.);

  podml::Frame frame;
  const auto& stored = frame.put(std::move(hits), "hits");
  EXPECT_TRUE(stored.hasID());
}

TEST(PodioApi, CollectionFromRange) {
  ExampleHitCollection hits;
  for (int i = 0; i < 4; ++i) {
    hits.create().energy(i);
  }
  // Immutable handles (a const collection yields them): a subset collection referencing them.
  const auto& constHits = hits;
  auto high =
      ExampleHitCollection::from(constHits | std::views::filter([](const ExampleHit& h) { return h.energy() > 1; }));
  EXPECT_TRUE(high.isSubsetCollection());
  ASSERT_EQ(high.size(), 2u);
  EXPECT_EQ(high[0], hits[2]);

  // Free mutable objects: a collection that owns them.
  std::vector<MutableExampleHit> fresh(2);
  fresh[1].energy(7.);
  auto owned = ExampleHitCollection::from(fresh);
  EXPECT_FALSE(owned.isSubsetCollection());
  ASSERT_EQ(owned.size(), 2u);
  EXPECT_EQ(owned[1].energy(), 7.);
  EXPECT_EQ(fresh[1], owned[1]) << "the free objects now live in the collection";
  // Objects already in a collection cannot be owned twice.
  EXPECT_THROW(ExampleHitCollection::from(fresh), std::invalid_argument);
}

TEST(PodioApi, GenericParametersAsPodio) {
  podml::GenericParameters params;
  params.set("ids", {4, 5, 6});
  params.set("one", 1);
  EXPECT_EQ(params.getN<int>("ids"), 3u);
  EXPECT_EQ(params.getN<int>("missing"), 0u);
  const auto [keys, values] = params.getKeysAndValues<int>();
  EXPECT_EQ(keys, (std::vector<std::string>{"ids", "one"}));
  EXPECT_EQ(values, (std::vector<std::vector<int>>{{4, 5, 6}, {1}}));
}

TEST(PodioApi, PrintWritesEveryRowAsPodio) {
  ExampleHitCollection hits;
  for (int i = 0; i < 8; ++i) {
    hits.create().energy(100 + i);
  }
  std::ostringstream all;
  hits.print(all, false);
  EXPECT_NE(all.str().find("107"), std::string::npos) << all.str();
  std::ostringstream some;
  hits.printRows(some, 2);
  EXPECT_EQ(some.str().find("107"), std::string::npos) << some.str();
  EXPECT_NE(some.str().find("..."), std::string::npos) << some.str();
}
