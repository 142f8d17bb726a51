#include "model/controller_host.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "model/detection_eval.hpp"
#include "sim/trace.hpp"

namespace dreamsim::model {
namespace {

Signal to_model(ctl::Signal s) {
  switch (s) {
    case ctl::Signal::kLatencyP50: return Signal::kLatencyP50;
    case ctl::Signal::kLatencyP95: return Signal::kLatencyP95;
    case ctl::Signal::kLatencyP99: return Signal::kLatencyP99;
    case ctl::Signal::kErrorRate: return Signal::kErrorRate;
    case ctl::Signal::kTraffic: return Signal::kTraffic;
    case ctl::Signal::kCpu: return Signal::kCpu;
    case ctl::Signal::kMemory: return Signal::kMemory;
    case ctl::Signal::kGoodput: return Signal::kGoodput;
    case ctl::Signal::kRetries: return Signal::kRetries;
    case ctl::Signal::kBacklog: return Signal::kBacklog;
    case ctl::Signal::kUtilisation: return Signal::kUtilisation;
  }
  return Signal::kTraffic;
}

}  // namespace

// What the actuators have switched off, which the world applies but does not
// report per service: safe mode (non-core services) and disabled modules.
struct ControllerHost::Switches {
  bool safe_mode = false;
  std::vector<std::string> disabled_modules;  // sorted

  bool disabled(const Service& s) const {
    if (safe_mode && !s.core) return true;
    return !s.module.empty() &&
           std::binary_search(disabled_modules.begin(), disabled_modules.end(), s.module);
  }
};

// ---------------------------------------------------------------------------
// Clock

class ControllerHost::Clock : public ctl::ClockPort {
 public:
  explicit Clock(sim::Simulation& sim) : sim_(sim) {}
  ctl::Micros now() const override { return sim_.now().us(); }
  uint64_t call_after(ctl::Micros delay, std::function<void()> fn) override {
    const sim::EventId id = sim_.after(sim::Duration::micros(std::max<ctl::Micros>(0, delay)),
                                       std::move(fn));
    const uint64_t handle = next_++;
    ids_[handle] = id;
    // Forget handles of timers long gone, so the map stays small.
    if (ids_.size() > 4096) ids_.erase(ids_.begin());
    return handle;
  }
  bool cancel(uint64_t timer) override {
    const auto it = ids_.find(timer);
    if (it == ids_.end()) return false;
    const bool cancelled = sim_.cancel(it->second);
    ids_.erase(it);
    return cancelled;
  }

 private:
  sim::Simulation& sim_;
  uint64_t next_ = 1;
  std::map<uint64_t, sim::EventId> ids_;
};

// ---------------------------------------------------------------------------
// Telemetry

class ControllerHost::Telemetry : public ctl::TelemetryPort {
 public:
  Telemetry(const World& world, const Switches& switches) : world_(world), switches_(switches) {
    const Scenario& sc = world.scenario();
    for (const Service& s : sc.services) {
      ctl::ServiceInfo info;
      info.id = s.id;
      info.core = s.core;
      info.module = s.module;
      for (const DependencyEdge& e : s.depends_on) info.depends_on.push_back(e.service);
      info.startup_time = s.startup_time.us();
      info.is_database = s.kind == ServiceKind::kDatabase;
      info.is_queue = s.kind == ServiceKind::kQueue;
      services_.push_back(std::move(info));
    }
  }

  ctl::Micros tick() const override { return world_.tick().us(); }
  size_t service_count() const override { return services_.size(); }
  const ctl::ServiceInfo& service(size_t i) const override { return services_.at(i); }
  size_t find_service(const std::string& id) const override {
    for (size_t i = 0; i < services_.size(); ++i) {
      if (services_[i].id == id) return i;
    }
    return services_.size();
  }
  ctl::ServiceState state(size_t i) const override {
    const ServiceStatus st = world_.service_status(i);
    ctl::ServiceState out;
    out.desired = st.desired;
    out.running = st.running;
    out.starting = st.starting;
    out.hung = st.hung;
    out.unready = st.unready;
    out.serving = st.serving;
    out.stopped = st.stopped;
    out.outage = st.outage;
    out.disabled = switches_.disabled(world_.scenario().services[i]);
    return out;
  }

  // Ticks that have ended by now: tick k ends at (k + 1) x tick.
  int64_t ticks() const override {
    const int64_t ended = world_.now().us() / world_.tick().us();
    return std::min<int64_t>(ended, world_.signals().ticks());
  }

  void window(ctl::Signal signal, size_t column, size_t count,
              std::vector<double>& out) const override {
    out.clear();
    const GoldenSignals& g = world_.signals();
    const int64_t end = ticks();
    const int64_t begin = std::max(end - static_cast<int64_t>(count), g.ticks() - g.kept());
    g.append_range(to_model(signal), column, std::max<int64_t>(0, begin), end, out);
  }

  double latency_quantile(size_t column, double q, size_t count) const override {
    // As GoldenSignals::window_latency_quantile, over the ticks ended by now.
    const GoldenSignals& g = world_.signals();
    const int64_t end = ticks();
    const int64_t begin = std::max(end - static_cast<int64_t>(count), g.ticks() - g.kept());
    LogHistogram h;
    const double tick_s = world_.tick().seconds_f();
    const int64_t from = std::max<int64_t>(0, begin);
    std::vector<double>* parts[4] = {&p50_, &p95_, &p99_, &traffic_};
    const Signal signals[4] = {Signal::kLatencyP50, Signal::kLatencyP95, Signal::kLatencyP99,
                               Signal::kTraffic};
    for (int i = 0; i < 4; ++i) {
      parts[i]->clear();
      g.append_range(signals[i], column, from, end, *parts[i]);
    }
    for (size_t i = 0; i < traffic_.size(); ++i) {
      add_latency_points(h, p50_[i], p95_[i], p99_[i], traffic_[i] * tick_s);
    }
    if (h.count() == 0) return std::numeric_limits<double>::quiet_NaN();
    return h.quantile(q);
  }

