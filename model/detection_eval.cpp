#include "model/detection_eval.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace dreamsim::model {
namespace {

using Json = nlohmann::ordered_json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDayUs = 86400.0 * 1e6;

Json number_or_null(double v, double scale = 1e6) {
  if (!std::isfinite(v)) return Json(nullptr);
  const double r = std::round(v * scale) / scale;
  if (r == std::floor(r) && std::fabs(r) < 1e15) return Json(static_cast<int64_t>(r));
  return Json(r);
}

}  // namespace

double nab_sigmoid(double y) {
  if (y >= 3.0) return -1.0;
  return 2.0 / (1.0 + std::exp(5.0 * y)) - 1.0;
}

double SourceDetection::recall() const {
  return events > 0 ? static_cast<double>(detected) / events : kNaN;
}
double SourceDetection::precision() const {
  return alerts > 0 ? static_cast<double>(true_alerts) / alerts : kNaN;
}
double SourceDetection::false_alerts_per_day() const {
  return days > 0.0 ? false_alerts / days : kNaN;
}

double median_of(std::vector<double> v) { return quantile_of(std::move(v), 0.5); }

double quantile_of(std::vector<double> v, double q) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

std::vector<DetectionEvent> detection_events(const std::vector<FaultRecord>& faults,
                                             int64_t run_end_us) {
  struct Span {
    int64_t start, end;
    const FaultRecord* fault;
  };
  std::vector<Span> spans;
  for (const FaultRecord& f : faults) {
    if (!f.took_effect) continue;
    const int64_t start = f.took_effect->us();
    const int64_t end = f.ended ? f.ended->us() : run_end_us;
    spans.push_back({start, std::max(start, std::min(end, run_end_us)), &f});
  }
  std::stable_sort(spans.begin(), spans.end(),
                   [](const Span& a, const Span& b) { return a.start < b.start; });
  std::vector<DetectionEvent> out;
  for (const Span& s : spans) {
    if (out.empty() || s.start > out.back().end_us) {
      out.push_back(DetectionEvent{s.start, s.end, {}, {}});
    }
    DetectionEvent& e = out.back();
    e.end_us = std::max(e.end_us, s.end);
    const std::string kind = to_string(s.fault->kind);
    if (e.fault_class.empty()) {
      e.fault_class = kind;
    } else if (("+" + e.fault_class + "+").find("+" + kind + "+") == std::string::npos) {
      e.fault_class += "+" + kind;
    }
    if (std::find(e.targets.begin(), e.targets.end(), s.fault->target) == e.targets.end()) {
      e.targets.push_back(s.fault->target);
    }
  }
  return out;
}

