#include "controllers/startup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "tests/controllers/fake_world.hpp"

namespace dreamsim::ctl {
namespace {

using testing::FakeWorld;

constexpr Micros kNever = -1;

ServiceInfo service(std::string id, std::vector<size_t> depends_on = {}, bool core = false) {
  ServiceInfo s = testing::service_named(std::move(id), core);
  s.depends_on = std::move(depends_on);
  return s;
}

// Every service stopped until the controller starts it; then live after
// `live_after` and ready after ready_after[s] (kNever: not ever). A stopped
// service goes back to stopped.
void boot_on_start(FakeWorld& w, std::vector<Micros> ready_after, Micros live_after = kSecond) {
  for (size_t s = 0; s < w.telemetry.service_count(); ++s) {
    ServiceState& st = w.telemetry.mutable_state(s);
    st = ServiceState{};
    st.desired = 1;
    st.stopped = true;
  }
  w.actuators.on_start_service = [&w, ready_after, live_after](size_t s) {
    ServiceState& st = w.telemetry.mutable_state(s);
    st.stopped = false;
    st.starting = 1;
    const Micros ready = ready_after.at(s);
    const Micros live = ready == kNever ? live_after : std::min(live_after, ready);
    if (live != kNever) {
      w.clock.call_after(live, [&w, s] {
        ServiceState& x = w.telemetry.mutable_state(s);
        x.starting = 0;
        x.running = 1;
        x.unready = 1;
      });
    }
    if (ready != kNever) {
      w.clock.call_after(ready, [&w, s] {
        ServiceState& x = w.telemetry.mutable_state(s);
        x.starting = 0;
        x.running = 1;
        x.unready = 0;
        x.serving = 1;
      });
    }
  };
  w.actuators.on_stop_service = [&w](size_t s) {
    ServiceState& st = w.telemetry.mutable_state(s);
    st = ServiceState{};
    st.desired = 1;
    st.stopped = true;
  };
}

// The decisions of one kind, as (time, target).
std::vector<std::pair<Micros, std::string>> decided(const FakeWorld& w, const std::string& kind) {
  std::vector<std::pair<Micros, std::string>> out;
  for (const Decision& d : w.recorder.decisions) {
    if (d.kind == kind) out.emplace_back(d.at, d.target);
  }
  return out;
}

// The admitted fractions, in order.
std::vector<double> admissions(const FakeWorld& w) {
  std::vector<double> out;
  for (const auto& c : w.actuators.calls) {
    if (c.what == "set_entry_admission") out.push_back(c.value);
  }
  return out;
}

// The services started, by index, in order.
std::vector<std::string> started(const FakeWorld& w) {
  std::vector<std::string> out;
  for (const auto& c : w.actuators.calls) {
    if (c.what == "start_service") out.push_back(c.target);
  }
  return out;
}

// The times at which admission changed (set_traffic_grade and
// grading_step_back decisions), in order.
std::vector<Micros> admission_times(const FakeWorld& w) {
  std::vector<Micros> out;
  for (const Decision& d : w.recorder.decisions) {
    if (d.kind == "set_traffic_grade" || d.kind == "grading_step_back") out.push_back(d.at);
  }
  return out;
}

const Decision* last_decision(const FakeWorld& w, const std::string& kind) {
  for (auto it = w.recorder.decisions.rbegin(); it != w.recorder.decisions.rend(); ++it) {
    if (it->kind == kind) return &*it;
  }
  return nullptr;
}

int no_alert() { return 3; }

// db <- api: the smallest system with an order. Ready at once (the fake's
// default), so each gate passes at its first probe, 5 s after its start:
// db at 5 s, api at 10 s; grading 1 % at 10 s, 10 % at 130 s, 50 % at 250 s,
// 100 % at 370 s; verified one minute later, at 430 s.
std::vector<ServiceInfo> db_and_api() { return {service("db"), service("api", {0})}; }
constexpr size_t kSystem = 2;  // the system column of db_and_api()

TEST(Startup, FailingPreStartupCheckAbortsWithItsReasonAndStartsNothing) {
  FakeWorld w(db_and_api());
  w.telemetry.checks = {{"database", "db", true, ""},
                        {"queue", "orders-queue", false, "connection refused"},
                        {"env", "DB_URL", true, ""}};
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(false);
  w.run_to(10 * kMinute);
  const StartupReport r = c.report();
  EXPECT_EQ(r.state, StartupState::kAborted);
  EXPECT_EQ(r.reason, "pre-startup check failed: queue (orders-queue): connection refused");
  EXPECT_TRUE(started(w).empty());
  EXPECT_EQ(admissions(w), (std::vector<double>{0.0}));
  EXPECT_EQ(w.recorder.kinds(), (std::vector<std::string>{"set_traffic_grade", "abort_startup"}));
  ASSERT_NE(last_decision(w, "abort_startup"), nullptr);
  EXPECT_EQ(last_decision(w, "abort_startup")->target, "orders-queue");
  EXPECT_EQ(w.clock.pending(), 0u);
}

TEST(Startup, PassingChecksLetItStart) {
  FakeWorld w(db_and_api());
  w.telemetry.checks = {{"database", "db", true, ""}, {"queue", "q", true, ""}};
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(false);
  w.run_to(1 * kSecond);
  EXPECT_EQ(c.report().state, StartupState::kRunning);
  EXPECT_EQ(started(w), (std::vector<std::string>{"0"}));
}

TEST(Startup, InvalidDagAbortsNamingTheCycle) {
  FakeWorld w({service("web", {1}), service("api", {2}), service("auth", {3}), service("db", {1})});
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(false);
  const StartupReport r = c.report();
  EXPECT_EQ(r.state, StartupState::kAborted);
  EXPECT_EQ(r.reason, "invalid DAG: cycle: api -> auth -> db -> api");
  EXPECT_TRUE(started(w).empty());
  EXPECT_EQ(w.recorder.kinds().back(), "abort_startup");
}

TEST(Startup, IndependentServicesStartTogetherAndADependentOnlyOnceTheyAreReady) {
  // db and cache are independent; api needs both. db is ready after 12 s
  // (probes at 5 and 10 s miss it, 15 s sees it), cache after 3 s.
  FakeWorld w({service("db"), service("cache"), service("api", {0, 1})});
  boot_on_start(w, {12 * kSecond, 3 * kSecond, 2 * kSecond});
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(false);
  // Admission is closed before anything starts.
  ASSERT_GE(w.actuators.calls.size(), 1u);
  EXPECT_EQ(w.actuators.calls[0].what, "set_entry_admission");
  EXPECT_EQ(w.actuators.calls[0].value, 0.0);

  w.run_to(14 * kSecond);
  EXPECT_EQ(started(w), (std::vector<std::string>{"0", "1"}));
  w.run_to(20 * kSecond);
  using Starts = std::vector<std::pair<Micros, std::string>>;
  EXPECT_EQ(decided(w, "start_service"), (Starts{{0, "db"}, {0, "cache"}, {15 * kSecond, "api"}}));
  const StartupReport r = c.report();
  EXPECT_EQ(r.services[1].ready_at, 5 * kSecond);
  EXPECT_EQ(r.services[0].live_at, 5 * kSecond);
  EXPECT_EQ(r.services[0].ready_at, 15 * kSecond);
  EXPECT_EQ(r.services[2].started_at, 15 * kSecond);
  EXPECT_EQ(r.services[2].ready_at, 20 * kSecond);
  // Only then does traffic start: 1 % once api passed.
  EXPECT_EQ(admissions(w), (std::vector<double>{0.0, 0.01}));
  EXPECT_EQ(r.init_order, (std::vector<std::string>{"db", "cache", "api"}));
}

TEST(Startup, ServiceWhoseReadinessNeverComesFailsItsGateAndStopsTheSequence) {
  // db <- auth <- api, and an independent cache. auth gets live at 6 s (seen
  // by the probe at 10 s) but never ready: with readiness 60 s, probes every
  // 5 s and 2 re-probes, its 14th failed readiness probe is at 10 + 70 s.
  FakeWorld w({service("db"), service("auth", {0}), service("api", {1}), service("cache")});
  boot_on_start(w, {2 * kSecond, kNever, 2 * kSecond, 2 * kSecond});
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(false);
  w.run_to(80 * kSecond - 1);
  EXPECT_EQ(c.report().state, StartupState::kRunning);
  w.run_to(80 * kSecond);
  const StartupReport r = c.report();
  EXPECT_EQ(r.state, StartupState::kFailed);
  EXPECT_EQ(r.failed_service, "auth");
  const Decision* d = last_decision(w, "startup_failed");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->at, 80 * kSecond);
  EXPECT_EQ(d->target, "auth");
  EXPECT_EQ(d->reason,
            "readiness gate failed: not ready 70s after it was live (timeout 1m, 2 re-probes "
            "every 5s)");
  // Nothing after it starts, and traffic never opened.
  w.run_to(1 * kHour);
  EXPECT_EQ(started(w), (std::vector<std::string>{"0", "3", "1"}));
  EXPECT_EQ(admissions(w), (std::vector<double>{0.0}));
  EXPECT_EQ(w.clock.pending(), 0u);
  EXPECT_EQ(r.services[2].outcome, ServiceProgress::Outcome::kNotStarted);
  EXPECT_EQ(r.phases.back().name, "initialize");
  EXPECT_EQ(r.phases.back().end, 80 * kSecond);
}

TEST(Startup, AFailedGateStopsTheGatesStillInProgress) {
  // db never gets live and fails at 40 s; cache, ready only at 100 s, is
  // still in its readiness gate then, and is probed no more.
  FakeWorld w({service("db"), service("cache")});
  boot_on_start(w, {kNever, 100 * kSecond}, kNever);
  w.actuators.on_start_service = [&w, start = w.actuators.on_start_service](size_t s) {
    start(s);
    if (s == 1) w.telemetry.mutable_state(1).running = 1;  // cache is live at once
  };
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  size_t pending_at_end = 0;
  c.subscribe([&](const StartupReport&) { pending_at_end = w.clock.pending(); });
  c.start(false);
  w.run_to(40 * kSecond);
  EXPECT_EQ(c.report().state, StartupState::kFailed);
  EXPECT_EQ(c.report().services[1].live_at, 5 * kSecond);
  // Only the fake's own "cache ready" timer is left: cache's probe, due at
  // the same instant, was cancelled.
  EXPECT_EQ(pending_at_end, 1u);
  w.run_to(1 * kHour);
  EXPECT_EQ(c.report().services[1].ready_at, -1);
  EXPECT_EQ(decided(w, "startup_failed").size(), 1u);
  EXPECT_EQ(c.report().failed_service, "db");
}

TEST(Startup, ServiceThatNeverGetsLiveFailsTheLivenessGate) {
  FakeWorld w({service("db")});
  boot_on_start(w, {kNever}, kNever);
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(false);
  w.run_to(40 * kSecond - 1);
  EXPECT_EQ(c.report().state, StartupState::kRunning);
  w.run_to(40 * kSecond);
  EXPECT_EQ(c.report().state, StartupState::kFailed);
  EXPECT_EQ(c.report().failed_service, "db");
  EXPECT_EQ(c.report().reason,
            "db: liveness gate failed: not live 40s after start (timeout 30s, 2 re-probes every "
            "5s)");
}

TEST(Startup, GradingOpensEachPhaseAfterItsHoldAndVerifies) {
  FakeWorld w(db_and_api());
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  std::vector<StartupState> ends;
  c.subscribe([&](const StartupReport& r) { ends.push_back(r.state); });
  c.start(false);
  w.run_to(429 * kSecond);
  EXPECT_EQ(c.report().state, StartupState::kRunning);
  w.run_to(1 * kHour);
  const StartupReport r = c.report();
  EXPECT_EQ(r.state, StartupState::kSucceeded);
  EXPECT_EQ(admissions(w), (std::vector<double>{0.0, 0.01, 0.10, 0.50, 1.0}));
  EXPECT_EQ(admission_times(w),
            (std::vector<Micros>{0, 10 * kSecond, 130 * kSecond, 250 * kSecond, 370 * kSecond}));
  const Decision* v = last_decision(w, "startup_verified");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->at, 430 * kSecond);
  EXPECT_EQ(r.admission, 1.0);
  EXPECT_EQ(r.grading_phase, 3);
  EXPECT_EQ(ends, (std::vector<StartupState>{StartupState::kSucceeded}));
  std::vector<std::string> names;
  for (const PhaseSpan& p : r.phases) names.push_back(p.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"pre_startup_checks", "build_dag", "initialize", "grading 1%",
                                      "grading 10%", "grading 50%", "grading 100%", "verify"}));
  EXPECT_EQ(r.phases[2].start, 0);
  EXPECT_EQ(r.phases[2].end, 10 * kSecond);
  EXPECT_EQ(r.phases[4].start, 130 * kSecond);
  EXPECT_EQ(r.phases[4].end, 250 * kSecond);
  EXPECT_EQ(r.phases[7].end, 430 * kSecond);
  EXPECT_EQ(w.clock.pending(), 0u);
}

