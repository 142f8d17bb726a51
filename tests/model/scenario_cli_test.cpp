// `dreamsim validate` as users run it: the built binary on good and bad files,
// checking exit codes and where the messages go (stdout for good files,
// stderr for problems).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/model/cli_runner.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kRoot = fs::path(DREAMSIM_SOURCE_DIR);

using dreamsim::cli_test::CommandResult;
using dreamsim::cli_test::quoted;

std::string slurp(const fs::path& p) { return dreamsim::cli_test::read_text(p); }

CommandResult validate(const std::string& args) { return dreamsim::cli_test::run_dreamsim("validate " + args); }

CommandResult dreamsim(const std::string& args) { return dreamsim::cli_test::run_dreamsim(args); }

TEST(ValidateCommand, GoodFilesExitZeroWithASummary) {
  const fs::path shop = kRoot / "scenarios" / "examples" / "shop-crash.yaml";
  const fs::path breach = kRoot / "scenarios" / "examples" / "breach.json";
  const CommandResult run = validate(quoted(shop) + " " + quoted(breach));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_NE(run.out.find(shop.string() +
                         ": ok (5 services, 1 fault, 1 data store, 0 agents, 1 entry load; 2h in "
                         "ticks of 1s; 4 start-up waves, critical path 55s (db -> auth -> api -> "
                         "web))"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find(breach.string() + ": ok (3 services, 2 faults"), std::string::npos)
      << run.out;
}

TEST(ValidateCommand, BadFileExitsTwoWithEveryProblemOnStderr) {
  const fs::path bad = kRoot / "tests" / "scenarios" / "bad" / "many_problems.yaml";
  const CommandResult run = validate(quoted(bad));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find(bad.string() + ":6:15: services[0].replicas: expected an integer in "
                                        "[1, 100000], got 0"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find(bad.string() + ":14:9: faults[0].at:"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(bad.string() + ": 9 problems"), std::string::npos) << run.err;
}

TEST(ValidateCommand, OneBadFileAmongGoodOnesStillChecksThemAll) {
  const fs::path good = kRoot / "scenarios" / "examples" / "retry-storm.yaml";
  const fs::path bad = kRoot / "tests" / "scenarios" / "bad" / "cycle.yaml";
  const CommandResult run = validate(quoted(bad) + " " + quoted(good));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("cycle: api -> auth -> db -> api"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find(good.string() + ": ok"), std::string::npos) << run.out;
}

TEST(ValidateCommand, MissingFileAndNoArgumentsAreBadInput) {
  const CommandResult missing = validate(quoted(kRoot / "no-such-scenario.yaml"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no-such-scenario.yaml: cannot read the scenario: no such file"),
            std::string::npos)
      << missing.err;
  const CommandResult none = validate("");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("FILE"), std::string::npos) << none.err;
}

}  // namespace

namespace {

TEST(RunCommand, ANegativeSeedIsBadInputNotAWrappedNumber) {
  const CommandResult run =
      dreamsim("run '" + (kRoot / "scenarios" / "examples" / "breach.json").string() + "' --seed -3");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--seed: expected a non-negative integer, got '-3'"), std::string::npos)
      << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(RunCommand, AScenarioGivenAsProceduresIsNamedAsSuch) {
  const std::string scenario = (kRoot / "scenarios" / "examples" / "shop-crash.yaml").string();
  const CommandResult run = dreamsim("run '" + scenario + "' --procedures '" + scenario + "'");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("is a scenario file, not a procedures file"), std::string::npos)
      << run.err;
}

TEST(RunCommand, AGoodRunWritesOutcomeJsonAndExitsZero) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("dreamsim_run." + std::to_string(getpid()));
  const CommandResult run = dreamsim(
      "run '" + (kRoot / "scenarios" / "examples" / "breach.json").string() + "' --out '" +
      dir.string() + "'");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const std::string outcome = slurp(dir / "outcome.json");
  EXPECT_NE(outcome.find("\"format\": \"dreamsim.outcome/1\""), std::string::npos);
  EXPECT_NE(outcome.find("\"quarantine_agent\""), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "outcome.json.tmp"));
  fs::remove_all(dir);
}

}  // namespace
