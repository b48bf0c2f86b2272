/// \file bench_io.cc
/// I/O benchmark: writes and reads EDM4hep-like events with podml's HDF5 writer and
/// reader (issue 3, "Benchmark"), and measures the compression and chunking options.
///
/// Each event holds four collections of ~50 objects: MCParticles (with parent/daughter
/// relations), ReconstructedParticles (with a track relation), Tracks (two trackStates
/// and a few hit numbers each) and a RecoMCParticleLink collection. Values are drawn
/// fresh for every event, so compressors see no repeated events.
///
/// Rows: (1) full write, (2) full read of every frame with Reader::readNextFrame,
/// (3) one float column (ReconstructedParticles energy) over all events with
/// Reader::readColumns, (4) the same dataset read with h5py (`f[path][:]`, run as
/// /usr/bin/python3 bench_io_h5py.py in this run), (5) memcpy as the limit; then the
/// same column reads with a cold page cache, a compression table and a chunking table.
///
/// MB/s is payload bytes per second: the bytes of the events in memory (every column,
/// ranges and relation ObjectIDs), or the bytes of the one column for the column rows.
/// Reads are from the page cache unless the row says "cold" (the file's pages are then
/// dropped with posix_fadvise before every read).
///
/// With --report FILE (or $PODML_BENCH_REPORT) the rows of the main table and its ratios are
/// also appended to FILE as JSON lines (BenchCommon.h; make bench collects them).
///
/// Usage: podml-bench-io [--events N] [--reps R] [--compression-events N] [--dir D]
///                        [--no-compression] [--no-chunks] [--keep] [--python P] [--script S]
///                        [--report FILE]

#include "BenchCommon.h"

#include "edm4hep/MCParticleCollection.h"
#include "edm4hep/RecoMCParticleLinkCollection.h"
#include "edm4hep/ReconstructedParticleCollection.h"
#include "edm4hep/TrackCollection.h"

#include "podml/Frame.h"
#include "podml/io/Options.h"
#include "podml/io/Reader.h"
#include "podml/io/Writer.h"

#include <hdf5.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#ifndef PODML_BENCH_H5PY_SCRIPT
#define PODML_BENCH_H5PY_SCRIPT "bench/bench_io_h5py.py"
#endif

