#include "controllers/recovery.hpp"

#include <gtest/gtest.h>

#include "tests/controllers/fake_world.hpp"

namespace dreamsim::ctl {
namespace {

using testing::FakeWorld;
using testing::service_named;

// db <- api <- web, and cache <- web: waves [db, cache], [api], [web].
std::vector<ServiceInfo> shop() {
  ServiceInfo db = service_named("db", true);
  ServiceInfo cache = service_named("cache");
  ServiceInfo api = service_named("api", true);
  ServiceInfo web = service_named("web", true);
  api.depends_on = {0};
  web.depends_on = {2, 1};
  for (ServiceInfo* s : {&db, &cache, &api, &web}) s->startup_time = 20 * kSecond;
  return {db, cache, api, web};
}

struct Harness {
  explicit Harness(RecoveryProcedures p = RecoveryProcedures{})
      : world(shop()), recovery(world.ports(), p) {
    recovery.subscribe([this](const Decision& d, const std::string& requester) {
      for_requester.emplace_back(d.kind + " " + d.target, requester);
    });
  }
  // A restart makes the service serve again after `delay`, unless it is
  // listed in `broken`.
  void restarts_work(Micros delay = 20 * kSecond) {
    world.actuators.on_restart_service = [this, delay](size_t s) {
      world.clock.call_after(delay, [this, s] {
        if (std::find(broken.begin(), broken.end(), s) != broken.end()) return;
        ServiceState& st = world.telemetry.mutable_state(s);
        st.serving = st.running = st.desired;
      });
    };
  }
  void fail(size_t s) {
    ServiceState& st = world.telemetry.mutable_state(s);
    st.serving = st.running = 0;
  }
  std::vector<std::pair<std::string, Micros>> restarts() const {
    std::vector<std::pair<std::string, Micros>> out;
    for (const Decision& d : world.recorder.decisions) {
      if (d.kind == "restart_service") out.emplace_back(d.target, d.at);
    }
    return out;
  }
  const Decision* first(const std::string& kind, const std::string& target = "") const {
    for (const Decision& d : world.recorder.decisions) {
      if (d.kind == kind && (target.empty() || d.target == target)) return &d;
    }
    return nullptr;
  }

