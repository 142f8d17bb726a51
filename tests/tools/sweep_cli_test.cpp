// `dreamsim sweep`, `merge` and `gate` as users run them: the bytes of a
// sweep do not depend on the number of threads or shards, a sweep resumes
// after being stopped, a changed argument is refused, bad arguments exit 2,
// a no-op change passes the gate and its verdict does not depend on the
// number of threads. Small seed ranges keep the binary fast.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/model/cli_runner.hpp"

namespace dreamsim::cli_test {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

const fs::path kRoot(DREAMSIM_SOURCE_DIR);
const fs::path kExamples = kRoot / "scenarios" / "examples";
const fs::path kProcedures = kRoot / "scenarios" / "procedures" / "default.yaml";

// A directory of its own per test: ctest runs the tests of this binary in
// parallel processes.
class Scratch {
 public:
  Scratch() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::path(::testing::TempDir()) /
            ("dreamsim_sweep." + std::string(info->name()) + "." + std::to_string(getpid()));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  fs::path operator/(const std::string& name) const { return path_ / name; }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  fs::path path_;
};

std::string two_scenarios() {
  return quoted(kExamples / "retry-storm.yaml") + " " +
         quoted(kExamples / "canary-bad-deploy.yaml");
}

// Every file under `dir`, by relative path, with its bytes.
std::vector<std::pair<std::string, std::string>> tree(const fs::path& dir) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    out.emplace_back(fs::relative(e.path(), dir).string(), read_text(e.path()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> names(const std::vector<std::pair<std::string, std::string>>& t) {
  std::vector<std::string> out;
  for (const auto& [name, text] : t) out.push_back(name);
  return out;
}

TEST(SweepCli, SameBytesForOneAndTwoJobs) {
  const Scratch dir;
  const CommandResult one = run_dreamsim("sweep " + two_scenarios() +
                                         " --seeds 1..4 --jobs 1 --out " + quoted(dir / "j1"));
  ASSERT_EQ(one.exit_code, 0) << one.out << one.err;
  const CommandResult two = run_dreamsim("sweep " + two_scenarios() +
                                         " --seeds 1..4 --jobs 2 --out " + quoted(dir / "j2"));
  ASSERT_EQ(two.exit_code, 0) << two.out << two.err;
  const auto t1 = tree(dir / "j1");
  const auto t2 = tree(dir / "j2");
  ASSERT_EQ(names(t1), names(t2));
  EXPECT_EQ(t1, t2);
  // manifest, sweep.json, the page and one outcome per (scenario, seed).
  EXPECT_EQ(t1.size(), 3u + 8u);

  const ordered_json sweep = ordered_json::parse(read_text(dir / "j1" / "sweep.json"));
  EXPECT_EQ(sweep["format"], "dreamsim.sweep/1");
  EXPECT_EQ(sweep["runs"], 8);
  ASSERT_EQ(sweep["scenarios"].size(), 2u);
  const ordered_json& storm = sweep["scenarios"][0];
  EXPECT_EQ(storm["name"], "retry-storm");
  ASSERT_EQ(storm["seeds"].size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(storm["seeds"][i]["seed"], i + 1);
  const ordered_json& failed = storm["metrics"]["failed_requests"];
  EXPECT_EQ(failed["n"], 4);
  EXPECT_LE(failed["min"].get<double>(), failed["p50"].get<double>());
  EXPECT_LE(failed["p50"].get<double>(), failed["p95"].get<double>());
  EXPECT_LE(failed["p95"].get<double>(), failed["max"].get<double>());
  EXPECT_TRUE(storm["metrics"].contains("score"));
  // Different seeds, different runs.
  EXPECT_NE(storm["seeds"][0]["trace_hash"], storm["seeds"][1]["trace_hash"]);
}

TEST(SweepCli, RunFileIsWhatDreamsimRunWrites) {
  const Scratch dir;
  const CommandResult sweep = run_dreamsim("sweep " + quoted(kExamples / "retry-storm.yaml") +
                                           " --seeds 3..3 --out " + quoted(dir / "s"));
  ASSERT_EQ(sweep.exit_code, 0) << sweep.err;
  const CommandResult run = run_dreamsim("run " + quoted(kExamples / "retry-storm.yaml") +
                                         " --seed 3 --out " + quoted(dir / "r"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(read_text(dir / "s" / "runs" / "retry-storm" / "3.json"),
            read_text(dir / "r" / "outcome.json"));
}

TEST(SweepCli, ShardsMergeToTheUnshardedBytes) {
  const Scratch dir;
  const std::string args = "sweep " + two_scenarios() + " --seeds 2..6 --jobs 2 ";
  const CommandResult whole = run_dreamsim(args + "--out " + quoted(dir / "whole"));
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  std::string shard_dirs;
  for (int k = 1; k <= 3; ++k) {
    const fs::path out = dir / ("shard" + std::to_string(k));
    const CommandResult shard =
        run_dreamsim(args + "--shard " + std::to_string(k) + "/3 --out " + quoted(out));
    ASSERT_EQ(shard.exit_code, 0) << shard.err;
    shard_dirs += " " + quoted(out);
  }
  // Shards in any order.
  const CommandResult merged =
      run_dreamsim("merge" + shard_dirs + " --out " + quoted(dir / "merged"));
  ASSERT_EQ(merged.exit_code, 0) << merged.out << merged.err;
  // Every file, the page included (a function of sweep.json alone).
  EXPECT_EQ(tree(dir / "merged"), tree(dir / "whole"));
  const std::string page = read_text(dir / "whole" / "report.html");
  EXPECT_NE(page.find("<h1>Sweep: 2 scenarios, seeds 2..6</h1>"), std::string::npos);
  // `dreamsim report` on the sweep directory renders the same bytes.
  fs::remove(dir / "merged" / "report.html");
  ASSERT_EQ(run_dreamsim("report " + quoted(dir / "merged")).exit_code, 0);
  EXPECT_EQ(read_text(dir / "merged" / "report.html"), page);

  // A missing shard is named; nothing is merged.
  const CommandResult partial =
      run_dreamsim("merge " + quoted(dir / "shard1") + " " + quoted(dir / "shard3") + " --out " +
                   quoted(dir / "partial"));
  EXPECT_EQ(partial.exit_code, 2);
  EXPECT_NE(partial.err.find("missing shard 2 of 3"), std::string::npos) << partial.err;
  EXPECT_FALSE(fs::exists(dir / "partial" / "sweep.json"));
}

TEST(SweepCli, ResumeKeepsFinishedRunsAndRunsTheRest) {
  const Scratch dir;
  const std::string args = "sweep " + two_scenarios() + " --seeds 1..4 --jobs 2 --out ";
  ASSERT_EQ(run_dreamsim(args + quoted(dir / "fresh")).exit_code, 0);
  ASSERT_EQ(run_dreamsim(args + quoted(dir / "resumed")).exit_code, 0);
  const fs::path runs = dir / "resumed" / "runs";
  // A sweep stopped half-way: two runs and sweep.json never written, one
  // left as a temporary file, one damaged.
  fs::remove(runs / "retry-storm" / "2.json");
  fs::remove(runs / "canary-bad-deploy" / "4.json");
  fs::remove(dir / "resumed" / "sweep.json");
  std::ofstream(runs / "canary-bad-deploy" / "4.json.tmp") << "{\"format\": \"dreamsim.out";
  std::ofstream(runs / "retry-storm" / "3.json", std::ios::trunc) << "{\"format\": ";
  // A finished run is read back, not run again: mark one.
  const fs::path kept = runs / "canary-bad-deploy" / "1.json";
  const std::string original = read_text(kept);
  ordered_json marked = ordered_json::parse(original);
  marked["trace_hash"] = "feedfacefeedface";
  std::ofstream(kept, std::ios::trunc) << marked.dump(2) << "\n";

  const CommandResult again = run_dreamsim(args + quoted(dir / "resumed"));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("5 of 8 runs found finished, 3 to run"), std::string::npos) << again.err;
  EXPECT_NE(read_text(dir / "resumed" / "sweep.json").find("feedfacefeedface"), std::string::npos);

  // With the mark undone, the resumed directory is the fresh one.
  std::ofstream(kept, std::ios::trunc) << original;
  const CommandResult last = run_dreamsim(args + quoted(dir / "resumed"));
  ASSERT_EQ(last.exit_code, 0) << last.err;
  EXPECT_NE(last.err.find("8 of 8 runs found finished, 0 to run"), std::string::npos) << last.err;
  fs::remove(runs / "canary-bad-deploy" / "4.json.tmp");
  EXPECT_EQ(tree(dir / "resumed"), tree(dir / "fresh"));
}

TEST(SweepCli, KilledSweepResumesToTheSameBytes) {
  const Scratch dir;
  const fs::path scenario_path = kExamples / "canary-bad-deploy.yaml";
  const std::string scenario = scenario_path.string();
  const std::string seeds = "1..8";
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    const std::string out = (dir / "killed").string();
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execl(DREAMSIM_BINARY, DREAMSIM_BINARY, "sweep", scenario.c_str(), "--seeds", seeds.c_str(),
            "--jobs", "1", "--out", out.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Kill it once the first runs are written (or let it finish: the test
  // holds either way).
  const fs::path runs = dir / "killed" / "runs" / "canary-bad-deploy";
  for (int i = 0; i < 2000; ++i) {
    std::error_code ec;
    if (fs::exists(runs / "2.json", ec)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  // Whatever is there is whole.
  std::error_code ec;
  if (fs::is_directory(runs, ec)) {
    for (const auto& e : fs::directory_iterator(runs)) {
      if (e.path().extension() != ".json") continue;
      EXPECT_TRUE(ordered_json::accept(read_text(e.path()))) << e.path();
    }
  }
  const std::string args =
      "sweep " + quoted(scenario_path) + " --seeds " + seeds + " --jobs 2 --out ";
  const CommandResult resumed = run_dreamsim(args + quoted(dir / "killed"));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  ASSERT_EQ(run_dreamsim(args + quoted(dir / "fresh")).exit_code, 0);
  auto killed = tree(dir / "killed");
  // A temporary file the kill left behind is not part of the result.
  std::erase_if(killed, [](const auto& f) { return f.first.ends_with(".tmp"); });
  EXPECT_EQ(killed, tree(dir / "fresh"));
}

TEST(SweepCli, ChangedArgumentsAreRefused) {
  const Scratch dir;
  const std::string out = quoted(dir / "s");
  const std::string scenario = quoted(kExamples / "retry-storm.yaml");
  ASSERT_EQ(run_dreamsim("sweep " + scenario + " --seeds 1..2 --out " + out).exit_code, 0);
  const CommandResult seeds = run_dreamsim("sweep " + scenario + " --seeds 1..3 --out " + out);
  EXPECT_EQ(seeds.exit_code, 2);
  EXPECT_NE(seeds.err.find("holds a sweep with other arguments: seeds "), std::string::npos)
      << seeds.err;
  EXPECT_NE(seeds.err.find("choose a new --out"), std::string::npos) << seeds.err;
  const CommandResult procedures = run_dreamsim(
      "sweep " + scenario + " --seeds 1..2 --procedures " + quoted(kProcedures) + " --out " + out);
  EXPECT_EQ(procedures.exit_code, 2);
  EXPECT_NE(procedures.err.find("procedures null there"), std::string::npos) << procedures.err;
  // A directory that holds something else is not written into.
  const fs::path other = dir / "other";
  fs::create_directories(other);
  std::ofstream(other / "notes.txt") << "mine";
  const CommandResult busy =
      run_dreamsim("sweep " + scenario + " --seeds 1..2 --out " + quoted(other));
  EXPECT_EQ(busy.exit_code, 2);
  EXPECT_NE(busy.err.find("is not empty and holds no sweep"), std::string::npos) << busy.err;
}

TEST(SweepCli, BadArgumentsExitTwoWithAMessage) {
  const Scratch dir;
  const std::string scenario = quoted(kExamples / "retry-storm.yaml");
  const std::string out = " --out " + quoted(dir / "s");
  struct Case {
    std::string args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {scenario + " --seeds 5..2" + out, "--seeds: expected a seed range A..B with A <= B"},
      {scenario + " --seeds 1-5" + out, "got '1-5'"},
      {scenario + " --seeds ..5" + out, "--seeds: expected a seed range"},
      {scenario + " --seeds 1..3 --shard 0/3" + out, "--shard: expected K/N with 1 <= K <= N"},
      {scenario + " --seeds 1..3 --shard 4/3" + out, "got '4/3'"},
      {scenario + " --seeds 1..3 --shard 2" + out, "--shard: expected K/N"},
      {quoted(dir / "nope.yaml") + " --seeds 1..3" + out, "nope.yaml: no such scenario file"},
      {scenario + " --seeds 1..3 --procedures " + quoted(dir / "p.yaml") + out,
       "--procedures: " + (dir / "p.yaml").string() + ": no such file"},
      {scenario + " " + scenario + " --seeds 1..3" + out,
       "every scenario of a sweep needs its own name"},
      {scenario + " --seeds 1..3 --jobs 0" + out, "--jobs"},
  };
  for (const Case& c : cases) {
    const CommandResult r = run_dreamsim("sweep " + c.args);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
  }
  EXPECT_FALSE(fs::exists(dir / "s" / "sweep.json"));
}

// --- the gate --------------------------------------------------------------------------

TEST(GateCli, NoOpChangePassesOnEveryScenario) {
  const Scratch dir;
  // The same numbers in other bytes: a comment.
  const fs::path candidate = dir.write("candidate.yaml", read_text(kProcedures) + "# no-op\n");
  const CommandResult r =
      run_dreamsim("gate --baseline " + quoted(kProcedures) + " --candidate " + quoted(candidate) +
                   " " + two_scenarios() + " --seeds 1..4 --jobs 2 --out " + quoted(dir / "g"));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const ordered_json gate = ordered_json::parse(read_text(dir / "g" / "gate.json"));
  EXPECT_EQ(gate["format"], "dreamsim.gate/1");
  EXPECT_EQ(gate["passed"], true);
  ASSERT_EQ(gate["scenarios"].size(), 2u);
  for (const auto& s : gate["scenarios"]) {
    EXPECT_EQ(s["verdict"], "same") << s["name"];
    for (const auto& m : s["metrics"]) {
      EXPECT_EQ(m["zeros"], m["pairs"]) << m["name"];
      EXPECT_EQ(m["p_value"], 1);
    }
  }
  const std::string junit = read_text(dir / "g" / "junit.xml");
  EXPECT_NE(junit.find("<testsuites name=\"dreamsim gate\""), std::string::npos);
  EXPECT_NE(junit.find("failures=\"0\""), std::string::npos);
  EXPECT_NE(junit.find("name=\"metric: ttd_s\""), std::string::npos);
  const std::string page = read_text(dir / "g" / "report.html");
  EXPECT_NE(page.find("<h1>Gate: passed</h1>"), std::string::npos);
  EXPECT_NE(page.find("data-charts=\""), std::string::npos);
  const std::string summary = read_text(dir / "g" / "summary.md");
  EXPECT_NE(summary.find("## dreamsim gate: passed"), std::string::npos) << summary;
  EXPECT_NE(summary.find("| retry-storm | same |"), std::string::npos) << summary;
}

TEST(GateCli, VerdictIsTheSameForOneAndTwoJobs) {
  const Scratch dir;
  // A real change: slower operators, a quicker P2 latency alert.
  const fs::path candidate =
      dir.write("candidate.yaml",
                "alerting: {thresholds: {latency_p95: {p2: 500ms}}}\n"
                "incident: {operator_delay: {distribution: fixed, value: 10m}}\n");
  const std::string args = "gate --baseline " + quoted(kProcedures) + " --candidate " +
                           quoted(candidate) + " " + two_scenarios() + " --seeds 1..6 --out ";
  const CommandResult one = run_dreamsim(args + quoted(dir / "j1") + " --jobs 1");
  const CommandResult two = run_dreamsim(args + quoted(dir / "j2") + " --jobs 2");
  EXPECT_EQ(one.exit_code, two.exit_code) << one.out << two.out;
  EXPECT_NE(one.exit_code, 2) << one.err;
  for (const char* file : {"gate.json", "junit.xml", "summary.md", "report.html"}) {
    EXPECT_EQ(read_text(dir / "j1" / file), read_text(dir / "j2" / file)) << file;
  }
  EXPECT_EQ(tree(dir / "j1" / "candidate"), tree(dir / "j2" / "candidate"));
}

// The P1 runbook scenario: its 2.5 s latency is a P1 page that disables the
// slow module. A candidate that raises the P1 latency threshold to 10 s (and
// P0 with it: a P1 above P0 is refused) turns the page into a P2 ticket, so
// nobody disables the module: the gate fails and says which expectation
// broke, on which seeds, and how to replay one.
TEST(GateCli, RaisingTheP1LatencyThresholdFailsTheGate) {
  const Scratch dir;
  const std::string scenario = quoted(kRoot / "scenarios" / "library" / "slow-module-p1.yaml");
  const fs::path alone =
      dir.write("p1-only.yaml", "alerting: {thresholds: {latency_p95: {p1: 10s}}}\n");
  const CommandResult refused =
      run_dreamsim("gate --baseline " + quoted(kProcedures) + " --candidate " + quoted(alone) +
                   " " + scenario + " --seeds 1..2 --out " + quoted(dir / "refused"));
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("latency_p95"), std::string::npos) << refused.err;

  const fs::path candidate =
      dir.write("p1-10s.yaml", "alerting: {thresholds: {latency_p95: {p0: 10s, p1: 10s}}}\n");
  const CommandResult r =
      run_dreamsim("gate --baseline " + quoted(kProcedures) + " --candidate " + quoted(candidate) +
                   " " + scenario + " --seeds 1..6 --jobs 2 --out " + quoted(dir / "g"));
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const ordered_json gate = ordered_json::parse(read_text(dir / "g" / "gate.json"));
  EXPECT_EQ(gate["passed"], false);
  ASSERT_EQ(gate["scenarios"].size(), 1u);
  EXPECT_EQ(gate["scenarios"][0]["verdict"], "worse");
  const std::string junit = read_text(dir / "g" / "junit.xml");
  const size_t failure = junit.find("<failure");
  ASSERT_NE(failure, std::string::npos) << junit;
  EXPECT_NE(junit.find("disable_module", failure), std::string::npos) << junit;
  EXPECT_NE(junit.find("dreamsim run ", failure), std::string::npos) << junit;
  const std::string summary = read_text(dir / "g" / "summary.md");
  EXPECT_NE(summary.find("## dreamsim gate: FAILED"), std::string::npos) << summary;
  EXPECT_NE(summary.find("| slow-module-p1 | **worse** |"), std::string::npos) << summary;
  EXPECT_NE(summary.find("action disable_module on discovery within 15m"), std::string::npos)
      << summary;
}

TEST(GateCli, BadInputExitsTwo) {
  const Scratch dir;
  const std::string scenario = quoted(kExamples / "retry-storm.yaml");
  const CommandResult missing = run_dreamsim("gate --baseline " + quoted(kProcedures) +
                                             " --candidate " + quoted(dir / "none.yaml") + " " +
                                             scenario + " --seeds 1..2 --out " + quoted(dir / "g"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--candidate: " + (dir / "none.yaml").string() + ": no such file"),
            std::string::npos)
      << missing.err;
  const fs::path bad = dir.write("bad.yaml", "gate: {alpha: 2}\n");
  const CommandResult invalid =
      run_dreamsim("gate --baseline " + quoted(kProcedures) + " --candidate " + quoted(bad) + " " +
                   scenario + " --seeds 1..2 --out " + quoted(dir / "g"));
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_NE(invalid.err.find("gate.alpha: expected a number in (0, 0.5], got 2"), std::string::npos)
      << invalid.err;
}

}  // namespace
}  // namespace dreamsim::cli_test
