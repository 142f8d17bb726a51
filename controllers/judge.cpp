#include "controllers/judge.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace dreamsim::ctl {
namespace {

double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double mean_of(const std::vector<double>& v) {
  if (v.empty()) return 0.0;
  double sum = 0.0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

std::vector<double> finite(const std::vector<double>& v) {
  std::vector<double> out;
  out.reserve(v.size());
  for (double x : v) {
    if (std::isfinite(x)) out.push_back(x);
  }
  return out;
}

// P(Z > z) for a standard normal Z.
double upper_tail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

// The z with upper_tail(z) = 1 - p, by bisection (p in (0.5, 1)).
double normal_quantile(double p) {
  double lo = 0.0, hi = 40.0;
  for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (upper_tail(mid) > 1.0 - p) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

double variance_of(const std::vector<double>& v, double mean) {
  if (v.size() < 2) return 0.0;
  double ss = 0.0;
  for (double x : v) ss += (x - mean) * (x - mean);
  return ss / static_cast<double>(v.size() - 1);
}

// The standard error of mean(a) - mean(b) (Welch).
double welch_se(const std::vector<double>& a, const std::vector<double>& b) {
  const double va = variance_of(a, mean_of(a)) / static_cast<double>(a.size());
  const double vb = variance_of(b, mean_of(b)) / static_cast<double>(b.size());
  return std::sqrt(va + vb);
}

// The number of arrangements of m values of one sample and n of the other
// (no ties) giving each U = 0 .. m n, by c(u; m, n) = c(u - n; m - 1, n) +
// c(u; m, n - 1) (the largest value belongs to the first sample, adding n
// to its U, or to the second, adding nothing). Doubles: the counts are
// binomial coefficients, exact up to 2^53, and C(40, 20) is far below.
std::vector<double> u_counts(int m, int n) {
  // table[i][j] = the distribution for (i, j); built row by row.
  std::vector<std::vector<std::vector<double>>> table(
      static_cast<size_t>(m + 1), std::vector<std::vector<double>>(static_cast<size_t>(n + 1)));
  for (int i = 0; i <= m; ++i) {
    for (int j = 0; j <= n; ++j) {
      std::vector<double>& c = table[static_cast<size_t>(i)][static_cast<size_t>(j)];
      c.assign(static_cast<size_t>(i * j + 1), 0.0);
      if (i == 0 || j == 0) {
        c[0] = 1.0;
        continue;
      }
      const std::vector<double>& a = table[static_cast<size_t>(i - 1)][static_cast<size_t>(j)];
      const std::vector<double>& b = table[static_cast<size_t>(i)][static_cast<size_t>(j - 1)];
      for (size_t u = 0; u < c.size(); ++u) {
        if (u >= static_cast<size_t>(j) && u - static_cast<size_t>(j) < a.size()) {
          c[u] += a[u - static_cast<size_t>(j)];
        }
        if (u < b.size()) c[u] += b[u];
      }
    }
  }
  return table[static_cast<size_t>(m)][static_cast<size_t>(n)];
}

std::string format(const char* fmt, double a, double b = 0.0, double c = 0.0, double d = 0.0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, a, b, c, d);
  return buf;
}

}  // namespace

const char* to_string(Direction d) {
  switch (d) {
    case Direction::kIncrease: return "increase";
    case Direction::kDecrease: return "decrease";
    case Direction::kEither: return "either";
  }
  return "?";
}

const char* to_string(EffectStatistic s) {
  return s == EffectStatistic::kMedian ? "median" : "mean";
}

const char* to_string(MetricClass c) {
  switch (c) {
    case MetricClass::kPass: return "pass";
    case MetricClass::kMarginal: return "marginal";
    case MetricClass::kHigh: return "high";
    case MetricClass::kLow: return "low";
    case MetricClass::kNoData: return "nodata";
  }
  return "?";
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "pass";
    case Verdict::kMarginal: return "marginal";
    case Verdict::kFail: return "fail";
    case Verdict::kInconclusive: return "inconclusive";
  }
  return "?";
}

std::vector<JudgeMetric> default_judge_metrics() {
  std::vector<JudgeMetric> out(3);
  out[0].name = "latency_p95";
  out[0].critical = true;
  out[0].statistic = EffectStatistic::kMedian;
  out[0].tolerance = 0.25;
  out[1].name = "error_rate";
  out[1].critical = true;
  out[1].statistic = EffectStatistic::kMean;
  out[1].tolerance = 0.25;
  out[1].min_effect = 0.002;
  out[2].name = "cpu";
  out[2].weight = 0.5;
  out[2].statistic = EffectStatistic::kMedian;
  out[2].tolerance = 0.25;
  out[2].min_effect = 0.02;
  return out;
}

MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b,
                         Alternative alternative) {
  MannWhitney out;
  const size_t m = a.size();
  const size_t n = b.size();
  if (m == 0 || n == 0) return out;
  // Rank both samples together; ties take their average rank. The sort is on
  // (value, side, index), a total order, so equal values rank the same way
  // on every platform (their ranks are averaged anyway).
  struct Item {
    double value;
    uint8_t side;  // 0 = a, 1 = b
    uint32_t index;
  };
  std::vector<Item> all;
  all.reserve(m + n);
  for (size_t i = 0; i < m; ++i) all.push_back({a[i], 0, static_cast<uint32_t>(i)});
  for (size_t i = 0; i < n; ++i) all.push_back({b[i], 1, static_cast<uint32_t>(i)});
  std::sort(all.begin(), all.end(), [](const Item& x, const Item& y) {
    if (x.value != y.value) return x.value < y.value;
    if (x.side != y.side) return x.side < y.side;
    return x.index < y.index;
  });
  const double total = static_cast<double>(m + n);
  double rank_sum_a = 0.0;
  double tie_term = 0.0;  // sum of t^3 - t over tie groups
  bool ties = false;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].value == all[i].value) ++j;
    const double t = static_cast<double>(j - i);
    const double rank = 0.5 * (static_cast<double>(i + 1) + static_cast<double>(j));
    for (size_t k = i; k < j; ++k) {
      if (all[k].side == 0) rank_sum_a += rank;
    }
    if (t > 1.0) {
      ties = true;
      tie_term += t * t * t - t;
    }
    i = j;
  }
  const double md = static_cast<double>(m);
  const double nd = static_cast<double>(n);
  out.u = rank_sum_a - md * (md + 1.0) / 2.0;
  const double mean = md * nd / 2.0;

  if (!ties && static_cast<int64_t>(m) * static_cast<int64_t>(n) <= kExactPairs) {
    // U is an integer here.
    const std::vector<double> counts = u_counts(static_cast<int>(m), static_cast<int>(n));
    const double all_count = std::accumulate(counts.begin(), counts.end(), 0.0);
    const size_t u = static_cast<size_t>(std::llround(out.u));
    double ge = 0.0, le = 0.0;
    for (size_t k = 0; k < counts.size(); ++k) {
      if (k >= u) ge += counts[k];
      if (k <= u) le += counts[k];
    }
    const double p_ge = ge / all_count;
    const double p_le = le / all_count;
    out.exact = true;
    switch (alternative) {
      case Alternative::kGreater: out.p_value = p_ge; break;
      case Alternative::kLess: out.p_value = p_le; break;
      case Alternative::kTwoSided: out.p_value = std::min(1.0, 2.0 * std::min(p_ge, p_le)); break;
    }
    return out;
  }

  const double variance =
      md * nd / 12.0 * ((total + 1.0) - tie_term / (total * (total - 1.0)));
  if (!(variance > 0.0)) {
    // Every value is the same: nothing to tell the samples apart.
    out.z = 0.0;
    out.p_value = 1.0;
    return out;
  }
  const double sd = std::sqrt(variance);
  const double diff = out.u - mean;
  switch (alternative) {
    case Alternative::kGreater:
      out.z = (diff - 0.5) / sd;
      out.p_value = upper_tail(out.z);
      break;
    case Alternative::kLess:
      out.z = (diff + 0.5) / sd;
      out.p_value = 1.0 - upper_tail(out.z);
      break;
    case Alternative::kTwoSided: {
      const double zabs = std::max(0.0, std::fabs(diff) - 0.5) / sd;
      out.z = diff < 0.0 ? -zabs : zabs;
      out.p_value = std::min(1.0, 2.0 * upper_tail(zabs));
      break;
    }
  }
  return out;
}

