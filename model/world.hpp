// The simulated world: one scenario and one seed, advanced by the event
// engine. It owns the run state (replicas, queues, retries, faults, data
// stores, agents), produces the golden signals each tick, and exposes the
// actuators that the controllers of issue 4 bind to their ports.
//
// How a tick works (DESIGN.md "The world model", algorithms.md 4.5)
// ------------------------------------------------------------------
// Load is a fluid: a tick of length D (default 1 s) moves real-valued request
// counts, not individual requests. One event per tick advances every service
// in two passes over the dependency DAG, so that the whole tick costs a few
// hundred nanoseconds per service:
//
//  1. Down the graph (callers before callees, the reverse of the start-up
//     order). A service's first attempts are its entry load (profile x AR(1)
//     noise x traffic faults x admission, plus agents) and the calls of its
//     callers this tick (served x calls_per_request). Retries that fell due
//     are added, by generation. Then the fluid queue: the capacity is
//       kappa = serving replicas x capacity_rps x brownout boost x (1 - CPU hog)
//               (divided by the work factor of a traffic split's new version),
//     a rate limit sheds what exceeds it, hung replicas swallow their share,
//     and the backlog carries over:
//       served = min(Q + admitted, kappa D),  Q' = Q + admitted - served,
//     with the mean backlog delay W_b = (Q + Q') / (2 kappa). The work served
//     (including work whose clients already gave up: the server does not
//     know) is what generates calls to the dependencies, so demand reaches
//     the bottom of the graph within the tick.
//
//  2. Up the graph (dependencies first). With every dependency's outcome of
//     this tick known, each service's response time is
//       T = W_b + injected latency + sum over dependencies of
//           calls_per_request x (the dependency's expected time per call,
//           retries and backoff included) + X,
//     where X is the M/M/c response time (Erlang C wait, stretched by the
//     Allen-Cunneen factor (1 + cs^2)/2, plus an exponential service time) at
//     rho = min(lambda / kappa, 0.99) with c = serving replicas x workers per
//     replica (workers = round(capacity_rps x service_time), at least 1). The
//     backlog, injected latency and dependencies shift the distribution;
//     only X has a shape. Dependencies are composed by their means because a
//     convolution per edge per tick would not fit the budget; a dependency's
//     tail shows up at its callers through its mean and through timeouts.
//     A bad deploy splits traffic by weight between the old version and a new
//     one with its own service-time factor, added latency and error rate; the
//     service's distribution is then the weighted mixture of the two.
//
//     An attempt fails (as its caller sees it) when it is shed by a rate
//     limit, lands on a hung replica, hits an injected error, fails because a
//     dependency failed after its retries, or times out: P(T > timeout), the
//     survival of the shifted distribution at the caller's timeout. Failed
//     attempts are retried by whoever made them, up to the service's retry
//     count, limited by its retry budget (retries per tick at most budget x
//     first attempts), and fall due after the failure is noticed (at the
//     timeout for timeouts, at once for fast failures) plus the mean of the
//     full-jitter backoff base x 2^generation / 2. Arrivals are spread evenly
//     over a tick, so a delay of d ticks puts the share 1 - frac(d) of the
//     retries floor(d) ticks later and frac(d) one tick after that (at least
//     one tick later: a tick never feeds itself). The jitter is therefore
//     taken at its expectation rather than drawn: the fluid already is an
//     expectation, and this keeps the noise where it belongs, in the load.
//
//     Timed-out work still occupies the server. So when the backlog delay
//     passes the timeout, every attempt fails, every failure comes back as up
//     to `count` retries, and arrivals of lambda x (1 + R) keep the backlog
//     growing after the trigger is gone: the metastable failure of Bronson et
//     al. (algorithms.md 4.3, 4.4). A retry budget caps the amplification at
//     1 + budget and lets the backlog drain.
//
//  Goodput is the successful attempts; timed-out work is not goodput. What a
//  caller sees of a dependency is its final failure probability after
//  retries and its expected time per call including retries, so errors and
//  latency flow up the graph within the same tick, and retries flow down in
//  later ticks. Both passes visit services in a fixed order and every sum is
//  accumulated in that order, so a tick is a deterministic function of the
//  state and of the noise drawn from the named streams.
//
//  Saturation: CPU = served x cpu_per_request / (serving replicas x cores),
//  plus the CPU a hog takes; the cost per request is capped at cores /
//  capacity_rps, since capacity_rps is the limit a replica really has. Memory per replica = base + in-flight x
//  per_inflight + leaked, where in-flight is the backlog plus lambda x (mean
//  time in the service) by Little's law, spread over the running replicas.
//  When memory reaches the limit the replicas are OOM-killed: the backlog and
//  any data store buffer on them are lost, the leak starts again from zero,
//  and the orchestrator restarts them, ready after startup_time (as the
//  kubelet would, with nobody acting).
//
//  Faults are discrete events at their start and end. They change the state
//  the next tick reads: a fault at a tick boundary takes effect in that
//  tick (fault events are scheduled before the tick events, so at equal
//  times they run first); one between boundaries takes effect at the next
//  one, which is the took_effect_s recorded in the outcome.
//
//  Trace: every fault transition, every actuator call and, per tick, one
//  record holding a digest of every service's signals quantised to float
//  precision (traffic, error rate, p95, backlog, memory, as the signal rows
//  hold them) are folded into sim.trace(), so that any divergence between
//  two runs changes the trace hash.
//
//  Cost. The target is a day of a thousand services (86.4 million
//  service-ticks) in ten seconds on one core, about a hundred nanoseconds a
//  service-tick, which decides the shape of the code:
//   - Services are renumbered in start-up order (internal index v), so both
//     passes walk memory sequentially; the per-service state is one struct
//     (Svc) per service, so a pass loads each field at a constant offset from
//     one pointer.
//   - No allocation, no std::function and no map lookup in a tick; faults
//     and actuators, which are rare, precompute what the tick reads
//     (capacity per replica, edge modes, fault effects).
//   - Quantiles come from a table per (servers, Allen-Cunneen factor),
//     interpolated: no Newton iterations per tick. The rows a tick will read
//     are located and prefetched in pass 1 and read in a separate flat loop
//     (own_latency) between the passes, so their cache misses overlap.
//   - The timeout survival costs two exponentials, skipped when a bound
//     shows it below 1e-9; failure probabilities below 1e-9 count as 0, so
//     a healthy service schedules no retries.
//   - Golden signals are written as one float row per signal per tick; the
//     histograms for windows are built when a window is asked for, not per
//     tick (see golden_signals.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/golden_signals.hpp"
#include "model/load_profile.hpp"
#include "model/log_histogram.hpp"
#include "model/queueing.hpp"
#include "model/scenario.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"
#include "sim/time.hpp"

