// The gate's paired comparison of two procedures files, and its three
// renderings: gate.json, junit.xml and summary.md. Pure functions of the
// two sweeps' run records: the same runs give the same bytes.
//
// For every scenario the baseline and the candidate ran on the same seeds.
// Two kinds of check:
// - Expectations: an expectation that the baseline met on a seed and the
//   candidate broke on that seed fails the gate (the seeds are listed, with
//   the command that replays each). One the candidate newly meets is
//   reported as fixed.
// - Gated metrics (ctl::GateProcedures, from the baseline's procedures
//   file): per seed the difference d = candidate - baseline; the Wilcoxon
//   signed-rank test over the seeds (model/wilcoxon.hpp) and the
//   Hodges-Lehmann shift. A null value ("never": never detected, never
//   recovered; or no score) counts as the worst value in the metric's
//   direction, so a candidate that stops detecting is worse by an infinite
//   shift, and two nulls are no difference. Verdict per metric:
//     same          |shift| <= tolerance, where tolerance is
//                   max(tolerance, relative_tolerance x |baseline median|)
//     worse/better  |shift| > tolerance and p < alpha, in the bad/good direction
//     inconclusive  |shift| > tolerance but p >= alpha (more seeds would tell)
// Scenario verdict: worse when an expectation broke or a gated metric is
// worse; else inconclusive when a metric is; else better when a metric is;
// else same. The gate fails when a scenario is worse.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "controllers/procedures.hpp"
#include "reports/sweep_report.hpp"

namespace dreamsim::report {

inline constexpr const char* kGateFormat = "dreamsim.gate/1";

enum class Verdict { kSame, kBetter, kWorse, kInconclusive };
const char* to_string(Verdict v);

struct GateScenario {
  std::string name;
  std::string file;
  std::vector<RunRecord> baseline;   // seeds ascending
  std::vector<RunRecord> candidate;  // the same seeds
};

struct GateInput {
  std::string baseline_path;
  std::string baseline_hash;
  std::string candidate_path;
  std::string candidate_hash;
  uint64_t first_seed = 1;
  uint64_t last_seed = 1;
  ctl::GateProcedures gate;  // the baseline's
  bool candidate_gate_differs = false;
  std::vector<GateScenario> scenarios;
};

struct ExpectationCheck {
  std::string text;
  size_t baseline_passed = 0;
  size_t candidate_passed = 0;
  size_t runs = 0;
  std::vector<uint64_t> broken_seeds;  // baseline met, candidate did not
  std::vector<uint64_t> fixed_seeds;   // candidate met, baseline did not
};

struct MetricCheck {
  ctl::GatedMetric metric;
  size_t pairs = 0;           // seeds compared
  size_t zeros = 0;           // of which no difference
  size_t baseline_never = 0;  // null values
  size_t candidate_never = 0;
  double baseline_median = 0;  // infinite when most were null
  double candidate_median = 0;
  double shift = 0;      // Hodges-Lehmann, candidate - baseline
  double tolerance = 0;  // the effective one
  double p_value = 1;
  bool exact = true;
  size_t worse_seeds = 0;       // seeds on which the candidate is worse
  std::vector<uint64_t> worst;  // up to three seeds, the worst first
  Verdict verdict = Verdict::kSame;
};

struct ScenarioVerdict {
  std::string name;
  std::string file;
  Verdict verdict = Verdict::kSame;
  std::vector<ExpectationCheck> expectations;
  std::vector<MetricCheck> metrics;
  bool failed() const { return verdict == Verdict::kWorse; }
};

struct GateResult {
  GateInput input;  // without the run records
  std::vector<ScenarioVerdict> scenarios;
  size_t failed_scenarios = 0;
  bool passed() const { return failed_scenarios == 0; }
};

GateResult compare(GateInput input);

Json gate_json(const GateResult& result);
std::string junit_xml(const GateResult& result);
std::string summary_markdown(const GateResult& result);

// "dreamsim run FILE --seed N [--procedures P]".
std::string replay_command(const std::string& scenario_file, uint64_t seed,
                           const std::string& procedures_file);

}  // namespace dreamsim::report
