// The deployment controller: the seed's Deployment Procedures, standard and
// canary, with rollback.
//
// Pre-deployment (both strategies). The tests must have passed, the change
// must be reviewed, and every dependency of the service must be reachable
// (the request says so, and each dependency must be serving, as
// TelemetryPort::state reports it). A failed check aborts the deployment
// with its reason before anything changes (decision abort_deployment).
//
// Standard deployment: a rolling replacement. For each of the service's N
// replicas, one new replica is started (scale to N + 1); when it is ready
// (serving went up by one within replica_ready_timeout, polled every
// probe_interval) it takes its share of traffic (weight i / N) and an old one
// is removed (scale back to N). A replica that is not ready in time rolls
// the deployment back. With every replica replaced, the golden signals of
// the service are verified over verify_window against the alerting P2
// limits (p95 and mean error rate), and no P0 or P1 alert on the service may
// have fired since the deployment began; otherwise it is rolled back.
//
// Canary deployment: the steps of the procedures (seed: 1 % for 5 min, 10 %
// for 5 min, 50 % for 10 min, then 100 %). At the end of each hold (and
// every analysis_interval within it, if set) the judge (controllers/
// judge.hpp) compares the canary's and the baseline's per-tick samples of
// the step (TelemetryPort::version_window, the ticks at the step's weight
// since the step began):
//   pass          -> the next step (at the last, weight 1: promote_canary);
//   marginal      -> the next step as well, with the verdict in the reason:
//                    a marginal canary is measurably worse but inside every
//                    tolerance, and never rolls back on its own (an alert or
//                    a later failing step still can);
//   fail          -> rollback once more than failure_limit judgements failed;
//                    below the limit the step holds for hold_extension and
//                    is judged again (decision hold_canary);
//   inconclusive  -> the step holds (hold_canary) and is judged again after
//                    hold_extension; more than inconclusive_limit
//                    inconclusive judgements roll back;
//   no samples    -> a measurement error; more than consecutive_error_limit
//                    in a row roll back.
// Interim judgements only act on a failure. An alert that fires (or
// escalates) on the deployed service while the rollout is in progress rolls
// back at once (rollback_on_alert).
//
// With the incident runbook. The world lists a deployment in progress among
// its deploys (TelemetryPort::deploys), so the incident runbook may blame it
// and roll it back. Both controllers roll back only an active deploy; the
// deployment controller checks at each step whether its version is still
// active, and when someone else rolled it back it records that and stops,
// so a version is rolled back once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "controllers/alerting.hpp"
#include "controllers/judge.hpp"
#include "controllers/ports.hpp"
#include "controllers/procedures.hpp"

namespace dreamsim::ctl {

enum class DeployStrategy : uint8_t { kCanary, kStandard };
const char* to_string(DeployStrategy s);

// A deployment to carry out, from the scenario.
struct DeploymentRequest {
  size_t service = 0;
  std::string version;
  Micros at = 0;
  DeployStrategy strategy = DeployStrategy::kCanary;
  bool tests_passed = true;
  bool reviewed = true;
  bool dependencies_reachable = true;
};

enum class DeploymentResult : uint8_t { kPending, kInProgress, kPromoted, kRolledBack, kAborted };
const char* to_string(DeploymentResult r);

// One judgement of a canary step, and what the controller did about it.
struct JudgementRecord {
  Micros at = 0;
  bool interim = false;
  Judgement judgement;
  std::string action;  // "next_step", "promote", "hold", "rollback", "none"
};

// One step of a rollout: a canary step, or one replica of a standard one
// (weight i / N), or the standard deployment's verification (weight 1).
struct StepRecord {
  std::string name;  // "canary 1%", "replica 2/4", "verify"
  double weight = 0.0;
  Micros start = 0;
  Micros end = -1;
  std::vector<JudgementRecord> judgements;
};

struct DeploymentRecord {
  DeploymentRequest request;
  DeploymentResult result = DeploymentResult::kPending;
  std::string reason;          // why it ended as it did
  Micros started_at = -1;      // the version staged
  Micros ended_at = -1;
  std::string rolled_back_by;  // "deployment", or "another controller"
  std::vector<StepRecord> steps;
  int failures = 0;
  int inconclusives = 0;
  int consecutive_errors = 0;
};

// The deployment procedures with the verification limits copied from the
// alerting P2 thresholds (latency p95, error rate), as the wiring uses them.
DeploymentProcedures with_p2_limits(DeploymentProcedures d, const AlertingProcedures& a);

class DeploymentController {
 public:
  DeploymentController(Ports ports, const DeploymentProcedures& procedures,
                       std::vector<DeploymentRequest> requests);

  // Schedules every request at its time.
  void start();
  // An alert from any source; subscribe it to the alerting controller.
  void on_alert(const Alert& alert, AlertingController::Event event);

  const std::vector<DeploymentRecord>& deployments() const { return records_; }

 private:
  struct Run {
    int step = -1;                // canary step, or replica being replaced (standard)
    int64_t step_first_tick = 0;  // the first tick of the step's samples
    Micros hold_until = 0;        // the step's judgement is due then
    int replicas = 0;             // standard: N
    int serving_before = 0;       // standard: serving when the replica started
    Micros replica_deadline = 0;
    uint64_t timer = 0;
    bool timer_set = false;
    bool critical_alert = false;  // a P0 or P1 on the service since the start
  };

  void begin(size_t d);
  bool pre_checks(size_t d, std::string& reason) const;
  // Canary.
  void enter_step(size_t d, int step);
  void on_step_timer(size_t d);
  void judge_step(size_t d, bool interim);
  Judgement judge_samples(size_t d, bool& error);
  // Standard.
  void start_replica(size_t d);
  void poll_replica(size_t d);
  void verify(size_t d);
  // Both.
  bool still_active(size_t d);
  void rollback(size_t d, const std::string& reason);
  void finish(size_t d, DeploymentResult result, const std::string& reason);
  void schedule(size_t d, Micros delay, void (DeploymentController::*fn)(size_t));
  void decide(size_t d, const std::string& kind, const std::string& reason);
  const std::string& service_id(size_t d) const;
  bool in_progress(size_t d) const {
    return records_[d].result == DeploymentResult::kInProgress;
  }

  Ports ports_;
  DeploymentProcedures p_;
  std::vector<DeploymentRecord> records_;
  std::vector<Run> runs_;
};

}  // namespace dreamsim::ctl
