#include "model/expectations.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>

#include "model/controller_host.hpp"

namespace dreamsim::model {
namespace {

using Json = nlohmann::ordered_json;

constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
// Below this a per-tick amount (requests per second, records, writes) is
// float noise, not an event.
constexpr double kEpsilon = 1e-6;

// "1830 s", "1830.5 s".
std::string at_text(int64_t us) {
  char buf[48];
  if (us % 1000000 == 0) {
    std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(us / 1000000));
  } else {
    std::snprintf(buf, sizeof buf, "%.6g s", static_cast<double>(us) / 1e6);
  }
  return buf;
}

std::string number(double v) {
  char buf[48];
  if (std::abs(v) < 9e15 && v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%.6g", v);
  }
  return buf;
}

int severity_bit(const std::string& severity) {
  if (severity == "P0") return kSeverityP0;
  if (severity == "P1") return kSeverityP1;
  if (severity == "P2") return kSeverityP2;
  return 0;
}

bool matches(const AlertPattern& p, const AlertRecord& a) {
  return (p.severities & severity_bit(a.severity)) != 0 &&
         (p.signal.empty() || p.signal == a.signal) &&
         (p.service.empty() || p.service == a.service) &&
         (p.source.empty() || p.source == a.source);
}

bool matches(const ActionPattern& p, const ActionRecord& a) {
  return p.kind == a.kind && (p.target.empty() || p.target == a.target);
}

bool matches(const FaultPattern& p, const FaultRecord& f) {
  return (p.kind.empty() || p.kind == to_string(f.kind)) &&
         (p.target.empty() || p.target == f.target);
}

std::string describe(const AlertRecord& a) {
  return a.severity + " " + a.signal + " on " + a.service + " (" + a.source + ")";
}

std::string describe(const ActionRecord& a) { return a.kind + " on " + a.target; }

std::string describe(const FaultRecord& f) {
  return std::string(to_string(f.kind)) + (f.target.empty() ? "" : " on " + f.target);
}

// A resolved point of the run: when, and what it was.
struct Point {
  int64_t us = 0;
  std::string what;
  // For actions: the index in the world's list, which orders actions of the
  // same instant.
  std::optional<size_t> action_index;
};

// The event's time, or nothing with `why` set when it never happened.
std::optional<Point> resolve(const EventRef& e, const World& world, std::string& why) {
  switch (e.kind) {
    case EventRef::Kind::kStart:
      return Point{0, "the start", std::nullopt};
    case EventRef::Kind::kFirstFault:
    case EventRef::Kind::kFault: {
      const FaultRecord* best = nullptr;
      for (const FaultRecord& f : world.faults()) {
        if (!f.took_effect) continue;
        if (e.kind == EventRef::Kind::kFault && !matches(e.fault, f)) continue;
        if (best == nullptr || *f.took_effect < *best->took_effect) best = &f;
      }
      if (best == nullptr) {
        why = e.kind == EventRef::Kind::kFirstFault ? "no fault took effect"
                                                    : "no fault matching " +
                                                          (e.fault.kind.empty() ? std::string("any")
                                                                                : e.fault.kind) +
                                                          (e.fault.target.empty()
                                                               ? std::string()
                                                               : " on " + e.fault.target) +
                                                          " took effect";
        return std::nullopt;
      }
      return Point{best->took_effect->us(), describe(*best) + " took effect at " +
                                                at_text(best->took_effect->us()),
                   std::nullopt};
    }
    case EventRef::Kind::kLastFaultEnd: {
      const FaultRecord* last = nullptr;
      for (const FaultRecord& f : world.faults()) {
        if (!f.took_effect) continue;
        if (!f.ended) {
          why = describe(f) + " never ended";
          return std::nullopt;
        }
        if (last == nullptr || *f.ended > *last->ended) last = &f;
      }
      if (last == nullptr) {
        why = "no fault took effect";
        return std::nullopt;
      }
      return Point{last->ended->us(),
                   "the last fault (" + describe(*last) + ") ended at " + at_text(last->ended->us()),
                   std::nullopt};
    }
    case EventRef::Kind::kFaultEnd: {
      const FaultRecord* best = nullptr;
      for (const FaultRecord& f : world.faults()) {
        if (!f.ended || !matches(e.fault, f)) continue;
        if (best == nullptr || *f.ended < *best->ended) best = &f;
      }
      if (best == nullptr) {
        why = "no fault matching " + (e.fault.kind.empty() ? std::string("any") : e.fault.kind) +
              " ended";
        return std::nullopt;
      }
      return Point{best->ended->us(), describe(*best) + " ended at " + at_text(best->ended->us()),
                   std::nullopt};
    }
    case EventRef::Kind::kAction: {
      const auto& actions = world.actions();
      for (size_t i = 0; i < actions.size(); ++i) {
        if (!matches(e.action, actions[i])) continue;
        return Point{actions[i].at.us(),
                     "action " + describe(actions[i]) + " at " + at_text(actions[i].at.us()), i};
      }
      why = "no action " + e.action.kind +
            (e.action.target.empty() ? std::string() : " on " + e.action.target) + " was taken";
      return std::nullopt;
    }
    case EventRef::Kind::kAlert: {
      const AlertRecord* best = nullptr;
      for (const AlertRecord& a : world.alerts()) {
        if (!matches(e.alert, a)) continue;
        if (best == nullptr || a.fired_at < best->fired_at) best = &a;
      }
      if (best == nullptr) {
        why = "no matching alert fired";
        return std::nullopt;
      }
      return Point{best->fired_at.us(),
                   describe(*best) + " fired at " + at_text(best->fired_at.us()), std::nullopt};
    }
  }
  why = "?";
  return std::nullopt;
}

Json result(const Expectation& x, std::optional<bool> passed, const std::string& evidence) {
  Json j;
  j["kind"] = to_string(x.kind);
  j["text"] = x.text;
  j["passed"] = passed ? Json(*passed) : Json(nullptr);
  j["evidence"] = evidence;
  return j;
}

// One candidate event of an alert or action expectation.
struct Candidate {
  int64_t us = 0;
  std::optional<size_t> action_index;
  std::string what;
};

// alert, no_alert, action, no_action.
Json judge_window(const Expectation& x, const World& world) {
  const bool absence = x.kind == ExpectationKind::kNoAlert || x.kind == ExpectationKind::kNoAction;
  const bool alerts = x.kind == ExpectationKind::kAlert || x.kind == ExpectationKind::kNoAlert;
  std::vector<Candidate> candidates;
  if (alerts) {
    for (const AlertRecord& a : world.alerts()) {
      if (matches(x.alert, a)) {
        candidates.push_back({a.fired_at.us(), std::nullopt,
                              describe(a) + " fired at " + at_text(a.fired_at.us())});
      }
    }
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Candidate& a, const Candidate& b) { return a.us < b.us; });
  } else {
    const auto& actions = world.actions();
    for (size_t i = 0; i < actions.size(); ++i) {
      if (matches(x.action, actions[i])) {
        candidates.push_back({actions[i].at.us(), i,
                              describe(actions[i]) + " at " + at_text(actions[i].at.us())});
      }
    }
  }
  std::string why;
  const std::optional<Point> from = resolve(*x.after, world, why);
  if (!from) {
    if (absence) return result(x, true, "the window never opened: " + why);
    return result(x, false, "nothing to measure from: " + why);
  }
  std::optional<Point> until;
  if (x.before) {
    std::string why_before;
    until = resolve(*x.before, world, why_before);
    if (!until && !absence) {
      return result(x, false, "nothing to come before: " + why_before);
    }
  }
  const int64_t limit = x.within ? from->us + x.within->us() : kNever;
  auto in_window = [&](const Candidate& c) {
    if (c.us < from->us || c.us > limit) return false;
    // After an action: strictly after it in the order actions were taken,
    // so an action is never "after" itself.
    if (from->action_index && c.action_index && *c.action_index <= *from->action_index) {
      return false;
    }
    if (until) {
      if (c.us > until->us) return false;
      // Actions of one instant are ordered by the order they were taken;
      // between an alert and an action of one instant, the same time counts
      // as before.
      if (c.action_index && until->action_index && *c.action_index >= *until->action_index) {
        return false;
      }
    }
    return true;
  };
  std::string window = from->us == 0 && !x.within ? std::string("from the start")
                                                  : "from " + from->what;
  if (x.within) window += "; limit " + sim::format_duration(*x.within);
  if (until) window += "; before " + until->what;
  if (from->us == 0 && !x.within && !until) window = "the whole run";
  for (const Candidate& c : candidates) {
    if (!in_window(c)) continue;
    if (absence) return result(x, false, c.what + " (window: " + window + ")");
    return result(x, true, c.what + ", " + at_text(c.us - from->us) + " after " + from->what +
                               (x.within ? "; limit " + sim::format_duration(*x.within) : "") +
                               (until ? "; before " + until->what : ""));
  }
  if (absence) {
    return result(x, true,
                  candidates.empty() ? "none in the run (window: " + window + ")"
                                     : std::to_string(candidates.size()) +
                                           " matching, none in the window (" + window + "); first: " +
                                           candidates.front().what);
  }
  if (candidates.empty()) return result(x, false, "none in the run (window: " + window + ")");
  return result(x, false, "none in the window (" + window + "); first match: " + candidates.front().what);
}

