// series.json: what the reports need of a run beyond outcome.json, written by
// `dreamsim run --out` next to it.
//
// outcome.json is the run's verdict and stays small; the reports also need
// the shape of the world (the dependency graph, which services are core, the
// start-up critical path, what each fault touched), the alerting thresholds
// the run was held to, and the golden signals over time. Those are here, so
// that every report is a pure function of the run directory and never runs
// or loads the scenario again.
//
// The document ("dreamsim.series/1"):
//   {format, scenario {name, description, file, seed, duration_s, tick_s,
//                      startup},
//    controllers, procedures {path, hash}, replay,
//    thresholds {latency_p95_s|error_rate|saturation|traffic_drop:
//                {P0, P1, P2}},
//    services [{id, kind, core, module, replicas, startup_s, depends_on [id]}],
//    data_stores [{id, service}],
//    critical_path {services [id], total_s},
//    fault_scopes [{all, services [id]}]        one per outcome "faults" entry,
//    series {period_s, points, signals [{name, stat}],
//            system [[value]], services [[[value]]]}}
//
// Series are the world's roll-ups (model/golden_signals.hpp) merged further
// to at most kSeriesPoints points: point p covers
// [p x period_s, (p + 1) x period_s). Each signal keeps the statistic that a
// chart of it should show: the maximum for latency p95, error rate and
// saturation (a short spike must not vanish into a mean), the mean for
// traffic. Values carry four significant digits; a point with no value is
// null. For a thousand services over seven days the file is some 15 MB; the
// HTML report embeds a coarser copy.
#pragma once

#include <cstddef>
#include <string>

#include "model/run.hpp"
#include "reports/report_io.hpp"

namespace dreamsim::report {

inline constexpr const char* kSeriesFormat = "dreamsim.series/1";
inline constexpr size_t kSeriesPoints = 500;

// The signals in series.json, in this order.
struct SeriesSignal {
  const char* name;  // "latency_p95_s", ...
  const char* stat;  // "max" or "mean"
};
inline constexpr SeriesSignal kSeriesSignals[] = {
    {"latency_p95_s", "max"},  {"error_rate", "max"},        {"traffic_rps", "mean"},
    {"saturation_cpu", "max"}, {"saturation_memory", "max"},
};
inline constexpr size_t kSeriesSignalCount = sizeof(kSeriesSignals) / sizeof(kSeriesSignals[0]);

// `v` rounded to `digits` significant digits, exactly as a decimal literal of
// that many digits would parse (so the JSON text is short); null when not
// finite.
Json significant(double v, int digits);

// "dreamsim run FILE --seed N [--procedures P] [--no-controllers]", with
// paths quoted for a POSIX shell when they need it.
std::string replay_command_for(const std::string& scenario_file, uint64_t seed,
                               const std::string& procedures_file, bool controllers);

// The series.json document of an executed run.
Json series_json(const model::Run& run);

// Writes DIR/series.json atomically; returns "" or the error.
std::string write_series(const std::string& dir, const Json& series);

}  // namespace dreamsim::report
