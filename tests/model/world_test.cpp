// The world model against arithmetic: queueing latency, dependency outages,
// metastable failure, leaks, traffic drops, data stores, determinism.
#include "model/world.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "model/outcome.hpp"
#include "model/queueing.hpp"
#include "sim/simulation.hpp"
#include "sim/trace.hpp"
#include "tests/model/world_test_util.hpp"

namespace dreamsim::model {
namespace {

using testing::add_edge;
using testing::constant_load;
using testing::make_fault;
using testing::make_scenario;
using testing::make_service;
using testing::run_through_tick;

double latest(const World& w, Signal s, size_t column) { return w.signals().latest(s, column); }

// --- Queueing ---------------------------------------------------------------

// c = 10 servers of 10 ms (mu = 100/s), the table of algorithms.md 4.2.
Scenario single_queue(double rps, double cv = 0.0) {
  Scenario sc = make_scenario({make_service("api")}, Duration::minutes(5));
  sc.load.push_back(constant_load(0, rps, cv));
  return sc;
}

TEST(WorldQueue, TickP95MatchesAnalyticMmcAcrossLoads) {
  for (double rps = 50.0; rps < 990.0; rps += 37.0) {
    const Scenario sc = single_queue(rps);
    sim::Simulation sim;
    World world(sc, 1, sim);
    run_through_tick(sim, world, 10);
    const double exact95 = mmc_response_quantile(10, rps, 100.0, 0.95);
    const double exact50 = mmc_response_quantile(10, rps, 100.0, 0.50);
    const double exact99 = mmc_response_quantile(10, rps, 100.0, 0.99);
    // The tick signal comes from the interpolated table: within 0.1 %.
    EXPECT_NEAR(latest(world, Signal::kLatencyP95, 0), exact95, 1e-3 * exact95) << rps;
    EXPECT_NEAR(latest(world, Signal::kLatencyP50, 0), exact50, 1e-3 * exact50) << rps;
    EXPECT_NEAR(latest(world, Signal::kLatencyP99, 0), exact99, 1e-3 * exact99) << rps;
  }
}

TEST(WorldQueue, TickQuantilesMatchAnalyticForManyServerCounts) {
  struct Shape {
    int replicas;
    double capacity_rps;  // per replica
    int service_ms;
    double cv;
  };
  // c = replicas x capacity x service time: 1, 2, 5, 50 and 200 servers, with
  // exponential and more variable service (Allen-Cunneen factor 1.625).
  const Shape shapes[] = {{1, 100.0, 10, 1.0}, {2, 50.0, 20, 1.5}, {5, 100.0, 10, 1.0},
                          {10, 500.0, 10, 1.5}, {20, 1000.0, 10, 1.0}};
  for (const Shape& shape : shapes) {
    for (double rho : {0.3, 0.6, 0.85, 0.95, 0.985}) {
      Scenario sc = make_scenario({make_service("api", shape.replicas, shape.capacity_rps,
                                                Duration::millis(shape.service_ms))},
                                  Duration::minutes(1));
      sc.services[0].service_time_cv = shape.cv;
      sc.services[0].timeout = Duration::seconds(30);
      const double kappa = shape.replicas * shape.capacity_rps;
      sc.load.push_back(constant_load(0, rho * kappa));
      sim::Simulation sim;
      World world(sc, 1, sim);
      run_through_tick(sim, world, 5);
      const int c = static_cast<int>(std::lround(kappa * shape.service_ms / 1000.0));
      const ResponseTime exact = mmc_response_time(c, rho * kappa, kappa / c,
                                                   allen_cunneen_factor(1.0, shape.cv));
      for (auto [signal, q] : {std::pair{Signal::kLatencyP50, 0.50},
                               std::pair{Signal::kLatencyP95, 0.95},
                               std::pair{Signal::kLatencyP99, 0.99}}) {
        const double want = exact.quantile(q);
        EXPECT_NEAR(latest(world, signal, 0), want, 1e-3 * want)
            << "c=" << c << " rho=" << rho << " q=" << q;
      }
    }
  }
}

TEST(WorldQueue, WindowP95FromHistogramWithinTwoPercentOfMmc) {
  const Scenario sc = single_queue(800.0);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 120);
  const double exact = mmc_response_quantile(10, 800.0, 100.0, 0.95);
  const double window = world.signals().window_latency_quantile(0, 0.95, 60);
  EXPECT_NEAR(window, exact, 0.02 * exact);
  // The user-facing system p95 comes from the per-tick LogHistogram.
  EXPECT_NEAR(latest(world, Signal::kLatencyP95, world.signals().system_column()), exact,
              0.02 * exact);
  EXPECT_NEAR(world.run_latency_quantile(0.95), exact, 0.02 * exact);
}

TEST(WorldQueue, LatencyRisesMonotonicallyWithLoad) {
  double previous95 = 0.0, previous50 = 0.0;
  for (double rps = 100.0; rps <= 1300.0; rps += 50.0) {
    const Scenario sc = single_queue(rps);
    sim::Simulation sim;
    World world(sc, 1, sim);
    run_through_tick(sim, world, 30);
    const double p95 = latest(world, Signal::kLatencyP95, 0);
    const double p50 = latest(world, Signal::kLatencyP50, 0);
    EXPECT_GT(p95, previous95) << rps;
    EXPECT_GE(p50, previous50) << rps;
    previous95 = p95;
    previous50 = p50;
  }
}

TEST(WorldQueue, OverloadBuildsBacklogThatDrains) {
  Scenario sc = single_queue(800.0);
  sc.load[0].profile.kind = LoadProfileKind::kSpike;
  sc.load[0].profile.rate_rps = 800.0;
  sc.load[0].profile.to_rps = 1200.0;
  sc.load[0].profile.at = Duration::seconds(10);
  sc.load[0].profile.length = Duration::seconds(10);
  sc.services[0].retries.count = 0;
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 19);
  // Ten ticks of 200 req/s above capacity.
  EXPECT_NEAR(latest(world, Signal::kBacklog, 0), 2000.0, 1e-6);
  sim.run_until(Time::from_seconds(60));
  // It drains at 200 req/s once the spike is over: empty by t = 30 s.
  EXPECT_NEAR(latest(world, Signal::kBacklog, 0), 0.0, 1e-9);
}

