#include "controllers/resilience.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dreamsim::ctl {
namespace {

double clamp01(double x) { return std::isfinite(x) ? std::clamp(x, 0.0, 1.0) : 0.0; }

std::string fmt(const char* format, double a, double b = 0.0, double c = 0.0) {
  char buf[160];
  std::snprintf(buf, sizeof buf, format, a, b, c);
  return buf;
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double mad_of(const std::vector<double>& v, double median) {
  std::vector<double> d;
  d.reserve(v.size());
  for (double x : v) d.push_back(std::fabs(x - median));
  return median_of(std::move(d));
}

size_t ticks_in(Micros span, Micros tick) {
  return static_cast<size_t>(std::max<Micros>(1, (span + tick - 1) / std::max<Micros>(1, tick)));
}

// Resilience alerts get ids of their own range, apart from the alerting
// controller's (which count from 1).
constexpr uint64_t kAlertIdBase = 0x7265000000000000ULL;

}  // namespace

// --- control laws --------------------------------------------------------------

int hpa_desired(int current, double metric, double target, double tolerance) {
  if (current <= 0 || !(target > 0.0) || !std::isfinite(metric)) return current;
  const double ratio = metric / target;
  if (std::fabs(ratio - 1.0) <= tolerance) return current;
  return static_cast<int>(std::ceil(current * ratio - 1e-9));
}

int HpaAutoscaler::recommend(Micros now, int current, double metric, double target) {
  int raw = std::clamp(hpa_desired(current, metric, target, p_.tolerance), min_, max_);
  history_.emplace_back(now, raw);
  while (!history_.empty() && history_.front().first < now - p_.scale_down_window) {
    history_.pop_front();
  }
  if (raw > current) {
    // Scale-up policy: at most max(100 %, 4 pods) per sync.
    return std::min(raw, std::max(2 * current, current + 4));
  }
  // Scale-down: the highest recommendation within the stabilisation window.
  int stabilised = raw;
  for (const auto& [at, r] : history_) stabilised = std::max(stabilised, r);
  return std::min(stabilised, current);
}

double GradientLimit::update(double rtt_s, double inflight) {
  if (!(rtt_s > 0.0) || !std::isfinite(rtt_s)) return limit_;
  ++samples_;
  if (samples_ == 1) {
    long_rtt_ = rtt_s;
  } else {
    // An exponential average over long_window samples.
    const double a = 2.0 / (std::max(1, p_.long_window) + 1.0);
    long_rtt_ = (1.0 - a) * long_rtt_ + a * rtt_s;
  }
  // Recover faster once the long RTT has drifted far above the short one.
  if (long_rtt_ / rtt_s > 2.0) long_rtt_ *= 0.9;
  // Application-limited: do not grow a limit that nobody uses.
  if (inflight < limit_ / 2.0) return limit_;
  const double gradient = std::clamp(p_.tolerance * long_rtt_ / rtt_s, 0.5, 1.0);
  const double queue = std::max(4.0, std::sqrt(limit_));
  const double next = limit_ * gradient + queue;
  limit_ = std::clamp((1.0 - p_.smoothing) * limit_ + p_.smoothing * next, p_.min_limit,
                      p_.max_limit);
  return limit_;
}

double BrownoutDimmer::update(double p95_s) {
  if (!std::isfinite(p95_s) || p95_s < 0.0) return theta_;
  // RLS estimate of alpha in p95 = alpha x theta.
  const double phi = theta_;
  if (alpha_ <= 0.0) {
    alpha_ = std::max(1e-3, p95_s / std::max(phi, 1e-3));
  } else {
    const double gain = covariance_ * phi / (forgetting_ + phi * covariance_ * phi);
    alpha_ += gain * (p95_s - phi * alpha_);
    covariance_ = (covariance_ - gain * phi * covariance_) / forgetting_;
    alpha_ = std::max(alpha_, 1e-3);
    covariance_ = std::min(covariance_, 1e6);
  }
  const double error = setpoint_ - p95_s;
  theta_ = std::clamp(theta_ + (1.0 - pole_) / alpha_ * error, 0.0, 1.0);
  return theta_;
}

void BrownoutDimmer::cap(double max_theta) { theta_ = std::min(theta_, max_theta); }

void BrownoutDimmer::reset() {
  theta_ = 1.0;
  alpha_ = 0.0;
  covariance_ = 1000.0;
}

double throttle_reject_probability(double requests, double accepts, double k) {
  if (!(requests > 0.0)) return 0.0;
  return std::max(0.0, (requests - k * accepts) / (requests + 1.0));
}

double retry_budget_for(double ratio, double budget, double system_index, bool engaged) {
  if (system_index < 30.0 && (engaged || ratio > 0.0)) return 0.0;
  if (engaged || ratio > budget) return budget;
  return -1.0;
}

Ar1 lag1(const double* x, size_t n) {
  Ar1 out;
  if (n < 3) return out;
  double mean = 0.0;
  for (size_t i = 0; i < n; ++i) mean += x[i];
  mean /= static_cast<double>(n);
  double var = 0.0, cov = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double d = x[i] - mean;
    var += d * d;
    if (i > 0) cov += d * (x[i - 1] - mean);
  }
  out.variance = var / static_cast<double>(n - 1);
  out.phi = var > 1e-300 ? cov / var : 0.0;
  return out;
}

