#include "controllers/incident.hpp"

#include <gtest/gtest.h>

#include "tests/controllers/fake_world.hpp"

namespace dreamsim::ctl {
namespace {

using testing::FakeWorld;
using testing::service_named;

struct Harness {
  explicit Harness(std::vector<ServiceInfo> services, IncidentProcedures ip = fixed_delay(2 * kMinute))
      : world(std::move(services)),
        alerting(world.ports(), alerting_procedures()),
        control(world.ports()),
        recovery(world.ports(), RecoveryProcedures{}),
        incident(world.ports(), ip, alerting, control, recovery) {
    alerting.start();
    recovery.start();
    incident.start();
  }
  static IncidentProcedures fixed_delay(Micros d) {
    IncidentProcedures p;
    p.operator_delay.kind = DelayDistribution::Kind::kFixed;
    p.operator_delay.median = d;
    p.safe_mode_exit_after = 2 * kMinute;
    p.recovery_check_interval = 10 * kSecond;
    return p;
  }
  static AlertingProcedures alerting_procedures() {
    AlertingProcedures p;
    p.evaluation_interval = 10 * kSecond;
    p.window = 30 * kSecond;
    p.resolve_after = 60 * kSecond;
    p.traffic_baseline = 60 * kSecond;
    return p;
  }
  std::vector<std::string> kinds() const { return world.recorder.kinds(); }
  const Decision* first(const std::string& kind) const {
    for (const Decision& d : world.recorder.decisions) {
      if (d.kind == kind) return &d;
    }
    return nullptr;
  }