// --- Dependencies -----------------------------------------------------------

TEST(WorldFaults, DependencyOutageRaisesErrorsAtEveryTransitiveCallerAndNowhereElse) {
  // a -> b -> d, c -> d, d -> g; e -> f unrelated.
  std::vector<Service> services;
  for (const char* id : {"a", "b", "c", "d", "e", "f", "g"}) {
    services.push_back(make_service(id));
  }
  Scenario sc = make_scenario(services, Duration::minutes(3));
  add_edge(sc, 0, 1);
  add_edge(sc, 1, 3);
  add_edge(sc, 2, 3);
  add_edge(sc, 3, 6);
  add_edge(sc, 4, 5);
  sc.load.push_back(constant_load(0, 100.0));
  sc.load.push_back(constant_load(2, 100.0));
  sc.load.push_back(constant_load(4, 100.0));
  sc.faults.push_back(make_fault(FaultKind::kDependencyOutage, 3, 60, 120));
  sim::Simulation sim;
  World world(sc, 1, sim);

  run_through_tick(sim, world, 59);
  for (size_t s = 0; s < 7; ++s) EXPECT_LT(latest(world, Signal::kErrorRate, s), 1e-6) << s;

  sim.run_until(Time::from_seconds(90));
  for (size_t s : {0, 1, 2, 3}) EXPECT_GT(latest(world, Signal::kErrorRate, s), 0.99) << s;
  for (size_t s : {4, 5, 6}) EXPECT_LT(latest(world, Signal::kErrorRate, s), 1e-6) << s;
  // g gets no calls while d is out; f keeps its traffic.
  EXPECT_EQ(latest(world, Signal::kTraffic, 6), 0.0);
  EXPECT_NEAR(latest(world, Signal::kTraffic, 5), 100.0, 1e-6);
  const auto& rec = world.faults().at(0);
  ASSERT_TRUE(rec.took_effect.has_value());
  EXPECT_EQ(rec.took_effect->us(), Time::from_seconds(60).us());

  sim.run_until(Time::from_seconds(179));
  for (size_t s = 0; s < 7; ++s) EXPECT_LT(latest(world, Signal::kErrorRate, s), 1e-6) << s;
}

TEST(WorldFaults, DependencyLatencyAddsToCallers) {
  Scenario sc = make_scenario({make_service("api"), make_service("db")}, Duration::minutes(2));
  add_edge(sc, 0, 1);
  sc.load.push_back(constant_load(0, 100.0));
  Fault slow = make_fault(FaultKind::kLatency, 1, 30);
  slow.latency_add = Duration::millis(200);
  sc.faults.push_back(slow);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 20);
  const double before = latest(world, Signal::kLatencyP95, 0);
  sim.run_until(Time::from_seconds(40));
  EXPECT_NEAR(latest(world, Signal::kLatencyP95, 0) - before, 0.2, 1e-3);
  EXPECT_NEAR(latest(world, Signal::kLatencyP95, 1) - mmc_response_quantile(10, 100, 100, 0.95),
              0.2, 1e-3);
}

