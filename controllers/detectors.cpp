#include "controllers/detectors.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dreamsim::ctl {
namespace {

// Detector alert ids live apart from the golden-signal alerts' (the
// recorder keys open alerts by id).
constexpr uint64_t kAlertIdBase = uint64_t{1} << 40;

// The scale floors of section 1.9: latency 5 % (log), error ratio 0.1 %,
// traffic 2 % (log), saturation 0.02.
constexpr double kScaleFloor[kFeatureCount] = {0.05, 0.001, 0.05, 0.05, 0.02};
// The direction that hurts: latency, errors, saturation up; traffic down.
constexpr double kBadSign[kFeatureCount] = {1.0, 1.0, -1.0, 1.0, 1.0};
// Which features alert on their own (Stage A). Traffic does not: a 1 h
// robust baseline cannot follow a diurnal swing (measured: 88 false CUSUM
// alerts per quiet diurnal day, all on traffic, h = 8), and the static
// traffic-drop alert already compares with the hour before. Traffic still
// opens the gate and is a coordinate of the repertoire.
constexpr bool kUnivariate[kFeatureCount] = {true, true, false, true, true};
// eps candidates for maintenance (section 1.9).
constexpr double kEpsGrid[] = {0.04, 0.06, 0.08, 0.10, 0.12, 0.14, 0.16};

uint64_t mix(uint64_t h, uint64_t v) {
  // FNV-1a over the 8 bytes of v.
  for (int i = 0; i < 8; ++i) {
    h ^= (v >> (8 * i)) & 0xffu;
    h *= 0x100000001b3ull;
  }
  return h;
}

uint64_t bits(double d) {
  uint64_t u = 0;
  static_assert(sizeof u == sizeof d);
  __builtin_memcpy(&u, &d, sizeof u);
  return u;
}

bool better(const Detector& a, const Detector& b) {
  if (a.score != b.score) return a.score > b.score;
  return a.id < b.id;
}

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace

const char* to_string(DetectorMode mode) {
  switch (mode) {
    case DetectorMode::kFull: return "full";
    case DetectorMode::kZScore: return "zscore";
    case DetectorMode::kCusum: return "cusum";
    case DetectorMode::kNearestSelf: return "nearest_self";
    case DetectorMode::kHybrid: return "hybrid";
  }
  return "?";
}

const char* feature_name(int feature) {
  switch (feature) {
    case 0: return "latency_p95";
    case 1: return "error_rate";
    case 2: return "traffic";
    case 3: return "cpu_per_request";
    case 4: return "saturation_memory";
    default: return "?";
  }
}

const char* to_string(DetectorState state) {
  switch (state) {
    case DetectorState::kNaive: return "naive";
    case DetectorState::kMemory: return "memory";
    case DetectorState::kDead: return "dead";
  }
  return "?";
}

std::string detector_name(uint64_t id) {
  return "n" + std::to_string(id >> 32) + "-" + std::to_string(id & 0xffffffffu);
}

std::string Detector::name() const { return detector_name(id); }

DetectorController::DetectorController(Ports ports, const DetectorProcedures& procedures)
    : ports_(ports),
      p_(procedures),
      tracks_(ports.telemetry.service_count()),
      nodes_(static_cast<size_t>(std::max(1, procedures.nodes))),
      next_seq_(nodes_.size(), 1),
      self_u_(kFeatureCount, 0),
      eps_(procedures.eps),
      z_gate_(procedures.z_gate) {
  const auto ring_size = static_cast<size_t>(
      std::max<Micros>(1, p_.baseline_window / std::max<Micros>(1, p_.evaluation_interval)));
  for (size_t s = 0; s < tracks_.size(); ++s) {
    ServiceTrack& t = tracks_[s];
    t.ring.values.assign(ring_size, Feature::Zero());
    t.ring.quiet.assign(ring_size, 0);
    t.node = static_cast<int>(s % nodes_.size());
    for (int f = 0; f < kFeatureCount; ++f) {
      t.cusum[f].k = p_.cusum_k;
      t.cusum[f].h = p_.cusum_h;
      t.baseline[f].scale = kScaleFloor[f];
    }
  }
  // Dependencies first (depth-first post-order from each service in index
  // order), so that one pass carries a change up to every caller.
  const TelemetryPort& t = ports_.telemetry;
  std::vector<uint8_t> mark(tracks_.size(), 0);  // 0 new, 1 on the stack, 2 done
  std::vector<std::pair<size_t, size_t>> stack;  // (service, next dependency)
  for (size_t root = 0; root < tracks_.size(); ++root) {
    if (mark[root] != 0) continue;
    stack.push_back({root, 0});
    mark[root] = 1;
    while (!stack.empty()) {
      auto& [s, next] = stack.back();
      const std::vector<size_t>& deps = t.service(s).depends_on;
      if (next < deps.size()) {
        const size_t d = deps[next++];
        if (d < tracks_.size() && mark[d] == 0) {
          mark[d] = 1;
          stack.push_back({d, 0});
        }
        continue;
      }
      mark[s] = 2;
      topo_.push_back(s);
      stack.pop_back();
    }
  }
  changed_.assign(tracks_.size(), 0);
  noted_.assign(tracks_.size(), 0);
}

void DetectorController::start() {
  if (started_ || !p_.enabled) return;
  started_ = true;
  started_at_ = ports_.clock.now();
  schedule_evaluation();
  if (p_.sync_interval > 0 && nodes_.size() > 1) schedule_sync();
}

void DetectorController::schedule_sync() {
  ports_.clock.call_after(p_.sync_interval, [this] {
    sync_nodes();
    schedule_sync();
  });
}

void DetectorController::schedule_evaluation() {
  const Micros now = ports_.clock.now();
  const Micros next = (now / p_.evaluation_interval + 1) * p_.evaluation_interval;
  ports_.clock.call_after(next - now, [this] {
    evaluate();
    schedule_evaluation();
  });
}

bool DetectorController::read_features(size_t service, Feature& out) {
  const TelemetryPort& t = ports_.telemetry;
  const auto n = static_cast<size_t>(std::max<Micros>(1, p_.evaluation_interval / t.tick()));
  t.window(Signal::kTraffic, service, n, traffic_);
  if (traffic_.empty()) return false;
  double traffic = 0.0;
  for (double v : traffic_) traffic += v;
  if (!(traffic > 0.0)) return false;  // no traffic: nothing to judge latency by
  t.window(Signal::kErrorRate, service, n, window_);
  double errors = 0.0;
  for (size_t i = 0; i < window_.size() && i < traffic_.size(); ++i) {
    errors += window_[i] * traffic_[i];
  }
  t.window(Signal::kLatencyP95, service, n, window_);
  double p95 = 0.0, weight = 0.0;
  for (size_t i = 0; i < window_.size() && i < traffic_.size(); ++i) {
    if (!(window_[i] == window_[i]) || traffic_[i] <= 0.0) continue;
    p95 += window_[i] * traffic_[i];
    weight += traffic_[i];
  }
  if (!(weight > 0.0)) return false;
  auto mean_of = [&](Signal s) {
    t.window(s, service, n, window_);
    double sum = 0.0;
    for (double v : window_) sum += v;
    return window_.empty() ? 0.0 : sum / static_cast<double>(window_.size());
  };
  const double rate = std::max(traffic / static_cast<double>(traffic_.size()), 1e-3);
  out(0) = std::log(std::max(p95 / weight, 1e-6));
  out(1) = errors / traffic;
  out(2) = std::log(rate);
  // CPU per request: CPU follows load, so raw saturation drifts with every
  // diurnal swing; its cost per request moves only when the work does.
  out(3) = std::log(std::max(mean_of(Signal::kCpu), 1e-6) / rate);
  out(4) = mean_of(Signal::kMemory);
  return true;
}

void DetectorController::refresh_baselines() {
  for (ServiceTrack& t : tracks_) {
    const Ring& r = t.ring;
    for (int f = 0; f < kFeatureCount; ++f) {
      // Keep the last baseline when everything recent was alerting.
      if (!r.sorted[f].empty()) t.baseline[f] = robust_baseline_sorted(r.sorted[f], kScaleFloor[f]);
    }
  }
}

void DetectorController::train() {
  refresh_baselines();
  last_refresh_ = ports_.clock.now();
  // The self set: quiet vectors whose every |z| is under the gate, by
  // reservoir sampling (Algorithm R) in (service, ring slot) order.
  const auto cap = static_cast<Eigen::Index>(std::max(1, p_.self_sample));
  FeatureMatrix z_self(kFeatureCount, cap);
  Eigen::Index kept = 0;
  int64_t seen = 0;
  for (const ServiceTrack& t : tracks_) {
    for (size_t i = 0; i < t.ring.size; ++i) {
      if (!t.ring.quiet[i]) continue;
      Feature z;
      for (int f = 0; f < kFeatureCount; ++f) z(f) = robust_z(t.ring.values[i](f), t.baseline[f]);
      if (z.cwiseAbs().maxCoeff() >= z_gate_) continue;
      ++seen;
      if (kept < cap) {
        z_self.col(kept++) = z;
      } else {
        const auto j = static_cast<int64_t>(ports_.random.uniform01() * static_cast<double>(seen));
        if (j < cap) z_self.col(static_cast<Eigen::Index>(j)) = z;
      }
    }
  }
  z_self.conservativeResize(Eigen::NoChange, kept);
  whitening_ = whitening(z_self);
  self_u_.resize(kFeatureCount, kept);
  for (Eigen::Index i = 0; i < kept; ++i) self_u_.col(i) = to_unit(z_self.col(i), whitening_, p_.z_max);

  const Micros now = ports_.clock.now();
  VDetectorParams params{eps_, p_.coverage, p_.max_detectors, p_.max_attempts, p_.min_radius};
  for (size_t n = 0; n < nodes_.size(); ++n) {
    std::vector<Detector>& node = nodes_[n];
    // Memory survives: re-tolerised against the new self (shrunk so that it
    // matches none of it, dropped if too little is left). Naive ones die.
    std::vector<Detector> kept_memory;
    std::vector<Sphere> existing;
    for (Detector& d : node) {
      if (d.state != DetectorState::kMemory) continue;
      const double room = nearest_distance(self_u_, d.sphere.center) - eps_;
      d.sphere.radius = std::min(d.sphere.radius, room);
      if (d.sphere.radius < p_.min_radius) continue;
      existing.push_back(d.sphere);
      kept_memory.push_back(d);
    }
    if (p_.mode == DetectorMode::kFull) {
      Generation g = generate_vdetectors(self_u_, existing, params, ports_.random);
      stats_.generation_attempts += g.attempts;
      for (const Sphere& s : g.detectors) {
        Detector d;
        d.node = static_cast<int>(n);
        d.id = (static_cast<uint64_t>(n) << 32) | next_seq_[n]++;
        d.sphere = s;
        d.born = now;
        kept_memory.push_back(d);
      }
    }
    node = std::move(kept_memory);
  }
  pending_.clear();
  trained_ = true;
  ++stats_.trainings;
}

void DetectorController::evaluate() {
  if (!p_.enabled) return;
  const Micros now = ports_.clock.now();
  const TelemetryPort& t = ports_.telemetry;
  if (!trained_ && now - started_at_ >= p_.warmup) {
    train();
  } else if (trained_ && now - last_refresh_ >= p_.baseline_refresh) {
    refresh_baselines();
    last_refresh_ = now;
  }
  expire_pending(now);
  mark_changes(now);
  Feature x;
  Feature z;
  for (size_t s = 0; s < tracks_.size(); ++s) {
    ServiceTrack& track = tracks_[s];
    // A service switched off on purpose, or without traffic, is not judged.
    if (t.state(s).disabled || !read_features(s, x)) {
      if (track.alerting && now - track.anomalous_at >= p_.resolve_after) resolve(s, now);
      continue;
    }
    const bool changing = in_change(track, now);
    Ring& r = track.ring;
    const bool quiet = !track.alerting && track.golden_open == 0 && !changing;
    for (int f = 0; f < kFeatureCount; ++f) {
      std::vector<double>& sorted = r.sorted[f];
      if (r.size == r.values.size() && r.quiet[r.next]) {  // the oldest quiet value leaves
        // Features are finite (read_features), so the exact copy is there.
        const double old = r.values[r.next](f);
        const auto it = std::lower_bound(sorted.begin(), sorted.end(), old);
        if (it != sorted.end() && *it == old) sorted.erase(it);
      }
      if (quiet) sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), x(f)), x(f));
    }
    r.values[r.next] = x;
    r.quiet[r.next] = quiet ? 1 : 0;
    r.next = (r.next + 1) % r.values.size();
    r.size = std::min(r.size + 1, r.values.size());
    if (!trained_) continue;
    ++stats_.evaluations;

    Finding finding;
    double value = 0.0;
    double worst = 0.0;
    bool cusum_alarm = false;
    // Anomalous for the persistence rule: some signal z_gate off in the
    // direction that hurts, or a CUSUM sum halfway to its alarm (and below,
    // a repertoire match).
    bool anomalous = false;
    for (int f = 0; f < kFeatureCount; ++f) {
      z(f) = robust_z(x(f), track.baseline[f]);
      const double bad = kBadSign[f] * z(f);
      worst = std::max(worst, std::fabs(z(f)));
      if (!kUnivariate[f]) continue;
      const bool alarm = track.cusum[f].update(bad);
      cusum_alarm = cusum_alarm || alarm;
      anomalous = anomalous || bad >= z_gate_ || track.cusum[f].s >= 0.5 * track.cusum[f].h;
      if (finding.method != nullptr) continue;
      if (bad >= p_.z_hard && (p_.mode == DetectorMode::kFull || p_.mode == DetectorMode::kHybrid ||
                               p_.mode == DetectorMode::kZScore)) {
        finding.method = "zscore";
        finding.feature = f;
        value = z(f);
      } else if (alarm && (p_.mode == DetectorMode::kFull || p_.mode == DetectorMode::kHybrid ||
                           p_.mode == DetectorMode::kCusum)) {
        finding.method = "cusum";
        finding.feature = f;
        value = z(f);
      }
    }
    const int64_t matches_before = stats_.matches;
    if (worst >= z_gate_ && (p_.mode == DetectorMode::kFull || p_.mode == DetectorMode::kNearestSelf ||
                             p_.mode == DetectorMode::kHybrid)) {
      ++stats_.gated;
      const Feature u = to_unit(z, whitening_, p_.z_max);
      if (p_.mode == DetectorMode::kFull) {
        Finding nsa;
        match_repertoire(s, u, now, nsa);
        if (nsa.method != nullptr) {
          value = worst;
          finding = nsa;
        }
      } else if (match_nearest_self(track, u, now)) {
        finding.method = "nearest_self";
        finding.feature = -1;
        value = worst;
      }
    }
    // A gated vector that the repertoire matched (or that lies farther than
    // eps from every self vector) is anomalous too, activated or not: the
    // multivariate view of a change only the traffic coordinate shows,
    // whose matches spread over many detectors.
    anomalous = anomalous || stats_.matches > matches_before;
    if (finding.method != nullptr && track.alerting) {
      track.anomalous_at = now;  // the open alert stays open
    } else if (changing) {
      // A change the procedures made or know of (a deploy, a restart, a
      // scale-up, safe mode) here or below: expected to move the signals.
      track.run_start = -1;
      if (finding.method != nullptr) ++stats_.held_by_change;
    } else if (track.golden_open > 0 || system_golden_open_ > 0) {
      // A golden-signal alert already pages for it: a detector alert would
      // be a second page for the same symptom.
      track.run_start = -1;
      if (finding.method != nullptr) ++stats_.held_by_golden;
    } else if (persisted(track, finding.method != nullptr, anomalous || finding.method != nullptr,
                         now)) {
      raise(s, finding, value, now);
    } else if (finding.method != nullptr) {
      ++stats_.held_by_persistence;
    }
    // A CUSUM alarm costimulates the service's pending activations (after
    // the raise, so that a confirmed first page escalates).
    if (cusum_alarm) confirm(s, now);
    if (finding.method == nullptr && track.alerting &&
        now - track.anomalous_at >= p_.resolve_after) {
      resolve(s, now);
    }
  }
}