namespace dreamsim::model {

struct WorldOptions {
  GoldenSignalsOptions signals;
  // True: every service is running and ready at time 0, the state a "what
  // happens if nobody acts" run starts from. False: every service starts
  // stopped, for the start-up controller to start in order.
  bool start_ready = true;
  // A tick violates the SLO when the user-facing error ratio is above
  // slo_error_ratio or the user-facing p95 is above slo_latency_p95. The
  // procedures file of issue 4 will set these; the defaults are a 99.9 %
  // availability SLO and a 1 s latency objective.
  double slo_error_ratio = 0.001;
  Duration slo_latency_p95 = Duration::seconds(1);
  // The period over which the error budget is defined (SRE workbook: 30 d).
  Duration slo_period = Duration::hours(24 * 30);
};

// What happened to one scheduled fault.
struct FaultRecord {
  size_t index = 0;  // in Scenario::faults
  FaultKind kind = FaultKind::kCrash;
  std::string target;               // as written; "*" for every service
  Time start;
  std::optional<Time> end;          // as scheduled
  std::optional<Time> took_effect;  // when the state really changed; none if never
  std::optional<Time> ended;        // when its effect ended (its end, or cleared earlier)
  std::string effect;               // what it did, in a few words
};

// An alert and an action, as controllers will record them (issue 4); the
// world keeps the lists so that the outcome holds them.
struct AlertRecord {
  std::string severity;  // P0, P1, P2
  std::string signal;    // latency_p95, error_rate, ...
  std::string service;
  Time fired_at;
  std::optional<Time> resolved_at;
  std::string source;    // alerting, detectors, resilience
};

struct ActionRecord {
  std::string controller;
  std::string kind;      // enable_safe_mode, rollback, ... (DESIGN.md)
  std::string target;
  Time at;
  std::string reason;
};

struct DataStoreStatus {
  double acknowledged = 0.0;  // writes acknowledged to clients
  double buffered = 0.0;      // acknowledged but not yet durable
  double durable = 0.0;       // flushed
  double lost = 0.0;          // acknowledged and then lost (crash, restore)
  bool corrupted = false;
  std::optional<Time> corrupted_at;
  int backups = 0;
  int bad_backups = 0;        // taken while the data was corrupted
  std::optional<Time> last_good_backup;
};

struct ServiceStatus {
  int desired = 0;    // replicas configured
  int running = 0;    // processes up (not crashed, stopped or starting)
  int starting = 0;   // replicas in start-up
  int hung = 0;       // running but not answering (liveness fails)
  int unready = 0;    // running but failing readiness (out of load balancing)
  int serving = 0;    // running, ready and answering
  bool stopped = false;
  bool outage = false;  // dependency outage or full outage
  int ooms = 0;
};

// The analytic response time of the new version of a service during a
// traffic split, and the old one's, for canary analysis.
struct VersionSignals {
  bool split = false;
  std::string version;
  double weight = 0.0;  // share of traffic on the new version
  double baseline_p95_s = 0.0;
  double baseline_error_rate = 0.0;
  double canary_p95_s = 0.0;
  double canary_error_rate = 0.0;
};

// What became of a scenario deployment in the world (the truth, which the
// deployment controller does not see): when its version was staged, first
// took traffic and was rolled back, and the requests it served.
struct DeploymentStatus {
  std::optional<Time> staged_at;       // deploy_version
  std::optional<Time> first_traffic;   // the first tick with a weight > 0
  std::optional<Time> rolled_back_at;
  double weight = 0.0;                 // the new version's share now
  double requests = 0.0;               // requests served by the new version
  bool active = false;                 // staged and not rolled back
};

// One tick of a deployment's split as measured per version (index 0 the
// baseline, 1 the new version); see World::measure_deployments for the
// sampling. NaN where a version served no request in the tick.
struct VersionMeasure {
  int64_t tick = 0;
  double weight = 0.0;
  double requests[2] = {0.0, 0.0};
  double p95_s[2] = {0.0, 0.0};
  double error_rate[2] = {0.0, 0.0};
  double cpu[2] = {0.0, 0.0};
};

// A pre-startup check that would fail (config_error faults).
struct CheckFailure {
  ConfigCheck check = ConfigCheck::kEnv;
  std::string target;   // service or setting
  std::string reason;
  Time since;
  std::optional<Time> until;
};

struct WorldMetrics {
  double requests = 0.0;         // user (and agent) requests that arrived
  double failed_requests = 0.0;  // of those, rejected or failed after retries
  double writes_lost = 0.0;
  double records_exfiltrated = 0.0;
  double slo_violation_s = 0.0;
  std::optional<Time> first_slo_violation;  // the start of the first tick that violated the SLO
  double error_budget_burn = 0.0;  // fraction of the period's budget burned
  int64_t ooms = 0;
};

// Called by the world at the end of every tick, after the tick's signals are
// committed and its metrics counted, with the tick's index (tick k covers
// [k x tick, (k + 1) x tick)). For checks that must see every tick, such as
// the `always` expectations (model/expectations.hpp); an observer must not
// change the world and should not allocate.
class TickObserver {
 public:
  virtual ~TickObserver() = default;
  virtual void after_tick(int64_t tick) = 0;
};

class World {
 public:
  // Retries beyond this count are clamped: four retries (five attempts) is
  // already more than any sane client does, and each generation costs a
  // slot in the retry ring.
  static constexpr int kMaxRetries = 4;
  // The utilisation signal (demand over capacity) of a service that cannot
  // serve, and its cap.
  static constexpr double kMaxUtilisation = 10.0;
  // The brownout dimmer (Klein et al. 2014) serves optional content with
  // probability theta; this share of a request's work is optional.
  static constexpr double kBrownoutOptionalShare = 0.5;
  // An exfiltrating agent reads this many records per request it sends.
  static constexpr double kRecordsPerExfilRequest = 10.0;

