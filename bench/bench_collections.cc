/// \file bench_collections.cc
/// Collection benchmark: podml's struct-of-arrays edm4hep::ReconstructedParticleCollection
/// against the physical limits of the machine (plain std::vector<float> sum, memcpy) and
/// against an array-of-structs baseline laid out the way podio lays it out (a std::deque
/// of pointers to heap objects, each holding the POD data struct plus an ObjectID and
/// pointers to per-object relation vectors).
///
/// Prints a markdown table: ns/object, GB/s, the ratio to the baseline named in the row,
/// and the target of the issue with PASS/MISS.
///
/// With --report FILE (or $PODML_BENCH_REPORT) every row is also appended to FILE as a JSON
/// line (BenchCommon.h; make bench collects them with scripts/bench-report.py).
///
/// Usage: podml-bench-collections [--n N] [--reps R] [--report FILE]

#include "BenchCommon.h"
#include "podio/CollectionOps.h"

#include "edm4hep/ReconstructedParticleCollection.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>


namespace {

using podml::bench::cpuModel;
using podml::bench::fmt;
using podml::bench::loadAverage;

// ---------------------------------------------------------------------------
// Measurement helpers
// ---------------------------------------------------------------------------

using benchops::clobberMemory;
using benchops::doNotOptimize;
using benchops::gather8;
using benchops::heapInUse;
using benchops::sumFloats;
using benchops::XorShift;

using Clock = std::chrono::steady_clock;

/// Best wall time (seconds) of `reps` runs of `run`; `setup` and `teardown` are not timed.
template <typename Setup, typename Run, typename Teardown>
double bestOf(int reps, Setup&& setup, Run&& run, Teardown&& teardown) {
  double best = std::numeric_limits<double>::infinity();
  for (int r = 0; r < reps; ++r) {
    setup();
    clobberMemory();
    const auto t0 = Clock::now();
    run();
    clobberMemory();
    const auto t1 = Clock::now();
    teardown();
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
  }
  return best;
}
template <typename Run>
double bestOf(int reps, Run&& run) {
  return bestOf(reps, [] {}, run, [] {});
}

// ---------------------------------------------------------------------------
// Kernels shared by the limit and the podml rows, so that the comparison measures
// the access path and not the loop body.
// ---------------------------------------------------------------------------

/// The loop a user writes: one accumulator, so bound by the latency of a float add.
__attribute__((noinline)) float sumVectorScalar(const std::vector<float>& v) {
  float s = 0.0f;
  for (float x : v) {
    s += x;
  }
  return s;
}

// ---------------------------------------------------------------------------
// podml rows
// ---------------------------------------------------------------------------

using edm4hep::ReconstructedParticleCollection;

/// The 8 features as columns of the collection (resolved by path, as the tensor binding does).
std::array<const float*, 8> featureColumns(const ReconstructedParticleCollection& c) {
  return {c.energy().data(),
          c.column<float>("momentum.x").data(),
          c.column<float>("momentum.y").data(),
          c.column<float>("momentum.z").data(),
          c.mass().data(),
          c.charge().data(),
          c.column<float>("referencePoint.x").data(),
          c.column<float>("referencePoint.y").data()};
}

__attribute__((noinline)) void podmlGatherColumns(const ReconstructedParticleCollection& c, float* out) {
  gather8(featureColumns(c), out, c.size());
}

struct Footprint {
  std::size_t capacityBytes{0};
  std::size_t sizeBytes{0};
};

/// Bytes held by the collection's storage: columns plus relation and subset vectors.
Footprint podmlFootprint(const ReconstructedParticleCollection& c) {
  const auto& d = c.storage();
  Footprint f;
  for (const auto& col : d.columns) {
    f.capacityBytes += col.capacity() * col.rowBytes();
    f.sizeBytes += col.sizeBytes();
  }
  for (const auto* v : {&d.rel_decayVertex, &d.rel_clusters, &d.rel_tracks, &d.rel_particles, &d.subset}) {
    f.capacityBytes += v->capacity() * sizeof(podml::detail::RawHandle);
    f.sizeBytes += v->size() * sizeof(podml::detail::RawHandle);
  }
  return f;
}

// ---------------------------------------------------------------------------
// podio-style array-of-structs baseline
// ---------------------------------------------------------------------------
// Mirrors podio's generated code for edm4hep::ReconstructedParticle: the collection owns a
// std::deque of pointers to heap-allocated XObj; XObj holds an ObjectID, the POD XData and
// pointers to the relation vectors (allocated by XObj's default constructor, registered by
// the collection's create()); handles wrap an XObj*. Getters are inline here (in podio they
// are out of line in X.cc), which only favours the baseline.
namespace aos {

struct ObjectID {
  int32_t index{-2};
  uint32_t collectionID{static_cast<uint32_t>(-2)};
};
struct Vector3f {
  float x{}, y{}, z{};
};
struct CovMatrix4f {
  std::array<float, 10> values{};
};

/// podio's edm4hep::ReconstructedParticleData.
struct ReconstructedParticleData {
  int32_t PDG{};
  float energy{};
  Vector3f momentum{};
  Vector3f referencePoint{};
  float charge{};
  float mass{};
  float goodnessOfPID{};
  CovMatrix4f covMatrix{};
  uint32_t clusters_begin{}, clusters_end{};
  uint32_t tracks_begin{}, tracks_end{};
  uint32_t particles_begin{}, particles_end{};
};
static_assert(sizeof(ReconstructedParticleData) == 108, "podio's ReconstructedParticleData is 108 bytes");

class ReconstructedParticleObj;
struct Cluster {
  void* m_obj{nullptr};
};
struct Track {
  void* m_obj{nullptr};
};
struct Vertex {
  void* m_obj{nullptr};
};
struct ReconstructedParticle {
  ReconstructedParticleObj* m_obj{nullptr};
  float getEnergy() const;
  float getMass() const;
  float getCharge() const;
  const Vector3f& getMomentum() const;
  const Vector3f& getReferencePoint() const;
};

/// podio's edm4hep::ReconstructedParticleObj.
class ReconstructedParticleObj {
public:
  ReconstructedParticleObj()
      : id(), data(), m_decayVertex(nullptr), m_clusters(new std::vector<Cluster>()),
        m_tracks(new std::vector<Track>()), m_particles(new std::vector<ReconstructedParticle>()) {}
  ReconstructedParticleObj(const ReconstructedParticleObj&) = delete;
  ReconstructedParticleObj& operator=(const ReconstructedParticleObj&) = delete;
  virtual ~ReconstructedParticleObj() {
    delete m_clusters;
    delete m_tracks;
    delete m_particles;
  }

