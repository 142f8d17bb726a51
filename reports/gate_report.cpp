#include "reports/gate_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <utility>

#include "model/wilcoxon.hpp"

namespace dreamsim::report {
namespace {

// Whether a run met one expectation: its verdict, or for a `reachable`
// expectation (passed: null) whether the step was reached.
bool met(const Json& e) {
  const auto p = e.find("passed");
  if (p != e.end() && p->is_boolean()) return p->get<bool>();
  const auto r = e.find("reached");
  return r != e.end() && r->is_boolean() && r->get<bool>();
}

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr size_t kListedSeeds = 10;  // seeds named in a message

// A metric's value in a run, with null as the worst value in its direction.
double value_of(const RunRecord& r, const ctl::GatedMetric& m) {
  const Json* v = nullptr;
  if (m.name == "score") {
    v = &r.score;
  } else if (r.metrics.contains(m.name)) {
    v = &r.metrics[m.name];
  }
  if (v == nullptr || !v->is_number()) return m.higher_is_better ? -kInf : kInf;
  return v->get<double>();
}

double difference(double candidate, double baseline) {
  if (candidate == baseline) return 0;  // also two equal infinities
  return candidate - baseline;
}

double median(std::vector<double> v) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  return v[(v.size() - 1) / 2];  // nearest rank, the lower middle
}

std::string number_text(double v) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// A value of the metric for people: "never" for the null that counts as
// the worst, seconds with their unit.
std::string value_text(double v, const ctl::GatedMetric& m) {
  if (std::isinf(v)) return (v > 0) != m.higher_is_better ? "never" : number_text(v);
  if (std::isnan(v)) return "-";
  const bool seconds = m.name.size() > 2 && m.name.substr(m.name.size() - 2) == "_s";
  return number_text(v) + (seconds ? " s" : "");
}

std::string signed_text(double v, const ctl::GatedMetric& m) {
  const std::string t = value_text(v, m);
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  return (v > 0 ? "+" : "") + t;
}

std::string p_text(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", p);
  return buf;
}

Json number_json(double v) {
  if (std::isnan(v)) return nullptr;
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return rounded(v);
}

Json p_json(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", p);
  return std::stod(buf);
}

std::string seeds_text(const std::vector<uint64_t>& seeds) {
  std::string out;
  for (size_t i = 0; i < seeds.size() && i < kListedSeeds; ++i) {
    out += (i ? ", " : "") + std::to_string(seeds[i]);
  }
  if (seeds.size() > kListedSeeds) out += ", ... (" + std::to_string(seeds.size()) + " in all)";
  return out;
}

Json seeds_json(const std::vector<uint64_t>& seeds) {
  Json j = Json::array();
  for (uint64_t s : seeds) j.push_back(s);
  return j;
}

MetricCheck compare_metric(const GateScenario& s, const ctl::GatedMetric& m, double alpha) {
  MetricCheck c;
  c.metric = m;
  std::vector<double> diffs;
  std::vector<double> base;
  std::vector<double> cand;
  std::vector<std::pair<double, uint64_t>> worse;  // (badness, seed)
  const size_t n = std::min(s.baseline.size(), s.candidate.size());
  for (size_t i = 0; i < n; ++i) {
    const double b = value_of(s.baseline[i], m);
    const double k = value_of(s.candidate[i], m);
    base.push_back(b);
    cand.push_back(k);
    c.baseline_never += std::isinf(b) ? 1 : 0;
    c.candidate_never += std::isinf(k) ? 1 : 0;
    const double d = difference(k, b);
    diffs.push_back(d);
    const double badness = m.higher_is_better ? -d : d;
    if (badness > 0) worse.emplace_back(badness, s.candidate[i].seed);
  }
  c.pairs = n;
  c.baseline_median = median(base);
  c.candidate_median = median(cand);
  const model::SignedRankResult test = model::wilcoxon_signed_rank(diffs);
  c.zeros = test.zeros;
  c.p_value = test.p_value;
  c.exact = test.exact;
  c.shift = model::hodges_lehmann(diffs);
  std::vector<double> finite_base;
  for (double v : base) {
    if (std::isfinite(v)) finite_base.push_back(v);
  }
  const double scale = finite_base.empty() ? 0.0 : std::abs(median(finite_base));
  c.tolerance = std::max(m.tolerance, m.relative_tolerance * scale);
  c.worse_seeds = worse.size();
  std::stable_sort(worse.begin(), worse.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; i < worse.size() && i < 3; ++i) c.worst.push_back(worse[i].second);

  if (!(std::abs(c.shift) > c.tolerance)) {
    c.verdict = Verdict::kSame;
  } else if (c.p_value < alpha) {
    const bool bad = m.higher_is_better ? c.shift < 0 : c.shift > 0;
    c.verdict = bad ? Verdict::kWorse : Verdict::kBetter;
  } else {
    c.verdict = Verdict::kInconclusive;
  }
  return c;
}

std::vector<ExpectationCheck> compare_expectations(const GateScenario& s) {
  std::vector<ExpectationCheck> out;
  const size_t n = std::min(s.baseline.size(), s.candidate.size());
  for (size_t i = 0; i < n; ++i) {
    const Json& be = s.baseline[i].expectations;
    const Json& ce = s.candidate[i].expectations;
    const size_t m = std::min(be.size(), ce.size());
    for (size_t e = 0; e < m; ++e) {
      if (e == out.size())
        out.push_back(ExpectationCheck{be[e].value("text", ""), 0, 0, 0, {}, {}});
      ExpectationCheck& c = out[e];
      const bool b = met(be[e]);
      const bool k = met(ce[e]);
      ++c.runs;
      c.baseline_passed += b ? 1 : 0;
      c.candidate_passed += k ? 1 : 0;
      if (b && !k) c.broken_seeds.push_back(s.candidate[i].seed);
      if (!b && k) c.fixed_seeds.push_back(s.candidate[i].seed);
    }
  }
  return out;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += "&#10;";
        break;
      default:
        // Control characters are not allowed in XML 1.0.
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t') {
          out += ' ';
        } else {
          out += ch;
        }
    }
  }
  return out;
}

