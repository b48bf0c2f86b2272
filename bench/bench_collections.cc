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

#include "edm4hep/ReconstructedParticleCollection.h"

#include <malloc.h>
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

/// Makes the compiler believe `v` is read (defeats dead-code elimination).
template <typename T>
inline void doNotOptimize(const T& v) {
  asm volatile("" : : "r,m"(v) : "memory");
}
/// Makes the compiler believe all memory may have been read and written.
inline void clobberMemory() { asm volatile("" : : : "memory"); }

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

/// Small deterministic generator for member values.
struct XorShift {
  uint64_t s{0x9e3779b97f4a7c15ull};
  float next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<float>(s >> 40) * (1.0f / 16777216.0f);  // [0, 1)
  }
};

/// Heap bytes in use according to glibc (arena + mmapped chunks).
std::size_t heapInUse() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

// ---------------------------------------------------------------------------
// Kernels shared by the limit and the podml rows, so that the comparison measures
// the access path and not the loop body.
// ---------------------------------------------------------------------------

/// Sum of `n` floats with eight independent accumulators (vectorisable without -ffast-math).
__attribute__((noinline)) float sumFloats(const float* __restrict p, std::size_t n) {
  float acc[8] = {};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) {
      acc[k] += p[i + k];
    }
  }
  float s = 0.0f;
  for (; i < n; ++i) {
    s += p[i];
  }
  for (float a : acc) {
    s += a;
  }
  return s;
}

/// The loop a user writes: one accumulator, so bound by the latency of a float add.
__attribute__((noinline)) float sumVectorScalar(const std::vector<float>& v) {
  float s = 0.0f;
  for (float x : v) {
    s += x;
  }
  return s;
}

/// Interleaves 8 columns into a row-major [n, 8] buffer.
__attribute__((noinline)) void gather8(const std::array<const float*, 8>& src, float* __restrict out, std::size_t n) {
  const float* __restrict s0 = src[0];
  const float* __restrict s1 = src[1];
  const float* __restrict s2 = src[2];
  const float* __restrict s3 = src[3];
  const float* __restrict s4 = src[4];
  const float* __restrict s5 = src[5];
  const float* __restrict s6 = src[6];
  const float* __restrict s7 = src[7];
  for (std::size_t i = 0; i < n; ++i) {
    float* __restrict o = out + 8 * i;
    o[0] = s0[i];
    o[1] = s1[i];
    o[2] = s2[i];
    o[3] = s3[i];
    o[4] = s4[i];
    o[5] = s5[i];
    o[6] = s6[i];
    o[7] = s7[i];
  }
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

__attribute__((noinline)) float podmlSumSpan(const ReconstructedParticleCollection& c) {
  const std::span<const float> e = c.energy();
  return sumFloats(e.data(), e.size());
}

__attribute__((noinline)) float podmlSumSpanScalar(const ReconstructedParticleCollection& c) {
  float s = 0.0f;
  for (float x : c.energy()) {
    s += x;
  }
  return s;
}

__attribute__((noinline)) float podmlSumRangeFor(const ReconstructedParticleCollection& c) {
  float s = 0.0f;
  for (const auto& p : c) {
    s += p.getEnergy();
  }
  return s;
}

__attribute__((noinline)) float podmlSumIndex(const ReconstructedParticleCollection& c) {
  float s = 0.0f;
  for (std::size_t i = 0; i < c.size(); ++i) {
    s += c[i].getEnergy();
  }
  return s;
}

__attribute__((noinline)) void podmlGatherColumns(const ReconstructedParticleCollection& c, float* out) {
  gather8(featureColumns(c), out, c.size());
}

/// The same gather written against the handles (what a user without column access writes).
__attribute__((noinline)) void podmlGatherHandles(const ReconstructedParticleCollection& c, float* __restrict out) {
  for (const auto& p : c) {
    const auto mom = p.getMomentum();
    const auto ref = p.getReferencePoint();
    out[0] = p.getEnergy();
    out[1] = mom.x;
    out[2] = mom.y;
    out[3] = mom.z;
    out[4] = p.getMass();
    out[5] = p.getCharge();
    out[6] = ref.x;
    out[7] = ref.y;
    out += 8;
  }
}

__attribute__((noinline)) void podmlFill(ReconstructedParticleCollection& c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    auto p = c.create();
    p.setEnergy(static_cast<float>(i));
    p.setMass(0.5f * static_cast<float>(i));
  }
}

/// Fills a collection with every member set (setup of the read benchmarks).
void podmlFillAll(ReconstructedParticleCollection& c, std::size_t n) {
  XorShift rng;
  for (std::size_t i = 0; i < n; ++i) {
    auto p = c.create();
    p.setPDG(static_cast<int32_t>(rng.next() * 400) - 200);
    p.setEnergy(rng.next() * 100);
    p.setMomentum({rng.next(), rng.next(), rng.next()});
    p.setReferencePoint({rng.next(), rng.next(), rng.next()});
    p.setCharge(rng.next() < 0.5f ? -1.0f : 1.0f);
    p.setMass(rng.next());
    p.setGoodnessOfPID(rng.next());
    edm4hep::CovMatrix4f cov;
    for (auto& v : cov.values) {
      v = rng.next();
    }
    p.setCovMatrix(cov);
  }
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
  XorShift rng;  // same sequence as podmlFillAll
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
};

