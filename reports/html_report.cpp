#include "reports/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "reports/report_assets.hpp"
#include "reports/series.hpp"

namespace dreamsim::report {
namespace {

// Timeline geometry, in SVG user units (pixels at 100 %).
constexpr double kLabelWidth = 170;
constexpr double kPlotWidth = 1000;
constexpr double kRightPad = 20;
constexpr double kRowHeight = 14;
constexpr double kLanePad = 5;
constexpr double kAxisHeight = 22;
constexpr size_t kMaxSubRows = 6;
constexpr size_t kMaxMergedDetails = 5;
// Marks closer than this (pixels) merge into one.
constexpr double kMergePx = 3.0;
// A lane with more bars than this is drawn as a density strip of
// kDensityBuckets cells, each telling how many bars were active in it and
// how many began there, so that a week of flapping alerts stays a few
// hundred elements.
constexpr size_t kMaxBars = 300;
constexpr size_t kDensityBuckets = 250;
// The post-mortem shows this many incidents in full and lists the rest in
// one line each; the notes list stops after kMaxNotes.
constexpr size_t kMaxFullIncidents = 50;
constexpr size_t kMaxNotes = 500;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string value_text(const Json& v) {
  if (v.is_null()) return "-";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v.get<double>());
    return buf;
  }
  return v.dump();
}

// A step of the time axis: the first "nice" step that gives at most 12 ticks.
double axis_step(double duration) {
  static constexpr double kSteps[] = {1,     2,     5,     10,     15,     30,     60,
                                      120,   300,   600,   900,    1800,   3600,   7200,
                                      10800, 21600, 43200, 86400,  172800, 604800, 2592000};
  for (double s : kSteps) {
    if (duration / s <= 12) return s;
  }
  return std::ceil(duration / 12 / 2592000) * 2592000;
}

class Timeline {
 public:
  explicit Timeline(double duration) : duration_(duration > 0 ? duration : 1) {}

  double x(double t) const {
    const double c = std::clamp(t, 0.0, duration_);
    return kLabelWidth + c / duration_ * kPlotWidth;
  }

  std::string axis(double y, bool labels) const {
    std::string out = "<g class=\"axis\">";
    const double step = axis_step(duration_);
    for (double t = 0; t <= duration_ + 1e-9; t += step) {
      const double px = x(t);
      out += "<line x1=\"" + num(px) + "\" x2=\"" + num(px) + "\" y1=\"" + num(y) + "\" y2=\"" +
             num(y + 5) + "\"/>";
      if (labels) {
        out += "<text x=\"" + num(px) + "\" y=\"" + num(y + 15) + "\">" +
               html_escape(format_seconds(t)) + "</text>";
      }
    }
    return out + "</g>";
  }

  std::string grid(double y0, double y1) const {
    std::string out = "<g class=\"grid\">";
    const double step = axis_step(duration_);
    for (double t = 0; t <= duration_ + 1e-9; t += step) {
      const double px = x(t);
      out += "<line x1=\"" + num(px) + "\" x2=\"" + num(px) + "\" y1=\"" + num(y0) + "\" y2=\"" +
             num(y1) + "\"/>";
    }
    return out + "</g>";
  }

