#include "reports/run_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "reports/series.hpp"

namespace dreamsim::report {
namespace {

constexpr const char* kOutcomeFile = "outcome.json";
constexpr const char* kSeriesFile = "series.json";

// "outcome.json: faults[1].start_s" from ("outcome.json: faults[1]", "start_s"),
// and "outcome.json: seed" from ("outcome.json", "seed").
std::string field_path(const std::string& where, const char* key) {
  return where + (where.find(": ") == std::string::npos ? ": " : ".") + key;
}


std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

const Json& array_member(const Json& object, const char* key, const std::string& where) {
  static const Json kEmpty = Json::array();
  const Json* j = member(object, key);
  if (j == nullptr) return kEmpty;
  if (!j->is_array()) throw ReportInputError(field_path(where, key) + ": expected a list");
  return *j;
}

std::optional<Threshold> threshold(const Json& series, const char* signal) {
  const Json* t = member(series, "thresholds");
  if (t == nullptr) return std::nullopt;
  const Json* s = member(*t, signal);
  if (s == nullptr) return std::nullopt;
  const std::string where = std::string(kSeriesFile) + ": thresholds." + signal;
  return Threshold{number_field(*s, "P0", where), number_field(*s, "P1", where),
                   number_field(*s, "P2", where)};
}

// The level a value reaches against thresholds (higher is worse).
State level(double v, const std::optional<Threshold>& t, const char* what, std::string* why) {
  if (!t || !std::isfinite(v)) return State::kOk;
  State s = State::kOk;
  double limit = 0;
  const char* name = "";
  if (v >= t->p0) {
    s = State::kP0, limit = t->p0, name = "P0";
  } else if (v >= t->p1) {
    s = State::kP1, limit = t->p1, name = "P1";
  } else if (v >= t->p2) {
    s = State::kP2, limit = t->p2, name = "P2";
  }
  if (s != State::kOk) {
    *why = std::string(what) + " max " + number_text(v) + " >= " + name + " " + number_text(limit);
  }
  return s;
}

State severity_state(const std::string& severity) {
  if (severity == "P0") return State::kP0;
  if (severity == "P1") return State::kP1;
  if (severity == "P2") return State::kP2;
  return State::kOk;
}

int severity_rank(const std::string& severity) {
  if (severity == "P0") return 0;
  if (severity == "P1") return 1;
  if (severity == "P2") return 2;
  return 3;
}

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// A mode switched on and off by a pair of action kinds.
struct Mode {
  const char* id;
  const char* title;
  const char* on;
  const char* off;
};
constexpr Mode kModes[] = {
    {"safe-mode", "safe mode", "enable_safe_mode", "disable_safe_mode"},
    {"write-drain", "write drain", "enable_write_drain", "disable_write_drain"},
    {"kill-switch", "kill switch", "enable_global_kill_switch", "disable_global_kill_switch"},
};

std::string when_text(const std::optional<double>& s) { return s ? format_seconds(*s) : "never"; }

}  // namespace

const Json* member(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

double number_field(const Json& object, const char* key, const std::string& where) {
  const Json* j = member(object, key);
  if (j == nullptr || !j->is_number()) {
    throw ReportInputError(field_path(where, key) + ": expected a number");
  }
  return j->get<double>();
}

std::optional<double> optional_number(const Json& object, const char* key,
                                      const std::string& where) {
  const Json* j = member(object, key);
  if (j == nullptr) return std::nullopt;
  if (!j->is_number()) throw ReportInputError(field_path(where, key) + ": expected a number or null");
  return j->get<double>();
}

std::string string_field(const Json& object, const char* key, const std::string& where) {
  const Json* j = member(object, key);
  if (j == nullptr) return {};
  if (!j->is_string()) throw ReportInputError(field_path(where, key) + ": expected a string");
  return j->get<std::string>();
}

std::string format_seconds(double s) {
  if (!std::isfinite(s)) return "-";
  std::string out;
  if (s < 0) {
    out = "-";
    s = -s;
  }
  // Whole milliseconds are enough for a reader.
  int64_t ms = std::llround(s * 1000.0);
  const int64_t d = ms / 86400000;
  ms -= d * 86400000;
  const int64_t h = ms / 3600000;
  ms -= h * 3600000;
  const int64_t m = ms / 60000;
  ms -= m * 60000;
  char buf[64];
  if (d > 0) out += std::to_string(d) + "d";
  if (h > 0) out += std::to_string(h) + "h";
  if (m > 0) out += std::to_string(m) + "m";
  if (ms > 0 || out.empty() || out == "-") {
    if (ms % 1000 == 0) {
      std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(ms / 1000));
    } else {
      std::snprintf(buf, sizeof buf, "%lld.%03llds", static_cast<long long>(ms / 1000),
                    static_cast<long long>(ms % 1000));
      // Trailing zeros of the fraction add nothing.
      std::string t = buf;
      while (t.size() > 2 && t[t.size() - 2] == '0') t.erase(t.size() - 2, 1);
      std::snprintf(buf, sizeof buf, "%s", t.c_str());
    }
    out += buf;
  }
  return out;
}

const char* to_string(State state) {
  switch (state) {
    case State::kOk:
      return "ok";
    case State::kP2:
      return "P2";
    case State::kP1:
      return "P1";
    case State::kP0:
      return "P0";
    case State::kDown:
      return "down";
  }
  return "?";
}

const char* state_colour(State state) {
  switch (state) {
    case State::kOk:
      return "#d8f0d8";
    case State::kP2:
      return "#fff0a8";
    case State::kP1:
      return "#ffc980";
    case State::kP0:
      return "#f59a9a";
    case State::kDown:
      return "#b03a3a";
  }
  return "#ffffff";
}

const char* state_meaning(State state) {
  switch (state) {
    case State::kOk:
      return "within every threshold";
    case State::kP2:
      return "reached a P2 threshold";
    case State::kP1:
      return "reached a P1 threshold";
    case State::kP0:
      return "reached a P0 threshold";
    case State::kDown:
      return "every request failed for a while";
  }
  return "";
}

RunDir load_run_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw ReportInputError(dir + ": not a run directory (no such directory)");
  RunDir run;
  run.dir = dir;
  const std::string outcome_path = (fs::path(dir) / kOutcomeFile).string();
  if (!fs::exists(outcome_path, ec)) {
    throw ReportInputError(outcome_path + ": no such file; a run directory is what "
                           "'dreamsim run SCENARIO --out DIR' writes");
  }
  run.outcome = parse_json_file(outcome_path);
  const Json* format = member(run.outcome, "format");
  if (format == nullptr || !format->is_string() ||
      format->get<std::string>().rfind("dreamsim.outcome/", 0) != 0) {
    throw ReportInputError(outcome_path + ": format: expected \"dreamsim.outcome/1\"");
  }
  const std::string series_path = (fs::path(dir) / kSeriesFile).string();
  if (fs::exists(series_path, ec)) {
    run.series = parse_json_file(series_path);
    const Json* sf = member(run.series, "format");
    if (sf == nullptr || !sf->is_string() || sf->get<std::string>() != kSeriesFormat) {
      throw ReportInputError(series_path + ": format: expected \"" + kSeriesFormat + "\"");
    }
  }
  return run;
}

