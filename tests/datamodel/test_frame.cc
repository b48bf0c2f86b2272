// Unit tests of podml::Frame with testdm collections (put/get, errors,
// available collections, collection IDs = MurmurHash3_x86_32(name, 0),
// parameters, multithreaded put/get, relation and subset ObjectIDs after put)
// and of the runtime definition of testdm (registry, columns, units, shapes,
// embedded JSON round trip). Modelled on podio's frame.cpp.

#include "testdm/AnyHitClusterLinkCollection.h"
#include "testdm/ClusterCollection.h"
#include "testdm/DatamodelDefinition.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/HitMCLinkCollection.h"
#include "testdm/MCCollection.h"
#include "testdm/OtherHitCollection.h"
#include "testdm/ReferencingCollection.h"
#include "testdm/WithEverythingCollection.h"

#include "podml/CollectionIDTable.h"
#include "podml/DataModelRegistry.h"
#include "podml/Definition.h"
#include "podml/Exceptions.h"
#include "podml/Frame.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

using namespace ex;

namespace {

// ---------------------------------------------------------------- collection IDs

TEST(CollectionID, KnownMurmurHashValues) {
  // Computed independently with a Python MurmurHash3_x86_32 (checked against
  // the reference vectors "" seed 1 = 0x514E28B7 and "abc" seed 0 = 0xB3DD93FA).
  EXPECT_EQ(podml::collectionIDFromName("MCParticles"), 0xa1cba250u);
  EXPECT_EQ(podml::collectionIDFromName("hits"), 0xfb2c5a48u);
  EXPECT_EQ(podml::murmurHash3_x86_32("abc", 0), 0xb3dd93fau);
  EXPECT_EQ(podml::murmurHash3_x86_32("", 1), 0x514e28b7u);
  EXPECT_EQ(podml::murmurHash3_x86_32("", 0), 0u);
}

TEST(CollectionID, FramePutAssignsHashOfName) {
  podml::Frame frame;
  MCCollection mcs;
  auto p = mcs.create();
  const auto& stored = frame.put(std::move(mcs), "MCParticles");
  EXPECT_EQ(stored.getID(), 0xa1cba250u);
  EXPECT_EQ(stored.getID(), podml::collectionIDFromName("MCParticles"));
  EXPECT_EQ(p.id(), (podml::ObjectID{0, 0xa1cba250u}));
  const auto table = frame.getCollectionIDTable();
  EXPECT_EQ(table.collectionID("MCParticles"), 0xa1cba250u);
  EXPECT_EQ(table.name(0xa1cba250u), "MCParticles");
  EXPECT_EQ(frame.getName(0xa1cba250u), "MCParticles");
  EXPECT_EQ(frame.getName(stored), "MCParticles");
  EXPECT_EQ(frame.getByID(0xa1cba250u), &stored);
  EXPECT_EQ(frame.getByID(12345u), nullptr);
}

// ---------------------------------------------------------------- put / get

TEST(Frame, PutAndGetTyped) {
  podml::Frame frame;
  ExampleHitCollection hits;
  hits.create(1ULL, 1., 2., 3., 4.);
  const auto* dataBefore = hits.energy().data();
  const auto& stored = frame.put(std::move(hits), "hits");
  const auto& got = frame.get<ExampleHitCollection>("hits");
  EXPECT_EQ(&stored, &got);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].energy(), 4.);
  EXPECT_EQ(got.energy().data(), dataBefore);
  EXPECT_NE(frame.get("hits"), nullptr);
  EXPECT_EQ(frame.get("nothere"), nullptr);
}

TEST(Frame, GetMissingOrMistypedThrows) {
  podml::Frame frame;
  frame.put(ExampleHitCollection(), "hits");
  EXPECT_THROW(frame.get<ExampleHitCollection>("missing"), podml::UsageError);
  EXPECT_THROW(frame.get<ClusterCollection>("hits"), podml::UsageError);
  EXPECT_THROW(frame.get<OtherHitCollection>("hits"), podml::UsageError);
  EXPECT_NO_THROW(frame.get<ExampleHitCollection>("hits"));
}

TEST(Frame, PutSameNameTwiceThrows) {
  podml::Frame frame;
  frame.put(ExampleHitCollection(), "hits");
  EXPECT_THROW(frame.put(ClusterCollection(), "hits"), podml::UsageError);
  EXPECT_EQ(frame.get("hits")->getTypeName(), "ExampleHitCollection");
}

