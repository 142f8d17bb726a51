// The scenario library (scenarios/library/) with the default procedures: every
// scenario's expectations hold on a spread of seeds, and the expectations are
// not vacuous: with the procedures switched off (or made twitchy, for the
// false-alert trap) each scenario fails at least one.
//
// Runs are independent (model::Run shares nothing), so they are spread over
// a few threads; the results do not depend on how. The full 1..100 sweep is
// `dreamsim sweep scenarios/library/*.yaml --seeds 1..100`, or
// tools/library_check.sh.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controllers/detectors.hpp"
#include "model/expectations.hpp"
#include "model/run.hpp"
#include "model/scenario_loader.hpp"

namespace dreamsim::model {
namespace {

namespace fs = std::filesystem;

const fs::path kLibrary = fs::path(DREAMSIM_SOURCE_DIR) / "scenarios" / "library";

std::vector<fs::path> library_files() {
  std::vector<fs::path> out;
  for (const fs::directory_entry& e : fs::directory_iterator(kLibrary)) {
    const std::string ext = e.path().extension().string();
    if (ext == ".yaml" || ext == ".yml" || ext == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Runs known to fail, each with the reason; the test checks that they still
// fail, so that whoever fixes the cause removes the entry.
struct KnownFailure {
  const char* scenario;
  uint64_t seed;
  const char* why;
};
// Empty now; canary-marginal-errors seed 57 was the last (the judge now asks
// for a mean's effect to exceed its allowance with confidence).
const std::vector<KnownFailure> kKnownFailures = {};

bool known_failure(const Scenario& s, uint64_t seed) {
  for (const KnownFailure& k : kKnownFailures) {
    if (s.name == k.scenario && seed == k.seed) return true;
  }
  return false;
}

// The names an expectation may use (model/expectation.hpp) must cover what
// the controllers record: an action kind, alert signal or source, or metric
// in an outcome that no expectation could name is listed here.
std::vector<std::string> unknown_names(const nlohmann::ordered_json& outcome) {
  std::vector<std::string> out;
  auto check = [&out](const std::vector<std::string>& known, const std::string& name,
                      const char* what) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      out.push_back(std::string(what) + " " + name);
    }
  };
  for (const auto& a : outcome["actions"]) {
    check(known_action_kinds(), a["kind"].get<std::string>(), "action kind");
  }
  for (const auto& a : outcome["alerts"]) {
    check(known_alert_signals(), a["signal"].get<std::string>(), "alert signal");
    check(known_alert_sources(), a["source"].get<std::string>(), "alert source");
  }
  for (const auto& [name, value] : outcome["metrics"].items()) check(known_metrics(), name, "metric");
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

struct Job {
  const Scenario* scenario = nullptr;
  uint64_t seed = 1;
};

// Runs every job on a few threads; returns one message per failed run.
std::vector<std::string> run_all(const std::vector<Job>& jobs, const ctl::Procedures* override_p,
                                 bool controllers, bool expect_pass) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::vector<std::string> failures;
  auto worker = [&] {
    for (size_t i = next++; i < jobs.size(); i = next++) {
      const Job& job = jobs[i];
      const ctl::Procedures procedures =
          override_p != nullptr ? *override_p
                                : job.scenario->procedures_loaded.value_or(ctl::Procedures{});
      Run run(*job.scenario, procedures, RunOptions{job.seed, controllers});
      run.execute();
      const nlohmann::ordered_json outcome = run.outcome();
      for (const std::string& name : unknown_names(outcome)) {
        std::lock_guard<std::mutex> lock(mu);
        failures.push_back(job.scenario->name + " seed " + std::to_string(job.seed) +
                           ": records an " + name + " that expectations cannot name");
      }
      if (expectations_passed(outcome) == expect_pass) continue;
      std::string message = job.scenario->name + " seed " + std::to_string(job.seed) + ": ";
      if (expect_pass) {
        for (const std::string& f : failed_expectations(outcome)) message += "\n    " + f;
        message += "\n    replay: " + replay_command(job.scenario->path, job.seed, procedures.path);
      } else {
        message += "every expectation held";
      }
      std::lock_guard<std::mutex> lock(mu);
      failures.push_back(message);
    }
  };
  const unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  std::sort(failures.begin(), failures.end());
  return failures;
}

struct Library {
  std::vector<Scenario> scenarios;
};

const Library& library() {
  static const Library lib = [] {
    Library l;
    for (const fs::path& p : library_files()) {
      const LoadResult r = load_scenario(p.string());
      EXPECT_TRUE(r.ok()) << r.format();
      if (r.ok()) l.scenarios.push_back(*r.scenario);
    }
    return l;
  }();
  return lib;
}

// The detectors name their alerts <method>_<feature> (zscore and cusum per
// feature, the whole-vector rules "_anomaly"); expectations must accept
// every such name, not only the ones the library happens to raise.
TEST(ExpectationNames, CoverEveryDetectorSignal) {
  const std::vector<std::string>& known = known_alert_signals();
  auto has = [&known](const std::string& name) {
    return std::find(known.begin(), known.end(), name) != known.end();
  };
  for (const char* method : {"zscore", "cusum"}) {
    for (int f = 0; f < ctl::kFeatureCount; ++f) {
      const std::string name = std::string(method) + "_" + ctl::feature_name(f);
      EXPECT_TRUE(has(name)) << name;
    }
  }
  EXPECT_TRUE(has("nsa_anomaly"));
  EXPECT_TRUE(has("nearest_self_anomaly"));
}

TEST(ScenarioLibrary, HasTheScenariosOfTheIssueEachDescribedWithExpectations) {
  const Library& lib = library();
  EXPECT_GE(lib.scenarios.size(), 5u);
  for (const Scenario& s : lib.scenarios) {
    EXPECT_FALSE(s.description.empty()) << s.path << ": no description";
    size_t judged = 0;
    for (const Expectation& x : s.expectations) judged += x.kind != ExpectationKind::kReachable;
    EXPECT_GE(judged, 3u) << s.path << ": too few expectations to say what it rehearses";
  }
}

// Seeds 1, 8, 15, ..., 99 (a stride of 7 over 1..100), and 1, 34, 67, 100
// for the runs of days (a week is a second of compute); the whole range runs
// through the CLI (tools/library_check.sh).
TEST(ScenarioLibrary, EveryExpectationHoldsWithTheDefaultProceduresOnASpreadOfSeeds) {
  std::vector<Job> jobs;
  std::vector<Job> known;
  for (const Scenario& s : library().scenarios) {
    const uint64_t stride = s.duration > sim::Duration::hours(24) ? 33 : 7;
    for (uint64_t seed = 1; seed <= 100; seed += stride) {
      (known_failure(s, seed) ? known : jobs).push_back({&s, seed});
    }
  }
  const std::vector<std::string> failures = run_all(jobs, nullptr, true, true);
  for (const std::string& f : failures) ADD_FAILURE() << f;
  // The known failures still fail (remove the entry when they pass).
  for (const std::string& f : run_all(known, nullptr, true, false)) {
    ADD_FAILURE() << f << " (listed in kKnownFailures: remove it)";
  }
}

// Without the controllers nothing detects, contains or starts anything: a
// scenario whose expectations still all hold says nothing about procedures.
// The false-alert trap is the exception (doing nothing never pages); it is
// checked with twitchy procedures below.
TEST(ScenarioLibrary, ExpectationsFailWhenNobodyActs) {
  std::vector<Job> jobs;
  for (const Scenario& s : library().scenarios) {
    if (s.name == "flapping-dependency") continue;
    jobs.push_back({&s, 1});
  }
  const std::vector<std::string> failures = run_all(jobs, nullptr, false, false);
  for (const std::string& f : failures) ADD_FAILURE() << f;
}

TEST(ScenarioLibrary, TheFalseAlertTrapCatchesProceduresThatPageOnNoise) {
  const Scenario* trap = nullptr;
  for (const Scenario& s : library().scenarios) {
    if (s.name == "flapping-dependency") trap = &s;
  }
  ASSERT_NE(trap, nullptr);
  ctl::Procedures twitchy;
  twitchy.alerting.error_rate = {0.05, 0.02, 0.01};  // P1 at 2 % instead of 5 %
  const std::vector<std::string> failures = run_all({{trap, 1}, {trap, 2}}, &twitchy, true, false);
  for (const std::string& f : failures) ADD_FAILURE() << f;
}

}  // namespace
}  // namespace dreamsim::model
