// Writes the seed corpus of the reader fuzzer: a few small, real podml files of
// the test data model covering each kind of content the reader handles.
// Usage: podml-fuzz-make-corpus OUTPUT_DIR
#include "testdm/ClusterCollection.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/MCCollection.h"
#include "testdm/ReferencingCollection.h"
#include "testdm/WithEverythingCollection.h"

#include "podml/io/Writer.h"

#include <cstdio>
#include <filesystem>
#include <string>

namespace {

podml::io::WriterOptions small() {
  podml::io::WriterOptions o;
  o.chunkRows = 8; // tiny chunks: several per dataset, small files
  o.flushEvents = 2;
  return o;
}

void hits(const std::string& file, podml::io::Compression compression) {
  auto o = small();
  o.compression = compression;
  podml::io::Writer w(file, o);
  for (int e = 0; e < 3; ++e) {
    podml::Frame f;
    ExampleHitCollection hits;
    for (int i = 0; i < 2 + e; ++i) {
      hits.create(100ULL + i, 1.0 * i, 2.0 * i, 3.0 * i, 0.5 * i + e);
    }
    f.put(std::move(hits), "Hits");
    f.putParameter("event", e);
    w.writeFrame(f, "events");
  }
  w.finish();
}

void relations(const std::string& file, bool subsets) {
  podml::io::Writer w(file, small());
  for (int e = 0; e < 1; ++e) {
    podml::Frame f;
    ExampleHitCollection hits;
    ex::ClusterCollection clusters;
    for (int i = 0; i < 3; ++i) {
      hits.create(7ULL, 1.0, 2.0, 3.0, 0.25 * i);
    }
    auto c = clusters.create();
    c.energy(42.f + e);
    c.addHits(hits[0]);
    c.addHits(hits[2]);
    auto sub = clusters.create();
    c.addClusters(sub);
    if (subsets) {
      ex::ClusterCollection subset;
      subset.setSubsetCollection();
      subset.push_back(clusters[1]);
      f.put(std::move(subset), "ClusterRefs");
      f.put(std::move(clusters), "Clusters");
    } else {
      f.put(std::move(hits), "Hits");
      f.put(std::move(clusters), "Clusters");
    }
    w.writeFrame(f, "events");
  }
  w.finish();
}

void selfRelations(const std::string& file) {
  podml::io::Writer w(file, small());
  for (int e = 0; e < 2; ++e) {
    podml::Frame f;
    ex::ReferencingCollection refs;
    auto r0 = refs.create();
    auto r1 = refs.create();
    r0.Ref(r1);
    r1.addRefs(r0);
    r1.addRefs(r1);
    f.put(std::move(refs), "Refs");
    w.writeFrame(f, "events");
  }
  podml::Frame run;
  run.putParameter("runNumber", 7);
  run.putParameter("names", std::vector<std::string>{"a", "b"});
  run.putParameter("sqrts", 91.2);
  w.writeFrame(run, "runs");
  w.finish();
}

void everything(const std::string& file) {
  podml::io::Writer w(file, small());
  for (int e = 0; e < 1; ++e) {
    podml::Frame f;
    ex::WithEverythingCollection every;
    ex::MCCollection mcs; // not written: the relation points at a collection the file lacks
    auto m = mcs.create();
    m.PDG(11);
    auto x = every.create();
    x.scalar(1.5f * e);
    x.arr({1, 2, 3, 4});
    x.flag(e == 0);
    x.addweights(0.5);
    x.addweights(1.5);
    x.addpoints({1.f, 2.f});
    x.addparticles(m);
    every.create();
    f.put(std::move(every), "Everything");
    f.putParameter("weights", std::vector<float>{0.5f, 1.5f});
    w.writeFrame(f, "events");
  }
  w.finish();
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir(argv[1]);
  std::filesystem::create_directories(dir);
  hits((dir / "hits.h5").string(), podml::io::Compression::None);
  hits((dir / "hits-deflate.h5").string(), podml::io::Compression::Deflate);
  relations((dir / "relations.h5").string(), false);
  relations((dir / "subset.h5").string(), true);
  selfRelations((dir / "refs-runs.h5").string());
  everything((dir / "everything.h5").string());
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::printf("%s %ju bytes\n", e.path().filename().c_str(), static_cast<std::uintmax_t>(e.file_size()));
  }
  return 0;
}
