// The resilience early warning: known answers for each control law on
// hand-made numbers, and the controller on the fake world (index, alert with
// hysteresis, guardrail decisions, baselines refreshed by maintenance).
#include "controllers/resilience.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "controllers/alert_review.hpp"
#include "controllers/maintenance_scheduler.hpp"
#include "tests/controllers/fake_world.hpp"

namespace dreamsim::ctl {
namespace {

using testing::FakeWorld;
using testing::service_named;

// --- HPA ---------------------------------------------------------------------------

TEST(Hpa, FormulaAsTheKubernetesDocsWorkIt) {
  // 50 replicas at 90 % CPU against a 75 % target: ceil(50 x 90 / 75) = 60.
  EXPECT_EQ(hpa_desired(50, 0.90, 0.75, 0.1), 60);
  // Within the tolerance (ratio 1.04): no change.
  EXPECT_EQ(hpa_desired(10, 0.78, 0.75, 0.1), 10);
  // Just outside it (ratio 1.12): ceil(11.2) = 12.
  EXPECT_EQ(hpa_desired(10, 0.84, 0.75, 0.1), 12);
  // Down: ceil(10 x 0.3 / 0.75) = 4.
  EXPECT_EQ(hpa_desired(10, 0.30, 0.75, 0.1), 4);
  // Exact multiples do not round up by floating-point noise.
  EXPECT_EQ(hpa_desired(3, 1.4, 0.7, 0.1), 6);
}

TEST(Hpa, ScaleDownWaitsForTheStabilisationWindow) {
  AutoscaleGuardrail p;
  p.tolerance = 0.1;
  p.scale_down_window = 300 * kSecond;
  HpaAutoscaler hpa(p, 1, 100);
  EXPECT_EQ(hpa.recommend(0, 10, 0.75, 0.75), 10);
  // Load falls: the raw recommendation is 4, but 10 is in the window.
  for (Micros t = 15 * kSecond; t <= 300 * kSecond; t += 15 * kSecond) {
    EXPECT_EQ(hpa.recommend(t, 10, 0.30, 0.75), 10) << t;
  }
  // The recommendation of t = 0 has left the window.
  EXPECT_EQ(hpa.recommend(315 * kSecond, 10, 0.30, 0.75), 4);
}

TEST(Hpa, ScaleUpIsImmediateButAtMostDoubleOrFourMore) {
  AutoscaleGuardrail p;
  HpaAutoscaler hpa(p, 1, 100);
  // raw ceil(2 x 3.0 / 0.5) = 12; policy max(2 x 2, 2 + 4) = 6.
  EXPECT_EQ(hpa.recommend(0, 2, 3.0, 0.5), 6);
  // raw ceil(20 x 1.4 / 0.7) = 40 = the doubling.
  EXPECT_EQ(hpa.recommend(15 * kSecond, 20, 1.4, 0.7), 40);
  // Clamped to the maximum replicas.
  HpaAutoscaler small(p, 2, 8);
  EXPECT_EQ(small.recommend(0, 6, 2.0, 0.5), 8);
  // ... and never below the minimum.
  EXPECT_EQ(small.recommend(0, 2, 0.01, 0.5), 2);
}

// --- Gradient2 -----------------------------------------------------------------------

TEST(GradientLimit, GrowsByTheQueueAndHalvesTowardsTheGradient) {
  RateLimitGuardrail p;
  p.initial_limit = 20;
  p.min_limit = 3;
  p.max_limit = 1000;
  p.smoothing = 0.2;
  p.tolerance = 1.0;
  p.long_window = 600;
  GradientLimit g(p);
  // Steady RTT, in use: gradient 1, queue max(4, sqrt 20):
  // 0.8 x 20 + 0.2 x (20 + 4.4721) = 20.8944.
  EXPECT_NEAR(g.update(0.1, 15), 20.894427190999917, 1e-9);
  // RTT doubles: long RTT = (1 - 2/601) 0.1 + 2/601 x 0.2, gradient = long / 0.2.
  EXPECT_NEAR(g.update(0.2, 15), 19.726146140944138, 1e-9);
  EXPECT_NEAR(g.long_rtt(), 0.10033277870216308, 1e-12);
  // Application-limited (in flight < limit / 2): unchanged.
  EXPECT_NEAR(g.update(0.1, 5), 19.726146140944138, 1e-9);
}

TEST(GradientLimit, StaysWithinItsBoundsUnderASustainedLatencyRise) {
  RateLimitGuardrail p;
  p.min_limit = 3;
  GradientLimit g(p);
  for (int i = 0; i < 50; ++i) g.update(0.05, 100);
  const double before = g.limit();
  for (int i = 0; i < 200; ++i) g.update(5.0, 1000);
  EXPECT_LT(g.limit(), before);
  EXPECT_GE(g.limit(), p.min_limit);
  // The long RTT recovers towards the short one (x 0.9 when 2x apart).
  EXPECT_GT(g.long_rtt(), 0.05);
}

// --- brownout dimmer -------------------------------------------------------------------

TEST(BrownoutDimmer, KnownSteps) {
  BrownoutDimmer d(1.0, 0.9, 0.95);
  // First sample: alpha = p95 / theta = 2; theta = 1 + 0.1 / 2 x (1 - 2) = 0.95.
  EXPECT_NEAR(d.update(2.0), 0.95, 1e-12);
  EXPECT_NEAR(d.alpha(), 2.0, 1e-12);
  // p95 = 1.9 = alpha x 0.95 exactly: alpha stays 2; theta = 0.95 - 0.05 x 0.9.
  EXPECT_NEAR(d.update(1.9), 0.905, 1e-12);
  EXPECT_NEAR(d.alpha(), 2.0, 1e-12);
}

TEST(BrownoutDimmer, ConvergesOnAPlantProportionalToTheDimmer) {
  BrownoutDimmer d(0.8, 0.9, 0.95);
  double theta = 1.0;
  for (int k = 0; k < 200; ++k) theta = d.update(1.6 * theta);  // p95 = 1.6 theta
  EXPECT_NEAR(theta, 0.5, 1e-3);
  EXPECT_NEAR(d.alpha(), 1.6, 1e-3);
  // Saturates at 1 when the latency is well below the setpoint.
  for (int k = 0; k < 500; ++k) theta = d.update(0.1 * theta);
  EXPECT_DOUBLE_EQ(theta, 1.0);
  d.cap(0.5);
  EXPECT_DOUBLE_EQ(d.theta(), 0.5);
}

// --- throttling and the retry budget ------------------------------------------------------

TEST(Throttle, GoogleAdaptiveThrottlingFormula) {
  EXPECT_NEAR(throttle_reject_probability(100, 20, 2.0), 60.0 / 101.0, 1e-12);
  EXPECT_DOUBLE_EQ(throttle_reject_probability(100, 60, 2.0), 0.0);
  EXPECT_DOUBLE_EQ(throttle_reject_probability(0, 0, 2.0), 0.0);
  // K = 1.1 is stricter than K = 2.
  EXPECT_GT(throttle_reject_probability(100, 60, 1.1), 0.0);
}

TEST(RetryBudget, CapsAtTheBudgetAndTurnsRetriesOffBelowThirty) {
  EXPECT_DOUBLE_EQ(retry_budget_for(0.30, 0.10, 80.0, false), 0.10);
  EXPECT_DOUBLE_EQ(retry_budget_for(0.05, 0.10, 80.0, false), -1.0);
  EXPECT_DOUBLE_EQ(retry_budget_for(0.05, 0.10, 80.0, true), 0.10);  // stays until released
  EXPECT_DOUBLE_EQ(retry_budget_for(0.30, 0.10, 20.0, false), 0.0);
  EXPECT_DOUBLE_EQ(retry_budget_for(0.00, 0.10, 20.0, false), -1.0);  // nothing to turn off
}

// --- indicators ---------------------------------------------------------------------------

TEST(Indicators, Lag1AndVarianceKnownAnswer) {
  const double x[] = {1, -1, 1, -1};
  const Ar1 a = lag1(x, 4);
  EXPECT_NEAR(a.phi, -0.75, 1e-12);
  EXPECT_NEAR(a.variance, 4.0 / 3.0, 1e-12);
  const double flat[] = {2, 2, 2, 2, 2};
  EXPECT_DOUBLE_EQ(lag1(flat, 5).phi, 0.0);
}

TEST(Indicators, Lag1RecoversAnAr1Coefficient) {
  // x' = 0.8 x + e, e uniform in [-1, 1) from a fixed LCG.
  uint64_t state = 12345;
  std::vector<double> x = {0.0};
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double e = static_cast<double>(state >> 11) / 9007199254740992.0 * 2.0 - 1.0;
    x.push_back(0.8 * x.back() + e);
  }
  EXPECT_NEAR(lag1(x.data(), x.size()).phi, 0.8, 0.02);
}

TEST(Indicators, TrailingDetrendRemovesALevel) {
  std::vector<double> x = {5, 5, 5, 5, 9};
  std::vector<double> r;
  detrend_trailing(x, 2, r);
  EXPECT_EQ(r, (std::vector<double>{0, 0, 0, 0, 2}));
}

TEST(Indicators, KendallTau) {
  EXPECT_DOUBLE_EQ(kendall_tau({1, 2, 3, 4}), 1.0);
  EXPECT_DOUBLE_EQ(kendall_tau({4, 3, 2, 1}), -1.0);
  EXPECT_NEAR(kendall_tau({1, 3, 2, 4}), 4.0 / 6.0, 1e-12);
}

TEST(Indicators, IndexIsAWeightedGeometricMean) {
  EXPECT_DOUBLE_EQ(resilience_index({}), 100.0);
  EXPECT_NEAR(resilience_index({0.5, 1, 1, 1}), 100.0 * std::pow(0.5, 0.35), 1e-9);
  EXPECT_NEAR(resilience_index({1, 0.5, 0.5, 1}), 100.0 * std::sqrt(0.5), 1e-9);
  EXPECT_DOUBLE_EQ(resilience_index({0, 1, 1, 1}), 0.0);
}

// --- the controller on the fake world ------------------------------------------------------

struct Rig {
  Rig() : world({service_named("api")}) {
    world.telemetry.set(Signal::kUtilisation, 0, 0.4);
    world.telemetry.set(Signal::kLatencyP50, 0, 0.02);
  }
  FakeWorld world;
};

ResilienceProcedures quiet() {
  ResilienceProcedures p;
  p.enabled = true;
  p.guardrails.autoscale.enabled = false;
  p.guardrails.rate_limit.enabled = false;
  p.guardrails.brownout.enabled = false;
  p.guardrails.retry_budget.enabled = false;
  p.guardrails.shed_load.enabled = false;
  return p;
}

TEST(ResilienceController, AlertFiresBelowFiftyAndClearsAboveSixty) {
  Rig rig;
  ResilienceController r(rig.world.ports(), quiet());
  std::vector<std::pair<std::string, bool>> heard;
  r.subscribe([&](const Alert& a, bool fired) { heard.emplace_back(a.source, fired); });
  r.start();
  rig.world.run_to(10 * kMinute);
  EXPECT_DOUBLE_EQ(r.resilience_index(), 100.0);
  // Utilisation 0.8: headroom 1/3, index 100 x (1/3)^0.35 = 68: no alert.
  rig.world.telemetry.set(Signal::kUtilisation, 0, 0.8);
  rig.world.run_to(12 * kMinute);
  EXPECT_NEAR(r.resilience_index(), 100.0 * std::pow(1.0 / 3.0, 0.35), 1e-3);
  EXPECT_TRUE(heard.empty());
  // 0.88: headroom 0.067, index 38.8; fires on the second evaluation below.
  rig.world.telemetry.set(Signal::kUtilisation, 0, 0.88);
  rig.world.run_to(12 * kMinute + 15 * kSecond);
  EXPECT_TRUE(heard.empty());
  rig.world.run_to(12 * kMinute + 30 * kSecond);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard[0], (std::pair<std::string, bool>{"resilience", true}));
  ASSERT_EQ(rig.world.recorder.fired.size(), 1u);
  EXPECT_EQ(rig.world.recorder.fired[0].signal, "resilience_index");
  EXPECT_EQ(rig.world.recorder.fired[0].service, "api");
  EXPECT_EQ(r.first_below_at(), 12 * kMinute + 15 * kSecond);
  // Back to 0.8 (index 68 > 60): resolves.
  rig.world.telemetry.set(Signal::kUtilisation, 0, 0.8);
  rig.world.run_to(13 * kMinute);
  ASSERT_EQ(heard.size(), 2u);
  EXPECT_FALSE(heard[1].second);
  EXPECT_EQ(r.alerts_fired(), 1);
  // Between 50 and 60 it neither fires nor resolves: hysteresis.
  rig.world.telemetry.set(Signal::kUtilisation, 0, 0.84);  // headroom 0.2: index 57
  rig.world.run_to(15 * kMinute);
  EXPECT_EQ(heard.size(), 2u);
}

