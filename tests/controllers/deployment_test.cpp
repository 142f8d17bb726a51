// The deployment controller on the fake world: a small model of a traffic
// split stands in for the world, measuring each version per tick from the
// requests it served (noise shrinking as 1/sqrt(requests)), and applying
// the controller's actuator calls from the next tick, as the world does.
#include "controllers/deployment.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "tests/controllers/fake_world.hpp"

namespace dreamsim::ctl {
namespace {

using testing::FakeWorld;
using testing::service_named;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The truth of the two versions, and a noisy measurement of them.
struct SplitModel {
  double rps = 200.0;          // requests per tick at the service
  double base_p95_s = 0.100;
  double latency_factor = 1.0;  // the new version's p95 relative to the old
  double base_error = 0.001;
  double new_error = 0.001;
  double base_cpu = 0.40;
  uint64_t state = 1;

  double uniform() {
    // xorshift64*: a test's own generator, no simulator linked.
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return static_cast<double>((state * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-53;
  }
  double normal() {
    const double u1 = std::max(uniform(), 1e-300);
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Requests drawn around `mean`: Poisson-like, at least 0.
  double draw_requests(double mean) {
    if (mean < 20.0) {
      // Knuth's method.
      const double limit = std::exp(-mean);
      double p = 1.0;
      int k = -1;
      do {
        ++k;
        p *= uniform();
      } while (p > limit);
      return k;
    }
    return std::max(0.0, std::round(mean + std::sqrt(mean) * normal()));
  }
  void measure(double n, double p95, double error, double cpu, VersionTick& t, int i) {
    t.requests[i] = n;
    if (n < 1.0) {
      t.p95_s[i] = kNaN;
      t.error_rate[i] = kNaN;
      t.cpu[i] = cpu;
      return;
    }
    t.p95_s[i] = p95 * std::exp(1.2 / std::sqrt(n) * normal());
    const double errors = std::clamp(n * error + std::sqrt(n * error * (1 - error)) * normal(), 0.0, n);
    t.error_rate[i] = std::round(errors) / n;
    t.cpu[i] = cpu * (1.0 + 0.05 * normal());
  }
  VersionTick tick(int64_t k, double w) {
    VersionTick t;
    t.tick = k;
    t.weight = w;
    const double canary_n = draw_requests(rps * w);
    const double base_n = draw_requests(rps * std::min(w, 1.0 - w));
    measure(base_n, base_p95_s, base_error, base_cpu, t, 0);
    measure(canary_n, base_p95_s * latency_factor, new_error, base_cpu * latency_factor, t, 1);
    return t;
  }
};

// Services: 0 api (depends on 1 db), 1 db. The api runs 4 replicas.
struct Harness {
  explicit Harness(DeploymentProcedures p = {}, std::vector<DeploymentRequest> requests = {},
                   uint64_t seed = 1)
      : world(services()), controller(world.ports(), p, requests_or_default(std::move(requests))) {
    model.state = 0x9E3779B97F4A7C15ULL ^ (seed * 0xBF58476D1CE4E5B9ULL);
    if (model.state == 0) model.state = 1;
    world.telemetry.mutable_state(0).desired = 4;
    world.telemetry.mutable_state(0).running = 4;
    world.telemetry.mutable_state(0).serving = 4;
    controller.start();
  }
  static std::vector<ServiceInfo> services() {
    ServiceInfo api = service_named("api");
    api.depends_on = {1};
    return {api, service_named("db")};
  }
  static std::vector<DeploymentRequest> requests_or_default(std::vector<DeploymentRequest> r) {
    if (!r.empty()) return r;
    DeploymentRequest q;
    q.service = 0;
    q.version = "v2";
    q.at = 10 * kSecond;
    return {q};
  }

  // The world's side of the actuator calls made since the last tick.
  void apply_calls() {
    auto& calls = world.actuators.calls;
    for (; applied < calls.size(); ++applied) {
      const auto& c = calls[applied];
      if (c.what == "deploy_version") {
        staged = true;
        weight = 0.0;
        world.telemetry.deploy_list.push_back(
            DeployInfo{0, "v2", world.clock.now(), 0.0, true});
        world.telemetry.version_ticks[0];
      } else if (c.what == "set_traffic_weight") {
        weight = c.value;
      } else if (c.what == "rollback") {
        staged = false;
        weight = 0.0;
        for (auto& d : world.telemetry.deploy_list) d.active = false;
        world.telemetry.version_ticks.erase(0);
      } else if (c.what == "scale_service" && c.target == "0") {
        ServiceState& st = world.telemetry.mutable_state(0);
        const int want = static_cast<int>(c.value);
        if (want > st.desired) {
          const int add = want - st.desired;
          st.desired = want;
          st.starting += add;
          world.clock.call_after(startup_time, [this, add] {
            ServiceState& s = world.telemetry.mutable_state(0);
            s.starting -= add;
            if (replicas_get_ready) {
              s.running += add;
              s.serving += add;
            }
          });
        } else {
          st.desired = want;
          st.running = std::min(st.running, want);
          st.serving = std::min(st.serving, want);
        }
      }
    }
  }

  // One world tick: apply what the controller did, measure, commit.
  void step() {
    const Micros now = world.clock.now();
    const Micros next = (now / kSecond + 1) * kSecond;
    world.clock.advance_to(next - 1);
    apply_calls();
    if (staged && world.telemetry.version_ticks.count(0) && !break_measurement) {
      world.telemetry.version_ticks[0].push_back(model.tick(world.telemetry.ticks(), weight));
    }
    world.telemetry.commit_tick();
    world.clock.advance_to(next);
  }
  void run_to(Micros t) {
    while (world.clock.now() + kSecond <= t) step();
  }

  const DeploymentRecord& record() const { return controller.deployments().at(0); }
  int count(const std::string& kind) const {
    int n = 0;
    for (const Decision& d : world.recorder.decisions) n += d.kind == kind ? 1 : 0;
    return n;
  }
  const Decision* first(const std::string& kind) const {
    for (const Decision& d : world.recorder.decisions) {
      if (d.kind == kind) return &d;
    }
    return nullptr;
  }
  std::vector<Verdict> verdicts() const {
    std::vector<Verdict> out;
    for (const StepRecord& s : record().steps) {
      for (const JudgementRecord& j : s.judgements) out.push_back(j.judgement.verdict);
    }
    return out;
  }

  FakeWorld world;
  DeploymentController controller;
  SplitModel model;
  size_t applied = 0;
  bool staged = false;
  double weight = 0.0;
  bool break_measurement = false;
  bool replicas_get_ready = true;
  Micros startup_time = 10 * kSecond;
};

TEST(Deployment, BadVersionIsRolledBackAtTheFirstStep) {
  Harness h;
  h.model.latency_factor = 3.0;
  h.run_to(1 * kHour);
  const DeploymentRecord& r = h.record();
  EXPECT_EQ(r.result, DeploymentResult::kRolledBack) << r.reason;
  EXPECT_EQ(r.rolled_back_by, "deployment");
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_DOUBLE_EQ(r.steps[0].weight, 0.01);
  ASSERT_EQ(r.steps[0].judgements.size(), 1u);
  const Judgement& j = r.steps[0].judgements[0].judgement;
  EXPECT_EQ(j.verdict, Verdict::kFail);
  EXPECT_EQ(j.metrics[0].name, "latency_p95");
  EXPECT_EQ(j.metrics[0].classification, MetricClass::kHigh);
  // Judged at the end of the 5 min hold, from the ticks of the step.
  EXPECT_EQ(r.steps[0].judgements[0].at, 10 * kSecond + 5 * kMinute);
  EXPECT_GT(j.metrics[0].n_canary, 200u);
  EXPECT_EQ(h.count("rollback"), 1);
  EXPECT_EQ(h.world.recorder.kinds(),
            (std::vector<std::string>{"start_deployment", "set_traffic_weight", "rollback"}));
  EXPECT_NE(h.first("rollback")->reason.find("latency_p95"), std::string::npos);
  EXPECT_EQ(h.first("rollback")->controller, "deployment");
  EXPECT_EQ(h.first("rollback")->target, "api");
}

TEST(Deployment, GoodVersionIsPromotedThroughEveryStep) {
  Harness h;
  h.run_to(1 * kHour);
  const DeploymentRecord& r = h.record();
  ASSERT_EQ(r.result, DeploymentResult::kPromoted) << r.reason;
  ASSERT_EQ(r.steps.size(), 4u);
  EXPECT_DOUBLE_EQ(r.steps[3].weight, 1.0);
  // 1 % 5 min, 10 % 5 min, 50 % 10 min: promoted 20 min after the start.
  EXPECT_EQ(r.ended_at, 10 * kSecond + 20 * kMinute);
  EXPECT_EQ(h.count("set_traffic_weight"), 3);
  EXPECT_EQ(h.count("promote_canary"), 1);
  EXPECT_EQ(h.world.actuators.calls.back().what, "set_traffic_weight");
  EXPECT_DOUBLE_EQ(h.world.actuators.calls.back().value, 1.0);
}

// The judge's false-rollback rate on a version that differs from the
// baseline by noise only.
TEST(Deployment, GoodVersionWithNoiseOnlyIsPromotedOnAtLeast95Of100Seeds) {
  int promoted = 0;
  for (uint64_t seed = 1; seed <= 100; ++seed) {
    Harness h({}, {}, seed);
    h.run_to(25 * kMinute);
    promoted += h.record().result == DeploymentResult::kPromoted ? 1 : 0;
  }
  EXPECT_GE(promoted, 95);
}

TEST(Deployment, SlightlyWorseVersionIsMarginalNotFailed) {
  Harness h;
  h.model.latency_factor = 1.10;  // 10 % slower: inside the 25 % tolerance
  h.run_to(1 * kHour);
  const DeploymentRecord& r = h.record();
  EXPECT_EQ(r.result, DeploymentResult::kPromoted) << r.reason;
  const std::vector<Verdict> v = h.verdicts();
  EXPECT_EQ(std::count(v.begin(), v.end(), Verdict::kFail), 0);
  // At 50 % the difference is measured precisely: significant, but inside
  // the tolerance.
  const Judgement& half = r.steps[2].judgements.back().judgement;
  EXPECT_EQ(half.verdict, Verdict::kMarginal) << half.reason;
  EXPECT_EQ(half.metrics[0].classification, MetricClass::kMarginal);
  EXPECT_LT(half.metrics[0].effect, half.metrics[0].allowed);
  EXPECT_EQ(h.count("rollback"), 0);
}

TEST(Deployment, FailedTestsAbortBeforeAnythingChanges) {
  DeploymentRequest q;
  q.version = "v2";
  q.at = kMinute;
  q.tests_passed = false;
  Harness h({}, {q});
  h.run_to(10 * kMinute);
  EXPECT_EQ(h.record().result, DeploymentResult::kAborted);
  EXPECT_NE(h.record().reason.find("tests"), std::string::npos) << h.record().reason;
  EXPECT_EQ(h.world.recorder.kinds(), std::vector<std::string>{"abort_deployment"});
  EXPECT_TRUE(h.world.actuators.calls.empty());
}

TEST(Deployment, UnreachableDependencyAborts) {
  Harness h;
  h.world.telemetry.mutable_state(1).serving = 0;
  h.run_to(10 * kMinute);
  EXPECT_EQ(h.record().result, DeploymentResult::kAborted);
  EXPECT_NE(h.record().reason.find("dependency db is not reachable"), std::string::npos)
      << h.record().reason;
}

TEST(Deployment, InconclusiveHoldsTheStepThenRollsBackPastTheLimit) {
  DeploymentProcedures p;
  p.inconclusive_limit = 2;
  Harness h(p);
  h.model.rps = 0.0;  // the canary serves nothing: no samples
  h.run_to(1 * kHour);
  const DeploymentRecord& r = h.record();
  EXPECT_EQ(r.result, DeploymentResult::kRolledBack);
  EXPECT_EQ(h.count("hold_canary"), 2);
  EXPECT_EQ(r.inconclusives, 3);
  EXPECT_NE(r.reason.find("inconclusive limit"), std::string::npos) << r.reason;
  // Held at 1 % throughout: 5 min, then two 1 min extensions.
  EXPECT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.ended_at, 10 * kSecond + 7 * kMinute);
}

TEST(Deployment, ConsecutiveMeasurementErrorsRollBack) {
  DeploymentProcedures p;
  p.consecutive_error_limit = 1;
  Harness h(p);
  h.break_measurement = true;
  h.run_to(20 * kSecond);
  h.world.telemetry.version_ticks.erase(0);  // no window to be had
  h.run_to(1 * kHour);
  const DeploymentRecord& r = h.record();
  EXPECT_EQ(r.result, DeploymentResult::kRolledBack);
  EXPECT_EQ(r.consecutive_errors, 2);
  EXPECT_NE(r.reason.find("consecutive-error limit"), std::string::npos) << r.reason;
}

TEST(Deployment, FailureLimitHoldsBeforeRollingBack) {
  DeploymentProcedures p;
  p.failure_limit = 1;
  Harness h(p);
  h.model.latency_factor = 3.0;
  h.run_to(1 * kHour);
  const DeploymentRecord& r = h.record();
  EXPECT_EQ(r.result, DeploymentResult::kRolledBack);
  EXPECT_EQ(r.failures, 2);
  EXPECT_EQ(h.count("hold_canary"), 1);
  EXPECT_EQ(r.ended_at, 10 * kSecond + 6 * kMinute);
}

TEST(Deployment, InterimAnalysisRollsBackBeforeTheHoldEnds) {
  DeploymentProcedures p;
  p.analysis_interval = kMinute;
  Harness h(p);
  h.model.latency_factor = 3.0;
  h.run_to(1 * kHour);
  const DeploymentRecord& r = h.record();
  EXPECT_EQ(r.result, DeploymentResult::kRolledBack);
  EXPECT_LT(r.ended_at, 10 * kSecond + 5 * kMinute);
  EXPECT_TRUE(r.steps[0].judgements.back().interim);
}

TEST(Deployment, AlertOnTheServiceRollsBackAtOnce) {
  Harness h;
  h.run_to(2 * kMinute);
  Alert a;
  a.severity = "P2";
  a.signal = "latency_p95";
  a.service = "db";
  h.controller.on_alert(a, AlertingController::Event::kFired);
  EXPECT_EQ(h.count("rollback"), 0);  // another service
  a.service = "api";
  h.controller.on_alert(a, AlertingController::Event::kFired);
  EXPECT_EQ(h.count("rollback"), 1);
  EXPECT_EQ(h.record().result, DeploymentResult::kRolledBack);
  EXPECT_EQ(h.record().ended_at, 2 * kMinute);
  h.controller.on_alert(a, AlertingController::Event::kEscalated);
  EXPECT_EQ(h.count("rollback"), 1);
}

TEST(Deployment, RolledBackByAnotherControllerIsNotRolledBackTwice) {
  Harness h;
  h.model.latency_factor = 3.0;
  h.run_to(2 * kMinute);
  // The incident runbook rolls the version back.
  h.world.actuators.rollback(0);
  h.run_to(1 * kHour);
  const DeploymentRecord& r = h.record();
  EXPECT_EQ(r.result, DeploymentResult::kRolledBack);
  EXPECT_EQ(r.rolled_back_by, "another controller");
  EXPECT_EQ(h.count("rollback"), 0);
  int rollbacks = 0;
  for (const auto& c : h.world.actuators.calls) rollbacks += c.what == "rollback" ? 1 : 0;
  EXPECT_EQ(rollbacks, 1);
}

DeploymentRequest standard_request() {
  DeploymentRequest q;
  q.version = "v2";
  q.at = 10 * kSecond;
  q.strategy = DeployStrategy::kStandard;
  return q;
}

TEST(Deployment, StandardReplacesReplicasOneByOneThenVerifies) {
  Harness h({}, {standard_request()});
  h.run_to(1 * kHour);
  const DeploymentRecord& r = h.record();
  ASSERT_EQ(r.result, DeploymentResult::kPromoted) << r.reason;
  ASSERT_EQ(r.steps.size(), 5u);  // 4 replicas, then verify
  EXPECT_EQ(r.steps[0].name, "replica 1/4");
  EXPECT_DOUBLE_EQ(r.steps[1].weight, 0.5);
  EXPECT_EQ(r.steps[4].name, "verify");
  std::vector<double> weights;
  for (const auto& c : h.world.actuators.calls) {
    if (c.what == "set_traffic_weight") weights.push_back(c.value);
  }
  EXPECT_EQ(weights, (std::vector<double>{0.25, 0.5, 0.75, 1.0}));
  EXPECT_EQ(h.count("verify_deployment"), 1);
  EXPECT_EQ(h.world.telemetry.state(0).desired, 4);
}

TEST(Deployment, StandardRollsBackWhenVerificationFails) {
  Harness h({}, {standard_request()});
  h.run_to(2 * kMinute);
  h.world.telemetry.set(Signal::kLatencyP95, 0, 3.0);  // past the P2 limit of 1 s
  h.run_to(1 * kHour);
  const DeploymentRecord& r = h.record();
  EXPECT_EQ(r.result, DeploymentResult::kRolledBack);
  EXPECT_NE(r.reason.find("post-deployment verification failed"), std::string::npos) << r.reason;
  EXPECT_EQ(h.count("rollback"), 1);
}

TEST(Deployment, StandardRollsBackAReplicaThatIsNeverReady) {
  Harness h({}, {standard_request()});
  h.replicas_get_ready = false;
  h.run_to(1 * kHour);
  const DeploymentRecord& r = h.record();
  EXPECT_EQ(r.result, DeploymentResult::kRolledBack);
  EXPECT_NE(r.reason.find("replica 1 of 4"), std::string::npos) << r.reason;
  EXPECT_EQ(r.ended_at, 10 * kSecond + 2 * kMinute);
  EXPECT_EQ(h.world.telemetry.state(0).desired, 4);  // back to N
}

TEST(Deployment, StandardRollsBackOnACriticalAlertDuringVerification) {
  DeploymentProcedures p;
  p.rollback_on_alert = false;
  Harness h(p, {standard_request()});
  h.run_to(3 * kMinute);
  Alert a;
  a.severity = "P1";
  a.signal = "error_rate";
  a.service = "api";
  h.controller.on_alert(a, AlertingController::Event::kFired);
  EXPECT_EQ(h.count("rollback"), 0);  // not at once: rollback_on_alert is off
  h.run_to(1 * kHour);
  EXPECT_EQ(h.record().result, DeploymentResult::kRolledBack);
  EXPECT_NE(h.record().reason.find("critical alert"), std::string::npos) << h.record().reason;
}

}  // namespace
}  // namespace dreamsim::ctl
