// Golden-signal alerting: the seed's Monitoring Procedures as a controller.
//
// Every evaluation interval the controller reads each golden signal of each
// service (and of the system column) over a window, compares it with the
// P0/P1/P2 thresholds of the procedures, and moves one alert per (service,
// signal) through pending -> firing -> resolved. The exact semantics, which
// the Prometheus export of a later issue must reproduce step for step, are in
// controllers/ALERTING.md; in short:
//
//   - evaluations run at t = k x interval, k = 1, 2, ...;
//   - latency_p95 is the 95th percentile of the window's merged latency
//     histogram; error_rate the traffic-weighted mean of the per-tick error
//     ratio; saturation_cpu and saturation_memory the plain mean; the
//     window is the last window/tick ticks before the evaluation;
//   - traffic_drop is 1 - mean(window) / mean(baseline), where the baseline
//     is the `traffic_baseline` of ticks just before the window; no alert
//     while the baseline is below traffic_min_rps or not yet full;
//   - a value strictly greater than a threshold breaches it (the seed writes
//     "p95 > 5s"); the severity is that of the most severe threshold breached;
//   - a breach must hold for `for_duration` (every evaluation in between
//     breaching) before the alert fires; 0 fires at the first breaching
//     evaluation;
//   - a firing alert escalates when a later evaluation breaches a more severe
//     threshold: the old page is closed and one new page opens at the higher
//     severity. It never de-escalates (no page for getting better);
//   - it resolves at the first evaluation at which the signal has been
//     normal (breaching no threshold) at every evaluation for at least
//     `resolve_after`.
//
// P2's runbook step "raise monitoring frequency, lower thresholds" is boost():
// for a while, evaluations run more often and the P2 threshold is scaled
// down, so trends show earlier; P0 and P1 keep their thresholds, so a lower
// threshold never turns a known P2 into a page of higher severity.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "controllers/ports.hpp"
#include "controllers/procedures.hpp"

namespace dreamsim::ctl {

// The signals the alerting procedures watch; their outcome.json names.
enum class AlertSignal : uint8_t { kLatencyP95, kErrorRate, kTrafficDrop, kCpu, kMemory };
inline constexpr size_t kAlertSignalCount = 5;
const char* to_string(AlertSignal s);

// 0 = P0 (most severe), 1 = P1, 2 = P2, 3 = normal.
inline constexpr int kNormal = 3;
const char* severity_name(int severity);

// The severity of `value` against `t`: strictly greater breaches. The P2
// threshold is scaled by `p2_factor` (the P2 runbook's lowered thresholds).
int classify(double value, const Thresholds& t, double p2_factor = 1.0);

class AlertingController {
 public:
  enum class Event { kFired, kEscalated, kResolved };
  using Listener = std::function<void(const Alert&, Event)>;

  AlertingController(Ports ports, const AlertingProcedures& procedures);

  // Schedules the first evaluation; call once.
  void start();
  // Runs one evaluation now (the timer calls this; tests may too).
  void evaluate();

  // Called on every page (fired, escalated) and resolution, in order.
  void subscribe(Listener listener) { listeners_.push_back(std::move(listener)); }

  // Security: at every evaluation, an agent that is not quarantined and reads
  // records out faster than `records_per_s` raises a P0 `exfiltration` alert
  // (source "security") on the agent, which resolves like the others.
  void watch_exfiltration(double records_per_s) { exfiltration_rps_ = records_per_s; }

  // The traffic-drop rule's daily cycle: expected(column, window_from,
  // window_to, base_from, base_to) is the ratio of the window's traffic to
  // the baseline's that is normal at that hour (controllers/traffic_profile.hpp),
  // NaN when there is none. The rule then reads
  // drop = 1 - (window / baseline) / expected; without it, expected is 1.
  using TrafficExpectation = std::function<double(size_t, Micros, Micros, Micros, Micros)>;
  void expect_traffic(TrafficExpectation expected) { expected_traffic_ = std::move(expected); }

  // P2 runbook: evaluations every interval x interval_factor and thresholds x
  // threshold_factor until `until`.
  void boost(double interval_factor, double threshold_factor, Micros until);

  // The alerts firing now, in (service column, signal) order.
  std::vector<Alert> firing() const;
  // The most severe firing severity (kNormal when none).
  int worst_severity() const;
  // How the signal looked at the last evaluation (NaN if not evaluated).
  double last_value(size_t column, AlertSignal signal) const;

 private:
  struct State {
    int phase = 0;  // 0 inactive, 1 pending, 2 firing
    int severity = kNormal;
    Micros pending_since = 0;
    Micros normal_since = -1;  // first normal evaluation of the current streak
    Alert alert;
    double last_value = 0.0;
  };

  void schedule_next();
  double read(size_t column, AlertSignal signal, size_t window_ticks, size_t baseline_ticks,
              Micros now, bool* valid) const;
  const Thresholds& thresholds(AlertSignal s) const;
  void step(size_t column, AlertSignal signal, double value, bool valid, Micros now);
  void emit(const Alert& a, Event e);
  std::string column_name(size_t column) const;

  Ports ports_;
  AlertingProcedures p_;
  void step_security(Micros now);

  // The traffic-drop rule's sums, kept as ticks arrive instead of re-read
  // each evaluation: the last window + baseline ticks of one column's
  // traffic, in fixed point (2^-20 rps) so that adding the newest and
  // dropping the oldest is exact and the sums never drift.
  struct TrafficSums {
    std::vector<int64_t> ring;  // window + baseline ticks, oldest at `head`
    size_t head = 0;
    size_t count = 0;
    int64_t seen = 0;  // telemetry ticks folded in
    int64_t window_sum = 0;
    int64_t base_sum = 0;
  };
  // Folds the ticks committed since the last call into `column`'s sums;
  // false until window + baseline ticks have been seen.
  bool update_traffic(size_t column, size_t window_ticks, size_t baseline_ticks) const;

  std::vector<State> states_;  // [column * kAlertSignalCount + signal]
  mutable std::vector<TrafficSums> traffic_;  // per column
  std::vector<State> agent_states_;  // one per agent, for exfiltration
  double exfiltration_rps_ = -1.0;    // < 0: not watched
  TrafficExpectation expected_traffic_;
  std::vector<Listener> listeners_;
  uint64_t next_alert_id_ = 1;
  Micros boost_until_ = -1;
  double boost_interval_factor_ = 1.0;
  double boost_threshold_factor_ = 1.0;
  bool started_ = false;
  uint64_t timer_ = 0;
  mutable std::vector<double> scratch_, scratch2_;
};

}  // namespace dreamsim::ctl
