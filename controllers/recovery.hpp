// Recovery: the seed's Recovery Procedures (service recovery, data
// recovery, full system recovery) and OSCore's status, as one controller.
// The incident runbook delegates every restart and the Complete System
// Failure procedure to it, so that restart order, health verification,
// backoff and giving up live in one place.
//
// System status (OSCore.status, getFailedServices). Every service is in one
// of five states, from what the telemetry port says of it:
//   stopped   stopped on purpose (by the start-up sequence or an operator);
//   failed    meant to run, nothing serving and nothing starting;
//   starting  nothing serving yet, replicas in start-up;
//   degraded  serving, but not healthy (replicas missing, hung or in outage);
//   healthy   every desired replica serving, no outage.
// A service switched off by safe mode or a module keeps its state (it can be
// restarted and verified while it takes no traffic) and is also counted as
// disabled. The status is taken every `status_interval`; each change is a
// timeline note ("status: 3 healthy, 0 degraded, 1 failed (db), ...").
//
// Service recovery (recover_service). The steps of the seed: identify the
// failed service, check its dependencies, restart it, verify its health.
//   - Dependencies first: a dependency that is not ready gets its own
//     recovery (recursively, so the deepest restarts first), and the service
//     waits until every direct dependency is ready. A service in outage (its
//     region or an external dependency is down) waits too: a restart cannot
//     help it, so no attempt is spent.
//   - Verify: after a restart the service is probed every `probe_interval`;
//     healthy within its startup_time + `verify_timeout` is recovered
//     (decision `verify_health`). Otherwise the attempt failed.
//   - Backoff: after the k-th failed attempt the next restart waits
//         backoff(k) = min(restart_backoff_cap, restart_backoff_base x 2^(k-1))
//     (30 s, 1 min, 2 min, 4 min, 5 min with the defaults), so a crash loop
//     does not become a restart loop; Kubernetes' CrashLoopBackOff has the
//     same shape (10 s doubling, capped at 5 min). After `restart_limit`
//     failed attempts the recovery gives up (decision `give_up`, naming the
//     attempts): a person has to look. A service that has been healthy for
//     `restart_reset_after` counts from zero again (Kubernetes resets after
//     10 min of running), which also lifts a give-up.
//   - A service that is up but not coping (the incident runbook's "degraded"
//     diagnosis: paging with nothing else to blame) is restarted through
//     restart_degraded: at once if the backoff allows, never queued, with the
//     same count and limit.
//
// Data recovery. Every `integrity_check_interval` each data store's
// integrity is checked (checkDataIntegrity). A corrupted store is restored
// from its newest good backup (decision `restore_backup`, naming the backup
// and the writes lost); a backup taken after the corruption began is not
// good, and every write acknowledged since the restored backup is lost (the
// world counts them; the decision and the outcome repeat the count). After
// `integrity_verify_after` integrity is verified (decision
// `verify_integrity`); a store still corrupted is restored again after the
// backoff, up to `restore_limit` times, then given up. A store with no good
// backup is given up at once. What the outcome reports as RPO and RTO
// (model/controller_host.hpp) follows from these records: the data-loss
// window is from the restored backup to the restore, and the recovery time
// runs to the verified restore.
//
// Full system recovery (full_recovery). The seed's four steps: enable safe
// mode, restore the services in dependency order, verify system health,
// disable safe mode. The order is ServiceDag's waves: every service of wave k
// that is not healthy is recovered (as above) at once, and wave k + 1 begins
// when all of wave k is healthy; stopped services are left alone. When the
// last wave is healthy and the status shows nothing failed or degraded, the
// system is verified (`verify_health` on "system") and safe mode is
// released. If a service of the current wave is given up, the full recovery
// gives up (`give_up` on "system") and safe mode stays on: the system is not
// healthy, and a person takes over. While a full recovery runs, a request to
// recover a service of a later wave waits for its wave.
//
// Safe mode has more than one holder (the P0 runbook, a full recovery): it
// is on while anyone holds it, and each holder records its own decisions, so
// a full recovery inside a P0 incident leaves safe mode for the incident to
// disable when it closes.
//
// Decisions are recorded with controller "recovery". A recovery requested on
// someone's behalf (the incident runbook passes "incident 3") reports its
// decisions to the subscribers with that requester, which is how the
// incident's post-mortem lists the restarts done for it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "controllers/dag.hpp"
#include "controllers/ports.hpp"
#include "controllers/procedures.hpp"

