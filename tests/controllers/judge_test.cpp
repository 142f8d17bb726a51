// The canary judge against hand-computed Mann-Whitney U values and p-values,
// and its classification rules (data validation, tolerance, critical
// metrics, score thresholds).
#include "controllers/judge.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace dreamsim::ctl {
namespace {

// U of {4, 5, 6} against {1, 2, 3}: every one of the 9 pairs has the first
// larger, U = 9. Of the C(6, 3) = 20 equally likely rank sets only one gives
// U = 9, so P(U >= 9) = 1/20 exactly.
TEST(MannWhitney, ExactSeparatedSamples) {
  const MannWhitney r = mann_whitney({4, 5, 6}, {1, 2, 3}, Alternative::kGreater);
  EXPECT_DOUBLE_EQ(r.u, 9.0);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.p_value, 0.05);
  const MannWhitney two = mann_whitney({4, 5, 6}, {1, 2, 3}, Alternative::kTwoSided);
  EXPECT_DOUBLE_EQ(two.p_value, 0.10);
  const MannWhitney less = mann_whitney({4, 5, 6}, {1, 2, 3}, Alternative::kLess);
  EXPECT_DOUBLE_EQ(less.p_value, 1.0);
}

// {3.5, 7, 8} against {1..6}: 3.5 beats 3, 7 and 8 beat 6 each: U = 15 of
// 18. P(U >= 15) = P(U <= 3) by symmetry = partitions of 0..3 into at most 3
// parts of at most 6: 1 + 1 + 2 + 3 = 7 of C(9, 3) = 84.
TEST(MannWhitney, ExactUnequalSizes) {
  const MannWhitney r = mann_whitney({3.5, 7, 8}, {1, 2, 3, 4, 5, 6}, Alternative::kGreater);
  EXPECT_DOUBLE_EQ(r.u, 15.0);
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.p_value, 7.0 / 84.0, 1e-12);
}

// Ties: {1, 2, 2, 3} against {2, 3, 4}. Joint ranks: 1 -> 1; the three 2s ->
// 3; the two 3s -> 5.5; 4 -> 7. R = 1 + 3 + 3 + 5.5 = 12.5, U = 12.5 - 10 =
// 2.5. Mean 6; tie term (27 - 3) + (8 - 2) = 30; variance 12/12 x (8 -
// 30/42) = 7.285714; z = (2.5 - 6 + 0.5) / 2.699206 = -1.111438;
// P(Z <= z) = 0.133190.
TEST(MannWhitney, TiesUseTheNormalApproximationWithTieCorrection) {
  const MannWhitney r = mann_whitney({1, 2, 2, 3}, {2, 3, 4}, Alternative::kLess);
  EXPECT_DOUBLE_EQ(r.u, 2.5);
  EXPECT_FALSE(r.exact);
  EXPECT_NEAR(r.z, -1.1114378604524227, 1e-12);
  EXPECT_NEAR(r.p_value, 0.1331899616712413, 1e-12);
}

// Sparse error rates, mostly zeros: canary 8 zeros, 0.25, 0.5, 0.5, 1;
// baseline 11 zeros and one 0.5. U = 8 x 5.5 + 11 + 2 x 11.5 + 12 = 90.
// Tie term (19^3 - 19) + (3^3 - 3) = 6864; variance 144/12 x (25 - 6864/552)
// = 150.7826; z = (90 - 72 - 0.5) / 12.27936 = 1.425156; p = 0.077056.
TEST(MannWhitney, ManyTiesAtZero) {
  const std::vector<double> canary = {0, 0, 0, 0, 0, 0, 0.5, 0.5, 1, 0, 0, 0.25};
  const std::vector<double> baseline = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, 0};
  const MannWhitney r = mann_whitney(canary, baseline, Alternative::kGreater);
  EXPECT_DOUBLE_EQ(r.u, 90.0);
  EXPECT_NEAR(r.z, 1.4251560549124147, 1e-12);
  EXPECT_NEAR(r.p_value, 0.07705604805660282, 1e-12);
}

TEST(MannWhitney, AllEqualHasNoEvidence) {
  const MannWhitney r = mann_whitney({1, 1, 1}, {1, 1, 1, 1}, Alternative::kGreater);
  EXPECT_DOUBLE_EQ(r.u, 6.0);
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
}

// A deterministic spread of n values around `centre`: centre x (0.5 .. 1.5).
std::vector<double> spread(double centre, size_t n, double phase = 0.0) {
  std::vector<double> out;
  for (size_t i = 0; i < n; ++i) {
    const double f = std::fmod(static_cast<double>(i) * 0.618033988749895 + phase, 1.0);
    out.push_back(centre * (0.5 + f));
  }
  return out;
}

