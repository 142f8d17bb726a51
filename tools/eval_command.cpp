// `dreamsim eval SCENARIO... --seeds A..B [--out DIR] [--procedures FILE]`:
// do the detectors earn their keep? Runs every scenario on every seed once
// per method and scores each method's own alerts against the faults the
// simulation injected (model/detection_eval.hpp):
//
//   static        the golden-signal alerting alone (detectors off): the
//                 seed's P0/P1/P2 thresholds
//   zscore        detectors in mode zscore: one robust |z| >= z_hard
//   cusum         detectors in mode cusum
//   nearest_self  detectors in mode nearest_self: farther than eps from
//                 every self vector on gated evaluations
//   hybrid        z_hard and CUSUM, and the nearest-self rule in place of
//                 the repertoire
//   full          the whole stack: z_hard, CUSUM and the V-detector repertoire
//
// Every method runs on the same seeds with the same procedures otherwise,
// and its alerts drive the incident runbook as they would in production, so
// each row is "the system with this detector". Per scenario (one fault
// class each in the library) the table gives recall, precision, median and
// p90 detection delay, false alerts per simulated day and the mean NAB
// score (standard profile), and a verdict: the full stack is kept for the
// class when its NAB score beats every other method's and it raises no more
// false alerts per day than static thresholds; the verdict also names the
// best method (highest NAB among those with no more false alerts per day
// than static thresholds). The table is printed and,
// with --out, written as DIR/eval.json and DIR/eval.md (atomically).
//
// Exit codes: 0 when it ran (whatever the table shows), 2 on bad input.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/detection_eval.hpp"
#include "model/outcome.hpp"
#include "model/procedures_loader.hpp"
#include "model/run.hpp"
#include "model/scenario_loader.hpp"
#include "tools/cli.hpp"

namespace dreamsim::tools {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct EvalParams {
  std::vector<std::string> scenarios;
  std::string seeds;
  std::string out;
  std::string procedures;
};

struct Method {
  const char* name;
  bool detectors;
  ctl::DetectorMode mode;
  const char* source;  // whose alerts are scored
};

constexpr Method kMethods[] = {
    {"static", false, ctl::DetectorMode::kFull, "alerting"},
    {"zscore", true, ctl::DetectorMode::kZScore, "detectors"},
    {"cusum", true, ctl::DetectorMode::kCusum, "detectors"},
    {"nearest_self", true, ctl::DetectorMode::kNearestSelf, "detectors"},
    {"hybrid", true, ctl::DetectorMode::kHybrid, "detectors"},
    {"full", true, ctl::DetectorMode::kFull, "detectors"},
};
constexpr size_t kMethodCount = std::size(kMethods);
constexpr size_t kFull = kMethodCount - 1;

// One (scenario, method) over the seeds.
struct Row {
  int runs = 0;
  int events = 0;
  int detected = 0;
  int alerts = 0;
  int true_alerts = 0;
  int false_alerts = 0;
  double days = 0.0;
  std::vector<double> delays_s;
  double nab_sum = 0.0;
  int nab_runs = 0;

  double recall() const { return events > 0 ? static_cast<double>(detected) / events : NAN; }
  double precision() const { return alerts > 0 ? static_cast<double>(true_alerts) / alerts : NAN; }
  double fa_per_day() const { return days > 0 ? false_alerts / days : NAN; }
  double nab() const { return nab_runs > 0 ? nab_sum / nab_runs : NAN; }
};

// "A..B" (inclusive) or a single "N".
std::pair<uint64_t, uint64_t> parse_seeds(const std::string& text) {
  auto number = [&](const std::string& s) -> uint64_t {
    if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos) {
      throw InputError("--seeds: expected A..B with non-negative integers A <= B, got '" + text +
                       "'");
    }
    return std::stoull(s);
  };
  const size_t dots = text.find("..");
  if (dots == std::string::npos) {
    const uint64_t n = number(text);
    return {n, n};
  }
  const uint64_t a = number(text.substr(0, dots));
  const uint64_t b = number(text.substr(dots + 2));
  if (a > b) throw InputError("--seeds: " + text + ": the first seed is after the last");
  if (b - a >= 100000) throw InputError("--seeds: " + text + ": at most 100000 seeds");
  return {a, b};
}

Json num(double v, double scale = 1e3) {
  if (!std::isfinite(v)) return Json(nullptr);
  return Json(std::round(v * scale) / scale);
}

std::string cell(double v, const char* fmt) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

}  // namespace

