// The incident runbook (IncidentRunbookCore) and the global kill switch
// (DreamNetControlCore): the seed's Incident Response and Emergency
// Procedures as controllers.
//
// An alert opens an incident at the alert's severity; a later, more severe
// alert escalates it. The human in the loop is a response delay drawn from
// the procedures' distribution (an operator is paged, reads, decides): after
// it, the responder runs the runbook of the incident's severity. The time
// from the first page to that first action is the response time, measured
// against the limits P0 < 5 min, P1 < 15 min, P2 < 1 h; a breach is recorded
// as a decision of kind `response_time_breach`.
//
//   P0: enable safe mode, enable write drain, check the golden signals, then
//       the pre-baked mitigation the diagnosis calls for:
//         - security signals (an agent reading records out): the Security
//           Breach procedure: global kill switch, quarantine the agent,
//           rotate all keys, then release the kill switch;
//         - a deploy that preceded the onset: rollback of that service;
//         - every service down: the Complete System Failure procedure:
//           kill switch, safe mode, full recovery in dependency order
//           (RecoveryController::full_recovery), then release the kill
//           switch;
//         - failed services: service recovery, dependencies first
//           (RecoveryController::recover_service);
//         - otherwise: restart the alerting service (up, but not coping;
//           RecoveryController::restart_degraded).
//       Then monitor recovery, and once no alert has fired for
//       `safe_mode_exit_after`, disable write drain and safe mode and close
//       the incident with a post-mortem record.
//   P1: disable the risky module implicated (the alerting service's module),
//       check the golden signals; "similar to P0 but less aggressive": roll
//       back a blamed deploy, restart a failed service; no safe mode.
//       Closing the incident enables the module again. A module that pages
//       again soon after (within twice its hold) is a repeat offender: each
//       repeat doubles its hold (safe_mode_exit_after, x2, x4, at most x8),
//       and the incident closes but the module stays off until the hold has
//       passed, so a cause that outlasts the incident is not re-enabled
//       straight back into the same page every five minutes.
//   P2: raise the monitoring frequency and lower the thresholds for a while
//       (AlertingController::boost).
//
// Every restart, its health verification, its backoff and giving up are the
// recovery controller's (controllers/recovery.hpp): the runbook decides what
// to recover and asks for it as "incident N"; the recovery's decisions made
// for it are added to the incident's actions (the post-mortem), and its
// first restart is the incident's mitigation. Safe mode is the recovery's
// SafeModeSwitch, held by "incident" while a P0 needs it.
//
// The diagnosis reads only what a real responder could: alerts, service
// states, recent deploys and security signals, never the simulation's ground
// truth. The post-mortem's "known cause" is filled in by the harness.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "controllers/alerting.hpp"
#include "controllers/dag.hpp"
#include "controllers/ports.hpp"
#include "controllers/procedures.hpp"
#include "controllers/recovery.hpp"

namespace dreamsim::ctl {

// DreamNetControlCore: the global kill switch.
class ControlController {
 public:
  explicit ControlController(Ports ports) : ports_(ports) {}
  void enable_global_kill_switch(const std::string& reason);
  void disable_global_kill_switch(const std::string& reason);
  bool kill_switch() const { return on_; }

 private:
  Ports ports_;
  bool on_ = false;
};

// What one incident did, for the post-mortem and the metrics.
struct Incident {
  uint64_t id = 0;
  int severity = kNormal;          // the highest it reached (0 = P0)
  std::string cause_alert;         // "P1 latency_p95 on api"
  std::string service;             // the alerting service, or "system"
  Micros opened_at = 0;            // first page
  Micros responded_at = -1;        // first runbook action
  Micros mitigated_at = -1;        // first mitigation (rollback, restart, ...)
  Micros resolved_at = -1;         // closed
  std::string diagnosis;           // "deploy", "security", "total_failure", "failure", "degraded", "none"
  std::vector<Decision> actions;
  bool response_breached = false;
};

class IncidentController {
 public:
  IncidentController(Ports ports, const IncidentProcedures& procedures,
                     AlertingController& alerting, ControlController& control,
                     RecoveryController& recovery);

  // Subscribes to the alerting controller. Call once.
  void start();

  const std::vector<Incident>& incidents() const { return incidents_; }
  // The incident runbook holds safe mode (a full recovery may hold it too).
  bool safe_mode() const { return safe_mode_; }
  bool write_drain() const { return write_drain_; }

  // The response-time limit of a severity.
  Micros response_limit(int severity) const;

  // A page or resolution from any source. start() subscribes this to the
  // golden-signal alerting; other alert sources (detectors, the resilience
  // early warning) call it directly, with Alert::source naming them.
  void on_alert(const Alert& alert, AlertingController::Event event);

 private:
  void schedule_response(Incident& incident);
  void respond(uint64_t id);
  void run_p0(Incident& incident);
  void run_p1(Incident& incident);
  void run_p2(Incident& incident);
  // Returns true if it mitigated something.
  bool mitigate(Incident& incident, bool aggressive);
  void start_recovery_watch(uint64_t id);
  void check_recovery(uint64_t id);
  void close(Incident& incident, const std::string& why);
  void act(Incident& incident, const std::string& kind, const std::string& target,
           const std::string& reason);
  Incident* find(uint64_t id);
  Incident* open_incident();
  std::vector<size_t> failed_services_in_dependency_order() const;
  size_t service_index(const std::string& id) const;
  bool signals_normal() const;
  // A decision the recovery controller made for `requester`.
  void adopt(const Decision& d, const std::string& requester);
  static std::string requester(const Incident& incident);

  Ports ports_;
  IncidentProcedures p_;
  AlertingController& alerting_;
  ControlController& control_;
  RecoveryController& recovery_;
  std::vector<Incident> incidents_;
  uint64_t next_id_ = 1;
  bool safe_mode_ = false;
  bool write_drain_ = false;
  Micros normal_since_ = -1;
  uint64_t watching_ = 0;  // the incident the recovery watch follows
  std::map<uint64_t, Micros> paged_at_;  // incident -> its latest page
  std::vector<std::string> disabled_modules_;
  // Per module: how often it was disabled in a row (see P1 above), when it
  // was last enabled again, and whether a delayed enable is pending.
  struct ModuleHistory {
    int strikes = 0;
    Micros enabled_at = -1;
    bool enable_pending = false;
  };
  std::map<std::string, ModuleHistory> module_history_;
  Micros module_hold(int strikes) const;
  void enable_module_later(const std::string& module, Micros delay, const std::string& why);
};

}  // namespace dreamsim::ctl
