// The resilience early warning, its guardrails and the maintenance jobs in
// the simulated world, through scenario files and model::Run (the bytes
// `dreamsim run` writes).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "model/procedures_loader.hpp"
#include "model/run.hpp"
#include "model/scenario_loader.hpp"

namespace dreamsim::model {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const fs::path kRoot = fs::path(DREAMSIM_SOURCE_DIR);

Scenario load_file(const fs::path& path) {
  const LoadResult r = load_scenario(path.string());
  EXPECT_TRUE(r.ok()) << r.format();
  return r.ok() ? *r.scenario : Scenario{};
}

Scenario load_text(const std::string& text) {
  const LoadResult r = load_scenario_text(text, SourceFormat::kYaml, "test.yaml");
  EXPECT_TRUE(r.ok()) << r.format();
  return r.ok() ? *r.scenario : Scenario{};
}

// The built-in defaults (the resilience early warning on) with the changes
// of `yaml`.
ctl::Procedures procedures(const std::string& yaml) {
  const ProceduresLoad r = load_procedures_text(yaml, SourceFormat::kYaml, "p.yaml");
  EXPECT_TRUE(r.ok()) << r.format();
  return r.ok() ? *r.procedures : ctl::Procedures{};
}

ctl::Procedures resilience_on() { return procedures("{}\n"); }

const char* kGuardrailsOff =
    "resilience:\n  guardrails:\n    autoscale: {enabled: false}\n    rate_limit: {enabled: "
    "false}\n    brownout: {enabled: false}\n    retry_budget: {enabled: false}\n    "
    "shed_load: {enabled: false}\n";

Json run(const Scenario& s, const ctl::Procedures& p, uint64_t seed) {
  Run r(s, p, RunOptions{seed, true});
  r.execute();
  return r.outcome();
}

// The last minute's failed requests and backlog, from the world's signals.
struct Tail {
  double error_rate = 0.0;
  double backlog = 0.0;
};
Tail tail(const Scenario& s, const ctl::Procedures& p, uint64_t seed) {
  Run r(s, p, RunOptions{seed, true});
  r.execute();
  const GoldenSignals& g = r.world().signals();
  const size_t minute = static_cast<size_t>(60'000'000 / r.world().tick().us());
  Tail t;
  t.error_rate = g.window_mean(Signal::kErrorRate, g.system_column(), minute);
  t.backlog = g.window_mean(Signal::kBacklog, g.system_column(), minute);
  return t;
}

// --- guardrails on versus off --------------------------------------------------------

class RetryStorm : public ::testing::TestWithParam<const char*> {};

// The operator answers no page within the run (the incident runbook's
// restart would end the storm too), so that only the guardrails differ.
const std::string kNoOperator = "incident: {operator_delay: {distribution: fixed, value: 2h}}\n";

TEST_P(RetryStorm, RecoversWithGuardrailsAndNotWithout) {
  const Scenario s = load_file(kRoot / GetParam());
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    const Tail off = tail(s, procedures(kNoOperator + kGuardrailsOff), seed);
    const Tail on = tail(s, procedures(kNoOperator), seed);
    // Without guardrails the storm sustains itself to the end.
    EXPECT_GT(off.error_rate, 0.5) << "seed " << seed;
    EXPECT_GT(off.backlog, 50.0) << "seed " << seed;
    // With them the system is serving again.
    EXPECT_LT(on.error_rate, 0.01) << "seed " << seed;
    EXPECT_LT(on.backlog, 0.1 * off.backlog) << "seed " << seed;
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, RetryStorm,
                         ::testing::Values("scenarios/examples/retry-storm.yaml",
                                           "scenarios/library/retry-storm-cascade.yaml"));

TEST(Guardrails, TriggersAreInTheOutcome) {
  const Scenario s = load_file(kRoot / "scenarios/library/retry-storm-cascade.yaml");
  const Json on = run(s, resilience_on(), 1);
  ASSERT_TRUE(on.contains("resilience"));
  EXPECT_FALSE(on["resilience"]["guardrail_triggers"].empty());
  bool decision = false;
  for (const Json& a : on["actions"]) decision = decision || a["controller"] == "resilience";
  EXPECT_TRUE(decision);
  const Json off = run(s, procedures(kGuardrailsOff), 1);
  EXPECT_TRUE(off["resilience"]["guardrail_triggers"].empty());
  EXPECT_GT(off["metrics"]["failed_requests"].get<double>(),
            1.2 * on["metrics"]["failed_requests"].get<double>());
}

// --- early warning ---------------------------------------------------------------------

// A slow overload: entry load ramps from 50 % to 115 % of the api's capacity
// over 40 minutes. Guardrails off, so nothing hides the breach.
const char* kSlowOverload = R"(
name: slow-overload
seed: 3
duration: 70m
services:
  - {id: db, kind: database, replicas: 2, capacity_rps: 2000, service_time: 2ms}
  - {id: api, replicas: 4, capacity_rps: 100, service_time: 40ms, timeout: 2s, depends_on: [db]}
  - {id: web, replicas: 2, capacity_rps: 1000, service_time: 2ms, timeout: 5s, depends_on: [api]}
load:
  - {service: web, profile: ramp, rate_rps: 200, to_rps: 460, at: 10m, length: 40m}
noise: {cv: 0.05, autocorrelation: 0.3}
faults: []
)";