  // `scenario` must outlive the world; it must be valid (as the loader
  // returns it). Nothing is scheduled until start().
  World(const Scenario& scenario, uint64_t seed, sim::Simulation& sim, WorldOptions options = {});
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Schedules the fault, backup and tick events. Call once, before running.
  void start();
  // start() (if not yet), then runs the simulation to the end of the scenario.
  void run();

  const Scenario& scenario() const { return *scenario_; }
  uint64_t seed() const { return seed_; }
  sim::Simulation& simulation() { return *sim_; }
  const sim::Simulation& simulation() const { return *sim_; }
  Time now() const { return sim_->now(); }
  Time end() const { return end_; }
  Duration tick() const { return tick_; }
  int64_t total_ticks() const { return total_ticks_; }
  size_t service_count() const { return n_; }
  // Callers before callees, and the reverse.
  const std::vector<uint32_t>& top_down_order() const { return down_order_; }

  // --- Telemetry (the controllers' read port binds here) ---
  const GoldenSignals& signals() const { return *signals_; }
  ServiceStatus service_status(size_t service) const;
  VersionSignals version_signals(size_t service) const;
  const std::vector<FaultRecord>& faults() const { return fault_records_; }
  const std::vector<CheckFailure>& check_failures() const { return check_failures_; }
  // The pre-startup checks that fail at time `t` (for the start-up controller).
  std::vector<CheckFailure> failing_checks(Time t) const;
  DataStoreStatus data_store_status(size_t store) const;
  bool agent_quarantined(size_t agent) const { return agent_quarantined_[agent] != 0; }
  // The switches as the actuators left them (for expectations and reports).
  bool kill_switch_on() const { return kill_switch_; }
  bool safe_mode_on() const { return safe_mode_; }
  bool write_drain_on() const { return write_drain_; }
  double entry_admission() const { return admission_; }
  // Disabled by safe mode (a non-core service) or by its module.
  bool service_disabled(size_t service) const { return svc_[pos_[service]].disabled != 0; }
  // At most one observer, called at the end of every tick; null removes it.
  void set_tick_observer(TickObserver* observer) { tick_observer_ = observer; }
  // Records per second being read out through `agent` right now (by the
  // compromised agent itself, or by an attacker holding its key); 0 when
  // nothing is being exfiltrated through it.
  double agent_exfiltration_rps(size_t agent) const;
  WorldMetrics metrics() const;
  // User-facing latency quantile over the whole run (entry services), from
  // the run's LogHistogram; NaN before any traffic.
  double run_latency_quantile(double q) const;
  const std::vector<AlertRecord>& alerts() const { return alerts_; }
  const std::vector<ActionRecord>& actions() const { return actions_; }
  void record_alert(AlertRecord alert);
  void record_action(ActionRecord action);

