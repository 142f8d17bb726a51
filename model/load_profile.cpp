#include "model/load_profile.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dreamsim::model {

double rate_at(const LoadProfile& p, sim::Time t) {
  const int64_t now_us = t.us();
  switch (p.kind) {
    case LoadProfileKind::kConstant:
      return p.rate_rps;
    case LoadProfileKind::kDiurnal: {
      const int64_t period_us = p.period.us();
      if (period_us <= 0) return p.peak_rps;
      // The phase is computed in integer microseconds, so that a long run's
      // phase does not drift with floating-point accumulation.
      int64_t phase_us = (now_us - p.peak_at.us()) % period_us;
      if (phase_us < 0) phase_us += period_us;
      const double angle = 2.0 * std::numbers::pi * static_cast<double>(phase_us) /
                           static_cast<double>(period_us);
      return p.trough_rps + (p.peak_rps - p.trough_rps) * (1.0 + std::cos(angle)) / 2.0;
    }
    case LoadProfileKind::kStep:
      return now_us < p.at.us() ? p.rate_rps : p.to_rps;
    case LoadProfileKind::kRamp: {
      if (now_us < p.at.us()) return p.rate_rps;
      const int64_t into_us = now_us - p.at.us();
      if (p.length.us() <= 0 || into_us >= p.length.us()) return p.to_rps;
      const double f = static_cast<double>(into_us) / static_cast<double>(p.length.us());
      return p.rate_rps + (p.to_rps - p.rate_rps) * f;
    }
    case LoadProfileKind::kSpike:
      return (now_us >= p.at.us() && now_us < p.at.us() + p.length.us()) ? p.to_rps : p.rate_rps;
    case LoadProfileKind::kSeries: {
      const auto& s = p.series;
      if (s.empty()) return 0.0;
      if (now_us <= s.front().first.us()) return s.front().second;
      if (now_us >= s.back().first.us()) return s.back().second;
      // The first point strictly after t; the series is sorted by the loader.
      const auto it = std::upper_bound(
          s.begin(), s.end(), now_us,
          [](int64_t v, const std::pair<sim::Duration, double>& e) { return v < e.first.us(); });
      const auto& b = *it;
      const auto& a = *(it - 1);
      const int64_t span_us = b.first.us() - a.first.us();
      if (span_us <= 0) return b.second;
      const double f =
          static_cast<double>(now_us - a.first.us()) / static_cast<double>(span_us);
      return a.second + (b.second - a.second) * f;
    }
  }
  return 0.0;
}

double reference_rate(const LoadProfile& p) {
  switch (p.kind) {
    case LoadProfileKind::kConstant:
    case LoadProfileKind::kSpike:
      return p.rate_rps;
    case LoadProfileKind::kDiurnal:
      return std::max(p.peak_rps, p.trough_rps);
    case LoadProfileKind::kStep:
    case LoadProfileKind::kRamp:
      return std::max(p.rate_rps, p.to_rps);
    case LoadProfileKind::kSeries: {
      double best = 0.0;
      for (const auto& point : p.series) best = std::max(best, point.second);
      return best;
    }
  }
  return 0.0;
}

EntryLoadGenerator::EntryLoadGenerator(const EntryLoad& load, uint64_t root_seed,
                                       std::string_view stream_name)
    : load_(&load), rng_(sim::derive_stream(root_seed, stream_name)) {
  phi_ = std::clamp(load.noise.autocorrelation, 0.0, 0.999);
  const double cv = std::max(0.0, load.noise.cv);
  innovation_ = std::sqrt(1.0 - phi_ * phi_) * cv;
  // Start from the stationary distribution N(0, cv^2). With cv = 0 no number
  // is drawn at all, so a noiseless load consumes nothing from its stream.
  if (cv > 0.0) x_ = rng_.normal(0.0, cv);
}

double EntryLoadGenerator::next(sim::Time t) {
  const double mean = rate_at(load_->profile, t);
  if (innovation_ > 0.0) x_ = phi_ * x_ + rng_.normal(0.0, innovation_);
  return std::max(0.0, mean * (1.0 + x_));
}

}  // namespace dreamsim::model
