// Entry load profiles at known instants, and the statistics of their noise.
#include "model/load_profile.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace dreamsim::model {
namespace {

Time at_s(int64_t s) { return Time::from_seconds(s); }

TEST(LoadProfile, ShapesAtKnownInstants) {
  LoadProfile p;
  p.kind = LoadProfileKind::kConstant;
  p.rate_rps = 42.0;
  EXPECT_EQ(rate_at(p, at_s(1000)), 42.0);

  p.kind = LoadProfileKind::kDiurnal;
  p.peak_rps = 1000.0;
  p.trough_rps = 200.0;
  p.period = Duration::hours(24);
  p.peak_at = Duration::hours(14);
  EXPECT_NEAR(rate_at(p, at_s(14 * 3600)), 1000.0, 1e-9);
  EXPECT_NEAR(rate_at(p, at_s(2 * 3600)), 200.0, 1e-9);
  EXPECT_NEAR(rate_at(p, at_s(8 * 3600)), 600.0, 1e-9);
  EXPECT_NEAR(rate_at(p, at_s(38 * 3600)), 1000.0, 1e-9);
  EXPECT_EQ(reference_rate(p), 1000.0);

  p.kind = LoadProfileKind::kStep;
  p.rate_rps = 100.0;
  p.to_rps = 300.0;
  p.at = Duration::seconds(60);
  EXPECT_EQ(rate_at(p, at_s(59)), 100.0);
  EXPECT_EQ(rate_at(p, at_s(60)), 300.0);

  p.kind = LoadProfileKind::kRamp;
  p.length = Duration::seconds(100);
  EXPECT_EQ(rate_at(p, at_s(10)), 100.0);
  EXPECT_NEAR(rate_at(p, at_s(110)), 200.0, 1e-9);
  EXPECT_EQ(rate_at(p, at_s(500)), 300.0);

  p.kind = LoadProfileKind::kSpike;
  p.length = Duration::seconds(10);
  EXPECT_EQ(rate_at(p, at_s(59)), 100.0);
  EXPECT_EQ(rate_at(p, at_s(69)), 300.0);
  EXPECT_EQ(rate_at(p, at_s(70)), 100.0);
  EXPECT_EQ(reference_rate(p), 100.0);

  p.kind = LoadProfileKind::kSeries;
  p.series = {{Duration::seconds(10), 5.0}, {Duration::seconds(20), 15.0},
              {Duration::seconds(40), 5.0}};
  EXPECT_EQ(rate_at(p, at_s(0)), 5.0);
  EXPECT_NEAR(rate_at(p, at_s(15)), 10.0, 1e-9);
  EXPECT_NEAR(rate_at(p, at_s(30)), 10.0, 1e-9);
  EXPECT_EQ(rate_at(p, at_s(100)), 5.0);
  EXPECT_EQ(reference_rate(p), 15.0);
}

TEST(LoadProfile, NoiseHasTheRequestedCvAndAutocorrelation) {
  EntryLoad load;
  load.profile.kind = LoadProfileKind::kConstant;
  load.profile.rate_rps = 1000.0;
  load.noise.cv = 0.1;
  load.noise.autocorrelation = 0.7;
  EntryLoadGenerator gen(load, 9, "load/noise/api/0");
  const int n = 200000;
  std::vector<double> x(n);
  for (int i = 0; i < n; ++i) x[i] = gen.next(at_s(i)) / 1000.0 - 1.0;
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= n;
  double var = 0.0, cov = 0.0;
  for (int i = 0; i < n; ++i) {
    var += (x[i] - mean) * (x[i] - mean);
    if (i > 0) cov += (x[i] - mean) * (x[i - 1] - mean);
  }
  EXPECT_NEAR(mean, 0.0, 0.005);
  EXPECT_NEAR(std::sqrt(var / n), 0.1, 0.005);
  EXPECT_NEAR(cov / var, 0.7, 0.02);
}

TEST(LoadProfile, StreamsAreNamedNotNumbered) {
  EntryLoad load;
  load.profile.rate_rps = 100.0;
  load.noise.cv = 0.2;
  EntryLoadGenerator a(load, 5, "load/noise/api/0");
  EntryLoadGenerator b(load, 5, "load/noise/api/0");
  EntryLoadGenerator c(load, 5, "load/noise/db/0");
  bool differs = false;
  for (int i = 0; i < 10; ++i) {
    const double va = a.next(at_s(i));
    EXPECT_EQ(va, b.next(at_s(i)));
    differs |= va != c.next(at_s(i));
  }
  EXPECT_TRUE(differs);
}

TEST(LoadProfile, NoiselessLoadIsExact) {
  EntryLoad load;
  load.profile.rate_rps = 123.0;
  load.noise.cv = 0.0;
  EntryLoadGenerator gen(load, 1, "x");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(gen.next(at_s(i)), 123.0);
}

}  // namespace
}  // namespace dreamsim::model
