// Several threads, each with its own Reader on the same file, read every frame
// and bulk columns at once; the results must equal a single-threaded read.
#include "../common/TestPaths.h"
#include "testdm/ClusterCollection.h"
#include "testdm/ExampleHitCollection.h"
#include "testdm/MCCollection.h"
#include "testdm/WithEverythingCollection.h"

#include "podml/io/Reader.h"
#include "podml/io/Writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace {

podml::Frame makeFrame(int e) {
  podml::Frame f;
  ExampleHitCollection hits;
  ex::ClusterCollection clusters;
  ex::WithEverythingCollection every;
  ex::MCCollection mcs;
  for (int i = 0; i < 5 + e % 7; ++i) {
    hits.create(100ULL + i, 1.0 * i, 2.0 * i + e, 3.0 * i, 0.5 * i + e);
  }
  auto c = clusters.create();
  c.energy(42.f + e);
  c.addHits(hits[0]);
  c.addHits(hits[e % 5]);
  auto m = mcs.create();
  m.PDG(e);
  auto w = every.create();
  w.scalar(1.25f * e);
  for (int k = 0; k < e % 4; ++k) {
    w.addweights(0.5 * k + e);
  }
  w.cluster(c);
  w.addparticles(m);
  f.put(std::move(hits), "Hits");
  f.put(std::move(clusters), "Clusters");
  f.put(std::move(every), "Everything");
  f.put(std::move(mcs), "MCs");
  f.putParameter("event", e);
  f.putParameter("tag", "event-" + std::to_string(e));
  return f;
}

// Every byte a frame holds, as text: columns, relation IDs, resolved relations, parameters.
std::string digest(const podml::Frame& f) {
  std::ostringstream os;
  for (const auto& name : f.getAvailableCollections()) {
    const auto* c = f.get(name);
    os << name << ' ' << c->getValueTypeName() << ' ' << c->getID() << ' ' << c->size() << '\n';
    for (const auto& col : c->columns()) {
      os.write(static_cast<const char*>(col.rawData()), static_cast<std::streamsize>(col.sizeBytes()));
    }
    for (std::size_t r = 0; r < c->definition().relations.size(); ++r) {
      for (const auto& id : c->relationIDs(r)) {
        os << id.index << ':' << id.collectionID << ' ';
      }
    }
    os << '\n';
  }
  const auto& clusters = f.get<ex::ClusterCollection>("Clusters");
  os << clusters[0].Hits(1).energy() << ' ' << f.get<ex::WithEverythingCollection>("Everything")[0].cluster().energy();
  os << f.getParameter<int>("event").value_or(-1) << f.getParameter<std::string>("tag").value_or("");
  return os.str();
}

struct Result {
  std::vector<std::string> frames;
  std::vector<std::string> columns;
};

std::string bytesOf(const podml::io::ColumnBatch& b) {
  std::string s;
  for (const auto& c : b.columns) {
    s.append(static_cast<const char*>(c.rawData()), c.sizeBytes());
  }
  s.append(reinterpret_cast<const char*>(b.offsets.data()), b.offsets.size() * sizeof(uint64_t));
  return s;
}

Result readAll(const std::string& file) {
  Result r;
  podml::io::Reader reader({file});
  const auto n = reader.getEntries("events");
  for (std::size_t i = 0; i < n; ++i) {
    r.frames.push_back(digest(reader.readNextFrame("events")));
  }
  r.columns.push_back(bytesOf(reader.readColumns("events", "Hits", {"energy", "cellID", "y"})));
  r.columns.push_back(bytesOf(reader.readColumns("events", "Everything", {"weights"})));
  for (uint64_t s = 0; s < 4; ++s) {
    r.columns.push_back(
        bytesOf(reader.readColumns("events", "Clusters", {"energy"}, podml::io::EntryRange::shard(n, s, 4))));
  }
  return r;
}

} // namespace

TEST(Threads, FourReadersOfOneFileMatchASingleThreadedRead) {
  const auto file = podml::test::tmpPath("threads.h5");
  {
    podml::io::WriterOptions opt;
    opt.chunkRows = 64; // many chunks: many HDF5 reads per column
    opt.flushEvents = 50;
    podml::io::Writer w(file, opt);
    for (int e = 0; e < 600; ++e) {
      w.writeFrame(makeFrame(e), "events");
    }
    w.finish();
  }
  const Result expected = readAll(file);
  ASSERT_EQ(expected.frames.size(), 600u);
  constexpr int kThreads = 4;
  constexpr int kRounds = 3;
  std::vector<Result> results(kThreads * kRounds);
  std::vector<std::string> errors(kThreads);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ++ready;
      while (ready.load() < kThreads) {
        std::this_thread::yield(); // start together, so the reads overlap
      }
      try {
        for (int round = 0; round < kRounds; ++round) {
          results[t * kRounds + round] = readAll(file);
        }
      } catch (const std::exception& e) {
        errors[t] = e.what();
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(errors[t], "") << "thread " << t;
    for (int round = 0; round < kRounds; ++round) {
      const auto& got = results[t * kRounds + round];
      ASSERT_EQ(got.frames.size(), expected.frames.size()) << "thread " << t;
      for (std::size_t i = 0; i < got.frames.size(); ++i) {
        ASSERT_EQ(got.frames[i], expected.frames[i]) << "thread " << t << " round " << round << " frame " << i;
      }
      EXPECT_EQ(got.columns, expected.columns) << "thread " << t << " round " << round;
    }
  }
}

TEST(Threads, ReadersOpenAndFailConcurrently) {
  // Opening (and failing to open) files from several threads at once: errors
  // stay with their thread and name the right file.
  const auto good = podml::test::tmpPath("good.h5");
  {
    podml::io::Writer w(good);
    for (int e = 0; e < 20; ++e) {
      w.writeFrame(makeFrame(e), "events");
    }
    w.finish();
  }
  std::vector<std::string> failures(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const auto bad = podml::test::tmpPath("bad-" + std::to_string(t) + ".h5");
      {
        std::FILE* f = std::fopen(bad.c_str(), "w");
        std::fputs("not hdf5", f);
        std::fclose(f);
      }
      for (int i = 0; i < 50; ++i) {
        try {
          podml::io::Reader r({bad});
          failures[t] = "no error for " + bad;
          return;
        } catch (const podml::IoError& e) {
          if (std::string(e.what()).find(bad) == std::string::npos) {
            failures[t] = std::string("wrong file named: ") + e.what();
            return;
          }
        }
        podml::io::Reader r({good});
        if (r.readFrame("events", static_cast<std::size_t>(i % 20)).getParameter<int>("event").value_or(-1) != i % 20) {
          failures[t] = "wrong frame";
          return;
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (const auto& f : failures) {
    EXPECT_EQ(f, "");
  }
}
