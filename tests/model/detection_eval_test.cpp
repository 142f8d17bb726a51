// Detection scoring (model/detection_eval.hpp) on hand-made alert times,
// the detector scenarios of the library through model::Run (the detectors
// catch what static thresholds miss, and first), and `dreamsim eval`
// through the command line.
#include "model/detection_eval.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "model/expectations.hpp"
#include "model/run.hpp"
#include "model/scenario_loader.hpp"
#include "tests/model/cli_runner.hpp"

namespace dreamsim::model {
namespace {

namespace fs = std::filesystem;
constexpr int64_t kS = 1000000;
const fs::path kRoot = fs::path(DREAMSIM_SOURCE_DIR);

DetectionEvent event(int64_t start_s, int64_t end_s) {
  return DetectionEvent{start_s * kS, end_s * kS, "latency", {"api"}};
}

TEST(DetectionEval, NabSigmoidKnownValues) {
  EXPECT_NEAR(nab_sigmoid(-1.0), 0.98661, 1e-5);
  EXPECT_NEAR(nab_sigmoid(-0.5), 0.84828, 1e-5);
  EXPECT_DOUBLE_EQ(nab_sigmoid(0.0), 0.0);
  EXPECT_NEAR(nab_sigmoid(1.0), -0.98661, 1e-5);
  EXPECT_DOUBLE_EQ(nab_sigmoid(3.0), -1.0);
}

TEST(DetectionEval, EventLevelCountsDelayAndNab) {
  // One event [1000, 2000] s, grace 0 for round numbers; a run of one day.
  const std::vector<DetectionEvent> events = {event(1000, 2000)};
  const int64_t day = 86400 * kS;
  // At the first point: a perfect detection.
  SourceDetection at_start = score_source("x", events, {1000 * kS}, day, 0);
  EXPECT_EQ(at_start.detected, 1);
  EXPECT_DOUBLE_EQ(at_start.recall(), 1.0);
  EXPECT_DOUBLE_EQ(at_start.precision(), 1.0);
  ASSERT_EQ(at_start.delays_s.size(), 1u);
  EXPECT_DOUBLE_EQ(at_start.delays_s[0], 0.0);
  EXPECT_NEAR(at_start.nab[0], 100.0, 1e-9);
  // Nothing: the null detector scores 0, and recall 0.
  SourceDetection none = score_source("x", events, {}, day, 0);
  EXPECT_DOUBLE_EQ(none.recall(), 0.0);
  EXPECT_TRUE(std::isnan(none.precision()));
  EXPECT_NEAR(none.nab[0], 0.0, 1e-9);
  // Halfway through the window: y = -0.5, raw = s(-0.5) / s(-1).
  SourceDetection half = score_source("x", events, {1500 * kS, 1600 * kS}, day, 0);
  EXPECT_NEAR(half.nab_raw[0], nab_sigmoid(-0.5) / nab_sigmoid(-1.0), 1e-12);
  EXPECT_DOUBLE_EQ(half.delays_s[0], 500.0);
  EXPECT_EQ(half.true_alerts, 2);  // only the first counts for NAB, both are true
  // A false alert before any window costs A_FP; one per day.
  SourceDetection early = score_source("x", events, {10 * kS, 1000 * kS}, day, 0);
  EXPECT_EQ(early.false_alerts, 1);
  EXPECT_DOUBLE_EQ(early.false_alerts_per_day(), 1.0);
  EXPECT_DOUBLE_EQ(early.precision(), 0.5);
  EXPECT_NEAR(early.nab_raw[0], 1.0 - 0.11, 1e-12);
  EXPECT_NEAR(early.nab_raw[1], 1.0 - 0.22, 1e-12);  // reward_low_fp
  // A false alert one window-width after the window: A_FP x s(1).
  SourceDetection late = score_source("x", events, {1000 * kS, 3000 * kS}, day, 0);
  EXPECT_NEAR(late.nab_raw[0], 1.0 + 0.11 * nab_sigmoid(1.0), 1e-12);
}

TEST(DetectionEval, OverlappingFaultsMergeIntoOneEvent) {
  std::vector<FaultRecord> faults(3);
  faults[0].kind = FaultKind::kLatency;
  faults[0].target = "api";
  faults[0].took_effect = sim::Time::from_micros(100 * kS);
  faults[1].kind = FaultKind::kLatency;
  faults[1].target = "api";
  faults[1].took_effect = sim::Time::from_micros(200 * kS);
  faults[1].ended = sim::Time::from_micros(900 * kS);
  faults[2].kind = FaultKind::kMemoryLeak;
  faults[2].target = "db";
  faults[2].took_effect = sim::Time::from_micros(5000 * kS);
  faults[2].ended = sim::Time::from_micros(6000 * kS);
  faults[0].ended = sim::Time::from_micros(300 * kS);
  const std::vector<DetectionEvent> e = detection_events(faults, 10000 * kS);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].start_us, 100 * kS);
  EXPECT_EQ(e[0].end_us, 900 * kS);
  EXPECT_EQ(e[0].fault_class, "latency");
  EXPECT_EQ(e[1].fault_class, "memory_leak");
  EXPECT_EQ(e[1].targets, std::vector<std::string>{"db"});
}

