// Seeded randomness for dreamsim: our own generator, stream derivation and
// distributions, so that no compiler or standard-library upgrade changes a run.
//
// The generator is xoshiro256** (Blackman and Vigna, 2018): 256 bits of state,
// fast, and good enough for simulation. Its state is filled by SplitMix64, as
// its authors recommend, so that any 64-bit seed gives a well-mixed state.
//
// Every component draws from its own stream, derived from the scenario seed and
// a stable name ("faults/api", "load/noise/db"): derive_stream(seed, name). The
// name is hashed with FNV-1a 64 (spelled out in random.cpp, never std::hash),
// so adding a component never shifts the draws of another, and the mapping is
// the same on every platform. This is the lesson of ns-3's manual, where
// streams numbered by construction order shift when the configuration changes.
//
// The distributions are written here rather than taken from <random>: the
// std::*_distribution algorithms differ between standard libraries. The
// transcendental ones use log/exp/sqrt from the C library; they are exact to
// the bit on one libm, which is why known-answer tests pin their first values.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace dreamsim::sim {

// The SplitMix64 finaliser: a bijective 64-bit mix.
uint64_t mix64(uint64_t x);

// FNV-1a 64 of the bytes of `text`, then mix64: the stable name hash.
uint64_t stable_hash(std::string_view text);

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next();

 private:
  uint64_t state_;
};

class Rng {
 public:
  // Fills the xoshiro state from SplitMix64(seed).
  explicit Rng(uint64_t seed);
  // A generator with exactly this state (not all zero), for known-answer tests
  // against the published xoshiro256** vectors.
  static Rng from_state(const std::array<uint64_t, 4>& state);

  // Raw 64 random bits.
  uint64_t next();

  // Unbiased integer in [0, n), n > 0 (Lemire's multiply-and-reject).
  uint64_t below(uint64_t n);
  // Unbiased integer in [lo, hi], lo <= hi.
  int64_t between(int64_t lo, int64_t hi);
  // Uniform in [0, 1) with 53 random bits.
  double uniform01();
  // Uniform in [lo, hi).
  double uniform(double lo, double hi);
  // Exponential with the given mean (> 0), by inversion.
  double exponential(double mean);
  // Normal by Marsaglia's polar method; the second value of each pair is
  // discarded so that a stream's state is only the generator's.
  double normal(double mean, double stddev);
  // exp(normal(mu, sigma)): mu and sigma are of the underlying normal.
  double lognormal(double mu, double sigma);
  // True with probability p, compared on 53 bits; p <= 0 never, p >= 1 always.
  bool bernoulli(double p);
  // Index i with probability weights[i] / sum; weights are >= 0 with a
  // positive sum.
  size_t weighted(std::span<const double> weights);

  std::array<uint64_t, 4> state() const { return s_; }

 private:
  Rng() = default;
  std::array<uint64_t, 4> s_{};
};

// The seed of the stream called `name` under the run's root seed.
uint64_t stream_seed(uint64_t root_seed, std::string_view name);

// The stream called `name` under the run's root seed.
inline Rng derive_stream(uint64_t root_seed, std::string_view name) {
  return Rng(stream_seed(root_seed, name));
}

}  // namespace dreamsim::sim
