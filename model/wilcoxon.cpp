#include "model/wilcoxon.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace dreamsim::model {

SignedRankResult wilcoxon_signed_rank(const std::vector<double>& differences,
                                      SignedRankMethod method) {
  SignedRankResult r;
  std::vector<double> d;
  d.reserve(differences.size());
  for (double v : differences) {
    if (v == 0 || std::isnan(v)) {
      ++r.zeros;
    } else {
      d.push_back(v);
    }
  }
  r.n = d.size();
  if (r.n == 0) return r;

  // Rank |d|; ties share the mean rank. Work in doubled ranks, which are
  // integers: a tie group at positions i..j (1-based) has rank (i+j)/2.
  std::vector<size_t> order(r.n);
  for (size_t i = 0; i < r.n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return std::abs(d[a]) < std::abs(d[b]); });
  std::vector<uint64_t> rank2(r.n);  // twice the rank
  double tie_term = 0;               // sum of t^3 - t
  for (size_t i = 0; i < r.n;) {
    size_t j = i;
    while (j + 1 < r.n && std::abs(d[order[j + 1]]) == std::abs(d[order[i]])) ++j;
    const uint64_t twice = static_cast<uint64_t>(i + 1 + j + 1);
    for (size_t k = i; k <= j; ++k) rank2[order[k]] = twice;
    const double t = static_cast<double>(j - i + 1);
    tie_term += t * t * t - t;
    i = j + 1;
  }
  uint64_t w2_plus = 0;
  uint64_t total2 = 0;
  for (size_t i = 0; i < r.n; ++i) {
    total2 += rank2[i];
    if (d[i] > 0) w2_plus += rank2[i];
  }
  r.w_plus = static_cast<double>(w2_plus) / 2.0;
  r.w_minus = static_cast<double>(total2 - w2_plus) / 2.0;

  const bool exact = method == SignedRankMethod::kExact ||
                     (method == SignedRankMethod::kAuto && r.n <= kExactMaxN);
  if (exact) {
    // count[s]: sign assignments whose positive doubled ranks sum to s.
    // Counts up to 2^n; as doubles they are exact up to n = 53, and close
    // enough beyond (kExact is for tests and small n).
    std::vector<double> count(total2 + 1, 0.0);
    count[0] = 1.0;
    uint64_t reach = 0;
    for (size_t i = 0; i < r.n; ++i) {
      const uint64_t step = rank2[i];
      reach += step;
      for (uint64_t s = reach; s >= step; --s) {
        count[s] += count[s - step];
        if (s == step) break;
      }
    }
    double below = 0;  // P(S <= w)
    double above = 0;  // P(S >= w)
    double all = 0;
    for (uint64_t s = 0; s <= total2; ++s) {
      all += count[s];
      if (s <= w2_plus) below += count[s];
      if (s >= w2_plus) above += count[s];
    }
    r.exact = true;
    r.p_value = std::min(1.0, 2.0 * std::min(below, above) / all);
    return r;
  }

  const double n = static_cast<double>(r.n);
  const double mean = n * (n + 1) / 4.0;
  const double variance = n * (n + 1) * (2 * n + 1) / 24.0 - tie_term / 48.0;
  if (variance <= 0) {
    r.p_value = 1.0;
    return r;
  }
  const double sigma = std::sqrt(variance);
  const double distance = std::max(0.0, std::abs(r.w_plus - mean) - 0.5);
  r.z = (r.w_plus >= mean ? 1.0 : -1.0) * distance / sigma;
  r.p_value = std::min(1.0, std::erfc(distance / sigma / std::sqrt(2.0)));
  return r;
}

double hodges_lehmann(const std::vector<double>& differences) {
  std::vector<double> walsh;
  const size_t n = differences.size();
  if (n == 0) return 0;
  walsh.reserve(n * (n + 1) / 2);
  for (size_t i = 0; i < n; ++i) {
    const double a = std::isnan(differences[i]) ? 0.0 : differences[i];
    for (size_t j = i; j < n; ++j) {
      const double b = std::isnan(differences[j]) ? 0.0 : differences[j];
      const double avg = (std::isinf(a) && std::isinf(b) && a != b) ? 0.0 : a / 2.0 + b / 2.0;
      walsh.push_back(avg);
    }
  }
  const size_t m = walsh.size();
  const auto mid = walsh.begin() + static_cast<std::ptrdiff_t>(m / 2);
  std::nth_element(walsh.begin(), mid, walsh.end());
  const double upper = *mid;
  if (m % 2 == 1) return upper;
  const double lower = *std::max_element(walsh.begin(), mid);
  if (std::isinf(lower) && std::isinf(upper) && lower != upper) return 0.0;
  return lower / 2.0 + upper / 2.0;
}

double min_p_value(size_t n) {
  return std::min(1.0, 2.0 * std::ldexp(1.0, -static_cast<int>(std::min<size_t>(n, 1000))));
}

}  // namespace dreamsim::model
