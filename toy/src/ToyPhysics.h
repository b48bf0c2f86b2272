#pragma once
// The toy's physics, free of EDM4hep: a random number generator whose output
// is the same on every platform, the truth record of one event and its
// reconstruction. ToyDataset.cc turns both into EDM4hep collections.
//
// Units: GeV, mm, ns (EDM4hep's).

#include <cmath>
#include <cstdint>
#include <vector>

namespace podml::toy::detail {

/// xoshiro256** seeded through SplitMix64. The distributions are written here on
/// purpose: std::normal_distribution & co. differ between standard libraries, so
/// a file generated with libstdc++ could not be reproduced with libc++.
class Rng {
public:
  /// The stream of event `index` of the dataset seeded with `seed`: depends on both
  /// and on nothing else, so events can be generated in any order or in parallel.
  Rng(uint64_t seed, uint64_t index);

  /// 64 random bits.
  uint64_t next();
  /// Uniform in [0, 1), 53 bits.
  double uniform();
  /// Uniform in [a, b).
  double uniform(double a, double b) { return a + (b - a) * uniform(); }
  /// Uniform integer in [a, b] (both included).
  int64_t integer(int64_t a, int64_t b);
  /// True with probability p.
  bool chance(double p) { return uniform() < p; }
  /// Standard normal (Box-Muller; the second value of each pair is kept for the next call).
  double normal();
  /// Exponential with the given mean.
  double exponential(double mean);
  /// Poisson with the given mean (Knuth's multiplication method; meant for small means).
  int poisson(double mean);
  /// Gamma(shape, 1) (Marsaglia-Tsang; shape < 1 through the shape + 1 boost).
  double gamma(double shape);

private:
  uint64_t m_s[4];
  double m_spare{0.0};
  bool m_hasSpare{false};
};

/// A three-vector.
struct V3 {
  double x{0}, y{0}, z{0};
  V3 operator+(const V3& o) const { return {x + o.x, y + o.y, z + o.z}; }
  V3 operator-(const V3& o) const { return {x - o.x, y - o.y, z - o.z}; }
  V3 operator*(double f) const { return {x * f, y * f, z * f}; }
  double dot(const V3& o) const { return x * o.x + y * o.y + z * o.z; }
  double norm() const { return std::sqrt(dot(*this)); }
  double perp() const { return std::hypot(x, y); }
};

/// One MC particle of the truth record (what becomes an edm4hep::MCParticle).
struct TruthParticle {
  int32_t pdg{0};
  int32_t generatorStatus{1}; ///< 1 stable, 2 decayed, 3 documentation (partons), 4 beam
  float charge{0};
  double mass{0};
  V3 vertex;                  ///< production vertex [mm]
  V3 endpoint;                ///< decay (or interaction) point [mm]; zero if none
  V3 momentum;                ///< at production [GeV]
  float time{0};              ///< production time [ns]
  std::vector<int> parents;   ///< indices into the record
  std::vector<int> daughters; ///< indices into the record
  bool decayedInTracker{false}; ///< a pi/K that decayed in flight inside the tracker (kinked track)
  double interactionRadius{0};  ///< radius of a nuclear interaction in the tracker [mm]; 0 if none

  double energy() const { return std::sqrt(momentum.dot(momentum) + mass * mass); }
  double pt() const { return momentum.perp(); }
  double eta() const;
};

/// The truth record of one event.
struct TruthEvent {
  std::vector<TruthParticle> particles;
  int32_t bosonPDG{0}; ///< 24, -24 or 23
};

/// One reconstructed charged particle (what becomes an edm4hep::ReconstructedParticle,
/// its edm4hep::Track and its edm4hep::RecoMCParticleLink).
struct RecoParticle {
  int mc{-1};                  ///< index of the truth particle that made the track
  V3 momentum;                 ///< measured [GeV]
  float charge{0};             ///< measured (sign of the fitted curvature)
  V3 referencePoint;           ///< measured point of closest approach to the beam line [mm]
  double d0{0}, z0{0}, phi{0}, omega{0}, tanLambda{0};
  double sigmaD0{0}, sigmaZ0{0}, sigmaPhi{0}, sigmaOmega{0}, sigmaTanLambda{0};
  double sigmaPtRel{0};        ///< sigma(pT)/pT of the fit
  float chi2{0};
  int32_t ndf{0};
  int32_t holes{0};
  int32_t pixelHits{0}, stripHits{0}; ///< measurements (a stereo strip layer gives two)
};

/// Generates the truth record of one event.
TruthEvent generateTruth(Rng& rng);

/// Reconstructs the charged final-state particles of `truth`, ordered by measured
/// transverse momentum (highest first), so the order reveals nothing about the truth.
std::vector<RecoParticle> reconstruct(const TruthEvent& truth, Rng& rng);

/// Mass assumed for every reconstructed particle (charged pion): no particle ID.
inline constexpr double kPionMass = 0.13957039;

} // namespace podml::toy::detail
