#include "model/world.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "model/topology.hpp"

namespace dreamsim::model {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Latencies above this are reported as this: an hour of queueing is already
// far past every timeout, and a finite cap keeps signals and digests finite.
constexpr double kMaxLatencyS = 3600.0;
// A timeout probability provably below about 1e-9 is taken as 0: no SLO
// can see it, and skipping the two exponentials of the survival function for
// the many services whose timeout is far in the tail saves a third of a
// tick. Since P(T > t) <= e^(-m t) (1 + C mu t) with m = min(mu, theta), the
// test m t > kNegligibleExponent and C mu t < kNegligibleSlope bounds it by
// e^-25 x 101 ~= 1.4e-9. It looks at the arguments only, so it is as
// deterministic as the exponentials it saves.
constexpr double kNegligibleExponent = 25.0;
constexpr double kNegligibleSlope = 100.0;
// A probability of waiting below this is taken as zero (see QuantileTable).
constexpr double kNegligibleWait = 1e-6;
// -ln(1 - q) for q = 0.50, 0.95, 0.99: the quantiles of an exponential
// service time with rate 1.
constexpr double kExpQuantile[3] = {0.69314718055994531, 2.9957322735539909,
                                    4.6051701859880914};
// How many services ahead own_latency asks the cache for table rows.
constexpr size_t kPrefetchAhead = 8;
// Failure probabilities below this are taken as 0 (see the timeout test
// above, which has the same order of magnitude).
constexpr double kNegligibleProbability = 1e-9;
// Iterations of the bisection that finds quantiles of a traffic split's
// mixture: 2^-48 of the bracket, far below the histogram's 1 %.
constexpr int kMixtureIterations = 48;
// The retry ring covers at most this many ticks ahead; longer delays are
// clamped to its end.
constexpr size_t kMaxRingSlots = 1024;

// One step of the per-tick digest: a multiply-xor fold in service order.
inline uint64_t fold(uint64_t h, int64_t v) {
  return (h ^ static_cast<uint64_t>(v)) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
}

// One service's quantised signals as one word. Each field gets its own odd
// multiplier, so that equal values in different fields do not cancel.
inline uint64_t mix_record(uint64_t id, int64_t a, int64_t b, int64_t c, int64_t d, int64_t e) {
  const uint64_t h = id * 0x9e3779b97f4a7c15ULL ^ static_cast<uint64_t>(a) * 0xc2b2ae3d27d4eb4fULL ^
                     static_cast<uint64_t>(b) * 0x165667b19e3779f9ULL ^
                     static_cast<uint64_t>(c) * 0xd6e8feb86659fd93ULL ^
                     static_cast<uint64_t>(d) * 0xff51afd7ed558ccdULL ^
                     static_cast<uint64_t>(e) * 0xc4ceb9fe1a85ec53ULL;
  return h ^ (h >> 29);
}

// The bit pattern of a float, with -0 as 0.
inline int64_t bits(float x) { return x == 0.0f ? 0 : std::bit_cast<uint32_t>(x); }

// A value truncated to a multiple of 1/scale, as an integer. Values are
// finite by construction; the clamp keeps the conversion defined even if one
// is not.
inline int64_t quantise(double v, double scale) {
  const double x = v * scale;
  if (!(x > -9.0e15)) return x != x ? INT64_MIN : -9000000000000000LL;
  if (x > 9.0e15) return 9000000000000000LL;
  return static_cast<int64_t>(x);
}

// (1 - p)^k for the share of calls that succeed when each of k calls fails
// with probability p; k is usually 1, where pow is skipped.
inline double survive_calls(double p, double k) {
  if (p <= 0.0) return 1.0;
  if (p >= 1.0) return 0.0;
  if (k == 1.0) return 1.0 - p;
  // Two terms of the binomial series, exact to p^3 (below 1e-12 here):
  // the common case of a healthy dependency costs no pow().
  if (p < 1e-4) return 1.0 - k * p + 0.5 * k * (k - 1.0) * p * p;
  return std::pow(1.0 - p, k);
}

}  // namespace

// The M/M/c (Allen-Cunneen) response time of one (servers, wait factor),
// tabulated over utilisation so that a tick reads its quantiles with one
// interpolation instead of Newton iterations. Times are normalised to a
// service rate of 1 and multiplied by (1 - rho): g(rho) = mu t_q (1 - rho)
// stays bounded as rho -> 1 (the wait is ~ 1/(c mu (1 - rho))) and is smooth,
// and t_q = g / (mu (1 - rho)) is monotone in rho between grid points.
//
// The grid has 256 intervals on [0, 0.9] and 256 more on [0.9, 0.99], where
// the curves bend most, and stores floats: 8 KB a table, so that the hundred
// or so tables of a large random graph stay near the cache. Linear
// interpolation on it is within 6e-5 of the exact quantile for 1 to 200
// servers (checked against ResponseTime::quantile when the grid was chosen;
// tests/model/world_test.cpp checks 0.1 % across loads), far below the
// histogram's 1.1 %.
struct World::QuantileTable {
  static constexpr int kLowIntervals = 256;
  static constexpr int kHighIntervals = 256;
  static constexpr int kPoints = kLowIntervals + kHighIntervals + 1;
  static constexpr double kRhoBreak = 0.9;
  static constexpr double kRhoMax = 0.99;
  struct Row {
    float prob_wait;
    float g[3];  // p50, p95, p99
  };
  // What at() returns: the interpolated row, in double.
  struct Point {
    double prob_wait;
    double g[3];
  };
  std::vector<Row> rows;
  // Below this utilisation the probability of waiting is under
  // kNegligibleWait, and the response time is the service time alone, in
  // closed form, without touching the table. With many servers that covers
  // every normal load (C(500, 0.75 x 500) is about 1e-13).
  double rho_negligible = 0.0;

  static double rho_at(int i) {
    return i <= kLowIntervals
               ? kRhoBreak * i / kLowIntervals
               : kRhoBreak + (kRhoMax - kRhoBreak) * (i - kLowIntervals) / kHighIntervals;
  }

  // The grid coordinate of rho: an integer at grid points.
  static double coordinate(double rho) {
    const double r = std::clamp(rho, 0.0, kRhoMax);
    return r < kRhoBreak ? r * (kLowIntervals / kRhoBreak)
                         : kLowIntervals + (r - kRhoBreak) * (kHighIntervals / (kRhoMax - kRhoBreak));
  }

  QuantileTable(int servers, double wait_factor) : rows(kPoints) {
    static constexpr double kQ[3] = {0.50, 0.95, 0.99};
    for (int i = 0; i < kPoints; ++i) {
      const double rho = rho_at(i);
      const ResponseTime rt = mmc_response_time(servers, rho * servers, 1.0, wait_factor);
      Row& r = rows[static_cast<size_t>(i)];
      r.prob_wait = static_cast<float>(rt.prob_wait);
      for (int q = 0; q < 3; ++q) r.g[q] = static_cast<float>(rt.quantile(kQ[q]) * (1.0 - rho));
    }
    for (int i = 0; i < kPoints && rows[static_cast<size_t>(i)].prob_wait <= kNegligibleWait; ++i) {
      rho_negligible = rho_at(i);
    }
  }

  // The row at or below rho and the fraction of the way to the next one.
  const Row* locate(double rho, double* fraction) const {
    const double x = coordinate(rho);
    const int i = std::min(static_cast<int>(x), kPoints - 2);
    *fraction = x - i;
    return &rows[static_cast<size_t>(i)];
  }

  // The interpolation between `row` and the next one (from locate()).
  static Point interpolate(const Row* row, double f) {
    const Row& a = row[0];
    const Row& b = row[1];
    Point r;
    r.prob_wait = a.prob_wait + f * (static_cast<double>(b.prob_wait) - a.prob_wait);
    for (int q = 0; q < 3; ++q) r.g[q] = a.g[q] + f * (static_cast<double>(b.g[q]) - a.g[q]);
    return r;
  }
};