TEST(Frame, AvailableCollectionsSorted) {
  podml::Frame frame;
  EXPECT_TRUE(frame.getAvailableCollections().empty());
  frame.put(MCCollection(), "mc");
  frame.put(ClusterCollection(), "clusters");
  frame.put(ExampleHitCollection(), "hits");
  frame.put(WithEverythingCollection(), "everything");
  EXPECT_EQ(frame.getAvailableCollections(), (std::vector<std::string>{"clusters", "everything", "hits", "mc"}));
}

TEST(Frame, MovedFrameKeepsCollectionsAndHandles) {
  podml::Frame frame;
  MCCollection mcs;
  auto p = mcs.create(3., 2212, 4);
  frame.put(std::move(mcs), "mc");
  frame.putParameter("n", 3);
  podml::Frame moved(std::move(frame));
  EXPECT_EQ(moved.get<MCCollection>("mc")[0].PDG(), 2212);
  EXPECT_EQ(p.PDG(), 2212);
  EXPECT_EQ(moved.getParameter<int>("n"), 3);
}

// ---------------------------------------------------------------- parameters

TEST(FrameParameters, ScalarsOfEveryType) {
  podml::Frame frame;
  frame.putParameter("anInt", 42);
  frame.putParameter("aFloat", 3.5f);
  frame.putParameter("aDouble", 2.25);
  frame.putParameter("aString", "hello");
  frame.putParameter("aStdString", std::string("world"));
  EXPECT_EQ(frame.getParameter<int>("anInt"), 42);
  EXPECT_EQ(frame.getParameter<float>("aFloat"), 3.5f);
  EXPECT_EQ(frame.getParameter<double>("aDouble"), 2.25);
  EXPECT_EQ(frame.getParameter<std::string>("aString"), "hello");
  EXPECT_EQ(frame.getParameter<std::string>("aStdString"), "world");
  // absent, or present under another type
  EXPECT_FALSE(frame.getParameter<int>("nope").has_value());
  EXPECT_FALSE(frame.getParameter<float>("anInt").has_value());
  EXPECT_FALSE(frame.getParameter<double>("aFloat").has_value());
  // overwrite
  frame.putParameter("anInt", 7);
  EXPECT_EQ(frame.getParameter<int>("anInt"), 7);
}