TEST(ResilienceController, ErrorBudgetBurnAndRetriesLowerTheIndex) {
  Rig rig;
  ResilienceController r(rig.world.ports(), quiet());
  r.start();
  rig.world.run_to(10 * kMinute);
  rig.world.telemetry.set(Signal::kRetries, 0, 5.0);  // 5 of 95 first attempts: 5.3 %
  rig.world.run_to(11 * kMinute);
  EXPECT_NEAR(r.scores(0).retries, 1.0 - (5.0 / 95.0) / 0.1, 1e-6);
  rig.world.telemetry.set(Signal::kRetries, 0, 0.0);
  rig.world.telemetry.set(Signal::kErrorRate, 0, 0.05);
  rig.world.run_to(71 * kMinute);  // a full burn window at 50x the allowed ratio
  EXPECT_DOUBLE_EQ(r.scores(0).budget, 0.0);
  EXPECT_DOUBLE_EQ(r.resilience_index(), 0.0);
}

// The budget score reads the SRE workbook's multiwindow burn: the lesser of
// the hour's and the last 5 minutes' burn rate. Errors that burn fast page
// at once (both windows high); once they stop, the score recovers within 5
// minutes, not an hour later when the burst leaves the long window.
TEST(ResilienceController, BudgetRecoversWithinTheShortWindowOfTheBurn) {
  Rig rig;
  ResilienceController r(rig.world.ports(), quiet());
  r.start();
  rig.world.run_to(10 * kMinute);
  EXPECT_DOUBLE_EQ(r.scores(0).budget, 1.0);
  rig.world.telemetry.set(Signal::kErrorRate, 0, 0.05);  // 50x the allowed 0.001
  rig.world.run_to(20 * kMinute);
  EXPECT_DOUBLE_EQ(r.scores(0).budget, 0.0);
  rig.world.telemetry.set(Signal::kErrorRate, 0, 0.0);
  rig.world.run_to(23 * kMinute);
  // 3 minutes on, the short window still holds 2 minutes of errors: burn
  // (0.05 x 2/5) / 0.001 = 20, above 14.4; the hour's is 50 x 10/23 = 21.7.
  EXPECT_DOUBLE_EQ(r.scores(0).budget, 0.0);
  rig.world.run_to(26 * kMinute);
  // The short window is clean: the budget score is back although the hour
  // still holds 10 minutes at 50x (a burn of 8.3 over the hour).
  EXPECT_DOUBLE_EQ(r.scores(0).budget, 1.0);
}

