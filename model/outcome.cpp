#include "model/outcome.hpp"

#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "sim/trace.hpp"

namespace dreamsim::model {
namespace {

using Json = nlohmann::ordered_json;

// Six decimals: enough for ratios and seconds, and free of the float noise
// of the last digits.
Json real(double v) {
  if (!std::isfinite(v)) return nullptr;
  const double r = std::round(v * 1e6) / 1e6;
  // Whole values print as integers ("540", not "540.0"), and never "-0".
  if (std::abs(r) < 9.0e15 && r == std::floor(r)) return static_cast<int64_t>(r);
  return r;
}

// Fluid counts of requests, writes and records, in whole units.
Json count(double v) {
  if (!std::isfinite(v)) return nullptr;
  return static_cast<int64_t>(std::llround(v));
}

// A time in seconds: an integer when it falls on a whole second.
Json seconds(Time t) {
  if (t.us() % 1000000 == 0) return t.us() / 1000000;
  return real(t.seconds_f());
}

Json seconds(const std::optional<Time>& t) { return t ? seconds(*t) : Json(nullptr); }

// Adds the run summaries of one column (a service or the system) to `j`.
void add_signal_summary(const GoldenSignals& g, size_t column, Json& j) {
  j["traffic_rps_mean"] = real(g.run_mean(Signal::kTraffic, column));
  j["traffic_rps_max"] = real(g.run_max(Signal::kTraffic, column));
  j["goodput_rps_mean"] = real(g.run_mean(Signal::kGoodput, column));
  j["error_rate_mean"] = real(g.run_mean(Signal::kErrorRate, column));
  j["error_rate_max"] = real(g.run_max(Signal::kErrorRate, column));
  j["latency_p50_s_mean"] = real(g.run_mean(Signal::kLatencyP50, column));
  j["latency_p95_s_mean"] = real(g.run_mean(Signal::kLatencyP95, column));
  j["latency_p95_s_max"] = real(g.run_max(Signal::kLatencyP95, column));
  j["latency_p99_s_max"] = real(g.run_max(Signal::kLatencyP99, column));
  j["retries_rps_mean"] = real(g.run_mean(Signal::kRetries, column));
  j["saturation_cpu_mean"] = real(g.run_mean(Signal::kCpu, column));
  j["saturation_cpu_max"] = real(g.run_max(Signal::kCpu, column));
  j["saturation_memory_max"] = real(g.run_max(Signal::kMemory, column));
  j["backlog_max"] = real(g.run_max(Signal::kBacklog, column));
}

}  // namespace

Json outcome_json(const World& world) {
  const Scenario& sc = world.scenario();
  const sim::Simulation& sim = world.simulation();
  const GoldenSignals& g = world.signals();
  const WorldMetrics m = world.metrics();

  Json out;
  out["format"] = kOutcomeFormat;
  out["scenario"] = sc.name;
  out["seed"] = world.seed();
  out["trace_hash"] = sim::format_hash(sim.trace().value());
  out["events"] = sim.events_run();
  out["sim_duration_s"] = seconds(Time::zero() + (sim.now() - Time::zero()));

  Json faults = Json::array();
  for (const FaultRecord& f : world.faults()) {
    Json j;
    j["kind"] = to_string(f.kind);
    j["target"] = f.target;
    j["start_s"] = seconds(f.start);
    j["end_s"] = seconds(f.end);
    j["took_effect_s"] = seconds(f.took_effect);
    j["ended_s"] = seconds(f.ended);
    j["effect"] = f.effect;
    faults.push_back(std::move(j));
  }
  out["faults"] = std::move(faults);

  Json alerts = Json::array();
  for (const AlertRecord& a : world.alerts()) {
    Json j;
    j["severity"] = a.severity;
    j["signal"] = a.signal;
    j["service"] = a.service;
    j["fired_at_s"] = seconds(a.fired_at);
    j["resolved_at_s"] = seconds(a.resolved_at);
    j["source"] = a.source;
    alerts.push_back(std::move(j));
  }
  out["alerts"] = std::move(alerts);

  Json actions = Json::array();
  for (const ActionRecord& a : world.actions()) {
    Json j;
    j["controller"] = a.controller;
    j["kind"] = a.kind;
    j["target"] = a.target;
    j["at_s"] = seconds(a.at);
    j["reason"] = a.reason;
    actions.push_back(std::move(j));
  }
  out["actions"] = std::move(actions);

  Json metrics;
  // Detection, mitigation and recovery times need the controllers (issue 4).
  metrics["ttd_s"] = nullptr;
  metrics["ttm_s"] = nullptr;
  metrics["ttr_s"] = nullptr;
  metrics["slo_violation_s"] = real(m.slo_violation_s);
  metrics["error_budget_burn"] = real(m.error_budget_burn);
  metrics["requests"] = count(m.requests);
  metrics["failed_requests"] = count(m.failed_requests);
  metrics["writes_lost"] = count(m.writes_lost);
  metrics["records_exfiltrated"] = count(m.records_exfiltrated);
  metrics["false_alerts"] = world.alerts().empty() ? Json(0) : Json(nullptr);
  metrics["missed_faults"] = nullptr;
  metrics["sla_breaches"] = nullptr;
  metrics["ooms"] = m.ooms;
  // Counts of what the controllers did, for expectations and the gate.
  int64_t pages = 0;
  for (const AlertRecord& a : world.alerts()) pages += a.severity == "P0" || a.severity == "P1";
  metrics["alerts"] = world.alerts().size();
  metrics["pages"] = pages;
  metrics["actions"] = world.actions().size();
  metrics["failed_request_ratio"] = m.requests > 0.0 ? real(m.failed_requests / m.requests) : Json(0);
  out["metrics"] = std::move(metrics);

  out["expectations"] = Json::array();
  out["score"] = nullptr;

  Json system;
  add_signal_summary(g, g.system_column(), system);
  system["latency_p50_s_run"] = real(world.run_latency_quantile(0.50));
  system["latency_p95_s_run"] = real(world.run_latency_quantile(0.95));
  system["latency_p99_s_run"] = real(world.run_latency_quantile(0.99));
  out["system"] = std::move(system);

  Json services = Json::array();
  for (size_t s = 0; s < world.service_count(); ++s) {
    Json j;
    j["id"] = sc.services[s].id;
    add_signal_summary(g, s, j);
    j["ooms"] = world.service_status(s).ooms;
    services.push_back(std::move(j));
  }
  out["services"] = std::move(services);

  Json stores = Json::array();
  for (size_t i = 0; i < sc.data_stores.size(); ++i) {
    const DataStoreStatus st = world.data_store_status(i);
    Json j;
    j["id"] = sc.data_stores[i].id;
    j["acknowledged"] = count(st.acknowledged);
    j["durable"] = count(st.durable);
    j["buffered"] = count(st.buffered);
    j["lost"] = count(st.lost);
    j["corrupted"] = st.corrupted;
    j["corrupted_at_s"] = seconds(st.corrupted_at);
    j["backups"] = st.backups;
    j["bad_backups"] = st.bad_backups;
    j["last_good_backup_s"] = seconds(st.last_good_backup);
    stores.push_back(std::move(j));
  }
  out["data_stores"] = std::move(stores);

  Json checks = Json::array();
  for (const CheckFailure& c : world.check_failures()) {
    Json j;
    j["check"] = to_string(c.check);
    j["target"] = c.target;
    j["reason"] = c.reason;
    j["since_s"] = seconds(c.since);
    j["until_s"] = seconds(c.until);
    checks.push_back(std::move(j));
  }
  out["checks"] = std::move(checks);
  return out;
}

void bound_outcome(Json& outcome) {
  Json elided = Json::object();
  const std::pair<const char*, size_t> lists[] = {{"alerts", kMaxOutcomeEntries},
                                                  {"actions", kMaxOutcomeEntries},
                                                  {"incidents", kMaxOutcomeIncidents},
                                                  {"notes", kMaxOutcomeEntries}};
  for (const auto& [key, cap] : lists) {
    const auto it = outcome.find(key);
    if (it == outcome.end() || !it->is_array() || it->size() <= cap) continue;
    const size_t total = it->size();
    it->erase(it->begin() + static_cast<std::ptrdiff_t>(cap), it->end());
    elided[key] = {{"kept", cap}, {"total", total}};
  }
  // The detectors' own alert list (controller_host.cpp), the same flood.
  const auto det = outcome.find("detectors");
  if (det != outcome.end() && det->is_object()) {
    const auto it = det->find("alerts");
    if (it != det->end() && it->is_array() && it->size() > kMaxOutcomeEntries) {
      const size_t total = it->size();
      it->erase(it->begin() + static_cast<std::ptrdiff_t>(kMaxOutcomeEntries), it->end());
      elided["detectors.alerts"] = {{"kept", kMaxOutcomeEntries}, {"total", total}};
    }
  }
  if (elided.empty()) return;
  elided["note"] =
      "an alert flood: these lists keep their first entries in time order and drop the rest; "
      "metrics, expectations and the score counted every entry";
  outcome["elided"] = std::move(elided);
}

std::string outcome_text(const Json& outcome) { return outcome.dump(2) + "\n"; }

std::string write_file_atomic(const std::string& path, const std::string& text,
                              Durability durability) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target(path);
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) return "cannot create directory " + target.parent_path().string() + ": " + ec.message();
  }
  const fs::path tmp = fs::path(path + ".tmp");
  std::FILE* file = std::fopen(tmp.c_str(), "wb");
  if (file == nullptr) return "cannot write " + tmp.string() + ": " + std::strerror(errno);
  bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size() &&
                 std::fflush(file) == 0;
  if (written && durability == Durability::kSync) written = ::fsync(::fileno(file)) == 0;
  const int write_errno = errno;
  if (std::fclose(file) != 0 || !written) {
    fs::remove(tmp, ec);
    return "cannot write " + tmp.string() + ": " + std::strerror(write_errno);
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return "cannot rename " + tmp.string() + " to " + target.string() + ": " + ec.message();
  }
  return {};
}

std::string write_outcome(const std::string& dir, const Json& outcome) {
  return write_file_atomic((std::filesystem::path(dir) / "outcome.json").string(),
                           outcome_text(outcome));
}

}  // namespace dreamsim::model
