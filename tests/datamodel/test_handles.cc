// Unit tests of the generated handle types of the testdm data model:
// ownership and lifetime of free objects, push_back semantics, ObjectIDs,
// cloning, identity (==, <, std::hash), makeEmpty/unlink, indexed access,
// iteration and use with std algorithms and ranges. Modelled on podio's
// tests/unittests/unittest.cpp and std_interoperability.cpp.

#include "testdm/ClusterCollection.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/MCCollection.h"
#include "testdm/WithEverythingCollection.h"

#include "podml/Exceptions.h"
#include "podml/Frame.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <ranges>
#include <set>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <unordered_set>
#include <vector>

using namespace ex;

namespace {

constexpr podml::ObjectID kUntracked{podml::ObjectID::untracked, static_cast<uint32_t>(podml::ObjectID::untracked)};

// ---------------------------------------------------------------- ownership

TEST(Ownership, FreeObjectHasUntrackedID) {
  MutableExampleHit hit;
  EXPECT_TRUE(hit.isAvailable());
  EXPECT_EQ(hit.id(), kUntracked);
  EXPECT_EQ(hit.getObjectID(), kUntracked);
  EXPECT_EQ(hit.id().index, podml::ObjectID::untracked);
}

TEST(Ownership, CreatedObjectsHaveIndexAndCollectionID) {
  ExampleHitCollection hits;
  hits.setID(42);
  auto h0 = hits.create();
  auto h1 = hits.create();
  EXPECT_EQ(h0.id(), (podml::ObjectID{0, 42}));
  EXPECT_EQ(h1.id(), (podml::ObjectID{1, 42}));
}

TEST(Ownership, PushBackMakesEveryEarlierHandleSeeTheCollectionElement) {
  MutableExampleHit hit(0x42ULL, 1., 2., 3., 4.);
  ExampleHit view = hit;       // immutable copy of the handle
  MutableExampleHit copy = hit; // second mutable handle
  ExampleHitCollection hits;
  hits.setID(7);
  hits.create(); // so the pushed object does not sit at index 0
  hits.push_back(hit);
  ASSERT_EQ(hits.size(), 2u);

  EXPECT_EQ(hit.id(), (podml::ObjectID{1, 7}));
  EXPECT_EQ(view.id(), (podml::ObjectID{1, 7}));
  EXPECT_EQ(copy.id(), (podml::ObjectID{1, 7}));

  // writing through the collection is visible through every old handle ...
  hits[1].energy(99.);
  EXPECT_EQ(hit.energy(), 99.);
  EXPECT_EQ(view.energy(), 99.);
  EXPECT_EQ(copy.energy(), 99.);
  // ... and writing through an old handle is visible in the collection
  copy.cellID(0xbeefULL);
  EXPECT_EQ(hits[1].cellID(), 0xbeefULL);
  EXPECT_EQ(hits.cellID()[1], 0xbeefULL);
  EXPECT_EQ(hits[1].x(), 1.);
  EXPECT_EQ(hits[1].y(), 2.);
  EXPECT_EQ(hits[1].z(), 3.);
  EXPECT_TRUE(hit == hits[1]);
}

TEST(Ownership, RelationTargetsStoredElsewhereSeeThePushedElement) {
  MutableExampleHit hit;
  hit.energy(1.5);
  MutableCluster freeCluster;
  freeCluster.addHits(hit);
  ClusterCollection clusters;
  auto inColl = clusters.create();
  inColl.addHits(hit);

  ExampleHitCollection hits;
  hits.setID(11);
  hits.push_back(hit);
  hits[0].energy(2.5);

  EXPECT_EQ(freeCluster.Hits(0).energy(), 2.5);
  EXPECT_EQ(inColl.Hits(0).energy(), 2.5);
  EXPECT_EQ(freeCluster.Hits(0).id(), (podml::ObjectID{0, 11}));
  EXPECT_EQ(inColl.Hits(0).id(), (podml::ObjectID{0, 11}));
  EXPECT_TRUE(inColl.Hits(0) == hits[0]);
}

TEST(Ownership, HandlesStayValidAfterCollectionMovedIntoFrame) {
  ExampleHitCollection hits;
  auto created = hits.create(1ULL, 0., 0., 0., 10.);
  MutableExampleHit pushed(2ULL, 0., 0., 0., 20.);
  hits.push_back(pushed);
  const auto* before = hits.energy().data();

  podml::Frame frame;
  const auto& stored = frame.put(std::move(hits), "hits");
  const uint32_t id = podml::collectionIDFromName("hits");

  EXPECT_EQ(stored.energy().data(), before) << "moving into a Frame must not copy the columns";
  EXPECT_EQ(created.energy(), 10.);
  EXPECT_EQ(pushed.energy(), 20.);
  EXPECT_EQ(created.id(), (podml::ObjectID{0, id}));
  EXPECT_EQ(pushed.id(), (podml::ObjectID{1, id}));
  EXPECT_TRUE(stored[0] == created);
  EXPECT_TRUE(stored[1] == pushed);
  // still writable through the old mutable handle (podio allows this too)
  created.energy(11.);
  EXPECT_EQ(frame.get<ExampleHitCollection>("hits")[0].energy(), 11.);
}

TEST(Ownership, HandlesStayValidAfterCollectionMoveConstructionAndAssignment) {
  MCCollection a;
  auto p = a.create(5., 11, 1);
  MCCollection b(std::move(a));
  EXPECT_EQ(b.size(), 1u);
  EXPECT_EQ(p.energy(), 5.);
  MCCollection c;
  c.create();
  c = std::move(b);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(p.PDG(), 11);
  EXPECT_TRUE(c[0] == p);
}

TEST(Ownership, PushingAnObjectTwiceThrows) {
  ExampleHitCollection hits;
  MutableExampleHit hit;
  hits.push_back(hit);
  EXPECT_THROW(hits.push_back(hit), std::invalid_argument);
  ExampleHitCollection other;
  EXPECT_THROW(other.push_back(hit), std::invalid_argument);
  EXPECT_THROW(other.push_back(hits[0]), std::invalid_argument);
  EXPECT_EQ(hits.size(), 1u);
  EXPECT_EQ(other.size(), 0u);
}

TEST(Ownership, PushingAnEmptyHandleThrows) {
  ExampleHitCollection hits;
  EXPECT_THROW(hits.push_back(ExampleHit::makeEmpty()), std::invalid_argument);
  EXPECT_TRUE(hits.empty());
}

TEST(Ownership, FreeObjectsOutliveTheirCreatorScope) {
  // podio's "Container lifetime" and "Assignment-operator ref count"
  std::vector<ExampleHit> kept;
  {
    MutableExampleHit hit;
    hit.energy(3.25);
    kept.push_back(hit);
  }
  EXPECT_EQ(kept[0].energy(), 3.25);

  std::map<int, MutableExampleHit> hitMap;
  for (int i = 0; i < 10; ++i) {
    hitMap[i] = MutableExampleHit(0x42ULL, i, i, i, i);
  }
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(hitMap[i].energy(), i);
  }
}

