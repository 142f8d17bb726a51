// Detection scoring: how well each alert source (alerting, detectors,
// resilience) found the faults of a run, against the ground truth only the
// simulation knows: when each fault was in effect. The controllers never see
// this; it is computed after the run, for outcome.json's `detection` section
// and for `dreamsim eval`.
//
// Events. Each fault that took effect is in effect over [took effect, ended]
// (ended = its scheduled end, the moment a controller cleared it, or the end
// of the run). Overlapping intervals are merged into one event, so that a
// staircase of small faults counts once; an event's class is the kinds of
// its faults ("latency", "memory_leak", "latency+errors").
//
// Event level, not point level (research notes, section 1.8): an event is
// detected when an alert of the source fires within [start, end + grace];
// an alert that falls in no event's [start, end + grace] is a false alert.
//   recall     = detected events / events
//   precision  = alerts inside some event / alerts
//   delay      = first alert in the event - event start, per detected event
//   false alerts per day = false alerts / simulated days
// NAB score (Lavin and Ahmad 2015), with the windows above, in continuous
// time: an alert at t in a window [L, R] scores A_TP x s(-(R - t)/(R - L)) /
// s(-1) for the first alert of the window only (the earliest point scores
// A_TP); a window without one scores -A_FN; an alert after window j scores
// A_FP x s((t - R_j) / (R_j - L_j)), before every window -A_FP; with
// s(y) = 2 / (1 + e^(5y)) - 1. Normalised: 100 x (raw - null) / (perfect -
// null), null = -A_FN x windows (never alarm), perfect = A_TP x windows.
// Profiles: standard (1, 1, 0.11), reward_low_FP (1, 1, 0.22),
// reward_low_FN (1, 2, 0.11) for (A_TP, A_FN, A_FP). No probation period and
// no threshold re-optimisation: each source is scored with the thresholds
// of the procedures file it ran with.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/world.hpp"

namespace dreamsim::model {

// A fault's alerts may come this long after it ended (the alert window and
// its hysteresis); as the grace of ControllerHost's false_alerts.
inline constexpr int64_t kDetectionGraceUs = 15LL * 60 * 1000000;

struct DetectionEvent {
  int64_t start_us = 0;
  int64_t end_us = 0;
  std::string fault_class;  // kinds joined by '+', in order of first appearance
  std::vector<std::string> targets;
};

struct NabProfile {
  const char* name;
  double a_tp;
  double a_fn;
  double a_fp;
};
inline constexpr NabProfile kNabProfiles[] = {
    {"standard", 1.0, 1.0, 0.11},
    {"reward_low_fp", 1.0, 1.0, 0.22},
    {"reward_low_fn", 1.0, 2.0, 0.11},
};

// The scaled sigmoid of NAB: 2 / (1 + e^(5y)) - 1 (and -1 for y >= 3).
double nab_sigmoid(double y);

struct SourceDetection {
  std::string source;
  int alerts = 0;
  int true_alerts = 0;
  int false_alerts = 0;
  int events = 0;
  int detected = 0;
  std::vector<double> delays_s;  // per detected event, in event order
  double days = 0.0;
  double nab[3] = {0, 0, 0};     // normalised, per kNabProfiles; NaN without events
  double nab_raw[3] = {0, 0, 0};

  double recall() const;     // NaN without events
  double precision() const;  // NaN without alerts
  double false_alerts_per_day() const;
};

// The merged events of a run.
std::vector<DetectionEvent> detection_events(const std::vector<FaultRecord>& faults,
                                             int64_t run_end_us);

// Scores alert firing times (any order) against the events.
SourceDetection score_source(const std::string& source, const std::vector<DetectionEvent>& events,
                             std::vector<int64_t> fired_us, int64_t run_end_us,
                             int64_t grace_us = kDetectionGraceUs);

// Every source of a finished run: alerting, detectors and resilience always
// (in that order), then any other source that alerted, by name.
std::vector<SourceDetection> score_run(const World& world);

// outcome.json's `detection` section.
nlohmann::ordered_json detection_json(const World& world);

double median_of(std::vector<double> v);            // NaN when empty
double quantile_of(std::vector<double> v, double q);  // nearest rank; NaN when empty

}  // namespace dreamsim::model
