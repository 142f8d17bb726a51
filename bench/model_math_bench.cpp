// Micro-benchmarks of the model's pure math, the per-service-per-tick costs of
// the fluid model: LogHistogram::add, quantile, merge and add_from_cdf, and the
// queueing formulas. The budget is about 1 us per service-tick in all
// (algorithms.md 4.5), so that 1000 services x 86400 ticks stay in minutes.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "model/log_histogram.hpp"
#include "model/queueing.hpp"

namespace {

using dreamsim::model::LogHistogram;
using dreamsim::model::ResponseTime;

// Deterministic latencies spread over 1 ms .. 1 s by a fixed LCG, so the bench
// does not depend on sim/ and every run sees the same inputs.
std::vector<double> latencies(size_t n) {
  std::vector<double> out(n);
  uint64_t state = 12345;
  for (double& x : out) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const double u = static_cast<double>(state >> 11) * 0x1.0p-53;
    x = 1e-3 * std::exp2(10.0 * u);
  }
  return out;
}

void BM_HistogramAdd(benchmark::State& state) {
  const std::vector<double> values = latencies(4096);
  LogHistogram h;
  size_t i = 0;
  for (auto _ : state) {
    h.add(values[i]);
    i = (i + 1) & 4095;
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistogramAdd);

void BM_BucketIndex(benchmark::State& state) {
  const std::vector<double> values = latencies(4096);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(LogHistogram::bucket_index(values[i]));
    i = (i + 1) & 4095;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BucketIndex);

// p95 of a histogram that holds one minute of one service: 60 ticks of an
// M/M/c response-time distribution.
LogHistogram minute_histogram() {
  const ResponseTime rt = dreamsim::model::mmc_response_time(10, 900.0, 100.0);
  LogHistogram h;
  for (int tick = 0; tick < 60; ++tick) {
    h.add_from_cdf([&rt](double t) { return rt.cdf(t); }, 900, rt.quantile(0.5),
                   rt.quantile(0.999));
  }
  return h;
}

void BM_HistogramQuantileP95(benchmark::State& state) {
  const LogHistogram h = minute_histogram();
  for (auto _ : state) benchmark::DoNotOptimize(h.quantile(0.95));
}
BENCHMARK(BM_HistogramQuantileP95);

void BM_HistogramQuantileP50(benchmark::State& state) {
  const LogHistogram h = minute_histogram();
  for (auto _ : state) benchmark::DoNotOptimize(h.quantile(0.5));
}
BENCHMARK(BM_HistogramQuantileP50);

void BM_HistogramMerge(benchmark::State& state) {
  const LogHistogram tick = minute_histogram();
  LogHistogram window;
  for (auto _ : state) {
    window.merge(tick);
    benchmark::DoNotOptimize(window.count());
  }
}
BENCHMARK(BM_HistogramMerge);

// One service-tick of the fluid model's latency path: the typical M/M/c
// (c = 10, mu = 100/s, rho = 0.9), requests spread between its p50 and p99.9
// (about 2.8 octaves, 89 buckets). Args: the request count and the stride.
void BM_AddFromCdfMMc(benchmark::State& state) {
  const ResponseTime rt = dreamsim::model::mmc_response_time(10, 900.0, 100.0);
  const double lo = rt.quantile(0.5);
  const double hi = rt.quantile(0.999);
  const uint64_t total = static_cast<uint64_t>(state.range(0));
  const int stride = static_cast<int>(state.range(1));
  LogHistogram h;
  for (auto _ : state) {
    h.add_from_cdf([&rt](double t) { return rt.cdf(t); }, total, lo, hi, stride);
    benchmark::DoNotOptimize(h.count());
  }
  state.counters["buckets"] = LogHistogram::bucket_index(hi) - LogHistogram::bucket_index(lo) + 1;
}
BENCHMARK(BM_AddFromCdfMMc)->Args({900, 1})->Args({1000000, 1})->Args({900, 4});

// The same, with the distribution rebuilt each tick as the model will do.
void BM_ServiceTickLatencyPath(benchmark::State& state) {
  double lambda = 850.0;
  double hint = 0.0;
  LogHistogram h;
  for (auto _ : state) {
    lambda = (lambda >= 950.0) ? 850.0 : lambda + 0.37;
    const ResponseTime rt = dreamsim::model::mmc_response_time(10, lambda, 100.0);
    const double p50 = rt.quantile(0.5);
    hint = rt.quantile(0.999, hint);
    h.add_from_cdf([&rt](double t) { return rt.cdf(t); }, static_cast<uint64_t>(lambda), p50, hint);
    benchmark::DoNotOptimize(h.count());
  }
}
BENCHMARK(BM_ServiceTickLatencyPath);

void BM_ErlangC(benchmark::State& state) {
  const int servers = static_cast<int>(state.range(0));
  double a = 0.9 * servers;
  for (auto _ : state) {
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(dreamsim::model::erlang_c(servers, a));
  }
}
BENCHMARK(BM_ErlangC)->Arg(1)->Arg(10)->Arg(100)->Arg(1000);

void BM_ResponseSurvival(benchmark::State& state) {
  const ResponseTime rt = dreamsim::model::mmc_response_time(10, 900.0, 100.0);
  double t = 0.01;
  for (auto _ : state) {
    benchmark::DoNotOptimize(t);
    benchmark::DoNotOptimize(rt.survival(t));
  }
}
BENCHMARK(BM_ResponseSurvival);

void BM_ResponseQuantileP95(benchmark::State& state) {
  const ResponseTime rt = dreamsim::model::mmc_response_time(10, 900.0, 100.0);
  double q = 0.95;
  for (auto _ : state) {
    benchmark::DoNotOptimize(q);
    benchmark::DoNotOptimize(rt.quantile(q));
  }
}
BENCHMARK(BM_ResponseQuantileP95);

}  // namespace

BENCHMARK_MAIN();
