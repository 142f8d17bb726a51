// DetectorGeneratorCore: the seed's detectors (Monitoring Procedures >
// Detector Monitoring, Maintenance > Detector Maintenance) as a controller,
// after the research notes' recommendation (shared/research/algorithms.md,
// sections 1.6 and 1.9).
//
// Every `evaluation_interval` (the alerting interval, not every tick: the
// sweeps' budget is a few-hour run in a few milliseconds) the controller
// reads one feature vector per service from the golden signals of the ticks
// since the last evaluation: log p95 latency, error rate, log traffic, log
// CPU per request (CPU saturation / traffic: raw CPU follows every swing of
// load, its cost per request moves only when the work does) and memory
// saturation. Then, per service:
//
//   Stage A. Each feature's robust z against the median and MAD of the last
//     `baseline_window` of vectors taken while no alert was open on the
//     service (refreshed every `baseline_refresh`), and a one-sided CUSUM on
//     z in the direction that hurts (latency, errors and saturation up,
//     traffic down). |z| >= z_hard or a CUSUM alarm is an anomaly on its own,
//     except for traffic: a one-hour baseline cannot follow a diurnal swing
//     (measured: every quiet diurnal day paged dozens of times), and the
//     static traffic-drop alert already compares with the hour before;
//     traffic still opens the gate and is a coordinate of the repertoire.
//   Stage B. Only when some |z| >= z_gate (the gate: most vectors never get
//     here, which is both the false-positive filter of section 1.6 and the
//     cost saving), z is whitened by the self set's covariance, mapped into
//     the unit cube and matched against the repertoire of the service's
//     detector node: V-detectors generated to cover the non-self space
//     farther than `eps` from every self vector (controllers/detector_math.hpp).
//
// Life cycle (Hofmeyr and Forrest). A detector is born naive (active). A
// naive detector activates after `activation_matches` matches within
// `activation_window`; a memory detector after one. An activation raises
// the service's detector alert and waits `confirm_window` for
// costimulation: a golden-signal alert on the service or the system, or a
// CUSUM alarm on it. Confirmed, the detector is credited (tp); not, it is
// debited (fp). Ground truth is never consulted. score =
// (tp + 1) / (tp + fp + 2) x log2(1 + tp), the Laplace-smoothed precision
// times the log of the hits. Maintenance promotes the top `memory_size` with
// a confirmed hit to immune memory, which survives retraining (re-tolerised:
// shrunk away from the new self, dropped if nothing is left); naive
// detectors are regenerated. Each of `nodes` nodes has its own repertoire
// (services are assigned round robin) drawn from the same stream one after
// another, so the nodes have different holes; every `sync_interval` the
// nodes' memories are merged (centres within eps deduplicated, best score
// first, ties by id) and every node gets the merged set.
//
// Alerts. One detector alert per service (source "detectors"), signal
// "<method>_<feature>" (zscore_latency_p95, cusum_saturation_memory) or
// "nsa_anomaly" (the repertoire) / "nearest_self_anomaly". Severity
// "warning" pages as P2; a costimulated activation escalates it to "high",
// P1. It resolves after `resolve_after` with no anomaly. Alerts go to the
// recorder and to subscribers (the host wires the incident runbook), as the
// golden-signal alerts do.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "controllers/alerting.hpp"
#include "controllers/detector_math.hpp"
#include "controllers/maintenance.hpp"
#include "controllers/ports.hpp"
#include "controllers/procedures.hpp"

namespace dreamsim::ctl {

const char* to_string(DetectorMode mode);
const char* feature_name(int feature);  // latency_p95, error_rate, traffic, ...

// "n1-17": node 1, its 17th detector.
std::string detector_name(uint64_t id);

enum class DetectorState : uint8_t { kNaive, kMemory, kDead };
const char* to_string(DetectorState state);

struct Detector {
  uint64_t id = 0;  // node x 2^32 + the node's sequence number
  int node = 0;
  Sphere sphere;
  DetectorState state = DetectorState::kNaive;
  double tp = 0.0;  // confirmed activations
  double fp = 0.0;  // unconfirmed activations
  double score = 0.0;
  int activations = 0;
  Micros born = 0;
  Micros last_activation = -1;
  // Matches in the current activation window.
  int window_matches = 0;
  Micros window_start = -1;

