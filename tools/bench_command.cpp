// `dreamsim bench ...`: whole-program benchmarks with wall time and memory.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>

#include "sim/phold.hpp"
#include "sim/trace.hpp"
#include "tools/cli.hpp"

namespace dreamsim::tools {

double wall_seconds() {
  using Clock = std::chrono::steady_clock;  // determinism: tools/ only, never simulated
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

uint64_t peak_rss_bytes() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

namespace {

void add_phold(CLI::App& bench, int* exit_code) {
  auto params = std::make_shared<sim::PholdParams>();
  CLI::App* phold = bench.add_subcommand(
      "phold",
      "PHOLD: N logical processes exchanging events; measures the event engine.\n"
      "One time unit is one second of simulated time.");
  phold->add_option("--lps", params->lps, "logical processes")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100000000}))
      ->capture_default_str();
  phold->add_option("--events", params->events, "events to handle before stopping")
      ->check(kUnsignedInteger)
      ->capture_default_str();
  phold->add_option("--population", params->population, "initial events per LP")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1000000}))
      ->capture_default_str();
  phold->add_option("--remote", params->remote, "probability an event goes to a random LP")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  phold->add_option("--lookahead", params->lookahead, "minimum delay, in time units (s)")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  phold->add_option("--seed", params->seed, "root seed")
      ->check(kUnsignedInteger)
      ->capture_default_str();
  phold->callback([params, exit_code] {
    const sim::PholdParams& p = *params;
    std::printf("phold: lps=%llu events=%llu population=%llu remote=%g lookahead=%g seed=%llu\n",
                static_cast<unsigned long long>(p.lps), static_cast<unsigned long long>(p.events),
                static_cast<unsigned long long>(p.population), p.remote, p.lookahead,
                static_cast<unsigned long long>(p.seed));
    std::printf("  time unit: 1 s of simulated time (lookahead %g s, mean delay %g s)\n",
                p.lookahead, p.lookahead + 1.0);
    std::fflush(stdout);
    const double setup_start = wall_seconds();
    sim::PholdModel model(p);
    const double start = wall_seconds();
    const sim::PholdResult r = model.run();
    const double wall = wall_seconds() - start;
    const double setup = start - setup_start;
    const double rate = wall > 0 ? static_cast<double>(r.events) / wall : 0.0;
    std::printf("  events handled     %llu\n", static_cast<unsigned long long>(r.events));
    std::printf("  simulated time     %.3f s\n", r.final_time_s);
    std::printf("  setup seconds      %.3f (streams and initial events, not in the rate)\n", setup);
    std::printf("  wall seconds       %.3f\n", wall);
    std::printf("  events per second  %.0f\n", rate);
    std::printf("  peak pending       %llu\n", static_cast<unsigned long long>(r.peak_pending));
    std::printf("  queue bytes        %llu (%.1f per peak pending event)\n",
                static_cast<unsigned long long>(r.queue_bytes),
                r.peak_pending ? static_cast<double>(r.queue_bytes) / r.peak_pending : 0.0);
    std::printf("  LP state bytes     %llu (%.1f per LP)\n",
                static_cast<unsigned long long>(r.model_bytes),
                static_cast<double>(r.model_bytes) / static_cast<double>(p.lps));
    std::printf("  peak resident      %.1f MiB\n",
                static_cast<double>(peak_rss_bytes()) / (1024.0 * 1024.0));
    std::printf("  final hash         %s\n", sim::format_hash(r.hash).c_str());
    *exit_code = kExitOk;
  });
}

}  // namespace

void add_bench_command(CLI::App& app, int* exit_code) {
  CLI::App* bench = app.add_subcommand("bench", "benchmarks of the engine and the world model");
  bench->require_subcommand(1);
  add_phold(*bench, exit_code);
  add_bench_world(*bench, exit_code);
}

}  // namespace dreamsim::tools
