// Known answers of the Wilcoxon signed-rank test and the Hodges-Lehmann
// estimate, computed by hand (the arithmetic is in the comments).
#include "model/wilcoxon.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace dreamsim::model {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(Wilcoxon, AllPositiveFiveIsOneIn32EachSide) {
  // Ranks 1..5, all positive: W+ = 15, the largest of 2^5 = 32 equally likely
  // sums, so P(W+ >= 15) = 1/32 and the two-sided p is 2/32.
  const SignedRankResult r = wilcoxon_signed_rank({1, 2, 3, 4, 5});
  EXPECT_EQ(r.n, 5u);
  EXPECT_EQ(r.zeros, 0u);
  EXPECT_DOUBLE_EQ(r.w_plus, 15);
  EXPECT_DOUBLE_EQ(r.w_minus, 0);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.p_value, 0.0625);
}

TEST(Wilcoxon, OneNegativeSmallest) {
  // -1 has rank 1: W+ = 2+3+4+5 = 14. Sums >= 14 of subsets of {1..5}:
  // 15 (all) and 14 (all but 1): 2 of 32, p = 4/32.
  const SignedRankResult r = wilcoxon_signed_rank({-1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(r.w_plus, 14);
  EXPECT_DOUBLE_EQ(r.w_minus, 1);
  EXPECT_DOUBLE_EQ(r.p_value, 0.125);
  // Order and sign symmetry: the mirror image has the same p.
  EXPECT_DOUBLE_EQ(wilcoxon_signed_rank({-5, -4, 1, -3, -2}).p_value, 0.125);
}

TEST(Wilcoxon, ZerosDroppedAndTiesExact) {
  // The zero is dropped: n = 5. |d| = 1, 1, 2, 2, 3 rank 1.5, 1.5, 3.5, 3.5, 5
  // (doubled: 3, 3, 7, 7, 10; total 30). W+ = 1.5 + 3.5 + 3.5 + 5 = 13.5
  // (doubled 27). Subsets with doubled sum >= 27 are the complements of
  // those with sum <= 3: {}, {first 3}, {second 3}: 3 of 32, p = 6/32.
  const SignedRankResult r = wilcoxon_signed_rank({0, 1, -1, 2, 2, 3});
  EXPECT_EQ(r.n, 5u);
  EXPECT_EQ(r.zeros, 1u);
  EXPECT_DOUBLE_EQ(r.w_plus, 13.5);
  EXPECT_DOUBLE_EQ(r.w_minus, 1.5);
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.p_value, 0.1875);
}

TEST(Wilcoxon, NormalApproximationWithTiesAndContinuity) {
  // Same data, normal approximation: mean 5*6/4 = 7.5; variance
  // 5*6*11/24 = 13.75 less the ties 2*(2^3-2)/48 = 0.25, so 13.5;
  // z = (|13.5 - 7.5| - 0.5) / sqrt(13.5) = 5.5 / 3.674235 = 1.496910;
  // p = erfc(z / sqrt 2) = 0.134417.
  const SignedRankResult r = wilcoxon_signed_rank({0, 1, -1, 2, 2, 3}, SignedRankMethod::kNormal);
  EXPECT_FALSE(r.exact);
  EXPECT_NEAR(r.z, 1.496910, 1e-6);
  EXPECT_NEAR(r.p_value, 0.134417, 1e-6);
}

TEST(Wilcoxon, NormalApproximationTen) {
  // 1..10 all positive: W+ = 55, mean 27.5, variance 10*11*21/24 = 96.25;
  // z = (27.5 - 0.5) / 9.810708 = 2.752095; p = 0.005922. Exact: 2/1024.
  const std::vector<double> d = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const SignedRankResult normal = wilcoxon_signed_rank(d, SignedRankMethod::kNormal);
  EXPECT_NEAR(normal.z, 2.752095, 1e-6);
  EXPECT_NEAR(normal.p_value, 0.005922, 1e-6);
  EXPECT_DOUBLE_EQ(wilcoxon_signed_rank(d).p_value, 2.0 / 1024.0);
  // Negative direction: z < 0, same p.
  std::vector<double> neg;
  for (double v : d) neg.push_back(-v);
  const SignedRankResult n2 = wilcoxon_signed_rank(neg, SignedRankMethod::kNormal);
  EXPECT_NEAR(n2.z, -2.752095, 1e-6);
  EXPECT_NEAR(n2.p_value, normal.p_value, 1e-12);
}

TEST(Wilcoxon, AutoSwitchesToNormalAboveTheExactLimit) {
  std::vector<double> d;
  for (size_t i = 1; i <= kExactMaxN + 1; ++i) d.push_back(i % 3 == 0 ? -1.0 * i : 1.0 * i);
  EXPECT_FALSE(wilcoxon_signed_rank(d).exact);
  d.pop_back();
  EXPECT_TRUE(wilcoxon_signed_rank(d).exact);
}

TEST(Wilcoxon, NoDifferencesIsPOne) {
  const SignedRankResult r = wilcoxon_signed_rank({0, 0, 0});
  EXPECT_EQ(r.n, 0u);
  EXPECT_EQ(r.zeros, 3u);
  EXPECT_DOUBLE_EQ(r.p_value, 1.0);
  EXPECT_DOUBLE_EQ(wilcoxon_signed_rank({}).p_value, 1.0);
}

TEST(Wilcoxon, BalancedIsPOne) {
  // W+ = 1 + 4 = 5 = W-: the middle of the distribution, p capped at 1.
  EXPECT_DOUBLE_EQ(wilcoxon_signed_rank({1, -2, -3, 4}).p_value, 1.0);
}

TEST(Wilcoxon, InfinitiesRankHighestAndTie) {
  // Two +inf tie at ranks 4 and 5 (4.5 each) above 1, 2, -3: W+ = 1+2+9 = 12,
  // doubled 24 of 30: subsets with doubled sum >= 24 are complements of
  // sums <= 6 over {2, 4, 6, 9, 9}: {}, {2}, {4}, {6}, {2,4}: 5 of 32, p = 10/32.
  const SignedRankResult r = wilcoxon_signed_rank({1, 2, -3, kInf, kInf});
  EXPECT_DOUBLE_EQ(r.w_plus, 12);
  EXPECT_DOUBLE_EQ(r.p_value, 10.0 / 32.0);
}

TEST(HodgesLehmann, KnownMedians) {
  // Walsh averages of {1, 2, 3}: 1, 1.5, 2, 2, 2.5, 3: median (2 + 2) / 2.
  EXPECT_DOUBLE_EQ(hodges_lehmann({1, 2, 3}), 2.0);
  // {0, 0, 10}: 0, 0, 5, 0, 5, 10 -> sorted 0 0 0 5 5 10: median 2.5.
  EXPECT_DOUBLE_EQ(hodges_lehmann({0, 0, 10}), 2.5);
  // {-4, 2}: -4, -1, 2: median -1.
  EXPECT_DOUBLE_EQ(hodges_lehmann({-4, 2}), -1.0);
  EXPECT_DOUBLE_EQ(hodges_lehmann({}), 0.0);
  // Mostly "never": the shift is infinite.
  EXPECT_EQ(hodges_lehmann({kInf, kInf, 1}), kInf);
  // Opposite infinities average to 0: {inf, -inf}: inf, 0, -inf -> 0.
  EXPECT_DOUBLE_EQ(hodges_lehmann({kInf, -kInf}), 0.0);
}

TEST(Wilcoxon, MinimumPValue) {
  EXPECT_DOUBLE_EQ(min_p_value(5), 0.0625);
  EXPECT_DOUBLE_EQ(min_p_value(6), 0.03125);
  EXPECT_DOUBLE_EQ(min_p_value(0), 1.0);
}

}  // namespace
}  // namespace dreamsim::model