  std::vector<ctl::CheckResult> pre_startup_checks() const override {
    std::vector<ctl::CheckResult> out;
    for (const CheckFailure& f : world_.failing_checks(world_.now())) {
      ctl::CheckResult r;
      r.check = f.check == ConfigCheck::kDatabase ? "database"
                : f.check == ConfigCheck::kQueue  ? "queue"
                                                  : "env";
      r.target = f.target;
      r.ok = false;
      r.reason = f.reason;
      out.push_back(std::move(r));
    }
    return out;
  }

  std::vector<ctl::DeployInfo> deploys() const override {
    // A deploy is a bad_deploy fault that took effect, active while the
    // service still splits traffic to that version; or a scenario deployment
    // that the deployment controller staged, active from then (its rollout
    // in progress, or promoted) until it is rolled back.
    std::vector<ctl::DeployInfo> out;
    const Scenario& sc = world_.scenario();
    for (const FaultRecord& r : world_.faults()) {
      if (r.kind != FaultKind::kBadDeploy || !r.took_effect) continue;
      const Fault& f = sc.faults[r.index];
      const VersionSignals v = world_.version_signals(f.target);
      ctl::DeployInfo d;
      d.service = f.target;
      d.version = f.version;
      d.at = r.took_effect->us();
      d.active = v.split && v.version == f.version;
      d.weight = d.active ? v.weight : 0.0;
      out.push_back(std::move(d));
    }
    for (size_t i = 0; i < sc.deployments.size(); ++i) {
      const DeploymentStatus& st = world_.deployment_status(i);
      if (!st.staged_at) continue;
      ctl::DeployInfo d;
      d.service = sc.deployments[i].service;
      d.version = sc.deployments[i].version;
      d.at = st.staged_at->us();
      d.active = st.active;
      d.weight = st.active ? st.weight : 0.0;
      out.push_back(std::move(d));
    }
    return out;
  }

  bool version_window(size_t service, size_t count,
                      std::vector<ctl::VersionTick>& out) const override {
    out.clear();
    if (service >= services_.size()) return false;
    const int d = world_.active_deployment(service);
    if (d < 0) return false;
    // Only the ticks that have ended by now, as for every other signal.
    const int64_t ended = ticks();
    const std::vector<VersionMeasure>& m = world_.version_measures(static_cast<size_t>(d));
    size_t end = m.size();
    while (end > 0 && m[end - 1].tick >= ended) --end;
    const size_t begin = end > count ? end - count : 0;
    for (size_t i = begin; i < end; ++i) {
      ctl::VersionTick t;
      t.tick = m[i].tick;
      t.weight = m[i].weight;
      for (int k = 0; k < 2; ++k) {
        t.requests[k] = m[i].requests[k];
        t.p95_s[k] = m[i].p95_s[k];
        t.error_rate[k] = m[i].error_rate[k];
        t.cpu[k] = m[i].cpu[k];
      }
      out.push_back(t);
    }
    return true;
  }

  bool version_samples(size_t service, ctl::VersionSample& baseline,
                       ctl::VersionSample& canary) const override {
    const VersionSignals v = world_.version_signals(service);
    if (!v.split) return false;
    baseline = {v.baseline_p95_s, v.baseline_error_rate};
    canary = {v.canary_p95_s, v.canary_error_rate};
    return true;
  }

  std::vector<ctl::AgentInfo> agents() const override {
    std::vector<ctl::AgentInfo> out;
    const Scenario& sc = world_.scenario();
    for (size_t a = 0; a < sc.agents.size(); ++a) {
      out.push_back({sc.agents[a].id, sc.agents[a].key, world_.agent_quarantined(a),
                     world_.agent_exfiltration_rps(a)});
    }
    return out;
  }

  std::vector<ctl::DataStoreInfo> data_stores() const override {
    std::vector<ctl::DataStoreInfo> out;
    const Scenario& sc = world_.scenario();
    for (size_t i = 0; i < sc.data_stores.size(); ++i) {
      const DataStoreStatus st = world_.data_store_status(i);
      out.push_back({sc.data_stores[i].id, sc.data_stores[i].service, !st.corrupted,
                     st.backups - st.bad_backups, st.buffered,
                     st.last_good_backup ? st.last_good_backup->us() : -1});
    }
    return out;
  }

 private:
  const World& world_;
  const Switches& switches_;
  std::vector<ctl::ServiceInfo> services_;
  // latency_quantile's columns, kept to spare an allocation per evaluation.
  mutable std::vector<double> p50_, p95_, p99_, traffic_;
};

// ---------------------------------------------------------------------------
// Actuators

class ControllerHost::Actuators : public ctl::ActuatorPort {
 public:
  Actuators(World& world, Switches& switches, ctl::Micros key_rotation_time)
      : world_(world), switches_(switches), rotation_(key_rotation_time) {}

