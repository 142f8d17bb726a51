// A deterministic, mergeable log-bucketed latency histogram: where p95 comes from.
//
// The golden signals need p50/p95/p99 of response time per service, per tick,
// merged over windows, and merged again across shards into exactly what one
// machine would have produced. A sketch whose result depends on insertion or
// merge order (t-digest) or on randomness (KLL) cannot give that, so this is a
// plain histogram with fixed, exponentially growing buckets: merging adds
// counts, which is associative and commutative, and therefore bit-exact in any
// order (algorithms.md 3.3 and 3.5).
//
// The buckets are those of Prometheus native histograms at schema 5 (client_golang
// `histogram.go`): the growth factor is gamma = 2^(1/32), and bucket i covers the
// half-open interval (gamma^(i-1), gamma^i] seconds, upper bound inclusive. The
// index of a value v is found without log() or pow(), which differ between
// libms: std::frexp splits v into a mantissa m in [0.5, 1) and an exponent e,
// and i = 32*(e-1) + j, where j is the number of entries of a constant table
// kMantissaBounds[j] = 2^(j/32 - 1), j = 0..31, that are smaller than m. The
// table is written out as literals, correctly rounded, so the bucket of a value
// is the same on every platform.
//
// A quantile is reported as the bucket's representative value 2*gamma^i/(gamma+1)
// (DDSketch, Masson et al., VLDB 2019), the point whose relative distance to
// both ends of (gamma^(i-1), gamma^i] is the same, alpha = (gamma-1)/(gamma+1)
// ~= 1.083 %. So every reported quantile is within 1.083 % of the true value of
// the sample of that rank, for values inside the covered range.
//
// The covered range is 1 us .. ~100 s, held densely: 851 regular buckets, from
// index kMinIndex = -637, which holds (1 us, gamma^-637 ~= 1.0153 us], to
// kMaxIndex = 213, whose upper bound is gamma^213 ~= 100.86 s. Two buckets
// lose the relative-error guarantee, on purpose:
//   - The zero bucket holds every value <= 1 us, including 0 and negative
//     values. Its quantile is reported as 0, so the error there is at most
//     1 us absolute. Nothing in the model is faster than a microsecond.
//   - The top bucket kMaxIndex also receives every value above its upper bound
//     (and NaN, which is a model bug that should show up as the worst latency,
//     not vanish). A quantile that lands there is reported as ~99.77 s, an
//     underestimate for clamped values; clients time out long before 100 s, so
//     the model never needs more. clamped_count() says how many were clamped.
//
// Counts are u64 in a fixed array (852 * 8 bytes, no heap), and the histogram
// remembers its lowest and highest non-empty bucket, so that merging a narrow
// per-tick histogram and finding a tail quantile touch only the occupied span.
//
// Quantiles use the nearest-rank definition: quantile(q) is the representative
// of the bucket holding the observation of rank ceil(q*n) (1-based, clamped to
// [1, n]), the same rank as the exact nearest-rank quantile of the raw sample.
// q*n is computed in double; a product within a relative 1e-12 of an integer
// counts as that integer, so that q = 0.07 with n = 100 means rank 7 and not
// rank 8 (0.07*100 is 7.000000000000001 in binary floating point).
#pragma once

#include <array>
#include <cstdint>
#include <functional>

namespace dreamsim::model {

class LogHistogram {
 public:
  // The Prometheus schema: buckets per octave is 2^kSchema.
  static constexpr int kSchema = 5;
  static constexpr int kBucketsPerOctave = 32;
  // gamma = 2^(1/32), the ratio of a bucket's upper to its lower bound.
  static constexpr double kGamma = 1.0218971486541166;
  // alpha = (gamma-1)/(gamma+1): the worst relative error of a quantile.
  static constexpr double kRelativeError = 0.010830001253373642;
  // Values at or below this many seconds (1 us) go to the zero bucket.
  static constexpr double kZeroThreshold = 1e-6;
  // The lowest and highest regular bucket indices; see the essay above.
  static constexpr int kMinIndex = -637;
  static constexpr int kMaxIndex = 213;
  // The index that bucket_index() returns for the zero bucket.
  static constexpr int kZeroIndex = kMinIndex - 1;
  // The zero bucket plus the regular buckets.
  static constexpr int kBucketCount = kMaxIndex - kMinIndex + 2;
  // The largest stride add_from_cdf accepts: one evaluation per octave.
  static constexpr int kMaxStride = 32;

  LogHistogram() = default;

  // Records `count` observations of `seconds`. Costs a frexp and a five-step
  // search of the mantissa table.
  void add(double seconds, uint64_t count = 1);