  // --- Actuators (the controllers' actuator port binds here) ---
  // Each takes effect from the next tick and is folded into the trace.

  // Admits at most `rps` attempts per second to a service; <= 0 removes it.
  void set_rate_limit(size_t service, double rps);
  // Caps the retries made to a service at `budget` x its first attempts per
  // tick (0: no retries); a negative budget restores the scenario's.
  void set_retry_budget(size_t service, double budget);
  // The brownout dimmer theta in [0, 1]: 1 serves everything (off); lower
  // values skip optional work, so a request costs (1 - s) + s theta of its
  // normal work (s = kBrownoutOptionalShare) and capacity rises accordingly.
  void set_brownout(size_t service, double dimmer);
  // Safe mode: non-core services take no traffic; their entry load is
  // rejected and calls to them are skipped (the caller degrades gracefully).
  void set_safe_mode(bool on);
  // The global kill switch: all entry and agent traffic is rejected.
  void set_kill_switch(bool on);
  // Disables (or enables) every service whose module is `module`, like safe
  // mode does for non-core services. Returns how many services it touched.
  int set_module_enabled(const std::string& module, bool enabled);
  // The fraction of entry traffic admitted, for traffic grading at start-up.
  void set_entry_admission(double fraction);
  // Write drain: writes go straight to durable storage and the in-flight
  // buffer is flushed now, so a crash loses nothing.
  void set_write_drain(bool on);
  // Stops an agent's calls and any exfiltration through it.
  void quarantine_agent(size_t agent);
  // Rotates one key (every agent using it gets a new one): an attacker
  // holding the old key, or a compromised agent using it, stops reading.
  void rotate_key(const std::string& key);
  void rotate_all_keys();
  // Restores a data store from its newest good backup (one taken before the
  // corruption began; a backup starts with a checkpoint, so it holds every
  // write acknowledged before it): integrity is restored and the writes
  // acknowledged since that backup are lost (those a crash had already lost
  // are not counted twice). Returns those writes, or -1 when there is no good
  // backup (nothing changes then).
  double restore_backup(size_t store);
  // Restarts every replica (crashed ones too): hangs and leaks clear; the
  // backlog is dropped; the in-flight buffer of a hosted data store is
  // flushed first (a graceful restart). Ready after startup_time.
  void restart_service(size_t service);
  // Sets the replica count; new replicas are ready after startup_time.
  void scale_service(size_t service, int replicas);
  // Stops every replica (graceful: data store buffers are flushed).
  void stop_service(size_t service);
  // Starts a stopped service; ready after startup_time, subject to its
  // liveness and readiness behaviour.
  void start_service(size_t service);
  // The share of traffic on the new version of a service during a split.
  void set_traffic_weight(size_t service, double new_version_weight);
  // Removes the new version: all traffic back on the old one.
  void rollback(size_t service);
  // Stages the new version of Scenario::deployments[deployment] on its
  // service, at weight 0 (set_traffic_weight gives it traffic). From then
  // on, every tick with a weight > 0 is measured per version.
  void deploy_version(size_t deployment);