void detrend_trailing(const std::vector<double>& x, size_t detrend, std::vector<double>& out) {
  out.resize(x.size());
  detrend = std::max<size_t>(1, detrend);
  double sum = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    sum += x[i];
    if (i >= detrend) sum -= x[i - detrend];
    const size_t n = std::min(i + 1, detrend);
    out[i] = x[i] - sum / static_cast<double>(n);
  }
}

double kendall_tau(const std::vector<double>& x) {
  const size_t n = x.size();
  if (n < 2) return 0.0;
  long concordant = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) {
      if (x[j] > x[i]) ++concordant;
      if (x[j] < x[i]) --concordant;
    }
  }
  return static_cast<double>(concordant) / (0.5 * static_cast<double>(n) * (n - 1));
}

double latency_headroom(double p95_s, double baseline_s, double factor_max, double floor_s) {
  const double base = std::max(baseline_s, 1e-3);
  const double limit = std::max(factor_max * base, floor_s);
  if (!(limit > base)) return p95_s <= base ? 1.0 : 0.0;
  return clamp01((limit - p95_s) / (limit - base));
}

double resilience_index(const IndexScores& s) {
  return 100.0 * std::pow(clamp01(s.headroom), 0.35) * std::pow(clamp01(s.budget), 0.25) *
         std::pow(clamp01(s.slowing), 0.25) * std::pow(clamp01(s.retries), 0.15);
}

// --- the controller --------------------------------------------------------------

ResilienceController::ResilienceController(Ports ports, const ResilienceProcedures& procedures)
    : ports_(ports),
      p_(procedures),
      procedures_target_(procedures.guardrails.autoscale.target),
      latency_limit_floor_(static_cast<double>(procedures.latency_limit_min) / 1e6) {
  const Micros tick = std::max<Micros>(1, ports_.telemetry.tick());
  window_ticks_ = std::max<size_t>(4, ticks_in(p_.window, tick));
  detrend_ticks_ = ticks_in(p_.detrend_window, tick);
  trend_points_ = std::max<size_t>(3, ticks_in(p_.trend_window, p_.evaluation_interval));
  burn_points_ = ticks_in(p_.burn_window, p_.evaluation_interval);
  shed_ticks_ = ticks_in(p_.guardrails.shed_load.window, tick);
  control_interval_ = std::max(p_.control_interval, tick);
  const size_t n = ports_.telemetry.service_count();
  services_.reserve(n);
  for (size_t s = 0; s < n; ++s) {
    services_.emplace_back(p_);
    services_.back().hours.assign(static_cast<size_t>(std::max(1, p_.baseline_days)), {});
  }
  for (size_t s = 0; s < n; ++s) {
    for (size_t d : ports_.telemetry.service(s).depends_on) {
      if (d < n) services_[d].edge = false;
    }
  }
}

void ResilienceController::start() {
  if (!p_.enabled) return;
  ports_.clock.call_after(control_interval_, [this] { control_step(); });
  ports_.clock.call_after(p_.evaluation_interval, [this] { evaluate(); });
}

bool ResilienceController::active(size_t s) const {
  const ServiceState st = ports_.telemetry.state(s);
  return !st.stopped && !st.disabled && st.desired > 0;
}

void ResilienceController::mean_window(Signal signal, size_t column, size_t count, double& out) {
  ports_.telemetry.window(signal, column, count, scratch_);
  double sum = 0.0;
  for (double x : scratch_) sum += x;
  out = scratch_.empty() ? 0.0 : sum / static_cast<double>(scratch_.size());
}

