// The controllers against the simulated world, through scenario files: each
// test loads a scenario, runs it with the controller host as `dreamsim run`
// does, and checks what happened in the world.
#include "model/controller_host.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "model/outcome.hpp"
#include "model/scenario_loader.hpp"
#include "sim/simulation.hpp"

namespace dreamsim::model {
namespace {

// A small shop: web -> api -> db, with a data store on db and an agent.
std::string shop(const std::string& faults, const std::string& extra = "") {
  return R"(
name: shop
seed: 7
duration: 1h
services:
  - {id: db, kind: database, replicas: 2, capacity_rps: 2000, service_time: 2ms, core: true}
  - {id: api, replicas: 3, capacity_rps: 400, service_time: 10ms, core: true, depends_on: [db]}
  - {id: web, replicas: 2, capacity_rps: 1000, service_time: 2ms, core: true, depends_on: [api]}
data_stores:
  - {id: orders, service: db, write_rate: 50, flush_interval: 10s}
agents:
  - {id: billing-bot, key: key-billing, calls: [{service: api, rate_rps: 2}]}
load:
  - {service: web, profile: constant, rate_rps: 300}
noise: {cv: 0.02, autocorrelation: 0.3}
)" + extra + "faults:\n" + faults;
}

struct Run {
  Scenario scenario;
  sim::Simulation sim;
  std::unique_ptr<World> world;
  std::unique_ptr<ControllerHost> host;
  nlohmann::ordered_json outcome;