TEST(FrameParameters, VectorsOfEveryType) {
  podml::Frame frame;
  frame.putParameter("ints", std::vector<int>{1, 2, 3});
  frame.putParameter("floats", std::vector<float>{1.f, 2.f});
  frame.putParameter("doubles", std::vector<double>{0.5});
  frame.putParameter("strings", {"a", "b", "c"});
  EXPECT_EQ(frame.getParameter<std::vector<int>>("ints"), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(frame.getParameter<std::vector<float>>("floats"), (std::vector<float>{1.f, 2.f}));
  EXPECT_EQ(frame.getParameter<std::vector<double>>("doubles"), (std::vector<double>{0.5}));
  EXPECT_EQ(frame.getParameter<std::vector<std::string>>("strings"), (std::vector<std::string>{"a", "b", "c"}));
  // a scalar read of a vector gives its first element, a vector read of a scalar gives one element
  EXPECT_EQ(frame.getParameter<int>("ints"), 1);
  frame.putParameter("single", 5);
  EXPECT_EQ(frame.getParameter<std::vector<int>>("single"), (std::vector<int>{5}));
  EXPECT_EQ(frame.getParameterKeys<int>(), (std::vector<std::string>{"ints", "single"}));
  EXPECT_EQ(frame.getParameterKeys<std::string>(), (std::vector<std::string>{"strings"}));
  EXPECT_EQ(frame.getParameters().getN<float>(), 1u);
}

// ---------------------------------------------------------------- threads

TEST(FrameThreads, ConcurrentPutAndGetWithDistinctNames) {
  podml::Frame frame;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  std::vector<int> ok(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&frame, &ok, t] {
      for (int k = 0; k < kPerThread; ++k) {
        const std::string name = "hits_" + std::to_string(t) + "_" + std::to_string(k);
        ExampleHitCollection hits;
        for (int i = 0; i <= k; ++i) {
          hits.create(static_cast<unsigned long long>(t), 0., 0., 0., double(i));
        }
        frame.put(std::move(hits), name);
        frame.putParameter(name, k);
        const auto& back = frame.get<ExampleHitCollection>(name);
        if (back.size() == std::size_t(k + 1) && back[0].cellID() == static_cast<unsigned long long>(t) &&
            back.getID() == podml::collectionIDFromName(name) && frame.getParameter<int>(name) == k) {
          ++ok[t];
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(ok[t], kPerThread) << "thread " << t;
  }
  EXPECT_EQ(frame.getAvailableCollections().size(), std::size_t(kThreads * kPerThread));
  EXPECT_EQ(frame.getParameterKeys<int>().size(), std::size_t(kThreads * kPerThread));
}

// ---------------------------------------------------------------- relation IDs after put

TEST(FrameRelations, RelationIDsAfterPut) {
  podml::Frame frame;
  ExampleHitCollection hits;
  auto h0 = hits.create();
  auto h1 = hits.create();
  ClusterCollection clusters;
  auto c0 = clusters.create();
  auto c1 = clusters.create();
  c0.addHits(h1);
  c0.addHits(h0);
  c1.addHits(h0);
  c1.addClusters(c0);
  frame.put(std::move(hits), "hits");
  const auto& cl = frame.put(std::move(clusters), "clusters");
  const uint32_t hid = podml::collectionIDFromName("hits");
  const uint32_t cid = podml::collectionIDFromName("clusters");

  const auto& def = cl.definition();
  ASSERT_EQ(def.relations.size(), 2u);
  EXPECT_EQ(def.relations[0].name, "Hits");
  EXPECT_TRUE(def.relations[0].many);
  EXPECT_EQ(cl.relationIDs(0),
            (std::vector<podml::ObjectID>{{1, hid}, {0, hid}, {0, hid}}));
  EXPECT_EQ(cl.relationIDs(1), (std::vector<podml::ObjectID>{{0, cid}}));
}

TEST(FrameRelations, OneToOneAndInterfaceRelationIDs) {
  podml::Frame frame;
  ClusterCollection clusters;
  auto cl = clusters.create();
  OtherHitCollection others;
  auto oh = others.create();
  MCCollection mcs;
  auto p0 = mcs.create();
  auto p1 = mcs.create();
  WithEverythingCollection wes;
  auto a = wes.create();
  auto b = wes.create();
  a.cluster(cl);
  b.anyHit(oh);
  b.addparticles(p1);
  a.addparticles(p0);
  b.addparticles(p0);
  frame.put(std::move(clusters), "clusters");
  frame.put(std::move(others), "others");
  frame.put(std::move(mcs), "mc");
  const auto& we = frame.put(std::move(wes), "we");
  const uint32_t cid = podml::collectionIDFromName("clusters");
  const uint32_t oid = podml::collectionIDFromName("others");
  const uint32_t mid = podml::collectionIDFromName("mc");
  const podml::ObjectID none{podml::ObjectID::invalid, static_cast<uint32_t>(podml::ObjectID::invalid)};

  const auto& rels = we.definition().relations;
  ASSERT_EQ(rels.size(), 3u);
  EXPECT_EQ(rels[0].name, "cluster");
  EXPECT_EQ(rels[1].name, "anyHit");
  EXPECT_EQ(rels[1].type, "ex::Hit");
  EXPECT_EQ(rels[2].name, "particles");
  EXPECT_EQ(we.relationIDs(0), (std::vector<podml::ObjectID>{{0, cid}, none}));
  EXPECT_EQ(we.relationIDs(1), (std::vector<podml::ObjectID>{none, {0, oid}}));
  // concatenation in object order: a's particles, then b's
  EXPECT_EQ(we.relationIDs(2), (std::vector<podml::ObjectID>{{0, mid}, {1, mid}, {0, mid}}));
  EXPECT_THROW(we.relationIDs(3), std::out_of_range);
}

TEST(FrameRelations, SubsetIDsAfterPut) {
  podml::Frame frame;
  MCCollection mcs;
  mcs.create();
  mcs.create();
  mcs.create();
  MCCollection selected;
  selected.setSubsetCollection();
  selected.push_back(mcs[2]);
  selected.push_back(mcs[0]);
  frame.put(std::move(mcs), "MCParticles");
  const auto& sub = frame.put(std::move(selected), "selected");
  EXPECT_TRUE(sub.isSubsetCollection());
  EXPECT_EQ(sub.getID(), podml::collectionIDFromName("selected"));
  EXPECT_EQ(sub.subsetIDs(), (std::vector<podml::ObjectID>{{2, 0xa1cba250u}, {0, 0xa1cba250u}}));
  EXPECT_EQ(sub[0].id(), (podml::ObjectID{2, 0xa1cba250u}));
  EXPECT_EQ(sub[1].PDG(), frame.get<MCCollection>("MCParticles")[0].PDG());
}

TEST(FrameRelations, SubsetCollectionHasNoColumns) {
  // CollectionBase::columns(): "Empty for subset collections." A writer that
  // walks columns() must not see (empty) data columns for a subset collection.
  MCCollection mcs;
  mcs.create();
  MCCollection selected;
  selected.setSubsetCollection();
  selected.push_back(mcs[0]);
  const podml::CollectionBase& base = selected;
  EXPECT_TRUE(base.columns().empty()) << "subset collection reports " << base.columns().size() << " columns";
  EXPECT_THROW(base.column("energy"), podml::UsageError);
}

TEST(FrameRelations, LinkRelationIDsAfterPut) {
  podml::Frame frame;
  ExampleHitCollection hits;
  auto h = hits.create();
  MCCollection mcs;
  mcs.create();
  auto p = mcs.create();
  HitMCLinkCollection links;
  auto l = links.create();
  l.setFrom(h);
  l.setTo(p);
  frame.put(std::move(hits), "hits");
  frame.put(std::move(mcs), "mc");
  const auto& ls = frame.put(std::move(links), "links");
  const auto& rels = ls.definition().relations;
  ASSERT_EQ(rels.size(), 2u);
  std::vector<podml::ObjectID> fromIDs, toIDs;
  for (std::size_t i = 0; i < rels.size(); ++i) {
    (rels[i].type == "ExampleHit" ? fromIDs : toIDs) = ls.relationIDs(i);
  }
  EXPECT_EQ(fromIDs, (std::vector<podml::ObjectID>{{0, podml::collectionIDFromName("hits")}}));
  EXPECT_EQ(toIDs, (std::vector<podml::ObjectID>{{1, podml::collectionIDFromName("mc")}}));
}

// ---------------------------------------------------------------- registry and definition

const podml::DataModelDefinition& testdm() {
  (void)podml::models::testdm::definition();
  const auto* dm = podml::DataModelRegistry::instance().find("testdm");
  if (dm == nullptr) {
    throw std::runtime_error("testdm not registered");
  }
  return *dm;
}

TEST(Registry, FindsTestdmWithItsDatatypes) {
  const auto* dm = podml::DataModelRegistry::instance().find("testdm");
  ASSERT_NE(dm, nullptr) << "the generated library registers its model at load time";
  EXPECT_EQ(dm->name, "testdm");
  EXPECT_EQ(dm->schemaVersion, 3u);
  EXPECT_FALSE(dm->getSyntax);
  EXPECT_TRUE(dm->exposePODMembers);
  EXPECT_TRUE(dm->includeSubfolder);
  for (const char* t : {"ExampleHit", "ex::Cluster", "ex::MC", "ex::Referencing", "ex::WithEverything", "ex::OtherHit"}) {
    ASSERT_NE(dm->datatype(t), nullptr) << t;
    EXPECT_FALSE(dm->datatype(t)->isLink) << t;
  }
  ASSERT_NE(dm->datatype("ex::HitMCLink"), nullptr);
  EXPECT_TRUE(dm->datatype("ex::HitMCLink")->isLink);
  EXPECT_EQ(dm->datatype("ex::AnyHitClusterLink")->linkFrom, "ex::Hit");
  EXPECT_EQ(dm->datatype("ex::AnyHitClusterLink")->linkTo, "ex::Cluster");
  ASSERT_NE(dm->interface("ex::Hit"), nullptr);
  EXPECT_EQ(dm->interface("ex::Hit")->types, (std::vector<std::string>{"ExampleHit", "ex::OtherHit", "ex::FakeHit"}));
  ASSERT_NE(dm->component("ex::NestedComp"), nullptr);
  EXPECT_EQ(dm->datatype("ex::Nope"), nullptr);
  EXPECT_EQ(podml::DataModelRegistry::instance().findDatatype("ex::MC"), dm->datatype("ex::MC"));
  EXPECT_EQ(&testdm(), dm);
  EXPECT_EQ(&podml::models::testdm::definition(), dm);
}

TEST(Registry, WithEverythingColumnsUnitsShapes) {
  const auto* we = testdm().datatype("ex::WithEverything");
  ASSERT_NE(we, nullptr);
  auto col = [&](const char* path) -> const podml::ColumnDef& {
    const auto* c = we->column(path);
    if (c == nullptr) {
      throw std::runtime_error(std::string("no column ") + path);
    }
    return *c;
  };
  EXPECT_EQ(col("arr").unit, "1/mm");
  EXPECT_EQ(col("arr").shape, (std::vector<uint32_t>{4}));
  EXPECT_EQ(col("arr").dtype, podml::DType::Float32);
  EXPECT_EQ(col("arr").width(), 4u);
  EXPECT_EQ(col("nested.inner.a").unit, "mm");
  EXPECT_EQ(col("nested.inner.b").unit, "mm");
  EXPECT_EQ(col("nested.tag").unit, "");
  EXPECT_EQ(col("scalar").unit, "GeV");
  EXPECT_EQ(col("scalar").defaultValue, "2.5");
  EXPECT_TRUE(col("scalar").shape.empty());
  EXPECT_EQ(col("position.x").unit, "mm");
  EXPECT_EQ(col("position.x").dtype, podml::DType::Float64);
  EXPECT_EQ(col("shortArr").dtype, podml::DType::Int16);
  EXPECT_EQ(col("shortArr").shape, (std::vector<uint32_t>{2}));
  EXPECT_EQ(col("comps.a").shape, (std::vector<uint32_t>{3}));
  EXPECT_EQ(col("nested.counts").shape, (std::vector<uint32_t>{3}));
  EXPECT_EQ(col("nested.counts").dtype, podml::DType::Int32);
  EXPECT_EQ(col("nested.pairs.b").shape, (std::vector<uint32_t>{2}));
  EXPECT_EQ(col("bigID").dtype, podml::DType::UInt64);
  EXPECT_EQ(col("flag").dtype, podml::DType::Bool);
  EXPECT_EQ(col("weights").kind, podml::ColumnKind::VectorValue);
  EXPECT_EQ(col("points.a").kind, podml::ColumnKind::VectorValue);
  EXPECT_EQ(col("weights_begin").kind, podml::ColumnKind::RangeBegin);
  EXPECT_EQ(col("particles_end").kind, podml::ColumnKind::RangeEnd);
  EXPECT_EQ(col("scalar").kind, podml::ColumnKind::Member);
  EXPECT_EQ(we->columnIndex("nope"), -1);
  EXPECT_EQ(we->columns.size(), 26u);
  EXPECT_EQ(we->hash.size(), 16u);

  const auto* hit = testdm().datatype("ExampleHit");
  ASSERT_NE(hit, nullptr);
  ASSERT_EQ(hit->columns.size(), 5u);
  EXPECT_EQ(hit->columns[0].path, "cellID");
  EXPECT_EQ(hit->columns[0].dtype, podml::DType::UInt64);
  EXPECT_EQ(hit->columns[4].path, "energy");
  EXPECT_EQ(hit->columns[4].unit, "GeV");
  EXPECT_EQ(hit->columns[1].description, "x position");
}

TEST(Registry, CollectionDefinitionIsTheRegisteredOne) {
  WithEverythingCollection coll;
  EXPECT_EQ(&coll.definition(), testdm().datatype("ex::WithEverything"));
  ExampleHitCollection hits;
  EXPECT_EQ(&hits.definition(), testdm().datatype("ExampleHit"));
}

TEST(Registry, EmbeddedJsonRoundTrip) {
  const auto& reg = testdm();
  const auto json = podml::models::testdm::json();
  EXPECT_FALSE(json.empty());
  const auto re = podml::DataModelDefinition::fromJson(json);
  EXPECT_EQ(re.name, reg.name);
  EXPECT_EQ(re.schemaVersion, reg.schemaVersion);
  EXPECT_EQ(re.hash, reg.hash);
  ASSERT_EQ(re.datatypes.size(), reg.datatypes.size());
  for (std::size_t i = 0; i < re.datatypes.size(); ++i) {
    const auto& a = re.datatypes[i];
    const auto* b = reg.datatype(a.name);
    ASSERT_NE(b, nullptr) << a.name;
    EXPECT_EQ(a.hash, b->hash) << a.name;
    ASSERT_EQ(a.columns.size(), b->columns.size()) << a.name;
    for (std::size_t k = 0; k < a.columns.size(); ++k) {
      EXPECT_EQ(a.columns[k].path, b->columns[k].path);
      EXPECT_EQ(a.columns[k].dtype, b->columns[k].dtype) << a.columns[k].path;
      EXPECT_EQ(a.columns[k].shape, b->columns[k].shape) << a.columns[k].path;
      EXPECT_EQ(a.columns[k].unit, b->columns[k].unit) << a.columns[k].path;
    }
  }
  // the datatype hashes differ between datatypes (they are content hashes)
  EXPECT_NE(re.datatype("ex::MC")->hash, re.datatype("ex::Cluster")->hash);
}

TEST(Registry, RegisteringTheSameModelAgainReturnsTheFirst) {
  const auto& again = podml::DataModelRegistry::instance().registerDataModel(podml::models::testdm::json());
  EXPECT_EQ(&again, &testdm());
  const auto names = podml::DataModelRegistry::instance().names();
  EXPECT_EQ(std::count(names.begin(), names.end(), "testdm"), 1);
}

} // namespace