TEST(ResilienceController, RetryBudgetGuardrailEngagesAndIsRecorded) {
  Rig rig;
  ResilienceProcedures p = quiet();
  p.guardrails.retry_budget.enabled = true;
  ResilienceController r(rig.world.ports(), p);
  r.start();
  rig.world.run_to(6 * kMinute);
  // 50 retries per 50 first attempts: the retry score is 0, so is the index
  // (below 30): retries are turned off.
  rig.world.telemetry.set(Signal::kRetries, 0, 50.0);
  rig.world.run_to(7 * kMinute);
  ASSERT_EQ(r.guardrail_triggers().size(), 1u);
  const GuardrailTrigger& t = r.guardrail_triggers()[0];
  EXPECT_EQ(t.kind, "retry_budget");
  EXPECT_EQ(t.service, "api");
  EXPECT_DOUBLE_EQ(t.value, 0.0);
  ASSERT_FALSE(rig.world.actuators.calls.empty());
  EXPECT_EQ(rig.world.actuators.calls.back().what, "set_retry_budget");
  EXPECT_DOUBLE_EQ(rig.world.actuators.calls.back().value, 0.0);
  EXPECT_EQ(rig.world.recorder.decisions.at(0).controller, "resilience");
  EXPECT_EQ(rig.world.recorder.decisions.at(0).kind, "retry_budget");
  // Retries gone: the index recovers above 30, retries come back capped at
  // the 10 % budget; after release_after above 60 the cap is released.
  rig.world.telemetry.set(Signal::kRetries, 0, 0.0);
  rig.world.run_to(8 * kMinute);
  ASSERT_EQ(r.guardrail_triggers().size(), 2u);
  EXPECT_DOUBLE_EQ(r.guardrail_triggers()[1].value, 0.1);
  rig.world.run_to(14 * kMinute);
  ASSERT_EQ(r.guardrail_triggers().size(), 3u);
  EXPECT_FALSE(r.guardrail_triggers()[2].engaged);
  EXPECT_DOUBLE_EQ(rig.world.actuators.calls.back().value, -1.0);
}