  FakeWorld world;
  AlertingController alerting;
  ControlController control;
  RecoveryController recovery;
  IncidentController incident;
};

std::vector<ServiceInfo> shop() {
  ServiceInfo web = service_named("web", true);
  ServiceInfo api = service_named("api", true);
  ServiceInfo db = service_named("db", true);
  ServiceInfo recs = service_named("recs");
  recs.module = "recommendations";
  web.depends_on = {1, 3};
  api.depends_on = {2};
  return {web, api, db, recs};
}

TEST(Incident, BadDeployIsRolledBackWithTheAlertAsReason) {
  Harness h(shop());
  h.world.run_to(100 * kSecond);
  h.world.telemetry.deploy_list.push_back({1, "v2", 95 * kSecond, 1.0, true});
  h.world.telemetry.set(Signal::kLatencyP95, 1, 3.0);  // P1 on api
  h.world.run_to(110 * kSecond);
  ASSERT_EQ(h.world.recorder.fired.size(), 1u);
  EXPECT_EQ(h.world.recorder.fired[0].severity, "P1");
  h.world.run_to(10 * kMinute);
  const Decision* rollback = h.first("rollback");
  ASSERT_NE(rollback, nullptr);
  EXPECT_EQ(rollback->target, "api");
  EXPECT_EQ(rollback->at, 110 * kSecond + 2 * kMinute);  // the fixed operator delay
  EXPECT_NE(rollback->reason.find("P1 latency_p95 on api"), std::string::npos) << rollback->reason;
  EXPECT_NE(rollback->reason.find("v2"), std::string::npos);
  EXPECT_EQ(h.first("enable_safe_mode"), nullptr);  // P1 is less aggressive
  ASSERT_EQ(h.incident.incidents().size(), 1u);
  const Incident& i = h.incident.incidents()[0];
  EXPECT_EQ(i.diagnosis, "deploy");
  EXPECT_FALSE(i.response_breached);
  EXPECT_EQ(i.mitigated_at, rollback->at);
}

TEST(Incident, P0RunsSafeModeWriteDrainAndRecoversThenDisablesSafeMode) {
  Harness h(shop());
  h.world.run_to(100 * kSecond);
  h.world.telemetry.set(Signal::kErrorRate, 2, 0.5);  // db failing: P0
  h.world.telemetry.mutable_state(2).serving = 0;
  h.world.telemetry.mutable_state(2).running = 0;
  h.world.run_to(110 * kSecond);
  h.world.run_to(110 * kSecond + 2 * kMinute);
  EXPECT_EQ(h.kinds(), (std::vector<std::string>{"enable_safe_mode", "enable_write_drain",
                                                 "restart_service"}));
  EXPECT_EQ(h.first("restart_service")->target, "db");
  EXPECT_TRUE(h.incident.safe_mode());
  EXPECT_EQ(h.first("restart_service")->controller, "recovery");
  // db comes back: the recovery verifies it; the alert resolves 60 s after
  // the window is clean; then 2 min of normal signals close the incident.
  h.world.telemetry.set(Signal::kErrorRate, 2, 0.0);
  h.world.telemetry.mutable_state(2).serving = 1;
  h.world.telemetry.mutable_state(2).running = 1;
  h.world.run_to(20 * kMinute);
  const std::vector<std::string> k = h.kinds();
  ASSERT_EQ(k.size(), 7u);
  EXPECT_EQ(k[3], "verify_health");
  EXPECT_EQ(k[4], "disable_write_drain");
  EXPECT_EQ(k[5], "disable_safe_mode");
  EXPECT_EQ(k[6], "resolve_incident");
  EXPECT_FALSE(h.incident.safe_mode());
  const Incident& i = h.incident.incidents()[0];
  EXPECT_EQ(i.severity, 0);
  EXPECT_GE(i.resolved_at, i.mitigated_at);
  EXPECT_EQ(i.diagnosis, "failure");
}

TEST(Incident, SecurityBreachKillSwitchQuarantineRotateAllThenRelease) {
  Harness h(shop());
  h.world.telemetry.agent_list = {{"crawler", "key-a", false, 0.0}, {"billing", "key-b", false, 0.0}};
  h.world.run_to(100 * kSecond);
  h.world.telemetry.agent_list[1].records_read_rps = 500.0;  // billing leaks
  h.world.telemetry.set(Signal::kErrorRate, 1, 0.2);         // P0 on api
  h.world.run_to(110 * kSecond + 2 * kMinute);
  EXPECT_EQ(h.kinds(), (std::vector<std::string>{"enable_safe_mode", "enable_write_drain",
                                                 "enable_global_kill_switch", "quarantine_agent",
                                                 "rotate_keys"}));
  EXPECT_EQ(h.first("quarantine_agent")->target, "billing");
  EXPECT_EQ(h.first("rotate_keys")->target, "all");
  EXPECT_EQ(h.first("enable_global_kill_switch")->controller, "control");
  // Quarantine takes: the agent stops reading; the kill switch is released
  // at the next recovery check.
  h.world.telemetry.agent_list[1].quarantined = true;
  h.world.telemetry.agent_list[1].records_read_rps = 0.0;
  h.world.run_to(110 * kSecond + 2 * kMinute + 10 * kSecond);
  ASSERT_NE(h.first("disable_global_kill_switch"), nullptr);
  EXPECT_EQ(h.incident.incidents()[0].diagnosis, "security");
}

TEST(Incident, P2RaisesMonitoring) {
  Harness h(shop());
  h.world.run_to(100 * kSecond);
  h.world.telemetry.set(Signal::kCpu, 3, 0.80);  // P2 saturation on recs
  h.world.run_to(10 * kMinute);
  const Decision* d = h.first("increase_monitoring");
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->reason.find("P2 saturation_cpu on recs"), std::string::npos);
  EXPECT_EQ(h.first("enable_safe_mode"), nullptr);
}

TEST(Incident, ASlowResponderBreachesTheResponseTimeLimit) {
  Harness h(shop(), Harness::fixed_delay(20 * kMinute));
  h.world.run_to(100 * kSecond);
  h.world.telemetry.set(Signal::kLatencyP95, 0, 6.0);  // P0 on web
  h.world.run_to(30 * kMinute);
  const Decision* breach = h.first("response_time_breach");
  ASSERT_NE(breach, nullptr);
  EXPECT_EQ(breach->at, 110 * kSecond + 20 * kMinute);
  EXPECT_NE(breach->reason.find("limit 300s"), std::string::npos) << breach->reason;
  EXPECT_TRUE(h.incident.incidents()[0].response_breached);
}

TEST(Incident, P1DisablesTheRiskyModuleAndReenablesItOnClose) {
  Harness h(shop());
  h.world.run_to(100 * kSecond);
  h.world.telemetry.set(Signal::kErrorRate, 3, 0.07);  // P1 on recs
  h.world.run_to(110 * kSecond + 2 * kMinute);
  const Decision* d = h.first("disable_module");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->target, "recommendations");
  // recs is disabled now: silenced, its alert resolves; the incident closes.
  h.world.telemetry.mutable_state(3).disabled = true;
  h.world.run_to(20 * kMinute);
  ASSERT_NE(h.first("enable_module"), nullptr);
  ASSERT_NE(h.first("resolve_incident"), nullptr);
}

