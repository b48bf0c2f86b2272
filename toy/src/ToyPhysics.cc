// The toy's physics. docs/toy-dataset.md summarises it; the numbers here are
// the knobs (PDG masses and lifetimes, an LHC-like tracker). The jet activity is
// harder than in real W/Z events on purpose: it was tuned so that a small
// per-particle classifier reaches a ROC AUC of about 0.95-0.97, not 1. Hard hadrons
// from jets and from hadronic tau decays overlap the lepton spectrum, and leptons
// from tau decays are soft and slightly displaced. Jets carry enough tracks (about 5
// above 20 GeV) and b and c hadrons fly far enough for constituent-based flavour tagging.
#include "ToyPhysics.h"

#include <algorithm>
#include <array>
#include <numbers>

namespace podml::toy::detail {

// ---------------------------------------------------------------------------
// Random numbers

namespace {
uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
} // namespace

Rng::Rng(uint64_t seed, uint64_t index) {
  // Hash (seed, index) into one key first, so neighbouring seeds or events do
  // not start from neighbouring states; SplitMix64 then fills xoshiro's state.
  uint64_t s = seed;
  uint64_t key = splitmix64(s);
  key ^= index * 0xD1B54A32D192ED03ULL;
  s = key;
  key = splitmix64(s);
  for (auto& word : m_s) {
    word = splitmix64(key);
  }
}

uint64_t Rng::next() {
  const uint64_t result = rotl(m_s[1] * 5, 7) * 9;
  const uint64_t t = m_s[1] << 17;
  m_s[2] ^= m_s[0];
  m_s[3] ^= m_s[1];
  m_s[1] ^= m_s[2];
  m_s[0] ^= m_s[3];
  m_s[2] ^= t;
  m_s[3] = rotl(m_s[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

int64_t Rng::integer(int64_t a, int64_t b) {
  const auto span = static_cast<uint64_t>(b - a) + 1;
  // The modulo bias is below 2^-50 for the small ranges used here.
  return a + static_cast<int64_t>(next() % span);
}

double Rng::normal() {
  if (m_hasSpare) {
    m_hasSpare = false;
    return m_spare;
  }
  const double u1 = 1.0 - uniform(); // (0, 1]: log() stays finite
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double a = 2.0 * std::numbers::pi * u2;
  m_spare = r * std::sin(a);
  m_hasSpare = true;
  return r * std::cos(a);
}

double Rng::exponential(double mean) { return -mean * std::log(1.0 - uniform()); }

int Rng::poisson(double mean) {
  const double limit = std::exp(-mean);
  int k = 0;
  double p = uniform();
  while (p > limit) {
    ++k;
    p *= uniform();
  }
  return k;
}

double Rng::gamma(double shape) {
  if (shape < 1.0) {
    // Gamma(a) = Gamma(a + 1) * U^(1/a).
    const double u = 1.0 - uniform();
    return gamma(shape + 1.0) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x, v;
    do {
      x = normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = 1.0 - uniform();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) {
      return d * v;
    }
  }
}

double TruthParticle::eta() const {
  const double p = momentum.norm();
  const double pz = momentum.z;
  if (p - std::abs(pz) < 1e-12 * p) {
    return pz >= 0 ? 1e6 : -1e6;
  }
  return 0.5 * std::log((p + pz) / (p - pz));
}

namespace {

// ---------------------------------------------------------------------------
// Constants (GeV, mm, ns)

constexpr double kC = 299.792458; // mm/ns
constexpr double kPi = std::numbers::pi;

constexpr double kElectronMass = 0.51099895e-3;
constexpr double kMuonMass = 0.1056583755;
constexpr double kTauMass = 1.77686;
constexpr double kKaonMass = 0.493677;
constexpr double kProtonMass = 0.93827208816;
constexpr double kK0Mass = 0.497611;
constexpr double kPi0Mass = 0.1349768;
constexpr double kBottomMass = 4.78, kCharmMass = 1.67; // pole masses of the partons
constexpr double kWMass = 80.377, kWWidth = 2.085;
constexpr double kZMass = 91.1876, kZWidth = 2.4952;
constexpr double kBeamEnergy = 6800.0;

// c*tau of the unstable particles the toy decays or lets decay in flight.
constexpr double kTauCTau = 0.08703;
constexpr double kPionCTau = 7804.5;
constexpr double kKaonCTau = 3711.0;
constexpr double kK0SCTau = 26.844;

// Weakly decaying hadrons; `pdg` and `charge` for the hadron of a quark (not antiquark).
struct HadronSpecies {
  int32_t pdg;
  float charge;
  double mass, ctau;
};
// For a b quark: B0bar, B-, Bs0bar, Lambda_b0.
constexpr std::array<HadronSpecies, 4> kBHadrons{{{-511, 0.f, 5.27966, 0.4557},
                                                  {-521, -1.f, 5.27934, 0.4911},
                                                  {-531, 0.f, 5.36688, 0.4527},
                                                  {5122, 0.f, 5.6196, 0.4404}}};
enum BHadron { kB0, kBMinus, kBs, kLambdaB };
// For a c quark: D0, D+, Ds+, Lambda_c+.
constexpr std::array<HadronSpecies, 4> kCHadrons{{{421, 0.f, 1.86484, 0.1229},
                                                  {411, 1.f, 1.86966, 0.3118},
                                                  {431, 1.f, 1.96835, 0.1512},
                                                  {4122, 1.f, 2.28646, 0.0607}}};
enum CHadron { kD0, kDPlus, kDs, kLambdaC };

// The tracker: a cylinder, pixel and strip layers (barrel-equivalent radii).
constexpr double kTrackerRadius = 1000.0;
constexpr double kTrackerHalfLength = 2700.0;
constexpr std::array<double, 4> kPixelLayers{33.0, 50.0, 88.0, 122.0};
constexpr std::array<double, 8> kStripLayers{300.0, 370.0, 440.0, 510.0, 600.0, 700.0, 850.0, 1000.0};
constexpr double kMagneticField = 2.0; // T

// Effective nuclear interaction length of the tracker material per mm of path:
// about 8% of central pions interact before leaving the barrel, more forward ones.
constexpr double kPionInteractionLength = 12000.0;
constexpr double kKaonInteractionLength = 15000.0;
constexpr double kProtonInteractionLength = 10000.0;

// Event content.
constexpr int kSoftMin = 5, kSoftMax = 20;    // underlying-event charged hadrons
constexpr double kSoftMeanPt = 1.7;           // their pT is 0.1 GeV + exponential
constexpr double kSoftEtaMax = 2.8;
constexpr double kMeanJets = 4.0;             // jets per event (Poisson)
constexpr double kPartonPtMin = 25.0;         // jet pT: power law from here ...
constexpr double kJetPtIndex = 2.0;           // ... dN/dpT ~ pT^-(index+1)
constexpr double kJetPtMax = 800.0;
constexpr double kBJetFraction = 0.2;
constexpr double kCJetFraction = 0.15;
constexpr double kBToCharm = 0.7; // B decays through a D hadron (its own displaced vertex)
constexpr double kMeanK0S = 0.6;
// Charged jet fragments share their momentum as a Dirichlet(alpha) draw: the smaller
// alpha, the more often one fragment carries most of it (a hard, lepton-like hadron).
constexpr double kFragmentationAlpha = 0.4;
// Soft fragments on top: Poisson(kSoftFragments * ln(pT/10 GeV)) per jet, pT 0.4 GeV + exponential.
constexpr double kSoftFragments = 2.0;
constexpr double kSoftFragmentMeanPt = 0.8;

struct P4 {
  V3 p;
  double e{0};
};

V3 fromPtEtaPhi(double pt, double eta, double phi) {
  return {pt * std::cos(phi), pt * std::sin(phi), pt * std::sinh(eta)};
}

P4 makeP4(const V3& p, double m) { return {p, std::sqrt(p.dot(p) + m * m)}; }

// Boosts `q` (given in the rest frame of `parent`) into the frame where `parent` moves.
P4 boost(const P4& q, const P4& parent) {
  const V3 b = parent.p * (1.0 / parent.e);
  const double b2 = b.dot(b);
  if (b2 <= 0.0) {
    return q;
  }
  const double gamma = 1.0 / std::sqrt(1.0 - b2);
  const double bq = b.dot(q.p);
  const double g2 = (gamma - 1.0) / b2;
  return {q.p + b * (g2 * bq + gamma * q.e), gamma * (q.e + bq)};
}

// Isotropic two-body decay of `parent` (mass m) into masses m1, m2, in the lab.
std::pair<P4, P4> twoBody(const P4& parent, double m, double m1, double m2, Rng& rng) {
  const double s = m * m;
  const double arg = (s - (m1 + m2) * (m1 + m2)) * (s - (m1 - m2) * (m1 - m2));
  const double pstar = arg > 0 ? std::sqrt(arg) / (2.0 * m) : 0.0;
  const double cosT = rng.uniform(-1.0, 1.0);
  const double sinT = std::sqrt(std::max(0.0, 1.0 - cosT * cosT));
  const double phi = rng.uniform(0.0, 2.0 * kPi);
  const V3 dir{sinT * std::cos(phi), sinT * std::sin(phi), cosT};
  const P4 a = makeP4(dir * pstar, m1);
  const P4 b = makeP4(dir * -pstar, m2);
  return {boost(a, parent), boost(b, parent)};
}

// n-body decay as a chain of two-body decays, the intermediate masses drawn
// uniformly in their allowed range: not exact phase space, but momentum and
// energy are conserved and the spectra are plausible.
std::vector<P4> chainDecay(const P4& parent, double m, const std::vector<double>& masses, Rng& rng) {
  std::vector<P4> out;
  P4 current = parent;
  double mCurrent = m;
  for (std::size_t i = 0; i + 1 < masses.size(); ++i) {
    double restMin = 0;
    for (std::size_t j = i + 1; j < masses.size(); ++j) {
      restMin += masses[j];
    }
    const double mRest = (i + 2 == masses.size()) ? masses[i + 1]
                                                  : rng.uniform(restMin, std::max(restMin, mCurrent - masses[i]));
    auto [a, rest] = twoBody(current, mCurrent, masses[i], mRest, rng);
    out.push_back(a);
    current = rest;
    mCurrent = mRest;
  }
  out.push_back(current); // the last product (or the parent itself for a single mass)
  return out;
}

// Two unit vectors perpendicular to `axis` (unit) and to each other.
std::pair<V3, V3> perpendicularBasis(const V3& axis) {
  const V3 helper = std::abs(axis.z) < 0.9 ? V3{0, 0, 1} : V3{1, 0, 0};
  V3 e1{axis.y * helper.z - axis.z * helper.y, axis.z * helper.x - axis.x * helper.z,
        axis.x * helper.y - axis.y * helper.x};
  e1 = e1 * (1.0 / e1.norm());
  const V3 e2{axis.y * e1.z - axis.z * e1.y, axis.z * e1.x - axis.x * e1.z, axis.x * e1.y - axis.y * e1.x};
  return {e1, e2};
}

// Path length from `v` along unit direction `u` until the particle leaves the tracker.
double pathToTrackerExit(const V3& v, const V3& u) {
  const double ut2 = u.x * u.x + u.y * u.y;
  double s = 1e12;
  if (ut2 > 0) {
    const double b = v.x * u.x + v.y * u.y;
    const double c = v.x * v.x + v.y * v.y - kTrackerRadius * kTrackerRadius;
    const double disc = b * b - ut2 * c;
    s = disc > 0 ? (-b + std::sqrt(disc)) / ut2 : 0.0;
  }
  if (u.z != 0) {
    const double sz = ((u.z > 0 ? kTrackerHalfLength : -kTrackerHalfLength) - v.z) / u.z;
    s = std::min(s, sz);
  }
  return std::max(0.0, s);
}

class EventBuilder {
public:
  explicit EventBuilder(Rng& rng) : m_rng(rng) {}

  TruthEvent build() {
    // Two beam protons head the record (status 4), as in generator output.
    m_beam1 = add(2212, 4, 1.f, kProtonMass, {}, {0, 0, kBeamEnergy}, 0.f, {});
    m_beam2 = add(2212, 4, 1.f, kProtonMass, {}, {0, 0, -kBeamEnergy}, 0.f, {});
    // Luminous region: ~12 um transverse, ~40 mm along the beam.
    m_pv = {0.012 * m_rng.normal(), 0.012 * m_rng.normal(), 40.0 * m_rng.normal()};
    addBoson();
    const int nJets = m_rng.poisson(kMeanJets);
    for (int j = 0; j < nJets; ++j) {
      addJet();
    }
    const auto nSoft = static_cast<int>(m_rng.integer(kSoftMin, kSoftMax));
    for (int i = 0; i < nSoft; ++i) {
      const double pt = 0.1 + m_rng.exponential(kSoftMeanPt);
      const V3 p = fromPtEtaPhi(pt, m_rng.uniform(-kSoftEtaMax, kSoftEtaMax), m_rng.uniform(0, 2 * kPi));
      addHadron(p, m_pv, 0.f, {m_beam1, m_beam2});
    }
    const int nK0S = m_rng.poisson(kMeanK0S);
    for (int i = 0; i < nK0S; ++i) {
      addK0S();
    }
    return std::move(m_event);
  }

private:
  int add(int32_t pdg, int32_t status, float charge, double mass, const V3& vertex, const V3& momentum, float time,
          const std::vector<int>& parents) {
    TruthParticle p;
    p.pdg = pdg;
    p.generatorStatus = status;
    p.charge = charge;
    p.mass = mass;
    p.vertex = vertex;
    p.momentum = momentum;
    p.time = time;
    p.parents = parents;
    const int index = static_cast<int>(m_event.particles.size());
    m_event.particles.push_back(std::move(p));
    for (const int parent : parents) {
      m_event.particles[static_cast<std::size_t>(parent)].daughters.push_back(index);
    }
    return index;
  }

  TruthParticle& at(int i) { return m_event.particles[static_cast<std::size_t>(i)]; }

  // Lets particle `i` decay after an exponential flight (c*tau = ctau); marks it
  // decayed and returns the decay point and time.
  std::pair<V3, float> decay(int i, double ctau) {
    auto& p = at(i);
    const double pAbs = p.momentum.norm();
    const double flight = m_rng.exponential(pAbs / p.mass * ctau);
    const V3 dir = p.momentum * (1.0 / pAbs);
    p.generatorStatus = 2;
    p.endpoint = p.vertex + dir * flight;
    const double beta = pAbs / p.energy();
    return {p.endpoint, p.time + static_cast<float>(flight / (beta * kC))};
  }

  // A stable charged hadron: pion, kaon or proton with a random charge sign. Lets
  // pions and kaons decay in flight and all of them interact in the tracker material;
  // the daughters of those are not recorded (the track stays linked to the hadron).
  int addHadron(const V3& momentum, const V3& vertex, float time, const std::vector<int>& parents,
                int charge = 0) {
    const double u = m_rng.uniform();
    const int32_t code = u < 0.78 ? 211 : u < 0.90 ? 321 : 2212;
    if (charge == 0) {
      charge = m_rng.chance(0.5) ? 1 : -1;
    }
    const double mass = code == 211 ? kPionMass : code == 321 ? kKaonMass : kProtonMass;
    const int i = add(charge > 0 ? code : -code, 1, static_cast<float>(charge), mass, vertex, momentum, time, parents);
    propagate(i, code);
    return i;
  }

  void propagate(int i, int32_t code) {
    auto& p = at(i);
    const double pAbs = p.momentum.norm();
    const V3 dir = p.momentum * (1.0 / pAbs);
    const double exit = pathToTrackerExit(p.vertex, dir);
    double decayPath = 1e12;
    if (code == 211 || code == 321) {
      decayPath = m_rng.exponential(pAbs / p.mass * (code == 211 ? kPionCTau : kKaonCTau));
    }
    const double lambda = code == 211 ? kPionInteractionLength
                          : code == 321 ? kKaonInteractionLength
                                        : kProtonInteractionLength;
    const double interactionPath = m_rng.exponential(lambda);
    if (interactionPath < exit && interactionPath < decayPath) {
      p.endpoint = p.vertex + dir * interactionPath;
      p.interactionRadius = std::max(p.endpoint.perp(), 1e-3);
    } else if (decayPath < exit) {
      p.endpoint = p.vertex + dir * decayPath;
      p.decayedInTracker = true;
    }
  }

  void addBoson() {
    const double u = m_rng.uniform();
    const int32_t pdg = u < 0.45 ? 24 : u < 0.75 ? -24 : 23;
    const double m0 = pdg == 23 ? kZMass : kWMass;
    const double width = pdg == 23 ? kZWidth : kWWidth;
    double m;
    do { // Breit-Wigner, truncated at 10 widths
      m = m0 + 0.5 * width * std::tan(kPi * (m_rng.uniform() - 0.5));
    } while (std::abs(m - m0) > 10.0 * width);
    const double pt = m_rng.exponential(4.0) + m_rng.exponential(4.0);
    double y;
    do {
      y = 1.8 * m_rng.normal();
    } while (std::abs(y) > 3.5);
    const double phi = m_rng.uniform(0, 2 * kPi);
    const double mt = std::sqrt(m * m + pt * pt);
    const P4 boson{{pt * std::cos(phi), pt * std::sin(phi), mt * std::sinh(y)}, mt * std::cosh(y)};
    const float charge = pdg == 23 ? 0.f : (pdg > 0 ? 1.f : -1.f);
    const int b = add(pdg, 2, charge, m, m_pv, boson.p, 0.f, {m_beam1, m_beam2});
    at(b).endpoint = m_pv;
    m_event.bosonPDG = pdg;

    // Lepton universality: e, mu, tau one third each.
    const double f = m_rng.uniform();
    const int32_t flavour = f < 1.0 / 3 ? 11 : f < 2.0 / 3 ? 13 : 15;
    const double ml = flavour == 11 ? kElectronMass : flavour == 13 ? kMuonMass : kTauMass;
    // Negative leptons have positive PDG codes; W+ -> l+ nu, W- -> l- nubar, Z -> l- l+.
    int32_t pdg1 = flavour; // l-
    float q1 = -1.f;
    int32_t pdg2 = -flavour; // l+
    float q2 = 1.f;
    double m2 = ml;
    if (pdg == 24) {
      pdg1 = -flavour;
      q1 = 1.f;
      pdg2 = flavour + 1; // nu
      q2 = 0.f;
      m2 = 0.0;
    } else if (pdg == -24) {
      pdg2 = -(flavour + 1); // nubar
      q2 = 0.f;
      m2 = 0.0;
    }
    auto [d1, d2] = twoBody(boson, m, ml, m2, m_rng);
    const int l1 = add(pdg1, 1, q1, ml, m_pv, d1.p, 0.f, {b});
    const int l2 = add(pdg2, 1, q2, m2, m_pv, d2.p, 0.f, {b});
    for (const int l : {l1, l2}) {
      if (std::abs(at(l).pdg) == 15) {
        decayTau(l);
      }
    }
  }

  // tau -> e nu nu (17.8%), mu nu nu (17.4%), pi nu (49.5%: the one-prong hadronic
  // modes, neutral pions folded in) or pi pi pi nu (15.3%).
  void decayTau(int t) {
    const auto [where, when] = decay(t, kTauCTau);
    const int sign = at(t).pdg > 0 ? 1 : -1; // tau- is +15
    const P4 tau = makeP4(at(t).momentum, kTauMass);
    const double u = m_rng.uniform();
    std::vector<std::pair<int32_t, double>> products; // pdg (for a tau-), mass
    if (u < 0.178) {
      products = {{11, kElectronMass}, {-12, 0.0}, {16, 0.0}};
    } else if (u < 0.352) {
      products = {{13, kMuonMass}, {-14, 0.0}, {16, 0.0}};
    } else if (u < 0.847) {
      products = {{-211, kPionMass}, {16, 0.0}};
    } else {
      products = {{-211, kPionMass}, {-211, kPionMass}, {211, kPionMass}, {16, 0.0}};
    }
    std::vector<double> masses;
    for (const auto& pr : products) {
      masses.push_back(pr.second);
    }
    const auto p4s = chainDecay(tau, kTauMass, masses, m_rng);
    for (std::size_t k = 0; k < products.size(); ++k) {
      const int32_t pdg = sign * products[k].first;
      const int32_t absPdg = std::abs(pdg);
      if (absPdg == 211) {
        const int i = add(pdg, 1, pdg > 0 ? 1.f : -1.f, kPionMass, where, p4s[k].p, when, {t});
        propagate(i, 211);
      } else {
        // Leptons: e-/mu- have positive codes; neutrinos are neutral.
        const float q = (absPdg == 11 || absPdg == 13) ? (pdg > 0 ? -1.f : 1.f) : 0.f;
        add(pdg, 1, q, products[k].second, where, p4s[k].p, when, {t});
      }
    }
  }

  // A jet: a parton (status 3, documentation) and its fragments. Charged
  // fragments share ~60% of the jet momentum (Dirichlet, so one usually leads);
  // the neutral ones are not recorded. A b (c) jet leads with a B (charm) hadron,
  // which takes a share z of the jet momentum, neutral decay products included.
  void addJet() {
    double pt;
    do {
      pt = kPartonPtMin * std::pow(1.0 - m_rng.uniform(), -1.0 / kJetPtIndex);
    } while (pt > kJetPtMax);
    const double eta = m_rng.uniform(-2.5, 2.5);
    const double phi = m_rng.uniform(0, 2 * kPi);
    const V3 pJet = fromPtEtaPhi(pt, eta, phi);
    const double pAbs = pJet.norm();
    const V3 axis = pJet * (1.0 / pAbs);
    const double f = m_rng.uniform();
    const int heavyQuark = f < kBJetFraction ? 5 : f < kBJetFraction + kCJetFraction ? 4 : 0;
    const int quarkSign = m_rng.chance(0.5) ? 1 : -1;
    int32_t partonPdg = 21;
    if (heavyQuark != 0) {
      partonPdg = heavyQuark * quarkSign;
    } else if (m_rng.chance(0.4)) {
      partonPdg = static_cast<int32_t>(m_rng.integer(1, 3)) * quarkSign;
    }
    const double partonMass = heavyQuark == 5 ? kBottomMass : heavyQuark == 4 ? kCharmMass : 0.0;
    const int parton = add(partonPdg, 3, 0.f, partonMass, m_pv, pJet, 0.f, {m_beam1, m_beam2});

    const double chargedFraction = std::clamp(0.6 + 0.12 * m_rng.normal(), 0.25, 0.9);
    int nCharged = 1 + m_rng.poisson(1.0 + 2.0 * std::log(pt / 10.0));
    double lightShare = chargedFraction;
    if (heavyQuark == 5) {
      const double zB = std::clamp(1.0 - m_rng.exponential(0.25), 0.35, 0.95);
      lightShare = chargedFraction * (1.0 - zB);
      nCharged = std::max(0, nCharged - 2);
      addBHadron(parton, axis * (zB * pAbs) + kick(axis, 0.6), quarkSign);
    } else if (heavyQuark == 4) {
      // Charm fragments softer than bottom.
      const double zC = std::clamp(1.0 - m_rng.exponential(0.35), 0.25, 0.9);
      lightShare = chargedFraction * (1.0 - zC);
      nCharged = std::max(0, nCharged - 1);
      const double u = m_rng.uniform();
      const CHadron species = u < 0.55 ? kD0 : u < 0.80 ? kDPlus : u < 0.90 ? kDs : kLambdaC;
      addCHadron(parton, axis * (zC * pAbs) + kick(axis, 0.5), quarkSign, species, m_pv, 0.f);
    }
    std::vector<double> shares(static_cast<std::size_t>(nCharged));
    double sum = 0;
    for (auto& s : shares) {
      s = m_rng.gamma(kFragmentationAlpha);
      sum += s;
    }
    for (const double s : shares) {
      const double pLong = s / sum * lightShare * pAbs;
      addHadron(axis * pLong + kick(axis, 0.45), m_pv, 0.f, {parton});
    }
    // Jets need their many soft tracks for jet tagging; added apart from the shared
    // momentum so that the hard, lepton-like leading hadron keeps its spectrum.
    const int nSoftFragments = m_rng.poisson(kSoftFragments * std::log(pt / 10.0));
    for (int k = 0; k < nSoftFragments; ++k) {
      const double softPt = 0.4 + m_rng.exponential(kSoftFragmentMeanPt);
      addHadron(axis * (softPt / axis.perp()) + kick(axis, 0.25), m_pv, 0.f, {parton});
    }
  }

  // A momentum kick perpendicular to `axis`, exponential with the given mean [GeV].
  V3 kick(const V3& axis, double mean) {
    const auto [e1, e2] = perpendicularBasis(axis);
    const double k = m_rng.exponential(mean);
    const double psi = m_rng.uniform(0, 2 * kPi);
    return (e1 * std::cos(psi) + e2 * std::sin(psi)) * k;
  }

  // A decay product of a heavy hadron: |PDG| of a pi, K or p (charged), K0L or pi0.
  struct Product {
    int32_t code;
    int charge;
  };

  static double productMass(int32_t code) {
    switch (code) {
    case 211: return kPionMass;
    case 321: return kKaonMass;
    case 2212: return kProtonMass;
    case 130: return kK0Mass;
    default: return kPi0Mass;
    }
  }

  static std::vector<double> massesOf(const std::vector<Product>& products) {
    std::vector<double> masses;
    for (const auto& p : products) {
      masses.push_back(productMass(p.code));
    }
    return masses;
  }

  // `n` charged pions (kaons with probability `kaonFraction`) of total charge `charge`;
  // n + charge must be even and |charge| <= n. The positive ones come first.
  std::vector<Product> chargedHadrons(int n, int charge, double kaonFraction) {
    const int nPlus = (n + charge) / 2;
    std::vector<Product> out;
    for (int k = 0; k < n; ++k) {
      out.push_back({m_rng.chance(kaonFraction) ? 321 : 211, k < nPlus ? 1 : -1});
    }
    return out;
  }

  // Records decay product `p` of hadron `parent`; charged ones fly through the tracker,
  // a pi0 decays to two photons on the spot (c*tau = 25 nm).
  void addProduct(const Product& p, const P4& p4, const V3& where, float when, int parent) {
    if (p.charge != 0) {
      const int i = add(p.charge > 0 ? p.code : -p.code, 1, static_cast<float>(p.charge), productMass(p.code), where,
                        p4.p, when, {parent});
      propagate(i, p.code);
    } else if (p.code == 111) {
      const int pi0 = add(111, 2, 0.f, kPi0Mass, where, p4.p, when, {parent});
      at(pi0).endpoint = where;
      auto [g1, g2] = twoBody(p4, kPi0Mass, 0.0, 0.0, m_rng);
      add(22, 1, 0.f, 0.0, where, g1.p, when, {pi0});
      add(22, 1, 0.f, 0.0, where, g2.p, when, {pi0});
    } else {
      add(p.code, 1, 0.f, productMass(p.code), where, p4.p, when, {parent});
    }
  }

  // A B hadron flying ~0.5 mm * beta*gamma and decaying hadronically (no leptons, so every
  // lepton in the sample is prompt): mostly through a charm hadron, which flies on to its
  // own vertex, plus 1-5 charged hadrons and a K0L; otherwise into 2-7 charged hadrons and
  // a K0L at once.
  void addBHadron(int parton, const V3& momentum, int quarkSign) {
    const double u = m_rng.uniform();
    const BHadron type = u < 0.4 ? kB0 : u < 0.8 ? kBMinus : u < 0.9 ? kBs : kLambdaB;
    const HadronSpecies& s = kBHadrons[type];
    const int charge = quarkSign * static_cast<int>(s.charge);
    const int b = add(quarkSign * s.pdg, 2, static_cast<float>(charge), s.mass, m_pv, momentum, 0.f, {parton});
    const auto [where, when] = decay(b, s.ctau);
    const P4 parent = makeP4(momentum, s.mass);

    if (m_rng.chance(kBToCharm)) {
      // b -> c W-: the charm hadron keeps the spectator (Bs -> Ds, Lambda_b -> Lambda_c).
      const double v = m_rng.uniform();
      const CHadron c = type == kBs ? kDs : type == kLambdaB ? kLambdaC : v < 0.55 ? kD0 : v < 0.9 ? kDPlus : kDs;
      const int rest = charge - quarkSign * static_cast<int>(kCHadrons[c].charge);
      int n = std::min(4, 1 + m_rng.poisson(1.5));
      while ((n + rest) % 2 != 0 || n < std::abs(rest)) {
        ++n;
      }
      std::vector<Product> products = chargedHadrons(n, rest, 0.2);
      products.push_back({130, 0});
      std::vector<double> masses{kCHadrons[c].mass};
      for (const double m : massesOf(products)) {
        masses.push_back(m);
      }
      const auto p4s = chainDecay(parent, s.mass, masses, m_rng);
      addCHadron(b, p4s[0].p, quarkSign, c, where, when);
      for (std::size_t k = 0; k < products.size(); ++k) {
        addProduct(products[k], p4s[k + 1], where, when, b);
      }
      return;
    }
    int n = std::min(6, 2 + m_rng.poisson(2.0));
    if ((n + std::abs(charge)) % 2 != 0) {
      ++n; // even for a neutral B, odd for a charged one
    }
    std::vector<Product> products = chargedHadrons(n, charge, 0.2);
    products.front().code = 321; // b -> c -> s: usually one kaon
    products.push_back({130, 0});
    const auto p4s = chainDecay(parent, s.mass, massesOf(products), m_rng);
    for (std::size_t k = 0; k < products.size(); ++k) {
      addProduct(products[k], p4s[k], where, when, b);
    }
  }

  // A charm hadron (c*tau 61-312 um) decaying hadronically, with no leptons as for the B,
  // into 1-4 charged hadrons, usually one of them a kaon (c -> s), a K0L when the strange
  // quark ends up neutral, and half the time a pi0.
  void addCHadron(int parent, const V3& momentum, int quarkSign, CHadron species, const V3& vertex, float time) {
    const HadronSpecies& s = kCHadrons[species];
    const int charge = quarkSign * static_cast<int>(s.charge);
    const int c = add(quarkSign * s.pdg, 2, static_cast<float>(charge), s.mass, vertex, momentum, time, {parent});
    const auto [where, when] = decay(c, s.ctau);

    // A c quark gives a K- (s ubar); Ds+ (c sbar) also a K+, Lambda_c+ (udc) a proton.
    std::vector<Product> products;
    int nCharged = 0;
    bool neutralKaon = false;
    switch (species) {
    case kD0:
      nCharged = m_rng.chance(0.7) ? 2 : 4;
      neutralKaon = m_rng.chance(0.15);
      break;
    case kDPlus:
      nCharged = m_rng.chance(0.35) ? 1 : 3;
      neutralKaon = nCharged == 1 || m_rng.chance(0.2);
      break;
    case kDs:
      nCharged = m_rng.chance(0.35) ? 1 : 3;
      products.push_back({321, quarkSign});
      neutralKaon = nCharged == 1;
      break;
    case kLambdaC:
      nCharged = m_rng.chance(0.4) ? 1 : 3;
      products.push_back({2212, quarkSign});
      neutralKaon = nCharged == 1;
      break;
    }
    if (!neutralKaon) {
      products.push_back({321, -quarkSign});
    }
    int rest = charge;
    for (const auto& p : products) {
      rest -= p.charge;
    }
    for (const auto& p : chargedHadrons(nCharged - static_cast<int>(products.size()), rest, 0.0)) {
      products.push_back(p);
    }
    if (neutralKaon) {
      products.push_back({130, 0});
    }
    if (m_rng.chance(0.5)) {
      products.push_back({111, 0});
    }
    const auto p4s = chainDecay(makeP4(momentum, s.mass), s.mass, massesOf(products), m_rng);
    for (std::size_t k = 0; k < products.size(); ++k) {
      addProduct(products[k], p4s[k], where, when, c);
    }
  }

  // A K0S from the underlying event, decaying to pi+ pi- after ~27 mm * beta*gamma.
  void addK0S() {
    const double pt = 0.2 + m_rng.exponential(1.2);
    const V3 p = fromPtEtaPhi(pt, m_rng.uniform(-kSoftEtaMax, kSoftEtaMax), m_rng.uniform(0, 2 * kPi));
    const int k = add(310, 2, 0.f, kK0Mass, m_pv, p, 0.f, {m_beam1, m_beam2});
    const auto [where, when] = decay(k, kK0SCTau);
    auto [a, b] = twoBody(makeP4(p, kK0Mass), kK0Mass, kPionMass, kPionMass, m_rng);
    const int plus = add(211, 1, 1.f, kPionMass, where, a.p, when, {k});
    propagate(plus, 211);
    const int minus = add(-211, 1, -1.f, kPionMass, where, b.p, when, {k});
    propagate(minus, 211);
  }

  Rng& m_rng;
  TruthEvent m_event;
  V3 m_pv;
  int m_beam1{0}, m_beam2{0};
};

double quadrature(double a, double b) { return std::sqrt(a * a + b * b); }

} // namespace

TruthEvent generateTruth(Rng& rng) { return EventBuilder(rng).build(); }

// ---------------------------------------------------------------------------
// Reconstruction: a parametrised tracker.

std::vector<RecoParticle> reconstruct(const TruthEvent& truth, Rng& rng) {
  std::vector<RecoParticle> out;
  for (std::size_t i = 0; i < truth.particles.size(); ++i) {
    const auto& mc = truth.particles[i];
    if (mc.generatorStatus != 1 || mc.charge == 0.f) {
      continue;
    }
    const double pt = mc.pt();
    const double eta = mc.eta();
    const double rProd = mc.vertex.perp();
    if (pt < 0.5 || std::abs(eta) > 2.5 || rProd > 300.0 || std::abs(mc.vertex.z) > 1000.0) {
      continue;
    }
    // Hits: layers beyond the production radius and before a nuclear interaction
    // (a decay in flight keeps the hits of the daughter muon: a kinked track).
    const double rEnd = mc.interactionRadius > 0 ? mc.interactionRadius : kTrackerRadius + 1.0;
    int pixel = 0, strip = 0;
    double rFirst = 0, rLast = 0;
    for (const double r : kPixelLayers) {
      if (r > rProd && r < rEnd) {
        rFirst = (pixel + strip == 0) ? r : rFirst;
        rLast = r;
        ++pixel;
      }
    }
    for (const double r : kStripLayers) {
      if (r > rProd && r < rEnd) {
        rFirst = (pixel + strip == 0) ? r : rFirst;
        rLast = r;
        ++strip;
      }
    }
    // Strip layers are stereo pairs: two measurements each.
    const int hits = pixel + 2 * strip;
    const int holes = std::min(hits / 4, rng.poisson(0.15));
    const int usedHits = hits - holes;
    // Efficiency: 95% for tracks from the beam line, falling for late-starting ones.
    const double efficiency = 0.95 * (rProd < 50.0 ? 1.0 : 1.0 - 0.7 * (rProd - 50.0) / 250.0);
    if (usedHits < 6 || !rng.chance(efficiency)) {
      continue;
    }

    RecoParticle reco;
    reco.mc = static_cast<int>(i);
    reco.pixelHits = pixel;
    reco.stripHits = 2 * strip;
    reco.holes = holes;
    reco.ndf = 2 * usedHits - 5;

    // Resolutions: sigma(pT)/pT = 1% (+) 0.05% * pT/GeV for the full lever arm, the
    // multiple-scattering term scaling with 1/L, the measurement term with 1/L^2;
    // the impact parameter degrades with the radius of the first hit.
    const double lever = std::clamp((kTrackerRadius - kPixelLayers[0]) / std::max(rLast - rFirst, 1.0), 1.0, 5.0);
    const double firstHit = std::max(1.0, rFirst / kPixelLayers[0]);
    reco.sigmaPtRel = quadrature(0.01 * lever, 0.0005 * pt * lever * lever);
    reco.sigmaD0 = quadrature(0.020, 0.030 / pt) * firstHit;
    reco.sigmaZ0 = quadrature(0.040, 0.060 / pt) * firstHit;
    reco.sigmaPhi = quadrature(0.0001, 0.0015 / pt);
    reco.sigmaTanLambda = quadrature(0.0002, 0.0015 / pt);

    double kappa = static_cast<double>(mc.charge) / pt; // signed curvature ~ q/pT
    double chi2Extra = 0;
    double d0Extra = 0;
    const int absPdg = std::abs(mc.pdg);
    if (absPdg == 11) {
      // Bremsstrahlung (Bethe-Heitler): the fraction of energy kept after t radiation
      // lengths is y with -ln(y) ~ Gamma(t/ln2); the fit sees about half the loss.
      const double t = 0.04 + 0.12 * std::abs(eta) / 2.5;
      const double lost = rng.gamma(t / std::numbers::ln2);
      const double kept = std::exp(-0.5 * lost);
      kappa /= std::max(kept, 0.2);
      chi2Extra += reco.ndf * 4.0 * (1.0 - kept);
    }
    if (mc.decayedInTracker) {
      // A kink: the fit mixes the hadron and its daughter muon.
      kappa *= 1.0 + 0.04 * rng.normal();
      chi2Extra += reco.ndf * rng.exponential(1.5);
      d0Extra = 2.0 * reco.sigmaD0 * rng.normal();
    }
    if (mc.interactionRadius > 0 && rng.chance(0.5)) {
      chi2Extra += reco.ndf * rng.exponential(0.3); // hits from the secondaries picked up
    }
    if (rng.chance(0.02)) {
      chi2Extra += rng.exponential(20.0); // a wrong hit
    }
    kappa += std::abs(kappa) * reco.sigmaPtRel * rng.normal();
    const double ptMeas = 1.0 / std::abs(kappa);
    reco.charge = kappa > 0 ? 1.f : -1.f;

    // Straight-line extrapolation to the point of closest approach to the beam line
    // (curvature over a few mm is negligible above 0.5 GeV).
    const double phiTrue = std::atan2(mc.momentum.y, mc.momentum.x);
    const double tanLambdaTrue = mc.momentum.z / pt;
    const double d0True = -mc.vertex.x * std::sin(phiTrue) + mc.vertex.y * std::cos(phiTrue);
    const double s = -(mc.vertex.x * std::cos(phiTrue) + mc.vertex.y * std::sin(phiTrue));
    const double z0True = mc.vertex.z + s * tanLambdaTrue;

    reco.phi = phiTrue + reco.sigmaPhi * rng.normal();
    reco.tanLambda = tanLambdaTrue + reco.sigmaTanLambda * rng.normal();
    reco.d0 = d0True + reco.sigmaD0 * rng.normal() + d0Extra;
    reco.z0 = z0True + reco.sigmaZ0 * rng.normal();
    // omega [1/mm] = q * 0.3 * B[T] / pT[GeV] / 1000, signed like the charge.
    reco.omega = static_cast<double>(reco.charge) * 0.299792458e-3 * kMagneticField / ptMeas;
    reco.sigmaOmega = std::abs(reco.omega) * reco.sigmaPtRel;
    reco.momentum = {ptMeas * std::cos(reco.phi), ptMeas * std::sin(reco.phi), ptMeas * reco.tanLambda};
    reco.referencePoint = {-reco.d0 * std::sin(reco.phi), reco.d0 * std::cos(reco.phi), reco.z0};

    double chi2 = 0;
    for (int k = 0; k < reco.ndf; ++k) {
      const double x = rng.normal();
      chi2 += x * x;
    }
    reco.chi2 = static_cast<float>(chi2 + chi2Extra);
    out.push_back(reco);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const RecoParticle& a, const RecoParticle& b) { return a.momentum.perp() > b.momentum.perp(); });
  return out;
}

} // namespace podml::toy::detail
