#include "controllers/deployment.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace dreamsim::ctl {
namespace {

std::string percent(double w) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g%%", w * 100.0);
  return buf;
}

std::string duration_text(Micros us) {
  char buf[48];
  if (us % kMinute == 0) {
    std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(us / kMinute));
  } else {
    std::snprintf(buf, sizeof buf, "%.6gs", static_cast<double>(us) / kSecond);
  }
  return buf;
}

std::string number(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

}  // namespace

const char* to_string(DeployStrategy s) {
  return s == DeployStrategy::kCanary ? "canary" : "standard";
}

const char* to_string(DeploymentResult r) {
  switch (r) {
    case DeploymentResult::kPending: return "pending";
    case DeploymentResult::kInProgress: return "in_progress";
    case DeploymentResult::kPromoted: return "promoted";
    case DeploymentResult::kRolledBack: return "rolled_back";
    case DeploymentResult::kAborted: return "aborted";
  }
  return "?";
}

DeploymentProcedures with_p2_limits(DeploymentProcedures d, const AlertingProcedures& a) {
  d.verify_max_latency_p95_s = a.latency_p95_s.p2;
  d.verify_max_error_rate = a.error_rate.p2;
  return d;
}

DeploymentController::DeploymentController(Ports ports, const DeploymentProcedures& procedures,
                                           std::vector<DeploymentRequest> requests)
    : ports_(ports), p_(procedures) {
  records_.resize(requests.size());
  runs_.resize(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) records_[i].request = std::move(requests[i]);
}

void DeploymentController::start() {
  const Micros now = ports_.clock.now();
  for (size_t d = 0; d < records_.size(); ++d) {
    ports_.clock.call_after(std::max<Micros>(0, records_[d].request.at - now), [this, d] { begin(d); });
  }
}

const std::string& DeploymentController::service_id(size_t d) const {
  return ports_.telemetry.service(records_[d].request.service).id;
}

void DeploymentController::decide(size_t d, const std::string& kind, const std::string& reason) {
  ports_.recorder.decision(
      Decision{ports_.clock.now(), "deployment", kind, service_id(d), reason});
}

void DeploymentController::schedule(size_t d, Micros delay,
                                    void (DeploymentController::*fn)(size_t)) {
  Run& r = runs_[d];
  if (r.timer_set) ports_.clock.cancel(r.timer);
  r.timer = ports_.clock.call_after(std::max<Micros>(0, delay), [this, d, fn] {
    runs_[d].timer_set = false;
    (this->*fn)(d);
  });
  r.timer_set = true;
}

// ---------------------------------------------------------------------------
// Start

bool DeploymentController::pre_checks(size_t d, std::string& reason) const {
  const DeploymentRequest& q = records_[d].request;
  if (!q.tests_passed) {
    reason = "pre-deployment check failed: the tests of version " + q.version + " did not pass";
    return false;
  }
  if (!q.reviewed) {
    reason = "pre-deployment check failed: the changes in version " + q.version +
             " are not reviewed";
    return false;
  }
  if (!q.dependencies_reachable) {
    reason = "pre-deployment check failed: the dependencies of version " + q.version +
             " are not reachable";
    return false;
  }
  const TelemetryPort& t = ports_.telemetry;
  for (size_t dep : t.service(q.service).depends_on) {
    const ServiceState st = t.state(dep);
    if (st.disabled) continue;  // switched off on purpose: calls to it are skipped
    if (!st.ready() || st.outage) {
      reason = "pre-deployment check failed: dependency " + t.service(dep).id +
               " is not reachable (serving " + std::to_string(st.serving) + " of " +
               std::to_string(st.desired) + (st.outage ? ", outage" : "") + ")";
      return false;
    }
  }
  return true;
}