  FakeWorld world;
  RecoveryController recovery;
  std::vector<size_t> broken;
  std::vector<std::pair<std::string, std::string>> for_requester;
};

// --- status -------------------------------------------------------------------------------

TEST(RecoveryStatus, ClassifiesEveryStateOfAService) {
  ServiceState st;
  st.desired = 3;
  st.running = st.serving = 3;
  EXPECT_EQ(classify(st), ServiceHealth::kHealthy);
  st.serving = 2;
  EXPECT_EQ(classify(st), ServiceHealth::kDegraded);
  st.serving = 3;
  st.outage = true;
  EXPECT_EQ(classify(st), ServiceHealth::kDegraded);
  st.outage = false;
  st.serving = 0;
  EXPECT_EQ(classify(st), ServiceHealth::kFailed);
  st.starting = 3;
  EXPECT_EQ(classify(st), ServiceHealth::kStarting);
  st.stopped = true;
  EXPECT_EQ(classify(st), ServiceHealth::kStopped);
}

TEST(RecoveryStatus, NamesTheFailedServicesAndNotesEachChange) {
  Harness h;
  h.recovery.start();
  h.world.run_to(1 * kMinute);
  h.fail(0);
  h.world.telemetry.mutable_state(2).serving = 0;
  h.world.telemetry.mutable_state(2).starting = 1;
  h.world.telemetry.mutable_state(3).serving = 0;  // 0 of 1... failed too
  h.world.telemetry.mutable_state(1).disabled = true;
  const SystemStatus s = h.recovery.status();
  EXPECT_EQ(s.healthy, 1);  // cache (disabled, but healthy)
  EXPECT_EQ(s.failed, 2);
  EXPECT_EQ(s.starting, 1);
  EXPECT_EQ(s.disabled, 1);
  EXPECT_EQ(s.failed_services, (std::vector<std::string>{"db", "web"}));
  EXPECT_FALSE(s.all_healthy());
  EXPECT_EQ(s.summary(),
            "1 healthy, 0 degraded, 2 failed (db, web), 1 starting, 0 stopped, 1 disabled");
  h.world.run_to(5 * kMinute);
  // One note at the start, one at the change; none while nothing changes.
  EXPECT_EQ(h.world.recorder.notes,
            (std::vector<std::string>{
                "recovery: status: 4 healthy, 0 degraded, 0 failed, 0 starting, 0 stopped, 0 "
                "disabled",
                "recovery: status: " + s.summary()}));
  EXPECT_EQ(h.recovery.last_status(), s);
}

// --- backoff --------------------------------------------------------------------------------

TEST(RecoveryBackoff, DoublesFromTheBaseToTheCap) {
  const RecoveryProcedures p;  // 30 s base, 5 min cap
  EXPECT_EQ(restart_backoff(p, 1), 30 * kSecond);
  EXPECT_EQ(restart_backoff(p, 2), 60 * kSecond);
  EXPECT_EQ(restart_backoff(p, 3), 120 * kSecond);
  EXPECT_EQ(restart_backoff(p, 4), 240 * kSecond);
  EXPECT_EQ(restart_backoff(p, 5), 300 * kSecond);
  EXPECT_EQ(restart_backoff(p, 1000), 300 * kSecond);  // no overflow
  EXPECT_EQ(restart_backoff(p, 0), 30 * kSecond);
}

TEST(SafeMode, IsOnWhileAnyoneHoldsIt) {
  FakeWorld w(shop());
  SafeModeSwitch sm(w.actuators);
  EXPECT_TRUE(sm.hold("incident"));
  EXPECT_FALSE(sm.hold("recovery"));  // already on
  EXPECT_FALSE(sm.hold("recovery"));  // already held
  EXPECT_EQ(sm.holders(), "incident, recovery");
  EXPECT_FALSE(sm.release("incident"));  // recovery still holds it
  EXPECT_TRUE(sm.on());
  EXPECT_FALSE(sm.release("incident"));  // not a holder any more
  EXPECT_TRUE(sm.release("recovery"));
  EXPECT_FALSE(sm.on());
  EXPECT_EQ(w.actuators.names(), (std::vector<std::string>{"set_safe_mode", "set_safe_mode"}));
}

// --- service recovery ----------------------------------------------------------------------------

TEST(ServiceRecovery, ACrashWithADeadDependencyRestartsTheDependencyFirst) {
  Harness h;
  h.restarts_work();
  h.recovery.start();
  h.world.run_to(1 * kMinute);
  h.fail(0);  // db
  h.fail(2);  // api, which depends on db
  EXPECT_EQ(h.recovery.recover_service(2, "P0 error_rate on api", "incident 1"),
            RecoveryController::Result::kRestarted);
  // db at once; api waits for it.
  ASSERT_EQ(h.restarts().size(), 1u);
  EXPECT_EQ(h.restarts()[0].first, "db");
  EXPECT_NE(h.first("restart_service", "db")->reason.find("dependency of api"), std::string::npos);
  h.world.run_to(10 * kMinute);
  const auto r = h.restarts();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].first, "api");
  // api restarts at the first probe after db serves (20 s, probes every 5 s).
  EXPECT_EQ(r[1].second, r[0].second + 20 * kSecond);
  EXPECT_NE(h.first("restart_service", "api")->reason.find("dependencies ready (db)"),
            std::string::npos)
      << h.first("restart_service", "api")->reason;
  // Both verified healthy, in that order; all of it reported to the requester.
  ASSERT_NE(h.first("verify_health", "db"), nullptr);
  ASSERT_NE(h.first("verify_health", "api"), nullptr);
  EXPECT_LT(h.first("verify_health", "db")->at, h.first("verify_health", "api")->at);
  EXPECT_EQ(h.for_requester, (std::vector<std::pair<std::string, std::string>>{
                                 {"restart_service db", "incident 1"},
                                 {"verify_health db", "incident 1"},
                                 {"restart_service api", "incident 1"},
                                 {"verify_health api", "incident 1"}}));
  EXPECT_EQ(h.recovery.status().failed, 0);
  // A second request for a healthy service does nothing.
  EXPECT_EQ(h.recovery.recover_service(2, "again", "incident 1"),
            RecoveryController::Result::kHealthy);
}

