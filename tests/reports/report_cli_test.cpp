// `dreamsim report DIR` and `dreamsim run --out DIR --report`, run as a
// user would: exit codes, messages, and the files in a run, sweep or gate
// directory.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "reports/gate_page.hpp"
#include "reports/report_io.hpp"
#include "reports/sweep_page.hpp"
#include "tests/model/cli_runner.hpp"
#include "tests/reports/page_fixtures.hpp"

namespace dreamsim::cli_test {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("reports_cli_test_" + name);
  fs::remove_all(dir);
  return dir;
}

TEST(ReportCommand, RunReportWritesEveryFileAndReportRendersTheSameBytes) {
  const fs::path dir = fresh_dir("run");
  const fs::path scenario = fs::path(DREAMSIM_SOURCE_DIR) / "scenarios/examples/shop-crash.yaml";
  const CommandResult run = run_dreamsim(std::string("run ") + quoted(scenario) + " --out " + quoted(dir) + " --report");
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  for (const char* name : {"outcome.json", "series.json", "dag.dot", "dag.svg", "report.html", "trace.json"}) {
    EXPECT_TRUE(fs::exists(dir / name)) << name;
    EXPECT_NE(run.out.find((dir / name).string()), std::string::npos) << name;
  }
  const std::string html = read_text(dir / "report.html");
  const std::string svg = read_text(dir / "dag.svg");
  const CommandResult again = run_dreamsim(std::string("report ") + quoted(dir));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_text(dir / "report.html"), html);
  EXPECT_EQ(read_text(dir / "dag.svg"), svg);
  // The series hold the run's golden signals and its graph.
  const report::Json series = report::Json::parse(read_text(dir / "series.json"));
  EXPECT_EQ(series["format"], "dreamsim.series/1");
  EXPECT_EQ(series["services"].size(), 5u);
  EXPECT_EQ(series["series"]["services"].size(), 5u);
  EXPECT_LE(series["series"]["points"].get<size_t>(), 500u);
  EXPECT_EQ(series["replay"], "dreamsim run " + scenario.string() + " --seed 42");
}

TEST(ReportCommand, ReportNeedsOut) {
  const fs::path scenario = fs::path(DREAMSIM_SOURCE_DIR) / "scenarios/examples/shop-crash.yaml";
  const CommandResult r = run_dreamsim(std::string("run ") + quoted(scenario) + " --report");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--report needs --out DIR"), std::string::npos) << r.err;
}

TEST(ReportCommand, AMissingRunDirectoryIsBadInput) {
  const CommandResult r = run_dreamsim("report /nonexistent/run-dir");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/run-dir: not a run, sweep or gate directory (no such "
                       "directory)"),
            std::string::npos)
      << r.err;
}

TEST(ReportCommand, ADirectoryOfSomethingElseIsBadInput) {
  const fs::path dir = fresh_dir("other");
  fs::create_directories(dir);
  std::ofstream(dir / "notes.txt") << "hello\n";
  const CommandResult r = run_dreamsim(std::string("report ") + quoted(dir));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir.string() + ": not a run, sweep or gate directory: it holds no "
                       "outcome.json"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(fs::exists(dir / "report.html"));
}

TEST(ReportCommand, RendersASweepDirectoryFromItsSweepJson) {
  const fs::path dir = fresh_dir("sweep");
  fs::create_directories(dir);
  const report::Json sweep = report::fixtures::fixture_sweep();
  std::ofstream(dir / "sweep.json") << report::sweep_text(sweep);
  const CommandResult r = run_dreamsim(std::string("report ") + quoted(dir));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find((dir / "report.html").string()), std::string::npos) << r.out;
  EXPECT_EQ(read_text(dir / "report.html"), report::sweep_page(sweep));
  EXPECT_FALSE(fs::exists(dir / "trace.json"));

  // A malformed sweep.json: the file and the field, exit 2.
  report::Json bad = sweep;
  bad["scenarios"][0]["seeds"][2]["metrics"] = "none";
  std::ofstream(dir / "sweep.json") << report::sweep_text(bad);
  const CommandResult b = run_dreamsim(std::string("report ") + quoted(dir));
  EXPECT_EQ(b.exit_code, 2);
  EXPECT_NE(b.err.find((dir / "sweep.json").string() +
                       ": scenarios[0].seeds[2].metrics: expected an object"),
            std::string::npos)
      << b.err;
}

TEST(ReportCommand, RendersAGateDirectoryFromGateJsonAndItsSweeps) {
  const fs::path dir = fresh_dir("gate");
  const report::fixtures::GateFixture f = report::fixtures::fixture_gate();
  fs::create_directories(dir / "baseline");
  fs::create_directories(dir / "candidate");
  std::ofstream(dir / "gate.json") << report::sweep_text(f.gate);
  std::ofstream(dir / "baseline" / "sweep.json") << report::sweep_text(f.baseline);
  std::ofstream(dir / "candidate" / "sweep.json") << report::sweep_text(f.candidate);
  const CommandResult r = run_dreamsim(std::string("report ") + quoted(dir));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_text(dir / "report.html"), report::gate_page(f.gate, f.baseline, f.candidate));
  // The sweeps' own directories stay as they are.
  EXPECT_FALSE(fs::exists(dir / "baseline" / "report.html"));
}

TEST(ReportCommand, AMalformedOutcomeNamesTheFileAndField) {
  const fs::path dir = fresh_dir("malformed");
  fs::create_directories(dir);
  fs::copy_file(std::string(DREAMSIM_REPORT_DATA) + "/escape/outcome.json", dir / "outcome.json");
  std::string text = read_text(dir / "outcome.json");
  const std::string from = "\"sim_duration_s\": 1800";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "\"sim_duration_s\": \"long\"");
  std::ofstream(dir / "outcome.json") << text;
  const CommandResult r = run_dreamsim(std::string("report ") + quoted(dir));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("outcome.json: sim_duration_s: expected a number"), std::string::npos) << r.err;
}

TEST(ReportCommand, NeedsARunDirectoryArgument) {
  const CommandResult r = run_dreamsim("report");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("RUN_DIR"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace dreamsim::cli_test