  bool start_service(size_t s) override { return valid(s) && (world_.start_service(s), true); }
  bool stop_service(size_t s) override { return valid(s) && (world_.stop_service(s), true); }
  bool restart_service(size_t s) override { return valid(s) && (world_.restart_service(s), true); }
  bool scale_service(size_t s, int replicas) override {
    return valid(s) && replicas >= 0 && (world_.scale_service(s, replicas), true);
  }
  void set_entry_admission(double fraction) override { world_.set_entry_admission(fraction); }
  bool set_traffic_weight(size_t s, double w) override {
    return valid(s) && (world_.set_traffic_weight(s, w), true);
  }
  bool rollback(size_t s) override {
    // A new version is there while the service splits traffic to it, or
    // while a deployment has staged it (at weight 0 before its first
    // replica is ready).
    if (!valid(s) || (!world_.version_signals(s).split && world_.active_deployment(s) < 0)) {
      return false;
    }
    world_.rollback(s);
    return true;
  }
  bool deploy_version(size_t s, const std::string& version) override {
    if (!valid(s) || world_.active_deployment(s) >= 0) return false;
    const Scenario& sc = world_.scenario();
    for (size_t d = 0; d < sc.deployments.size(); ++d) {
      if (sc.deployments[d].service == s && sc.deployments[d].version == version &&
          !world_.deployment_status(d).staged_at) {
        world_.deploy_version(d);
        return true;
      }
    }
    return false;
  }
  void set_safe_mode(bool on) override {
    switches_.safe_mode = on;
    world_.set_safe_mode(on);
  }
  void set_write_drain(bool on) override { world_.set_write_drain(on); }
  void set_kill_switch(bool on) override { world_.set_kill_switch(on); }
  bool set_module_enabled(const std::string& module, bool enabled) override {
    if (world_.set_module_enabled(module, enabled) == 0) return false;
    auto& m = switches_.disabled_modules;
    const auto it = std::lower_bound(m.begin(), m.end(), module);
    const bool listed = it != m.end() && *it == module;
    if (!enabled && !listed) m.insert(it, module);
    if (enabled && listed) m.erase(it);
    return true;
  }
  bool set_rate_limit(size_t s, double rps) override {
    return valid(s) && (world_.set_rate_limit(s, rps), true);
  }
  bool set_brownout(size_t s, double d) override {
    return valid(s) && (world_.set_brownout(s, d), true);
  }
  bool set_retry_budget(size_t s, double budget) override {
    return valid(s) && (world_.set_retry_budget(s, budget), true);
  }
  bool quarantine_agent(const std::string& agent) override {
    const Scenario& sc = world_.scenario();
    for (size_t a = 0; a < sc.agents.size(); ++a) {
      if (sc.agents[a].id == agent) {
        world_.quarantine_agent(a);
        return true;
      }
    }
    return false;
  }
  bool rotate_keys(const std::string& key) override {
    // New keys are issued and rolled out; the old one stops working when
    // the rotation completes.
    if (key != "all") {
      bool known = false;
      for (const Agent& a : world_.scenario().agents) known = known || a.key == key;
      for (const Fault& f : world_.scenario().faults) {
        known = known || (f.kind == FaultKind::kKeyCompromise && f.target_name == key);
      }
      if (!known) return false;
    }
    World* w = &world_;
    world_.simulation().after(sim::Duration::micros(rotation_), [w, key] {
      if (key == "all") {
        w->rotate_all_keys();
      } else {
        w->rotate_key(key);
      }
    });
    return true;
  }
  double restore_backup(size_t store) override {
    if (store >= world_.scenario().data_stores.size()) return -1.0;
    return world_.restore_backup(store);
  }

 private:
  bool valid(size_t s) const { return s < world_.service_count(); }
  World& world_;
  Switches& switches_;
  ctl::Micros rotation_;
};

// ---------------------------------------------------------------------------
// Recorder

class ControllerHost::Recorder : public ctl::RecorderPort {
 public:
  explicit Recorder(World& world) : world_(world) {}

  void decision(const ctl::Decision& d) override {
    world_.record_action(ActionRecord{d.controller, d.kind, d.target,
                                      Time::from_micros(d.at), d.reason});
    sim::TraceHasher& t = world_.simulation().trace();
    t.text("decision");
    t.integer(d.at);
    t.text(d.controller);
    t.text(d.kind);
    t.text(d.target);
    t.text(d.reason);
    t.end_record();
  }

  void alert_fired(const ctl::Alert& a) override {
    open_[a.id] = alerts_.size();
    alerts_.push_back(AlertRecord{a.severity, a.signal, a.service, Time::from_micros(a.fired_at),
                                  std::nullopt, a.source});
    sim::TraceHasher& t = world_.simulation().trace();
    t.text("alert");
    t.integer(a.fired_at);
    t.text(a.severity);
    t.text(a.signal);
    t.text(a.service);
    t.real(a.value);
    t.end_record();
  }

  void alert_resolved(const ctl::Alert& a, ctl::Micros at) override {
    const auto it = open_.find(a.id);
    if (it == open_.end()) return;
    alerts_[it->second].resolved_at = Time::from_micros(at);
    open_.erase(it);
    sim::TraceHasher& t = world_.simulation().trace();
    t.text("resolved");
    t.integer(at);
    t.word(a.id);
    t.end_record();
  }

  void note(ctl::Micros at, const std::string& controller, const std::string& what) override {
    notes_.push_back(NoteRecord{Time::from_micros(at), controller, what});
    sim::TraceHasher& t = world_.simulation().trace();
    t.text("note");
    t.integer(at);
    t.text(controller);
    t.text(what);
    t.end_record();
  }

  // Alerts go to the world when the run is over, with their resolution
  // times known.
  void flush() {
    for (AlertRecord& a : alerts_) world_.record_alert(std::move(a));
    alerts_.clear();
    open_.clear();
  }
  const std::vector<NoteRecord>& notes() const { return notes_; }