TEST(ServiceRecovery, RepeatedFailureBacksOffAndGivesUpAtTheLimit) {
  Harness h;
  h.broken = {0};
  h.restarts_work();
  h.recovery.start();
  h.world.run_to(1 * kMinute);
  h.fail(0);
  h.recovery.recover_service(0, "P0 error_rate on db", "incident 1");
  h.world.run_to(2 * kHour);
  const auto r = h.restarts();
  ASSERT_EQ(r.size(), 5u);  // the limit
  // Each attempt gets startup (20 s) + verify timeout (60 s), then the
  // backoff: 30 s, 60 s, 120 s, 240 s (probes every 5 s).
  const Micros waits[] = {30 * kSecond, 60 * kSecond, 120 * kSecond, 240 * kSecond};
  for (size_t k = 1; k < r.size(); ++k) {
    const Micros gap = r[k].second - r[k - 1].second;
    EXPECT_GE(gap, 80 * kSecond + waits[k - 1]) << k;
    EXPECT_LE(gap, 80 * kSecond + waits[k - 1] + 10 * kSecond) << k;
    if (k >= 2) {
      EXPECT_GT(gap, r[k - 1].second - r[k - 2].second) << "restart times grow";
    }
  }
  const Decision* give_up = h.first("give_up", "db");
  ASSERT_NE(give_up, nullptr);
  EXPECT_GE(give_up->at, r.back().second + 80 * kSecond);
  EXPECT_NE(give_up->reason.find("restarted 5 times"), std::string::npos) << give_up->reason;
  EXPECT_NE(give_up->reason.find("limit 5"), std::string::npos);
  EXPECT_EQ(h.recovery.recover_service(0, "again", "incident 1"),
            RecoveryController::Result::kGaveUp);
  // Nothing runs any more: no timer loops on a given-up service.
  EXPECT_EQ(h.recovery.services()[0]->state, ServiceRecovery::State::kGaveUp);
}

TEST(ServiceRecovery, AGiveUpIsLiftedOnceTheServiceHasBeenHealthyForTheResetTime) {
  RecoveryProcedures p;
  p.restart_limit = 1;
  Harness h(p);
  h.broken = {0};
  h.restarts_work();
  h.recovery.start();
  h.world.run_to(1 * kMinute);
  h.fail(0);
  h.recovery.recover_service(0, "first", "incident 1");
  h.world.run_to(10 * kMinute);
  ASSERT_NE(h.first("give_up", "db"), nullptr);
  // Someone else fixes it; after 10 min healthy the count starts afresh.
  h.world.telemetry.mutable_state(0).serving = 1;
  h.world.telemetry.mutable_state(0).running = 1;
  h.world.run_to(21 * kMinute);
  h.broken.clear();
  h.fail(0);
  EXPECT_EQ(h.recovery.recover_service(0, "second", "incident 2"),
            RecoveryController::Result::kRestarted);
}

TEST(ServiceRecovery, AnOutageIsWaitedOutWithoutSpendingAttempts) {
  RecoveryProcedures p;
  p.restart_limit = 2;
  Harness h(p);
  h.restarts_work();
  h.recovery.start();
  h.world.run_to(1 * kMinute);
  h.fail(0);
  h.world.telemetry.mutable_state(0).outage = true;
  EXPECT_EQ(h.recovery.recover_service(0, "region down", "incident 1"),
            RecoveryController::Result::kPending);
  h.world.run_to(40 * kMinute);
  EXPECT_TRUE(h.restarts().empty());
  EXPECT_EQ(h.first("give_up"), nullptr);
  h.world.telemetry.mutable_state(0).outage = false;
  h.world.run_to(45 * kMinute);
  ASSERT_EQ(h.restarts().size(), 1u);
  ASSERT_NE(h.first("verify_health", "db"), nullptr);
}

TEST(ServiceRecovery, ADegradedServiceIsRestartedNoMoreOftenThanTheBackoffAllows) {
  Harness h;
  h.restarts_work();
  h.recovery.start();
  h.world.run_to(1 * kMinute);
  // Up (healthy by its state) but not coping: restarted on request.
  using R = RecoveryController::Result;
  EXPECT_EQ(h.recovery.restart_degraded(2, "P0 error_rate on api", "incident 1"), R::kRestarted);
  h.fail(2);  // the restart takes it down for its startup
  h.world.run_to(1 * kMinute + 30 * kSecond);
  ASSERT_NE(h.first("verify_health", "api"), nullptr);
  // Asked again at once: the backoff after one restart is 30 s from the
  // verified recovery.
  EXPECT_EQ(h.recovery.restart_degraded(2, "still paging", "incident 1"), R::kPending);
  h.world.run_to(2 * kMinute + 5 * kSecond);
  EXPECT_EQ(h.recovery.restart_degraded(2, "still paging", "incident 1"), R::kRestarted);
  EXPECT_EQ(h.restarts().size(), 2u);
}