namespace dreamsim::ctl {

enum class ServiceHealth { kHealthy, kDegraded, kFailed, kStarting, kStopped };

const char* to_string(ServiceHealth health);
// The state of one service, as OSCore.status() counts it.
ServiceHealth classify(const ServiceState& state);

// OSCore.status(): the services by state; ids in declaration order.
struct SystemStatus {
  int healthy = 0;
  int degraded = 0;
  int failed = 0;
  int starting = 0;
  int stopped = 0;
  int disabled = 0;  // also counted in one of the above
  std::vector<std::string> failed_services;
  std::vector<std::string> degraded_services;

  // Every service meant to run is healthy.
  bool all_healthy() const { return degraded == 0 && failed == 0 && starting == 0; }
  // "3 healthy, 1 degraded (api), 1 failed (db), 0 starting, 0 stopped, 0 disabled"
  std::string summary() const;
  bool operator==(const SystemStatus&) const = default;
};

// The wait after the k-th failed attempt (k >= 1):
// min(cap, base x 2^(k-1)), without overflow for any k.
Micros restart_backoff(const RecoveryProcedures& p, int failures);

// One safe-mode switch, several holders: on while anyone holds it.
class SafeModeSwitch {
 public:
  explicit SafeModeSwitch(ActuatorPort& actuators) : actuators_(actuators) {}
  // Adds a holder; true if this turned safe mode on.
  bool hold(const std::string& holder);
  // Removes a holder; true if this turned safe mode off.
  bool release(const std::string& holder);
  bool on() const { return !holders_.empty(); }
  bool held_by(const std::string& holder) const;
  // The holders, sorted, joined by ", ".
  std::string holders() const;

 private:
  ActuatorPort& actuators_;
  std::vector<std::string> holders_;  // sorted
};

// The recovery of one service over the run: one record per service, created
// at its first request.
struct ServiceRecovery {
  enum class State { kIdle, kWaiting, kVerifying, kBackoff, kRecovered, kGaveUp };
  size_t service = 0;
  std::string id;
  State state = State::kIdle;
  int attempts = 0;              // restarts since the count was last reset
  std::vector<Micros> restarts;  // every restart, the whole run
  Micros requested_at = -1;      // the latest request
  Micros recovered_at = -1;      // the latest verified recovery
  Micros gave_up_at = -1;        // the latest give-up
  Micros next_attempt = 0;       // waiting or backing off: not before this
  Micros deadline = 0;           // verifying: healthy by this
  Micros healthy_since = -1;     // as last seen; -1 when not healthy
  std::string reason;            // of the latest request
  std::string requester;         // of the latest request ("incident 3", "full recovery")
  std::string waiting_for;       // the last wait noted, so it is noted once

  bool active() const {
    return state == State::kWaiting || state == State::kVerifying || state == State::kBackoff;
  }
};

const char* to_string(ServiceRecovery::State state);

// One data recovery: from the integrity check that found the corruption to
// the verified restore (or the give-up).
struct DataRecovery {
  enum class State { kVerifying, kBackoff, kRecovered, kGaveUp };
  size_t store = 0;
  std::string id;
  State state = State::kVerifying;
  Micros detected_at = 0;
  Micros restored_at = -1;  // the latest restore
  Micros backup_at = -1;    // when the restored backup was taken
  Micros verified_at = -1;  // integrity verified after the restore
  Micros gave_up_at = -1;
  double writes_lost = 0.0;  // over every restore of this recovery
  int restores = 0;
  std::string reason;  // of the give-up, when it gave up