void DeploymentController::begin(size_t d) {
  DeploymentRecord& rec = records_[d];
  const DeploymentRequest& q = rec.request;
  std::string reason;
  if (!pre_checks(d, reason)) {
    decide(d, "abort_deployment", reason);
    finish(d, DeploymentResult::kAborted, reason);
    return;
  }
  if (!ports_.actuators.deploy_version(q.service, q.version)) {
    reason = "version " + q.version + " of " + service_id(d) + " cannot be deployed";
    decide(d, "abort_deployment", reason);
    finish(d, DeploymentResult::kAborted, reason);
    return;
  }
  rec.result = DeploymentResult::kInProgress;
  rec.started_at = ports_.clock.now();
  if (q.strategy == DeployStrategy::kCanary) {
    std::string plan;
    for (const CanaryStep& s : p_.canary_steps) {
      if (!plan.empty()) plan += ", ";
      plan += percent(s.weight);
      if (s.hold > 0) plan += " " + duration_text(s.hold);
    }
    decide(d, "start_deployment", "canary deployment of version " + q.version + ": " + plan);
    enter_step(d, 0);
  } else {
    Run& r = runs_[d];
    r.replicas = std::max(1, ports_.telemetry.state(q.service).desired);
    decide(d, "start_deployment",
           "standard deployment of version " + q.version + ": rolling replacement of " +
               std::to_string(r.replicas) + " replicas, then " + duration_text(p_.verify_window) +
               " of verification");
    r.step = -1;
    start_replica(d);
  }
}

// ---------------------------------------------------------------------------
// Canary

void DeploymentController::enter_step(size_t d, int step) {
  DeploymentRecord& rec = records_[d];
  Run& r = runs_[d];
  const Micros now = ports_.clock.now();
  if (!rec.steps.empty() && rec.steps.back().end < 0) rec.steps.back().end = now;
  const CanaryStep& s = p_.canary_steps[static_cast<size_t>(step)];
  const size_t service = rec.request.service;
  r.step = step;
  ports_.actuators.set_traffic_weight(service, s.weight);
  StepRecord sr;
  sr.name = "canary " + percent(s.weight);
  sr.weight = s.weight;
  sr.start = now;
  rec.steps.push_back(std::move(sr));
  const bool last = s.weight >= 1.0 || static_cast<size_t>(step) + 1 == p_.canary_steps.size();
  if (last) {
    decide(d, "promote_canary",
           "every canary step passed the judge; version " + rec.request.version + " takes " +
               percent(s.weight) + " of traffic");
    rec.steps.back().end = now;
    finish(d, DeploymentResult::kPromoted, "every canary step passed the judge");
    return;
  }
  decide(d, "set_traffic_weight",
         "canary step " + std::to_string(step + 1) + " of " +
             std::to_string(p_.canary_steps.size()) + ": version " + rec.request.version +
             " on " + percent(s.weight) + " of traffic for " + duration_text(s.hold));
  // The weight takes effect from the world's next tick: samples are the
  // ticks from then on at this weight.
  r.step_first_tick = ports_.telemetry.ticks();
  r.hold_until = now + s.hold;
  const bool interim = p_.analysis_interval > 0 && p_.analysis_interval < s.hold;
  schedule(d, interim ? p_.analysis_interval : s.hold, &DeploymentController::on_step_timer);
}

void DeploymentController::on_step_timer(size_t d) {
  if (!in_progress(d) || !still_active(d)) return;
  const Micros now = ports_.clock.now();
  judge_step(d, now < runs_[d].hold_until);
}