  ObjectID id;
  ReconstructedParticleData data;
  Vertex* m_decayVertex{nullptr};
  std::vector<Cluster>* m_clusters{nullptr};
  std::vector<Track>* m_tracks{nullptr};
  std::vector<ReconstructedParticle>* m_particles{nullptr};
};

inline float ReconstructedParticle::getEnergy() const { return m_obj->data.energy; }
inline float ReconstructedParticle::getMass() const { return m_obj->data.mass; }
inline float ReconstructedParticle::getCharge() const { return m_obj->data.charge; }
inline const Vector3f& ReconstructedParticle::getMomentum() const { return m_obj->data.momentum; }
inline const Vector3f& ReconstructedParticle::getReferencePoint() const { return m_obj->data.referencePoint; }

struct MutableReconstructedParticle {
  ReconstructedParticleObj* m_obj{nullptr};
  void setPDG(int32_t v) { m_obj->data.PDG = v; }
  void setEnergy(float v) { m_obj->data.energy = v; }
  void setMomentum(const Vector3f& v) { m_obj->data.momentum = v; }
  void setReferencePoint(const Vector3f& v) { m_obj->data.referencePoint = v; }
  void setCharge(float v) { m_obj->data.charge = v; }
  void setMass(float v) { m_obj->data.mass = v; }
  void setGoodnessOfPID(float v) { m_obj->data.goodnessOfPID = v; }
  void setCovMatrix(const CovMatrix4f& v) { m_obj->data.covMatrix = v; }
};

/// podio's collection iterator: an index into the deque, the handle built on dereference.
class ConstIterator {
public:
  ConstIterator(std::size_t index, const std::deque<ReconstructedParticleObj*>* c) : m_index(index), m_collection(c) {}
  ReconstructedParticle operator*() const { return {(*m_collection)[m_index]}; }
  ConstIterator& operator++() {
    ++m_index;
    return *this;
  }
  bool operator!=(const ConstIterator& o) const { return m_index != o.m_index; }

private:
  std::size_t m_index;
  const std::deque<ReconstructedParticleObj*>* m_collection;
};

/// podio's edm4hep::ReconstructedParticleCollection (storage and create()).
class ReconstructedParticleCollection {
public:
  ReconstructedParticleCollection() = default;
  ReconstructedParticleCollection(const ReconstructedParticleCollection&) = delete;
  ReconstructedParticleCollection& operator=(const ReconstructedParticleCollection&) = delete;
  ~ReconstructedParticleCollection() {
    for (auto* o : m_entries) {
      delete o;
    }
  }

  MutableReconstructedParticle create() {
    auto obj = m_entries.emplace_back(new ReconstructedParticleObj());
    m_rel_clusters_tmp.push_back(obj->m_clusters);
    m_rel_tracks_tmp.push_back(obj->m_tracks);
    m_rel_particles_tmp.push_back(obj->m_particles);
    obj->id = {static_cast<int32_t>(m_entries.size() - 1), m_collectionID};
    return {obj};
  }
  std::size_t size() const { return m_entries.size(); }
  ReconstructedParticle operator[](std::size_t i) const { return {m_entries[i]}; }
  ConstIterator begin() const { return {0, &m_entries}; }
  ConstIterator end() const { return {m_entries.size(), &m_entries}; }
  const std::deque<ReconstructedParticleObj*>& entries() const { return m_entries; }

private:
  std::deque<ReconstructedParticleObj*> m_entries;
  std::vector<std::vector<Cluster>*> m_rel_clusters_tmp;
  std::vector<std::vector<Track>*> m_rel_tracks_tmp;
  std::vector<std::vector<ReconstructedParticle>*> m_rel_particles_tmp;
  uint32_t m_collectionID{0x2a};
};

/// Bytes one create() writes: the object, its three empty vectors, the deque slot and
/// the three relation-bookkeeping slots.
constexpr std::size_t kBytesPerCreate = sizeof(ReconstructedParticleObj) + sizeof(std::vector<Cluster>) +
                                        sizeof(std::vector<Track>) + sizeof(std::vector<ReconstructedParticle>) +
                                        4 * sizeof(void*);

}  // namespace aos

/// "Direct" access: the data member through the stored object pointer.
__attribute__((noinline)) float aosSumDirect(const aos::ReconstructedParticleCollection& c) {
  float acc[8] = {};
  const auto& e = c.entries();
  const std::size_t n = e.size();
  std::size_t i = 0;
  auto it = e.begin();
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k, ++it) {
      acc[k] += (*it)->data.energy;
    }
  }
  float s = 0.0f;
  for (; i < n; ++i, ++it) {
    s += (*it)->data.energy;
  }
  for (float a : acc) {
    s += a;
  }
  return s;
}

