// Golden-signal telemetry of the simulated world: what the world measures each
// tick, kept in a bounded form that controllers and reports can read.
//
// Each tick the world writes one value per signal per service (latency p50,
// p95, p99, error rate, traffic, goodput, retries, CPU and memory saturation,
// backlog, utilisation), plus one "system" column of aggregates. Three views are kept, all
// with memory fixed when the store is built, so a 7-day run of a thousand
// services costs the same memory as a 1-hour run:
//
//   - A ring of the most recent ticks (default one hour) for controllers:
//     alerting windows, z-score baselines, burn rates. Rows are laid out tick
//     by tick (all services of one signal of one tick are contiguous), because
//     the world writes a whole row per tick and controllers read a few windows
//     now and then; the write side is the hot one.
//   - Roll-ups for reports: the mean and the maximum of every signal over
//     fixed periods, with the period chosen so that a run has at most
//     max_rollup_points points per series.
//   - Whole-run summaries per service (mean, maximum) for outcome.json.
//
// Latency quantiles over a window come from a LogHistogram, so that they merge
// the way real histograms do (the p95 of a window is not the mean of per-tick
// p95s). The fluid model knows each tick's response-time distribution only by
// a few quantiles, so it stands for the tick's requests by three weighted
// points: 90 % of the requests at the p50, 8 % at the p95 and 2 % at the p99.
// The cumulative masses (0.90, 0.98, 1.0) put rank 0.5 inside the first point,
// rank 0.95 inside the second and rank 0.99 inside the third, so a window of
// identical ticks reads back exactly the tick's p50, p95 and p99 (to the
// histogram's 1.1 %), and a window of varying ticks reads a request-weighted
// blend. Three points per tick instead of a CDF evaluated at a hundred bucket
// bounds is what keeps a thousand services within the tick budget.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/log_histogram.hpp"
#include "sim/time.hpp"

namespace dreamsim::model {

enum class Signal : uint8_t {
  kLatencyP50,   // seconds, of requests served (server side, including queueing)
  kLatencyP95,   // seconds
  kLatencyP99,   // seconds
  kErrorRate,    // fraction of attempts that failed, as callers see it
  kTraffic,      // attempts per second arriving (first attempts and retries)
  kGoodput,      // successful attempts per second
  kRetries,      // retry attempts per second arriving
  kCpu,          // CPU saturation: busy cores / ready cores (plus any CPU hog)
  kMemory,       // memory saturation: per-replica memory / limit
  kBacklog,      // requests queued at the end of the tick
  kUtilisation,  // demand / capacity: attempts per second over what the serving replicas
                 // can serve (above 1 when overloaded, 10 when nothing serves); system: max
};
inline constexpr size_t kSignalCount = 11;

// The snake_case name used in outcome.json and by the alerting procedures:
// "latency_p95", "error_rate", "traffic", "saturation_cpu", ...
const char* to_string(Signal signal);

// The share of a tick's requests that each latency point stands for (see the
// essay above), and the integer scale of histogram counts: a request counts
// kLatencyCountScale in a histogram, so a tick with 0.3 requests still weighs.
inline constexpr std::array<double, 3> kLatencyPointMass = {0.90, 0.08, 0.02};
inline constexpr double kLatencyCountScale = 1000.0;

// Adds one tick's three latency points for `requests` requests.
void add_latency_points(LogHistogram& histogram, double p50, double p95, double p99,
                        double requests);

struct GoldenSignalsOptions {
  // Ticks kept for controllers; 3600 is one hour at 1 s ticks.
  size_t ring_ticks = 3600;
  // The roll-up period is chosen so that no series has more points.
  size_t max_rollup_points = 2000;
};

class GoldenSignals {
 public:
  // `services` columns plus the system column (index `services`); the run
  // will have `total_ticks` ticks of length `tick`.
  GoldenSignals(size_t services, int64_t total_ticks, sim::Duration tick,
                GoldenSignalsOptions options = {});