TEST(EarlyWarning, IndexFallsBelowFiftyBeforeASlowOverloadBreachesItsSlo) {
  const Scenario s = load_text(kSlowOverload);
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    const Json o = run(s, procedures(kGuardrailsOff), seed);
    const Json& r = o["resilience"];
    ASSERT_FALSE(r["first_below_alert_s"].is_null()) << "seed " << seed;
    ASSERT_FALSE(r["first_slo_breach_s"].is_null()) << "seed " << seed;
    EXPECT_LT(r["first_below_alert_s"].get<double>(), r["first_slo_breach_s"].get<double>())
        << "seed " << seed;
    EXPECT_GT(o["metrics"]["early_warning_lead_s"].get<double>(), 60.0) << "seed " << seed;
    EXPECT_LT(r["index_min"].get<double>(), 50.0);
    // The alert reached the incident runbook.
    bool paged = false;
    for (const Json& a : o["alerts"]) paged = paged || a["source"] == "resilience";
    EXPECT_TRUE(paged) << "seed " << seed;
  }
}

TEST(EarlyWarning, QuietRunHasNoResilienceAlert) {
  const Scenario s = load_text(R"(
name: quiet
seed: 3
duration: 2h
services:
  - {id: api, replicas: 4, capacity_rps: 100, service_time: 40ms, timeout: 2s}
load:
  - {service: api, profile: constant, rate_rps: 150}
noise: {cv: 0.05, autocorrelation: 0.3}
faults: []
)");
  const Json o = run(s, resilience_on(), 1);
  EXPECT_EQ(o["resilience"]["alerts"], 0);
  EXPECT_GE(o["resilience"]["index_min"].get<double>(), 50.0);
  EXPECT_TRUE(o["metrics"]["early_warning_lead_s"].is_null());
}

// --- maintenance -------------------------------------------------------------------------

// One test for the week (each run is a few seconds of the alerting
// controller's work): the jobs fire, their actions are in the outcome, and
// the refreshed baselines keep the early warning quiet on a healthy system.
TEST(Maintenance, JobsFireOnAMultiDayRunAndKeepFalseWarningsDown) {
  const Scenario s = load_file(kRoot / "scenarios/library/week-diurnal-maintenance.yaml");
  const Json on = run(s, resilience_on(), 1);
  const Json& jobs = on["maintenance"]["jobs"];
  int daily = 0, weekly = 0;
  bool refreshed = false, reviewed = false;
  for (const Json& j : jobs) {
    daily += j["job"] == "daily";
    weekly += j["job"] == "weekly";
    for (const Json& a : j["actions"]) {
      refreshed = refreshed || a["kind"] == "refresh_baselines";
      reviewed = reviewed || a["kind"] == "review_alerts";
    }
  }
  EXPECT_EQ(daily, 6);   // days 1..6 at 03:00 of a 7-day run
  EXPECT_EQ(weekly, 0);  // day 7 at 03:00 is past the end
  EXPECT_TRUE(refreshed);
  EXPECT_TRUE(reviewed);
  bool decision = false;
  for (const Json& a : on["actions"]) decision = decision || a["controller"] == "maintenance";
  EXPECT_TRUE(decision);

  // Nothing fails in this week: a low-index page would be a false warning.
  // The index reads critical slowing down only where utilisation is above
  // utilisation_ok and against a baseline that saw fluctuation
  // (scenarios/procedures/README.md, resilience), so even the first
  // morning's baseline, never refreshed, does not page on the daily cycle.
  const Json off = run(s, procedures("maintenance: {enabled: false}\n"), 1);
  EXPECT_TRUE(off["maintenance"]["jobs"].empty());
  EXPECT_EQ(on["metrics"]["failed_requests"], 0);
  EXPECT_EQ(on["resilience"]["alerts"], 0);
  EXPECT_EQ(off["resilience"]["alerts"], 0);

  // The golden-signal traffic rule is what pages: every evening's fall is
  // about 10 % in an hour. The daily traffic profile, learnt by the daily
  // job, takes away most of those pages (seed 1: 1,077 -> 376); without the
  // profile, maintenance alone does not.
  const Json no_profile = run(s, procedures("maintenance: {traffic_profile: false}\n"), 1);
  const int false_on = on["metrics"]["false_alerts"].get<int>();
  const int false_off = off["metrics"]["false_alerts"].get<int>();
  const int false_no_profile = no_profile["metrics"]["false_alerts"].get<int>();
  EXPECT_LT(2 * false_on, false_off);
  EXPECT_LT(2 * false_on, false_no_profile);
  bool profiled = false;
  for (const Json& j : jobs) {
    for (const Json& a : j["actions"]) {
      profiled = profiled || (a["kind"] == "refresh_traffic_profile" &&
                              a["detail"].get<std::string>().find("4 of 4 columns") !=
                                  std::string::npos);
    }
  }
  EXPECT_TRUE(profiled);
}

TEST(Maintenance, ShortRunsHaveNoJobs) {
  const Scenario s = load_file(kRoot / "scenarios/examples/retry-storm.yaml");
  const Json o = run(s, resilience_on(), 1);
  EXPECT_TRUE(o["maintenance"]["jobs"].empty());
}

}  // namespace
}  // namespace dreamsim::model
