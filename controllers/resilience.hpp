// The resilience early warning (the seed's ResilienceEarlyWarning): a
// resilience index per service and for the system, an alert when it falls
// below 50, and the guardrails that act before the golden-signal alerts do.
//
// The index (algorithms.md 2.6)
// -----------------------------
// Every evaluation (15 s) each service gets four scores in [0, 1]:
//   h  headroom  = min over utilisation (ok 0.6 -> 0 at 0.9), memory (ok 0.75
//                  -> 0 at 0.95) and p95 over its baseline (1x -> 0 at 3x);
//   b  budget    = 1 - burn / 14.4, burn = the error rate over the SLO's
//                  allowed error ratio, the lesser of the last hour's and the
//                  last 5 minutes' (burn_window and 1/12 of it: the SRE
//                  workbook's multiwindow fast-burn page, 14.4 over 1 h and
//                  5 m; the short window lets the score recover within
//                  minutes of the errors stopping, not an hour later);
//   c  slowing   = 1 - (phi - phi_base) / (phi_crit - phi_base), halved when the
//                  variance is more than 4x its baseline, and at most 0.5 when
//                  Kendall's tau of the rolling phi over the trend window is
//                  above 0.5. phi and the variance are the lag-1
//                  autocorrelation and variance of the p95 residual over a
//                  rolling window (5 min), the residual taken against a
//                  trailing moving average (1 min): critical slowing down
//                  (Scheffer et al. 2009, Dakos et al. 2012). A queue near
//                  saturation recovers slowly from the load's noise, so its
//                  latency remembers its past: phi rises towards 1 before
//                  the queue tips over;
//   r  retries   = 1 - (retries / first attempts) / 0.10 (the retry budget).
// R = 100 h^0.35 b^0.25 c^0.25 r^0.15, a weighted geometric mean, so that one
// bad score drags the index down. The system's index is the lowest of its
// services' (the weakest link). The residual is detrended causally (a
// trailing mean, not the research's centred Gaussian kernel): a live
// controller has no future ticks.
//
// The alert fires (source "resilience", signal "resilience_index", severity
// P2: an early warning asks for more monitoring, not for safe mode) when the
// system index is below 50 on two consecutive evaluations, and resolves when
// it is back above 60. Listeners (the incident runbook) hear both.
//
// Baselines: the p95 median and MAD, phi, variance and retry ratio of each
// service, first learnt over the warm-up (5 min), then per hour of day from
// the last 7 days of hourly means, leaving out hours in which the service
// burned error budget or the alert was firing. The daily maintenance job
// refreshes them (refresh_baselines), so that the baseline follows diurnal
// load and slow drift instead of calling them an anomaly.
//
// The guardrails (algorithms.md 2.2-2.5, 2.7)
// -------------------------------------------
// Each is its own feedback loop; the index only makes some more aggressive.
// Every engagement and release is a decision (controller "resilience") and a
// GuardrailTrigger.
//   - autoscale (scale_service): the Kubernetes HPA formula
//     desired = ceil(current x metric / target), no action within the
//     tolerance (0.1), scale-up at most max(2x, +4) per sync, scale-down to
//     the highest recommendation of the stabilisation window (5 min), between
//     the configured replicas and 4x them. The metric is demand over
//     capacity, unready replicas counting as idle (as the HPA counts pods
//     that are not ready on scale-up). Target 0.7, 0.6 while the index < 70.
//   - rate_limit: adaptive concurrency in the Netflix Gradient2 style:
//     gradient = clamp(tolerance x longRtt / shortRtt, 0.5, 1),
//     limit = (1 - smoothing) limit + smoothing (limit x gradient + queue),
//     queue = max(4, sqrt(limit)); no growth while in-flight < limit / 2. By
//     Little's law the world's admission is limit / RTT per second. It
//     engages when that is below the demand, releases above 1.5x the demand.
//     The limit starts at max(20, 2x the in-flight seen at the first sample):
//     a limiter put on a running service starts from its concurrency.
//   - brownout: the Klein et al. dimmer theta on optional work, an adaptive
//     integral controller theta' = sat(theta + (1 - pole) / alpha (setpoint -
//     p95)), with p95 = alpha theta estimated by recursive least squares
//     (forgetting 0.95). It engages when the p95 passes the setpoint (0.8 s)
//     or the service's index is below 50, and releases when theta is back at
//     1; while the system index is below 30, theta <= 0.5.
//   - retry_budget: when retries pass 10 % of first attempts, retries to the
//     service are capped at 10 % (the world's retry budget); while the system
//     index is below 30 they are turned off; released when the service's
//     index has been above 60 for 5 min.
//   - shed_load: client-side adaptive throttling at the edge services
//     (nobody depends on them): p_reject = max(0, (requests - K accepts) /
//     (requests + 1)) over 2 min, K = 2; admission capped at requests x (1 -
//     p_reject).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "controllers/maintenance.hpp"
#include "controllers/ports.hpp"
#include "controllers/procedures.hpp"

