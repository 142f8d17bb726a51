#include "reports/trace_events.hpp"

#include <cmath>
#include <map>

namespace dreamsim::report {
namespace {

int64_t micros(double s) { return std::llround(s * 1e6); }

// Tracks of one process, with extra tracks for slices that do not nest.
class Tracks {
 public:
  Tracks(int pid, std::string process, Json* events) : pid_(pid), events_(events) {
    events_->push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", pid_},
                        {"args", {{"name", std::move(process)}}}});
    events_->push_back({{"name", "process_sort_index"}, {"ph", "M"}, {"pid", pid_},
                        {"args", {{"sort_index", pid_}}}});
  }

  // The track of `name` (created on first use, in order of first use).
  int track(const std::string& name) { return lane(name, 0); }

  // A slice on the track of `name`, or on an extra track when it overlaps the
  // last slice there without nesting in it.
  void slice(const std::string& name, const std::string& title, const std::string& cat,
             int64_t ts, int64_t dur, Json args) {
    std::vector<std::vector<std::pair<int64_t, int64_t>>>& stacks = open_[name];
    size_t k = 0;
    for (;; ++k) {
      if (k == stacks.size()) stacks.emplace_back();
      auto& stack = stacks[k];
      // Pop what ended before this slice begins; it nests in what remains.
      while (!stack.empty() && stack.back().second <= ts) stack.pop_back();
      if (stack.empty() || ts + dur <= stack.back().second) {
        stack.emplace_back(ts, ts + dur);
        break;
      }
    }
    events_->push_back({{"name", title}, {"cat", cat}, {"ph", "X"}, {"ts", ts}, {"dur", dur},
                        {"pid", pid_}, {"tid", lane(name, k)}, {"args", std::move(args)}});
  }

  void instant(const std::string& name, const std::string& title, const std::string& cat,
               int64_t ts, Json args) {
    events_->push_back({{"name", title}, {"cat", cat}, {"ph", "i"}, {"s", "t"}, {"ts", ts},
                        {"pid", pid_}, {"tid", track(name)}, {"args", std::move(args)}});
  }

 private:
  int lane(const std::string& name, size_t extra) {
    const std::string key = extra == 0 ? name : name + " #" + std::to_string(extra + 1);
    auto it = tids_.find(key);
    if (it != tids_.end()) return it->second;
    const int tid = static_cast<int>(tids_.size()) + 1;
    tids_.emplace(key, tid);
    events_->push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", pid_}, {"tid", tid},
                        {"args", {{"name", key}}}});
    events_->push_back({{"name", "thread_sort_index"}, {"ph", "M"}, {"pid", pid_}, {"tid", tid},
                        {"args", {{"sort_index", tid}}}});
    return tid;
  }

  int pid_;
  Json* events_;
  std::map<std::string, int> tids_;
  std::map<std::string, std::vector<std::vector<std::pair<int64_t, int64_t>>>> open_;
};

const Json& list(const Json& o, const char* key) {
  static const Json kEmpty = Json::array();
  const Json* j = member(o, key);
  return j != nullptr && j->is_array() ? *j : kEmpty;
}

std::string str(const Json& o, const char* key) {
  const Json* j = member(o, key);
  return j != nullptr && j->is_string() ? j->get<std::string>() : std::string();
}

}  // namespace