namespace {

using podml::bench::cpuModel;
using podml::bench::fmt;
using podml::bench::loadAverage;

using Clock = std::chrono::steady_clock;
using podml::io::Compression;
using podml::io::WriterOptions;

constexpr const char* kCategory = "events";
constexpr const char* kColumnCollection = "ReconstructedParticles";
constexpr const char* kColumn = "energy";
constexpr std::size_t kObjects = 50;     // objects per collection and event (on average)
constexpr std::size_t kBatch = 1000;     // events generated (untimed) between timed writes
constexpr unsigned kLz4Filter = 32004;   // registered HDF5 filter ID of LZ4

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

/// Makes the compiler believe all memory may have been read and written.
inline void clobberMemory() { asm volatile("" : : : "memory"); }

/// Small deterministic generator.
struct XorShift {
  uint64_t s{0x9e3779b97f4a7c15ull};
  uint64_t bits() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  float uniform() { return static_cast<float>(bits() >> 40) * (1.0f / 16777216.0f); } // [0, 1)
  float gauss() {                                                                        // ~N(0,1), sum of uniforms
    return uniform() + uniform() + uniform() + uniform() - 2.0f;
  }
  float expo(float mean) { return -mean * std::log(1.0f - uniform()); }
  int pick(int n) { return static_cast<int>(bits() % static_cast<uint64_t>(n)); }
};

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

struct Generated {
  podml::Frame frame;
  uint64_t payload{0}; // bytes in memory: columns, ranges, relation ObjectIDs
  uint64_t columnRows{0};
  double columnSum{0};
};

/// In-memory payload of a frame: what a full read has to produce.
uint64_t payloadBytes(const podml::Frame& f) {
  uint64_t bytes = 0;
  for (const auto& name : f.getAvailableCollections()) {
    const auto* c = f.get(name);
    for (const auto& col : c->columns()) {
      bytes += col.sizeBytes();
    }
    for (std::size_t r = 0; r < c->definition().relations.size(); ++r) {
      bytes += c->relationIDs(r).size() * sizeof(podml::ObjectID);
    }
  }
  return bytes;
}

class EventGenerator {
public:
  Generated next() {
    static constexpr std::array<int, 8> kPdg{211, -211, 22, 22, 321, 11, 13, 2212};
    static constexpr std::array<float, 8> kMass{0.1396f, 0.1396f, 0.f, 0.f, 0.4937f, 0.000511f, 0.1057f, 0.9383f};
    const std::size_t n = kObjects - 5 + static_cast<std::size_t>(m_rng.pick(11)); // 45..55

    edm4hep::MCParticleCollection mcs;
    for (std::size_t i = 0; i < n; ++i) {
      auto p = mcs.create();
      const int k = m_rng.pick(static_cast<int>(kPdg.size()));
      p.setPDG(i < 2 ? 23 : kPdg[static_cast<std::size_t>(k)]);
      p.setGeneratorStatus(i < 2 ? 2 : 1);
      p.setSimulatorStatus(m_rng.pick(4) == 0 ? 1 << 24 : 0);
      p.setCharge(kPdg[static_cast<std::size_t>(k)] == 22 ? 0.f : (kPdg[static_cast<std::size_t>(k)] > 0 ? 1.f : -1.f));
      p.setTime(m_rng.expo(0.1f));
      p.setMass(kMass[static_cast<std::size_t>(k)]);
      p.setVertex({0.01 * m_rng.gauss(), 0.01 * m_rng.gauss(), 1.0 * m_rng.gauss()});
      p.setMomentum({3.0 * m_rng.gauss(), 3.0 * m_rng.gauss(), 10.0 * m_rng.gauss()});
      if (m_rng.pick(3) == 0) { // a third of the particles end inside the detector
        p.setEndpoint({100.0 * m_rng.gauss(), 100.0 * m_rng.gauss(), 300.0 * m_rng.gauss()});
        p.setMomentumAtEndpoint({1.0 * m_rng.gauss(), 1.0 * m_rng.gauss(), 3.0 * m_rng.gauss()});
      }
      if (i >= 2) { // a decay tree: every particle has one parent
        const std::size_t parent = (i - 2) / 3;
        p.addToParents(mcs[parent]);
        mcs[parent].addToDaughters(p);
      }
    }

    edm4hep::TrackCollection tracks;
    for (std::size_t i = 0; i < n; ++i) {
      auto t = tracks.create();
      t.setType(1);
      t.setNdf(5 + m_rng.pick(40));
      t.setChi2(static_cast<float>(t.getNdf()) * (0.5f + m_rng.uniform()));
      t.setNholes(m_rng.pick(3));
      t.addToSubdetectorHitNumbers(m_rng.pick(8));
      t.addToSubdetectorHitNumbers(m_rng.pick(30));
      for (int location : {edm4hep::TrackState::AtIP, edm4hep::TrackState::AtCalorimeter}) {
        edm4hep::TrackState s;
        s.location = location;
        s.D0 = 0.05f * m_rng.gauss();
        s.phi = 3.14159f * (2.f * m_rng.uniform() - 1.f);
        s.omega = 1e-3f * m_rng.gauss();
        s.Z0 = 0.1f * m_rng.gauss();
        s.tanLambda = m_rng.gauss();
        s.time = m_rng.expo(1.f);
        if (location == edm4hep::TrackState::AtCalorimeter) {
          s.referencePoint = {1800.f * m_rng.gauss(), 1800.f * m_rng.gauss(), 2000.f * m_rng.gauss()};
        }
        for (auto& v : s.covMatrix.values) {
          v = 1e-4f * m_rng.expo(1.f);
        }
        t.addToTrackStates(s);
      }
    }

    edm4hep::ReconstructedParticleCollection recos;
    for (std::size_t i = 0; i < n; ++i) {
      auto r = recos.create();
      const int k = m_rng.pick(static_cast<int>(kPdg.size()));
      const float px = 3.f * m_rng.gauss(), py = 3.f * m_rng.gauss(), pz = 10.f * m_rng.gauss();
      const float m = kMass[static_cast<std::size_t>(k)];
      r.setPDG(kPdg[static_cast<std::size_t>(k)]);
      r.setMomentum({px, py, pz});
      r.setEnergy(std::sqrt(px * px + py * py + pz * pz + m * m));
      r.setMass(m);
      r.setCharge(kPdg[static_cast<std::size_t>(k)] == 22 ? 0.f : 1.f);
      edm4hep::CovMatrix4f cov;
      for (auto& v : cov.values) {
        v = 1e-3f * m_rng.expo(1.f);
      }
      r.setCovMatrix(cov);
      if (kPdg[static_cast<std::size_t>(k)] != 22) {
        r.addToTracks(tracks[i]);
      }
    }

    edm4hep::RecoMCParticleLinkCollection links;
    for (std::size_t i = 0; i < n; ++i) {
      auto l = links.create();
      l.setFrom(recos[i]);
      l.setTo(mcs[static_cast<std::size_t>(m_rng.pick(static_cast<int>(n)))]);
      l.setWeight(m_rng.uniform());
    }

    Generated g;
    for (float e : recos.energy()) {
      g.columnSum += e;
    }
    g.columnRows = recos.size();
    g.frame.put(std::move(mcs), "MCParticles");
    g.frame.put(std::move(recos), kColumnCollection);
    g.frame.put(std::move(tracks), "Tracks");
    g.frame.put(std::move(links), "MCRecoLinks");
    g.frame.putParameter("eventNumber", static_cast<int>(m_event++));
    g.payload = payloadBytes(g.frame);
    return g;
  }

private:
  XorShift m_rng;
  uint64_t m_event{0};
};

// ---------------------------------------------------------------------------
// Measurements
// ---------------------------------------------------------------------------

struct WriteResult {
  double seconds{0};    // writeFrame + finish
  double genSeconds{0}; // building the events (not in `seconds`)
  uint64_t payload{0};
  uint64_t columnRows{0};
  double columnSum{0};
  uint64_t fileBytes{0};
};

uint64_t fileSize(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

/// Writes the file to disk and drops its pages from the page cache.
void evict(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) {
    return;
  }
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

WriteResult writeEvents(const std::string& path, std::size_t events, const WriterOptions& opt) {
  EventGenerator gen; // same events for every configuration
  WriteResult res;
  std::vector<Generated> batch;
  batch.reserve(kBatch);
  podml::io::Writer writer(path, opt);
  for (std::size_t done = 0; done < events;) {
    const std::size_t n = std::min(kBatch, events - done);
    batch.clear();
    const auto g0 = Clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(gen.next());
      res.payload += batch.back().payload;
      res.columnRows += batch.back().columnRows;
      res.columnSum += batch.back().columnSum;
    }
    const auto t0 = Clock::now();
    for (const auto& g : batch) {
      writer.writeFrame(g.frame, kCategory);
    }
    const auto t1 = Clock::now();
    res.genSeconds += seconds(g0, t0);
    res.seconds += seconds(t0, t1);
    done += n;
  }
  const auto t0 = Clock::now();
  writer.finish();
  res.seconds += seconds(t0, Clock::now());
  res.fileBytes = fileSize(path);
  return res;
}

struct FullRead {
  double seconds{0};
  uint64_t events{0};
  uint64_t columnRows{0};
};

FullRead readAll(const std::string& path) {
  FullRead res;
  const auto t0 = Clock::now();
  auto reader = podml::io::makeReader(path);
  const std::size_t n = reader->getEntries(kCategory);
  for (std::size_t i = 0; i < n; ++i) {
    const podml::Frame f = reader->readNextFrame(kCategory);
    res.columnRows += f.get<edm4hep::ReconstructedParticleCollection>(kColumnCollection).size();
  }
  res.seconds = seconds(t0, Clock::now());
  res.events = n;
  return res;
}

struct ColumnRead {
  double seconds{std::numeric_limits<double>::infinity()};
  uint64_t rows{0};
  double sum{0};
};

/// Best of `reps` Reader::readColumns of the one column (reader opened once, untimed).
ColumnRead readColumn(const std::string& path, int reps, bool cold) {
  ColumnRead res;
  auto reader = podml::io::makeReader(path);
  for (int r = 0; r < reps; ++r) {
    if (cold) {
      evict(path);
    }
    clobberMemory();
    const auto t0 = Clock::now();
    const podml::io::ColumnBatch b = reader->readColumns(kCategory, kColumnCollection, {kColumn});
    clobberMemory();
    res.seconds = std::min(res.seconds, seconds(t0, Clock::now()));
    res.rows = b.columns.at(0).size();
    double s = 0;
    for (float v : b.columns[0].span<float>()) {
      s += v;
    }
    res.sum = s;
  }
  return res;
}

struct PyRead {
  std::optional<double> seconds;
  uint64_t rows{0};
  double sum{0};
  std::string error;
};

PyRead readColumnH5py(const std::string& python, const std::string& script, const std::string& path, int reps,
                      bool cold) {
  PyRead res;
  const std::string dataset = std::string(kCategory) + "/" + kColumnCollection + "/" + kColumn;
  const std::string cmd = "'" + python + "' '" + script + "' '" + path + "' '" + dataset + "' " + std::to_string(reps) +
                          (cold ? " --cold" : "") + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    res.error = "cannot run " + python;
    return res;
  }
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) {
    out += buf;
  }
  const int rc = ::pclose(p);
  std::istringstream in(out);
  double s = 0;
  std::string line2;
  if (rc != 0 || !(in >> s)) {
    res.error = "h5py run failed: " + out.substr(0, 300);
    return res;
  }
  in >> line2; // rows=N
  std::string sumText;
  in >> sumText; // sum=S
  if (line2.rfind("rows=", 0) == 0) {
    res.rows = std::strtoull(line2.c_str() + 5, nullptr, 10);
  }
  if (sumText.rfind("sum=", 0) == 0) {
    res.sum = std::strtod(sumText.c_str() + 4, nullptr);
  }
  res.seconds = s;
  return res;
}