bool DetectorController::persisted(ServiceTrack& track, bool finding, bool anomalous,
                                   Micros now) const {
  if (track.run_start >= 0 && now - track.run_last > p_.persist_gap) track.run_start = -1;
  if (anomalous) {
    if (track.run_start < 0) {
      if (!finding) return false;  // a run starts with a finding
      track.run_start = now;
    }
    track.run_last = now;
  }
  return finding && track.run_start >= 0 && now - track.run_start >= p_.persist_for;
}

void DetectorController::on_guardrail(const std::string& kind, size_t service, bool engaged,
                                      Micros at) {
  if (service >= noted_.size()) return;
  const auto key = std::make_pair(kind, service);
  if (engaged) {
    guarded_since_.try_emplace(key, at);  // a second engagement keeps the first time
    return;
  }
  const auto it = guarded_since_.find(key);
  if (it == guarded_since_.end()) return;
  if (at - it->second >= p_.quiet_after_change) noted_[service] = 1;
  guarded_since_.erase(it);
}

void DetectorController::mark_changes(Micros now) {
  const TelemetryPort& t = ports_.telemetry;
  std::fill(changed_.begin(), changed_.end(), 0);
  for (size_t s = 0; s < tracks_.size(); ++s) {
    const ServiceState st = t.state(s);
    // Replicas starting (a restart, a scale-up, a recovery), switched off
    // (safe mode, a disabled module) or stopped on purpose.
    changed_[s] = (st.starting > 0 || st.disabled || st.stopped || noted_[s]) ? 1 : 0;
    noted_[s] = 0;
  }
  for (const DeployInfo& d : t.deploys()) {
    if (d.active && d.service < changed_.size()) changed_[d.service] = 1;
  }
  // A change below a service shows in its own signals (a restarting
  // database slows every caller): carry it up the dependency graph.
  for (size_t s : topo_) {
    for (size_t d : t.service(s).depends_on) {
      if (d < changed_.size() && changed_[d]) changed_[s] = 1;
    }
  }
  for (size_t s = 0; s < tracks_.size(); ++s) {
    if (changed_[s]) tracks_[s].changed_at = now;
  }
}

