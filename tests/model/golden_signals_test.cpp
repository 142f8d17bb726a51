// The golden-signal store: ring windows, roll-ups with bounded points, run
// summaries and histogram window quantiles.
#include "model/golden_signals.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace dreamsim::model {
namespace {

void write_tick(GoldenSignals& g, int64_t k) {
  for (size_t s = 0; s < kSignalCount; ++s) {
    float* row = g.row(static_cast<Signal>(s));
    for (size_t c = 0; c < g.columns(); ++c) row[c] = static_cast<float>(k + 1000 * c);
  }
  g.commit();
}

TEST(GoldenSignals, RingKeepsTheLastTicks) {
  GoldenSignalsOptions opt;
  opt.ring_ticks = 10;
  GoldenSignals g(2, 100, sim::Duration::seconds(1), opt);
  for (int64_t k = 0; k < 25; ++k) write_tick(g, k);
  EXPECT_EQ(g.ticks(), 25);
  EXPECT_EQ(g.kept(), 10);
  EXPECT_EQ(g.latest(Signal::kTraffic, 1), 1024.0);
  EXPECT_EQ(g.at(Signal::kTraffic, 0, 15), 15.0);
  EXPECT_TRUE(std::isnan(g.at(Signal::kTraffic, 0, 14)));
  std::vector<double> w;
  g.window(Signal::kErrorRate, 0, 3, w);
  EXPECT_EQ(w, (std::vector<double>{22.0, 23.0, 24.0}));
  EXPECT_EQ(g.window_mean(Signal::kErrorRate, 0, 4), 22.5);
  EXPECT_EQ(g.window_max(Signal::kErrorRate, 2, 100), 2024.0);
}

TEST(GoldenSignals, RollupsHaveBoundedPointsAndExactSummaries) {
  GoldenSignalsOptions opt;
  opt.ring_ticks = 60;
  opt.max_rollup_points = 100;
  const int64_t total = 7 * 24 * 3600;  // a week of 1 s ticks
  GoldenSignals g(1, total, sim::Duration::seconds(1), opt);
  EXPECT_EQ(g.rollup_period_ticks(), 6048);
  for (int64_t k = 0; k < total; ++k) {
    for (size_t s = 0; s < kSignalCount; ++s) {
      float* row = g.row(static_cast<Signal>(s));
      row[0] = static_cast<float>(k % 10);
      row[1] = 1.0f;
    }
    g.commit();
  }
  EXPECT_EQ(g.rollup_points(), 100u);
  EXPECT_NEAR(g.rollup_mean(Signal::kTraffic, 0, 0), 27208.0 / 6048.0, 1e-5);
  EXPECT_EQ(g.rollup_max(Signal::kTraffic, 0, 99), 9.0);
  EXPECT_NEAR(g.run_mean(Signal::kTraffic, 0), 4.5, 1e-9);
  EXPECT_EQ(g.run_max(Signal::kTraffic, 0), 9.0);
  EXPECT_LT(g.memory_bytes(), 1u << 20);
}

TEST(GoldenSignals, WindowQuantileReadsBackTheTickQuantiles) {
  GoldenSignals g(1, 100, sim::Duration::seconds(1));
  for (int k = 0; k < 30; ++k) {
    for (size_t s = 0; s < kSignalCount; ++s) {
      float* row = g.row(static_cast<Signal>(s));
      row[0] = row[1] = 0.0f;
    }
    g.row(Signal::kLatencyP50)[0] = 0.010f;
    g.row(Signal::kLatencyP95)[0] = 0.050f;
    g.row(Signal::kLatencyP99)[0] = 0.200f;
    g.row(Signal::kTraffic)[0] = 100.0f;
    g.commit();
  }
  EXPECT_NEAR(g.window_latency_quantile(0, 0.50, 30), 0.010, 0.011 * 0.010);
  EXPECT_NEAR(g.window_latency_quantile(0, 0.95, 30), 0.050, 0.011 * 0.050);
  EXPECT_NEAR(g.window_latency_quantile(0, 0.99, 30), 0.200, 0.011 * 0.200);
  EXPECT_TRUE(std::isnan(g.window_latency_quantile(1, 0.95, 30)));
}

}  // namespace
}  // namespace dreamsim::model
