#include "controllers/startup.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <utility>

namespace dreamsim::ctl {
namespace {

constexpr const char* kController = "startup";
// The one alert start-up raises, with an id of its own (alerting counts from 1,
// the detectors and the resilience early warning from bases of their own).
constexpr uint64_t kStartupAlertId = 0x7374000000000000ULL;

std::string format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// "5s", "2m", "1.5s": the units the procedures file uses.
std::string duration(Micros d) {
  if (d >= kMinute && d % kMinute == 0) return std::to_string(d / kMinute) + "m";
  if (d % kSecond == 0) return std::to_string(d / kSecond) + "s";
  return format("%.3gs", static_cast<double>(d) / static_cast<double>(kSecond));
}

std::string percent(double fraction) { return format("%.3g%%", fraction * 100.0); }

std::string seconds(double s) { return format("%.3gs", s); }

}  // namespace

const char* to_string(StartupState s) {
  switch (s) {
    case StartupState::kNotStarted:
      return "not_started";
    case StartupState::kRunning:
      return "running";
    case StartupState::kSucceeded:
      return "succeeded";
    case StartupState::kAborted:
      return "aborted";
    case StartupState::kFailed:
      return "failed";
    case StartupState::kHalted:
      return "halted";
  }
  return "?";
}

const char* to_string(ServiceProgress::Outcome o) {
  using O = ServiceProgress::Outcome;
  switch (o) {
    case O::kNotStarted:
      return "not_started";
    case O::kStarting:
      return "starting";
    case O::kReady:
      return "ready";
    case O::kFailed:
      return "failed";
    case O::kDisabled:
      return "disabled";
    case O::kSkipped:
      return "skipped";
  }
  return "?";
}

SignalCheck check_system_signals(const TelemetryPort& telemetry, size_t ticks,
                                 double max_latency_p95_s, double max_error_rate) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  SignalCheck c;
  c.ticks = ticks;
  c.latency_p95_s = nan;
  c.error_rate = nan;
  if (ticks == 0) return c;
  const size_t system = telemetry.service_count();
  c.latency_p95_s = telemetry.latency_quantile(system, 0.95, ticks);
  // Traffic-weighted, as the alerting controller reads it.
  std::vector<double> errors, traffic;
  telemetry.window(Signal::kErrorRate, system, ticks, errors);
  telemetry.window(Signal::kTraffic, system, ticks, traffic);
  double failed = 0.0, requests = 0.0;
  for (size_t i = 0; i < errors.size() && i < traffic.size(); ++i) {
    failed += errors[i] * traffic[i];
    requests += traffic[i];
  }
  if (requests > 0.0) c.error_rate = failed / requests;
  // NaN compares false: no traffic is not a breach.
  if (c.latency_p95_s > max_latency_p95_s) {
    c.ok = false;
    c.signal = "latency_p95";
    c.value = c.latency_p95_s;
    c.limit = max_latency_p95_s;
  } else if (c.error_rate > max_error_rate) {
    c.ok = false;
    c.signal = "error_rate";
    c.value = c.error_rate;
    c.limit = max_error_rate;
  }
  return c;
}

int gate_probe_limit(Micros timeout, Micros probe_interval, int retries) {
  const Micros interval = std::max<Micros>(1, probe_interval);
  const Micros budget = std::max<Micros>(0, timeout);
  const Micros n = (budget + interval - 1) / interval + std::max(0, retries);
  return static_cast<int>(std::max<Micros>(1, n));
}

StartupProcedures with_p2_limits(StartupProcedures p, const AlertingProcedures& alerting) {
  p.grading_max_latency_p95_s = alerting.latency_p95_s.p2;
  p.grading_max_error_rate = alerting.error_rate.p2;
  return p;
}

StartupController::StartupController(Ports ports, const StartupProcedures& procedures,
                                     std::function<int()> worst_alert_severity)
    : ports_(ports), p_(procedures), worst_alert_severity_(std::move(worst_alert_severity)) {}

void StartupController::start(bool minimal_mode) {
  if (report_.state != StartupState::kNotStarted) return;
  const TelemetryPort& t = ports_.telemetry;
  const size_t n = t.service_count();
  report_.state = StartupState::kRunning;
  report_.minimal_mode = minimal_mode;
  report_.services.resize(n);
  for (size_t s = 0; s < n; ++s) report_.services[s].id = t.service(s).id;
  gates_.assign(n, Gate{});
  ports_.recorder.note(ports_.clock.now(), kController,
                       minimal_mode ? "emergency start-up: minimal mode, core services only"
                                    : "standard start-up sequence");
  set_admission(0.0, "set_traffic_grade",
                "admission closed until the services pass their health gates");
  if (!run_checks()) return;
  if (!build_dag()) return;
  begin_initialize();
}