TEST(Startup, GradingHaltsAtTenPercentWhenP95RisesPastTheP2Threshold) {
  FakeWorld w(db_and_api());
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(false);
  w.run_to(130 * kSecond);
  ASSERT_EQ(admissions(w).back(), 0.10);
  // The opened traffic pushes the system p95 to 1.5 s (P2 is 1 s). The first
  // check, 10 s later, reads ticks 131..139.
  w.telemetry.set(Signal::kLatencyP95, kSystem, 1.5);
  w.run_to(140 * kSecond - 1);
  EXPECT_EQ(c.report().state, StartupState::kRunning);
  w.run_to(1 * kHour);
  const StartupReport r = c.report();
  EXPECT_EQ(r.state, StartupState::kHalted);
  EXPECT_EQ(r.admission, 0.10);
  EXPECT_EQ(r.grading_phase, 1);
  EXPECT_EQ(admissions(w), (std::vector<double>{0.0, 0.01, 0.10}));
  const Decision* d = last_decision(w, "grading_halted");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->at, 140 * kSecond);
  EXPECT_EQ(d->reason, "latency_p95 1.5s > P2 1s over 9 ticks at 10%; grading halted at 10%");
  EXPECT_EQ(last_decision(w, "startup_verified"), nullptr);
}

TEST(Startup, GradingHaltsOnTheErrorRateButNotAtTheThresholdItself) {
  FakeWorld w(db_and_api());
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(false);
  w.run_to(130 * kSecond);
  // Exactly 1 %: not a breach (strictly greater breaches, as in alerting).
  w.telemetry.set(Signal::kErrorRate, kSystem, 0.01);
  w.run_to(250 * kSecond);
  ASSERT_EQ(admissions(w).back(), 0.50);
  w.telemetry.set(Signal::kErrorRate, kSystem, 0.03);
  w.run_to(1 * kHour);
  EXPECT_EQ(c.report().state, StartupState::kHalted);
  EXPECT_EQ(c.report().admission, 0.50);
  const Decision* d = last_decision(w, "grading_halted");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->at, 260 * kSecond);
  EXPECT_EQ(d->reason.rfind("error_rate 3% > P2 1%", 0), 0u) << d->reason;
}