Judgement judge(const JudgeConfig& config, const std::vector<MetricSamples>& samples) {
  Judgement out;
  const double alpha = 1.0 - config.confidence;
  const size_t min_samples = static_cast<size_t>(std::max(1, config.min_samples));
  double total_weight = 0.0;
  double scored = 0.0;
  bool no_data = false;
  int marginal_metrics = 0;
  std::string critical_failure;
  std::string no_data_metric;

  for (const JudgeMetric& metric : config.metrics) {
    MetricEvidence e;
    e.name = metric.name;
    e.critical = metric.critical;
    e.weight = metric.weight;
    const MetricSamples* s = nullptr;
    for (const MetricSamples& x : samples) {
      if (x.name == metric.name) s = &x;
    }
    std::vector<double> base, canary;
    if (s != nullptr) {
      base = finite(s->baseline);
      canary = finite(s->canary);
    }
    e.n_baseline = base.size();
    e.n_canary = canary.size();
    if (base.size() < min_samples || canary.size() < min_samples) {
      e.classification = MetricClass::kNoData;
      e.reason = format("too few samples: %.0f baseline, %.0f canary (at least %.0f each)",
                        static_cast<double>(base.size()), static_cast<double>(canary.size()),
                        static_cast<double>(min_samples));
      if (no_data_metric.empty()) no_data_metric = metric.name;
      no_data = true;
      out.metrics.push_back(std::move(e));
      continue;
    }
    e.baseline_median = median_of(base);
    e.canary_median = median_of(canary);
    const bool by_median = metric.statistic == EffectStatistic::kMedian;
    e.baseline_statistic = by_median ? e.baseline_median : mean_of(base);
    e.canary_statistic = by_median ? e.canary_median : mean_of(canary);
    e.effect = e.canary_statistic - e.baseline_statistic;
    e.allowed = metric.tolerance * std::fabs(e.baseline_statistic) + metric.min_effect;

    const Alternative alt = metric.bad == Direction::kIncrease   ? Alternative::kGreater
                            : metric.bad == Direction::kDecrease ? Alternative::kLess
                                                                 : Alternative::kTwoSided;
    const MannWhitney test = mann_whitney(canary, base, alt);
    e.u = test.u;
    e.z = test.z;
    e.p_value = test.p_value;
    e.exact = test.exact;

    const bool significant = test.p_value < alpha;
    // Which way the canary moved, by its U: above the mean is higher.
    const bool higher = test.u > static_cast<double>(base.size() * canary.size()) / 2.0;
    bool beyond = std::fabs(e.effect) > e.allowed && ((higher && e.effect > 0.0) ||
                                                      (!higher && e.effect < 0.0));
    const std::string stat = to_string(metric.statistic);
    std::string numbers = format("p=%.3g, ", test.p_value) + stat +
                          format(" %.4g vs %.4g, effect %+.3g, allowed %.3g", e.canary_statistic,
                                 e.baseline_statistic, e.effect, e.allowed);
    if (beyond && !by_median) {
      // A mean of sparse per-tick rates is noisy at small steps: beyond the
      // allowance only when the confidence bound of the difference nearest
      // to no change is beyond it too (Welch's standard error).
      const double bound = std::fabs(e.effect) - normal_quantile(config.confidence) *
                                                     welch_se(canary, base);
      numbers += format(", bound %.3g", bound);
      beyond = bound > e.allowed;
    }
    if (!significant) {
      e.classification = MetricClass::kPass;
      e.reason = "no significant difference: " + numbers;
    } else if (!beyond) {
      e.classification = MetricClass::kMarginal;
      e.reason = std::string("significantly ") + (higher ? "higher" : "lower") +
                 " but within tolerance: " + numbers;
    } else {
      e.classification = higher ? MetricClass::kHigh : MetricClass::kLow;
      e.reason = std::string("significantly ") + (higher ? "higher" : "lower") +
                 " beyond tolerance: " + numbers;
    }
    total_weight += metric.weight;
    if (e.classification == MetricClass::kPass || e.classification == MetricClass::kMarginal) {
      scored += metric.weight;
    }
    if (e.classification == MetricClass::kMarginal) ++marginal_metrics;
    const bool failed =
        e.classification == MetricClass::kHigh || e.classification == MetricClass::kLow;
    if (failed && metric.critical && critical_failure.empty()) {
      critical_failure = metric.name + " " + to_string(e.classification) + " (" + numbers + ")";
    }
    out.metrics.push_back(std::move(e));
  }

  if (config.metrics.empty()) {
    out.verdict = Verdict::kInconclusive;
    out.reason = "no metrics configured";
    return out;
  }
  if (no_data) {
    out.verdict = Verdict::kInconclusive;
    out.score = 0.0;
    out.reason = "no data for " + no_data_metric + ": " +
                 [&] {
                   for (const MetricEvidence& e : out.metrics) {
                     if (e.name == no_data_metric) return e.reason;
                   }
                   return std::string();
                 }();
    return out;
  }
  out.score = total_weight > 0.0 ? 100.0 * scored / total_weight : 0.0;
  const std::string score_text = format("score %.1f", out.score);
  if (!critical_failure.empty()) {
    out.verdict = Verdict::kFail;
    out.reason = "critical metric failed: " + critical_failure + "; " + score_text;
  } else if (out.score >= config.pass_score && marginal_metrics == 0) {
    out.verdict = Verdict::kPass;
    out.reason = score_text + format(" >= pass %.4g", config.pass_score);
  } else if (out.score >= config.marginal_score) {
    out.verdict = Verdict::kMarginal;
    out.reason = out.score >= config.pass_score
                     ? score_text + format(" >= pass %.4g, but measurably worse within tolerance",
                                           config.pass_score)
                     : score_text + format(" in [marginal %.4g, pass %.4g)",
                                           config.marginal_score, config.pass_score);
    for (const MetricEvidence& e : out.metrics) {
      if (e.classification != MetricClass::kPass) out.reason += "; " + e.name + " " + to_string(e.classification);
    }
  } else {
    out.verdict = Verdict::kFail;
    out.reason = score_text + format(" < marginal %.4g", config.marginal_score);
    for (const MetricEvidence& e : out.metrics) {
      if (e.classification != MetricClass::kPass) out.reason += "; " + e.name + " " + to_string(e.classification);
    }
  }
  return out;
}

}  // namespace dreamsim::ctl