// The first alert of a source in a finished run, or -1.
int64_t first_alert(const World& w, const std::string& source) {
  int64_t first = -1;
  for (const AlertRecord& a : w.alerts()) {
    if (a.source == source && (first < 0 || a.fired_at.us() < first)) first = a.fired_at.us();
  }
  return first;
}

class LibraryScenario : public ::testing::TestWithParam<const char*> {};

// The detectors find the fault, and static thresholds do not fire before
// them (latency creep: never; slow leak: hours later).
TEST_P(LibraryScenario, DetectorsCatchItBeforeStaticThresholds) {
  const LoadResult l = load_scenario((kRoot / "scenarios" / GetParam()).string());
  ASSERT_TRUE(l.ok()) << l.format();
  model::Run run(*l.scenario, l.scenario->procedures_loaded.value_or(ctl::Procedures{}), RunOptions{l.scenario->seed, true});
  run.execute();
  const int64_t detectors = first_alert(run.world(), "detectors");
  const int64_t alerting = first_alert(run.world(), "alerting");
  ASSERT_GE(detectors, 0);
  if (alerting >= 0) {
    EXPECT_LT(detectors, alerting);
  }
  const nlohmann::ordered_json out = run.outcome();
  const auto& det = out["detection"]["sources"]["detectors"];
  EXPECT_EQ(det["recall"], 1);
  EXPECT_EQ(det["false_alerts"], 0);
  EXPECT_TRUE(out["detectors"]["trained"].get<bool>());
  // Same scenario, same seed: the same bytes.
  model::Run again(*l.scenario, l.scenario->procedures_loaded.value_or(ctl::Procedures{}), RunOptions{l.scenario->seed, true});
  again.execute();
  EXPECT_EQ(run.trace_hash(), again.trace_hash());
}

INSTANTIATE_TEST_SUITE_P(Detectors, LibraryScenario,
                         ::testing::Values("library/slow-latency-creep.yaml",
                                           "library/slow-memory-leak.yaml"));

// The paging rules (scenarios/procedures/README.md, "When detectors page"),
// each through a library scenario run with the default procedures, and
// where the rule has a knob, with it switched off.
struct RuleRun {
  nlohmann::ordered_json outcome;
  std::vector<AlertRecord> detector_alerts;
};

RuleRun run_library(const char* name, uint64_t seed, const ctl::Procedures* procedures = nullptr) {
  const LoadResult l = load_scenario((kRoot / "scenarios" / "library" / name).string());
  EXPECT_TRUE(l.ok()) << l.format();
  const ctl::Procedures p =
      procedures != nullptr ? *procedures : l.scenario->procedures_loaded.value_or(ctl::Procedures{});
  model::Run run(*l.scenario, p, RunOptions{seed, true});
  run.execute();
  RuleRun r;
  r.outcome = run.outcome();
  for (const AlertRecord& a : run.world().alerts()) {
    if (a.source == "detectors") r.detector_alerts.push_back(a);
  }
  return r;
}