__attribute__((noinline)) float aosSumRangeFor(const aos::ReconstructedParticleCollection& c) {
  float s = 0.0f;
  for (const auto p : c) {
    s += p.getEnergy();
  }
  return s;
}

__attribute__((noinline)) float aosSumIndex(const aos::ReconstructedParticleCollection& c) {
  float s = 0.0f;
  for (std::size_t i = 0; i < c.size(); ++i) {
    s += c[i].getEnergy();
  }
  return s;
}

__attribute__((noinline)) void aosGather(const aos::ReconstructedParticleCollection& c, float* __restrict out) {
  for (const auto* o : c.entries()) {
    const auto& d = o->data;
    out[0] = d.energy;
    out[1] = d.momentum.x;
    out[2] = d.momentum.y;
    out[3] = d.momentum.z;
    out[4] = d.mass;
    out[5] = d.charge;
    out[6] = d.referencePoint.x;
    out[7] = d.referencePoint.y;
    out += 8;
  }
}

__attribute__((noinline)) void aosFill(aos::ReconstructedParticleCollection& c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    auto p = c.create();
    p.setEnergy(static_cast<float>(i));
    p.setMass(0.5f * static_cast<float>(i));
  }
}

void aosFillAll(aos::ReconstructedParticleCollection& c, std::size_t n) {
  XorShift rng;  // same sequence as benchops::fillAll
  for (std::size_t i = 0; i < n; ++i) {
    auto p = c.create();
    p.setPDG(static_cast<int32_t>(rng.next() * 400) - 200);
    p.setEnergy(rng.next() * 100);
    const float mx = rng.next(), my = rng.next(), mz = rng.next();
    p.setMomentum({mx, my, mz});
    const float rx = rng.next(), ry = rng.next(), rz = rng.next();
    p.setReferencePoint({rx, ry, rz});
    p.setCharge(rng.next() < 0.5f ? -1.0f : 1.0f);
    p.setMass(rng.next());
    p.setGoodnessOfPID(rng.next());
    aos::CovMatrix4f cov;
    for (auto& v : cov.values) {
      v = rng.next();
    }
    p.setCovMatrix(cov);
  }
}

// ---------------------------------------------------------------------------
// Real podio (--podio EXE): podio-bench-collections (bench/podio/) as a child process that
// holds its own filled collection and runs one operation per request, so that every
// repetition of a row alternates between podml and podio and drift in machine speed (other
// work, frequency) affects both columns alike.
// ---------------------------------------------------------------------------

extern "C" char** environ;

/// One podio measurement: seconds of one run and the child's check value.
struct PodioRun {
  double seconds{std::numeric_limits<double>::quiet_NaN()};
  double check{std::numeric_limits<double>::quiet_NaN()};
};

/// The podio side: podio-bench-collections --serve, spoken to over two pipes.
class PodioChild {
public:
  PodioChild() = default;
  PodioChild(const PodioChild&) = delete;
  PodioChild& operator=(const PodioChild&) = delete;
  ~PodioChild() { stop(); }

