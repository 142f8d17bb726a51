// `dreamsim run SCENARIO [--seed N] [--out DIR] [--procedures FILE]
// [--no-controllers]`: loads a scenario and its procedures, runs the world
// with the controllers (start-up when the scenario asks for it, alerting,
// incident runbook, kill switch), prints a short summary and, with --out,
// writes DIR/outcome.json. --no-controllers runs "what happens if nobody
// acts".
//
// Exit codes (DESIGN.md): 0 when every expectation is met, 1 when one failed
// (the failed ones are printed with their evidence, and the command that
// replays the run), 2 on bad input: a scenario or procedures file the loader
// rejects (every problem is printed, one per line), an output directory that
// cannot be written.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/expectations.hpp"
#include "model/outcome.hpp"
#include "model/procedures_loader.hpp"
#include "model/run.hpp"
#include "model/scenario_loader.hpp"
#include "model/world.hpp"
#include "reports/series.hpp"
#include "sim/simulation.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"
#include "tools/cli.hpp"

namespace dreamsim::tools {
namespace {

struct RunParams {
  std::string scenario;
  std::optional<uint64_t> seed;
  std::string out;
  std::string procedures;
  bool no_controllers = false;
  bool report = false;
};

std::string seconds_text(const std::optional<sim::Time>& t) {
  return t ? sim::format_duration(*t - sim::Time::zero()) : std::string("-");
}

void print_summary(const model::World& world, const std::string& procedures) {
  const model::Scenario& sc = world.scenario();
  const sim::Simulation& sim = world.simulation();
  const model::WorldMetrics m = world.metrics();
  std::printf("run %s: seed %llu, %s simulated in %lld ticks, %s\n", sc.name.c_str(),
              static_cast<unsigned long long>(world.seed()),
              sim::format_duration(sim.now() - sim::Time::zero()).c_str(),
              static_cast<long long>(world.total_ticks()), procedures.c_str());
  std::printf("  trace hash           %s\n", sim::format_hash(sim.trace().value()).c_str());
  std::printf("  events               %llu\n", static_cast<unsigned long long>(sim.events_run()));
  std::printf("  faults               %zu\n", world.faults().size());
  for (const model::FaultRecord& f : world.faults()) {
    std::printf("    %-18s %-16s start %-8s took effect %-8s end %-8s %s\n", to_string(f.kind),
                f.target.c_str(), seconds_text(f.start).c_str(),
                seconds_text(f.took_effect).c_str(), seconds_text(f.ended).c_str(),
                f.effect.c_str());
  }
  std::printf("  requests             %.0f\n", std::round(m.requests));
  std::printf("  failed requests      %.0f (%.4f %%)\n", std::round(m.failed_requests),
              m.requests > 0 ? 100.0 * m.failed_requests / m.requests : 0.0);
  std::printf("  SLO violation        %.0f s (error budget burned %.4f)\n", m.slo_violation_s,
              m.error_budget_burn);
  std::printf("  writes lost          %.0f\n", std::round(m.writes_lost));
  std::printf("  records exfiltrated  %.0f\n", std::round(m.records_exfiltrated));
  std::printf("  OOM kills            %lld\n", static_cast<long long>(m.ooms));
  const double p95 = world.run_latency_quantile(0.95);
  if (std::isfinite(p95)) std::printf("  user p95 (run)       %.4f s\n", p95);
  for (const model::CheckFailure& c : world.check_failures()) {
    std::printf("  pre-startup check fails: %s\n", c.reason.c_str());
  }
  std::printf("  alerts               %zu\n", world.alerts().size());
  for (const model::AlertRecord& a : world.alerts()) {
    std::printf("    %-3s %-18s %-16s fired %-8s resolved %s\n", a.severity.c_str(),
                a.signal.c_str(), a.service.c_str(), seconds_text(a.fired_at).c_str(),
                seconds_text(a.resolved_at).c_str());
  }
  std::printf("  actions              %zu\n", world.actions().size());
  for (const model::ActionRecord& a : world.actions()) {
    std::printf("    %-8s %-9s %-26s %-16s %s\n", seconds_text(a.at).c_str(), a.controller.c_str(),
                a.kind.c_str(), a.target.c_str(), a.reason.c_str());
  }
}

void print_expectations(const nlohmann::ordered_json& outcome) {
  const nlohmann::ordered_json& list = outcome["expectations"];
  std::printf("  expectations         %zu\n", list.size());
  for (const nlohmann::ordered_json& r : list) {
    const nlohmann::ordered_json& passed = r["passed"];
    const char* mark = passed.is_boolean() ? (passed.get<bool>() ? "ok  " : "FAIL")
                       : r.value("reached", false) ? "seen" : "----";
    std::printf("    %s %s: %s\n", mark, r["text"].get<std::string>().c_str(),
                r["evidence"].get<std::string>().c_str());
  }
  if (outcome["score"].is_number()) {
    std::printf("  score                %.1f\n", outcome["score"].get<double>());
  }
}

// The deployments of the run, one line each, from its outcome.
void print_deployments(const nlohmann::ordered_json& outcome) {
  const auto it = outcome.find("deployments");
  if (it == outcome.end() || it->empty()) return;
  std::printf("  deployments          %zu\n", it->size());
  for (const auto& d : *it) {
    const double exposed = d.value("users_exposed", 0.0);
    std::printf("    %-16s %-8s %-8s %-11s users exposed %.0f: %s\n",
                d.value("service", "").c_str(), d.value("version", "").c_str(),
                d.value("strategy", "").c_str(), d.value("result", "").c_str(), std::round(exposed),
                d.value("reason", "").c_str());
  }
}

}  // namespace

void add_run_command(CLI::App& app, int* exit_code) {
  auto params = std::make_shared<RunParams>();
  CLI::App* sub = app.add_subcommand(
      "run",
      "run a scenario and write outcome.json; exit 0 when every "
      "expectation is met, 1 when one failed, 2 on bad input");
  sub->add_option("SCENARIO", params->scenario, "scenario file (.yaml, .yml or .json)")
      ->required();
  sub->add_option("--seed", params->seed, "root seed (default: the scenario's seed)")
      ->check(kUnsignedInteger);
  sub->add_option("--out", params->out,
                  "directory to write outcome.json and series.json (the golden signals over "
                  "time and the graph, for the reports) into");
  sub->add_option("--procedures", params->procedures,
                  "procedures file (default: the scenario's, else the seed's numbers)");
  sub->add_flag("--no-controllers", params->no_controllers,
                "run with no controllers: what happens if nobody acts");
  sub->add_flag("--report", params->report,
                "also render report.html, dag.svg, dag.dot and trace.json into the --out "
                "directory (as 'dreamsim report DIR' does)");
  sub->callback([params, exit_code] {
    if (params->report && params->out.empty()) {
      throw InputError("--report needs --out DIR: the reports are rendered from the run directory");
    }
    const model::LoadResult loaded = model::load_scenario(params->scenario);
    if (!loaded.ok()) {
      std::cerr << loaded.format();
      std::cerr << "dreamsim run: " << params->scenario << ": " << loaded.diagnostics.size()
                << (loaded.diagnostics.size() == 1 ? " problem" : " problems")
                << "; nothing was run\n";
      *exit_code = kExitBadInput;
      return;
    }
    const model::Scenario& scenario = *loaded.scenario;
    ctl::Procedures procedures = scenario.procedures_loaded.value_or(ctl::Procedures{});
    if (!params->procedures.empty()) {
      if (model::load_input(params->procedures).kind == model::InputKind::kScenario) {
        throw InputError("--procedures: " + params->procedures +
                         " is a scenario file, not a procedures file (see "
                         "scenarios/procedures/default.yaml)");
      }
      const model::ProceduresLoad p = model::load_procedures(params->procedures);
      if (!p.ok()) {
        std::cerr << p.format();
        std::cerr << "dreamsim run: " << params->procedures << ": " << p.problems
                  << (p.problems == 1 ? " problem" : " problems") << "; nothing was run\n";
        *exit_code = kExitBadInput;
        return;
      }
      procedures = *p.procedures;
    }
    model::RunOptions options;
    options.seed = params->seed.value_or(scenario.seed);
    options.controllers = !params->no_controllers;
    model::Run run(scenario, procedures, options);
    run.execute();
    const std::string procedures_text =
        params->no_controllers
            ? std::string("no controllers")
            : "procedures " + (procedures.path.empty() ? std::string("(built-in defaults)")
                                                       : procedures.path + " " + procedures.hash);
    print_summary(run.world(), procedures_text);
    const nlohmann::ordered_json outcome = run.outcome();
    print_deployments(outcome);
    if (!params->out.empty()) {
      const std::string error = model::write_outcome(params->out, outcome);
      if (!error.empty()) throw InputError("--out: " + error);
      std::printf("  outcome              %s\n",
                  (std::filesystem::path(params->out) / "outcome.json").string().c_str());
      const std::string series_error = report::write_series(params->out, report::series_json(run));
      if (!series_error.empty()) throw InputError("--out: " + series_error);
      std::printf("  series               %s\n",
                  (std::filesystem::path(params->out) / "series.json").string().c_str());
      if (params->report) write_reports_or_fail(params->out);
    }
    print_expectations(outcome);
    if (model::expectations_passed(outcome)) {
      *exit_code = kExitOk;
      return;
    }
    std::fflush(stdout);
    const std::vector<std::string> failed = model::failed_expectations(outcome);
    std::fprintf(stderr, "dreamsim run: %zu %s failed:\n", failed.size(),
                 failed.size() == 1 ? "expectation" : "expectations");
    for (const std::string& f : failed) std::fprintf(stderr, "  %s\n", f.c_str());
    std::string replay = model::replay_command(params->scenario, options.seed, procedures.path);
    if (params->no_controllers) replay += " --no-controllers";
    std::fprintf(stderr, "replay: %s\n", replay.c_str());
    *exit_code = kExitFailed;
  });
}

}  // namespace dreamsim::tools
