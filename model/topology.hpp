// The service dependency graph: start-up order, cycles, blast radius, waves
// and the start-up critical path.
//
// The graph is a Boost.Graph adjacency_list with vecS vertices, so a vertex id
// is the service's index in Scenario::services, that is, its declaration order
// in the scenario file. An edge u -> v means "u depends on v" (u calls v, and
// v must be ready before u starts).
//
// Every answer here is deterministic and independent of addresses or hashing:
// wherever several answers are valid, the one that favours lower ids (earlier
// declarations) is chosen, so that two runs, two machines and a report all
// agree.
//
// - Topological (start-up) order: Kahn's algorithm with a min-heap on vertex
//   id. Among the services whose dependencies have all started, the one
//   declared first starts first. O((V + E) log V).
// - Cycles: the strongly connected components (Tarjan, via Boost) that have
//   more than one service or a self-dependency. For each, the shortest cycle
//   through its lowest-id service, found by a breadth-first search that visits
//   dependencies in declaration order, and spelled in dependency order:
//   "api -> auth -> db -> api" (api depends on auth, which depends on db, ...).
// - Blast radius of X: every service that transitively depends on X, the
//   services a failure of X can reach; in id order.
// - Start-up waves: wave 0 holds the services with no dependencies; wave k the
//   services whose deepest dependency is in wave k - 1. All services of a wave
//   can start together.
// - Critical path: the chain of dependencies whose start-up times add up to
//   the most; its total is the shortest possible start-up of the whole system
//   when everything independent starts in parallel. finish(v) = startup(v) +
//   max over dependencies d of finish(d); ties go to the lower id.
//
// The queries that need an order (topological order, waves, critical path)
// require the graph to be acyclic; on a cyclic graph they return nothing and
// cycles() says why. The loader rejects cyclic scenarios, so controllers and
// reports only ever see acyclic graphs.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "model/scenario.hpp"

namespace dreamsim::model {

class Topology {
 public:
  // bidirectionalS gives the in-edges (who depends on me) as cheaply as the
  // out-edges; vecS keeps vertex ids equal to declaration order.
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

  // One cycle, as vertex ids in dependency order, the first id repeated at the
  // end: {0, 3, 5, 0} reads "0 depends on 3 depends on 5 depends on 0".
  struct Cycle {
    std::vector<size_t> path;
    // Every service of the strongly connected component the cycle was found
    // in, in id order: when it has more services than the cycle, the others
    // are on further cycles through the same services.
    std::vector<size_t> component;
  };

  struct CriticalPath {
    std::vector<size_t> services;  // first to start ... last to become ready
    Duration total;                // sum of their startup_time
  };

  // Builds the graph from the services' depends_on edges. Edges that point
  // outside the vector are ignored (the loader reports them).
  explicit Topology(const std::vector<Service>& services);
  explicit Topology(const Scenario& scenario) : Topology(scenario.services) {}

  size_t size() const { return names_.size(); }
  const Graph& graph() const { return graph_; }
  const std::string& name(size_t v) const { return names_[v]; }

  bool is_acyclic() const { return cycles_.empty(); }
  // Every cycle, one per strongly connected component, ordered by the lowest
  // id on them.
  const std::vector<Cycle>& cycles() const { return cycles_; }
  // "cycle: api -> auth -> db -> api", with the names of the services.
  std::string describe(const Cycle& cycle) const;

  // A start-up order: every service after all of its dependencies, ties by
  // declaration order. Empty when the graph has a cycle.
  const std::vector<size_t>& topological_order() const { return order_; }

  // Direct dependencies and direct dependents (callers), in id order, without
  // repeats.
  std::vector<size_t> dependencies(size_t v) const;
  std::vector<size_t> dependents(size_t v) const;
  // Everything `v` needs, directly or not; in id order, `v` itself excluded.
  std::vector<size_t> transitive_dependencies(size_t v) const;
  // Everything that needs `v`, directly or not: the services a failure of `v`
  // can reach. In id order, `v` itself excluded.
  std::vector<size_t> blast_radius(size_t v) const;

  // Start-up waves as above, each in id order. Empty when cyclic.
  std::vector<std::vector<size_t>> startup_waves() const;
  // Empty path and zero total when cyclic or empty.
  CriticalPath critical_path() const;

 private:
  std::vector<size_t> reachable(size_t v, bool forward) const;

  Graph graph_;
  std::vector<std::string> names_;
  std::vector<Duration> startup_;
  std::vector<Cycle> cycles_;
  std::vector<size_t> order_;
};

}  // namespace dreamsim::model
