#include "controllers/incident.hpp"

#include <algorithm>
#include <cmath>

namespace dreamsim::ctl {

// ---------------------------------------------------------------------------
// ControlController

void ControlController::enable_global_kill_switch(const std::string& reason) {
  if (on_) return;
  on_ = true;
  ports_.actuators.set_kill_switch(true);
  ports_.recorder.decision(
      {ports_.clock.now(), "control", "enable_global_kill_switch", "system", reason});
}

void ControlController::disable_global_kill_switch(const std::string& reason) {
  if (!on_) return;
  on_ = false;
  ports_.actuators.set_kill_switch(false);
  ports_.recorder.decision(
      {ports_.clock.now(), "control", "disable_global_kill_switch", "system", reason});
}

// ---------------------------------------------------------------------------
// IncidentController

namespace {

std::string describe(const Alert& a) { return a.severity + " " + a.signal + " on " + a.service; }

int severity_of(const Alert& a) {
  if (a.severity == "P0") return 0;
  if (a.severity == "P1") return 1;
  if (a.severity == "P2") return 2;
  return kNormal;
}

}  // namespace

IncidentController::IncidentController(Ports ports, const IncidentProcedures& procedures,
                                       AlertingController& alerting, ControlController& control,
                                       RecoveryController& recovery)
    : ports_(ports), p_(procedures), alerting_(alerting), control_(control), recovery_(recovery) {
  recovery_.subscribe(
      [this](const Decision& d, const std::string& requester) { adopt(d, requester); });
}

std::string IncidentController::requester(const Incident& incident) {
  return "incident " + std::to_string(incident.id);
}

void IncidentController::adopt(const Decision& d, const std::string& requester) {
  for (Incident& i : incidents_) {
    if (IncidentController::requester(i) != requester) continue;
    i.actions.push_back(d);
    if (i.responded_at < 0) i.responded_at = d.at;
    if (d.kind == "restart_service" && i.mitigated_at < 0) i.mitigated_at = d.at;
    return;
  }
}

void IncidentController::start() {
  alerting_.subscribe([this](const Alert& a, AlertingController::Event e) { on_alert(a, e); });
}

Micros IncidentController::response_limit(int severity) const {
  switch (severity) {
    case 0: return p_.response_limit_p0;
    case 1: return p_.response_limit_p1;
    default: return p_.response_limit_p2;
  }
}

Incident* IncidentController::find(uint64_t id) {
  for (Incident& i : incidents_) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

Incident* IncidentController::open_incident() {
  for (Incident& i : incidents_) {
    if (i.resolved_at < 0) return &i;
  }
  return nullptr;
}

void IncidentController::on_alert(const Alert& alert, AlertingController::Event event) {
  if (event == AlertingController::Event::kResolved) return;
  // Traffic drops on the system column follow from our own safe mode and
  // kill switch while an incident is open; they page, but open nothing new.
  const int severity = severity_of(alert);
  Incident* open = open_incident();
  if (open == nullptr) {
    Incident incident;
    incident.id = next_id_++;
    incident.severity = severity;
    incident.cause_alert = describe(alert);
    incident.service = alert.service;
    incident.opened_at = alert.fired_at;
    incidents_.push_back(incident);
    open = &incidents_.back();
    paged_at_[open->id] = alert.fired_at;
    ports_.recorder.note(alert.fired_at, "incident",
                         "incident " + std::to_string(open->id) + " opened by " + open->cause_alert);
    schedule_response(*open);
    return;
  }
  if (severity < open->severity) {
    open->severity = severity;
    paged_at_[open->id] = alert.fired_at;
    ports_.recorder.note(alert.fired_at, "incident",
                         "incident " + std::to_string(open->id) + " escalated to " +
                             severity_name(severity) + " by " + describe(alert));
    // A responder who already acted at the lower severity is paged again.
    if (open->responded_at >= 0) schedule_response(*open);
  } else if (open->responded_at >= 0 && severity <= 1 && alert.signal != "traffic_drop") {
    // A new serious page during an incident: look again.
    schedule_response(*open);
  }
}

void IncidentController::schedule_response(Incident& incident) {
  const DelayDistribution& d = p_.operator_delay;
  double delay_us = static_cast<double>(d.median);
  switch (d.kind) {
    case DelayDistribution::Kind::kFixed: break;
    case DelayDistribution::Kind::kExponential:
      delay_us = ports_.random.exponential(static_cast<double>(d.median));
      break;
    case DelayDistribution::Kind::kLognormal:
      delay_us = ports_.random.lognormal(std::log(static_cast<double>(std::max<Micros>(1, d.median))),
                                         d.sigma);
      break;
  }
  const auto delay = static_cast<Micros>(std::llround(std::max(0.0, delay_us)));
  const uint64_t id = incident.id;
  ports_.clock.call_after(delay, [this, id] { respond(id); });
}

void IncidentController::respond(uint64_t id) {
  Incident* incident = find(id);
  if (incident == nullptr || incident->resolved_at >= 0) return;
  const Micros now = ports_.clock.now();
  const Micros paged = paged_at_[id];
  if (now - paged > response_limit(incident->severity)) {
    incident->response_breached = true;
    act(*incident, "response_time_breach", incident->service,
        std::string(severity_name(incident->severity)) + " response after " +
            std::to_string((now - paged) / kSecond) + "s, limit " +
            std::to_string(response_limit(incident->severity) / kSecond) + "s");
  }
  switch (incident->severity) {
    case 0: run_p0(*incident); break;
    case 1: run_p1(*incident); break;
    default: run_p2(*incident); break;
  }
  // The responder has run the runbook even when it called for no action
  // (a P1 on a service with no module and nothing failed): the incident is
  // responded to, so that a later escalation pages again and the recovery
  // watch can close it.
  if (incident->responded_at < 0) incident->responded_at = now;
  start_recovery_watch(id);
}

void IncidentController::act(Incident& incident, const std::string& kind,
                             const std::string& target, const std::string& reason) {
  const Decision d{ports_.clock.now(), "incident", kind, target, reason};
  ports_.recorder.decision(d);
  incident.actions.push_back(d);
  if (incident.responded_at < 0 && kind != "response_time_breach") incident.responded_at = d.at;
}

void IncidentController::run_p0(Incident& incident) {
  const std::string why = "P0 incident: " + incident.cause_alert;
  if (!safe_mode_) {
    safe_mode_ = true;
    if (recovery_.safe_mode().hold("incident")) {
      act(incident, "enable_safe_mode", "system", why);
    } else {
      ports_.recorder.note(
          ports_.clock.now(), "incident",
          "safe mode already on (held by " + recovery_.safe_mode().holders() + ")");
    }
  }
  if (!write_drain_) {
    write_drain_ = true;
    ports_.actuators.set_write_drain(true);
    act(incident, "enable_write_drain", "system", why);
  }
  ports_.recorder.note(ports_.clock.now(), "incident",
                       std::string("check golden signals: worst firing ") +
                           severity_name(alerting_.worst_severity()));
  mitigate(incident, /*aggressive=*/true);
}

void IncidentController::run_p1(Incident& incident) {
  const std::string why = "P1 incident: " + incident.cause_alert;
  const size_t s = service_index(incident.service);
  if (s < ports_.telemetry.service_count()) {
    const std::string& module = ports_.telemetry.service(s).module;
    if (!module.empty() &&
        std::find(disabled_modules_.begin(), disabled_modules_.end(), module) ==
            disabled_modules_.end() &&
        ports_.actuators.set_module_enabled(module, false)) {
      disabled_modules_.push_back(module);
      ModuleHistory& h = module_history_[module];
      const Micros now = ports_.clock.now();
      const bool repeat =
          h.enabled_at >= 0 && h.strikes > 0 && now - h.enabled_at <= 2 * module_hold(h.strikes);
      h.strikes = repeat ? h.strikes + 1 : 1;
      h.enable_pending = false;
      act(incident, "disable_module", module,
          repeat ? why + "; paged again " + std::to_string((now - h.enabled_at) / kSecond) +
                       "s after it was enabled (strike " + std::to_string(h.strikes) + ")"
                 : why);
    }
  }
  ports_.recorder.note(ports_.clock.now(), "incident",
                       std::string("check golden signals: worst firing ") +
                           severity_name(alerting_.worst_severity()));
  mitigate(incident, /*aggressive=*/false);
}

void IncidentController::run_p2(Incident& incident) {
  const Micros until = ports_.clock.now() + p_.p2_boost_duration;
  alerting_.boost(p_.p2_interval_factor, p_.p2_threshold_factor, until);
  act(incident, "increase_monitoring", "system",
      "P2 incident: " + incident.cause_alert + "; evaluations x" +
          std::to_string(p_.p2_interval_factor) + ", thresholds x" +
          std::to_string(p_.p2_threshold_factor));
}

size_t IncidentController::service_index(const std::string& id) const {
  return ports_.telemetry.find_service(id);
}

std::vector<size_t> IncidentController::failed_services_in_dependency_order() const {
  // The failed (or hung) services that are meant to run, in init order, so
  // that dependencies restart first.
  const TelemetryPort& t = ports_.telemetry;
  std::vector<size_t> failed;
  for (size_t s : recovery_.dag().init_order()) {
    const ServiceState st = t.state(s);
    if (st.disabled || st.stopped) continue;
    if (st.failed() || st.hung > 0) failed.push_back(s);
  }
  return failed;
}

bool IncidentController::mitigate(Incident& incident, bool aggressive) {
  const TelemetryPort& t = ports_.telemetry;
  const std::string why =
      std::string(severity_name(incident.severity)) + " incident: " + incident.cause_alert;
  bool mitigated = false;
  auto mark = [&] {
    mitigated = true;
    if (incident.mitigated_at < 0) incident.mitigated_at = ports_.clock.now();
  };

  // 1. Security: an agent reading records out.
  std::vector<AgentInfo> leaking;
  for (const AgentInfo& a : t.agents()) {
    if (!a.quarantined && a.records_read_rps > p_.exfiltration_rps) leaking.push_back(a);
  }
  if (!leaking.empty()) {
    incident.diagnosis = "security";
    if (aggressive) control_.enable_global_kill_switch("Security breach: " + incident.cause_alert);
    for (const AgentInfo& a : leaking) {
      if (ports_.actuators.quarantine_agent(a.id)) {
        act(incident, "quarantine_agent", a.id,
            why + "; agent reads " + std::to_string(static_cast<long long>(a.records_read_rps)) +
                " records/s");
      }
      if (!aggressive && ports_.actuators.rotate_keys(a.key)) {
        act(incident, "rotate_keys", a.key, why + "; key of agent " + a.id);
      }
    }
    if (aggressive && ports_.actuators.rotate_keys("all")) {
      act(incident, "rotate_keys", "all", why + "; security breach");
    }
    mark();
    return mitigated;
  }

  // 2. A deploy that preceded the onset: roll it back. Prefer one on the
  //    alerting service, else the most recent.
  const DeployInfo* blamed = nullptr;
  std::vector<DeployInfo> deploys = t.deploys();
  for (const DeployInfo& d : deploys) {
    if (!d.active || d.at > incident.opened_at || incident.opened_at - d.at > p_.deploy_blame_window) {
      continue;
    }
    const bool on_service = d.service < t.service_count() && t.service(d.service).id == incident.service;
    if (blamed == nullptr || on_service ||
        (d.at > blamed->at && t.service(blamed->service).id != incident.service)) {
      blamed = &d;
    }
  }
  if (blamed != nullptr) {
    incident.diagnosis = "deploy";
    const std::string& id = t.service(blamed->service).id;
    if (ports_.actuators.rollback(blamed->service)) {
      act(incident, "rollback", id,
          why + "; version " + blamed->version + " deployed " +
              std::to_string((incident.opened_at - blamed->at) / kSecond) + "s before onset");
      mark();
    }
    return mitigated;
  }

  // 3. Every service down: the Complete System Failure procedure: the kill
  //    switch, then the full recovery (safe mode, services in dependency
  //    order, verified) by the recovery controller.
  size_t serving = 0, considered = 0;
  for (size_t s = 0; s < t.service_count(); ++s) {
    const ServiceState st = t.state(s);
    if (st.disabled || st.stopped) continue;
    ++considered;
    if (st.serving > 0) ++serving;
  }
  if (considered > 0 && serving == 0) {
    incident.diagnosis = "total_failure";
    if (aggressive) control_.enable_global_kill_switch("Emergency: complete system failure");
    if (recovery_.full_recovery(why, requester(incident))) mark();
    return mitigated;
  }

  // 4. Failed services: service recovery, dependencies first, verified,
  //    with backoff; the recovery watch asks again for services that fail
  //    later.
  const std::vector<size_t> failed = failed_services_in_dependency_order();
  if (!failed.empty() && incident.diagnosis.empty()) incident.diagnosis = "failure";
  for (size_t s : failed) {
    if (recovery_.recover_service(s, why, requester(incident)) ==
        RecoveryController::Result::kRestarted) {
      mark();
    }
  }

  // 5. Otherwise (P0): restart the alerting service. It is up but not
  //    coping; a restart drops its backlog, which is what breaks a retry
  //    storm that outlived its trigger. Not when only traffic drops are
  //    firing: the users are missing upstream, the services cope, and a
  //    restart would take away capacity (a database restart is an outage)
  //    without bringing anyone back.
  if (!mitigated && aggressive && incident.diagnosis.empty() && !signals_normal()) {
    const size_t s = service_index(incident.service);
    if (s < t.service_count() && recovery_.restart_degraded(s, why, requester(incident)) ==
                                     RecoveryController::Result::kRestarted) {
      incident.diagnosis = "degraded";
      mark();
    }
  }
  if (incident.diagnosis.empty()) incident.diagnosis = "none";
  return mitigated;
}

void IncidentController::start_recovery_watch(uint64_t id) {
  if (watching_ == id) return;
  watching_ = id;
  normal_since_ = -1;
  ports_.clock.call_after(p_.recovery_check_interval, [this, id] { check_recovery(id); });
}

bool IncidentController::signals_normal() const {
  // Normal: no firing alert other than traffic drops, which our own safe
  // mode and kill switch cause while the incident is open.
  for (const Alert& a : alerting_.firing()) {
    if (a.signal != "traffic_drop") return false;
  }
  return true;
}

void IncidentController::check_recovery(uint64_t id) {
  Incident* incident = find(id);
  if (incident == nullptr || incident->resolved_at >= 0) {
    if (watching_ == id) watching_ = 0;
    return;
  }
  const TelemetryPort& t = ports_.telemetry;
  const Micros now = ports_.clock.now();
  const std::string why =
      std::string(severity_name(incident->severity)) + " incident: " + incident->cause_alert;

  // Services that failed since: service recovery (a full recovery in
  // progress restores them in its waves).
  if (incident->responded_at >= 0 && incident->severity <= 1 && !recovery_.full_recovery_active()) {
    for (size_t s : failed_services_in_dependency_order()) {
      recovery_.recover_service(s, why, requester(*incident));
    }
  }
  // A degraded service that is still paging gets restarted again, with the
  // recovery's backoff: the first restart may have come while its trigger
  // lasted.
  if (incident->diagnosis == "degraded" && !signals_normal()) {
    const size_t s = service_index(incident->service);
    if (s < t.service_count()) recovery_.restart_degraded(s, why, requester(*incident));
  }
  // Release the kill switch once the threat is contained or the system is back.
  if (control_.kill_switch()) {
    bool contained = true;
    for (const AgentInfo& a : t.agents()) {
      if (!a.quarantined && a.records_read_rps > p_.exfiltration_rps) contained = false;
    }
    bool all_ready = true;
    for (size_t s = 0; s < t.service_count(); ++s) {
      const ServiceState st = t.state(s);
      if (!st.disabled && !st.stopped && !st.ready()) all_ready = false;
    }
    if (contained && all_ready) {
      control_.disable_global_kill_switch("incident " + std::to_string(id) +
                                          ": threat contained, services ready");
    }
  }

  if (incident->responded_at >= 0 && signals_normal() && !control_.kill_switch()) {
    if (normal_since_ < 0) normal_since_ = now;
    if (now - normal_since_ >= p_.safe_mode_exit_after) {
      close(*incident, "signals normal for " + std::to_string((now - normal_since_) / kSecond) + "s");
      watching_ = 0;
      return;
    }
  } else {
    normal_since_ = -1;
  }
  ports_.clock.call_after(p_.recovery_check_interval, [this, id] { check_recovery(id); });
}

void IncidentController::close(Incident& incident, const std::string& why) {
  if (write_drain_) {
    write_drain_ = false;
    ports_.actuators.set_write_drain(false);
    act(incident, "disable_write_drain", "system", why);
  }
  if (safe_mode_) {
    safe_mode_ = false;
    if (recovery_.safe_mode().release("incident")) {
      act(incident, "disable_safe_mode", "system", why);
    } else if (recovery_.safe_mode().on()) {
      ports_.recorder.note(ports_.clock.now(), "incident",
                           "safe mode stays on (held by " + recovery_.safe_mode().holders() + ")");
    }
  }
  for (const std::string& module : disabled_modules_) {
    ModuleHistory& h = module_history_[module];
    const Micros extra = module_hold(h.strikes) - p_.safe_mode_exit_after;
    if (extra > 0) {
      enable_module_later(module, extra,
                          "strike " + std::to_string(h.strikes) + ": held off " +
                              std::to_string(module_hold(h.strikes) / kSecond) +
                              "s in all after incident " + std::to_string(incident.id) +
                              " closed on " + why);
      continue;
    }
    ports_.actuators.set_module_enabled(module, true);
    h.enabled_at = ports_.clock.now();
    act(incident, "enable_module", module, why);
  }
  disabled_modules_.clear();
  incident.resolved_at = ports_.clock.now();
  if (incident.mitigated_at < 0) incident.mitigated_at = incident.responded_at;
  act(incident, "resolve_incident", incident.service, why);
}

Micros IncidentController::module_hold(int strikes) const {
  const int doublings = std::clamp(strikes - 1, 0, 3);
  return p_.safe_mode_exit_after * (Micros{1} << doublings);
}

void IncidentController::enable_module_later(const std::string& module, Micros delay,
                                             const std::string& why) {
  module_history_[module].enable_pending = true;
  ports_.recorder.note(ports_.clock.now(), "incident",
                       module + " stays disabled for " + std::to_string(delay / kSecond) +
                           "s more (" + why + ")");
  ports_.clock.call_after(delay, [this, module, why] {
    ModuleHistory& h = module_history_[module];
    // Disabled again in between (a new incident owns it now): leave it.
    if (!h.enable_pending) return;
    h.enable_pending = false;
    ports_.actuators.set_module_enabled(module, true);
    h.enabled_at = ports_.clock.now();
    ports_.recorder.decision(
        Decision{ports_.clock.now(), "incident", "enable_module", module, why});
  });
}

}  // namespace dreamsim::ctl
