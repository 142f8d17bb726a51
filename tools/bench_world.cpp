// `dreamsim bench world`: the world model with no controllers on a random,
// seeded dependency DAG, timed. The issue-3 target is 1,000 services with 3
// dependencies each for 24 simulated hours at 1 s ticks (86.4 million
// service-ticks) in at most 10 s on one core, under 1 GiB of memory.
//
// The graph: service i depends on `degree` distinct services drawn from the
// 64 declared after it (so the graph is acyclic by construction), each
// called 0.3 times per request, so that demand stays bounded however deep the
// graph is. Services nobody calls get a diurnal entry load with 5 % AR(1)
// noise. Capacities are then sized from the nominal demand so that each
// service peaks at a utilisation between 0.3 and 0.75; a few faults (crash,
// latency, leak, errors) keep the fault paths in the measurement.
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "model/scenario.hpp"
#include "model/world.hpp"
#include "sim/random.hpp"
#include "sim/simulation.hpp"
#include "sim/trace.hpp"
#include "tools/cli.hpp"

namespace dreamsim::tools {
namespace {

struct BenchWorldParams {
  size_t services = 1000;
  double hours = 24.0;
  size_t degree = 3;
  uint64_t seed = 1;
};

// Dependencies are drawn from the next kWindow services, as layered
// architectures call the layers below them: almost every service then has
// callers, and a few dozen services near the top take the entry load (a
// uniform draw over all later services would leave a quarter of the graph
// uncalled, each with an entry load of its own).
constexpr size_t kWindow = 64;

model::Scenario random_scenario(const BenchWorldParams& p) {
  using namespace model;
  sim::Rng rng = sim::derive_stream(p.seed, "bench/world/dag");
  Scenario sc;
  sc.name = "bench-world";
  sc.seed = p.seed;
  sc.duration = sim::Duration::seconds(static_cast<int64_t>(p.hours * 3600.0));
  sc.tick = sim::Duration::seconds(1);
  const size_t n = p.services;
  sc.services.resize(n);
  std::vector<int> callers(n, 0);
  for (size_t i = 0; i < n; ++i) {
    Service& s = sc.services[i];
    s.id = "svc-" + std::to_string(i);
    s.replicas = static_cast<int>(rng.between(2, 8));
    s.service_time = sim::Duration::millis(rng.between(5, 40));
    s.service_time_cv = rng.bernoulli(0.5) ? 1.0 : 1.5;
    s.cpu_cores = 2.0;
    s.memory_per_inflight_mb = 0.5;
    s.timeout = sim::Duration::seconds(rng.between(1, 3));
    s.retries.count = static_cast<int>(rng.between(0, 2));
    s.retries.budget = rng.bernoulli(0.5) ? 0.1 : 0.0;
    s.core = i % 4 == 0;
    const size_t later = std::min(n - 1 - i, kWindow);
    const size_t k = std::min(p.degree, later);
    std::vector<size_t> picked;
    while (picked.size() < k) {
      const size_t d = i + 1 + rng.below(later);
      if (std::find(picked.begin(), picked.end(), d) == picked.end()) picked.push_back(d);
    }
    std::sort(picked.begin(), picked.end());
    for (size_t d : picked) {
      s.depends_on.push_back(DependencyEdge{d, 0.3});
      ++callers[d];
    }
  }
  // Entry load on every service nobody calls; nominal demand down the graph.
  std::vector<double> demand(n, 0.0);
  for (size_t i = 0; i < n; ++i) {
    if (callers[i] > 0) continue;
    EntryLoad load;
    load.service = i;
    load.profile.kind = LoadProfileKind::kDiurnal;
    load.profile.peak_rps = 100.0 + rng.uniform(0.0, 400.0);
    load.profile.trough_rps = 0.4 * load.profile.peak_rps;
    load.noise.cv = 0.05;
    load.noise.autocorrelation = 0.6;
    demand[i] += load.profile.peak_rps;
    sc.load.push_back(load);
  }
  for (size_t i = 0; i < n; ++i) {
    for (const DependencyEdge& e : sc.services[i].depends_on) {
      demand[e.service] += demand[i] * e.calls_per_request;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    Service& s = sc.services[i];
    const double rho = rng.uniform(0.3, 0.75);
    s.capacity_rps = std::max(10.0, demand[i] / (rho * s.replicas));
    // CPU at full capacity is 60 % of the cores, so the CPU never binds
    // before the configured capacity does (a CPU hog fault would change that).
    s.cpu_per_request_ms = 0.6 * s.cpu_cores * 1000.0 / s.capacity_rps;
  }
  // A few faults spread over the run.
  const int64_t span_s = std::max<int64_t>(1, sc.duration.us() / 1000000);
  for (int f = 0; f < 8; ++f) {
    Fault fault;
    fault.target_kind = FaultTargetKind::kService;
    fault.target = rng.below(n);
    fault.target_name = sc.services[fault.target].id;
    fault.start = sim::Time::from_seconds(rng.between(0, span_s - 1));
    fault.end = fault.start + sim::Duration::minutes(rng.between(5, 60));
    switch (f % 4) {
      case 0:
        fault.kind = FaultKind::kCrash;
        fault.replicas = 1;
        break;
      case 1:
        fault.kind = FaultKind::kLatency;
        fault.latency_add = sim::Duration::millis(300);
        break;
      case 2:
        fault.kind = FaultKind::kMemoryLeak;
        fault.leak_mb_per_min = 5.0;
        break;
      default:
        fault.kind = FaultKind::kErrors;
        fault.error_rate = 0.05;
        break;
    }
    sc.faults.push_back(fault);
  }
  std::sort(sc.faults.begin(), sc.faults.end(),
            [](const Fault& a, const Fault& b) { return a.start < b.start; });
  return sc;
}

// CPU seconds of this process: on a shared machine the wall clock also
// counts other processes' time, so both are printed.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

void add_bench_world(CLI::App& bench, int* exit_code) {
  auto params = std::make_shared<BenchWorldParams>();
  CLI::App* cmd = bench.add_subcommand(
      "world",
      "the world model with no controllers on a random seeded DAG;\n"
      "prints service-ticks per second and peak memory");
  cmd->add_option("--services", params->services, "services in the graph")
      ->check(CLI::Range(size_t{1}, size_t{1000000}))
      ->capture_default_str();
  cmd->add_option("--hours", params->hours, "simulated hours at 1 s ticks")
      ->check(CLI::Range(1.0 / 3600.0, 24.0 * 366))
      ->capture_default_str();
  cmd->add_option("--degree", params->degree, "dependencies per service")
      ->check(CLI::Range(size_t{0}, size_t{64}))
      ->capture_default_str();
  cmd->add_option("--seed", params->seed, "root seed")
      ->check(kUnsignedInteger)
      ->capture_default_str();
  cmd->callback([params, exit_code] {
    const BenchWorldParams& p = *params;
    std::printf("world: services=%zu hours=%g degree=%zu seed=%llu\n", p.services, p.hours,
                p.degree, static_cast<unsigned long long>(p.seed));
    std::fflush(stdout);
    const double build_start = wall_seconds();
    const model::Scenario sc = random_scenario(p);
    sim::Simulation sim;
    model::World world(sc, p.seed, sim);
    const double build = wall_seconds() - build_start;
    const double start = wall_seconds();
    const double cpu_start = cpu_seconds();
    world.run();
    const double wall = wall_seconds() - start;
    const double cpu = cpu_seconds() - cpu_start;
    const double service_ticks =
        static_cast<double>(world.total_ticks()) * static_cast<double>(p.services);
    std::printf("  service-ticks          %.0f\n", service_ticks);
    std::printf("  build seconds          %.3f\n", build);
    std::printf("  wall seconds           %.3f\n", wall);
    std::printf("  cpu seconds            %.3f\n", cpu);
    std::printf("  service-ticks/second   %.0f\n", wall > 0 ? service_ticks / wall : 0.0);
    std::printf("  ns per service-tick    %.1f\n", wall > 0 ? wall * 1e9 / service_ticks : 0.0);
    std::printf("  events                 %llu\n",
                static_cast<unsigned long long>(sim.events_run()));
    std::printf("  signal store bytes     %zu\n", world.signals().memory_bytes());
    std::printf("  peak resident          %.1f MiB\n",
                static_cast<double>(peak_rss_bytes()) / (1024.0 * 1024.0));
    std::printf("  failed requests        %.0f of %.0f\n", world.metrics().failed_requests,
                world.metrics().requests);
    std::printf("  trace hash             %s\n", sim::format_hash(sim.trace().value()).c_str());
    *exit_code = kExitOk;
  });
}

}  // namespace dreamsim::tools
