// The service dependency DAG: the seed's StartupSequenceCore.buildDAG,
// validateDAG, getInitOrder and getDependencies.
//
// A service names the services it depends on (ServiceInfo::depends_on, as
// indices). An edge "api -> db" reads "api depends on db": db must be up
// before api starts, and the arrows of a reported cycle read the same way.
//
// Validation rejects two things, and names every offender rather than the
// first, so that one run of `dreamsim validate` fixes a scenario:
//
//   - an unknown dependency (an index outside the service list):
//     "unknown dependency: api depends on service #7 (there are 3 services)";
//   - a cycle, with every service on it in order, back to the first:
//     "cycle: api -> auth -> db -> api". A tangle of several cycles is
//     reported as several cycles whose union is every service that lies on
//     any cycle: services that merely depend on a cycle are not named, since
//     removing them would not help.
//
// The cycles are found as follows. Kahn's algorithm (below) leaves exactly
// the services on a cycle and those downstream of one. Taking those in
// declaration order, each one not yet named gets a breadth-first search along
// its dependencies (ascending index) back to itself: if it finds one, that is
// the shortest cycle through the service, and all of it is named; if not, the
// service is only downstream. This names every service on a cycle, costs
// O(V x (V + E)) only on an invalid graph, and is deterministic.
//
// The init order is Kahn's algorithm with ties broken by declaration index
// (a min-heap of ready services): of the services whose dependencies are all
// placed, the one declared first goes next. A scenario's order therefore
// reads as its author wrote it wherever the dependencies allow, and never
// depends on addresses or hash order. Waves group the services by depth: wave
// 0 has no dependencies, wave k holds the services whose deepest dependency
// is in wave k - 1; each wave is in declaration order. Everything in a wave
// can start at the same time once the earlier waves are up.
//
// This is plain code rather than Boost.Graph: Boost's topological_sort is a
// reversed depth-first order, not Kahn's with index ties, and its cycle
// detection does not name the path; what remains is a few dozen lines.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "controllers/ports.hpp"

namespace dreamsim::ctl {

// One thing wrong with a dependency graph.
struct DagProblem {
  enum class Kind { kUnknownDependency, kCycle };
  Kind kind = Kind::kCycle;
  // The service that names an unknown dependency, or the first on a cycle.
  size_t service = 0;
  // kUnknownDependency: the bad index.
  size_t dependency = 0;
  // kCycle: the services on it in dependency order, each once; the first one
  // is the earliest declared of those not already named by an earlier cycle.
  std::vector<size_t> cycle;
  // As shown to the user: "cycle: api -> auth -> db -> api".
  std::string message;
};

class ServiceDag {
 public:
  // An empty, valid graph.
  ServiceDag() = default;
  // `depends_on[i]` lists the indices service i depends on; duplicates are
  // ignored, unknown indices and cycles make the graph invalid.
  ServiceDag(std::vector<std::string> ids, const std::vector<std::vector<size_t>>& depends_on);
  // The services the telemetry port describes.
  static ServiceDag from(const TelemetryPort& telemetry);

  bool valid() const { return problems_.empty(); }
  // Unknown dependencies first (in declaration order), then cycles.
  const std::vector<DagProblem>& problems() const { return problems_; }
  // Every problem's message joined by "; "; empty when valid.
  std::string error() const;

  size_t size() const { return ids_.size(); }
  const std::string& id(size_t service) const { return ids_[service]; }
  // Direct dependencies that exist, ascending, without duplicates.
  const std::vector<size_t>& dependencies(size_t service) const { return deps_[service]; }
  // The services that depend directly on `service`, ascending.
  const std::vector<size_t>& dependents(size_t service) const { return users_[service]; }
  // Every service `service` needs, directly or not, in init order (so a
  // recovery can restart them in that order). Empty when invalid.
  std::vector<size_t> all_dependencies(size_t service) const;

  // Kahn's order with declaration-index ties; empty when invalid.
  const std::vector<size_t>& init_order() const { return order_; }
  // Waves by depth, each in declaration order; empty when invalid.
  const std::vector<std::vector<size_t>>& waves() const { return waves_; }
  // The wave of `service`; size() when invalid.
  size_t wave(size_t service) const { return wave_.empty() ? size() : wave_[service]; }
  // The position of `service` in init_order(); size() when invalid.
  size_t position(size_t service) const { return position_.empty() ? size() : position_[service]; }

 private:
  void find_cycles(const std::vector<char>& placed);

  std::vector<std::string> ids_;
  std::vector<std::vector<size_t>> deps_;
  std::vector<std::vector<size_t>> users_;
  std::vector<DagProblem> problems_;
  std::vector<size_t> order_;
  std::vector<size_t> position_;
  std::vector<std::vector<size_t>> waves_;
  std::vector<size_t> wave_;
};

}  // namespace dreamsim::ctl