TEST(ResilienceController, AutoscaleUsesTheHpaFormula) {
  Rig rig;
  ResilienceProcedures p = quiet();
  p.guardrails.autoscale.enabled = true;
  rig.world.telemetry.mutable_state(0).desired = 4;
  rig.world.telemetry.mutable_state(0).serving = 4;
  rig.world.telemetry.mutable_state(0).running = 4;
  ResilienceController r(rig.world.ports(), p);
  r.start();
  rig.world.telemetry.set(Signal::kUtilisation, 0, 0.91);
  rig.world.run_to(15 * kSecond);
  // Index < 70: target 0.6; ceil(4 x 0.91 / 0.6) = 7.
  ASSERT_EQ(r.guardrail_triggers().size(), 1u);
  EXPECT_EQ(r.guardrail_triggers()[0].kind, "scale_service");
  EXPECT_DOUBLE_EQ(r.guardrail_triggers()[0].value, 7.0);
  EXPECT_EQ(rig.world.actuators.calls.back().what, "scale_service");
}

// --- the rate limiter: an overloaded service only, with hysteresis in time ------------------

std::vector<GuardrailTrigger> rate_limits(const ResilienceController& r) {
  std::vector<GuardrailTrigger> out;
  for (const GuardrailTrigger& t : r.guardrail_triggers()) {
    if (t.kind == "rate_limit") out.push_back(t);
  }
  return out;
}

