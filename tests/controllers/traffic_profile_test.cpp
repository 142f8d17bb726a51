// The daily traffic profile on the fake world: what it learns from whole
// days, what it leaves out, and the ratio the traffic-drop rule divides by.
#include "controllers/traffic_profile.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "tests/controllers/fake_world.hpp"

namespace dreamsim::ctl {
namespace {

using testing::FakeWorld;
using testing::service_named;

constexpr Micros kDay = 24 * kHour;

// A daily cycle (trough at 02:00, peak at 14:00, 4 to 1) that also grows
// by 5 % a day: the drift a profile must not mistake for the cycle.
double diurnal(Micros t) {
  const double day = static_cast<double>(t) / static_cast<double>(kDay);
  const double phase = 2.0 * std::numbers::pi * (day - 14.0 / 24.0);
  return 250.0 * (1.0 + 0.6 * std::cos(phase)) * (1.0 + 0.05 * day);
}

// Runs the fake world tick by tick to `until`, with api's traffic (and the
// system's) following `rate`.
template <typename Rate>
void run_traffic(FakeWorld& w, Micros until, Rate rate) {
  const Micros tick = w.telemetry.tick();
  while (w.clock.now() + tick <= until) {
    const double r = rate(w.clock.now());
    w.telemetry.set(Signal::kTraffic, 0, r);
    w.telemetry.set(Signal::kTraffic, 1, r);
    w.run_to(w.clock.now() + tick);
  }
}

// The profile's ratio against the true one: the last minute over the hour
// before it, as the traffic-drop rule reads them.
double true_ratio(Micros end) {
  double base = 0.0;
  for (Micros t = end - 61 * kMinute; t < end - kMinute; t += kMinute) base += diurnal(t);
  return diurnal(end - kMinute) / (base / 60.0);
}

MaintenanceProcedures profile_on() {
  MaintenanceProcedures p;  // the defaults: enabled, 15-minute slots, 7 days
  return p;
}

TEST(TrafficProfile, NothingBeforeAWholeDay) {
  FakeWorld w({service_named("api")}, kMinute);
  TrafficProfile profile(w.ports(), profile_on());
  profile.start();
  run_traffic(w, 20 * kHour, diurnal);
  const std::vector<MaintenanceAction> a = profile.maintain(MaintenanceJob::kDaily, w.clock.now());
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, "refresh_traffic_profile");
  EXPECT_NE(a[0].detail.find("no whole day"), std::string::npos) << a[0].detail;
  EXPECT_EQ(profile.profiled_columns(), 0u);
  EXPECT_TRUE(std::isnan(profile.expected_ratio(0, 0, kMinute, kMinute, 2 * kMinute)));
}

TEST(TrafficProfile, LearnsTheDailyCycleAndNotTheDrift) {
  FakeWorld w({service_named("api")}, kMinute);
  TrafficProfile profile(w.ports(), profile_on());
  profile.start();
  run_traffic(w, 2 * kDay + 3 * kHour, diurnal);
  const std::vector<MaintenanceAction> a = profile.maintain(MaintenanceJob::kDaily, w.clock.now());
  ASSERT_EQ(a.size(), 1u);
  EXPECT_NE(a[0].detail.find("2 of 2 columns from up to 2 days"), std::string::npos)
      << a[0].detail;
  EXPECT_EQ(profile.profiled_columns(), 2u);
  // The evening fall: the last minute is up to 8 % below the hour before
  // it, which the plain rule pages as a drop once noise adds a few percent;
  // the profile expects it to within a percent or two.
  for (Micros end : {2 * kDay + 18 * kHour, 2 * kDay + 20 * kHour, 2 * kDay + 22 * kHour,
                     3 * kDay + 1 * kHour, 3 * kDay + 8 * kHour}) {
    const double truth = true_ratio(end);
    const double expected =
        profile.expected_ratio(0, end - kMinute, end, end - 61 * kMinute, end - kMinute);
    EXPECT_NEAR(expected, truth, 0.02) << "at " << end / kHour << " h";
  }
  EXPECT_LT(true_ratio(2 * kDay + 20 * kHour), 0.93);
  // Level 1 is the day's mean: the peak is 1.6, the trough 0.4 of it.
  EXPECT_NEAR(profile.level(0, 14 * kHour), 1.6, 0.05);
  EXPECT_NEAR(profile.level(0, 2 * kHour), 0.4, 0.05);
}

TEST(TrafficProfile, SlotsWithAFiringTrafficDropAreLeftOut) {
  FakeWorld w({service_named("api")}, kMinute);
  TrafficProfile profile(w.ports(), profile_on());
  profile.start();
  // Day 0: a real drop to 10 % from 10:00 to 12:00, while its alert fires.
  Alert drop;
  drop.signal = "traffic_drop";
  drop.source = "alerting";
  drop.service = "api";
  drop.severity = "P0";
  run_traffic(w, 10 * kHour, diurnal);
  profile.on_alert(drop, true);
  run_traffic(w, 12 * kHour, [](Micros t) { return 0.1 * diurnal(t); });
  profile.on_alert(drop, false);
  run_traffic(w, 2 * kDay + 3 * kHour, diurnal);
  profile.maintain(MaintenanceJob::kDaily, w.clock.now());
  // api learnt 11:00 from day 1 alone; the system column (no alert on it)
  // has the drop in its day 0 and takes the median of the two days.
  const double normal = diurnal(11 * kHour) / 250.0;
  EXPECT_NEAR(profile.level(0, 11 * kHour) / normal, 1.0, 0.1);
  EXPECT_LT(profile.level(1, 11 * kHour) / normal, 0.7);
}

TEST(TrafficProfile, OffWithMaintenanceOrWhenSwitchedOff) {
  for (int variant = 0; variant < 2; ++variant) {
    FakeWorld w({service_named("api")}, kMinute);
    MaintenanceProcedures p;
    if (variant == 0) p.enabled = false;
    if (variant == 1) p.traffic_profile = false;
    TrafficProfile profile(w.ports(), p);
    profile.start();
    run_traffic(w, 2 * kDay, diurnal);
    EXPECT_TRUE(profile.maintain(MaintenanceJob::kDaily, w.clock.now()).empty());
    EXPECT_EQ(profile.profiled_columns(), 0u);
  }
}

}  // namespace
}  // namespace dreamsim::ctl
