// A hand-written fake of every controller port, with no simulator linked:
// controller unit tests drive time by hand, set signals directly and read
// back what the controller did. That these tests build without sim/ or model/
// is the proof that the port boundary holds.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "controllers/ports.hpp"

namespace dreamsim::ctl::testing {

// A service with only an id (and the rest defaulted), for short test set-ups.
inline ServiceInfo service_named(std::string id, bool core = false) {
  ServiceInfo s;
  s.id = std::move(id);
  s.core = core;
  return s;
}

class FakeClock : public ClockPort {
 public:
  Micros now() const override { return now_; }
  uint64_t call_after(Micros delay, std::function<void()> fn) override {
    const uint64_t id = next_id_++;
    timers_.emplace(std::make_pair(now_ + delay, id), std::move(fn));
    return id;
  }
  bool cancel(uint64_t timer) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == timer) {
        timers_.erase(it);
        return true;
      }
    }
    return false;
  }
  // Runs every timer due at or before `t` in (time, id) order, then sets the
  // clock to `t`. `each_tick`, if given, runs at every multiple of `tick`
  // first (the fake world's own tick, e.g. to update signals).
  void advance_to(Micros t) {
    while (!timers_.empty() && timers_.begin()->first.first <= t) {
      auto node = timers_.extract(timers_.begin());
      now_ = node.key().first;
      node.mapped()();
    }
    now_ = std::max(now_, t);
  }
  void advance(Micros d) { advance_to(now_ + d); }
  size_t pending() const { return timers_.size(); }

 private:
  Micros now_ = 0;
  uint64_t next_id_ = 1;
  std::map<std::pair<Micros, uint64_t>, std::function<void()>> timers_;
};

class FakeRandom : public RandomPort {
 public:
  // Every draw returns its distribution's median (a fixed, predictable
  // human), unless `values` are queued, which are returned first as they are.
  double uniform01() override { return next(0.5); }
  double exponential(double mean) override { return next(mean * std::log(2.0)); }
  double normal(double mean, double) override { return next(mean); }
  double lognormal(double mu, double) override { return next(std::exp(mu)); }
  std::vector<double> values;

 private:
  double next(double fallback) {
    if (values.empty()) return fallback;
    const double v = values.front();
    values.erase(values.begin());
    return v;
  }
};

// Telemetry whose signals the test sets per service: a constant value per
// (signal, column), or a whole series.
class FakeTelemetry : public TelemetryPort {
 public:
  explicit FakeTelemetry(std::vector<ServiceInfo> services, Micros tick = kSecond)
      : services_(std::move(services)), tick_(tick), states_(services_.size()) {
    for (auto& s : states_) {
      s.desired = s.running = s.serving = 1;
    }
  }

  Micros tick() const override { return tick_; }
  size_t service_count() const override { return services_.size(); }
  const ServiceInfo& service(size_t i) const override { return services_.at(i); }
  size_t find_service(const std::string& id) const override {
    for (size_t i = 0; i < services_.size(); ++i) {
      if (services_[i].id == id) return i;
    }
    return services_.size();
  }
  ServiceState state(size_t i) const override { return states_.at(i); }
  int64_t ticks() const override { return ticks_; }
  void window(Signal signal, size_t column, size_t count, std::vector<double>& out) const override {
    out.clear();
    auto it = series_.find({signal, column});
    const int64_t n = std::min<int64_t>(static_cast<int64_t>(count), ticks_);
    for (int64_t k = ticks_ - n; k < ticks_; ++k) {
      if (it == series_.end()) {
        out.push_back(default_value(signal));
      } else {
        const auto& v = it->second;
        out.push_back(v.empty() ? default_value(signal)
                                : v[static_cast<size_t>(std::min<int64_t>(k, static_cast<int64_t>(v.size()) - 1))]);
      }
    }
  }
  double latency_quantile(size_t column, double, size_t count) const override {
    std::vector<double> w;
    window(Signal::kLatencyP95, column, count, w);
    if (w.empty()) return std::numeric_limits<double>::quiet_NaN();
    return *std::max_element(w.begin(), w.end());
  }
  std::vector<CheckResult> pre_startup_checks() const override { return checks; }
  std::vector<DeployInfo> deploys() const override { return deploy_list; }
  bool version_samples(size_t service, VersionSample& baseline, VersionSample& canary) const override {
    auto it = versions.find(service);
    if (it == versions.end()) return false;
    baseline = it->second.first;
    canary = it->second.second;
    return true;
  }
  bool version_window(size_t service, size_t count, std::vector<VersionTick>& out) const override {
    out.clear();
    auto it = version_ticks.find(service);
    if (it == version_ticks.end()) return false;
    const auto& v = it->second;
    const size_t n = std::min(count, v.size());
    out.assign(v.end() - static_cast<std::ptrdiff_t>(n), v.end());
    return true;
  }
  std::vector<AgentInfo> agents() const override { return agent_list; }
  std::vector<DataStoreInfo> data_stores() const override { return store_list; }