Judgement DeploymentController::judge_samples(size_t d, bool& error) {
  const Run& r = runs_[d];
  const DeploymentRecord& rec = records_[d];
  const double weight = p_.canary_steps[static_cast<size_t>(r.step)].weight;
  std::vector<VersionTick> ticks;
  const int64_t now_ticks = ports_.telemetry.ticks();
  const size_t count = static_cast<size_t>(std::max<int64_t>(1, now_ticks - r.step_first_tick));
  error = !ports_.telemetry.version_window(rec.request.service, count, ticks);
  if (error) return Judgement{};
  MetricSamples latency{"latency_p95", {}, {}};
  MetricSamples errors{"error_rate", {}, {}};
  MetricSamples cpu{"cpu", {}, {}};
  for (const VersionTick& t : ticks) {
    if (t.tick < r.step_first_tick || std::fabs(t.weight - weight) > 1e-9) continue;
    latency.baseline.push_back(t.p95_s[0]);
    latency.canary.push_back(t.p95_s[1]);
    errors.baseline.push_back(t.error_rate[0]);
    errors.canary.push_back(t.error_rate[1]);
    cpu.baseline.push_back(t.cpu[0]);
    cpu.canary.push_back(t.cpu[1]);
  }
  return judge(p_.judge, {latency, errors, cpu});
}

void DeploymentController::judge_step(size_t d, bool interim) {
  DeploymentRecord& rec = records_[d];
  Run& r = runs_[d];
  const Micros now = ports_.clock.now();
  const CanaryStep& s = p_.canary_steps[static_cast<size_t>(r.step)];
  const std::string where = "canary step " + std::to_string(r.step + 1) + " (" +
                            percent(s.weight) + ")";
  bool error = false;
  JudgementRecord jr;
  jr.at = now;
  jr.interim = interim;
  jr.judgement = judge_samples(d, error);
  auto hold = [&](const std::string& why) {
    jr.action = "hold";
    rec.steps.back().judgements.push_back(jr);
    decide(d, "hold_canary", where + " held for " + duration_text(p_.hold_extension) + ": " + why);
    r.hold_until = now + p_.hold_extension;
    schedule(d, p_.hold_extension, &DeploymentController::on_step_timer);
  };
  auto roll_back = [&](const std::string& why) {
    jr.action = "rollback";
    rec.steps.back().judgements.push_back(jr);
    rollback(d, where + ": " + why);
  };

  if (error) {
    jr.judgement.verdict = Verdict::kInconclusive;
    jr.judgement.reason = "no samples of version " + rec.request.version + " to be had";
    ++rec.consecutive_errors;
    if (rec.consecutive_errors > p_.consecutive_error_limit) {
      roll_back("consecutive-error limit: " + std::to_string(rec.consecutive_errors) +
                " measurement errors in a row (limit " +
                std::to_string(p_.consecutive_error_limit) + ")");
    } else if (interim) {
      jr.action = "none";
      rec.steps.back().judgements.push_back(jr);
      schedule(d, std::min(p_.analysis_interval, r.hold_until - now),
               &DeploymentController::on_step_timer);
    } else {
      hold("measurement error: " + jr.judgement.reason);
    }
    return;
  }
  rec.consecutive_errors = 0;
  const Judgement& j = jr.judgement;
  ports_.recorder.note(now, "deployment",
                       service_id(d) + " " + where + (interim ? " interim" : "") + ": " +
                           to_string(j.verdict) + " (" + j.reason + ")");
  const std::string verdict = std::string("judge ") + to_string(j.verdict) + ": " + j.reason;

  if (j.verdict == Verdict::kFail) {
    ++rec.failures;
    if (rec.failures > p_.failure_limit) {
      roll_back(verdict);
      return;
    }
    if (!interim) {
      hold(verdict + " (failure " + std::to_string(rec.failures) + ", limit " +
           std::to_string(p_.failure_limit) + ")");
      return;
    }
  }
  if (interim) {
    // Only a failure acts before the hold is over.
    jr.action = "none";
    rec.steps.back().judgements.push_back(jr);
    schedule(d, std::min(p_.analysis_interval, r.hold_until - now),
             &DeploymentController::on_step_timer);
    return;
  }
  if (j.verdict == Verdict::kInconclusive) {
    ++rec.inconclusives;
    if (rec.inconclusives > p_.inconclusive_limit) {
      roll_back("inconclusive limit: " + std::to_string(rec.inconclusives) +
                " inconclusive judgements (limit " + std::to_string(p_.inconclusive_limit) +
                "); " + verdict);
    } else {
      hold(verdict);
    }
    return;
  }
  // Pass or marginal: on to the next step.
  const bool last_next = static_cast<size_t>(r.step) + 2 >= p_.canary_steps.size() ||
                         p_.canary_steps[static_cast<size_t>(r.step) + 1].weight >= 1.0;
  jr.action = last_next ? "promote" : "next_step";
  rec.steps.back().judgements.push_back(jr);
  if (j.verdict == Verdict::kMarginal) {
    ports_.recorder.note(now, "deployment",
                         service_id(d) + " " + where +
                             ": marginal, continuing (a marginal canary is not rolled back on "
                             "its own)");
  }
  enter_step(d, r.step + 1);
}

