// The gate's verdicts on hand-made run records: a candidate that never
// detects, a broken expectation, a shift within tolerance, too few seeds,
// a lower score, a better candidate; and what the renderings say.
#include "reports/gate_report.hpp"

#include <gtest/gtest.h>

namespace dreamsim::report {
namespace {

RunRecord run(uint64_t seed, Json ttd, Json score = 80, bool met = true) {
  RunRecord r;
  r.seed = seed;
  r.trace_hash = "0000000000000000";
  r.metrics = {{"ttd_s", std::move(ttd)}, {"writes_lost", 0}};
  r.score = std::move(score);
  r.expectations = Json::array(
      {{{"text", "P1 latency alert on api within 5m"}, {"passed", met}, {"evidence", "..."}}});
  r.passed = met;
  return r;
}

GateInput input_with(const std::vector<RunRecord>& base, const std::vector<RunRecord>& cand) {
  GateInput in;
  in.baseline_path = "base.yaml";
  in.baseline_hash = "1111111111111111";
  in.candidate_path = "cand.yaml";
  in.candidate_hash = "2222222222222222";
  in.first_seed = base.front().seed;
  in.last_seed = base.back().seed;
  in.gate.metrics = {
      {"ttd_s", false, 10.0, 0.1}, {"writes_lost", false, 0, 0}, {"score", true, 1.0, 0.0}};
  in.scenarios.push_back(GateScenario{"canary", "lib/canary.yaml", base, cand});
  return in;
}

const MetricCheck& metric(const GateResult& r, const std::string& name) {
  for (const MetricCheck& m : r.scenarios[0].metrics) {
    if (m.metric.name == name) return m;
  }
  throw std::logic_error("no metric " + name);
}

TEST(GateReport, NeverDetectingIsWorse) {
  std::vector<RunRecord> base, cand;
  for (uint64_t s = 1; s <= 8; ++s) {
    base.push_back(run(s, 30 + static_cast<int>(s)));
    cand.push_back(run(s, nullptr));
  }
  const GateResult r = compare(input_with(base, cand));
  const MetricCheck& ttd = metric(r, "ttd_s");
  EXPECT_EQ(ttd.verdict, Verdict::kWorse);
  EXPECT_EQ(ttd.candidate_never, 8u);
  EXPECT_TRUE(std::isinf(ttd.shift));
  EXPECT_DOUBLE_EQ(ttd.p_value, 2.0 / 256.0);  // exact, all 8 worse
  EXPECT_EQ(ttd.worse_seeds, 8u);
  EXPECT_EQ(metric(r, "writes_lost").verdict, Verdict::kSame);
  EXPECT_EQ(r.scenarios[0].verdict, Verdict::kWorse);
  EXPECT_FALSE(r.passed());
  const std::string junit = junit_xml(r);
  EXPECT_NE(junit.find("tests=\"4\" failures=\"1\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("ttd_s is worse with the candidate (lower is better): median 34 s -&gt; "
                       "never"),
            std::string::npos)
      << junit;
  EXPECT_NE(junit.find("replay: dreamsim run lib/canary.yaml --seed 1 --procedures cand.yaml "
                       "(baseline: dreamsim run lib/canary.yaml --seed 1 --procedures base.yaml)"),
            std::string::npos)
      << junit;
  const std::string md = summary_markdown(r);
  EXPECT_NE(md.find("## dreamsim gate: FAILED"), std::string::npos) << md;
  EXPECT_NE(
      md.find("| canary | **worse** | 1/1 kept | ttd_s 34 s -> never (**worse**, p 0.00781) |"),
      std::string::npos)
      << md;
  const Json j = gate_json(r);
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["scenarios"][0]["metrics"][0]["shift"], "inf");
  EXPECT_TRUE(j["scenarios"][0]["metrics"][0]["candidate_median"].is_null());
  EXPECT_EQ(j["scenarios"][0]["metrics"][0]["candidate_never"], 8);
}

TEST(GateReport, BrokenExpectationNamesSeedsAndReplay) {
  std::vector<RunRecord> base, cand;
  for (uint64_t s = 1; s <= 6; ++s) {
    base.push_back(run(s, 30));
    cand.push_back(run(s, 30, 80, s != 2 && s != 5));
  }
  const GateResult r = compare(input_with(base, cand));
  EXPECT_EQ(r.scenarios[0].verdict, Verdict::kWorse);
  ASSERT_EQ(r.scenarios[0].expectations.size(), 1u);
  EXPECT_EQ(r.scenarios[0].expectations[0].broken_seeds, (std::vector<uint64_t>{2, 5}));
  const std::string junit = junit_xml(r);
  EXPECT_NE(junit.find("expectation &apos;P1 latency alert on api within 5m&apos; was met by the "
                       "baseline but broken by the candidate on 2 of 6 seeds: 2, 5; replay: "
                       "dreamsim run lib/canary.yaml --seed 2 --procedures cand.yaml"),
            std::string::npos)
      << junit;
  // A seed the candidate fixes is not a failure.
  std::swap(base, cand);
  const GateResult fixed = compare(input_with(base, cand));
  EXPECT_TRUE(fixed.passed());
  EXPECT_EQ(fixed.scenarios[0].expectations[0].fixed_seeds, (std::vector<uint64_t>{2, 5}));
}

TEST(GateReport, ShiftWithinToleranceIsSame) {
  std::vector<RunRecord> base, cand;
  for (uint64_t s = 1; s <= 10; ++s) {
    base.push_back(run(s, 100));
    cand.push_back(run(s, 108));  // +8 s: significant, but within max(10 s, 10 %)
  }
  const GateResult r = compare(input_with(base, cand));
  const MetricCheck& ttd = metric(r, "ttd_s");
  EXPECT_LT(ttd.p_value, 0.05);
  EXPECT_DOUBLE_EQ(ttd.shift, 8);
  EXPECT_DOUBLE_EQ(ttd.tolerance, 10);
  EXPECT_EQ(ttd.verdict, Verdict::kSame);
  EXPECT_TRUE(r.passed());
}

TEST(GateReport, TooFewSeedsIsInconclusive) {
  std::vector<RunRecord> base, cand;
  for (uint64_t s = 1; s <= 4; ++s) {
    base.push_back(run(s, 30));
    cand.push_back(run(s, 300));  // far worse, but 4 seeds cannot reach p < 0.05
  }
  const GateResult r = compare(input_with(base, cand));
  EXPECT_EQ(metric(r, "ttd_s").verdict, Verdict::kInconclusive);
  EXPECT_EQ(r.scenarios[0].verdict, Verdict::kInconclusive);
  EXPECT_TRUE(r.passed());
  EXPECT_NE(junit_xml(r).find("<system-out>ttd_s is inconclusive"), std::string::npos);
}

TEST(GateReport, LowerScoreIsWorseAndFasterDetectionBetter) {
  std::vector<RunRecord> base, cand;
  for (uint64_t s = 1; s <= 8; ++s) {
    base.push_back(run(s, 100 + static_cast<int>(s), 80));
    cand.push_back(run(s, 40 + static_cast<int>(s), 75 - static_cast<int>(s) % 2));
  }
  const GateResult r = compare(input_with(base, cand));
  EXPECT_EQ(metric(r, "ttd_s").verdict, Verdict::kBetter);
  EXPECT_EQ(metric(r, "score").verdict, Verdict::kWorse);
  EXPECT_EQ(r.scenarios[0].verdict, Verdict::kWorse);
  for (size_t i = 0; i < base.size(); ++i) cand[i].score = 80;
  const GateResult better = compare(input_with(base, cand));
  EXPECT_EQ(better.scenarios[0].verdict, Verdict::kBetter);
  EXPECT_TRUE(better.passed());
}

TEST(GateReport, XmlIsEscaped) {
  std::vector<RunRecord> base, cand;
  for (uint64_t s = 1; s <= 6; ++s) {
    base.push_back(run(s, 30));
    cand.push_back(run(s, 30, 80, false));
    base.back().expectations[0]["text"] = "p95 < 2s & \"no\" <alerts>";
    cand.back().expectations[0]["text"] = "p95 < 2s & \"no\" <alerts>";
  }
  const std::string junit = junit_xml(compare(input_with(base, cand)));
  EXPECT_NE(junit.find("name=\"expectation: p95 &lt; 2s &amp; &quot;no&quot; &lt;alerts&gt;\""),
            std::string::npos)
      << junit;
  EXPECT_EQ(junit.find("<alerts>"), std::string::npos);
}

}  // namespace
}  // namespace dreamsim::report