// --- Metastable failure (algorithms.md 4.4) -----------------------------------

// lambda = 800/s against kappa = 1000/s (rho = 0.8), timeout 1 s, retries
// after 200 ms; half the replicas crash from t = 60 s to t = 90 s.
Scenario metastable(int retries, double budget, bool trigger = true) {
  Scenario sc = single_queue(800.0);
  sc.services[0].retries.count = retries;
  sc.services[0].retries.backoff = Duration::millis(200);
  sc.services[0].retries.budget = budget;
  sc.duration = Duration::seconds(300);
  if (trigger) {
    Fault crash = make_fault(FaultKind::kCrash, 0, 60, 90);
    crash.replicas = 5;
    sc.faults.push_back(crash);
  }
  return sc;
}

double goodput_at(World& world, sim::Simulation& sim, int64_t t) {
  sim.run_until(Time::from_seconds(t));
  return latest(world, Signal::kGoodput, 0);
}

TEST(WorldMetastable, NoTriggerStaysStable) {
  const Scenario sc = metastable(2, 0.0, false);
  sim::Simulation sim;
  World world(sc, 1, sim);
  world.start();
  for (int64_t t : {100, 160, 290}) EXPECT_NEAR(goodput_at(world, sim, t), 800.0, 1.0) << t;
}

TEST(WorldMetastable, TwoRetriesKeepGoodputCollapsedLongAfterCapacityReturns) {
  const Scenario sc = metastable(2, 0.0);
  sim::Simulation sim;
  World world(sc, 1, sim);
  world.start();
  EXPECT_LT(goodput_at(world, sim, 100), 1.0);
  EXPECT_LT(goodput_at(world, sim, 160), 1.0);
  EXPECT_LT(goodput_at(world, sim, 290), 1.0);
  // The sustaining effect: each user request arrives three times, 2400/s
  // against a capacity of 1000/s, so the backlog keeps growing.
  EXPECT_NEAR(latest(world, Signal::kTraffic, 0), 2400.0, 24.0);
  EXPECT_GT(latest(world, Signal::kBacklog, 0), 200000.0);
  EXPECT_GT(latest(world, Signal::kErrorRate, 0), 0.99);
}

TEST(WorldMetastable, RetryBudgetOfTenPercentRecovers) {
  const Scenario sc = metastable(2, 0.10);
  sim::Simulation sim;
  World world(sc, 1, sim);
  world.start();
  EXPECT_LT(goodput_at(world, sim, 100), 1.0);
  EXPECT_NEAR(goodput_at(world, sim, 290), 800.0, 1.0);
  EXPECT_NEAR(latest(world, Signal::kBacklog, 0), 0.0, 1e-6);
}

TEST(WorldMetastable, NoRetriesRecovers) {
  const Scenario sc = metastable(0, 0.0);
  sim::Simulation sim;
  World world(sc, 1, sim);
  world.start();
  EXPECT_LT(goodput_at(world, sim, 100), 1.0);
  EXPECT_NEAR(goodput_at(world, sim, 160), 800.0, 1.0);
  EXPECT_NEAR(goodput_at(world, sim, 290), 800.0, 1.0);
}

// --- Saturation and load -----------------------------------------------------

TEST(WorldSaturation, MemoryLeakReachesTheLimitAtThePredictedTick) {
  Scenario sc = single_queue(100.0);
  sc.duration = Duration::hours(3);
  Fault leak = make_fault(FaultKind::kMemoryLeak, 0, 100);
  leak.leak_mb_per_min = 7.0;
  sc.faults.push_back(leak);
  // 256 MB + 7 MB/min reaches 1024 MB after 768 / 7 min = 6582.86 s: the
  // first tick at or past it is t = 100 + 6583 s.
  const int64_t predicted = 100 + static_cast<int64_t>(std::ceil(768.0 / 7.0 * 60.0));
  ASSERT_EQ(predicted, 6683);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, predicted - 1);
  EXPECT_LT(latest(world, Signal::kMemory, 0), 1.0);
  EXPECT_GT(latest(world, Signal::kMemory, 0), 0.999);
  EXPECT_EQ(world.service_status(0).ooms, 0);
  sim.run_until(Time::from_seconds(predicted));
  EXPECT_GE(latest(world, Signal::kMemory, 0), 1.0);
  EXPECT_EQ(world.service_status(0).ooms, 1);
  EXPECT_EQ(world.metrics().ooms, 1);
}