  // One lane at height y; returns its SVG and advances y.
  std::string lane(const Lane& lane, double* y) const {
    if (lane.intervals.size() > kMaxBars) return density_lane(lane, y);
    // Pack intervals into sub-rows: each goes into the first row whose last
    // bar ended (in pixels) before it starts.
    std::vector<double> row_end;
    std::vector<size_t> row_of(lane.intervals.size());
    for (size_t i = 0; i < lane.intervals.size(); ++i) {
      const double x0 = x(lane.intervals[i].start_s);
      size_t r = 0;
      while (r < row_end.size() && row_end[r] > x0) ++r;
      if (r == kMaxSubRows) r = kMaxSubRows - 1;
      if (r == row_end.size()) row_end.push_back(0);
      row_end[r] = std::max(row_end[r], std::max(x(lane.intervals[i].end_s), x0 + 1.5) + 1);
      row_of[i] = r;
    }
    const size_t rows =
        std::max<size_t>(1, row_end.size() + (lane.instants.empty() ? 0 : 1));
    const double height = static_cast<double>(rows) * kRowHeight + 2 * kLanePad;
    std::string out = "<g class=\"lane\" data-lane=\"" + html_escape(lane.id) + "\" data-items=\"" +
                      std::to_string(lane.intervals.size() + lane.instants.size()) + "\">";
    out += "<rect class=\"lane-bg\" x=\"0\" y=\"" + num(*y) + "\" width=\"" +
           num(kLabelWidth + kPlotWidth + kRightPad) + "\" height=\"" + num(height) + "\"/>";
    out += "<text class=\"lane-label\" x=\"6\" y=\"" + num(*y + kLanePad + 11) + "\">" +
           html_escape(lane.title) + "</text>";
    if (lane.intervals.empty() && lane.instants.empty()) {
      out += "<text class=\"lane-empty\" x=\"" + num(kLabelWidth + 4) + "\" y=\"" +
             num(*y + kLanePad + 11) + "\">none</text>";
    }
    for (size_t i = 0; i < lane.intervals.size(); ++i) {
      const Interval& iv = lane.intervals[i];
      const double x0 = x(iv.start_s);
      const double w = std::max(x(iv.end_s) - x0, 1.5);
      const double ry = *y + kLanePad + static_cast<double>(row_of[i]) * kRowHeight + 1;
      out += "<g class=\"iv " + html_escape(iv.cls) + (iv.open ? " open" : "") + "\"><rect x=\"" +
             num(x0) + "\" y=\"" + num(ry) + "\" width=\"" + num(w) + "\" height=\"" +
             num(kRowHeight - 2) + "\"/>";
      // The label, when it fits (about 6 units a character).
      if (w > 6.0 * static_cast<double>(iv.label.size()) + 6) {
        out += "<text x=\"" + num(x0 + 3) + "\" y=\"" + num(ry + 9.5) + "\">" +
               html_escape(iv.label) + "</text>";
      }
      out += "<title>" + html_escape(iv.detail) + "</title></g>";
    }
    if (!lane.instants.empty()) {
      const double ry = *y + kLanePad + static_cast<double>(row_end.size()) * kRowHeight;
      // Marks within a pixel of each other merge into one.
      std::vector<std::pair<double, std::vector<const Instant*>>> marks;
      std::vector<const Instant*> sorted;
      for (const Instant& in : lane.instants) sorted.push_back(&in);
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const Instant* a, const Instant* b) { return a->at_s < b->at_s; });
      for (const Instant* in : sorted) {
        const double px = x(in->at_s);
        if (!marks.empty() && px - marks.back().first < kMergePx) {
          marks.back().second.push_back(in);
        } else {
          marks.push_back({px, {in}});
        }
      }
      for (const auto& [px, group] : marks) {
        std::string cls = group.front()->cls;
        for (const Instant* in : group) {
          if (in->cls != cls) cls = "mixed";
        }
        out += "<g class=\"mark " + html_escape(cls) + "\" data-count=\"" +
               std::to_string(group.size()) + "\"><path d=\"M" + num(px) + " " + num(ry + 1) +
               "l4 6l-4 6l-4 -6z\"/><title>";
        std::string title;
        for (size_t k = 0; k < group.size() && k < kMaxMergedDetails; ++k) {
          if (k > 0) title += "\n";
          title += group[k]->detail;
        }
        if (group.size() > kMaxMergedDetails) {
          title += "\n... and " + std::to_string(group.size() - kMaxMergedDetails) + " more";
        }
        out += html_escape(title) + "</title></g>";
      }
    }
    out += "</g>";
    *y += height;
    return out;
  }

  // A lane of many bars: one strip of density cells, then the marks.
  std::string density_lane(const Lane& lane, double* y) const {
    const size_t n = kDensityBuckets;
    const double cell = kPlotWidth / static_cast<double>(n);
    auto bucket = [&](double t) {
      const double b = std::floor((x(t) - kLabelWidth) / cell);
      return static_cast<size_t>(std::clamp(b, 0.0, static_cast<double>(n - 1)));
    };
    std::vector<int64_t> delta(n + 1, 0);
    std::vector<size_t> began(n, 0);
    std::vector<std::vector<const Interval*>> examples(n);
    std::vector<std::string> cls(n);
    for (const Interval& iv : lane.intervals) {
      const size_t b0 = bucket(iv.start_s);
      const size_t b1 = std::max(b0, bucket(iv.end_s));
      ++delta[b0];
      --delta[b1 + 1];
      ++began[b0];
      if (examples[b0].size() < kMaxMergedDetails) examples[b0].push_back(&iv);
      if (cls[b0].empty()) cls[b0] = iv.cls;
      else if (cls[b0] != iv.cls) cls[b0] = "mixed";
    }
    std::vector<int64_t> active(n, 0);
    int64_t run = 0, peak = 1;
    for (size_t b = 0; b < n; ++b) {
      run += delta[b];
      active[b] = run;
      peak = std::max(peak, run);
    }
    const double height = 2 * kRowHeight + 2 * kLanePad;
    std::string out = "<g class=\"lane density\" data-lane=\"" + html_escape(lane.id) +
                      "\" data-items=\"" +
                      std::to_string(lane.intervals.size() + lane.instants.size()) + "\">";
    out += "<rect class=\"lane-bg\" x=\"0\" y=\"" + num(*y) + "\" width=\"" +
           num(kLabelWidth + kPlotWidth + kRightPad) + "\" height=\"" + num(height) + "\"/>";
    out += "<text class=\"lane-label\" x=\"6\" y=\"" + num(*y + kLanePad + 11) + "\">" +
           html_escape(lane.title) + "</text>";
    out += "<text class=\"lane-note\" x=\"6\" y=\"" + num(*y + kLanePad + 24) + "\">" +
           std::to_string(lane.intervals.size()) + " bars, as density</text>";
    const double per_cell_s = duration_ / static_cast<double>(n);
    for (size_t b = 0; b < n; ++b) {
      if (active[b] == 0) continue;
      const double opacity = 0.2 + 0.8 * static_cast<double>(active[b]) / static_cast<double>(peak);
      out += "<g class=\"iv cell " + html_escape(cls[b].empty() ? lane.intervals.front().cls : cls[b]) +
             "\"><rect x=\"" + num(kLabelWidth + cell * static_cast<double>(b)) + "\" y=\"" +
             num(*y + kLanePad + 1) + "\" width=\"" + num(cell) + "\" height=\"" +
             num(2 * kRowHeight - 2) + "\" fill-opacity=\"" + num(opacity) + "\"/><title>";
      std::string title = format_seconds(per_cell_s * static_cast<double>(b)) + " to " +
                          format_seconds(per_cell_s * static_cast<double>(b + 1)) + ": " +
                          std::to_string(active[b]) + " active, " + std::to_string(began[b]) +
                          " began";
      for (const Interval* iv : examples[b]) title += "\n" + iv->detail;
      if (began[b] > examples[b].size()) {
        title += "\n... and " + std::to_string(began[b] - examples[b].size()) + " more";
      }
      out += html_escape(title) + "</title></g>";
    }
    out += "</g>";
    *y += height;
    return out;
  }

 private:
  double duration_;
};