// --- full system recovery ----------------------------------------------------------------------

TEST(FullRecovery, RestoresInWavesThenVerifiesAndDisablesSafeMode) {
  Harness h;
  h.restarts_work();
  h.recovery.start();
  h.world.run_to(1 * kMinute);
  for (size_t s = 0; s < 4; ++s) h.fail(s);
  ASSERT_TRUE(h.recovery.full_recovery("every service down", "operator"));
  EXPECT_FALSE(h.recovery.full_recovery("again", "operator"));  // one at a time
  EXPECT_TRUE(h.recovery.safe_mode().on());
  h.world.run_to(20 * kMinute);
  const auto r = h.restarts();
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].first, "db");
  EXPECT_EQ(r[1].first, "cache");
  EXPECT_EQ(r[0].second, r[1].second);
  EXPECT_EQ(r[2].first, "api");
  EXPECT_EQ(r[2].second, r[0].second + 20 * kSecond);
  EXPECT_EQ(r[3].first, "web");
  EXPECT_EQ(r[3].second, r[2].second + 20 * kSecond);
  const std::vector<std::string> kinds = h.world.recorder.kinds();
  ASSERT_GE(kinds.size(), 2u);
  EXPECT_EQ(kinds.front(), "enable_safe_mode");
  EXPECT_EQ(kinds.back(), "disable_safe_mode");
  EXPECT_EQ(kinds[kinds.size() - 2], "verify_health");
  EXPECT_EQ(h.world.recorder.decisions[kinds.size() - 2].target, "system");
  EXPECT_FALSE(h.recovery.safe_mode().on());
  const FullRecovery& f = h.recovery.full()[0];
  EXPECT_EQ(f.state, FullRecovery::State::kRecovered);
  EXPECT_TRUE(f.enabled_safe_mode);
  ASSERT_EQ(f.wave_healthy_at.size(), 3u);
  EXPECT_LT(f.wave_healthy_at[0], f.wave_healthy_at[1]);
  EXPECT_LT(f.wave_healthy_at[1], f.wave_healthy_at[2]);
  EXPECT_EQ(f.completed_at, f.wave_healthy_at[2]);
}

TEST(FullRecovery, LeavesSafeModeToAnotherHolder) {
  Harness h;
  h.restarts_work();
  h.recovery.start();
  h.recovery.safe_mode().hold("incident");
  h.world.run_to(1 * kMinute);
  for (size_t s = 0; s < 4; ++s) h.fail(s);
  h.recovery.full_recovery("every service down", "incident 1");
  h.world.run_to(20 * kMinute);
  EXPECT_EQ(h.first("enable_safe_mode"), nullptr);
  EXPECT_EQ(h.first("disable_safe_mode"), nullptr);
  ASSERT_NE(h.first("verify_health", "system"), nullptr);
  EXPECT_TRUE(h.recovery.safe_mode().on());
  EXPECT_EQ(h.recovery.safe_mode().holders(), "incident");
}

TEST(FullRecovery, GivesUpWhenAWaveCannotBeRestoredAndKeepsSafeModeOn) {
  RecoveryProcedures p;
  p.restart_limit = 2;
  Harness h(p);
  h.broken = {0};  // db never comes back
  h.restarts_work();
  h.recovery.start();
  h.world.run_to(1 * kMinute);
  for (size_t s = 0; s < 4; ++s) h.fail(s);
  h.recovery.full_recovery("every service down", "operator");
  h.world.run_to(1 * kHour);
  const Decision* give_up = h.first("give_up", "system");
  ASSERT_NE(give_up, nullptr);
  EXPECT_NE(give_up->reason.find("wave 0: db was given up"), std::string::npos) << give_up->reason;
  for (const auto& [id, at] : h.restarts()) EXPECT_TRUE(id == "db" || id == "cache") << id;
  EXPECT_TRUE(h.recovery.safe_mode().on());
  EXPECT_EQ(h.first("disable_safe_mode"), nullptr);
}

// --- data recovery
// ----------------------------------------------------------------------------------

