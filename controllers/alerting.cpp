#include "controllers/alerting.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dreamsim::ctl {

const char* to_string(AlertSignal s) {
  switch (s) {
    case AlertSignal::kLatencyP95: return "latency_p95";
    case AlertSignal::kErrorRate: return "error_rate";
    case AlertSignal::kTrafficDrop: return "traffic_drop";
    case AlertSignal::kCpu: return "saturation_cpu";
    case AlertSignal::kMemory: return "saturation_memory";
  }
  return "?";
}

const char* severity_name(int severity) {
  switch (severity) {
    case 0: return "P0";
    case 1: return "P1";
    case 2: return "P2";
    default: return "normal";
  }
}

int classify(double value, const Thresholds& t, double p2_factor) {
  if (!(value == value)) return kNormal;  // NaN: no data is not a breach
  if (value > t.p0) return 0;
  if (value > t.p1) return 1;
  if (value > t.p2 * p2_factor) return 2;
  return kNormal;
}

AlertingController::AlertingController(Ports ports, const AlertingProcedures& procedures)
    : ports_(ports),
      p_(procedures),
      states_((ports.telemetry.service_count() + 1) * kAlertSignalCount),
      traffic_(ports.telemetry.service_count() + 1) {}

namespace {
constexpr double kTrafficScale = 1048576.0;  // 2^20: fixed point of the traffic sums
}  // namespace

bool AlertingController::update_traffic(size_t column, size_t window_ticks,
                                        size_t baseline_ticks) const {
  const TelemetryPort& t = ports_.telemetry;
  TrafficSums& s = traffic_[column];
  const size_t span = window_ticks + baseline_ticks;
  if (s.ring.size() != span) {
    s = TrafficSums{};
    s.ring.assign(span, 0);
  }
  const int64_t now = t.ticks();
  const int64_t fresh = now - s.seen;
  if (fresh <= 0) return s.count == span;
  if (fresh >= static_cast<int64_t>(span)) {
    s.head = s.count = 0;
    s.window_sum = s.base_sum = 0;
  }
  t.window(Signal::kTraffic, column,
           static_cast<size_t>(std::min<int64_t>(fresh, static_cast<int64_t>(span))), scratch_);
  s.seen = now;
  for (const double v : scratch_) {
    const int64_t q = std::isfinite(v) ? std::llround(v * kTrafficScale) : 0;
    if (s.count == span) {  // the oldest baseline tick leaves
      s.base_sum -= s.ring[s.head];
      s.head = (s.head + 1) % span;
      --s.count;
    }
    s.ring[(s.head + s.count) % span] = q;
    ++s.count;
    s.window_sum += q;
    if (s.count > window_ticks) {  // the oldest window tick joins the baseline
      const int64_t moved = s.ring[(s.head + s.count - 1 - window_ticks) % span];
      s.window_sum -= moved;
      s.base_sum += moved;
    }
  }
  return s.count == span;
}

void AlertingController::start() {
  if (started_) return;
  started_ = true;
  schedule_next();
}

void AlertingController::schedule_next() {
  const Micros now = ports_.clock.now();
  Micros next;
  if (now < boost_until_) {
    const auto boosted =
        static_cast<Micros>(static_cast<double>(p_.evaluation_interval) * boost_interval_factor_);
    next = now + (boosted > 0 ? boosted : 1);
  } else {
    // Back on the grid t = k x interval.
    next = (now / p_.evaluation_interval + 1) * p_.evaluation_interval;
  }
  timer_ = ports_.clock.call_after(next - now, [this] {
    evaluate();
    schedule_next();
  });
}

void AlertingController::boost(double interval_factor, double threshold_factor, Micros until) {
  boost_interval_factor_ = interval_factor;
  boost_threshold_factor_ = threshold_factor;
  boost_until_ = until;
  // Take effect now, not after the next evaluation on the old grid.
  if (started_ && ports_.clock.cancel(timer_)) schedule_next();
}

const Thresholds& AlertingController::thresholds(AlertSignal s) const {
  switch (s) {
    case AlertSignal::kLatencyP95: return p_.latency_p95_s;
    case AlertSignal::kErrorRate: return p_.error_rate;
    case AlertSignal::kTrafficDrop: return p_.traffic_drop;
    case AlertSignal::kCpu:
    case AlertSignal::kMemory: return p_.saturation;
  }
  return p_.saturation;
}