  // --- set by tests ---
  // Appends one tick in which `signal` of `column` has `value`; other series
  // repeat their last value.
  void set(Signal signal, size_t column, double value) { pending_[{signal, column}] = value; }
  // Commits one tick of values (the pending ones, else each series' last).
  void commit_tick() {
    for (auto& [key, v] : series_) {
      auto p = pending_.find(key);
      v.push_back(p != pending_.end() ? p->second : (v.empty() ? default_value(key.first) : v.back()));
    }
    for (auto& [key, value] : pending_) {
      if (series_.count(key) == 0) {
        // Before its first set, a series held its default value.
        std::vector<double> v(static_cast<size_t>(ticks_), default_value(key.first));
        v.push_back(value);
        series_[key] = std::move(v);
      }
    }
    pending_.clear();
    ++ticks_;
  }
  ServiceState& mutable_state(size_t i) { return states_.at(i); }

  std::vector<CheckResult> checks;
  std::vector<DeployInfo> deploy_list;
  std::map<size_t, std::pair<VersionSample, VersionSample>> versions;
  // Measured per-version ticks by service; a service missing here has no
  // version staged (version_window returns false).
  std::map<size_t, std::vector<VersionTick>> version_ticks;
  std::vector<AgentInfo> agent_list;
  std::vector<DataStoreInfo> store_list;
  double default_traffic = 100.0;

 private:
  double default_value(Signal s) const {
    switch (s) {
      case Signal::kTraffic: return default_traffic;
      case Signal::kLatencyP50: return 0.01;
      case Signal::kLatencyP95: return 0.05;
      case Signal::kLatencyP99: return 0.08;
      default: return 0.0;
    }
  }

  std::vector<ServiceInfo> services_;
  Micros tick_;
  std::vector<ServiceState> states_;
  int64_t ticks_ = 0;
  std::map<std::pair<Signal, size_t>, std::vector<double>> series_;
  std::map<std::pair<Signal, size_t>, double> pending_;
};

// Records every call; a test can make calls fail by listing their targets.
class FakeActuators : public ActuatorPort {
 public:
  struct Call {
    std::string what;
    std::string target;
    double value = 0.0;
  };
  std::vector<Call> calls;
  double restore_result = 100.0;
  // Optional: run after a start_service or stop_service call is logged, so
  // that a test can change the service's state (e.g. make it ready after a
  // startup delay through FakeClock::call_after). Empty by default.
  std::function<void(size_t)> on_start_service;
  std::function<void(size_t)> on_stop_service;
  // Likewise after restart_service and restore_backup calls.
  std::function<void(size_t)> on_restart_service;
  std::function<void(size_t)> on_restore_backup;