bool DetectorController::in_change(const ServiceTrack& track, Micros now) const {
  return track.changed_at >= 0 &&
         (track.changed_at == now || now - track.changed_at < p_.quiet_after_change);
}

void DetectorController::match_repertoire(size_t service, const Feature& u, Micros now,
                                          Finding& finding) {
  std::vector<Detector>& node = nodes_[static_cast<size_t>(tracks_[service].node)];
  for (Detector& d : node) {
    if (!d.active()) continue;
    if ((d.sphere.center - u).squaredNorm() >= d.sphere.radius * d.sphere.radius) continue;
    ++stats_.matches;
    if (d.window_start < 0 || now - d.window_start > p_.activation_window) {
      d.window_start = now;
      d.window_matches = 0;
    }
    ++d.window_matches;
    const int needed = d.state == DetectorState::kMemory ? 1 : std::max(1, p_.activation_matches);
    if (d.window_matches < needed) continue;
    d.window_matches = 0;
    d.window_start = -1;
    ++d.activations;
    d.last_activation = now;
    ++stats_.activations;
    pending_.push_back(Pending{d.id, service, now});
    if (finding.method == nullptr) {
      finding.method = "nsa";
      finding.detector = d.id;
    }
  }
}

bool DetectorController::match_nearest_self(ServiceTrack& track, const Feature& u, Micros now) {
  if (nearest_distance(self_u_, u) <= eps_) return false;
  ++stats_.matches;
  if (track.window_start < 0 || now - track.window_start > p_.activation_window) {
    track.window_start = now;
    track.window_matches = 0;
  }
  if (++track.window_matches < std::max(1, p_.activation_matches)) return false;
  track.window_matches = 0;
  track.window_start = -1;
  ++stats_.activations;
  return true;
}

