// The dependency graph: deterministic start-up order, cycles named service by
// service, blast radius, waves and the start-up critical path.
#include "model/topology.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace dreamsim::model {
namespace {

using sim::Duration;

struct Spec {
  std::string id;
  std::vector<size_t> deps;
  int64_t startup_s = 10;
};

std::vector<Service> make(const std::vector<Spec>& specs) {
  std::vector<Service> out;
  for (const Spec& s : specs) {
    Service v;
    v.id = s.id;
    v.startup_time = Duration::seconds(s.startup_s);
    for (size_t d : s.deps) v.depends_on.push_back(DependencyEdge{d, 1.0});
    out.push_back(v);
  }
  return out;
}

using Ids = std::vector<size_t>;

TEST(Topology, TiesInTheStartupOrderGoToTheEarlierDeclaration) {
  // 0 needs 2; 1 and 2 need nothing; 3 needs 1. Kahn with a min-heap starts
  // 1 (the lowest ready id), then 2, which frees 0, then 3 (freed by 1 but
  // higher than 0).
  const Topology t(make({{"web", {2}}, {"cache", {}}, {"db", {}}, {"batch", {1}}}));
  EXPECT_TRUE(t.is_acyclic());
  EXPECT_EQ(t.topological_order(), (Ids{1, 2, 0, 3}));
}

TEST(Topology, OrderPutsEveryServiceAfterItsDependencies) {
  // A wider graph declared in an order unrelated to the dependencies.
  const Topology t(make(
      {{"a", {3, 5}}, {"b", {0}}, {"c", {}}, {"d", {2}}, {"e", {1, 3}}, {"f", {2}}, {"g", {}}}));
  const Ids order = t.topological_order();
  ASSERT_EQ(order.size(), 7u);
  EXPECT_EQ(order, (Ids{2, 3, 5, 0, 1, 4, 6}));
  std::vector<size_t> position(order.size());
  for (size_t i = 0; i < order.size(); ++i) position[order[i]] = i;
  for (size_t v = 0; v < t.size(); ++v) {
    for (size_t d : t.dependencies(v)) EXPECT_LT(position[d], position[v]);
  }
}

TEST(Topology, CycleNamesEveryServiceOnIt) {
  const Topology t(make({{"web", {1}}, {"api", {2}}, {"auth", {3}}, {"db", {1}}}));
  EXPECT_FALSE(t.is_acyclic());
  EXPECT_TRUE(t.topological_order().empty());
  EXPECT_TRUE(t.startup_waves().empty());
  EXPECT_TRUE(t.critical_path().services.empty());
  ASSERT_EQ(t.cycles().size(), 1u);
  const Topology::Cycle& c = t.cycles()[0];
  EXPECT_EQ(c.path, (Ids{1, 2, 3, 1}));
  EXPECT_EQ(c.component, (Ids{1, 2, 3}));
  EXPECT_EQ(t.describe(c), "cycle: api -> auth -> db -> api");
}

TEST(Topology, EveryIndependentCycleIsFound) {
  const Topology t(
      make({{"a", {1}}, {"b", {0}}, {"c", {}}, {"d", {4}}, {"e", {5}}, {"f", {3}}, {"g", {6}}}));
  ASSERT_EQ(t.cycles().size(), 3u);
  EXPECT_EQ(t.describe(t.cycles()[0]), "cycle: a -> b -> a");
  EXPECT_EQ(t.describe(t.cycles()[1]), "cycle: d -> e -> f -> d");
  EXPECT_EQ(t.describe(t.cycles()[2]), "cycle: g -> g");
}

TEST(Topology, ShortestCycleThroughTheLowestIdInATangle) {
  // 0 -> 1 -> 2 -> 0 and 0 -> 3 -> 0 share 0: one component, the shortest
  // cycle through 0 is named, the component lists all four.
  const Topology t(make({{"a", {1, 3}}, {"b", {2}}, {"c", {0}}, {"d", {0}}}));
  ASSERT_EQ(t.cycles().size(), 1u);
  EXPECT_EQ(t.describe(t.cycles()[0]), "cycle: a -> d -> a");
  EXPECT_EQ(t.cycles()[0].component, (Ids{0, 1, 2, 3}));
}

TEST(Topology, BlastRadiusIsEveryTransitiveCallerInIdOrder) {
  // db <- api <- web, db <- auth <- api, batch -> db, report -> batch;
  // cache is unrelated.
  const Topology t(make({{"web", {1}},
                         {"api", {2, 3}},
                         {"auth", {3}},
                         {"db", {}},
                         {"cache", {}},
                         {"report", {6}},
                         {"batch", {3}}}));
  EXPECT_EQ(t.blast_radius(3), (Ids{0, 1, 2, 5, 6}));
  EXPECT_EQ(t.blast_radius(2), (Ids{0, 1}));
  EXPECT_EQ(t.blast_radius(0), Ids{});
  EXPECT_EQ(t.blast_radius(4), Ids{});
  EXPECT_EQ(t.dependencies(1), (Ids{2, 3}));
  EXPECT_EQ(t.dependents(3), (Ids{1, 2, 6}));
  EXPECT_EQ(t.transitive_dependencies(0), (Ids{1, 2, 3}));
  EXPECT_EQ(t.transitive_dependencies(5), (Ids{3, 6}));
}

TEST(Topology, WavesStartTogetherWhatCanStartTogether) {
  const Topology t(make(
      {{"web", {1, 4}}, {"api", {2, 3}}, {"auth", {3}}, {"db", {}}, {"cdn", {}}, {"queue", {}}}));
  const std::vector<Ids> waves = t.startup_waves();
  ASSERT_EQ(waves.size(), 4u);
  EXPECT_EQ(waves[0], (Ids{3, 4, 5}));
  EXPECT_EQ(waves[1], (Ids{2}));
  EXPECT_EQ(waves[2], (Ids{1}));
  EXPECT_EQ(waves[3], (Ids{0}));
}

TEST(Topology, CriticalPathIsTheLongestChainOfStartupTimes) {
  // Two routes to web, equally long: db (60) -> api (20) -> web (5) = 85 and
  // cache (10) -> search (70) -> web (5) = 85. At web the tie between api
  // (id 2) and search (id 4) goes to the lower id.
  const Topology t(make({{"web", {2, 4}, 5},
                         {"cache", {}, 10},
                         {"api", {3}, 20},
                         {"db", {}, 60},
                         {"search", {1}, 70}}));
  const Topology::CriticalPath p = t.critical_path();
  EXPECT_EQ(p.total, Duration::seconds(85));
  EXPECT_EQ(p.services, (Ids{3, 2, 0}));
}

TEST(Topology, CriticalPathFollowsTheSlowStarter) {
  const Topology t(make({{"web", {2, 4}, 5},
                         {"cache", {}, 10},
                         {"api", {3}, 20},
                         {"db", {}, 60},
                         {"search", {1}, 71}}));
  const Topology::CriticalPath p = t.critical_path();
  EXPECT_EQ(p.total, Duration::seconds(86));
  EXPECT_EQ(p.services, (Ids{1, 4, 0}));
}

TEST(Topology, CriticalPathOfIndependentServicesIsTheSlowestOne) {
  const Topology t(make({{"a", {}, 5}, {"b", {}, 9}, {"c", {}, 9}}));
  const Topology::CriticalPath p = t.critical_path();
  EXPECT_EQ(p.total, Duration::seconds(9));
  EXPECT_EQ(p.services, (Ids{1}));
}

TEST(Topology, EmptyGraph) {
  const Topology t(std::vector<Service>{});
  EXPECT_TRUE(t.is_acyclic());
  EXPECT_TRUE(t.topological_order().empty());
  EXPECT_TRUE(t.startup_waves().empty());
  EXPECT_TRUE(t.critical_path().services.empty());
  EXPECT_EQ(t.critical_path().total, Duration::micros(0));
}

TEST(Topology, LongChainNeedsNoDeepRecursion) {
  // 50,000 services in one chain, the last declared first: every query is
  // iterative, so this neither overflows the stack nor takes long.
  constexpr size_t kN = 50000;
  std::vector<Spec> specs;
  for (size_t i = 0; i < kN; ++i) {
    std::string id = "s";  // not "s" + ...: GCC 12 warns (-Wrestrict) on that
    id += std::to_string(i);
    specs.push_back({id, i + 1 < kN ? Ids{i + 1} : Ids{}, 1});
  }
  const Topology t(make(specs));
  ASSERT_EQ(t.topological_order().size(), kN);
  EXPECT_EQ(t.topological_order().front(), kN - 1);
  EXPECT_EQ(t.startup_waves().size(), kN);
  EXPECT_EQ(t.critical_path().total, Duration::seconds(kN));
  EXPECT_EQ(t.blast_radius(kN - 1).size(), kN - 1);
  // Closing the chain into a ring names all 50,000 services.
  specs.back().deps = {0};
  const Topology ring(make(specs));
  ASSERT_EQ(ring.cycles().size(), 1u);
  EXPECT_EQ(ring.cycles()[0].path.size(), kN + 1);
}

}  // namespace
}  // namespace dreamsim::model
