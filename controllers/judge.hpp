// The canary judge: one comparison of a canary version with its baseline at
// one step of a rollout, as a pure function of their metric samples.
//
// It follows Kayenta's judge (NetflixACAJudge; shared/research/
// chaos-dst-canary.md 4.1), stage by stage:
//
//  1. Data validation. NaN samples are removed (a tick in which a version
//     served nothing has no latency and no error rate). A metric with fewer
//     than `min_samples` samples on either side has no data, and a
//     judgement with any metric without data is Inconclusive: the caller
//     holds the rollout and asks again later (Argo Rollouts' Inconclusive).
//     Kayenta also removes IQR outliers; we do not, because the per-tick
//     values of a version measured from a handful of requests are
//     heavy-tailed by nature, and trimming them would trim the regression
//     along with the noise.
//
//  2. A Mann-Whitney U test per metric (Wilcoxon rank-sum). Both samples are
//     ranked together, ties taking their average rank; U of the canary is
//     R_canary - n_c (n_c + 1) / 2, the number of (canary, baseline) pairs in
//     which the canary is larger, ties counting one half. Under the null
//     hypothesis (same distribution) U has mean n_c n_b / 2 and variance
//       n_c n_b / 12 x ((N + 1) - sum over tie groups (t^3 - t) / (N (N - 1))),
//     N = n_c + n_b; z = (U - mean -/+ 0.5) / sd with a continuity correction
//     towards the mean, and the p-value from the normal distribution. When
//     there are no ties and n_c x n_b <= kExactPairs, the p-value is exact,
//     from the distribution of U counted by the classic recursion
//     c(u; m, n) = c(u - n; m - 1, n) + c(u; m, n - 1). The test is
//     one-sided in the direction that is bad for the metric (an increase of
//     latency, errors or saturation) and two-sided for a metric where either
//     change is bad.
//
//  3. An effect-size tolerance per metric. Significance alone is not enough
//     to fail a canary: with hundreds of samples a 2 % slowdown is
//     significant. A metric fails only when it is significant AND its
//     statistic (median, or mean for sparse metrics such as error rates
//     whose median is 0) is worse than the baseline's by more than
//       tolerance x |baseline| + min_effect
//     (Kayenta's effect-size `fraction`, 0.25 by default, with an absolute
//     floor for baselines at 0). Significant but inside the tolerance is
//     Marginal: measurably worse, not worse enough to roll back. For a
//     mean, the effect must exceed the allowance with the judge's
//     confidence too: |effect| - z(confidence) x se (Welch's standard error
//     of the difference of means) > allowance; a point estimate beyond the
//     allowance that is not confidently beyond it is Marginal. A step with
//     few requests on the canary measures its error rate coarsely, and a
//     0.1 % regression must not fail at 10 % on one unlucky draw when the
//     next, larger step will measure it properly.
//
//  4. Score. A metric that passes, or is marginal (within tolerance, which
//     Kayenta counts as a pass), scores its weight, a failing one nothing;
//     the score is 100 x scored weight / total weight. It is classified by
//     `pass_score` and `marginal_score` (Spinnaker's scoreThresholds): Fail
//     below marginal_score; Marginal below pass_score, or at or above it
//     when some metric is marginal; Pass otherwise. So marginal metrics,
//     however many, never fail a judgement on their own. A critical metric
//     that fails fails the whole judgement whatever the score.
//
// Every verdict carries its evidence: per metric U, z, the p-value, both
// statistics, the effect, both medians and sample sizes, and the
// classification, so that the outcome can show why a rollout went where it
// went.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dreamsim::ctl {

// Which change of a metric is bad.
enum class Direction : uint8_t { kIncrease, kDecrease, kEither };
// The statistic the effect size compares.
enum class EffectStatistic : uint8_t { kMedian, kMean };

const char* to_string(Direction d);
const char* to_string(EffectStatistic s);

struct JudgeMetric {
  std::string name;  // "latency_p95", "error_rate", "cpu"
  Direction bad = Direction::kIncrease;
  double weight = 1.0;
  bool critical = false;
  EffectStatistic statistic = EffectStatistic::kMedian;
  double tolerance = 0.25;   // relative to the baseline statistic
  double min_effect = 0.0;   // absolute, added to the tolerance
};

struct JudgeConfig {
  double confidence = 0.98;  // Kayenta's confLevel: a metric is significant at p < 0.02
  int min_samples = 20;      // per version and metric, after NaN removal
  double pass_score = 95.0;
  double marginal_score = 75.0;
  std::vector<JudgeMetric> metrics;
};

// The default metric set: latency p95 and error rate (critical), CPU
// saturation; all bad when they increase.
std::vector<JudgeMetric> default_judge_metrics();

// The samples of one metric, by name (matched against JudgeConfig::metrics).
struct MetricSamples {
  std::string name;
  std::vector<double> baseline;
  std::vector<double> canary;
};

enum class MetricClass : uint8_t { kPass, kMarginal, kHigh, kLow, kNoData };
enum class Verdict : uint8_t { kPass, kMarginal, kFail, kInconclusive };

const char* to_string(MetricClass c);
const char* to_string(Verdict v);

// The result of one Mann-Whitney U test.
struct MannWhitney {
  double u = 0.0;        // U of the first sample (the canary)
  double z = 0.0;        // 0 when exact
  double p_value = 1.0;
  bool exact = false;
};

enum class Alternative : uint8_t { kGreater, kLess, kTwoSided };

// Mann-Whitney U of `a` against `b` (a's U), with the p-value of the
// alternative "a is stochastically greater / less than b / either". Both must
// be non-empty and free of NaN.
MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b,
                         Alternative alternative);

// Above this many pairs, or with ties, the normal approximation is used.
inline constexpr int64_t kExactPairs = 400;

struct MetricEvidence {
  std::string name;
  MetricClass classification = MetricClass::kNoData;
  bool critical = false;
  double weight = 0.0;
  size_t n_baseline = 0;
  size_t n_canary = 0;
  double u = 0.0;
  double z = 0.0;
  double p_value = 1.0;
  bool exact = false;
  double baseline_median = 0.0;
  double canary_median = 0.0;
  double baseline_statistic = 0.0;  // median or mean, as the metric says
  double canary_statistic = 0.0;
  double effect = 0.0;    // canary - baseline statistic
  double allowed = 0.0;   // tolerance x |baseline| + min_effect
  std::string reason;     // one line: why this class
};

struct Judgement {
  Verdict verdict = Verdict::kInconclusive;
  double score = 0.0;
  std::string reason;  // one line: the deciding fact
  std::vector<MetricEvidence> metrics;
};

// Judges `samples` under `config`. Metrics of the config without samples
// count as without data; samples of a metric the config does not name are
// ignored.
Judgement judge(const JudgeConfig& config, const std::vector<MetricSamples>& samples);

}  // namespace dreamsim::ctl