bool StartupController::run_checks() {
  open_span("pre_startup_checks");
  if (!p_.pre_startup_checks) {
    ports_.recorder.note(ports_.clock.now(), kController,
                         "pre-startup checks skipped by the procedures");
    close_span();
    return true;
  }
  const std::vector<CheckResult> checks = ports_.telemetry.pre_startup_checks();
  std::string failed;
  std::string target;
  for (const CheckResult& c : checks) {
    if (c.ok) continue;
    if (failed.empty()) {
      target = c.target.empty() ? "system" : c.target;
    } else {
      failed += "; ";
    }
    failed += c.check + " (" + c.target + "): " + c.reason;
  }
  close_span();
  if (!failed.empty()) {
    const std::string why = "pre-startup check failed: " + failed;
    decide("abort_startup", target, why);
    finish(StartupState::kAborted, why, "");
    return false;
  }
  ports_.recorder.note(ports_.clock.now(), kController,
                       "pre-startup checks passed (" + std::to_string(checks.size()) + ")");
  return true;
}

bool StartupController::build_dag() {
  open_span("build_dag");
  const TelemetryPort& t = ports_.telemetry;
  dag_ = ServiceDag::from(t);
  std::string error = dag_.error();
  if (dag_.valid() && report_.minimal_mode) {
    for (size_t s = 0; s < dag_.size(); ++s) {
      if (!t.service(s).core) continue;
      for (size_t d : dag_.dependencies(s)) {
        if (t.service(d).core) continue;
        if (!error.empty()) error += "; ";
        error += "minimal mode: core service " + dag_.id(s) + " depends on subsystem " + dag_.id(d);
      }
    }
  }
  close_span();
  if (!error.empty()) {
    const std::string why = "invalid DAG: " + error;
    decide("abort_startup", "system", why);
    finish(StartupState::kAborted, why, "");
    return false;
  }
  for (size_t s : dag_.init_order()) report_.init_order.push_back(dag_.id(s));
  ports_.recorder.note(ports_.clock.now(), kController,
                       "DAG valid: " + std::to_string(dag_.size()) + " services in " +
                           std::to_string(dag_.waves().size()) + " waves");
  return true;
}

void StartupController::begin_initialize() {
  stage_ = Stage::kInitialize;
  open_span("initialize");
  const size_t n = dag_.size();
  in_initialize_.assign(n, 0);
  waiting_ = 0;
  for (size_t s = 0; s < n; ++s) {
    if (!report_.minimal_mode || ports_.telemetry.service(s).core) {
      in_initialize_[s] = 1;
      ++waiting_;
    }
  }
  if (waiting_ == 0) {
    close_span();
    begin_grading();
    return;
  }
  start_eligible();
}

void StartupController::start_eligible() {
  for (size_t s : dag_.init_order()) {
    if (!in_initialize_[s] || gates_[s].step != Step::kNone) continue;
    bool ready = true;
    std::string names;
    for (size_t d : dag_.dependencies(s)) {
      if (gates_[d].step != Step::kPassed) {
        ready = false;
        break;
      }
      names += (names.empty() ? "" : ", ") + name(d);
    }
    if (!ready) continue;
    decide("start_service", name(s),
           names.empty() ? "no dependencies" : "dependencies ready: " + names);
    launch(s);
    if (stage_ != Stage::kInitialize) return;  // the start was refused
  }
}

void StartupController::launch(size_t service) {
  const Micros now = ports_.clock.now();
  Gate& g = gates_[service];
  g.step = Step::kLiveness;
  g.since = now;
  g.probes = 0;
  ServiceProgress& progress = report_.services[service];
  progress.outcome = ServiceProgress::Outcome::kStarting;
  progress.started_at = now;
  if (!ports_.actuators.start_service(service)) {
    gate_failed(service, "the actuator could not start it");
    return;
  }
  g.timer = ports_.clock.call_after(std::max<Micros>(1, p_.probe_interval), [this, service] {
    gates_[service].timer_pending = false;
    probe(service);
  });
  g.timer_pending = true;
}