  const ActionRecord* first_action(const std::string& kind) const {
    for (const ActionRecord& a : world->actions()) {
      if (a.kind == kind) return &a;
    }
    return nullptr;
  }
};

std::unique_ptr<Run> run(const std::string& text, bool controllers = true, uint64_t seed = 7) {
  auto r = std::make_unique<Run>();
  const LoadResult loaded = load_scenario_text(text, SourceFormat::kYaml, "test.yaml");
  EXPECT_TRUE(loaded.ok()) << loaded.format();
  if (!loaded.ok()) return r;
  r->scenario = *loaded.scenario;
  WorldOptions options;
  options.start_ready = !controllers || r->scenario.startup == StartupMode::kNone;
  r->world = std::make_unique<World>(r->scenario, seed, r->sim, options);
  if (controllers) {
    r->host = std::make_unique<ControllerHost>(*r->world, ctl::Procedures{});
    r->world->start();
    r->host->start(r->scenario.startup);
  }
  r->world->run();
  if (r->host) r->host->finish();
  r->outcome = outcome_json(*r->world);
  if (r->host) r->host->annotate(r->outcome);
  return r;
}

TEST(ControllersInTheWorld, ABadDeployIsRolledBackWithTheAlertAsReasonInsideTheLimit) {
  auto r = run(shop("  - {kind: bad_deploy, target: api, at: 10m, version: v2, latency_add: 2500ms}\n"));
  const ActionRecord* rollback = r->first_action("rollback");
  ASSERT_NE(rollback, nullptr);
  EXPECT_EQ(rollback->target, "api");
  EXPECT_NE(rollback->reason.find("latency_p95"), std::string::npos) << rollback->reason;
  EXPECT_NE(rollback->reason.find("v2"), std::string::npos) << rollback->reason;
  // The first page came after the deploy; the rollback within the P1 limit.
  ASSERT_FALSE(r->world->alerts().empty());
  const AlertRecord& page = r->world->alerts().front();
  EXPECT_GE(page.fired_at, sim::Time::from_seconds(600));
  EXPECT_LE(rollback->at - page.fired_at, sim::Duration::minutes(15));
  EXPECT_FALSE(r->world->version_signals(1).split);  // the split is gone
  EXPECT_EQ(r->outcome["metrics"]["sla_breaches"], 0);
}

TEST(ControllersInTheWorld, AnInjectedLatencyFiresP1NotP0AtThePredictedStep) {
  auto r = run(shop("  - {kind: latency, target: api, at: 10m, duration: 10m, latency_add: 3s}\n"));
  // Predict the step from the documented semantics: the first evaluation
  // (every 10 s) whose 60-tick window p95 of api passes 2 s.
  const GoldenSignals& g = r->world->signals();
  int64_t predicted = -1;
  for (int64_t t = 10; t < 3600 && predicted < 0; t += 10) {
    LogHistogram h;
    for (int64_t k = std::max<int64_t>(0, t - 60); k < t; ++k) {
      add_latency_points(h, g.at(Signal::kLatencyP50, 1, k), g.at(Signal::kLatencyP95, 1, k),
                         g.at(Signal::kLatencyP99, 1, k), g.at(Signal::kTraffic, 1, k));
    }
    if (h.count() > 0 && h.quantile(0.95) > 2.0) predicted = t;
  }
  ASSERT_GT(predicted, 600);
  const AlertRecord* api_latency = nullptr;
  for (const AlertRecord& a : r->world->alerts()) {
    EXPECT_FALSE(a.severity == "P0" && a.service == "api" && a.signal == "latency_p95");
    if (a.service == "api" && a.signal == "latency_p95" && api_latency == nullptr) api_latency = &a;
  }
  ASSERT_NE(api_latency, nullptr);
  EXPECT_EQ(api_latency->severity, "P1");
  EXPECT_EQ(api_latency->fired_at, sim::Time::from_seconds(predicted));
  // It resolves after the fault ends (20 m) plus the window and hysteresis.
  ASSERT_TRUE(api_latency->resolved_at.has_value());
  EXPECT_GE(*api_latency->resolved_at, sim::Time::from_seconds(1200 + 120));
  EXPECT_LE(*api_latency->resolved_at, sim::Time::from_seconds(1200 + 60 + 120 + 10));
}

TEST(ControllersInTheWorld, ACompromisedAgentIsQuarantinedAndTheExfiltrationStops) {
  auto r = run(shop("  - {kind: agent_compromise, target: billing-bot, at: 10m, exfil_rps: 100}\n"));
  const ActionRecord* quarantine = r->first_action("quarantine_agent");
  ASSERT_NE(quarantine, nullptr);
  EXPECT_EQ(quarantine->target, "billing-bot");
  ASSERT_NE(r->first_action("rotate_keys"), nullptr);
  ASSERT_NE(r->first_action("enable_global_kill_switch"), nullptr);
  // The kill switch stops exfiltration at once and quarantine for good, so
  // what left is 100 records/s from the onset to the kill switch, at most.
  const double seconds = (r->first_action("enable_global_kill_switch")->at.us() - 600'000'000) / 1e6;
  EXPECT_LE(r->world->metrics().records_exfiltrated, 100.0 * (seconds + 1.0));
  EXPECT_GT(r->world->metrics().records_exfiltrated, 0.0);
  EXPECT_TRUE(r->world->agent_quarantined(0));
}

TEST(ControllersInTheWorld, NoRequestIsServedWhileTheKillSwitchIsOn) {
  auto r = run(shop("  - {kind: agent_compromise, target: billing-bot, at: 10m, exfil_rps: 100}\n"));
  const ActionRecord* on = r->first_action("enable_global_kill_switch");
  const ActionRecord* off = r->first_action("disable_global_kill_switch");
  ASSERT_NE(on, nullptr);
  ASSERT_NE(off, nullptr);
  const GoldenSignals& g = r->world->signals();
  // Ticks that start after the switch and end before its release.
  for (int64_t k = on->at.us() / 1'000'000 + 1; k + 1 < off->at.us() / 1'000'000; ++k) {
    EXPECT_EQ(g.at(Signal::kGoodput, 2, k), 0.0) << "tick " << k;
  }
  // And traffic flows again afterwards.
  EXPECT_GT(g.at(Signal::kGoodput, 2, off->at.us() / 1'000'000 + 5), 0.0);
}

TEST(ControllersInTheWorld, WriteDrainLosesNoWriteWhenTheDatabaseCrashes) {
  // An error storm on api pages P0 (safe mode, write drain); then the
  // database crashes.
  const std::string faults =
      "  - {kind: errors, target: api, at: 10m, duration: 30m, error_rate: 0.5}\n"
      "  - {kind: crash, target: db, at: 25m5s, duration: 2m}\n";
  auto with = run(shop(faults));
  ASSERT_NE(with->first_action("enable_write_drain"), nullptr);
  EXPECT_LT(with->first_action("enable_write_drain")->at, sim::Time::from_seconds(1500));
  EXPECT_EQ(with->world->metrics().writes_lost, 0.0);
  auto without = run(shop(faults), /*controllers=*/false);
  EXPECT_GT(without->world->metrics().writes_lost, 0.0);
}

TEST(ControllersInTheWorld, AFailingReadinessGateStopsStartupNamingTheService) {
  std::string text = shop("  []\n", "startup: standard\n");
  text.replace(text.find("depends_on: [db]}"), 17, "depends_on: [db], readiness_ok: false}");
  auto r = run(text);
  ASSERT_TRUE(r->outcome.contains("startup"));
  EXPECT_EQ(r->outcome["startup"]["state"], "failed");
  EXPECT_EQ(r->outcome["startup"]["failed_service"], "api");
  const ActionRecord* failed = r->first_action("startup_failed");
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->target, "api");
  // web, which needs api, was never started.
  for (const ActionRecord& a : r->world->actions()) {
    EXPECT_FALSE(a.kind == "start_service" && a.target == "web");
  }
}

