#pragma once
// SplitMix64: a tiny generator whose output is the same with every standard library
// (std::shuffle and std:: distributions are not), so splits and shuffles reproduce.

#include <cstdint>

namespace podml::train {

class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : m_state(seed) {}
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t next() { return mix(m_state += 0x9E3779B97F4A7C15ull); }
  // Uniform in [0, n): the modulo bias is below 2^-40 for the sizes used here.
  uint64_t below(uint64_t n) { return next() % n; }

private:
  uint64_t m_state;
};

} // namespace podml::train
