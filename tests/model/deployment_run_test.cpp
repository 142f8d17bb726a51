// Deployments through scenario runs (model::Run, as `dreamsim run` does): the
// deployment controller and its judge against the simulated world, whose
// per-version measurements carry the sampling noise of the requests each
// version served.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "model/run.hpp"
#include "model/scenario_loader.hpp"

namespace dreamsim::model {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const fs::path kLibrary = fs::path(DREAMSIM_SOURCE_DIR) / "scenarios" / "library";

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

struct Played {
  Json outcome;
  uint64_t trace_hash = 0;
  std::vector<ActionRecord> actions;
};

Played play(const Scenario& sc, uint64_t seed, const ctl::Procedures& p = {}) {
  Run run(sc, p, RunOptions{seed, true});
  run.execute();
  return Played{run.outcome(), run.trace_hash(), run.world().actions()};
}

int count(const Played& p, const std::string& kind) {
  int n = 0;
  for (const ActionRecord& a : p.actions) n += a.kind == kind ? 1 : 0;
  return n;
}

std::vector<std::string> verdicts(const Json& deployment) {
  std::vector<std::string> out;
  for (const Json& s : deployment["steps"]) {
    for (const Json& j : s["judgements"]) out.push_back(j["verdict"].get<std::string>());
  }
  return out;
}

// api (4 replicas, 40 ms) behind a gateway at 200 rps; the new version of
// api as `version` says.
std::string shop(const std::string& version, const std::string& duration = "40m") {
  return R"(
name: deploy-shop
seed: 3
duration: )" + duration + R"(
services:
  - {id: db, kind: database, replicas: 2, capacity_rps: 2000, service_time: 4ms}
  - {id: api, replicas: 4, capacity_rps: 200, service_time: 40ms, cpu_per_request_ms: 2,
     timeout: 2s, depends_on: [db]}
  - {id: gateway, replicas: 2, capacity_rps: 1000, service_time: 2ms, core: true,
     depends_on: [api]}
load:
  - {service: gateway, profile: constant, rate_rps: 200}
deployments:
  - {service: api, version: v2, at: 2m, )" + version + "}\n";
}

TEST(DeploymentRun, BadVersionIsRolledBackAtOnePercentWithAFractionOfTheStandardExposure) {
  const Scenario canary = load_file(kLibrary / "canary-latency-regression.yaml");
  const Scenario standard = load_file(kLibrary / "standard-bad-deploy.yaml");
  const Played c = play(canary, canary.seed);
  const Played s = play(standard, standard.seed);

  const Json& cd = c.outcome["deployments"][0];
  EXPECT_EQ(cd["strategy"], "canary");
  EXPECT_EQ(cd["result"], "rolled_back") << cd["reason"];
  EXPECT_EQ(cd["rolled_back_by"], "deployment");
  ASSERT_EQ(cd["steps"].size(), 1u);
  EXPECT_EQ(cd["steps"][0]["weight"], 0.01);
  EXPECT_EQ(cd["verdict"], "fail");
  const Json& latency = cd["steps"][0]["judgements"][0]["metrics"][0];
  EXPECT_EQ(latency["name"], "latency_p95");
  EXPECT_EQ(latency["classification"], "high");
  EXPECT_LT(latency["p_value"].get<double>(), 1e-6);
  EXPECT_GT(latency["canary_median"].get<double>(), 2.0 * latency["baseline_median"].get<double>());
  EXPECT_EQ(cd["time_to_rollback_s"], 300);  // the end of the 5 min hold at 1 %
  EXPECT_EQ(c.outcome["metrics"]["time_to_rollback_s"], 300);
  EXPECT_EQ(count(c, "rollback"), 1);

  const Json& sd = s.outcome["deployments"][0];
  EXPECT_EQ(sd["strategy"], "standard");
  // Below every limit of the standard verification: promoted.
  EXPECT_EQ(sd["result"], "promoted") << sd["reason"];
  EXPECT_EQ(count(s, "rollback"), 0);

  const double canary_exposed = c.outcome["metrics"]["users_exposed"].get<double>();
  const double standard_exposed = s.outcome["metrics"]["users_exposed"].get<double>();
  // About 1 % of 200 rps for 5 min, against all of it for 50 min.
  EXPECT_GT(canary_exposed, 300.0);
  EXPECT_LT(canary_exposed, 1000.0);
  EXPECT_LT(canary_exposed, 0.01 * standard_exposed)
      << canary_exposed << " vs " << standard_exposed;
}

TEST(DeploymentRun, GoodVersionWithNoiseOnlyIsPromotedOnAtLeast95Of100Seeds) {
  const Scenario sc = load_text(shop("latency_factor: 1", "25m"));
  int promoted = 0;
  std::string failures;
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    const Played p = play(sc, seed);
    const Json& d = p.outcome["deployments"][0];
    if (d["result"] == "promoted") {
      ++promoted;
      EXPECT_EQ(p.outcome["metrics"]["users_exposed"], 0);  // not worse: nobody exposed
    } else {
      failures += "seed " + std::to_string(seed) + ": " + d["reason"].get<std::string>() + "\n";
    }
  }
  EXPECT_GE(promoted, 95) << failures;
}