void DetectorController::raise(size_t service, const Finding& finding, double value, Micros now) {
  ServiceTrack& track = tracks_[service];
  track.anomalous_at = now;
  if (track.alerting) return;
  DetectorAlert da;
  da.severity = "warning";
  da.method = finding.method;
  da.detector = finding.detector;
  Alert& a = da.alert;
  a.id = kAlertIdBase + next_alert_id_++;
  a.severity = "P2";
  a.signal = std::string(finding.method) + "_" +
             (finding.feature >= 0 ? feature_name(finding.feature) : "anomaly");
  a.service = ports_.telemetry.service(service).id;
  a.source = "detectors";
  a.fired_at = now;
  a.value = value;
  a.threshold = finding.method == std::string("zscore")  ? p_.z_hard
                : finding.method == std::string("cusum") ? p_.cusum_h
                                                         : eps_;
  track.alerting = true;
  track.alert_index = alerts_.size();
  alerts_.push_back(da);
  emit(a, AlertingController::Event::kFired);
}

void DetectorController::escalate(size_t service, Micros now) {
  ServiceTrack& track = tracks_[service];
  if (!track.alerting) return;
  DetectorAlert& da = alerts_[track.alert_index];
  if (da.severity != "warning") return;
  if (p_.max_severity >= 2) {
    // Corroborated, but the golden-signal alert or CUSUM alarm that
    // corroborated it is on record already: the detector alert is marked
    // "high" and keeps paging at P2.
    da.severity = "high";
    ++stats_.costimulated_at_p2;
    ports_.recorder.note(now, "detectors",
                         "costimulated " + da.alert.signal + " on " + da.alert.service +
                             ": high, kept at P2 (max_severity)");
    return;
  }
  // One page at a time, as the alerting does: the P2 closes as the P1 opens.
  ports_.recorder.alert_resolved(da.alert, now);
  da.resolved_at = now;
  DetectorAlert high = da;
  high.severity = "high";
  high.resolved_at = -1;
  high.alert.id = kAlertIdBase + next_alert_id_++;
  high.alert.severity = "P1";
  high.alert.fired_at = now;
  track.alert_index = alerts_.size();
  alerts_.push_back(high);
  emit(high.alert, AlertingController::Event::kEscalated);
}