Json judge_metric(const Expectation& x, const Json& outcome) {
  const auto metrics = outcome.find("metrics");
  if (metrics == outcome.end() || !metrics->contains(x.metric)) {
    return result(x, false, x.metric + " is not in this run's metrics");
  }
  const Json& v = (*metrics)[x.metric];
  if (!v.is_number()) {
    return result(x, false, x.metric + " is null (not measured in this run: no fault, alert or "
                                       "incident to measure it from)");
  }
  const double value = v.get<double>();
  bool ok = false;
  switch (x.op) {
    case Comparison::kEq:
      ok = value == x.value;
      break;
    case Comparison::kNe:
      ok = value != x.value;
      break;
    case Comparison::kLt:
      ok = value < x.value;
      break;
    case Comparison::kLe:
      ok = value <= x.value;
      break;
    case Comparison::kGt:
      ok = value > x.value;
      break;
    case Comparison::kGe:
      ok = value >= x.value;
      break;
  }
  return result(x, ok, x.metric + " = " + number(value));
}

const TickCheck* find_check(const ExpectationMonitor* monitor, size_t index) {
  if (monitor == nullptr) return nullptr;
  for (const TickCheck& c : monitor->checks()) {
    if (c.expectation == index) return &c;
  }
  return nullptr;
}

