// The sweep and gate pages (reports/sweep_page.hpp, gate_page.hpp) and the
// empirical CDF charts, on the hand-made documents of page_fixtures.hpp:
// golden files (rewritten only with UPDATE_GOLDEN=1), escaping of every
// name from a scenario file, the chart counts, the worst seeds with their
// replay commands, the gate's side-by-side numbers, and bad input.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "reports/ecdf_svg.hpp"
#include "reports/gate_page.hpp"
#include "reports/sweep_page.hpp"
#include "tests/reports/page_fixtures.hpp"

namespace dreamsim::report {
namespace {

namespace fs = std::filesystem;
using fixtures::fixture_gate;
using fixtures::fixture_sweep;

const fs::path kGolden = fs::path(DREAMSIM_REPORT_GOLDEN) / "pages";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

void expect_golden(const std::string& name, const std::string& text) {
  const fs::path golden = kGolden / name;
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::create_directories(golden.parent_path());
    std::ofstream(golden, std::ios::binary) << text;
    return;
  }
  ASSERT_TRUE(fs::exists(golden)) << golden << " is missing; run with UPDATE_GOLDEN=1";
  EXPECT_TRUE(read(golden) == text) << name << " differs from " << golden
                                    << "; if the change is intended, rerun with UPDATE_GOLDEN=1 "
                                       "and review the diff";
}

const std::string kSvg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ecdf\"";

TEST(SweepPage, MatchesTheGoldenFileAndIsAPureFunction) {
  const std::string page = sweep_page(fixture_sweep());
  EXPECT_EQ(page, sweep_page(fixture_sweep()));
  expect_golden("sweep.html", page);
}

TEST(SweepPage, EscapesEveryNameFromTheScenario) {
  const std::string page = sweep_page(fixture_sweep());
  EXPECT_EQ(page.find("<script>alert(1)</script>"), std::string::npos);
  EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt; &quot;shop&quot; &amp; \\N"),
            std::string::npos);
  EXPECT_EQ(page.find("<b>api</b>"), std::string::npos);
  EXPECT_NE(page.find("P1 alert on &lt;b&gt;api&lt;/b&gt; within 5m"), std::string::npos);
  EXPECT_NE(page.find("no P1 &lt;alert&gt; fired"), std::string::npos);
  EXPECT_EQ(page.find("<procedures>"), std::string::npos);
  // Only the page's own script element.
  EXPECT_EQ(count(page, "<script"), 1u);
}

TEST(SweepPage, ChartsEveryMetricThatVariesAndListsTheOthers) {
  const std::string page = sweep_page(fixture_sweep());
  // Per scenario ttd_s, failed_requests and score vary; writes_lost is 0
  // on every seed.
  EXPECT_EQ(count(page, kSvg), 6u);
  EXPECT_NE(page.find("data-charts=\"6\""), std::string::npos);
  EXPECT_EQ(count(page, "class=\"constant\" data-metric=\"writes_lost\""), 2u);
  // Seed 5 has no ttd_s: the curve stops below 1 and says so.
  EXPECT_NE(page.find(">1 never</text>"), std::string::npos);
  // The p50 and p95 marks.
  EXPECT_GE(count(page, ">p50</text>"), 6u);
}

TEST(SweepPage, ListsTheWorstSeedsWithTheirReplayCommands) {
  const std::string page = sweep_page(fixture_sweep());
  // Seeds 4 and 8 failed the first expectation; seed 4 first (same score).
  const size_t worst = page.find("<table class=\"grid worst\">");
  ASSERT_NE(worst, std::string::npos);
  const size_t s4 = page.find("data-seed=\"4\"", worst);
  const size_t s8 = page.find("data-seed=\"8\"", worst);
  ASSERT_NE(s4, std::string::npos);
  ASSERT_NE(s8, std::string::npos);
  EXPECT_LT(s4, s8);
  EXPECT_EQ(page.find("data-seed=", worst), s4);
  EXPECT_NE(page.find("dreamsim run scenarios/&lt;escape&gt;.yaml --seed 4 --procedures team "
                      "&lt;procedures&gt;.yaml"),
            std::string::npos);
  // The pass rate of each expectation: 6 of 8 runs met the first.
  EXPECT_NE(page.find("</td><td>6 of 8</td><td class=\"rate\">"), std::string::npos);
  EXPECT_NE(page.find("75.0 %"), std::string::npos);
  // The overview says which scenario failed.
  EXPECT_NE(page.find("data-failing=\"1\""), std::string::npos);
  EXPECT_NE(page.find("data-failing=\"0\""), std::string::npos);
}

TEST(SweepPage, BadInputNamesTheFileAndTheField) {
  Json doc = fixture_sweep();
  doc["scenarios"][1].erase("seeds");
  try {
    sweep_page(doc, "out/sweep.json");
    FAIL() << "no error";
  } catch (const ReportInputError& e) {
    EXPECT_EQ(std::string(e.what()), "out/sweep.json: scenarios[1].seeds: missing");
  }
  doc = fixture_sweep();
  doc["scenarios"][0]["runs"] = "many";
  try {
    sweep_page(doc, "out/sweep.json");
    FAIL() << "no error";
  } catch (const ReportInputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "out/sweep.json: scenarios[0].runs: expected an integer >= 0");
  }
  doc = fixture_sweep();
  doc["format"] = "dreamsim.gate/1";
  EXPECT_THROW(sweep_page(doc, "x"), ReportInputError);
}