/// Best memcpy time of `bytes` over `reps` runs (buffers faulted in beforehand).
double memcpySeconds(std::size_t bytes, int reps) {
  std::vector<char> src(bytes, 1), dst(bytes, 2);
  double best = std::numeric_limits<double>::infinity();
  for (int r = 0; r < reps; ++r) {
    clobberMemory();
    const auto t0 = Clock::now();
    std::memcpy(dst.data(), src.data(), bytes);
    clobberMemory();
    best = std::min(best, seconds(t0, Clock::now()));
  }
  if (dst[bytes / 2] != 1) {
    std::abort();
  }
  return best;
}

/// Filters on the benchmark column of a written file, e.g. "shuffle+deflate(1)".
std::string filtersOf(const std::string& path) {
  std::string out;
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) {
    return "?";
  }
  const std::string ds = std::string(kCategory) + "/" + kColumnCollection + "/" + kColumn;
  const hid_t d = H5Dopen2(f, ds.c_str(), H5P_DEFAULT);
  if (d >= 0) {
    const hid_t pl = H5Dget_create_plist(d);
    hsize_t chunk[4] = {};
    const int rank = H5Pget_chunk(pl, 4, chunk);
    const int nf = H5Pget_nfilters(pl);
    for (int i = 0; i < nf; ++i) {
      unsigned flags = 0, cd[8] = {}, config = 0;
      std::size_t ncd = 8;
      char name[64] = {};
      const H5Z_filter_t id = H5Pget_filter2(pl, static_cast<unsigned>(i), &flags, &ncd, cd, sizeof name, name, &config);
      if (!out.empty()) {
        out += "+";
      }
      if (id == H5Z_FILTER_DEFLATE) {
        out += "deflate(" + std::to_string(ncd > 0 ? cd[0] : 0) + ")";
      } else if (id == H5Z_FILTER_SHUFFLE) {
        out += "shuffle";
      } else if (id == kLz4Filter) {
        out += "lz4";
      } else {
        out += "filter" + std::to_string(id);
      }
    }
    if (out.empty()) {
      out = "none";
    }
    if (rank >= 1) {
      out += ", chunk " + std::to_string(chunk[0]) + " rows";
    }
    H5Pclose(pl);
    H5Dclose(d);
  }
  H5Fclose(f);
  return out;
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