void DetectorController::resolve(size_t service, Micros now) {
  ServiceTrack& track = tracks_[service];
  if (!track.alerting) return;
  track.alerting = false;
  DetectorAlert& da = alerts_[track.alert_index];
  da.resolved_at = now;
  emit(da.alert, AlertingController::Event::kResolved);
}

void DetectorController::confirm(size_t service, Micros now) {
  bool any = false;
  for (size_t i = 0; i < pending_.size();) {
    if (pending_[i].service != service) {
      ++i;
      continue;
    }
    if (Detector* d = find_detector(pending_[i].detector)) {
      d->tp += 1.0;
      update_score(*d);
      ++stats_.confirmed;
      any = true;
    }
    pending_.erase(pending_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  if (any) escalate(service, now);
}

void DetectorController::expire_pending(Micros now) {
  size_t out = 0;
  for (size_t i = 0; i < pending_.size(); ++i) {
    if (now - pending_[i].at > p_.confirm_window) {
      if (Detector* d = find_detector(pending_[i].detector)) {
        d->fp += 1.0;
        update_score(*d);
        ++stats_.unconfirmed;
      }
      continue;
    }
    pending_[out++] = pending_[i];
  }
  pending_.resize(out);
}

void DetectorController::on_golden_alert(const Alert& alert, AlertingController::Event event) {
  const TelemetryPort& t = ports_.telemetry;
  const size_t column = alert.service == "system" ? t.service_count() : t.find_service(alert.service);
  if (column > t.service_count()) return;
  auto bump = [&](size_t s) {
    if (event == AlertingController::Event::kFired) ++tracks_[s].golden_open;
    if (event == AlertingController::Event::kResolved && tracks_[s].golden_open > 0) {
      --tracks_[s].golden_open;
    }
  };
  if (column < t.service_count()) {
    bump(column);
    if (event != AlertingController::Event::kResolved) confirm(column, alert.fired_at);
    return;
  }
  if (event == AlertingController::Event::kFired) ++system_golden_open_;
  if (event == AlertingController::Event::kResolved && system_golden_open_ > 0) {
    --system_golden_open_;
  }
  // A system-wide page costimulates every service's pending activation.
  if (event == AlertingController::Event::kResolved) return;
  for (size_t s = 0; s < tracks_.size(); ++s) confirm(s, alert.fired_at);
}

Detector* DetectorController::find_detector(uint64_t id) {
  const auto n = static_cast<size_t>(id >> 32);
  if (n >= nodes_.size()) return nullptr;
  for (Detector& d : nodes_[n]) {
    if (d.id == id) return &d;
  }
  return nullptr;
}

void DetectorController::update_score(Detector& d) {
  d.score = (d.tp + 1.0) / (d.tp + d.fp + 2.0) * std::log2(1.0 + d.tp);
}

void DetectorController::emit(const Alert& a, AlertingController::Event e) {
  if (e == AlertingController::Event::kResolved) {
    ports_.recorder.alert_resolved(a, ports_.clock.now());
  } else {
    if (e == AlertingController::Event::kEscalated) {
      ports_.recorder.note(a.fired_at, "detectors",
                           "escalated " + a.signal + " on " + a.service + " to " + a.severity +
                               " (costimulated)");
    }
    ports_.recorder.alert_fired(a);
  }
  for (const Listener& l : listeners_) l(a, e);
}

int DetectorController::promote() {
  int memory = 0;
  std::vector<Detector*> candidates;
  for (auto& node : nodes_) {
    for (Detector& d : node) {
      if (d.state == DetectorState::kMemory) ++memory;
      if (d.state == DetectorState::kNaive && d.tp > 0.0) candidates.push_back(&d);
    }
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Detector* a, const Detector* b) { return better(*a, *b); });
  int promoted = 0;
  for (Detector* d : candidates) {
    if (memory >= p_.memory_size) break;
    d->state = DetectorState::kMemory;
    ++memory;
    ++promoted;
  }
  return promoted;
}

void DetectorController::sync_nodes() {
  std::vector<Detector> merged;
  for (const auto& node : nodes_) {
    for (const Detector& d : node) {
      if (d.state == DetectorState::kMemory) merged.push_back(d);
    }
  }
  std::stable_sort(merged.begin(), merged.end(), better);
  std::vector<Detector> keep;
  for (const Detector& d : merged) {
    if (static_cast<int>(keep.size()) >= p_.memory_size) break;
    bool duplicate = false;
    for (const Detector& k : keep) {
      duplicate = duplicate || (k.sphere.center - d.sphere.center).norm() < eps_;
    }
    if (!duplicate) keep.push_back(d);
  }
  ++stats_.syncs;
  for (auto& node : nodes_) {
    std::vector<Detector> next = keep;
    for (Detector& d : node) {
      if (d.state == DetectorState::kNaive) next.push_back(d);
    }
    // The activation counters of a node's own copy stay with it.
    for (Detector& d : next) {
      for (const Detector& own : node) {
        if (own.id == d.id) {
          d.window_matches = own.window_matches;
          d.window_start = own.window_start;
        }
      }
    }
    node = std::move(next);
  }
}

double DetectorController::tune_eps() const {
  // The nearest-neighbour distance of each even self vector to the odd
  // ones: the smallest eps on the grid that at most eps_flag_rate of
  // held-out self lies beyond.
  const Eigen::Index n = self_u_.cols();
  if (n < 4) return eps_;
  FeatureMatrix train(kFeatureCount, (n + 1) / 2);
  FeatureMatrix held(kFeatureCount, n / 2);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (i % 2 == 0) {
      train.col(i / 2) = self_u_.col(i);
    } else {
      held.col(i / 2) = self_u_.col(i);
    }
  }
  for (double eps : kEpsGrid) {
    Eigen::Index flagged = 0;
    for (Eigen::Index i = 0; i < held.cols(); ++i) {
      if (nearest_distance(train, held.col(i)) > eps) ++flagged;
    }
    if (static_cast<double>(flagged) <= p_.eps_flag_rate * static_cast<double>(held.cols())) {
      return eps;
    }
  }
  return kEpsGrid[std::size(kEpsGrid) - 1];
}

