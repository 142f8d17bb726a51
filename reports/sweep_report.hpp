// sweep.json: what a sweep over many seeds produced, as a pure function of
// its runs' outcomes.
//
// A sweep runs every scenario on every seed of a range. Each run leaves an
// outcome.json (model/outcome.hpp); a sweep keeps from each the fields that
// sweeps compare (RunRecord: metrics, score, expectation results, trace
// hash) and adds, per scenario, aggregates over the seeds: for every metric
// the count of runs that have a value, the mean, the nearest-rank p50 and
// p95, the minimum and the maximum; for every expectation how many runs
// met it. Everything is computed in a fixed order (scenarios in the order
// given, seeds ascending, metrics in outcome order) and rounded like
// outcome.json, so the bytes depend only on the runs, never on how many
// threads or machines produced them: `dreamsim merge` rebuilds an unsharded
// sweep.json from shard outputs with this same function.
//
// The document ("dreamsim.sweep/1"):
//   {format, seeds {first, last}, shard {index, count} | null,
//    procedures {path, hash} | null, runs, passed_runs, failed_runs,
//    scenarios: [{name, file, runs, passed_runs, pass_rate,
//                 metrics {name: {n, mean, p50, p95, min, max}},
//                 expectations [{text, passed, runs, pass_rate}],
//                 seeds [{seed, trace_hash, passed, score, metrics,
//                         expectations [{text, passed, evidence}]}]}]}
// "score" is aggregated with the metrics under the name "score".
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dreamsim::report {

using Json = nlohmann::ordered_json;

inline constexpr const char* kSweepFormat = "dreamsim.sweep/1";

// One run as a sweep records it.
struct RunRecord {
  uint64_t seed = 0;
  std::string trace_hash;
  bool passed = true;  // every expectation met (none: passed)
  Json score;          // a number, or null
  Json metrics;        // {name: number | null}, in outcome order
  Json expectations;   // [{text, passed, evidence}]
};

// The record of one outcome.json document. Throws std::invalid_argument
// naming the field when the document lacks one a sweep needs.
RunRecord run_record(const Json& outcome);

// The record as it appears in sweep.json's "seeds", and back. from_json
// throws std::invalid_argument naming the field on a malformed entry.
Json record_json(const RunRecord& record);
RunRecord record_from_json(const Json& entry);

// Whether a run passed: every entry of outcome["expectations"] has
// passed == true.
bool expectations_passed(const Json& expectations);

struct ScenarioRuns {
  std::string name;
  std::string file;             // as given on the command line
  std::vector<RunRecord> runs;  // seeds ascending
};

struct SweepHeader {
  uint64_t first_seed = 1;
  uint64_t last_seed = 1;
  std::optional<std::pair<uint64_t, uint64_t>> shard;  // (index 1..count, count)
  Json procedures;                                     // {path, hash}, or null: each scenario's own
};

// Aggregates of one metric over runs: null values are skipped (n counts the
// others); every statistic is null when n is 0.
Json metric_aggregate(const std::vector<double>& values);

// The whole sweep.json document.
Json sweep_json(const SweepHeader& header, const std::vector<ScenarioRuns>& scenarios);

// The document as written to disk: two-space indentation, final newline.
std::string sweep_text(const Json& sweep);

// Numbers as outcome.json prints them: six decimals, whole values as
// integers, non-finite values as null.
Json rounded(double v);

}  // namespace dreamsim::report
