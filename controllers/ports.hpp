// The ports: everything a controller may know of, or do to, the world.
//
// Controllers are the real procedures (startup, alerting, incident runbook,
// deployment, recovery, ...). They never include a sim/ or model/ header:
// they see the world through these small interfaces, which model/ implements
// on the simulated world and which a test implements by hand
// (tests/controllers/fake_world.hpp). The same controller code could run
// against real telemetry and real actuators; that is what "the real
// controllers" means, and the link graph enforces it (the controllers target
// links nothing else of ours).
//
// Time here is plain int64 microseconds since the start of the run, the same
// unit as the engine's, without its types. Every port call is synchronous;
// an actuator takes effect from the world's next tick.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dreamsim::ctl {

using Micros = int64_t;
inline constexpr Micros kMillisecond = 1000;
inline constexpr Micros kSecond = 1000000;
inline constexpr Micros kMinute = 60 * kSecond;
inline constexpr Micros kHour = 60 * kMinute;

// Clock and timers. A timer callback runs inside the simulation; it must not
// throw (Controllers return decisions; invariant breaks abort).
class ClockPort {
 public:
  virtual ~ClockPort() = default;
  virtual Micros now() const = 0;
  // Calls `fn` once at now() + delay (delay >= 0). Returns an id for cancel().
  virtual uint64_t call_after(Micros delay, std::function<void()> fn) = 0;
  // False if the timer already ran or was cancelled.
  virtual bool cancel(uint64_t timer) = 0;
};

// Randomness for the human in the loop (operator response delays) and any
// other draw a controller makes. The simulated adapter draws from a named
// stream per controller ("ctl/incident"), so a controller's draws never shift
// another's.
class RandomPort {
 public:
  virtual ~RandomPort() = default;
  virtual double uniform01() = 0;
  virtual double exponential(double mean) = 0;
  virtual double normal(double mean, double stddev) = 0;
  virtual double lognormal(double mu, double sigma) = 0;
};

// The golden signals, as the alerting procedures name them.
enum class Signal : uint8_t {
  kLatencyP50,
  kLatencyP95,
  kLatencyP99,
  kErrorRate,
  kTraffic,
  kCpu,
  kMemory,
  kGoodput,      // successful attempts per second
  kRetries,      // retry attempts per second arriving
  kBacklog,      // requests queued at the end of the tick
  kUtilisation,  // demand over capacity (above 1 when overloaded)
};

// What a service is, from the scenario; fixed for the run.
struct ServiceInfo {
  std::string id;
  bool core = false;
  std::string module;                 // may be empty
  std::vector<size_t> depends_on;     // service indices
  Micros startup_time = 0;
  bool is_database = false;
  bool is_queue = false;
};

// What a service is doing now.
struct ServiceState {
  int desired = 0;
  int running = 0;   // processes up
  int starting = 0;
  int hung = 0;      // liveness fails
  int unready = 0;   // readiness fails
  int serving = 0;   // running, ready and answering
  bool stopped = false;
  bool outage = false;
  bool disabled = false;  // by safe mode or a disabled module

  bool live() const { return running > 0 && hung < running; }
  bool ready() const { return serving > 0; }
  bool healthy() const { return !stopped && !outage && serving == desired && desired > 0; }
  bool failed() const { return !stopped && desired > 0 && serving == 0 && starting == 0; }
};

// A pre-startup check (database, queue, environment, dependencies).
struct CheckResult {
  std::string check;   // "database", "queue", "env", "dependencies"
  std::string target;  // the service or setting checked
  bool ok = true;
  std::string reason;  // why it failed
};

// A deploy the world knows of: a new version taking traffic on a service.
struct DeployInfo {
  size_t service = 0;
  std::string version;
  Micros at = 0;
  double weight = 0.0;  // share of traffic on the new version now
  bool active = true;   // false once rolled back or promoted
};

// The canary and baseline versions of a service during a traffic split.
struct VersionSample {
  double p95_s = 0.0;
  double error_rate = 0.0;
};

// One tick of a deployment's traffic split as the world measured it, per
// version: index 0 is the baseline, 1 the canary (the new version). Each
// value is measured from the requests that version served in the tick, so
// it carries the sampling noise of that many requests: a p95 or an error
// rate of a handful of requests is far from the true one. The baseline is
// measured from as many requests as the canary served (at most the old
// version's share), as Kayenta compares a canary with a baseline group of
// the same size rather than with the whole production fleet; so neither
// side is favoured by its sample size. NaN where a version served nothing.
struct VersionTick {
  int64_t tick = 0;      // the world's tick index
  double weight = 0.0;   // the new version's share of traffic in this tick
  double requests[2] = {0.0, 0.0};
  double p95_s[2] = {0.0, 0.0};
  double error_rate[2] = {0.0, 0.0};
  double cpu[2] = {0.0, 0.0};  // CPU saturation of the version's replicas
};

// Security signals: what an agent is doing that it should not be.
struct AgentInfo {
  std::string id;
  std::string key;
  bool quarantined = false;
  double records_read_rps = 0.0;  // records leaving through this agent (exfiltration)
};

struct DataStoreInfo {
  std::string id;
  size_t service = 0;  // the database that hosts it
  bool integrity_ok = true;
  int good_backups = 0;
  double writes_buffered = 0.0;
  // When the newest good backup was taken (what restore_backup restores);
  // -1 when there is none. A backup taken while the data was corrupted is
  // not good.
  Micros last_good_backup = -1;
};