namespace dreamsim::ctl {

// --- The control laws, as pure functions and small state machines ----------

// The HPA formula: ceil(current x metric / target), or current when the ratio
// is within the tolerance.
int hpa_desired(int current, double metric, double target, double tolerance);

// HPA with the scale-up policy and the scale-down stabilisation window.
class HpaAutoscaler {
 public:
  HpaAutoscaler(const AutoscaleGuardrail& p, int min_replicas, int max_replicas)
      : p_(p), min_(min_replicas), max_(max_replicas) {}
  // The replicas to run at `now`, given the current count and metric.
  int recommend(Micros now, int current, double metric, double target);
  int min_replicas() const { return min_; }
  int max_replicas() const { return max_; }

 private:
  AutoscaleGuardrail p_;
  int min_;
  int max_;
  std::deque<std::pair<Micros, int>> history_;  // raw recommendations in the window
};

// Gradient2-style adaptive concurrency limit.
class GradientLimit {
 public:
  explicit GradientLimit(const RateLimitGuardrail& p) : p_(p), limit_(p.initial_limit) {}
  // One sample: the short-term RTT (s) and the requests in flight. Returns the limit.
  double update(double rtt_s, double inflight);
  double limit() const { return limit_; }
  double long_rtt() const { return long_rtt_; }

 private:
  RateLimitGuardrail p_;
  double limit_;
  double long_rtt_ = 0.0;
  int samples_ = 0;
};

// The Klein et al. brownout dimmer with an RLS estimate of p95 = alpha theta.
class BrownoutDimmer {
 public:
  BrownoutDimmer(double setpoint_s, double pole, double forgetting)
      : setpoint_(setpoint_s), pole_(pole), forgetting_(forgetting) {}
  // One control period with the measured p95; returns the new theta.
  double update(double p95_s);
  double theta() const { return theta_; }
  double alpha() const { return alpha_; }
  void set_setpoint(double setpoint_s) { setpoint_ = setpoint_s; }
  double setpoint() const { return setpoint_; }
  // Caps theta (the index below 30 forces theta <= 0.5).
  void cap(double max_theta);
  void reset();