TEST(WorldSaturation, CpuFollowsLoadAndHog) {
  Scenario sc = single_queue(500.0);
  sc.services[0].cpu_per_request_ms = 10.0;  // 0.01 core-s per request
  sc.services[0].cpu_cores = 2.0;
  Fault hog = make_fault(FaultKind::kCpuHog, 0, 30);
  hog.cpu_fraction = 0.25;
  sc.faults.push_back(hog);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 20);
  // 500 req/s x 0.01 s over 10 replicas x 2 cores.
  EXPECT_NEAR(latest(world, Signal::kCpu, 0), 0.25, 1e-9);
  sim.run_until(Time::from_seconds(40));
  EXPECT_NEAR(latest(world, Signal::kCpu, 0), 0.5, 1e-9);
}

TEST(WorldLoad, TrafficDropOfFortyPercentShowsInTheTrafficSignal) {
  Scenario sc = single_queue(1000.0);
  sc.services[0].replicas = 20;
  Fault drop = make_fault(FaultKind::kTrafficDrop, 0, 60);
  drop.fraction = 0.4;
  sc.faults.push_back(drop);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 59);
  EXPECT_NEAR(latest(world, Signal::kTraffic, 0), 1000.0, 1e-6);
  sim.run_until(Time::from_seconds(90));
  EXPECT_NEAR(latest(world, Signal::kTraffic, 0), 600.0, 1e-6);
}

TEST(WorldLoad, TrafficDropWithNoiseShowsWithinTolerance) {
  Scenario sc = single_queue(1000.0, 0.05);
  sc.services[0].replicas = 20;
  sc.duration = Duration::minutes(20);
  Fault drop = make_fault(FaultKind::kTrafficDrop, 0, 600);
  drop.fraction = 0.4;
  sc.faults.push_back(drop);
  sim::Simulation sim;
  World world(sc, 7, sim);
  run_through_tick(sim, world, 599);
  const double before = world.signals().window_mean(Signal::kTraffic, 0, 300);
  sim.run_until(Time::from_seconds(1199));
  const double after = world.signals().window_mean(Signal::kTraffic, 0, 300);
  EXPECT_NEAR(after / before, 0.6, 0.03);
  // The noise is really there: the signal varies from tick to tick.
  std::vector<double> w;
  world.signals().window(Signal::kTraffic, 0, 300, w);
  double lo = w[0], hi = w[0];
  for (double v : w) lo = std::min(lo, v), hi = std::max(hi, v);
  EXPECT_GT(hi - lo, 30.0);
}

// --- Data stores ---------------------------------------------------------------

Scenario with_store() {
  Scenario sc = make_scenario({make_service("db")}, Duration::minutes(5));
  sc.services[0].kind = ServiceKind::kDatabase;
  sc.load.push_back(constant_load(0, 50.0));
  DataStore store;
  store.id = "orders";
  store.service = 0;
  store.write_rate = 100.0;
  store.flush_interval = Duration::seconds(10);
  store.backup = Backup{Duration::seconds(60), Duration::seconds(30)};
  sc.data_stores.push_back(store);
  return sc;
}

TEST(WorldDataStore, CrashOfTheDatabaseLosesTheInFlightBuffer) {
  Scenario sc = with_store();
  sc.faults.push_back(make_fault(FaultKind::kCrash, 0, 65));
  sim::Simulation sim;
  World world(sc, 1, sim);
  world.run();
  // Flushed at t = 60 s; ticks 60..64 wrote 5 x 100 more before the crash.
  EXPECT_NEAR(world.data_store_status(0).lost, 500.0, 1e-6);
  EXPECT_NEAR(world.metrics().writes_lost, 500.0, 1e-6);
  EXPECT_NEAR(world.data_store_status(0).acknowledged, 6500.0, 1e-6);
}

TEST(WorldDataStore, WriteDrainLosesNothing) {
  Scenario sc = with_store();
  sc.faults.push_back(make_fault(FaultKind::kCrash, 0, 65));
  sim::Simulation sim;
  World world(sc, 1, sim);
  world.start();
  sim.run_until(Time::from_seconds(62) + Duration::millis(500));
  world.set_write_drain(true);
  sim.run_until(world.end());
  EXPECT_EQ(world.data_store_status(0).lost, 0.0);
}