 private:
  World& world_;
  std::vector<AlertRecord> alerts_;
  std::map<uint64_t, size_t> open_;  // alert id -> index in alerts_
  std::vector<NoteRecord> notes_;
};

// ---------------------------------------------------------------------------
// Random

class ControllerHost::Random : public ctl::RandomPort {
 public:
  Random(uint64_t seed, const std::string& name) : rng_(sim::derive_stream(seed, name)) {}
  double uniform01() override { return rng_.uniform01(); }
  double exponential(double mean) override { return rng_.exponential(mean); }
  double normal(double mean, double sd) override { return rng_.normal(mean, sd); }
  double lognormal(double mu, double sigma) override { return rng_.lognormal(mu, sigma); }

 private:
  sim::Rng rng_;
};

// ---------------------------------------------------------------------------

ControllerHost::ControllerHost(World& world, const ctl::Procedures& procedures)
    : world_(world),
      switches_(std::make_unique<Switches>()),
      procedures_(procedures),
      clock_(std::make_unique<Clock>(world.simulation())),
      telemetry_(std::make_unique<Telemetry>(world, *switches_)),
      actuators_(
          std::make_unique<Actuators>(world, *switches_, procedures.incident.key_rotation_time)),
      recorder_(std::make_unique<Recorder>(world)),
      random_incident_(std::make_unique<Random>(world.seed(), "ctl/incident")),
      random_detectors_(std::make_unique<Random>(world.seed(), "ctl/detectors")) {
  const ctl::Ports ports{*clock_, *telemetry_, *actuators_, *recorder_, *random_incident_};
  alerting_ = std::make_unique<ctl::AlertingController>(ports, procedures_.alerting);
  control_ = std::make_unique<ctl::ControlController>(ports);
  recovery_ = std::make_unique<ctl::RecoveryController>(ports, procedures_.recovery);
  incident_ = std::make_unique<ctl::IncidentController>(ports, procedures_.incident, *alerting_,
                                                        *control_, *recovery_);
  random_deployment_ = std::make_unique<Random>(world.seed(), "ctl/deployment");
  std::vector<ctl::DeploymentRequest> requests;
  for (const Deployment& d : world.scenario().deployments) {
    ctl::DeploymentRequest q;
    q.service = d.service;
    q.version = d.version;
    q.at = d.at.us();
    q.strategy = d.strategy == DeploymentStrategy::kCanary ? ctl::DeployStrategy::kCanary
                                                           : ctl::DeployStrategy::kStandard;
    q.tests_passed = d.tests_passed;
    q.reviewed = d.reviewed;
    q.dependencies_reachable = d.dependencies_reachable;
    requests.push_back(std::move(q));
  }
  deployment_ = std::make_unique<ctl::DeploymentController>(
      ctl::Ports{*clock_, *telemetry_, *actuators_, *recorder_, *random_deployment_},
      ctl::with_p2_limits(procedures_.deployment, procedures_.alerting), std::move(requests));
  const ctl::AlertingController* alerting = alerting_.get();
  startup_ = std::make_unique<ctl::StartupController>(
      ports, ctl::with_p2_limits(procedures_.startup, procedures_.alerting),
      [alerting] { return alerting->worst_severity(); });
  if (procedures_.detectors.enabled) {
    const ctl::Ports detector_ports{*clock_, *telemetry_, *actuators_, *recorder_,
                                    *random_detectors_};
    detectors_ = std::make_unique<ctl::DetectorController>(detector_ports, procedures_.detectors);
    // Golden-signal pages costimulate detector activations; detector pages
    // go to the incident runbook like golden-signal ones.
    ctl::DetectorController* detectors = detectors_.get();
    alerting_->subscribe([detectors](const ctl::Alert& a, ctl::AlertingController::Event e) {
      detectors->on_golden_alert(a, e);
    });
    ctl::IncidentController* incident = incident_.get();
    detectors_->subscribe([incident](const ctl::Alert& a, ctl::AlertingController::Event e) {
      incident->on_alert(a, e);
    });
  }
  resilience_ = std::make_unique<ctl::ResilienceController>(ports, procedures_.resilience);
  alert_review_ = std::make_unique<ctl::AlertReview>(procedures_.maintenance);
  ctl::IncidentController* incident = incident_.get();
  ctl::AlertReview* review = alert_review_.get();
  const ctl::ClockPort* clock = clock_.get();
  resilience_->subscribe([incident, review, clock](const ctl::Alert& a, bool fired) {
    review->on_alert(a, fired, clock->now());
    incident->on_alert(a, fired ? ctl::AlertingController::Event::kFired
                                : ctl::AlertingController::Event::kResolved);
  });
  alerting_->subscribe([review, clock](const ctl::Alert& a, ctl::AlertingController::Event e) {
    if (e == ctl::AlertingController::Event::kEscalated) return;
    review->on_alert(a, e == ctl::AlertingController::Event::kFired, clock->now());
  });
  // The daily review of golden signals learns each column's traffic over a
  // day; the traffic-drop rule discounts the fall it expects.
  traffic_profile_ = std::make_unique<ctl::TrafficProfile>(ports, procedures_.maintenance);
  ctl::TrafficProfile* profile = traffic_profile_.get();
  alerting_->subscribe([profile](const ctl::Alert& a, ctl::AlertingController::Event e) {
    profile->on_alert(a, e != ctl::AlertingController::Event::kResolved);
  });
  alerting_->expect_traffic([profile](size_t column, ctl::Micros window_from, ctl::Micros window_to,
                                      ctl::Micros base_from, ctl::Micros base_to) {
    return profile->expected_ratio(column, window_from, window_to, base_from, base_to);
  });
  // A long guardrail's release is a known change to the detectors.
  if (detectors_) {
    ctl::DetectorController* detectors = detectors_.get();
    resilience_->on_trigger([detectors](const ctl::GuardrailTrigger& t, size_t service) {
      detectors->on_guardrail(t.kind, service, t.engaged, t.at);
    });
  }
  maintenance_ = std::make_unique<ctl::MaintenanceScheduler>(ports, procedures_.maintenance);
  maintenance_->add(*resilience_);
  maintenance_->add(*alert_review_);
  maintenance_->add(*traffic_profile_);
  // The detectors retrain, tune eps and the z gates, and promote to memory.
  if (detectors_) maintenance_->add(*detectors_);
}

ControllerHost::~ControllerHost() = default;

void ControllerHost::start(StartupMode startup) {
  alerting_->watch_exfiltration(procedures_.incident.exfiltration_rps);
  recovery_->start();
  incident_->start();
  ctl::DeploymentController* deployment = deployment_.get();
  alerting_->subscribe([deployment](const ctl::Alert& a, ctl::AlertingController::Event e) {
    deployment->on_alert(a, e);
  });
  deployment_->start();
  resilience_->start();
  traffic_profile_->start();
  maintenance_->start();
  if (startup == StartupMode::kNone) {
    alerting_->start();
    if (detectors_) detectors_->start();
    return;
  }
  // A start-up is a maintenance window: alerting and the detectors start
  // when it is over.
  ctl::AlertingController* alerting = alerting_.get();
  ctl::DetectorController* detectors = detectors_.get();
  startup_->subscribe([alerting, detectors](const ctl::StartupReport&) {
    alerting->start();
    if (detectors) detectors->start();
  });
  startup_->start(startup == StartupMode::kMinimal);
}

void ControllerHost::finish() { recorder_->flush(); }

namespace {

using Json = nlohmann::ordered_json;

Json seconds_or_null(std::optional<int64_t> us) {
  if (!us) return Json(nullptr);
  return Json(static_cast<double>(*us) / 1e6);
}

// A fault "owns" the alerts and actions from its effect until this long after
// it ends: the alert's window plus its hysteresis.
constexpr int64_t kFaultGraceUs = 15 * 60 * 1000000LL;

double round6(double v) { return std::round(v * 1e6) / 1e6; }

Json detector_json(const ctl::Detector& d) {
  Json c = Json::array();
  for (int f = 0; f < ctl::kFeatureCount; ++f) c.push_back(round6(d.sphere.center(f)));
  return Json{{"id", d.name()},       {"state", ctl::to_string(d.state)},
              {"center", std::move(c)}, {"radius", round6(d.sphere.radius)},
              {"score", round6(d.score)}, {"tp", d.tp},
              {"fp", d.fp},             {"activations", d.activations}};
}

// The repertoire and its alerts: getDetectors (counts), the top 10 by score,
// getAlerts with the seed's severity words.
Json detectors_json(const ctl::DetectorController& c) {
  Json j;
  const ctl::DetectorStats& s = c.stats();
  const std::vector<ctl::Detector> all = c.detectors();
  int memory = 0;
  for (const ctl::Detector& d : all) memory += d.state == ctl::DetectorState::kMemory ? 1 : 0;
  j["trained"] = c.trained();
  j["eps"] = round6(c.eps());
  j["z_gate"] = round6(c.z_gate());
  j["self_vectors"] = c.self_size();
  j["active"] = all.size();
  j["memory"] = memory;
  j["repertoire_hash"] = sim::format_hash(c.repertoire_hash());
  j["evaluations"] = s.evaluations;
  j["gated"] = s.gated;
  j["matches"] = s.matches;
  j["activations"] = s.activations;
  j["confirmed"] = s.confirmed;
  j["unconfirmed"] = s.unconfirmed;
  j["trainings"] = s.trainings;
  j["syncs"] = s.syncs;
  j["generation_attempts"] = s.generation_attempts;
  j["held"] = Json{{"change", s.held_by_change},
                   {"golden_alert_open", s.held_by_golden},
                   {"persistence", s.held_by_persistence}};
  j["costimulated_at_p2"] = s.costimulated_at_p2;
  Json top = Json::array();
  for (const ctl::Detector& d : c.top(10)) top.push_back(detector_json(d));
  j["top"] = std::move(top);
  Json alerts = Json::array();
  for (const ctl::DetectorAlert& a : c.alerts()) {
    alerts.push_back(Json{
        {"severity", a.severity},
        {"page", a.alert.severity},
        {"method", a.method},
        {"signal", a.alert.signal},
        {"service", a.alert.service},
        {"detector", a.detector != 0 ? Json(ctl::detector_name(a.detector)) : Json(nullptr)},
        {"fired_at_s", static_cast<double>(a.alert.fired_at) / 1e6},
        {"resolved_at_s",
         a.resolved_at >= 0 ? Json(static_cast<double>(a.resolved_at) / 1e6) : Json(nullptr)}});
  }
  j["alerts"] = std::move(alerts);
  return j;
}

}  // namespace

void ControllerHost::annotate(nlohmann::ordered_json& outcome) const {
  const auto& faults = world_.faults();
  const auto& alerts = world_.alerts();
  const int64_t end_us = world_.end().us();
  // The first fault that took effect anchors ttd, ttm and ttr.
  std::optional<int64_t> onset;
  for (const FaultRecord& f : faults) {
    if (f.took_effect && (!onset || f.took_effect->us() < *onset)) onset = f.took_effect->us();
  }
  auto in_some_fault = [&](int64_t t) {
    for (const FaultRecord& f : faults) {
      if (!f.took_effect) continue;
      const int64_t to = f.ended ? f.ended->us() + kFaultGraceUs : end_us;
      if (t >= f.took_effect->us() && t <= to) return true;
    }
    return false;
  };
  std::optional<int64_t> ttd, ttm, ttr;
  if (onset) {
    for (const AlertRecord& a : alerts) {
      if (a.fired_at.us() >= *onset) {
        ttd = a.fired_at.us() - *onset;
        break;
      }
    }
    for (const ctl::Incident& i : incident_->incidents()) {
      if (i.opened_at < *onset) continue;
      if (i.mitigated_at >= 0 && !ttm) ttm = i.mitigated_at - *onset;
      if (i.resolved_at >= 0 && !ttr) ttr = i.resolved_at - *onset;
    }
  }
  int false_alerts = 0;
  for (const AlertRecord& a : alerts) {
    // A start-up that stopped is a fact the sequence observed (often a
    // misconfiguration rather than a scheduled fault), never a false alarm.
    if (a.source == "startup") continue;
    if (!in_some_fault(a.fired_at.us())) ++false_alerts;
  }
  int missed = 0;
  for (const FaultRecord& f : faults) {
    if (!f.took_effect) continue;
    const int64_t to = f.ended ? f.ended->us() + kFaultGraceUs : end_us;
    bool seen = false;
    for (const AlertRecord& a : alerts) {
      seen = seen || (a.fired_at.us() >= f.took_effect->us() && a.fired_at.us() <= to);
    }
    // Corruption shows in no golden signal: the recovery's integrity check
    // is what detects it.
    if (f.kind == FaultKind::kDataCorruption) {
      for (const ctl::DataRecovery& d : recovery_->data()) {
        seen = seen || (d.id == f.target && d.detected_at >= f.took_effect->us() &&
                        d.detected_at <= to);
      }
    }
    if (!seen) ++missed;
  }
  int breaches = 0;
  for (const ctl::Incident& i : incident_->incidents()) breaches += i.response_breached ? 1 : 0;

  Json& m = outcome["metrics"];
  m["ttd_s"] = seconds_or_null(ttd);
  m["ttm_s"] = seconds_or_null(ttm);
  m["ttr_s"] = seconds_or_null(ttr);
  m["false_alerts"] = false_alerts;
  m["missed_faults"] = missed;
  m["sla_breaches"] = breaches;

  Json incidents = Json::array();
  for (const ctl::Incident& i : incident_->incidents()) {
    Json j;
    j["id"] = i.id;
    j["severity"] = ctl::severity_name(i.severity);
    j["cause_alert"] = i.cause_alert;
    j["service"] = i.service;
    j["diagnosis"] = i.diagnosis;
    j["opened_at_s"] = static_cast<double>(i.opened_at) / 1e6;
    j["responded_at_s"] = i.responded_at >= 0 ? Json(static_cast<double>(i.responded_at) / 1e6) : Json(nullptr);
    j["mitigated_at_s"] = i.mitigated_at >= 0 ? Json(static_cast<double>(i.mitigated_at) / 1e6) : Json(nullptr);
    j["resolved_at_s"] = i.resolved_at >= 0 ? Json(static_cast<double>(i.resolved_at) / 1e6) : Json(nullptr);
    j["response_breached"] = i.response_breached;
    // The post-mortem: what the simulation knows was the cause (the faults
    // active when the incident opened), and what was done.
    Json causes = Json::array();
    for (const FaultRecord& f : faults) {
      if (!f.took_effect || f.took_effect->us() > i.opened_at) continue;
      if (f.ended && f.ended->us() + kFaultGraceUs < i.opened_at) continue;
      causes.push_back(std::string(to_string(f.kind)) + " on " + f.target);
    }
    j["known_cause"] = std::move(causes);
    Json actions = Json::array();
    for (const ctl::Decision& d : i.actions) {
      actions.push_back(Json{{"at_s", static_cast<double>(d.at) / 1e6}, {"kind", d.kind},
                             {"target", d.target}});
    }
    j["actions"] = std::move(actions);
    incidents.push_back(std::move(j));
  }
  outcome["incidents"] = std::move(incidents);

  if (startup_ && startup_->report().state != ctl::StartupState::kNotStarted) {
    const ctl::StartupReport r = startup_->report();
    Json j;
    j["state"] = ctl::to_string(r.state);
    j["minimal_mode"] = r.minimal_mode;
    j["reason"] = r.reason;
    j["failed_service"] = r.failed_service;
    j["admission"] = r.admission;
    Json phases = Json::array();
    for (const ctl::PhaseSpan& p : r.phases) {
      phases.push_back(Json{{"name", p.name},
                            {"start_s", static_cast<double>(p.start) / 1e6},
                            {"end_s", p.end >= 0 ? Json(static_cast<double>(p.end) / 1e6) : Json(nullptr)}});
    }
    j["phases"] = std::move(phases);
    outcome["startup"] = std::move(j);
  }

  // Deployments: what the controller did (steps, verdicts with their
  // evidence) and what the world knows (requests on the new version, the
  // time to rollback).
  Json deployments = Json::array();
  double users_exposed = 0.0;
  std::optional<int64_t> time_to_rollback;
  const Scenario& sc = world_.scenario();
  const auto seconds = [](int64_t us) { return static_cast<double>(us) / 1e6; };
  const auto at_or_null = [&](int64_t us) { return us >= 0 ? Json(seconds(us)) : Json(nullptr); };
  for (size_t i = 0; i < sc.deployments.size(); ++i) {
    const Deployment& dep = sc.deployments[i];
    const ctl::DeploymentRecord& rec = deployment_->deployments().at(i);
    const DeploymentStatus& st = world_.deployment_status(i);
    Json j;
    j["service"] = sc.services[dep.service].id;
    j["version"] = dep.version;
    j["strategy"] = to_string(dep.strategy);
    j["at_s"] = dep.at.seconds_f();
    j["result"] = ctl::to_string(rec.result);
    j["reason"] = rec.reason;
    j["started_at_s"] = at_or_null(rec.started_at);
    j["ended_at_s"] = at_or_null(rec.ended_at);
    j["rolled_back_by"] = rec.rolled_back_by.empty() ? Json(nullptr) : Json(rec.rolled_back_by);
    Json steps = Json::array();
    const ctl::JudgementRecord* last = nullptr;
    for (const ctl::StepRecord& sr : rec.steps) {
      Json step;
      step["name"] = sr.name;
      step["weight"] = sr.weight;
      step["start_s"] = seconds(sr.start);
      step["end_s"] = at_or_null(sr.end);
      Json judgements = Json::array();
      for (const ctl::JudgementRecord& jr : sr.judgements) {
        last = &jr;
        Json jj;
        jj["at_s"] = seconds(jr.at);
        jj["interim"] = jr.interim;
        jj["verdict"] = ctl::to_string(jr.judgement.verdict);
        jj["score"] = jr.judgement.score;
        jj["reason"] = jr.judgement.reason;
        jj["action"] = jr.action;
        Json metrics = Json::array();
        for (const ctl::MetricEvidence& e : jr.judgement.metrics) {
          metrics.push_back(Json{{"name", e.name},
                                 {"classification", ctl::to_string(e.classification)},
                                 {"critical", e.critical},
                                 {"weight", e.weight},
                                 {"n_baseline", e.n_baseline},
                                 {"n_canary", e.n_canary},
                                 {"u", e.u},
                                 {"z", e.z},
                                 {"p_value", e.p_value},
                                 {"exact", e.exact},
                                 {"baseline_median", e.baseline_median},
                                 {"canary_median", e.canary_median},
                                 {"baseline_statistic", e.baseline_statistic},
                                 {"canary_statistic", e.canary_statistic},
                                 {"effect", e.effect},
                                 {"allowed", e.allowed},
                                 {"reason", e.reason}});
        }
        jj["metrics"] = std::move(metrics);
        judgements.push_back(std::move(jj));
      }
      step["judgements"] = std::move(judgements);
      steps.push_back(std::move(step));
    }
    j["steps"] = std::move(steps);
    j["verdict"] = last != nullptr ? Json(ctl::to_string(last->judgement.verdict)) : Json(nullptr);
    std::optional<int64_t> ttr;
    if (st.rolled_back_at && st.staged_at) ttr = st.rolled_back_at->us() - st.staged_at->us();
    j["time_to_rollback_s"] = seconds_or_null(ttr);
    j["worse_than_baseline"] = dep.worse();
    j["requests_new_version"] = st.requests;
    const double exposed = dep.worse() ? st.requests : 0.0;
    j["users_exposed"] = exposed;
    users_exposed += exposed;
    if (ttr && (!time_to_rollback || *ttr > *time_to_rollback)) time_to_rollback = ttr;
    deployments.push_back(std::move(j));
  }
  // outcome["metrics"] again: `m` may dangle once sections were added (an
  // ordered_json object is a vector).
  outcome["metrics"]["users_exposed"] = users_exposed;
  outcome["metrics"]["time_to_rollback_s"] = seconds_or_null(time_to_rollback);
  outcome["deployments"] = std::move(deployments);
  annotate_resilience(outcome);
  annotate_maintenance(outcome);

  annotate_recovery(outcome);

  outcome["detection"] = detection_json(world_);
  if (detectors_) outcome["detectors"] = detectors_json(*detectors_);
  Json notes = Json::array();
  for (const NoteRecord& n : recorder_->notes()) {
    notes.push_back(Json{{"at_s", n.at.seconds_f()}, {"controller", n.controller}, {"what", n.what}});
  }
  outcome["notes"] = std::move(notes);
}

void ControllerHost::annotate_recovery(nlohmann::ordered_json& outcome) const {
  const ctl::RecoveryController& rc = *recovery_;
  const int64_t end_us = world_.end().us();
  // Seconds as outcome.json writes them: whole seconds as integers, else
  // six decimals; null for "never" (-1).
  auto secs = [](int64_t us) -> Json {
    if (us % 1000000 == 0) return us / 1000000;
    return std::round(static_cast<double>(us)) / 1e6;
  };
  auto at_s = [&](int64_t us) { return us >= 0 ? secs(us) : Json(nullptr); };

  Json section;
  const ctl::SystemStatus st = rc.status();
  section["status"] = Json{{"healthy", st.healthy},
                           {"degraded", st.degraded},
                           {"failed", st.failed},
                           {"starting", st.starting},
                           {"stopped", st.stopped},
                           {"disabled", st.disabled},
                           {"failed_services", st.failed_services},
                           {"degraded_services", st.degraded_services}};
  section["safe_mode"] = rc.safe_mode().on();

  Json services = Json::array();
  for (const ctl::ServiceRecovery* r : rc.services()) {
    Json restarts = Json::array();
    for (const int64_t t : r->restarts) restarts.push_back(secs(t));
    services.push_back(Json{{"service", r->id},
                            {"state", ctl::to_string(r->state)},
                            {"restarts_at_s", std::move(restarts)},
                            {"recovered_at_s", at_s(r->recovered_at)},
                            {"gave_up_at_s", at_s(r->gave_up_at)}});
  }
  section["services"] = std::move(services);

  Json full = Json::array();
  for (const ctl::FullRecovery& f : rc.full()) {
    Json waves = Json::array();
    const auto& dag_waves = rc.dag().waves();
    for (size_t w = 0; w < dag_waves.size(); ++w) {
      Json ids = Json::array();
      for (const size_t s : dag_waves[w]) ids.push_back(rc.dag().id(s));
      waves.push_back(Json{{"services", std::move(ids)},
                           {"healthy_at_s", w < f.wave_healthy_at.size()
                                                ? at_s(f.wave_healthy_at[w])
                                                : Json(nullptr)}});
    }
    full.push_back(Json{{"state", ctl::to_string(f.state)},
                        {"reason", f.reason},
                        {"started_at_s", at_s(f.started_at)},
                        {"completed_at_s", at_s(f.completed_at)},
                        {"gave_up_at_s", at_s(f.gave_up_at)},
                        {"enabled_safe_mode", f.enabled_safe_mode},
                        {"waves", std::move(waves)}});
  }
  section["full_recoveries"] = std::move(full);

  // Data recoveries, with the corruption's onset from the fault records: the
  // latest data_corruption of the store that took effect by the detection.
  std::optional<int64_t> rpo, rto;
  Json data = Json::array();
  for (const ctl::DataRecovery& d : rc.data()) {
    std::optional<int64_t> onset;
    for (const FaultRecord& f : world_.faults()) {
      if (f.kind != FaultKind::kDataCorruption || f.target != d.id || !f.took_effect) continue;
      if (f.took_effect->us() <= d.detected_at) onset = f.took_effect->us();
    }
    const int64_t done = d.verified_at >= 0 ? d.verified_at : end_us;
    Json j;
    j["store"] = d.id;
    j["state"] = ctl::to_string(d.state);
    j["corrupted_at_s"] = onset ? at_s(*onset) : Json(nullptr);
    j["detected_at_s"] = at_s(d.detected_at);
    j["backup_at_s"] = at_s(d.backup_at);
    j["restored_at_s"] = at_s(d.restored_at);
    j["verified_at_s"] = at_s(d.verified_at);
    j["restores"] = d.restores;
    j["writes_lost"] = std::llround(d.writes_lost);
    if (d.restored_at >= 0 && d.backup_at >= 0) {
      const int64_t window = d.restored_at - d.backup_at;
      j["data_loss_window_s"] = secs(window);
      j["backup_age_at_onset_s"] = onset ? secs(*onset - d.backup_at) : Json(nullptr);
      rpo = std::max(rpo.value_or(0), window);
    } else {
      j["data_loss_window_s"] = nullptr;
      j["backup_age_at_onset_s"] = nullptr;
    }
    j["rto_s"] = onset ? secs(done - *onset) : Json(nullptr);
    j["rto_from_detection_s"] = secs(done - d.detected_at);
    if (onset && (d.restored_at >= 0 || d.state == ctl::DataRecovery::State::kGaveUp)) {
      rto = std::max(rto.value_or(0), done - *onset);
    }
    if (!d.reason.empty()) j["reason"] = d.reason;
    data.push_back(std::move(j));
  }
  section["data"] = std::move(data);

  Json& m = outcome["metrics"];
  m["rpo_s"] = rpo ? secs(*rpo) : Json(nullptr);
  m["rto_s"] = rto ? secs(*rto) : Json(nullptr);
  outcome["recovery"] = std::move(section);
}

void ControllerHost::annotate_resilience(nlohmann::ordered_json& outcome) const {
  const ctl::ResilienceController& r = *resilience_;
  const WorldMetrics metrics = world_.metrics();
  Json j;
  j["enabled"] = r.procedures().enabled;
  j["index_min"] = r.min_index();
  j["index_min_at_s"] = seconds_or_null(r.min_index_at() >= 0 ? std::optional<int64_t>(r.min_index_at())
                                                              : std::nullopt);
  const std::optional<int64_t> below =
      r.first_below_at() >= 0 ? std::optional<int64_t>(r.first_below_at()) : std::nullopt;
  j["first_below_alert_s"] = seconds_or_null(below);
  const std::optional<int64_t> breach =
      metrics.first_slo_violation ? std::optional<int64_t>(metrics.first_slo_violation->us())
                                  : std::nullopt;
  j["first_slo_breach_s"] = seconds_or_null(breach);
  // Positive: the warning came first, by this much; negative: it came late.
  std::optional<int64_t> lead;
  if (below && breach) lead = *breach - *below;
  j["lead_time_s"] = seconds_or_null(lead);
  j["alerts"] = r.alerts_fired();
  j["evaluations_below_alert"] = r.evaluations_below();
  Json triggers = Json::array();
  for (const ctl::GuardrailTrigger& t : r.guardrail_triggers()) {
    triggers.push_back(Json{{"at_s", static_cast<double>(t.at) / 1e6},
                            {"kind", t.kind},
                            {"service", t.service},
                            {"engaged", t.engaged},
                            {"value", t.value},
                            {"reason", t.reason}});
  }
  j["guardrail_triggers"] = std::move(triggers);
  outcome["metrics"]["early_warning_lead_s"] = seconds_or_null(lead);
  outcome["resilience"] = std::move(j);
}

void ControllerHost::annotate_maintenance(nlohmann::ordered_json& outcome) const {
  Json j;
  j["enabled"] = maintenance_->procedures().enabled;
  Json jobs = Json::array();
  for (const ctl::MaintenanceRun& run : maintenance_->runs()) {
    Json actions = Json::array();
    for (const ctl::MaintenanceAction& a : run.actions) {
      actions.push_back(Json{{"kind", a.kind}, {"target", a.target}, {"detail", a.detail}});
    }
    jobs.push_back(Json{{"job", ctl::to_string(run.job)},
                        {"at_s", static_cast<double>(run.at) / 1e6},
                        {"actions", std::move(actions)}});
  }
  j["jobs"] = std::move(jobs);
  outcome["maintenance"] = std::move(j);
}

const std::vector<NoteRecord>& ControllerHost::notes() const { return recorder_->notes(); }

}  // namespace dreamsim::model