[[noreturn]] void usage(const char* argv0, const std::string& why) {
  std::fprintf(stderr, "podml-bench-collections: error: %s\nusage: %s [--n N] [--reps R] [--report FILE]\n", why.c_str(),
               argv0);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 10'000'000;
  int reps = 5;
  std::string reportPath;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--report" && i + 1 < argc) {
      reportPath = argv[++i];
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
  std::printf("- load average at start: %s (anything near or above nproc means the timings are shared)\n\n",
              loadAverage().c_str());
  std::fflush(stdout);
  podml::bench::Report report("collections");
  report.open(reportPath);
  report.start("N = " + std::to_string(n) + " objects, best of " + std::to_string(reps) + " runs",
               PODML_BENCH_CXX_FLAGS);

  std::vector<Row> rows;
  double sink = 0;  // every result is folded in and printed

  // --- data -------------------------------------------------------------------------
  const std::size_t heap0 = heapInUse();
  auto coll = std::make_unique<ReconstructedParticleCollection>();
  podmlFillAll(*coll, n);
  const std::size_t podmlHeap = heapInUse() - heap0;

  const std::size_t heap1 = heapInUse();
  auto aosColl = std::make_unique<aos::ReconstructedParticleCollection>();
  aosFillAll(*aosColl, n);
  const std::size_t aosHeap = heapInUse() - heap1;

  const std::vector<float> energies(coll->energy().begin(), coll->energy().end());
  std::vector<float> tensor(8 * n, 1.0f);  // faulted in before any timing
  std::vector<float> copySrc(8 * n, 2.0f);

  // Sanity: both layouts hold the same values.
  if (aosColl->size() != n || (*aosColl)[n / 2].getEnergy() != (*coll)[n / 2].getEnergy() ||
      (*aosColl)[n - 1].getReferencePoint().y != (*coll)[n - 1].getReferencePoint().y) {
    std::fprintf(stderr, "podml-bench-collections: error: podml and AoS collections differ\n");
    report.error("setup", "podml and AoS collections differ");
    return 1;
  }

  const auto ns = [n](double seconds) { return seconds * 1e9 / static_cast<double>(n); };

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
  {
    float s = 0;
    const double t = bestOf(reps, [&] { s = podmlSumSpan(*coll); });
    if (s != sVec) {
      std::fprintf(stderr, "warning: span sum %g != vector sum %g\n", s, sVec);
    }
    sink += s;
    rows.push_back({"(a) podml energy() span sum (8 accumulators)", ns(t), 4, "vector sum (8 acc)", t / tVecSum,
                    "<= 2x vector sum", t / tVecSum <= 2.0});
    const double t2 = bestOf(reps, [&] { s = podmlSumSpanScalar(*coll); });
    sink += s;
    rows.push_back({"(a) podml energy() span range-for (1 accumulator)", ns(t2), 4, "vector range-for (1 acc)",
                    t2 / tVecScalar, "", {}});
    const double t3 = bestOf(reps, [&] { s = aosSumDirect(*aosColl); });
    sink += s;
    rows.push_back({"(a) AoS obj->data.energy over deque (8 accumulators)", ns(t3), 4, "vector sum (8 acc)",
                    t3 / tVecSum, "", {}});
  }

  // --- (b) handles ------------------------------------------------------------------------
  {
    float s = 0;
    const double tr = bestOf(reps, [&] { s = podmlSumRangeFor(*coll); });
    sink += s;
    rows.push_back({"(b) podml handles, range-for", ns(tr), 4, "vector range-for (1 acc)", tr / tVecScalar,
                    "<= 2 ns/object", ns(tr) <= 2.0});
    const double ti = bestOf(reps, [&] { s = podmlSumIndex(*coll); });
    sink += s;
    rows.push_back({"(b) podml handles, index loop coll[i]", ns(ti), 4, "vector range-for (1 acc)", ti / tVecScalar,
                    "<= 2 ns/object", ns(ti) <= 2.0});
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
    const double tc = bestOf(reps, [&] { podmlGatherColumns(*coll, tensor.data()); });
    const bool okc = check();
    sink += tensor[8 * (n - 1) + 7];
    rows.push_back({"(c) podml gather 8 columns -> [N,8]", ns(tc), 64, "memcpy 32 B/object", tc / tMemcpy,
                    "<= 3 ns/object", ns(tc) <= 3.0});
    std::fill(tensor.begin(), tensor.end(), 0.0f);
    const double th = bestOf(reps, [&] { podmlGatherHandles(*coll, tensor.data()); });
    const bool okh = check();
    sink += tensor[8 * (n - 1) + 7];
    rows.push_back({"(c) podml gather via handles -> [N,8]", ns(th), 64, "memcpy 32 B/object", th / tMemcpy, "", {}});
    std::fill(tensor.begin(), tensor.end(), 0.0f);
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

  // --- (d) fill ----------------------------------------------------------------------------
  {
    // Bytes written per object: every column row and the one-to-one relation slot.
    const Footprint onePerObject = podmlFootprint(*coll);
    const double podmlWritten = static_cast<double>(onePerObject.sizeBytes) / static_cast<double>(n);
    if (podmlWritten != kFillBytes) {
      std::fprintf(stderr, "note: podml writes %.1f B/object, the first-touch limit assumes %.1f\n", podmlWritten, kFillBytes);
    }

    std::unique_ptr<aos::ReconstructedParticleCollection> af;
    const double ta = bestOf(
        reps, [&] { af = std::make_unique<aos::ReconstructedParticleCollection>(); },
        [&] { aosFill(*af, n); }, [&] { sink += (*af)[n - 1].getMass(); af.reset(); });

    std::unique_ptr<ReconstructedParticleCollection> pf;
    const double tp = bestOf(
        reps, [&] { pf = std::make_unique<ReconstructedParticleCollection>(); },
        [&] { podmlFill(*pf, n); }, [&] { sink += (*pf)[n - 1].getMass(); pf.reset(); });
    rows.push_back({"(d) podml create() + setEnergy + setMass, new collection", ns(tp), podmlWritten,
                    "AoS create + 2 setters", tp / ta, "<= 10 ns/object", ns(tp) <= 10.0});

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
        [&] { podmlFill(*pf, n); }, [&] { sink += (*pf)[n - 1].getMass(); pf.reset(); });
    rows.push_back({"(d) podml fill, storage pre-reserved (diagnostic)", ns(tr), podmlWritten, "AoS create + 2 setters",
                    tr / ta, "", {}});

    // Steady state of an event loop: the collection is cleared and refilled, its buffers
    // are kept, so no page faults and no growth; what remains is the per-object code.
    pf = std::make_unique<ReconstructedParticleCollection>();
    podmlFill(*pf, n);
    const double tc = bestOf(
        reps, [&] { pf->clear(); }, [&] { podmlFill(*pf, n); }, [&] { sink += (*pf)[n - 1].getMass(); });
    pf.reset();
    rows.push_back({"(d) podml refill after clear() (buffers kept)", ns(tc), podmlWritten, "AoS create + 2 setters",
                    tc / ta, "<= 10 ns/object", ns(tc) <= 10.0});
    rows.push_back({"(d) AoS create() + setEnergy + setMass", ns(ta), static_cast<double>(aos::kBytesPerCreate),
                    "itself", 1.0, "", {}});
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
    rows.push_back({"(e) podml bytes/object, column+relation capacities (filled by create())", nan, cap,
                    "payload 108 B", cap / payload, "<= 1.25x payload", cap / payload <= 1.25});
    rows.push_back({"(e) podml bytes/object, column+relation sizes", nan, size, "payload 108 B", size / payload,
                    "<= 1.25x payload", size / payload <= 1.25});
    rows.push_back({"(e) podml bytes/object, heap in use (mallinfo2)", nan, heapP, "payload 108 B", heapP / payload, "", {}});
    rows.push_back({"(e) AoS bytes/object, heap in use (mallinfo2)", nan, heapA, "payload 108 B", heapA / payload, "", {}});
  }

  // --- table ---------------------------------------------------------------------------
  std::printf("| row | ns/object | GB/s | bytes/object | baseline | ratio | target | result |\n");
  std::printf("|---|---:|---:|---:|---|---:|---|---|\n");
  for (const auto& r : rows) {
    const bool footprint = std::isnan(r.nsPerObject);
    std::printf("| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.name.c_str(),
                footprint ? "-" : fmt("%.3f", r.nsPerObject).c_str(),
                footprint ? "-" : fmt("%.2f", r.bytesPerObject / r.nsPerObject).c_str(),
                fmt("%.1f", r.bytesPerObject).c_str(), r.baseline.c_str(), fmt("%.2fx", r.ratio).c_str(),
                r.target.empty() ? "-" : r.target.c_str(), !r.pass ? "-" : (*r.pass ? "PASS" : "MISS"));
  }
  std::printf(
      "\nGB/s = bytes touched per object / ns per object. Bytes touched count what the operation logically reads\n"
      "and writes (4 B energy for sums; 32 B read + 32 B written for the gather and memcpy; for fills, the bytes\n"
      "of storage one object occupies). The AoS rows really move whole cache lines per object, so their\n"
      "effective bandwidth is lower than the memory traffic. (e) rows give bytes held per object instead.\n");
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
    report.row(out);
  }
  report.end();
  return 0;
}
