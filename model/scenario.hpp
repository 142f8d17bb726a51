// The validated scenario: what a scenario file says, after the loader
// (model/scenario_loader.hpp) has checked every field. Nothing downstream of
// the loader sees raw YAML or JSON; everything here is already in range, every
// reference resolves, and every duration is a sim::Duration.
//
// Field names follow the file format documented in scenarios/README.md; units
// go last in names (timeout, capacity_rps, memory_base_mb).
//
// Additions made with the loader (nothing was renamed or removed):
// - Scenario::noise, the file's top-level `noise`: the default that each
//   EntryLoad::noise was filled from (an entry's own `noise` overrides it).
// - Fault::declared, the fault's index in the file's `faults` list, since the
//   loader sorts faults by (start, declaration order).
// - What Fault::target means for each target kind is spelled out below,
//   including kAllServices for a traffic fault with `target: "*"` and kKey,
//   where `target` is the first agent holding the key.
// - to_string() for FaultTargetKind and ConfigCheck.
// - Scenario::startup (StartupMode), the file's `startup`: whether the run
//   begins with the services running or with the start-up sequence.
// - Scenario::procedures_loaded, the procedures file named by `procedures`,
//   loaded and validated with the scenario (model/procedures_loader.hpp).
// - Scenario::deployments, the file's `deployments`: new versions rolled out
//   by the deployment controller (issue 5).
// - Scenario::expectations holds validated Expectation structs (the language
//   of model/expectation.hpp) instead of the JSON kept as written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controllers/procedures.hpp"
#include "model/expectation.hpp"
#include "sim/time.hpp"

namespace dreamsim::model {

using sim::Duration;
using sim::Time;

enum class ServiceKind { kService, kDatabase, kQueue };

// How callers retry a failed or timed-out request to a service.
struct RetryPolicy {
  int count = 0;                               // extra attempts after the first
  Duration backoff = Duration::millis(200);    // base of full-jitter backoff
  double budget = 0.0;  // retries allowed as a fraction of first attempts; 0 = unlimited
};

struct DependencyEdge {
  size_t service = 0;              // index into Scenario::services
  double calls_per_request = 1.0;  // mean calls made per request served
};

struct Service {
  std::string id;
  ServiceKind kind = ServiceKind::kService;
  int replicas = 1;
  double capacity_rps = 100.0;              // per replica
  Duration service_time = Duration::millis(10);  // mean time to serve one request
  double service_time_cv = 1.0;             // coefficient of variation (1 = exponential)
  double cpu_per_request_ms = 5.0;          // CPU milliseconds per request
  double cpu_cores = 1.0;                   // per replica
  double memory_base_mb = 256.0;            // per replica
  double memory_per_inflight_mb = 1.0;
  double memory_limit_mb = 1024.0;          // per replica
  Duration timeout = Duration::seconds(1);  // callers give up after this
  RetryPolicy retries;                      // how callers retry this service
  std::vector<DependencyEdge> depends_on;
  bool core = false;                        // starts in minimal mode
  std::string module;                       // what "disable module" switches off; may be empty
  Duration startup_time = Duration::seconds(10);  // from start to ready
  bool liveness_ok = true;                  // health behaviour at start
  bool readiness_ok = true;
  std::vector<std::string> requires_env;    // environment settings checked before startup
};

struct Backup {
  Duration every = Duration::hours(1);
  Duration offset = Duration::micros(0);  // first backup at offset (then every `every`)
};

struct DataStore {
  std::string id;
  size_t service = 0;                        // the database service that hosts it
  double write_rate = 100.0;                 // acknowledged writes per second at full traffic
  Duration flush_interval = Duration::seconds(5);  // in-flight buffer made durable this often
  std::optional<Backup> backup;
  uint64_t records = 1000000;                // records an exfiltration can read
};

struct AgentCall {
  size_t service = 0;
  double rate_rps = 1.0;
};

struct Agent {
  std::string id;
  std::string key;
  std::vector<AgentCall> calls;
};

enum class LoadProfileKind { kConstant, kDiurnal, kStep, kRamp, kSpike, kSeries };

struct LoadProfile {
  LoadProfileKind kind = LoadProfileKind::kConstant;
  double rate_rps = 0.0;           // constant; step/ramp: the level before; spike: baseline
  // diurnal
  double peak_rps = 0.0;
  double trough_rps = 0.0;
  Duration period = Duration::hours(24);
  Duration peak_at = Duration::hours(14);  // time of day of the peak
  // step / ramp / spike
  Duration at;                     // step: when; ramp: start; spike: start
  Duration length;                 // ramp: how long the ramp takes; spike: how long it lasts
  double to_rps = 0.0;             // step/ramp: level after; spike: peak
  // series: a CSV of (t_s, rate_rps), linear interpolation, held after the end
  std::string series_path;         // resolved against the scenario's folder
  std::vector<std::pair<Duration, double>> series;
};

struct LoadNoise {
  double cv = 0.05;            // per-tick relative standard deviation
  double autocorrelation = 0.5;  // AR(1) coefficient of the relative noise, in [0, 1)
};

struct EntryLoad {
  size_t service = 0;
  LoadProfile profile;
  LoadNoise noise;
};

enum class FaultKind {
  kCrash, kHang, kReadinessFailure, kLatency, kErrors, kBadDeploy, kDependencyOutage,
  kMemoryLeak, kCpuHog, kTrafficDrop, kTrafficSurge, kPartition, kDataCorruption,
  kAgentCompromise, kKeyCompromise, kFullOutage, kConfigError
};

// What a fault's `target` names. kNone: partition (it names `groups`).
// kAllServices: full_outage (every service), and traffic_drop/traffic_surge
// written with `target: "*"` (every entry load).
enum class FaultTargetKind { kNone, kService, kDataStore, kAgent, kKey, kAllServices };

enum class ConfigCheck { kDatabase, kQueue, kEnv };

struct Fault {
  FaultKind kind = FaultKind::kCrash;
  FaultTargetKind target_kind = FaultTargetKind::kService;
  size_t target = 0;               // index into services, data_stores or agents; for kKey the
                                   // first agent holding the key; 0 for kNone and kAllServices
  std::string target_name;         // as written (service id, store id, agent id, key)
  Time start;
  std::optional<Time> end;         // none: lasts to the end of the run
  // crash: replicas lost (0 = all)
  int replicas = 0;
  // latency: added per request; bad_deploy: added by the new version
  Duration latency_add;
  double latency_factor = 1.0;     // bad_deploy: multiplies the service time
  double error_rate = 0.0;         // errors, bad_deploy: fraction of requests failing
  std::string version;             // bad_deploy: the new version's name
  double weight = 1.0;             // bad_deploy: share of traffic on the new version
  double leak_mb_per_min = 0.0;    // memory_leak, per replica
  double cpu_fraction = 0.0;       // cpu_hog: CPU taken from each replica
  double fraction = 0.0;           // traffic_drop: fraction lost
  double factor = 1.0;             // traffic_surge: multiplier of entry load
  std::vector<std::vector<size_t>> groups;  // partition: calls between groups fail
  double exfil_rps = 0.0;          // compromise: records read out per second
  std::vector<AgentCall> calls;    // agent_compromise: the agent's calls meanwhile (empty: its own)
  ConfigCheck check = ConfigCheck::kEnv;  // config_error: which pre-startup check fails
  std::string setting;             // config_error env: the missing setting
  size_t declared = 0;             // index in the file's `faults` list
};

// How a deployment is carried out (controllers/deployment.hpp).
enum class DeploymentStrategy { kCanary, kStandard };

// A deployment of a new version of a service, carried out by the deployment
// controller (where a bad_deploy fault is a deploy that nobody controls). The
// new version's behaviour is the truth the controller does not know: it
// sees only what the world measures of each version.
struct Deployment {
  size_t service = 0;              // index into Scenario::services
  std::string version;
  Time at;
  DeploymentStrategy strategy = DeploymentStrategy::kCanary;
  double latency_factor = 1.0;     // multiplies the service time on the new version
  Duration latency_add;            // added per request by the new version
  double error_rate = 0.0;         // fraction of requests the new version fails
  // Pre-deployment checks: what the pipeline says.
  bool tests_passed = true;
  bool reviewed = true;
  bool dependencies_reachable = true;
  size_t declared = 0;             // index in the file's `deployments` list