TEST(Startup, StepBackReturnsOnePhaseAndRetriesAfterTheHold) {
  FakeWorld w(db_and_api());
  StartupProcedures p;
  p.on_breach = BreachAction::kStepBack;
  StartupController c(w.ports(), p, no_alert);
  c.start(false);
  w.run_to(130 * kSecond);
  w.telemetry.set(Signal::kLatencyP95, kSystem, 1.5);
  w.run_to(140 * kSecond);
  ASSERT_EQ(admissions(w).back(), 0.01);
  // Back at 1 % the latency recovers; 1 % holds its two minutes, then 10 %
  // opens again, and so on.
  w.telemetry.set(Signal::kLatencyP95, kSystem, 0.05);
  w.run_to(1 * kHour);
  const StartupReport r = c.report();
  EXPECT_EQ(r.state, StartupState::kSucceeded);
  EXPECT_EQ(r.step_backs, 1);
  EXPECT_EQ(admissions(w), (std::vector<double>{0.0, 0.01, 0.10, 0.01, 0.10, 0.50, 1.0}));
  EXPECT_EQ(admission_times(w), (std::vector<Micros>{0, 10 * kSecond, 130 * kSecond, 140 * kSecond,
                                                     260 * kSecond, 380 * kSecond, 500 * kSecond}));
  const Decision* d = last_decision(w, "grading_step_back");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->reason,
            "1%: latency_p95 1.5s > P2 1s over 9 ticks at 10%; step-back 1 of 3, retry after "
            "the hold");
  EXPECT_EQ(last_decision(w, "startup_verified")->at, 560 * kSecond);
  EXPECT_EQ(r.phases[5].name, "grading 1% (step back)");
}

