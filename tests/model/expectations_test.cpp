// The expectation language (loader), the judge (model/expectations.hpp), the
// score and the exit decision of `dreamsim run`.
#include "model/expectations.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "model/run.hpp"
#include "model/scenario_loader.hpp"
#include "model/score.hpp"
#include "tests/model/cli_runner.hpp"

namespace dreamsim::model {
namespace {

namespace fs = std::filesystem;

// A small shop: web -> api -> db, with a data store and an agent; the
// expectations are appended.
std::string shop(const std::string& faults, const std::string& expectations,
                 const std::string& extra = "") {
  return R"(name: shop
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
)" + extra + "faults:\n" + faults + "expectations:\n" + expectations;
}

LoadResult load(const std::string& text) {
  return load_scenario_text(text, SourceFormat::kYaml, "test.yaml");
}

nlohmann::ordered_json run(const std::string& text, bool controllers = true, uint64_t seed = 7) {
  const LoadResult r = load(text);
  EXPECT_TRUE(r.ok()) << r.format();
  if (!r.ok()) return {};
  Run run(*r.scenario, ctl::Procedures{}, RunOptions{seed, controllers});
  run.execute();
  return run.outcome();
}

const nlohmann::ordered_json& result(const nlohmann::ordered_json& outcome, size_t i) {
  return outcome["expectations"][i];
}

const std::string kDeploy = "  - {kind: bad_deploy, target: api, at: 10m, version: v2, latency_add: 2500ms}\n";
const std::string kCompromise = "  - {kind: agent_compromise, target: billing-bot, at: 20m, exfil_rps: 100}\n";

// --- The language ------------------------------------------------------------

TEST(ExpectationLanguage, ReadsEveryKindWithItsCanonicalText) {
  const LoadResult r = load(shop(kDeploy + kCompromise, R"(
  - alert: P1
    signal: latency_p95
    service: api
    within: 5m
    after: {fault: bad_deploy, target: api}
  - no_alert: [P0, P1]
    signal: error_rate
  - action: enable_write_drain
    before: {action: rollback, target: api}
  - no_action: restore_backup
  - metrics: {writes_lost: 0, ttr_s: <= 1800, false_alerts: "< 2"}
  - always: no_request_served_under_kill_switch
  - eventually: all_services_healthy
    within: 30m
  - reachable: quarantine_agent
  - reachable: {note: "grading", controller: startup}
)"));
  ASSERT_TRUE(r.ok()) << r.format();
  const auto& x = r.scenario->expectations;
  ASSERT_EQ(x.size(), 11u);
  EXPECT_EQ(x[0].text, "P1 latency_p95 alert on api within 5m of bad_deploy on api");
  EXPECT_EQ(x[0].alert.severities, kSeverityP1);
  EXPECT_EQ(x[1].text, "no P0 or P1 error_rate alert");
  EXPECT_EQ(x[2].text, "action enable_write_drain after the first fault before action rollback on api");
  EXPECT_EQ(x[3].text, "no action restore_backup");
  EXPECT_EQ(x[4].text, "writes_lost == 0");
  EXPECT_EQ(x[5].text, "ttr_s <= 1800");
  EXPECT_EQ(x[5].op, Comparison::kLe);
  EXPECT_EQ(x[6].text, "false_alerts < 2");
  EXPECT_EQ(x[7].text, "always no_request_served_under_kill_switch");
  EXPECT_EQ(x[8].text, "eventually all_services_healthy within 30m of the last fault's end");
  EXPECT_EQ(x[9].text, "reachable action quarantine_agent");
  EXPECT_EQ(x[10].text, "reachable note 'grading' from startup");
  EXPECT_EQ(x[4].line, 30);
}

TEST(ExpectationLanguage, ProblemsNameTheLineTheFieldAndWhatWasExpected) {
  const LoadResult r = load(shop(kDeploy, R"(
  - alert: P4
  - action: rolback
  - alert: P1
    service: apii
  - metrics: {writes_lots: 0}
  - metrics: {ttr_s: about 30m}
  - always: nothing_bad
  - alert: P1
    action: rollback
  - P1 alert on api
  - action: rollback
    after: {fault: crash, target: api}
  - eventually: all_services_healthy
    within: 0s
)"));
  ASSERT_FALSE(r.ok());
  const std::string f = r.format();
  EXPECT_NE(f.find("test.yaml:19:12: expectations[0].alert: unknown severity 'P4'"), std::string::npos) << f;
  EXPECT_NE(f.find("test.yaml:20:13: expectations[1].action: unknown action kind 'rolback'; did you "
                   "mean 'rollback'?"),
            std::string::npos)
      << f;
  EXPECT_NE(f.find("test.yaml:22:14: expectations[2].service: unknown service or agent "
                   "'apii'; did you mean 'api'?"),
            std::string::npos)
      << f;
  EXPECT_NE(f.find("test.yaml:23:15: expectations[3].metrics.writes_lots: unknown field "
                   "'writes_lots'; did you mean 'writes_lost'?"),
            std::string::npos)
      << f;
  EXPECT_NE(f.find("test.yaml:24:22: expectations[4].metrics.ttr_s: expected a number, or a "
                   "comparison such as '<= 1800'"),
            std::string::npos)
      << f;
  EXPECT_NE(f.find("test.yaml:25:13: expectations[5].always: unknown invariant 'nothing_bad'"),
            std::string::npos)
      << f;
  EXPECT_NE(f.find("test.yaml:26:5: expectations[6]: one expectation per list item: this one has "
                   "both 'alert' and 'action'"),
            std::string::npos)
      << f;
  EXPECT_NE(f.find("test.yaml:28:5: expectations[7]: expected a mapping led by one of alert, "
                   "no_alert, action"),
            std::string::npos)
      << f;
  EXPECT_NE(f.find("test.yaml:30:20: expectations[8].after.fault: no fault of this scenario is "
                   "crash on api (its faults: bad_deploy on api)"),
            std::string::npos)
      << f;
  EXPECT_NE(f.find("test.yaml:32:13: expectations[9].within:"), std::string::npos) << f;
}

// --- The judge ---------------------------------------------------------------

TEST(ExpectationJudge, AnAlertWithinATimeOfAFaultPassesWithTheEvidenceThatDecidedIt) {
  const auto out = run(shop(kDeploy, R"(
  - alert: any
    signal: latency_p95
    service: api
    within: 5m
  - alert: any
    signal: latency_p95
    service: api
    within: 5s
)"));
  const auto& ok = result(out, 0);
  EXPECT_EQ(ok["passed"], true) << ok.dump();
  EXPECT_NE(ok["evidence"].get<std::string>().find("bad_deploy on api took effect at 600 s"),
            std::string::npos)
      << ok.dump();
  const auto& late = result(out, 1);
  EXPECT_EQ(late["passed"], false) << late.dump();
  EXPECT_NE(late["evidence"].get<std::string>().find("none in the window"), std::string::npos)
      << late.dump();
  EXPECT_FALSE(expectations_passed(out));
  ASSERT_EQ(failed_expectations(out).size(), 1u);
}

TEST(ExpectationJudge, OrderOfActionsAndAbsenceOfAlerts) {
  const auto out = run(shop(kDeploy, R"(
  - action: enable_write_drain
    before: {action: rollback, target: api}
  - action: rollback
    before: {action: enable_write_drain}
  - no_alert: any
  - no_alert: any
    before: {fault: bad_deploy}
)"));
  EXPECT_EQ(result(out, 0)["passed"], true) << result(out, 0).dump();
  EXPECT_EQ(result(out, 1)["passed"], false) << result(out, 1).dump();
  EXPECT_EQ(result(out, 2)["passed"], false) << result(out, 2).dump();
  EXPECT_EQ(result(out, 3)["passed"], true) << result(out, 3).dump();
}

TEST(ExpectationJudge, MetricBoundsReadTheOutcomeMetrics) {
  // A metric bounded twice in one mapping is a duplicate key.
  const LoadResult twice = load(shop(kDeploy, R"(
  - metrics: {writes_lost: 0, ttd_s: <= 120, ttd_s: "> 100000"}
)"));
  EXPECT_NE(twice.format().find("expectations[0].metrics.ttd_s: duplicate key 'ttd_s'"),
            std::string::npos)
      << twice.format();
  const auto ok = run(shop(kDeploy, R"(
  - metrics: {writes_lost: 0, ttd_s: <= 120, records_exfiltrated: "> 0"}
)"));
  EXPECT_EQ(result(ok, 0)["passed"], true) << result(ok, 0).dump();
  EXPECT_EQ(result(ok, 1)["passed"], true) << result(ok, 1).dump();
  EXPECT_EQ(result(ok, 2)["passed"], false) << result(ok, 2).dump();
  EXPECT_EQ(result(ok, 2)["evidence"], "records_exfiltrated = 0");
}

TEST(ExpectationJudge, InvariantsAreCheckedAtEveryTick) {
  const auto out = run(shop(kCompromise, R"(
  - always: no_request_served_under_kill_switch
  - always: no_record_leaves_after_quarantine
  - always: no_write_lost_under_write_drain
  - eventually: kill_switch_off
  - eventually: safe_mode_off
)"));
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(result(out, i)["passed"], true) << result(out, i).dump();
  EXPECT_NE(result(out, 0)["evidence"].get<std::string>().find("held at every one of the"),
            std::string::npos)
      << result(out, 0).dump();
  // Without the controllers nobody quarantines: the invariant holds
  // trivially, and says so.
  const auto idle = run(shop(kCompromise, "  - always: no_record_leaves_after_quarantine\n"), false);
  EXPECT_EQ(result(idle, 0)["passed"], true);
  EXPECT_EQ(result(idle, 0)["evidence"], "held trivially: no agent was quarantined");
}

TEST(ExpectationJudge, EventuallyWithinCountsFromTheLastFaultsEnd) {
  const std::string crash = "  - {kind: crash, target: api, at: 10m, duration: 5m, replicas: 2}\n";
  const auto out = run(shop(crash, R"(
  - eventually: all_services_healthy
    within: 5m
  - eventually: all_services_healthy
)"));
  EXPECT_EQ(result(out, 0)["passed"], true) << result(out, 0).dump();
  EXPECT_NE(result(out, 0)["evidence"].get<std::string>().find("ended at 900 s"), std::string::npos)
      << result(out, 0).dump();
  EXPECT_EQ(result(out, 1)["passed"], true);
}

TEST(ExpectationJudge, ReachableIsReportedButNeverFailsARun) {
  const auto out = run(shop(kDeploy, R"(
  - reachable: rollback
  - reachable: quarantine_agent
)"));
  EXPECT_TRUE(result(out, 0)["passed"].is_null());
  EXPECT_EQ(result(out, 0)["reached"], true);
  EXPECT_EQ(result(out, 1)["reached"], false);
  EXPECT_TRUE(expectations_passed(out));
}

TEST(ExpectationJudge, TheSameRunGivesTheSameResults) {
  const std::string text = shop(kDeploy + kCompromise, R"(
  - alert: P0
    within: 5m
  - always: no_record_leaves_after_quarantine
  - eventually: all_services_healthy
)");
  EXPECT_EQ(run(text).dump(), run(text).dump());
}

// --- Score -------------------------------------------------------------------

TEST(Score, IsAWeightedMeanOfTheComponentsThatApply) {
  nlohmann::ordered_json o;
  o["sim_duration_s"] = 3600;
  o["faults"] = nlohmann::ordered_json::array({{{"took_effect_s", 600}}});
  o["incidents"] = nlohmann::ordered_json::array();
  o["metrics"] = {{"ttd_s", 300},         {"slo_violation_s", 360}, {"writes_lost", 0},
                  {"records_exfiltrated", 0}, {"false_alerts", 1},  {"missed_faults", 0},
                  {"sla_breaches", 0}};
  o["expectations"] = nlohmann::ordered_json::array({{{"passed", true}}, {{"passed", false}}});
  ctl::ScoreProcedures p;
  const Score s = score_outcome(o, p);
  // detection 0.5 (ttd at half_at), availability 0.9, data 1, security 1,
  // alert quality 0.5, response 1, expectations 0.5; no incident: no
  // mitigation or recovery.
  const double expected = 100.0 * (15 * 0.5 + 20 * 0.9 + 10 + 10 + 10 * 0.5 + 5 + 5 * 0.5) / 75.0;
  EXPECT_NEAR(s.value, expected, 1e-6);
  EXPECT_FALSE(s.components.contains("mitigation"));
  EXPECT_DOUBLE_EQ(s.components["detection"].get<double>(), 0.5);
  p.weights = ctl::ScoreWeights{};
  p.weights.detection = 0;
  p.weights.availability = 0;
  EXPECT_GT(score_outcome(o, p).value, 0.0);
}

// --- dreamsim run ------------------------------------------------------------

TEST(RunCommand, ExitsOneOnAFailedExpectationAndPrintsTheReplayCommand) {
  const fs::path dir = fs::path(::testing::TempDir()) / "expectations_cli";
  fs::create_directories(dir);
  const fs::path file = dir / "failing.yaml";
  {
    std::ofstream out(file);
    out << shop(kDeploy, "  - no_alert: any\n  - metrics: {writes_lost: 0}\n");
  }
  const auto r = cli_test::run_dreamsim("run " + cli_test::quoted(file) + " --seed 3");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("1 expectation failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no alert: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("replay: dreamsim run " + file.string() + " --seed 3"), std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("ok   writes_lost == 0"), std::string::npos) << r.out;
}

TEST(RunCommand, ReplayQuotesWhatTheShellWouldSplit) {
  EXPECT_EQ(replay_command("a b.yaml", 4, ""), "dreamsim run 'a b.yaml' --seed 4");
  EXPECT_EQ(replay_command("s.yaml", 4, "team's.yaml"),
            "dreamsim run s.yaml --seed 4 --procedures 'team'\\''s.yaml'");
}

}  // namespace
}  // namespace dreamsim::model