  // --- Deployments (the truth, for the outcome; measurements for telemetry) ---
  const DeploymentStatus& deployment_status(size_t deployment) const {
    return deployments_[deployment];
  }
  // The deployment staged on `service` and not rolled back, or -1.
  int active_deployment(size_t service) const;
  const std::vector<VersionMeasure>& version_measures(size_t deployment) const {
    return measures_[deployment];
  }

 private:
  struct QuantileTable;
  struct Compromise {
    size_t fault;
    bool by_key;
    size_t agent;     // the compromised agent, or the first holding the key
    std::string key;
  };

  void schedule_faults();
  void schedule_backups();
  void schedule_tick(Time t);
  void on_tick();
  void pass_down(double tick_s);
  void own_latency();
  void pass_up(double tick_s);
  void finish_tick(double tick_s);
  void measure_deployments();
  void on_fault_start(size_t f);
  void on_fault_end(size_t f);
  void recompute_fault_effects();
  void on_backup(size_t store);
  void lose_replicas(size_t service, int lost, bool graceful);
  void refresh_disabled();
  // Recomputes every edge's mode from disabled_ and dep_cut_.
  void refresh_edges();
  // Recomputes the capacity per serving replica after brownout, a traffic
  // split or a CPU hog changed; the tick reads it as is.
  void refresh_capacity(size_t v);
  double split_tick(size_t s, double prob_wait, double theta, double mu, double shift,
                    double t_left, double dep_fail, double* p50, double* p95, double* p99,
                    double* mean_s);
  void schedule_retry(size_t s, int generation, double amount, double delay_ticks);
  bool exfil_active(const Compromise& c) const;
  void begin_startup(size_t service, int count);
  void oom_kill(size_t service);
  int running(size_t s) const;
  int lb_targets(size_t s) const;
  int serving(size_t s) const;
  bool disabled(size_t s) const;
  const QuantileTable* table_for(int servers, double wait_factor);
  double leak_mb(size_t s, Time t) const;
  Time next_tick_at_or_after(Time t) const;
  void trace_action(const char* kind, int64_t target, double value);

