#include "model/golden_signals.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace dreamsim::model {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

const char* to_string(Signal signal) {
  switch (signal) {
    case Signal::kLatencyP50: return "latency_p50";
    case Signal::kLatencyP95: return "latency_p95";
    case Signal::kLatencyP99: return "latency_p99";
    case Signal::kErrorRate: return "error_rate";
    case Signal::kTraffic: return "traffic";
    case Signal::kGoodput: return "goodput";
    case Signal::kRetries: return "retries";
    case Signal::kCpu: return "saturation_cpu";
    case Signal::kMemory: return "saturation_memory";
    case Signal::kBacklog: return "backlog";
    case Signal::kUtilisation: return "utilisation";
  }
  return "unknown";
}

void add_latency_points(LogHistogram& histogram, double p50, double p95, double p99,
                        double requests) {
  if (!(requests > 0.0)) return;
  const double scaled = requests * kLatencyCountScale;
  const double points[3] = {p50, p95, p99};
  for (size_t i = 0; i < 3; ++i) {
    const double count = std::round(scaled * kLatencyPointMass[i]);
    if (count >= 1.0) histogram.add(points[i], static_cast<uint64_t>(count));
  }
}

GoldenSignals::GoldenSignals(size_t services, int64_t total_ticks, sim::Duration tick,
                             GoldenSignalsOptions options)
    : services_(services), tick_(tick) {
  const int64_t total = std::max<int64_t>(1, total_ticks);
  ring_ticks_ = std::max<size_t>(
      1, std::min(options.ring_ticks, static_cast<size_t>(total)));
  max_points_ = std::max<size_t>(1, options.max_rollup_points);
  period_ = (total + static_cast<int64_t>(max_points_) - 1) / static_cast<int64_t>(max_points_);
  const size_t points = static_cast<size_t>((total + period_ - 1) / period_);
  const size_t cells = kSignalCount * columns();
  ring_.assign(ring_ticks_ * cells, 0.0f);
  staging_.assign(cells, 0.0f);
  period_sum_.assign(cells, 0.0f);
  period_max_.assign(cells, -std::numeric_limits<float>::infinity());
  rollup_mean_.reserve(points * cells);
  rollup_max_.reserve(points * cells);
  run_sum_.assign(cells, 0.0);
  run_max_.assign(cells, -std::numeric_limits<float>::infinity());
}

void GoldenSignals::commit() {
  const size_t n = columns();
  const size_t slot = static_cast<size_t>(ticks_) % ring_ticks_;
  for (size_t s = 0; s < kSignalCount; ++s) {
    const float* row = &staging_[s * n];
    for (size_t c = 0; c < n; ++c) ring_[line_offset(static_cast<Signal>(s), c) + slot] = row[c];
    float* sum = &period_sum_[s * n];
    float* max = &period_max_[s * n];
    // A plain loop over contiguous floats: the compiler vectorises it, and the
    // order of each column's additions is the tick order, so sums are
    // deterministic functions of the run.
    for (size_t c = 0; c < n; ++c) {
      sum[c] += row[c];
      max[c] = std::max(max[c], row[c]);
    }
  }
  ++ticks_;
  if (++period_ticks_ == period_) close_period();
}

void GoldenSignals::close_period() {
  if (period_ticks_ == 0) return;
  if (points_done_ >= max_points_) return;
  const size_t cells = period_sum_.size();
  const double inv = 1.0 / static_cast<double>(period_ticks_);
  const size_t base = rollup_mean_.size();
  rollup_mean_.resize(base + cells);
  rollup_max_.resize(base + cells);
  float* mean = &rollup_mean_[base];
  float* max = &rollup_max_[base];
  for (size_t i = 0; i < cells; ++i) {
    mean[i] = static_cast<float>(static_cast<double>(period_sum_[i]) * inv);
    max[i] = period_max_[i];
    run_sum_[i] += period_sum_[i];
    run_max_[i] = std::max(run_max_[i], period_max_[i]);
  }
  std::fill(period_sum_.begin(), period_sum_.end(), 0.0f);
  std::fill(period_max_.begin(), period_max_.end(), -std::numeric_limits<float>::infinity());
  period_ticks_ = 0;
  ++points_done_;
}