void add_eval_command(CLI::App& app, int* exit_code) {
  auto params = std::make_shared<EvalParams>();
  CLI::App* sub = app.add_subcommand(
      "eval",
      "compare static thresholds, z-score only, CUSUM only, a nearest-normal-sample rule and "
      "the full detector stack on the same seeds; prints a table, writes eval.json and eval.md");
  sub->add_option("SCENARIO", params->scenarios, "scenario files")->required();
  sub->add_option("--seeds", params->seeds, "seeds A..B (inclusive)")->required();
  sub->add_option("--out", params->out, "directory to write eval.json and eval.md into");
  sub->add_option("--procedures", params->procedures,
                  "procedures file (default: each scenario's, else the seed's numbers)");
  sub->callback([params, exit_code] {
    const auto [first_seed, last_seed] = parse_seeds(params->seeds);
    std::vector<model::LoadResult> loaded;
    for (const std::string& path : params->scenarios) {
      loaded.push_back(model::load_scenario(path));
      if (!loaded.back().ok()) {
        std::cerr << loaded.back().format();
        std::cerr << "dreamsim eval: " << path << ": " << loaded.back().diagnostics.size()
                  << (loaded.back().diagnostics.size() == 1 ? " problem" : " problems")
                  << "; nothing was run\n";
        *exit_code = kExitBadInput;
        return;
      }
    }
    std::optional<ctl::Procedures> override_procedures;
    if (!params->procedures.empty()) {
      if (model::load_input(params->procedures).kind == model::InputKind::kScenario) {
        throw InputError("--procedures: " + params->procedures +
                         " is a scenario file, not a procedures file");
      }
      const model::ProceduresLoad p = model::load_procedures(params->procedures);
      if (!p.ok()) {
        std::cerr << p.format();
        std::cerr << "dreamsim eval: " << params->procedures << ": " << p.problems
                  << (p.problems == 1 ? " problem" : " problems") << "; nothing was run\n";
        *exit_code = kExitBadInput;
        return;
      }
      override_procedures = *p.procedures;
    }

    Json rows = Json::array();
    Json verdicts = Json::array();
    std::string md =
        "# dreamsim eval\n\nseeds " + std::to_string(first_seed) + ".." +
        std::to_string(last_seed) +
        "; each method's own alerts scored against the injected faults (event level, grace " +
        std::to_string(model::kDetectionGraceUs / 60000000) +
        " min); NAB standard profile, mean over seeds.\n\n"
        "| scenario | class | method | recall | precision | delay median s | delay p90 s | "
        "false alerts/day | NAB |\n|---|---|---|---|---|---|---|---|---|\n";
    std::printf("%-28s %-14s %-13s %7s %9s %10s %10s %9s %7s\n", "scenario", "class", "method",
                "recall", "precision", "delay_med", "delay_p90", "FA/day", "NAB");
    for (const model::LoadResult& l : loaded) {
      const model::Scenario& scenario = *l.scenario;
      const ctl::Procedures base =
          override_procedures.value_or(scenario.procedures_loaded.value_or(ctl::Procedures{}));
      Row table[kMethodCount];
      std::string fault_class;
      for (size_t m = 0; m < kMethodCount; ++m) {
        ctl::Procedures p = base;
        p.detectors.enabled = kMethods[m].detectors;
        p.detectors.mode = kMethods[m].mode;
        for (uint64_t seed = first_seed;; ++seed) {
          model::RunOptions options;
          options.seed = seed;
          model::Run run(scenario, p, options);
          run.execute();
          const int64_t end_us = run.world().end().us();
          const std::vector<model::DetectionEvent> events =
              model::detection_events(run.world().faults(), end_us);
          if (fault_class.empty() && !events.empty()) fault_class = events.front().fault_class;
          std::vector<int64_t> fired;
          for (const model::AlertRecord& a : run.world().alerts()) {
            if (a.source == kMethods[m].source) fired.push_back(a.fired_at.us());
          }
          const model::SourceDetection s =
              model::score_source(kMethods[m].source, events, fired, end_us);
          Row& r = table[m];
          ++r.runs;
          r.events += s.events;
          r.detected += s.detected;
          r.alerts += s.alerts;
          r.true_alerts += s.true_alerts;
          r.false_alerts += s.false_alerts;
          r.days += s.days;
          r.delays_s.insert(r.delays_s.end(), s.delays_s.begin(), s.delays_s.end());
          if (std::isfinite(s.nab[0])) {
            r.nab_sum += s.nab[0];
            ++r.nab_runs;
          }
          if (seed == last_seed) break;
        }
      }
      if (fault_class.empty()) fault_class = "none";
      for (size_t m = 0; m < kMethodCount; ++m) {
        const Row& r = table[m];
        const double med = model::median_of(r.delays_s);
        const double p90 = model::quantile_of(r.delays_s, 0.9);
        std::printf("%-28s %-14s %-13s %7s %9s %10s %10s %9s %7s\n", scenario.name.c_str(),
                    fault_class.c_str(), kMethods[m].name, cell(r.recall(), "%.2f").c_str(),
                    cell(r.precision(), "%.2f").c_str(), cell(med, "%.0f").c_str(),
                    cell(p90, "%.0f").c_str(), cell(r.fa_per_day(), "%.1f").c_str(),
                    cell(r.nab(), "%.1f").c_str());
        md += "| " + scenario.name + " | " + fault_class + " | " + kMethods[m].name + " | " +
              cell(r.recall(), "%.2f") + " | " + cell(r.precision(), "%.2f") + " | " +
              cell(med, "%.0f") + " | " + cell(p90, "%.0f") + " | " +
              cell(r.fa_per_day(), "%.1f") + " | " + cell(r.nab(), "%.1f") + " |\n";
        rows.push_back(Json{{"scenario", scenario.name},
                            {"class", fault_class},
                            {"method", kMethods[m].name},
                            {"runs", r.runs},
                            {"events", r.events},
                            {"detected", r.detected},
                            {"recall", num(r.recall())},
                            {"alerts", r.alerts},
                            {"false_alerts", r.false_alerts},
                            {"precision", num(r.precision())},
                            {"delay_median_s", num(med)},
                            {"delay_p90_s", num(p90)},
                            {"false_alerts_per_day", num(r.fa_per_day())},
                            {"nab_standard", num(r.nab())}});
      }
      // The verdict for this class.
      const Row& full = table[kFull];
      bool beats_all = std::isfinite(full.nab());
      std::string beaten;
      for (size_t m = 0; m + 1 < kMethodCount; ++m) {
        const double other = table[m].nab();
        if (std::isfinite(other) && !(full.nab() > other)) {
          beats_all = false;
          beaten += std::string(beaten.empty() ? "" : ", ") + kMethods[m].name;
        }
      }
      const double static_fa = table[0].fa_per_day();
      const bool quiet_enough = !(full.fa_per_day() > static_fa);
      const bool kept = beats_all && quiet_enough;
      std::string reason;
      if (!std::isfinite(full.nab())) {
        reason = "no fault to detect";
      } else if (!beats_all) {
        reason = "NAB not above " + beaten;
      } else if (!quiet_enough) {
        reason = "more false alerts per day (" + cell(full.fa_per_day(), "%.1f") +
                 ") than static thresholds (" + cell(static_fa, "%.1f") + ")";
      } else {
        reason = "best NAB (" + cell(full.nab(), "%.1f") + ") with no more false alerts per day " +
                 "than static thresholds";
      }
      // The best method: highest NAB without more false alerts per day than
      // static thresholds; the first in kMethods order on a tie.
      size_t best = kMethodCount;
      for (size_t m = 0; m < kMethodCount; ++m) {
        const double nab = table[m].nab();
        if (!std::isfinite(nab) || table[m].fa_per_day() > static_fa) continue;
        if (best == kMethodCount || nab > table[best].nab()) best = m;
      }
      const std::string best_name = best < kMethodCount ? kMethods[best].name : "";
      verdicts.push_back(Json{{"scenario", scenario.name},
                              {"class", fault_class},
                              {"full_stack_kept", kept},
                              {"reason", reason},
                              {"best", best < kMethodCount ? Json(best_name) : Json(nullptr)}});
      std::printf("%-28s verdict: full stack %s: %s%s\n", scenario.name.c_str(),
                  kept ? "kept" : "not kept", reason.c_str(),
                  best < kMethodCount ? ("; best: " + best_name).c_str() : "");
    }
    md += "\n## Verdicts\n\nThe full stack is kept for a class only where its NAB score beats "
          "every other method's without more false alerts per day than static thresholds.\n\n";
    for (const Json& v : verdicts) {
      md += "- " + v["scenario"].get<std::string>() + " (" + v["class"].get<std::string>() +
            "): " + (v["full_stack_kept"].get<bool>() ? "kept" : "not kept") + "; " +
            v["reason"].get<std::string>() +
            (v["best"].is_null() ? "" : "; best: " + v["best"].get<std::string>()) + "\n";
    }
    if (!params->out.empty()) {
      std::error_code ec;
      fs::create_directories(params->out, ec);
      if (ec) throw InputError("--out: cannot create " + params->out + ": " + ec.message());
      Json doc;
      doc["format"] = "dreamsim.eval/1";
      doc["seeds"] = {first_seed, last_seed};
      Json methods = Json::array();
      for (const Method& m : kMethods) methods.push_back(m.name);
      doc["methods"] = std::move(methods);
      doc["grace_s"] = model::kDetectionGraceUs / 1000000;
      doc["rows"] = std::move(rows);
      doc["verdicts"] = std::move(verdicts);
      for (const auto& [name, text] :
           {std::pair<std::string, std::string>{"eval.json", doc.dump(2) + "\n"},
            std::pair<std::string, std::string>{"eval.md", md}}) {
        const std::string error = model::write_file_atomic((fs::path(params->out) / name).string(), text);
        if (!error.empty()) throw InputError("--out: " + error);
      }
      std::printf("wrote %s and %s\n", (fs::path(params->out) / "eval.json").string().c_str(),
                  (fs::path(params->out) / "eval.md").string().c_str());
    }
    *exit_code = kExitOk;
  });
}

}  // namespace dreamsim::tools
