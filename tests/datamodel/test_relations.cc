// Unit tests of relations in the testdm data model: one-to-one, one-to-many,
// self references (ex::Referencing), cyclic MC parent/daughter graphs,
// relations to an interface (ex::WithEverything::anyHit), relation ranges;
// subset collections; links with podml::LinkNavigator; interface handles
// (ex::Hit). Modelled on podio's unittest.cpp, links.cpp, interface_types.cpp.

#include "testdm/AnyHitClusterLinkCollection.h"
#include "testdm/ClusterCollection.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/Hit.h"
#include "testdm/HitMCLinkCollection.h"
#include "testdm/MCCollection.h"
#include "testdm/OtherHitCollection.h"
#include "testdm/ReferencingCollection.h"
#include "testdm/WithEverythingCollection.h"

#include "podml/Exceptions.h"
#include "podml/LinkNavigator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <numeric>
#include <ranges>
#include <stdexcept>
#include <type_traits>
#include <vector>

using namespace ex;

namespace {

// ---------------------------------------------------------------- one-to-one

TEST(Relations, OneToOneUnsetIsNotAvailable) {
  WithEverythingCollection coll;
  auto we = coll.create();
  EXPECT_FALSE(we.cluster().isAvailable());
  EXPECT_FALSE(we.anyHit().isAvailable());
  MutableReferencing r;
  EXPECT_FALSE(r.Ref().isAvailable());
}

TEST(Relations, OneToOneSetAndGet) {
  ClusterCollection clusters;
  auto cl = clusters.create(12.f);
  WithEverythingCollection coll;
  auto we = coll.create();
  we.cluster(cl);
  EXPECT_TRUE(we.cluster().isAvailable());
  EXPECT_TRUE(we.cluster() == cl);
  EXPECT_EQ(we.cluster().energy(), 12.f);
  cl.energy(13.f);
  EXPECT_EQ(std::as_const(coll)[0].cluster().energy(), 13.f) << "a relation is a reference, not a copy";
  // overwrite
  auto cl2 = clusters.create(1.f);
  we.cluster(cl2);
  EXPECT_TRUE(we.cluster() == cl2);
  // equality works both ways (podio "Equality")
  auto returned = we.cluster();
  EXPECT_TRUE(cl2 == returned);
  EXPECT_TRUE(returned == cl2);
}

TEST(Relations, OneToOneBetweenFreeObjects) {
  MutableCluster cl;
  cl.energy(5.f);
  MutableWithEverything we;
  we.cluster(cl);
  EXPECT_TRUE(we.cluster() == cl);
  EXPECT_EQ(we.cluster().energy(), 5.f);
}

TEST(Relations, OneToOneSurvivesPushBackOfTheOwner) {
  ClusterCollection clusters;
  auto cl = clusters.create(3.f);
  MutableWithEverything we;
  we.cluster(cl);
  we.addparticles(MC(1., 22, 1));
  WithEverythingCollection coll;
  coll.push_back(we);
  EXPECT_TRUE(coll[0].cluster() == cl);
  EXPECT_TRUE(we.cluster() == cl);
  ASSERT_EQ(coll[0].particles_size(), 1u);
  EXPECT_EQ(coll[0].particles(0).PDG(), 22);
}

// ---------------------------------------------------------------- one-to-many

TEST(Relations, OneToManyOrderSizeAndIndexing) {
  ExampleHitCollection hits;
  auto h0 = hits.create(0x42ULL, 0., 0., 0., 0.);
  auto h1 = hits.create(0x42ULL, 1., 1., 1., 1.);
  auto h2 = hits.create(0x42ULL, 2., 2., 2., 2.);
  ClusterCollection clusters;
  auto cl = clusters.create();
  EXPECT_EQ(cl.Hits_size(), 0u);
  EXPECT_TRUE(cl.Hits().empty());
  cl.addHits(h0);
  cl.addHits(h1);
  cl.addHits(h2);
  ASSERT_EQ(cl.Hits_size(), 3u);
  EXPECT_EQ(cl.Hits().size(), 3u);
  int index = 0;
  for (auto it = cl.Hits_begin(), end = cl.Hits_end(); it != end; ++it) {
    EXPECT_EQ((*it).energy(), index);
    ++index;
  }
  EXPECT_EQ(index, 3);
  EXPECT_TRUE(cl.Hits(1) == h1);
  EXPECT_TRUE(cl.Hits()[2] == h2);
  EXPECT_TRUE(cl.Hits().at(0) == h0);
  EXPECT_THROW(cl.Hits().at(3), std::out_of_range);
  // the same object may be added twice
  cl.addHits(h0);
  EXPECT_EQ(cl.Hits_size(), 4u);
  EXPECT_TRUE(cl.Hits(3) == h0);
}

TEST(Relations, OneToManyRangeWorksWithAlgorithms) {
  ExampleHitCollection hits;
  ClusterCollection clusters;
  auto cl = clusters.create();
  for (int i = 0; i < 6; ++i) {
    cl.addHits(hits.create(0ULL, 0., 0., 0., double(i)));
  }
  auto range = cl.Hits();
  static_assert(std::ranges::random_access_range<decltype(range)>);
  const double sum = std::accumulate(range.begin(), range.end(), 0.,
                                     [](double s, const ExampleHit& h) { return s + h.energy(); });
  EXPECT_EQ(sum, 15.);
  EXPECT_EQ(std::ranges::count_if(range, [](const ExampleHit& h) { return h.energy() >= 3.; }), 3);
  auto found = std::ranges::find(range, ExampleHit(hits[4]));
  EXPECT_EQ(found - range.begin(), 4);
  EXPECT_EQ(range.end() - range.begin(), 6);
}

TEST(Relations, VariadicCreateHandlesRelations) {
  ClusterCollection clusters;
  auto variadic = clusters.create(3.14f);
  auto normal = clusters.create();
  normal.energy(42);
  variadic.addClusters(normal);
  EXPECT_EQ(variadic.energy(), 3.14f);
  ASSERT_EQ(variadic.Clusters_size(), 1u);
  EXPECT_TRUE(variadic.Clusters(0) == normal);
  EXPECT_EQ(variadic.Clusters(0).energy(), 42.f);
}

TEST(Relations, InterleavedAppendsToOneToManyKeepEachObjectsTargets) {
  MCCollection mcs;
  std::vector<MutableMC> ps;
  for (int i = 0; i < 4; ++i) {
    ps.push_back(mcs.create(double(i), 100 + i, 1));
  }
  ClusterCollection clusters;
  ExampleHitCollection hits;
  auto a = clusters.create();
  auto b = clusters.create();
  auto c = clusters.create();
  std::vector<MutableExampleHit> hs;
  for (int i = 0; i < 9; ++i) {
    hs.push_back(hits.create(0ULL, 0., 0., 0., double(i)));
  }
  // a: 0 3 6, b: 1 4 7, c: 2 5 8 -- appended round robin
  for (int i = 0; i < 9; ++i) {
    auto& target = (i % 3 == 0) ? a : (i % 3 == 1) ? b : c;
    target.addHits(hs[i]);
  }
  for (int k = 0; k < 3; ++k) {
    const auto& cl = k == 0 ? a : k == 1 ? b : c;
    ASSERT_EQ(cl.Hits_size(), 3u);
    for (int j = 0; j < 3; ++j) {
      EXPECT_EQ(cl.Hits(j).energy(), double(k + 3 * j)) << "cluster " << k << " hit " << j;
    }
  }
}

// ---------------------------------------------------------------- self and cyclic

TEST(Relations, SelfReferencingOneAndMany) {
  ReferencingCollection refs;
  auto r0 = refs.create();
  auto r1 = refs.create();
  auto r2 = refs.create();
  r0.Ref(r1);
  r1.Ref(r0);
  r2.Ref(r2); // refers to itself
  r0.addRefs(r1);
  r0.addRefs(r2);
  r0.addRefs(r0);
  EXPECT_TRUE(r0.Ref() == r1);
  EXPECT_TRUE(r0.Ref().Ref() == r0);
  EXPECT_TRUE(r2.Ref() == r2);
  ASSERT_EQ(r0.Refs_size(), 3u);
  EXPECT_TRUE(r0.Refs(0) == r1);
  EXPECT_TRUE(r0.Refs(1) == r2);
  EXPECT_TRUE(r0.Refs(2) == r0);
  EXPECT_EQ(r1.Refs_size(), 0u);
  EXPECT_EQ(r0.Refs(2).Refs_size(), 3u);
}

TEST(Relations, CyclicAcrossTwoCollections) {
  // podio's "Cyclic": start -> end -> start
  ReferencingCollection c1, c2;
  auto start = c1.create();
  EXPECT_FALSE(start.Ref().isAvailable());
  auto end = c2.create();
  start.Ref(end);
  EXPECT_TRUE(start.Ref().isAvailable());
  end.Ref(start);
  EXPECT_TRUE(start == end.Ref());
  auto endEq = start.Ref();
  auto startEq = endEq.Ref();
  EXPECT_TRUE(start == startEq);
  EXPECT_TRUE(start == start.Ref().Ref());
}

TEST(Relations, MCParentsAndDaughters) {
  MCCollection mcs;
  auto mother = mcs.create(100., 23, 2);
  auto d1 = mcs.create(50., 11, 1);
  auto d2 = mcs.create(50., -11, 1);
  mother.adddaughters(d1);
  mother.adddaughters(d2);
  d1.addparents(mother);
  d2.addparents(mother);
  // navigate the cycle
  ASSERT_EQ(mother.daughters_size(), 2u);
  for (const auto d : mother.daughters()) {
    ASSERT_EQ(d.parents_size(), 1u);
    EXPECT_TRUE(d.parents(0) == mother);
    EXPECT_EQ(d.parents(0).daughters_size(), 2u);
  }
  EXPECT_EQ(mother.daughters(1).PDG(), -11);
  EXPECT_TRUE(mother.daughters(0).parents(0).daughters(1) == d2);
  EXPECT_EQ(mother.parents_size(), 0u);
}

TEST(Relations, CyclicFreeObjectsPushedIntoCollection) {
  MutableMC mother(10., 23, 2);
  MutableMC daughter(5., 13, 1);
  mother.adddaughters(daughter);
  daughter.addparents(mother);
  MCCollection mcs;
  mcs.setID(5);
  mcs.push_back(mother);
  mcs.push_back(daughter);
  ASSERT_EQ(mcs.size(), 2u);
  EXPECT_TRUE(mcs[0].daughters(0) == mcs[1]);
  EXPECT_TRUE(mcs[1].parents(0) == mcs[0]);
  EXPECT_EQ(mcs[0].daughters(0).id(), (podml::ObjectID{1, 5}));
  EXPECT_EQ(mcs[1].parents(0).id(), (podml::ObjectID{0, 5}));
  EXPECT_EQ(mcs[1].parents(0).energy(), 10.);
}

// ---------------------------------------------------------------- relations to an interface

TEST(Relations, OneToOneToInterface) {
  ExampleHitCollection hits;
  auto eh = hits.create(1ULL, 0., 0., 0., 7.);
  OtherHitCollection others;
  auto oh = others.create(8., 1.f, 3);
  WithEverythingCollection coll;
  auto a = coll.create();
  auto b = coll.create();
  a.anyHit(eh);
  b.anyHit(oh);
  EXPECT_TRUE(a.anyHit().isA<ExampleHit>());
  EXPECT_FALSE(a.anyHit().isA<OtherHit>());
  EXPECT_TRUE(b.anyHit().isA<OtherHit>());
  EXPECT_EQ(a.anyHit().energy(), 7.);
  EXPECT_EQ(b.anyHit().energy(), 8.);
  EXPECT_EQ(b.anyHit().as<OtherHit>().layer(), 3);
  EXPECT_TRUE(a.anyHit() == eh);
  EXPECT_TRUE(b.anyHit() == oh);
  EXPECT_FALSE(a.anyHit() == b.anyHit());
}

// ---------------------------------------------------------------- subset collections

TEST(Subset, ReferencesObjectsOfAnotherCollection) {
  ClusterCollection clusters;
  clusters.setID(42);
  auto cl = clusters.create();
  ClusterCollection refs;
  refs.setSubsetCollection();
  EXPECT_TRUE(refs.isSubsetCollection());
  refs.push_back(cl);
  auto ref = refs[0];
  static_assert(std::is_same_v<decltype(ref), decltype(cl)>);
  EXPECT_TRUE(ref == cl);
  cl.energy(42);
  EXPECT_EQ(ref.energy(), 42.f);
  ref.energy(-42);
  EXPECT_EQ(cl.energy(), -42.f);
  refs.setID(314);
  EXPECT_EQ(refs.getID(), 314u);
  for (auto c : refs) {
    EXPECT_EQ(c.getObjectID().collectionID, 42u) << "subset elements keep the IDs of their collection";
  }
}

TEST(Subset, IterationAndIndexing) {
  ExampleHitCollection hits;
  hits.create(0x42ULL, 0., 0., 0., 0.);
  hits.create(0x42ULL, 1., 1., 1., 1.);
  hits.create(0x42ULL, 2., 2., 2., 2.);
  ExampleHitCollection refs;
  refs.setSubsetCollection();
  // reversed order, to make sure the subset has its own order
  for (int i = 2; i >= 0; --i) {
    refs.push_back(std::as_const(hits)[static_cast<std::size_t>(i)]);
  }
  ASSERT_EQ(refs.size(), 3u);
  for (std::size_t i = 0; i < refs.size(); ++i) {
    EXPECT_EQ(refs[i].energy(), 2. - double(i));
    EXPECT_EQ(refs.at(i).energy(), 2. - double(i));
  }
  int index = 2;
  for (const auto h : std::as_const(refs)) {
    EXPECT_EQ(h.energy(), index--);
  }
  EXPECT_THROW(refs.at(3), std::out_of_range);
  // the same object may be referenced twice
  refs.push_back(hits[0]);
  EXPECT_EQ(refs.size(), 4u);
  EXPECT_TRUE(refs[3] == refs[2]);
}

TEST(Subset, CannotCreateInSubsetCollection) {
  ClusterCollection refs;
  refs.setSubsetCollection();
  EXPECT_THROW(refs.create(), std::logic_error);
  EXPECT_EQ(refs.size(), 0u);
}

TEST(Subset, CannotChangeSubsetStatusOfNonEmptyCollection) {
  ClusterCollection clusters;
  clusters.create();
  EXPECT_THROW(clusters.setSubsetCollection(), std::logic_error);
  ClusterCollection refs;
  refs.setSubsetCollection();
  refs.push_back(clusters[0]);
  EXPECT_THROW(refs.setSubsetCollection(false), std::logic_error);
}

TEST(Subset, OnlyHandlesTrackedObjects) {
  // podio: pushing an object that is in no collection into a subset collection
  // throws (std::invalid_argument): a subset can only reference tracked objects.
  ClusterCollection refs;
  refs.setSubsetCollection();
  MutableCluster freeCluster;
  EXPECT_THROW(refs.push_back(freeCluster), std::invalid_argument);
}

TEST(Subset, HoldsNoColumns) {
  ClusterCollection clusters;
  clusters.create(1.f);
  ClusterCollection refs;
  refs.setSubsetCollection();
  refs.push_back(clusters[0]);
  EXPECT_THROW(refs.column<float>("energy"), podml::UsageError);
}

// ---------------------------------------------------------------- links

TEST(Links, BasicsAndGetTemplate) {
  ExampleHitCollection hits;
  auto h = hits.create(1ULL, 0., 0., 0., 1.);
  MCCollection mcs;
  auto p = mcs.create(2., 11, 1);
  HitMCLinkCollection links;
  auto l = links.create();
  EXPECT_EQ(l.getWeight(), 1.f) << "podio's link weight defaults to 1";
  EXPECT_FALSE(l.getFrom().isAvailable());
  l.setFrom(h);
  l.setTo(p);
  l.setWeight(0.5f);
  EXPECT_TRUE(l.getFrom() == h);
  EXPECT_TRUE(l.getTo() == p);
  EXPECT_TRUE(l.get<ExampleHit>() == h);
  EXPECT_TRUE(l.get<MC>() == p);
  EXPECT_EQ(std::as_const(links)[0].getWeight(), 0.5f);
  static_assert(std::is_same_v<podml::LinkCollection<ExampleHit, MC>, HitMCLinkCollection>);
  static_assert(std::is_same_v<podml::LinkCollection<Hit, Cluster>, AnyHitClusterLinkCollection>);
}

TEST(Links, NavigatorBothDirectionsWithWeights) {
  ExampleHitCollection hits;
  auto h0 = hits.create();
  auto h1 = hits.create();
  auto h2 = hits.create();
  MCCollection mcs;
  auto p0 = mcs.create();
  auto p1 = mcs.create();
  HitMCLinkCollection links;
  auto add = [&](const ExampleHit& h, const MC& p, float w) {
    auto l = links.create();
    l.setFrom(h);
    l.setTo(p);
    l.setWeight(w);
  };
  add(h0, p0, 0.25f);
  add(h0, p1, 0.75f);
  add(h1, p1, 1.0f);

  podml::LinkNavigator nav(links);
  auto fromH0 = nav.getLinked(h0);
  ASSERT_EQ(fromH0.size(), 2u);
  EXPECT_TRUE(fromH0[0].o == p0);
  EXPECT_EQ(fromH0[0].weight, 0.25f);
  EXPECT_TRUE(fromH0[1].o == p1);
  EXPECT_EQ(fromH0[1].weight, 0.75f);

  auto toP1 = nav.getLinked(p1);
  ASSERT_EQ(toP1.size(), 2u);
  EXPECT_TRUE(toP1[0].o == h0);
  EXPECT_EQ(toP1[0].weight, 0.75f);
  EXPECT_TRUE(toP1[1].o == h1);
  EXPECT_EQ(toP1[1].weight, 1.0f);

  EXPECT_TRUE(nav.getLinked(h2).empty());
  EXPECT_EQ(nav.getLinked(p0, podml::ReturnFrom).size(), 1u);
  EXPECT_EQ(nav.getLinked(h1, podml::ReturnTo).size(), 1u);
  EXPECT_TRUE(nav.getLinked(h1, podml::ReturnTo)[0].o == p1);
  // mutable handles are accepted as keys
  EXPECT_EQ(nav.getLinked(MC(p1)).size(), 2u);
}

TEST(Links, InterfaceTypedFrom) {
  ExampleHitCollection hits;
  auto eh = hits.create(1ULL, 0., 0., 0., 1.);
  OtherHitCollection others;
  auto oh = others.create(2., 0.f, 1);
  ClusterCollection clusters;
  auto c0 = clusters.create();
  auto c1 = clusters.create();
  AnyHitClusterLinkCollection links;
  auto l0 = links.create(0.1f);
  l0.setFrom(eh);
  l0.setTo(c0);
  auto l1 = links.create(0.9f);
  l1.setFrom(oh);
  l1.setTo(c0);
  auto l2 = links.create(0.5f);
  l2.setFrom(oh);
  l2.setTo(c1);

  EXPECT_TRUE(l0.getFrom().isA<ExampleHit>());
  EXPECT_TRUE(l1.getFrom().isA<OtherHit>());

  podml::LinkNavigator nav(links);
  auto toC0 = nav.getLinked(c0);
  ASSERT_EQ(toC0.size(), 2u);
  EXPECT_TRUE(toC0[0].o == eh);
  EXPECT_TRUE(toC0[1].o == oh);
  EXPECT_EQ(toC0[1].weight, 0.9f);
  EXPECT_EQ(toC0[1].o.energy(), 2.);

  auto fromOther = nav.getLinked(Hit(oh));
  ASSERT_EQ(fromOther.size(), 2u);
  EXPECT_TRUE(fromOther[0].o == c0);
  EXPECT_TRUE(fromOther[1].o == c1);
  EXPECT_EQ(nav.getLinked(Hit(eh)).size(), 1u);
}

TEST(Links, FreeLinkPushedIntoCollection) {
  MCCollection mcs;
  auto p = mcs.create();
  ExampleHitCollection hits;
  auto h = hits.create();
  MutableHitMCLink l(0.3f);
  l.setFrom(h);
  l.setTo(p);
  HitMCLinkCollection links;
  links.push_back(l);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(std::as_const(links)[0].getWeight(), 0.3f);
  EXPECT_TRUE(std::as_const(links)[0].getTo() == p);
  EXPECT_TRUE(std::as_const(links)[0].getFrom() == h);
}

// ---------------------------------------------------------------- interfaces

TEST(Interfaces, HoldsAnyInterfacedTypeIsAAs) {
  ExampleHitCollection hits;
  auto eh = hits.create(1ULL, 0., 0., 0., 4.);
  MutableOtherHit oh(6., 1.f, 2);

  Hit a = eh;
  Hit b = oh;
  EXPECT_TRUE(a.isA<ExampleHit>());
  EXPECT_FALSE(a.isA<OtherHit>());
  EXPECT_TRUE(b.isA<OtherHit>());
  EXPECT_EQ(a.getValueTypeName(), "ExampleHit");
  EXPECT_EQ(b.getValueTypeName(), "ex::OtherHit");
  EXPECT_EQ(a.as<ExampleHit>().cellID(), 1ULL);
  EXPECT_EQ(b.as<OtherHit>().time(), 1.f);
  EXPECT_THROW(a.as<OtherHit>(), std::runtime_error);
  EXPECT_THROW(b.as<ExampleHit>(), std::runtime_error);
  static_assert(Hit::isInitializableFrom<ExampleHit>);
  static_assert(Hit::isInitializableFrom<MutableOtherHit>);
  static_assert(!Hit::isInitializableFrom<MC>);
}

template <typename I, typename T>
concept InterfaceHandsOut = requires(const I& i) { i.template as<T>(); };

template <typename T, typename I>
void expectNoMutableHandleFrom(const I& iface) {
  if constexpr (InterfaceHandsOut<I, T>) {
    EXPECT_THROW((void)iface.template as<T>(), std::runtime_error)
        << "a read-only interface handle gave out a " << T::typeName << " mutable handle";
  } else {
    SUCCEED();
  }
}

TEST(Interfaces, DoNotHandOutMutableHandles) {
  // podio: isA<T>/as<T> only accept the interfaced (immutable) types; an
  // interface handle is read-only. Here as<MutableOtherHit>() must either not
  // be callable or refuse, else a const object reached through an interface
  // (e.g. from a collection in a Frame) can be modified.
  OtherHitCollection others;
  others.create(1., 2.f, 3);
  const auto& constOthers = others;
  const Hit h = constOthers[0];
  expectNoMutableHandleFrom<MutableOtherHit>(h);
  EXPECT_EQ(constOthers[0].energy(), 1.);
}

TEST(Interfaces, GettersDispatchToTheHeldType) {
  ExampleHitCollection hits;
  OtherHitCollection others;
  std::vector<Hit> any{hits.create(0ULL, 0., 0., 0., 1.), others.create(2., 0.f, 0), hits.create(0ULL, 0., 0., 0., 3.)};
  double sum = 0.;
  for (const auto& h : any) {
    sum += h.energy();
  }
  EXPECT_EQ(sum, 6.);
  others[0].energy(10.);
  EXPECT_EQ(any[1].energy(), 10.) << "an interface handle refers to the object";
  EXPECT_THROW(Hit::makeEmpty().energy(), std::runtime_error);
}

TEST(Interfaces, EqualityWithConcreteHandlesAndIDs) {
  ExampleHitCollection hits;
  hits.setID(9);
  auto eh = hits.create();
  auto eh2 = hits.create();
  Hit a = eh;
  EXPECT_TRUE(a == eh);
  EXPECT_TRUE(eh == a);
  EXPECT_TRUE(a == ExampleHit(eh));
  EXPECT_FALSE(a == eh2);
  EXPECT_TRUE(a == Hit(eh));
  EXPECT_FALSE(a == Hit(eh2));
  EXPECT_EQ(a.id(), eh.id());
  EXPECT_EQ(a.getObjectID(), (podml::ObjectID{0, 9}));
  EXPECT_TRUE(Hit::makeEmpty() == Hit::makeEmpty());
  EXPECT_FALSE(Hit::makeEmpty().isAvailable());
  EXPECT_EQ(std::hash<Hit>{}(a), std::hash<Hit>{}(Hit(eh)));
}

TEST(Interfaces, FreeObjectSeenThroughInterfaceAfterPushBack) {
  MutableOtherHit oh(1., 2.f, 3);
  Hit h = oh;
  EXPECT_EQ(h.id().index, podml::ObjectID::untracked);
  OtherHitCollection others;
  others.setID(77);
  others.create();
  others.push_back(oh);
  EXPECT_EQ(h.id(), (podml::ObjectID{1, 77}));
  others[1].energy(5.);
  EXPECT_EQ(h.energy(), 5.);
  EXPECT_TRUE(h.isA<OtherHit>());
}

} // namespace
