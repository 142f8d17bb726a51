// The start-up sequence: the seed's StartupSequenceCore (Startup Procedures,
// standard and emergency) as a controller.
//
// start() walks the seed's six steps. Each is recorded: an action as a
// decision of controller "startup", a phase of the timeline as a note and as
// an entry of report().phases.
//
//   1. Pre-startup checks. Entry admission is closed first
//      (set_entry_admission(0), decision set_traffic_grade): no traffic may
//      reach a half-started system, whatever happens next. Then the
//      telemetry port's checks (database, queue, environment, dependencies)
//      run; any failed one aborts (state kAborted, decision abort_startup
//      naming the first failed check's target, every failed check in the
//      reason) and nothing is started.
//   2. Build and validate the DAG (controllers/dag.hpp). An unknown
//      dependency or a cycle aborts, with the cycle named. In minimal mode a
//      core service that depends on a subsystem aborts too: minimal mode
//      could never start it.
//   3. Initialise in dependency order. A service is started (decision
//      start_service) as soon as every dependency has passed its health gate,
//      so services with no dependencies start together at once and each wave
//      follows the moment its last dependency is ready. Services that become
//      startable at the same instant start in init order.
//   4. Health gates, per started service: liveness, then readiness. Probes
//      run every probe_interval from the start (the first one interval after
//      start_service, since an actuator takes effect from the world's next
//      tick). The liveness gate passes at the first probe that sees
//      ServiceState::live(); the readiness gate starts there, with that same
//      probe, and passes at the first probe that sees ready(). A gate with
//      timeout T fails at its N-th failed probe, N = ceil(T / probe_interval)
//      + health_retries: the timeout is the budget, and the re-probes are the
//      grace after it (seed defaults: liveness fails 40 s after the start,
//      readiness 70 s after liveness). A failed gate stops the sequence: no
//      other service is started, other gates stop probing, services already
//      up are left as they are and admission stays 0 (state kFailed,
//      decision startup_failed naming the service).
//   5. Traffic grading through the procedures' phases (seed: 1 %, 10 %,
//      50 %, 100 %, two minutes each): set_entry_admission(fraction)
//      (decision set_traffic_grade), then hold. During the hold, every
//      grading_check_interval and at its end, the system column's golden
//      signals are read over the ticks that began after the phase opened: the
//      merged p95 latency and the traffic-weighted error rate, against the
//      grading limits (the P2 thresholds). As in alerting, a value strictly
//      greater than the limit breaches it and no data (no traffic) is not a
//      breach. The next phase opens only when the hold ends without a
//      breach. On a breach, BreachAction::kHalt keeps the current admission
//      and stops (state kHalted, decision grading_halted, the signal and
//      value in the reason); kStepBack returns to the previous phase
//      (decision grading_step_back), holds it under the same checks, and
//      tries again; a breach at the first phase, or after
//      grading_max_step_backs step-backs, halts.
//   6. Verify: verify_window after the last phase opens (and, in minimal
//      mode, after the gradual enable), every service that should be up is
//      ready, the golden signals over the window are within the limits, and
//      no P0 or P1 alert is firing (worst_alert_severity() > 1): decision
//      startup_verified and state kSucceeded; otherwise startup_failed.
//
// Emergency start-up (start(true); the seed's INIT_SUBSYSTEMS=false): steps
// 3 to 5 run for the core services only (ServiceInfo::core). Then the
// subsystems are enabled one at a time, in init order (decision
// enable_subsystem, the actuator's start_service): each passes its health
// gate, then runs for gradual_enable_interval, after which it must still be
// ready and the system's golden signals over the interval within the limits.
// A subsystem that fails its gate or that check is stopped again (decision
// disable_subsystem) and the next one is tried at once: one bad subsystem
// must not keep the others down in an emergency, and it is the one thing that
// changed, so it is the one to blame. A subsystem that depends on a
// subsystem that is not up is skipped (decision skip_subsystem). Verify then
// covers the core and the subsystems that came up; the report lists the
// disabled and skipped ones.
//
// Timers capture `this`: the controller must outlive the clock's pending
// timers (as every controller here must).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "controllers/dag.hpp"
#include "controllers/ports.hpp"
#include "controllers/procedures.hpp"