JudgeConfig latency_only() {
  JudgeConfig c;
  c.metrics = default_judge_metrics();
  c.metrics.resize(1);  // latency_p95, critical, tolerance 25 %
  return c;
}

TEST(Judge, TooFewSamplesIsInconclusive) {
  JudgeConfig c = latency_only();
  std::vector<double> canary = spread(0.1, 5);
  const Judgement j = judge(c, {{"latency_p95", spread(0.1, 100), canary}});
  EXPECT_EQ(j.verdict, Verdict::kInconclusive);
  ASSERT_EQ(j.metrics.size(), 1u);
  EXPECT_EQ(j.metrics[0].classification, MetricClass::kNoData);
  EXPECT_NE(j.reason.find("too few samples"), std::string::npos) << j.reason;
}

TEST(Judge, NaNSamplesAreDroppedBeforeCounting) {
  JudgeConfig c = latency_only();
  std::vector<double> canary = spread(0.1, 30);
  for (size_t i = 0; i < 15; ++i) canary[i] = std::numeric_limits<double>::quiet_NaN();
  const Judgement j = judge(c, {{"latency_p95", spread(0.1, 100), canary}});
  EXPECT_EQ(j.verdict, Verdict::kInconclusive);
  EXPECT_EQ(j.metrics[0].n_canary, 15u);
}

TEST(Judge, MissingMetricIsInconclusive) {
  JudgeConfig c;
  c.metrics = default_judge_metrics();
  const Judgement j = judge(c, {{"latency_p95", spread(0.1, 50), spread(0.1, 50, 0.3)}});
  EXPECT_EQ(j.verdict, Verdict::kInconclusive);
}

TEST(Judge, SameDistributionPasses) {
  const Judgement j = judge(latency_only(), {{"latency_p95", spread(0.1, 200), spread(0.1, 60, 0.37)}});
  EXPECT_EQ(j.verdict, Verdict::kPass) << j.reason;
  EXPECT_DOUBLE_EQ(j.score, 100.0);
  EXPECT_EQ(j.metrics[0].classification, MetricClass::kPass);
}

TEST(Judge, ThreeTimesTheLatencyFails) {
  const Judgement j = judge(latency_only(), {{"latency_p95", spread(0.1, 200), spread(0.3, 60, 0.37)}});
  EXPECT_EQ(j.verdict, Verdict::kFail) << j.reason;
  const MetricEvidence& e = j.metrics[0];
  EXPECT_EQ(e.classification, MetricClass::kHigh);
  EXPECT_LT(e.p_value, 1e-6);
  EXPECT_NEAR(e.canary_median / e.baseline_median, 3.0, 0.1);
  EXPECT_GT(e.effect, e.allowed);
  EXPECT_EQ(e.n_baseline, 200u);
  EXPECT_EQ(e.n_canary, 60u);
}

TEST(Judge, SlightlyWorseInsideToleranceIsMarginal) {
  // 10 % slower with 500 samples a side: significant, but inside 25 %.
  const Judgement j = judge(latency_only(), {{"latency_p95", spread(0.1, 500), spread(0.11, 500, 0.37)}});
  const MetricEvidence& e = j.metrics[0];
  EXPECT_LT(e.p_value, 0.02);
  EXPECT_EQ(e.classification, MetricClass::kMarginal) << e.reason;
  // Within tolerance it scores as a pass, and makes the verdict marginal.
  EXPECT_DOUBLE_EQ(j.score, 100.0);
  EXPECT_EQ(j.verdict, Verdict::kMarginal) << j.reason;
}

TEST(Judge, ManyMarginalMetricsAreStillOnlyMarginal) {
  JudgeConfig c;
  c.metrics = default_judge_metrics();
  std::vector<double> base(500, 0.0), canary(500, 0.0);
  for (size_t i = 0; i < 500; i += 25) canary[i] = 0.025;  // mean 0.001, inside 0.002
  const Judgement j = judge(c, {{"latency_p95", spread(0.1, 500), spread(0.11, 500, 0.37)},
                                {"error_rate", base, canary},
                                {"cpu", spread(0.4, 500), spread(0.44, 500, 0.37)}});
  for (const MetricEvidence& e : j.metrics) {
    EXPECT_EQ(e.classification, MetricClass::kMarginal) << e.name << ": " << e.reason;
  }
  EXPECT_EQ(j.verdict, Verdict::kMarginal) << j.reason;
}

TEST(Judge, BetterIsNotWorseForAnIncreaseMetric) {
  const Judgement j = judge(latency_only(), {{"latency_p95", spread(0.1, 200), spread(0.03, 60, 0.37)}});
  EXPECT_EQ(j.verdict, Verdict::kPass) << j.reason;
}

