#include "model/topology.hpp"

#include <algorithm>
#include <boost/graph/strong_components.hpp>
#include <deque>
#include <functional>
#include <queue>

namespace dreamsim::model {
namespace {

void sort_unique(std::vector<size_t>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

}  // namespace

Topology::Topology(const std::vector<Service>& services) : graph_(services.size()) {
  names_.reserve(services.size());
  startup_.reserve(services.size());
  for (size_t v = 0; v < services.size(); ++v) {
    names_.push_back(services[v].id);
    startup_.push_back(services[v].startup_time);
    for (const DependencyEdge& e : services[v].depends_on) {
      if (e.service < services.size()) boost::add_edge(v, e.service, graph_);
    }
  }
  const size_t n = services.size();

  // Kahn's algorithm; `waiting[v]` counts the dependency edges of v whose
  // target has not started yet.
  std::vector<size_t> waiting(n, 0);
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t v = 0; v < n; ++v) {
    waiting[v] = boost::out_degree(v, graph_);
    if (waiting[v] == 0) ready.push(v);
  }
  while (!ready.empty()) {
    const size_t v = ready.top();
    ready.pop();
    order_.push_back(v);
    for (auto [it, end] = boost::in_edges(v, graph_); it != end; ++it) {
      const size_t caller = boost::source(*it, graph_);
      if (--waiting[caller] == 0) ready.push(caller);
    }
  }
  if (order_.size() == n) return;
  order_.clear();

  // Cyclic: name one cycle per strongly connected component.
  std::vector<size_t> component(n, 0);
  const size_t count = boost::strong_components(
      graph_, boost::make_iterator_property_map(component.begin(),
                                                boost::get(boost::vertex_index, graph_)));
  std::vector<std::vector<size_t>> members(count);
  for (size_t v = 0; v < n; ++v) members[component[v]].push_back(v);  // ids ascend
  std::vector<Cycle> found;
  for (const std::vector<size_t>& group : members) {
    const size_t start = group.front();
    bool self_loop = false;
    for (auto [it, end] = boost::out_edges(start, graph_); it != end; ++it) {
      self_loop |= boost::target(*it, graph_) == start;
    }
    if (group.size() == 1 && !self_loop) continue;
    Cycle cycle;
    cycle.component = group;
    if (self_loop) {
      cycle.path = {start, start};
      found.push_back(std::move(cycle));
      continue;
    }
    // Breadth-first from `start` inside the component until an edge leads
    // back to `start`: the shortest cycle through it.
    std::vector<size_t> parent(n, n);
    std::deque<size_t> frontier{start};
    parent[start] = start;
    size_t last = n;
    while (!frontier.empty() && last == n) {
      const size_t u = frontier.front();
      frontier.pop_front();
      for (auto [it, end] = boost::out_edges(u, graph_); it != end; ++it) {
        const size_t w = boost::target(*it, graph_);
        if (component[w] != component[start]) continue;
        if (w == start) {
          last = u;
          break;
        }
        if (parent[w] == n) {
          parent[w] = u;
          frontier.push_back(w);
        }
      }
    }
    for (size_t v = last; v != start; v = parent[v]) cycle.path.push_back(v);
    cycle.path.push_back(start);
    std::reverse(cycle.path.begin(), cycle.path.end());
    cycle.path.push_back(start);
    found.push_back(std::move(cycle));
  }
  std::sort(found.begin(), found.end(),
            [](const Cycle& a, const Cycle& b) { return a.path.front() < b.path.front(); });
  cycles_ = std::move(found);
}

std::string Topology::describe(const Cycle& cycle) const {
  std::string out = "cycle: ";
  for (size_t i = 0; i < cycle.path.size(); ++i) {
    if (i > 0) out += " -> ";
    out += names_[cycle.path[i]];
  }
  return out;
}

std::vector<size_t> Topology::dependencies(size_t v) const {
  std::vector<size_t> out;
  for (auto [it, end] = boost::out_edges(v, graph_); it != end; ++it) {
    out.push_back(boost::target(*it, graph_));
  }
  sort_unique(out);
  return out;
}

std::vector<size_t> Topology::dependents(size_t v) const {
  std::vector<size_t> out;
  for (auto [it, end] = boost::in_edges(v, graph_); it != end; ++it) {
    out.push_back(boost::source(*it, graph_));
  }
  sort_unique(out);
  return out;
}

std::vector<size_t> Topology::reachable(size_t v, bool forward) const {
  std::vector<bool> seen(size(), false);
  std::vector<size_t> stack{v};
  seen[v] = true;
  std::vector<size_t> out;
  while (!stack.empty()) {
    const size_t u = stack.back();
    stack.pop_back();
    for (size_t w : forward ? dependencies(u) : dependents(u)) {
      if (seen[w]) continue;
      seen[w] = true;
      out.push_back(w);
      stack.push_back(w);
    }
  }
  // On a cycle through v, v reaches itself; it is still not its own radius.
  out.erase(std::remove(out.begin(), out.end(), v), out.end());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<size_t> Topology::transitive_dependencies(size_t v) const { return reachable(v, true); }

std::vector<size_t> Topology::blast_radius(size_t v) const { return reachable(v, false); }

std::vector<std::vector<size_t>> Topology::startup_waves() const {
  std::vector<std::vector<size_t>> waves;
  if (order_.size() != size()) return waves;
  std::vector<size_t> wave(size(), 0);
  for (size_t v : order_) {
    for (size_t d : dependencies(v)) wave[v] = std::max(wave[v], wave[d] + 1);
    if (wave[v] >= waves.size()) waves.resize(wave[v] + 1);
  }
  for (size_t v = 0; v < size(); ++v) waves[wave[v]].push_back(v);
  return waves;
}

Topology::CriticalPath Topology::critical_path() const {
  CriticalPath path;
  if (order_.size() != size() || order_.empty()) return path;
  const size_t none = size();
  std::vector<Duration> finish(size());
  std::vector<size_t> previous(size(), none);
  for (size_t v : order_) {
    Duration longest;
    for (size_t d : dependencies(v)) {  // id order: the first of equals wins
      if (previous[v] == none || finish[d] > longest) {
        longest = finish[d];
        previous[v] = d;
      }
    }
    finish[v] = startup_[v] + longest;
  }
  size_t last = 0;
  for (size_t v = 1; v < size(); ++v) {
    if (finish[v] > finish[last]) last = v;
  }
  path.total = finish[last];
  for (size_t v = last; v != none; v = previous[v]) path.services.push_back(v);
  std::reverse(path.services.begin(), path.services.end());
  return path;
}

}  // namespace dreamsim::model
