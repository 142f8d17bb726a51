#include "reports/series.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "model/golden_signals.hpp"
#include "model/topology.hpp"

namespace dreamsim::report {
namespace {

// Exact powers of ten: std::pow need not be exact on every libm.
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                             1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                             1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
constexpr int kMaxPow = 22;

Json seconds_json(sim::Duration d) {
  if (d.us() % 1000000 == 0) return d.us() / 1000000;
  return d.seconds_f();
}

// True when the word needs quoting in a POSIX shell.
std::string shell_word(const std::string& word) {
  const bool plain =
      !word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789-_./=:+,@%") == std::string::npos;
  if (plain) return word;
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

const model::GoldenSignals& signals_of(const model::Run& run) { return run.world().signals(); }

model::Signal world_signal(size_t i) {
  static constexpr model::Signal kMap[] = {model::Signal::kLatencyP95, model::Signal::kErrorRate,
                                           model::Signal::kTraffic, model::Signal::kCpu,
                                           model::Signal::kMemory};
  return kMap[i];
}

// One signal of one column, merged `factor` roll-up points at a time.
Json column_series(const model::GoldenSignals& g, size_t signal, size_t column, size_t factor,
                   size_t points) {
  Json out = Json::array();
  const bool use_max = std::string(kSeriesSignals[signal].stat) == "max";
  const model::Signal s = world_signal(signal);
  const size_t rollups = g.rollup_points();
  for (size_t p = 0; p < points; ++p) {
    double acc = use_max ? -INFINITY : 0.0;
    size_t n = 0;
    for (size_t k = p * factor; k < std::min(rollups, (p + 1) * factor); ++k) {
      const double v = use_max ? g.rollup_max(s, column, k) : g.rollup_mean(s, column, k);
      if (!std::isfinite(v)) continue;
      acc = use_max ? std::max(acc, v) : acc + v;
      ++n;
    }
    if (n == 0) {
      out.push_back(nullptr);
    } else {
      out.push_back(significant(use_max ? acc : acc / static_cast<double>(n), 4));
    }
  }
  return out;
}

Json thresholds_json(const ctl::Thresholds& t) {
  Json j;
  j["P0"] = t.p0;
  j["P1"] = t.p1;
  j["P2"] = t.p2;
  return j;
}

}  // namespace

Json significant(double v, int digits) {
  if (!std::isfinite(v)) return nullptr;
  if (v == 0.0) return 0;
  const double a = std::abs(v);
  // The decimal exponent of the leading digit, by comparison with exact
  // powers (log10 may be off by one at the edges).
  int e = 0;
  if (a >= 1.0) {
    while (e < kMaxPow && a >= kPow10[e + 1]) ++e;
  } else {
    e = -1;
    while (e > -kMaxPow && a < 1.0 / kPow10[-e]) --e;
  }
  const int shift = digits - 1 - e;  // multiply by 10^shift, round, divide back
  double r;
  if (shift >= 0) {
    if (shift > kMaxPow) return v;
    r = std::round(v * kPow10[shift]) / kPow10[shift];
  } else {
    if (-shift > kMaxPow) return v;
    r = std::round(v / kPow10[-shift]) * kPow10[-shift];
  }
  if (std::abs(r) < 9.0e15 && r == std::floor(r)) return static_cast<int64_t>(r);
  return r;
}

std::string replay_command_for(const std::string& scenario_file, uint64_t seed,
                               const std::string& procedures_file, bool controllers) {
  std::string cmd = "dreamsim run " + shell_word(scenario_file) + " --seed " + std::to_string(seed);
  if (!procedures_file.empty()) cmd += " --procedures " + shell_word(procedures_file);
  if (!controllers) cmd += " --no-controllers";
  return cmd;
}

Json series_json(const model::Run& run) {
  const model::World& world = run.world();
  const model::Scenario& sc = world.scenario();
  const ctl::Procedures& procedures = run.procedures();
  const bool controllers = run.options().controllers;

  Json out;
  out["format"] = kSeriesFormat;
  Json scenario;
  scenario["name"] = sc.name;
  scenario["description"] = sc.description;
  scenario["file"] = sc.path;
  scenario["seed"] = world.seed();
  scenario["duration_s"] = seconds_json(sc.duration);
  scenario["tick_s"] = seconds_json(sc.tick);
  scenario["startup"] = controllers ? model::to_string(sc.startup) : "none";
  out["scenario"] = std::move(scenario);
  out["controllers"] = controllers;
  out["procedures"] = {{"path", procedures.path}, {"hash", procedures.hash}};
  // The procedures flag is only needed when they are not the scenario's own.
  const bool own_procedures = procedures.path == sc.procedures;
  out["replay"] = replay_command_for(sc.path, world.seed(),
                                     own_procedures ? std::string() : procedures.path, controllers);

  Json thresholds;
  thresholds["latency_p95_s"] = thresholds_json(procedures.alerting.latency_p95_s);
  thresholds["error_rate"] = thresholds_json(procedures.alerting.error_rate);
  thresholds["saturation"] = thresholds_json(procedures.alerting.saturation);
  thresholds["traffic_drop"] = thresholds_json(procedures.alerting.traffic_drop);
  out["thresholds"] = std::move(thresholds);

  Json services = Json::array();
  for (const model::Service& s : sc.services) {
    Json j;
    j["id"] = s.id;
    j["kind"] = model::to_string(s.kind);
    j["core"] = s.core;
    j["module"] = s.module;
    j["replicas"] = s.replicas;
    j["startup_s"] = seconds_json(s.startup_time);
    Json deps = Json::array();
    for (const model::DependencyEdge& e : s.depends_on) deps.push_back(sc.services[e.service].id);
    j["depends_on"] = std::move(deps);
    services.push_back(std::move(j));
  }
  out["services"] = std::move(services);

  Json stores = Json::array();
  for (const model::DataStore& d : sc.data_stores) {
    stores.push_back({{"id", d.id}, {"service", sc.services[d.service].id}});
  }
  out["data_stores"] = std::move(stores);

  const model::Topology topology(sc);
  const model::Topology::CriticalPath path = topology.critical_path();
  Json cp;
  Json cp_services = Json::array();
  for (size_t v : path.services) cp_services.push_back(sc.services[v].id);
  cp["services"] = std::move(cp_services);
  cp["total_s"] = seconds_json(path.total);
  out["critical_path"] = std::move(cp);

  // What each fault touched, in the order of outcome.json's "faults".
  Json scopes = Json::array();
  for (const model::FaultRecord& f : world.faults()) {
    const model::Fault& fault = sc.faults[f.index];
    std::set<size_t> touched;
    bool all = false;
    switch (fault.target_kind) {
      case model::FaultTargetKind::kService:
        touched.insert(fault.target);
        break;
      case model::FaultTargetKind::kDataStore:
        touched.insert(sc.data_stores[fault.target].service);
        break;
      case model::FaultTargetKind::kAgent:
        for (const model::AgentCall& c : sc.agents[fault.target].calls) touched.insert(c.service);
        break;
      case model::FaultTargetKind::kKey:
        for (const model::Agent& a : sc.agents) {
          if (a.key != sc.agents[fault.target].key) continue;
          for (const model::AgentCall& c : a.calls) touched.insert(c.service);
        }
        break;
      case model::FaultTargetKind::kAllServices:
        all = true;
        break;
      case model::FaultTargetKind::kNone:
        for (const std::vector<size_t>& group : fault.groups) touched.insert(group.begin(), group.end());
        break;
    }
    Json ids = Json::array();
    for (size_t s : touched) ids.push_back(sc.services[s].id);
    scopes.push_back({{"all", all}, {"services", std::move(ids)}});
  }
  out["fault_scopes"] = std::move(scopes);

  const model::GoldenSignals& g = signals_of(run);
  const size_t rollups = g.rollup_points();
  const size_t factor = std::max<size_t>(1, (rollups + kSeriesPoints - 1) / kSeriesPoints);
  const size_t points = (rollups + factor - 1) / factor;
  Json series;
  series["period_s"] = seconds_json(g.tick() * (g.rollup_period_ticks() * static_cast<int64_t>(factor)));
  series["points"] = points;
  Json names = Json::array();
  for (const SeriesSignal& s : kSeriesSignals) names.push_back({{"name", s.name}, {"stat", s.stat}});
  series["signals"] = std::move(names);
  Json system = Json::array();
  for (size_t i = 0; i < kSeriesSignalCount; ++i) {
    system.push_back(column_series(g, i, g.system_column(), factor, points));
  }
  series["system"] = std::move(system);
  Json per_service = Json::array();
  for (size_t s = 0; s < world.service_count(); ++s) {
    Json cols = Json::array();
    for (size_t i = 0; i < kSeriesSignalCount; ++i) {
      cols.push_back(column_series(g, i, s, factor, points));
    }
    per_service.push_back(std::move(cols));
  }
  series["services"] = std::move(per_service);
  out["series"] = std::move(series);
  return out;
}

std::string write_series(const std::string& dir, const Json& series) {
  return write_file_atomic((std::filesystem::path(dir) / "series.json").string(),
                           series.dump() + "\n");
}

}  // namespace dreamsim::report
