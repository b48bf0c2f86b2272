// Round trips through the HDF5 writer and reader: every member kind of the test
// data model, relations across collections, subsets, links, interfaces, parameters.
#include "../common/TestPaths.h"
#include "testdm/ClusterCollection.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/HitMCLinkCollection.h"
#include "testdm/MCCollection.h"
#include "testdm/OtherHitCollection.h"
#include "testdm/ReferencingCollection.h"
#include "testdm/WithEverythingCollection.h"
#include "testdm/DatamodelDefinition.h"

#include "podml/Exceptions.h"
#include "podml/GenericCollection.h"
#include "podml/io/Reader.h"
#include "podml/io/Writer.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

podml::Frame makeFrame(int e) {
  podml::Frame f;
  ExampleHitCollection hits;
  ex::OtherHitCollection others;
  ex::ClusterCollection clusters;
  ex::MCCollection mcs;
  ex::WithEverythingCollection every;
  ex::HitMCLinkCollection links;
  ex::ReferencingCollection refs;
  for (int i = 0; i < 3 + e; ++i) {
    hits.create(100ULL + i, 1.0 * i, 2.0 * i, 3.0 * i, 0.5 * i + e);
  }
  others.create(9.5, 1.5f, 4);
  auto c = clusters.create();
  c.energy(42.f + e);
  c.addHits(hits[0]);
  c.addHits(hits[2]);
  auto sub = clusters.create();
  c.addClusters(sub);
  auto parent = mcs.create();
  parent.PDG(23);
  for (int i = 0; i < 2; ++i) {
    auto d = mcs.create();
    d.PDG(11 * (i ? -1 : 1));
    d.energy(45.5 + i);
    d.addparents(parent);
    parent.adddaughters(d);
  }
  auto w = every.create();
  w.scalar(1.25f * e);
  w.arr({1, 2, 3, 4});
  w.position({0.1, 0.2, 0.3});
  w.nested().inner.b = 7.f;
  w.nested().counts[1] = 5;
  w.bigID(0xffffffffffULL);
  w.flag(e % 2 == 0);
  w.letter('x');
  w.addweights(0.5);
  w.addweights(1.5);
  w.addpoints({1.f, 2.f});
  w.cluster(c);
  w.anyHit(others[0]);
  w.addparticles(mcs[1]);
  w.addparticles(mcs[2]);
  auto w2 = every.create(); // defaults, no relations
  w2.addweights(-1.0);
  w.addweights(2.5); // interleaved: w's values are relocated
  auto l = links.create();
  l.setFrom(hits[1]);
  l.setTo(mcs[0]);
  l.setWeight(0.25f);
  auto r0 = refs.create();
  auto r1 = refs.create();
  r0.Ref(r1);
  r1.Ref(r0);
  r0.addRefs(r0);
  ex::ClusterCollection subset;
  subset.setSubsetCollection();
  subset.push_back(clusters[1]);
  subset.push_back(clusters[0]);
  f.put(std::move(hits), "Hits");
  f.put(std::move(others), "Others");
  f.put(std::move(clusters), "Clusters");
  f.put(std::move(mcs), "MCs");
  f.put(std::move(every), "Everything");
  f.put(std::move(links), "Links");
  f.put(std::move(refs), "Refs");
  f.put(std::move(subset), "ClusterRefs");
  if (e == 1) {
    f.put(ex::ClusterCollection(), "OnlyInEntryOne");
  }
  f.putParameter("event", e);
  f.putParameter("weights", std::vector<float>{0.5f, 1.5f});
  f.putParameter("sqrts", 91.2);
  f.putParameter("tag", "run-" + std::to_string(e));
  return f;
}

} // namespace