 private:
  double setpoint_;
  double pole_;
  double forgetting_;
  double theta_ = 1.0;
  double alpha_ = 0.0;  // 0 until the first sample
  double covariance_ = 1000.0;
};

// Client-side adaptive throttling (SRE book, Handling Overload).
double throttle_reject_probability(double requests, double accepts, double k);

// The retry budget law: the budget to set on a service, or -1 to leave (or
// restore) the configured one. `ratio` = retries / first attempts.
double retry_budget_for(double ratio, double budget, double system_index, bool engaged);

// Lag-1 autocorrelation and variance of `x` (NaN-free); phi 0 when the
// variance is 0.
struct Ar1 {
  double phi = 0.0;
  double variance = 0.0;
};
Ar1 lag1(const double* x, size_t n);
// The residuals of `x` against its trailing mean over `detrend` points
// (points before the first use what there is).
void detrend_trailing(const std::vector<double>& x, size_t detrend, std::vector<double>& out);
// Kendall's tau-a of `x` against time.
double kendall_tau(const std::vector<double>& x);

struct IndexScores {
  double headroom = 1.0;
  double budget = 1.0;
  double slowing = 1.0;
  double retries = 1.0;
};
// 100 h^0.35 b^0.25 c^0.25 r^0.15.
double resilience_index(const IndexScores& s);

// The latency part of the headroom: 1 at or below the baseline p95, 0 at
// max(factor_max x baseline, floor_s), linear in between.
double latency_headroom(double p95_s, double baseline_s, double factor_max, double floor_s);

// --- The controller -----------------------------------------------------------

struct Baseline {
  double p95_s = 0.0;       // median
  double p95_mad_s = 0.0;
  double phi = 0.0;
  double variance = 0.0;
  double retry_ratio = 0.0;
  bool valid = false;
};

// getBaselines(): one service's.
struct ServiceBaseline {
  std::string service;
  Baseline overall;
  std::array<Baseline, 24> by_hour;  // valid after a refresh saw that hour
  Micros refreshed_at = -1;          // -1: the warm-up's
};

// getGuardrailTriggers(): one engagement or release of a guardrail.
struct GuardrailTrigger {
  Micros at = 0;
  std::string kind;     // scale_service, rate_limit, brownout, retry_budget, shed_load
  std::string service;
  bool engaged = true;  // false: released
  double value = 0.0;   // replicas, rps, theta, budget
  std::string reason;
};

class ResilienceController : public MaintenanceParticipant {
 public:
  using AlertListener = std::function<void(const Alert&, bool fired)>;

  ResilienceController(Ports ports, const ResilienceProcedures& procedures);

  // Schedules the control and evaluation loops. Call once.
  void start();
  void subscribe(AlertListener listener) { listeners_.push_back(std::move(listener)); }
  // Hears every guardrail engagement and release, with the service's index
  // (the detectors take them as known changes).
  using TriggerListener = std::function<void(const GuardrailTrigger&, size_t service)>;
  void on_trigger(TriggerListener listener) { trigger_listeners_.push_back(std::move(listener)); }

  // getResilienceIndex(): the system's index at the last evaluation (100
  // before the first).
  double resilience_index() const { return system_index_; }
  double service_index(size_t service) const { return services_.at(service).index; }
  // getBaselines().
  std::vector<ServiceBaseline> baselines() const;
  // getGuardrailTriggers().
  const std::vector<GuardrailTrigger>& guardrail_triggers() const { return triggers_; }

  // The lowest system index and when; the first evaluation below the alert
  // level (-1: never); how many index alerts fired.
  double min_index() const { return min_index_; }
  Micros min_index_at() const { return min_index_at_; }
  Micros first_below_at() const { return first_below_at_; }
  int alerts_fired() const { return alerts_fired_; }
  // Evaluations (after the warm-up) at which the system's index was below
  // the alert level, whether or not the alert fired.
  int evaluations_below() const { return evaluations_below_; }
  const ResilienceProcedures& procedures() const { return p_; }

  // Daily: refresh_baselines and review_resilience_index; weekly:
  // review_guardrail_triggers and adjust_guardrails.
  std::vector<MaintenanceAction> maintain(MaintenanceJob job, Micros now) override;

  // Exposed for tests: the scores of a service at the last evaluation.
  const IndexScores& scores(size_t service) const { return services_.at(service).scores; }