double DetectorController::tune_z_gate() const {
  // The gate opens for about 1 % of recent quiet vectors, but never below
  // the procedures' gate nor above z_hard - 0.5.
  std::vector<double> worst;
  for (const ServiceTrack& t : tracks_) {
    for (size_t i = 0; i < t.ring.size; ++i) {
      if (!t.ring.quiet[i]) continue;
      double w = 0.0;
      for (int f = 0; f < kFeatureCount; ++f) {
        w = std::max(w, std::fabs(robust_z(t.ring.values[i](f), t.baseline[f])));
      }
      worst.push_back(w);
    }
  }
  if (worst.size() < 100) return z_gate_;
  const size_t at = worst.size() * 99 / 100;
  std::nth_element(worst.begin(), worst.begin() + static_cast<std::ptrdiff_t>(at), worst.end());
  return std::clamp(worst[at], p_.z_gate, std::max(p_.z_gate, p_.z_hard - 0.5));
}

std::vector<MaintenanceAction> DetectorController::maintain(MaintenanceJob job, Micros now) {
  std::vector<MaintenanceAction> out;
  (void)now;
  int active = 0, memory = 0;
  for (const auto& node : nodes_) {
    for (const Detector& d : node) {
      active += d.active() ? 1 : 0;
      memory += d.state == DetectorState::kMemory ? 1 : 0;
    }
  }
  const std::vector<Detector> best = top(100);
  std::string detail = std::to_string(active) + " active, " + std::to_string(memory) +
                       " memory, " + std::to_string(alerts_.size()) + " alerts";
  if (!best.empty()) {
    detail += ", best " + best.front().name() + " score " + fixed(best.front().score, 3);
  }
  out.push_back({"review_detectors", "detectors", detail});
  if (job != MaintenanceJob::kDaily || !trained_) return out;

  refresh_baselines();
  const double eps = tune_eps();
  if (eps != eps_) {
    out.push_back({"adjust_eps", "detectors", "eps " + fixed(eps_, 2) + " -> " + fixed(eps, 2)});
    eps_ = eps;
  }
  const double gate = tune_z_gate();
  if (gate != z_gate_) {
    out.push_back(
        {"adjust_z_gates", "detectors", "z gate " + fixed(z_gate_, 2) + " -> " + fixed(gate, 2)});
    z_gate_ = gate;
  }
  const int promoted = promote();
  out.push_back({"promote_detectors", "detectors", std::to_string(promoted) + " promoted"});
  const int attempts_before = stats_.generation_attempts;
  train();
  int live = 0;
  for (const auto& node : nodes_) live += static_cast<int>(node.size());
  out.push_back({"retrain_detectors", "detectors",
                 std::to_string(self_size()) + " self vectors, " + std::to_string(live) +
                     " detectors, " + std::to_string(stats_.generation_attempts - attempts_before) +
                     " candidates"});
  if (nodes_.size() > 1) {
    sync_nodes();
    out.push_back({"sync_detectors", "detectors", std::to_string(nodes_.size()) + " nodes"});
  }
  return out;
}