// New ticks' p95 into each service's series for the slowing-down window.
void ResilienceController::ingest() {
  const int64_t ticks = ports_.telemetry.ticks();
  const int64_t fresh = ticks - seen_ticks_;
  if (fresh <= 0) return;
  seen_ticks_ = ticks;
  const size_t keep = window_ticks_ + detrend_ticks_;
  for (size_t s = 0; s < services_.size(); ++s) {
    Svc& v = services_[s];
    ports_.telemetry.window(Signal::kLatencyP95, s, static_cast<size_t>(std::min<int64_t>(fresh, static_cast<int64_t>(keep))), scratch_);
    for (double x : scratch_) v.p95.push_back(std::isfinite(x) ? x : 0.0);
    while (v.p95.size() > keep) v.p95.pop_front();
  }
}

void ResilienceController::control_step() {
  ports_.clock.call_after(control_interval_, [this] { control_step(); });
  ingest();
  if (ports_.telemetry.ticks() == 0) return;
  const Micros now = ports_.clock.now();
  for (size_t s = 0; s < services_.size(); ++s) {
    if (!active(s)) continue;
    rate_and_shed(s, now);
    brownout(s, now);
  }
}

void ResilienceController::evaluate() {
  ports_.clock.call_after(p_.evaluation_interval, [this] { evaluate(); });
  ingest();
  const Micros now = ports_.clock.now();
  if (ports_.telemetry.ticks() == 0) return;
  if (!warm_ && now >= p_.baseline_warmup) {
    warm_ = true;
    for (Svc& v : services_) {
      v.warmup.p95_s = std::max(1e-3, median_of(v.warmup_p95));
      v.warmup.p95_mad_s = mad_of(v.warmup_p95, v.warmup.p95_s);
      v.warmup.phi = v.ar1.phi;
      v.warmup.variance = v.ar1.variance;
      v.warmup.valid = true;
      v.warmup_p95.clear();
    }
  }
  double lowest = 100.0;
  size_t weakest = 0;
  for (size_t s = 0; s < services_.size(); ++s) {
    score(s, now);
    if (active(s) && services_[s].index < lowest) {
      lowest = services_[s].index;
      weakest = s;
    }
  }
  system_index_ = lowest;
  weakest_ = weakest;
  if (lowest < min_index_) {
    min_index_ = lowest;
    min_index_at_ = now;
  }
  week_min_index_ = std::min(week_min_index_, lowest);
  if (warm_ && lowest < p_.alert_below) {
    ++evaluations_below_;
    if (first_below_at_ < 0) first_below_at_ = now;
  }
  update_alert(now);

  const bool sync = last_sync_ < 0 || now - last_sync_ >= p_.guardrails.autoscale.sync_interval;
  if (sync) last_sync_ = now;
  const size_t span = ticks_in(p_.evaluation_interval, ports_.telemetry.tick());
  for (size_t s = 0; s < services_.size(); ++s) {
    if (!active(s)) continue;
    if (sync && p_.guardrails.autoscale.enabled) autoscale(s, now);
    if (p_.guardrails.retry_budget.enabled) {
      double traffic = 0.0, retries = 0.0;
      mean_window(Signal::kTraffic, s, span, traffic);
      mean_window(Signal::kRetries, s, span, retries);
      const double first = traffic - retries;
      retry_budget(s, now, first > 1e-9 ? retries / first : 0.0);
    }
  }
  evaluated_ticks_ = ports_.telemetry.ticks();
}

const Baseline& ResilienceController::baseline(const Svc& v, Micros now) const {
  const size_t hour = static_cast<size_t>((now / kHour) % 24);
  if (v.by_hour[hour].valid) return v.by_hour[hour];
  return v.warmup;
}