  bool active() const { return state != DetectorState::kDead; }
  std::string name() const;  // "n1-17"
};

// A detector alert with the seed's severity words.
struct DetectorAlert {
  Alert alert;             // as paged (P2 warning, P1 high)
  std::string severity;    // "warning", "high"
  std::string method;      // "zscore", "cusum", "nsa", "nearest_self"
  uint64_t detector = 0;   // the activated detector (nsa), else 0
  Micros resolved_at = -1;
};

// Figures for the outcome and the benchmarks.
struct DetectorStats {
  int64_t evaluations = 0;     // service vectors evaluated
  int64_t gated = 0;           // of which passed the z gate
  int64_t matches = 0;         // detector matches
  int64_t activations = 0;
  int64_t confirmed = 0;
  int64_t unconfirmed = 0;
  int trainings = 0;
  int syncs = 0;
  int generation_attempts = 0;  // over every training
  // The paging rules: findings that did not page, by the first rule that held them.
  int64_t held_by_change = 0;       // a known change on the service or below it
  int64_t held_by_golden = 0;       // a golden-signal alert already open
  int64_t held_by_persistence = 0;  // not anomalous for persist_for yet
  int64_t costimulated_at_p2 = 0;   // "high" kept at P2 (max_severity)
};

class DetectorController : public MaintenanceParticipant {
 public:
  using Listener = std::function<void(const Alert&, AlertingController::Event)>;

  DetectorController(Ports ports, const DetectorProcedures& procedures);

  // Schedules the evaluations and the node syncs; call once. The warm-up
  // counts from here (the host starts the detectors with the alerting, after
  // any start-up sequence).
  void start();
  // One evaluation now (the timer calls this; tests may too).
  void evaluate();
  // Subscribers get every page and resolution, as from the alerting.
  void subscribe(Listener listener) { listeners_.push_back(std::move(listener)); }
  // A golden-signal alert: costimulation for pending activations, and the
  // service's vectors stay out of the baseline while it fires.
  void on_golden_alert(const Alert& alert, AlertingController::Event event);
  // A guardrail (`kind`: brownout, rate_limit, shed_load, retry_budget,
  // scale_service) engaged or released on `service` at `at`. A release
  // after an engagement of at least quiet_after_change is a known change at
  // the next evaluation, as a deployment is, carried up to the services that
  // depend on it: the baseline has learnt the guarded level and the
  // service's signals now return to the unguarded one (a brownout
  // undimmed, a limit lifted, a scale-down). An engagement is not: it
  // answers an anomaly the detectors may still have to page; nor is a
  // release soon after it (a guardrail that flaps with a burst).
  void on_guardrail(const std::string& kind, size_t service, bool engaged, Micros at);

  // Trains now: baselines, self set, whitening, eps kept, the repertoire of
  // every node regenerated (memory kept). evaluate() trains once the warm-up
  // is over; maintenance retrains.
  void train();
  // Merges the nodes' immune memories and gives every node the result.
  void sync_nodes();
  // Promotes the best-scoring confirmed naive detectors to memory, up to
  // memory_size in all; returns how many were promoted.
  int promote();

  // The daily job: review detector performance (active count, top 100),
  // adjust eps and the z gate from recent self data, retrain, promote the
  // top detectors, sync the nodes. Weekly and monthly: review only.
  std::vector<MaintenanceAction> maintain(MaintenanceJob job, Micros now) override;

  // getDetectors: every live detector of every node, in (node, id) order.
  std::vector<Detector> detectors() const;
  std::vector<Detector> node_detectors(int node) const;
  // The best `n` live detectors by score (ties: lower id first).
  std::vector<Detector> top(size_t n) const;
  // getAlerts: every detector alert so far, in firing order.
  const std::vector<DetectorAlert>& alerts() const { return alerts_; }
  const DetectorStats& stats() const { return stats_; }
  bool trained() const { return trained_; }
  double eps() const { return eps_; }
  double z_gate() const { return z_gate_; }
  size_t self_size() const { return static_cast<size_t>(self_u_.cols()); }
  const Whitening& whitening_matrix() const { return whitening_; }
  // A 64-bit hash of every node's repertoire (ids, centres, radii, states).
  uint64_t repertoire_hash() const;