  /// Starts `exe --serve --n N`; false (and why()) if it is missing or cannot be started.
  /// The child fills its collection while the parent fills its own; ready() waits for it.
  bool start(const std::string& exe, std::size_t n) {
    if (access(exe.c_str(), X_OK) != 0) {
      m_why = "'" + exe + "' not found (make bench-podio builds it; without podio's archive it is not built)";
      return false;
    }
    int toChild[2], fromChild[2];
    if (pipe2(toChild, O_CLOEXEC) != 0 || pipe2(fromChild, O_CLOEXEC) != 0) {
      m_why = "pipe() failed";
      return false;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, toChild[0], 0);
    posix_spawn_file_actions_adddup2(&fa, fromChild[1], 1);
    const std::string ns = std::to_string(n);
    std::vector<char*> args = {const_cast<char*>(exe.c_str()), const_cast<char*>("--serve"),
                               const_cast<char*>("--n"), const_cast<char*>(ns.c_str()), nullptr};
    const int rc = posix_spawn(&m_pid, exe.c_str(), &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(toChild[0]);
    close(fromChild[1]);
    if (rc != 0) {
      close(toChild[1]);
      close(fromChild[0]);
      m_pid = -1;
      m_why = "cannot start '" + exe + "': " + std::strerror(rc);
      return false;
    }
    signal(SIGPIPE, SIG_IGN);  // a crashed child shows as a failed write, not as our death
    m_to = toChild[1];
    m_from = fdopen(fromChild[0], "r");
    return true;
  }

  /// Waits for the child's "ready" line (its fill done); false if it died or said otherwise.
  bool ready() {
    const auto line = readLine();
    if (!line || textOf(*line, "kind") != "ready") {
      failed(line ? "unexpected first line from podio-bench-collections" : "podio-bench-collections exited");
      return false;
    }
    m_ready = *line;
    return true;
  }
  /// The child's ready record: podio version, heap bytes of its filled collection, values.
  const podml::json::Value& info() const { return m_ready; }
  bool running() const { return m_from != nullptr && m_why.empty(); }
  /// Why podio is not measured (empty while it runs).
  const std::string& why() const { return m_why; }

  /// One timed run of `op` in the child; NaN seconds once the child has failed.
  PodioRun run(std::string_view op) {
    PodioRun r;
    if (!running()) {
      return r;
    }
    const std::string msg = std::string(op) + "\n";
    if (write(m_to, msg.data(), msg.size()) != static_cast<ssize_t>(msg.size())) {
      failed("podio-bench-collections stopped reading");
      return r;
    }
    const auto line = readLine();
    if (!line || textOf(*line, "kind") != "op") {
      failed(line ? "podio-bench-collections: " + textOf(*line, "message") + " (" + std::string(op) + ")"
                  : "podio-bench-collections exited during '" + std::string(op) + "'");
      return r;
    }
    r.seconds = (*line)["seconds"].asDouble();
    r.check = (*line)["check"].asDouble();
    return r;
  }

  /// Asks the child to quit and reaps it.
  void stop() {
    if (m_to >= 0) {
      (void)!write(m_to, "quit\n", 5);
      close(m_to);
      m_to = -1;
    }
    if (m_from != nullptr) {
      std::fclose(m_from);
      m_from = nullptr;
    }
    if (m_pid > 0) {
      int status = 0;
      waitpid(m_pid, &status, 0);
      m_pid = -1;
    }
  }

private:
  /// A string member of a record, empty if absent or not a string.
  static std::string textOf(const podml::json::Value& v, std::string_view key) {
    const auto* m = v.find(key);
    return m != nullptr && m->isString() ? m->asString() : std::string();
  }
  std::optional<podml::json::Value> readLine() {
    if (m_from == nullptr) {
      return std::nullopt;
    }
    char* buf = nullptr;
    std::size_t cap = 0;
    const ssize_t len = getline(&buf, &cap, m_from);
    std::string text = len > 0 ? std::string(buf, static_cast<std::size_t>(len)) : std::string();
    std::free(buf);
    if (len <= 0) {
      return std::nullopt;
    }
    try {
      auto v = podml::json::parse(text, "podio-bench-collections");
      if (v.isObject()) {
        return v;
      }
    } catch (const std::exception&) {
    }
    return std::nullopt;
  }
  void failed(const std::string& why) {
    if (m_why.empty()) {
      m_why = why;
      std::fprintf(stderr, "podml-bench-collections: podio: %s; the remaining podio figures are missing\n",
                   why.c_str());
    }
  }

  pid_t m_pid{-1};
  int m_to{-1};
  FILE* m_from{nullptr};
  std::string m_why;
  podml::json::Value m_ready;
};

/// Best podml and podio times of `reps` interleaved repetitions: podml first in even
/// repetitions, podio first in odd ones. podio's op is skipped (NaN) without a child.
struct Paired {
  double podml{std::numeric_limits<double>::infinity()};
  double podio{std::numeric_limits<double>::quiet_NaN()};
  double podioCheck{std::numeric_limits<double>::quiet_NaN()};
};
template <typename Setup, typename Run, typename Teardown>
Paired interleaved(int reps, PodioChild& podio, std::string_view op, Setup&& setup, Run&& run, Teardown&& teardown) {
  Paired p;
  const auto podioOnce = [&] {
    if (op.empty() || !podio.running()) {
      return;
    }
    const PodioRun r = podio.run(op);
    if (std::isfinite(r.seconds)) {
      p.podio = std::isfinite(p.podio) ? std::min(p.podio, r.seconds) : r.seconds;
      p.podioCheck = r.check;
    }
  };
  for (int r = 0; r < reps; ++r) {
    if (r % 2 == 1) {
      podioOnce();
    }
    p.podml = std::min(p.podml, bestOf(1, setup, run, teardown));
    if (r % 2 == 0) {
      podioOnce();
    }
  }
  if (!podio.running()) {
    p.podio = std::numeric_limits<double>::quiet_NaN();
  }
  return p;
}
template <typename Run>
Paired interleaved(int reps, PodioChild& podio, std::string_view op, Run&& run) {
  return interleaved(reps, podio, op, [] {}, run, [] {});
}

// ---------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------

struct Row {
  std::string name;
  double nsPerObject{0};        // NaN for the footprint rows
  double bytesPerObject{0};     // bytes touched per object (for GB/s) or, for (e), bytes held
  std::string baseline;
  double ratio{0};              // to the baseline of the row
  std::string target;           // empty: informative
  std::optional<bool> pass;
  // Real podio's figure for the same operation (NaN: not measured), in the row's unit, and the
  // issue's target for podio / podml.
  double podio{std::numeric_limits<double>::quiet_NaN()};
  std::string podioTarget{};
};

[[noreturn]] void usage(const char* argv0, const std::string& why) {
  std::fprintf(stderr,
               "podml-bench-collections: error: %s\nusage: %s [--n N] [--reps R] [--report FILE] [--podio EXE]\n",
               why.c_str(), argv0);
  std::exit(2);
}

}  // namespace