void ResilienceController::score(size_t s, Micros now) {
  Svc& v = services_[s];
  const size_t span = ticks_in(p_.evaluation_interval, ports_.telemetry.tick());
  double util = 0.0, memory = 0.0, p95 = 0.0, errors = 0.0, traffic = 0.0, retries = 0.0;
  mean_window(Signal::kUtilisation, s, span, util);
  mean_window(Signal::kMemory, s, span, memory);
  mean_window(Signal::kLatencyP95, s, span, p95);
  mean_window(Signal::kErrorRate, s, span, errors);
  mean_window(Signal::kTraffic, s, span, traffic);
  mean_window(Signal::kRetries, s, span, retries);

  // Critical slowing down over the rolling window.
  std::vector<double> raw(v.p95.begin(), v.p95.end());
  detrend_trailing(raw, detrend_ticks_, residual_);
  const size_t n = std::min(window_ticks_, residual_.size());
  v.ar1 = lag1(residual_.data() + (residual_.size() - n), n);
  v.phi_history.push_back(v.ar1.phi);
  while (v.phi_history.size() > trend_points_) v.phi_history.pop_front();
  v.errors.push_back(errors);
  v.errors_sum += errors;
  while (v.errors.size() > burn_points_) {
    v.errors_sum -= v.errors.front();
    v.errors.pop_front();
  }
  if (v.errors.size() == burn_points_) {
    // Recompute now and then: a running sum drifts.
    v.errors_sum = 0.0;
    for (double e : v.errors) v.errors_sum += e;
  }

  IndexScores sc;
  const double h_util =
      clamp01((p_.utilisation_max - util) / (p_.utilisation_max - p_.utilisation_ok));
  const double h_mem = clamp01((p_.memory_max - memory) / (p_.memory_max - p_.memory_ok));
  double h_lat = 1.0;
  if (!warm_) {
    if (traffic > 0.0) v.warmup_p95.push_back(p95);
  } else {
    const Baseline& b = baseline(v, now);
    h_lat = latency_headroom(traffic > 0.0 ? p95 : 0.0, b.p95_s, p_.latency_factor_max,
                             latency_limit_floor_);
    // Slowing down: phi against its baseline; variance against its own. Only
    // where there is a fold to approach (utilisation at or above ok) and a
    // fluctuation to measure, now and in the baseline (a residual above 1 %
    // of the baseline p95): below that, phi reads steps and rounding, not a
    // slower recovery, and a baseline that saw no fluctuation has no phi to
    // compare with (the load's own autocorrelation would read as slowing).
    const double var_floor = std::pow(0.01 * b.p95_s, 2);
    if (util >= p_.utilisation_ok && v.ar1.variance > var_floor && b.variance > var_floor) {
      const double base_phi = std::max(0.0, b.phi);
      const double span_phi = std::max(0.05, p_.phi_critical - base_phi);
      double c = clamp01(1.0 - (v.ar1.phi - base_phi) / span_phi);
      if (v.ar1.variance > p_.variance_ratio * std::max(b.variance, var_floor)) c *= 0.5;
      if (v.ar1.phi > base_phi && v.phi_history.size() >= trend_points_ &&
          kendall_tau(std::vector<double>(v.phi_history.begin(), v.phi_history.end())) >
              p_.trend_tau) {
        c = std::min(c, 0.5);
      }
      sc.slowing = c;
    }
  }
  sc.headroom = std::min({h_util, h_mem, h_lat});
  // Multiwindow: the hour's burn, unless the last twelfth of it burns less.
  const size_t short_points = std::min(v.errors.size(), std::max<size_t>(1, burn_points_ / 12));
  double short_sum = 0.0;
  for (size_t i = v.errors.size() - short_points; i < v.errors.size(); ++i) {
    short_sum += v.errors[i];
  }
  const double long_rate =
      v.errors_sum / static_cast<double>(std::max<size_t>(1, v.errors.size()));
  const double short_rate = short_sum / static_cast<double>(std::max<size_t>(1, short_points));
  const double burn = std::min(long_rate, short_rate) / std::max(1e-12, p_.slo_error_ratio);
  sc.budget = clamp01(1.0 - burn / p_.fast_burn);
  const double first = traffic - retries;
  const double ratio = first > 1e-9 ? retries / first : 0.0;
  sc.retries = clamp01(1.0 - ratio / std::max(1e-9, p_.retry_budget));
  v.scores = sc;
  v.index = active(s) ? ctl::resilience_index(sc) : 100.0;
  if (warm_) record_baseline_sample(s, now, traffic > 0.0 ? p95 : 0.0, ratio);
}

void ResilienceController::update_alert(Micros now) {
  if (!warm_) return;
  const std::string weakest = ports_.telemetry.service_count() > 0
                                  ? ports_.telemetry.service(weakest_).id
                                  : std::string("system");
  if (!alert_firing_) {
    below_count_ = system_index_ < p_.alert_below ? below_count_ + 1 : 0;
    if (below_count_ < std::max(1, p_.alert_evaluations)) return;
    alert_firing_ = true;
    below_count_ = 0;
    ++alerts_fired_;
    alert_ = Alert{};
    alert_.id = kAlertIdBase + ++next_alert_id_;
    alert_.severity = "P2";
    alert_.signal = "resilience_index";
    alert_.service = weakest;
    alert_.source = "resilience";
    alert_.fired_at = now;
    alert_.value = system_index_;
    alert_.threshold = p_.alert_below;
    ports_.recorder.alert_fired(alert_);
    ports_.recorder.note(now, "resilience",
                         "low resilience index " + fmt("%.1f", system_index_) + " (weakest: " +
                             weakest + ")");
    for (const auto& l : listeners_) l(alert_, true);
  } else if (system_index_ > p_.clear_above) {
    alert_firing_ = false;
    ports_.recorder.alert_resolved(alert_, now);
    for (const auto& l : listeners_) l(alert_, false);
  }
}

