#include "reports/gate_page.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

#include "reports/ecdf_svg.hpp"
#include "reports/gate_report.hpp"
#include "reports/html_report.hpp"
#include "reports/page_html.hpp"
#include "reports/sweep_report.hpp"

namespace dreamsim::report {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool is_seconds(const std::string& metric) {
  return metric.size() > 2 && metric.compare(metric.size() - 2, 2, "_s") == 0;
}

// A median or p95 for people: "never" for the null that counts as the worst.
std::string stat_text(double v, const std::string& metric) {
  if (std::isinf(v)) return "never";
  if (std::isnan(v)) return "-";
  return short_number(v, 6) + (is_seconds(metric) ? " s" : "");
}

// gate.json's shift: a number, or "inf"/"-inf".
double shift_of(const Json& m) {
  const auto it = m.find("shift");
  if (it == m.end()) return std::nan("");
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) return it->get<std::string>() == "-inf" ? -kInf : kInf;
  return std::nan("");
}

std::string signed_text(double v, const std::string& metric) {
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  if (std::isnan(v)) return "-";
  std::string out = v > 0 ? "+" : "";
  out += short_number(v, 6);
  if (is_seconds(metric)) out += " s";
  return out;
}

std::string verdict_badge(const std::string& v) {
  return "<span class=\"verdict " + html_escape(v) + "\">" + html_escape(v) + "</span>";
}

std::vector<uint64_t> seed_list(const Json& doc, const char* key, const std::string& where) {
  std::vector<uint64_t> out;
  const Json& list = array_field(doc, key, where);
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_number_unsigned()) {
      throw ReportInputError(at(at(where, key), i) + ": expected a seed");
    }
    out.push_back(list[i].get<uint64_t>());
  }
  return out;
}

// The scenario of a sweep document with this name, or null.
const Json* sweep_scenario(const Json& sweep, const std::string& name) {
  if (!sweep.is_object() || !sweep.contains("scenarios") || !sweep["scenarios"].is_array()) {
    return nullptr;
  }
  for (const Json& s : sweep["scenarios"]) {
    if (s.is_object() && s.value("name", std::string()) == name) return &s;
  }
  return nullptr;
}

// Per seed values of a metric in a sweep scenario (NaN: no value).
std::vector<double> values_of(const Json* scenario, const std::string& metric) {
  std::vector<double> out;
  if (scenario == nullptr || !scenario->contains("seeds")) return out;
  for (const Json& entry : (*scenario)["seeds"]) {
    out.push_back(metric == "score" ? number_or_nan(entry, "score")
                                    : number_or_nan(entry.value("metrics", Json::object()),
                                                    metric.c_str()));
  }
  return out;
}

// The nearest-rank p95 with no value as the worst value in the metric's
// direction, as the gate counts its medians: "never" when more than 5 % of
// the runs of a lower-is-better metric have none.
double p95_worst_is_never(std::vector<double> v, bool higher_is_better) {
  if (v.empty()) return std::nan("");
  for (double& x : v) {
    if (std::isnan(x)) x = higher_is_better ? -kInf : kInf;
  }
  std::sort(v.begin(), v.end());
  const size_t rank = std::max<size_t>(1, (95 * v.size() + 99) / 100);
  return v[rank - 1];
}

std::string replay_pair(const std::string& file, uint64_t seed, const std::string& candidate,
                        const std::string& baseline) {
  return "<div>seed " + std::to_string(seed) + ": <code class=\"replay\">" +
         html_escape(replay_command(file, seed, candidate)) +
         "</code> <span class=\"dim\">baseline:</span> <code class=\"replay\">" +
         html_escape(replay_command(file, seed, baseline)) + "</code></div>";
}

std::string seeds_html(const std::vector<uint64_t>& seeds) {
  if (seeds.empty()) return "<span class=\"dim\">none</span>";
  std::string out;
  for (size_t i = 0; i < seeds.size(); ++i) out += (i ? ", " : "") + std::to_string(seeds[i]);
  return html_escape(out);
}

}  // namespace

