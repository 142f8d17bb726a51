// Entry load: how many requests per second arrive at a service from outside
// the dependency graph, as a function of simulated time, with noise.
//
// A profile (constant, diurnal, step, ramp, spike, series) gives the mean rate
// at an instant; rate_at() is a pure function of the profile and the time, so
// the same instant always has the same mean. Real traffic is not a smooth
// curve, and the detectors and the resilience index (algorithms.md 2.1) need
// variance and autocorrelation to work with, so EntryLoadGenerator multiplies
// the mean by (1 + x_t), where x_t is AR(1) relative noise:
//
//   x_t = phi * x_{t-1} + sqrt(1 - phi^2) * cv * eps_t,   eps_t ~ N(0, 1)
//
// The sqrt(1 - phi^2) keeps the stationary standard deviation of x at cv for
// any autocorrelation phi, so the scenario's cv means what it says; x_0 is
// drawn from that stationary distribution, so there is no warm-up transient.
// The rate is clamped at 0 (a very noisy trough must not go negative). Each
// generator draws from its own named stream, so adding a load to one service
// never shifts the noise of another.
#pragma once

#include <cstdint>
#include <string_view>

#include "model/scenario.hpp"
#include "sim/random.hpp"
#include "sim/time.hpp"

namespace dreamsim::model {

// The mean entry rate of `profile` at time `t` (requests per second), before
// noise and before faults (traffic drop, surge) scale it.
//   constant: rate_rps.
//   diurnal:  trough + (peak - trough) * (1 + cos(2 pi (t - peak_at) / period)) / 2,
//             so the peak is at peak_at (mod period) and the trough half a
//             period later.
//   step:     rate_rps before `at`, to_rps from `at` on.
//   ramp:     rate_rps before `at`, linear to to_rps over `length`, then to_rps.
//   spike:    rate_rps, except to_rps during [at, at + length).
//   series:   linear interpolation between the points, the first value before
//             the first point and the last value after the last; 0 if empty.
double rate_at(const LoadProfile& profile, sim::Time t);

// The rate the profile reaches at its busiest: the peak of a diurnal, the
// larger level of a step or ramp, the baseline of a spike (a spike is an
// excursion, not the normal level), the largest series point. The world uses
// it as "full traffic" when it scales a data store's write rate.
double reference_rate(const LoadProfile& profile);

// One entry load's rate per tick: the profile's mean times AR(1) noise drawn
// from the stream named by the caller (the world uses "load/noise/<service>"
// and the entry's index).
class EntryLoadGenerator {
 public:
  EntryLoadGenerator(const EntryLoad& load, uint64_t root_seed, std::string_view stream_name);

  // The noisy rate at tick time `t`. Call once per tick, in tick order: each
  // call advances the AR(1) state by one step.
  double next(sim::Time t);

  const EntryLoad& load() const { return *load_; }
  double noise_state() const { return x_; }

 private:
  const EntryLoad* load_;
  sim::Rng rng_;
  double phi_;         // AR(1) coefficient
  double innovation_;  // sqrt(1 - phi^2) * cv: the standard deviation of each step
  double x_ = 0.0;     // the relative noise of the last tick
};

}  // namespace dreamsim::model
