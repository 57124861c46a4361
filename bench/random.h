// A small deterministic random source for the benchmarks and their data: SplitMix64 (Steele,
// Lea and Flood 2014) with the Box-Muller transform for normal variates. Written out here, rather
// than taken from <random>, so that every machine generates exactly the same series.
// Thread-safety: one Random per thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

namespace everyseat::bench {

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  // A uniform 64-bit integer.
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform on (0, 1]: never 0, so that log() below is finite.
  double Uniform() { return static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53; }

  // Normal with the given mean and standard deviation (Box-Muller, one variate per call).
  double Normal(double mean, double sd) {
    const double r = std::sqrt(-2.0 * std::log(Uniform()));
    return mean + sd * r * std::cos(2.0 * std::numbers::pi * Uniform());
  }

 private:
  uint64_t state_;
};

}  // namespace everyseat::bench