 private:
  struct HourSlot {
    double p95 = 0.0, phi = 0.0, variance = 0.0, retry = 0.0;
    int count = 0;
    bool excluded = false;
    bool valid = false;
  };
  struct Svc {
    // Critical slowing down: raw p95 per tick, newest last (window + detrend).
    std::deque<double> p95;
    std::deque<double> phi_history;  // per evaluation, for Kendall's tau
    std::deque<double> errors;       // mean error rate per evaluation, for the burn
    double errors_sum = 0.0;
    Ar1 ar1;
    IndexScores scores;
    double index = 100.0;
    Baseline warmup;
    std::vector<double> warmup_p95;
    std::array<Baseline, 24> by_hour;
    Micros refreshed_at = -1;
    // Hourly means for the next refresh: [day % days][hour].
    std::vector<std::array<HourSlot, 24>> hours;
    HourSlot current;
    int64_t current_hour = -1;
    // Guardrails.
    bool edge = true;
    int configured_replicas = 0;
    std::unique_ptr<HpaAutoscaler> hpa;
    GradientLimit limit;
    bool limit_started = false;
    double limit_rps = 0.0;   // 0: not engaged
    Micros limit_engaged_at = -1;
    Micros limit_release_since = -1;  // the release condition has held since
    Micros limit_released_at = -1;
    double shed_rps = 0.0;    // 0: not engaged
    double applied_rps = 0.0;
    BrownoutDimmer dimmer;
    bool brownout = false;
    double applied_theta = 1.0;
    double budget = -1.0;     // applied retry budget; -1: configured
    Micros healthy_since = -1;
    Svc(const ResilienceProcedures& p)
        : limit(p.guardrails.rate_limit),
          dimmer(static_cast<double>(p.guardrails.brownout.setpoint) / 1e6,
                 p.guardrails.brownout.pole, p.guardrails.brownout.forgetting) {}
  };

  void control_step();
  void evaluate();
  void ingest();
  void score(size_t s, Micros now);
  void update_alert(Micros now);
  void autoscale(size_t s, Micros now);
  void retry_budget(size_t s, Micros now, double ratio);
  void rate_and_shed(size_t s, Micros now);
  void brownout(size_t s, Micros now);
  void apply_rate(size_t s, Micros now);
  void rate_limit_step(size_t s, Micros now, double limit, double rtt_s, double rps,
                       double demand, double util);
  void record_baseline_sample(size_t s, Micros now, double p95, double retry_ratio);
  void close_hour(Svc& v);
  void refresh_baselines(Micros now, std::vector<MaintenanceAction>& out);
  void adjust_guardrails(std::vector<MaintenanceAction>& out);
  const Baseline& baseline(const Svc& v, Micros now) const;
  void trigger(Micros now, const std::string& kind, size_t s, bool engaged, double value,
               const std::string& reason);
  bool active(size_t s) const;
  void mean_window(Signal signal, size_t column, size_t count, double& out);

  Ports ports_;
  ResilienceProcedures p_;
  double procedures_target_;
  double latency_limit_floor_;  // seconds: p_.latency_limit_min
  std::vector<AlertListener> listeners_;
  std::vector<TriggerListener> trigger_listeners_;
  std::vector<Svc> services_;
  size_t window_ticks_ = 1;
  size_t detrend_ticks_ = 1;
  size_t trend_points_ = 1;
  size_t burn_points_ = 1;
  size_t shed_ticks_ = 1;
  Micros control_interval_ = 0;
  int64_t seen_ticks_ = 0;
  int64_t evaluated_ticks_ = 0;
  Micros last_sync_ = -1;
  bool warm_ = false;
  double system_index_ = 100.0;
  size_t weakest_ = 0;
  int below_count_ = 0;
  bool alert_firing_ = false;
  Alert alert_;
  uint64_t next_alert_id_ = 0;
  int alerts_fired_ = 0;
  int evaluations_below_ = 0;
  double min_index_ = 100.0;
  Micros min_index_at_ = -1;
  Micros first_below_at_ = -1;
  std::vector<GuardrailTrigger> triggers_;
  size_t triggers_reviewed_ = 0;
  double week_min_index_ = 100.0;
  std::vector<double> scratch_;
  std::vector<double> residual_;
};

}  // namespace dreamsim::ctl