// ---------------------------------------------------------------------------
// Standard

void DeploymentController::start_replica(size_t d) {
  DeploymentRecord& rec = records_[d];
  Run& r = runs_[d];
  const Micros now = ports_.clock.now();
  if (!rec.steps.empty() && rec.steps.back().end < 0) rec.steps.back().end = now;
  ++r.step;
  const size_t service = rec.request.service;
  if (r.step >= r.replicas) {
    StepRecord sr;
    sr.name = "verify";
    sr.weight = 1.0;
    sr.start = now;
    rec.steps.push_back(std::move(sr));
    r.step_first_tick = ports_.telemetry.ticks();
    r.hold_until = now + p_.verify_window;
    schedule(d, p_.verify_window, &DeploymentController::verify);
    return;
  }
  StepRecord sr;
  sr.name = "replica " + std::to_string(r.step + 1) + "/" + std::to_string(r.replicas);
  sr.weight = static_cast<double>(r.step + 1) / r.replicas;
  sr.start = now;
  rec.steps.push_back(std::move(sr));
  // The old replica of the last round may still be counted (its removal
  // takes effect from the next tick): at most N serve before this one.
  r.serving_before = std::min(ports_.telemetry.state(service).serving, r.replicas);
  r.replica_deadline = now + p_.replica_ready_timeout;
  ports_.actuators.scale_service(service, r.replicas + 1);
  schedule(d, p_.probe_interval, &DeploymentController::poll_replica);
}

void DeploymentController::poll_replica(size_t d) {
  if (!in_progress(d) || !still_active(d)) return;
  DeploymentRecord& rec = records_[d];
  Run& r = runs_[d];
  const size_t service = rec.request.service;
  const ServiceState st = ports_.telemetry.state(service);
  const std::string which = "replica " + std::to_string(r.step + 1) + " of " +
                            std::to_string(r.replicas);
  if (st.serving >= r.serving_before + 1) {
    const double w = static_cast<double>(r.step + 1) / r.replicas;
    ports_.actuators.set_traffic_weight(service, w);
    ports_.actuators.scale_service(service, r.replicas);
    decide(d, "set_traffic_weight",
           which + " of version " + rec.request.version + " ready; it takes " + percent(w) +
               " of traffic, an old replica is removed");
    start_replica(d);
    return;
  }
  if (ports_.clock.now() >= r.replica_deadline) {
    rollback(d, which + " of version " + rec.request.version + " not ready within " +
                    duration_text(p_.replica_ready_timeout) + " (serving " +
                    std::to_string(st.serving) + ", starting " + std::to_string(st.starting) +
                    ")");
    return;
  }
  schedule(d, p_.probe_interval, &DeploymentController::poll_replica);
}