// Markdown table cells: no pipes, no line breaks.
std::string cell(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') {
      out += "\\|";
    } else if (ch == '\n') {
      out += ' ';
    } else {
      out += ch;
    }
  }
  return out;
}

std::string replays(const GateResult& r, const ScenarioVerdict& s, uint64_t seed) {
  return "replay: " + replay_command(s.file, seed, r.input.candidate_path) +
         " (baseline: " + replay_command(s.file, seed, r.input.baseline_path) + ")";
}

std::string expectation_message(const GateResult& r, const ScenarioVerdict& s,
                                const ExpectationCheck& e) {
  return "expectation '" + e.text + "' was met by the baseline but broken by the candidate on " +
         std::to_string(e.broken_seeds.size()) + " of " + std::to_string(e.runs) +
         " seeds: " + seeds_text(e.broken_seeds) + "; " + replays(r, s, e.broken_seeds.front());
}

std::string metric_message(const GateResult& r, const ScenarioVerdict& s, const MetricCheck& c) {
  const ctl::GatedMetric& m = c.metric;
  std::string msg = m.name + " is " + to_string(c.verdict) + " with the candidate (" +
                    (m.higher_is_better ? "higher" : "lower") + " is better): median " +
                    value_text(c.baseline_median, m) + " -> " + value_text(c.candidate_median, m) +
                    ", shift " + signed_text(c.shift, m) + " beyond the tolerance " +
                    value_text(c.tolerance, m) + ", Wilcoxon p = " + p_text(c.p_value) +
                    (c.p_value < r.input.gate.alpha ? " < " : " >= ") + "alpha " +
                    p_text(r.input.gate.alpha) + " (" + (c.exact ? "exact" : "normal") + ", " +
                    std::to_string(c.pairs - c.zeros) + " of " + std::to_string(c.pairs) +
                    " seeds differ); worse on " + std::to_string(c.worse_seeds) + " seeds";
  if (!c.worst.empty()) {
    msg += ", the worst " + seeds_text(c.worst) + "; " + replays(r, s, c.worst.front());
  }
  return msg;
}

}  // namespace

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kSame:
      return "same";
    case Verdict::kBetter:
      return "better";
    case Verdict::kWorse:
      return "worse";
    case Verdict::kInconclusive:
      return "inconclusive";
  }
  return "?";
}

std::string replay_command(const std::string& scenario_file, uint64_t seed,
                           const std::string& procedures_file) {
  std::string c = "dreamsim run " + scenario_file + " --seed " + std::to_string(seed);
  if (!procedures_file.empty()) c += " --procedures " + procedures_file;
  return c;
}