  bool active() const { return state == State::kVerifying || state == State::kBackoff; }
};

const char* to_string(DataRecovery::State state);

// One full system recovery.
struct FullRecovery {
  enum class State { kRestoring, kRecovered, kGaveUp };
  State state = State::kRestoring;
  Micros started_at = 0;
  Micros completed_at = -1;  // verified healthy, safe mode released
  Micros gave_up_at = -1;
  std::string reason;
  std::string requester;
  size_t wave = 0;                      // the wave being restored
  std::vector<Micros> wave_healthy_at;  // per wave, when all of it was healthy
  bool enabled_safe_mode = false;       // this recovery turned safe mode on

  bool active() const { return state == State::kRestoring; }
};

const char* to_string(FullRecovery::State state);

class RecoveryController {
 public:
  // What a recovery request did.
  enum class Result {
    kHealthy,    // nothing to do
    kRestarted,  // a restart now (of the service or of a dependency)
    kPending,    // in hand: waiting for dependencies, a wave, an outage or the backoff
    kGaveUp,     // the limit was reached; nothing more is tried
  };
  // Called with every decision made for a requester.
  using Listener = std::function<void(const Decision&, const std::string& requester)>;

  RecoveryController(Ports ports, const RecoveryProcedures& procedures);

  // Starts the status poll and the integrity checks. Call once.
  void start();

  // OSCore.status() now.
  SystemStatus status() const;
  // As last recorded by the poll.
  const SystemStatus& last_status() const { return last_status_; }

  // Service recovery of a service that is not healthy; dependencies first.
  Result recover_service(size_t service, const std::string& reason, const std::string& requester);
  // A restart of a service that is up but not coping, if the backoff allows.
  Result restart_degraded(size_t service, const std::string& reason, const std::string& requester);
  // The Full System Recovery procedure. False if one is already running.
  bool full_recovery(const std::string& reason, const std::string& requester);
  bool full_recovery_active() const { return !full_.empty() && full_.back().active(); }
  // A data recovery runs for the store (restoring or verifying).
  bool data_recovery_active(size_t store) const;

  void subscribe(Listener listener) { listeners_.push_back(std::move(listener)); }
  SafeModeSwitch& safe_mode() { return safe_mode_; }
  const SafeModeSwitch& safe_mode() const { return safe_mode_; }
  const ServiceDag& dag() const { return dag_; }

  // The records, in the order they were created.
  std::vector<const ServiceRecovery*> services() const;
  const std::vector<DataRecovery>& data() const { return data_; }
  const std::vector<FullRecovery>& full() const { return full_; }

 private:
  void poll_status();
  void check_integrity();
  void restore(size_t index);
  void verify_restore(size_t index);
  ServiceRecovery& record_for(size_t service);
  void request(ServiceRecovery& r, const std::string& reason, const std::string& requester);
  void pump();
  void schedule_pump();
  void step(ServiceRecovery& r);
  // Restarts now, or gives up when the limit is reached.
  void restart(ServiceRecovery& r);
  void step_full();
  void observe_health(ServiceRecovery& r, const ServiceState& st);
  void decide(const std::string& kind, const std::string& target, const std::string& reason,
              const std::string& requester);
  void note(const std::string& what);
  bool dependencies_ready(size_t service, std::string& missing) const;

  Ports ports_;
  RecoveryProcedures p_;
  ServiceDag dag_;
  SafeModeSwitch safe_mode_;
  std::vector<Listener> listeners_;
  SystemStatus last_status_;
  bool status_taken_ = false;
  std::map<size_t, ServiceRecovery> services_;  // by service index
  std::vector<size_t> creation_order_;
  std::vector<DataRecovery> data_;
  std::vector<FullRecovery> full_;
  bool pump_scheduled_ = false;
  bool in_pump_ = false;
  bool pump_again_ = false;
  uint64_t restarts_ = 0;  // restarts made, over the run
  bool started_ = false;
};

}  // namespace dreamsim::ctl