std::vector<Detector> DetectorController::detectors() const {
  std::vector<Detector> out;
  for (size_t n = 0; n < nodes_.size(); ++n) {
    std::vector<Detector> one = node_detectors(static_cast<int>(n));
    out.insert(out.end(), one.begin(), one.end());
  }
  return out;
}

std::vector<Detector> DetectorController::node_detectors(int node) const {
  std::vector<Detector> out;
  if (node < 0 || static_cast<size_t>(node) >= nodes_.size()) return out;
  for (const Detector& d : nodes_[static_cast<size_t>(node)]) {
    if (d.active()) out.push_back(d);
  }
  std::sort(out.begin(), out.end(),
            [](const Detector& a, const Detector& b) { return a.id < b.id; });
  return out;
}

std::vector<Detector> DetectorController::top(size_t n) const {
  std::vector<Detector> all = detectors();
  std::sort(all.begin(), all.end(), better);
  if (all.size() > n) all.resize(n);
  return all;
}

uint64_t DetectorController::repertoire_hash() const {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const Detector& d : detectors()) {
    h = mix(h, d.id);
    h = mix(h, static_cast<uint64_t>(d.state));
    for (int f = 0; f < kFeatureCount; ++f) h = mix(h, bits(d.sphere.center(f)));
    h = mix(h, bits(d.sphere.radius));
  }
  return h;
}

}  // namespace dreamsim::ctl