std::string dl_row(const std::string& term, const std::string& html) {
  return "<tr><th>" + html_escape(term) + "</th><td>" + html + "</td></tr>";
}

const Json& list(const Json& o, const char* key) {
  static const Json kEmpty = Json::array();
  const Json* j = member(o, key);
  return j != nullptr && j->is_array() ? *j : kEmpty;
}

std::string str(const Json& o, const char* key) {
  const Json* j = member(o, key);
  if (j == nullptr) return {};
  return j->is_string() ? j->get<std::string>() : value_text(*j);
}

// Seconds as "12.5 (12.5s)" for metrics whose name ends in _s.
std::string metric_value(const std::string& name, const Json& v) {
  std::string text = html_escape(value_text(v));
  if (v.is_number() && name.size() > 2 && name.compare(name.size() - 2, 2, "_s") == 0) {
    text += " <span class=\"dim\">(" + html_escape(format_seconds(v.get<double>())) + ")</span>";
  }
  return text;
}

// Merges `factor` points at a time, by max or mean, to three significant digits.
Json coarse(const Json& values, size_t factor, bool use_max) {
  Json out = Json::array();
  for (size_t p = 0; p * factor < values.size(); ++p) {
    double acc = use_max ? -INFINITY : 0;
    size_t n = 0;
    for (size_t k = p * factor; k < std::min(values.size(), (p + 1) * factor); ++k) {
      if (!values[k].is_number()) continue;
      const double v = values[k].get<double>();
      acc = use_max ? std::max(acc, v) : acc + v;
      ++n;
    }
    out.push_back(n == 0 ? Json(nullptr) : significant(use_max ? acc : acc / static_cast<double>(n), 3));
  }
  return out;
}