TEST(Incident, AModuleThatPagesAgainAfterReenableIsHeldOffLonger) {
  Harness h(shop());  // safe_mode_exit_after 2 min
  h.world.run_to(100 * kSecond);
  h.world.telemetry.set(Signal::kErrorRate, 3, 0.07);  // P1 on recs, and it lasts
  h.world.run_to(110 * kSecond + 2 * kMinute);
  ASSERT_NE(h.first("disable_module"), nullptr);
  h.world.telemetry.mutable_state(3).disabled = true;
  Micros t = h.world.clock.now();
  while (h.first("enable_module") == nullptr && t < 20 * kMinute) h.world.run_to(t += kSecond);
  ASSERT_NE(h.first("enable_module"), nullptr);
  // Enabled again while the cause is still there: it pages again and is
  // disabled again, as a second strike.
  h.world.telemetry.mutable_state(3).disabled = false;
  h.world.run_to(t + 10 * kMinute);
  std::vector<const Decision*> disables, enables, resolves;
  for (const Decision& d : h.world.recorder.decisions) {
    if (d.kind == "disable_module") disables.push_back(&d);
    if (d.kind == "enable_module") enables.push_back(&d);
    if (d.kind == "resolve_incident") resolves.push_back(&d);
  }
  ASSERT_EQ(disables.size(), 2u);
  EXPECT_NE(disables[1]->reason.find("strike 2"), std::string::npos) << disables[1]->reason;
  h.world.telemetry.mutable_state(3).disabled = true;
  h.world.run_to(80 * kMinute);
  enables.clear();
  resolves.clear();
  for (const Decision& d : h.world.recorder.decisions) {
    if (d.kind == "enable_module") enables.push_back(&d);
    if (d.kind == "resolve_incident") resolves.push_back(&d);
  }
  ASSERT_EQ(resolves.size(), 2u);
  ASSERT_EQ(enables.size(), 2u);
  // The second incident closes without enabling it; the enable comes when
  // the doubled hold (4 min in all, 2 of them already spent as the
  // incident's own wait) has passed.
  EXPECT_EQ(enables[1]->at - resolves[1]->at, 2 * kMinute);
  EXPECT_NE(enables[1]->reason.find("strike 2"), std::string::npos) << enables[1]->reason;
}

