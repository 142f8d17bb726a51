#include "controllers/dag.hpp"

#include <gtest/gtest.h>

#include "tests/controllers/fake_world.hpp"

namespace dreamsim::ctl {
namespace {

using Deps = std::vector<std::vector<size_t>>;

std::vector<std::string> ids_of(const ServiceDag& dag, const std::vector<size_t>& services) {
  std::vector<std::string> out;
  for (size_t s : services) out.push_back(dag.id(s));
  return out;
}

using Names = std::vector<std::string>;

TEST(Dag, InitOrderBreaksTiesByDeclarationIndex) {
  // b depends on a; c is free. Kahn with index ties places b right after a
  // (b is declared before c); concatenated waves would give a, c, b.
  const ServiceDag dag({"a", "b", "c"}, Deps{{}, {0}, {}});
  ASSERT_TRUE(dag.valid()) << dag.error();
  EXPECT_EQ(ids_of(dag, dag.init_order()), (Names{"a", "b", "c"}));

  // Declared backwards: the dependencies decide.
  const ServiceDag chain({"web", "api", "db"}, Deps{{1}, {2}, {}});
  EXPECT_EQ(ids_of(chain, chain.init_order()), (Names{"db", "api", "web"}));
  EXPECT_EQ(chain.position(2), 0u);
  EXPECT_EQ(chain.position(0), 2u);

  // Several ready at once: always the earliest declared first.
  const ServiceDag mixed({"a", "b", "c", "d", "e"}, Deps{{}, {3}, {}, {}, {0}});
  EXPECT_EQ(ids_of(mixed, mixed.init_order()), (Names{"a", "c", "d", "b", "e"}));
}

TEST(Dag, WavesGroupByDepthInDeclarationOrder) {
  // api needs auth and cache; auth needs db; web needs api; metrics is free.
  const ServiceDag dag({"db", "cache", "auth", "api", "web", "metrics"},
                       Deps{{}, {}, {0}, {2, 1}, {3}, {}});
  ASSERT_TRUE(dag.valid()) << dag.error();
  ASSERT_EQ(dag.waves().size(), 4u);
  EXPECT_EQ(ids_of(dag, dag.waves()[0]), (Names{"db", "cache", "metrics"}));
  EXPECT_EQ(ids_of(dag, dag.waves()[1]), (Names{"auth"}));
  EXPECT_EQ(ids_of(dag, dag.waves()[2]), (Names{"api"}));
  EXPECT_EQ(ids_of(dag, dag.waves()[3]), (Names{"web"}));
  EXPECT_EQ(dag.wave(3), 2u);
  EXPECT_EQ(dag.wave(5), 0u);
}

TEST(Dag, CycleIsRejectedNamingEveryServiceOnItInOrder) {
  // web depends on the cycle but is not on it, so it is not named.
  const ServiceDag dag({"web", "api", "auth", "db"}, Deps{{1}, {2}, {3}, {1}});
  EXPECT_FALSE(dag.valid());
  ASSERT_EQ(dag.problems().size(), 1u);
  const DagProblem& p = dag.problems()[0];
  EXPECT_EQ(p.kind, DagProblem::Kind::kCycle);
  EXPECT_EQ(p.cycle, (std::vector<size_t>{1, 2, 3}));
  EXPECT_EQ(dag.error(), "cycle: api -> auth -> db -> api");
  EXPECT_TRUE(dag.init_order().empty());
  EXPECT_TRUE(dag.waves().empty());
  EXPECT_EQ(dag.wave(0), dag.size());
}

TEST(Dag, TangledCyclesNameEveryServiceOnAnyCycle) {
  // a <-> b and b <-> c share b; d only depends on the tangle; e is fine;
  // f depends on itself.
  const ServiceDag dag({"a", "b", "c", "d", "e", "f"}, Deps{{1}, {0, 2}, {1}, {2}, {}, {5}});
  EXPECT_FALSE(dag.valid());
  EXPECT_EQ(dag.error(), "cycle: a -> b -> a; cycle: c -> b -> c; cycle: f -> f");
}

TEST(Dag, UnknownDependencyIsRejected) {
  const ServiceDag dag({"api", "db"}, Deps{{1, 7}, {}});
  EXPECT_FALSE(dag.valid());
  ASSERT_EQ(dag.problems().size(), 1u);
  EXPECT_EQ(dag.problems()[0].kind, DagProblem::Kind::kUnknownDependency);
  EXPECT_EQ(dag.problems()[0].service, 0u);
  EXPECT_EQ(dag.problems()[0].dependency, 7u);
  EXPECT_EQ(dag.error(), "unknown dependency: api depends on service #7 (there are 2 services)");
  EXPECT_TRUE(dag.init_order().empty());
}

TEST(Dag, UnknownDependencyAndCycleAreBothReported) {
  const ServiceDag dag({"a", "b"}, Deps{{1}, {0, 9}});
  EXPECT_EQ(dag.error(),
            "unknown dependency: b depends on service #9 (there are 2 services); "
            "cycle: a -> b -> a");
}

TEST(Dag, DependenciesDependentsAndTheirClosure) {
  // api lists db twice; the duplicate is not an error.
  const ServiceDag dag({"web", "api", "db", "cache", "auth"}, Deps{{1}, {2, 4, 2}, {}, {}, {3}});
  ASSERT_TRUE(dag.valid()) << dag.error();
  EXPECT_EQ(dag.dependencies(1), (std::vector<size_t>{2, 4}));
  EXPECT_EQ(dag.dependents(2), (std::vector<size_t>{1}));
  EXPECT_EQ(dag.dependents(1), (std::vector<size_t>{0}));
  // Everything web needs, in init order: db, cache, auth, api.
  EXPECT_EQ(ids_of(dag, dag.init_order()), (Names{"db", "cache", "auth", "api", "web"}));
  EXPECT_EQ(ids_of(dag, dag.all_dependencies(0)), (Names{"db", "cache", "auth", "api"}));
  EXPECT_TRUE(dag.all_dependencies(2).empty());
}

TEST(Dag, BuiltFromTheTelemetryPort) {
  std::vector<ServiceInfo> services = {testing::service_named("api"), testing::service_named("db")};
  services[0].depends_on = {1};
  const testing::FakeTelemetry telemetry(services);
  const ServiceDag dag = ServiceDag::from(telemetry);
  ASSERT_TRUE(dag.valid());
  EXPECT_EQ(ids_of(dag, dag.init_order()), (Names{"db", "api"}));

  const ServiceDag empty = ServiceDag::from(testing::FakeTelemetry(std::vector<ServiceInfo>{}));
  EXPECT_TRUE(empty.valid());
  EXPECT_TRUE(empty.init_order().empty());
}

}  // namespace
}  // namespace dreamsim::ctl