int64_t held(const RuleRun& r, const char* rule) {
  return r.outcome["detectors"]["held"][rule].get<int64_t>();
}

TEST(DetectorPagingRules, TheDefaultsSwitchTheDetectorsOn) {
  const ctl::Procedures p;
  EXPECT_TRUE(p.detectors.enabled);
  EXPECT_EQ(p.detectors.max_severity, 2);
  EXPECT_EQ(p.detectors.mode, ctl::DetectorMode::kHybrid);
}

// Rules 1 and 2 on the false-alert trap: 20-second error bursts and
// 30-second latency spikes on recs. Without persistence and with the
// seed's high -> P1 mapping the detectors page P1 on a flap (the failure
// that kept them off); P2-only without persistence still raises detector
// alerts, but none pages; with both rules (the defaults) no burst is long
// enough to page at all, and the rule says how many findings it held.
TEST(DetectorPagingRules, FlapsShorterThanPersistForNeverPage) {
  ctl::Procedures twitchy;
  twitchy.detectors.persist_for = 0;
  twitchy.detectors.max_severity = 1;
  // The seed's stack: the repertoire's costimulated activations are what
  // escalated to P1 (the hybrid's nearest-self findings page P2 here).
  twitchy.detectors.mode = ctl::DetectorMode::kFull;
  const RuleRun old_rules = run_library("flapping-dependency.yaml", 3, &twitchy);
  bool paged = false;
  for (const AlertRecord& a : old_rules.detector_alerts) paged = paged || a.severity == "P1";
  EXPECT_TRUE(paged) << "the trap no longer tests rule 1";
  EXPECT_FALSE(expectations_passed(old_rules.outcome));

  ctl::Procedures p2_only;
  p2_only.detectors.persist_for = 0;
  const RuleRun p2 = run_library("flapping-dependency.yaml", 3, &p2_only);
  EXPECT_FALSE(p2.detector_alerts.empty()) << "the trap no longer tests rule 2";
  for (const AlertRecord& a : p2.detector_alerts) EXPECT_EQ(a.severity, "P2") << a.signal;

  const RuleRun defaults = run_library("flapping-dependency.yaml", 3);
  EXPECT_TRUE(defaults.detector_alerts.empty());
  EXPECT_GT(held(defaults, "persistence"), 0);
  EXPECT_TRUE(expectations_passed(defaults.outcome));
}

// Rule 2 does not cost the creep: it pages P2, persist_for after the first
// finding, and never higher.
TEST(DetectorPagingRules, APersistentCreepPagesP2AfterPersistFor) {
  const RuleRun r = run_library("slow-latency-creep.yaml", 5);
  ASSERT_FALSE(r.detector_alerts.empty());
  for (const AlertRecord& a : r.detector_alerts) EXPECT_EQ(a.severity, "P2") << a.signal;
  const int64_t first = r.detector_alerts.front().fired_at.us();
  EXPECT_GE(first, 3600 * kS + ctl::DetectorProcedures{}.persist_for);
  EXPECT_LE(first, 3600 * kS + 600 * kS);
  EXPECT_GT(held(r, "persistence"), 0);
  EXPECT_TRUE(expectations_passed(r.outcome));
}

// A library run in which `rule` held the detectors' findings back: no
// detector alert, the rule counted some, every expectation met.
void expect_held_by(const char* scenario, uint64_t seed, const char* rule) {
  const RuleRun r = run_library(scenario, seed);
  EXPECT_TRUE(r.detector_alerts.empty()) << scenario;
  EXPECT_GT(held(r, rule), 0) << scenario;
  EXPECT_TRUE(expectations_passed(r.outcome)) << scenario;
}