TEST(Incident, TotalFailureUsesTheKillSwitchAndTheFullRecoveryInWaves) {
  Harness h(shop());
  // A restarted service serves again 20 s later.
  h.world.actuators.on_restart_service = [&h](size_t s) {
    h.world.clock.call_after(20 * kSecond, [&h, s] {
      h.world.telemetry.mutable_state(s).serving = 1;
      h.world.telemetry.mutable_state(s).running = 1;
      h.world.telemetry.set(Signal::kErrorRate, s, 0.0);
    });
  };
  h.world.run_to(100 * kSecond);
  for (size_t s = 0; s < 4; ++s) {
    h.world.telemetry.mutable_state(s).serving = 0;
    h.world.telemetry.mutable_state(s).running = 0;
    h.world.telemetry.set(Signal::kErrorRate, s, 1.0);
  }
  h.world.run_to(110 * kSecond + 2 * kMinute);
  ASSERT_NE(h.first("enable_global_kill_switch"), nullptr);
  EXPECT_EQ(h.incident.incidents()[0].diagnosis, "total_failure");
  h.world.run_to(30 * kMinute);
  std::vector<std::pair<std::string, Micros>> restarted;
  for (const Decision& d : h.world.recorder.decisions) {
    if (d.kind == "restart_service") restarted.emplace_back(d.target, d.at);
  }
  // The waves: db and recs (no dependencies), then api (needs db), then web
  // (needs api and recs); each wave once the one before is healthy.
  ASSERT_EQ(restarted.size(), 4u);
  EXPECT_EQ(restarted[0].first, "db");
  EXPECT_EQ(restarted[1].first, "recs");
  EXPECT_EQ(restarted[0].second, restarted[1].second);
  EXPECT_EQ(restarted[2].first, "api");
  EXPECT_GE(restarted[2].second, restarted[0].second + 20 * kSecond);
  EXPECT_EQ(restarted[3].first, "web");
  EXPECT_GE(restarted[3].second, restarted[2].second + 20 * kSecond);
  // The recovery's restarts are in the incident's post-mortem, and the
  // first of them is its mitigation.
  const Incident& i = h.incident.incidents()[0];
  EXPECT_EQ(i.mitigated_at, restarted[0].second);
  size_t in_post_mortem = 0;
  for (const Decision& d : i.actions) in_post_mortem += d.kind == "restart_service" ? 1 : 0;
  EXPECT_EQ(in_post_mortem, 4u);
  // Verified, the kill switch released, the incident closed and safe mode off.
  ASSERT_NE(h.first("disable_global_kill_switch"), nullptr);
  ASSERT_NE(h.first("resolve_incident"), nullptr);
  std::vector<double> safe_mode_calls;
  for (const auto& c : h.world.actuators.calls) {
    if (c.what == "set_safe_mode") safe_mode_calls.push_back(c.value);
  }
  EXPECT_EQ(safe_mode_calls, (std::vector<double>{1.0, 0.0}));
  EXPECT_FALSE(h.recovery.safe_mode().on());
  EXPECT_EQ(h.recovery.full().size(), 1u);
  EXPECT_EQ(h.recovery.full()[0].state, FullRecovery::State::kRecovered);
}

}  // namespace
}  // namespace dreamsim::ctl

namespace dreamsim::ctl {
namespace {

TEST(Incident, P0WithNothingElseToBlameRestartsTheAlertingService) {
  Harness h(shop());
  h.world.run_to(100 * kSecond);
  h.world.telemetry.set(Signal::kErrorRate, 1, 0.5);  // api up but failing: P0
  h.world.run_to(110 * kSecond + 2 * kMinute);
  EXPECT_EQ(h.kinds(), (std::vector<std::string>{"enable_safe_mode", "enable_write_drain",
                                                 "restart_service"}));
  EXPECT_EQ(h.first("restart_service")->target, "api");
  EXPECT_EQ(h.incident.incidents()[0].diagnosis, "degraded");
}

TEST(Incident, P1WithNothingToBlameDoesNotRestart) {
  Harness h(shop());
  h.world.run_to(100 * kSecond);
  h.world.telemetry.set(Signal::kErrorRate, 1, 0.07);  // P1 on api, which has no module
  h.world.run_to(110 * kSecond + 2 * kMinute);
  EXPECT_EQ(h.first("restart_service"), nullptr);
  EXPECT_EQ(h.incident.incidents()[0].diagnosis, "none");
}

}  // namespace
}  // namespace dreamsim::ctl