Json threshold_json(const std::optional<Threshold>& t) {
  if (!t) return nullptr;
  return Json{{"P0", t->p0}, {"P1", t->p1}, {"P2", t->p2}};
}

// The data the page's script charts from.
Json chart_data(const RunDir& run, const RunView& view) {
  Json d;
  d["duration_s"] = view.duration_s;
  d["thresholds"] = {{"latency_p95_s", threshold_json(view.latency_p95_s)},
                     {"error_rate", threshold_json(view.error_rate)},
                     {"saturation", threshold_json(view.saturation)}};
  Json faults = Json::array();
  for (const Lane& lane : view.lanes) {
    if (lane.id != "faults") continue;
    for (size_t i = 0; i < lane.intervals.size(); ++i) {
      Json services = Json::array();
      if (i < view.fault_services.size()) {
        for (size_t k : view.fault_services[i]) services.push_back(k);
      }
      faults.push_back({{"start", lane.intervals[i].start_s},
                        {"end", lane.intervals[i].end_s},
                        {"label", lane.intervals[i].label},
                        {"services", std::move(services)}});
    }
  }
  d["faults"] = std::move(faults);
  Json charts = Json::array();
  const Json* series = member(run.series, "series");
  if (series != nullptr) {
    const double period = number_field(*series, "period_s", "series.json: series");
    const Json& system = list(*series, "system");
    const Json& per_service = list(*series, "services");
    charts.push_back({{"name", "system"}, {"idx", -1}, {"shown", true}, {"period_s", period},
                      {"s", system}});
    std::vector<char> shown(view.services.size(), 0);
    for (size_t i = 0; i < view.involved.size() && i < kMaxDefaultCharts; ++i) {
      shown[view.involved[i]] = 1;
    }
    // Charted by default: the involved ones, most involved first, at full
    // resolution; the others in declaration order, coarser.
    for (size_t i = 0; i < view.involved.size() && i < kMaxDefaultCharts; ++i) {
      const size_t k = view.involved[i];
      if (k >= per_service.size()) continue;
      charts.push_back({{"name", view.services[k].id}, {"idx", k}, {"shown", true},
                        {"period_s", period}, {"s", per_service[k]}});
    }
    const size_t points = per_service.empty() || per_service[0].empty() ? 0 : per_service[0][0].size();
    const size_t factor = std::max<size_t>(1, (points + kOnDemandPoints - 1) / kOnDemandPoints);
    for (size_t k = 0; k < view.services.size() && k < per_service.size(); ++k) {
      if (shown[k]) continue;
      Json cols = Json::array();
      for (size_t s = 0; s < per_service[k].size() && s < kSeriesSignalCount; ++s) {
        cols.push_back(coarse(per_service[k][s], factor,
                              std::string(kSeriesSignals[s].stat) == "max"));
      }
      charts.push_back({{"name", view.services[k].id}, {"idx", k}, {"shown", false},
                        {"period_s", period * static_cast<double>(factor)}, {"s", std::move(cols)}});
    }
  }
  d["charts"] = std::move(charts);
  return d;
}