World::World(const Scenario& scenario, uint64_t seed, sim::Simulation& sim, WorldOptions options)
    : scenario_(&scenario),
      seed_(seed),
      sim_(&sim),
      options_(options),
      n_(scenario.services.size()),
      tick_(scenario.tick.us() > 0 ? scenario.tick : Duration::seconds(1)) {
  const int64_t tick_us = tick_.us();
  total_ticks_ = std::max<int64_t>(0, (scenario.duration.us() + tick_us - 1) / tick_us);
  end_ = Time::zero() + scenario.duration;
  const double tick_s = tick_.seconds_f();

  // Internal order: the topology's start-up order (dependencies first).
  // Every per-service array is indexed by the position v in that order, so
  // that both passes of a tick walk the arrays sequentially, whatever the
  // declaration order; sid_[v] is the scenario's index, pos_[s] the inverse.
  const Topology topology(scenario);
  for (size_t s : topology.topological_order()) sid_.push_back(static_cast<uint32_t>(s));
  if (sid_.size() != n_) {
    std::fprintf(stderr, "dreamsim: World given a cyclic or invalid dependency graph (%zu of %zu "
                 "services ordered); the loader should have rejected it\n",
                 sid_.size(), n_);
    std::abort();
  }
  pos_.assign(n_, 0);
  for (size_t v = 0; v < n_; ++v) pos_[sid_[v]] = static_cast<uint32_t>(v);
  down_order_.assign(sid_.rbegin(), sid_.rend());

  // Static per-service state.
  svc_.assign(n_, Svc{});
  dep_begin_.assign(n_ + 1, 0);
  double max_delay_s = 0.0;
  for (size_t v = 0; v < n_; ++v) {
    const Service& sv = scenario.services[sid_[v]];
    dep_begin_[v] = static_cast<uint32_t>(edges_.size());
    for (const DependencyEdge& e : sv.depends_on) {
      edges_.push_back(Edge{pos_[e.service], 0, e.calls_per_request});
    }
    svc_[v].cap_rps = sv.capacity_rps;
    svc_[v].service_time_s = sv.service_time.seconds_f();
    svc_[v].workers = std::max(1, static_cast<int>(std::lround(sv.capacity_rps * svc_[v].service_time_s)));
    svc_[v].wait_factor = allen_cunneen_factor(1.0, sv.service_time_cv);
    svc_[v].cpu_s = sv.cpu_per_request_ms / 1000.0;
    svc_[v].cores = sv.cpu_cores;
    svc_[v].mem_base = sv.memory_base_mb;
    svc_[v].mem_inflight = sv.memory_per_inflight_mb;
    svc_[v].mem_limit = sv.memory_limit_mb;
    svc_[v].timeout_s = sv.timeout.seconds_f();
    svc_[v].retry_count = std::clamp(sv.retries.count, 0, kMaxRetries);
    svc_[v].backoff_s = sv.retries.backoff.seconds_f();
    svc_[v].retry_budget = sv.retries.budget > 0.0 ? sv.retries.budget : -1.0;
    svc_[v].core = sv.core ? 1 : 0;
    if (!sv.module.empty()) {
      auto it = std::find(modules_.begin(), modules_.end(), sv.module);
      if (it == modules_.end()) it = modules_.insert(modules_.end(), sv.module);
      svc_[v].module = static_cast<int>(it - modules_.begin());
    }
    const double delay =
        svc_[v].timeout_s + svc_[v].backoff_s * static_cast<double>(1 << svc_[v].retry_count) / 2.0;
    max_delay_s = std::max(max_delay_s, delay);
  }
  dep_begin_[n_] = static_cast<uint32_t>(edges_.size());
  dep_cut_.assign(edges_.size(), 0);
  module_enabled_.assign(modules_.size(), 1);
  refresh_edges();

  // The retry ring must reach the longest delay plus the tick it spills into.
  const size_t need = static_cast<size_t>(std::ceil(max_delay_s / tick_s)) + 2;
  ring_slots_ = std::min(kMaxRingSlots, std::bit_ceil(std::max<size_t>(need, 2)));
  retry_ring_.assign(ring_slots_ * n_ * kMaxRetries, 0.0);

  // Replica state.
  for (size_t v = 0; v < n_; ++v) {
    svc_[v].desired = scenario.services[sid_[v]].replicas;
    svc_[v].stopped = options.start_ready ? 0 : 1;
  }
  split_version_.assign(n_, std::string());
  deployment_of_.assign(n_, -1);
  split_state_.assign(n_, SplitState{});
  deployments_.resize(scenario.deployments.size());
  measures_.resize(scenario.deployments.size());
  for (const Deployment& d : scenario.deployments) {
    measure_rng_.push_back(sim::derive_stream(
        seed, "deploy/measure/" + scenario.services[d.service].id + "/" + d.version));
  }

  // Entry load generators, one named stream each.
  generators_.reserve(scenario.load.size());
  std::vector<int> per_service(n_, 0);
  for (const EntryLoad& load : scenario.load) {
    const std::string name = "load/noise/" + scenario.services[load.service].id + "/" +
                             std::to_string(per_service[load.service]++);
    generators_.emplace_back(load, seed, name);
    generator_service_.push_back(pos_[load.service]);
    svc_[pos_[load.service]].entry_service = 1;
  }
  agent_quarantined_.assign(scenario.agents.size(), 0);
  for (const Agent& a : scenario.agents) {
    for (const AgentCall& c : a.calls) svc_[pos_[c.service]].entry_service = 1;
  }
  // ... and those a compromised agent will call instead.
  for (const Fault& f : scenario.faults) {
    for (const AgentCall& c : f.calls) svc_[pos_[c.service]].entry_service = 1;
  }
  for (size_t v = 0; v < n_; ++v) {
    if (svc_[v].entry_service) entry_list_.push_back(static_cast<uint32_t>(v));
  }

  // Nominal demand of every service at the profiles' reference rates, for
  // the "full traffic" of data store write rates.
  std::vector<double> reference(n_, 0.0);
  for (const EntryLoad& load : scenario.load) {
    reference[pos_[load.service]] += reference_rate(load.profile);
  }
  for (const Agent& a : scenario.agents) {
    for (const AgentCall& c : a.calls) reference[pos_[c.service]] += c.rate_rps;
  }
  for (size_t v = n_; v-- > 0;) {
    for (uint32_t e = dep_begin_[v]; e < dep_begin_[v + 1]; ++e) {
      reference[edges_[e].to] += reference[v] * edges_[e].cpr;
    }
  }

  // Data stores.
  stores_.resize(scenario.data_stores.size());
  last_flush_.assign(stores_.size(), Time::zero());
  durable_at_good_backup_.assign(stores_.size(), 0.0);
  store_reference_rps_.resize(stores_.size());
  stores_by_host_.assign(n_, {});
  for (size_t i = 0; i < stores_.size(); ++i) {
    const DataStore& d = scenario.data_stores[i];
    store_reference_rps_[i] = reference[pos_[d.service]];
    stores_by_host_[pos_[d.service]].push_back(static_cast<uint32_t>(i));
    exfil_cap_ += static_cast<double>(d.records);
  }
  if (stores_.empty()) exfil_cap_ = kInf;

  // Faults.
  const size_t nf = scenario.faults.size();
  fault_active_.assign(nf, 0);
  fault_taken_.assign(nf, 0);
  check_failure_of_fault_.assign(nf, -1);
  fault_records_.resize(nf);
  for (size_t f = 0; f < nf; ++f) {
    const Fault& fault = scenario.faults[f];
    FaultRecord& r = fault_records_[f];
    r.index = f;
    r.kind = fault.kind;
    r.target = fault.target_kind == FaultTargetKind::kAllServices ? "*" : fault.target_name;
    r.start = fault.start;
    r.end = fault.end;
  }

  for (size_t v = 0; v < n_; ++v) refresh_capacity(v);
  signals_ = std::make_unique<GoldenSignals>(n_, total_ticks_, tick_, options.signals);
}

World::~World() = default;

// ---------------------------------------------------------------------------
// Scheduling

void World::start() {
  if (started_) return;
  started_ = true;
  schedule_faults();
  schedule_backups();
  if (total_ticks_ > 0) schedule_tick(Time::zero());
}

void World::run() {
  start();
  sim_->run_until(end_);
}

void World::schedule_faults() {
  for (size_t f = 0; f < scenario_->faults.size(); ++f) {
    const Fault& fault = scenario_->faults[f];
    if (fault.start >= end_) continue;
    sim_->at(std::max(fault.start, sim_->now()), [this, f] { on_fault_start(f); });
    if (fault.end && *fault.end <= end_) {
      sim_->at(std::max(*fault.end, fault.start), [this, f] { on_fault_end(f); });
    }
  }
}

void World::schedule_backups() {
  for (size_t i = 0; i < scenario_->data_stores.size(); ++i) {
    const auto& backup = scenario_->data_stores[i].backup;
    if (!backup || backup->every.us() <= 0) continue;
    const Time first = Time::zero() + backup->offset;
    if (first < end_) sim_->at(first, [this, i] { on_backup(i); });
  }
}

void World::schedule_tick(Time t) {
  sim_->at(t, [this] { on_tick(); });
}

Time World::next_tick_at_or_after(Time t) const {
  const int64_t tick_us = tick_.us();
  const int64_t k = (t.us() + tick_us - 1) / tick_us;
  return Time::from_micros(k * tick_us);
}

// ---------------------------------------------------------------------------
// Replica arithmetic

int World::running(size_t v) const {
  if (svc_[v].stopped || full_outage_ > 0) return 0;
  return std::max(0, svc_[v].desired - svc_[v].crashed - svc_[v].starting);
}

int World::lb_targets(size_t v) const {
  return std::max(0, running(v) - svc_[v].unready_spec - svc_[v].unready_fault);
}

int World::serving(size_t v) const { return std::max(0, lb_targets(v) - svc_[v].hung); }

double World::leak_mb(size_t v, Time t) const {
  // leak_since may lie ahead while restarted replicas are still starting.
  const int64_t elapsed_us = std::max<int64_t>(0, (t - svc_[v].leak_since).us());
  return svc_[v].leak_base_mb + svc_[v].leak_rate_mb_min * static_cast<double>(elapsed_us) * (1.0 / 60e6);
}

void World::refresh_capacity(size_t v) {
  // Work per request relative to normal: brownout skips optional work, a
  // traffic split's new version may be slower.
  const double work = (1.0 - kBrownoutOptionalShare * (1.0 - svc_[v].brownout)) *
                      (1.0 + svc_[v].split_weight * (svc_[v].split_factor - 1.0));
  // A CPU hog takes its share of every replica's CPU, and the service's
  // throughput with it. Otherwise capacity is capacity_rps as the scenario
  // says, and the CPU cost per request only drives the CPU saturation
  // signal. capacity_rps is the binding limit by definition, so the cost is
  // capped at cores / capacity_rps: a replica serving at its capacity is at
  // most 100 % busy, whatever a scenario's CPU numbers multiply to.
  const Svc& x = svc_[v];
  const double per_replica = x.cap_rps / work * (1.0 - x.cpu_hog);
  const double cpu_cost = x.cap_rps > 0.0 ? std::min(x.cpu_s, x.cores / x.cap_rps) : x.cpu_s;
  svc_[v].work_factor = work;
  svc_[v].per_replica_rps = std::max(0.0, per_replica);
  svc_[v].cpu_per_served = cpu_cost * work / x.cores;
}

void World::refresh_disabled() {
  for (size_t v = 0; v < n_; ++v) {
    const bool module_off = svc_[v].module >= 0 && !module_enabled_[static_cast<size_t>(svc_[v].module)];
    svc_[v].disabled = ((safe_mode_ && !svc_[v].core) || module_off) ? 1 : 0;
  }
  refresh_edges();
}

void World::refresh_edges() {
  for (size_t e = 0; e < edges_.size(); ++e) {
    Edge& edge = edges_[e];
    edge.mode = svc_[edge.to].disabled ? Edge::kSkipped : dep_cut_[e] > 0 ? Edge::kCut : Edge::kNormal;
  }
}

