// report.html in a real browser: headless Chromium (Debian's `chromium`,
// installed by tools/setup.sh) loads the page of the golden-file run, and
// the test reads the DOM it dumps after the page's script ran: the DAG has
// a node per service, the timeline the run's lanes, the charts their cards
// and panels (the involved services, plus one charted on demand through the
// URL), and the script logged no error. A screenshot is saved under the
// build directory (tests/reports/browser/report.png) for people to look at.
// The sweep and gate pages (page_fixtures.hpp) are opened the same way:
// their script ran to its end without an error and the DOM holds every
// chart the page rendered. Skipped, with a message, only when no chromium
// is installed.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "reports/gate_page.hpp"
#include "reports/html_report.hpp"
#include "reports/run_reports.hpp"
#include "reports/run_view.hpp"
#include "reports/sweep_page.hpp"
#include "tests/reports/page_fixtures.hpp"

namespace dreamsim::report {
namespace {

namespace fs = std::filesystem;

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser"}) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      const fs::path candidate = fs::path(dir) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
  }
  return {};
}

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

// Runs chromium headless on `url` with a fresh profile; returns its exit
// status, with stdout in `out` and stderr in `err`.
int chromium(const std::string& binary, const std::string& args, const std::string& url,
             const fs::path& work, std::string* out, std::string* err) {
  const fs::path profile = work / ("profile-" + std::to_string(::getpid()));
  fs::remove_all(profile);
  fs::create_directories(profile);
  const fs::path out_file = work / "chromium.out";
  const fs::path err_file = work / "chromium.err";
  std::string cmd = "timeout 90 '" + binary + "' --headless --no-sandbox --disable-gpu " +
                    "--no-first-run --user-data-dir='" + profile.string() + "' " + args + " '" +
                    url + "' >'" + out_file.string() + "' 2>'" + err_file.string() + "'";
  const int status = std::system(cmd.c_str());
  *out = read(out_file);
  *err = read(err_file);
  fs::remove_all(profile);
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ReportInBrowser, TheDagTimelineAndChartsAreThereAndNoScriptFailed) {
  const std::string binary = find_chromium();
  if (binary.empty()) {
    GTEST_SKIP() << "chromium is not installed (tools/setup.sh installs Debian's chromium); "
                    "the page was not checked in a browser";
  }
  const fs::path work = DREAMSIM_BROWSER_OUT;
  fs::remove_all(work / "run");
  fs::create_directories(work / "run");
  for (const char* name : {"outcome.json", "series.json"}) {
    fs::copy_file(fs::path(DREAMSIM_REPORT_DATA) / "escape" / name, work / "run" / name);
  }
  write_run_reports((work / "run").string());
  const RunDir run = load_run_dir((work / "run").string());
  const RunView view = build_view(run);
  const fs::path page = fs::absolute(work / "run" / "report.html");
  // Chart one more service on demand, through the page's URL.
  std::string on_demand;
  for (const ServiceView& s : view.services) {
    if (!s.involved && on_demand.empty()) on_demand = s.id;
  }
  ASSERT_FALSE(on_demand.empty()) << "the fixture should have a service nobody touched";
  const std::string url = "file://" + page.string() + "#chart=" + on_demand;

  std::string dom, err;
  const int rc = chromium(binary, "--virtual-time-budget=5000 --dump-dom", url, work, &dom, &err);
  ASSERT_EQ(rc, 0) << err;
  ASSERT_FALSE(dom.empty()) << err;
  std::ofstream(work / "dom.html") << dom;
  // Count in the document, not in the page's own script text.
  for (size_t at = dom.find("<script"); at != std::string::npos; at = dom.find("<script", at)) {
    const size_t close = dom.find("</script>", at);
    ASSERT_NE(close, std::string::npos);
    dom.erase(at, close + 9 - at);
  }

  // The script ran to its end without an error.
  EXPECT_NE(dom.find("data-ready=\"1\""), std::string::npos);
  EXPECT_NE(dom.find("data-script-errors=\"0\""), std::string::npos) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("<div id=\"script-errors\" hidden=\"\"></div>"), std::string::npos);
  // Nothing the scenario named became markup.
  EXPECT_EQ(dom.find("<script>alert(1)</script>"), std::string::npos);
  EXPECT_NE(dom.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);

  // The DAG: one node per service, one edge per dependency.
  size_t edges = 0;
  for (const ServiceView& s : view.services) edges += s.depends_on.size();
  EXPECT_EQ(count(dom, "class=\"node svc"), view.services.size());
  EXPECT_EQ(count(dom, "class=\"edge"), edges);

  // The timeline: the run's lanes, each once.
  EXPECT_EQ(count(dom, "class=\"lane\" data-lane=") + count(dom, "class=\"lane density\" data-lane="),
            view.lanes.size());
  for (const Lane& l : view.lanes) {
    EXPECT_EQ(count(dom, "data-lane=\"" + l.id + "\""), 1u) << l.id;
  }

  // The charts: the system, the involved services (at most the default
  // number), and the one asked for in the URL; four panels each.
  const size_t cards = 1 + std::min(view.involved.size(), kMaxDefaultCharts) + 1;
  EXPECT_EQ(count(dom, "class=\"chart-card\""), cards);
  EXPECT_EQ(count(dom, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"panel\""), 4 * cards);
  EXPECT_NE(dom.find("data-service=\"" + on_demand + "\""), std::string::npos);
  EXPECT_NE(dom.find("data-charts=\"" + std::to_string(cards) + "\""), std::string::npos);
  // Thresholds drawn (P0, P1, P2 on latency, error rate and saturation) and
  // fault intervals shaded on the charts of their targets.
  EXPECT_EQ(count(dom, "class=\"thr P0\""), 3 * cards);
  EXPECT_GT(count(dom, "class=\"fault-band\""), 0u);

  // A screenshot for people.
  std::string shot_out, shot_err;
  const fs::path shot = fs::absolute(work / "report.png");
  fs::remove(shot);
  chromium(binary, "--virtual-time-budget=5000 --window-size=1300,3200 --screenshot='" + shot.string() + "'",
           url, work, &shot_out, &shot_err);
  EXPECT_TRUE(fs::exists(shot)) << shot_err;
}