GateResult compare(GateInput input) {
  GateResult r;
  for (const GateScenario& s : input.scenarios) {
    ScenarioVerdict v;
    v.name = s.name;
    v.file = s.file;
    v.expectations = compare_expectations(s);
    bool worse = false;
    bool inconclusive = false;
    bool better = false;
    for (const ExpectationCheck& e : v.expectations) worse |= !e.broken_seeds.empty();
    for (const ctl::GatedMetric& m : input.gate.metrics) {
      v.metrics.push_back(compare_metric(s, m, input.gate.alpha));
      worse |= v.metrics.back().verdict == Verdict::kWorse;
      inconclusive |= v.metrics.back().verdict == Verdict::kInconclusive;
      better |= v.metrics.back().verdict == Verdict::kBetter;
    }
    v.verdict = worse          ? Verdict::kWorse
                : inconclusive ? Verdict::kInconclusive
                : better       ? Verdict::kBetter
                               : Verdict::kSame;
    r.failed_scenarios += v.failed() ? 1 : 0;
    r.scenarios.push_back(std::move(v));
  }
  for (GateScenario& s : input.scenarios) {
    s.baseline.clear();
    s.candidate.clear();
  }
  r.input = std::move(input);
  return r;
}

Json gate_json(const GateResult& r) {
  Json j;
  j["format"] = kGateFormat;
  j["passed"] = r.passed();
  j["baseline"] = {{"path", r.input.baseline_path}, {"hash", r.input.baseline_hash}};
  j["candidate"] = {{"path", r.input.candidate_path}, {"hash", r.input.candidate_hash}};
  j["seeds"] = {{"first", r.input.first_seed}, {"last", r.input.last_seed}};
  j["alpha"] = r.input.gate.alpha;
  j["gate_from"] = "baseline";
  j["candidate_gate_differs"] = r.input.candidate_gate_differs;
  j["failed_scenarios"] = r.failed_scenarios;
  Json scenarios = Json::array();
  for (const ScenarioVerdict& s : r.scenarios) {
    Json sj;
    sj["name"] = s.name;
    sj["file"] = s.file;
    sj["verdict"] = to_string(s.verdict);
    Json ex = Json::array();
    for (const ExpectationCheck& e : s.expectations) {
      ex.push_back({{"text", e.text},
                    {"runs", e.runs},
                    {"baseline_passed", e.baseline_passed},
                    {"candidate_passed", e.candidate_passed},
                    {"broken_seeds", seeds_json(e.broken_seeds)},
                    {"fixed_seeds", seeds_json(e.fixed_seeds)}});
    }
    sj["expectations"] = std::move(ex);
    Json ms = Json::array();
    for (const MetricCheck& c : s.metrics) {
      Json mj;
      mj["name"] = c.metric.name;
      mj["direction"] = c.metric.higher_is_better ? "higher" : "lower";
      mj["tolerance"] = number_json(c.tolerance);
      mj["pairs"] = c.pairs;
      mj["zeros"] = c.zeros;
      // A median that is "never" is null; baseline_never and
      // candidate_never count the nulls.
      mj["baseline_median"] = rounded(c.baseline_median);
      mj["candidate_median"] = rounded(c.candidate_median);
      mj["baseline_never"] = c.baseline_never;
      mj["candidate_never"] = c.candidate_never;
      mj["shift"] = number_json(c.shift);
      mj["p_value"] = p_json(c.p_value);
      mj["method"] = c.exact ? "exact" : "normal";
      mj["worse_seeds"] = c.worse_seeds;
      mj["worst_seeds"] = seeds_json(c.worst);
      mj["verdict"] = to_string(c.verdict);
      ms.push_back(std::move(mj));
    }
    sj["metrics"] = std::move(ms);
    scenarios.push_back(std::move(sj));
  }
  j["scenarios"] = std::move(scenarios);
  return j;
}

std::string junit_xml(const GateResult& r) {
  size_t tests = 0;
  size_t failures = 0;
  for (const ScenarioVerdict& s : r.scenarios) {
    tests += s.expectations.size() + s.metrics.size();
    for (const ExpectationCheck& e : s.expectations) failures += e.broken_seeds.empty() ? 0 : 1;
    for (const MetricCheck& c : s.metrics) failures += c.verdict == Verdict::kWorse ? 1 : 0;
  }
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"dreamsim gate\" tests=\"" << tests << "\" failures=\"" << failures
    << "\">\n";
  for (const ScenarioVerdict& s : r.scenarios) {
    size_t f = 0;
    for (const ExpectationCheck& e : s.expectations) f += e.broken_seeds.empty() ? 0 : 1;
    for (const MetricCheck& c : s.metrics) f += c.verdict == Verdict::kWorse ? 1 : 0;
    x << "  <testsuite name=\"" << xml_escape(s.name) << "\" tests=\""
      << s.expectations.size() + s.metrics.size() << "\" failures=\"" << f << "\">\n";
    const std::string classname = xml_escape("gate." + s.name);
    for (const ExpectationCheck& e : s.expectations) {
      x << "    <testcase classname=\"" << classname << "\" name=\""
        << xml_escape("expectation: " + e.text) << "\"";
      if (e.broken_seeds.empty()) {
        x << "/>\n";
        continue;
      }
      const std::string msg = expectation_message(r, s, e);
      x << ">\n      <failure message=\"" << xml_escape(msg) << "\" type=\"broken expectation\">"
        << xml_escape(msg) << "</failure>\n    </testcase>\n";
    }
    for (const MetricCheck& c : s.metrics) {
      x << "    <testcase classname=\"" << classname << "\" name=\""
        << xml_escape("metric: " + c.metric.name) << "\"";
      if (c.verdict == Verdict::kWorse) {
        const std::string msg = metric_message(r, s, c);
        x << ">\n      <failure message=\"" << xml_escape(msg) << "\" type=\"worse\">"
          << xml_escape(msg) << "</failure>\n    </testcase>\n";
      } else if (c.verdict == Verdict::kSame) {
        x << "/>\n";
      } else {
        x << ">\n      <system-out>" << xml_escape(metric_message(r, s, c))
          << "</system-out>\n    </testcase>\n";
      }
    }
    x << "  </testsuite>\n";
  }
  x << "</testsuites>\n";
  return x.str();
}