void World::lose_replicas(size_t v, int lost, bool graceful) {
  const int before = running(v);
  if (before <= 0 || lost <= 0) return;
  const double frac = std::min(1.0, static_cast<double>(lost) / before);
  svc_[v].backlog *= 1.0 - frac;
  for (uint32_t i : stores_by_host_[v]) {
    DataStoreStatus& st = stores_[i];
    if (graceful) {
      // A graceful stop flushes the buffer before the process exits.
      st.durable += st.buffered;
      st.buffered = 0.0;
    } else {
      // The primary's in-flight buffer goes with the crashed share of the
      // replicas: all of it when the whole database goes down.
      const double gone = frac >= 1.0 ? st.buffered : st.buffered * frac;
      st.lost += gone;
      st.buffered -= gone;
    }
  }
}

void World::begin_startup(size_t v, int count) {
  if (count <= 0) return;
  svc_[v].starting += count;
  const uint32_t generation = svc_[v].start_generation;
  const Service& sv = scenario_->services[sid_[v]];
  sim_->after(sv.startup_time, [this, v, generation, count] {
    if (svc_[v].start_generation != generation) return;
    svc_[v].starting = std::max(0, svc_[v].starting - count);
    const Service& spec = scenario_->services[sid_[v]];
    if (!spec.liveness_ok) svc_[v].hung += count;
    if (!spec.readiness_ok) svc_[v].unready_spec += count;
    sim::TraceHasher& tr = sim_->trace();
    tr.text("ready");
    tr.word(sid_[v]);
    tr.integer(count);
    tr.integer(sim_->now().us());
    tr.end_record();
  });
}

void World::oom_kill(size_t v) {
  const int up = running(v);
  lose_replicas(v, up, false);
  svc_[v].backlog = 0.0;
  ++svc_[v].ooms;
  ++metrics_.ooms;
  svc_[v].hung = 0;
  svc_[v].unready_spec = 0;
  svc_[v].leak_base_mb = 0.0;
  svc_[v].leak_since = sim_->now() + scenario_->services[sid_[v]].startup_time;
  ++svc_[v].start_generation;
  svc_[v].starting = 0;
  begin_startup(v, std::max(0, svc_[v].desired - svc_[v].crashed));
  sim::TraceHasher& tr = sim_->trace();
  tr.text("oom");
  tr.word(sid_[v]);
  tr.integer(sim_->now().us());
  tr.end_record();
}

const World::QuantileTable* World::table_for(int servers, double wait_factor) {
  const auto key = std::make_pair(servers, std::bit_cast<uint64_t>(wait_factor));
  auto it = tables_.find(key);
  if (it == tables_.end()) {
    it = tables_.emplace(key, std::make_unique<QuantileTable>(servers, wait_factor)).first;
  }
  return it->second.get();
}

// ---------------------------------------------------------------------------
// The tick

void World::on_tick() {
  const Time now = sim_->now();
  const double tick_s = tick_.seconds_f();

  // External load: every generator is advanced every tick, in scenario
  // order, whatever the state, so that a fault never shifts the noise.
  for (const uint32_t v : entry_list_) svc_[v].entry = 0.0;
  for (size_t i = 0; i < generators_.size(); ++i) {
    const uint32_t v = generator_service_[i];
    svc_[v].entry += generators_[i].next(now) * svc_[v].traffic_factor * tick_s;
  }
  for (size_t a = 0; a < scenario_->agents.size(); ++a) {
    if (agent_quarantined_[a]) continue;
    // A compromised agent that changed its calls makes those instead.
    const std::vector<AgentCall>* calls = &scenario_->agents[a].calls;
    for (const Compromise& c : compromises_) {
      const Fault& fault = scenario_->faults[c.fault];
      if (!c.by_key && c.agent == a && !fault.calls.empty()) calls = &fault.calls;
    }
    for (const AgentCall& c : *calls) svc_[pos_[c.service]].entry += c.rate_rps * tick_s;
  }
  for (const Compromise& c : compromises_) {
    if (!exfil_active(c)) continue;
    const Agent& agent = scenario_->agents[c.agent];
    if (agent.calls.empty()) continue;
    svc_[pos_[agent.calls.front().service]].entry +=
        scenario_->faults[c.fault].exfil_rps / kRecordsPerExfilRequest * tick_s;
  }

  pass_down(tick_s);
  own_latency();
  pass_up(tick_s);
  if (!deployments_.empty()) measure_deployments();
  finish_tick(tick_s);
  if (tick_observer_ != nullptr) tick_observer_->after_tick(tick_index_);

  ++tick_index_;
  if (tick_index_ < total_ticks_) schedule_tick(Time::from_micros(tick_index_ * tick_.us()));
}

inline void World::schedule_retry(size_t v, int generation, double amount, double delay_ticks) {
  // Arrivals are spread evenly over the tick, so a delay of d ticks lands
  // 1 - frac(d) of them floor(d) ticks on and frac(d) one tick further.
  double whole = std::floor(delay_ticks);
  double frac = delay_ticks - whole;
  if (whole < 1.0) {
    whole = 1.0;
    frac = 0.0;
  }
  const size_t last = ring_slots_ - 1;
  size_t k = static_cast<size_t>(std::min(whole, static_cast<double>(last)));
  if (k >= last) frac = 0.0;
  const size_t base = static_cast<size_t>(tick_index_);
  const size_t g = static_cast<size_t>(generation - 1);
  const size_t mask = ring_slots_ - 1;  // a power of two
  retry_ring_[(((base + k) & mask) * n_ + v) * kMaxRetries + g] += amount * (1.0 - frac);
  if (frac > 0.0) {
    retry_ring_[(((base + k + 1) & mask) * n_ + v) * kMaxRetries + g] += amount * frac;
  }
}

void World::pass_down(double tick_s) {
  Svc* const svc = svc_.data();
  const Edge* edges = edges_.data();
  const uint32_t* dep_begin = dep_begin_.data();
  const size_t slot = static_cast<size_t>(tick_index_) % ring_slots_;
  double* ring_now = &retry_ring_[slot * n_ * kMaxRetries];
  const double admit = kill_switch_ ? 0.0 : admission_;
  double rejected = 0.0;
  double withheld = 0.0;
  double external = 0.0;

  for (size_t v = n_; v-- > 0;) {
    double* due = ring_now + static_cast<size_t>(v) * kMaxRetries;
    double ext_adm = 0.0;
    if (svc[v].entry_service) {
      const double ext = svc[v].entry;
      ext_adm = svc[v].disabled ? 0.0 : ext * admit;
      external += ext;
      rejected += ext - ext_adm;
      // Requests turned away at the edge on purpose (traffic grading, the
      // kill switch, safe mode or a disabled module: a maintenance page) fail
      // for the user and count in failed_requests, but they are not the
      // system's errors: the signals leave them out, or the alert that a
      // safe mode causes would keep that safe mode on for ever.
      withheld += ext - ext_adm;
    }
    svc[v].ext_admitted = ext_adm;
    const double first = svc_[v].demand + ext_adm;
    svc_[v].demand = 0.0;
    double retries = 0.0;
    for (int g = 0; g < kMaxRetries; ++g) retries += due[g];
    svc[v].first = first;

    if (svc[v].disabled) {
      // A disabled service takes nothing: retries of earlier failures are
      // dropped with the rest (pass_up clears them from the ring).
      svc[v].serve = 0;
      svc[v].attempts = 0.0;
      svc[v].served = 0.0;
      svc[v].lambda = 0.0;
      svc[v].kappa = 0.0;
      svc[v].down = 0;
      continue;
    }
    const double attempts = first + retries;
    svc[v].attempts = attempts;
    const int up = running(v);
    svc[v].running_now = up;
    const int lb = std::max(0, up - svc[v].unready_spec - svc[v].unready_fault);
    if (lb == 0 || svc[v].dep_outage > 0) {
      svc[v].down = 1;
      svc[v].serve = 0;
      svc[v].backlog = 0.0;
      svc[v].served = 0.0;
      svc[v].lambda = 0.0;
      svc[v].kappa = 0.0;
      svc[v].shed = 0.0;
      svc[v].hung_share = 0.0;
      svc[v].wait_backlog_s = 0.0;
      continue;
    }
    svc[v].down = 0;
    const int serve = std::max(0, lb - svc[v].hung);
    svc[v].serve = serve;
    const double hung_share = static_cast<double>(lb - serve) / lb;
    const double kappa = serve * svc[v].per_replica_rps;
    double shed = 0.0;
    if (svc[v].rate_limit_rps > 0.0 && attempts > svc[v].rate_limit_rps * tick_s) {
      shed = 1.0 - svc[v].rate_limit_rps * tick_s / attempts;
    }
    const double into = attempts * (1.0 - shed) * (1.0 - hung_share);
    const double q0 = svc[v].backlog;
    const double served = std::min(q0 + into, kappa * tick_s);
    const double q1 = q0 + into - served;
    svc[v].backlog = q1;
    svc[v].wait_backlog_s = kappa > 0.0 ? std::min(kMaxLatencyS, 0.5 * (q0 + q1) / kappa)
                                     : (q1 > 0.0 ? kMaxLatencyS : 0.0);
    svc[v].served = served;
    svc[v].lambda = into / tick_s;
    svc[v].kappa = kappa;
    svc[v].shed = shed;
    svc[v].hung_share = hung_share;
    if (kappa > 0.0) {
      const int c = serve * svc[v].workers;
      if (c != svc[v].servers) {
        svc[v].servers = c;
        svc[v].table = table_for(c, svc[v].wait_factor);
      }
      const double rho = std::min(svc[v].lambda / kappa, QuantileTable::kRhoMax);
      svc[v].rho = rho;
      // Where the table will be read (nowhere when the wait is negligible),
      // asked of the cache now, long before own_latency reads it.
      const QuantileTable* table = svc[v].table;
      if (rho > table->rho_negligible) {
        svc[v].row = table->locate(rho, &svc[v].row_fraction);
        __builtin_prefetch(svc[v].row);
      } else {
        svc[v].row = nullptr;
      }
    } else {
      svc[v].rho = 0.0;
    }

    for (const Edge* e = edges + dep_begin[v], *end = edges + dep_begin[v + 1]; e != end; ++e) {
      if (e->mode == Edge::kNormal) svc[e->to].demand += served * e->cpr;
    }
  }
  tick_external_ = external;
  tick_rejected_ = rejected;
  tick_withheld_ = withheld;
}

