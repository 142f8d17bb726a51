// Recovery through scenario runs: the library scenarios of the recovery
// procedures (scenarios/library/), played with model::Run as `dreamsim run`
// plays them, and checked in the world and in outcome.json.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "model/run.hpp"
#include "model/scenario_loader.hpp"

namespace dreamsim::model {
namespace {

namespace fs = std::filesystem;
const fs::path kLibrary = fs::path(DREAMSIM_SOURCE_DIR) / "scenarios" / "library";

Scenario load(const std::string& file) {
  const LoadResult r = load_scenario((kLibrary / file).string());
  EXPECT_TRUE(r.ok()) << r.format();
  return r.ok() ? *r.scenario : Scenario{};
}

Scenario load_text(const std::string& text) {
  const LoadResult r = load_scenario_text(text, SourceFormat::kYaml, "test.yaml");
  EXPECT_TRUE(r.ok()) << r.format();
  return r.ok() ? *r.scenario : Scenario{};
}

struct Played {
  explicit Played(const Scenario& sc, bool controllers = true)
      : run(sc, sc.procedures_loaded.value_or(ctl::Procedures{}),
            RunOptions{sc.seed, controllers}) {
    run.execute();
    outcome = run.outcome();
  }
  std::vector<const ActionRecord*> actions(const std::string& kind) const {
    std::vector<const ActionRecord*> out;
    for (const ActionRecord& a : run.world().actions()) {
      if (a.kind == kind) out.push_back(&a);
    }
    return out;
  }
  const ActionRecord* first(const std::string& kind, const std::string& target = "") const {
    for (const ActionRecord* a : actions(kind)) {
      if (target.empty() || a->target == target) return a;
    }
    return nullptr;
  }
  std::vector<std::pair<std::string, double>> restarts() const {
    std::vector<std::pair<std::string, double>> out;
    for (const ActionRecord* a : actions("restart_service")) {
      out.emplace_back(a->target, a->at.seconds_f());
    }
    return out;
  }
  bool all_serving() const {
    for (size_t s = 0; s < run.world().service_count(); ++s) {
      const ServiceStatus st = run.world().service_status(s);
      if (st.serving != st.desired) return false;
    }
    return true;
  }