TEST(RoundTrip, EveryMemberKindRelationAndParameter) {
  const auto file = podml::test::tmpPath("roundtrip.h5");
  {
    podml::io::Writer w(file);
    for (int e = 0; e < 3; ++e) {
      w.writeFrame(makeFrame(e), "events");
    }
    podml::Frame run;
    run.putParameter("runNumber", 7);
    w.writeFrame(run, "runs");
    w.finish();
  }
  podml::io::Reader r({file});
  EXPECT_EQ(r.getAvailableCategories(), (std::vector<std::string>{"events", "runs"}));
  ASSERT_EQ(r.getEntries("events"), 3u);
  EXPECT_EQ(r.getEntries("runs"), 1u);
  EXPECT_EQ(r.readFrame("runs", 0).getParameter<int>("runNumber"), 7);
  for (int e = 0; e < 3; ++e) {
    const auto expected = makeFrame(e);
    const auto f = r.readNextFrame("events");
    EXPECT_EQ(f.getAvailableCollections(), expected.getAvailableCollections());
    const auto& hits = f.get<ExampleHitCollection>("Hits");
    ASSERT_EQ(hits.size(), 3u + e);
    EXPECT_EQ(hits[2].energy(), 1.0 + e);
    EXPECT_EQ(hits[2].cellID(), 102u);
    const auto& every = f.get<ex::WithEverythingCollection>("Everything");
    ASSERT_EQ(every.size(), 2u);
    const auto w = every[0];
    EXPECT_EQ(w.scalar(), 1.25f * e);
    EXPECT_EQ(w.arr(), (std::array<float, 4>{1, 2, 3, 4}));
    EXPECT_EQ(w.position().y, 0.2);
    EXPECT_EQ(w.nested().inner.b, 7.f);
    EXPECT_EQ(w.nested().counts[1], 5);
    EXPECT_EQ(w.nested().tag, 7);
    EXPECT_EQ(w.bigID(), 0xffffffffffULL);
    EXPECT_EQ(w.flag(), e % 2 == 0);
    EXPECT_EQ(w.letter(), 'x');
    EXPECT_EQ(std::vector<double>(w.weights().begin(), w.weights().end()), (std::vector<double>{0.5, 1.5, 2.5}));
    EXPECT_EQ(every[1].weights_size(), 1u);
    EXPECT_EQ(every[1].weights(0), -1.0);
    EXPECT_EQ(every[1].scalar(), 2.5f); // default survived
    EXPECT_EQ(every[1].shortArr(), (std::array<int16_t, 2>{1, 2}));
    ASSERT_EQ(w.points_size(), 1u);
    EXPECT_EQ(w.points(0).b, 2.f);
    EXPECT_EQ(w.cluster().energy(), 42.f + e);
    EXPECT_EQ(w.cluster(), f.get<ex::ClusterCollection>("Clusters")[0]);
    ASSERT_TRUE(w.anyHit().isA<ex::OtherHit>());
    EXPECT_EQ(w.anyHit().energy(), 9.5);
    ASSERT_EQ(w.particles_size(), 2u);
    EXPECT_EQ(w.particles(1).energy(), 46.5);
    EXPECT_FALSE(every[1].cluster().isAvailable());
    const auto& clusters = f.get<ex::ClusterCollection>("Clusters");
    ASSERT_EQ(clusters[0].Hits_size(), 2u);
    EXPECT_EQ(clusters[0].Hits(1), hits[2]);
    EXPECT_EQ(clusters[0].Clusters(0), clusters[1]);
    const auto& mcs = f.get<ex::MCCollection>("MCs");
    EXPECT_EQ(mcs[0].daughters_size(), 2u);
    EXPECT_EQ(mcs[2].parents(0), mcs[0]);
    EXPECT_EQ(mcs[1].status(), 1);
    const auto& links = f.get<ex::HitMCLinkCollection>("Links");
    EXPECT_EQ(links[0].getFrom(), hits[1]);
    EXPECT_EQ(links[0].getTo(), mcs[0]);
    EXPECT_EQ(links[0].getWeight(), 0.25f);
    const auto& refs = f.get<ex::ReferencingCollection>("Refs");
    EXPECT_EQ(refs[0].Ref(), refs[1]);
    EXPECT_EQ(refs[1].Ref(), refs[0]);
    EXPECT_EQ(refs[0].Refs(0), refs[0]);
    const auto& subset = f.get<ex::ClusterCollection>("ClusterRefs");
    ASSERT_TRUE(subset.isSubsetCollection());
    ASSERT_EQ(subset.size(), 2u);
    EXPECT_EQ(subset[0], clusters[1]);
    EXPECT_EQ(subset[1].energy(), 42.f + e);
    EXPECT_EQ(f.get("OnlyInEntryOne") != nullptr, e == 1);
    EXPECT_EQ(f.getParameter<int>("event"), e);
    EXPECT_EQ(f.getParameter<std::vector<float>>("weights"), (std::vector<float>{0.5f, 1.5f}));
    EXPECT_EQ(f.getParameter<double>("sqrts"), 91.2);
    EXPECT_EQ(f.getParameter<std::string>("tag"), "run-" + std::to_string(e));
    // ObjectIDs survive: same IDs as written.
    EXPECT_EQ(mcs.relationIDs(0), expected.get<ex::MCCollection>("MCs").relationIDs(0));
    EXPECT_EQ(every.relationIDs(1), expected.get<ex::WithEverythingCollection>("Everything").relationIDs(1));
  }
}

