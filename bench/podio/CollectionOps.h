#pragma once
/// \file CollectionOps.h
/// The collection operations of the podio comparison, written once as templates over the
/// collection type and compiled twice: by podml-bench-collections against podml's
/// edm4hep::ReconstructedParticleCollection and by podio-bench-collections against podio's.
/// Both libraries spell the user API the same way (create(), setEnergy(), range-for over
/// handles, getEnergy(), coll[i], coll.energy()), so one source text guarantees that the two
/// columns of the table time the same code and differ only by the library behind it.
///
/// Depends on the standard library only: it must compile in both programs, which cannot
/// include each other's headers (both define namespace edm4hep).
///
/// The line protocol between the two programs (podml-bench-collections --podio EXE):
///   child start-up: fills N objects, prints one JSON line {"kind": "ready", ...}
///   parent sends an op name (kOps) per line; child runs it once and prints
///     {"kind": "op", "op": NAME, "seconds": T, "check": X}
///   parent sends "quit"; child exits.

#include <malloc.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace benchops {

/// Makes the compiler believe `v` is read (defeats dead-code elimination).
template <typename T>
inline void doNotOptimize(const T& v) {
  asm volatile("" : : "r,m"(v) : "memory");
}
/// Makes the compiler believe all memory may have been read and written, so that timed code
/// is neither hoisted out of nor sunk past the clock reads.
inline void clobberMemory() { asm volatile("" : : : "memory"); }

/// Small deterministic generator for member values: both programs fill the same values.
struct XorShift {
  uint64_t s{0x9e3779b97f4a7c15ull};
  /// The next value in [0, 1).
  float next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return static_cast<float>(s >> 40) * (1.0f / 16777216.0f);
  }
};

/// Heap bytes in use according to glibc (arena + mmapped chunks).
inline std::size_t heapInUse() {
  const struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

/// Sum of `n` floats with eight independent accumulators (vectorisable without -ffast-math).
/// Not inline-able so that every caller times the same machine code.
__attribute__((noinline)) inline float sumFloats(const float* __restrict p, std::size_t n) {
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

/// Interleaves 8 columns into a row-major [n, 8] buffer.
__attribute__((noinline)) inline void gather8(const std::array<const float*, 8>& src, float* __restrict out,
                                              std::size_t n) {
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

/// The column path as a user writes it: `coll.energy()` (podml: a span over the column;
/// podio: a std::vector copied from the objects), summed with 8 accumulators.
template <typename Coll>
__attribute__((noinline)) float sumEnergyColumn(const Coll& c) {
  const auto e = c.energy();
  return sumFloats(e.data(), e.size());
}

/// The column path in a range-for with one accumulator (bound by the float-add latency).
template <typename Coll>
__attribute__((noinline)) float sumEnergyColumnRangeFor(const Coll& c) {
  float s = 0.0f;
  for (float x : c.energy()) {
    s += x;
  }
  return s;
}

/// Handles in a range-for: the loop every podio user writes.
template <typename Coll>
__attribute__((noinline)) float sumRangeFor(const Coll& c) {
  float s = 0.0f;
  for (const auto& p : c) {
    s += p.getEnergy();
  }
  return s;
}

/// Handles by index, `coll[i]`.
template <typename Coll>
__attribute__((noinline)) float sumIndex(const Coll& c) {
  float s = 0.0f;
  for (std::size_t i = 0; i < c.size(); ++i) {
    s += c[i].getEnergy();
  }
  return s;
}

/// The [N,8] feature gather as a user writes it against the handles.
template <typename Coll>
__attribute__((noinline)) void gatherHandles(const Coll& c, float* __restrict out) {
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

/// The 8 gathered values of object `i` summed: both programs report it for the same objects,
/// so a wrong gather on either side shows as a mismatch.
inline double gatherCheck(const float* tensor, std::size_t n) {
  double s = 0;
  for (const std::size_t i : {std::size_t{0}, n / 3, n / 2, n - 1}) {
    for (std::size_t k = 0; k < 8; ++k) {
      s += tensor[8 * i + k];
    }
  }
  return s;
}

/// create() plus two setters, the fill every producer writes.
template <typename Coll>
__attribute__((noinline)) void fill(Coll& c, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    auto p = c.create();
    p.setEnergy(static_cast<float>(i));
    p.setMass(0.5f * static_cast<float>(i));
  }
}

/// Fills every member (setup of the read operations), the same values on both sides.
/// `Cov` is edm4hep::CovMatrix4f of the caller's library.
template <typename Cov, typename Coll>
void fillAll(Coll& c, std::size_t n) {
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
    Cov cov;
    for (auto& v : cov.values) {
      v = rng.next();
    }
    p.setCovMatrix(cov);
  }
}

/// The operations both programs run, by protocol name. Besides these the podio program
/// answers "gather-columns" (podio's per-member copies `energy()`, `momentum()`, ...
/// interleaved into [N,8]), its other candidate for the fastest gather; podml's fastest is
/// the gather of its column spans.
inline constexpr std::array<std::string_view, 8> kOps = {
    "sum-column",        // sumEnergyColumn
    "sum-column-scalar", // sumEnergyColumnRangeFor
    "sum-range-for",     // sumRangeFor
    "sum-index",         // sumIndex
    "gather-handles",    // gatherHandles
    "fill",              // fill() into a new collection (destroyed untimed)
    "refill",            // fill() after clear() of a filled collection
    "destroy",           // destruction of a collection filled by fill()
};

} // namespace benchops