 private:
  struct Ring {
    std::vector<Feature> values;
    std::vector<uint8_t> quiet;
    size_t next = 0;
    size_t size = 0;
    // Each feature's quiet values in the ring, ascending: the baseline is
    // read from them every refresh without sorting the hour again.
    std::vector<double> sorted[kFeatureCount];
  };
  struct ServiceTrack {
    Ring ring;
    RobustBaseline baseline[kFeatureCount];
    Cusum cusum[kFeatureCount];
    int node = 0;
    bool golden_firing = false;
    int golden_open = 0;
    // The open detector alert.
    bool alerting = false;
    size_t alert_index = 0;  // into alerts_
    Micros anomalous_at = -1;
    // nearest_self mode: matches in the activation window.
    int window_matches = 0;
    Micros window_start = -1;
    // Persistence: the run of anomalous evaluations since the first finding.
    Micros run_start = -1;
    Micros run_last = -1;
    // The last evaluation at which the service was in a known change.
    Micros changed_at = -1;
  };
  struct Pending {
    uint64_t detector = 0;
    size_t service = 0;
    Micros at = 0;
  };

  void schedule_evaluation();
  void schedule_sync();
  bool read_features(size_t service, Feature& out);
  void refresh_baselines();
  Detector* find_detector(uint64_t id);
  // The method and feature of an anomaly, or method nullptr.
  struct Finding {
    const char* method = nullptr;
    int feature = -1;
    uint64_t detector = 0;
    bool confirmed = false;  // costimulated now
  };
  void match_repertoire(size_t service, const Feature& u, Micros now, Finding& finding);
  bool match_nearest_self(ServiceTrack& track, const Feature& u, Micros now);
  // Whether a finding may page now (the paging rules); false resets the run.
  bool persisted(ServiceTrack& track, bool finding, bool anomalous, Micros now) const;
  // Marks every service in a known change now (its own, or one of the
  // services it depends on, directly or not) in tracks_[s].changed_at.
  void mark_changes(Micros now);
  bool in_change(const ServiceTrack& track, Micros now) const;
  void raise(size_t service, const Finding& finding, double value, Micros now);
  void escalate(size_t service, Micros now);
  void resolve(size_t service, Micros now);
  void confirm(size_t service, Micros now);
  void expire_pending(Micros now);
  void emit(const Alert& a, AlertingController::Event e);
  void update_score(Detector& d);
  double tune_eps() const;
  double tune_z_gate() const;

  Ports ports_;
  DetectorProcedures p_;
  std::vector<ServiceTrack> tracks_;
  std::vector<std::vector<Detector>> nodes_;  // per node: memory first, then naive
  std::vector<uint64_t> next_seq_;
  std::vector<Listener> listeners_;
  std::vector<DetectorAlert> alerts_;
  std::vector<Pending> pending_;
  DetectorStats stats_;

  FeatureMatrix self_u_;
  Whitening whitening_ = Whitening::Identity();
  double eps_ = 0.08;
  double z_gate_ = 2.0;
  bool trained_ = false;
  bool started_ = false;
  Micros started_at_ = 0;
  Micros last_refresh_ = -1;
  uint64_t next_alert_id_ = 1;
  int system_golden_open_ = 0;  // golden-signal alerts open on the system column
  std::vector<size_t> topo_;          // services, dependencies first
  std::vector<uint8_t> changed_;      // scratch for mark_changes
  std::vector<uint8_t> noted_;        // a known change since the last evaluation
  std::map<std::pair<std::string, size_t>, Micros> guarded_since_;  // engaged guardrails

  // Scratch, reused so that evaluations do not allocate.
  std::vector<double> window_;
  std::vector<double> traffic_;
};

}  // namespace dreamsim::ctl
