#pragma once
// A small training sample in the test data model: hits whose label is reached through
// a link (hit -> ex::MC.PDG), signal inside a disc in (x, y) -- a rule an MLP learns but
// no single feature gives.

#include "testdm/ExampleHitCollection.h"
#include "testdm/HitMCLinkCollection.h"
#include "testdm/MCCollection.h"

#include "podml/io/Writer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace trainsample {

/// What was written for one hit, in file order.
struct Truth {
  float x, y, energy;
  bool linked;
  bool signal;
};

inline uint64_t next(uint64_t& s) {
  s += 0x9E3779B97F4A7C15ull;
  uint64_t z = s;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
inline double uniform(uint64_t& s) { return static_cast<double>(next(s) >> 11) * 0x1.0p-53; }

/// Writes `events` events of 3..22 hits to `path`; returns the truth per hit. Every
/// tenth hit has no link; MCs of signal hits have PDG 11 (or -11), others 211.
inline std::vector<Truth> write(const std::string& path, int events, uint64_t seed = 7) {
  std::vector<Truth> truth;
  podml::io::Writer w(path);
  uint64_t s = seed;
  for (int e = 0; e < events; ++e) {
    ExampleHitCollection hits;
    ex::MCCollection mcs;
    ex::HitMCLinkCollection links;
    const int n = 3 + static_cast<int>(next(s) % 20);
    const std::size_t base = truth.size();
    for (int i = 0; i < n; ++i) {
      const double x = 4 * uniform(s) - 2, y = 4 * uniform(s) - 2, energy = 10 * uniform(s);
      const bool signal = x * x + y * y < 1.2;
      hits.create(static_cast<unsigned long long>(i), x, y, 0.5 * uniform(s), energy);
      const bool linked = (next(s) % 10) != 0;
      truth.push_back({static_cast<float>(x), static_cast<float>(y), static_cast<float>(energy), linked, signal});
    }
    // MCs in the reverse order of the hits, so the join must follow the link.
    for (int i = n - 1; i >= 0; --i) {
      const auto& t = truth[base + static_cast<std::size_t>(i)];
      auto m = mcs.create(static_cast<double>(t.energy), t.signal ? (i % 2 ? 11 : -11) : 211, static_cast<int16_t>(1));
      if (t.linked) {
        auto l = links.create();
        l.setFrom(hits[static_cast<std::size_t>(i)]);
        l.setTo(m);
      }
    }
    // An extra MC nobody links to, so MC and hit indices differ.
    mcs.create(1.0, 22, static_cast<int16_t>(1));
    podml::Frame f;
    f.put(std::move(mcs), "MCs");
    f.put(std::move(hits), "Hits");
    f.put(std::move(links), "HitMCLinks");
    w.writeFrame(f, "events");
  }
  w.finish();
  return truth;
}

/// The spec used with this sample (YAML).
inline std::string spec(int epochs = 12) {
  return R"(podml_training: 1
input:
  type: ExampleHit
  collection: Hits
features: [x, y, energy]
label:
  link: HitMCLinks
  member: PDG
  in: [11, -11]
network:
  hidden: [16, 16]
  activation: tanh
training:
  epochs: )" + std::to_string(epochs) + R"(
  batch_size: 64
  learning_rate: 0.01
  validation_fraction: 0.25
  early_stopping: {patience: 4, min_delta: 0.0001}
  seed: 3
output:
  name: score
  meaning: probability that the hit comes from an electron
  target:
    type: ex::Score
    member: value
    relation: hit
    collection: HitScores
)";
}

} // namespace trainsample