TEST(WorldDataStore, CorruptionMakesLaterBackupsBad) {
  Scenario sc = with_store();
  Fault corrupt = make_fault(FaultKind::kDataCorruption, 0, 100);
  corrupt.target_kind = FaultTargetKind::kDataStore;
  sc.faults.push_back(corrupt);
  sim::Simulation sim;
  World world(sc, 1, sim);
  world.run();
  const DataStoreStatus st = world.data_store_status(0);
  // Backups at 30, 90 (good), 150, 210, 270 (bad).
  EXPECT_TRUE(st.corrupted);
  EXPECT_EQ(st.backups, 5);
  EXPECT_EQ(st.bad_backups, 3);
  ASSERT_TRUE(st.last_good_backup.has_value());
  EXPECT_EQ(st.last_good_backup->us(), Time::from_seconds(90).us());
  // Restoring the last good backup loses what was written since t = 90 s.
  const double lost = world.restore_backup(0);
  EXPECT_NEAR(lost, 100.0 * (300 - 90), 1e-6);
  EXPECT_FALSE(world.data_store_status(0).corrupted);
}

TEST(WorldDataStore, RestoreLosesExactlyTheWritesAcknowledgedSinceTheBackup) {
  // Backups at 35 s and every 60 s, between the 10 s flushes: the backup
  // checkpoints, so the 500 writes buffered at 35 s are in it and not lost.
  Scenario sc = with_store();
  sc.data_stores[0].backup = Backup{Duration::seconds(60), Duration::seconds(35)};
  Fault corrupt = make_fault(FaultKind::kDataCorruption, 0, 100);
  corrupt.target_kind = FaultTargetKind::kDataStore;
  sc.faults.push_back(corrupt);
  // A crash after the good backup loses its buffer first: not counted twice.
  sc.faults.push_back(make_fault(FaultKind::kCrash, 0, 125, 126));
  sim::Simulation sim;
  World world(sc, 1, sim);
  world.start();
  sim.run_until(Time::from_seconds(200));
  const DataStoreStatus before = world.data_store_status(0);
  // Backups at 35, 95 (good), 155 (bad): the newest good one is 95 s.
  EXPECT_EQ(before.last_good_backup->us(), Time::from_seconds(95).us());
  EXPECT_EQ(before.bad_backups, 1);
  const double crash_lost = before.lost;
  EXPECT_GT(crash_lost, 0.0);
  const double lost = world.restore_backup(0);
  // Acknowledged since 95 s, less what the crash already lost.
  double acked_since = 0.0;
  {
    // The same run up to just before the backup (the ticks before 95 s),
    // to read what was acknowledged by then.
    sim::Simulation sim2;
    World w2(sc, 1, sim2);
    w2.start();
    sim2.run_until(Time::from_seconds(95) - Duration::micros(1));
    acked_since = before.acknowledged - w2.data_store_status(0).acknowledged;
  }
  // 100 writes a second from 95 s to 200 s (the one-second crash costs at
  // most one tick of them).
  EXPECT_GE(acked_since, 100.0 * (200 - 95 - 1) - 1e-6);
  EXPECT_LE(acked_since, 100.0 * (200 - 95) + 1e-6);
  EXPECT_NEAR(lost, acked_since - crash_lost, 1e-6);
  EXPECT_NEAR(world.data_store_status(0).lost, crash_lost + lost, 1e-6);
  EXPECT_FALSE(world.data_store_status(0).corrupted);
}

// --- Other faults and actuators ---------------------------------------------------

TEST(WorldFaults, BadDeploySplitRaisesTheCanaryLatencyAndErrors) {
  Scenario sc = single_queue(400.0);
  Fault deploy = make_fault(FaultKind::kBadDeploy, 0, 30);
  deploy.version = "v2";
  deploy.weight = 0.1;
  deploy.latency_factor = 3.0;
  deploy.latency_add = Duration::millis(100);
  deploy.error_rate = 0.2;
  sc.faults.push_back(deploy);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 20);
  const double before = latest(world, Signal::kLatencyP95, 0);
  sim.run_until(Time::from_seconds(40));
  const VersionSignals v = world.version_signals(0);
  EXPECT_TRUE(v.split);
  EXPECT_EQ(v.version, "v2");
  EXPECT_GT(v.canary_p95_s, v.baseline_p95_s + 0.1);
  EXPECT_NEAR(v.canary_error_rate, 0.2, 1e-3);
  EXPECT_GT(latest(world, Signal::kLatencyP95, 0), before + 0.05);
  EXPECT_NEAR(latest(world, Signal::kErrorRate, 0), 0.02, 1e-3);
  world.rollback(0);
  sim.run_until(Time::from_seconds(50));
  EXPECT_NEAR(latest(world, Signal::kLatencyP95, 0), before, 1e-6);
  EXPECT_LT(latest(world, Signal::kErrorRate, 0), 1e-9);
}

