#include "reports/sweep_page.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "reports/ecdf_svg.hpp"
#include "reports/gate_report.hpp"
#include "reports/html_report.hpp"
#include "reports/page_html.hpp"

namespace dreamsim::report {
namespace {

std::string percent(double rate) {
  if (std::isnan(rate)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", 100 * rate);
  return buf;
}

bool is_seconds(const std::string& metric) {
  return metric.size() > 2 && metric.compare(metric.size() - 2, 2, "_s") == 0;
}

std::string value_html(const Json& v, const std::string& metric) {
  if (!v.is_number()) return "<span class=\"dim\">-</span>";
  return html_escape(short_number(v.get<double>(), 6) + (is_seconds(metric) ? " s" : ""));
}

// A pass-rate cell: the percentage and a bar.
std::string rate_cell(double rate) {
  const double w = std::isnan(rate) ? 0 : std::clamp(rate, 0.0, 1.0) * 100;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", w);
  return "<td class=\"rate\"><span class=\"bar\"><span style=\"width:" + std::string(buf) +
         "%\"></span></span> " + html_escape(percent(rate)) + "</td>";
}

// A judged expectation that failed (a `reachable` one, passed: null, is
// counted but never fails a run).
bool failed(const Json& e) {
  if (!e.is_object()) return false;
  const auto p = e.find("passed");
  return p != e.end() && p->is_boolean() && !p->get<bool>();
}

struct SeedRow {
  uint64_t seed = 0;
  size_t failed = 0;
  double score = 0;  // NaN: no score
  const Json* entry = nullptr;
};

std::string worst_seeds_html(const Json& seeds, const std::string& file,
                             const std::string& procedures, const std::string& where) {
  std::vector<SeedRow> rows;
  for (size_t i = 0; i < seeds.size(); ++i) {
    const Json& s = seeds[i];
    const std::string w = at(at(where, "seeds"), i);
    SeedRow r;
    r.seed = count_field(s, "seed", w);
    r.score = number_or_nan(s, "score");
    for (const Json& e : array_field(s, "expectations", w)) r.failed += failed(e) ? 1 : 0;
    r.entry = &s;
    rows.push_back(r);
  }
  // Most expectations failed first, then the lowest score (no score is the
  // lowest), then the seed.
  std::stable_sort(rows.begin(), rows.end(), [](const SeedRow& a, const SeedRow& b) {
    if (a.failed != b.failed) return a.failed > b.failed;
    const bool an = std::isnan(a.score), bn = std::isnan(b.score);
    if (an != bn) return an;
    if (!an && a.score != b.score) return a.score < b.score;
    return a.seed < b.seed;
  });
  size_t failing = 0;
  for (const SeedRow& r : rows) failing += r.failed > 0 ? 1 : 0;
  std::string out = "<h3>Worst seeds</h3><p class=\"legend\">" +
                    std::string(failing == 0 ? "Every seed met its expectations; the lowest scores."
                                             : std::to_string(failing) + " of " +
                                                   std::to_string(rows.size()) +
                                                   " seeds failed an expectation.") +
                    " Most expectations failed first, then the lowest score; each with the "
                    "command that replays it.</p>";
  out += "<table class=\"grid worst\"><tr><th>seed</th><th>score</th><th>failed</th><th>why</th>"
         "<th>replay</th></tr>";
  for (size_t i = 0; i < rows.size() && i < kWorstSeeds; ++i) {
    const SeedRow& r = rows[i];
    std::string why;
    for (const Json& e : (*r.entry)["expectations"]) {
      if (!failed(e)) continue;
      const Json* evidence = e.contains("evidence") ? &e["evidence"] : nullptr;
      why += "<li>" + html_escape(e.value("text", std::string())) +
             (evidence != nullptr && evidence->is_string()
                  ? " <span class=\"dim\">(" + html_escape(evidence->get<std::string>()) + ")</span>"
                  : std::string()) +
             "</li>";
    }
    out += std::string("<tr class=\"") + (r.failed > 0 ? "fail" : "pass") + "\" data-seed=\"" +
           std::to_string(r.seed) + "\"><td>" + std::to_string(r.seed) + "</td><td>" +
           html_escape(short_number(r.score, 6)) + "</td><td>" + std::to_string(r.failed) +
           "</td><td>" + (why.empty() ? "<span class=\"dim\">-</span>" : "<ul>" + why + "</ul>") +
           "</td><td><code class=\"replay\">" +
           html_escape(replay_command(file, r.seed, procedures)) + "</code></td></tr>";
  }
  return out + "</table>";
}

std::string expectations_html(const Json& list, const std::string& where) {
  std::string out = "<h3>Expectations</h3>";
  if (list.empty()) return out + "<p class=\"dim\">The scenario states no expectations.</p>";
  out += "<table class=\"grid expectations\"><tr><th>expectation</th><th>met</th><th>pass "
         "rate</th></tr>";
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string w = at(at(where, "expectations"), i);
    const uint64_t passed = count_field(list[i], "passed", w);
    const uint64_t runs = count_field(list[i], "runs", w);
    const double rate = runs == 0 ? std::nan("") : static_cast<double>(passed) / runs;
    out += std::string("<tr class=\"") + (passed == runs ? "pass" : "fail") + "\"><td>" +
           html_escape(text_field(list[i], "text", w)) + "</td><td>" + std::to_string(passed) +
           " of " + std::to_string(runs) + "</td>" + rate_cell(rate) + "</tr>";
  }
  return out + "</table>";
}

std::string distributions_html(const Json& aggregates, const Json& seeds, size_t* charts) {
  std::string cards;
  std::string constant;
  std::string empty;
  for (const auto& [name, agg] : aggregates.items()) {
    EcdfSeries s;
    s.cls = "c0";
    s.runs = seeds.size();
    for (const Json& entry : seeds) {
      const double v = name == "score" ? number_or_nan(entry, "score")
                                       : number_or_nan(entry["metrics"], name.c_str());
      if (!std::isnan(v)) s.values.push_back(v);
    }
    // A metric with no value, or the same value on every seed, is one
    // line, not a chart.
    if (s.values.empty()) {
      empty += (empty.empty() ? "" : ", ") + html_escape(name);
      continue;
    }
    if (s.values.size() == s.runs &&
        std::all_of(s.values.begin(), s.values.end(),
                    [&](double v) { return v == s.values.front(); })) {
      constant += std::string(constant.empty() ? "" : ", ") + "<span class=\"constant\" data-metric=\"" +
                  html_escape(name) + "\">" + html_escape(name) + " " +
                  value_html(Json(s.values.front()), name) + "</span>";
      continue;
    }
    std::vector<EcdfMark> marks;
    const double p50 = number_or_nan(agg, "p50");
    const double p95 = number_or_nan(agg, "p95");
    if (!std::isnan(p50)) marks.push_back({"p50", p50});
    if (!std::isnan(p95) && p95 != p50) marks.push_back({"p95", p95});
    const std::string unit = is_seconds(name) ? "s" : "";
    std::string stats = "n " + value_html(agg.value("n", Json(nullptr)), "");
    for (const char* k : {"mean", "p50", "p95", "min", "max"}) {
      stats += " &middot; " + std::string(k) + " " +
               value_html(agg.contains(k) ? agg[k] : Json(nullptr), name);
    }
    cards += "<figure class=\"ecdf-card\" data-metric=\"" + html_escape(name) + "\">" +
             ecdf_svg(name, {s}, marks, unit) + "<figcaption>" + stats + "</figcaption></figure>";
    ++*charts;
  }
  std::string out = "<h3>Metrics over the seeds</h3>";
  if (!cards.empty()) out += "<div class=\"ecdf-grid\">" + cards + "</div>";
  if (!constant.empty()) out += "<p class=\"legend\">The same on every seed: " + constant + ".</p>";
  if (!empty.empty()) out += "<p class=\"legend\">No value in any run: " + empty + ".</p>";
  return out;
}

}  // namespace

std::string sweep_page(const Json& sweep, const std::string& where) {
  if (!sweep.is_object()) throw ReportInputError(where + ": expected a JSON object");
  if (sweep.value("format", std::string()) != kSweepFormat) {
    throw ReportInputError(where + ": format: expected \"" + std::string(kSweepFormat) + "\"");
  }
  const Json& seeds = object_field(sweep, "seeds", where);
  const uint64_t first = count_field(seeds, "first", at(where, "seeds"));
  const uint64_t last = count_field(seeds, "last", at(where, "seeds"));
  const uint64_t runs = count_field(sweep, "runs", where);
  const uint64_t passed = count_field(sweep, "passed_runs", where);
  const Json& scenarios = array_field(sweep, "scenarios", where);
  std::string procedures;
  std::string procedures_html = "each scenario's own";
  if (sweep.contains("procedures") && sweep["procedures"].is_object()) {
    procedures = text_field(sweep["procedures"], "path", at(where, "procedures"));
    procedures_html = "<code>" + html_escape(procedures) + "</code>";
    if (sweep["procedures"].contains("hash") && sweep["procedures"]["hash"].is_string()) {
      procedures_html +=
          " hash <code>" + html_escape(sweep["procedures"]["hash"].get<std::string>()) + "</code>";
    }
  }
  std::string shard;
  if (sweep.contains("shard") && sweep["shard"].is_object()) {
    shard = std::to_string(count_field(sweep["shard"], "index", at(where, "shard"))) + " of " +
            std::to_string(count_field(sweep["shard"], "count", at(where, "shard")));
  }
  const std::string range = std::to_string(first) + ".." + std::to_string(last);

  std::string body = "<header><h1>Sweep: " + std::to_string(scenarios.size()) +
                     (scenarios.size() == 1 ? " scenario" : " scenarios") + ", seeds " + range +
                     "</h1><table class=\"meta\">";
  body += "<tr><th>result</th><td>" +
          std::string(passed == runs ? "<span class=\"verdict pass\">PASS</span>"
                                     : "<span class=\"verdict fail\">FAIL</span>") +
          " " + std::to_string(passed) + " of " + std::to_string(runs) +
          " runs met every expectation (" +
          html_escape(percent(runs == 0 ? std::nan("") : static_cast<double>(passed) / runs)) +
          ")</td></tr>";
  body += "<tr><th>procedures</th><td>" + procedures_html + "</td></tr>";
  if (!shard.empty()) {
    body += "<tr><th>shard</th><td>" + html_escape(shard) +
            " (only this shard's runs; <code>dreamsim merge</code> gives the whole sweep)</td></tr>";
  }
  body += "</table></header>\n";

  // The overview, then a section per scenario.
  std::string overview =
      "<section id=\"overview\"><h2>Scenarios</h2><table class=\"grid overview\"><tr>"
      "<th>scenario</th><th>runs</th><th>passed</th><th>pass rate</th><th>score p50</th>"
      "<th>score min</th></tr>";
  std::string sections;
  size_t charts = 0;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const Json& s = scenarios[i];
    const std::string w = at(at(where, "scenarios"), i);
    const std::string name = text_field(s, "name", w);
    const std::string file = text_field(s, "file", w);
    const uint64_t s_runs = count_field(s, "runs", w);
    const uint64_t s_passed = count_field(s, "passed_runs", w);
    const Json& metrics = object_field(s, "metrics", w);
    const Json& expectations = array_field(s, "expectations", w);
    const Json& seed_list = array_field(s, "seeds", w);
    for (size_t k = 0; k < seed_list.size(); ++k) {
      object_field(seed_list[k], "metrics", at(at(w, "seeds"), k));
    }
    const double rate = s_runs == 0 ? std::nan("") : static_cast<double>(s_passed) / s_runs;
    const std::string id = "scenario-" + std::to_string(i + 1);
    const Json score = metrics.contains("score") ? metrics["score"] : Json::object();
    overview += std::string("<tr class=\"") + (s_passed == s_runs ? "pass" : "fail") +
                "\"><td><a href=\"#" + id + "\">" + html_escape(name) + "</a></td><td>" +
                std::to_string(s_runs) + "</td><td>" + std::to_string(s_passed) + "</td>" +
                rate_cell(rate) + "<td>" + value_html(score.value("p50", Json(nullptr)), "") +
                "</td><td>" + value_html(score.value("min", Json(nullptr)), "") + "</td></tr>";
    sections += "<section class=\"scenario\" id=\"" + id + "\" data-scenario=\"" +
                html_escape(name) + "\" data-failing=\"" + (s_passed == s_runs ? "0" : "1") +
                "\"><h2>" + html_escape(name) + " <span class=\"verdict " +
                (s_passed == s_runs ? "pass\">" : "fail\">") + html_escape(percent(rate)) +
                "</span></h2><p class=\"legend\"><code>" + html_escape(file) + "</code>, " +
                std::to_string(s_runs) + " runs, " + std::to_string(s_passed) +
                " met every expectation.</p>";
    sections += expectations_html(expectations, w);
    sections += worst_seeds_html(seed_list, file, procedures, w);
    sections += distributions_html(metrics, seed_list, &charts);
    sections += "</section>\n";
  }
  overview += "</table></section>\n";
  body += "<nav><a href=\"#overview\">scenarios</a> <label>filter: <input id=\"filter\" "
          "type=\"search\" placeholder=\"scenario name\"></label> <label><input id=\"only-failing\" "
          "type=\"checkbox\"> only scenarios with a failed run</label></nav>\n";
  body += "<p class=\"legend\">Each chart is the empirical distribution (CDF) of one metric over "
          "the seeds: a step per seed, the height the fraction of runs at or below the value; "
          "dashed lines mark the p50 and p95 (nearest rank). A curve that stops below 1 has runs "
          "without a value (never detected, never recovered), counted as \"never\".</p>\n";
  body += overview + sections;
  body += "<p class=\"dim\" id=\"chart-count\" data-charts=\"" + std::to_string(charts) + "\">" +
          std::to_string(charts) + " charts, rendered from sweep.json.</p>\n";
  return standalone_page("sweep, seeds " + range + " - dreamsim", body);
}

}  // namespace dreamsim::report
