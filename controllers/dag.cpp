#include "controllers/dag.hpp"

#include <algorithm>
#include <functional>
#include <queue>
#include <utility>

namespace dreamsim::ctl {

ServiceDag::ServiceDag(std::vector<std::string> ids,
                       const std::vector<std::vector<size_t>>& depends_on)
    : ids_(std::move(ids)), deps_(ids_.size()), users_(ids_.size()) {
  const size_t n = ids_.size();
  for (size_t s = 0; s < n && s < depends_on.size(); ++s) {
    for (size_t d : depends_on[s]) {
      if (d >= n) {
        DagProblem p;
        p.kind = DagProblem::Kind::kUnknownDependency;
        p.service = s;
        p.dependency = d;
        p.message = "unknown dependency: " + ids_[s] + " depends on service #" + std::to_string(d) +
                    " (there are " + std::to_string(n) + " services)";
        problems_.push_back(std::move(p));
        continue;
      }
      deps_[s].push_back(d);
    }
    std::sort(deps_[s].begin(), deps_[s].end());
    deps_[s].erase(std::unique(deps_[s].begin(), deps_[s].end()), deps_[s].end());
    for (size_t d : deps_[s]) users_[d].push_back(s);
  }
  // users_ is filled in ascending s, so each list is already sorted.

  // Kahn's algorithm, the ready set a min-heap of declaration indices.
  std::vector<size_t> missing(n);
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t s = 0; s < n; ++s) {
    missing[s] = deps_[s].size();
    if (missing[s] == 0) ready.push(s);
  }
  std::vector<size_t> order;
  std::vector<char> placed(n, 0);
  while (!ready.empty()) {
    const size_t s = ready.top();
    ready.pop();
    order.push_back(s);
    placed[s] = 1;
    for (size_t u : users_[s]) {
      if (--missing[u] == 0) ready.push(u);
    }
  }
  if (order.size() < n) find_cycles(placed);
  if (!valid()) return;

  order_ = std::move(order);
  position_.assign(n, 0);
  wave_.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const size_t s = order_[i];
    position_[s] = i;
    // Dependencies come earlier in the order, so their waves are known.
    for (size_t d : deps_[s]) wave_[s] = std::max(wave_[s], wave_[d] + 1);
    if (wave_[s] >= waves_.size()) waves_.resize(wave_[s] + 1);
  }
  for (size_t s = 0; s < n; ++s) waves_[wave_[s]].push_back(s);
}

void ServiceDag::find_cycles(const std::vector<char>& placed) {
  const size_t n = ids_.size();
  std::vector<char> named(n, 0);
  std::vector<size_t> parent(n);
  std::vector<char> seen(n);
  for (size_t start = 0; start < n; ++start) {
    if (placed[start] || named[start]) continue;
    // Breadth-first along dependencies, within the unplaced services, back
    // to `start`: the shortest cycle through it, if there is one.
    std::fill(seen.begin(), seen.end(), 0);
    std::queue<size_t> frontier;
    frontier.push(start);
    seen[start] = 1;
    bool found = false;
    size_t last = start;
    while (!frontier.empty() && !found) {
      const size_t s = frontier.front();
      frontier.pop();
      for (size_t d : deps_[s]) {
        if (placed[d]) continue;
        if (d == start) {
          found = true;
          last = s;
          break;
        }
        if (!seen[d]) {
          seen[d] = 1;
          parent[d] = s;
          frontier.push(d);
        }
      }
    }
    if (!found) continue;  // only downstream of a cycle
    DagProblem p;
    p.kind = DagProblem::Kind::kCycle;
    p.service = start;
    for (size_t s = last; s != start; s = parent[s]) p.cycle.push_back(s);
    p.cycle.push_back(start);
    std::reverse(p.cycle.begin(), p.cycle.end());
    p.message = "cycle: ";
    for (size_t s : p.cycle) {
      named[s] = 1;
      p.message += ids_[s] + " -> ";
    }
    p.message += ids_[start];
    problems_.push_back(std::move(p));
  }
}

ServiceDag ServiceDag::from(const TelemetryPort& telemetry) {
  const size_t n = telemetry.service_count();
  std::vector<std::string> ids;
  std::vector<std::vector<size_t>> deps;
  ids.reserve(n);
  deps.reserve(n);
  for (size_t s = 0; s < n; ++s) {
    const ServiceInfo& info = telemetry.service(s);
    ids.push_back(info.id);
    deps.push_back(info.depends_on);
  }
  return ServiceDag(std::move(ids), deps);
}

std::string ServiceDag::error() const {
  std::string out;
  for (const DagProblem& p : problems_) {
    if (!out.empty()) out += "; ";
    out += p.message;
  }
  return out;
}

std::vector<size_t> ServiceDag::all_dependencies(size_t service) const {
  if (!valid()) return {};
  std::vector<char> needed(size(), 0);
  std::vector<size_t> stack(deps_[service].begin(), deps_[service].end());
  while (!stack.empty()) {
    const size_t s = stack.back();
    stack.pop_back();
    if (needed[s]) continue;
    needed[s] = 1;
    for (size_t d : deps_[s]) stack.push_back(d);
  }
  std::vector<size_t> out;
  for (size_t s : order_) {
    if (needed[s]) out.push_back(s);
  }
  return out;
}

}  // namespace dreamsim::ctl