void StartupController::probe(size_t service) {
  if (stage_ == Stage::kDone) return;  // finish() cancels probes; this is a second guard
  const Micros now = ports_.clock.now();
  Gate& g = gates_[service];
  const ServiceState st = ports_.telemetry.state(service);
  auto terms = [this](Micros timeout) {
    return " (timeout " + duration(timeout) + ", " + std::to_string(p_.health_retries) +
           " re-probes every " + duration(p_.probe_interval) + ")";
  };
  bool just_live = false;
  if (g.step == Step::kLiveness) {
    if (st.live()) {
      g.step = Step::kReadiness;
      g.since = now;
      g.probes = 0;
      report_.services[service].live_at = now;
      just_live = true;
    } else if (++g.probes >=
               gate_probe_limit(p_.liveness_timeout, p_.probe_interval, p_.health_retries)) {
      gate_failed(service, "liveness gate failed: not live " + duration(now - g.since) +
                               " after start" + terms(p_.liveness_timeout));
      return;
    }
  }
  if (g.step == Step::kReadiness) {
    if (st.ready()) {
      gate_passed(service);
      return;
    }
    // The probe that saw liveness is the readiness gate's probe zero.
    if (!just_live && ++g.probes >= gate_probe_limit(p_.readiness_timeout, p_.probe_interval,
                                                     p_.health_retries)) {
      gate_failed(service, "readiness gate failed: not ready " + duration(now - g.since) +
                               " after it was live" + terms(p_.readiness_timeout));
      return;
    }
  }
  g.timer = ports_.clock.call_after(std::max<Micros>(1, p_.probe_interval), [this, service] {
    gates_[service].timer_pending = false;
    probe(service);
  });
  g.timer_pending = true;
}

void StartupController::gate_passed(size_t service) {
  const Micros now = ports_.clock.now();
  gates_[service].step = Step::kPassed;
  ServiceProgress& progress = report_.services[service];
  progress.outcome = ServiceProgress::Outcome::kReady;
  progress.ready_at = now;
  ports_.recorder.note(now, kController,
                       name(service) + " passed its health gates " +
                           duration(now - progress.started_at) + " after start");
  if (stage_ == Stage::kInitialize) {
    --waiting_;
    start_eligible();
    if (stage_ == Stage::kInitialize && waiting_ == 0) {
      close_span();
      begin_grading();
    }
  } else if (stage_ == Stage::kEnable) {
    enabled_at_ = now;
    after(p_.gradual_enable_interval, [this, service] { enable_check(service); });
  }
}

void StartupController::gate_failed(size_t service, const std::string& why) {
  gates_[service].step = Step::kFailed;
  report_.services[service].outcome = ServiceProgress::Outcome::kFailed;
  if (stage_ == Stage::kEnable) {
    // In gradual enable one subsystem's failure is not the system's: stop it
    // and go on with the next.
    ports_.actuators.stop_service(service);
    decide("disable_subsystem", name(service), why);
    enable_next();
    return;
  }
  decide("startup_failed", name(service), why);
  finish(StartupState::kFailed, name(service) + ": " + why, name(service));
}

void StartupController::begin_grading() {
  stage_ = Stage::kGrading;
  size_t up = 0;
  for (char c : in_initialize_) up += c ? 1 : 0;
  if (p_.grading.empty()) {
    set_admission(1.0, "set_traffic_grade", "100%: the procedures have no grading phases");
    end_grading();
    return;
  }
  open_phase(0, "set_traffic_grade",
             "all " + std::to_string(up) + " services passed their health gates");
}

void StartupController::open_phase(size_t phase, const std::string& kind,
                                   const std::string& reason) {
  phase_ = phase;
  phase_opened_ = ports_.clock.now();
  report_.grading_phase = static_cast<int>(phase);
  const GradingPhase& ph = p_.grading[phase];
  close_span();
  open_span("grading " + percent(ph.fraction) +
            (kind == "grading_step_back" ? " (step back)" : ""));
  set_admission(ph.fraction, kind, percent(ph.fraction) + ": " + reason);
  if (ph.hold <= 0) {
    grading_check();
  } else {
    schedule_grading_check();
  }
}

void StartupController::schedule_grading_check() {
  const Micros now = ports_.clock.now();
  const Micros end = phase_opened_ + p_.grading[phase_].hold;
  const Micros next = std::min(now + std::max<Micros>(1, p_.grading_check_interval), end);
  after(next - now, [this] { grading_check(); });
}

