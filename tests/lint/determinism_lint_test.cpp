#include "tests/lint/determinism_lint.hpp"

#include <gtest/gtest.h>

namespace dreamsim::lint {
namespace {

std::vector<std::string> rules_hit(const std::string& path, const std::string& text) {
  std::vector<std::string> out;
  for (const Finding& f : lint_text(path, text)) out.push_back(f.rule);
  return out;
}

using Rules = std::vector<std::string>;

TEST(DeterminismLint, TheTreeIsClean) {
  const std::vector<Finding> findings = lint_tree(DREAMSIM_SOURCE_ROOT);
  std::string report;
  for (const Finding& f : findings) report += format(f) + "\n";
  EXPECT_TRUE(findings.empty()) << report;
}

TEST(DeterminismLint, FindsWallClockReads) {
  EXPECT_EQ(rules_hit("sim/a.cpp", "auto t = std::chrono::steady_clock::now();\n"),
            Rules{"wall clock"});
  EXPECT_EQ(rules_hit("model/a.cpp", "auto t = std::chrono::system_clock::now();\n"),
            Rules{"wall clock"});
  EXPECT_EQ(rules_hit("model/a.cpp", "long t = time(nullptr);\n"), Rules{"wall clock"});
  EXPECT_EQ(rules_hit("model/a.cpp", "clock_gettime(CLOCK_MONOTONIC, &ts);\n"), Rules{"wall clock"});
}

TEST(DeterminismLint, FindsNonPortableRandomness) {
  EXPECT_EQ(rules_hit("sim/a.cpp", "std::random_device rd;\n"), Rules{"std::random_device"});
  EXPECT_EQ(rules_hit("sim/a.cpp", "int x = rand() % 6;\n"), Rules{"rand()"});
  EXPECT_EQ(rules_hit("sim/a.cpp", "srand(42);\n"), Rules{"rand()"});
  EXPECT_EQ(rules_hit("sim/a.cpp", "std::normal_distribution<double> d(0, 1);\n"),
            Rules{"std::*_distribution"});
  EXPECT_EQ(rules_hit("sim/a.cpp", "std::uniform_int_distribution<int> d(0, 1);\n"),
            Rules{"std::*_distribution"});
  // Not rand(): other names that end in "rand(".
  EXPECT_TRUE(rules_hit("sim/a.cpp", "int x = operand(3) + rng.rand(1) + my_rand(2);\n").empty());
}

TEST(DeterminismLint, FindsIterationOverUnorderedContainers) {
  const std::string text =
      "std::unordered_map<std::string, std::vector<int>> by_name;\n"
      "auto it = by_name.find(\"x\");\n"
      "for (const auto& [k, v] : by_name) out << k;\n"
      "std::sort(by_name.begin(), by_name.end());\n";
  const std::vector<Finding> f = lint_text("model/a.cpp", text);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].line, 3);
  EXPECT_EQ(f[0].rule, "iteration over unordered container 'by_name'");
  EXPECT_EQ(f[1].line, 4);
}

TEST(DeterminismLint, ControllersMayNotIncludeSimOrModel) {
  EXPECT_EQ(rules_hit("controllers/alerting.cpp", "#include \"model/world.hpp\"\n"),
            Rules{"controllers include sim/ or model/"});
  EXPECT_EQ(rules_hit("controllers/alerting.cpp", "#include <sim/time.hpp>\n"),
            Rules{"controllers include sim/ or model/"});
  EXPECT_TRUE(rules_hit("model/world.cpp", "#include \"sim/time.hpp\"\n").empty());
  EXPECT_TRUE(rules_hit("controllers/a.cpp", "#include \"controllers/ports.hpp\"\n").empty());
}

TEST(DeterminismLint, IgnoresCommentsAndStringsAndHonoursTheEscape) {
  EXPECT_TRUE(rules_hit("sim/a.cpp", "// never use std::random_device here\n").empty());
  EXPECT_TRUE(rules_hit("sim/a.cpp", "/* steady_clock is banned */ int x;\n").empty());
  EXPECT_TRUE(rules_hit("sim/a.cpp", "const char* s = \"rand() and steady_clock\";\n").empty());
  EXPECT_TRUE(
      rules_hit("sim/a.cpp", "auto t = steady_clock::now();  // determinism: progress bar only\n")
          .empty());
  // An escaped declaration exempts the container.
  EXPECT_TRUE(rules_hit("model/a.cpp",
                        "std::unordered_set<int> seen;  // determinism: summed, order-free\n"
                        "for (int x : seen) total += x;\n")
                  .empty());
}

}  // namespace
}  // namespace dreamsim::lint