  const Scenario* scenario_;
  uint64_t seed_;
  sim::Simulation* sim_;
  WorldOptions options_;
  size_t n_;
  Duration tick_;
  Time end_;
  int64_t total_ticks_;
  int64_t tick_index_ = 0;
  bool started_ = false;

  // Internal index v: position in the start-up order (dependencies first).
  // Dependency graph as flat arrays (CSR): edges of v are
  // [dep_begin_[v], dep_begin_[v + 1]), pointing at internal indices.
  std::vector<uint32_t> sid_;         // v -> scenario index
  std::vector<uint32_t> pos_;         // scenario index -> v
  std::vector<uint32_t> down_order_;  // scenario indices, callers first
  struct Edge {
    // kSkipped: the callee is disabled (safe mode, module off); the call is
    // not made. kCut: a partition separates caller and callee; it fails.
    enum Mode : uint32_t { kNormal = 0, kSkipped = 1, kCut = 2 };
    uint32_t to;   // internal index of the callee
    uint32_t mode;
    double cpr;    // calls per request
  };
  std::vector<uint32_t> dep_begin_;
  std::vector<Edge> edges_;
  std::vector<uint16_t> dep_cut_;     // partitions cutting the edge

  // A service's own response time this tick, before the backlog, injected
  // latency and dependencies shift it: the M/M/c (Allen-Cunneen) part.
  struct OwnLatency {
    double mu = 0.0;         // service rate per server
    double theta = 0.0;      // rate of a positive wait
    double prob_wait = 0.0;  // Erlang C
    double q[3] = {0.0, 0.0, 0.0};  // p50, p95, p99
    double mean = 0.0;
  };

  // The state of one service, indexed by v. One struct per service rather
  // than a vector per field: a tick reads some forty fields of every
  // service, and from one base pointer each is a load at a constant offset,
  // where forty vectors need forty base pointers that do not fit in
  // registers. The fields a tick touches come first, in the order the
  // passes read them; those that only faults and actuators touch come last.
  struct Svc {
    // Read and written by pass_down.
    double entry = 0.0;   // external requests this tick (before admission)
    double demand = 0.0;  // first attempts from callers this tick
    double backlog = 0.0;
    double ext_admitted = 0.0, first = 0.0, attempts = 0.0, served = 0.0;
    double shed = 0.0, hung_share = 0.0, lambda = 0.0, kappa = 0.0, wait_backlog_s = 0.0;
    double rho = 0.0;              // utilisation this tick, for the table
    double per_replica_rps = 0.0;  // capacity per serving replica: refresh_capacity()
    double rate_limit_rps = 0.0;   // actuator; 0 = none
    double wait_factor = 1.0;      // Allen-Cunneen (1 + cs^2) / 2
    const QuantileTable* table = nullptr;
    const void* row = nullptr;  // the table row to interpolate from; none: no wait
    double row_fraction = 0.0;
    int servers = -1;  // c of `table`
    int serve = 0;     // replicas serving this tick
    int running_now = 0;
    int workers = 1;   // per replica
    int desired = 0, crashed = 0, starting = 0, hung = 0, unready_spec = 0, unready_fault = 0;
    int dep_outage = 0;
    uint8_t stopped = 0;
    uint8_t entry_service = 0;  // has entry or agent load
    uint8_t disabled = 0;       // safe mode (non-core) or module disabled
    uint8_t down = 0;           // no replica to answer: every attempt fails fast
    // Read and written by own_latency and pass_up.
    OwnLatency own;
    double seen_fail = 0.0, seen_latency_s = 0.0;  // what callers see
    double goodput = 0.0;                          // successful attempts per second
    double timeout_s = 0.0, backoff_s = 0.0, retry_budget = -1.0;  // budget < 0: unlimited
    int retry_count = 0;
    double latency_add_s = 0.0, error_inj = 0.0;  // fault effects
    double split_weight = 0.0, split_error = 0.0;
    double cpu_per_served = 0.0, cpu_hog = 0.0;
    double mem_base = 0.0, mem_inflight = 0.0, mem_limit = 1.0;
    // Leaked memory so far: leak_base_mb + rate x (t - leak_since).
    double leak_base_mb = 0.0, leak_rate_mb_min = 0.0;
    Time leak_since;
    // Touched by faults, actuators and refresh_capacity only.
    double cap_rps = 0.0, service_time_s = 0.0, cpu_s = 0.0, cores = 1.0;
    double traffic_factor = 1.0;
    double split_factor = 1.0, split_add_s = 0.0;
    double brownout = 1.0, work_factor = 1.0;
    double canary_p95 = 0.0, canary_err = 0.0, baseline_p95 = 0.0, baseline_err = 0.0;
    int module = -1;  // index into modules_, -1 for none
    uint8_t core = 0;
    uint32_t start_generation = 0;
    int ooms = 0;
  };
  std::vector<Svc> svc_;
  std::vector<uint32_t> entry_list_;  // services with entry or agent load
  std::vector<std::string> modules_;
  std::vector<uint8_t> module_enabled_;
  std::vector<std::string> split_version_;  // bad deploy / canary: the new version
  // Deployments (Scenario::deployments): status, measurements, the
  // deployment staged on each service (by v, -1 for none), a noise stream
  // per deployment, and each split's per-version response times of the last
  // tick, which split_tick leaves for the measurement.
  struct SplitState {
    int64_t tick = -1;  // the tick it was computed in
    double prob_wait = 0.0, theta = 0.0, mu_old = 0.0, mu_new = 0.0;
    double shift = 0.0, add = 0.0, base_err = 0.0, new_err = 0.0;
  };
  std::vector<DeploymentStatus> deployments_;
  std::vector<std::vector<VersionMeasure>> measures_;
  std::vector<int> deployment_of_;
  std::vector<sim::Rng> measure_rng_;
  std::vector<SplitState> split_state_;
  int full_outage_ = 0;
  bool safe_mode_ = false;
  bool kill_switch_ = false;
  double admission_ = 1.0;
  bool write_drain_ = false;