namespace dreamsim::ctl {

enum class StartupState {
  kNotStarted,
  kRunning,
  kSucceeded,
  kAborted,  // a pre-startup check failed or the DAG is invalid
  kFailed,   // a health gate failed, or verification did
  kHalted,   // grading stopped on a breach
};
const char* to_string(StartupState s);

// One entry of the timeline: "pre_startup_checks", "build_dag",
// "initialize", "grading 1%", ..., "grading 1% (step back)",
// "gradual_enable", "verify".
struct PhaseSpan {
  std::string name;
  Micros start = 0;
  Micros end = -1;  // -1 while open
};

// What happened to one service.
struct ServiceProgress {
  enum class Outcome {
    kNotStarted,
    kStarting,  // started, gate in progress
    kReady,     // passed its gate
    kFailed,    // failed its gate (the sequence, or in gradual enable, stopped it)
    kDisabled,  // gradual enable: failed the health check after its interval
    kSkipped,   // gradual enable: depends on a subsystem that is not up
  };
  std::string id;
  Outcome outcome = Outcome::kNotStarted;
  Micros started_at = -1;
  Micros live_at = -1;
  Micros ready_at = -1;
};
const char* to_string(ServiceProgress::Outcome o);

struct StartupReport {
  StartupState state = StartupState::kNotStarted;
  bool minimal_mode = false;
  // Why it ended other than kSucceeded (or the verification summary when it
  // succeeded).
  std::string reason;
  // The service that failed its gate or verification; empty otherwise.
  std::string failed_service;
  std::vector<PhaseSpan> phases;
  // The admitted fraction of entry traffic now, and the grading phase it
  // belongs to (an index into StartupProcedures::grading; -1 before grading).
  double admission = 0.0;
  int grading_phase = -1;
  int step_backs = 0;
  // Service ids in init order (empty if the DAG was never built or invalid).
  std::vector<std::string> init_order;
  // Indexed by service.
  std::vector<ServiceProgress> services;
  Micros finished_at = -1;
};

// The verdict of one golden-signal check: the pure decision math of grading
// and verification, which a test can call directly.
struct SignalCheck {
  bool ok = true;
  std::string signal;          // of the first breach: "latency_p95" or "error_rate"
  double value = 0.0;          // of the first breach
  double limit = 0.0;          // of the first breach
  double latency_p95_s = 0.0;  // as read (NaN: no traffic)
  double error_rate = 0.0;     // as read (NaN: no traffic)
  size_t ticks = 0;            // the window read
};

// Reads the system column over the last `ticks` ticks: the merged p95
// latency and the traffic-weighted error rate, each against its limit
// (strictly greater breaches; NaN does not). Zero ticks is ok with no data.
SignalCheck check_system_signals(const TelemetryPort& telemetry, size_t ticks,
                                 double max_latency_p95_s, double max_error_rate);

// The number of failed probes at which a gate with `timeout` fails:
// ceil(timeout / interval) + retries, at least 1.
int gate_probe_limit(Micros timeout, Micros probe_interval, int retries);

// `p` with the grading limits taken from the alerting procedures' P2
// thresholds. The wiring calls this so that a change of the P2 thresholds
// changes grading too.
StartupProcedures with_p2_limits(StartupProcedures p, const AlertingProcedures& alerting);

class StartupController {
 public:
  using Listener = std::function<void(const StartupReport&)>;

  // `worst_alert_severity` returns the most severe firing alert: 0, 1 or 2
  // for P0, P1 or P2, 3 for none (AlertingController::worst_severity). An
  // empty function counts as no alert.
  StartupController(Ports ports, const StartupProcedures& procedures,
                    std::function<int()> worst_alert_severity);

  // Runs the sequence from now; minimal_mode is the emergency start-up. Call
  // once; later calls do nothing.
  void start(bool minimal_mode);
  // start() in the mode the procedures name.
  void start() { start(p_.minimal_mode); }

  // Called once, when the sequence ends (any state but kRunning).
  void subscribe(Listener listener) { listeners_.push_back(std::move(listener)); }

  StartupReport report() const { return report_; }
  // The DAG as built at start(); empty before.
  const ServiceDag& dag() const { return dag_; }

 private:
  enum class Stage { kIdle, kInitialize, kGrading, kEnable, kVerify, kDone };
  enum class Step { kNone, kLiveness, kReadiness, kPassed, kFailed };
  struct Gate {
    Step step = Step::kNone;
    Micros since = 0;  // start of the current gate
    int probes = 0;    // failed probes in the current gate
    uint64_t timer = 0;
    bool timer_pending = false;
  };

  bool run_checks();
  bool build_dag();
  void begin_initialize();
  void start_eligible();
  void launch(size_t service);
  void probe(size_t service);
  void gate_passed(size_t service);
  void gate_failed(size_t service, const std::string& why);
  void begin_grading();
  void open_phase(size_t phase, const std::string& kind, const std::string& reason);
  void schedule_grading_check();
  void grading_check();
  void end_grading();
  void begin_enable();
  void enable_next();
  void enable_check(size_t service);
  void begin_verify();
  void verify();

  void set_admission(double fraction, const std::string& kind, const std::string& reason);
  void decide(const std::string& kind, const std::string& target, const std::string& reason);
  void open_span(const std::string& name);
  void close_span();
  void after(Micros delay, std::function<void()> fn);
  void stop_timers();
  void finish(StartupState state, const std::string& reason, const std::string& service);
  SignalCheck check_since(Micros since) const;
  std::string describe(const SignalCheck& c) const;
  const std::string& name(size_t service) const { return report_.services[service].id; }

  Ports ports_;
  StartupProcedures p_;
  std::function<int()> worst_alert_severity_;
  std::vector<Listener> listeners_;
  ServiceDag dag_;
  StartupReport report_;
  Stage stage_ = Stage::kIdle;
  std::vector<char> in_initialize_;  // started in step 3 (all, or the core)
  std::vector<Gate> gates_;
  size_t waiting_ = 0;  // services of step 3 not yet past their gate
  uint64_t timer_ = 0;  // the one stage timer (grading, enable, verify)
  bool timer_pending_ = false;
  size_t phase_ = 0;
  Micros phase_opened_ = 0;
  std::vector<size_t> subsystems_;  // gradual enable, in init order
  size_t next_subsystem_ = 0;
  Micros enabled_at_ = 0;
  Micros verify_from_ = 0;
};

}  // namespace dreamsim::ctl