void ResilienceController::trigger(Micros now, const std::string& kind, size_t s, bool engaged,
                                   double value, const std::string& reason) {
  const std::string& id = ports_.telemetry.service(s).id;
  triggers_.push_back(GuardrailTrigger{now, kind, id, engaged, value, reason});
  ports_.recorder.decision(Decision{now, "resilience", kind, id, reason});
  for (const TriggerListener& l : trigger_listeners_) l(triggers_.back(), s);
}

void ResilienceController::autoscale(size_t s, Micros now) {
  Svc& v = services_[s];
  const ServiceState st = ports_.telemetry.state(s);
  // A rollout owns the replica count of its service: the autoscaler waits.
  for (const DeployInfo& d : ports_.telemetry.deploys()) {
    if (d.active && d.service == s) return;
  }
  if (!v.hpa) {
    v.configured_replicas = st.desired;
    const int max = std::max(st.desired, static_cast<int>(std::ceil(
                                             st.desired * p_.guardrails.autoscale.max_replicas_factor)));
    v.hpa = std::make_unique<HpaAutoscaler>(p_.guardrails.autoscale, st.desired, max);
  }
  double util = 0.0;
  mean_window(Signal::kUtilisation, s, ticks_in(p_.guardrails.autoscale.sync_interval,
                                                ports_.telemetry.tick()),
              util);
  // Replicas not yet serving count as idle (the HPA's rule on scale-up).
  const double metric = util * static_cast<double>(st.serving) / std::max(1, st.desired);
  const double target = system_index_ < 70.0 ? p_.guardrails.autoscale.target_low_index
                                              : p_.guardrails.autoscale.target;
  const int desired = v.hpa->recommend(now, st.desired, metric, target);
  if (desired == st.desired) return;
  if (!ports_.actuators.scale_service(s, desired)) return;
  trigger(now, "scale_service", s, desired > st.desired, desired,
          fmt("HPA: %.0f -> %.0f replicas", st.desired, desired) +
              fmt(" (utilisation %.2f, target %.2f)", metric, target));
}

void ResilienceController::retry_budget(size_t s, Micros now, double ratio) {
  Svc& v = services_[s];
  const bool engaged = v.budget >= 0.0;
  if (v.index > p_.clear_above) {
    if (v.healthy_since < 0) v.healthy_since = now;
  } else {
    v.healthy_since = -1;
  }
  if (engaged && system_index_ >= 30.0 && v.healthy_since >= 0 &&
      now - v.healthy_since >= p_.guardrails.retry_budget.release_after) {
    if (ports_.actuators.set_retry_budget(s, -1.0)) {
      v.budget = -1.0;
      trigger(now, "retry_budget", s, false, -1.0,
              fmt("released: index %.1f above %.0f", v.index, p_.clear_above));
    }
    return;
  }
  const double want = retry_budget_for(ratio, p_.retry_budget, system_index_, engaged);
  if (want < 0.0 || want == v.budget) return;
  if (!ports_.actuators.set_retry_budget(s, want)) return;
  v.budget = want;
  trigger(now, "retry_budget", s, true, want,
          want == 0.0 ? fmt("retries off: system index %.1f below 30", system_index_)
                      : fmt("retries %.0f%% of first attempts, budget %.0f%%", 100.0 * ratio,
                            100.0 * p_.retry_budget));
}