const std::set<std::string>& known_sections() {
  static const std::set<std::string> kKnown = {
      "format",   "scenario",     "seed",  "trace_hash", "events",      "sim_duration_s",
      "faults",   "alerts",       "actions", "metrics",  "expectations", "score",
      "system",   "services",     "data_stores", "checks", "incidents", "notes",
      "procedures", "startup",    "passed"};
  return kKnown;
}

std::string header_html(const RunView& v) {
  std::string out = "<header><h1>" + html_escape(v.scenario) + "</h1>";
  if (!v.description.empty()) out += "<p class=\"description\">" + html_escape(v.description) + "</p>";
  std::string verdict;
  if (!v.passed) {
    verdict = "<span class=\"verdict none\">no expectations</span>";
  } else if (*v.passed) {
    verdict = "<span class=\"verdict pass\">PASS</span>";
  } else {
    verdict = "<span class=\"verdict fail\">FAIL</span>";
  }
  if (v.expectations > 0) {
    verdict += " " + std::to_string(v.expectations - v.expectations_failed) + " of " +
               std::to_string(v.expectations) + " expectations met";
  }
  out += "<table class=\"meta\">";
  out += dl_row("result", verdict);
  out += dl_row("score", html_escape(v.score.is_object() ? v.score.dump() : value_text(v.score)));
  out += dl_row("scenario file", "<code>" + html_escape(v.scenario_file.empty() ? "-" : v.scenario_file) + "</code>");
  out += dl_row("seed", std::to_string(v.seed));
  out += dl_row("procedures", v.procedures_path.empty()
                                  ? std::string("built-in defaults (the seed's numbers)")
                                  : "<code>" + html_escape(v.procedures_path) + "</code> hash <code>" +
                                        html_escape(v.procedures_hash) + "</code>");
  out += dl_row("trace hash", "<code>" + html_escape(v.trace_hash) + "</code>");
  out += dl_row("simulated", html_escape(format_seconds(v.duration_s)) + ", " +
                                 std::to_string(v.services.size()) + " services");
  out += dl_row("replay", v.replay.empty() ? std::string("-")
                                           : "<code class=\"replay\">" + html_escape(v.replay) + "</code>");
  out += "</table>";
  for (const std::string& m : v.missing) out += "<p class=\"missing\">" + html_escape(m) + "</p>";
  return out + "</header>";
}

std::string dag_html(const RunView& v, const std::string& dag_svg) {
  std::string out = "<section id=\"dag-section\"><h2>Dependency graph</h2>";
  out += "<p class=\"legend\">Fill: the worst state of each service during the run, from its "
         "golden-signal maxima against the alerting thresholds and the alerts on it: ";
  for (State s : {State::kOk, State::kP2, State::kP1, State::kP0, State::kDown}) {
    out += "<span class=\"swatch\" style=\"background:" + std::string(state_colour(s)) + "\"></span>" +
           html_escape(std::string(to_string(s)) + " (" + state_meaning(s) + ")") + " ";
  }
  out += "A double border marks a core service, a red border and a 'fault:' line the targets of "
         "faults, heavy blue the start-up critical path";
  if (!v.critical_path.empty()) {
    out += " (";
    for (size_t i = 0; i < v.critical_path.size(); ++i) {
      if (i > 0) out += " &rarr; ";
      out += html_escape(v.services[v.critical_path[i]].id);
    }
    out += ")";
  }
  out += ". Arrows point from a service to what it depends on. Hover a node for details.</p>";
  out += "<div class=\"dag\" id=\"dag\">" + dag_svg + "</div></section>";
  return out;
}