// The read side: telemetry and state. Windows are in ticks of the world.
class TelemetryPort {
 public:
  virtual ~TelemetryPort() = default;

  virtual Micros tick() const = 0;
  virtual size_t service_count() const = 0;
  virtual const ServiceInfo& service(size_t index) const = 0;
  // The index of `id`, or service_count() if there is none.
  virtual size_t find_service(const std::string& id) const = 0;
  virtual ServiceState state(size_t service) const = 0;

  // Ticks of signals recorded so far.
  virtual int64_t ticks() const = 0;
  // The last min(count, available) values of a signal, oldest first; the
  // system-wide column is service_count().
  virtual void window(Signal signal, size_t column, size_t count,
                      std::vector<double>& out) const = 0;
  // The p-quantile of latency over the last `count` ticks (merged histogram,
  // not a mean of per-tick quantiles); NaN when there was no traffic.
  virtual double latency_quantile(size_t column, double q, size_t count) const = 0;

  virtual std::vector<CheckResult> pre_startup_checks() const = 0;
  virtual std::vector<DeployInfo> deploys() const = 0;
  // Baseline and canary samples of a service during a split; false when the
  // service has no split.
  virtual bool version_samples(size_t service, VersionSample& baseline,
                               VersionSample& canary) const = 0;
  // The last min(count, available) measured ticks of the new version staged
  // on `service` (ActuatorPort::deploy_version), oldest first; false when no
  // version is staged there. A world without deployments has none.
  virtual bool version_window(size_t service, size_t count, std::vector<VersionTick>& out) const {
    (void)service;
    (void)count;
    out.clear();
    return false;
  }
  virtual std::vector<AgentInfo> agents() const = 0;
  virtual std::vector<DataStoreInfo> data_stores() const = 0;
};

// The write side: what the procedures can do. Each returns false when the
// action cannot be carried out (an unknown target, no backup to restore).
class ActuatorPort {
 public:
  virtual ~ActuatorPort() = default;

  virtual bool start_service(size_t service) = 0;
  virtual bool stop_service(size_t service) = 0;
  virtual bool restart_service(size_t service) = 0;
  virtual bool scale_service(size_t service, int replicas) = 0;
  // The fraction of entry traffic admitted (traffic grading at start-up).
  virtual void set_entry_admission(double fraction) = 0;
  // The share of a service's traffic on its new version.
  virtual bool set_traffic_weight(size_t service, double new_version_weight) = 0;
  virtual bool rollback(size_t service) = 0;
  // Stages `version` of a service (it takes no traffic until
  // set_traffic_weight gives it some); false when the world does not know
  // that version of that service. A world without deployments knows none.
  virtual bool deploy_version(size_t service, const std::string& version) {
    (void)service;
    (void)version;
    return false;
  }
  virtual void set_safe_mode(bool on) = 0;
  virtual void set_write_drain(bool on) = 0;
  virtual void set_kill_switch(bool on) = 0;
  virtual bool set_module_enabled(const std::string& module, bool enabled) = 0;
  virtual bool set_rate_limit(size_t service, double rps) = 0;
  virtual bool set_brownout(size_t service, double dimmer) = 0;
  // Caps retries to a service at `budget` x its first attempts (0: none);
  // a negative budget restores the configured one. The default is an
  // actuator this world does not have.
  virtual bool set_retry_budget(size_t /*service*/, double /*budget*/) { return false; }
  virtual bool quarantine_agent(const std::string& agent) = 0;
  // One key, or every key when `key` is "all".
  virtual bool rotate_keys(const std::string& key) = 0;
  // Restores the newest good backup; the writes lost, or -1 if none.
  virtual double restore_backup(size_t store) = 0;
};

// An alert as the alerting controller (or a detector) raises it.
struct Alert {
  uint64_t id = 0;
  std::string severity;  // "P0", "P1", "P2"
  std::string signal;    // "latency_p95", "error_rate", "traffic_drop", "saturation_cpu", ...
  std::string service;   // a service id, or "system"
  std::string source;    // "alerting", "detectors", "resilience"
  Micros fired_at = 0;
  double value = 0.0;      // what was observed at firing
  double threshold = 0.0;  // what it crossed
};

// A decision: every action a controller takes, with its reason.
struct Decision {
  Micros at = 0;
  std::string controller;  // "startup", "alerting", "incident", "control", ...
  std::string kind;        // the seed's verb in snake_case: enable_safe_mode, rollback, ...
  std::string target;      // a service, agent, key, module or "system"
  std::string reason;      // which alert or check caused it
};

// Where decisions, alert transitions and notes go: into the trace hash and
// outcome.json.
class RecorderPort {
 public:
  virtual ~RecorderPort() = default;
  virtual void decision(const Decision& d) = 0;
  virtual void alert_fired(const Alert& a) = 0;
  virtual void alert_resolved(const Alert& a, Micros at) = 0;
  // A free-form event for the timeline (startup phase, grading step, ...).
  virtual void note(Micros at, const std::string& controller, const std::string& what) = 0;
};

// The ports a controller is built with.
struct Ports {
  ClockPort& clock;
  TelemetryPort& telemetry;
  ActuatorPort& actuators;
  RecorderPort& recorder;
  RandomPort& random;
};

}  // namespace dreamsim::ctl