TEST(RoundTrip, BulkColumnsAcrossEntriesAndShards) {
  const auto file = podml::test::tmpPath("columns.h5");
  {
    podml::io::WriterOptions opt;
    opt.flushEvents = 7; // several flushes
    opt.chunkRows = 5;
    podml::io::Writer w(file, opt);
    for (int e = 0; e < 20; ++e) {
      w.writeFrame(makeFrame(e), "events");
    }
    w.finish();
  }
  auto r = podml::io::makeReader(file);
  const auto batch = r->readColumns("events", "Hits", {"energy", "cellID"});
  ASSERT_EQ(batch.offsets.size(), 21u);
  uint64_t rows = 0;
  for (int e = 0; e < 20; ++e) {
    rows += 3 + e;
    EXPECT_EQ(batch.offsets[e + 1], rows);
  }
  ASSERT_EQ(batch.columns[0].size(), rows);
  const auto energy = batch.columns[0].span<double>();
  EXPECT_EQ(energy[batch.offsets[5] + 2], 1.0 + 5);
  EXPECT_EQ(batch.columns[1].span<uint64_t>()[batch.offsets[19]], 100u);
  const auto shard = podml::io::EntryRange::shard(20, 1, 3);
  EXPECT_EQ(shard.first, 7u);
  EXPECT_EQ(shard.last, 14u);
  const auto part = r->readColumns("events", "Hits", {"energy"}, shard);
  EXPECT_EQ(part.offsets.size(), 8u);
  EXPECT_EQ(part.columns[0].span<double>()[part.offsets[0] + 2], 1.0 + 7);
  const auto values = r->readColumns("events", "Everything", {"weights"});
  EXPECT_EQ(values.columns[0].size(), 20u * 4u);
  EXPECT_THROW(r->readColumns("events", "Everything", {"weights", "scalar"}), podml::UsageError);
  EXPECT_THROW(r->readColumns("events", "Nope", {"energy"}), podml::UsageError);
  EXPECT_THROW(r->readColumns("events", "Hits", {"nope"}), podml::UsageError);
}