void StartupController::grading_check() {
  const GradingPhase& ph = p_.grading[phase_];
  const SignalCheck c = check_since(phase_opened_);
  if (!c.ok) {
    const std::string what = describe(c) + " at " + percent(ph.fraction);
    const int max_step_backs = p_.grading_max_step_backs;
    if (p_.on_breach == BreachAction::kStepBack && phase_ > 0 &&
        report_.step_backs < max_step_backs) {
      ++report_.step_backs;
      open_phase(phase_ - 1, "grading_step_back",
                 what + "; step-back " + std::to_string(report_.step_backs) + " of " +
                     std::to_string(max_step_backs) + ", retry after the hold");
      return;
    }
    std::string why = what;
    if (p_.on_breach == BreachAction::kStepBack) {
      why += phase_ == 0 ? "; no earlier phase to step back to"
                         : "; " + std::to_string(max_step_backs) + " step-backs used";
    }
    why += "; grading halted at " + percent(ph.fraction);
    decide("grading_halted", "system", why);
    finish(StartupState::kHalted, why, "");
    return;
  }
  if (ports_.clock.now() < phase_opened_ + ph.hold) {
    schedule_grading_check();
    return;
  }
  if (phase_ + 1 < p_.grading.size()) {
    open_phase(
        phase_ + 1, "set_traffic_grade",
        percent(ph.fraction) + " held " + duration(ph.hold) + " within P2 (" + describe(c) + ")");
  } else {
    end_grading();
  }
}

void StartupController::end_grading() {
  close_span();
  if (report_.minimal_mode) {
    begin_enable();
  } else {
    begin_verify();
  }
}

void StartupController::begin_enable() {
  stage_ = Stage::kEnable;
  open_span("gradual_enable");
  subsystems_.clear();
  for (size_t s : dag_.init_order()) {
    if (!ports_.telemetry.service(s).core) subsystems_.push_back(s);
  }
  next_subsystem_ = 0;
  enable_next();
}

void StartupController::enable_next() {
  using O = ServiceProgress::Outcome;
  while (next_subsystem_ < subsystems_.size()) {
    const size_t s = subsystems_[next_subsystem_++];
    bool up = true;
    for (size_t d : dag_.dependencies(s)) {
      if (report_.services[d].outcome != O::kReady) {
        report_.services[s].outcome = O::kSkipped;
        decide("skip_subsystem", name(s), "depends on " + name(d) + ", which is not up");
        up = false;
        break;
      }
    }
    if (!up) continue;
    decide("enable_subsystem", name(s),
           "gradual enable " + std::to_string(next_subsystem_) + " of " +
               std::to_string(subsystems_.size()) + " in minimal mode");
    launch(s);
    return;
  }
  close_span();
  begin_verify();
}

void StartupController::enable_check(size_t service) {
  const ServiceState st = ports_.telemetry.state(service);
  const SignalCheck c = check_since(enabled_at_);
  const std::string interval = duration(p_.gradual_enable_interval);
  std::string why;
  if (!st.ready()) {
    why = "not ready " + interval + " after it was enabled";
  } else if (!c.ok) {
    why = describe(c) + " within " + interval + " of enabling it";
  }
  if (why.empty()) {
    ports_.recorder.note(ports_.clock.now(), kController,
                         name(service) + " healthy " + interval + " after it was enabled");
  } else {
    report_.services[service].outcome = ServiceProgress::Outcome::kDisabled;
    ports_.actuators.stop_service(service);
    decide("disable_subsystem", name(service), why);
  }
  enable_next();
}

void StartupController::begin_verify() {
  stage_ = Stage::kVerify;
  open_span("verify");
  verify_from_ = ports_.clock.now();
  after(std::max<Micros>(0, p_.verify_window), [this] { verify(); });
}

void StartupController::verify() {
  using O = ServiceProgress::Outcome;
  size_t ready = 0;
  std::string not_up;
  for (size_t s = 0; s < report_.services.size(); ++s) {
    const O o = report_.services[s].outcome;
    if (o == O::kReady) {
      if (!ports_.telemetry.state(s).ready()) {
        const std::string why = "verify: " + name(s) + " is no longer ready";
        decide("startup_failed", name(s), why);
        finish(StartupState::kFailed, why, name(s));
        return;
      }
      ++ready;
    } else {
      not_up += (not_up.empty() ? "" : ", ") + name(s) + " " + to_string(o);
    }
  }
  const SignalCheck c = check_since(verify_from_);
  if (!c.ok) {
    const std::string why = "verify: " + describe(c);
    decide("startup_failed", "system", why);
    finish(StartupState::kFailed, why, "");
    return;
  }
  const int worst = worst_alert_severity_ ? worst_alert_severity_() : 3;
  if (worst <= 1) {
    const std::string why =
        std::string("verify: a ") + (worst == 0 ? "P0" : "P1") + " alert is firing";
    decide("startup_failed", "system", why);
    finish(StartupState::kFailed, why, "");
    return;
  }
  std::string summary =
      std::to_string(ready) + " services ready; " + describe(c) + "; no P0 or P1 alert";
  if (!not_up.empty()) summary += "; not up: " + not_up;
  decide("startup_verified", "system", summary);
  finish(StartupState::kSucceeded, summary, "");
}