double mbps(uint64_t bytes, double s) { return static_cast<double>(bytes) / 1e6 / s; }

std::string compressionName(const WriterOptions& o) {
  switch (o.compression) {
  case Compression::None:
    return "none";
  case Compression::Deflate:
    return "deflate:" + std::to_string(o.level) + (o.shuffle ? " + shuffle" : "");
  case Compression::Lz4:
    return std::string("lz4") + (o.shuffle ? " + shuffle" : "");
  }
  return "?";
}

[[noreturn]] void usage(const char* argv0, const std::string& why) {
  std::fprintf(stderr,
               "podml-bench-io: error: %s\nusage: %s [--events N] [--reps R] [--compression-events N] [--dir D]\n"
               "       [--no-compression] [--no-chunks] [--keep] [--python P] [--script S] [--report FILE]\n",
               why.c_str(), argv0);
  std::exit(2);
}

struct Config {
  std::size_t events{100'000};
  std::size_t compressionEvents{20'000};
  int reps{5};
  std::string dir{"/tmp"};
  bool compressionTable{true};
  bool chunkTable{true};
  bool keep{false};
  std::string python{"/usr/bin/python3"};
  std::string script{PODML_BENCH_H5PY_SCRIPT};
  std::string report; // empty: $PODML_BENCH_REPORT or none
};

Config parse(int argc, char** argv) {
  Config c;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage(argv[0], "missing value for " + std::string(a));
      }
      return argv[++i];
    };
    auto number = [&]() -> long long {
      const std::string v = value();
      char* end = nullptr;
      const long long x = std::strtoll(v.c_str(), &end, 10);
      if (end == v.c_str() || *end != '\0' || x <= 0) {
        usage(argv[0], "bad value for " + std::string(a) + ": '" + v + "'");
      }
      return x;
    };
    if (a == "--events") {
      c.events = static_cast<std::size_t>(number());
    } else if (a == "--compression-events") {
      c.compressionEvents = static_cast<std::size_t>(number());
    } else if (a == "--reps") {
      c.reps = static_cast<int>(number());
    } else if (a == "--dir") {
      c.dir = value();
    } else if (a == "--python") {
      c.python = value();
    } else if (a == "--script") {
      c.script = value();
    } else if (a == "--report") {
      c.report = value();
    } else if (a == "--no-compression") {
      c.compressionTable = false;
    } else if (a == "--no-chunks") {
      c.chunkTable = false;
    } else if (a == "--keep") {
      c.keep = true;
    } else if (a == "-h" || a == "--help") {
      usage(argv[0], "help requested");
    } else {
      usage(argv[0], "unknown argument '" + std::string(a) + "'");
    }
  }
  return c;
}