  // Retry ring: retry_ring_[(slot * n + s) * kMaxRetries + (generation - 1)].
  size_t ring_slots_ = 1;
  std::vector<double> retry_ring_;

  std::vector<EntryLoadGenerator> generators_;
  std::vector<uint32_t> generator_service_;

  // Agents, keys, compromises.
  std::vector<uint8_t> agent_quarantined_;
  std::vector<std::string> rotated_keys_;  // sorted
  std::vector<Compromise> compromises_;  // active ones
  double exfil_cap_ = 0.0;

  // Data stores.
  std::vector<DataStoreStatus> stores_;
  std::vector<Time> last_flush_;
  std::vector<double> durable_at_good_backup_;
  std::vector<double> store_reference_rps_;
  std::vector<std::vector<uint32_t>> stores_by_host_;

  // Faults.
  std::vector<uint8_t> fault_active_;
  std::vector<int> fault_taken_;  // crash/hang: replicas actually taken
  std::vector<FaultRecord> fault_records_;
  std::vector<CheckFailure> check_failures_;
  std::vector<int> check_failure_of_fault_;

  // Telemetry and outcome.
  std::unique_ptr<GoldenSignals> signals_;
  LogHistogram tick_histogram_;  // the user-facing latency of one tick
  LogHistogram run_histogram_;   // ... merged over the run
  std::vector<AlertRecord> alerts_;
  std::vector<ActionRecord> actions_;
  WorldMetrics metrics_;
  double tick_external_ = 0.0;  // external requests this tick
  double tick_rejected_ = 0.0;  // ... rejected at the door (kill switch, admission, disabled)
  double tick_withheld_ = 0.0;  // ... turned away on purpose (all of them, today)
  uint64_t tick_digest_ = 0;
  std::map<std::pair<int, uint64_t>, std::unique_ptr<QuantileTable>> tables_;
  TickObserver* tick_observer_ = nullptr;
};

}  // namespace dreamsim::model