  // Worse than the version it replaces, in truth: its users are "exposed".
  bool worse() const { return latency_factor > 1.0 || latency_add.us() > 0 || error_rate > 0.0; }
};

const char* to_string(DeploymentStrategy strategy);

// How the run begins. kNone: every service is running at time 0 (the
// steady state most scenarios start from). kStandard: every service begins
// stopped and the startup controller runs the seed's standard sequence
// (pre-startup checks, init order, health gates, traffic grading, verify).
// kMinimal: the emergency start-up: core services only, then the subsystems
// one at a time (the seed's INIT_SUBSYSTEMS=false).
enum class StartupMode { kNone, kStandard, kMinimal };

inline const char* to_string(StartupMode mode) {
  switch (mode) {
    case StartupMode::kNone:
      return "none";
    case StartupMode::kStandard:
      return "standard";
    case StartupMode::kMinimal:
      return "minimal";
  }
  return "?";
}

struct Scenario {
  std::string name;                // "name" in the file, or the file's stem
  std::string description;
  std::string path;                // the file it was loaded from
  uint64_t seed = 1;
  Duration duration = Duration::hours(1);
  Duration tick = Duration::seconds(1);
  std::vector<Service> services;   // declaration order = graph vertex ids
  std::vector<std::string> environment;  // settings present at startup
  std::vector<DataStore> data_stores;
  std::vector<Agent> agents;
  LoadNoise noise;                 // top-level default; each EntryLoad::noise is resolved
  std::vector<EntryLoad> load;
  std::vector<Fault> faults;       // sorted by (start, declaration order)
  std::vector<Deployment> deployments;  // in declaration order; one per service at most
  std::string procedures;          // path of the procedures file, resolved; may be empty
  // The procedures file at `procedures`, loaded and validated (its path and
  // hash set); nothing when the scenario names none, in which case the
  // built-in defaults (ctl::Procedures{}, the seed's numbers) apply.
  // `dreamsim run --procedures FILE` overrides both.
  std::optional<ctl::Procedures> procedures_loaded;
  StartupMode startup = StartupMode::kNone;
  // What the run must show, in file order (a `metrics` item gives one
  // expectation per bound); judged by model/expectations.hpp.
  std::vector<Expectation> expectations;
};

const char* to_string(FaultKind kind);
const char* to_string(ServiceKind kind);
const char* to_string(LoadProfileKind kind);
const char* to_string(FaultTargetKind kind);
const char* to_string(ConfigCheck check);

}  // namespace dreamsim::model