TEST(WorldFaults, PartitionFailsCallsBetweenGroupsOnly) {
  std::vector<Service> services;
  for (const char* id : {"a", "b", "c"}) services.push_back(make_service(id));
  Scenario sc = make_scenario(services, Duration::minutes(2));
  add_edge(sc, 0, 1);
  add_edge(sc, 0, 2);
  sc.load.push_back(constant_load(0, 100.0));
  Fault part = make_fault(FaultKind::kPartition, 0, 30, 60);
  part.target_kind = FaultTargetKind::kNone;
  part.groups = {{0, 1}, {2}};
  sc.faults.push_back(part);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 40);
  EXPECT_GT(latest(world, Signal::kErrorRate, 0), 0.99);
  EXPECT_NEAR(latest(world, Signal::kTraffic, 1), 100.0, 1e-6);
  EXPECT_EQ(latest(world, Signal::kTraffic, 2), 0.0);
  sim.run_until(Time::from_seconds(70));
  EXPECT_LT(latest(world, Signal::kErrorRate, 0), 1e-6);
}

TEST(WorldFaults, FullOutageTakesEveryServiceDown) {
  std::vector<Service> services;
  for (const char* id : {"a", "b"}) services.push_back(make_service(id));
  Scenario sc = make_scenario(services, Duration::minutes(2));
  add_edge(sc, 0, 1);
  sc.load.push_back(constant_load(0, 100.0));
  Fault outage = make_fault(FaultKind::kFullOutage, 0, 30, 60);
  outage.target_kind = FaultTargetKind::kAllServices;
  sc.faults.push_back(outage);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 40);
  EXPECT_EQ(world.service_status(0).serving, 0);
  EXPECT_EQ(world.service_status(1).serving, 0);
  EXPECT_NEAR(latest(world, Signal::kErrorRate, world.signals().system_column()), 1.0, 1e-9);
  sim.run_until(world.end());
  EXPECT_EQ(world.service_status(0).serving, 10);
  // 30 s of 100 req/s lost for good (retries of the last seconds included).
  EXPECT_GT(world.metrics().failed_requests, 2900.0);
  EXPECT_LT(world.metrics().failed_requests, 3100.0);
  EXPECT_NEAR(world.metrics().slo_violation_s, 30.0, 2.0);
}

TEST(WorldFaults, AgentCompromiseExfiltratesUntilQuarantined) {
  Scenario sc = with_store();
  Agent agent;
  agent.id = "billing-bot";
  agent.key = "k1";
  agent.calls.push_back(AgentCall{0, 5.0});
  sc.agents.push_back(agent);
  Fault breach = make_fault(FaultKind::kAgentCompromise, 0, 60);
  breach.target_kind = FaultTargetKind::kAgent;
  breach.exfil_rps = 100.0;
  sc.faults.push_back(breach);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 99);
  EXPECT_NEAR(world.metrics().records_exfiltrated, 4000.0, 1e-6);
  world.quarantine_agent(0);
  sim.run_until(world.end());
  EXPECT_NEAR(world.metrics().records_exfiltrated, 4000.0, 1e-6);
}

// A changed call pattern: while compromised, the agent makes the fault's
// calls instead of its own (here: 5/s to api becomes 5/s to api and 40/s
// straight to db, a service it never called); nothing leaves. Quarantine
// stops all of its calls.
TEST(WorldFaults, AgentCompromiseWithCallsChangesWhatTheAgentCalls) {
  Scenario sc = make_scenario({make_service("db"), make_service("api")}, Duration::minutes(5));
  add_edge(sc, 1, 0);
  sc.load.push_back(constant_load(1, 50.0));
  Agent agent;
  agent.id = "bot";
  agent.key = "k1";
  agent.calls.push_back(AgentCall{1, 5.0});
  sc.agents.push_back(agent);
  Fault f = make_fault(FaultKind::kAgentCompromise, 0, 60, 120);
  f.target_kind = FaultTargetKind::kAgent;
  f.calls = {AgentCall{1, 5.0}, AgentCall{0, 40.0}};
  sc.faults.push_back(f);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 50);
  EXPECT_NEAR(latest(world, Signal::kTraffic, 1), 55.0, 1e-9);
  EXPECT_NEAR(latest(world, Signal::kTraffic, 0), 55.0, 1e-9);
  run_through_tick(sim, world, 90);
  EXPECT_NEAR(latest(world, Signal::kTraffic, 1), 55.0, 1e-9);
  EXPECT_NEAR(latest(world, Signal::kTraffic, 0), 95.0, 1e-9);
  EXPECT_EQ(world.metrics().records_exfiltrated, 0.0);
  world.quarantine_agent(0);
  run_through_tick(sim, world, 100);
  EXPECT_NEAR(latest(world, Signal::kTraffic, 1), 50.0, 1e-9);
  EXPECT_NEAR(latest(world, Signal::kTraffic, 0), 50.0, 1e-9);
  ASSERT_EQ(world.faults().size(), 1u);
  EXPECT_EQ(world.faults()[0].effect, "calls api at 5/s, db at 40/s");
}