// 200 rps at a p50 that a dependency raises to 170 ms; max_limit 25 keeps
// the admitted rate (limit / RTT <= 147 rps) below the demand throughout.
ResilienceProcedures limiter() {
  ResilienceProcedures p = quiet();
  p.guardrails.rate_limit.enabled = true;
  p.guardrails.rate_limit.max_limit = 25.0;
  return p;
}

TEST(RateLimitGuardrail, ALatencyRiseAtAServiceWithSpareCapacityDoesNotEngage) {
  Rig rig;  // utilisation 0.4
  rig.world.telemetry.set(Signal::kTraffic, 0, 200.0);
  ResilienceController r(rig.world.ports(), limiter());
  r.start();
  rig.world.run_to(6 * kMinute);
  rig.world.telemetry.set(Signal::kLatencyP50, 0, 0.17);
  rig.world.run_to(10 * kMinute);
  // The limit admits less than the demand, but rejecting requests here
  // would turn the dependency's slowness into errors.
  EXPECT_TRUE(rate_limits(r).empty());
  // Saturated, the same limit engages.
  rig.world.telemetry.set(Signal::kUtilisation, 0, 0.95);
  rig.world.run_to(10 * kMinute + 2 * kSecond);
  ASSERT_EQ(rate_limits(r).size(), 1u);
  EXPECT_TRUE(rate_limits(r)[0].engaged);
  EXPECT_EQ(rate_limits(r)[0].at, 10 * kMinute + kSecond);
  EXPECT_LT(rate_limits(r)[0].value, 200.0);
  EXPECT_EQ(rig.world.actuators.calls.back().what, "set_rate_limit");
}