std::string tick_text(int64_t tick, const World& world) {
  return "tick " + std::to_string(tick) + " (" + at_text(tick * world.tick().us()) + ")";
}

Json judge_always(const Expectation& x, const TickCheck* c, const World& world) {
  if (c == nullptr) return result(x, false, "not monitored (the run had no tick observer)");
  if (c->violation_tick >= 0) {
    std::string what;
    switch (x.invariant) {
      case Invariant::kNoRequestServedUnderKillSwitch:
        what = number(c->violation_value) + " requests/s served, " + number(c->violation_value2) +
               " records read out, while the kill switch was on";
        break;
      case Invariant::kNoRecordLeavesAfterQuarantine:
        what = number(c->violation_value) + " records left after the first quarantine_agent";
        break;
      case Invariant::kNoWriteLostUnderWriteDrain:
        what = number(c->violation_value) + " writes lost while write drain was on";
        break;
    }
    return result(x, false, tick_text(c->violation_tick, world) + ": " + what);
  }
  if (c->ticks_checked == 0) {
    const char* never = x.invariant == Invariant::kNoRequestServedUnderKillSwitch
                            ? "the kill switch was never on"
                        : x.invariant == Invariant::kNoRecordLeavesAfterQuarantine
                            ? "no agent was quarantined"
                            : "write drain was never on";
    return result(x, true, std::string("held trivially: ") + never);
  }
  return result(x, true,
                "held at every one of the " + std::to_string(c->ticks_checked) +
                    " ticks it applied to, from " + tick_text(c->first_tick, world));
}

