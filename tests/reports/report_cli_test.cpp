// `dreamsim report RUN_DIR` and `dreamsim run --out DIR --report`, run as a
// user would: exit codes, messages, and the files in the run directory.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "reports/report_io.hpp"
#include "tests/model/cli_runner.hpp"

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
  EXPECT_NE(r.err.find("/nonexistent/run-dir: not a run directory"), std::string::npos) << r.err;
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
