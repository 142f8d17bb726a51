#include "reports/sweep_report.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dreamsim::report {
namespace {

const Json& field(const Json& doc, const char* key, const char* where) {
  if (!doc.is_object() || !doc.contains(key)) {
    throw std::invalid_argument(std::string(where) + ": missing field '" + key + "'");
  }
  return doc[key];
}

// Nearest rank: the smallest value with at least q of the values at or
// below it. `percent` is an integer so that the rank is exact.
double nearest_rank(const std::vector<double>& sorted, uint64_t percent) {
  const uint64_t n = sorted.size();
  uint64_t rank = (percent * n + 99) / 100;  // ceil(percent * n / 100)
  if (rank < 1) rank = 1;
  return sorted[rank - 1];
}

bool is_seed(const Json& v) {
  return v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
}

double number_or_nan(const Json& v) { return v.is_number() ? v.get<double>() : std::nan(""); }

}  // namespace

Json rounded(double v) {
  if (!std::isfinite(v)) return nullptr;
  const double r = std::round(v * 1e6) / 1e6;
  if (std::abs(r) < 9.0e15 && r == std::floor(r)) return static_cast<int64_t>(r);
  return r;
}

bool expectations_passed(const Json& expectations) {
  if (!expectations.is_array()) return true;
  for (const Json& e : expectations) {
    // As model::expectations_passed: only a judged expectation that failed
    // fails the run; `reachable` ones (passed: null) are aggregated, not judged.
    if (!e.is_object()) return false;
    if (e.contains("passed") && e["passed"].is_boolean() && !e["passed"].get<bool>()) return false;
  }
  return true;
}

RunRecord run_record(const Json& outcome) {
  RunRecord r;
  const Json& seed = field(outcome, "seed", "outcome");
  if (!is_seed(seed)) throw std::invalid_argument("outcome: 'seed' is not a seed");
  r.seed = seed.get<uint64_t>();
  const Json& hash = field(outcome, "trace_hash", "outcome");
  if (!hash.is_string()) throw std::invalid_argument("outcome: 'trace_hash' is not a string");
  r.trace_hash = hash.get<std::string>();
  r.metrics = field(outcome, "metrics", "outcome");
  if (!r.metrics.is_object()) throw std::invalid_argument("outcome: 'metrics' is not an object");
  r.score = outcome.contains("score") ? outcome["score"] : Json(nullptr);
  r.expectations = Json::array();
  if (outcome.contains("expectations")) {
    for (const Json& e : outcome["expectations"]) {
      Json kept;
      kept["text"] = e.value("text", std::string());
      kept["passed"] = e.contains("passed") && e["passed"].is_boolean() ? e["passed"] : Json(nullptr);
      if (e.contains("reached")) kept["reached"] = e["reached"];
      kept["evidence"] = e.contains("evidence") ? e["evidence"] : Json(nullptr);
      r.expectations.push_back(std::move(kept));
    }
  }
  r.passed = expectations_passed(r.expectations);
  return r;
}

Json record_json(const RunRecord& record) {
  Json j;
  j["seed"] = record.seed;
  j["trace_hash"] = record.trace_hash;
  j["passed"] = record.passed;
  j["score"] = record.score;
  j["metrics"] = record.metrics;
  j["expectations"] = record.expectations;
  return j;
}

RunRecord record_from_json(const Json& entry) {
  RunRecord r;
  const Json& seed = field(entry, "seed", "run");
  if (!is_seed(seed)) throw std::invalid_argument("run: 'seed' is not a seed");
  r.seed = seed.get<uint64_t>();
  const Json& hash = field(entry, "trace_hash", "run");
  if (!hash.is_string()) throw std::invalid_argument("run: 'trace_hash' is not a string");
  r.trace_hash = hash.get<std::string>();
  const Json& passed = field(entry, "passed", "run");
  if (!passed.is_boolean()) throw std::invalid_argument("run: 'passed' is not a boolean");
  r.passed = passed.get<bool>();
  r.score = field(entry, "score", "run");
  r.metrics = field(entry, "metrics", "run");
  if (!r.metrics.is_object()) throw std::invalid_argument("run: 'metrics' is not an object");
  r.expectations = field(entry, "expectations", "run");
  if (!r.expectations.is_array()) {
    throw std::invalid_argument("run: 'expectations' is not a list");
  }
  return r;
}