TEST(Startup, StepBackHaltsAfterTheLastAllowedStepBack) {
  // 10 % always breaches, 1 % never does.
  FakeWorld w(db_and_api());
  StartupProcedures p;
  p.on_breach = BreachAction::kStepBack;
  StartupController c(w.ports(), p, no_alert);
  c.start(false);
  for (Micros t = kSecond; t <= 30 * kMinute; t += kSecond) {
    w.telemetry.set(Signal::kLatencyP95, kSystem, admissions(w).back() >= 0.10 ? 1.5 : 0.05);
    w.run_to(t);
  }
  const StartupReport r = c.report();
  EXPECT_EQ(r.state, StartupState::kHalted);
  EXPECT_EQ(r.step_backs, 3);
  EXPECT_EQ(decided(w, "grading_step_back").size(), 3u);
  // 10 % opens at 130, 260, 390 and 520 s; each breach shows 10 s later.
  EXPECT_EQ(last_decision(w, "grading_halted")->at, 530 * kSecond);
  EXPECT_EQ(r.admission, 0.10);
}

TEST(Startup, StepBackAtTheFirstPhaseHalts) {
  FakeWorld w(db_and_api());
  StartupProcedures p;
  p.on_breach = BreachAction::kStepBack;
  StartupController c(w.ports(), p, no_alert);
  w.telemetry.set(Signal::kLatencyP95, kSystem, 3.0);
  c.start(false);
  w.run_to(1 * kHour);
  EXPECT_EQ(c.report().state, StartupState::kHalted);
  EXPECT_EQ(c.report().admission, 0.01);
  EXPECT_EQ(last_decision(w, "grading_halted")->at, 20 * kSecond);
  EXPECT_NE(last_decision(w, "grading_halted")->reason.find("no earlier phase"), std::string::npos);
}

