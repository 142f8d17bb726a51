#include "controllers/alerting.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tests/controllers/fake_world.hpp"

namespace dreamsim::ctl {
namespace {

using testing::FakeWorld;

std::vector<ServiceInfo> two_services() {
  return {testing::service_named("api"), testing::service_named("db")};
}

AlertingProcedures procedures() {
  AlertingProcedures p;
  p.evaluation_interval = 10 * kSecond;
  p.window = 30 * kSecond;
  p.for_duration = 0;
  p.resolve_after = 60 * kSecond;
  p.traffic_baseline = 60 * kSecond;
  return p;
}

TEST(Classify, StrictlyGreaterBreaches) {
  const Thresholds t{5.0, 2.0, 1.0};
  EXPECT_EQ(classify(0.5, t), kNormal);
  EXPECT_EQ(classify(1.0, t), kNormal);  // equal is not a breach
  EXPECT_EQ(classify(1.0001, t), 2);
  EXPECT_EQ(classify(2.5, t), 1);
  EXPECT_EQ(classify(5.0, t), 1);
  EXPECT_EQ(classify(5.1, t), 0);
  EXPECT_EQ(classify(0.9, t, 0.8), 2);  // lowered P2 threshold: 0.8
  EXPECT_EQ(classify(1.9, t, 0.8), 2);  // P1 keeps its threshold
  EXPECT_EQ(classify(std::numeric_limits<double>::quiet_NaN(), t), kNormal);
}

TEST(Alerting, LatencyFiresP1AtTheFirstEvaluationThatSeesIt) {
  FakeWorld w(two_services());
  AlertingController a(w.ports(), procedures());
  a.start();
  w.run_to(40 * kSecond);
  EXPECT_TRUE(w.recorder.fired.empty());
  // From tick 40 on, api's p95 is 3 s (the fake's window quantile is the max
  // per-tick p95 over the window).
  w.telemetry.set(Signal::kLatencyP95, 0, 3.0);
  w.run_to(50 * kSecond);
  ASSERT_EQ(w.recorder.fired.size(), 1u);
  const Alert& alert = w.recorder.fired[0];
  EXPECT_EQ(alert.severity, "P1");
  EXPECT_EQ(alert.signal, "latency_p95");
  EXPECT_EQ(alert.service, "api");
  EXPECT_EQ(alert.fired_at, 50 * kSecond);
  EXPECT_DOUBLE_EQ(alert.threshold, 2.0);
  EXPECT_EQ(a.worst_severity(), 1);
}

TEST(Alerting, ResolvesAfterTheHysteresis) {
  FakeWorld w(two_services());
  AlertingController a(w.ports(), procedures());
  a.start();
  w.run_to(20 * kSecond);
  w.telemetry.set(Signal::kLatencyP95, 0, 3.0);
  w.run_to(60 * kSecond);
  w.telemetry.set(Signal::kLatencyP95, 0, 0.05);
  // The last slow tick is tick 59; the 30 s window (ticks t-30 .. t-1) is
  // clean from the evaluation at 90 s; normal from 90 s, resolved 60 s later.
  w.run_to(149 * kSecond);
  EXPECT_TRUE(w.recorder.resolved.empty());
  w.run_to(150 * kSecond);
  ASSERT_EQ(w.recorder.resolved.size(), 1u);
  EXPECT_EQ(w.recorder.resolved[0].second, 150 * kSecond);
  EXPECT_EQ(a.worst_severity(), kNormal);
}

TEST(Alerting, ForDurationDelaysFiringAndABlipDoesNotFire) {
  FakeWorld w(two_services());
  AlertingProcedures p = procedures();
  p.for_duration = 20 * kSecond;
  AlertingController a(w.ports(), p);
  a.start();
  // A blip: error rate 20 % during ticks 10..14 only, seen by two
  // controllers, one with a 30 s window and one with a 10 s window.
  p.window = 10 * kSecond;
  AlertingController b(w.ports(), p);
  b.start();
  w.run_to(10 * kSecond);
  w.telemetry.set(Signal::kErrorRate, 1, 0.2);
  w.run_to(15 * kSecond);
  w.telemetry.set(Signal::kErrorRate, 1, 0.0);
  w.run_to(100 * kSecond);
  // Controller b (10 s window) saw the breach at 20 s only (P1: 10 % over
  // the window): pending, then normal at 30 s, so it never fired. Controller
  // a (30 s window) saw 5 %, 3.3 %, 3.3 % at 20, 30 and 40 s: P2 each time,
  // fired at 40 s after 20 s pending.
  ASSERT_EQ(w.recorder.fired.size(), 1u);
  EXPECT_EQ(w.recorder.fired[0].fired_at, 40 * kSecond);
  EXPECT_EQ(w.recorder.fired[0].severity, "P2");
  EXPECT_EQ(w.recorder.fired[0].service, "db");
}

TEST(Alerting, EscalatesWithoutDuplicatePages) {
  FakeWorld w(two_services());
  AlertingController a(w.ports(), procedures());
  std::vector<std::string> events;
  a.subscribe([&](const Alert& alert, AlertingController::Event e) {
    events.push_back(alert.severity + (e == AlertingController::Event::kFired      ? " fired"
                                       : e == AlertingController::Event::kEscalated ? " escalated"
                                                                                    : " resolved"));
  });
  a.start();
  w.run_to(5 * kSecond);
  w.telemetry.set(Signal::kCpu, 0, 0.80);  // P2
  w.run_to(45 * kSecond);
  w.telemetry.set(Signal::kCpu, 0, 0.99);  // window mean passes 0.85, then 0.95
  w.run_to(200 * kSecond);
  w.telemetry.set(Signal::kCpu, 0, 0.90);  // better, but no page for it
  w.run_to(300 * kSecond);
  EXPECT_EQ(events, (std::vector<std::string>{"P2 fired", "P1 escalated", "P0 escalated"}));
  // Each escalation closed the lower page: three pages, two closed.
  EXPECT_EQ(w.recorder.fired.size(), 3u);
  EXPECT_EQ(w.recorder.resolved.size(), 2u);
  EXPECT_EQ(a.firing().size(), 1u);
  EXPECT_EQ(a.firing()[0].severity, "P0");
}

TEST(Alerting, TrafficDropAgainstTheBaseline) {
  FakeWorld w(two_services());
  AlertingController a(w.ports(), procedures());
  a.start();
  w.run_to(100 * kSecond);  // 100 rps everywhere (the fake's default)
  w.telemetry.set(Signal::kTraffic, 0, 60.0);  // a 40 % drop on api
  w.run_to(200 * kSecond);
  ASSERT_FALSE(w.recorder.fired.empty());
  const Alert& first = w.recorder.fired[0];
  EXPECT_EQ(first.signal, "traffic_drop");
  EXPECT_EQ(first.service, "api");
  // At 110 s the window (ticks 80..109) holds 10 ticks at 60: drop 13 %, P2.
  EXPECT_EQ(first.fired_at, 110 * kSecond);
  EXPECT_EQ(first.severity, "P2");
  EXPECT_NEAR(first.value, 40.0 / 300.0, 1e-9);
  // It escalates to P1 (> 25 %) once the window holds 19+ slow ticks.
  ASSERT_GE(w.recorder.fired.size(), 2u);
  EXPECT_EQ(w.recorder.fired[1].severity, "P1");
  EXPECT_EQ(w.recorder.fired[1].fired_at, 120 * kSecond);
}

// The traffic sums are kept as ticks arrive; whatever the gaps between
// evaluations (a boost, a service switched off for longer than window and
// baseline), each value equals the plain mean of the window over the mean
// of the baseline read afresh.
TEST(Alerting, TrafficDropEqualsAFreshReadWhateverTheGapsBetweenEvaluations) {
  FakeWorld w(two_services());
  AlertingController a(w.ports(), procedures());  // window 30 s, baseline 60 s, 1 s ticks
  std::vector<double> series;
  auto fresh = [&] {
    double base = 0.0, recent = 0.0;
    const size_t n = series.size();
    for (size_t i = n - 90; i < n - 30; ++i) base += series[i];
    for (size_t i = n - 30; i < n; ++i) recent += series[i];
    return 1.0 - (recent / 30.0) / (base / 60.0);
  };
  int checked = 0;
  for (int t = 1; t <= 600; ++t) {
    const double rps = 100.0 + 37.0 * std::sin(0.05 * t) + (t % 7) * 0.125;
    w.telemetry.set(Signal::kTraffic, 0, rps);
    series.push_back(rps);
    w.run_to(t * kSecond);
    // Evaluate at irregular gaps: every tick, then every 13 s, then after a
    // pause of 200 s (longer than window and baseline), then every 3 s.
    const bool evaluate = t < 120 || (t < 250 && t % 13 == 0) || (t >= 450 && t % 3 == 0);
    if (!evaluate) continue;
    a.evaluate();
    if (series.size() < 90) continue;
    EXPECT_NEAR(a.last_value(0, AlertSignal::kTrafficDrop), fresh(), 1e-6) << "at " << t << " s";
    ++checked;
  }
  EXPECT_GT(checked, 80);
}

TEST(Alerting, NoTrafficDropAlertBeforeTheBaselineIsFull) {
  FakeWorld w(two_services());
  AlertingController a(w.ports(), procedures());
  a.start();
  w.telemetry.set(Signal::kTraffic, 0, 0.0);
  w.run_to(80 * kSecond);  // window 30 + baseline 60 = 90 ticks needed
  EXPECT_TRUE(w.recorder.fired.empty());
}

TEST(Alerting, BoostEvaluatesMoreOftenWithLowerThresholds) {
  FakeWorld w(two_services());
  AlertingController a(w.ports(), procedures());
  a.start();
  w.run_to(20 * kSecond);
  w.telemetry.set(Signal::kErrorRate, 0, 0.009);  // below P2's 1 %
  w.run_to(60 * kSecond);
  EXPECT_TRUE(w.recorder.fired.empty());
  a.boost(0.5, 0.8, 200 * kSecond);  // every 5 s; P2 now at 0.8 %
  w.run_to(64 * kSecond);
  EXPECT_TRUE(w.recorder.fired.empty());
  w.run_to(65 * kSecond);
  ASSERT_EQ(w.recorder.fired.size(), 1u);
  EXPECT_EQ(w.recorder.fired[0].severity, "P2");
}

TEST(Alerting, SystemColumnIsNamedSystem) {
  FakeWorld w(two_services());
  AlertingController a(w.ports(), procedures());
  a.start();
  w.telemetry.set(Signal::kMemory, 2, 0.97);
  w.run_to(10 * kSecond);
  ASSERT_EQ(w.recorder.fired.size(), 1u);
  EXPECT_EQ(w.recorder.fired[0].service, "system");
  EXPECT_EQ(w.recorder.fired[0].signal, "saturation_memory");
  EXPECT_EQ(w.recorder.fired[0].severity, "P0");
}

}  // namespace
}  // namespace dreamsim::ctl