TEST(DeploymentRun, SlightlyWorseVersionIsMarginalNotFailed) {
  const Scenario sc = load_file(kLibrary / "canary-marginal-errors.yaml");
  const Played p = play(sc, sc.seed);
  const Json& d = p.outcome["deployments"][0];
  EXPECT_EQ(d["result"], "promoted") << d["reason"];
  const std::vector<std::string> v = verdicts(d);
  EXPECT_EQ(std::count(v.begin(), v.end(), "fail"), 0);
  EXPECT_GE(std::count(v.begin(), v.end(), "marginal"), 1);
  // At 50 % the error regression is significant, and inside the tolerance.
  const Json& half = d["steps"][2]["judgements"].back();
  EXPECT_EQ(half["verdict"], "marginal") << half["reason"];
  const Json& errors = half["metrics"][1];
  EXPECT_EQ(errors["name"], "error_rate");
  EXPECT_EQ(errors["classification"], "marginal");
  EXPECT_LT(errors["p_value"].get<double>(), 0.02);
  EXPECT_LT(errors["effect"].get<double>(), errors["allowed"].get<double>());
  EXPECT_EQ(count(p, "rollback"), 0);
  EXPECT_EQ(count(p, "promote_canary"), 1);
  // Worse in truth, so every request it served counts as exposed.
  EXPECT_GT(p.outcome["metrics"]["users_exposed"].get<double>(), 0.0);
}

TEST(DeploymentRun, SameSeedSameBytes) {
  const Scenario sc = load_file(kLibrary / "canary-marginal-errors.yaml");
  const Played a = play(sc, 5);
  const Played b = play(sc, 5);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.outcome.dump(), b.outcome.dump());
  const Played other = play(sc, 6);
  EXPECT_NE(a.trace_hash, other.trace_hash);
}

TEST(DeploymentRun, AnAlertRollsBackOnceAndTheIncidentRunbookDoesNotRollBackAgain) {
  // Half the traffic at once, on a version failing 10 % of requests: api's
  // error rate of 5 % pages (P1) long before the judge's hold is over.
  ctl::Procedures p;
  p.deployment.canary_steps = {{0.5, 10 * ctl::kMinute}, {1.0, 0}};
  const Scenario sc = load_text(shop("error_rate: 0.1"));
  const Played r = play(sc, 1, p);
  const Json& d = r.outcome["deployments"][0];
  EXPECT_EQ(d["result"], "rolled_back");
  EXPECT_NE(d["reason"].get<std::string>().find("alert on api during the rollout"),
            std::string::npos)
      << d["reason"];
  EXPECT_LT(d["time_to_rollback_s"].get<double>(), 120.0);
  EXPECT_EQ(count(r, "rollback"), 1);
  for (const ActionRecord& a : r.actions) {
    if (a.kind == "rollback") {
      EXPECT_EQ(a.controller, "deployment");
    }
  }
  EXPECT_FALSE(r.outcome["incidents"].empty());  // the page still opened an incident
}

TEST(DeploymentRun, TheIncidentRunbookBlamesADeploymentInProgressAndItIsRolledBackOnce) {
  // With rollback on alert off, the page goes to the incident runbook, which
  // finds the deployment in progress among the recent deploys and rolls it
  // back; the deployment controller sees its version gone and stops.
  ctl::Procedures p;
  p.deployment.canary_steps = {{0.5, 20 * ctl::kMinute}, {1.0, 0}};
  p.deployment.rollback_on_alert = false;
  const Scenario sc = load_text(shop("error_rate: 0.1"));
  const Played r = play(sc, 1, p);
  const Json& d = r.outcome["deployments"][0];
  EXPECT_EQ(d["result"], "rolled_back");
  EXPECT_EQ(d["rolled_back_by"], "another controller");
  EXPECT_EQ(count(r, "rollback"), 1);
  for (const ActionRecord& a : r.actions) {
    if (a.kind == "rollback") {
      EXPECT_EQ(a.controller, "incident");
      EXPECT_NE(a.reason.find("version v2"), std::string::npos) << a.reason;
    }
  }
  EXPECT_EQ(r.outcome["incidents"][0]["diagnosis"], "deploy");
  // Rolled back before the step's judgement was due.
  EXPECT_LT(d["time_to_rollback_s"].get<double>(), 20 * 60.0);
  EXPECT_TRUE(d["steps"][0]["judgements"].empty());
}

TEST(DeploymentRun, FailedPreDeploymentCheckAbortsWithItsReason) {
  const Scenario sc = load_text(shop("latency_factor: 3, tests_passed: false"));
  const Played r = play(sc, 1);
  const Json& d = r.outcome["deployments"][0];
  EXPECT_EQ(d["result"], "aborted");
  EXPECT_NE(d["reason"].get<std::string>().find("tests of version v2 did not pass"),
            std::string::npos);
  EXPECT_EQ(d["requests_new_version"], 0);
  EXPECT_EQ(count(r, "abort_deployment"), 1);
  EXPECT_EQ(count(r, "set_traffic_weight"), 0);
}

TEST(DeploymentRun, StandardDeploymentOfAGoodVersionIsVerifiedAndPromoted) {
  const Scenario sc = load_text(shop("strategy: standard"));
  const Played r = play(sc, 1);
  const Json& d = r.outcome["deployments"][0];
  EXPECT_EQ(d["result"], "promoted") << d["reason"];
  ASSERT_EQ(d["steps"].size(), 5u);
  EXPECT_EQ(d["steps"][4]["name"], "verify");
  EXPECT_EQ(count(r, "set_traffic_weight"), 4);
  EXPECT_EQ(count(r, "verify_deployment"), 1);
  EXPECT_GT(d["requests_new_version"].get<double>(), 0.0);
  EXPECT_EQ(d["users_exposed"], 0);
  EXPECT_TRUE(d["time_to_rollback_s"].is_null());
}

}  // namespace
}  // namespace dreamsim::model
