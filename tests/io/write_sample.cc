// Writes a small podml file for the CLI and Python tests, plus a JSON document
// of the logical values it put in (per entry, per collection, per object).
// The Python test reads the HDF5 file with plain h5py following
// docs/file-format.md and must recover these values: the JSON states what
// went in, never how it is laid out, so a layout that drifts from the spec fails.
//
// Usage: podml-write-sample OUT.h5 EXPECTED.json
#include "testdm/ClusterCollection.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/WithEverythingCollection.h"

#include "podml/Json.h"
#include "podml/io/Writer.h"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace {

using podml::json::Value;

constexpr int kEntries = 4;

template <typename Range>
Value array(const Range& values) {
  Value a = Value::array();
  for (const auto& v : values) {
    a.push_back(Value(v));
  }
  return a;
}

// One entry: hits, clusters pointing at hits, an "everything" collection with
// arrays, bools, vector members and a one-to-one relation, and a subset.
// Sizes vary with `e` so per-entry offsets are not trivially uniform.
podml::Frame makeEntry(int e, Value& expected) {
  podml::Frame frame;
  ExampleHitCollection hits;
  ex::ClusterCollection clusters;
  ex::WithEverythingCollection every;
  ex::ClusterCollection refs;
  refs.setSubsetCollection();

  Value hitsCellID = Value::array(), hitsEnergy = Value::array();
  for (int i = 0; i < 2 + e; ++i) {
    const uint64_t cellID = 1000ULL * e + i;
    const double energy = 0.25 * i + e; // exact in binary, so equality is exact
    hits.create(cellID, 1.0 * i, 2.0 * i, 3.0 * i, energy);
    hitsCellID.push_back(Value(cellID));
    hitsEnergy.push_back(Value(energy));
  }

  Value clEnergy = Value::array(), clHits = Value::array();
  for (int k = 0; k < 2; ++k) {
    auto c = clusters.create();
    c.energy(10.f * e + k);
    clEnergy.push_back(Value(static_cast<double>(c.energy())));
    // Cluster 0 takes the even hits, cluster 1 the last one (a ragged relation).
    std::vector<int> picked;
    for (int i = 0; i < static_cast<int>(hits.size()); ++i) {
      if ((k == 0 && i % 2 == 0) || (k == 1 && i + 1 == static_cast<int>(hits.size()))) {
        c.addHits(hits[i]);
        picked.push_back(i);
      }
    }
    clHits.push_back(array(picked));
  }

  Value evArr = Value::array(), evFlag = Value::array(), evWeights = Value::array(), evCluster = Value::array();
  for (int k = 0; k < 1 + e % 2; ++k) {
    auto w = every.create();
    const std::array<float, 4> arr{1.f * e, 2.f * k, 3.f, 4.5f};
    w.arr(arr);
    w.flag((e + k) % 2 == 0);
    std::vector<double> weights;
    for (int j = 0; j < e + k; ++j) {
      weights.push_back(0.5 * j - k);
      w.addweights(weights.back());
    }
    w.cluster(clusters[k]);
    evArr.push_back(array(arr));
    evFlag.push_back(Value((e + k) % 2 == 0));
    evWeights.push_back(array(weights));
    evCluster.push_back(Value(k));
  }

  refs.push_back(clusters[1]);
  refs.push_back(clusters[0]);

  Value entry = Value::object();
  Value collections = Value::object();
  auto record = [&](const std::string& name, Value v) {
    v.set("collection_id", Value(frame.get(name)->getID()));
    collections.set(name, std::move(v));
  };
  frame.put(std::move(hits), "Hits");
  frame.put(std::move(clusters), "Clusters");
  frame.put(std::move(every), "Everything");
  frame.put(std::move(refs), "ClusterRefs");
  Value h = Value::object();
  h.set("cellID", std::move(hitsCellID));
  h.set("energy", std::move(hitsEnergy));
  record("Hits", std::move(h));
  Value c = Value::object();
  c.set("energy", std::move(clEnergy));
  c.set("Hits", std::move(clHits));
  record("Clusters", std::move(c));
  Value w = Value::object();
  w.set("arr", std::move(evArr));
  w.set("flag", std::move(evFlag));
  w.set("weights", std::move(evWeights));
  w.set("cluster", std::move(evCluster));
  record("Everything", std::move(w));
  Value r = Value::object();
  r.set("targets", array(std::vector<int>{1, 0}));
  r.set("target_collection", Value("Clusters"));
  record("ClusterRefs", std::move(r));
  if (e == 1) {
    // A collection written in one entry only: absent (present = 0) in the others.
    frame.put(ExampleHitCollection(), "OnlyInEntryOne");
    Value o = Value::object();
    o.set("cellID", Value::array());
    o.set("energy", Value::array());
    record("OnlyInEntryOne", std::move(o));
  }
  entry.set("collections", std::move(collections));

  frame.putParameter("event", e);
  frame.putParameter("weights", std::vector<float>{0.5f, 1.5f * e});
  frame.putParameter("sqrts", 91.25);
  frame.putParameter("tag", "entry-" + std::to_string(e));
  Value params = Value::object();
  Value ints = Value::object(), floats = Value::object(), doubles = Value::object(), strings = Value::object();
  ints.set("event", array(std::vector<int>{e}));
  floats.set("weights", array(std::vector<double>{0.5, 1.5 * e}));
  doubles.set("sqrts", array(std::vector<double>{91.25}));
  strings.set("tag", array(std::vector<std::string>{"entry-" + std::to_string(e)}));
  params.set("int", std::move(ints));
  params.set("float", std::move(floats));
  params.set("double", std::move(doubles));
  params.set("string", std::move(strings));
  entry.set("parameters", std::move(params));
  expected.push_back(std::move(entry));
  return frame;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: podml-write-sample OUT.h5 EXPECTED.json\n";
    return 2;
  }
  try {
    for (const char* out : {argv[1], argv[2]}) {
      const auto dir = std::filesystem::path(out).parent_path();
      if (!dir.empty()) {
        std::filesystem::create_directories(dir);
      }
    }
    // Small chunks and flushes, and deflate: the sample spans several chunks and
    // flushes, and h5py must decode the filter, as with real files.
    podml::io::WriterOptions opt;
    opt.compression = podml::io::Compression::Deflate;
    opt.chunkRows = 4;
    opt.flushEvents = 3;
    podml::io::Writer writer(argv[1], opt);
    Value events = Value::array();
    for (int e = 0; e < kEntries; ++e) {
      writer.writeFrame(makeEntry(e, events), "events");
    }
    podml::Frame run;
    run.putParameter("runNumber", 7);
    writer.writeFrame(run, "runs");
    writer.finish();

    Value root = Value::object();
    root.set("events", std::move(events));
    Value runs = Value::array();
    Value runParams = Value::object();
    Value runInts = Value::object();
    runInts.set("runNumber", array(std::vector<int>{7}));
    runParams.set("int", std::move(runInts));
    Value run0 = Value::object();
    run0.set("parameters", std::move(runParams));
    runs.push_back(std::move(run0));
    root.set("runs", std::move(runs));
    std::ofstream out(argv[2]);
    out << podml::json::dump(root, 1) << "\n";
    if (!out) {
      std::cerr << "podml-write-sample: cannot write '" << argv[2] << "'\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "podml-write-sample: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