void DeploymentController::verify(size_t d) {
  if (!in_progress(d) || !still_active(d)) return;
  DeploymentRecord& rec = records_[d];
  const Run& r = runs_[d];
  const size_t service = rec.request.service;
  if (r.critical_alert) {
    rollback(d, "post-deployment verification: a critical alert fired on " + service_id(d));
    return;
  }
  const TelemetryPort& t = ports_.telemetry;
  const size_t count = static_cast<size_t>(std::max<int64_t>(1, t.ticks() - r.step_first_tick));
  const double p95 = t.latency_quantile(service, 0.95, count);
  std::vector<double> errors;
  t.window(Signal::kErrorRate, service, count, errors);
  double error_rate = 0.0;
  for (double e : errors) error_rate += e;
  if (!errors.empty()) error_rate /= static_cast<double>(errors.size());
  const std::string signals = "p95 " + number("%.4g", std::isnan(p95) ? 0.0 : p95) + " s (limit " +
                              number("%.4g", p_.verify_max_latency_p95_s) + " s), error rate " +
                              number("%.4g", error_rate) + " (limit " +
                              number("%.4g", p_.verify_max_error_rate) + ") over " +
                              duration_text(p_.verify_window);
  if ((!std::isnan(p95) && p95 > p_.verify_max_latency_p95_s) ||
      error_rate > p_.verify_max_error_rate) {
    rollback(d, "post-deployment verification failed: " + signals);
    return;
  }
  decide(d, "verify_deployment", "golden signals within limits, no critical alert: " + signals);
  finish(d, DeploymentResult::kPromoted, "post-deployment verification passed: " + signals);
}

// ---------------------------------------------------------------------------
// Both

bool DeploymentController::still_active(size_t d) {
  const DeploymentRequest& q = records_[d].request;
  for (const DeployInfo& info : ports_.telemetry.deploys()) {
    if (info.service == q.service && info.version == q.version && info.active) return true;
  }
  DeploymentRecord& rec = records_[d];
  rec.rolled_back_by = "another controller";
  ports_.recorder.note(ports_.clock.now(), "deployment",
                       "version " + q.version + " of " + service_id(d) +
                           " is no longer active: rolled back by another controller");
  finish(d, DeploymentResult::kRolledBack,
         "version " + q.version + " was rolled back by another controller");
  return false;
}

void DeploymentController::rollback(size_t d, const std::string& reason) {
  DeploymentRecord& rec = records_[d];
  const size_t service = rec.request.service;
  Run& r = runs_[d];
  if (rec.request.strategy == DeployStrategy::kStandard && r.step >= 0 && r.step < r.replicas) {
    // A replica of the new version was starting: the fleet goes back to N.
    ports_.actuators.scale_service(service, r.replicas);
  }
  if (ports_.actuators.rollback(service)) {
    rec.rolled_back_by = "deployment";
    decide(d, "rollback", reason);
    finish(d, DeploymentResult::kRolledBack, reason);
  } else {
    rec.rolled_back_by = "another controller";
    finish(d, DeploymentResult::kRolledBack,
           reason + "; the version was already rolled back by another controller");
  }
}

void DeploymentController::finish(size_t d, DeploymentResult result, const std::string& reason) {
  DeploymentRecord& rec = records_[d];
  Run& r = runs_[d];
  const Micros now = ports_.clock.now();
  rec.result = result;
  rec.reason = reason;
  rec.ended_at = now;
  if (!rec.steps.empty() && rec.steps.back().end < 0) rec.steps.back().end = now;
  if (r.timer_set) {
    ports_.clock.cancel(r.timer);
    r.timer_set = false;
  }
}

void DeploymentController::on_alert(const Alert& alert, AlertingController::Event event) {
  if (event == AlertingController::Event::kResolved) return;
  for (size_t d = 0; d < records_.size(); ++d) {
    if (!in_progress(d) || alert.service != service_id(d)) continue;
    if (alert.severity == "P0" || alert.severity == "P1") runs_[d].critical_alert = true;
    if (!p_.rollback_on_alert) continue;
    if (!still_active(d)) continue;
    rollback(d, alert.severity + " " + alert.signal + " alert on " + alert.service +
                    " during the rollout (" + number("%.4g", alert.value) + ", threshold " +
                    number("%.4g", alert.threshold) + ")");
  }
}

}  // namespace dreamsim::ctl