TEST(Ownership, ImmutableDefaultConstructedIsAFreeObject) {
  ExampleHit hit;
  EXPECT_TRUE(hit.isAvailable());
  EXPECT_EQ(hit.id(), kUntracked);
  EXPECT_EQ(hit.energy(), 0.);
  // As in podio, an immutable handle goes only into a subset collection, and only once tracked.
  ExampleHitCollection hits;
  EXPECT_THROW(hits.push_back(hit), std::invalid_argument);
  hits.push_back(MutableExampleHit());
  ExampleHitCollection refs;
  refs.setSubsetCollection();
  EXPECT_THROW(refs.push_back(hit), std::invalid_argument);
  refs.push_back(hits[0]);
  EXPECT_EQ(refs[0], hits[0]);
}

// ---------------------------------------------------------------- cloning

TEST(Cloning, CloneCopiesMembersAndIsFree) {
  ExampleHitCollection hits;
  hits.setID(3);
  auto hit = hits.create(0x42ULL, 1., 2., 3., 30.);
  auto c = hit.clone();
  EXPECT_EQ(c.id(), kUntracked);
  EXPECT_EQ(c.cellID(), 0x42ULL);
  EXPECT_EQ(c.energy(), 30.);
  c.energy(20.);
  EXPECT_EQ(hit.energy(), 30.);
  EXPECT_FALSE(c == hit);
  // the clone can be pushed into another collection
  ExampleHitCollection other;
  other.push_back(c);
  EXPECT_EQ(other[0].energy(), 20.);
}

