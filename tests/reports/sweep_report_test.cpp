// sweep.json from hand-made run records: the aggregates' known values, the
// null handling, expectations' pass rates, and the round trip of a record.
#include "reports/sweep_report.hpp"

#include <gtest/gtest.h>

namespace dreamsim::report {
namespace {

RunRecord record(uint64_t seed, Json ttd, bool passed, Json score = nullptr) {
  RunRecord r;
  r.seed = seed;
  r.trace_hash = "00000000000000" + std::to_string(10 + seed);
  r.metrics = Json::object();
  r.metrics["ttd_s"] = std::move(ttd);
  r.metrics["writes_lost"] = 0;
  r.score = std::move(score);
  r.expectations = Json::array();
  r.expectations.push_back({{"text", "P1 within 5m"}, {"passed", passed}, {"evidence", "x"}});
  r.expectations.push_back({{"text", "no writes lost"}, {"passed", true}, {"evidence", "0"}});
  r.passed = passed;
  return r;
}

TEST(SweepReport, AggregatesByNearestRank) {
  // 1..20: mean 10.5, p50 = the 10th value, p95 = the 19th.
  std::vector<double> v;
  for (int i = 20; i >= 1; --i) v.push_back(i);
  const Json a = metric_aggregate(v);
  EXPECT_EQ(a["n"], 20);
  EXPECT_EQ(a["mean"], 10.5);
  EXPECT_EQ(a["p50"], 10);
  EXPECT_EQ(a["p95"], 19);
  EXPECT_EQ(a["min"], 1);
  EXPECT_EQ(a["max"], 20);
  // NaN (a null in the outcome) is left out; three values: p50 the 2nd,
  // p95 the 3rd.
  const Json b = metric_aggregate({3, std::nan(""), 1, 2});
  EXPECT_EQ(b["n"], 3);
  EXPECT_EQ(b["mean"], 2);
  EXPECT_EQ(b["p50"], 2);
  EXPECT_EQ(b["p95"], 3);
  const Json none = metric_aggregate({std::nan("")});
  EXPECT_EQ(none["n"], 0);
  EXPECT_TRUE(none["mean"].is_null());
  // Rounded like outcome.json.
  EXPECT_EQ(metric_aggregate({1.0 / 3.0})["mean"], 0.333333);
}

TEST(SweepReport, DocumentCountsRunsAndExpectations) {
  ScenarioRuns s;
  s.name = "canary";
  s.file = "scenarios/canary.yaml";
  s.runs = {record(1, 30, true, 90), record(2, nullptr, false, 40), record(3, 50, true, 80)};
  SweepHeader h;
  h.first_seed = 1;
  h.last_seed = 3;
  const Json doc = sweep_json(h, {s});
  EXPECT_EQ(doc["format"], kSweepFormat);
  EXPECT_TRUE(doc["shard"].is_null());
  EXPECT_EQ(doc["runs"], 3);
  EXPECT_EQ(doc["failed_runs"], 1);
  const Json& sc = doc["scenarios"][0];
  EXPECT_EQ(sc["pass_rate"], 0.666667);
  EXPECT_EQ(sc["metrics"]["ttd_s"]["n"], 2);
  EXPECT_EQ(sc["metrics"]["ttd_s"]["mean"], 40);
  EXPECT_EQ(sc["metrics"]["score"]["mean"], 70);
  // Metric order: as in the outcome, the score last.
  std::vector<std::string> keys;
  for (const auto& [k, v] : sc["metrics"].items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"ttd_s", "writes_lost", "score"}));
  ASSERT_EQ(sc["expectations"].size(), 2u);
  EXPECT_EQ(sc["expectations"][0]["text"], "P1 within 5m");
  EXPECT_EQ(sc["expectations"][0]["passed"], 2);
  EXPECT_EQ(sc["expectations"][1]["pass_rate"], 1);
  // Each run's record survives the document.
  const RunRecord back = record_from_json(sc["seeds"][1]);
  EXPECT_EQ(record_json(back), record_json(s.runs[1]));
  EXPECT_THROW(record_from_json(Json{{"seed", 1}}), std::invalid_argument);
}

TEST(SweepReport, RunRecordFromAnOutcome) {
  Json outcome = {
      {"format", "dreamsim.outcome/1"},
      {"scenario", "x"},
      {"seed", 7},
      {"trace_hash", "0123456789abcdef"},
      {"metrics", {{"ttd_s", 12}}},
      {"expectations", Json::array({{{"text", "a"}, {"passed", true}, {"evidence", "e"}},
                                    {{"text", "b"}, {"passed", false}, {"evidence", "f"}}})},
      {"score", 55.5}};
  const RunRecord r = run_record(outcome);
  EXPECT_EQ(r.seed, 7u);
  EXPECT_FALSE(r.passed);
  EXPECT_EQ(r.score, 55.5);
  outcome["expectations"][1]["passed"] = true;
  EXPECT_TRUE(run_record(outcome).passed);
  outcome.erase("metrics");
  EXPECT_THROW(run_record(outcome), std::invalid_argument);
}

}  // namespace
}  // namespace dreamsim::report