// Issue 14: a collection missing from some entries. Every read says which entries lack it,
// and the rows of later entries stay theirs (nothing shifts into the gap).
TEST(RoundTrip, CollectionMissingFromSomeEntries) {
  const auto file = podml::test::tmpPath("sometimes.h5");
  const std::vector<int> present{1, 3, 4}; // entry 3 holds it empty
  const auto hitsIn = [](int e) { return e == 3 ? 0 : e; };
  {
    podml::io::WriterOptions opt;
    opt.flushEvents = 2; // the gaps straddle flushes
    podml::io::Writer w(file, opt);
    for (int e = 0; e < 6; ++e) {
      auto f = makeFrame(e);
      if (std::find(present.begin(), present.end(), e) != present.end()) {
        ExampleHitCollection s;
        for (int i = 0; i < hitsIn(e); ++i) {
          s.create(0ULL, 0., 0., 0., 10.0 * e + i);
        }
        f.put(std::move(s), "Sometimes");
      }
      w.writeFrame(f, "events");
    }
    w.finish();
  }
  podml::io::Reader r({file});
  for (int e = 0; e < 6; ++e) {
    const auto f = r.readFrame("events", static_cast<std::size_t>(e));
    const bool has = std::find(present.begin(), present.end(), e) != present.end();
    ASSERT_EQ(f.get("Sometimes") != nullptr, has) << "entry " << e;
    if (has) {
      const auto& s = f.get<ExampleHitCollection>("Sometimes");
      ASSERT_EQ(s.size(), static_cast<std::size_t>(hitsIn(e)));
      for (std::size_t i = 0; i < s.size(); ++i) {
        EXPECT_EQ(s[i].energy(), 10.0 * e + static_cast<double>(i)) << "entry " << e;
      }
    }
  }
  const auto batch = r.readColumns("events", "Sometimes", {"energy"});
  EXPECT_EQ(batch.offsets, (std::vector<uint64_t>{0, 0, 1, 1, 1, 5, 5}));
  EXPECT_EQ(batch.present, (std::vector<uint8_t>{0, 1, 0, 1, 1, 0}));
  EXPECT_EQ(batch.columns[0].span<double>()[1], 40.0) << "entry 4's first row";
  const auto part = r.readColumns("events", "Sometimes", {"energy"}, {3, 6});
  EXPECT_EQ(part.present, (std::vector<uint8_t>{1, 1, 0}));
  const auto infos = r.collections("events");
  const auto it = std::find_if(infos.begin(), infos.end(), [](const auto& i) { return i.name == "Sometimes"; });
  ASSERT_NE(it, infos.end());
  EXPECT_EQ(it->absentEntries, 3u);
  EXPECT_EQ(it->firstAbsentEntry, 0u);
  EXPECT_EQ(std::find_if(infos.begin(), infos.end(), [](const auto& i) { return i.name == "Hits"; })->absentEntries, 0u);
  // A file of a chain that lacks it altogether: its entries count as absent, and a column
  // read across it names that file.
  const auto other = podml::test::tmpPath("never.h5");
  {
    podml::io::Writer w(other);
    w.writeFrame(makeFrame(0), "events");
    w.writeFrame(makeFrame(1), "events");
    w.finish();
  }
  podml::io::Reader chain({file, other});
  const auto all = chain.collections("events");
  EXPECT_EQ(std::find_if(all.begin(), all.end(), [](const auto& i) { return i.name == "Sometimes"; })->absentEntries,
            5u);
  try {
    chain.readColumns("events", "Sometimes", {"energy"});
    ADD_FAILURE() << "read a column across a file that lacks it";
  } catch (const podml::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("not stored in category 'events' of '" + other + "'"), std::string::npos)
        << e.what();
  }
}

TEST(RoundTrip, ChainsGlobsAndGenericCollections) {
  std::vector<std::string> files;
  for (int k = 0; k < 3; ++k) {
    files.push_back(podml::test::tmpPath("chain_" + std::to_string(k) + ".h5"));
    podml::io::Writer w(files.back());
    for (int e = 0; e < 2; ++e) {
      w.writeFrame(makeFrame(e + 2 * k), "events");
    }
    w.finish();
  }
  auto r = podml::io::makeReader(podml::test::tmpPath("chain_*.h5"));
  ASSERT_EQ(r->getEntries("events"), 6u);
  EXPECT_EQ(r->readFrame("events", 5).getParameter<int>("event"), 5);
  const auto batch = r->readColumns("events", "Clusters", {"energy"}, {1, 5});
  ASSERT_EQ(batch.offsets.size(), 5u);
  EXPECT_EQ(batch.columns[0].span<float>()[batch.offsets[3]], 42.f + 4);
  const auto f = r->readFrame("events", 3, {"Hits", "Clusters"});
  EXPECT_EQ(f.getAvailableCollections(), (std::vector<std::string>{"Clusters", "Hits"}));
  EXPECT_EQ(f.get<ex::ClusterCollection>("Clusters")[0].Hits(1).energy(), 1.0 + 3);
  EXPECT_THROW(podml::io::makeReader(podml::test::tmpPath("nothing_*.h5")), podml::IoError);
  EXPECT_THROW(r->readFrame("events", 6), podml::UsageError);
  const auto infos = r->collections("events");
  EXPECT_FALSE(infos.empty());
}