TEST(Cloning, CloneOfImmutableHandleIsMutable) {
  MutableExampleHit m;
  ExampleHit im = m;
  auto c = im.clone();
  static_assert(std::is_same_v<decltype(c), MutableExampleHit>);
  c.energy(30.);
  EXPECT_EQ(c.energy(), 30.);
  EXPECT_EQ(m.energy(), 0.);
}

TEST(Cloning, CloneCopiesVectorMembersAndArrays) {
  WithEverythingCollection coll;
  auto o = coll.create();
  o.addweights(1.);
  o.addweights(2.);
  o.addpoints({3.f, 4.f});
  o.arr({1.f, 2.f, 3.f, 4.f});
  o.position({1., 2., 3.});
  o.tag(99);
  auto c = o.clone(); // clone(false) drops vector members, as podio does (test_podio_api.cc)
  ASSERT_EQ(c.weights_size(), 2u);
  EXPECT_EQ(c.weights(0), 1.);
  EXPECT_EQ(c.weights(1), 2.);
  ASSERT_EQ(c.points_size(), 1u);
  EXPECT_EQ(c.points(0).a, 3.f);
  EXPECT_EQ(c.points(0).b, 4.f);
  EXPECT_EQ(c.arr(3), 4.f);
  EXPECT_EQ(c.z(), 3.);
  EXPECT_EQ(c.tag(), 99);
  // independent storage: appending to the clone does not touch the original
  c.addweights(5.);
  EXPECT_EQ(o.weights_size(), 2u);
  EXPECT_EQ(c.weights_size(), 3u);
}

TEST(Cloning, RelationsAreCopiedOnlyWhenAsked) {
  ExampleHitCollection hits;
  auto h = hits.create();
  ClusterCollection clusters;
  auto sub = clusters.create();
  auto cl = clusters.create();
  cl.addHits(h);
  cl.addClusters(sub);
  WithEverythingCollection wes;
  auto we = wes.create();
  we.cluster(cl);
  MCCollection mcs;
  we.addparticles(mcs.create());

  auto with = cl.clone(true);
  ASSERT_EQ(with.Hits_size(), 1u);
  EXPECT_TRUE(with.Hits(0) == h);
  ASSERT_EQ(with.Clusters_size(), 1u);
  EXPECT_TRUE(with.Clusters(0) == sub);

  auto without = cl.clone(false);
  EXPECT_EQ(without.Hits_size(), 0u);
  EXPECT_EQ(without.Clusters_size(), 0u);

  auto defaulted = cl.clone(); // podio default: cloneRelations = true
  EXPECT_EQ(defaulted.Hits_size(), 1u);

  auto weWith = we.clone(true);
  EXPECT_TRUE(weWith.cluster() == cl);
  EXPECT_EQ(weWith.particles_size(), 1u);
  auto weWithout = we.clone(false);
  EXPECT_FALSE(weWithout.cluster().isAvailable());
  EXPECT_EQ(weWithout.particles_size(), 0u);
  // adding to the clone leaves the original relations untouched
  weWith.addparticles(mcs.create());
  EXPECT_EQ(we.particles_size(), 1u);
}