Json metric_aggregate(const std::vector<double>& values) {
  std::vector<double> present;
  present.reserve(values.size());
  for (double v : values) {
    if (!std::isnan(v)) present.push_back(v);
  }
  Json j;
  j["n"] = present.size();
  if (present.empty()) {
    for (const char* k : {"mean", "p50", "p95", "min", "max"}) j[k] = nullptr;
    return j;
  }
  // The sum in seed order: the same order for any number of threads.
  double sum = 0;
  for (double v : present) sum += v;
  std::vector<double> sorted = present;
  std::sort(sorted.begin(), sorted.end());
  j["mean"] = rounded(sum / static_cast<double>(present.size()));
  j["p50"] = rounded(nearest_rank(sorted, 50));
  j["p95"] = rounded(nearest_rank(sorted, 95));
  j["min"] = rounded(sorted.front());
  j["max"] = rounded(sorted.back());
  return j;
}

namespace {

Json scenario_json(const ScenarioRuns& s) {
  Json j;
  j["name"] = s.name;
  j["file"] = s.file;
  size_t passed = 0;
  for (const RunRecord& r : s.runs) passed += r.passed ? 1 : 0;
  j["runs"] = s.runs.size();
  j["passed_runs"] = passed;
  j["pass_rate"] = s.runs.empty()
                       ? Json(nullptr)
                       : rounded(static_cast<double>(passed) / static_cast<double>(s.runs.size()));

  // Metric names in the order of the first run that has them.
  std::vector<std::string> names;
  for (const RunRecord& r : s.runs) {
    for (const auto& [name, value] : r.metrics.items()) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  Json metrics = Json::object();
  for (const std::string& name : names) {
    std::vector<double> values;
    values.reserve(s.runs.size());
    for (const RunRecord& r : s.runs) {
      values.push_back(r.metrics.contains(name) ? number_or_nan(r.metrics[name]) : std::nan(""));
    }
    metrics[name] = metric_aggregate(values);
  }
  std::vector<double> scores;
  for (const RunRecord& r : s.runs) scores.push_back(number_or_nan(r.score));
  metrics["score"] = metric_aggregate(scores);
  j["metrics"] = std::move(metrics);

  // Expectations by position: every run of a scenario has the scenario's
  // list, in the file's order.
  struct Tally {
    std::string text;
    size_t passed = 0;
    size_t runs = 0;
  };
  std::vector<Tally> tallies;
  for (const RunRecord& r : s.runs) {
    for (size_t i = 0; i < r.expectations.size(); ++i) {
      const Json& e = r.expectations[i];
      if (i == tallies.size()) tallies.push_back(Tally{e.value("text", std::string()), 0, 0});
      ++tallies[i].runs;
      // A `reachable` expectation (passed: null) counts when it was reached.
      const bool met = e.contains("passed") && e["passed"].is_boolean()
                           ? e["passed"].get<bool>()
                           : e.value("reached", false);
      if (met) ++tallies[i].passed;
    }
  }
  Json expectations = Json::array();
  for (const Tally& t : tallies) {
    Json e;
    e["text"] = t.text;
    e["passed"] = t.passed;
    e["runs"] = t.runs;
    e["pass_rate"] =
        rounded(static_cast<double>(t.passed) / static_cast<double>(std::max<size_t>(t.runs, 1)));
    expectations.push_back(std::move(e));
  }
  j["expectations"] = std::move(expectations);

  Json seeds = Json::array();
  for (const RunRecord& r : s.runs) seeds.push_back(record_json(r));
  j["seeds"] = std::move(seeds);
  return j;
}

}  // namespace

Json sweep_json(const SweepHeader& header, const std::vector<ScenarioRuns>& scenarios) {
  Json j;
  j["format"] = kSweepFormat;
  j["seeds"] = {{"first", header.first_seed}, {"last", header.last_seed}};
  if (header.shard) {
    j["shard"] = {{"index", header.shard->first}, {"count", header.shard->second}};
  } else {
    j["shard"] = nullptr;
  }
  j["procedures"] = header.procedures;
  size_t runs = 0;
  size_t passed = 0;
  for (const ScenarioRuns& s : scenarios) {
    runs += s.runs.size();
    for (const RunRecord& r : s.runs) passed += r.passed ? 1 : 0;
  }
  j["runs"] = runs;
  j["passed_runs"] = passed;
  j["failed_runs"] = runs - passed;
  Json list = Json::array();
  for (const ScenarioRuns& s : scenarios) list.push_back(scenario_json(s));
  j["scenarios"] = std::move(list);
  return j;
}

std::string sweep_text(const Json& sweep) { return sweep.dump(2) + "\n"; }

}  // namespace dreamsim::report