TEST(WorldFaults, KeyCompromiseStopsWhenTheKeyIsRotated) {
  Scenario sc = with_store();
  Agent agent;
  agent.id = "bot";
  agent.key = "k1";
  agent.calls.push_back(AgentCall{0, 1.0});
  sc.agents.push_back(agent);
  Fault breach = make_fault(FaultKind::kKeyCompromise, 0, 10);
  breach.target_kind = FaultTargetKind::kKey;
  breach.target_name = "k1";
  breach.exfil_rps = 10.0;
  sc.faults.push_back(breach);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 19);
  world.quarantine_agent(0);  // does not stop an attacker holding the key
  sim.run_until(Time::from_seconds(29));
  EXPECT_NEAR(world.metrics().records_exfiltrated, 200.0, 1e-6);
  world.rotate_key("k1");
  sim.run_until(world.end());
  EXPECT_NEAR(world.metrics().records_exfiltrated, 200.0, 1e-6);
}

TEST(WorldFaults, ConfigErrorIsRecordedAsAFailingCheck) {
  Scenario sc = single_queue(100.0);
  Fault cfg = make_fault(FaultKind::kConfigError, 0, 10, 20);
  cfg.target_kind = FaultTargetKind::kNone;
  cfg.check = ConfigCheck::kEnv;
  cfg.setting = "DATABASE_URL";
  sc.faults.push_back(cfg);
  sim::Simulation sim;
  World world(sc, 1, sim);
  world.run();
  ASSERT_EQ(world.check_failures().size(), 1u);
  EXPECT_EQ(world.check_failures()[0].target, "DATABASE_URL");
  EXPECT_EQ(world.failing_checks(Time::from_seconds(15)).size(), 1u);
  EXPECT_EQ(world.failing_checks(Time::from_seconds(25)).size(), 0u);
  EXPECT_NE(world.faults()[0].effect.find("DATABASE_URL"), std::string::npos);
}

TEST(WorldActuators, KillSwitchStopsAllTraffic) {
  Scenario sc = single_queue(100.0);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 10);
  const double failed_before = world.metrics().failed_requests;
  world.set_kill_switch(true);
  sim.run_until(Time::from_seconds(20));
  EXPECT_EQ(latest(world, Signal::kTraffic, 0), 0.0);
  // Turned away at the edge on purpose: every user request fails (the
  // metric), but nothing was offered to the system, so its signals show no
  // traffic and no errors rather than an error storm of its own making.
  EXPECT_NEAR(world.metrics().failed_requests - failed_before, 100.0 * 10, 100.0);
  EXPECT_EQ(latest(world, Signal::kTraffic, world.signals().system_column()), 0.0);
  EXPECT_EQ(latest(world, Signal::kErrorRate, world.signals().system_column()), 0.0);
}

TEST(WorldActuators, RateLimitShedsTheExcess) {
  Scenario sc = single_queue(800.0);
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 10);
  world.set_rate_limit(0, 600.0);
  sim.run_until(Time::from_seconds(20));
  EXPECT_NEAR(latest(world, Signal::kGoodput, 0), 600.0, 1e-6);
  EXPECT_NEAR(latest(world, Signal::kErrorRate, 0), 0.25, 1e-9);
}

TEST(WorldActuators, RestartBringsCrashedReplicasBackAfterStartup) {
  Scenario sc = single_queue(100.0);
  sc.services[0].startup_time = Duration::seconds(10);
  sc.faults.push_back(make_fault(FaultKind::kCrash, 0, 5));
  sim::Simulation sim;
  World world(sc, 1, sim);
  run_through_tick(sim, world, 20);
  EXPECT_EQ(world.service_status(0).serving, 0);
  world.restart_service(0);
  sim.run_until(Time::from_seconds(29));
  EXPECT_EQ(world.service_status(0).serving, 0);
  sim.run_until(Time::from_seconds(31));
  EXPECT_EQ(world.service_status(0).serving, 10);
  EXPECT_LT(latest(world, Signal::kErrorRate, 0), 1e-6);
}

