// Helpers for the world tests: small scenarios built directly as structs, so
// that each test states exactly the numbers its assertion depends on.
#pragma once

#include <string>
#include <vector>

#include "model/scenario.hpp"
#include "model/world.hpp"
#include "sim/simulation.hpp"

namespace dreamsim::model::testing {

// One service with c = replicas x (capacity x service time) workers; no
// memory pressure unless a test asks for it.
inline Service make_service(const std::string& id, int replicas = 10, double capacity_rps = 100.0,
                            Duration service_time = Duration::millis(10)) {
  Service s;
  s.id = id;
  s.replicas = replicas;
  s.capacity_rps = capacity_rps;
  s.service_time = service_time;
  s.service_time_cv = 1.0;
  s.cpu_per_request_ms = 1.0;
  s.cpu_cores = 1.0;
  s.memory_base_mb = 256.0;
  s.memory_per_inflight_mb = 0.0;
  s.memory_limit_mb = 1024.0;
  s.timeout = Duration::seconds(1);
  s.startup_time = Duration::seconds(0);
  return s;
}

inline EntryLoad constant_load(size_t service, double rps, double cv = 0.0) {
  EntryLoad load;
  load.service = service;
  load.profile.kind = LoadProfileKind::kConstant;
  load.profile.rate_rps = rps;
  load.noise.cv = cv;
  load.noise.autocorrelation = 0.5;
  return load;
}

inline Scenario make_scenario(std::vector<Service> services, Duration duration) {
  Scenario sc;
  sc.name = "test";
  sc.seed = 1;
  sc.duration = duration;
  sc.tick = Duration::seconds(1);
  sc.services = std::move(services);
  return sc;
}

inline Fault make_fault(FaultKind kind, size_t target, int64_t start_s,
                        std::optional<int64_t> end_s = std::nullopt) {
  Fault f;
  f.kind = kind;
  f.target_kind = FaultTargetKind::kService;
  f.target = target;
  f.start = Time::from_seconds(start_s);
  if (end_s) f.end = Time::from_seconds(*end_s);
  return f;
}

inline void add_edge(Scenario& sc, size_t from, size_t to, double calls = 1.0) {
  sc.services[from].depends_on.push_back(DependencyEdge{to, calls});
}

// Runs the world until just after tick `tick_index` has been processed.
inline void run_through_tick(sim::Simulation& sim, World& world, int64_t tick_index) {
  world.start();
  sim.run_until(Time::from_seconds(tick_index));
}

}  // namespace dreamsim::model::testing