void ResilienceController::rate_and_shed(size_t s, Micros now) {
  Svc& v = services_[s];
  const size_t span = ticks_in(control_interval_, ports_.telemetry.tick());
  double traffic = 0.0;
  mean_window(Signal::kTraffic, s, span, traffic);
  if (p_.guardrails.rate_limit.enabled) {
    double p50 = 0.0;
    mean_window(Signal::kLatencyP50, s, span, p50);
    if (traffic > 0.0 && p50 > 0.0) {
      const double inflight = traffic * p50;  // Little's law
      if (!v.limit_started) {
        v.limit_started = true;
        v.limit = GradientLimit(p_.guardrails.rate_limit);
        RateLimitGuardrail start = p_.guardrails.rate_limit;
        start.initial_limit = std::clamp(std::max(start.initial_limit, 2.0 * inflight),
                                         start.min_limit, start.max_limit);
        v.limit = GradientLimit(start);
      }
      const double limit = v.limit.update(p50, inflight);
      const double rps = limit / p50;
      double util = 0.0;
      mean_window(Signal::kUtilisation, s, span, util);
      rate_limit_step(s, now, limit, p50, rps, traffic, util);
    }
  }
  if (p_.guardrails.shed_load.enabled && v.edge) {
    double requests = 0.0, accepts = 0.0;
    mean_window(Signal::kTraffic, s, shed_ticks_, requests);
    mean_window(Signal::kGoodput, s, shed_ticks_, accepts);
    const double window_s = static_cast<double>(scratch_.size()) *
                            static_cast<double>(ports_.telemetry.tick()) / 1e6;
    const double reject =
        throttle_reject_probability(requests * window_s, accepts * window_s,
                                    p_.guardrails.shed_load.k);
    if (reject > 0.0) {
      const double rps = std::max(requests * (1.0 - reject), 1e-3);
      if (v.shed_rps <= 0.0) {
        trigger(now, "shed_load", s, true, rps,
                fmt("adaptive throttling: rejecting %.0f%% (requests %.1f/s, accepts %.1f/s)",
                    100.0 * reject, requests, accepts));
      }
      v.shed_rps = rps;
    } else if (v.shed_rps > 0.0) {
      v.shed_rps = 0.0;
      trigger(now, "shed_load", s, false, 0.0,
              fmt("released: accepts %.1f/s of requests %.1f/s", accepts, requests));
    }
  }
  apply_rate(s, now);
}

// The limiter's engagement, with hysteresis in time: it engages only on a
// saturated service (utilisation at or above utilisation_max) whose limit
// admits less than the demand; once engaged it stays at least `hold`, and
// releases only after the release condition (the limit allows 1.5x the
// demand, or utilisation is back below utilisation_ok) has held for `hold`
// without a break; after a release it does not engage again within `hold`.
// A latency rise that comes from a dependency, at a service with capacity
// to spare, lowers the Gradient2 limit too, but rejecting that service's
// requests would only turn slowness into errors.
void ResilienceController::rate_limit_step(size_t s, Micros now, double limit, double rtt_s,
                                           double rps, double demand, double util) {
  Svc& v = services_[s];
  const Micros hold = p_.guardrails.rate_limit.hold;
  if (v.limit_rps <= 0.0) {
    const bool quiet = v.limit_released_at < 0 || now - v.limit_released_at >= hold;
    if (warm_ && quiet && rps < demand && util >= p_.utilisation_max) {
      v.limit_rps = rps;
      v.limit_engaged_at = now;
      v.limit_release_since = -1;
      trigger(now, "rate_limit", s, true, rps,
              fmt("concurrency limit %.1f at RTT %.3f s: %.1f rps", limit, rtt_s, rps) +
                  fmt(" < demand %.1f rps at utilisation %.2f", demand, util));
    }
    return;
  }
  v.limit_rps = rps;
  const bool release = rps > 1.5 * demand || util < p_.utilisation_ok;
  if (!release) {
    v.limit_release_since = -1;
    return;
  }
  if (v.limit_release_since < 0) v.limit_release_since = now;
  if (now - v.limit_engaged_at < hold || now - v.limit_release_since < hold) return;
  v.limit_rps = 0.0;
  v.limit_released_at = now;
  v.limit_release_since = -1;
  trigger(now, "rate_limit", s, false, 0.0,
          fmt("released: limit allows %.1f rps, demand %.1f rps", rps, demand) +
              fmt(", utilisation %.2f", util));
}

void ResilienceController::apply_rate(size_t s, Micros) {
  Svc& v = services_[s];
  double rps = 0.0;
  if (v.limit_rps > 0.0) rps = v.limit_rps;
  if (v.shed_rps > 0.0) rps = rps > 0.0 ? std::min(rps, v.shed_rps) : v.shed_rps;
  const bool changed = (rps <= 0.0) != (v.applied_rps <= 0.0) ||
                       std::fabs(rps - v.applied_rps) > 0.02 * std::max(rps, v.applied_rps);
  if (!changed) return;
  if (ports_.actuators.set_rate_limit(s, rps)) v.applied_rps = rps;
}

