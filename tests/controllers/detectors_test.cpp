// The detectors: known answers for robust z (median, MAD), CUSUM, distances,
// whitening and V-detector generation on hand-made data; then the controller
// on the fake world: same seed same repertoire, a joint anomaly under every
// static threshold caught and paged with source "detectors", costimulation
// crediting the detector, immune memory kept through retraining, node sync
// sharing promoted detectors, and the daily maintenance job.
#include "controllers/detectors.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "tests/controllers/fake_world.hpp"

namespace dreamsim::ctl {
namespace {

using testing::FakeWorld;

// A seeded stream (SplitMix64), so that generation has real randomness; the
// fake world's FakeRandom returns medians only.
class SeededRandom : public RandomPort {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  double uniform01() override {
    if (!script.empty()) {
      const double v = script.front();
      script.erase(script.begin());
      return v;
    }
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
  }
  double exponential(double mean) override { return -mean * std::log(1.0 - uniform01()); }
  double normal(double mean, double sd) override {
    const double u1 = std::max(uniform01(), 1e-300), u2 = uniform01();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  double lognormal(double mu, double sigma) override { return std::exp(normal(mu, sigma)); }
  std::vector<double> script;  // returned first, in order

 private:
  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

// --- math: known answers ---------------------------------------------------------

TEST(RobustBaseline, MedianAndMadOfAHandMadeSeries) {
  std::vector<double> v = {3, 1, 100, 4, 2};
  const RobustBaseline b = robust_baseline(v, 0.001);
  EXPECT_DOUBLE_EQ(b.median, 3.0);
  // |x - 3| = {0, 2, 97, 1, 1}: MAD 1.
  EXPECT_DOUBLE_EQ(b.scale, 1.4826);
  EXPECT_NEAR(robust_z(100.0, b), 97.0 / 1.4826, 1e-12);
  EXPECT_DOUBLE_EQ(robust_z(3.0, b), 0.0);

  std::vector<double> even = {1, 2, 3, 4};
  const RobustBaseline e = robust_baseline(even, 0.001);
  EXPECT_DOUBLE_EQ(e.median, 2.5);
  EXPECT_DOUBLE_EQ(e.scale, 1.4826);  // |x - 2.5| = {1.5, .5, .5, 1.5}: MAD 1

  std::vector<double> flat = {5, 5, 5, 5};
  const RobustBaseline f = robust_baseline(flat, 0.02);
  EXPECT_DOUBLE_EQ(f.median, 5.0);
  EXPECT_DOUBLE_EQ(f.scale, 0.02);  // the floor, not a division by zero
  EXPECT_NEAR(robust_z(5.1, f), 5.0, 1e-9);

  std::vector<double> none;
  EXPECT_DOUBLE_EQ(robust_baseline(none, 0.05).scale, 0.05);
}

// From sorted values the baseline is bit for bit the one robust_baseline
// computes by selection: odd and even counts, ties at the median, skewed
// and flat series.
TEST(RobustBaseline, FromSortedValuesIsBitForBitTheSame) {
  SeededRandom rng(17);
  for (int round = 0; round < 400; ++round) {
    const size_t n = 1 + static_cast<size_t>(rng.uniform01() * 40.0);
    std::vector<double> v(n);
    for (double& x : v) {
      const double u = rng.uniform01();
      x = round % 3 == 0 ? std::floor(u * 4.0)            // many ties
          : round % 3 == 1 ? std::exp(3.0 * u)             // skewed
                           : 0.1 + 1e-3 * rng.normal(0.0, 1.0);
    }
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    const RobustBaseline a = robust_baseline(v, 1e-4);
    const RobustBaseline b = robust_baseline_sorted(sorted, 1e-4);
    EXPECT_EQ(a.median, b.median) << "round " << round << ", n " << n;
    EXPECT_EQ(a.scale, b.scale) << "round " << round << ", n " << n;
  }
  const std::vector<double> none;
  EXPECT_EQ(robust_baseline_sorted(none, 0.05).scale, 0.05);
}

TEST(Cusum, AlarmsAtTheStepPredictedByHand) {
  // z = 1 each step with k = 0.5: S grows by 0.5; S > 5 first at step 11.
  Cusum c{0.5, 5.0, 0.0};
  int alarm_at = -1;
  for (int i = 1; i <= 30 && alarm_at < 0; ++i) {
    if (c.update(1.0)) alarm_at = i;
  }
  EXPECT_EQ(alarm_at, 11);
  EXPECT_DOUBLE_EQ(c.s, 0.0);  // reset after the alarm
  // In control (z below k) it never alarms and stays at 0.
  Cusum quiet{0.5, 5.0, 0.0};
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(quiet.update(0.4));
  EXPECT_DOUBLE_EQ(quiet.s, 0.0);
  // A 3-sigma shift: 2.5 per step, S = 2.5, 5.0 (not > 5), 7.5 -> step 3.
  Cusum big{0.5, 5.0, 0.0};
  EXPECT_FALSE(big.update(3.0));
  EXPECT_FALSE(big.update(3.0));
  EXPECT_TRUE(big.update(3.0));
  // Negative z drains it back to zero, never below.
  Cusum drain{0.5, 5.0, 0.0};
  drain.update(2.5);
  drain.update(-10.0);
  EXPECT_DOUBLE_EQ(drain.s, 0.0);
}

TEST(DetectorMath, NearestDistanceAndUnitMap) {
  FeatureMatrix self(kFeatureCount, 2);
  self.col(0) << 0, 0, 0, 0, 0;
  self.col(1) << 1, 1, 1, 1, 1;
  Feature x;
  x << 0.1, 0, 0, 0, 0;
  EXPECT_NEAR(nearest_distance(self, x), 0.1, 1e-12);
  x << 1, 1, 1, 1, 0.7;
  EXPECT_NEAR(nearest_distance(self, x), 0.3, 1e-12);
  EXPECT_TRUE(std::isinf(nearest_distance(FeatureMatrix(kFeatureCount, 0), x)));

  Feature z;
  z << 0, 6, -6, 3, 100;
  const Feature u = to_unit(z, Whitening::Identity(), 6.0);
  EXPECT_DOUBLE_EQ(u(0), 0.5);
  EXPECT_DOUBLE_EQ(u(1), 1.0);
  EXPECT_DOUBLE_EQ(u(2), 0.0);
  EXPECT_DOUBLE_EQ(u(3), 0.75);
  EXPECT_DOUBLE_EQ(u(4), 1.0);  // clipped
}

TEST(DetectorMath, WhiteningShrinksOnlyWhatSpreadsBeyondOneSigma) {
  // Self with features 0 and 1 moving together with variance 4 each (one
  // direction of variance 8), the rest fixed: W shrinks (1,1)/sqrt2 by
  // 1/sqrt(8), leaves (1,-1) and the flat features alone (floored at 1).
  FeatureMatrix z(kFeatureCount, 4);
  z.col(0) << 2, 2, 0, 0, 0;
  z.col(1) << -2, -2, 0, 0, 0;
  z.col(2) << 2, 2, 0, 0, 0;
  z.col(3) << -2, -2, 0, 0, 0;
  // Six columns are needed; repeat the pattern.
  FeatureMatrix zz(kFeatureCount, 8);
  zz << z, z;
  const Whitening w = whitening(zz);
  Feature along, across;
  along << 1, 1, 0, 0, 0;
  across << 1, -1, 0, 0, 0;
  // Sample covariance with n - 1 = 7: variance along (1,1)/sqrt2 is 8 * 8/7.
  EXPECT_NEAR((w * along).norm(), along.norm() / std::sqrt(8.0 * 8.0 / 7.0), 1e-9);
  EXPECT_NEAR((w * across).norm(), across.norm(), 1e-9);
  Feature e4 = Feature::Unit(4);
  EXPECT_NEAR((w * e4 - e4).norm(), 0.0, 1e-9);
  // Too few samples: the identity.
  EXPECT_TRUE(whitening(z).isIdentity());
}

TEST(VDetector, FirstDetectorHasTheLargestRadiusThatMissesSelf) {
  FeatureMatrix self(kFeatureCount, 1);
  self.col(0).setConstant(0.5);
  SeededRandom rng(1);
  // Candidate 1 at the origin: distance sqrt(5 x 0.25) from self.
  rng.script = {0, 0, 0, 0, 0};
  VDetectorParams p;
  p.eps = 0.1;
  p.max_detectors = 1;
  const Generation g = generate_vdetectors(self, {}, p, rng);
  ASSERT_EQ(g.detectors.size(), 1u);
  EXPECT_TRUE(g.detectors[0].center.isZero());
  EXPECT_NEAR(g.detectors[0].radius, std::sqrt(1.25) - 0.1, 1e-12);
  EXPECT_EQ(g.attempts, 1);
}

TEST(VDetector, CandidatesWithinEpsOfSelfAreDiscardedAndCoverageStopsGeneration) {
  FeatureMatrix self(kFeatureCount, 1);
  self.col(0).setConstant(0.5);
  SeededRandom rng(2);
  // First candidate inside the self radius: discarded.
  rng.script = {0.52, 0.5, 0.5, 0.5, 0.5};
  VDetectorParams p;
  p.eps = 0.1;
  p.coverage = 0.99;
  const Generation g = generate_vdetectors(self, {}, p, rng);
  EXPECT_TRUE(g.coverage_reached);
  ASSERT_FALSE(g.detectors.empty());
  for (const Sphere& s : g.detectors) {
    EXPECT_GE(s.radius, p.min_radius);
    // Never covers self, nor comes within eps of it.
    EXPECT_GE((s.center - self.col(0)).norm() - s.radius, p.eps - 1e-12);
  }
  // The estimate: of fresh non-self points (beyond eps of self), about 99 %
  // or more are covered.
  SeededRandom probe(99);
  int nonself = 0, covered = 0;
  for (int i = 0; i < 4000; ++i) {
    Feature x;
    for (int f = 0; f < kFeatureCount; ++f) x(f) = probe.uniform01();
    if ((x - self.col(0)).norm() <= p.eps) continue;
    ++nonself;
    for (const Sphere& s : g.detectors) {
      if ((x - s.center).norm() < s.radius) {
        ++covered;
        break;
      }
    }
  }
  EXPECT_GT(static_cast<double>(covered) / nonself, 0.95);
  // Memory spheres count as coverage and are not returned again.
  SeededRandom again(2);
  std::vector<Sphere> memory = {Sphere{Feature::Zero(), 1.0}};
  const Generation with_memory = generate_vdetectors(self, memory, p, again);
  for (const Sphere& s : with_memory.detectors) EXPECT_GE(s.center.norm(), 1.0);
}

// --- the controller on the fake world --------------------------------------------

constexpr Micros kTick = 10 * kSecond;

std::vector<ServiceInfo> three_services() {
  return {testing::service_named("db"), testing::service_named("api"),
          testing::service_named("web")};
}

// The seed's full stack (the repertoire, its scores, memory and node sync);
// the tests of the other modes set theirs.
DetectorProcedures test_procedures() {
  DetectorProcedures p;
  p.enabled = true;
  p.mode = DetectorMode::kFull;
  p.warmup = 30 * kMinute;
  p.max_attempts = 20000;
  return p;
}

// Drives the fake telemetry: every service noisy around its own level, and
// from `anomaly_at` a joint shift on api (latency +3 sigma, CPU per request
// +3 sigma, traffic -2 sigma), each under every static threshold.
struct Driver {
  FakeWorld& w;
  SeededRandom noise{12345};
  Micros anomaly_at = -1;

  void tick_values() {
    const bool anomalous = anomaly_at >= 0 && w.clock.now() >= anomaly_at;
    for (size_t s = 0; s < 3; ++s) {
      const double base_latency = 0.05 + 0.01 * static_cast<double>(s);
      // Noise under the scale floors (latency, traffic and CPU per
      // request 0.05 in log), so that z is driven by the anomaly alone.
      double latency = base_latency * std::exp(noise.normal(0.0, 0.02));
      double traffic = 100.0 * std::exp(noise.normal(0.0, 0.01));
      double cpu = 0.4 * std::exp(noise.normal(0.0, 0.01));
      if (anomalous && s == 1) {
        // Latency +3 sigma, CPU per request +3 sigma, traffic -2 sigma.
        latency *= std::exp(3 * 0.05);
        traffic *= std::exp(-2 * 0.05);
        cpu *= std::exp(3 * 0.05 - 2 * 0.05);
      }
      w.telemetry.set(Signal::kLatencyP95, s, latency);
      w.telemetry.set(Signal::kTraffic, s, traffic);
      w.telemetry.set(Signal::kCpu, s, cpu);
      w.telemetry.set(Signal::kMemory, s, 0.3 + noise.normal(0.0, 0.005));
      w.telemetry.set(Signal::kErrorRate, s, 0.0);
    }
  }
  void run_to(Micros t) {
    while (w.clock.now() + kTick <= t) {
      const Micros next = (w.clock.now() / kTick + 1) * kTick;
      w.clock.advance_to(next - 1);
      tick_values();
      w.telemetry.commit_tick();
      w.clock.advance_to(next);
    }
  }
};

struct Rig {
  FakeWorld w{three_services(), kTick};
  SeededRandom rng;
  DetectorController det;
  Driver drive{w};
  std::vector<Alert> paged;

  explicit Rig(uint64_t seed, DetectorProcedures p = test_procedures())
      : rng(seed),
        det(Ports{w.clock, w.telemetry, w.actuators, w.recorder, rng}, p) {
    det.subscribe([this](const Alert& a, AlertingController::Event e) {
      if (e != AlertingController::Event::kResolved) paged.push_back(a);
    });
    det.start();
  }
};

TEST(DetectorController, SameSeedSameDetectorsOtherSeedOthers) {
  Rig a(7), b(7), c(8);
  for (Rig* r : {&a, &b, &c}) r->drive.run_to(31 * kMinute);
  ASSERT_TRUE(a.det.trained());
  EXPECT_GT(a.det.detectors().size(), 10u);
  EXPECT_EQ(a.det.repertoire_hash(), b.det.repertoire_hash());
  EXPECT_EQ(a.det.detectors().size(), b.det.detectors().size());
  EXPECT_NE(a.det.repertoire_hash(), c.det.repertoire_hash());
  // Each node has its own repertoire.
  EXPECT_FALSE(a.det.node_detectors(0).empty());
  EXPECT_FALSE(a.det.node_detectors(1).empty());
  EXPECT_NE(a.det.node_detectors(0).front().sphere.center,
            a.det.node_detectors(1).front().sphere.center);
}

TEST(DetectorController, QuietWorldPagesNothingAndJointAnomalyIsCaught) {
  Rig r(3);
  r.drive.run_to(90 * kMinute);
  EXPECT_TRUE(r.paged.empty()) << r.paged.front().signal << " on " << r.paged.front().service;
  r.drive.anomaly_at = 90 * kMinute;
  r.drive.run_to(110 * kMinute);
  ASSERT_FALSE(r.paged.empty());
  const Alert& a = r.paged.front();
  EXPECT_EQ(a.source, "detectors");
  EXPECT_EQ(a.service, "api");
  EXPECT_EQ(a.severity, "P2");
  EXPECT_LE(a.fired_at, 100 * kMinute);
  ASSERT_FALSE(r.det.alerts().empty());
  // "warning", or "high" once a CUSUM alarm costimulated it; a P2 page either way.
  const std::string& severity = r.det.alerts().front().severity;
  EXPECT_TRUE(severity == "warning" || severity == "high") << severity;
  EXPECT_EQ(r.det.alerts().front().alert.severity, "P2");
  EXPECT_FALSE(r.w.recorder.fired.empty());
}

// Drives rig `r` until a repertoire detector activates on api, then
// costimulates it with a golden-signal alert on api.
void activate_and_confirm(Rig& r) {
  r.drive.run_to(60 * kMinute);
  r.drive.anomaly_at = 60 * kMinute;
  for (Micros t = 60 * kMinute; t < 120 * kMinute && r.det.stats().activations == 0;
       t += kTick) {
    r.drive.run_to(t + kTick);
  }
  ASSERT_GT(r.det.stats().activations, 0);
  Alert golden;
  golden.id = 1;
  golden.severity = "P2";
  golden.signal = "latency_p95";
  golden.service = "api";
  golden.source = "alerting";
  golden.fired_at = r.w.clock.now();
  r.det.on_golden_alert(golden, AlertingController::Event::kFired);
}

// With the seed's mapping (max_severity P1, no persistence), a costimulated
// activation escalates the page to P1 "high".
TEST(DetectorController, CostimulationCreditsTheDetectorAndEscalates) {
  DetectorProcedures p = test_procedures();
  p.max_severity = 1;
  p.persist_for = 0;
  Rig r(5, p);
  activate_and_confirm(r);
  EXPECT_GT(r.det.stats().confirmed, 0);
  const std::vector<Detector> best = r.det.top(100);
  ASSERT_FALSE(best.empty());
  EXPECT_GT(best.front().tp, 0.0);
  EXPECT_GT(best.front().score, 0.0);
  ASSERT_GE(r.paged.size(), 2u);
  EXPECT_EQ(r.paged.back().severity, "P1");
  EXPECT_EQ(r.det.alerts().back().severity, "high");
}

// With the default max_severity (P2), the same costimulation credits the
// detector and marks the alert "high", but pages nothing more: the golden
// alert that corroborated it pages on its own.
TEST(DetectorController, CostimulatedAlertStaysAtP2ByDefault) {
  DetectorProcedures p = test_procedures();
  p.persist_for = 0;
  Rig r(5, p);
  activate_and_confirm(r);
  EXPECT_GT(r.det.stats().confirmed, 0);
  ASSERT_EQ(r.paged.size(), 1u);
  EXPECT_EQ(r.paged.front().severity, "P2");
  EXPECT_EQ(r.det.alerts().back().severity, "high");
  EXPECT_EQ(r.det.alerts().back().alert.severity, "P2");
  EXPECT_EQ(r.det.stats().costimulated_at_p2, 1);
}

// Persistence: the joint anomaly pages only persist_for after its first
// finding, and an anomaly shorter than that never pages.
TEST(DetectorController, FindingsPageOnlyAfterPersistFor) {
  Rig r(3);
  r.drive.run_to(90 * kMinute);
  r.drive.anomaly_at = 90 * kMinute;
  r.drive.run_to(90 * kMinute + 90 * kSecond);  // 90 s of anomaly: held
  EXPECT_TRUE(r.paged.empty());
  EXPECT_GT(r.det.stats().held_by_persistence, 0);
  r.drive.anomaly_at = -1;
  r.drive.run_to(100 * kMinute);
  EXPECT_TRUE(r.paged.empty());
  r.drive.anomaly_at = 100 * kMinute;
  r.drive.run_to(110 * kMinute);
  ASSERT_FALSE(r.paged.empty());
  EXPECT_GE(r.paged.front().fired_at, 100 * kMinute + test_procedures().persist_for);
}

// A guardrail held for quiet_after_change or longer and then released is a
// known change: the anomaly that follows (the service back at its
// unguarded level) is held for quiet_after_change. A guardrail that flapped
// for a minute is not: the same anomaly pages.
TEST(DetectorController, ALongGuardrailReleaseIsAKnownChangeAFlapIsNot) {
  for (const bool long_hold : {true, false}) {
    Rig r(3);
    r.drive.run_to(90 * kMinute);
    const Micros engaged = long_hold ? 60 * kMinute : 89 * kMinute;
    r.det.on_guardrail("brownout", 1, true, engaged);
    r.det.on_guardrail("brownout", 1, false, 90 * kMinute);
    r.drive.anomaly_at = 90 * kMinute;
    r.drive.run_to(96 * kMinute);
    if (long_hold) {
      EXPECT_TRUE(r.paged.empty()) << r.paged.front().signal;
      EXPECT_GT(r.det.stats().held_by_change, 0);
    } else {
      EXPECT_FALSE(r.paged.empty());
      EXPECT_EQ(r.det.stats().held_by_change, 0);
    }
  }
}

TEST(DetectorController, ImmuneMemorySurvivesRetraining) {
  Rig r(5);
  activate_and_confirm(r);
  ASSERT_GT(r.det.promote(), 0);
  std::set<uint64_t> memory;
  for (const Detector& d : r.det.detectors()) {
    if (d.state == DetectorState::kMemory) memory.insert(d.id);
  }
  ASSERT_FALSE(memory.empty());
  std::set<uint64_t> naive_before;
  for (const Detector& d : r.det.detectors()) {
    if (d.state == DetectorState::kNaive) naive_before.insert(d.id);
  }
  r.det.train();
  std::set<uint64_t> memory_after, naive_after;
  for (const Detector& d : r.det.detectors()) {
    (d.state == DetectorState::kMemory ? memory_after : naive_after).insert(d.id);
  }
  EXPECT_EQ(memory_after, memory);
  // The naive repertoire was regenerated: none of the old ids is left.
  for (uint64_t id : naive_after) EXPECT_EQ(naive_before.count(id), 0u);
}

TEST(DetectorController, NodeSyncSharesPromotedDetectors) {
  DetectorProcedures p = test_procedures();
  p.sync_interval = 1000 * kHour;  // by hand only
  Rig r(5, p);
  activate_and_confirm(r);
  ASSERT_GT(r.det.promote(), 0);
  uint64_t promoted = 0;
  int origin = -1;
  for (const Detector& d : r.det.detectors()) {
    if (d.state == DetectorState::kMemory) {
      promoted = d.id;
      origin = d.node;
    }
  }
  auto holds = [&](int node) {
    for (const Detector& d : r.det.node_detectors(node)) {
      if (d.id == promoted) return true;
    }
    return false;
  };
  EXPECT_TRUE(holds(origin));
  for (int n = 0; n < 3; ++n) {
    if (n != origin) {
      EXPECT_FALSE(holds(n)) << "node " << n << " before the sync";
    }
  }
  r.det.sync_nodes();
  for (int n = 0; n < 3; ++n) EXPECT_TRUE(holds(n)) << "node " << n << " after the sync";
  EXPECT_EQ(r.det.stats().syncs, 1);
}

TEST(DetectorController, DailyMaintenanceReviewsTunesRetrainsPromotes) {
  Rig r(5);
  activate_and_confirm(r);
  const int trainings = r.det.stats().trainings;
  const std::vector<MaintenanceAction> actions =
      r.det.maintain(MaintenanceJob::kDaily, r.w.clock.now());
  std::vector<std::string> kinds;
  for (const MaintenanceAction& a : actions) kinds.push_back(a.kind);
  EXPECT_EQ(kinds.front(), "review_detectors");
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "promote_detectors"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "retrain_detectors"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "sync_detectors"), kinds.end());
  EXPECT_EQ(r.det.stats().trainings, trainings + 1);
  bool memory = false;
  for (const Detector& d : r.det.detectors()) memory |= d.state == DetectorState::kMemory;
  EXPECT_TRUE(memory);
  // eps stays on the grid of the notes, the gate between z_gate and z_hard.
  EXPECT_GE(r.det.eps(), 0.04);
  EXPECT_LE(r.det.eps(), 0.16);
  EXPECT_GE(r.det.z_gate(), 2.0);
  EXPECT_LT(r.det.z_gate(), 5.0);
  // Weekly: review only.
  EXPECT_EQ(r.det.maintain(MaintenanceJob::kWeekly, r.w.clock.now()).size(), 1u);
}

TEST(DetectorController, AblationModesAlertOnlyThroughTheirOwnMethod) {
  for (DetectorMode mode : {DetectorMode::kZScore, DetectorMode::kCusum,
                            DetectorMode::kNearestSelf}) {
    DetectorProcedures p = test_procedures();
    p.mode = mode;
    Rig r(3, p);
    r.drive.run_to(60 * kMinute);
    r.drive.anomaly_at = 60 * kMinute;
    r.drive.run_to(120 * kMinute);
    EXPECT_TRUE(r.det.detectors().empty()) << to_string(mode);  // no repertoire
    for (const DetectorAlert& a : r.det.alerts()) EXPECT_EQ(a.method, to_string(mode));
  }
}

// The hybrid: Stage A as in the full stack, and the nearest-self rule where
// the full stack has its repertoire. It generates no detectors and catches
// the joint anomaly through one of its three methods.
TEST(DetectorController, HybridIsStageAWithTheNearestSelfRule) {
  DetectorProcedures p = test_procedures();
  p.mode = DetectorMode::kHybrid;
  Rig r(3, p);
  r.drive.run_to(90 * kMinute);
  EXPECT_TRUE(r.paged.empty());
  EXPECT_TRUE(r.det.detectors().empty());
  r.drive.anomaly_at = 90 * kMinute;
  r.drive.run_to(110 * kMinute);
  ASSERT_FALSE(r.det.alerts().empty());
  for (const DetectorAlert& a : r.det.alerts()) {
    EXPECT_TRUE(a.method == "zscore" || a.method == "cusum" || a.method == "nearest_self")
        << a.method;
  }
  ASSERT_FALSE(r.paged.empty());
  EXPECT_EQ(r.paged.front().service, "api");
}

}  // namespace
}  // namespace dreamsim::ctl