  // Spreads `total` observations over the buckets from the one holding `lo`
  // to the one holding `hi` (seconds, in either order), following the distribution
  // whose cumulative distribution function is `cdf` (cdf(t) = P(T <= t)).
  //
  // cdf is evaluated only at the upper bounds of the buckets from lo's up to
  // the one below hi's: one call per bucket, about 32 per octave. The mass
  // below lo's bucket is lumped into lo's bucket, and the mass above hi's
  // bucket into hi's bucket, so quantiles between cdf(lo) and cdf(hi) keep the
  // bucket's error bound and those outside the range read as lo's or hi's
  // bucket. Pick lo near the p50 and hi above the p99.9 that matter.
  //
  // The expected counts total * mass are rounded to integers by the
  // largest-remainder method: each bucket first gets the floor of its share,
  // and the units still missing go one each to the buckets with the largest
  // fractional remainders, ties to the lower index. The counts then sum
  // exactly to total, each is within 1 of its share, and the result is a pure
  // function of the cdf values. Values of cdf outside [0, 1], NaN, or smaller
  // than an earlier one are taken as the nearest valid value (clamped to
  // [0, 1], never decreasing), so a sloppy cdf cannot make negative mass.
  //
  // A total above 2^40, where total * mass in double would stop being exact
  // enough for this, is rounded as k chunks of 2^40 (one rounding, repeated)
  // plus the rest: the sum is still exact, each count within k + 1 of its
  // share. The cost does not depend on total. Nothing is added for total 0.
  //
  // stride > 1 trades accuracy for speed: cdf is then evaluated only at every
  // stride-th inner bound (and the last), and linearly interpolated in log time
  // in between. For smooth distributions a stride of 4 adds a few tenths of a
  // percent to the quantile error and saves three quarters of the cdf calls;
  // the buckets, and so merging, stay those of schema 5. Clamped to 1..32.
  void add_from_cdf(const std::function<double(double)>& cdf, uint64_t total, double lo, double hi,
                    int stride = 1);

  // Adds the counts of `other` to this histogram. Associative and commutative
  // to the bit: merging any partition of a sample in any order gives the
  // histogram of the whole sample.
  void merge(const LogHistogram& other);

  // Forgets every observation.
  void clear();

  // The number of observations.
  uint64_t count() const { return count_; }
  // The number of observations above the top bucket's upper bound (and NaN),
  // which were counted in the top bucket.
  uint64_t clamped_count() const { return clamped_; }
  // The count of bucket `index` (kZeroIndex or kMinIndex..kMaxIndex); 0 for
  // any other index.
  uint64_t count_at(int index) const;

  // The nearest-rank q-quantile, 0 <= q <= 1 (q outside is clamped), as the
  // representative value of the bucket holding rank ceil(q*n); 0 when that
  // is the zero bucket; NaN when the histogram is empty or q is NaN.
  double quantile(double q) const;

  // The bucket index of a value: kZeroIndex for seconds <= 1 us, kMaxIndex for
  // anything above bucket_lower(kMaxIndex) and for NaN, otherwise the i with
  // gamma^(i-1) < seconds <= gamma^i.
  static int bucket_index(double seconds);
  // The bounds of bucket `index`: (bucket_lower, bucket_upper]. For a regular
  // index these are the schema's gamma^(index-1) and gamma^index, exact
  // powers computed from the mantissa table with ldexp, for any int (also
  // outside kMinIndex..kMaxIndex). For kZeroIndex they are 0 and 1 us.
  // The edge buckets are wider in use: kMinIndex effectively starts at 1 us and
  // kMaxIndex extends to infinity (see the essay).
  static double bucket_lower(int index);
  static double bucket_upper(int index);
  // The value reported for a quantile in bucket `index`:
  // 2*gamma^index/(gamma+1), or 0 for kZeroIndex.
  static double bucket_representative(int index);

  friend bool operator==(const LogHistogram&, const LogHistogram&) = default;

 private:
  // Counts by dense position: 0 is the zero bucket, index i is at
  // i - kMinIndex + 1.
  std::array<uint64_t, kBucketCount> counts_{};
  uint64_t count_ = 0;
  uint64_t clamped_ = 0;
  // The lowest and highest non-empty dense positions; lo_ > hi_ when empty.
  // They are functions of counts_, so the defaulted equality stays exact.
  int lo_ = kBucketCount;
  int hi_ = -1;

  void add_dense(int pos, uint64_t count);
  // Adds counts[0..n) to the dense positions first.. first + n - 1.
  void add_span(int first, int n, const uint64_t* counts);
  // The largest-remainder rounding of total * mass over n buckets, where
  // cdf_at_upper holds the n - 1 inner cdf values; total <= 2^40.
  static void round_shares(const double* cdf_at_upper, int n, uint64_t total, uint64_t* counts);
};

}  // namespace dreamsim::model