double AlertingController::read(size_t column, AlertSignal signal, size_t window_ticks,
                                size_t baseline_ticks, Micros now, bool* valid) const {
  const TelemetryPort& t = ports_.telemetry;
  *valid = false;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  switch (signal) {
    case AlertSignal::kLatencyP95: {
      const double v = t.latency_quantile(column, 0.95, window_ticks);
      *valid = v == v;
      return v;
    }
    case AlertSignal::kErrorRate: {
      // Traffic-weighted, as rate(errors) / rate(requests) would be.
      t.window(Signal::kErrorRate, column, window_ticks, scratch_);
      t.window(Signal::kTraffic, column, window_ticks, scratch2_);
      double errors = 0.0, requests = 0.0;
      for (size_t i = 0; i < scratch_.size() && i < scratch2_.size(); ++i) {
        errors += scratch_[i] * scratch2_[i];
        requests += scratch2_[i];
      }
      *valid = requests > 0.0;
      return requests > 0.0 ? errors / requests : nan;
    }
    case AlertSignal::kTrafficDrop: {
      // The baseline is the stretch just before the window.
      if (!update_traffic(column, window_ticks, baseline_ticks)) return nan;
      const TrafficSums& sums = traffic_[column];
      const double base =
          static_cast<double>(sums.base_sum) / kTrafficScale / static_cast<double>(baseline_ticks);
      const double recent =
          static_cast<double>(sums.window_sum) / kTrafficScale / static_cast<double>(window_ticks);
      if (base < p_.traffic_min_rps) return nan;
      *valid = true;
      double expected = 1.0;
      if (expected_traffic_) {
        const Micros tick = t.tick();
        const Micros window_from = now - static_cast<Micros>(window_ticks) * tick;
        const double e = expected_traffic_(
            column, window_from, now, window_from - static_cast<Micros>(baseline_ticks) * tick,
            window_from);
        if (e > 0.0) expected = e;  // NaN or none: the plain rule
      }
      return 1.0 - recent / base / expected;
    }
    case AlertSignal::kCpu:
    case AlertSignal::kMemory: {
      t.window(signal == AlertSignal::kCpu ? Signal::kCpu : Signal::kMemory, column,
               window_ticks, scratch_);
      if (scratch_.empty()) return nan;
      double sum = 0.0;
      for (double v : scratch_) sum += v;
      *valid = true;
      return sum / static_cast<double>(scratch_.size());
    }
  }
  return nan;
}

void AlertingController::evaluate() {
  const TelemetryPort& t = ports_.telemetry;
  const Micros now = ports_.clock.now();
  const Micros tick = t.tick();
  const auto window_ticks = static_cast<size_t>(std::max<Micros>(1, p_.window / tick));
  const auto baseline_ticks = static_cast<size_t>(std::max<Micros>(1, p_.traffic_baseline / tick));
  const size_t services = t.service_count();
  for (size_t column = 0; column <= services; ++column) {
    if (column < services && !p_.per_service) continue;
    if (column == services && !p_.system_wide) continue;
    // A service switched off on purpose (safe mode, a disabled module) is
    // silenced: its drop in traffic is the intent, not an incident.
    const bool silenced = column < services && t.state(column).disabled;
    for (size_t k = 0; k < kAlertSignalCount; ++k) {
      const auto signal = static_cast<AlertSignal>(k);
      bool valid = false;
      const double value =
          silenced ? 0.0 : read(column, signal, window_ticks, baseline_ticks, now, &valid);
      step(column, signal, value, valid, now);
    }
  }
  if (exfiltration_rps_ >= 0.0) step_security(now);
}