// ---------------------------------------------------------------- identity

TEST(Identity, EqualityIsIdentityNotValue) {
  ExampleHitCollection hits;
  auto a = hits.create(1ULL, 1., 1., 1., 1.);
  auto b = hits.create(1ULL, 1., 1., 1., 1.);
  EXPECT_FALSE(a == b);
  EXPECT_TRUE(a != b);
  EXPECT_TRUE(a == hits[0]);
  ExampleHit ia = a;
  EXPECT_TRUE(ia == a);
  EXPECT_TRUE(a == ia);
  EXPECT_TRUE(std::as_const(hits)[0] == ia);
}

TEST(Identity, EmptyHandlesCompareEqualAndNeverEqualAnObject) {
  auto e1 = ExampleHit::makeEmpty();
  auto e2 = ExampleHit::makeEmpty();
  EXPECT_TRUE(e1 == e2);
  MutableExampleHit real;
  EXPECT_FALSE(e1 == real);
  EXPECT_FALSE(ExampleHit(real) == e1);
  EXPECT_EQ(e1.id(), (podml::ObjectID{podml::ObjectID::invalid, static_cast<uint32_t>(podml::ObjectID::invalid)}));
}

TEST(Identity, DistinctFreeObjectsAreDistinct) {
  MutableCluster a, b;
  EXPECT_FALSE(a == b);
  EXPECT_TRUE((a < b) != (b < a));
  MutableCluster a2 = a;
  EXPECT_TRUE(a == a2);
  EXPECT_FALSE(a < a2);
  EXPECT_FALSE(a2 < a);
}

TEST(Identity, HandleEqualsCollectionElementAfterPushBack) {
  MutableCluster c;
  Cluster view = c;
  ClusterCollection clusters;
  clusters.create();
  clusters.push_back(c);
  EXPECT_TRUE(view == std::as_const(clusters)[1]);
  EXPECT_EQ(std::hash<Cluster>{}(view), std::hash<Cluster>{}(std::as_const(clusters)[1]));
  EXPECT_EQ(std::hash<Cluster>{}(view), std::hash<MutableCluster>{}(clusters[1]));
  EXPECT_FALSE(view < std::as_const(clusters)[1]);
  EXPECT_FALSE(std::as_const(clusters)[1] < view);
}

TEST(Identity, HashedContainerMembershipSurvivesPushBack) {
  // podio hashes and orders handles by their object (Obj*), which does not
  // change when a free object is pushed into a collection: a handle put in an
  // unordered_set before push_back is still found afterwards.
  std::vector<MutableCluster> objs(50);
  std::unordered_set<Cluster> set;
  for (const auto& o : objs) {
    set.insert(o);
  }
  ClusterCollection clusters;
  for (const auto& o : objs) {
    clusters.push_back(o);
  }
  int found = 0;
  for (const auto& o : objs) {
    found += set.contains(Cluster(o)) ? 1 : 0;
  }
  EXPECT_EQ(found, 50) << "hash of a handle changed when its object was pushed into a collection";
}

TEST(Identity, StdSetAndMapOfHandles) {
  MutableCluster c1, c2, c3;
  std::set<Cluster> s;
  for (int k = 0; k < 2; ++k) {
    s.insert(c1);
    s.insert(c2);
    s.insert(c3);
  }
  EXPECT_EQ(s.size(), 3u);
  std::map<Cluster, int> m;
  m[c1] = 1;
  m[c2] = 2;
  m[c3] = 3;
  EXPECT_EQ(m[c2], 2);
  m[c2] = 42;
  EXPECT_EQ(m[c2], 42);
  EXPECT_EQ(m.size(), 3u);
}