Json judge_eventually(const Expectation& x, const TickCheck* c, const World& world,
                      const Json& outcome) {
  int64_t since_us = -1;  // -1: does not hold at the end
  std::string detail;
  if (x.condition == Condition::kIncidentsClosed) {
    int64_t last = 0;
    size_t open = 0;
    size_t total = 0;
    const auto incidents = outcome.find("incidents");
    if (incidents != outcome.end()) {
      for (const Json& i : *incidents) {
        ++total;
        const Json& r = i["resolved_at_s"];
        if (!r.is_number()) {
          ++open;
          continue;
        }
        last = std::max(last, static_cast<int64_t>(std::llround(r.get<double>() * 1e6)));
      }
    }
    if (open > 0) {
      return result(x, false,
                    std::to_string(open) + " of " + std::to_string(total) +
                        " incidents still open at the end of the run");
    }
    since_us = last;
    detail = total == 0 ? "no incident was opened"
                        : "all " + std::to_string(total) + " incidents resolved, the last at " +
                              at_text(last);
  } else {
    if (c == nullptr) return result(x, false, "not monitored (the run had no tick observer)");
    if (c->holds_since_tick < 0) {
      return result(x, false,
                    "does not hold at the end of the run (last false at " +
                        tick_text(c->last_false_tick, world) + ")");
    }
    since_us = c->holds_since_tick * world.tick().us();
    detail = c->last_false_tick < 0
                 ? "held at every tick"
                 : "holds from " + tick_text(c->holds_since_tick, world) + " to the end";
  }
  if (!x.within) return result(x, true, detail);
  EventRef last_end;
  last_end.kind = EventRef::Kind::kLastFaultEnd;
  std::string why;
  const std::optional<Point> end = resolve(last_end, world, why);
  if (!end) return result(x, false, detail + "; but 'after the last fault' never came: " + why);
  const int64_t limit = end->us + x.within->us();
  const bool ok = since_us <= limit;
  const std::string lag =
      since_us <= end->us ? "already when it ended" : at_text(since_us - end->us) + " after it";
  return result(x, ok,
                detail + "; " + end->what + ", " + lag + "; limit " +
                    sim::format_duration(*x.within));
}

Json judge_reachable(const Expectation& x, const World& world,
                     const std::vector<NoteRecord>* notes) {
  std::optional<std::string> found;
  switch (x.reach) {
    case Expectation::Reach::kAction:
      for (const ActionRecord& a : world.actions()) {
        if (matches(x.action, a)) {
          found = describe(a) + " at " + at_text(a.at.us());
          break;
        }
      }
      break;
    case Expectation::Reach::kAlert: {
      const AlertRecord* best = nullptr;
      for (const AlertRecord& a : world.alerts()) {
        if (matches(x.alert, a) && (best == nullptr || a.fired_at < best->fired_at)) best = &a;
      }
      if (best != nullptr) found = describe(*best) + " fired at " + at_text(best->fired_at.us());
      break;
    }
    case Expectation::Reach::kNote:
      if (notes == nullptr) break;
      for (const NoteRecord& n : *notes) {
        if (!x.note_controller.empty() && n.controller != x.note_controller) continue;
        if (n.what.find(x.note) == std::string::npos) continue;
        found = n.controller + ": '" + n.what + "' at " + at_text(n.at.us());
        break;
      }
      break;
  }
  Json j = result(x, std::nullopt, found ? "reached: " + *found : "not reached in this run");
  j["reached"] = found.has_value();
  return j;
}

}  // namespace

