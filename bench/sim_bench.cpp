// Micro-benchmarks of the engine's parts: the event queue under the hold
// model, stream draws, and duration parsing. Figures are for comparison
// between changes on one machine, not absolute truths.
#include <benchmark/benchmark.h>

#include "sim/random.hpp"
#include "sim/simulation.hpp"
#include "sim/time.hpp"

namespace dreamsim::sim {
namespace {

// The hold model: a queue of N pending events; each iteration runs one event,
// which schedules one more at an exponential distance. Measures pop + push.
void BM_QueueHold(benchmark::State& state) {
  const auto n = static_cast<int64_t>(state.range(0));
  Simulation sim;
  Rng rng = derive_stream(1, "bench/hold");
  struct Hold {
    Simulation* sim;
    Rng* rng;
    void operator()() const {
      sim->after(Duration::micros(1 + static_cast<int64_t>(rng->exponential(1000.0))), *this);
    }
  };
  for (int64_t i = 0; i < n; ++i) {
    sim.after(Duration::micros(static_cast<int64_t>(rng.below(1000))), Hold{&sim, &rng});
  }
  for (auto _ : state) sim.run_events(1);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QueueHold)->Arg(1000)->Arg(100000)->Arg(1000000);

// Schedule then cancel: the cost of lazy cancellation.
void BM_QueueScheduleCancel(benchmark::State& state) {
  Simulation sim;
  int64_t t = 0;
  for (auto _ : state) {
    const EventId id = sim.at(Time::from_micros(++t), [] {});
    benchmark::DoNotOptimize(sim.cancel(id));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QueueScheduleCancel);

void BM_StreamNext(benchmark::State& state) {
  Rng rng = derive_stream(1, "bench/next");
  for (auto _ : state) benchmark::DoNotOptimize(rng.next());
}
BENCHMARK(BM_StreamNext);

void BM_StreamBelow(benchmark::State& state) {
  Rng rng = derive_stream(1, "bench/below");
  for (auto _ : state) benchmark::DoNotOptimize(rng.below(1000003));
}
BENCHMARK(BM_StreamBelow);

void BM_StreamExponential(benchmark::State& state) {
  Rng rng = derive_stream(1, "bench/exp");
  for (auto _ : state) benchmark::DoNotOptimize(rng.exponential(1.0));
}
BENCHMARK(BM_StreamExponential);

void BM_StreamNormal(benchmark::State& state) {
  Rng rng = derive_stream(1, "bench/normal");
  for (auto _ : state) benchmark::DoNotOptimize(rng.normal(0.0, 1.0));
}
BENCHMARK(BM_StreamNormal);

void BM_DeriveStream(benchmark::State& state) {
  uint64_t seed = 0;
  for (auto _ : state) benchmark::DoNotOptimize(derive_stream(++seed, "load/noise/api").next());
}
BENCHMARK(BM_DeriveStream);

void BM_ParseDuration(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parse_duration("1h30m15.25s").value);
}
BENCHMARK(BM_ParseDuration);

void BM_FormatDuration(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(format_duration(Duration::micros(5415250000)));
}
BENCHMARK(BM_FormatDuration);

}  // namespace
}  // namespace dreamsim::sim

BENCHMARK_MAIN();
