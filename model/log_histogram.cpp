#include "model/log_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <limits>

namespace dreamsim::model {
namespace {

// kMantissaBounds[j] = 2^(j/32 - 1), correctly rounded to double (computed with
// 60 decimal digits). Being literals rather than the result of exp2() at
// start-up, they are the same on every libm. client_golang's schema-5 table was
// built by repeated multiplication and is 1 to 3 ulps low in 19 of the 32
// entries (2^(-1/2) is 0.7071067811865475 there, not the nearest double), so a
// value within a few ulps of such a bound may land one bucket away from
// Prometheus's choice; nothing here depends on agreeing with it to the ulp.
// clang-format off
constexpr std::array<double, LogHistogram::kBucketsPerOctave> kMantissaBounds = {
    0.5, 0.5109485743270583, 0.5221368912137069, 0.5335702003384118,
    0.5452538663326288, 0.5571933712979462, 0.5693943173783458, 0.5818624293887887,
    0.5946035575013605, 0.6076236799902345, 0.620928906036742, 0.6345254785958666,
    0.6484197773255048, 0.6626183215798707, 0.6771277734684463, 0.691954940981916,
    0.7071067811865476, 0.7225904034885233, 0.7384130729697497, 0.7545822137967114,
    0.7711054127039704, 0.7879904225539432, 0.8052451659746271, 0.8228777390769825,
    0.8408964152537145, 0.859309649061239, 0.8781260801866497, 0.8973545375015536,
    0.9170040432046712, 0.93708381705515, 0.9576032806985737, 0.9785720620877001,
};
// clang-format on

// 2/(gamma+1): the representative of a bucket is its upper bound times this.
constexpr double kRepresentativeFactor = 0.9891699987466264;

// gamma^index for any index, exactly as the mantissa table defines it: with
// index = 32*q + r, 0 <= r < 32, gamma^index = 2^q * 2^(r/32) = 2^(q+1) * kMantissaBounds[r].
// Right shift of a negative int is an arithmetic (floor) shift since C++20.
double nominal_upper(int index) {
  const int octave = index >> 5;
  const int step = index & 31;
  return std::ldexp(kMantissaBounds[static_cast<size_t>(step)], octave + 1);
}

// The upper bound of the bucket at a dense position below the top, as
// nominal_upper but with the power of two built from its bits, exact for the
// octaves of the covered range, and cheaper than an ldexp call.
double dense_upper(int pos) {
  if (pos == 0) return LogHistogram::kZeroThreshold;
  const int index = pos + LogHistogram::kZeroIndex;
  const int octave = (index >> 5) + 1;
  const double scale = std::bit_cast<double>(static_cast<uint64_t>(1023 + octave) << 52);
  return kMantissaBounds[static_cast<size_t>(index & 31)] * scale;
}

// The lower bound of the top bucket, gamma^212 = 2^7 * kMantissaBounds[20],
// and its upper bound gamma^213 = 2^7 * kMantissaBounds[21]: everything above
// the first lands in the top bucket, everything above the second is clamped.
constexpr double kTopLower = 128.0 * kMantissaBounds[(LogHistogram::kMaxIndex - 1) & 31];
constexpr double kTopUpper = 128.0 * kMantissaBounds[LogHistogram::kMaxIndex & 31];
static_assert(((LogHistogram::kMaxIndex - 1) >> 5) + 1 == 7);
static_assert((LogHistogram::kMaxIndex >> 5) + 1 == 7);

// The number of table entries strictly below m, for m in [0.5, 1): a
// branch-free binary search over the 32 sorted bounds, then one last step,
// since the answer has 33 possible values.
int mantissa_rank(double m) {
  int j = 0;
  for (int step = 16; step >= 1; step /= 2) {
    j += (kMantissaBounds[static_cast<size_t>(j + step - 1)] < m) ? step : 0;
  }
  return j + ((kMantissaBounds[static_cast<size_t>(j)] < m) ? 1 : 0);
}

// The dense position of a value (0 is the zero bucket).
int dense_pos(double seconds) {
  return LogHistogram::bucket_index(seconds) - LogHistogram::kZeroIndex;
}

// The largest total handed to one largest-remainder pass. The shares
// total * mass are then exact to far below one unit in double (the error of
// their sum is below total * 2^-51 < 0.001), which the proof in round_shares
// needs.
constexpr uint64_t kMaxChunk = uint64_t{1} << 40;

}  // namespace

int LogHistogram::bucket_index(double seconds) {
  // The negated comparison also sends NaN to the top bucket.
  if (!(seconds <= kTopLower)) return kMaxIndex;
  if (seconds <= kZeroThreshold) return kZeroIndex;
  int exponent = 0;
  const double mantissa = std::frexp(seconds, &exponent);
  // No clamp to kMinIndex is needed: gamma^(kMinIndex-1) < 1 us, so any value
  // above kZeroThreshold already has an index >= kMinIndex.
  return kBucketsPerOctave * (exponent - 1) + mantissa_rank(mantissa);
}

double LogHistogram::bucket_lower(int index) {
  return index == kZeroIndex ? 0.0 : nominal_upper(index - 1);
}

double LogHistogram::bucket_upper(int index) {
  return index == kZeroIndex ? kZeroThreshold : nominal_upper(index);
}

double LogHistogram::bucket_representative(int index) {
  return index == kZeroIndex ? 0.0 : nominal_upper(index) * kRepresentativeFactor;
}

void LogHistogram::add_dense(int pos, uint64_t count) {
  if (count == 0) return;
  counts_[static_cast<size_t>(pos)] += count;
  count_ += count;
  lo_ = std::min(lo_, pos);
  hi_ = std::max(hi_, pos);
}

void LogHistogram::add(double seconds, uint64_t count) {
  if (count == 0) return;
  if (!(seconds <= kTopUpper)) clamped_ += count;
  add_dense(dense_pos(seconds), count);
}

uint64_t LogHistogram::count_at(int index) const {
  if (index < kZeroIndex || index > kMaxIndex) return 0;
  return counts_[static_cast<size_t>(index - kZeroIndex)];
}

void LogHistogram::merge(const LogHistogram& other) {
  for (int pos = other.lo_; pos <= other.hi_; ++pos) {
    counts_[static_cast<size_t>(pos)] += other.counts_[static_cast<size_t>(pos)];
  }
  count_ += other.count_;
  clamped_ += other.clamped_;
  lo_ = std::min(lo_, other.lo_);
  hi_ = std::max(hi_, other.hi_);
}

void LogHistogram::clear() {
  for (int pos = lo_; pos <= hi_; ++pos) counts_[static_cast<size_t>(pos)] = 0;
  count_ = 0;
  clamped_ = 0;
  lo_ = kBucketCount;
  hi_ = -1;
}

double LogHistogram::quantile(double q) const {
  if (count_ == 0 || std::isnan(q)) return std::numeric_limits<double>::quiet_NaN();
  q = std::clamp(q, 0.0, 1.0);
  const double n = static_cast<double>(count_);
  const double product = q * n;
  const double whole = std::floor(product);
  // A product a hair above an integer is taken as that integer (see the essay).
  const double rank_f = (product - whole <= product * 1e-12) ? whole : whole + 1.0;
  uint64_t rank = 1;
  if (rank_f >= n) {
    rank = count_;
  } else if (rank_f > 1.0) {
    rank = static_cast<uint64_t>(rank_f);
  }

  int pos = hi_;
  if (rank <= count_ / 2) {
    // Low quantiles: walk up until the running count reaches the rank.
    uint64_t below = 0;
    for (pos = lo_; pos < hi_; ++pos) {
      below += counts_[static_cast<size_t>(pos)];
      if (below >= rank) break;
    }
  } else {
    // High quantiles, the common case: walk down until more than count - rank
    // observations lie at or above the bucket.
    const uint64_t above_allowed = count_ - rank;
    uint64_t above = 0;
    for (pos = hi_; pos > lo_; --pos) {
      above += counts_[static_cast<size_t>(pos)];
      if (above > above_allowed) break;
    }
  }
  return bucket_representative(pos + kZeroIndex);
}

void LogHistogram::add_from_cdf(const std::function<double(double)>& cdf, uint64_t total, double lo,
                                double hi, int stride) {
  if (total == 0) return;
  int first = dense_pos(lo);
  int last = dense_pos(hi);
  if (first > last) std::swap(first, last);
  if (first == last) {
    add_dense(first, total);
    return;
  }
  const int n = last - first + 1;
  stride = std::clamp(stride, 1, kMaxStride);

  // cdf at the upper bound of every bucket but the last (the inner bounds),
  // made a valid, non-decreasing CDF: NaN and dips take the previous value.
  // With a stride, it is evaluated at inner bounds 0, stride, 2*stride, ...
  // and the last one, and interpolated linearly in the position (that is, in
  // log time) in between, which keeps it non-decreasing.
  const int inner = n - 1;
  std::array<double, kBucketCount> cdf_at_upper;
  double previous = 0.0;
  int previous_k = -1;
  for (int k = 0; k < inner;) {
    double value = cdf(dense_upper(first + k));
    if (!(value >= previous)) value = previous;
    if (value > 1.0) value = 1.0;
    if (k - previous_k > 1) {
      const double slope = (value - previous) / static_cast<double>(k - previous_k);
      for (int j = previous_k + 1; j < k; ++j) {
        cdf_at_upper[static_cast<size_t>(j)] =
            previous + slope * static_cast<double>(j - previous_k);
      }
    }
    cdf_at_upper[static_cast<size_t>(k)] = value;
    previous = value;
    previous_k = k;
    if (k + stride < inner) {
      k += stride;
    } else {
      k = (k == inner - 1) ? inner : inner - 1;
    }
  }

  // Totals beyond one chunk: the rounding of a full chunk is computed once and
  // added as many times as it fits, then the rest is rounded on its own.
  std::array<uint64_t, kBucketCount> counts;
  const uint64_t full_chunks = total / kMaxChunk;
  const uint64_t rest = total % kMaxChunk;
  if (full_chunks > 0) {
    round_shares(cdf_at_upper.data(), n, kMaxChunk, counts.data());
    for (int k = 0; k < n; ++k) counts[static_cast<size_t>(k)] *= full_chunks;
    add_span(first, n, counts.data());
  }
  if (rest > 0) {
    round_shares(cdf_at_upper.data(), n, rest, counts.data());
    add_span(first, n, counts.data());
  }
}

void LogHistogram::add_span(int first, int n, const uint64_t* counts) {
  int first_used = n;
  int last_used = -1;
  for (int k = 0; k < n; ++k) {
    counts_[static_cast<size_t>(first + k)] += counts[k];
    count_ += counts[k];
  }
  for (int k = 0; k < n; ++k) {
    if (counts[k] != 0) {
      first_used = k;
      break;
    }
  }
  for (int k = n - 1; k >= 0; --k) {
    if (counts[k] != 0) {
      last_used = k;
      break;
    }
  }
  if (first_used <= last_used) {
    lo_ = std::min(lo_, first + first_used);
    hi_ = std::max(hi_, first + last_used);
  }
}

void LogHistogram::round_shares(const double* cdf_at_upper, int n, uint64_t total,
                                uint64_t* counts) {
  if (n == 1) {
    counts[0] = total;
    return;
  }
  const double total_f = static_cast<double>(total);
  std::array<double, kBucketCount> remainders;
  uint64_t assigned = 0;
  double lower = 0.0;
  for (int k = 0; k < n; ++k) {
    const double upper = (k + 1 < n) ? cdf_at_upper[k] : 1.0;
    // The mass is >= 0 because the cdf values were made non-decreasing, and the
    // share is below 2^41, so truncation through int64 is the floor.
    const double share = total_f * (upper - lower);
    const auto whole = static_cast<uint64_t>(static_cast<int64_t>(share));
    counts[k] = whole;
    remainders[static_cast<size_t>(k)] = share - static_cast<double>(static_cast<int64_t>(whole));
    assigned += whole;
    lower = upper;
  }

  // Why 0 <= missing <= n: each mass is a difference of two numbers in [0, 1]
  // rounded once, so the masses sum to 1 within 2^-53, and each share is
  // rounded once more. For total <= 2^40 the shares sum to total within 0.001.
  // The floors are at most the shares, so they sum to at most total; each
  // floor is more than its share minus 1, so they sum to more than total - n.
  const uint64_t missing = total - assigned;
  if (missing == 0) return;
  if (missing >= static_cast<uint64_t>(n)) {
    for (int k = 0; k < n; ++k) ++counts[k];
    return;
  }
  // The `missing` largest remainders, ties to the lower index: find the
  // missing-th largest remainder, give a unit to every bucket above it, then to
  // the buckets equal to it from the lowest index up until none is missing.
  // Only values are compared, so the result does not depend on how
  // nth_element orders equal ones.
  std::array<double, kBucketCount> sorted;
  for (int k = 0; k < n; ++k) sorted[static_cast<size_t>(k)] = remainders[static_cast<size_t>(k)];
  const auto nth = sorted.begin() + static_cast<std::ptrdiff_t>(missing - 1);
  std::nth_element(sorted.begin(), nth, sorted.begin() + n, std::greater<double>());
  const double threshold = *nth;
  // Branch-free: the remainders are as good as random, so branches on them
  // would be mispredicted half of the time.
  uint64_t given = 0;
  for (int k = 0; k < n; ++k) {
    const uint64_t above = remainders[static_cast<size_t>(k)] > threshold ? 1 : 0;
    counts[k] += above;
    given += above;
  }
  for (int k = 0; k < n; ++k) {
    const uint64_t tie =
        (remainders[static_cast<size_t>(k)] == threshold && given < missing) ? 1 : 0;
    counts[k] += tie;
    given += tie;
  }
}

}  // namespace dreamsim::model