void StartupController::set_admission(double fraction, const std::string& kind,
                                      const std::string& reason) {
  ports_.actuators.set_entry_admission(fraction);
  report_.admission = fraction;
  decide(kind, "system", reason);
}

void StartupController::decide(const std::string& kind, const std::string& target,
                               const std::string& reason) {
  ports_.recorder.decision(Decision{ports_.clock.now(), kController, kind, target, reason});
}

void StartupController::open_span(const std::string& name) {
  const Micros now = ports_.clock.now();
  report_.phases.push_back(PhaseSpan{name, now, -1});
  ports_.recorder.note(now, kController, "phase " + name);
}

void StartupController::close_span() {
  if (!report_.phases.empty() && report_.phases.back().end < 0) {
    report_.phases.back().end = ports_.clock.now();
  }
}

void StartupController::after(Micros delay, std::function<void()> fn) {
  timer_ = ports_.clock.call_after(delay, [this, fn = std::move(fn)] {
    timer_pending_ = false;
    fn();
  });
  timer_pending_ = true;
}

void StartupController::stop_timers() {
  for (Gate& g : gates_) {
    if (g.timer_pending) ports_.clock.cancel(g.timer);
    g.timer_pending = false;
  }
  if (timer_pending_) ports_.clock.cancel(timer_);
  timer_pending_ = false;
}

void StartupController::finish(StartupState state, const std::string& reason,
                               const std::string& service) {
  stop_timers();
  close_span();
  stage_ = Stage::kDone;
  report_.state = state;
  report_.reason = reason;
  report_.failed_service = service;
  report_.finished_at = ports_.clock.now();
  ports_.recorder.note(report_.finished_at, kController,
                       std::string("start-up ") + to_string(state));
  if (state == StartupState::kFailed || state == StartupState::kAborted) {
    // The seed's startup throws ("Service X failed health checks", "Invalid
    // DAG"): somebody has to hear it. A start-up that stopped is a P0 page
    // on the failed service (or the system), from source "startup"; it
    // stays open, since nothing in the sequence retries.
    ports_.recorder.alert_fired(Alert{kStartupAlertId, "P0", "startup",
                                      service.empty() ? "system" : service, kController,
                                      report_.finished_at, 1.0, 0.0});
  }
  for (const Listener& l : listeners_) l(report_);
}

SignalCheck StartupController::check_since(Micros since) const {
  // The ticks that began after `since` and have been recorded: tick k covers
  // [k x tick, (k + 1) x tick), and the tick in progress at `since` ran (in
  // part) before the last action took effect.
  const TelemetryPort& t = ports_.telemetry;
  const int64_t first = since / std::max<Micros>(1, t.tick()) + 1;
  const int64_t count = std::max<int64_t>(0, t.ticks() - first);
  return check_system_signals(t, static_cast<size_t>(count), p_.grading_max_latency_p95_s,
                              p_.grading_max_error_rate);
}

std::string StartupController::describe(const SignalCheck& c) const {
  const std::string over = " over " + std::to_string(c.ticks) + " ticks";
  if (!c.ok) {
    const bool latency = c.signal == "latency_p95";
    return c.signal + " " + (latency ? seconds(c.value) : percent(c.value)) + " > P2 " +
           (latency ? seconds(c.limit) : percent(c.limit)) + over;
  }
  if (c.ticks == 0) return "no signals yet";
  const bool no_traffic = !(c.latency_p95_s == c.latency_p95_s);
  return (no_traffic ? std::string("no traffic") : "p95 " + seconds(c.latency_p95_s)) +
         ", errors " + (c.error_rate == c.error_rate ? percent(c.error_rate) : std::string("n/a")) +
         over;
}

}  // namespace dreamsim::ctl