namespace dreamsim::ctl {
namespace {

TEST(Alerting, AnAgentReadingRecordsOutPagesP0Security) {
  FakeWorld w(two_services());
  AlertingController a(w.ports(), procedures());
  a.watch_exfiltration(1.0);
  w.telemetry.agent_list = {{"crawler", "key-a", false, 0.0}};
  a.start();
  w.run_to(20 * kSecond);
  EXPECT_TRUE(w.recorder.fired.empty());
  w.telemetry.agent_list[0].records_read_rps = 200.0;
  w.run_to(30 * kSecond);
  ASSERT_EQ(w.recorder.fired.size(), 1u);
  EXPECT_EQ(w.recorder.fired[0].severity, "P0");
  EXPECT_EQ(w.recorder.fired[0].signal, "exfiltration");
  EXPECT_EQ(w.recorder.fired[0].service, "crawler");
  EXPECT_EQ(w.recorder.fired[0].source, "security");
  EXPECT_EQ(a.worst_severity(), 0);
  w.telemetry.agent_list[0].quarantined = true;
  w.run_to(30 * kSecond + 70 * kSecond);
  ASSERT_EQ(w.recorder.resolved.size(), 1u);
  EXPECT_EQ(w.recorder.resolved[0].second, 100 * kSecond);
}

}  // namespace
}  // namespace dreamsim::ctl
