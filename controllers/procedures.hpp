// The procedures: every number and choice a team would change in a pull
// request, as validated structs. The defaults are the seed's numbers
// (shared/seed/operational-procedures.md) and are written out in
// scenarios/procedures/default.yaml; the loader (model/procedures_loader.hpp)
// fills these from a YAML or JSON file, and nothing downstream sees the file.
//
// Durations are Micros (int64 microseconds). Thresholds are per severity,
// P0 the most severe: a signal at or beyond the P0 threshold is P0, else at
// or beyond P1 is P1, and so on (the exact edges are in
// controllers/alerting.hpp).
#pragma once

#include <string>
#include <vector>

#include "controllers/judge.hpp"
#include "controllers/ports.hpp"

namespace dreamsim::ctl {

struct Thresholds {
  double p0 = 0.0;
  double p1 = 0.0;
  double p2 = 0.0;
};

struct AlertingProcedures {
  Micros evaluation_interval = 10 * kSecond;  // how often rules are evaluated
  Micros window = 1 * kMinute;                // the signal is read over this window
  Micros for_duration = 0;                    // a breach must hold this long to fire
  Micros resolve_after = 2 * kMinute;         // normal this long before resolving
  Thresholds latency_p95_s{5.0, 2.0, 1.0};
  Thresholds error_rate{0.10, 0.05, 0.01};
  Thresholds traffic_drop{0.50, 0.25, 0.10};  // fraction below the baseline
  Thresholds saturation{0.95, 0.85, 0.75};    // CPU or memory
  Micros traffic_baseline = 1 * kHour;        // the baseline is the mean over this, before the window
  double traffic_min_rps = 1.0;               // no traffic-drop alert below this baseline
  bool per_service = true;
  bool system_wide = true;
};

struct GradingPhase {
  double fraction = 1.0;  // of entry traffic admitted
  Micros hold = 0;        // signals must hold this long before the next phase
};

enum class BreachAction { kHalt, kStepBack };

struct StartupProcedures {
  bool pre_startup_checks = true;
  Micros liveness_timeout = 30 * kSecond;
  Micros readiness_timeout = 60 * kSecond;
  int health_retries = 2;                    // re-probes before a gate fails
  Micros probe_interval = 5 * kSecond;
  std::vector<GradingPhase> grading = {{0.01, 2 * kMinute}, {0.10, 2 * kMinute},
                                       {0.50, 2 * kMinute}, {1.00, 0}};
  BreachAction on_breach = BreachAction::kHalt;
  Micros verify_window = 1 * kMinute;
  // Emergency start-up: core services first, then one subsystem at a time.
  bool minimal_mode = false;
  Micros gradual_enable_interval = 1 * kMinute;
  // Traffic grading reads the system's golden signals this often during a
  // phase's hold (over the ticks since the phase opened) and once more at its
  // end; a breach acts at once rather than at the end of the hold.
  Micros grading_check_interval = 10 * kSecond;
  // The limits grading holds the system to: the alerting procedures' P2
  // thresholds (seed: p95 > 1 s, error rate > 1 %). The defaults are the
  // seed's; with_p2_limits() (controllers/startup.hpp) copies them from the
  // AlertingProcedures in use, so that one pull request changes both.
  double grading_max_latency_p95_s = 1.0;
  double grading_max_error_rate = 0.01;
  // On BreachAction::kStepBack, how many step-backs before grading halts
  // instead (a system that breaches every time is not going to hold).
  int grading_max_step_backs = 3;
};

// A delay drawn for the human in the loop.
struct DelayDistribution {
  enum class Kind { kFixed, kExponential, kLognormal } kind = Kind::kLognormal;
  Micros median = 2 * kMinute;  // fixed: the value; exponential: the mean
  double sigma = 0.5;           // lognormal only
};

struct IncidentProcedures {
  DelayDistribution operator_delay;
  Micros response_limit_p0 = 5 * kMinute;
  Micros response_limit_p1 = 15 * kMinute;
  Micros response_limit_p2 = 1 * kHour;
  Micros safe_mode_exit_after = 5 * kMinute;  // signals normal this long
  Micros recovery_check_interval = 30 * kSecond;
  // P2: raise monitoring frequency and lower thresholds for a while.
  double p2_interval_factor = 0.5;
  double p2_threshold_factor = 0.8;
  Micros p2_boost_duration = 1 * kHour;
  // The deploy that preceded the onset within this is blamed (rollback).
  Micros deploy_blame_window = 30 * kMinute;
  // Records read per second by one agent beyond which it counts as a breach.
  double exfiltration_rps = 1.0;
  // From rotate_keys until the old key stops working.
  Micros key_rotation_time = 30 * kSecond;
};

// A step of a canary rollout: the new version's share of traffic, held
// this long before the judge decides (the last step, weight 1, is the
// promotion and has no hold).
struct CanaryStep {
  double weight = 1.0;
  Micros hold = 0;
};

// The seed's Deployment Procedures: standard (rolling) and canary
// deployment, and the canary judge (controllers/judge.hpp,
// controllers/deployment.hpp).
struct DeploymentProcedures {
  // Standard deployment: replicas are replaced one at a time; each new one
  // must be ready within this, then the signals are verified over a window.
  Micros replica_ready_timeout = 2 * kMinute;
  Micros probe_interval = 5 * kSecond;
  Micros verify_window = 5 * kMinute;
  // The limits verification holds the service to: the alerting P2
  // thresholds (seed: p95 > 1 s, error rate > 1 %), copied by
  // with_p2_limits() (controllers/deployment.hpp) as grading does.
  double verify_max_latency_p95_s = 1.0;
  double verify_max_error_rate = 0.01;
  // Canary: the seed's plan, 1 % for 5 min, 10 % for 5 min, 50 % for
  // 10 min, then 100 %.
  std::vector<CanaryStep> canary_steps = {
      {0.01, 5 * kMinute}, {0.10, 5 * kMinute}, {0.50, 10 * kMinute}, {1.00, 0}};
  // Interim judgements this often during a hold (a failure acts at once);
  // 0: judge only at the end of each hold.
  Micros analysis_interval = 0;
  // A held step (inconclusive, or a failure within failure_limit) is judged
  // again after this, over all of the step's samples.
  Micros hold_extension = 1 * kMinute;
  JudgeConfig judge{0.98, 20, 95.0, 75.0, default_judge_metrics()};
  // Argo Rollouts' limits: more failed judgements than failure_limit rolls
  // back (0: the first does); more inconclusive ones than
  // inconclusive_limit rolls back too (in a simulation nobody resumes a
  // paused rollout); more consecutive measurement errors (no samples to be
  // had) than consecutive_error_limit rolls back.
  int failure_limit = 0;
  int inconclusive_limit = 3;
  int consecutive_error_limit = 4;
  // An alert on the deployed service during the rollout (or the standard
  // deployment's verification) rolls back at once.
  bool rollback_on_alert = true;
};

// The seed's Recovery Procedures (service, data and full-system recovery)
// and OSCore's status. The seed gives the steps but no numbers; these
// defaults follow the other sections where one applies (the start-up
// probes and readiness timeout, the incident's 30 s recovery check) and
// Kubernetes' CrashLoopBackOff for the backoff's cap and reset (5 min, 10
// min). controllers/recovery.hpp says how each is used.
struct RecoveryProcedures {
  // OSCore.status() is taken this often; a change is recorded as a note.
  Micros status_interval = 30 * kSecond;
  // A restarted service is probed this often until it is healthy ...
  Micros probe_interval = 5 * kSecond;
  // ... and must be healthy within its startup_time plus this.
  Micros verify_timeout = 1 * kMinute;
  // After the k-th failed restart of a service the next waits
  // min(cap, base x 2^(k-1)); after `restart_limit` failed restarts the
  // recovery gives up. A service healthy for `restart_reset_after` starts
  // counting from zero again.
  Micros restart_backoff_base = 30 * kSecond;
  Micros restart_backoff_cap = 5 * kMinute;
  int restart_limit = 5;
  Micros restart_reset_after = 10 * kMinute;
  // Data recovery: the integrity check runs this often; integrity is
  // verified this long after a restore; a store whose integrity does not
  // return is restored again (with the restart backoff) up to
  // `restore_limit` times.
  Micros integrity_check_interval = 1 * kHour;
  Micros integrity_verify_after = 1 * kMinute;
  int restore_limit = 3;
};

// The 0-100 score of a run (model/score.hpp): the weighted mean of
// components in [0, 1]. A time or amount scores 1 / (1 + x / half_at), so 1
// at zero and 0.5 at `half_at`. The weights need not sum to 100; a
// component that does not apply to a run (no fault, no incident) is left
// out with its weight.
struct ScoreWeights {
  double detection = 15.0;      // time to detect (ttd_s)
  double mitigation = 15.0;     // time to mitigate (ttm_s)
  double recovery = 10.0;       // time to recover (ttr_s)
  double availability = 20.0;   // share of the run within the SLO
  double data = 10.0;           // writes lost
  double security = 10.0;       // records exfiltrated
  double alert_quality = 10.0;  // false alerts and missed faults
  double response = 5.0;        // runbook response-time breaches
  double expectations = 5.0;    // share of the scenario's expectations met
};

struct ScoreProcedures {
  ScoreWeights weights;
  Micros ttd_half_at = 5 * kMinute;
  Micros ttm_half_at = 15 * kMinute;
  Micros ttr_half_at = 1 * kHour;
  double writes_lost_half_at = 100.0;
  double records_exfiltrated_half_at = 10000.0;
};

// DetectorGeneratorCore (controllers/detectors.hpp): the numbers of the
// research notes' recommendation (shared/research/algorithms.md, 1.9); the
// seed names the knobs (eps, z-score gates, top 100, immune memory, sync
// across nodes) but gives no numbers.
//
// Which detectors alert. kFull is the stack; the others are the ablations
// that `dreamsim eval` compares it with on the same seeds.
enum class DetectorMode {
  kFull,         // |z| >= z_hard, CUSUM and the V-detector repertoire
  kZScore,       // |z| >= z_hard only
  kCusum,        // CUSUM only
  kNearestSelf,  // gated ticks farther than eps from every self sample (Stibor's self detector)
  kHybrid,       // Stage A (|z| >= z_hard, CUSUM) and the nearest-self rule as Stage B
};

struct DetectorProcedures {
  // On: with the paging rules below (P2 only, persistence, quiet after a
  // known change, deferring to an open golden-signal alert) every library
  // scenario holds its expectations with the detectors running.
  bool enabled = true;
  // The hybrid by default: on the fault classes dreamsim eval measures
  // (latency creep, slow leak, a compromised agent's changed call pattern)
  // it ties the best method of each and the full stack does not beat it,
  // so the V-detector repertoire is kept as a mode, not as the default
  // (README, "Detectors and their evaluation").
  DetectorMode mode = DetectorMode::kHybrid;
  // Detectors read the golden signals at the alerting evaluation interval,
  // not every tick: one feature vector per service per interval.
  Micros evaluation_interval = 10 * kSecond;
  Micros baseline_window = 1 * kHour;   // median and MAD over this
  Micros baseline_refresh = 1 * kMinute;
  Micros warmup = 30 * kMinute;         // baseline before the first training
  double z_gate = 2.0;   // negative selection runs only where some |z| reaches this
  double z_hard = 5.0;   // one signal this far off alerts on its own
  double cusum_k = 0.5;  // CUSUM on z: slack (half the shift to catch)
  double cusum_h = 5.0;  // CUSUM alarm level
  double eps = 0.08;     // self radius in the unit cube (about 1 sigma)
  double z_max = 6.0;    // z of +-z_max maps to the faces of the unit cube
  double coverage = 0.99;     // stop after 1/(1 - coverage) covered candidates in a row
  int max_detectors = 1000;   // per node
  int max_attempts = 100000;  // candidates per generation
  double min_radius = 0.01;   // smaller detectors are dropped
  int self_sample = 512;      // self vectors kept for training
  int activation_matches = 3;             // a naive detector activates after this many
  Micros activation_window = 1 * kMinute;  // ... matches within this
  Micros confirm_window = 2 * kMinute;    // costimulation must come within this
  Micros resolve_after = 2 * kMinute;     // a detector alert resolves after this quiet
  int nodes = 3;                          // detector nodes, each its own repertoire
  Micros sync_interval = 1 * kHour;       // nodes share immune memory this often
  int memory_size = 100;                  // top detectors kept as immune memory
  double eps_flag_rate = 0.005;  // maintenance: eps flags at most this share of self
  // Paging rules (scenarios/procedures/README.md, "When detectors page").
  // The highest severity a detector alert pages at: 2 (P2, "investigate")
  // keeps a costimulated activation at P2 ("high" in the detector's record
  // only, since the golden-signal alert that costimulated it pages on its
  // own); 1 lets it escalate to P1.
  int max_severity = 2;
  // A finding pages only once the service has been anomalous (a finding,
  // some |z| >= z_gate in the direction that hurts, or a CUSUM sum above
  // h/2) for this long, with no gap longer than persist_gap.
  Micros persist_for = 2 * kMinute;
  Micros persist_gap = 2 * kMinute;
  // No detector page on a service while it is in a change the procedures
  // made or know of (a deploy in progress, replicas starting or not all
  // serving, disabled) nor for this long after; its vectors stay out of the
  // baseline meanwhile.
  Micros quiet_after_change = 10 * kMinute;
};

// The resilience early warning (ResilienceEarlyWarning) and its guardrails:
// algorithms.md 2.6 and 2.7; controllers/resilience.hpp says what each does.
struct AutoscaleGuardrail {
  bool enabled = true;
  double target = 0.7;               // utilisation the HPA formula aims for
  double target_low_index = 0.6;     // ... while the index is below 70
  double tolerance = 0.1;            // no action while |metric / target - 1| <= this
  Micros sync_interval = 15 * kSecond;
  Micros scale_down_window = 5 * kMinute;  // scale-down stabilisation
  double max_replicas_factor = 4.0;  // at most this times the configured replicas
};

struct RateLimitGuardrail {
  bool enabled = true;
  double initial_limit = 20.0;  // concurrency (Netflix Gradient2 defaults)
  double min_limit = 3.0;
  double max_limit = 1000.0;
  double smoothing = 0.2;
  double tolerance = 1.5;       // long RTT x tolerance over short RTT
  int long_window = 600;        // samples of the long RTT average
  // Hysteresis in time: engaged at least this long; released only after the
  // release condition held this long; no new engagement within this of a
  // release (controllers/resilience.hpp).
  Micros hold = 30 * kSecond;
};

struct BrownoutGuardrail {
  bool enabled = true;
  Micros setpoint = 800 * kMillisecond;  // p95; 0.8 x the seed's P2 latency threshold
  double pole = 0.9;
  double forgetting = 0.95;  // RLS forgetting factor
};

struct RetryBudgetGuardrail {
  bool enabled = true;                 // the budget is ResilienceProcedures::retry_budget
  Micros release_after = 5 * kMinute;  // index above the clear level this long
};

struct ShedLoadGuardrail {
  bool enabled = true;
  double k = 2.0;                   // admit up to K x accepts (SRE book, Handling Overload)
  Micros window = 2 * kMinute;
};

struct ResilienceProcedures {
  // On by default: every scenario of the library meets its expectations with
  // it (scenarios/procedures/README.md, resilience, says which rules keep
  // its alert and guardrails out of the way of the other procedures).
  bool enabled = true;
  Micros evaluation_interval = 15 * kSecond;
  Micros control_interval = 1 * kSecond;  // rate limit, brownout, shedding (at least a tick)
  double alert_below = 50.0;
  double clear_above = 60.0;
  int alert_evaluations = 2;             // consecutive evaluations below before it fires
  // Critical slowing down: lag-1 autocorrelation and variance of the p95
  // residual (against a moving average of +- detrend_window) over `window`.
  Micros window = 5 * kMinute;
  Micros detrend_window = 1 * kMinute;
  Micros trend_window = 5 * kMinute;     // Kendall tau of the rolling AR(1)
  double phi_critical = 0.9;
  double variance_ratio = 4.0;
  double trend_tau = 0.5;
  // Headroom: utilisation between ok and max, memory between ok and max,
  // p95 up to latency_factor_max x its baseline.
  double utilisation_ok = 0.6;
  double utilisation_max = 0.9;
  double memory_ok = 0.75;
  double memory_max = 0.95;
  double latency_factor_max = 3.0;
  // ... but the latency headroom reaches 0 no lower than this p95: a
  // regression from 30 ms to 90 ms leaves a service far from its SLO (the
  // seed's P2 latency is 1 s; 0.8 s is the brownout setpoint).
  Micros latency_limit_min = 800 * kMillisecond;
  // Error budget: burn over burn_window against the SLO, 14.4 = fast burn.
  double slo_error_ratio = 0.001;
  Micros burn_window = 1 * kHour;
  double fast_burn = 14.4;
  double retry_budget = 0.10;  // retries per first attempt that score 0; the guardrail's cap
  // Baselines: learnt over the first baseline_warmup, then per hour of day
  // over the last baseline_days days at each daily maintenance.
  Micros baseline_warmup = 5 * kMinute;
  int baseline_days = 7;
  struct Guardrails {
    AutoscaleGuardrail autoscale;
    RateLimitGuardrail rate_limit;
    BrownoutGuardrail brownout;
    RetryBudgetGuardrail retry_budget;
    ShedLoadGuardrail shed_load;
  } guardrails;
};

// The seed's daily, weekly and monthly maintenance jobs
// (controllers/maintenance_scheduler.hpp). Job j runs at n x every +
// time_of_day for n >= 1, so a run shorter than a day has none.
struct MaintenanceProcedures {
  bool enabled = true;
  Micros time_of_day = 3 * kHour;
  Micros daily_every = 24 * kHour;
  Micros weekly_every = 7 * 24 * kHour;
  Micros monthly_every = 30 * 24 * kHour;
  int noisy_pages_per_day = 10;  // an alert rule paging more than this is noted as noisy
  // The daily traffic profile (controllers/traffic_profile.hpp): the daily
  // job learns each column's traffic over a day, in slots of profile_slot,
  // as the median over the last profile_days days, and the traffic-drop
  // rule discounts the fall the profile expects.
  bool traffic_profile = true;
  Micros profile_slot = 15 * kMinute;
  int profile_days = 7;
};

// What `dreamsim gate` holds a candidate procedures file to. The gate runs
// the baseline and the candidate on the same seeds and compares each gated
// metric paired, seed by seed (Wilcoxon signed-rank test, Hodges-Lehmann
// shift; model/wilcoxon.hpp). A metric is worse when the test is
// significant at `alpha` and the shift in the bad direction exceeds
// max(tolerance, relative_tolerance x |baseline median|). The gate reads
// this section from the baseline's file, so a pull request cannot loosen
// the gate it is judged by. Not read by any controller.
struct GatedMetric {
  std::string name;               // an outcome metric ("ttd_s") or "score"
  bool higher_is_better = false;  // direction: lower (the default) or higher
  double tolerance = 0.0;         // in the metric's unit (seconds for *_s)
  double relative_tolerance = 0.0;  // of the baseline's median, >= 0
};

struct GateProcedures {
  double alpha = 0.05;  // two-sided significance level
  // Seed-sensible defaults: a detection within one evaluation interval
  // (10 s) is the same detection; any significant rise in lost writes,
  // exfiltrated records, false or missed alerts or SLA breaches fails.
  std::vector<GatedMetric> metrics = {
      {"ttd_s", false, 10.0, 0.10},           {"ttm_s", false, 30.0, 0.10},
      {"ttr_s", false, 60.0, 0.10},           {"slo_violation_s", false, 60.0, 0.10},
      {"error_budget_burn", false, 0.01, 0.10}, {"failed_requests", false, 0.0, 0.10},
      {"writes_lost", false, 0.0, 0.0},       {"records_exfiltrated", false, 0.0, 0.0},
      {"false_alerts", false, 0.0, 0.0},      {"missed_faults", false, 0.0, 0.0},
      {"sla_breaches", false, 0.0, 0.0},      {"score", true, 1.0, 0.0}};
};

struct Procedures {
  std::string path;  // the file it came from, or "" for the built-in defaults
  std::string hash;  // of the file's bytes, 16 hex digits
  AlertingProcedures alerting;
  StartupProcedures startup;
  IncidentProcedures incident;
  DeploymentProcedures deployment;
  RecoveryProcedures recovery;
  ScoreProcedures score;
  DetectorProcedures detectors;
  ResilienceProcedures resilience;
  MaintenanceProcedures maintenance;
  GateProcedures gate;
};

}  // namespace dreamsim::ctl