/// Parses the options, measures every row (interleaved with podio's child for the rows it
/// has), prints the table and writes the report records.
int main(int argc, char** argv) {
  std::size_t n = 10'000'000;
  int reps = 5;
  std::string reportPath;
  std::string podioExe;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--report" && i + 1 < argc) {
      reportPath = argv[++i];
    } else if (a == "--podio" && i + 1 < argc) {
      podioExe = argv[++i];
    } else if ((a == "--n" || a == "--reps") && i + 1 < argc) {
      char* end = nullptr;
      const long long v = std::strtoll(argv[++i], &end, 10);
      if (end == argv[i] || *end != '\0' || v <= 0) {
        usage(argv[0], "bad value for " + std::string(a) + ": '" + argv[i] + "'");
      }
      (a == "--n" ? n = static_cast<std::size_t>(v) : reps = static_cast<int>(v));
    } else if (a == "-h" || a == "--help") {
      usage(argv[0], "help requested");
    } else {
      usage(argv[0], "unknown argument '" + std::string(a) + "'");
    }
  }

  // podio's child fills its collection while this process fills its own.
  PodioChild podio;
  std::string podioStatus = "podio: not measured (no --podio)";
  if (!podioExe.empty()) {
    if (!podio.start(podioExe, n)) {
      podioStatus = "podio: not measured (" + podio.why() + ")";
    }
  }

  std::printf("# podml collection benchmark: edm4hep::ReconstructedParticle\n\n");
  std::printf("- machine: %ld logical CPUs (nproc), %s\n", sysconf(_SC_NPROCESSORS_ONLN), cpuModel().c_str());
  std::printf("- compiler: %s %s, flags: %s\n",
#if defined(__clang__)
              "clang",
#else
              "gcc",
#endif
              __VERSION__, PODML_BENCH_CXX_FLAGS);
  std::printf("- N = %zu objects, best of %d runs per row\n", n, reps);
  std::printf("- load average at start: %s (anything near or above nproc means the timings are shared)\n",
              loadAverage().c_str());
  std::fflush(stdout);

  std::vector<Row> rows;
  double sink = 0;  // every result is folded in and printed

  // --- data -------------------------------------------------------------------------
  const std::size_t heap0 = heapInUse();
  auto coll = std::make_unique<ReconstructedParticleCollection>();
  benchops::fillAll<edm4hep::CovMatrix4f>(*coll, n);
  const std::size_t podmlHeap = heapInUse() - heap0;

  const std::size_t heap1 = heapInUse();
  auto aosColl = std::make_unique<aos::ReconstructedParticleCollection>();
  aosFillAll(*aosColl, n);
  const std::size_t aosHeap = heapInUse() - heap1;

  const std::vector<float> energies(coll->energy().begin(), coll->energy().end());
  std::vector<float> tensor(8 * n, 1.0f);  // faulted in before any timing
  std::vector<float> copySrc(8 * n, 2.0f);

  double podioHeap = std::numeric_limits<double>::quiet_NaN();
  if (podio.running() && podio.ready()) {
    const auto& info = podio.info();
    // Both sides filled the same values: a difference means the comparison is not like for like.
    if (info["n"].asInt() != static_cast<int64_t>(n) ||
        static_cast<float>(info["energy_mid"].asDouble()) != (*coll)[n / 2].getEnergy() ||
        static_cast<float>(info["reference_y_last"].asDouble()) != (*coll)[n - 1].getReferencePoint().y) {
      std::fprintf(stderr, "podml-bench-collections: podio's collection holds other values than podml's\n");
      podio.stop();
      podioStatus = "podio: not measured (its collection holds other values than podml's)";
    } else {
      podioHeap = static_cast<double>(info["heap_bytes"].asInt());
      podioStatus = "podio " + info["podio_version"].asString() + " (podio-bench-collections, " +
                    info["compiler"].asString() + ", flags" + info["flags"].asString() +
                    "), interleaved with podml";
    }
  } else if (!podioExe.empty() && podioStatus.find("not measured") == std::string::npos) {
    podioStatus = "podio: not measured (" + podio.why() + ")";
  }
  std::printf("- %s\n\n", podioStatus.c_str());
  std::fflush(stdout);
  podml::bench::Report report("collections");
  report.open(reportPath);
  report.start("N = " + std::to_string(n) + " objects, best of " + std::to_string(reps) + " runs; " + podioStatus,
               PODML_BENCH_CXX_FLAGS);

  // Sanity: both layouts hold the same values.
  if (aosColl->size() != n || (*aosColl)[n / 2].getEnergy() != (*coll)[n / 2].getEnergy() ||
      (*aosColl)[n - 1].getReferencePoint().y != (*coll)[n - 1].getReferencePoint().y) {
    std::fprintf(stderr, "podml-bench-collections: error: podml and AoS collections differ\n");
    report.error("setup", "podml and AoS collections differ");
    return 1;
  }

  const auto ns = [n](double seconds) { return seconds * 1e9 / static_cast<double>(n); };
  // podio's figure for a row, after checking its result against podml's.
  const auto podioNs = [&](const Paired& p, double podmlCheck, const char* what) {
    if (std::isfinite(p.podio) && std::abs(p.podioCheck - podmlCheck) > 1e-6 * std::abs(podmlCheck)) {
      std::fprintf(stderr, "warning: podio's %s gives %.9g, podml's %.9g\n", what, p.podioCheck, podmlCheck);
    }
    return ns(p.podio);
  };
  // --- limits ---------------------------------------------------------------------------
  float sVec = 0;
  const double tVecSum = bestOf(reps, [&] { sVec = sumFloats(energies.data(), energies.size()); });
  sink += sVec;
  float sVecScalar = 0;
  const double tVecScalar = bestOf(reps, [&] { sVecScalar = sumVectorScalar(energies); });
  sink += sVecScalar;
  const double tMemcpy = bestOf(reps, [&] {
    std::memcpy(tensor.data(), copySrc.data(), 8 * n * sizeof(float));
    doNotOptimize(tensor.data());
  });
  sink += tensor[n];

  // First touch: what writing the podml storage of N objects into memory fresh from the
  // kernel costs at best (page faults + the kernel zeroing each page + our writes).
  const double kFillBytes = 132.0;  // checked against the collection's footprint below
  const double tFirstTouch = bestOf(reps, [&] {
    auto* p = static_cast<char*>(std::malloc(static_cast<std::size_t>(kFillBytes) * n));
    std::memset(p, 1, static_cast<std::size_t>(kFillBytes) * n);
    doNotOptimize(p);
    sink += p[n];
    std::free(p);
  });

  rows.push_back({"limit: std::vector<float> sum (8 accumulators)", ns(tVecSum), 4, "itself", 1.0, "", {}});
  rows.push_back({"limit: std::vector<float> range-for sum (1 accumulator)", ns(tVecScalar), 4, "itself", 1.0, "", {}});
  rows.push_back({"limit: memcpy 32 B/object (read+write)", ns(tMemcpy), 64, "itself", 1.0, "", {}});
  rows.push_back({"limit: first touch, malloc + memset 132 B/object + free", ns(tFirstTouch), kFillBytes, "itself", 1.0, "", {}});

  // --- (a) column span --------------------------------------------------------------------
  // podio/podml targets (issue 13): >= 40x on the column and handle paths, >= 10x on the
  // fastest gather and on create + setters, >= 20x on destruction.
  const std::string k40 = ">= 40x", k10 = ">= 10x", k20 = ">= 20x";
  {
    float s = 0;
    const Paired t = interleaved(reps, podio, "sum-column", [&] { s = benchops::sumEnergyColumn(*coll); });
    if (s != sVec) {
      std::fprintf(stderr, "warning: span sum %g != vector sum %g\n", s, sVec);
    }
    sink += s;
    rows.push_back({"(a) podml energy() span sum (8 accumulators)", ns(t.podml), 4, "vector sum (8 acc)",
                    t.podml / tVecSum, "<= 2x vector sum", t.podml / tVecSum <= 2.0,
                    podioNs(t, s, "energy() sum"), k40});
    const Paired t2 =
        interleaved(reps, podio, "sum-column-scalar", [&] { s = benchops::sumEnergyColumnRangeFor(*coll); });
    sink += s;
    rows.push_back({"(a) podml energy() span range-for (1 accumulator)", ns(t2.podml), 4, "vector range-for (1 acc)",
                    t2.podml / tVecScalar, "", {}, podioNs(t2, s, "energy() range-for"), k40});
    const double t3 = bestOf(reps, [&] { s = aosSumDirect(*aosColl); });
    sink += s;
    rows.push_back({"(a) AoS obj->data.energy over deque (8 accumulators)", ns(t3), 4, "vector sum (8 acc)",
                    t3 / tVecSum, "", {}});
  }

  // --- (b) handles ------------------------------------------------------------------------
  {
    float s = 0;
    const Paired tr = interleaved(reps, podio, "sum-range-for", [&] { s = benchops::sumRangeFor(*coll); });
    sink += s;
    rows.push_back({"(b) podml handles, range-for", ns(tr.podml), 4, "vector range-for (1 acc)", tr.podml / tVecScalar,
                    "<= 2 ns/object", ns(tr.podml) <= 2.0, podioNs(tr, s, "range-for"), k40});
    const Paired ti = interleaved(reps, podio, "sum-index", [&] { s = benchops::sumIndex(*coll); });
    sink += s;
    rows.push_back({"(b) podml handles, index loop coll[i]", ns(ti.podml), 4, "vector range-for (1 acc)",
                    ti.podml / tVecScalar, "<= 2 ns/object", ns(ti.podml) <= 2.0, podioNs(ti, s, "index loop"), k40});
    const double ar = bestOf(reps, [&] { s = aosSumRangeFor(*aosColl); });
    sink += s;
    rows.push_back({"(b) AoS handles, range-for", ns(ar), 4, "vector range-for (1 acc)", ar / tVecScalar, "", {}});
    const double ai = bestOf(reps, [&] { s = aosSumIndex(*aosColl); });
    sink += s;
    rows.push_back({"(b) AoS handles, index loop coll[i]", ns(ai), 4, "vector range-for (1 acc)", ai / tVecScalar, "", {}});
  }

  // --- (c) gather [N,8] ----------------------------------------------------------------------
  {
    const auto check = [&] {
      const std::size_t i = n / 3;
      const auto p = (*coll)[i];
      return tensor[8 * i + 0] == p.getEnergy() && tensor[8 * i + 3] == p.getMomentum().z &&
             tensor[8 * i + 5] == p.getCharge() && tensor[8 * i + 7] == p.getReferencePoint().y;
    };
    const auto clear = [&] { std::fill(tensor.begin(), tensor.end(), 0.0f); };
    // podio's fastest public path: the better of its handle loop and its per-member copies.
    const Paired tc = interleaved(
        reps, podio, "gather-columns", clear, [&] { podmlGatherColumns(*coll, tensor.data()); }, [] {});
    const bool okc = check();
    const double gatherSum = benchops::gatherCheck(tensor.data(), n);
    sink += tensor[8 * (n - 1) + 7];
    const Paired th = interleaved(reps, podio, "gather-handles", clear,
                                  [&] { benchops::gatherHandles(*coll, tensor.data()); }, [] {});
    const bool okh = check();
    sink += tensor[8 * (n - 1) + 7];
    const double podioColumns = podioNs(tc, gatherSum, "gather via energy(), momentum(), ...");
    const double podioHandles = podioNs(th, benchops::gatherCheck(tensor.data(), n), "gather via handles");
    const bool podioHandlesFaster = std::isfinite(podioHandles) && !(podioColumns < podioHandles);
    rows.push_back({std::string("(c) podml gather 8 columns -> [N,8] (fastest path of each; podio's: ") +
                        (podioHandlesFaster ? "handle loop)" : "its energy(), momentum(), ... copies)"),
                    ns(tc.podml), 64, "memcpy 32 B/object", tc.podml / tMemcpy, "<= 3 ns/object", ns(tc.podml) <= 3.0,
                    podioHandlesFaster ? podioHandles : podioColumns, k10});
    rows.push_back({"(c) podml gather via handles -> [N,8] (as a user writes it)", ns(th.podml), 64,
                    "memcpy 32 B/object", th.podml / tMemcpy, "", {}, podioHandles, ""});
    clear();
    const double ta = bestOf(reps, [&] { aosGather(*aosColl, tensor.data()); });
    const bool oka = check();
    sink += tensor[8 * (n - 1) + 7];
    rows.push_back({"(c) AoS gather -> [N,8]", ns(ta), 64, "memcpy 32 B/object", ta / tMemcpy, "", {}});
    if (!okc || !okh || !oka) {
      std::fprintf(stderr, "podml-bench-collections: error: gathered tensor is wrong\n");
      report.error("(c) gather [N,8]", "gathered tensor is wrong");
      return 1;
    }
  }

  // --- (d) fill, (f) destruction ---------------------------------------------------------------
  {
    // Bytes written per object: every column row and the one-to-one relation slot.
    const Footprint onePerObject = podmlFootprint(*coll);
    const double podmlWritten = static_cast<double>(onePerObject.sizeBytes) / static_cast<double>(n);
    if (podmlWritten != kFillBytes) {
      std::fprintf(stderr, "note: podml writes %.1f B/object, the first-touch limit assumes %.1f\n", podmlWritten, kFillBytes);
    }
    const double lastMass = 0.5f * static_cast<float>(n - 1);  // what fill() leaves in the last object

    std::unique_ptr<aos::ReconstructedParticleCollection> af;
    const double ta = bestOf(
        reps, [&] { af = std::make_unique<aos::ReconstructedParticleCollection>(); },
        [&] { aosFill(*af, n); }, [&] { sink += (*af)[n - 1].getMass(); af.reset(); });

    std::unique_ptr<ReconstructedParticleCollection> pf;
    const Paired tp = interleaved(
        reps, podio, "fill", [&] { pf = std::make_unique<ReconstructedParticleCollection>(); },
        [&] { benchops::fill(*pf, n); }, [&] { sink += (*pf)[n - 1].getMass(); pf.reset(); });
    rows.push_back({"(d) podml create() + setEnergy + setMass, new collection", ns(tp.podml), podmlWritten,
                    "AoS create + 2 setters", tp.podml / ta, "<= 10 ns/object", ns(tp.podml) <= 10.0,
                    podioNs(tp, lastMass, "fill"), k10});

    // Diagnostic: the same with the storage reserved up front (the collection has no
    // reserve(); this goes through storage()), separating growth from per-object cost.
    const double tr = bestOf(
        reps,
        [&] {
          pf = std::make_unique<ReconstructedParticleCollection>();
          auto& d = pf->storage();
          for (auto& col : d.columns) {
            col.reserve(n);
          }
          d.rel_decayVertex.reserve(n);
        },
        [&] { benchops::fill(*pf, n); }, [&] { sink += (*pf)[n - 1].getMass(); pf.reset(); });
    rows.push_back({"(d) podml fill, storage pre-reserved (diagnostic)", ns(tr), podmlWritten, "AoS create + 2 setters",
                    tr / ta, "", {}});

    // Steady state of an event loop: the collection is cleared and refilled, its buffers
    // are kept, so no page faults and no growth; what remains is the per-object code.
    pf = std::make_unique<ReconstructedParticleCollection>();
    benchops::fill(*pf, n);
    const Paired tc = interleaved(
        reps, podio, "refill", [&] { pf->clear(); }, [&] { benchops::fill(*pf, n); },
        [&] { sink += (*pf)[n - 1].getMass(); });
    pf.reset();
    rows.push_back({"(d) podml refill after clear() (buffers kept)", ns(tc.podml), podmlWritten,
                    "AoS create + 2 setters", tc.podml / ta, "<= 10 ns/object", ns(tc.podml) <= 10.0, podioNs(tc, lastMass, "refill"), ""});
    rows.push_back({"(d) AoS create() + setEnergy + setMass", ns(ta), static_cast<double>(aos::kBytesPerCreate),
                    "itself", 1.0, "", {}});

    // Destruction of a collection filled by create() + 2 setters (the end of every event).
    const Paired td = interleaved(
        reps, podio, "destroy",
        [&] {
          pf = std::make_unique<ReconstructedParticleCollection>();
          benchops::fill(*pf, n);
          sink += (*pf)[n - 1].getMass();
        },
        [&] { pf.reset(); }, [] {});
    rows.push_back({"(f) podml destruction of a collection filled by create()", ns(td.podml), podmlWritten,
                    "AoS create + 2 setters", td.podml / ta, "", {}, podioNs(td, lastMass, "destroy"), k20});
  }

  // --- (e) bytes per object ------------------------------------------------------------------
  {
    constexpr double payload = sizeof(aos::ReconstructedParticleData);
    const Footprint f = podmlFootprint(*coll);
    const double cap = static_cast<double>(f.capacityBytes) / static_cast<double>(n);
    const double size = static_cast<double>(f.sizeBytes) / static_cast<double>(n);
    const double heapP = static_cast<double>(podmlHeap) / static_cast<double>(n);
    const double heapA = static_cast<double>(aosHeap) / static_cast<double>(n);
    const auto nan = std::numeric_limits<double>::quiet_NaN();
    // podio's figure: the heap its filled collection holds (objects, deque, relation vectors).
    const double podioBytes = podioHeap / static_cast<double>(n);
    rows.push_back({"(e) podml bytes/object, column+relation capacities (filled by create())", nan, cap,
                    "payload 108 B", cap / payload, "<= 1.25x payload", cap / payload <= 1.25, podioBytes, ""});
    rows.push_back({"(e) podml bytes/object, column+relation sizes", nan, size, "payload 108 B", size / payload,
                    "<= 1.25x payload", size / payload <= 1.25});
    rows.push_back({"(e) podml bytes/object, heap in use (mallinfo2)", nan, heapP, "payload 108 B",
                    heapP / payload, "", {}, podioBytes, ""});
    rows.push_back({"(e) AoS bytes/object, heap in use (mallinfo2)", nan, heapA, "payload 108 B", heapA / payload, "", {}});
  }

  podio.stop();
  if (!podio.why().empty() && std::isfinite(podioHeap)) {
    podioStatus = "podio: failed during the run (" + podio.why() + "); its figures are missing from that row on";
  }

  // --- table ---------------------------------------------------------------------------
  // podio / podml: real podio's figure over podml's (ns or bytes per object), so above 1 means
  // podml is faster or smaller; the targets for it are in the last column.
  const auto podioRatio = [](const Row& r) {
    const double mine = std::isnan(r.nsPerObject) ? r.bytesPerObject : r.nsPerObject;
    return r.podio / mine;
  };
  std::printf("| row | ns/object | GB/s | bytes/object | baseline | ratio | target | result | podio | podio/podml | "
              "podio target |\n");
  std::printf("|---|---:|---:|---:|---|---:|---|---|---:|---:|---|\n");
  for (const auto& r : rows) {
    const bool footprint = std::isnan(r.nsPerObject);
    const bool hasPodio = std::isfinite(r.podio);
    std::string podioResult = r.podioTarget.empty() ? "-" : r.podioTarget;
    if (!r.podioTarget.empty() && hasPodio) {
      podioResult += podioRatio(r) >= std::stod(r.podioTarget.substr(3)) ? " PASS" : " MISS";
    }
    std::printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.name.c_str(),
                footprint ? "-" : fmt("%.3f", r.nsPerObject).c_str(),
                footprint ? "-" : fmt("%.2f", r.bytesPerObject / r.nsPerObject).c_str(),
                fmt("%.1f", r.bytesPerObject).c_str(), r.baseline.c_str(), fmt("%.2fx", r.ratio).c_str(),
                r.target.empty() ? "-" : r.target.c_str(), !r.pass ? "-" : (*r.pass ? "PASS" : "MISS"),
                hasPodio ? fmt(footprint ? "%.1f B" : "%.3f", r.podio).c_str() : "-",
                hasPodio ? fmt("%.1fx", podioRatio(r)).c_str() : "-", podioResult.c_str());
  }
  std::printf(
      "\nGB/s = bytes touched per object / ns per object. Bytes touched count what the operation logically reads\n"
      "and writes (4 B energy for sums; 32 B read + 32 B written for the gather and memcpy; for fills, the bytes\n"
      "of storage one object occupies). The AoS rows really move whole cache lines per object, so their\n"
      "effective bandwidth is lower than the memory traffic. (e) rows give bytes held per object instead.\n"
      "podio: real podio's figure for the same code (CollectionOps.h), measured in alternation with podml;\n"
      "podio/podml > 1 means podml is faster (smaller). %s\n",
      podioStatus.c_str());
  std::printf("\nload average at end: %s\n", loadAverage().c_str());
  std::printf("(checksum %g)\n", sink);

  // The same rows for make bench's summary: ns/object (bytes/object for (e)) against the
  // row's baseline; the limits and the AoS fill are baselines themselves.
  for (const auto& r : rows) {
    const bool footprint = std::isnan(r.nsPerObject);
    podml::bench::ReportRow out;
    out.metric = r.name;
    out.value = footprint ? r.bytesPerObject : r.nsPerObject;
    out.unit = footprint ? "B/object" : "ns/object";
    if (r.baseline != "itself") {
      out.baseline = footprint ? "payload (podio's ReconstructedParticleData)" : r.baseline;
      out.baselineValue = out.value / r.ratio;
      out.ratio = r.ratio;
    }
    out.target = r.target;
    out.pass = r.pass;
    out.podioValue = r.podio;
    out.podioRatio = podioRatio(r);
    out.podioTarget = r.podioTarget;
    if (!r.podioTarget.empty() && std::isfinite(r.podio)) {
      out.podioPass = podioRatio(r) >= std::stod(r.podioTarget.substr(3));
    }
    report.row(out);
  }
  report.end();
  return 0;
}