void ResilienceController::brownout(size_t s, Micros now) {
  if (!p_.guardrails.brownout.enabled) return;
  Svc& v = services_[s];
  const size_t span = ticks_in(control_interval_, ports_.telemetry.tick());
  double p95 = 0.0;
  mean_window(Signal::kLatencyP95, s, span, p95);
  const double setpoint = v.dimmer.setpoint();
  double theta = 1.0;
  if (!v.brownout) {
    if (!(p95 > setpoint) && !(warm_ && v.index < p_.alert_below)) return;
    // A fresh dimmer's first step: it engages only when it dims. Below the
    // setpoint the Klein law keeps theta at 1, and an engagement that
    // changes nothing would only be released again.
    BrownoutDimmer trial = v.dimmer;
    trial.reset();
    theta = trial.update(p95);
    if (system_index_ < 30.0) {
      trial.cap(0.5);
      theta = trial.theta();
    }
    if (theta >= 1.0) return;
    v.dimmer = trial;
    v.brownout = true;
    trigger(now, "brownout", s, true, theta,
            fmt("p95 %.3f s, setpoint %.3f s, index %.1f", p95, setpoint, v.index));
  } else {
    theta = v.dimmer.update(p95);
    if (system_index_ < 30.0) {
      v.dimmer.cap(0.5);
      theta = v.dimmer.theta();
    }
  }
  if (std::fabs(theta - v.applied_theta) > 0.01 || (theta >= 1.0 && v.applied_theta < 1.0)) {
    if (ports_.actuators.set_brownout(s, theta)) v.applied_theta = theta;
  }
  if (theta >= 1.0 && p95 <= setpoint && v.index >= p_.alert_below) {
    v.brownout = false;
    trigger(now, "brownout", s, false, 1.0,
            fmt("released: dimmer back at 1, p95 %.3f s", p95));
  }
}

// --- baselines -----------------------------------------------------------------------

void ResilienceController::record_baseline_sample(size_t s, Micros now, double p95,
                                                  double retry_ratio) {
  Svc& v = services_[s];
  const int64_t hour = now / kHour;
  if (v.current_hour != hour) {
    if (v.current_hour >= 0) close_hour(v);
    v.current = HourSlot{};
    v.current_hour = hour;
  }
  HourSlot& h = v.current;
  h.p95 += p95;
  h.phi += v.ar1.phi;
  h.variance += v.ar1.variance;
  h.retry += retry_ratio;
  ++h.count;
  // Incident windows stay out of the baseline: budget burning, or the alert.
  if (v.scores.budget < 1.0 || alert_firing_) h.excluded = true;
}

void ResilienceController::close_hour(Svc& v) {
  HourSlot h = v.current;
  if (h.count == 0) return;
  const double n = static_cast<double>(h.count);
  h.p95 /= n;
  h.phi /= n;
  h.variance /= n;
  h.retry /= n;
  h.valid = !h.excluded;
  const size_t days = v.hours.size();
  const size_t day = static_cast<size_t>(v.current_hour / 24) % days;
  v.hours[day][static_cast<size_t>(v.current_hour % 24)] = h;
}

void ResilienceController::refresh_baselines(Micros now, std::vector<MaintenanceAction>& out) {
  int refreshed = 0;
  for (size_t s = 0; s < services_.size(); ++s) {
    Svc& v = services_[s];
    if (v.current_hour >= 0 && v.current.count > 0) {
      close_hour(v);
      v.current = HourSlot{};
      v.current_hour = -1;
    }
    const double before = v.by_hour[static_cast<size_t>((now / kHour) % 24)].valid
                              ? v.by_hour[static_cast<size_t>((now / kHour) % 24)].p95_s
                              : v.warmup.p95_s;
    int hours = 0;
    for (size_t hour = 0; hour < 24; ++hour) {
      std::vector<double> p95, phi, var, retry;
      for (const auto& day : v.hours) {
        const HourSlot& h = day[hour];
        if (!h.valid) continue;
        p95.push_back(h.p95);
        phi.push_back(h.phi);
        var.push_back(h.variance);
        retry.push_back(h.retry);
      }
      if (p95.empty()) continue;
      Baseline b;
      b.p95_s = std::max(1e-3, median_of(p95));
      b.p95_mad_s = mad_of(p95, b.p95_s);
      b.phi = median_of(phi);
      b.variance = median_of(var);
      b.retry_ratio = median_of(retry);
      b.valid = true;
      v.by_hour[hour] = b;
      ++hours;
    }
    if (hours == 0) continue;
    v.refreshed_at = now;
    ++refreshed;
    const double after = baseline(v, now).p95_s;
    out.push_back(MaintenanceAction{
        "refresh_baselines", ports_.telemetry.service(s).id,
        std::to_string(hours) + " hours of day; p95 baseline now " + fmt("%.4f s -> %.4f s", before, after)});
  }
  if (refreshed == 0) {
    out.push_back(MaintenanceAction{"refresh_baselines", "system",
                                    "no complete hour without an incident: baselines kept"});
  }
}

