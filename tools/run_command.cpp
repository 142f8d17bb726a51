// `dreamsim run SCENARIO [--seed N] [--out DIR] [--procedures FILE]`: loads a
// scenario, runs the world with no controllers ("what happens if nobody
// acts"), prints a short summary and, with --out, writes DIR/outcome.json.
//
// Exit codes (DESIGN.md): 0 when every expectation is met (until the scenario
// issue evaluates expectations, that is every completed run), 2 on bad input:
// a scenario the loader rejects (every problem is printed, one per line), a
// missing procedures file, an output directory that cannot be written.
// --procedures is accepted now and checked to exist; the controllers that
// read it arrive with issue 4.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "model/outcome.hpp"
#include "model/scenario_loader.hpp"
#include "model/world.hpp"
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
};

std::string seconds_text(const std::optional<sim::Time>& t) {
  return t ? sim::format_duration(*t - sim::Time::zero()) : std::string("-");
}

void print_summary(const model::World& world) {
  const model::Scenario& sc = world.scenario();
  const sim::Simulation& sim = world.simulation();
  const model::WorldMetrics m = world.metrics();
  std::printf("run %s: seed %llu, %s simulated in %lld ticks, no controllers\n", sc.name.c_str(),
              static_cast<unsigned long long>(world.seed()),
              sim::format_duration(sim.now() - sim::Time::zero()).c_str(),
              static_cast<long long>(world.total_ticks()));
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
    std::printf("  pre-startup check would fail: %s\n", c.reason.c_str());
  }
}

}  // namespace

void add_run_command(CLI::App& app, int* exit_code) {
  auto params = std::make_shared<RunParams>();
  CLI::App* sub = app.add_subcommand(
      "run",
      "run a scenario with no controllers and write outcome.json; exit 0 when every "
      "expectation is met, 1 when one failed, 2 on bad input");
  sub->add_option("SCENARIO", params->scenario, "scenario file (.yaml, .yml or .json)")
      ->required();
  sub->add_option("--seed", params->seed, "root seed (default: the scenario's seed)");
  sub->add_option("--out", params->out, "directory to write outcome.json into");
  sub->add_option("--procedures", params->procedures,
                  "procedures file (accepted; the controllers that use it come with issue 4)");
  sub->callback([params, exit_code] {
    const model::LoadResult loaded = model::load_scenario(params->scenario);
    if (!loaded.ok()) {
      std::cerr << loaded.format();
      std::cerr << "dreamsim run: " << params->scenario << ": " << loaded.diagnostics.size()
                << (loaded.diagnostics.size() == 1 ? " problem" : " problems")
                << "; nothing was run\n";
      *exit_code = kExitBadInput;
      return;
    }
    if (!params->procedures.empty()) {
      std::error_code ec;
      if (!std::filesystem::is_regular_file(params->procedures, ec)) {
        throw InputError("--procedures: " + params->procedures + ": no such file");
      }
    }
    const model::Scenario& scenario = *loaded.scenario;
    const uint64_t seed = params->seed.value_or(scenario.seed);
    sim::Simulation sim;
    model::World world(scenario, seed, sim);
    world.run();
    print_summary(world);
    if (!params->out.empty()) {
      const std::string error = model::write_outcome(params->out, model::outcome_json(world));
      if (!error.empty()) throw InputError("--out: " + error);
      std::printf("  outcome              %s\n",
                  (std::filesystem::path(params->out) / "outcome.json").string().c_str());
    }
    *exit_code = kExitOk;
  });
}

}  // namespace dreamsim::tools