  size_t services() const { return services_; }
  // The column of the system-wide aggregates.
  size_t system_column() const { return services_; }
  size_t columns() const { return services_ + 1; }
  sim::Duration tick() const { return tick_; }

  // --- Writing (the world, once per tick) ---

  // The row of `signal` for the tick being written: columns() floats. Rows
  // start at 0 and must be filled before commit().
  float* row(Signal signal) { return &staging_[static_cast<size_t>(signal) * columns()]; }
  // Ends the tick: folds the rows into roll-ups and summaries and moves on.
  void commit();

  // --- Reading (controllers, reports, tests) ---

  // Ticks committed so far; tick k covers [k * tick, (k + 1) * tick).
  int64_t ticks() const { return ticks_; }
  // Ticks still in the ring: the readable ticks are [ticks() - kept, ticks()).
  int64_t kept() const;
  // The value of `signal` for `column` at tick `tick_index`, which must be in
  // the ring; NaN otherwise.
  double at(Signal signal, size_t column, int64_t tick_index) const;
  // The last committed value; NaN before the first commit.
  double latest(Signal signal, size_t column) const { return at(signal, column, ticks_ - 1); }
  // The last min(count, kept()) values, oldest first, into `out` (resized).
  void window(Signal signal, size_t column, size_t count, std::vector<double>& out) const;
  // Appends the values of ticks [begin, end) to `out`, oldest first; ticks
  // outside the ring are skipped. One or two contiguous copies: the
  // alerting controller reads an hour of traffic per service at every
  // evaluation.
  void append_range(Signal signal, size_t column, int64_t begin, int64_t end,
                    std::vector<double>& out) const;
  double window_mean(Signal signal, size_t column, size_t count) const;
  double window_max(Signal signal, size_t column, size_t count) const;
  // The q-quantile of latency over the last `count` ticks, from a
  // LogHistogram of the per-tick points weighted by traffic; NaN when the
  // window saw no traffic.
  double window_latency_quantile(size_t column, double q, size_t count) const;

  // Roll-ups: point p covers ticks [p * rollup_period(), (p + 1) * rollup_period()).
  int64_t rollup_period_ticks() const { return period_; }
  size_t rollup_points() const { return points_done_; }
  double rollup_mean(Signal signal, size_t column, size_t point) const;
  double rollup_max(Signal signal, size_t column, size_t point) const;

  // Whole-run summaries over every committed tick.
  double run_mean(Signal signal, size_t column) const;
  double run_max(Signal signal, size_t column) const;

  // Bytes held by the ring and the roll-ups.
  size_t memory_bytes() const;

 private:
  // Where the ring line of (signal, column) starts: ring_ticks_ values,
  // tick k at slot k % ring_ticks_.
  size_t line_offset(Signal signal, size_t column) const {
    return (static_cast<size_t>(signal) * columns() + column) * ring_ticks_;
  }
  void close_period();

  size_t services_;
  sim::Duration tick_;
  size_t ring_ticks_;
  int64_t period_;
  size_t max_points_;
  int64_t ticks_ = 0;
  // The tick being written (row()), kSignalCount x columns; commit() copies
  // it into the ring.
  std::vector<float> staging_;
  // One line per (signal, column), ticks in order: a window is read from
  // contiguous memory (the alerting controller reads an hour of traffic
  // per service at every evaluation).
  // ring_[(signal * columns + column) * ring_ticks_ + tick % ring_ticks_]
  std::vector<float> ring_;
  // The period being accumulated: [signal * columns + column].
  // Float: a period is at most a few hundred ticks, and float sums
  // vectorise twice as wide; the whole-run sums are double.
  std::vector<float> period_sum_;
  std::vector<float> period_max_;
  int64_t period_ticks_ = 0;
  // Closed roll-up points: [(point * kSignalCount + signal) * columns + column].
  std::vector<float> rollup_mean_;
  std::vector<float> rollup_max_;
  size_t points_done_ = 0;
  // Whole run: [signal * columns + column].
  std::vector<double> run_sum_;
  std::vector<float> run_max_;
};

}  // namespace dreamsim::model