int64_t GoldenSignals::kept() const {
  return std::min<int64_t>(ticks_, static_cast<int64_t>(ring_ticks_));
}

double GoldenSignals::at(Signal signal, size_t column, int64_t tick_index) const {
  if (column >= columns() || tick_index < ticks_ - kept() || tick_index >= ticks_) return kNaN;
  return ring_[line_offset(signal, column) + static_cast<size_t>(tick_index) % ring_ticks_];
}

void GoldenSignals::window(Signal signal, size_t column, size_t count,
                           std::vector<double>& out) const {
  const int64_t n = std::min<int64_t>(static_cast<int64_t>(count), kept());
  out.clear();
  append_range(signal, column, ticks_ - n, ticks_, out);
}

void GoldenSignals::append_range(Signal signal, size_t column, int64_t begin, int64_t end,
                                 std::vector<double>& out) const {
  begin = std::max(begin, ticks_ - kept());
  end = std::min(end, ticks_);
  if (column >= columns() || begin >= end) return;
  // At most two contiguous stretches of the line: up to its end, then from
  // its start.
  const float* line = &ring_[line_offset(signal, column)];
  const size_t first = static_cast<size_t>(begin) % ring_ticks_;
  const size_t count = static_cast<size_t>(end - begin);
  const size_t head = std::min(count, ring_ticks_ - first);
  out.insert(out.end(), line + first, line + first + head);
  out.insert(out.end(), line, line + (count - head));
}

double GoldenSignals::window_mean(Signal signal, size_t column, size_t count) const {
  const int64_t n = std::min<int64_t>(static_cast<int64_t>(count), kept());
  if (n == 0) return kNaN;
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += at(signal, column, ticks_ - n + i);
  return sum / static_cast<double>(n);
}

double GoldenSignals::window_max(Signal signal, size_t column, size_t count) const {
  const int64_t n = std::min<int64_t>(static_cast<int64_t>(count), kept());
  if (n == 0) return kNaN;
  double best = -std::numeric_limits<double>::infinity();
  for (int64_t i = 0; i < n; ++i) best = std::max(best, at(signal, column, ticks_ - n + i));
  return best;
}

double GoldenSignals::window_latency_quantile(size_t column, double q, size_t count) const {
  const int64_t n = std::min<int64_t>(static_cast<int64_t>(count), kept());
  LogHistogram histogram;
  const double tick_s = tick_.seconds_f();
  for (int64_t i = ticks_ - n; i < ticks_; ++i) {
    add_latency_points(histogram, at(Signal::kLatencyP50, column, i),
                       at(Signal::kLatencyP95, column, i), at(Signal::kLatencyP99, column, i),
                       at(Signal::kTraffic, column, i) * tick_s);
  }
  if (histogram.count() == 0) return kNaN;
  return histogram.quantile(q);
}

double GoldenSignals::rollup_mean(Signal signal, size_t column, size_t point) const {
  if (point >= points_done_ || column >= columns()) return kNaN;
  return rollup_mean_[(point * kSignalCount + static_cast<size_t>(signal)) * columns() + column];
}

double GoldenSignals::rollup_max(Signal signal, size_t column, size_t point) const {
  if (point >= points_done_ || column >= columns()) return kNaN;
  return rollup_max_[(point * kSignalCount + static_cast<size_t>(signal)) * columns() + column];
}

double GoldenSignals::run_mean(Signal signal, size_t column) const {
  if (ticks_ == 0 || column >= columns()) return kNaN;
  const size_t i = static_cast<size_t>(signal) * columns() + column;
  return (run_sum_[i] + period_sum_[i]) / static_cast<double>(ticks_);
}

double GoldenSignals::run_max(Signal signal, size_t column) const {
  if (ticks_ == 0 || column >= columns()) return kNaN;
  const size_t i = static_cast<size_t>(signal) * columns() + column;
  return std::max(run_max_[i], period_max_[i]);
}

size_t GoldenSignals::memory_bytes() const {
  return (ring_.capacity() + staging_.capacity()) * sizeof(float) + rollup_mean_.capacity() * sizeof(float) * 2 +
         run_sum_.size() * sizeof(double) + period_sum_.size() * sizeof(float) +
         (period_max_.size() + run_max_.size()) * sizeof(float);
}

}  // namespace dreamsim::model