std::string chrome_trace(const RunDir& run, const RunView& view) {
  const Json& o = run.outcome;
  Json events = Json::array();
  Tracks services(1, "services", &events);
  Tracks controllers(2, "controllers", &events);
  Tracks modes(3, "modes", &events);
  for (const ServiceView& s : view.services) services.track(s.id);
  services.track("system");
  const int64_t end = micros(view.duration_s);

  // Faults: a slice on every service they touched (the view already knows).
  const Json& faults = list(o, "faults");
  for (const Lane& lane : view.lanes) {
    if (lane.id != "faults") continue;
    for (size_t i = 0; i < lane.intervals.size() && i < faults.size() &&
                       i < view.fault_services.size(); ++i) {
      const Interval& iv = lane.intervals[i];
      const std::string kind = str(faults[i], "kind");
      Json args = {{"detail", iv.detail}};
      bool placed = false;
      for (size_t k : view.fault_services[i]) {
        services.slice(view.services[k].id, "fault " + kind, "fault", micros(iv.start_s),
                       micros(iv.end_s) - micros(iv.start_s), args);
        placed = true;
      }
      if (!placed) {
        services.slice("system", "fault " + iv.label, "fault", micros(iv.start_s),
                       micros(iv.end_s) - micros(iv.start_s), args);
      }
    }
  }
  // Instants beyond kMaxTraceInstants per kind are counted, not written,
  // and one "elided" instant on the system track says how many from when.
  struct Elided {
    size_t count = 0;
    int64_t from = 0;
  };
  Elided elided_alerts, elided_actions;
  size_t kept_alerts = 0, kept_actions = 0;
  auto over = [](size_t* kept, Elided* e, int64_t ts) {
    if (*kept < kMaxTraceInstants) {
      ++*kept;
      return false;
    }
    if (e->count++ == 0) e->from = ts;
    return true;
  };
  for (const Json& a : list(o, "alerts")) {
    const std::string service = str(a, "service");
    const Json* fired = member(a, "fired_at_s");
    if (fired == nullptr || !fired->is_number()) continue;
    if (over(&kept_alerts, &elided_alerts, micros(fired->get<double>()))) continue;
    Json args = {{"signal", str(a, "signal")}, {"source", str(a, "source")},
                 {"resolved_at_s", a.contains("resolved_at_s") ? a["resolved_at_s"] : Json(nullptr)}};
    services.instant(service.empty() ? "system" : service,
                     str(a, "severity") + " " + str(a, "signal"), "alert",
                     micros(fired->get<double>()), std::move(args));
  }
  for (const Json& a : list(o, "actions")) {
    const Json* at = member(a, "at_s");
    if (at == nullptr || !at->is_number()) continue;
    if (over(&kept_actions, &elided_actions, micros(at->get<double>()))) continue;
    controllers.instant(str(a, "controller"), str(a, "kind") + " " + str(a, "target"), "action",
                        micros(at->get<double>()),
                        {{"target", str(a, "target")}, {"reason", str(a, "reason")}});
  }
  for (const Lane& lane : view.lanes) {
    if (lane.id == "incidents") {
      for (const Interval& iv : lane.intervals) {
        controllers.slice("incident", "incident " + iv.label, "incident", micros(iv.start_s),
                          micros(iv.end_s) - micros(iv.start_s), {{"detail", iv.detail}});
      }
    } else if (lane.id == "startup" || lane.id == "grading") {
      for (const Interval& iv : lane.intervals) {
        controllers.slice("startup", lane.id == "grading" ? "grading " + iv.label : iv.label,
                          "phase", micros(iv.start_s), micros(iv.end_s) - micros(iv.start_s),
                          {{"detail", iv.detail}});
      }
    } else if (lane.id == "canary") {
      for (const Interval& iv : lane.intervals) {
        controllers.slice("deployment", "canary " + iv.label, "phase", micros(iv.start_s),
                          micros(iv.end_s) - micros(iv.start_s), {{"detail", iv.detail}});
      }
    } else if (lane.id == "judge") {
      for (const Instant& in : lane.instants) {
        controllers.instant("deployment", "judge " + in.label, "verdict", micros(in.at_s),
                            {{"detail", in.detail}});
      }
    } else if (lane.id == "safe-mode" || lane.id == "write-drain" || lane.id == "kill-switch") {
      modes.track(lane.title);
      for (const Interval& iv : lane.intervals) {
        modes.slice(lane.title, lane.title, "mode", micros(iv.start_s),
                    micros(iv.end_s) - micros(iv.start_s), {{"detail", iv.detail}});
      }
    }
  }
  Json elided = Json::object();
  for (const auto& [what, e] :
       {std::pair<const char*, const Elided*>{"alerts", &elided_alerts}, {"actions", &elided_actions}}) {
    if (e->count == 0) continue;
    const std::string text = std::to_string(e->count) + " more " + what + " elided";
    services.instant("system", text, "elided", e->from,
                     {{"elided", e->count},
                      {"kept", kMaxTraceInstants},
                      {"why", std::string("trace.json keeps the first ") +
                                  std::to_string(kMaxTraceInstants) + " " + what +
                                  "; outcome.json lists what it kept"}});
    elided[what] = {{"kept", kMaxTraceInstants}, {"elided", e->count}};
  }
  // What outcome.json itself dropped (model::bound_outcome).
  if (const Json* e = member(o, "elided"); e != nullptr && e->is_object()) {
    elided["outcome.json"] = *e;
  }
  // The run's span, so that viewers show the whole simulated time.
  modes.slice("run", view.scenario, "run", 0, end, {{"seed", view.seed}, {"trace_hash", view.trace_hash}});

  std::string text = "{\"displayTimeUnit\":\"ms\",";
  // Said in the file, never silent: viewers show otherData as metadata.
  if (!elided.empty()) text += "\"otherData\":" + Json{{"elided", elided}}.dump() + ",";
  text += "\"traceEvents\":[\n";
  for (size_t i = 0; i < events.size(); ++i) {
    text += events[i].dump();
    text += i + 1 < events.size() ? ",\n" : "\n";
  }
  text += "]}\n";
  return text;
}

}  // namespace dreamsim::report