bool sameSum(double a, double b) { return std::fabs(a - b) <= 1e-5 * std::max(std::fabs(a), std::fabs(b)) + 1e-6; }

struct ConfigResult {
  std::string name;
  std::string filters;
  WriteResult w;
  FullRead full;
  ColumnRead col;
  PyRead py;
};

ConfigResult measureConfig(const Config& cfg, const std::string& name, const WriterOptions& opt, std::size_t events,
                           const std::string& path) {
  ConfigResult r;
  r.name = name;
  r.w = writeEvents(path, events, opt);
  r.filters = filtersOf(path);
  r.full = readAll(path);
  r.col = readColumn(path, cfg.reps, false);
  r.py = readColumnH5py(cfg.python, cfg.script, path, cfg.reps, false);
  if (!cfg.keep) {
    std::remove(path.c_str());
  }
  return r;
}

void printConfigRow(const ConfigResult& r, double noneSize) {
  const uint64_t colBytes = r.w.columnRows * sizeof(float);
  std::printf("| %s | %s | %.1f | %.2f | %.0f | %.0f | %.0f | %s |\n", r.name.c_str(), r.filters.c_str(),
              static_cast<double>(r.w.fileBytes) / 1e6, noneSize > 0 ? noneSize / static_cast<double>(r.w.fileBytes) : 1.0,
              mbps(r.w.payload, r.w.seconds), mbps(r.w.payload, r.full.seconds), mbps(colBytes, r.col.seconds),
              r.py.seconds ? fmt("%.0f", mbps(colBytes, *r.py.seconds)).c_str() : "n/a");
  std::fflush(stdout);
}

} // namespace

