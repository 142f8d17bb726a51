// Expectations: what a scenario says its run must show. This header holds
// the language (the validated structs that Scenario::expectations holds);
// model/expectations.hpp holds the judge.
//
// The language (scenarios/README.md documents it field by field) is a list of
// small mappings, each led by one key that names its kind:
//
//   - alert: P1               an alert fired (severity, signal, service,
//     signal: latency_p95     source), optionally within a time after an
//     within: 5m              event (by default the first fault) and before
//                             another event;
//   - no_alert: [P0, P1]      no alert of those severities (optionally of a
//                             signal, service, source, in a window);
//   - action: rollback        an action (kind, target) within a time of an
//     target: checkout        event, or before another event;
//   - no_action: ...          no such action;
//   - metrics: {writes_lost: 0, ttr_s: <= 1800}
//                             bounds on outcome.json's metrics, one result each;
//   - always: NAME            an invariant checked at every tick (after the
//                             kill switch nothing is served, ...);
//   - eventually: NAME        a condition that holds at the end of the run,
//     within: 30m             optionally from at most `within` after the last
//                             fault ended (all services healthy, ...);
//   - reachable: KIND         a procedure step (an action kind or a note) that
//                             must happen somewhere in a suite: per run it is
//                             only reported as reached or not, and a sweep
//                             aggregates it; it never fails a run.
//
// The loader (model/expectations_loader.cpp) turns the file's mappings into
// the Expectation structs below, checking every field against the scenario
// (a service or agent that does not exist, a fault kind the scenario never
// schedules, an unknown metric, action kind or invariant: each a file:line
// problem). Each Expectation carries the canonical `text` that outcome.json
// and the sweep's pass rates name it by.
//
// The judge reads the world's records (alerts, actions, faults), the
// controller host's notes, outcome.json's metrics and incidents, and for
// `always` and `eventually` an ExpectationMonitor, a World::TickObserver that
// the Run installs before the run: it keeps one small fixed state per such
// expectation and allocates nothing per tick. Each result is written into
// outcome.json as {"kind", "text", "passed", "evidence"}, where the evidence
// names the tick, time and values that decided it ("fired at 1830 s, 30 s
// after bad_deploy on api took effect at 1800 s; limit 5m"). A `reachable`
// result has "passed": null and "reached": true or false.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace dreamsim::model {

enum class ExpectationKind {
  kAlert,
  kNoAlert,
  kAction,
  kNoAction,
  kMetric,
  kAlways,
  kEventually,
  kReachable
};
const char* to_string(ExpectationKind kind);

// Severity bits of an AlertPattern.
inline constexpr uint8_t kSeverityP0 = 1;
inline constexpr uint8_t kSeverityP1 = 2;
inline constexpr uint8_t kSeverityP2 = 4;
inline constexpr uint8_t kSeverityAny = kSeverityP0 | kSeverityP1 | kSeverityP2;

// Which alerts match. An empty string matches any value.
struct AlertPattern {
  uint8_t severities = kSeverityAny;
  std::string signal;
  std::string service;  // a service id, an agent id or "system"
  std::string source;   // alerting, detectors, resilience, security, ...
};

// Which actions match: `kind` always set; an empty target matches any.
struct ActionPattern {
  std::string kind;
  std::string target;
};

// Which faults match: an empty kind or target matches any.
struct FaultPattern {
  std::string kind;
  std::string target;
};

// A point in the run that `after` and `before` refer to.
struct EventRef {
  enum class Kind {
    kStart,         // time 0
    kFirstFault,    // when the first fault took effect
    kLastFaultEnd,  // when the last fault's effect ended
    kFault,         // when the first matching fault took effect
    kFaultEnd,      // when the first matching fault's effect ended
    kAction,        // the first matching action
    kAlert,         // the first matching alert
  };
  Kind kind = Kind::kFirstFault;
  FaultPattern fault;
  ActionPattern action;
  AlertPattern alert;
};

enum class Comparison { kEq, kNe, kLt, kLe, kGt, kGe };
const char* to_string(Comparison op);

// The invariants `always` can name; each is checked at every tick.
enum class Invariant {
  // From the first tick after an enable_global_kill_switch action until a
  // disable_global_kill_switch, the system serves nothing and admits nothing,
  // and no record leaves.
  kNoRequestServedUnderKillSwitch,
  // From the first tick after the first quarantine_agent action, no record
  // leaves (through any agent or key).
  kNoRecordLeavesAfterQuarantine,
  // While write drain is on (enable_write_drain until disable_write_drain),
  // no acknowledged write is lost.
  kNoWriteLostUnderWriteDrain,
};

// The end states `eventually` can name; each is sampled at every tick, so
// that `within` can say from when it held.
enum class Condition {
  kAllServicesHealthy,  // every service serving all its replicas, none disabled
  kKillSwitchOff,
  kSafeModeOff,
  kWriteDrainOff,
  kDataIntact,          // no data store corrupted
  kFullAdmission,       // all entry traffic admitted (grading finished)
  kIncidentsClosed,     // every incident resolved (from the incident records)
};

struct Expectation {
  ExpectationKind kind = ExpectationKind::kAlert;
  std::string text;  // canonical; names the expectation in outcome.json
  int line = 0;      // where it is written in the scenario file

  // alert, no_alert; also the matched alert of a `reachable: {alert: ...}`
  AlertPattern alert;
  // action, no_action, reachable {action: ...}
  ActionPattern action;
  // alert, no_alert, action, no_action: the window. The event must come at
  // or after `after` (default: the first fault, or the start when the
  // scenario has none), within `within` of it if set, and before `before`
  // if set. `eventually`'s `within` counts from the last fault's end.
  std::optional<sim::Duration> within;
  std::optional<EventRef> after;
  std::optional<EventRef> before;
  // metrics: one bound
  std::string metric;
  Comparison op = Comparison::kEq;
  double value = 0.0;
  // always, eventually
  Invariant invariant = Invariant::kNoRequestServedUnderKillSwitch;
  Condition condition = Condition::kAllServicesHealthy;
  // reachable: an action (action), an alert (alert), or a note whose text
  // contains `note` (from `note_controller` when set).
  enum class Reach { kAction, kAlert, kNote };
  Reach reach = Reach::kAction;
  std::string note;
  std::string note_controller;
};

// Names the loader accepts, for its messages and did-you-mean suggestions.
// A new action kind, alert signal or metric is added here when a controller
// starts producing it.
const std::vector<std::string>& known_action_kinds();
const std::vector<std::string>& known_alert_signals();
const std::vector<std::string>& known_alert_sources();
const std::vector<std::string>& known_metrics();
const std::vector<std::string>& invariant_names();  // Invariant order
const std::vector<std::string>& condition_names();  // Condition order

}  // namespace dreamsim::model
