// podio idioms that ported podio code relies on: ExtraCode implementations with
// {name}, interface members supplied by ExtraCode, references to builtin members
// of mutable handles, write-back of exposed component members, iterator ->.
#include "testdm/ExampleHitCollection.h"
#include "testdm/FakeHitCollection.h"
#include "testdm/Hit.h"
#include "testdm/MCCollection.h"
#include "testdm/WithEverythingCollection.h"
#include "testdm/WithImplementationCollection.h"

#include "podml/GenericParameters.h"

#include <gtest/gtest.h>

#include <type_traits>

TEST(PodioIdioms, ExtraCodeImplementationWithNamePlaceholder) {
  ex::WithImplementationCollection coll;
  auto m = coll.create();
  m.Number(3);
  EXPECT_EQ(m.add(4), 7);
  EXPECT_EQ(m.twice(), 14);
  const ex::WithImplementation imm = coll[0];
  EXPECT_EQ(imm.twice(), 14);
}

TEST(PodioIdioms, InterfaceMemberFromExtraCode) {
  ex::FakeHitCollection fakes;
  auto f = fakes.create();
  f.layer(5);
  const ex::Hit h = fakes[0];
  EXPECT_TRUE(h.isA<ex::FakeHit>());
  EXPECT_EQ(h.energy(), 105.);
}

TEST(PodioIdioms, MutableHandlesReferenceBuiltinMembers) {
  static_assert(std::is_same_v<decltype(std::declval<MutableExampleHit>().energy()), double&>);
  static_assert(std::is_same_v<decltype(std::declval<ExampleHit>().energy()), double>);
  ExampleHitCollection hits;
  auto h = hits.create();
  h.energy() = 2.;
  h.energy() += 1.;
  EXPECT_EQ(hits[0].energy(), 3.);
  ex::WithEverythingCollection every;
  auto w = every.create();
  w.x() = 4.; // exposed builtin member of the position component
  EXPECT_EQ(every[0].position().x, 4.);
  w.inner().b = 6.f; // exposed component member of the nested component: written back
  EXPECT_EQ(every[0].nested().inner.b, 6.f);
  w.counts()[2] = 9; // exposed array member
  EXPECT_EQ(every[0].nested().counts[2], 9);
}

TEST(PodioIdioms, IteratorArrowAndAliases) {
  ex::MCCollection mcs;
  auto p = mcs.create();
  for (int i = 0; i < 3; ++i) {
    auto d = mcs.create();
    d.energy(i);
    p.adddaughters(d);
  }
  double sum = 0;
  for (auto it = p.daughters_begin(); it != p.daughters_end(); ++it) {
    sum += it->energy();
  }
  EXPECT_EQ(sum, 3.);
  ex::MCCollectionIterator cit = std::as_const(mcs).begin();
  EXPECT_EQ(cit->daughters_size(), 3u);
  ex::MCMutableCollectionIterator mit = mcs.begin();
  (mit + 1)->energy(10.);
  EXPECT_EQ(mcs[1].energy(), 10.);
}

TEST(PodioIdioms, ParametersFromBraceLists) {
  podml::GenericParameters gp;
  gp.set("ints", {1, 2, 3, 4});
  gp.set("doubles", {1.5, 2.5});
  gp.set("strings", {"a", "b"});
  EXPECT_EQ(gp.get<std::vector<int>>("ints"), (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(gp.get<std::vector<double>>("doubles"), (std::vector<double>{1.5, 2.5}));
  EXPECT_EQ(gp.get<std::vector<std::string>>("strings"), (std::vector<std::string>{"a", "b"}));
}

// podio's RelationRange as user code walks it: front(), back(), cbegin()/cend(), empty(),
// operator bool, and backwards; component vector members the same way.
TEST(PodioIdioms, RelationRangeAsPodioOffersIt) {
  ex::MCCollection mcs;
  auto p = mcs.create();
  const auto none = p.daughters();
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(static_cast<bool>(none));
  for (int i = 0; i < 3; ++i) {
    auto d = mcs.create();
    d.energy(i + 1.);
    p.adddaughters(d);
  }
  const auto ds = p.daughters();
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds.front(), mcs[1]);
  EXPECT_EQ(ds.back(), mcs[3]);
  double forward = 0;
  for (auto it = ds.cbegin(); it != ds.cend(); ++it) {
    forward = 10 * forward + it->energy();
  }
  EXPECT_EQ(forward, 123.);
  double backward = 0;
  for (auto it = ds.rbegin(); it != ds.rend(); ++it) {
    backward = 10 * backward + it->energy();
  }
  EXPECT_EQ(backward, 321.);
  EXPECT_THROW(ds.at(3), std::out_of_range);

  ex::WithEverythingCollection all;
  auto w = all.create();
  w.addpoints({1.f, 2.f});
  w.addpoints({3.f, 4.f});
  const auto pts = w.points();
  ASSERT_TRUE(pts);
  EXPECT_EQ(pts.front().a, 1.f);
  EXPECT_EQ(pts.back().b, 4.f);
  EXPECT_EQ((*pts.rbegin()).a, 3.f);
  EXPECT_EQ(pts.cend() - pts.cbegin(), 2);
}