std::string expectations_html(const Json& o) {
  std::string out = "<section id=\"expectations-section\"><h2>Expectations</h2>";
  const Json& list_ = list(o, "expectations");
  if (list_.empty()) return out + "<p class=\"dim\">The scenario states no expectations.</p></section>";
  out += "<table class=\"grid\" id=\"expectations\"><tr><th>expectation</th><th>result</th><th>evidence</th></tr>";
  for (const Json& e : list_) {
    const Json* p = member(e, "passed");
    const bool passed = p != nullptr && p->is_boolean() && p->get<bool>();
    out += std::string("<tr class=\"") + (passed ? "pass" : "fail") + "\"><td>" +
           html_escape(str(e, "text")) + "</td><td>" + (passed ? "met" : "FAILED") + "</td><td>" +
           html_escape(str(e, "evidence")) + "</td></tr>";
  }
  return out + "</table></section>";
}

std::string metrics_html(const Json& o) {
  std::string out = "<section id=\"metrics-section\"><h2>Metrics</h2>";
  const Json* m = member(o, "metrics");
  if (m == nullptr || !m->is_object()) return out + "<p class=\"dim\">none recorded</p></section>";
  out += "<table class=\"grid\" id=\"metrics\">";
  for (const auto& [name, value] : m->items()) {
    out += "<tr><th>" + html_escape(name) + "</th><td>" + metric_value(name, value) + "</td></tr>";
  }
  out += "</table>";
  if (const Json* sys = member(o, "system"); sys != nullptr && sys->is_object()) {
    out += "<details><summary>what users saw (system signals over the run)</summary><table class=\"grid\">";
    for (const auto& [name, value] : sys->items()) {
      out += "<tr><th>" + html_escape(name) + "</th><td>" + metric_value(name, value) + "</td></tr>";
    }
    out += "</table></details>";
  }
  return out + "</section>";
}