std::string summary_markdown(const GateResult& r) {
  std::ostringstream md;
  const size_t n = r.scenarios.size();
  md << "## dreamsim gate: " << (r.passed() ? "passed" : "FAILED") << "\n\n";
  md << "Candidate `" << r.input.candidate_path << "` (" << r.input.candidate_hash
     << ") against baseline `" << r.input.baseline_path << "` (" << r.input.baseline_hash
     << "), seeds " << r.input.first_seed << ".." << r.input.last_seed << ", alpha "
     << p_text(r.input.gate.alpha) << ": ";
  size_t counts[4] = {0, 0, 0, 0};
  for (const ScenarioVerdict& s : r.scenarios) ++counts[static_cast<int>(s.verdict)];
  md << n << " scenarios, " << counts[static_cast<int>(Verdict::kWorse)] << " worse, "
     << counts[static_cast<int>(Verdict::kInconclusive)] << " inconclusive, "
     << counts[static_cast<int>(Verdict::kBetter)] << " better, "
     << counts[static_cast<int>(Verdict::kSame)] << " same.\n\n";
  if (r.input.candidate_gate_differs) {
    md << "The candidate changes the `gate:` section; the gate applies the baseline's.\n\n";
  }
  md << "| scenario | verdict | expectations | metrics beyond tolerance |\n";
  md << "|---|---|---|---|\n";
  for (const ScenarioVerdict& s : r.scenarios) {
    size_t broken = 0;
    size_t fixed = 0;
    for (const ExpectationCheck& e : s.expectations) {
      broken += e.broken_seeds.empty() ? 0 : 1;
      fixed += e.fixed_seeds.empty() ? 0 : 1;
    }
    std::string ex = std::to_string(s.expectations.size() - broken) + "/" +
                     std::to_string(s.expectations.size()) + " kept";
    if (broken > 0) ex += ", **" + std::to_string(broken) + " broken**";
    if (fixed > 0) ex += ", " + std::to_string(fixed) + " fixed";
    std::string metrics;
    for (const MetricCheck& c : s.metrics) {
      if (c.verdict == Verdict::kSame) continue;
      if (!metrics.empty()) metrics += "; ";
      const std::string verdict = to_string(c.verdict);
      metrics += c.metric.name + " " + value_text(c.baseline_median, c.metric) + " -> " +
                 value_text(c.candidate_median, c.metric) + " (" +
                 (c.verdict == Verdict::kWorse ? "**" + verdict + "**" : verdict) + ", p " +
                 p_text(c.p_value) + ")";
    }
    if (metrics.empty()) metrics = "none";
    const std::string verdict = to_string(s.verdict);
    md << "| " << cell(s.name) << " | "
       << (s.verdict == Verdict::kWorse ? "**" + verdict + "**" : verdict) << " | " << cell(ex)
       << " | " << cell(metrics) << " |\n";
  }
  if (!r.passed()) {
    md << "\n### Why it failed\n\n";
    for (const ScenarioVerdict& s : r.scenarios) {
      for (const ExpectationCheck& e : s.expectations) {
        if (!e.broken_seeds.empty()) {
          md << "- **" << s.name << "**: " << expectation_message(r, s, e) << "\n";
        }
      }
      for (const MetricCheck& c : s.metrics) {
        if (c.verdict == Verdict::kWorse) {
          md << "- **" << s.name << "**: " << metric_message(r, s, c) << "\n";
        }
      }
    }
  }
  return md.str();
}

}  // namespace dreamsim::report