TEST(RateLimitGuardrail, HoldsThroughAFlappingSignalAndReleasesOnlyAfterTheHold) {
  Rig rig;
  rig.world.telemetry.set(Signal::kTraffic, 0, 200.0);
  ResilienceController r(rig.world.ports(), limiter());
  r.start();
  rig.world.run_to(6 * kMinute);
  rig.world.telemetry.set(Signal::kLatencyP50, 0, 0.17);
  rig.world.telemetry.set(Signal::kUtilisation, 0, 0.95);
  rig.world.run_to(6 * kMinute + 2 * kSecond);
  ASSERT_EQ(rate_limits(r).size(), 1u);
  // Utilisation flaps between 0.95 and 0.5 every 5 s for 5 minutes: the
  // release condition never holds 30 s without a break, so no release (the
  // limiter used to engage and release at every swing).
  Micros t = 6 * kMinute + 2 * kSecond;
  for (int i = 0; i < 60; ++i, t += 5 * kSecond) {
    rig.world.telemetry.set(Signal::kUtilisation, 0, i % 2 == 0 ? 0.5 : 0.95);
    rig.world.run_to(t + 5 * kSecond);
  }
  EXPECT_EQ(rate_limits(r).size(), 1u);
  // Spare capacity for good: released once the condition has held 30 s.
  rig.world.telemetry.set(Signal::kUtilisation, 0, 0.5);
  rig.world.run_to(t + 25 * kSecond);
  EXPECT_EQ(rate_limits(r).size(), 1u);
  rig.world.run_to(t + 40 * kSecond);
  ASSERT_EQ(rate_limits(r).size(), 2u);
  const GuardrailTrigger released = rate_limits(r)[1];
  EXPECT_FALSE(released.engaged);
  EXPECT_GE(released.at - t, 30 * kSecond);
  EXPECT_DOUBLE_EQ(rig.world.actuators.calls.back().value, 0.0);
  // Saturated again at once: not within the hold of the release.
  rig.world.telemetry.set(Signal::kUtilisation, 0, 0.95);
  rig.world.run_to(released.at + 25 * kSecond);
  EXPECT_EQ(rate_limits(r).size(), 2u);
  rig.world.run_to(released.at + 35 * kSecond);
  ASSERT_EQ(rate_limits(r).size(), 3u);
  EXPECT_TRUE(rate_limits(r)[2].engaged);
  EXPECT_EQ(rate_limits(r)[2].at, released.at + 30 * kSecond);
}

// --- maintenance -------------------------------------------------------------------------

class Counting : public MaintenanceParticipant {
 public:
  std::vector<MaintenanceAction> maintain(MaintenanceJob job, Micros now) override {
    seen.emplace_back(job, now);
    return {MaintenanceAction{"retrain_detectors", "detectors", to_string(job)}};
  }
  std::vector<std::pair<MaintenanceJob, Micros>> seen;
};