std::string gate_page(const Json& gate, const Json& baseline, const Json& candidate,
                      const std::string& where) {
  if (!gate.is_object()) throw ReportInputError(where + ": expected a JSON object");
  if (gate.value("format", std::string()) != kGateFormat) {
    throw ReportInputError(where + ": format: expected \"" + std::string(kGateFormat) + "\"");
  }
  const auto passed_it = gate.find("passed");
  if (passed_it == gate.end() || !passed_it->is_boolean()) {
    throw ReportInputError(at(where, "passed") + ": expected true or false");
  }
  const bool passed = passed_it->get<bool>();
  const Json& base = object_field(gate, "baseline", where);
  const Json& cand = object_field(gate, "candidate", where);
  const std::string base_path = text_field(base, "path", at(where, "baseline"));
  const std::string cand_path = text_field(cand, "path", at(where, "candidate"));
  const std::string base_hash = text_field(base, "hash", at(where, "baseline"));
  const std::string cand_hash = text_field(cand, "hash", at(where, "candidate"));
  const Json& seeds = object_field(gate, "seeds", where);
  const std::string range = std::to_string(count_field(seeds, "first", at(where, "seeds"))) +
                            ".." + std::to_string(count_field(seeds, "last", at(where, "seeds")));
  const Json& scenarios = array_field(gate, "scenarios", where);
  const double alpha = number_or_nan(gate, "alpha");
  const bool have_sweeps = baseline.is_object() && candidate.is_object();

  std::string body = "<header><h1>Gate: " + std::string(passed ? "passed" : "FAILED") + "</h1>";
  body += "<table class=\"meta\"><tr><th>result</th><td>" +
          std::string(passed ? "<span class=\"verdict pass\">PASS</span>"
                             : "<span class=\"verdict fail\">FAIL</span>") +
          " " + std::to_string(count_field(gate, "failed_scenarios", where)) + " of " +
          std::to_string(scenarios.size()) + " scenarios worse</td></tr>";
  body += "<tr><th>candidate</th><td><code>" + html_escape(cand_path) + "</code> hash <code>" +
          html_escape(cand_hash) + "</code></td></tr>";
  body += "<tr><th>baseline</th><td><code>" + html_escape(base_path) + "</code> hash <code>" +
          html_escape(base_hash) + "</code></td></tr>";
  body += "<tr><th>seeds</th><td>" + html_escape(range) + ", paired</td></tr>";
  body += "<tr><th>alpha</th><td>" + html_escape(short_number(alpha, 4)) +
          " (Wilcoxon signed-rank over the seeds; the shift is the Hodges-Lehmann "
          "estimate)</td></tr>";
  if (gate.value("candidate_gate_differs", false)) {
    body += "<tr><th>note</th><td>The candidate changes the <code>gate:</code> section; the gate "
            "applies the baseline's.</td></tr>";
  }
  body += "</table>";
  if (!have_sweeps) {
    body += "<p class=\"missing\">No baseline/sweep.json and candidate/sweep.json next to "
            "gate.json: no p95 and no distributions.</p>";
  }
  body += "</header>\n<nav><a href=\"#overview\">scenarios</a> <label>filter: <input "
          "id=\"filter\" type=\"search\" placeholder=\"scenario name\"></label> <label><input "
          "id=\"only-failing\" type=\"checkbox\"> only worse scenarios</label></nav>\n";

  std::string overview =
      "<section id=\"overview\"><h2>Scenarios</h2><table class=\"grid overview\"><tr>"
      "<th>scenario</th><th>verdict</th><th>expectations</th><th>metrics beyond "
      "tolerance</th></tr>";
  std::string sections;
  size_t charts = 0;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const Json& s = scenarios[i];
    const std::string w = at(at(where, "scenarios"), i);
    const std::string name = text_field(s, "name", w);
    const std::string file = text_field(s, "file", w);
    const std::string verdict = text_field(s, "verdict", w);
    const Json& expectations = array_field(s, "expectations", w);
    const Json& metrics = array_field(s, "metrics", w);
    const Json* bs = sweep_scenario(baseline, name);
    const Json* cs = sweep_scenario(candidate, name);
    const std::string id = "scenario-" + std::to_string(i + 1);

    // Gated metrics.
    std::string rows;
    std::string cards;
    std::string beyond;
    std::set<std::string> gated;
    for (size_t k = 0; k < metrics.size(); ++k) {
      const Json& m = metrics[k];
      const std::string mw = at(at(w, "metrics"), k);
      const std::string metric = text_field(m, "name", mw);
      gated.insert(metric);
      const bool higher = text_field(m, "direction", mw) == "higher";
      const std::string mv = text_field(m, "verdict", mw);
      const double never = higher ? -kInf : kInf;
      const double bmed = m.contains("baseline_median") && m["baseline_median"].is_number()
                              ? m["baseline_median"].get<double>()
                              : (count_field(m, "baseline_never", mw) > 0 ? never : std::nan(""));
      const double cmed = m.contains("candidate_median") && m["candidate_median"].is_number()
                              ? m["candidate_median"].get<double>()
                              : (count_field(m, "candidate_never", mw) > 0 ? never : std::nan(""));
      const std::vector<double> bv = values_of(bs, metric);
      const std::vector<double> cv = values_of(cs, metric);
      const double bp95 = p95_worst_is_never(bv, higher);
      const double cp95 = p95_worst_is_never(cv, higher);
      const uint64_t pairs = count_field(m, "pairs", mw);
      const uint64_t zeros = count_field(m, "zeros", mw);
      const std::vector<uint64_t> worst = seed_list(m, "worst_seeds", mw);
      // The worst seeds, and the commands that replay the worst of them.
      std::string worst_html;
      if (!worst.empty()) {
        worst_html = ", the worst " + seeds_html(worst) +
                     replay_pair(file, worst.front(), cand_path, base_path);
      }
      if (mv != "same") {
        beyond += (beyond.empty() ? "" : "; ") + html_escape(metric) + " " + verdict_badge(mv);
      }
      rows += "<tr class=\"" + std::string(mv == "worse" ? "fail" : "pass") +
              "\" data-metric=\"" + html_escape(metric) + "\"><th>" + html_escape(metric) +
              " <span class=\"dim\">(" + (higher ? "higher" : "lower") +
              " is better)</span></th><td class=\"num\">" + html_escape(stat_text(bmed, metric)) +
              "</td><td class=\"num\">" + html_escape(stat_text(cmed, metric)) +
              "</td><td class=\"num\">" + html_escape(stat_text(bp95, metric)) +
              "</td><td class=\"num\">" + html_escape(stat_text(cp95, metric)) +
              "</td><td class=\"num\">" + html_escape(signed_text(shift_of(m), metric)) +
              "</td><td class=\"num\">" +
              html_escape(stat_text(number_or_nan(m, "tolerance"), metric)) +
              "</td><td class=\"num\">" + html_escape(short_number(number_or_nan(m, "p_value"), 3)) +
              " <span class=\"dim\">(" + html_escape(m.value("method", std::string("-"))) + ", " +
              std::to_string(pairs - std::min(zeros, pairs)) + " of " + std::to_string(pairs) +
              " differ)</span></td><td>" + verdict_badge(mv) + "</td><td>" +
              (worst.empty() ? std::string("<span class=\"dim\">-</span>")
                             : "worse on " + std::to_string(count_field(m, "worse_seeds", mw)) +
                                   " of " + std::to_string(pairs) + " seeds" + worst_html) +
              "</td></tr>";
      // A metric with one value on every seed of both sides (no lost
      // writes anywhere) gets no chart: the table says it all.
      bool one_value = !bv.empty() && !std::isnan(bv.front());
      for (const std::vector<double>* side : {&bv, &cv}) {
        for (double v : *side) one_value &= v == bv.front();
      }
      if (bs != nullptr && cs != nullptr && !one_value) {
        EcdfSeries b{"baseline", "c0", {}, bv.size()};
        EcdfSeries c{"candidate", "c1", {}, cv.size()};
        for (double v : bv) {
          if (!std::isnan(v)) b.values.push_back(v);
        }
        for (double v : cv) {
          if (!std::isnan(v)) c.values.push_back(v);
        }
        cards += "<figure class=\"ecdf-card\" data-metric=\"" + html_escape(metric) + "\">" +
                 ecdf_svg(metric, {b, c}, {}, is_seconds(metric) ? "s" : "") +
                 "<figcaption>median " + html_escape(stat_text(bmed, metric)) + " &rarr; " +
                 html_escape(stat_text(cmed, metric)) + ", " + verdict_badge(mv) +
                 "</figcaption></figure>";
        ++charts;
      }
    }

    // Expectations.
    size_t broken = 0;
    size_t fixed = 0;
    std::string ex_rows;
    for (size_t k = 0; k < expectations.size(); ++k) {
      const Json& e = expectations[k];
      const std::string ew = at(at(w, "expectations"), k);
      const uint64_t runs = count_field(e, "runs", ew);
      const std::vector<uint64_t> b = seed_list(e, "broken_seeds", ew);
      const std::vector<uint64_t> f = seed_list(e, "fixed_seeds", ew);
      broken += b.empty() ? 0 : 1;
      fixed += f.empty() ? 0 : 1;
      std::string replays;
      for (size_t j = 0; j < b.size() && j < kReplayedSeeds; ++j) {
        replays += replay_pair(file, b[j], cand_path, base_path);
      }
      ex_rows += "<tr class=\"" + std::string(b.empty() ? "pass" : "fail") + "\"><td>" +
                 html_escape(text_field(e, "text", ew)) + "</td><td class=\"num\">" +
                 std::to_string(count_field(e, "baseline_passed", ew)) + " of " +
                 std::to_string(runs) + "</td><td class=\"num\">" +
                 std::to_string(count_field(e, "candidate_passed", ew)) + " of " +
                 std::to_string(runs) + "</td><td>" + seeds_html(b) + replays + "</td><td>" +
                 seeds_html(f) + "</td></tr>";
    }
    std::string ex_summary = std::to_string(expectations.size() - broken) + "/" +
                             std::to_string(expectations.size()) + " kept";
    if (broken > 0) ex_summary += ", " + std::to_string(broken) + " broken";
    if (fixed > 0) ex_summary += ", " + std::to_string(fixed) + " fixed";

    overview += "<tr class=\"" + std::string(verdict == "worse" ? "fail" : "pass") +
                "\"><td><a href=\"#" + id + "\">" + html_escape(name) + "</a></td><td>" +
                verdict_badge(verdict) + "</td><td>" + html_escape(ex_summary) + "</td><td>" +
                (beyond.empty() ? std::string("none") : beyond) + "</td></tr>";

    sections += "<section class=\"scenario\" id=\"" + id + "\" data-scenario=\"" +
                html_escape(name) + "\" data-failing=\"" + (verdict == "worse" ? "1" : "0") +
                "\"><h2>" + html_escape(name) + " " + verdict_badge(verdict) +
                "</h2><p class=\"legend\"><code>" + html_escape(file) + "</code></p>";
    sections += "<h3>Gated metrics</h3>";
    if (metrics.empty()) {
      sections += "<p class=\"dim\">The gate: section names no metric.</p>";
    } else {
      sections += "<table class=\"grid checks\"><tr><th>metric</th><th>baseline median</th>"
                  "<th>candidate median</th><th>baseline p95</th><th>candidate p95</th>"
                  "<th>shift</th><th>tolerance</th><th>p-value</th><th>verdict</th>"
                  "<th>worst seeds</th></tr>" +
                  rows + "</table>";
    }
    if (!cards.empty()) {
      sections += "<div class=\"ecdf-grid\">" + cards + "</div>";
    }
    sections += "<h3>Expectations</h3>";
    if (expectations.empty()) {
      sections += "<p class=\"dim\">The scenario states no expectations.</p>";
    } else {
      sections += "<table class=\"grid checks\"><tr><th>expectation</th><th>baseline met</th>"
                  "<th>candidate met</th><th>broken on (baseline met, candidate did not)</th>"
                  "<th>fixed on</th></tr>" +
                  ex_rows + "</table>";
    }
    // The other metrics, from the two sweeps' aggregates.
    if (bs != nullptr && cs != nullptr && bs->contains("metrics") && cs->contains("metrics") &&
        (*bs)["metrics"].is_object() && (*cs)["metrics"].is_object()) {
      std::string other;
      for (const auto& [metric, agg] : (*bs)["metrics"].items()) {
        if (gated.count(metric)) continue;
        const Json& cagg =
            (*cs)["metrics"].contains(metric) ? (*cs)["metrics"][metric] : Json::object();
        other += "<tr><th>" + html_escape(metric) + "</th>";
        other += "<td class=\"num\">" + html_escape(stat_text(number_or_nan(agg, "p50"), metric)) +
                 "</td><td class=\"num\">" +
                 html_escape(stat_text(number_or_nan(cagg, "p50"), metric)) +
                 "</td><td class=\"num\">" +
                 html_escape(stat_text(number_or_nan(agg, "p95"), metric)) +
                 "</td><td class=\"num\">" +
                 html_escape(stat_text(number_or_nan(cagg, "p95"), metric)) + "</td></tr>";
      }
      if (!other.empty()) {
        sections += "<h3>Other metrics</h3><p class=\"legend\">Not gated; p50 and p95 over the "
                    "runs that have a value.</p><table class=\"grid checks\"><tr><th>metric</th>"
                    "<th>baseline p50</th><th>candidate p50</th><th>baseline p95</th>"
                    "<th>candidate p95</th></tr>" +
                    other + "</table>";
      }
    }
    sections += "</section>\n";
  }
  overview += "</table></section>\n";
  body += "<p class=\"legend\">Per scenario the baseline and the candidate ran on the same seeds. "
          "Medians and p95 count a run without a value (never detected, never recovered) as the "
          "worst value, \"never\". The shift is candidate - baseline; a metric is worse or better "
          "when the shift is beyond the tolerance and p &lt; alpha, inconclusive when p &gt;= "
          "alpha. The charts are the empirical distributions over the seeds (blue baseline, "
          "orange candidate).</p>\n";
  body += overview + sections;
  body += "<p class=\"dim\" id=\"chart-count\" data-charts=\"" + std::to_string(charts) + "\">" +
          std::to_string(charts) + " charts, rendered from gate.json and the two sweeps.</p>\n";
  return standalone_page(std::string("gate ") + (passed ? "passed" : "FAILED") + ", seeds " +
                             range + " - dreamsim",
                         body);
}

}  // namespace dreamsim::report
