// `dreamsim sweep SCENARIO... --seeds A..B [--jobs J] [--shard K/N]
// [--procedures FILE] --out DIR` and `dreamsim merge DIR... --out DIR`.
//
// sweep runs every scenario on every seed (tools/sweep_runner.hpp), prints a
// line per scenario and the replay command of the first failed runs, and
// exits 0 when every run met its expectations, 1 when some did not, 2 on bad
// input. merge combines the --out directories of `sweep --shard K/N` for
// every K into exactly what the unsharded sweep writes, with the same exit
// codes.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "reports/gate_report.hpp"
#include "tools/cli.hpp"
#include "tools/sweep_runner.hpp"

namespace dreamsim::tools {
namespace {

struct SweepParams {
  std::vector<std::string> scenarios;
  std::string seeds;
  unsigned jobs = 0;
  std::string shard;
  std::string procedures;
  std::string out;
};

struct MergeParams {
  std::vector<std::string> dirs;
  std::string out;
};

std::string rate_text(size_t passed, size_t runs) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", runs ? 100.0 * passed / runs : 100.0);
  return buf;
}

// The per-scenario lines and the replay commands of failed runs.
void print_result(const SweepResult& r, const std::string& procedures, const std::string& out) {
  constexpr size_t kReplays = 5;
  size_t replays = 0;
  for (const report::ScenarioRuns& s : r.scenarios) {
    size_t passed = 0;
    for (const report::RunRecord& run : s.runs) passed += run.passed ? 1 : 0;
    std::printf("  %-34s %5zu runs  %5zu passed (%s)\n", s.name.c_str(), s.runs.size(), passed,
                rate_text(passed, s.runs.size()).c_str());
    for (const report::RunRecord& run : s.runs) {
      if (run.passed || replays >= kReplays) continue;
      ++replays;
      std::string failed;
      for (const report::Json& e : run.expectations) {
        if (e["passed"] == true) continue;
        failed = e.value("text", std::string());
        break;
      }
      std::printf("    seed %llu failed: %s\n      replay: %s\n",
                  static_cast<unsigned long long>(run.seed), failed.c_str(),
                  report::replay_command(s.file, run.seed, procedures).c_str());
    }
  }
  const size_t runs = r.sweep["runs"].get<size_t>();
  std::printf("  %zu runs, %zu failed an expectation; %s\n", runs, r.failed_runs,
              (std::filesystem::path(out) / "sweep.json").string().c_str());
}

}  // namespace

void add_sweep_command(CLI::App& app, int* exit_code) {
  auto params = std::make_shared<SweepParams>();
  CLI::App* sub = app.add_subcommand(
      "sweep",
      "run every scenario on every seed of a range on J threads into DIR (resumable); "
      "exit 0 when every run met its expectations, 1 when one did not, 2 on bad input");
  sub->add_option("SCENARIO", params->scenarios, "scenario files")->required();
  sub->add_option("--seeds", params->seeds, "seed range A..B (inclusive)")->required();
  sub->add_option("--jobs,-j", params->jobs, "threads (default: the machine's cores)")
      ->check(CLI::Range(1u, 1024u));
  sub->add_option("--shard", params->shard,
                  "K/N: run only the K-th of N deterministic slices (merge them with "
                  "`dreamsim merge`)");
  sub->add_option("--procedures", params->procedures,
                  "procedures file for every scenario (default: each scenario's own)");
  sub->add_option("--out", params->out, "output directory (resumed when it holds this sweep)")
      ->required();
  sub->callback([params, exit_code] {
    SweepPlan plan;
    plan.scenario_files = params->scenarios;
    plan.seeds = parse_seeds(params->seeds, "--seeds");
    if (!params->shard.empty()) {
      const auto [k, n] = parse_shard(params->shard, "--shard");
      plan.shard_index = k;
      plan.shard_count = n;
    }
    plan.procedures_file = params->procedures;
    plan.out = params->out;
    plan.jobs =
        params->jobs != 0 ? params->jobs : std::max(1u, std::thread::hardware_concurrency());
    const SweepResult r = run_sweep(plan);
    std::printf("sweep: %zu scenarios, seeds %llu..%llu%s\n", r.scenarios.size(),
                static_cast<unsigned long long>(plan.seeds.first),
                static_cast<unsigned long long>(plan.seeds.last),
                plan.shard_count > 1 ? (", shard " + params->shard).c_str() : "");
    print_result(r, plan.procedures_file, plan.out);
    *exit_code = r.failed_runs > 0 ? kExitFailed : kExitOk;
  });
}

void add_merge_command(CLI::App& app, int* exit_code) {
  auto params = std::make_shared<MergeParams>();
  CLI::App* sub = app.add_subcommand(
      "merge",
      "combine the --out directories of `dreamsim sweep --shard K/N` (every K of 1..N) into "
      "what one unsharded sweep writes; exit 0, 1 when some run failed, 2 on bad input");
  sub->add_option("DIR", params->dirs, "shard output directories")->required();
  sub->add_option("--out", params->out, "output directory")->required();
  sub->callback([params, exit_code] {
    const SweepResult r = merge_sweeps(params->dirs, params->out);
    std::printf("merge: %zu shard directories\n", params->dirs.size());
    const report::Json& procedures = r.sweep["procedures"];
    print_result(r, procedures.is_object() ? procedures.value("path", "") : std::string(),
                 params->out);
    *exit_code = r.failed_runs > 0 ? kExitFailed : kExitOk;
  });
}

}  // namespace dreamsim::tools
