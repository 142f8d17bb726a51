// The controller host: binds the controllers' ports to the simulated world
// and runs the procedures against it.
//
// This is the only place where controllers meet the simulation. Each port is
// a thin adapter over World and sim::Simulation:
//   - the clock schedules engine events;
//   - telemetry reads the world's golden signals, but only the ticks that have
//     ended by now (tick k ends at (k + 1) x tick), so what a controller sees
//     at time t does not depend on whether the world's tick event at t has
//     already run;
//   - actuators call the world's setters (a key rotation takes
//     `key_rotation_time` before the old key stops working);
//   - the recorder puts every decision and alert into the world's outcome
//     lists and folds it into the trace hash;
//   - randomness comes from a named stream per controller ("ctl/incident").
#pragma once

#include <map>
#include <memory>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controllers/alerting.hpp"
#include "controllers/deployment.hpp"
#include "controllers/detectors.hpp"
#include "controllers/alert_review.hpp"
#include "controllers/incident.hpp"
#include "controllers/recovery.hpp"
#include "controllers/maintenance_scheduler.hpp"
#include "controllers/traffic_profile.hpp"
#include "controllers/resilience.hpp"
#include "controllers/startup.hpp"
#include "controllers/ports.hpp"
#include "controllers/procedures.hpp"
#include "model/world.hpp"
#include "sim/random.hpp"

namespace dreamsim::model {

// A timeline note from a controller (a start-up phase, an escalation).
struct NoteRecord {
  Time at;
  std::string controller;
  std::string what;
};

class ControllerHost {
 public:
  // `world` must outlive the host; call start() before running the world.
  ControllerHost(World& world, const ctl::Procedures& procedures);
  ~ControllerHost();
  ControllerHost(const ControllerHost&) = delete;
  ControllerHost& operator=(const ControllerHost&) = delete;

  // Starts alerting and the incident runbook, and the start-up sequence when
  // the scenario asks for one (the world must then start with its services
  // stopped: WorldOptions::start_ready = false).
  void start(StartupMode startup);
  // Moves what the controllers recorded into the world's outcome lists; call
  // once, after the run.
  void finish();

  const ctl::AlertingController& alerting() const { return *alerting_; }
  const ctl::IncidentController& incident() const { return *incident_; }
  const ctl::RecoveryController& recovery() const { return *recovery_; }
  const ctl::StartupController* startup() const { return startup_.get(); }
  const ctl::DeploymentController& deployment() const { return *deployment_; }
  // Null when the procedures switch the detectors off.
  const ctl::DetectorController* detectors() const { return detectors_.get(); }
  ctl::DetectorController* detectors() { return detectors_.get(); }
  const ctl::ResilienceController& resilience() const { return *resilience_; }
  // The maintenance jobs; other controllers with maintenance to do (the
  // detectors) add themselves as participants before start().
  ctl::MaintenanceScheduler& maintenance() { return *maintenance_; }
  const ctl::MaintenanceScheduler& maintenance() const { return *maintenance_; }
  const std::vector<NoteRecord>& notes() const;

  // Adds what the controllers know to a run's outcome.json: the metrics
  // ttd_s, ttm_s, ttr_s (from the first fault that took effect to the first
  // alert, the first mitigation and the incident's close), sla_breaches,
  // false_alerts and missed_faults, the incidents with their post-mortems,
  // the start-up report and the timeline notes; the deployments with their
  // steps, verdicts and evidence, and the metrics users_exposed and
  // time_to_rollback_s; and the recovery section (below) with the metrics
  // rpo_s and rto_s.
  //
  // Data recovery's RPO and RTO. For each restore: the data-loss window is
  // from the backup restored to the restore (every write acknowledged in it
  // is lost: writes_lost), and the recovery time runs from the corruption's
  // onset (the data_corruption fault's effect, which the simulation knows
  // and the controller does not) and from its detection to the verified
  // restore. metrics.rpo_s is the longest data-loss window and
  // metrics.rto_s the longest onset-to-restored time over the run's data
  // recoveries (null when nothing was restored; a recovery that gave up or
  // was still running at the end counts to the end of the run).
  //
  // `detection`: precision, recall, delay, false alerts per day and NAB per
  // alert source (model/detection_eval.hpp); `detectors`: the repertoire and
  // its alerts. The resilience section
  // (index minimum, first crossing below the alert level, lead time to the
  // first SLO breach, guardrail triggers) and early_warning_lead_s; the
  // maintenance section (each job that ran, with its actions).
  void annotate(nlohmann::ordered_json& outcome) const;

 private:
  void annotate_resilience(nlohmann::ordered_json& outcome) const;
  void annotate_maintenance(nlohmann::ordered_json& outcome) const;

  class Clock;
  class Telemetry;
  class Actuators;
  class Recorder;
  class Random;
  struct Switches;

  // The outcome's "recovery" section and metrics rpo_s, rto_s.
  void annotate_recovery(nlohmann::ordered_json& outcome) const;

  World& world_;
  std::unique_ptr<Switches> switches_;
  ctl::Procedures procedures_;
  std::unique_ptr<Clock> clock_;
  std::unique_ptr<Telemetry> telemetry_;
  std::unique_ptr<Actuators> actuators_;
  std::unique_ptr<Recorder> recorder_;
  std::unique_ptr<Random> random_incident_;
  std::unique_ptr<Random> random_detectors_;
  std::unique_ptr<ctl::AlertingController> alerting_;
  std::unique_ptr<ctl::ControlController> control_;
  std::unique_ptr<ctl::RecoveryController> recovery_;
  std::unique_ptr<ctl::IncidentController> incident_;
  std::unique_ptr<ctl::StartupController> startup_;
  std::unique_ptr<Random> random_deployment_;
  std::unique_ptr<ctl::DeploymentController> deployment_;
  std::unique_ptr<ctl::DetectorController> detectors_;
  std::unique_ptr<ctl::ResilienceController> resilience_;
  std::unique_ptr<ctl::AlertReview> alert_review_;
  std::unique_ptr<ctl::TrafficProfile> traffic_profile_;
  std::unique_ptr<ctl::MaintenanceScheduler> maintenance_;
};

}  // namespace dreamsim::model