void AlertingController::step_security(Micros now) {
  const std::vector<AgentInfo> agents = ports_.telemetry.agents();
  agent_states_.resize(agents.size());
  for (size_t a = 0; a < agents.size(); ++a) {
    State& s = agent_states_[a];
    const bool breach = !agents[a].quarantined && agents[a].records_read_rps > exfiltration_rps_;
    s.last_value = agents[a].records_read_rps;
    if (breach) {
      s.normal_since = -1;
      if (s.phase != 2) {
        s.phase = 2;
        s.severity = 0;
        s.alert.id = next_alert_id_++;
        s.alert.severity = "P0";
        s.alert.signal = "exfiltration";
        s.alert.service = agents[a].id;
        s.alert.source = "security";
        s.alert.fired_at = now;
        s.alert.value = agents[a].records_read_rps;
        s.alert.threshold = exfiltration_rps_;
        emit(s.alert, Event::kFired);
      }
    } else if (s.phase == 2) {
      if (s.normal_since < 0) s.normal_since = now;
      if (now - s.normal_since >= p_.resolve_after) {
        s.phase = 0;
        s.severity = kNormal;
        s.normal_since = -1;
        emit(s.alert, Event::kResolved);
      }
    }
  }
}

std::string AlertingController::column_name(size_t column) const {
  const TelemetryPort& t = ports_.telemetry;
  return column < t.service_count() ? t.service(column).id : "system";
}

void AlertingController::step(size_t column, AlertSignal signal, double value, bool valid,
                              Micros now) {
  State& s = states_[column * kAlertSignalCount + static_cast<size_t>(signal)];
  s.last_value = value;
  const double factor = now < boost_until_ ? boost_threshold_factor_ : 1.0;
  const int severity = valid ? classify(value, thresholds(signal), factor) : kNormal;
  const Thresholds& th = thresholds(signal);
  const double threshold_of[3] = {th.p0, th.p1, th.p2 * factor};

  if (severity == kNormal) {
    if (s.phase == 1) {  // a pending breach that did not hold
      s.phase = 0;
      s.severity = kNormal;
    }
    if (s.phase == 2) {
      if (s.normal_since < 0) s.normal_since = now;
      if (now - s.normal_since >= p_.resolve_after) {
        s.phase = 0;
        s.severity = kNormal;
        s.normal_since = -1;
        emit(s.alert, Event::kResolved);
      }
    }
    return;
  }
  s.normal_since = -1;
  auto page = [&](int sev) {
    s.alert.id = next_alert_id_++;
    s.alert.severity = severity_name(sev);
    s.alert.signal = to_string(signal);
    s.alert.service = column_name(column);
    s.alert.source = "alerting";
    s.alert.fired_at = now;
    s.alert.value = value;
    s.alert.threshold = threshold_of[sev];
    s.severity = sev;
  };
  switch (s.phase) {
    case 0:
      s.phase = 1;
      s.pending_since = now;
      s.severity = severity;
      [[fallthrough]];
    case 1:
      if (now - s.pending_since >= p_.for_duration) {
        s.phase = 2;
        page(severity);
        emit(s.alert, Event::kFired);
      }
      return;
    case 2:
      if (severity < s.severity) {
        // One page at a time: the lower page closes as the higher one opens.
        ports_.recorder.alert_resolved(s.alert, now);
        page(severity);
        emit(s.alert, Event::kEscalated);
      }
      return;
  }
}

void AlertingController::emit(const Alert& a, Event e) {
  RecorderPort& r = ports_.recorder;
  if (e == Event::kResolved) {
    r.alert_resolved(a, ports_.clock.now());
  } else {
    if (e == Event::kEscalated) {
      r.note(a.fired_at, "alerting",
             std::string("escalated ") + a.signal + " on " + a.service + " to " + a.severity);
    }
    r.alert_fired(a);
  }
  for (const Listener& l : listeners_) l(a, e);
}

std::vector<Alert> AlertingController::firing() const {
  std::vector<Alert> out;
  for (const auto* list : {&states_, &agent_states_}) {
    for (const State& s : *list) {
      if (s.phase == 2) out.push_back(s.alert);
    }
  }
  return out;
}

int AlertingController::worst_severity() const {
  int worst = kNormal;
  for (const auto* list : {&states_, &agent_states_}) {
    for (const State& s : *list) {
      if (s.phase == 2 && s.severity < worst) worst = s.severity;
    }
  }
  return worst;
}

double AlertingController::last_value(size_t column, AlertSignal signal) const {
  return states_[column * kAlertSignalCount + static_cast<size_t>(signal)].last_value;
}

}  // namespace dreamsim::ctl