void World::own_latency() {
  Svc* const svc = svc_.data();
  // A flat loop with no dependency between services: the table rows of many
  // services are in flight at once, which the long body of pass_up, one
  // service after the other, cannot achieve.
  for (size_t v = 0; v < n_; ++v) {
    if (svc[v].down || svc[v].disabled || svc[v].kappa <= 0.0) continue;
    const int c = svc[v].servers;
    const double mu = svc[v].kappa / c;
    const double rho = svc[v].rho;
    if (v + kPrefetchAhead < n_ && svc[v + kPrefetchAhead].row != nullptr) {
      const auto* ahead = static_cast<const QuantileTable::Row*>(svc[v + kPrefetchAhead].row);
      __builtin_prefetch(ahead);
      __builtin_prefetch(ahead + 1);
    }
    QuantileTable::Point r;
    if (svc[v].row == nullptr) {
      r.prob_wait = 0.0;
      for (int q = 0; q < 3; ++q) r.g[q] = kExpQuantile[q] * (1.0 - rho);
    } else {
      r = QuantileTable::interpolate(static_cast<const QuantileTable::Row*>(svc[v].row),
                                     svc[v].row_fraction);
    }
    const double one_minus = 1.0 - rho;
    const double scale = 1.0 / (mu * one_minus);
    OwnLatency& own = svc[v].own;
    own.mu = mu;
    own.theta = c * mu * one_minus / svc[v].wait_factor;
    own.prob_wait = r.prob_wait;
    for (int q = 0; q < 3; ++q) own.q[q] = r.g[q] * scale;
    own.mean = r.prob_wait / own.theta + 1.0 / mu;
  }
}

void World::pass_up(double tick_s) {
  Svc* const svc = svc_.data();
  const Edge* edges = edges_.data();
  const uint32_t* dep_begin = dep_begin_.data();
  const size_t slot = static_cast<size_t>(tick_index_) % ring_slots_;
  double* ring_now = &retry_ring_[slot * n_ * kMaxRetries];
  const size_t sys = n_;
  float* row[kSignalCount];
  for (size_t i = 0; i < kSignalCount; ++i) row[i] = signals_->row(static_cast<Signal>(i));
  const double inv_tick = 1.0 / tick_s;
  const Time now = sim_->now();

  uint64_t digest = 0xcbf29ce484222325ULL;
  double sys_retries = 0.0, sys_backlog = 0.0, sys_cpu = 0.0, sys_mem = 0.0, sys_util = 0.0;
  double user_failed = 0.0;
  tick_histogram_.clear();

  for (size_t v = 0; v < n_; ++v) {
    const size_t column = sid_[v];
    double* due = ring_now + static_cast<size_t>(v) * kMaxRetries;
    const double attempts = svc[v].attempts;
    const double first = svc[v].first;
    double p50 = 0.0, p95 = 0.0, p99 = 0.0;
    double p = 0.0;  // probability that an attempt fails, as its caller sees it
    double cpu = 0.0, mem_sat = 0.0, goodput = 0.0;

    if (svc[v].disabled) {
      for (int g = 0; g < kMaxRetries; ++g) due[g] = 0.0;
      svc_[v].seen_fail = 0.0;
      svc_[v].seen_latency_s = 0.0;
      svc[v].goodput = 0.0;
    } else {
      // What the dependencies did this tick: they are already done.
      double dep_latency = 0.0;
      double dep_ok = 1.0;
      for (const Edge* e = edges + dep_begin[v], *end = edges + dep_begin[v + 1]; e != end; ++e) {
        if (e->mode != Edge::kNormal) {
          if (e->mode == Edge::kCut) dep_ok = 0.0;
          continue;
        }
        dep_latency += e->cpr * svc[e->to].seen_latency_s;
        const double fail = svc[e->to].seen_fail;
        if (fail > 0.0) dep_ok *= survive_calls(fail, e->cpr);
      }
      const double dep_fail = 1.0 - dep_ok;
      const double timeout = svc[v].timeout_s;

      double detect_s = 0.0;   // mean time until a failure is noticed
      double attempt_s = 0.0;  // mean time a caller spends on one attempt
      double mean_s = 0.0;     // mean response time of the attempts served
      if (svc[v].down) {
        p = 1.0;
      } else if (svc[v].kappa <= 0.0) {
        // Running but answering nothing (all hung, or no CPU left): every
        // attempt waits for its timeout.
        p = 1.0;
        detect_s = timeout;
        attempt_s = timeout;
        p50 = p95 = p99 = timeout;
      } else {
        // The service's own response time (own_latency() computed it).
        const OwnLatency& own = svc[v].own;
        const double mu = own.mu;
        const double theta = own.theta;
        const double shift = svc[v].wait_backlog_s + svc[v].latency_add_s + dep_latency;
        const double t_left = timeout - shift;
        double timed_out = 0.0;  // P(T > timeout) for attempts that were served
        double injected = svc[v].error_inj;
        if (svc[v].split_weight <= 0.0) {
          p50 = shift + own.q[0];
          p95 = shift + own.q[1];
          p99 = shift + own.q[2];
          mean_s = shift + own.mean;
          if (t_left <= 0.0) {
            timed_out = 1.0;
          } else if (std::min(mu, theta) * t_left > kNegligibleExponent &&
                     own.prob_wait * mu * t_left < kNegligibleSlope) {
            timed_out = 0.0;
          } else {
            timed_out = own.prob_wait == 0.0
                            ? std::exp(-mu * t_left)
                            : ResponseTime{own.prob_wait, theta, mu}.survival(t_left);
          }
        } else {
          timed_out = split_tick(v, own.prob_wait, theta, mu, shift, t_left, dep_fail, &p50, &p95,
                                 &p99, &mean_s);
          injected = 1.0 - (1.0 - injected) * (1.0 - svc[v].split_weight * svc[v].split_error);
        }
        const double shed = svc[v].shed;
        const double h = svc[v].hung_share;
        const double inner = 1.0 - (1.0 - injected) * (1.0 - dep_fail) * (1.0 - timed_out);
        p = shed + (1.0 - shed) * (h + (1.0 - h) * inner);
        const double served_time = std::min(mean_s, timeout);
        attempt_s = (1.0 - shed) * (h * timeout + (1.0 - h) * (timed_out * timeout +
                                                              (1.0 - timed_out) * served_time));
        if (p > 0.0) {
          detect_s = (1.0 - shed) *
                     (h * timeout + (1.0 - h) * (timed_out * timeout +
                                                 (inner - timed_out) * served_time)) / p;
        }
      }
      // Below the floor a failure probability is noise of the arithmetic,
      // not a signal; flooring it keeps a one-in-a-billion timeout at the
      // bottom of the graph from making every caller schedule retries.
      p = p < kNegligibleProbability ? 0.0 : std::min(p, 1.0);

      // Retries, by generation: the failures of generation g < R come back
      // as generation g + 1, as far as the budget allows. Nothing to do for
      // a service that failed nothing this tick, the common case.
      double final_failures = 0.0;
      if (p > 0.0) {
        const int retry_count = svc[v].retry_count;
        double want = 0.0;
        for (int g = 0; g < retry_count; ++g) want += p * (g == 0 ? first : due[g - 1]);
        const double last_gen = retry_count == 0 ? first : due[retry_count - 1];
        double admit = 1.0;
        if (svc[v].retry_budget >= 0.0 && want > svc[v].retry_budget * first) {
          admit = want > 0.0 ? svc[v].retry_budget * first / want : 0.0;
        }
        final_failures = p * last_gen + (1.0 - admit) * want;
        if (admit > 0.0) {
          for (int g = 0; g < retry_count; ++g) {
            const double amount = admit * p * (g == 0 ? first : due[g - 1]);
            if (amount <= 0.0) continue;
            const double delay_s = detect_s + svc[v].backoff_s * static_cast<double>(1 << g) / 2.0;
            schedule_retry(v, g + 1, amount, delay_s * inv_tick);
          }
        }
        // What callers see of this service: the failure left after retries,
        // and the time a call takes with its retries and backoff.
        double final_fail = p;
        for (int k = 0; k < retry_count; ++k) final_fail = p * ((1.0 - admit) + admit * final_fail);
        double calls = 1.0, reach = 1.0, backoff = 0.0;
        for (int g = 0; g < retry_count; ++g) {
          reach *= p * admit;
          calls += reach;
          backoff += reach * svc[v].backoff_s * static_cast<double>(1 << g) / 2.0;
        }
        svc_[v].seen_fail = final_fail;
        svc_[v].seen_latency_s = attempt_s * calls + backoff;
      } else {
        svc_[v].seen_fail = 0.0;
        svc_[v].seen_latency_s = attempt_s;
      }
      due[0] = due[1] = due[2] = due[3] = 0.0;
      static_assert(kMaxRetries == 4);

      goodput = attempts * (1.0 - p);
      svc[v].goodput = goodput * inv_tick;

      // User-facing accounting at entry services.
      if (svc[v].ext_admitted > 0.0 && first > 0.0) {
        const double user_failures = final_failures * (svc[v].ext_admitted / first);
        user_failed += user_failures;
        if (!svc[v].down) add_latency_points(tick_histogram_, p50, p95, p99, svc[v].ext_admitted);
      }

      // Saturation.
      const int serve = svc[v].serve;
      if (serve > 0) {
        cpu = svc[v].served * inv_tick * svc[v].cpu_per_served / serve;
      }
      cpu += svc[v].cpu_hog;
      const int up = svc[v].running_now;
      if (up > 0) {
        const double inflight = svc[v].backlog +
                                svc[v].lambda * std::max(0.0, mean_s - svc[v].wait_backlog_s);
        const double mem = svc[v].mem_base + inflight / up * svc[v].mem_inflight + leak_mb(v, now);
        mem_sat = mem / svc[v].mem_limit;
      }
    }

    const double retries = attempts - first > 0.0 ? attempts - first : 0.0;
    const float traffic_f = static_cast<float>(attempts * inv_tick);
    const float error_f = static_cast<float>(attempts > 0.0 ? p : 0.0);
    const float p95_f = static_cast<float>(std::min(p95, kMaxLatencyS));
    const float memory_f = static_cast<float>(mem_sat);
    const float backlog_f = static_cast<float>(svc[v].backlog);
    row[static_cast<size_t>(Signal::kLatencyP50)][column] = static_cast<float>(std::min(p50, kMaxLatencyS));
    row[static_cast<size_t>(Signal::kLatencyP95)][column] = p95_f;
    row[static_cast<size_t>(Signal::kLatencyP99)][column] = static_cast<float>(std::min(p99, kMaxLatencyS));
    row[static_cast<size_t>(Signal::kErrorRate)][column] = error_f;
    row[static_cast<size_t>(Signal::kTraffic)][column] = traffic_f;
    row[static_cast<size_t>(Signal::kGoodput)][column] = static_cast<float>(goodput * inv_tick);
    row[static_cast<size_t>(Signal::kRetries)][column] = static_cast<float>(retries * inv_tick);
    row[static_cast<size_t>(Signal::kCpu)][column] = static_cast<float>(cpu);
    row[static_cast<size_t>(Signal::kMemory)][column] = memory_f;
    row[static_cast<size_t>(Signal::kBacklog)][column] = backlog_f;
    // Demand over capacity, before any rate limit sheds: what an autoscaler
    // sizes for. Capped, so that a service with nothing serving reads 10.
    double util = 0.0;
    if (!svc[v].disabled && attempts > 0.0) {
      const double capacity = svc[v].kappa * tick_s;
      util = capacity > 0.0 ? std::min(kMaxUtilisation, attempts * (1.0 - svc[v].hung_share) / capacity)
                            : kMaxUtilisation;
    }
    row[static_cast<size_t>(Signal::kUtilisation)][column] = static_cast<float>(util);
    sys_util = std::max(sys_util, util);

    // The service's record: its signals quantised to float precision (24
    // significant bits, as the rows hold them), mixed on its own so that the
    // multiplies overlap, then folded into the tick's digest in order.
    const uint64_t record = mix_record(column, bits(traffic_f), bits(error_f), bits(p95_f),
                                       bits(backlog_f), bits(memory_f));
    digest = fold(digest, static_cast<int64_t>(record));

    sys_retries += retries;
    sys_backlog += svc[v].backlog;
    sys_cpu = std::max(sys_cpu, cpu);
    sys_mem = std::max(sys_mem, mem_sat);

    if (mem_sat >= 1.0 && svc[v].running_now > 0) oom_kill(v);
  }

  // The system column: what users see at the entry services.
  const double external = tick_external_;
  const double failed = tick_rejected_ + user_failed;
  // The signals see what was offered to the system, not what was turned away.
  const double offered = external - tick_withheld_;
  const double error_ratio =
      offered > 0.0 ? std::clamp((failed - tick_withheld_) / offered, 0.0, 1.0) : 0.0;
  double s50 = 0.0, s95 = 0.0, s99 = 0.0;
  if (tick_histogram_.count() > 0) {
    s50 = tick_histogram_.quantile(0.50);
    s95 = tick_histogram_.quantile(0.95);
    s99 = tick_histogram_.quantile(0.99);
    run_histogram_.merge(tick_histogram_);
  }
  row[static_cast<size_t>(Signal::kLatencyP50)][sys] = static_cast<float>(s50);
  row[static_cast<size_t>(Signal::kLatencyP95)][sys] = static_cast<float>(s95);
  row[static_cast<size_t>(Signal::kLatencyP99)][sys] = static_cast<float>(s99);
  row[static_cast<size_t>(Signal::kErrorRate)][sys] = static_cast<float>(error_ratio);
  row[static_cast<size_t>(Signal::kTraffic)][sys] = static_cast<float>(offered * inv_tick);
  row[static_cast<size_t>(Signal::kGoodput)][sys] =
      static_cast<float>(std::max(0.0, external - failed) * inv_tick);
  row[static_cast<size_t>(Signal::kRetries)][sys] = static_cast<float>(sys_retries * inv_tick);
  row[static_cast<size_t>(Signal::kCpu)][sys] = static_cast<float>(sys_cpu);
  row[static_cast<size_t>(Signal::kMemory)][sys] = static_cast<float>(sys_mem);
  row[static_cast<size_t>(Signal::kBacklog)][sys] = static_cast<float>(sys_backlog);
  row[static_cast<size_t>(Signal::kUtilisation)][sys] = static_cast<float>(sys_util);

  metrics_.requests += external;
  metrics_.failed_requests += failed;
  if (external > 0.0 &&
      (error_ratio > options_.slo_error_ratio || s95 > options_.slo_latency_p95.seconds_f())) {
    metrics_.slo_violation_s += tick_s;
    if (!metrics_.first_slo_violation) metrics_.first_slo_violation = now;
  }
  tick_digest_ = fold(digest, quantise(error_ratio, 1e9));
}