TEST(ControllersInTheWorld, AStandardStartupGradesTrafficToFullAndVerifies) {
  auto r = run(shop("  []\n", "startup: standard\n"));
  EXPECT_EQ(r->outcome["startup"]["state"], "succeeded");
  EXPECT_NE(r->first_action("startup_verified"), nullptr);
}

TEST(ControllersInTheWorld, GradingHaltsAtTenPercentWhenTheOpenedTrafficPushesP95PastP2) {
  // api can serve 20 requests/s: 1 % of 300 (3/s) is fine, 10 % (30/s) is
  // not, so its backlog and p95 grow past the P2 threshold (1 s).
  std::string text = shop("  []\n", "startup: standard\n");
  text.replace(text.find("{id: api, replicas: 3, capacity_rps: 400"), 40,
               "{id: api, replicas: 2, capacity_rps: 10");
  auto r = run(text);
  EXPECT_EQ(r->outcome["startup"]["state"], "halted");
  EXPECT_DOUBLE_EQ(r->outcome["startup"]["admission"].get<double>(), 0.10);
  const ActionRecord* halted = r->first_action("grading_halted");
  ASSERT_NE(halted, nullptr);
  EXPECT_NE(halted->reason.find("latency_p95"), std::string::npos) << halted->reason;
  for (const ActionRecord& a : r->world->actions()) {
    EXPECT_FALSE(a.kind == "set_traffic_grade" && a.reason.rfind("50%", 0) == 0) << a.reason;
  }
}

TEST(ControllersInTheWorld, MinimalModeStartsCoreServicesThenSubsystemsOneAtATime) {
  std::string text = shop("  []\n", "startup: minimal\n");
  // Two subsystems on top of the core shop.
  text.replace(text.find("data_stores:"), 12,
               "  - {id: recs, replicas: 1, capacity_rps: 500, service_time: 5ms, "
               "depends_on: [api]}\n"
               "  - {id: search, replicas: 1, capacity_rps: 500, service_time: 5ms, "
               "depends_on: [db]}\n"
               "data_stores:");
  auto r = run(text);
  std::vector<std::string> started;
  std::vector<sim::Time> enabled_at;
  for (const ActionRecord& a : r->world->actions()) {
    if (a.kind == "start_service" && enabled_at.empty()) started.push_back(a.target);
    if (a.kind == "enable_subsystem") enabled_at.push_back(a.at);
  }
  // Only core services start before the first subsystem is enabled.
  EXPECT_EQ(started, (std::vector<std::string>{"db", "api", "web"}));
  ASSERT_EQ(enabled_at.size(), 2u);
  // One at a time: the second after the procedures' interval (1 min) at least.
  EXPECT_GE(enabled_at[1] - enabled_at[0], sim::Duration::minutes(1));
  EXPECT_EQ(r->outcome["startup"]["state"], "succeeded");
}

TEST(ControllersInTheWorld, EveryActionAndAlertIsTheSameOnTheSameSeed) {
  const std::string text = shop(
      "  - {kind: bad_deploy, target: api, at: 10m, version: v2, latency_add: 2500ms}\n"
      "  - {kind: agent_compromise, target: billing-bot, at: 30m, exfil_rps: 100}\n");
  auto a = run(text);
  auto b = run(text);
  auto c = run(text, true, 8);
  EXPECT_EQ(outcome_text(a->outcome), outcome_text(b->outcome));
  EXPECT_EQ(a->sim.trace().value(), b->sim.trace().value());
  EXPECT_NE(a->sim.trace().value(), c->sim.trace().value());
  EXPECT_GE(a->world->actions().size(), 4u);
}

}  // namespace
}  // namespace dreamsim::model