// Rule 3: a deploy is a change the procedures know of. While it is in
// progress (and for quiet_after_change after) the slower version's signals
// are the deployment's and the golden signals' to judge: the detectors'
// findings are held, and nothing from the detectors pages.
TEST(DetectorPagingRules, NoDetectorPageDuringAKnownDeploy) {
  expect_held_by("standard-bad-deploy.yaml", 2, "change");
}

// Rule 4: while the golden-signal traffic-drop alert is open, the
// detectors' findings on the same symptom do not page a second time.
TEST(DetectorPagingRules, NoSecondPageForAnOpenGoldenSignalAlert) {
  expect_held_by("upstream-traffic-drop.yaml", 4, "golden_alert_open");
}

TEST(EvalCommand, WritesTheTableForEveryMethod) {
  const fs::path out = fs::path(::testing::TempDir()) / "dreamsim_eval_test";
  fs::remove_all(out);
  const cli_test::CommandResult ok = cli_test::run_dreamsim(
      "eval " + cli_test::quoted(kRoot / "scenarios" / "library" / "slow-latency-creep.yaml") +
      " --seeds 3..3 --out " + cli_test::quoted(out));
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const nlohmann::json j = nlohmann::json::parse(cli_test::read_text(out / "eval.json"));
  EXPECT_EQ(j["format"], "dreamsim.eval/1");
  ASSERT_EQ(j["rows"].size(), 6u);
  std::vector<std::string> methods;
  for (const auto& row : j["rows"]) methods.push_back(row["method"]);
  EXPECT_EQ(methods, (std::vector<std::string>{"static", "zscore", "cusum", "nearest_self",
                                               "hybrid", "full"}));
  // Static thresholds miss the creep; the hybrid and the full stack find it.
  EXPECT_EQ(j["rows"][0]["recall"], 0);
  EXPECT_EQ(j["rows"][4]["recall"], 1);
  EXPECT_EQ(j["rows"][5]["recall"], 1);
  ASSERT_EQ(j["verdicts"].size(), 1u);
  EXPECT_NE(cli_test::read_text(out / "eval.md").find("| slow-latency-creep | latency | full |"),
            std::string::npos);
  EXPECT_NE(ok.out.find("verdict"), std::string::npos);
}

// The changed call pattern of a compromised agent: only the methods that
// look at the whole vector (nearest-self, the hybrid, the full stack) see
// it; z-score and CUSUM cannot, and the verdict names a best method.
TEST(EvalCommand, OnlyTheMultivariateMethodsSeeAChangedCallPattern) {
  const fs::path out = fs::path(::testing::TempDir()) / "dreamsim_eval_calls";
  const cli_test::CommandResult ok = cli_test::run_dreamsim(
      "eval " +
      cli_test::quoted(kRoot / "scenarios" / "examples" / "compromised-agent-calls.yaml") +
      " --seeds 1..2 --out " + cli_test::quoted(out));
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  const nlohmann::json j = nlohmann::json::parse(cli_test::read_text(out / "eval.json"));
  ASSERT_EQ(j["rows"].size(), 6u);
  std::map<std::string, double> recall;
  for (const auto& row : j["rows"]) {
    EXPECT_EQ(row["class"], "agent_compromise");
    recall[row["method"].get<std::string>()] = row["recall"].is_null() ? 0.0 : row["recall"].get<double>();
  }
  EXPECT_EQ(recall["zscore"], 0.0);
  EXPECT_EQ(recall["cusum"], 0.0);
  EXPECT_EQ(recall["nearest_self"], 1.0);
  EXPECT_EQ(recall["hybrid"], 1.0);
  ASSERT_EQ(j["verdicts"].size(), 1u);
  EXPECT_FALSE(j["verdicts"][0]["best"].is_null());
}

TEST(EvalCommand, BadSeedsAreBadInput) {
  const cli_test::CommandResult r = cli_test::run_dreamsim(
      "eval " + cli_test::quoted(kRoot / "scenarios" / "library" / "slow-latency-creep.yaml") +
      " --seeds 5..2");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--seeds: 5..2: the first seed is after the last"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace dreamsim::model