// Opens `html` (written to work/NAME.html) and returns the DOM after the
// script ran, without the script elements; empty on failure (reported).
std::string dom_of(const std::string& binary, const std::string& html, const std::string& name) {
  const fs::path work = fs::path(DREAMSIM_BROWSER_OUT) / name;
  fs::remove_all(work);
  fs::create_directories(work);
  const fs::path page = fs::absolute(work / "report.html");
  std::ofstream(page, std::ios::binary) << html;
  std::string dom, err;
  const int rc = chromium(binary, "--virtual-time-budget=5000 --dump-dom", "file://" + page.string(),
                          work, &dom, &err);
  EXPECT_EQ(rc, 0) << err;
  EXPECT_FALSE(dom.empty()) << err;
  for (size_t at = dom.find("<script"); at != std::string::npos; at = dom.find("<script", at)) {
    const size_t close = dom.find("</script>", at);
    if (close == std::string::npos) break;
    dom.erase(at, close + 9 - at);
  }
  return dom;
}

void expect_page_ran(const std::string& dom, size_t charts, size_t scenarios) {
  EXPECT_NE(dom.find("data-ready=\"1\""), std::string::npos) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("data-script-errors=\"0\""), std::string::npos) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("<div id=\"script-errors\" hidden=\"\"></div>"), std::string::npos);
  // The script counted the charts in the document: what the page rendered.
  EXPECT_EQ(count(dom, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ecdf\""), charts);
  EXPECT_NE(dom.find("<body data-charts=\"" + std::to_string(charts) + "\""), std::string::npos)
      << dom.substr(0, 400);
  EXPECT_NE(dom.find("data-scenarios=\"" + std::to_string(scenarios) + "\""), std::string::npos);
  EXPECT_EQ(count(dom, "<section class=\"scenario\""), scenarios);
  // Nothing the scenario named became markup.
  EXPECT_EQ(dom.find("<script>alert(1)</script>"), std::string::npos);
  EXPECT_NE(dom.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(dom.find("<b>api</b>"), std::string::npos);
}

TEST(SweepPageInBrowser, OpensWithEveryChartAndNoScriptError) {
  const std::string binary = find_chromium();
  if (binary.empty()) {
    GTEST_SKIP() << "chromium is not installed (tools/setup.sh installs Debian's chromium); "
                    "the page was not checked in a browser";
  }
  const std::string page = sweep_page(fixtures::fixture_sweep());
  // Two scenarios, three metrics that vary in each (page_fixtures.hpp).
  expect_page_ran(dom_of(binary, page, "sweep"), 6, 2);
}

TEST(GatePageInBrowser, OpensWithEveryChartAndNoScriptError) {
  const std::string binary = find_chromium();
  if (binary.empty()) {
    GTEST_SKIP() << "chromium is not installed (tools/setup.sh installs Debian's chromium); "
                    "the page was not checked in a browser";
  }
  const fixtures::GateFixture f = fixtures::fixture_gate();
  // Two scenarios, two gated metrics each, baseline and candidate on one chart.
  const std::string dom = dom_of(binary, gate_page(f.gate, f.baseline, f.candidate), "gate");
  expect_page_ran(dom, 4, 2);
  EXPECT_EQ(count(dom, "class=\"step c1\""), 4u);
}

}  // namespace
}  // namespace dreamsim::report