  Run run;
  nlohmann::ordered_json outcome;
};

TEST(RecoveryScenario, CorruptionAtTenRestoresTheNineOClockBackupAndCountsTheWritesSince) {
  const Scenario sc = load("data-corruption-restore.yaml");
  const Played p(sc);
  // The run starts at 08:00: the corruption at 10:00 (2 h), the backups at
  // 09:00 (good) and 11:00 (bad), the integrity scan at 12:00 (4 h).
  const DataStoreStatus st = p.run.world().data_store_status(0);
  EXPECT_EQ(st.backups, 2);
  EXPECT_EQ(st.bad_backups, 1);
  EXPECT_FALSE(st.corrupted);
  const ActionRecord* restore = p.first("restore_backup", "orders");
  ASSERT_NE(restore, nullptr);
  EXPECT_EQ(restore->controller, "recovery");
  EXPECT_EQ(restore->at.seconds_f(), 4 * 3600.0);
  EXPECT_NE(restore->reason.find("taken at 3600s"), std::string::npos) << restore->reason;
  const ActionRecord* verify = p.first("verify_integrity", "orders");
  ASSERT_NE(verify, nullptr);
  EXPECT_EQ(verify->at.seconds_f(), 4 * 3600.0 + 60.0);

  // Every write since 09:00 is lost: 3 h at 20 writes/s at full traffic
  // (the load's noise moves the write rate by a fraction of a percent).
  const auto& data = p.outcome["recovery"]["data"];
  ASSERT_EQ(data.size(), 1u);
  const double lost = data[0]["writes_lost"].get<double>();
  EXPECT_NEAR(lost, 20.0 * 3 * 3600, 20.0 * 3 * 3600 * 0.01);
  EXPECT_NEAR(p.run.world().metrics().writes_lost, lost, 1.0);
  EXPECT_NEAR(p.outcome["metrics"]["writes_lost"].get<double>(), lost, 1.0);
  EXPECT_EQ(data[0]["state"], "recovered");
  EXPECT_EQ(data[0]["corrupted_at_s"], 7200);
  EXPECT_EQ(data[0]["detected_at_s"], 14400);
  EXPECT_EQ(data[0]["backup_at_s"], 3600);
  EXPECT_EQ(data[0]["restored_at_s"], 14400);
  EXPECT_EQ(data[0]["verified_at_s"], 14460);
  EXPECT_EQ(data[0]["data_loss_window_s"], 10800);
  EXPECT_EQ(data[0]["backup_age_at_onset_s"], 3600);
  EXPECT_EQ(data[0]["rto_s"], 14460 - 7200);
  EXPECT_EQ(data[0]["rto_from_detection_s"], 60);
  EXPECT_EQ(p.outcome["metrics"]["rpo_s"], 10800);
  EXPECT_EQ(p.outcome["metrics"]["rto_s"], 7260);

  // Nobody acting: the store stays corrupted and nothing is counted lost.
  const Played without(sc, /*controllers=*/false);
  EXPECT_TRUE(without.run.world().data_store_status(0).corrupted);
  EXPECT_EQ(without.run.world().metrics().writes_lost, 0.0);
}

TEST(RecoveryScenario, ACrashWithADeadDependencyRestartsTheDependencyFirst) {
  const Scenario sc = load("dependency-crash-recovery.yaml");
  const Played p(sc);
  const auto r = p.restarts();
  ASSERT_EQ(r.size(), 2u) << p.outcome["actions"].dump(1);
  EXPECT_EQ(r[0].first, "db");
  EXPECT_EQ(r[1].first, "api");
  // api waits for db to serve again: db's 40 s start-up at least.
  EXPECT_GE(r[1].second, r[0].second + 40.0);
  EXPECT_LE(r[1].second, r[0].second + 50.0);
  const ActionRecord* api = p.first("restart_service", "api");
  EXPECT_NE(api->reason.find("dependencies ready (db, cache)"), std::string::npos) << api->reason;
  ASSERT_NE(p.first("verify_health", "db"), nullptr);
  ASSERT_NE(p.first("verify_health", "api"), nullptr);
  EXPECT_LT(p.first("verify_health", "db")->at, p.first("verify_health", "api")->at);
  EXPECT_EQ(p.first("give_up"), nullptr);
  EXPECT_TRUE(p.all_serving());
  EXPECT_EQ(p.outcome["recovery"]["status"]["failed"], 0);
  // The incident's post-mortem lists the recovery's restarts.
  const auto& incidents = p.outcome["incidents"];
  ASSERT_FALSE(incidents.empty());
  int restarts_in_post_mortem = 0;
  for (const auto& a : incidents[0]["actions"]) {
    restarts_in_post_mortem += a["kind"] == "restart_service" ? 1 : 0;
  }
  EXPECT_EQ(restarts_in_post_mortem, 2);

  const Played without(sc, /*controllers=*/false);
  EXPECT_FALSE(without.all_serving());
  EXPECT_EQ(without.run.world().service_status(0).serving, 0);
}

TEST(RecoveryScenario, AFullOutageIsRecoveredInDependencyOrderAndSafeModeIsOffAtTheEnd) {
  const Scenario sc = load("region-outage-full-recovery.yaml");
  const Played p(sc);
  ASSERT_NE(p.first("enable_global_kill_switch"), nullptr);
  ASSERT_NE(p.first("enable_safe_mode"), nullptr);
  const auto r = p.restarts();
  ASSERT_EQ(r.size(), 6u) << p.outcome["actions"].dump(1);
  // Nothing restarts while the region is down (30 to 40 min).
  for (const auto& [id, at] : r) EXPECT_GE(at, 40 * 60.0) << id;
  // Wave by wave: [db, queue] -> [auth, recommendations] -> [orders] -> [web].
  const std::vector<std::string> order = {"db",     "queue", "auth", "recommendations",
                                          "orders", "web"};
  for (size_t i = 0; i < order.size(); ++i) EXPECT_EQ(r[i].first, order[i]);
  EXPECT_EQ(r[0].second, r[1].second);
  EXPECT_EQ(r[2].second, r[3].second);
  EXPECT_GE(r[2].second, r[0].second + 45.0);  // db's start-up
  EXPECT_GE(r[4].second, r[2].second + 30.0);  // recommendations' start-up
  EXPECT_GE(r[5].second, r[4].second + 30.0);  // orders' start-up
  const ActionRecord* verified = p.first("verify_health", "system");
  ASSERT_NE(verified, nullptr);
  EXPECT_GE(verified->at.seconds_f(), r[5].second + 10.0);
  ASSERT_NE(p.first("disable_global_kill_switch"), nullptr);
  // Safe mode is off at the end: the last safe-mode action disables it.
  const ActionRecord* last_safe_mode = nullptr;
  for (const ActionRecord& a : p.run.world().actions()) {
    if (a.kind == "enable_safe_mode" || a.kind == "disable_safe_mode") last_safe_mode = &a;
  }
  ASSERT_NE(last_safe_mode, nullptr);
  EXPECT_EQ(last_safe_mode->kind, "disable_safe_mode");
  EXPECT_GE(last_safe_mode->at, verified->at);
  EXPECT_EQ(p.outcome["recovery"]["safe_mode"], false);
  const auto& full = p.outcome["recovery"]["full_recoveries"];
  ASSERT_EQ(full.size(), 1u);
  EXPECT_EQ(full[0]["state"], "recovered");
  EXPECT_EQ(full[0]["waves"].size(), 4u);
  EXPECT_TRUE(p.all_serving());
  EXPECT_TRUE(p.outcome["recovery"]["status"]["failed_services"].empty());

  const Played without(sc, /*controllers=*/false);
  for (size_t s = 0; s < without.run.world().service_count(); ++s) {
    EXPECT_EQ(without.run.world().service_status(s).serving, 0) << s;
  }
}

TEST(RecoveryScenario, RepeatedFailureBacksOffAndGivesUpAtTheLimit) {
  // The API's every restart fails its readiness (a bad configuration baked
  // into its image): restarts back off and stop at the limit.
  const Scenario sc = load_text(R"(
name: crash-loop
seed: 3
duration: 2h
services:
  - {id: db, kind: database, replicas: 2, capacity_rps: 2000, service_time: 2ms, startup_time: 20s, core: true}
  - {id: api, replicas: 2, capacity_rps: 400, service_time: 10ms, startup_time: 20s, depends_on: [db], core: true, readiness_ok: false}
load:
  - {service: api, profile: constant, rate_rps: 200}
faults:
  - {kind: crash, target: api, at: 10m}
)");
  const Played p(sc);
  const auto r = p.restarts();
  ASSERT_EQ(r.size(), 5u) << p.outcome["actions"].dump(1);
  for (const auto& [id, at] : r) EXPECT_EQ(id, "api");
  // Startup 20 s + verify timeout 60 s, then 30 s, 1 min, 2 min, 4 min.
  const double waits[] = {30, 60, 120, 240};
  for (size_t k = 1; k < r.size(); ++k) {
    const double gap = r[k].second - r[k - 1].second;
    EXPECT_GE(gap, 80 + waits[k - 1]) << k;
    EXPECT_LE(gap, 80 + waits[k - 1] + 10) << k;
  }
  const ActionRecord* give_up = p.first("give_up", "api");
  ASSERT_NE(give_up, nullptr);
  EXPECT_EQ(give_up->controller, "recovery");
  EXPECT_NE(give_up->reason.find("limit 5"), std::string::npos) << give_up->reason;
  EXPECT_EQ(p.actions("restart_service").size(), 5u);  // none after the give-up
  const auto& services = p.outcome["recovery"]["services"];
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0]["service"], "api");
  EXPECT_EQ(services[0]["state"], "gave_up");
  EXPECT_EQ(services[0]["restarts_at_s"].size(), 5u);
}

TEST(RecoveryScenario, TheSameSeedGivesTheSameOutcomeBytes) {
  for (const char* file : {"data-corruption-restore.yaml", "dependency-crash-recovery.yaml",
                           "region-outage-full-recovery.yaml"}) {
    const Scenario sc = load(file);
    const Played a(sc);
    const Played b(sc);
    EXPECT_EQ(a.run.trace_hash(), b.run.trace_hash()) << file;
    EXPECT_EQ(a.outcome.dump(), b.outcome.dump()) << file;
  }
}

}  // namespace
}  // namespace dreamsim::model