void ResilienceController::adjust_guardrails(std::vector<MaintenanceAction>& out) {
  // Review: what fired since the last weekly review.
  int scale_ups = 0, limits = 0, brownouts = 0, budgets = 0, sheds = 0;
  for (size_t i = triggers_reviewed_; i < triggers_.size(); ++i) {
    const GuardrailTrigger& t = triggers_[i];
    if (!t.engaged) continue;
    if (t.kind == "scale_service") ++scale_ups;
    if (t.kind == "rate_limit") ++limits;
    if (t.kind == "brownout") ++brownouts;
    if (t.kind == "retry_budget") ++budgets;
    if (t.kind == "shed_load") ++sheds;
  }
  triggers_reviewed_ = triggers_.size();
  out.push_back(MaintenanceAction{
      "review_guardrail_triggers", "system",
      "scale-ups " + std::to_string(scale_ups) + ", rate limits " + std::to_string(limits) +
          ", brownouts " + std::to_string(brownouts) + ", retry budgets " +
          std::to_string(budgets) + ", load shedding " + std::to_string(sheds) +
          fmt("; lowest index %.1f", week_min_index_)});
  // Autoscale: a week in which the index went below the alert level while
  // the autoscaler had to act scales earlier next week (target - 0.05, not
  // below 0.5); a quiet week moves the target back towards the procedures'.
  AutoscaleGuardrail& a = p_.guardrails.autoscale;
  const double before = a.target;
  if (week_min_index_ < p_.alert_below && scale_ups > 0) {
    a.target = std::max(0.5, a.target - 0.05);
  } else if (week_min_index_ >= p_.clear_above) {
    a.target = std::min(procedures_target_, a.target + 0.05);
  }
  a.target_low_index = std::min(a.target_low_index, a.target);
  if (a.target != before) {
    out.push_back(MaintenanceAction{"adjust_guardrails", "autoscale",
                                    fmt("target %.2f -> %.2f", before, a.target)});
  }
  // Brownout: the setpoint moves to 3x the highest hourly p95 baseline of
  // the service, between a quarter of the procedures' setpoint and the
  // procedures' setpoint: a fast service is dimmed well before it reaches
  // the latency a slow one may have all day.
  const double configured = static_cast<double>(p_.guardrails.brownout.setpoint) / 1e6;
  for (size_t s = 0; s < services_.size(); ++s) {
    Svc& v = services_[s];
    double highest = 0.0;
    for (const Baseline& b : v.by_hour) highest = std::max(highest, b.valid ? b.p95_s : 0.0);
    if (highest <= 0.0) continue;
    const double setpoint = std::clamp(3.0 * highest, 0.25 * configured, configured);
    if (std::fabs(setpoint - v.dimmer.setpoint()) > 1e-6) {
      out.push_back(MaintenanceAction{
          "adjust_guardrails", ports_.telemetry.service(s).id,
          fmt("brownout setpoint %.3f s -> %.3f s", v.dimmer.setpoint(), setpoint)});
      v.dimmer.set_setpoint(setpoint);
    }
  }
  week_min_index_ = 100.0;
}

std::vector<MaintenanceAction> ResilienceController::maintain(MaintenanceJob job, Micros now) {
  std::vector<MaintenanceAction> out;
  if (!p_.enabled) return out;
  switch (job) {
    case MaintenanceJob::kDaily:
      out.push_back(MaintenanceAction{
          "review_resilience_index", "system",
          fmt("index %.1f now, lowest %.1f; ", system_index_, min_index_) +
              std::to_string(alerts_fired_) + " low-index alerts so far"});
      refresh_baselines(now, out);
      break;
    case MaintenanceJob::kWeekly:
      adjust_guardrails(out);
      break;
    case MaintenanceJob::kMonthly:
      break;
  }
  return out;
}

std::vector<ServiceBaseline> ResilienceController::baselines() const {
  std::vector<ServiceBaseline> out;
  for (size_t s = 0; s < services_.size(); ++s) {
    const Svc& v = services_[s];
    ServiceBaseline b;
    b.service = ports_.telemetry.service(s).id;
    b.overall = v.warmup;
    b.by_hour = v.by_hour;
    b.refreshed_at = v.refreshed_at;
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace dreamsim::ctl