double World::split_tick(size_t v, double prob_wait, double theta, double mu, double shift,
                         double t_left, double dep_fail, double* p50, double* p95, double* p99,
                         double* mean_s) {
  // The queue is shared; each version has its own service time. mu is the
  // service rate of the mixture's mean work, so the old version serves at
  // mu x m and the new one at mu x m / factor, m the mixture's work factor.
  const double w = svc_[v].split_weight;
  const double factor = svc_[v].split_factor;
  const double add = svc_[v].split_add_s;
  const double m = 1.0 + w * (factor - 1.0);
  const ResponseTime old_rt{prob_wait, theta, mu * m};
  const ResponseTime new_rt{prob_wait, theta, mu * m / factor};
  auto survival = [&](double t) {
    return (1.0 - w) * old_rt.survival(t) + w * new_rt.survival(t - add);
  };
  double* out[3] = {p50, p95, p99};
  static constexpr double kQ[3] = {0.50, 0.95, 0.99};
  for (int i = 0; i < 3; ++i) {
    const double a = old_rt.quantile(kQ[i]);
    const double b = new_rt.quantile(kQ[i]) + add;
    double lo = std::min(a, b), hi = std::max(a, b);
    for (int it = 0; it < kMixtureIterations && hi - lo > 1e-12 * hi; ++it) {
      const double mid = 0.5 * (lo + hi);
      if (survival(mid) > 1.0 - kQ[i]) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    *out[i] = shift + 0.5 * (lo + hi);
  }
  *mean_s = shift + (1.0 - w) * old_rt.mean() + w * (new_rt.mean() + add);
  const double old_timeout = t_left <= 0.0 ? 1.0 : old_rt.survival(t_left);
  const double new_timeout = t_left - add <= 0.0 ? 1.0 : new_rt.survival(t_left - add);
  split_state_[v] = SplitState{tick_index_, prob_wait, theta, mu * m, mu * m / factor, shift, add,
                               0.0, 0.0};
  svc_[v].baseline_p95 = shift + old_rt.quantile(0.95);
  svc_[v].canary_p95 = shift + new_rt.quantile(0.95) + add;
  const double base_ok = (1.0 - svc_[v].error_inj) * (1.0 - dep_fail);
  svc_[v].baseline_err = 1.0 - base_ok * (1.0 - old_timeout);
  svc_[v].canary_err = 1.0 - base_ok * (1.0 - svc_[v].split_error) * (1.0 - new_timeout);
  split_state_[v].base_err = svc_[v].baseline_err;
  split_state_[v].new_err = svc_[v].canary_err;
  return (1.0 - w) * old_timeout + w * new_timeout;
}

bool World::exfil_active(const Compromise& c) const {
  if (kill_switch_) return false;
  if (c.by_key) {
    return !std::binary_search(rotated_keys_.begin(), rotated_keys_.end(), c.key);
  }
  return !agent_quarantined_[c.agent];
}

void World::finish_tick(double tick_s) {
  const Time now = sim_->now();
  const Time tick_end = now + tick_;

  // Data stores: writes scale with the goodput of the hosting database.
  for (size_t i = 0; i < stores_.size(); ++i) {
    const DataStore& d = scenario_->data_stores[i];
    DataStoreStatus& st = stores_[i];
    const size_t host = pos_[d.service];
    double fraction = 0.0;
    if (!svc_[host].down && !svc_[host].disabled) {
      fraction = store_reference_rps_[i] > 0.0 ? svc_[host].goodput / store_reference_rps_[i] : 1.0;
    }
    const double writes = d.write_rate * fraction * tick_s;
    st.acknowledged += writes;
    if (write_drain_) {
      st.durable += writes;
    } else {
      st.buffered += writes;
    }
    if (tick_end - last_flush_[i] >= d.flush_interval) {
      st.durable += st.buffered;
      st.buffered = 0.0;
      last_flush_[i] = tick_end;
    }
  }

  // Exfiltration, while the way in is open.
  for (const Compromise& c : compromises_) {
    if (!exfil_active(c)) continue;
    const Agent& agent = scenario_->agents[c.agent];
    bool reachable = agent.calls.empty();
    for (const AgentCall& call : agent.calls) {
      if (!svc_[pos_[call.service]].down && !svc_[pos_[call.service]].disabled) reachable = true;
    }
    if (!reachable) continue;
    const double rate = scenario_->faults[c.fault].exfil_rps;
    const double amount =
        std::min(rate * tick_s, std::max(0.0, exfil_cap_ - metrics_.records_exfiltrated));
    metrics_.records_exfiltrated += amount;
  }

  signals_->commit();

  sim::TraceHasher& tr = sim_->trace();
  tr.word(static_cast<uint64_t>(tick_index_));
  tr.word(tick_digest_);
  tr.integer(quantise(metrics_.records_exfiltrated, 1e3));
  tr.end_record();
}

// ---------------------------------------------------------------------------
// Faults

void World::on_fault_start(size_t f) {
  const Fault& fault = scenario_->faults[f];
  FaultRecord& rec = fault_records_[f];
  const Time now = sim_->now();
  const Time effective = next_tick_at_or_after(now);
  std::optional<Time> took = effective < Time::zero() + tick_ * total_ticks_
                                 ? std::optional<Time>(effective)
                                 : std::nullopt;
  fault_active_[f] = 1;
  const size_t t = fault.target;  // a service, data store or agent index
  const size_t v = fault.target_kind == FaultTargetKind::kService ? pos_[t] : 0;
  char buf[160];
  switch (fault.kind) {
    case FaultKind::kCrash: {
      const int room = std::max(0, svc_[v].desired - svc_[v].crashed);
      const int k = fault.replicas == 0 ? room : std::min(fault.replicas, room);
      lose_replicas(v, std::min(k, running(v)), false);
      svc_[v].crashed += k;
      fault_taken_[f] = k;
      std::snprintf(buf, sizeof buf, "%d of %d replicas crashed", k, svc_[v].desired);
      rec.effect = buf;
      if (k == 0) took.reset();
      break;
    }
    case FaultKind::kHang: {
      const int up = lb_targets(v) - svc_[v].hung;
      const int k = fault.replicas == 0 ? std::max(0, up) : std::clamp(fault.replicas, 0, up);
      svc_[v].hung += k;
      fault_taken_[f] = k;
      std::snprintf(buf, sizeof buf, "%d replicas hung (liveness fails)", k);
      rec.effect = buf;
      if (k == 0) took.reset();
      break;
    }
    case FaultKind::kReadinessFailure:
      rec.effect = "replicas fail readiness";
      break;
    case FaultKind::kLatency:
      std::snprintf(buf, sizeof buf, "+%.6g s per request", fault.latency_add.seconds_f());
      rec.effect = buf;
      break;
    case FaultKind::kErrors:
      std::snprintf(buf, sizeof buf, "%.6g of requests fail", fault.error_rate);
      rec.effect = buf;
      break;
    case FaultKind::kBadDeploy:
      svc_[v].split_weight = std::clamp(fault.weight, 0.0, 1.0);
      svc_[v].split_factor = std::max(1e-6, fault.latency_factor);
      svc_[v].split_add_s = fault.latency_add.seconds_f();
      svc_[v].split_error = std::clamp(fault.error_rate, 0.0, 1.0);
      split_version_[v] = fault.version;
      std::snprintf(buf, sizeof buf, "version %s on %.6g of traffic", fault.version.c_str(),
                    svc_[v].split_weight);
      rec.effect = buf;
      break;
    case FaultKind::kDependencyOutage:
      ++svc_[v].dep_outage;
      rec.effect = "every call fails";
      break;
    case FaultKind::kMemoryLeak:
      std::snprintf(buf, sizeof buf, "leaks %.6g MB/min per replica", fault.leak_mb_per_min);
      rec.effect = buf;
      break;
    case FaultKind::kCpuHog:
      std::snprintf(buf, sizeof buf, "takes %.6g of each replica's CPU", fault.cpu_fraction);
      rec.effect = buf;
      break;
    case FaultKind::kTrafficDrop:
      std::snprintf(buf, sizeof buf, "entry load x %.6g", 1.0 - fault.fraction);
      rec.effect = buf;
      break;
    case FaultKind::kTrafficSurge:
      std::snprintf(buf, sizeof buf, "entry load x %.6g", fault.factor);
      rec.effect = buf;
      break;
    case FaultKind::kPartition: {
      std::vector<int> group(n_, -1);
      for (size_t gi = 0; gi < fault.groups.size(); ++gi) {
        for (size_t member : fault.groups[gi]) group[pos_[member]] = static_cast<int>(gi);
      }
      int cut = 0;
      for (size_t u = 0; u < n_; ++u) {
        for (uint32_t e = dep_begin_[u]; e < dep_begin_[u + 1]; ++e) {
          const int a = group[u], b = group[edges_[e].to];
          if (a >= 0 && b >= 0 && a != b) {
            ++dep_cut_[e];
            ++cut;
          }
        }
      }
      fault_taken_[f] = cut;
      refresh_edges();
      std::snprintf(buf, sizeof buf, "%d dependency edges cut", cut);
      rec.effect = buf;
      if (cut == 0) took.reset();
      break;
    }
    case FaultKind::kDataCorruption: {
      DataStoreStatus& st = stores_[t];
      if (!st.corrupted) {
        st.corrupted = true;
        st.corrupted_at = now;
      }
      took = now;
      rec.effect = "integrity lost; later backups are bad";
      break;
    }
    case FaultKind::kAgentCompromise:
    case FaultKind::kKeyCompromise: {
      Compromise c;
      c.fault = f;
      c.by_key = fault.kind == FaultKind::kKeyCompromise;
      c.agent = t;
      c.key = c.by_key ? fault.target_name : scenario_->agents[t].key;
      compromises_.push_back(c);
      std::string effect;
      if (fault.exfil_rps > 0.0) {
        std::snprintf(buf, sizeof buf, "reads %.6g records/s", fault.exfil_rps);
        effect = buf;
      }
      if (!fault.calls.empty()) {
        effect += effect.empty() ? "calls " : "; calls ";
        for (size_t i = 0; i < fault.calls.size(); ++i) {
          std::snprintf(buf, sizeof buf, "%s%s at %.6g/s", i > 0 ? ", " : "",
                        scenario_->services[fault.calls[i].service].id.c_str(),
                        fault.calls[i].rate_rps);
          effect += buf;
        }
      }
      rec.effect = effect;
      break;
    }
    case FaultKind::kFullOutage:
      for (size_t v = 0; v < n_; ++v) lose_replicas(v, running(v), false);
      ++full_outage_;
      rec.effect = "every service down";
      break;
    case FaultKind::kConfigError: {
      CheckFailure cf;
      cf.check = fault.check;
      cf.since = now;
      if (fault.check == ConfigCheck::kEnv) {
        cf.target = fault.setting;
        cf.reason = "missing environment setting " + fault.setting;
      } else {
        cf.target = fault.target_name;
        cf.reason = std::string(fault.check == ConfigCheck::kDatabase ? "database" : "queue") +
                    " " + fault.target_name + " unreachable";
      }
      check_failure_of_fault_[f] = static_cast<int>(check_failures_.size());
      check_failures_.push_back(cf);
      took = now;
      rec.effect = "pre-startup check would fail: " + cf.reason;
      break;
    }
  }
  recompute_fault_effects();
  rec.took_effect = took;

  sim::TraceHasher& tr = sim_->trace();
  tr.text("fault_start");
  tr.word(f);
  tr.word(static_cast<uint64_t>(fault.kind));
  tr.integer(now.us());
  tr.integer(fault_taken_[f]);
  tr.end_record();
}

void World::on_fault_end(size_t f) {
  if (!fault_active_[f]) return;
  const Fault& fault = scenario_->faults[f];
  FaultRecord& rec = fault_records_[f];
  const Time now = sim_->now();
  fault_active_[f] = 0;
  const size_t t = fault.target;  // a service, data store or agent index
  const size_t v = fault.target_kind == FaultTargetKind::kService ? pos_[t] : 0;
  switch (fault.kind) {
    case FaultKind::kCrash:
      // The crashed replicas are back, ready, at the fault's end.
      svc_[v].crashed = std::max(0, svc_[v].crashed - fault_taken_[f]);
      break;
    case FaultKind::kHang:
      svc_[v].hung = std::max(0, svc_[v].hung - fault_taken_[f]);
      break;
    case FaultKind::kBadDeploy:
      if (split_version_[v] == fault.version) {
        svc_[v].split_weight = 0.0;
        svc_[v].split_factor = 1.0;
        svc_[v].split_add_s = 0.0;
        svc_[v].split_error = 0.0;
        split_version_[v].clear();
      }
      break;
    case FaultKind::kDependencyOutage:
      svc_[v].dep_outage = std::max(0, svc_[v].dep_outage - 1);
      break;
    case FaultKind::kPartition: {
      std::vector<int> group(n_, -1);
      for (size_t gi = 0; gi < fault.groups.size(); ++gi) {
        for (size_t member : fault.groups[gi]) group[pos_[member]] = static_cast<int>(gi);
      }
      for (size_t u = 0; u < n_; ++u) {
        for (uint32_t e = dep_begin_[u]; e < dep_begin_[u + 1]; ++e) {
          const int a = group[u], b = group[edges_[e].to];
          if (a >= 0 && b >= 0 && a != b && dep_cut_[e] > 0) --dep_cut_[e];
        }
      }
      refresh_edges();
      break;
    }
    case FaultKind::kAgentCompromise:
    case FaultKind::kKeyCompromise:
      compromises_.erase(std::remove_if(compromises_.begin(), compromises_.end(),
                                        [f](const Compromise& c) { return c.fault == f; }),
                         compromises_.end());
      break;
    case FaultKind::kFullOutage:
      full_outage_ = std::max(0, full_outage_ - 1);
      break;
    case FaultKind::kConfigError:
      if (check_failure_of_fault_[f] >= 0) {
        check_failures_[static_cast<size_t>(check_failure_of_fault_[f])].until = now;
      }
      break;
    case FaultKind::kDataCorruption:
      // Corruption does not heal by itself: only a restore repairs it.
      break;
    default:
      break;
  }
  recompute_fault_effects();
  if (fault.kind != FaultKind::kDataCorruption) rec.ended = now;

  sim::TraceHasher& tr = sim_->trace();
  tr.text("fault_end");
  tr.word(f);
  tr.word(static_cast<uint64_t>(fault.kind));
  tr.integer(now.us());
  tr.end_record();
}

void World::recompute_fault_effects() {
  const Time now = sim_->now();
  // Fold the leak so far at the old rate before the rate changes.
  for (size_t v = 0; v < n_; ++v) {
    svc_[v].leak_base_mb = leak_mb(v, std::max(now, svc_[v].leak_since));
    svc_[v].leak_since = std::max(now, svc_[v].leak_since);
  }
  for (Svc& x : svc_) {
    x.traffic_factor = 1.0;
    x.latency_add_s = 0.0;
    x.error_inj = 0.0;
    x.cpu_hog = 0.0;
    x.leak_rate_mb_min = 0.0;
    x.unready_fault = 0;
  }
  for (size_t f = 0; f < scenario_->faults.size(); ++f) {
    if (!fault_active_[f]) continue;
    const Fault& fault = scenario_->faults[f];
    const size_t v = fault.target_kind == FaultTargetKind::kService ? pos_[fault.target] : 0;
    switch (fault.kind) {
      case FaultKind::kLatency:
        svc_[v].latency_add_s += fault.latency_add.seconds_f();
        break;
      case FaultKind::kErrors:
        svc_[v].error_inj = 1.0 - (1.0 - svc_[v].error_inj) * (1.0 - std::clamp(fault.error_rate, 0.0, 1.0));
        break;
      case FaultKind::kCpuHog:
        svc_[v].cpu_hog = std::min(1.0, svc_[v].cpu_hog + std::clamp(fault.cpu_fraction, 0.0, 1.0));
        break;
      case FaultKind::kMemoryLeak:
        svc_[v].leak_rate_mb_min += fault.leak_mb_per_min;
        break;
      case FaultKind::kReadinessFailure:
        svc_[v].unready_fault += fault.replicas == 0 ? svc_[v].desired : fault.replicas;
        break;
      case FaultKind::kTrafficDrop:
      case FaultKind::kTrafficSurge: {
        const double k = fault.kind == FaultKind::kTrafficDrop
                             ? std::max(0.0, 1.0 - fault.fraction)
                             : std::max(0.0, fault.factor);
        if (fault.target_kind == FaultTargetKind::kService) {
          svc_[v].traffic_factor *= k;
        } else {
          for (Svc& x : svc_) x.traffic_factor *= k;
        }
        break;
      }
      default:
        break;
    }
  }
  for (size_t v = 0; v < n_; ++v) refresh_capacity(v);
}

void World::on_backup(size_t i) {
  DataStoreStatus& st = stores_[i];
  const Time now = sim_->now();
  // A backup begins with a checkpoint (as pg_backup_start does): the
  // in-flight buffer is made durable, so the backup holds every write
  // acknowledged before it. A restore then loses exactly the writes
  // acknowledged since the backup, none from before it.
  st.durable += st.buffered;
  st.buffered = 0.0;
  ++st.backups;
  if (st.corrupted) {
    ++st.bad_backups;
  } else {
    st.last_good_backup = now;
    durable_at_good_backup_[i] = st.durable;
  }
  sim::TraceHasher& tr = sim_->trace();
  tr.text("backup");
  tr.word(i);
  tr.word(st.corrupted ? 1 : 0);
  tr.integer(now.us());
  tr.end_record();
  const Duration every = scenario_->data_stores[i].backup->every;
  if (now + every < end_) sim_->at(now + every, [this, i] { on_backup(i); });
}

// ---------------------------------------------------------------------------
// Reading

ServiceStatus World::service_status(size_t s) const {
  const size_t v = pos_[s];
  ServiceStatus st;
  st.desired = svc_[v].desired;
  st.running = running(v);
  st.starting = (svc_[v].stopped || full_outage_ > 0) ? 0 : std::min(svc_[v].starting, svc_[v].desired);
  st.hung = std::min(svc_[v].hung, st.running);
  st.unready = std::min(svc_[v].unready_spec + svc_[v].unready_fault, st.running);
  st.serving = serving(v);
  st.stopped = svc_[v].stopped != 0;
  st.outage = svc_[v].dep_outage > 0 || full_outage_ > 0;
  st.ooms = svc_[v].ooms;
  return st;
}

VersionSignals World::version_signals(size_t s) const {
  const size_t v = pos_[s];
  VersionSignals out;
  out.split = svc_[v].split_weight > 0.0;
  out.version = split_version_[v];
  out.weight = svc_[v].split_weight;
  out.baseline_p95_s = svc_[v].baseline_p95;
  out.baseline_error_rate = svc_[v].baseline_err;
  out.canary_p95_s = svc_[v].canary_p95;
  out.canary_error_rate = svc_[v].canary_err;
  return out;
}

std::vector<CheckFailure> World::failing_checks(Time t) const {
  std::vector<CheckFailure> out;
  for (const CheckFailure& c : check_failures_) {
    if (c.since <= t && (!c.until || t < *c.until)) out.push_back(c);
  }
  return out;
}

DataStoreStatus World::data_store_status(size_t store) const { return stores_[store]; }

double World::agent_exfiltration_rps(size_t agent) const {
  double rate = 0.0;
  for (const Compromise& c : compromises_) {
    if (c.agent == agent && exfil_active(c)) rate += scenario_->faults[c.fault].exfil_rps;
  }
  return rate;
}

WorldMetrics World::metrics() const {
  WorldMetrics m = metrics_;
  m.writes_lost = 0.0;
  for (const DataStoreStatus& st : stores_) m.writes_lost += st.lost;
  if (m.requests > 0.0 && options_.slo_error_ratio > 0.0 && options_.slo_period.us() > 0) {
    // Budget burned = bad / allowed bad, with the allowance of the whole
    // period scaled to the simulated time: error ratio / (1 - SLO) x T / P.
    const double ratio = m.failed_requests / m.requests;
    const double elapsed = static_cast<double>(tick_index_) * tick_.seconds_f();
    m.error_budget_burn =
        ratio / options_.slo_error_ratio * elapsed / options_.slo_period.seconds_f();
  }
  return m;
}

double World::run_latency_quantile(double q) const {
  return run_histogram_.count() > 0 ? run_histogram_.quantile(q) : kNaN;
}

void World::record_alert(AlertRecord alert) { alerts_.push_back(std::move(alert)); }
void World::record_action(ActionRecord action) { actions_.push_back(std::move(action)); }

// ---------------------------------------------------------------------------
// Actuators

void World::trace_action(const char* kind, int64_t target, double value) {
  sim::TraceHasher& tr = sim_->trace();
  tr.text(kind);
  tr.integer(target);
  tr.real(value);
  tr.integer(sim_->now().us());
  tr.end_record();
}

void World::set_rate_limit(size_t s, double rps) {
  const size_t v = pos_[s];
  svc_[v].rate_limit_rps = rps > 0.0 ? rps : 0.0;
  trace_action("rate_limit", static_cast<int64_t>(s), svc_[v].rate_limit_rps);
}

void World::set_retry_budget(size_t s, double budget) {
  const size_t v = pos_[s];
  const double configured = scenario_->services[s].retries.budget;
  svc_[v].retry_budget = budget >= 0.0 ? budget : (configured > 0.0 ? configured : -1.0);
  trace_action("retry_budget", static_cast<int64_t>(s), svc_[v].retry_budget);
}

void World::set_brownout(size_t s, double dimmer) {
  const size_t v = pos_[s];
  svc_[v].brownout = std::clamp(dimmer, 0.0, 1.0);
  refresh_capacity(v);
  trace_action("brownout", static_cast<int64_t>(s), svc_[v].brownout);
}

void World::set_safe_mode(bool on) {
  safe_mode_ = on;
  refresh_disabled();
  trace_action("safe_mode", -1, on ? 1.0 : 0.0);
}

void World::set_kill_switch(bool on) {
  kill_switch_ = on;
  trace_action("kill_switch", -1, on ? 1.0 : 0.0);
}

int World::set_module_enabled(const std::string& module, bool enabled) {
  const auto it = std::find(modules_.begin(), modules_.end(), module);
  if (it == modules_.end()) return 0;
  const size_t m = static_cast<size_t>(it - modules_.begin());
  module_enabled_[m] = enabled ? 1 : 0;
  refresh_disabled();
  int touched = 0;
  for (size_t v = 0; v < n_; ++v) touched += svc_[v].module == static_cast<int>(m) ? 1 : 0;
  trace_action(enabled ? "enable_module" : "disable_module", static_cast<int64_t>(m), touched);
  return touched;
}

void World::set_entry_admission(double fraction) {
  admission_ = std::clamp(fraction, 0.0, 1.0);
  trace_action("entry_admission", -1, admission_);
}

void World::set_write_drain(bool on) {
  write_drain_ = on;
  if (on) {
    for (DataStoreStatus& st : stores_) {
      st.durable += st.buffered;
      st.buffered = 0.0;
    }
  }
  trace_action("write_drain", -1, on ? 1.0 : 0.0);
}

void World::quarantine_agent(size_t agent) {
  agent_quarantined_[agent] = 1;
  trace_action("quarantine_agent", static_cast<int64_t>(agent), 1.0);
}

void World::rotate_key(const std::string& key) {
  const auto it = std::lower_bound(rotated_keys_.begin(), rotated_keys_.end(), key);
  if (it == rotated_keys_.end() || *it != key) rotated_keys_.insert(it, key);
  sim::TraceHasher& tr = sim_->trace();
  tr.text("rotate_key");
  tr.text(key);
  tr.integer(sim_->now().us());
  tr.end_record();
}

void World::rotate_all_keys() {
  for (const Agent& a : scenario_->agents) rotate_key(a.key);
  for (const Compromise& c : compromises_) {
    if (c.by_key) rotate_key(c.key);
  }
}

double World::restore_backup(size_t i) {
  DataStoreStatus& st = stores_[i];
  if (!st.last_good_backup) return -1.0;
  // The backup holds every write acknowledged before it (on_backup
  // checkpoints), so what is durable or buffered beyond it is exactly the
  // writes acknowledged since, less those a crash already lost (which are
  // counted in `lost` and are in neither).
  const double lost = std::max(0.0, st.durable - durable_at_good_backup_[i]) + st.buffered;
  st.lost += lost;
  st.durable = durable_at_good_backup_[i];
  st.buffered = 0.0;
  st.corrupted = false;
  trace_action("restore_backup", static_cast<int64_t>(i), lost);
  return lost;
}

void World::restart_service(size_t s) {
  const size_t v = pos_[s];
  lose_replicas(v, running(v), true);
  svc_[v].backlog = 0.0;
  svc_[v].crashed = 0;
  svc_[v].hung = 0;
  svc_[v].unready_spec = 0;
  svc_[v].leak_base_mb = 0.0;
  svc_[v].leak_since = sim_->now() + scenario_->services[s].startup_time;
  svc_[v].stopped = 0;
  ++svc_[v].start_generation;
  svc_[v].starting = 0;
  begin_startup(v, svc_[v].desired);
  trace_action("restart_service", static_cast<int64_t>(s), svc_[v].desired);
}

void World::scale_service(size_t s, int replicas) {
  const size_t v = pos_[s];
  replicas = std::max(0, replicas);
  if (replicas > svc_[v].desired) {
    const int more = replicas - svc_[v].desired;
    svc_[v].desired = replicas;
    begin_startup(v, more);
  } else if (replicas < svc_[v].desired) {
    // Replicas removed gracefully: running ones first, then starting ones.
    const int removed = svc_[v].desired - replicas;
    lose_replicas(v, std::min(removed, running(v)), true);
    svc_[v].desired = replicas;
    svc_[v].starting = std::min(svc_[v].starting, svc_[v].desired);
    svc_[v].crashed = std::min(svc_[v].crashed, svc_[v].desired);
  }
  trace_action("scale_service", static_cast<int64_t>(s), replicas);
}

void World::stop_service(size_t s) {
  const size_t v = pos_[s];
  lose_replicas(v, running(v), true);
  svc_[v].backlog = 0.0;
  svc_[v].stopped = 1;
  ++svc_[v].start_generation;
  svc_[v].starting = 0;
  trace_action("stop_service", static_cast<int64_t>(s), 0.0);
}

void World::start_service(size_t s) {
  const size_t v = pos_[s];
  if (!svc_[v].stopped) return;
  svc_[v].stopped = 0;
  ++svc_[v].start_generation;
  svc_[v].starting = 0;
  svc_[v].hung = 0;
  svc_[v].unready_spec = 0;
  begin_startup(v, std::max(0, svc_[v].desired - svc_[v].crashed));
  trace_action("start_service", static_cast<int64_t>(s), svc_[v].desired);
}

void World::set_traffic_weight(size_t s, double w) {
  const size_t v = pos_[s];
  svc_[v].split_weight = split_version_[v].empty() ? 0.0 : std::clamp(w, 0.0, 1.0);
  if (deployment_of_[v] >= 0) {
    deployments_[static_cast<size_t>(deployment_of_[v])].weight = svc_[v].split_weight;
  }
  refresh_capacity(v);
  trace_action("set_traffic_weight", static_cast<int64_t>(s), svc_[v].split_weight);
}

void World::rollback(size_t s) {
  const size_t v = pos_[s];
  if (deployment_of_[v] >= 0) {
    DeploymentStatus& st = deployments_[static_cast<size_t>(deployment_of_[v])];
    st.rolled_back_at = sim_->now();
    st.active = false;
    st.weight = 0.0;
    deployment_of_[v] = -1;
  }
  svc_[v].split_weight = 0.0;
  svc_[v].split_factor = 1.0;
  svc_[v].split_add_s = 0.0;
  svc_[v].split_error = 0.0;
  split_version_[v].clear();
  refresh_capacity(v);
  trace_action("rollback", static_cast<int64_t>(s), 0.0);
}

// ---------------------------------------------------------------------------
// Deployments

void World::deploy_version(size_t d) {
  const Deployment& dep = scenario_->deployments[d];
  const size_t v = pos_[dep.service];
  // The loader allows one deployment per service and none on a service
  // with a bad_deploy, so the split is free.
  svc_[v].split_weight = 0.0;
  svc_[v].split_factor = std::max(1e-6, dep.latency_factor);
  svc_[v].split_add_s = dep.latency_add.seconds_f();
  svc_[v].split_error = std::clamp(dep.error_rate, 0.0, 1.0);
  split_version_[v] = dep.version;
  deployment_of_[v] = static_cast<int>(d);
  DeploymentStatus& st = deployments_[d];
  st.staged_at = sim_->now();
  st.active = true;
  st.weight = 0.0;
  refresh_capacity(v);
  trace_action("deploy_version", static_cast<int64_t>(dep.service), static_cast<double>(d));
}

int World::active_deployment(size_t s) const { return deployment_of_[pos_[s]]; }

namespace {

// A count of requests around `mean`: Poisson, by Knuth's product of
// uniforms below 30 and by its normal approximation above (where the two
// differ by less than the fluid model's own approximations).
double draw_count(sim::Rng& rng, double mean) {
  if (!(mean > 0.0)) return 0.0;
  if (mean < 30.0) {
    const double limit = std::exp(-mean);
    double p = rng.uniform01();
    int k = 0;
    while (p > limit) {
      ++k;
      p *= rng.uniform01();
    }
    return k;
  }
  return std::max(0.0, std::round(rng.normal(mean, std::sqrt(mean))));
}

// Requests measured exactly, one by one, up to this many in a tick; above
// it the quantile and the error count come from their normal
// approximations.
constexpr double kExactRequests = 40.0;

// The p95 of `n` requests of one version, as a monitoring system computes it
// from those requests: response time = offset + wait (with probability
// prob_wait, exponential with rate theta) + service (exponential with rate
// mu). For few requests they are drawn and the nearest-rank p95 taken; for
// many, the sample quantile is normal around the true one with standard
// deviation sqrt(q (1 - q) / n) / f(x_q) (the asymptotic law of sample
// quantiles), f the density at the quantile.
double measure_p95(sim::Rng& rng, double n, double prob_wait, double theta, double mu,
                   double offset) {
  if (!(mu > 0.0)) return kMaxLatencyS;
  const bool stable = theta > 0.0;
  if (n <= kExactRequests) {
    double values[static_cast<size_t>(kExactRequests)];
    const size_t k = static_cast<size_t>(n);
    for (size_t i = 0; i < k; ++i) {
      double t = offset + rng.exponential(1.0 / mu);
      if (rng.uniform01() < prob_wait) t += stable ? rng.exponential(1.0 / theta) : kMaxLatencyS;
      values[i] = std::min(t, kMaxLatencyS);
    }
    std::sort(values, values + k);
    const size_t rank = static_cast<size_t>(std::ceil(0.95 * static_cast<double>(k)));
    return values[std::max<size_t>(rank, 1) - 1];
  }
  if (!stable) return kMaxLatencyS;
  const ResponseTime rt{prob_wait, theta, mu};
  const double x = rt.quantile(0.95);
  const double f = rt.density(x);
  if (!(f > 0.0)) return std::min(offset + x, kMaxLatencyS);
  const double sd = std::sqrt(0.95 * 0.05 / n) / f;
  return std::min(offset + std::max(0.0, rng.normal(x, sd)), kMaxLatencyS);
}

// The share of `n` requests that failed, each with probability p.
double measure_errors(sim::Rng& rng, double n, double p) {
  p = std::clamp(p, 0.0, 1.0);
  double failed = 0.0;
  if (n <= kExactRequests) {
    for (int i = 0; i < static_cast<int>(n); ++i) failed += rng.uniform01() < p ? 1.0 : 0.0;
  } else {
    failed = std::clamp(std::round(rng.normal(n * p, std::sqrt(n * p * (1.0 - p)))), 0.0, n);
  }
  return failed / n;
}

}  // namespace

// Each version of a split is measured from the requests it served this tick,
// as a monitoring system would: the new version from its share of the
// served requests, the baseline from as many requests as the new version
// served (at most the old version's share), as Kayenta compares a canary
// with a baseline group of its own size. Request counts are Poisson around
// the fluid's expectation, so a tick at 1 % of 100 rps often has no canary
// request at all (NaN: no sample). CPU saturation per version is the
// service's, split by the versions' work per request, with a gauge's 2 %
// noise. The draws come from a stream per deployment, so deployments never
// shift the world's other noise. Nothing is measured at weight 1 (no
// baseline is left), though the requests still count.
void World::measure_deployments() {
  for (size_t d = 0; d < deployments_.size(); ++d) {
    DeploymentStatus& st = deployments_[d];
    if (!st.active) continue;
    const size_t s = scenario_->deployments[d].service;
    const size_t v = pos_[s];
    const double w = svc_[v].split_weight;
    if (!(w > 0.0)) continue;
    if (!st.first_traffic) st.first_traffic = sim_->now();
    const double served = svc_[v].served;
    st.requests += served * w;
    // At weight 1 there is no baseline left to compare with: a promoted
    // version is counted, not measured.
    if (w >= 1.0) continue;

    sim::Rng& rng = measure_rng_[d];
    VersionMeasure m;
    m.tick = tick_index_;
    m.weight = w;
    m.requests[1] = draw_count(rng, served * w);
    m.requests[0] = draw_count(rng, served * std::min(w, 1.0 - w));
    const SplitState& sp = split_state_[v];
    const bool fresh = sp.tick == tick_index_;
    const double p95_now = signals_->row(Signal::kLatencyP95)[s];
    const double err_now = signals_->row(Signal::kErrorRate)[s];
    const double cpu_now = signals_->row(Signal::kCpu)[s];
    const double factor = svc_[v].split_factor;
    const double mix = 1.0 + w * (factor - 1.0);
    for (int i = 0; i < 2; ++i) {
      const double n = m.requests[i];
      const double cpu = cpu_now * (i == 0 ? 1.0 / mix : factor / mix);
      m.cpu[i] = std::max(0.0, cpu * (1.0 + 0.02 * rng.normal(0.0, 1.0)));
      if (n < 1.0) {
        m.p95_s[i] = kNaN;
        m.error_rate[i] = kNaN;
        continue;
      }
      if (fresh) {
        m.p95_s[i] = measure_p95(rng, n, sp.prob_wait, sp.theta, i == 0 ? sp.mu_old : sp.mu_new,
                                 sp.shift + (i == 0 ? 0.0 : sp.add));
        m.error_rate[i] = measure_errors(rng, n, i == 0 ? sp.base_err : sp.new_err);
      } else {
        // No response-time model this tick (the service was down or had no
        // capacity): both versions see what the service did.
        m.p95_s[i] = p95_now;
        m.error_rate[i] = measure_errors(rng, n, err_now);
      }
    }
    measures_[d].push_back(m);
    sim::TraceHasher& tr = sim_->trace();
    tr.text("measure");
    tr.word(d);
    tr.integer(tick_index_);
    for (int i = 0; i < 2; ++i) {
      tr.real(m.requests[i]);
      tr.real(m.p95_s[i]);
      tr.real(m.error_rate[i]);
      tr.real(m.cpu[i]);
    }
    tr.end_record();
  }
}

}  // namespace dreamsim::model
