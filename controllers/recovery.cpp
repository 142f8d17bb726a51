#include "controllers/recovery.hpp"

#include <algorithm>
#include <cmath>

namespace dreamsim::ctl {

namespace {

std::string seconds(Micros us) {
  // Whole seconds print as integers, others with up to three decimals.
  if (us % kSecond == 0) return std::to_string(us / kSecond) + "s";
  const long long ms = std::llround(static_cast<double>(us) / 1e3);
  std::string s = std::to_string(ms / 1000) + "." + std::to_string(1000 + ms % 1000).substr(1);
  while (s.back() == '0') s.pop_back();
  return s + "s";
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::string count_with_names(int n, const char* what, const std::vector<std::string>& names) {
  std::string out = std::to_string(n) + " " + what;
  if (!names.empty()) out += " (" + join(names) + ")";
  return out;
}

bool is_healthy(const ServiceState& st) { return classify(st) == ServiceHealth::kHealthy; }

}  // namespace

const char* to_string(ServiceHealth health) {
  switch (health) {
    case ServiceHealth::kHealthy:
      return "healthy";
    case ServiceHealth::kDegraded:
      return "degraded";
    case ServiceHealth::kFailed:
      return "failed";
    case ServiceHealth::kStarting:
      return "starting";
    case ServiceHealth::kStopped:
      return "stopped";
  }
  return "?";
}

ServiceHealth classify(const ServiceState& st) {
  if (st.stopped || st.desired <= 0) return ServiceHealth::kStopped;
  if (st.serving <= 0) return st.starting > 0 ? ServiceHealth::kStarting : ServiceHealth::kFailed;
  if (st.healthy() && st.hung == 0) return ServiceHealth::kHealthy;
  return ServiceHealth::kDegraded;
}

std::string SystemStatus::summary() const {
  return std::to_string(healthy) + " healthy, " +
         count_with_names(degraded, "degraded", degraded_services) + ", " +
         count_with_names(failed, "failed", failed_services) + ", " + std::to_string(starting) +
         " starting, " + std::to_string(stopped) + " stopped, " + std::to_string(disabled) +
         " disabled";
}

Micros restart_backoff(const RecoveryProcedures& p, int failures) {
  Micros wait = std::max<Micros>(0, p.restart_backoff_base);
  for (int k = 1; k < failures && wait < p.restart_backoff_cap; ++k) wait *= 2;
  return std::min(wait, p.restart_backoff_cap);
}

const char* to_string(ServiceRecovery::State state) {
  switch (state) {
    case ServiceRecovery::State::kIdle:
      return "idle";
    case ServiceRecovery::State::kWaiting:
      return "waiting";
    case ServiceRecovery::State::kVerifying:
      return "verifying";
    case ServiceRecovery::State::kBackoff:
      return "backoff";
    case ServiceRecovery::State::kRecovered:
      return "recovered";
    case ServiceRecovery::State::kGaveUp:
      return "gave_up";
  }
  return "?";
}

const char* to_string(DataRecovery::State state) {
  switch (state) {
    case DataRecovery::State::kVerifying:
      return "verifying";
    case DataRecovery::State::kBackoff:
      return "backoff";
    case DataRecovery::State::kRecovered:
      return "recovered";
    case DataRecovery::State::kGaveUp:
      return "gave_up";
  }
  return "?";
}

const char* to_string(FullRecovery::State state) {
  switch (state) {
    case FullRecovery::State::kRestoring:
      return "restoring";
    case FullRecovery::State::kRecovered:
      return "recovered";
    case FullRecovery::State::kGaveUp:
      return "gave_up";
  }
  return "?";
}

// ---------------------------------------------------------------------------
// SafeModeSwitch

bool SafeModeSwitch::hold(const std::string& holder) {
  const auto it = std::lower_bound(holders_.begin(), holders_.end(), holder);
  if (it != holders_.end() && *it == holder) return false;
  const bool was_on = on();
  holders_.insert(it, holder);
  if (!was_on) actuators_.set_safe_mode(true);
  return !was_on;
}

bool SafeModeSwitch::release(const std::string& holder) {
  const auto it = std::lower_bound(holders_.begin(), holders_.end(), holder);
  if (it == holders_.end() || *it != holder) return false;
  holders_.erase(it);
  if (on()) return false;
  actuators_.set_safe_mode(false);
  return true;
}

bool SafeModeSwitch::held_by(const std::string& holder) const {
  return std::binary_search(holders_.begin(), holders_.end(), holder);
}

std::string SafeModeSwitch::holders() const { return join(holders_); }

// ---------------------------------------------------------------------------
// RecoveryController

RecoveryController::RecoveryController(Ports ports, const RecoveryProcedures& procedures)
    : ports_(ports),
      p_(procedures),
      dag_(ServiceDag::from(ports.telemetry)),
      safe_mode_(ports.actuators) {}

void RecoveryController::start() {
  if (started_) return;
  started_ = true;
  poll_status();
  ports_.clock.call_after(p_.integrity_check_interval, [this] { check_integrity(); });
}

void RecoveryController::note(const std::string& what) {
  ports_.recorder.note(ports_.clock.now(), "recovery", what);
}

void RecoveryController::decide(const std::string& kind, const std::string& target,
                                const std::string& reason, const std::string& requester) {
  const Decision d{ports_.clock.now(), "recovery", kind, target, reason};
  ports_.recorder.decision(d);
  for (const Listener& l : listeners_) l(d, requester);
}

// --- status ------------------------------------------------------------------

SystemStatus RecoveryController::status() const {
  const TelemetryPort& t = ports_.telemetry;
  SystemStatus s;
  for (size_t i = 0; i < t.service_count(); ++i) {
    const ServiceState st = t.state(i);
    if (st.disabled) ++s.disabled;
    switch (classify(st)) {
      case ServiceHealth::kHealthy:
        ++s.healthy;
        break;
      case ServiceHealth::kDegraded:
        ++s.degraded;
        s.degraded_services.push_back(t.service(i).id);
        break;
      case ServiceHealth::kFailed:
        ++s.failed;
        s.failed_services.push_back(t.service(i).id);
        break;
      case ServiceHealth::kStarting:
        ++s.starting;
        break;
      case ServiceHealth::kStopped:
        ++s.stopped;
        break;
    }
  }
  return s;
}

void RecoveryController::poll_status() {
  const SystemStatus s = status();
  if (!status_taken_ || !(s == last_status_)) note("status: " + s.summary());
  status_taken_ = true;
  last_status_ = s;
  for (const size_t service : creation_order_) {
    ServiceRecovery& r = services_.at(service);
    observe_health(r, ports_.telemetry.state(service));
  }
  ports_.clock.call_after(p_.status_interval, [this] { poll_status(); });
}

// --- service recovery ---------------------------------------------------------

ServiceRecovery& RecoveryController::record_for(size_t service) {
  auto it = services_.find(service);
  if (it != services_.end()) return it->second;
  ServiceRecovery r;
  r.service = service;
  r.id = ports_.telemetry.service(service).id;
  creation_order_.push_back(service);
  return services_.emplace(service, std::move(r)).first->second;
}

std::vector<const ServiceRecovery*> RecoveryController::services() const {
  std::vector<const ServiceRecovery*> out;
  for (const size_t s : creation_order_) out.push_back(&services_.at(s));
  return out;
}

void RecoveryController::observe_health(ServiceRecovery& r, const ServiceState& st) {
  const Micros now = ports_.clock.now();
  if (!is_healthy(st)) {
    r.healthy_since = -1;
    return;
  }
  if (r.healthy_since < 0) r.healthy_since = now;
  if (r.active() || now - r.healthy_since < p_.restart_reset_after) return;
  if (r.state == ServiceRecovery::State::kGaveUp) {
    r.state = ServiceRecovery::State::kRecovered;
    r.recovered_at = r.healthy_since;
    note(r.id + " healthy for " + seconds(now - r.healthy_since) +
         ": the recovery that gave up is lifted, restarts count from zero");
    r.attempts = 0;
  } else if (r.attempts > 0) {
    r.attempts = 0;
  }
}

bool RecoveryController::dependencies_ready(size_t service, std::string& missing) const {
  std::vector<std::string> names;
  for (const size_t d : dag_.all_dependencies(service)) {
    const ServiceState st = ports_.telemetry.state(d);
    if (st.stopped || st.desired <= 0) continue;
    if (!st.ready() || st.outage) names.push_back(ports_.telemetry.service(d).id);
  }
  missing = join(names);
  return names.empty();
}

void RecoveryController::request(ServiceRecovery& r, const std::string& reason,
                                 const std::string& requester) {
  const Micros now = ports_.clock.now();
  r.reason = reason;
  r.requester = requester;
  r.requested_at = now;
  r.waiting_for.clear();
  r.state = ServiceRecovery::State::kWaiting;
  r.next_attempt = now;
  // A service restarted before and failing again waits out the backoff of
  // its count, as after a failed attempt.
  if (r.attempts > 0 && r.recovered_at >= 0) {
    r.next_attempt = std::max(now, r.recovered_at + restart_backoff(p_, r.attempts));
  }
}

RecoveryController::Result RecoveryController::recover_service(size_t service,
                                                               const std::string& reason,
                                                               const std::string& requester) {
  const TelemetryPort& t = ports_.telemetry;
  if (service >= t.service_count()) return Result::kHealthy;
  ServiceRecovery& r = record_for(service);
  const ServiceState st = t.state(service);
  observe_health(r, st);
  if (r.active()) return Result::kPending;
  if (st.stopped || st.desired <= 0 || is_healthy(st)) return Result::kHealthy;
  if (r.state == ServiceRecovery::State::kGaveUp) return Result::kGaveUp;
  note("recover " + r.id + " (" + to_string(classify(st)) + ", serving " +
       std::to_string(st.serving) + " of " + std::to_string(st.desired) + "): " + reason);
  request(r, reason, requester);
  // Its dependencies that are not ready recover first, deepest first.
  for (const size_t d : dag_.all_dependencies(service)) {
    const ServiceState ds = t.state(d);
    if (ds.stopped || ds.desired <= 0 || (ds.ready() && !ds.outage) || is_healthy(ds)) continue;
    ServiceRecovery& rd = record_for(d);
    observe_health(rd, ds);
    if (rd.active() || rd.state == ServiceRecovery::State::kGaveUp) continue;
    note("recover " + rd.id + " first: " + r.id + " depends on it");
    request(rd, "dependency of " + r.id + ": " + reason, requester);
  }
  const uint64_t before = restarts_;
  pump();
  if (r.state == ServiceRecovery::State::kGaveUp) return Result::kGaveUp;
  return restarts_ > before ? Result::kRestarted : Result::kPending;
}

RecoveryController::Result RecoveryController::restart_degraded(size_t service,
                                                                const std::string& reason,
                                                                const std::string& requester) {
  const TelemetryPort& t = ports_.telemetry;
  if (service >= t.service_count()) return Result::kHealthy;
  ServiceRecovery& r = record_for(service);
  const ServiceState st = t.state(service);
  observe_health(r, st);
  if (r.active()) return Result::kPending;
  if (st.stopped || st.desired <= 0) return Result::kHealthy;
  if (r.state == ServiceRecovery::State::kGaveUp) return Result::kGaveUp;
  const Micros now = ports_.clock.now();
  if (r.attempts > 0 && r.recovered_at >= 0 &&
      now < r.recovered_at + restart_backoff(p_, r.attempts)) {
    return Result::kPending;
  }
  r.reason = reason + "; up but not coping";
  r.requester = requester;
  r.requested_at = now;
  r.waiting_for.clear();
  restart(r);
  schedule_pump();
  return r.state == ServiceRecovery::State::kGaveUp ? Result::kGaveUp : Result::kRestarted;
}

void RecoveryController::restart(ServiceRecovery& r) {
  const Micros now = ports_.clock.now();
  if (r.attempts >= p_.restart_limit) {
    std::string times;
    for (size_t i = r.restarts.size() - std::min<size_t>(r.restarts.size(), r.attempts);
         i < r.restarts.size(); ++i) {
      if (!times.empty()) times += ", ";
      times += seconds(r.restarts[i]);
    }
    r.state = ServiceRecovery::State::kGaveUp;
    r.gave_up_at = now;
    decide("give_up", r.id,
           r.id + " restarted " + std::to_string(r.attempts) + " times (at " + times +
               ") without staying healthy; restart limit " + std::to_string(p_.restart_limit) +
               " reached, a person must look (" + r.reason + ")",
           r.requester);
    return;
  }
  if (!ports_.actuators.restart_service(r.service)) {
    r.state = ServiceRecovery::State::kGaveUp;
    r.gave_up_at = now;
    decide("give_up", r.id, "the restart of " + r.id + " was refused (" + r.reason + ")",
           r.requester);
    return;
  }
  ++r.attempts;
  ++restarts_;
  r.restarts.push_back(now);
  r.deadline = now + ports_.telemetry.service(r.service).startup_time + p_.verify_timeout;
  r.state = ServiceRecovery::State::kVerifying;
  r.waiting_for.clear();
  // What the dependency check found, as the reason says it.
  std::string deps;
  for (const size_t d : dag_.all_dependencies(r.service)) {
    if (!deps.empty()) deps += ", ";
    deps += ports_.telemetry.service(d).id;
  }
  std::string missing;
  std::string checked = "; no dependencies";
  if (!dependencies_ready(r.service, missing)) {
    checked = "; dependencies not ready (" + missing + ")";
  } else if (!deps.empty()) {
    checked = "; dependencies ready (" + deps + ")";
  }
  decide("restart_service", r.id,
         r.reason + "; attempt " + std::to_string(r.attempts) + " of " +
             std::to_string(p_.restart_limit) + checked,
         r.requester);
}

void RecoveryController::step(ServiceRecovery& r) {
  const Micros now = ports_.clock.now();
  const ServiceState st = ports_.telemetry.state(r.service);
  observe_health(r, st);
  auto wait = [&](const std::string& why) {
    if (r.waiting_for == why) return;
    r.waiting_for = why;
    note(r.id + " waits: " + why);
  };
  switch (r.state) {
    case ServiceRecovery::State::kWaiting:
    case ServiceRecovery::State::kBackoff: {
      if (now < r.next_attempt) return;
      if (st.stopped || st.desired <= 0) {
        r.state = ServiceRecovery::State::kIdle;
        note("recovery of " + r.id + " dropped: it was stopped");
        return;
      }
      if (is_healthy(st)) {
        r.state = ServiceRecovery::State::kRecovered;
        r.recovered_at = now;
        note(r.id + " is healthy again without a restart");
        return;
      }
      if (st.outage) {
        wait("in outage (a restart cannot help until it ends)");
        return;
      }
      std::string missing;
      if (!dependencies_ready(r.service, missing)) {
        // A dependency that was given up leaves nothing to wait for.
        for (const size_t d : dag_.all_dependencies(r.service)) {
          const auto it = services_.find(d);
          if (it == services_.end() || it->second.state != ServiceRecovery::State::kGaveUp)
            continue;
          if (is_healthy(ports_.telemetry.state(d))) continue;
          r.state = ServiceRecovery::State::kGaveUp;
          r.gave_up_at = now;
          decide("give_up", r.id,
                 "its dependency " + it->second.id + " was given up (" + r.reason + ")",
                 r.requester);
          return;
        }
        wait("dependencies not ready (" + missing + ")");
        return;
      }
      if (full_recovery_active() && dag_.valid() && dag_.wave(r.service) > full_.back().wave) {
        wait("wave " + std::to_string(dag_.wave(r.service)) + " of the full recovery");
        return;
      }
      restart(r);
      return;
    }
    case ServiceRecovery::State::kVerifying: {
      if (is_healthy(st)) {
        r.state = ServiceRecovery::State::kRecovered;
        r.recovered_at = now;
        decide("verify_health", r.id,
               r.id + " healthy " + seconds(now - r.restarts.back()) + " after restart " +
                   std::to_string(r.attempts) + " (serving " + std::to_string(st.serving) + " of " +
                   std::to_string(st.desired) + ")",
               r.requester);
        return;
      }
      if (st.outage) {
        // The restart could not take: the attempt does not count.
        --r.attempts;
        r.state = ServiceRecovery::State::kWaiting;
        r.next_attempt = now;
        wait("in outage (a restart cannot help until it ends)");
        return;
      }
      if (now < r.deadline) return;
      const Micros startup = ports_.telemetry.service(r.service).startup_time;
      if (r.attempts >= p_.restart_limit) {
        restart(r);  // records the give-up
        return;
      }
      const Micros backoff = restart_backoff(p_, r.attempts);
      r.state = ServiceRecovery::State::kBackoff;
      r.next_attempt = now + backoff;
      note(r.id + " not healthy " + seconds(now - r.restarts.back()) + " after restart " +
           std::to_string(r.attempts) + " (startup " + seconds(startup) + " + verify timeout " +
           seconds(p_.verify_timeout) + "; " + to_string(classify(st)) + ", serving " +
           std::to_string(st.serving) + " of " + std::to_string(st.desired) +
           "): next restart in " + seconds(backoff));
      return;
    }
    default:
      return;
  }
}

void RecoveryController::schedule_pump() {
  if (pump_scheduled_) return;
  pump_scheduled_ = true;
  ports_.clock.call_after(p_.probe_interval, [this] {
    pump_scheduled_ = false;
    pump();
  });
}

void RecoveryController::pump() {
  if (in_pump_) {
    pump_again_ = true;
    return;
  }
  in_pump_ = true;
  do {
    pump_again_ = false;
    // Dependencies first: the init order when the graph is valid.
    std::vector<size_t> order = dag_.init_order();
    if (order.empty()) {
      for (size_t s = 0; s < ports_.telemetry.service_count(); ++s) order.push_back(s);
    }
    for (const size_t s : order) {
      const auto it = services_.find(s);
      if (it != services_.end() && it->second.active()) step(it->second);
    }
    if (full_recovery_active()) step_full();
  } while (pump_again_);
  in_pump_ = false;
  bool active = full_recovery_active();
  for (const auto& [s, r] : services_) active = active || r.active();
  if (active) schedule_pump();
}

// --- full system recovery -------------------------------------------------------

bool RecoveryController::full_recovery(const std::string& reason, const std::string& requester) {
  if (full_recovery_active()) return false;
  FullRecovery f;
  f.started_at = ports_.clock.now();
  f.reason = reason;
  f.requester = requester;
  f.wave_healthy_at.assign(dag_.waves().size(), -1);
  full_.push_back(f);
  // 1. Enable safe mode.
  if (safe_mode_.hold("recovery")) {
    full_.back().enabled_safe_mode = true;
    decide("enable_safe_mode", "system", "Full recovery: " + reason, requester);
  } else {
    note("full recovery: safe mode already on (held by " + safe_mode_.holders() + ")");
  }
  std::string plan;
  for (const std::vector<size_t>& wave : dag_.waves()) {
    std::vector<std::string> ids;
    for (const size_t s : wave) ids.push_back(ports_.telemetry.service(s).id);
    if (!plan.empty()) plan += " -> ";
    plan += "[";
    plan += join(ids);
    plan += "]";
  }
  note("full recovery in " + std::to_string(dag_.waves().size()) + " waves: " + plan);
  // 2. Restore the services in dependency order (the pump runs the waves).
  pump();
  return true;
}

void RecoveryController::step_full() {
  FullRecovery& f = full_.back();
  const TelemetryPort& t = ports_.telemetry;
  const Micros now = ports_.clock.now();
  if (!dag_.valid()) {
    f.state = FullRecovery::State::kGaveUp;
    f.gave_up_at = now;
    decide("give_up", "system", "full recovery: the dependency graph is invalid: " + dag_.error(),
           f.requester);
    return;
  }
  const auto& waves = dag_.waves();
  while (f.wave < waves.size()) {
    bool all = true;
    for (const size_t s : waves[f.wave]) {
      const ServiceState st = t.state(s);
      if (st.stopped || st.desired <= 0 || is_healthy(st)) continue;
      all = false;
      ServiceRecovery& r = record_for(s);
      observe_health(r, st);
      if (r.state == ServiceRecovery::State::kGaveUp) {
        f.state = FullRecovery::State::kGaveUp;
        f.gave_up_at = now;
        decide("give_up", "system",
               "full recovery stopped at wave " + std::to_string(f.wave) + ": " + r.id +
                   " was given up; safe mode stays on (" + f.reason + ")",
               f.requester);
        return;
      }
      if (!r.active()) {
        request(r, "full recovery, wave " + std::to_string(f.wave) + ": " + f.reason, f.requester);
        step(r);
      }
    }
    if (!all) return;
    std::vector<std::string> ids;
    for (const size_t s : waves[f.wave]) ids.push_back(t.service(s).id);
    f.wave_healthy_at[f.wave] = now;
    note("full recovery: wave " + std::to_string(f.wave) + " healthy (" + join(ids) + ")");
    ++f.wave;
  }
  // 3. Verify system health.
  const SystemStatus s = status();
  if (!s.all_healthy()) {
    // Something that was healthy is not any more: go back to its wave.
    for (size_t i = 0; i < t.service_count(); ++i) {
      const ServiceState st = t.state(i);
      if (st.stopped || st.desired <= 0 || is_healthy(st)) continue;
      f.wave = std::min(f.wave, dag_.wave(i));
    }
    return;
  }
  decide("verify_health", "system", "full recovery verified: " + s.summary(), f.requester);
  // 4. Disable safe mode (unless someone else still holds it).
  if (safe_mode_.release("recovery")) {
    decide("disable_safe_mode", "system", "full recovery complete: " + f.reason, f.requester);
  } else if (safe_mode_.on()) {
    note("full recovery complete; safe mode stays on (held by " + safe_mode_.holders() + ")");
  }
  f.state = FullRecovery::State::kRecovered;
  f.completed_at = now;
}

// --- data recovery ------------------------------------------------------------------

bool RecoveryController::data_recovery_active(size_t store) const {
  for (const DataRecovery& d : data_) {
    if (d.store == store && d.active()) return true;
  }
  return false;
}

void RecoveryController::check_integrity() {
  const std::vector<DataStoreInfo> stores = ports_.telemetry.data_stores();
  for (size_t i = 0; i < stores.size(); ++i) {
    if (stores[i].integrity_ok || data_recovery_active(i)) continue;
    // A store given up stays given up while it is corrupted: nothing that
    // could change (a good backup) can appear while it is.
    bool given_up = false;
    for (const DataRecovery& d : data_) {
      if (d.store == i) given_up = d.state == DataRecovery::State::kGaveUp;
    }
    if (given_up) continue;
    DataRecovery d;
    d.store = i;
    d.id = stores[i].id;
    d.detected_at = ports_.clock.now();
    data_.push_back(d);
    note("integrity check: data store " + d.id + " is corrupted");
    restore(data_.size() - 1);
  }
  ports_.clock.call_after(p_.integrity_check_interval, [this] { check_integrity(); });
}

void RecoveryController::restore(size_t index) {
  DataRecovery& d = data_[index];
  const Micros now = ports_.clock.now();
  const std::vector<DataStoreInfo> stores = ports_.telemetry.data_stores();
  const DataStoreInfo& info = stores.at(d.store);
  auto give_up = [&](const std::string& why) {
    d.state = DataRecovery::State::kGaveUp;
    d.gave_up_at = now;
    d.reason = why;
    decide("give_up", d.id, why, "");
  };
  if (info.good_backups <= 0 || info.last_good_backup < 0) {
    give_up("data store " + d.id +
            " is corrupted and has no good backup (none was taken before the corruption)");
    return;
  }
  const double lost = ports_.actuators.restore_backup(d.store);
  if (lost < 0.0) {
    give_up("the restore of data store " + d.id + " was refused");
    return;
  }
  ++d.restores;
  d.restored_at = now;
  d.backup_at = info.last_good_backup;
  d.writes_lost += lost;
  d.state = DataRecovery::State::kVerifying;
  decide("restore_backup", d.id,
         "integrity check at " + seconds(d.detected_at) + " found " + d.id +
             " corrupted; restored the newest good backup, taken at " + seconds(d.backup_at) +
             " (" + std::to_string(info.good_backups) + " good); " +
             std::to_string(std::llround(lost)) + " writes since it are lost",
         "");
  ports_.clock.call_after(p_.integrity_verify_after, [this, index] { verify_restore(index); });
}

void RecoveryController::verify_restore(size_t index) {
  DataRecovery& d = data_[index];
  const Micros now = ports_.clock.now();
  const std::vector<DataStoreInfo> stores = ports_.telemetry.data_stores();
  if (stores.at(d.store).integrity_ok) {
    d.state = DataRecovery::State::kRecovered;
    d.verified_at = now;
    decide("verify_integrity", d.id,
           "integrity of " + d.id + " ok " + seconds(now - d.restored_at) + " after the restore; " +
               std::to_string(std::llround(d.writes_lost)) + " writes lost since the backup of " +
               seconds(d.backup_at),
           "");
    return;
  }
  if (d.restores >= p_.restore_limit) {
    d.state = DataRecovery::State::kGaveUp;
    d.gave_up_at = now;
    d.reason = "integrity of " + d.id + " still failing after " + std::to_string(d.restores) +
               " restores; restore limit " + std::to_string(p_.restore_limit) + " reached";
    decide("give_up", d.id, d.reason, "");
    return;
  }
  const Micros backoff = restart_backoff(p_, d.restores);
  d.state = DataRecovery::State::kBackoff;
  decide("verify_integrity", d.id,
         "integrity of " + d.id + " still failing " + seconds(now - d.restored_at) +
             " after restore " + std::to_string(d.restores) + "; restoring again in " +
             seconds(backoff),
         "");
  ports_.clock.call_after(backoff, [this, index] { restore(index); });
}

}  // namespace dreamsim::ctl