SourceDetection score_source(const std::string& source, const std::vector<DetectionEvent>& events,
                             std::vector<int64_t> fired_us, int64_t run_end_us,
                             int64_t grace_us) {
  std::sort(fired_us.begin(), fired_us.end());
  SourceDetection r;
  r.source = source;
  r.alerts = static_cast<int>(fired_us.size());
  r.events = static_cast<int>(events.size());
  r.days = static_cast<double>(run_end_us) / kDayUs;
  const size_t n = events.size();
  std::vector<int64_t> first(n, -1);
  // Each alert: the first window it falls in (windows may overlap through
  // their grace; the earlier event takes it).
  std::vector<int> window_of(fired_us.size(), -1);
  for (size_t a = 0; a < fired_us.size(); ++a) {
    const int64_t t = fired_us[a];
    for (size_t e = 0; e < n; ++e) {
      if (t >= events[e].start_us && t <= events[e].end_us + grace_us) {
        window_of[a] = static_cast<int>(e);
        break;
      }
    }
    if (window_of[a] < 0) {
      ++r.false_alerts;
      continue;
    }
    ++r.true_alerts;
    const auto e = static_cast<size_t>(window_of[a]);
    if (first[e] < 0) first[e] = t;
  }
  for (size_t e = 0; e < n; ++e) {
    if (first[e] < 0) continue;
    ++r.detected;
    r.delays_s.push_back(static_cast<double>(first[e] - events[e].start_us) / 1e6);
  }
  for (size_t p = 0; p < std::size(kNabProfiles); ++p) {
    const NabProfile& prof = kNabProfiles[p];
    double raw = 0.0;
    for (size_t e = 0; e < n; ++e) {
      if (first[e] < 0) {
        raw -= prof.a_fn;
        continue;
      }
      const double left = static_cast<double>(events[e].start_us);
      const double right = static_cast<double>(events[e].end_us + grace_us);
      const double width = std::max(1.0, right - left);
      const double y = -(right - static_cast<double>(first[e])) / width;
      raw += prof.a_tp * nab_sigmoid(y) / nab_sigmoid(-1.0);
    }
    for (size_t a = 0; a < fired_us.size(); ++a) {
      if (window_of[a] >= 0) continue;
      const int64_t t = fired_us[a];
      // The last window that ended before t.
      int prev = -1;
      for (size_t e = 0; e < n; ++e) {
        if (events[e].end_us + grace_us < t) prev = static_cast<int>(e);
      }
      if (prev < 0) {
        raw -= prof.a_fp;
        continue;
      }
      const DetectionEvent& w = events[static_cast<size_t>(prev)];
      const double right = static_cast<double>(w.end_us + grace_us);
      const double width = std::max(1.0, right - static_cast<double>(w.start_us));
      raw += prof.a_fp * nab_sigmoid((static_cast<double>(t) - right) / width);
    }
    r.nab_raw[p] = raw;
    const double null_score = -prof.a_fn * static_cast<double>(n);
    const double perfect = prof.a_tp * static_cast<double>(n);
    r.nab[p] = n > 0 ? 100.0 * (raw - null_score) / (perfect - null_score) : kNaN;
  }
  return r;
}

std::vector<SourceDetection> score_run(const World& world) {
  const int64_t end_us = world.end().us();
  const std::vector<DetectionEvent> events = detection_events(world.faults(), end_us);
  std::map<std::string, std::vector<int64_t>> by_source;
  for (const char* s : {"alerting", "detectors", "resilience"}) by_source[s];
  for (const AlertRecord& a : world.alerts()) by_source[a.source].push_back(a.fired_at.us());
  std::vector<SourceDetection> out;
  for (const char* s : {"alerting", "detectors", "resilience"}) {
    out.push_back(score_source(s, events, by_source[s], end_us));
  }
  for (const auto& [name, fired] : by_source) {
    if (name == "alerting" || name == "detectors" || name == "resilience") continue;
    out.push_back(score_source(name, events, fired, end_us));
  }
  return out;
}

Json detection_json(const World& world) {
  const int64_t end_us = world.end().us();
  Json j;
  j["grace_s"] = kDetectionGraceUs / 1000000;
  Json events = Json::array();
  for (const DetectionEvent& e : detection_events(world.faults(), end_us)) {
    events.push_back(Json{{"class", e.fault_class},
                          {"targets", e.targets},
                          {"start_s", number_or_null(static_cast<double>(e.start_us) / 1e6)},
                          {"end_s", number_or_null(static_cast<double>(e.end_us) / 1e6)}});
  }
  j["events"] = std::move(events);
  Json sources;
  for (const SourceDetection& s : score_run(world)) {
    Json x;
    x["alerts"] = s.alerts;
    x["false_alerts"] = s.false_alerts;
    x["events"] = s.events;
    x["detected"] = s.detected;
    x["precision"] = number_or_null(s.precision());
    x["recall"] = number_or_null(s.recall());
    x["delay_s"] = Json::array();
    for (double d : s.delays_s) x["delay_s"].push_back(number_or_null(d));
    x["false_alerts_per_day"] = number_or_null(s.false_alerts_per_day());
    Json nab;
    for (size_t p = 0; p < std::size(kNabProfiles); ++p) {
      nab[kNabProfiles[p].name] = number_or_null(s.nab[p]);
    }
    x["nab"] = std::move(nab);
    sources[s.source] = std::move(x);
  }
  j["sources"] = std::move(sources);
  return j;
}

}  // namespace dreamsim::model