// ---------------------------------------------------------------------------
// The monitor

ExpectationMonitor::ExpectationMonitor(const Scenario& scenario, const World& world)
    : scenario_(scenario), world_(world) {
  for (size_t i = 0; i < scenario.expectations.size(); ++i) {
    const Expectation& x = scenario.expectations[i];
    if (x.kind == ExpectationKind::kAlways ||
        (x.kind == ExpectationKind::kEventually && x.condition != Condition::kIncidentsClosed)) {
      TickCheck c;
      c.expectation = i;
      checks_.push_back(c);
    }
  }
}

void ExpectationMonitor::track_switches() {
  const auto& actions = world_.actions();
  for (; action_cursor_ < actions.size(); ++action_cursor_) {
    const ActionRecord& a = actions[action_cursor_];
    const int64_t at = a.at.us();
    if (a.kind == "enable_global_kill_switch") {
      if (kill_switch_since_us_ < 0) kill_switch_since_us_ = at;
    } else if (a.kind == "disable_global_kill_switch") {
      kill_switch_since_us_ = -1;
    } else if (a.kind == "enable_write_drain") {
      if (write_drain_since_us_ < 0) write_drain_since_us_ = at;
    } else if (a.kind == "disable_write_drain") {
      write_drain_since_us_ = -1;
    } else if (a.kind == "quarantine_agent") {
      if (first_quarantine_us_ < 0) first_quarantine_us_ = at;
    }
  }
}

bool ExpectationMonitor::condition_holds(Condition c) const {
  switch (c) {
    case Condition::kAllServicesHealthy:
      for (size_t s = 0; s < world_.service_count(); ++s) {
        const ServiceStatus st = world_.service_status(s);
        if (st.stopped || st.outage || st.desired <= 0 || st.serving != st.desired ||
            world_.service_disabled(s)) {
          return false;
        }
      }
      return true;
    case Condition::kKillSwitchOff:
      return !world_.kill_switch_on();
    case Condition::kSafeModeOff:
      return !world_.safe_mode_on();
    case Condition::kWriteDrainOff:
      return !world_.write_drain_on();
    case Condition::kDataIntact:
      for (size_t i = 0; i < scenario_.data_stores.size(); ++i) {
        if (world_.data_store_status(i).corrupted) return false;
      }
      return true;
    case Condition::kFullAdmission:
      return world_.entry_admission() >= 1.0;
    case Condition::kIncidentsClosed:
      return true;
  }
  return true;
}

void ExpectationMonitor::after_tick(int64_t tick) {
  if (checks_.empty()) return;
  track_switches();
  const WorldMetrics m = world_.metrics();
  const double records = m.records_exfiltrated - records_before_;
  const double writes_lost = m.writes_lost - writes_lost_before_;
  records_before_ = m.records_exfiltrated;
  writes_lost_before_ = m.writes_lost;
  // A switch applies to the ticks that start after the action: one at the
  // very start of a tick may have been taken before or after that tick ran.
  const int64_t tick_start_us = tick * world_.tick().us();
  const GoldenSignals& g = world_.signals();
  for (TickCheck& c : checks_) {
    const Expectation& x = scenario_.expectations[c.expectation];
    if (x.kind == ExpectationKind::kEventually) {
      if (condition_holds(x.condition)) {
        if (c.holds_since_tick < 0) c.holds_since_tick = tick;
      } else {
        c.holds_since_tick = -1;
        c.last_false_tick = tick;
      }
      continue;
    }
    bool applies = false;
    bool broken = false;
    double value = 0.0;
    double value2 = 0.0;
    switch (x.invariant) {
      case Invariant::kNoRequestServedUnderKillSwitch: {
        applies = kill_switch_since_us_ >= 0 && kill_switch_since_us_ < tick_start_us;
        if (!applies) break;
        const double served = g.latest(Signal::kGoodput, g.system_column());
        const double admitted = g.latest(Signal::kTraffic, g.system_column());
        value = std::max(served, admitted);
        value2 = records;
        broken = value > kEpsilon || records > kEpsilon;
        break;
      }
      case Invariant::kNoRecordLeavesAfterQuarantine:
        applies = first_quarantine_us_ >= 0 && first_quarantine_us_ < tick_start_us;
        value = records;
        broken = applies && records > kEpsilon;
        break;
      case Invariant::kNoWriteLostUnderWriteDrain:
        applies = write_drain_since_us_ >= 0 && write_drain_since_us_ < tick_start_us;
        value = writes_lost;
        broken = applies && writes_lost > kEpsilon;
        break;
    }
    if (!applies) continue;
    if (c.first_tick < 0) c.first_tick = tick;
    ++c.ticks_checked;
    if (broken && c.violation_tick < 0) {
      c.violation_tick = tick;
      c.violation_value = value;
      c.violation_value2 = value2;
    }
  }
}