// Core: db, api (needs db). Subsystems: search (needs api), reports (needs
// db), mail. Init order: db, api, search, reports, mail.
std::vector<ServiceInfo> core_and_subsystems() {
  return {service("db", {}, true), service("api", {0}, true), service("search", {1}),
          service("reports", {0}), service("mail")};
}

TEST(Startup, MinimalModeStartsOnlyCoreServicesThenEnablesSubsystemsOneAtATime) {
  FakeWorld w(core_and_subsystems());
  boot_on_start(w, std::vector<Micros>(5, 2 * kSecond));
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(true);
  // Core gates pass at 5 and 10 s; grading ends with 100 % at 370 s.
  w.run_to(370 * kSecond - 1);
  EXPECT_EQ(started(w), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(admissions(w).back(), 0.50);
  w.run_to(1 * kHour);
  const StartupReport r = c.report();
  EXPECT_EQ(r.state, StartupState::kSucceeded) << r.reason;
  EXPECT_TRUE(r.minimal_mode);
  EXPECT_EQ(started(w), (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  // Each subsystem passes its gate 5 s after it is enabled and is checked a
  // minute later; the next one is enabled then.
  using Enables = std::vector<std::pair<Micros, std::string>>;
  EXPECT_EQ(
      decided(w, "enable_subsystem"),
      (Enables{{370 * kSecond, "search"}, {435 * kSecond, "reports"}, {500 * kSecond, "mail"}}));
  EXPECT_EQ(decided(w, "start_service").size(), 2u);
  EXPECT_EQ(r.services[2].ready_at, 375 * kSecond);
  EXPECT_EQ(r.services[4].ready_at, 505 * kSecond);
  EXPECT_EQ(last_decision(w, "startup_verified")->at, 625 * kSecond);
  EXPECT_EQ(r.phases[r.phases.size() - 2].name, "gradual_enable");
  EXPECT_EQ(r.phases[r.phases.size() - 2].start, 370 * kSecond);
  EXPECT_EQ(r.phases[r.phases.size() - 2].end, 565 * kSecond);
}

TEST(Startup, GradualEnableStopsASubsystemThatFailsItsGateAndGoesOn) {
  // search never gets ready; suggest needs search.
  std::vector<ServiceInfo> services = core_and_subsystems();
  services.push_back(service("suggest", {2}));
  FakeWorld w(services);
  boot_on_start(w, {2 * kSecond, 2 * kSecond, kNever, 2 * kSecond, 2 * kSecond, 2 * kSecond});
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(true);
  w.run_to(1 * kHour);
  const StartupReport r = c.report();
  EXPECT_EQ(r.state, StartupState::kSucceeded) << r.reason;
  // search: enabled at 370 s, live at 375 s, readiness fails 70 s later.
  using Events = std::vector<std::pair<Micros, std::string>>;
  EXPECT_EQ(decided(w, "disable_subsystem"), (Events{{445 * kSecond, "search"}}));
  EXPECT_EQ(
      decided(w, "enable_subsystem"),
      (Events{{370 * kSecond, "search"}, {445 * kSecond, "reports"}, {510 * kSecond, "mail"}}));
  EXPECT_EQ(decided(w, "skip_subsystem"), (Events{{575 * kSecond, "suggest"}}));
  EXPECT_TRUE(w.telemetry.state(2).stopped);
  EXPECT_EQ(r.services[2].outcome, ServiceProgress::Outcome::kFailed);
  EXPECT_EQ(r.services[5].outcome, ServiceProgress::Outcome::kSkipped);
  EXPECT_NE(r.reason.find("not up: search failed, suggest skipped"), std::string::npos) << r.reason;
}

TEST(Startup, GradualEnableDisablesASubsystemThatHurtsTheGoldenSignals) {
  // Enabling reports drives the system p95 to 1.8 s until it is stopped.
  FakeWorld w(core_and_subsystems());
  boot_on_start(w, std::vector<Micros>(5, 2 * kSecond));
  auto start = w.actuators.on_start_service;
  auto stop = w.actuators.on_stop_service;
  const size_t system = w.telemetry.service_count();
  w.actuators.on_start_service = [&, start](size_t s) {
    start(s);
    if (s == 3) w.telemetry.set(Signal::kLatencyP95, system, 1.8);
  };
  w.actuators.on_stop_service = [&, stop](size_t s) {
    stop(s);
    if (s == 3) w.telemetry.set(Signal::kLatencyP95, system, 0.05);
  };
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(true);
  w.run_to(1 * kHour);
  const StartupReport r = c.report();
  EXPECT_EQ(r.state, StartupState::kSucceeded) << r.reason;
  const Decision* d = last_decision(w, "disable_subsystem");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->target, "reports");
  EXPECT_EQ(d->at, 500 * kSecond);
  EXPECT_EQ(d->reason.rfind("latency_p95 1.8s > P2 1s", 0), 0u) << d->reason;
  EXPECT_EQ(r.services[3].outcome, ServiceProgress::Outcome::kDisabled);
  EXPECT_EQ(r.services[4].outcome, ServiceProgress::Outcome::kReady);
  EXPECT_EQ(decided(w, "enable_subsystem").back(),
            (std::pair<Micros, std::string>{500 * kSecond, "mail"}));
}

TEST(Startup, GradualEnableDisablesASubsystemThatIsNoLongerReadyAfterItsInterval) {
  // mail passes its gate at 505 s, then stops answering at 530 s.
  FakeWorld w(core_and_subsystems());
  boot_on_start(w, std::vector<Micros>(5, 2 * kSecond));
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(true);
  w.run_to(530 * kSecond);
  ASSERT_EQ(c.report().services[4].ready_at, 505 * kSecond);
  w.telemetry.mutable_state(4).serving = 0;
  w.run_to(1 * kHour);
  const Decision* d = last_decision(w, "disable_subsystem");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->target, "mail");
  EXPECT_EQ(d->at, 565 * kSecond);
  EXPECT_EQ(d->reason, "not ready 1m after it was enabled");
  EXPECT_EQ(c.report().state, StartupState::kSucceeded);
  EXPECT_EQ(c.report().services[4].outcome, ServiceProgress::Outcome::kDisabled);
}

TEST(Startup, MinimalModeAbortsWhenACoreServiceNeedsASubsystem) {
  FakeWorld w({service("db", {}, true), service("api", {2}, true), service("search")});
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(true);
  EXPECT_EQ(c.report().state, StartupState::kAborted);
  EXPECT_EQ(c.report().reason,
            "invalid DAG: minimal mode: core service api depends on subsystem search");
  EXPECT_TRUE(started(w).empty());
  // The same services start normally outside minimal mode.
  FakeWorld v({service("db", {}, true), service("api", {2}, true), service("search")});
  StartupController d(v.ports(), StartupProcedures{}, no_alert);
  d.start(false);
  EXPECT_EQ(d.report().state, StartupState::kRunning);
}

StartupReport run_with_alert(int severity, FakeWorld& w) {
  StartupController c(w.ports(), StartupProcedures{}, [severity] { return severity; });
  c.start(false);
  w.run_to(1 * kHour);
  return c.report();
}

TEST(Startup, VerifyFailsWhileACriticalAlertIsFiring) {
  FakeWorld p1(db_and_api());
  const StartupReport failed = run_with_alert(1, p1);
  EXPECT_EQ(failed.state, StartupState::kFailed);
  EXPECT_EQ(failed.reason, "verify: a P1 alert is firing");
  ASSERT_NE(last_decision(p1, "startup_failed"), nullptr);
  EXPECT_EQ(last_decision(p1, "startup_failed")->at, 430 * kSecond);
  EXPECT_EQ(last_decision(p1, "startup_verified"), nullptr);

  // P2 is not critical.
  FakeWorld p2(db_and_api());
  EXPECT_EQ(run_with_alert(2, p2).state, StartupState::kSucceeded);
}

TEST(Startup, VerifyFailsWhenAServiceIsNoLongerReady) {
  FakeWorld w(db_and_api());
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(false);
  w.run_to(400 * kSecond);
  w.telemetry.mutable_state(0).serving = 0;
  w.run_to(1 * kHour);
  EXPECT_EQ(c.report().state, StartupState::kFailed);
  EXPECT_EQ(c.report().failed_service, "db");
  EXPECT_EQ(last_decision(w, "startup_failed")->target, "db");
}

TEST(Startup, StartTwiceDoesNothing) {
  FakeWorld w(db_and_api());
  StartupController c(w.ports(), StartupProcedures{}, no_alert);
  c.start(false);
  c.start(true);
  EXPECT_FALSE(c.report().minimal_mode);
  EXPECT_EQ(admissions(w).size(), 1u);
}

TEST(StartupMath, GateProbeLimit) {
  EXPECT_EQ(gate_probe_limit(30 * kSecond, 5 * kSecond, 2), 8);
  EXPECT_EQ(gate_probe_limit(60 * kSecond, 5 * kSecond, 2), 14);
  EXPECT_EQ(gate_probe_limit(7 * kSecond, 5 * kSecond, 0), 2);
  EXPECT_EQ(gate_probe_limit(0, 5 * kSecond, 0), 1);
}

TEST(StartupMath, SystemSignalsAreReadOverTheWindowAgainstStrictLimits) {
  testing::FakeTelemetry t({service("api")});
  for (int i = 0; i < 10; ++i) {
    t.set(Signal::kLatencyP95, 1, i < 5 ? 2.0 : 0.5);
    t.set(Signal::kErrorRate, 1, i < 5 ? 0.5 : 0.25);
    t.set(Signal::kTraffic, 1, i < 5 ? 1.0 : 2.0);
    t.commit_tick();
  }
  // The last 5 ticks: p95 0.5 s, errors 25 %; equal to a limit is no breach.
  SignalCheck c = check_system_signals(t, 5, 0.5, 0.25);
  EXPECT_TRUE(c.ok);
  EXPECT_FALSE(check_system_signals(t, 5, 0.49, 0.25).ok);
  EXPECT_EQ(c.latency_p95_s, 0.5);
  EXPECT_EQ(c.error_rate, 0.25);
  c = check_system_signals(t, 5, 1.0, 0.24);
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.signal, "error_rate");
  // All 10: latency breaches first; errors weighted by traffic:
  // (5 x 1 x 0.5 + 5 x 2 x 0.25) / 15 = 1/3.
  c = check_system_signals(t, 10, 1.0, 0.5);
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.signal, "latency_p95");
  EXPECT_EQ(c.value, 2.0);
  EXPECT_NEAR(c.error_rate, 1.0 / 3.0, 1e-12);
  // No window, no data, no breach.
  EXPECT_TRUE(check_system_signals(t, 0, 0.0, 0.0).ok);
}

TEST(StartupMath, GradingLimitsComeFromTheP2Thresholds) {
  AlertingProcedures a;
  a.latency_p95_s.p2 = 0.8;
  a.error_rate.p2 = 0.005;
  const StartupProcedures p = with_p2_limits(StartupProcedures{}, a);
  EXPECT_EQ(p.grading_max_latency_p95_s, 0.8);
  EXPECT_EQ(p.grading_max_error_rate, 0.005);
  EXPECT_EQ(StartupProcedures{}.grading_max_latency_p95_s, AlertingProcedures{}.latency_p95_s.p2);
  EXPECT_EQ(StartupProcedures{}.grading_max_error_rate, AlertingProcedures{}.error_rate.p2);
}

}  // namespace
}  // namespace dreamsim::ctl
