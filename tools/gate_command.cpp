// `dreamsim gate --baseline FILE --candidate FILE SCENARIO... --seeds A..B
// --out DIR [--jobs J]`: runs both procedures files on the same seeds (two
// resumable sweeps, DIR/baseline and DIR/candidate), compares them paired
// per scenario (reports/gate_report.hpp), and writes DIR/gate.json,
// DIR/junit.xml and DIR/summary.md. Exit 0 when the candidate is not worse,
// 1 when it broke an expectation the baseline met or is significantly worse
// beyond tolerance on a gated metric, 2 on bad input.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "reports/gate_page.hpp"
#include "reports/gate_report.hpp"
#include "tools/cli.hpp"
#include "tools/sweep_runner.hpp"

namespace dreamsim::tools {
namespace {

namespace fs = std::filesystem;

struct GateParams {
  std::string baseline;
  std::string candidate;
  std::vector<std::string> scenarios;
  std::string seeds;
  std::string out;
  unsigned jobs = 0;
};

bool same_gate(const ctl::GateProcedures& a, const ctl::GateProcedures& b) {
  if (a.alpha != b.alpha || a.metrics.size() != b.metrics.size()) return false;
  for (size_t i = 0; i < a.metrics.size(); ++i) {
    const ctl::GatedMetric& x = a.metrics[i];
    const ctl::GatedMetric& y = b.metrics[i];
    if (x.name != y.name || x.higher_is_better != y.higher_is_better ||
        x.tolerance != y.tolerance || x.relative_tolerance != y.relative_tolerance) {
      return false;
    }
  }
  return true;
}

}  // namespace

void add_gate_command(CLI::App& app, int* exit_code) {
  auto params = std::make_shared<GateParams>();
  CLI::App* sub = app.add_subcommand(
      "gate",
      "compare two procedures files on the same seeds, paired per scenario and metric; writes "
      "gate.json, junit.xml and summary.md; exit 1 when the candidate is worse, 2 on bad input");
  sub->add_option("--baseline", params->baseline, "the procedures file of the main branch")
      ->required();
  sub->add_option("--candidate", params->candidate, "the procedures file of the change")
      ->required();
  sub->add_option("SCENARIO", params->scenarios, "scenario files")->required();
  sub->add_option("--seeds", params->seeds, "seed range A..B (inclusive)")->required();
  sub->add_option("--out", params->out, "output directory (resumed when it holds this gate)")
      ->required();
  sub->add_option("--jobs,-j", params->jobs, "threads (default: the machine's cores)")
      ->check(CLI::Range(1u, 1024u));
  sub->callback([params, exit_code] {
    const ctl::Procedures baseline = load_procedures_file(params->baseline, "--baseline");
    const ctl::Procedures candidate = load_procedures_file(params->candidate, "--candidate");
    SweepPlan plan;
    plan.scenario_files = params->scenarios;
    plan.seeds = parse_seeds(params->seeds, "--seeds");
    plan.jobs =
        params->jobs != 0 ? params->jobs : std::max(1u, std::thread::hardware_concurrency());
    plan.procedures_file = params->baseline;
    plan.out = (fs::path(params->out) / "baseline").string();
    plan.label = "gate baseline";
    const SweepResult base = run_sweep(plan);
    plan.procedures_file = params->candidate;
    plan.out = (fs::path(params->out) / "candidate").string();
    plan.label = "gate candidate";
    const SweepResult cand = run_sweep(plan);

    report::GateInput input;
    input.baseline_path = params->baseline;
    input.baseline_hash = baseline.hash;
    input.candidate_path = params->candidate;
    input.candidate_hash = candidate.hash;
    input.first_seed = plan.seeds.first;
    input.last_seed = plan.seeds.last;
    input.gate = baseline.gate;
    input.candidate_gate_differs = !same_gate(baseline.gate, candidate.gate);
    for (size_t i = 0; i < base.scenarios.size(); ++i) {
      report::GateScenario s;
      s.name = base.scenarios[i].name;
      s.file = base.scenarios[i].file;
      s.baseline = base.scenarios[i].runs;
      s.candidate = cand.scenarios[i].runs;
      input.scenarios.push_back(std::move(s));
    }
    const report::GateResult result = report::compare(std::move(input));
    const fs::path out(params->out);
    write_file_atomically((out / "gate.json").string(),
                          report::sweep_text(report::gate_json(result)), true);
    write_file_atomically((out / "junit.xml").string(), report::junit_xml(result), true);
    const std::string summary = report::summary_markdown(result);
    write_file_atomically((out / "summary.md").string(), summary, true);
    write_file_atomically((out / "report.html").string(),
                          report::gate_page(report::gate_json(result), base.sweep, cand.sweep,
                                            (out / "gate.json").string()),
                          true);

    std::printf("gate: %s against %s, %zu scenarios, seeds %s\n", params->candidate.c_str(),
                params->baseline.c_str(), result.scenarios.size(), params->seeds.c_str());
    for (const report::ScenarioVerdict& s : result.scenarios) {
      std::printf("  %-34s %s\n", s.name.c_str(), report::to_string(s.verdict));
    }
    if (!result.passed()) {
      std::printf("\n");
      // The failure lines of the summary, as plain text.
      const size_t at = summary.find("### Why it failed");
      if (at != std::string::npos) std::printf("%s", summary.substr(at).c_str());
    }
    std::printf("gate %s: %zu of %zu scenarios worse; %s, %s, %s, %s\n",
                result.passed() ? "passed" : "FAILED", result.failed_scenarios,
                result.scenarios.size(), (out / "summary.md").string().c_str(),
                (out / "junit.xml").string().c_str(), (out / "gate.json").string().c_str(),
                (out / "report.html").string().c_str());
    *exit_code = result.passed() ? kExitOk : kExitFailed;
  });
}

}  // namespace dreamsim::tools