TEST(MaintenanceScheduler, RunsDailyWeeklyMonthlyInOrderAndRecordsDecisions) {
  FakeWorld world({service_named("api")}, 10 * kSecond);
  MaintenanceProcedures p;
  MaintenanceScheduler m(world.ports(), p);
  Counting c;
  m.add(c);
  m.start();
  world.clock.advance_to(31 * 24 * kHour);
  // Daily at n x 1d + 3h: 30 of them by day 31; weekly on days 7, 14, 21,
  // 28; monthly on day 30.
  int daily = 0, weekly = 0, monthly = 0;
  for (const auto& [job, at] : c.seen) {
    daily += job == MaintenanceJob::kDaily;
    weekly += job == MaintenanceJob::kWeekly;
    monthly += job == MaintenanceJob::kMonthly;
  }
  EXPECT_EQ(daily, 30);
  EXPECT_EQ(weekly, 4);
  EXPECT_EQ(monthly, 1);
  // Day 7: the daily job, then the weekly one, at the same time.
  for (size_t i = 0; i + 1 < c.seen.size(); ++i) {
    if (c.seen[i + 1].first == MaintenanceJob::kWeekly) {
      EXPECT_EQ(c.seen[i].first, MaintenanceJob::kDaily);
      EXPECT_EQ(c.seen[i].second, c.seen[i + 1].second);
    }
  }
  EXPECT_EQ(c.seen.front().second, 27 * kHour);
  ASSERT_EQ(world.recorder.decisions.size(), c.seen.size());
  EXPECT_EQ(world.recorder.decisions[0].controller, "maintenance");
  EXPECT_EQ(world.recorder.decisions[0].kind, "retrain_detectors");
  EXPECT_EQ(world.recorder.decisions[0].reason, "daily job: daily");
  EXPECT_EQ(m.runs().size(), c.seen.size());
}

TEST(MaintenanceScheduler, NothingOnARunShorterThanADayOrWhenDisabled) {
  FakeWorld world({service_named("api")});
  MaintenanceProcedures p;
  MaintenanceScheduler m(world.ports(), p);
  Counting c;
  m.add(c);
  m.start();
  world.clock.advance_to(26 * kHour);
  EXPECT_TRUE(c.seen.empty());
  p.enabled = false;
  MaintenanceScheduler off(world.ports(), p);
  off.add(c);
  off.start();
  world.clock.advance_to(40 * 24 * kHour);
  // Only the first scheduler's: 39 daily, 5 weekly, 1 monthly.
  EXPECT_EQ(c.seen.size(), 45u);
  EXPECT_TRUE(off.runs().empty());
}

TEST(AlertReview, CountsPagesPerSignalAndNotesNoisyRules) {
  MaintenanceProcedures p;
  p.noisy_pages_per_day = 2;
  AlertReview review(p);
  Alert a;
  a.source = "alerting";
  a.signal = "latency_p95";
  a.service = "api";
  for (uint64_t i = 1; i <= 3; ++i) {
    a.id = i;
    review.on_alert(a, true, static_cast<Micros>(i) * kMinute);
    review.on_alert(a, false, static_cast<Micros>(i) * kMinute + 30 * kSecond);
  }
  Alert b = a;
  b.id = 9;
  b.signal = "error_rate";
  review.on_alert(b, true, 10 * kMinute);
  const auto daily = review.maintain(MaintenanceJob::kDaily, kHour);
  ASSERT_EQ(daily.size(), 2u);
  EXPECT_EQ(daily[0].kind, "review_alerts");
  EXPECT_EQ(daily[0].detail, "4 pages in the last day; error_rate 1; latency_p95 3");
  EXPECT_EQ(daily[1].kind, "note_noisy_rule");
  EXPECT_EQ(daily[1].target, "latency_p95 on api");
  // The next day starts from zero.
  EXPECT_EQ(review.maintain(MaintenanceJob::kDaily, 2 * kHour)[0].detail,
            "0 pages in the last day");
  const auto weekly = review.maintain(MaintenanceJob::kWeekly, 3 * kHour);
  EXPECT_EQ(weekly[0].detail, "4 pages in the last week; median time to resolve 30 s");
  const auto monthly = review.maintain(MaintenanceJob::kMonthly, 4 * kHour);
  EXPECT_EQ(monthly[0].detail,
            "2 rules paged in the last month; latency_p95 on api (alerting) 3; error_rate on "
            "api (alerting) 1");
}

}  // namespace
}  // namespace dreamsim::ctl