struct DataHarness : Harness {
  static RecoveryProcedures procedures() {
    RecoveryProcedures p;
    // Checks at 9:55 and 11:20 (every 85 min from 0:00).
    p.integrity_check_interval = 85 * kMinute;
    return p;
  }
  DataHarness() : Harness(procedures()) {
    world.telemetry.store_list = {{"orders", 0, true, 0, 0.0, -1}};
    recovery.start();
  }
  DataStoreInfo& store() { return world.telemetry.store_list[0]; }
};

TEST(DataRecovery, CorruptionAtTenRestoresTheNineOClockBackupNotTheElevenOClockOne) {
  DataHarness h;
  h.world.actuators.on_restore_backup = [&h](size_t) { h.store().integrity_ok = true; };
  // 10 writes/s since 9:00 until the restore at 11:20.
  h.world.actuators.restore_result = 10.0 * (11 * 3600 + 20 * 60 - 9 * 3600);
  h.world.run_to(9 * kHour);
  h.store().good_backups = 1;  // 9:00
  h.store().last_good_backup = 9 * kHour;
  h.world.run_to(10 * kHour);
  h.store().integrity_ok = false;  // corrupted at 10:00
  h.world.run_to(11 * kHour);      // the 11:00 backup is bad: no good one added
  h.world.run_to(11 * kHour + 19 * kMinute);
  EXPECT_EQ(h.first("restore_backup"), nullptr);  // not detected before the check
  h.world.run_to(12 * kHour);
  const Decision* restore = h.first("restore_backup", "orders");
  ASSERT_NE(restore, nullptr);
  EXPECT_EQ(restore->at, 11 * kHour + 20 * kMinute);
  EXPECT_NE(restore->reason.find("taken at 32400s"), std::string::npos) << restore->reason;
  EXPECT_NE(restore->reason.find("84000 writes since it are lost"), std::string::npos);
  const Decision* verify = h.first("verify_integrity", "orders");
  ASSERT_NE(verify, nullptr);
  EXPECT_EQ(verify->at, restore->at + 1 * kMinute);
  ASSERT_EQ(h.recovery.data().size(), 1u);
  const DataRecovery& d = h.recovery.data()[0];
  EXPECT_EQ(d.state, DataRecovery::State::kRecovered);
  EXPECT_EQ(d.detected_at, 11 * kHour + 20 * kMinute);
  EXPECT_EQ(d.backup_at, 9 * kHour);
  EXPECT_EQ(d.verified_at, verify->at);
  EXPECT_EQ(d.writes_lost, 84000.0);
  EXPECT_EQ(h.world.actuators.names(), (std::vector<std::string>{"restore_backup"}));
}

TEST(DataRecovery, ARestoreThatDoesNotHoldIsRetriedWithBackoffThenGivenUp) {
  DataHarness h;  // restores do nothing to integrity here
  h.store().good_backups = 1;
  h.store().last_good_backup = 0;
  h.store().integrity_ok = false;
  h.world.run_to(4 * kHour);
  std::vector<Micros> restores;
  for (const Decision& d : h.world.recorder.decisions) {
    if (d.kind == "restore_backup") restores.push_back(d.at);
  }
  ASSERT_EQ(restores.size(), 3u);  // restore_limit
  EXPECT_EQ(restores[0], 85 * kMinute);
  EXPECT_EQ(restores[1], restores[0] + 1 * kMinute + 30 * kSecond);
  EXPECT_EQ(restores[2], restores[1] + 1 * kMinute + 60 * kSecond);
  const Decision* give_up = h.first("give_up", "orders");
  ASSERT_NE(give_up, nullptr);
  EXPECT_EQ(give_up->at, restores[2] + 1 * kMinute);
  // Later checks do not start it again.
  EXPECT_EQ(h.recovery.data().size(), 1u);
}

TEST(DataRecovery, NoGoodBackupIsGivenUpAtOnce) {
  DataHarness h;
  h.store().integrity_ok = false;
  h.world.run_to(2 * kHour);
  const Decision* give_up = h.first("give_up", "orders");
  ASSERT_NE(give_up, nullptr);
  EXPECT_NE(give_up->reason.find("no good backup"), std::string::npos);
  EXPECT_TRUE(h.world.actuators.calls.empty());
}

}  // namespace
}  // namespace dreamsim::ctl
