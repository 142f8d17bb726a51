// Tests of LogHistogram: the schema's bucket bounds, the zero and top buckets,
// nearest-rank quantiles against exact ones, bit-exact merges, and
// add_from_cdf's exact, largest-remainder rounding.
#include "model/log_histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "model/queueing.hpp"
#include "sim/random.hpp"

namespace dreamsim::model {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// The bound on a quantile's relative error, with room for the rounding of the
// representative value itself.
constexpr double kBound = LogHistogram::kRelativeError * (1.0 + 1e-12);

std::vector<double> lognormal_samples(uint64_t seed, size_t n, double mu, double sigma) {
  sim::Rng rng(seed);
  std::vector<double> samples(n);
  for (double& x : samples) x = rng.lognormal(mu, sigma);
  return samples;
}

LogHistogram histogram_of(const std::vector<double>& samples, size_t begin, size_t end) {
  LogHistogram h;
  for (size_t i = begin; i < end; ++i) h.add(samples[i]);
  return h;
}

double lognormal_cdf(double t, double mu, double sigma) {
  if (t <= 0.0) return 0.0;
  return 0.5 * std::erfc(-(std::log(t) - mu) / (sigma * std::sqrt(2.0)));
}

TEST(LogHistogramTest, ConstantsMatchSchemaFive) {
  EXPECT_NEAR(LogHistogram::kGamma, std::exp2(1.0 / 32.0), 1e-15);
  const double g = LogHistogram::kGamma;
  EXPECT_NEAR(LogHistogram::kRelativeError, (g - 1.0) / (g + 1.0), 1e-15);
  EXPECT_LT(LogHistogram::kRelativeError, 0.011);
  // The covered range: the lowest regular bucket straddles 1 us, the top one
  // straddles ~100 s.
  EXPECT_LT(LogHistogram::bucket_lower(LogHistogram::kMinIndex), 1e-6);
  EXPECT_GT(LogHistogram::bucket_upper(LogHistogram::kMinIndex), 1e-6);
  EXPECT_LT(LogHistogram::bucket_lower(LogHistogram::kMaxIndex), 100.0);
  EXPECT_GT(LogHistogram::bucket_upper(LogHistogram::kMaxIndex), 100.0);
  EXPECT_EQ(LogHistogram::kBucketCount, 852);
}

TEST(LogHistogramTest, BucketBoundsArePowersOfGamma) {
  // Every index but the zero bucket's, whose bounds are 0 and 1 us instead.
  for (int i = LogHistogram::kMinIndex - 40; i <= LogHistogram::kMaxIndex + 40; ++i) {
    if (i == LogHistogram::kZeroIndex || i + 1 == LogHistogram::kZeroIndex) continue;
    const double upper = LogHistogram::bucket_upper(i);
    // An independent computation of gamma^i; exp2 of a fraction is accurate to
    // an ulp or so, the table to half an ulp.
    EXPECT_NEAR(upper / std::exp2(i / 32.0), 1.0, 4e-16) << "index " << i;
    EXPECT_EQ(LogHistogram::bucket_lower(i + 1), upper) << "index " << i;
  }
  EXPECT_EQ(LogHistogram::bucket_lower(LogHistogram::kZeroIndex), 0.0);
  EXPECT_EQ(LogHistogram::bucket_upper(LogHistogram::kZeroIndex), 1e-6);
  EXPECT_EQ(LogHistogram::bucket_representative(LogHistogram::kZeroIndex), 0.0);
  // The representative is 2 gamma^i/(gamma+1): alpha from both bounds.
  for (int i = LogHistogram::kMinIndex; i <= LogHistogram::kMaxIndex; ++i) {
    const double r = LogHistogram::bucket_representative(i);
    EXPECT_NEAR((LogHistogram::bucket_upper(i) - r) / LogHistogram::bucket_upper(i),
                LogHistogram::kRelativeError, 1e-15);
    EXPECT_NEAR((r - LogHistogram::bucket_lower(i)) / LogHistogram::bucket_lower(i),
                LogHistogram::kRelativeError, 1e-15);
  }
}

TEST(LogHistogramTest, BucketIndexIsUpperInclusive) {
  for (int i = LogHistogram::kMinIndex; i <= LogHistogram::kMaxIndex; ++i) {
    const double upper = LogHistogram::bucket_upper(i);
    const double lower = LogHistogram::bucket_lower(i);
    EXPECT_EQ(LogHistogram::bucket_index(upper), i) << "index " << i;
    EXPECT_EQ(LogHistogram::bucket_index(std::nextafter(upper, 0.0)), i) << "index " << i;
    if (i > LogHistogram::kMinIndex) {
      EXPECT_EQ(LogHistogram::bucket_index(lower), i - 1) << "index " << i;
      EXPECT_EQ(LogHistogram::bucket_index(std::nextafter(lower, kInf)), i) << "index " << i;
    }
  }
}

TEST(LogHistogramTest, BucketIndexAgreesWithLogarithm) {
  // The frexp and table path against ceil(32 log2 v), away from the bounds
  // where log2's own rounding could decide.
  sim::Rng rng(7);
  int checked = 0;
  for (int k = 0; k < 200000; ++k) {
    const double v = std::exp2(rng.uniform(-19.9, 6.6));
    const double scaled = 32.0 * std::log2(v);
    if (std::abs(scaled - std::round(scaled)) < 1e-9) continue;
    ASSERT_EQ(LogHistogram::bucket_index(v), static_cast<int>(std::ceil(scaled))) << "value " << v;
    ++checked;
  }
  EXPECT_GT(checked, 199000);
}

TEST(LogHistogramTest, ZeroBucketAndTopClamp) {
  LogHistogram h;
  h.add(0.0);
  h.add(-1.0);
  h.add(1e-6);
  h.add(std::nextafter(1e-6, kInf));
  EXPECT_EQ(h.count_at(LogHistogram::kZeroIndex), 3u);
  EXPECT_EQ(h.count_at(LogHistogram::kMinIndex), 1u);

  h.add(100.0);  // In range: the top bucket, not clamped.
  EXPECT_EQ(h.count_at(LogHistogram::kMaxIndex), 1u);
  EXPECT_EQ(h.clamped_count(), 0u);
  h.add(1e3);
  h.add(kInf);
  h.add(kNaN, 2);
  EXPECT_EQ(h.count_at(LogHistogram::kMaxIndex), 5u);
  EXPECT_EQ(h.clamped_count(), 4u);
  EXPECT_EQ(h.count(), 9u);
  EXPECT_EQ(h.count_at(LogHistogram::kZeroIndex - 1), 0u);
  EXPECT_EQ(h.count_at(LogHistogram::kMaxIndex + 1), 0u);

  // Rank 1 is in the zero bucket, reported as 0; rank 9 in the top bucket.
  EXPECT_EQ(h.quantile(0.0), 0.0);
  EXPECT_EQ(h.quantile(1.0), LogHistogram::bucket_representative(LogHistogram::kMaxIndex));
  EXPECT_NEAR(h.quantile(1.0), 99.77, 0.01);
}

TEST(LogHistogramTest, EmptyAndClear) {
  LogHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_TRUE(std::isnan(h.quantile(0.5)));
  h.add(0.01, 5);
  h.add(2.0);
  h.add(1e4);
  EXPECT_NE(h, LogHistogram());
  EXPECT_FALSE(std::isnan(h.quantile(0.5)));
  EXPECT_TRUE(std::isnan(h.quantile(kNaN)));
  h.clear();
  EXPECT_EQ(h, LogHistogram());
  EXPECT_TRUE(std::isnan(h.quantile(0.5)));
  // Usable after clear.
  h.add(0.01);
  EXPECT_EQ(h.quantile(0.5), LogHistogram::bucket_representative(LogHistogram::bucket_index(0.01)));
}

TEST(LogHistogramTest, AddWithCountEqualsRepeatedAdds) {
  LogHistogram once;
  LogHistogram repeated;
  once.add(0.0123, 4);
  once.add(0.5, 0);
  for (int k = 0; k < 4; ++k) repeated.add(0.0123);
  EXPECT_EQ(once, repeated);
  EXPECT_EQ(once.count(), 4u);
  // A zero count records nothing, not even the bucket as occupied.
  LogHistogram zero;
  zero.add(0.5, 0);
  EXPECT_EQ(zero, LogHistogram());
}

TEST(LogHistogramTest, NearestRankConvention) {
  // 100 values 1.1 apart in ratio, so each lies in its own bucket and the rank
  // chosen is visible in the answer.
  std::vector<double> values;
  for (int k = 1; k <= 100; ++k) values.push_back(1e-3 * std::pow(1.1, k));
  LogHistogram h;
  // Inserted in reverse: the order of adds must not matter.
  for (auto it = values.rbegin(); it != values.rend(); ++it) h.add(*it);
  for (int j = 0; j <= 1000; ++j) {
    const double q = j / 1000.0;
    // ceil(q * 100) in integers, at least 1: q = 0.07 is rank 7.
    const int rank = std::max(1, (j * 100 + 999) / 1000);
    const double expected =
        LogHistogram::bucket_representative(LogHistogram::bucket_index(values[rank - 1]));
    ASSERT_EQ(h.quantile(q), expected) << "q " << q << " rank " << rank;
  }
  // q outside [0, 1] is clamped.
  EXPECT_EQ(h.quantile(-3.0), h.quantile(0.0));
  EXPECT_EQ(h.quantile(7.0), h.quantile(1.0));
}

TEST(LogHistogramTest, QuantilesOfLognormalSampleWithinBucketError) {
  constexpr size_t kN = 100000;
  // Median 20 ms, sigma 0.8: p99 near 130 ms, well inside 1 us .. 100 s.
  const std::vector<double> samples = lognormal_samples(42, kN, std::log(0.02), 0.8);
  const LogHistogram h = histogram_of(samples, 0, kN);
  ASSERT_EQ(h.count(), kN);
  std::vector<double> sorted = samples;
  std::sort(sorted.begin(), sorted.end());

  struct Case {
    double q;
    size_t rank;  // ceil(q * n), written out.
  };
  for (const Case c : {Case{0.5, 50000}, Case{0.95, 95000}, Case{0.99, 99000}, Case{0.999, 99900},
                       Case{0.001, 100}, Case{0.0, 1}, Case{1.0, kN}}) {
    const double exact = sorted[c.rank - 1];
    const double estimate = h.quantile(c.q);
    EXPECT_LE(std::abs(estimate - exact) / exact, kBound) << "q " << c.q;
    // Within the 2 % the golden signals are specified with.
    EXPECT_LE(std::abs(estimate - exact) / exact, 0.02) << "q " << c.q;
    // And the bucket is exactly that of the exact quantile.
    EXPECT_EQ(LogHistogram::bucket_index(estimate), LogHistogram::bucket_index(exact))
        << "q " << c.q;
  }
}

TEST(LogHistogramTest, MergeEqualsHistogramOfUnionBitForBit) {
  // Three parts with different ranges, so the occupied spans differ.
  std::vector<double> samples = lognormal_samples(1, 30000, std::log(0.005), 0.5);
  const std::vector<double> slow = lognormal_samples(2, 20000, std::log(0.3), 1.0);
  const std::vector<double> tiny = lognormal_samples(3, 10000, std::log(2e-6), 1.0);
  samples.insert(samples.end(), slow.begin(), slow.end());
  samples.insert(samples.end(), tiny.begin(), tiny.end());
  samples.push_back(500.0);  // Clamped, so clamped_count must merge too.

  const LogHistogram whole = histogram_of(samples, 0, samples.size());
  const LogHistogram a = histogram_of(samples, 0, 30000);
  const LogHistogram b = histogram_of(samples, 30000, 50000);
  const LogHistogram c = histogram_of(samples, 50000, samples.size());
  ASSERT_NE(a, whole);
  ASSERT_NE(b, c);
  ASSERT_GT(c.count_at(LogHistogram::kZeroIndex), 0u);

  LogHistogram abc = a;
  abc.merge(b);
  abc.merge(c);
  EXPECT_EQ(abc, whole);
  EXPECT_EQ(abc.clamped_count(), 1u);

  // Other orders and groupings: (c + a) + b, c + (b + a), b + (c + a).
  LogHistogram cab = c;
  cab.merge(a);
  cab.merge(b);
  EXPECT_EQ(cab, whole);
  LogHistogram ba = b;
  ba.merge(a);
  LogHistogram c_ba = c;
  c_ba.merge(ba);
  EXPECT_EQ(c_ba, whole);
  LogHistogram ca = c;
  ca.merge(a);
  LogHistogram b_ca = b;
  b_ca.merge(ca);
  EXPECT_EQ(b_ca, whole);

  // Quantiles of the merge are those of the union.
  for (double q : {0.1, 0.5, 0.95, 0.99}) EXPECT_EQ(abc.quantile(q), whole.quantile(q));

  // The empty histogram is the identity, on either side.
  LogHistogram with_empty = whole;
  with_empty.merge(LogHistogram());
  EXPECT_EQ(with_empty, whole);
  LogHistogram empty_then = LogHistogram();
  empty_then.merge(whole);
  EXPECT_EQ(empty_then, whole);
}

TEST(LogHistogramTest, MergeOfTwoSplitsOfOneSampleIsIdentical) {
  // Two different shard layouts of the same sample merge to the same bits.
  const std::vector<double> samples = lognormal_samples(9, 9000, std::log(0.05), 1.2);
  LogHistogram by_thirds;
  for (size_t part = 0; part < 3; ++part) {
    by_thirds.merge(histogram_of(samples, part * 3000, (part + 1) * 3000));
  }
  LogHistogram interleaved_a;
  LogHistogram interleaved_b;
  for (size_t i = 0; i < samples.size(); ++i)
    (i % 2 ? interleaved_a : interleaved_b).add(samples[i]);
  interleaved_b.merge(interleaved_a);
  EXPECT_EQ(by_thirds, interleaved_b);
  EXPECT_EQ(by_thirds.count(), samples.size());
}

// The share of each bucket that add_from_cdf should reproduce within 1.
std::vector<double> bucket_shares(const std::function<double(double)>& cdf, uint64_t total,
                                  int first, int last) {
  std::vector<double> shares;
  double previous = 0.0;
  for (int i = first; i <= last; ++i) {
    const double upper = (i < last) ? cdf(LogHistogram::bucket_upper(i)) : 1.0;
    shares.push_back(static_cast<double>(total) * (upper - previous));
    previous = upper;
  }
  return shares;
}

TEST(LogHistogramTest, AddFromCdfSumsExactlyToTotalAndRoundsEachBucketWithinOne) {
  const double mu = std::log(0.02);
  const double sigma = 0.7;
  const auto lognormal = [&](double t) { return lognormal_cdf(t, mu, sigma); };
  const auto exponential = [](double t) { return -std::expm1(-t / 0.01); };
  const ResponseTime mmc = mmc_response_time(10, 900.0, 100.0);
  const auto mmc_cdf = [&](double t) { return mmc.cdf(t); };

  struct Case {
    std::function<double(double)> cdf;
    double lo;
    double hi;
  };
  const std::vector<Case> cases = {{lognormal, 0.005, 0.5},
                                   {exponential, 1e-4, 0.1},
                                   {mmc_cdf, 0.004, 0.2},
                                   {lognormal, 0.0, 10.0}};
  for (const uint64_t total : {uint64_t{1}, uint64_t{2}, uint64_t{7}, uint64_t{999},
                               uint64_t{123457}, uint64_t{1000000}, uint64_t{987654321}}) {
    for (size_t k = 0; k < cases.size(); ++k) {
      const Case& c = cases[k];
      LogHistogram h;
      h.add_from_cdf(c.cdf, total, c.lo, c.hi);
      ASSERT_EQ(h.count(), total) << "case " << k << " total " << total;

      const int first = LogHistogram::bucket_index(c.lo);
      const int last = LogHistogram::bucket_index(c.hi);
      const std::vector<double> shares = bucket_shares(c.cdf, total, first, last);
      uint64_t sum = 0;
      for (int i = LogHistogram::kZeroIndex; i <= LogHistogram::kMaxIndex; ++i) {
        const uint64_t n = h.count_at(i);
        sum += n;
        if (i < first || i > last) {
          ASSERT_EQ(n, 0u) << "case " << k << " index " << i;
          continue;
        }
        const double share = shares[static_cast<size_t>(i - first)];
        ASSERT_LT(std::abs(static_cast<double>(n) - share), 1.0)
            << "case " << k << " total " << total << " index " << i;
      }
      ASSERT_EQ(sum, total);
    }
  }
}

TEST(LogHistogramTest, AddFromCdfBreaksTiesTowardsTheLowerIndex) {
  // Half of the mass below 10 ms, half at 50 ms: with an odd total the one
  // unit left over is a tie of two remainders of 0.5.
  const auto step = [](double t) { return t < 0.05 ? 0.5 : 1.0; };
  LogHistogram h;
  h.add_from_cdf(step, 3, 0.01, 0.1);
  const int low = LogHistogram::bucket_index(0.01);
  const int high = LogHistogram::bucket_index(0.05);
  EXPECT_EQ(h.count_at(low), 2u);
  EXPECT_EQ(h.count_at(high), 1u);
  EXPECT_EQ(h.count(), 3u);

  // Four equal quarters (exact in binary, so the remainders tie exactly) of
  // a total of 2: the two lowest buckets get the units.
  const auto quarters = [](double t) {
    return t < 0.02 ? 0.25 : (t < 0.04 ? 0.5 : (t < 0.06 ? 0.75 : 1.0));
  };
  LogHistogram q;
  q.add_from_cdf(quarters, 2, 0.01, 0.1);
  EXPECT_EQ(q.count_at(low), 1u);
  EXPECT_EQ(q.count_at(LogHistogram::bucket_index(0.02)), 1u);
  EXPECT_EQ(q.count_at(LogHistogram::bucket_index(0.04)), 0u);
  EXPECT_EQ(q.count_at(LogHistogram::bucket_index(0.06)), 0u);
  EXPECT_EQ(q.count(), 2u);
  // With a total of 7 (shares 1.75 each) the three lowest get the three units.
  LogHistogram seven;
  seven.add_from_cdf(quarters, 7, 0.01, 0.1);
  EXPECT_EQ(seven.count_at(low), 2u);
  EXPECT_EQ(seven.count_at(LogHistogram::bucket_index(0.02)), 2u);
  EXPECT_EQ(seven.count_at(LogHistogram::bucket_index(0.04)), 2u);
  EXPECT_EQ(seven.count_at(LogHistogram::bucket_index(0.06)), 1u);
}

TEST(LogHistogramTest, AddFromCdfLumpsTheMassOutsideTheRange) {
  // An exponential with mean 10 ms over [5 ms, 20 ms]: everything below lands
  // in 5 ms's bucket, everything above in 20 ms's.
  const auto exponential = [](double t) { return -std::expm1(-t / 0.01); };
  LogHistogram h;
  const uint64_t total = 1000000;
  h.add_from_cdf(exponential, total, 0.005, 0.02);
  const int first = LogHistogram::bucket_index(0.005);
  const int last = LogHistogram::bucket_index(0.02);
  const double below = exponential(LogHistogram::bucket_upper(first));
  const double above = 1.0 - exponential(LogHistogram::bucket_upper(last - 1));
  EXPECT_NEAR(static_cast<double>(h.count_at(first)), total * below, 1.0);
  EXPECT_NEAR(static_cast<double>(h.count_at(last)), total * above, 1.0);
  EXPECT_GT(h.count_at(last), total / 10);
  // The extreme quantiles are the lumps, and the histogram is the same, bit
  // for bit, as one built by adding each bucket's count at a value inside it.
  EXPECT_EQ(h.quantile(0.0), LogHistogram::bucket_representative(first));
  EXPECT_EQ(h.quantile(1.0), LogHistogram::bucket_representative(last));
  LogHistogram by_value;
  for (int i = first; i <= last; ++i) {
    by_value.add(LogHistogram::bucket_representative(i), h.count_at(i));
  }
  EXPECT_EQ(by_value, h);

  // lo and hi in either order, and a single bucket.
  LogHistogram swapped;
  swapped.add_from_cdf(exponential, total, 0.02, 0.005);
  EXPECT_EQ(swapped, h);
  LogHistogram single;
  single.add_from_cdf(exponential, 17, 0.03, 0.03);
  EXPECT_EQ(single.count_at(LogHistogram::bucket_index(0.03)), 17u);
  EXPECT_EQ(single.count(), 17u);
  // Nothing for a total of 0.
  LogHistogram none;
  none.add_from_cdf(exponential, 0, 0.005, 0.02);
  EXPECT_EQ(none, LogHistogram());
}

TEST(LogHistogramTest, AddFromCdfToleratesABadCdf) {
  // NaN, values above 1 and below 0, and dips: no negative mass, exact total.
  const auto bad = [](double t) {
    if (t < 0.002) return -0.5;
    if (t < 0.004) return kNaN;
    if (t < 0.01) return 0.6;
    if (t < 0.02) return 0.3;  // A dip: counts as 0.6.
    return 1.7;
  };
  LogHistogram h;
  const uint64_t total = 1000;
  h.add_from_cdf(bad, total, 0.001, 0.05);
  EXPECT_EQ(h.count(), total);
  uint64_t sum = 0;
  for (int i = LogHistogram::kZeroIndex; i <= LogHistogram::kMaxIndex; ++i) {
    EXPECT_LE(h.count_at(i), total);
    sum += h.count_at(i);
  }
  EXPECT_EQ(sum, total);
  // The cdf first reads 0.6 at the upper bound of 4 ms's bucket, and 1 at that
  // of 20 ms's: all the mass is in those two buckets.
  EXPECT_EQ(h.count_at(LogHistogram::bucket_index(0.004)), 600u);
  EXPECT_EQ(h.count_at(LogHistogram::bucket_index(0.02)), 400u);
}

TEST(LogHistogramTest, AddFromCdfHandlesTotalsBeyondDoublePrecision) {
  const auto exponential = [](double t) { return -std::expm1(-t / 0.01); };
  LogHistogram h;
  const uint64_t total = (uint64_t{1} << 62) + 12345;
  h.add_from_cdf(exponential, total, 0.001, 0.1);
  EXPECT_EQ(h.count(), total);
  uint64_t sum = 0;
  for (int i = LogHistogram::kZeroIndex; i <= LogHistogram::kMaxIndex; ++i) sum += h.count_at(i);
  EXPECT_EQ(sum, total);
  // The p95 of an exponential with mean 10 ms is 10 ms * ln 20.
  const double exact = 0.01 * std::log(20.0);
  EXPECT_LE(std::abs(h.quantile(0.95) - exact) / exact, kBound);
}

TEST(LogHistogramTest, AddFromCdfQuantilesMatchAnalyticQuantiles) {
  // An exponential, a lognormal and the M/M/c response time (c = 10,
  // mu = 100/s, rho = 0.9, theta == mu) at 1e9 requests: p50, p95, p99 each within
  // the bucket error of the analytic quantile.
  const double exp_mean = 0.01;
  const auto exponential = [&](double t) { return -std::expm1(-t / exp_mean); };
  const double ln_mu = std::log(0.02);
  const double ln_sigma = 0.7;
  const auto lognormal = [&](double t) { return lognormal_cdf(t, ln_mu, ln_sigma); };
  const ResponseTime mmc = mmc_response_time(10, 900.0, 100.0);
  const auto mmc_cdf = [&](double t) { return mmc.cdf(t); };
  constexpr uint64_t kTotal = 1000000000;

  for (const double q : {0.5, 0.95, 0.99}) {
    const double z = (q == 0.5) ? 0.0 : (q == 0.95 ? 1.6448536269514722 : 2.3263478740408408);
    const double exact_exp = -exp_mean * std::log1p(-q);
    const double exact_lognormal = std::exp(ln_mu + ln_sigma * z);
    const double exact_mmc = mmc.quantile(q);
    LogHistogram he;
    he.add_from_cdf(exponential, kTotal, 1e-4, 0.2);
    LogHistogram hl;
    hl.add_from_cdf(lognormal, kTotal, 0.002, 0.5);
    LogHistogram hm;
    hm.add_from_cdf(mmc_cdf, kTotal, mmc.quantile(0.3), mmc.quantile(0.9999));
    EXPECT_LE(std::abs(he.quantile(q) - exact_exp) / exact_exp, kBound) << "q " << q;
    EXPECT_LE(std::abs(hl.quantile(q) - exact_lognormal) / exact_lognormal, kBound) << "q " << q;
    EXPECT_LE(std::abs(hm.quantile(q) - exact_mmc) / exact_mmc, kBound) << "q " << q;
  }
}

TEST(LogHistogramTest, AddFromCdfWithStrideStaysCloseAndExact) {
  const double ln_mu = std::log(0.02);
  const double ln_sigma = 0.7;
  const auto lognormal = [&](double t) { return lognormal_cdf(t, ln_mu, ln_sigma); };
  const ResponseTime mmc = mmc_response_time(10, 950.0, 100.0);
  const auto mmc_cdf = [&](double t) { return mmc.cdf(t); };
  int calls = 0;
  const auto counted = [&](double t) {
    ++calls;
    return lognormal(t);
  };
  constexpr uint64_t kTotal = 10000000;

  LogHistogram full;
  full.add_from_cdf(counted, kTotal, 0.002, 0.5);
  const int full_calls = calls;
  // A stride of 1 is the default.
  LogHistogram one;
  one.add_from_cdf(lognormal, kTotal, 0.002, 0.5, 1);
  EXPECT_EQ(one, full);

  for (const int stride : {2, 4, 8}) {
    calls = 0;
    LogHistogram h;
    h.add_from_cdf(counted, kTotal, 0.002, 0.5, stride);
    EXPECT_EQ(h.count(), kTotal);
    EXPECT_LE(calls, full_calls / stride + 2) << "stride " << stride;
    LogHistogram m;
    m.add_from_cdf(mmc_cdf, kTotal, mmc.quantile(0.3), mmc.quantile(0.9999), stride);
    EXPECT_EQ(m.count(), kTotal);
    for (const double q : {0.5, 0.95, 0.99}) {
      const double z = (q == 0.5) ? 0.0 : (q == 0.95 ? 1.6448536269514722 : 2.3263478740408408);
      const double exact_lognormal = std::exp(ln_mu + ln_sigma * z);
      const double exact_mmc = mmc.quantile(q);
      // Interpolation may move a rank into a neighbouring bucket at most.
      EXPECT_LE(std::abs(h.quantile(q) - exact_lognormal) / exact_lognormal, 3.0 * kBound)
          << "stride " << stride << " q " << q;
      EXPECT_LE(std::abs(m.quantile(q) - exact_mmc) / exact_mmc, 3.0 * kBound)
          << "stride " << stride << " q " << q;
    }
  }
  // The stride is clamped to 1..32.
  LogHistogram zero_stride;
  zero_stride.add_from_cdf(lognormal, kTotal, 0.002, 0.5, 0);
  EXPECT_EQ(zero_stride, full);
  LogHistogram s32;
  LogHistogram s99;
  s32.add_from_cdf(lognormal, kTotal, 0.002, 0.5, 32);
  s99.add_from_cdf(lognormal, kTotal, 0.002, 0.5, 99);
  EXPECT_EQ(s32, s99);
}

TEST(LogHistogramTest, AddFromCdfOfMatchingSampleAgreesWithSampleHistogram) {
  // A lognormal sample and the lognormal's CDF give the same p50/p95/p99
  // bucket, or an adjacent one where the sample's randomness tips a rank.
  const double mu = std::log(0.03);
  const double sigma = 0.6;
  const std::vector<double> samples = lognormal_samples(11, 100000, mu, sigma);
  const LogHistogram sampled = histogram_of(samples, 0, samples.size());
  LogHistogram analytic;
  analytic.add_from_cdf([&](double t) { return lognormal_cdf(t, mu, sigma); }, samples.size(),
                        0.001, 1.0);
  EXPECT_EQ(analytic.count(), sampled.count());
  for (const double q : {0.5, 0.95, 0.99}) {
    const int a = LogHistogram::bucket_index(analytic.quantile(q));
    const int s = LogHistogram::bucket_index(sampled.quantile(q));
    EXPECT_LE(std::abs(a - s), 1) << "q " << q;
  }
}

}  // namespace
}  // namespace dreamsim::model
