// A run directory as the renderers see it: outcome.json and series.json read
// and checked, and everything the DAG, the timeline, the charts and the
// Perfetto trace share worked out once (the worst state of each service, the
// services involved, the swim lanes).
//
// Reports are pure functions of the run directory: nothing here reads the
// scenario, the procedures or the clock. Sections of outcome.json that a run
// lacks (a run without controllers has no incidents; deployments, recovery
// or expectations arrive with later controllers) are simply absent from the
// view; a section that is present but malformed is bad input, reported with
// the file and the field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/report_io.hpp"

namespace dreamsim::report {

// What `dreamsim run --out DIR` leaves in DIR.
struct RunDir {
  std::string dir;
  Json outcome;  // outcome.json
  Json series;   // series.json; null when the directory has none
};

// Reads DIR/outcome.json (required) and DIR/series.json (optional). Throws
// ReportInputError naming the file on a missing directory or outcome, or on
// a file that is not JSON or not of the expected format.
RunDir load_run_dir(const std::string& dir);

// The worst a service got during the run, from the golden-signal maxima
// against the alerting thresholds and from the alerts raised on it.
enum class State : uint8_t { kOk, kP2, kP1, kP0, kDown };
const char* to_string(State state);        // "ok", "P2", "P1", "P0", "down"
const char* state_colour(State state);     // fill colour, "#rrggbb"
const char* state_meaning(State state);    // a few words for legends

struct ServiceView {
  std::string id;
  std::string kind;  // "service", "database", "queue"; "" when unknown
  bool core = false;
  std::vector<size_t> depends_on;  // indices into RunView::services
  State worst = State::kOk;
  std::string worst_why;  // "error_rate max 1 >= P0 0.1", or "" when ok
  std::vector<std::string> faults;  // "crash", ... of faults that touched it
  bool on_critical_path = false;
  bool involved = false;
};

// A bar on a lane: [start_s, end_s]; `open` when it had not ended by the end
// of the run.
struct Interval {
  double start_s = 0;
  double end_s = 0;
  bool open = false;
  std::string label;   // short, drawn on the bar when it fits
  std::string detail;  // the hover text
  std::string cls;     // CSS class: "p0", "fault", "safe-mode", ...
};

// A mark on a lane at one time (an action, an alert firing).
struct Instant {
  double at_s = 0;
  std::string label;
  std::string detail;
  std::string cls;
};

struct Lane {
  std::string id;     // "faults", "alerts-P0", "actions-incident", ...
  std::string title;  // what the lane's label says
  std::vector<Interval> intervals;
  std::vector<Instant> instants;
};

struct Threshold {
  double p0 = 0, p1 = 0, p2 = 0;
};

struct RunView {
  std::string dir;
  std::string scenario;
  std::string description;
  std::string scenario_file;
  uint64_t seed = 0;
  std::string trace_hash;
  std::string procedures_path;
  std::string procedures_hash;
  Json score;                   // number or null
  std::optional<bool> passed;   // none: the run has no expectations
  size_t expectations = 0;
  size_t expectations_failed = 0;
  std::string replay;           // "" when series.json is absent
  double duration_s = 0;
  bool has_series = false;
  bool has_topology = false;    // dependency edges known (series.json)
  std::optional<Threshold> latency_p95_s, error_rate, saturation;
  std::vector<ServiceView> services;             // declaration order
  std::vector<size_t> critical_path;             // first to start ... last ready
  // Per entry of outcome.json's "faults": the services it touched, in id order.
  std::vector<std::vector<size_t>> fault_services;
  std::vector<size_t> involved;                  // charted by default, most involved first
  std::vector<Lane> lanes;                       // timeline, top to bottom
  std::vector<std::string> missing;              // what the report cannot show, and why
};

// Builds the view; throws ReportInputError on malformed input.
RunView build_view(const RunDir& run);

// At most this many services are charted by default (after the system
// chart); the others are charted on demand.
inline constexpr size_t kMaxDefaultCharts = 12;

// Field access with errors that name the file and the field.
const Json* member(const Json& object, const char* key);  // null when absent or null
double number_field(const Json& object, const char* key, const std::string& where);
std::optional<double> optional_number(const Json& object, const char* key,
                                      const std::string& where);
std::string string_field(const Json& object, const char* key, const std::string& where);

// "1h2m3.5s" for 3723.5 seconds; "0s" for 0.
std::string format_seconds(double s);

}  // namespace dreamsim::report