std::string postmortem_html(const Json& o) {
  std::string out = "<section id=\"postmortem-section\"><h2>Post-mortem</h2>";
  if (!o.contains("incidents")) {
    return out + "<p class=\"dim\">No incident record: the run had no incident runbook.</p></section>";
  }
  const Json& incidents = list(o, "incidents");
  if (incidents.empty()) return out + "<p class=\"dim\">No incident was opened.</p></section>";
  if (incidents.size() > kMaxFullIncidents) {
    out += "<p>" + std::to_string(incidents.size()) + " incidents; the first " +
           std::to_string(kMaxFullIncidents) + " in full, the others in the table below.</p>";
  }
  for (size_t n = 0; n < incidents.size() && n < kMaxFullIncidents; ++n) {
    const Json& i = incidents[n];
    out += "<article class=\"incident\"><h3>Incident #" + html_escape(str(i, "id")) + " " +
           html_escape(str(i, "severity")) + " on " + html_escape(str(i, "service")) + "</h3>";
    out += "<table class=\"grid\">";
    out += dl_row("opened by", html_escape(str(i, "cause_alert")));
    out += dl_row("diagnosis", html_escape(str(i, "diagnosis").empty() ? "-" : str(i, "diagnosis")));
    for (const char* k : {"opened_at_s", "responded_at_s", "mitigated_at_s", "resolved_at_s"}) {
      const Json* t = member(i, k);
      out += dl_row(std::string(k).substr(0, std::string(k).find("_at_s")),
                    t != nullptr && t->is_number() ? html_escape(format_seconds(t->get<double>()))
                                                   : std::string("never"));
    }
    out += dl_row("response time breached", html_escape(str(i, "response_breached")));
    std::string causes;
    for (const Json& c : list(i, "known_cause")) {
      causes += (causes.empty() ? "" : "; ") + html_escape(c.is_string() ? c.get<std::string>() : c.dump());
    }
    out += dl_row("known cause (from the simulation)", causes.empty() ? "-" : causes);
    std::string acts;
    for (const Json& a : list(i, "actions")) {
      const Json* at = member(a, "at_s");
      acts += "<li>" + html_escape((at != nullptr && at->is_number() ? format_seconds(at->get<double>()) : "-") +
                                   " " + str(a, "kind") + " " + str(a, "target")) + "</li>";
    }
    out += dl_row("what was done", acts.empty() ? "-" : "<ul>" + acts + "</ul>");
    // Whatever else a newer runbook records.
    for (const auto& [k, val] : i.items()) {
      static const std::set<std::string> kShown = {
          "id", "severity", "service", "cause_alert", "diagnosis", "opened_at_s",
          "responded_at_s", "mitigated_at_s", "resolved_at_s", "response_breached",
          "known_cause", "actions"};
      if (kShown.count(k)) continue;
      out += dl_row(k, val.is_primitive() ? html_escape(value_text(val))
                                          : "<pre>" + html_escape(val.dump(2)) + "</pre>");
    }
    out += "</table></article>";
  }
  if (incidents.size() > kMaxFullIncidents) {
    out += "<table class=\"grid\" id=\"more-incidents\"><tr><th>#</th><th>severity</th><th>service</th>"
           "<th>opened by</th><th>opened</th><th>resolved</th></tr>";
    for (size_t n = kMaxFullIncidents; n < incidents.size(); ++n) {
      const Json& i = incidents[n];
      const Json* opened = member(i, "opened_at_s");
      const Json* resolved = member(i, "resolved_at_s");
      out += "<tr><td>" + html_escape(str(i, "id")) + "</td><td>" + html_escape(str(i, "severity")) +
             "</td><td>" + html_escape(str(i, "service")) + "</td><td>" +
             html_escape(str(i, "cause_alert")) + "</td><td>" +
             html_escape(opened != nullptr && opened->is_number() ? format_seconds(opened->get<double>()) : "-") +
             "</td><td>" +
             html_escape(resolved != nullptr && resolved->is_number() ? format_seconds(resolved->get<double>()) : "never") +
             "</td></tr>";
    }
    out += "</table>";
  }
  return out + "</section>";
}