TEST(RoundTrip, OtherSchemaVersionIsReadGenericallyAndReported) {
  // testdm as it would be in a later schema version: same types, version 4.
  auto json = std::string(podml::models::testdm::json());
  const auto pos = json.find("\"schema_version\":3");
  ASSERT_NE(pos, std::string::npos);
  json.replace(pos, 18, "\"schema_version\":4");
  auto model = std::make_shared<const podml::DataModelDefinition>(podml::DataModelDefinition::fromJson(json));
  const auto file = podml::test::tmpPath("schema4.h5");
  {
    auto hits = std::make_unique<podml::GenericCollection>(model, *model->datatype("ExampleHit"));
    hits->setObjectCount(2);
    hits->columns()[4].data<double>()[1] = 5.5; // energy
    podml::Frame f;
    f.put(std::move(hits), "Hits");
    podml::io::Writer w(file);
    w.writeFrame(f, "events");
    w.finish();
  }
  podml::io::Reader r({file});
  const auto f = r.readFrame("events", 0);
  const auto* hits = f.get("Hits");
  ASSERT_NE(hits, nullptr);
  EXPECT_EQ(hits->getSchemaVersion(), 4u);
  EXPECT_EQ(hits->column<double>("energy")[1], 5.5);
  try {
    (void)f.get<ExampleHitCollection>("Hits");
    FAIL() << "typed access must refuse a collection of another schema version";
  } catch (const podml::UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("schema version 4"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("compiled one (schema version 3"), std::string::npos) << e.what();
  }
}

TEST(RoundTrip, FlushedFramesSurviveAnUnfinishedWriter) {
  const auto file = podml::test::tmpPath("crash.h5");
  std::filesystem::remove(file);
  podml::io::WriterOptions opt;
  opt.flushEvents = 2;
  podml::io::Writer w(file, opt);
  for (int e = 0; e < 5; ++e) {
    w.writeFrame(makeFrame(e), "events");
  }
  // As after a crash: nothing valid under the final name, the flushed frames in the temporary file.
  EXPECT_FALSE(std::filesystem::exists(file));
  const auto copy = podml::test::tmpPath("crash-recovered.h5");
  std::filesystem::copy_file(w.temporaryFile(), copy, std::filesystem::copy_options::overwrite_existing);
  podml::io::Reader r({copy});
  ASSERT_EQ(r.getEntries("events"), 4u); // two flushes of two frames; the fifth was still buffered
  EXPECT_EQ(r.readFrame("events", 3).get<ex::MCCollection>("MCs")[2].parents(0).PDG(), 23);
  w.finish();
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_FALSE(std::filesystem::exists(w.temporaryFile()));
  EXPECT_EQ(podml::io::Reader({file}).getEntries("events"), 5u);
}