RunView build_view(const RunDir& run) {
  const Json& o = run.outcome;
  const Json& se = run.series;
  const std::string ow = kOutcomeFile;
  const std::string sw = kSeriesFile;
  RunView v;
  v.dir = run.dir;
  v.has_series = !se.is_null();
  v.scenario = string_field(o, "scenario", ow);
  if (const Json* seed = member(o, "seed"); seed != nullptr) {
    if (!seed->is_number_unsigned()) throw ReportInputError(ow + ": seed: expected an integer >= 0");
    v.seed = seed->get<uint64_t>();
  }
  v.trace_hash = string_field(o, "trace_hash", ow);
  v.duration_s = number_field(o, "sim_duration_s", ow);
  if (const Json* p = member(o, "procedures")) {
    v.procedures_path = string_field(*p, "path", ow + ": procedures");
    v.procedures_hash = string_field(*p, "hash", ow + ": procedures");
  } else if (const Json* p2 = member(se, "procedures")) {
    v.procedures_path = string_field(*p2, "path", sw + ": procedures");
    v.procedures_hash = string_field(*p2, "hash", sw + ": procedures");
  }
  v.score = o.contains("score") ? o["score"] : Json(nullptr);
  const Json& expectations = array_member(o, "expectations", ow);
  v.expectations = expectations.size();
  for (const Json& e : expectations) {
    const Json* passed = member(e, "passed");
    if (passed != nullptr && passed->is_boolean() && !passed->get<bool>()) ++v.expectations_failed;
  }
  if (const Json* passed = member(o, "passed"); passed != nullptr && passed->is_boolean()) {
    v.passed = passed->get<bool>();
  } else if (v.expectations > 0) {
    v.passed = v.expectations_failed == 0;
  }

  if (v.has_series) {
    if (const Json* sc = member(se, "scenario")) {
      v.description = string_field(*sc, "description", sw + ": scenario");
      v.scenario_file = string_field(*sc, "file", sw + ": scenario");
    }
    v.replay = string_field(se, "replay", sw);
    v.latency_p95_s = threshold(se, "latency_p95_s");
    v.error_rate = threshold(se, "error_rate");
    v.saturation = threshold(se, "saturation");
  } else {
    v.missing.push_back("series.json is missing: no dependency edges, critical path, thresholds "
                        "or charts (runs written by this version of 'dreamsim run --out' have it)");
  }
  // An alert flood: outcome.json kept the first entries of some lists
  // (model::bound_outcome); the timeline shows only those.
  if (const Json* elided = member(o, "elided"); elided != nullptr && elided->is_object()) {
    std::string what;
    for (const auto& [key, e] : elided->items()) {
      if (!e.is_object()) continue;
      what += (what.empty() ? "" : ", ") + key + " " + e.value("kept", Json(0)).dump() + " of " +
              e.value("total", Json(0)).dump();
    }
    v.missing.push_back("outcome.json kept only the first entries of an alert flood (" + what +
                        "); the timeline and the lists show those, the metrics and "
                        "expectations counted them all");
  }

  // Services: series.json knows the graph; outcome.json only the ids.
  std::map<std::string, size_t> index;
  const Json& topo = array_member(se, "services", sw);
  if (!topo.empty()) {
    v.has_topology = true;
    for (size_t i = 0; i < topo.size(); ++i) {
      ServiceView s;
      const std::string w = sw + ": services[" + std::to_string(i) + "]";
      s.id = string_field(topo[i], "id", w);
      s.kind = string_field(topo[i], "kind", w);
      const Json* core = member(topo[i], "core");
      s.core = core != nullptr && core->is_boolean() && core->get<bool>();
      index.emplace(s.id, v.services.size());
      v.services.push_back(std::move(s));
    }
    for (size_t i = 0; i < topo.size(); ++i) {
      const std::string w = sw + ": services[" + std::to_string(i) + "]";
      for (const Json& d : array_member(topo[i], "depends_on", w)) {
        if (!d.is_string() || !index.count(d.get<std::string>())) {
          throw ReportInputError(w + ".depends_on: expected ids of services in the list");
        }
        v.services[i].depends_on.push_back(index.at(d.get<std::string>()));
      }
    }
  } else {
    const Json& os = array_member(o, "services", ow);
    for (size_t i = 0; i < os.size(); ++i) {
      ServiceView s;
      s.id = string_field(os[i], "id", ow + ": services[" + std::to_string(i) + "]");
      index.emplace(s.id, v.services.size());
      v.services.push_back(std::move(s));
    }
  }

  // Worst state from the run's maxima against the thresholds.
  const Json& summaries = array_member(o, "services", ow);
  for (size_t i = 0; i < summaries.size(); ++i) {
    const std::string w = ow + ": services[" + std::to_string(i) + "]";
    const auto it = index.find(string_field(summaries[i], "id", w));
    if (it == index.end()) continue;
    ServiceView& s = v.services[it->second];
    struct Check {
      const char* key;
      const char* name;
      const std::optional<Threshold>* t;
    };
    const Check checks[] = {{"error_rate_max", "error_rate", &v.error_rate},
                            {"latency_p95_s_max", "latency_p95", &v.latency_p95_s},
                            {"saturation_cpu_max", "saturation_cpu", &v.saturation},
                            {"saturation_memory_max", "saturation_memory", &v.saturation}};
    for (const Check& c : checks) {
      const std::optional<double> x = optional_number(summaries[i], c.key, w);
      if (!x) continue;
      std::string why;
      const State st = level(*x, *c.t, c.name, &why);
      if (st > s.worst) {
        s.worst = st;
        s.worst_why = why;
      }
    }
    const std::optional<double> err = optional_number(summaries[i], "error_rate_max", w);
    if (err && *err >= 0.999) {
      s.worst = State::kDown;
      s.worst_why = "error_rate max " + number_text(*err) + ": every request failed";
    }
  }

  // Alerts raise the state too, and feed the lanes.
  const Json& alerts = array_member(o, "alerts", ow);
  for (size_t i = 0; i < alerts.size(); ++i) {
    const std::string w = ow + ": alerts[" + std::to_string(i) + "]";
    const std::string service = string_field(alerts[i], "service", w);
    const std::string severity = string_field(alerts[i], "severity", w);
    const auto it = index.find(service);
    if (it == index.end()) continue;
    ServiceView& s = v.services[it->second];
    const State st = severity_state(severity);
    if (st > s.worst) {
      s.worst = st;
      s.worst_why = severity + " alert on " + string_field(alerts[i], "signal", w);
    }
  }

  // Faults on their targets.
  const Json& faults = array_member(o, "faults", ow);
  const Json& scopes = array_member(se, "fault_scopes", sw);
  std::vector<std::vector<size_t>> fault_services(faults.size());
  for (size_t i = 0; i < faults.size(); ++i) {
    const std::string w = ow + ": faults[" + std::to_string(i) + "]";
    const std::string kind = string_field(faults[i], "kind", w);
    std::set<size_t> touched;
    if (i < scopes.size()) {
      const Json* all = member(scopes[i], "all");
      if (all != nullptr && all->is_boolean() && all->get<bool>()) {
        for (size_t k = 0; k < v.services.size(); ++k) touched.insert(k);
      }
      for (const Json& id : array_member(scopes[i], "services", sw + ": fault_scopes")) {
        if (id.is_string() && index.count(id.get<std::string>())) {
          touched.insert(index.at(id.get<std::string>()));
        }
      }
    } else {
      const auto it = index.find(string_field(faults[i], "target", w));
      if (it != index.end()) touched.insert(it->second);
    }
    for (size_t k : touched) {
      v.services[k].faults.push_back(kind);
      fault_services[i].push_back(k);
    }
  }

  // The start-up critical path.
  if (const Json* cp = member(se, "critical_path")) {
    for (const Json& id : array_member(*cp, "services", sw + ": critical_path")) {
      if (!id.is_string() || !index.count(id.get<std::string>())) {
        throw ReportInputError(sw + ": critical_path.services: expected service ids");
      }
      const size_t k = index.at(id.get<std::string>());
      v.critical_path.push_back(k);
      v.services[k].on_critical_path = true;
    }
  }

  // Involved services, most involved first: fault targets (not the
  // everything-faults), then alerts by severity, then incidents and the
  // targets of actions (except the start-up's, which touch every service).
  std::vector<size_t> involved;
  auto involve = [&](const std::string& id) {
    const auto it = index.find(id);
    if (it == index.end() || v.services[it->second].involved) return;
    v.services[it->second].involved = true;
    involved.push_back(it->second);
  };
  for (size_t i = 0; i < faults.size(); ++i) {
    if (fault_services[i].size() == v.services.size() && v.services.size() > 1) continue;
    for (size_t k : fault_services[i]) involve(v.services[k].id);
  }
  std::vector<std::pair<int, size_t>> by_severity;
  for (size_t i = 0; i < alerts.size(); ++i) {
    by_severity.emplace_back(severity_rank(string_field(alerts[i], "severity", ow)), i);
  }
  std::stable_sort(by_severity.begin(), by_severity.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [rank, i] : by_severity) involve(string_field(alerts[i], "service", ow));
  const Json& incidents = array_member(o, "incidents", ow);
  for (const Json& inc : incidents) involve(string_field(inc, "service", ow + ": incidents"));
  const Json& actions = array_member(o, "actions", ow);
  // Start-up starts every service; that alone does not make one involved.
  for (const Json& a : actions) {
    if (string_field(a, "controller", ow + ": actions") == "startup") continue;
    involve(string_field(a, "target", ow + ": actions"));
  }
  v.involved = std::move(involved);
  v.fault_services = fault_services;

  // --- Lanes ---
  const double end = v.duration_s;
  {
    Lane lane{"faults", "faults", {}, {}};
    for (size_t i = 0; i < faults.size(); ++i) {
      const Json& f = faults[i];
      const std::string w = ow + ": faults[" + std::to_string(i) + "]";
      const std::string kind = string_field(f, "kind", w);
      const std::string target = string_field(f, "target", w);
      const double start = number_field(f, "start_s", w);
      const std::optional<double> took = optional_number(f, "took_effect_s", w);
      const std::optional<double> ended = optional_number(f, "ended_s", w);
      const std::optional<double> sched_end = optional_number(f, "end_s", w);
      Interval iv;
      iv.start_s = took.value_or(start);
      iv.end_s = ended ? *ended : (took ? end : sched_end.value_or(end));
      iv.open = took && !ended;
      iv.label = target.empty() ? kind : kind + " " + target;
      iv.detail = "fault " + iv.label + ": " + string_field(f, "effect", w) + " (scheduled " +
                  format_seconds(start) + " to " + (sched_end ? format_seconds(*sched_end) : "the end") +
                  ", took effect " + when_text(took) + ", ended " +
                  (ended ? format_seconds(*ended) : std::string(took ? "after the run" : "-")) + ")";
      iv.cls = took ? "fault" : "fault unfelt";
      lane.intervals.push_back(std::move(iv));
    }
    v.lanes.push_back(std::move(lane));
  }
  {
    std::map<int, std::pair<std::string, Lane>> lanes;  // severity rank, then name
    for (const char* sev : {"P0", "P1", "P2"}) {
      lanes[severity_rank(sev)] = {sev, Lane{std::string("alerts-") + sev,
                                             std::string("alerts ") + sev, {}, {}}};
    }
    std::map<std::string, Lane> other;
    for (size_t i = 0; i < alerts.size(); ++i) {
      const Json& a = alerts[i];
      const std::string w = ow + ": alerts[" + std::to_string(i) + "]";
      const std::string sev = string_field(a, "severity", w);
      const std::string signal = string_field(a, "signal", w);
      const std::string service = string_field(a, "service", w);
      const double fired = number_field(a, "fired_at_s", w);
      const std::optional<double> resolved = optional_number(a, "resolved_at_s", w);
      Interval iv;
      iv.start_s = fired;
      iv.end_s = resolved.value_or(end);
      iv.open = !resolved;
      iv.label = signal + " " + service;
      iv.detail = sev + " " + signal + " on " + service + " (" + string_field(a, "source", w) +
                  "): fired " + format_seconds(fired) + ", resolved " + when_text(resolved);
      iv.cls = "sev-" + lower(sev);
      const int rank = severity_rank(sev);
      if (rank < 3) {
        lanes[rank].second.intervals.push_back(std::move(iv));
      } else {
        Lane& l = other[sev];
        if (l.id.empty()) l = Lane{"alerts-" + sev, "alerts " + sev, {}, {}};
        iv.cls = "sev-other";
        l.intervals.push_back(std::move(iv));
      }
    }
    for (auto& [rank, p] : lanes) v.lanes.push_back(std::move(p.second));
    for (auto& [name, l] : other) v.lanes.push_back(std::move(l));
  }
  if (o.contains("incidents")) {
    Lane lane{"incidents", "incidents", {}, {}};
    for (size_t i = 0; i < incidents.size(); ++i) {
      const Json& inc = incidents[i];
      const std::string w = ow + ": incidents[" + std::to_string(i) + "]";
      const std::string sev = string_field(inc, "severity", w);
      const double opened = number_field(inc, "opened_at_s", w);
      const std::optional<double> resolved = optional_number(inc, "resolved_at_s", w);
      Interval iv;
      iv.start_s = opened;
      iv.end_s = resolved.value_or(end);
      iv.open = !resolved;
      std::string id;
      if (const Json* j = member(inc, "id"); j != nullptr) id = j->dump();
      iv.label = "#" + id + " " + sev + " " + string_field(inc, "service", w);
      iv.detail = "incident #" + id + " " + sev + " on " + string_field(inc, "service", w) +
                  ", opened by " + string_field(inc, "cause_alert", w) + " at " +
                  format_seconds(opened) + "; responded " +
                  when_text(optional_number(inc, "responded_at_s", w)) + ", mitigated " +
                  when_text(optional_number(inc, "mitigated_at_s", w)) + ", resolved " +
                  when_text(resolved);
      iv.cls = "sev-" + lower(sev);
      lane.intervals.push_back(std::move(iv));
    }
    v.lanes.push_back(std::move(lane));
  }
  // Actions: one lane per controller, in order of the controller's first action.
  {
    std::vector<Lane> controller_lanes;
    std::map<std::string, size_t> by_controller;
    for (size_t i = 0; i < actions.size(); ++i) {
      const Json& a = actions[i];
      const std::string w = ow + ": actions[" + std::to_string(i) + "]";
      const std::string controller = string_field(a, "controller", w);
      auto [it, fresh] = by_controller.emplace(controller, controller_lanes.size());
      if (fresh) controller_lanes.push_back(Lane{"actions-" + controller, controller + " actions", {}, {}});
      Instant in;
      in.at_s = number_field(a, "at_s", w);
      const std::string kind = string_field(a, "kind", w);
      const std::string target = string_field(a, "target", w);
      in.label = kind;
      in.detail = format_seconds(in.at_s) + " " + controller + ": " + kind + " " + target + ": " +
                  string_field(a, "reason", w);
      in.cls = "action";
      controller_lanes[it->second].instants.push_back(std::move(in));
    }
    for (Lane& l : controller_lanes) v.lanes.push_back(std::move(l));
  }
  if (const Json* st = member(o, "startup")) {
    const std::string w = ow + ": startup";
    Lane phases{"startup", "startup phases", {}, {}};
    Lane grading{"grading", "traffic grading", {}, {}};
    const Json& ps = array_member(*st, "phases", w);
    for (size_t i = 0; i < ps.size(); ++i) {
      const std::string pw = w + ".phases[" + std::to_string(i) + "]";
      const std::string name = string_field(ps[i], "name", pw);
      Interval iv;
      iv.start_s = number_field(ps[i], "start_s", pw);
      const std::optional<double> e = optional_number(ps[i], "end_s", pw);
      iv.end_s = e.value_or(end);
      iv.open = !e;
      const bool is_grading = name.rfind("grading ", 0) == 0;
      iv.label = is_grading ? name.substr(8) : name;
      iv.detail = name + ": " + format_seconds(iv.start_s) + " to " + when_text(e);
      iv.cls = is_grading ? "grading" : "phase";
      (is_grading ? grading : phases).intervals.push_back(std::move(iv));
    }
    const std::string state = string_field(*st, "state", w);
    const std::string reason = string_field(*st, "reason", w);
    if (!state.empty()) phases.title = "startup (" + state + ")";
    if (!reason.empty() && !phases.intervals.empty()) phases.intervals.back().detail += "; " + reason;
    v.lanes.push_back(std::move(phases));
    v.lanes.push_back(std::move(grading));
  }
  // Canary weights and judge verdicts: from the deployment section when the
  // run has one, else from the traffic-weight actions.
  {
    Lane weights{"canary", "canary weights", {}, {}};
    Lane verdicts{"judge", "judge verdicts", {}, {}};
    const Json& deployments = array_member(o, "deployments", ow);
    for (size_t d = 0; d < deployments.size(); ++d) {
      const Json& dep = deployments[d];
      const std::string w = ow + ": deployments[" + std::to_string(d) + "]";
      const std::string service = string_field(dep, "service", w);
      const Json& steps = array_member(dep, "steps", w);
      for (size_t k = 0; k < steps.size(); ++k) {
        const std::string kw = w + ".steps[" + std::to_string(k) + "]";
        Interval iv;
        iv.start_s = number_field(steps[k], "start_s", kw);
        const std::optional<double> e = optional_number(steps[k], "end_s", kw);
        iv.end_s = e.value_or(end);
        iv.open = !e;
        const std::optional<double> weight = optional_number(steps[k], "weight", kw);
        iv.label = weight ? number_text(*weight * 100.0) + "%" : string_field(steps[k], "name", kw);
        iv.detail = service + " " + string_field(steps[k], "name", kw) + ": " +
                    format_seconds(iv.start_s) + " to " + when_text(e);
        iv.cls = "canary";
        weights.intervals.push_back(std::move(iv));
        const Json& judgements = array_member(steps[k], "judgements", kw);
        for (size_t j = 0; j < judgements.size(); ++j) {
          const std::string jw = kw + ".judgements[" + std::to_string(j) + "]";
          Instant in;
          in.at_s = number_field(judgements[j], "at_s", jw);
          std::string verdict = string_field(judgements[j], "verdict", jw);
          in.label = verdict;
          in.detail = format_seconds(in.at_s) + " " + service + ": judge says " + verdict;
          const std::string action = string_field(judgements[j], "action", jw);
          if (!action.empty()) in.detail += ", " + action;
          const std::string why = string_field(judgements[j], "reason", jw);
          if (!why.empty()) in.detail += ": " + why;
          in.cls = "verdict-" + lower(verdict);
          verdicts.instants.push_back(std::move(in));
        }
      }
    }
    if (deployments.empty()) {
      for (size_t i = 0; i < actions.size(); ++i) {
        const std::string kind = string_field(actions[i], "kind", ow);
        if (kind != "set_traffic_weight" && kind != "promote_canary") continue;
        Instant in;
        in.at_s = number_field(actions[i], "at_s", ow + ": actions");
        in.label = kind;
        in.detail = format_seconds(in.at_s) + " " + kind + " " +
                    string_field(actions[i], "target", ow) + ": " +
                    string_field(actions[i], "reason", ow);
        in.cls = "canary";
        weights.instants.push_back(std::move(in));
      }
    }
    if (!weights.intervals.empty() || !weights.instants.empty()) v.lanes.push_back(std::move(weights));
    if (!verdicts.instants.empty()) v.lanes.push_back(std::move(verdicts));
  }
  // Safe mode, write drain and the kill switch, always shown (never on is news too).
  for (const Mode& m : kModes) {
    Lane lane{m.id, m.title, {}, {}};
    // A flag and a time rather than an optional: GCC 12 warns (falsely) that
    // an optional<double> read here may be uninitialised.
    bool on = false;
    double since = 0;
    std::string why;
    for (size_t i = 0; i < actions.size(); ++i) {
      const std::string kind = string_field(actions[i], "kind", ow);
      const double at = number_field(actions[i], "at_s", ow + ": actions[" + std::to_string(i) + "]");
      if (kind == m.on && !on) {
        on = true;
        since = at;
        why = string_field(actions[i], "reason", ow);
      } else if (kind == m.off && on) {
        lane.intervals.push_back(Interval{since, at, false, m.title,
                                          std::string(m.title) + " on " + format_seconds(since) +
                                              " to " + format_seconds(at) + ": " + why,
                                          m.id});
        on = false;
      }
    }
    if (on) {
      lane.intervals.push_back(Interval{since, end, true, m.title,
                                        std::string(m.title) + " on from " +
                                            format_seconds(since) + " to the end: " + why,
                                        m.id});
    }
    v.lanes.push_back(std::move(lane));
  }
  return v;
}

}  // namespace dreamsim::report
