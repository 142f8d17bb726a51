// The Wilcoxon signed-rank test and the Hodges-Lehmann estimate: the paired
// comparison behind `dreamsim gate`.
//
// The gate runs the baseline and the candidate procedures on the same seeds,
// so each seed gives a pair (baseline value, candidate value) of a metric and
// its difference d = candidate - baseline. The differences of simulation
// metrics are far from normal (many exact zeros, heavy tails, whole counts),
// so the gate uses the signed-rank test, which assumes only that the
// differences are symmetric about their median under the null hypothesis.
//
// The test, as computed here:
// - Zero differences are dropped (Wilcoxon's own treatment, scipy's
//   zero_method="wilcox"): a seed on which the change made no difference
//   says nothing about its direction. n counts the rest.
// - |d| are ranked 1..n; tied |d| share the mean of their ranks.
// - W+ is the sum of the ranks of the positive differences.
// - For n <= kExactMaxN the p-value is exact: the distribution of W+ over the
//   2^n sign assignments, given the ranks (so ties are handled exactly, since
//   twice a mid-rank is an integer), counted by dynamic programming.
// - Above that, the normal approximation: mean n(n+1)/4, variance
//   n(n+1)(2n+1)/24 - sum(t^3 - t)/48 over groups of t tied |d|, and a
//   continuity correction of 1/2 towards the mean.
// The p-value is two-sided: min(1, 2 min(P(W+ <= w), P(W+ >= w))).
//
// Differences may be +-infinity (the gate's "never happened", e.g. a fault
// the candidate never detected): they rank above every finite |d|, and two
// infinities tie.
//
// The effect size is the Hodges-Lehmann estimate of the shift: the median
// of the n(n+1)/2 Walsh averages (d_i + d_j) / 2, i <= j, over all
// differences, zeros included. It is the estimate that goes with the
// signed-rank test (robust, and in the metric's own unit), and the gate
// compares it with a tolerance.
#pragma once

#include <cstddef>
#include <vector>

namespace dreamsim::model {

inline constexpr size_t kExactMaxN = 50;

enum class SignedRankMethod { kAuto, kExact, kNormal };

struct SignedRankResult {
  size_t n = 0;          // non-zero differences, the ones ranked
  size_t zeros = 0;      // zero differences, dropped
  double w_plus = 0;     // sum of the ranks of the positive differences
  double w_minus = 0;    // of the negative ones
  double p_value = 1.0;  // two-sided
  bool exact = false;    // exact distribution (else the normal approximation)
  double z = 0;          // the normal approximation's statistic, corrected; 0 when exact
};

// NaN differences are not allowed (treated as zero).
SignedRankResult wilcoxon_signed_rank(const std::vector<double>& differences,
                                      SignedRankMethod method = SignedRankMethod::kAuto);

// The median of the Walsh averages; 0 for no differences. An average of
// +infinity and -infinity counts as 0.
double hodges_lehmann(const std::vector<double>& differences);

// The smallest two-sided p-value the exact test can give with n non-zero
// differences: 2 / 2^n. Below alpha only from n = 6 on for alpha = 0.05.
double min_p_value(size_t n);

}  // namespace dreamsim::model