TEST(RoundTrip, CompressedFilesReadBackTheSame) {
  for (const std::string kind : {"deflate:1", "lz4"}) {
    podml::io::WriterOptions opt;
    opt.compression = podml::io::parseCompression(kind, &opt.level);
    const auto file = podml::test::tmpPath("compressed-" + kind.substr(0, 3) + ".h5");
    {
      podml::io::Writer w(file, opt);
      for (int e = 0; e < 4; ++e) {
        w.writeFrame(makeFrame(e), "events");
      }
      w.finish();
    }
    podml::io::Reader r({file});
    const auto f = r.readFrame("events", 3);
    EXPECT_EQ(f.get<ex::WithEverythingCollection>("Everything")[0].scalar(), 1.25f * 3) << kind;
    EXPECT_EQ(f.get<ExampleHitCollection>("Hits").size(), 6u) << kind;
    EXPECT_EQ(r.readColumns("events", "Hits", {"energy"}).columns[0].size(), 3u + 4u + 5u + 6u) << kind;
  }
  EXPECT_THROW(podml::io::parseCompression("zstd"), podml::UsageError);
  EXPECT_THROW(podml::io::parseCompression("deflate:0"), podml::UsageError);
}

namespace {

podml::Frame hitsFrame(int e) {
  podml::Frame f;
  ExampleHitCollection hits;
  hits.create(uint64_t(e), 1., 2., 3., 0.5 * e);
  ex::ClusterCollection clusters;
  auto c = clusters.create();
  c.addHits(hits[0]);
  f.put(std::move(hits), "Hits");
  f.put(std::move(clusters), "Clusters");
  return f;
}

} // namespace

TEST(Writer, OnlyFinishPutsAFileUnderTheFinalName) {
  const auto file = podml::test::tmpPath("abandoned.h5");
  std::filesystem::remove(file);
  std::string tmp;
  {
    podml::io::WriterOptions o;
    o.flushEvents = 2;
    podml::io::Writer w(file, o);
    tmp = w.temporaryFile();
    for (int e = 0; e < 5; ++e) {
      w.writeFrame(hitsFrame(e), "events");
    }
    // No finish(): the destructor abandons the file.
  }
  EXPECT_FALSE(std::filesystem::exists(file));
  ASSERT_TRUE(std::filesystem::exists(tmp)) << "the flushed frames are kept in the temporary file";
  {
    podml::io::Reader r({tmp});
    EXPECT_EQ(r.getEntries("events"), 4u) << "two flushes of two frames; the fifth was buffered";
    EXPECT_EQ(r.readFrame("events", 3).get<ExampleHitCollection>("Hits")[0].energy(), 1.5);
  }
  std::filesystem::remove(tmp);
  {
    podml::io::Writer w(file);
    tmp = w.temporaryFile();
    w.writeFrame(hitsFrame(0), "events");
    w.abandon(false);
    w.abandon(false); // idempotent
    EXPECT_THROW(w.writeFrame(hitsFrame(1), "events"), podml::UsageError);
  }
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_FALSE(std::filesystem::exists(tmp));
}

TEST(Writer, RelationsIntoCollectionsNotWrittenAreStoredUnset) {
  const auto file = podml::test::tmpPath("unset-relations.h5");
  {
    podml::io::Writer w(file);
    w.writeFrame(hitsFrame(1), "events", {"Clusters"}); // the hits are not written
    w.writeFrame(hitsFrame(2), "events");                // here they are
    w.finish();
  }
  podml::io::Reader r({file});
  const auto ids = r.readColumns("events", "Clusters", {"Hits.index", "Hits.collectionID"});
  ASSERT_EQ(ids.columns[0].size(), 2u);
  EXPECT_EQ(ids.columns[0].data<int32_t>()[0], podml::ObjectID::invalid);
  EXPECT_EQ(ids.columns[1].data<uint32_t>()[0], static_cast<uint32_t>(podml::ObjectID::invalid));
  EXPECT_EQ(ids.columns[0].data<int32_t>()[1], 0);
  auto f = r.readFrame("events", 0);
  const auto& clusters = f.get<ex::ClusterCollection>("Clusters");
  ASSERT_EQ(clusters[0].Hits_size(), 1u);
  EXPECT_FALSE(clusters[0].Hits(0).isAvailable());
  EXPECT_THROW((void)clusters[0].Hits(0).energy(), podml::UsageError);
  auto f2 = r.readFrame("events", 1);
  EXPECT_EQ(f2.get<ex::ClusterCollection>("Clusters")[0].Hits(0).energy(), 1.0);
}