// --- Determinism ----------------------------------------------------------------

Scenario busy_scenario() {
  std::vector<Service> services;
  for (const char* id : {"edge", "api", "auth", "db", "cache"}) services.push_back(make_service(id));
  Scenario sc = make_scenario(services, Duration::minutes(30));
  sc.name = "busy";
  add_edge(sc, 0, 1);
  add_edge(sc, 1, 2);
  add_edge(sc, 1, 3, 2.0);
  add_edge(sc, 1, 4, 0.5);
  add_edge(sc, 2, 3);
  for (Service& s : sc.services) {
    s.retries.count = 2;
    s.replicas = 12;
    s.memory_per_inflight_mb = 0.5;
  }
  sc.load.push_back(constant_load(0, 300.0, 0.1));
  sc.load.push_back(constant_load(2, 50.0, 0.2));
  Fault slow = make_fault(FaultKind::kLatency, 3, 300, 600);
  slow.latency_add = Duration::millis(300);
  sc.faults.push_back(slow);
  Fault crash = make_fault(FaultKind::kCrash, 2, 900, 960);
  crash.replicas = 8;
  sc.faults.push_back(crash);
  Fault leak = make_fault(FaultKind::kMemoryLeak, 4, 100);
  leak.leak_mb_per_min = 20.0;
  sc.faults.push_back(leak);
  return sc;
}

struct RunResult {
  uint64_t hash;
  std::string outcome;
};

RunResult run_busy(uint64_t seed) {
  const Scenario sc = busy_scenario();
  sim::Simulation sim;
  World world(sc, seed, sim);
  world.run();
  return {sim.trace().value(), outcome_text(outcome_json(world))};
}

TEST(WorldDeterminism, SameSeedGivesTheSameTraceHashAndOutcomeBytes) {
  const RunResult a = run_busy(42);
  const RunResult b = run_busy(42);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.outcome, b.outcome);
}

TEST(WorldOutcome, WrittenAtomicallyInTheStableFormat) {
  const Scenario sc = busy_scenario();
  sim::Simulation sim;
  World world(sc, 42, sim);
  world.run();
  const nlohmann::ordered_json outcome = outcome_json(world);
  const std::string dir = ::testing::TempDir() + "/world_outcome_test";
  ASSERT_EQ(write_outcome(dir, outcome), "");
  EXPECT_TRUE(std::filesystem::exists(dir + "/outcome.json"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/outcome.json.tmp"));
  std::ifstream in(dir + "/outcome.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, outcome_text(outcome));

  const auto parsed = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys;
  for (auto it = parsed.begin(); it != parsed.end(); ++it) keys.push_back(it.key());
  const std::vector<std::string> stable = {"format", "scenario", "seed",   "trace_hash",
                                           "events", "sim_duration_s", "faults", "alerts",
                                           "actions", "metrics", "expectations", "score"};
  ASSERT_GE(keys.size(), stable.size());
  EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + stable.size()), stable);
  EXPECT_EQ(parsed["format"], "dreamsim.outcome/1");
  EXPECT_EQ(parsed["trace_hash"].get<std::string>().size(), 16u);
  EXPECT_EQ(parsed["trace_hash"], sim::format_hash(sim.trace().value()));
  EXPECT_EQ(parsed["sim_duration_s"], 1800);
  EXPECT_TRUE(parsed["metrics"]["ttd_s"].is_null());
  ASSERT_EQ(parsed["faults"].size(), 3u);
  EXPECT_EQ(parsed["faults"][1]["kind"], "crash");
  EXPECT_EQ(parsed["faults"][1]["took_effect_s"], 900);
  EXPECT_EQ(parsed["faults"][1]["end_s"], 960);
  ASSERT_EQ(parsed["services"].size(), 5u);
  EXPECT_EQ(parsed["services"][3]["id"], "db");
}

TEST(WorldDeterminism, AnotherSeedGivesAnotherTrace) {
  const RunResult a = run_busy(42);
  const RunResult b = run_busy(43);
  EXPECT_NE(a.hash, b.hash);
  EXPECT_NE(a.outcome, b.outcome);
}

}  // namespace
}  // namespace dreamsim::model