std::string other_sections_html(const Json& o) {
  std::string body;
  for (const auto& [key, value] : o.items()) {
    if (known_sections().count(key)) continue;
    body += "<details class=\"section-json\" data-section=\"" + html_escape(key) + "\"><summary>" +
            html_escape(key) + "</summary><pre>" + html_escape(value.dump(2)) + "</pre></details>";
  }
  const Json& notes = list(o, "notes");
  if (!notes.empty()) {
    body += "<details data-section=\"notes\"><summary>controller notes (" + std::to_string(notes.size()) +
            ")</summary><ul class=\"notes\">";
    for (size_t k = 0; k < notes.size() && k < kMaxNotes; ++k) {
      const Json& n = notes[k];
      const Json* at = member(n, "at_s");
      body += "<li>" + html_escape((at != nullptr && at->is_number() ? format_seconds(at->get<double>()) : "-") +
                                   " " + str(n, "controller") + ": " + str(n, "what")) + "</li>";
    }
    if (notes.size() > kMaxNotes) {
      body += "<li>... and " + std::to_string(notes.size() - kMaxNotes) + " more in outcome.json</li>";
    }
    body += "</ul></details>";
  }
  const Json& stores = list(o, "data_stores");
  if (!stores.empty()) {
    body += "<details data-section=\"data_stores\"><summary>data stores (" + std::to_string(stores.size()) +
            ")</summary><pre>" + html_escape(stores.dump(2)) + "</pre></details>";
  }
  if (body.empty()) return {};
  return "<section id=\"more-section\"><h2>More from the outcome</h2>" + body + "</section>";
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string script_json(const Json& document) {
  const std::string text = document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string timeline_svg(const RunView& view) {
  const Timeline t(view.duration_s);
  std::string lanes;
  double y = kAxisHeight;
  for (const Lane& lane : view.lanes) lanes += t.lane(lane, &y);
  const double height = y + kAxisHeight;
  const double width = kLabelWidth + kPlotWidth + kRightPad;
  std::string out = "<svg id=\"timeline\" class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    num(width) + " " + num(height) + "\" width=\"" + num(width) + "\" height=\"" +
                    num(height) + "\" data-duration-s=\"" + num(view.duration_s) + "\">";
  out += t.grid(kAxisHeight, y);
  out += t.axis(kAxisHeight - 16, true);
  out += lanes;
  out += t.axis(y, true);
  return out + "</svg>";
}

std::string html_report(const RunDir& run, const RunView& view, const std::string& dag_svg) {
  const Json& o = run.outcome;
  std::string page = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                     "<meta name=\"generator\" content=\"dreamsim report\">";
  page += "<title>" + html_escape(view.scenario + " (seed " + std::to_string(view.seed) + ") - dreamsim") +
          "</title>\n<style>\n" + std::string(kReportCss) + "</style>\n</head>\n<body>\n";
  page += "<div id=\"script-errors\" hidden></div>\n";
  page += header_html(view) + "\n";
  page += "<nav><a href=\"#dag-section\">graph</a> <a href=\"#timeline-section\">timeline</a> "
          "<a href=\"#charts-section\">signals</a> <a href=\"#expectations-section\">expectations</a> "
          "<a href=\"#metrics-section\">metrics</a> <a href=\"#postmortem-section\">post-mortem</a></nav>\n";
  page += dag_html(view, dag_svg) + "\n";
  page += "<section id=\"timeline-section\"><h2>Timeline</h2><p class=\"legend\">Simulated time; "
          "hover a bar or a mark for its detail (an action's reason). Marks closer than a pixel "
          "are merged; the hover lists them.</p><div class=\"timeline-wrap\">" +
          timeline_svg(view) + "</div></section>\n";
  page += "<section id=\"charts-section\"><h2>Golden signals</h2>";
  if (!view.has_series) {
    page += "<p class=\"missing\">No series.json in the run directory: no charts.</p>";
  } else {
    page += "<p class=\"legend\">The system (what users see at the entry services) and the "
            "services involved in faults, alerts, incidents and actions, most involved first";
    if (view.involved.size() > kMaxDefaultCharts) {
      page += " (the first " + std::to_string(kMaxDefaultCharts) + " of " +
              std::to_string(view.involved.size()) + ")";
    }
    page += ". Latency, error rate and saturation are each period's maximum, traffic its mean; "
            "dashed lines are the P0, P1 and P2 thresholds, shaded bands the faults.</p>";
  }
  page += "<div id=\"charts\"></div>";
  if (view.has_series) {
    page += "<p><label>Chart another service: <select id=\"chart-pick\"><option value=\"\">choose...</option>";
    std::vector<char> shown(view.services.size(), 0);
    for (size_t i = 0; i < view.involved.size() && i < kMaxDefaultCharts; ++i) shown[view.involved[i]] = 1;
    for (size_t k = 0; k < view.services.size(); ++k) {
      if (shown[k]) continue;
      page += "<option value=\"" + html_escape(view.services[k].id) + "\">" +
              html_escape(view.services[k].id) + "</option>";
    }
    page += "</select></label></p><div id=\"charts-on-demand\"></div>";
  }
  page += "</section>\n";
  page += expectations_html(o) + "\n" + metrics_html(o) + "\n" + postmortem_html(o) + "\n" +
          other_sections_html(o) + "\n";
  page += "<script type=\"application/json\" id=\"report-data\">" + script_json(chart_data(run, view)) +
          "</script>\n<script>\n" + std::string(kReportJs) + "</script>\n</body></html>\n";
  return page;
}

}  // namespace dreamsim::report
