// The bare reference loop for PHOLD: the same model, streams and (time, seq)
// order as sim/phold.cpp, on a std::priority_queue of plain tuples with no
// engine abstractions (no closures, no slot table, no cancellation). Its
// events per second is the yardstick for the engine's overhead, measured side
// by side in one run by bench/phold_compare.sh. Its final hash must equal
// `dreamsim bench phold`'s for the same arguments (tests/sim/phold_test.cpp
// checks it), which proves both run the same model.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <queue>
#include <string>
#include <tuple>
#include <vector>

#include "sim/random.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace {

using dreamsim::sim::Duration;
using dreamsim::sim::Rng;

struct Args {
  uint64_t lps = 1000, events = 1000000, population = 1, seed = 1;
  double remote = 0.25, lookahead = 0.1;
};

bool parse(int argc, char** argv, Args& a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* v = argv[i + 1];
    if (flag == "--lps") a.lps = std::strtoull(v, nullptr, 10);
    else if (flag == "--events") a.events = std::strtoull(v, nullptr, 10);
    else if (flag == "--population") a.population = std::strtoull(v, nullptr, 10);
    else if (flag == "--seed") a.seed = std::strtoull(v, nullptr, 10);
    else if (flag == "--remote") a.remote = std::strtod(v, nullptr);
    else if (flag == "--lookahead") a.lookahead = std::strtod(v, nullptr);
    else return false;
  }
  return argc % 2 == 1 && a.lps > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse(argc, argv, a)) {
    std::fprintf(stderr,
                 "usage: phold_reference [--lps N] [--events M] [--population P] [--remote F] "
                 "[--lookahead L] [--seed S]\n");
    return 2;
  }
  std::vector<Rng> rngs;
  rngs.reserve(a.lps);
  for (uint64_t i = 0; i < a.lps; ++i) {
    rngs.emplace_back(dreamsim::sim::stream_seed(a.seed, "phold/lp/" + std::to_string(i)));
  }
  const int64_t lookahead_us = Duration::from_seconds(a.lookahead).us();
  // (time, seq, lp), smallest first.
  using Event = std::tuple<int64_t, uint64_t, uint32_t>;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> queue;
  uint64_t seq = 1;
  int64_t now = 0;
  auto schedule_from = [&](uint32_t lp) {
    Rng& rng = rngs[lp];
    uint32_t dest = lp;
    if (rng.bernoulli(a.remote)) dest = static_cast<uint32_t>(rng.below(a.lps));
    const int64_t delay = lookahead_us + Duration::from_seconds(rng.exponential(1.0)).us();
    queue.emplace(now + delay, seq++, dest);
  };
  for (uint32_t i = 0; i < a.lps; ++i) {
    for (uint64_t k = 0; k < a.population; ++k) schedule_from(i);
  }
  dreamsim::sim::TraceHasher trace;
  size_t peak = queue.size();
  const auto start = std::chrono::steady_clock::now();
  uint64_t handled = 0;
  while (handled < a.events && !queue.empty()) {
    const auto [t, s, lp] = queue.top();
    queue.pop();
    now = t;
    trace.word(static_cast<uint64_t>(t));
    trace.word(s);
    trace.end_record();
    schedule_from(lp);
    ++handled;
    if (queue.size() > peak) peak = queue.size();
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("phold reference loop (std::priority_queue)\n");
  std::printf("  events handled     %llu\n", static_cast<unsigned long long>(handled));
  std::printf("  wall seconds       %.3f\n", wall);
  std::printf("  events per second  %.0f\n", wall > 0 ? static_cast<double>(handled) / wall : 0.0);
  std::printf("  peak pending       %zu\n", peak);
  std::printf("  final hash         %s\n", dreamsim::sim::format_hash(trace.value()).c_str());
  return 0;
}