TEST(Judge, EitherDirectionFailsOnADrop) {
  JudgeConfig c = latency_only();
  c.metrics[0].bad = Direction::kEither;
  const Judgement j = judge(c, {{"latency_p95", spread(0.1, 200), spread(0.03, 60, 0.37)}});
  EXPECT_EQ(j.verdict, Verdict::kFail) << j.reason;
  EXPECT_EQ(j.metrics[0].classification, MetricClass::kLow);
}

TEST(Judge, WeightsAndCriticalMetrics) {
  JudgeConfig c;
  c.metrics = default_judge_metrics();  // latency 1 (critical), errors 1 (critical), cpu 0.5
  const std::vector<double> zeros(200, 0.0);
  std::vector<MetricSamples> s = {{"latency_p95", spread(0.1, 200), spread(0.1, 200, 0.37)},
                                  {"error_rate", zeros, zeros},
                                  {"cpu", spread(0.3, 200), spread(0.6, 200, 0.37)}};
  // CPU is not critical: it fails, the score is 2 / 2.5 = 80, marginal.
  Judgement j = judge(c, s);
  EXPECT_EQ(j.metrics[2].classification, MetricClass::kHigh);
  EXPECT_DOUBLE_EQ(j.score, 80.0);
  EXPECT_EQ(j.verdict, Verdict::kMarginal) << j.reason;
  // Made critical, the same failure fails the judgement at the same score.
  c.metrics[2].critical = true;
  j = judge(c, s);
  EXPECT_EQ(j.verdict, Verdict::kFail);
  EXPECT_NE(j.reason.find("critical metric failed: cpu"), std::string::npos) << j.reason;
}

TEST(Judge, ErrorRateUsesTheMeanAndAnAbsoluteFloor) {
  JudgeConfig c;
  c.metrics = default_judge_metrics();
  c.metrics.erase(c.metrics.begin());  // errors (critical, mean, +0.002), cpu
  c.metrics.pop_back();
  // The baseline never fails. A canary failing 2.5 % of requests on 4 % of
  // ticks (mean 0.001) is significantly worse but inside the floor of 0.002:
  // marginal. One failing 5 % on 20 % of ticks (mean 0.01) fails.
  std::vector<double> base(400, 0.0), small(400, 0.0), large(400, 0.0);
  for (size_t i = 0; i < 400; i += 25) small[i] = 0.025;  // mean 0.001
  for (size_t i = 0; i < 400; i += 5) large[i] = 0.05;    // mean 0.01
  Judgement j = judge(c, {{"error_rate", base, small}});
  EXPECT_EQ(j.metrics[0].classification, MetricClass::kMarginal) << j.metrics[0].reason;
  EXPECT_NEAR(j.metrics[0].canary_statistic, 0.001, 1e-12);
  j = judge(c, {{"error_rate", base, large}});
  EXPECT_EQ(j.metrics[0].classification, MetricClass::kHigh) << j.metrics[0].reason;
  EXPECT_EQ(j.verdict, Verdict::kFail);
}

TEST(Judge, AMeanBeyondTheAllowanceOnlyByNoiseIsMarginal) {
  JudgeConfig c;
  c.metrics = default_judge_metrics();
  c.metrics.erase(c.metrics.begin());  // errors (critical, mean, +0.002), cpu
  c.metrics.pop_back();
  // Ten ticks in 400 with 10 % errors: mean 0.0025, beyond the 0.002
  // allowance by its point estimate, but the 98 % bound toward no change,
  // 0.0025 - 2.0537 x 0.000782 (Welch) = 0.000895, is not: marginal.
  std::vector<double> base(400, 0.0), noisy(400, 0.0), steady(400, 0.0);
  for (size_t i = 0; i < 400; i += 40) noisy[i] = 0.1;
  // A quarter of the ticks at 2 %: mean 0.005, bound 0.00411 > 0.002: fails.
  for (size_t i = 0; i < 400; i += 4) steady[i] = 0.02;
  Judgement j = judge(c, {{"error_rate", base, noisy}});
  EXPECT_EQ(j.metrics[0].classification, MetricClass::kMarginal) << j.metrics[0].reason;
  EXPECT_GT(j.metrics[0].effect, j.metrics[0].allowed);
  EXPECT_NE(j.metrics[0].reason.find("bound 0.000895"), std::string::npos) << j.metrics[0].reason;
  j = judge(c, {{"error_rate", base, steady}});
  EXPECT_EQ(j.metrics[0].classification, MetricClass::kHigh) << j.metrics[0].reason;
  EXPECT_NE(j.metrics[0].reason.find("bound 0.00411"), std::string::npos) << j.metrics[0].reason;
}

}  // namespace
}  // namespace dreamsim::ctl