TEST(Identity, UnorderedSetOfHandlesFromCollection) {
  ExampleHitCollection hits;
  for (int i = 0; i < 20; ++i) {
    hits.create();
  }
  std::unordered_set<ExampleHit> set;
  for (const auto h : std::as_const(hits)) {
    set.insert(h);
  }
  for (const auto h : std::as_const(hits)) {
    set.insert(h);
  }
  EXPECT_EQ(set.size(), 20u);
  EXPECT_TRUE(set.contains(std::as_const(hits)[7]));
  EXPECT_FALSE(set.contains(ExampleHit()));
}

TEST(Identity, MakeEmptyAndUnlink) {
  auto hit = ExampleHit::makeEmpty();
  EXPECT_FALSE(hit.isAvailable());
  hit = MutableExampleHit{};
  EXPECT_TRUE(hit.isAvailable());
  EXPECT_EQ(hit.energy(), 0.);

  ExampleHitCollection hits;
  auto h = hits.create();
  auto h2 = h;
  h.unlink();
  EXPECT_FALSE(h.isAvailable());
  EXPECT_TRUE(h2.isAvailable()) << "unlink detaches only this handle";
  EXPECT_EQ(hits.size(), 1u);
}

TEST(Identity, PrintingEmptyHandle) {
  std::stringstream s;
  s << ExampleHit::makeEmpty();
  EXPECT_EQ(s.str(), "[not available]");
  std::stringstream id;
  id << podml::ObjectID{3, 17};
  EXPECT_EQ(id.str(), "17|3");
}

// ---------------------------------------------------------------- indexed access & iteration

TEST(Access, AtThrowsOutOfRange) {
  ExampleHitCollection hits;
  EXPECT_THROW(hits.at(0), std::out_of_range);
  hits.create();
  EXPECT_NO_THROW(hits.at(0));
  EXPECT_THROW(hits.at(1), std::out_of_range);
  const auto& ch = hits;
  EXPECT_THROW(ch.at(5), std::out_of_range);
}

TEST(Access, ConstCorrectIndexedAccessAndIteration) {
  static_assert(std::is_same_v<decltype(std::declval<const ExampleHitCollection&>()[0]), ExampleHit>);
  static_assert(std::is_same_v<decltype(std::declval<const ExampleHitCollection&>().at(0)), ExampleHit>);
  static_assert(std::is_same_v<decltype(std::declval<ExampleHitCollection&>()[0]), MutableExampleHit>);
  static_assert(std::is_same_v<decltype(std::declval<ExampleHitCollection&>().at(0)), MutableExampleHit>);
  static_assert(std::is_same_v<decltype(*std::declval<const ExampleHitCollection&>().begin()), ExampleHit>);
  static_assert(std::is_same_v<decltype(*std::declval<ExampleHitCollection&>().begin()), MutableExampleHit>);
  static_assert(std::ranges::random_access_range<ExampleHitCollection>);
  static_assert(std::ranges::random_access_range<const ExampleHitCollection>);
  SUCCEED();
}

TEST(Access, LoopingModifiesThroughMutableIteration) {
  ExampleHitCollection coll;
  auto h1 = coll.create(0xbadULL, 0., 0., 0., 0.);
  auto h2 = coll.create(0xcaffeeULL, 1., 1., 1., 1.);
  for (auto&& h : coll) {
    h.energy(42);
  }
  EXPECT_EQ(h1.energy(), 42.);
  EXPECT_EQ(h2.energy(), 42.);
  for (std::size_t i = 0; i < coll.size(); ++i) {
    coll[i].energy(static_cast<double>(i));
  }
  int index = 0;
  for (const auto h : std::as_const(coll)) {
    EXPECT_EQ(h.energy(), index++);
  }
  EXPECT_EQ(index, 2);
  EXPECT_EQ(coll.end() - coll.begin(), 2);
}