// ---------------------------------------------------------------------------
// Judging

nlohmann::ordered_json evaluate_expectations(const Scenario& scenario, const World& world,
                                             const ExpectationMonitor* monitor,
                                             const std::vector<NoteRecord>* notes,
                                             const nlohmann::ordered_json& outcome) {
  Json out = Json::array();
  for (size_t i = 0; i < scenario.expectations.size(); ++i) {
    const Expectation& x = scenario.expectations[i];
    switch (x.kind) {
      case ExpectationKind::kAlert:
      case ExpectationKind::kNoAlert:
      case ExpectationKind::kAction:
      case ExpectationKind::kNoAction:
        out.push_back(judge_window(x, world));
        break;
      case ExpectationKind::kMetric:
        out.push_back(judge_metric(x, outcome));
        break;
      case ExpectationKind::kAlways:
        out.push_back(judge_always(x, find_check(monitor, i), world));
        break;
      case ExpectationKind::kEventually:
        out.push_back(judge_eventually(x, find_check(monitor, i), world, outcome));
        break;
      case ExpectationKind::kReachable:
        out.push_back(judge_reachable(x, world, notes));
        break;
    }
  }
  return out;
}

bool expectations_passed(const nlohmann::ordered_json& outcome) {
  const auto list = outcome.find("expectations");
  if (list == outcome.end() || !list->is_array()) return true;
  for (const Json& r : *list) {
    const auto p = r.find("passed");
    if (p != r.end() && p->is_boolean() && !p->get<bool>()) return false;
  }
  return true;
}

std::vector<std::string> failed_expectations(const nlohmann::ordered_json& outcome) {
  std::vector<std::string> out;
  const auto list = outcome.find("expectations");
  if (list == outcome.end() || !list->is_array()) return out;
  for (const Json& r : *list) {
    const auto p = r.find("passed");
    if (p == r.end() || !p->is_boolean() || p->get<bool>()) continue;
    out.push_back(r.value("text", std::string()) + ": " + r.value("evidence", std::string()));
  }
  return out;
}

namespace {

// Quoted for a POSIX shell when it holds anything beyond a safe set.
std::string shell_word(const std::string& s) {
  const bool safe = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '/' || c == '.' || c == '-' || c == '_' || c == '+' || c == ',' || c == ':' ||
           c == '=' || c == '@';
  });
  if (safe) return s;
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string replay_command(const std::string& scenario_path, uint64_t seed,
                           const std::string& procedures_path) {
  std::string out = "dreamsim run " + shell_word(scenario_path) + " --seed " + std::to_string(seed);
  if (!procedures_path.empty()) out += " --procedures " + shell_word(procedures_path);
  return out;
}

}  // namespace dreamsim::model