int main(int argc, char** argv) {
  const Config cfg = parse(argc, argv);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const bool haveLz4 = H5Zfilter_avail(kLz4Filter) > 0;
  const char* pluginPath = std::getenv("HDF5_PLUGIN_PATH");
  char defaultPlugins[512] = "?";
  H5PLget(0, defaultPlugins, sizeof defaultPlugins);
  unsigned hdfMaj = 0, hdfMin = 0, hdfRel = 0;
  H5get_libversion(&hdfMaj, &hdfMin, &hdfRel);

  std::printf("# podml I/O benchmark: EDM4hep-like events through HDF5\n\n");
  std::printf("- machine: %ld logical CPUs (nproc), %s\n", sysconf(_SC_NPROCESSORS_ONLN), cpuModel().c_str());
  std::printf("- compiler: %s %s, flags: %s\n",
#if defined(__clang__)
              "clang",
#else
              "gcc",
#endif
              __VERSION__, PODML_BENCH_CXX_FLAGS);
  std::printf("- HDF5 %u.%u.%u; LZ4 filter (%u): %s; plugin path: %s\n", hdfMaj, hdfMin, hdfRel, kLz4Filter,
              haveLz4 ? "available" : "not available", pluginPath != nullptr ? pluginPath : defaultPlugins);
  std::printf("- events: %zu, each MCParticles, ReconstructedParticles, Tracks (2 trackStates each) and "
              "RecoMCParticleLinks, %zu +- 5 objects per collection; files in %s\n",
              cfg.events, kObjects, cfg.dir.c_str());
  std::printf("- column reads: best of %d; reads from the page cache unless marked cold\n", cfg.reps);
  std::printf("- load average at start: %s (anything near or above nproc means the timings are shared)\n\n",
              loadAverage().c_str());
  std::fflush(stdout);
  podml::bench::Report report("io");
  report.open(cfg.report);
  report.start(std::to_string(cfg.events) + " events, column reads best of " + std::to_string(cfg.reps) +
                   (cfg.compressionTable || cfg.chunkTable
                        ? ", compression/chunking tables " + std::to_string(cfg.compressionEvents) + " events"
                        : ""),
               PODML_BENCH_CXX_FLAGS);

  const auto start = Clock::now();
  const std::string path = cfg.dir + "/podml-bench-io-" + std::to_string(::getpid()) + ".h5";
  int failures = 0;

  // --- main table: default writer options ------------------------------------------------
  const WriterOptions defaults;
  const WriteResult w = writeEvents(path, cfg.events, defaults);
  const FullRead full = readAll(path);
  const ColumnRead col = readColumn(path, cfg.reps, false);
  const PyRead py = readColumnH5py(cfg.python, cfg.script, path, cfg.reps, false);
  const ColumnRead colCold = readColumn(path, std::min(cfg.reps, 3), true);
  const PyRead pyCold = readColumnH5py(cfg.python, cfg.script, path, std::min(cfg.reps, 3), true);
  const std::size_t memcpyBytes = std::max<std::size_t>(w.columnRows * sizeof(float), 64u << 20);
  const double tMemcpy = memcpySeconds(memcpyBytes, cfg.reps);
  const std::string defaultFilters = filtersOf(path);

  // Both sides must have read what was written.
  if (full.events != cfg.events || full.columnRows != w.columnRows || col.rows != w.columnRows ||
      !sameSum(col.sum, w.columnSum)) {
    std::fprintf(stderr, "podml-bench-io: error: read back %llu events / %llu rows (sum %g), wrote %zu / %llu (sum %g)\n",
                 static_cast<unsigned long long>(full.events), static_cast<unsigned long long>(col.rows), col.sum,
                 cfg.events, static_cast<unsigned long long>(w.columnRows), w.columnSum);
    report.error("read back (default options)", "podml read back " + std::to_string(full.events) + " events / " +
                                                     std::to_string(col.rows) + " rows, wrote " +
                                                     std::to_string(cfg.events) + " / " + std::to_string(w.columnRows));
    ++failures;
  }
  if (!py.seconds) {
    std::fprintf(stderr, "podml-bench-io: warning: %s\n", py.error.c_str());
  } else if (py.rows != w.columnRows || !sameSum(py.sum, w.columnSum)) {
    std::fprintf(stderr, "podml-bench-io: error: h5py read %llu rows (sum %g), podml wrote %llu (sum %g)\n",
                 static_cast<unsigned long long>(py.rows), py.sum, static_cast<unsigned long long>(w.columnRows),
                 w.columnSum);
    report.error("read back with h5py", "h5py read " + std::to_string(py.rows) + " rows, podml wrote " +
                                            std::to_string(w.columnRows));
    ++failures;
  }

  const uint64_t colBytes = w.columnRows * sizeof(float);
  std::printf("## Write and read (default WriterOptions: filters %s, flushEvents %zu)\n\n", defaultFilters.c_str(),
              defaults.flushEvents);
  std::printf("payload %.1f MB (%.0f bytes/event in memory), file %.1f MB; the column: %.1f MB (%llu floats)\n\n",
              static_cast<double>(w.payload) / 1e6, static_cast<double>(w.payload) / static_cast<double>(cfg.events),
              static_cast<double>(w.fileBytes) / 1e6, static_cast<double>(colBytes) / 1e6,
              static_cast<unsigned long long>(w.columnRows));
  std::printf("| # | operation | payload MB | seconds | MB/s | events/s |\n");
  std::printf("|---|---|---:|---:|---:|---:|\n");
  auto row = [&](const char* id, const std::string& what, uint64_t bytes, std::optional<double> s, bool perEvent) {
    if (!s) {
      std::printf("| %s | %s | %.1f | n/a | n/a | |\n", id, what.c_str(), static_cast<double>(bytes) / 1e6);
      return;
    }
    std::printf("| %s | %s | %.1f | %.4f | %.0f | %s |\n", id, what.c_str(), static_cast<double>(bytes) / 1e6, *s,
                mbps(bytes, *s), perEvent ? fmt("%.0f", static_cast<double>(cfg.events) / *s).c_str() : "");
  };
  row("1", "full write: Writer::writeFrame x N + finish", w.payload, w.seconds, true);
  row("2", "full read: Reader::readNextFrame x N", w.payload, full.seconds, true);
  row("3", "one column: Reader::readColumns(ReconstructedParticles, {energy})", colBytes, col.seconds, false);
  row("4", "one column: h5py `f[path][:]`", colBytes, py.seconds, false);
  row("3c", "one column, cold page cache: podml", colBytes, colCold.seconds, false);
  row("4c", "one column, cold page cache: h5py", colBytes, pyCold.seconds, false);
  row("5", "limit: memcpy of " + fmt("%.0f", static_cast<double>(memcpyBytes) / 1e6) + " MB", memcpyBytes, tMemcpy,
      false);
  std::printf("\n(building the events, not timed above: %.2f s)\n\n", w.genSeconds);

  std::printf("| ratio | value | target | result |\n|---|---:|---:|---|\n");
  const double fullVsCol = full.seconds / col.seconds;
  std::printf("| one-column read vs full read (time of 2 / time of 3) | %.0fx | >= 10x | %s |\n", fullVsCol,
              fullVsCol >= 10 ? "PASS" : "MISS");
  std::printf("| one-column read vs full read, MB/s (3 / 2) | %.2fx | | |\n",
              mbps(colBytes, col.seconds) / mbps(w.payload, full.seconds));
  if (py.seconds) {
    const double vsPy = *py.seconds / col.seconds;
    std::printf("| podml column read vs h5py (time of 4 / time of 3) | %.2fx | >= 1.0x | %s |\n", vsPy,
                vsPy >= 1.0 ? "PASS" : "MISS");
  }
  if (pyCold.seconds) {
    std::printf("| same, cold page cache (4c / 3c) | %.2fx | | |\n", *pyCold.seconds / colCold.seconds);
  }
  std::printf("| podml column read vs memcpy (MB/s of 3 / 5) | %.2f | | |\n",
              mbps(colBytes, col.seconds) / mbps(memcpyBytes, tMemcpy));
  std::printf("\n");
  std::fflush(stdout);

  // The same for make bench's summary. MB/s rows: ratio = podml MB/s / baseline MB/s.
  {
    using podml::bench::ReportRow;
    const double memcpyMbps = mbps(memcpyBytes, tMemcpy);
    const std::string memcpyName = "memcpy of " + fmt("%.0f", static_cast<double>(memcpyBytes) / 1e6) + " MB";
    const auto vsMemcpy = [&](const std::string& metric, double value) {
      ReportRow r;
      r.metric = metric;
      r.value = value;
      r.unit = "MB/s";
      r.baseline = memcpyName;
      r.baselineValue = memcpyMbps;
      r.ratio = value / memcpyMbps;
      report.row(r);
    };
    vsMemcpy("full write (Writer::writeFrame, default options)", mbps(w.payload, w.seconds));
    vsMemcpy("full read (Reader::readNextFrame)", mbps(w.payload, full.seconds));
    vsMemcpy("one float column (Reader::readColumns)", mbps(colBytes, col.seconds));

    ReportRow r;
    r.metric = "one column read: speed-up over full read (time of full read / time of column read)";
    r.value = col.seconds;
    r.unit = "s";
    r.baseline = "full read";
    r.baselineValue = full.seconds;
    r.ratio = fullVsCol;
    r.target = ">= 10x";
    r.pass = fullVsCol >= 10;
    report.row(r);

    const auto vsH5py = [&](const std::string& metric, const ColumnRead& c, const PyRead& p, const std::string& target) {
      if (!p.seconds) {
        report.error(metric, p.error);
        return;
      }
      ReportRow x;
      x.metric = metric;
      x.value = mbps(colBytes, c.seconds);
      x.unit = "MB/s";
      x.baseline = "h5py f[path][:]";
      x.baselineValue = mbps(colBytes, *p.seconds);
      x.ratio = x.value / x.baselineValue;
      x.target = target;
      if (!target.empty()) {
        x.pass = x.ratio >= 1.0;
      }
      report.row(x);
    };
    vsH5py("one float column vs h5py", col, py, ">= 1.0x");
    vsH5py("one float column vs h5py, cold page cache", colCold, pyCold, "");
  }

  if (!cfg.keep) {
    std::remove(path.c_str());
  } else {
    std::printf("(kept %s)\n\n", path.c_str());
  }

  // --- compression ------------------------------------------------------------------------
  if (cfg.compressionTable) {
    const std::size_t n = cfg.compressionEvents;
    std::printf("## Compression (%zu events, chunkRows %zu, flushEvents %zu)\n\n", n, defaults.chunkRows,
                defaults.flushEvents);
    std::printf("| compression | filters on the column | file MB | ratio | write MB/s | full read MB/s | "
                "column read MB/s | h5py column MB/s |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|---:|\n");
    std::vector<std::pair<std::string, WriterOptions>> configs;
    WriterOptions o;
    configs.emplace_back("none", o);
    o.compression = Compression::Deflate;
    o.level = 1;
    configs.emplace_back("deflate:1", o);
    o.level = 6;
    configs.emplace_back("deflate:6", o);
    if (haveLz4) {
      o.compression = Compression::Lz4;
      configs.emplace_back("lz4", o);
    }
    double noneSize = 0;
    for (const auto& [name, opt] : configs) {
      const ConfigResult r = measureConfig(cfg, compressionName(opt), opt, n, path);
      if (name == "none") {
        noneSize = static_cast<double>(r.w.fileBytes);
      }
      if (r.col.rows != r.w.columnRows || !sameSum(r.col.sum, r.w.columnSum) ||
          (r.py.seconds && !sameSum(r.py.sum, r.w.columnSum))) {
        std::fprintf(stderr, "podml-bench-io: error: %s does not read back what was written\n", name.c_str());
        report.error("read back (" + name + ")", "does not read back what was written");
        ++failures;
      }
      printConfigRow(r, noneSize);
    }
    if (!haveLz4) {
      std::printf("| lz4 | n/a: HDF5 filter 32004 not available (install hdf5-filter-plugin) | | | | | | |\n");
    }
    std::printf("\n");
  }

  // --- chunking ---------------------------------------------------------------------------
  if (cfg.chunkTable) {
    const std::size_t n = cfg.compressionEvents;
    std::printf("## Chunking and flushing (%zu events; file MB ratio is to the first row)\n\n", n);
    std::printf("| chunkRows / flushEvents / compression | filters on the column | file MB | ratio | write MB/s | "
                "full read MB/s | column read MB/s | h5py column MB/s |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|---:|\n");
    std::vector<WriterOptions> configs;
    for (Compression c : {Compression::None, haveLz4 ? Compression::Lz4 : Compression::Deflate}) {
      for (auto [rows, flush] : {std::pair<std::size_t, std::size_t>{16384, 1000}, {65536, 1000}, {262144, 1000},
                                 {65536, 100}, {65536, 5000}}) {
        WriterOptions o;
        o.compression = c;
        o.level = 1;
        o.chunkRows = rows;
        o.flushEvents = flush;
        configs.push_back(o);
      }
    }
    double firstSize = 0;
    for (const auto& opt : configs) {
      const std::string name = std::to_string(opt.chunkRows) + " / " + std::to_string(opt.flushEvents) + " / " +
                               compressionName(opt);
      const ConfigResult r = measureConfig(cfg, name, opt, n, path);
      if (firstSize == 0) {
        firstSize = static_cast<double>(r.w.fileBytes);
      }
      if (r.col.rows != r.w.columnRows || !sameSum(r.col.sum, r.w.columnSum)) {
        std::fprintf(stderr, "podml-bench-io: error: %s does not read back what was written\n", name.c_str());
        report.error("read back (" + name + ")", "does not read back what was written");
        ++failures;
      }
      printConfigRow(r, firstSize);
    }
    std::printf("\n");
  }

  std::printf("total benchmark time %.0f s; load average at end: %s\n", seconds(start, Clock::now()),
              loadAverage().c_str());
  report.end();
  return failures == 0 ? 0 : 1;
}