TEST(Access, SizeEmptyAndClear) {
  ClusterCollection coll;
  EXPECT_TRUE(coll.empty());
  coll.create();
  coll.create();
  EXPECT_EQ(coll.size(), 2u);
  EXPECT_FALSE(coll.empty());
  coll.clear();
  EXPECT_TRUE(coll.empty());
  EXPECT_EQ(coll.begin(), coll.end());
  auto c = coll.create(7.f);
  EXPECT_EQ(c.id().index, 0);
  EXPECT_EQ(coll[0].energy(), 7.f);
}

TEST(Algorithms, RangesFindIfAndCountIf) {
  ExampleHitCollection hits;
  for (int i = 0; i < 10; ++i) {
    hits.create(static_cast<unsigned long long>(i), 0., 0., 0., i * 1.5);
  }
  const auto& ch = hits;
  auto it = std::ranges::find_if(ch, [](const ExampleHit& h) { return h.cellID() == 6; });
  ASSERT_NE(it, ch.end());
  EXPECT_EQ((*it).energy(), 9.);
  EXPECT_EQ(it - ch.begin(), 6);
  EXPECT_EQ(std::count_if(ch.begin(), ch.end(), [](const ExampleHit& h) { return h.energy() > 7.; }), 5);
  auto none = std::ranges::find_if(ch, [](const ExampleHit& h) { return h.energy() < 0.; });
  EXPECT_EQ(none, ch.end());
  // views compose with collections
  auto energies = ch | std::views::transform([](const ExampleHit& h) { return h.energy(); }) |
                  std::views::filter([](double e) { return e >= 12.; });
  std::vector<double> picked(energies.begin(), energies.end());
  EXPECT_EQ(picked, (std::vector<double>{12., 13.5}));
}

TEST(Algorithms, SortVectorOfHandles) {
  ExampleHitCollection hits;
  const double energies[] = {5., 1., 4., 2., 3.};
  for (double e : energies) {
    hits.create(0ULL, 0., 0., 0., e);
  }
  std::vector<ExampleHit> v(std::as_const(hits).begin(), std::as_const(hits).end());
  std::sort(v.begin(), v.end(), [](const ExampleHit& a, const ExampleHit& b) { return a.energy() < b.energy(); });
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(v[i].energy(), static_cast<double>(i + 1));
  }
  EXPECT_EQ(v[0].id().index, 1);
  // default sort by identity gives collection order back
  std::sort(v.begin(), v.end());
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(v[i].id().index, static_cast<int32_t>(i));
  }
}

TEST(Algorithms, CollectionSpanAccessorReflectsSetters) {
  ExampleHitCollection hits;
  for (int i = 0; i < 12; ++i) {
    hits.create(0xcaffeeULL, 0., 0., 0., double(i));
  }
  auto energies = hits.energy();
  ASSERT_EQ(energies.size(), 12u);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(energies[i], i);
  }
  hits[3].energy(-1.);
  EXPECT_EQ(energies[3], -1.);
}

template <typename C>
concept HasNotebookAccessor = requires(const C& c) { c.energy(std::size_t{10}); };

template <typename C>
void checkNotebookAccessor(const C& hits) {
  if constexpr (HasNotebookAccessor<C>) {
    auto first = hits.energy(std::size_t{10});
    EXPECT_EQ(first.size(), 10u);
    EXPECT_EQ(first[9], 9.);
    EXPECT_EQ(hits.energy(std::size_t{24}).size(), hits.size());
  } else {
    FAIL() << "ExampleHitCollection::energy(nElem) (podio's notebook accessor) does not exist";
  }
}

TEST(Algorithms, NotebookAccessorTakesElementCountLikePodio) {
  // podio: `std::vector<double> energy(size_t nElem = 0) const` on every collection
  // (podio's "Notebook" test). podml offers the nElem form for component members
  // (position(nElem)); ported code `hits.energy(10)` must compile for scalars too.
  ExampleHitCollection hits;
  for (int i = 0; i < 12; ++i) {
    hits.create(0ULL, 0., 0., 0., double(i));
  }
  checkNotebookAccessor(hits);
}

} // namespace