  bool start_service(size_t s) override {
    log("start_service", s);
    if (on_start_service) on_start_service(s);
    return true;
  }
  bool stop_service(size_t s) override {
    log("stop_service", s);
    if (on_stop_service) on_stop_service(s);
    return true;
  }
  bool restart_service(size_t s) override {
    log("restart_service", s);
    if (on_restart_service) on_restart_service(s);
    return true;
  }
  bool scale_service(size_t s, int r) override { return log("scale_service", s, r); }
  void set_entry_admission(double f) override { calls.push_back({"set_entry_admission", "system", f}); }
  bool set_traffic_weight(size_t s, double w) override { return log("set_traffic_weight", s, w); }
  bool rollback(size_t s) override { return log("rollback", s); }
  bool deploy_version(size_t s, const std::string& version) override {
    calls.push_back({"deploy_version", std::to_string(s) + ":" + version, 0.0});
    return true;
  }
  void set_safe_mode(bool on) override { calls.push_back({"set_safe_mode", "system", on ? 1.0 : 0.0}); }
  void set_write_drain(bool on) override { calls.push_back({"set_write_drain", "system", on ? 1.0 : 0.0}); }
  void set_kill_switch(bool on) override { calls.push_back({"set_kill_switch", "system", on ? 1.0 : 0.0}); }
  bool set_module_enabled(const std::string& m, bool on) override {
    calls.push_back({"set_module_enabled", m, on ? 1.0 : 0.0});
    return true;
  }
  bool set_rate_limit(size_t s, double rps) override { return log("set_rate_limit", s, rps); }
  bool set_brownout(size_t s, double d) override { return log("set_brownout", s, d); }
  bool set_retry_budget(size_t s, double b) override { return log("set_retry_budget", s, b); }
  bool quarantine_agent(const std::string& a) override {
    calls.push_back({"quarantine_agent", a, 0.0});
    return true;
  }
  bool rotate_keys(const std::string& k) override {
    calls.push_back({"rotate_keys", k, 0.0});
    return true;
  }
  double restore_backup(size_t s) override {
    log("restore_backup", s);
    if (on_restore_backup) on_restore_backup(s);
    return restore_result;
  }

  // The names of the calls, in order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& c : calls) out.push_back(c.what);
    return out;
  }

 private:
  bool log(const char* what, size_t s, double v = 0.0) {
    calls.push_back({what, std::to_string(s), v});
    return true;
  }
};

class FakeRecorder : public RecorderPort {
 public:
  std::vector<Decision> decisions;
  std::vector<Alert> fired;
  std::vector<std::pair<Alert, Micros>> resolved;
  std::vector<std::string> notes;

  void decision(const Decision& d) override { decisions.push_back(d); }
  void alert_fired(const Alert& a) override { fired.push_back(a); }
  void alert_resolved(const Alert& a, Micros at) override { resolved.emplace_back(a, at); }
  void note(Micros, const std::string& controller, const std::string& what) override {
    notes.push_back(controller + ": " + what);
  }
  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (const auto& d : decisions) out.push_back(d.kind);
    return out;
  }
};

// Everything together, for a controller's constructor.
struct FakeWorld {
  explicit FakeWorld(std::vector<ServiceInfo> services, Micros tick = kSecond)
      : telemetry(std::move(services), tick) {}
  FakeClock clock;
  FakeTelemetry telemetry;
  FakeActuators actuators;
  FakeRecorder recorder;
  FakeRandom random;
  Ports ports() { return Ports{clock, telemetry, actuators, recorder, random}; }

  // Advances the clock tick by tick to `t`, committing one telemetry tick at
  // each tick boundary before the timers due then run (as the world does).
  void run_to(Micros t) {
    const Micros tick = telemetry.tick();
    while (clock.now() + tick <= t) {
      const Micros next = (clock.now() / tick + 1) * tick;
      clock.advance_to(next - 1);
      telemetry.commit_tick();
      clock.advance_to(next);
    }
    clock.advance_to(t);
  }
};

}  // namespace dreamsim::ctl::testing