TEST(GatePage, MatchesTheGoldenFileAndIsAPureFunction) {
  const fixtures::GateFixture f = fixture_gate();
  const std::string page = gate_page(f.gate, f.baseline, f.candidate);
  EXPECT_EQ(page, gate_page(f.gate, f.baseline, f.candidate));
  expect_golden("gate.html", page);
}

TEST(GatePage, ShowsBothSidesAndWhyItFailed) {
  const fixtures::GateFixture f = fixture_gate();
  ASSERT_EQ(f.gate["passed"], false);
  const std::string page = gate_page(f.gate, f.baseline, f.candidate);
  EXPECT_NE(page.find("<h1>Gate: FAILED</h1>"), std::string::npos);
  EXPECT_EQ(page.find("<script>alert(1)</script>"), std::string::npos);
  EXPECT_NE(page.find("<h2>&lt;script&gt;alert(1)&lt;/script&gt; &quot;shop&quot; &amp; \\N "
                      "<span class=\"verdict worse\">"),
            std::string::npos);
  EXPECT_EQ(page.find("cand <b>.yaml"), std::string::npos);
  // ttd_s: seeds 1..8 without 5, baseline 23..44 s, the candidate 30 s
  // later on each: medians 32 -> 62 (the lower middle of 8, "never" the
  // worst), shift +30 s.
  const size_t row = page.find("data-metric=\"ttd_s\"><th>ttd_s");
  ASSERT_NE(row, std::string::npos);
  const std::string ttd = page.substr(row, page.find("</tr>", row) - row);
  EXPECT_NE(ttd.find(">32 s</td><td class=\"num\">62 s</td>"), std::string::npos) << ttd;
  // p95 with "never" as the worst: seed 5 never detects.
  EXPECT_NE(ttd.find(">never</td><td class=\"num\">never</td>"), std::string::npos) << ttd;
  EXPECT_NE(ttd.find(">+30 s</td>"), std::string::npos) << ttd;
  EXPECT_NE(ttd.find("<span class=\"verdict worse\">worse</span>"), std::string::npos) << ttd;
  // The broken expectation: seed 3, with both replay commands.
  EXPECT_NE(page.find("dreamsim run scenarios/&lt;escape&gt;.yaml --seed 3 --procedures cand "
                      "&lt;b&gt;.yaml</code> <span class=\"dim\">baseline:</span> <code "
                      "class=\"replay\">dreamsim run scenarios/&lt;escape&gt;.yaml --seed 3 "
                      "--procedures base.yaml</code>"),
            std::string::npos);
  // Baseline and candidate distributions of each gated metric.
  EXPECT_EQ(count(page, kSvg), 4u);
  EXPECT_NE(page.find("data-charts=\"4\""), std::string::npos);
  EXPECT_EQ(count(page, "class=\"step c1\""), 4u);
  // The metric that is not gated, side by side from the sweeps.
  EXPECT_NE(page.find("<h3>Other metrics</h3>"), std::string::npos);
}

TEST(GatePage, WithoutTheSweepsSaysWhatItCannotShow) {
  const fixtures::GateFixture f = fixture_gate();
  const std::string page = gate_page(f.gate, nullptr, nullptr);
  EXPECT_NE(page.find("no p95 and no distributions"), std::string::npos);
  EXPECT_EQ(count(page, kSvg), 0u);
  Json bad = f.gate;
  bad["scenarios"][0]["metrics"][0].erase("verdict");
  try {
    gate_page(bad, nullptr, nullptr, "g/gate.json");
    FAIL() << "no error";
  } catch (const ReportInputError& e) {
    EXPECT_EQ(std::string(e.what()), "g/gate.json: scenarios[0].metrics[0].verdict: missing");
  }
}

TEST(Ecdf, StaysSmallForManySeedsAndShowsRunsWithoutAValue) {
  EcdfSeries s{"", "c0", {}, 10000};
  for (int i = 0; i < 9000; ++i) s.values.push_back(static_cast<double>((i * 7919) % 100000));
  const std::string svg = ecdf_svg("ttd_s", {s}, {{"p50", 50000}}, "s");
  // Steps merge at half a unit: at most two steps a unit of the 300-unit
  // width, an H and a V each (9000 values would be 18000).
  EXPECT_LT(count(svg, "H") + count(svg, "V"), 4u * 300u);
  EXPECT_NE(svg.find(">1000 never</text>"), std::string::npos);
  EXPECT_NE(svg.find("9000 of 10000 runs with a value"), std::string::npos);
  EXPECT_EQ(svg, ecdf_svg("ttd_s", {s}, {{"p50", 50000}}, "s"));
  // No value at all: said, not drawn.
  const std::string none = ecdf_svg("x", {EcdfSeries{"", "c0", {}, 3}}, {}, "");
  EXPECT_NE(none.find("no run has a value"), std::string::npos);
  EXPECT_EQ(none.find("<path"), std::string::npos);
  EXPECT_EQ(short_number(12.0), "12");
  EXPECT_EQ(short_number(0.123456), "0.1235");
}

}  // namespace
}  // namespace dreamsim::report
