#include "sim/simulation.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "sim/random.hpp"

namespace dreamsim::sim {
namespace {

TEST(Simulation, RunsInTimeThenInsertionOrder) {
  Simulation sim;
  std::vector<int> order;
  sim.at(Time::from_seconds(2), [&] { order.push_back(3); });
  sim.at(Time::from_seconds(1), [&] { order.push_back(1); });
  sim.at(Time::from_seconds(1), [&] { order.push_back(2); });
  sim.at(Time::from_seconds(2), [&] { order.push_back(4); });
  EXPECT_EQ(sim.pending(), 4u);
  EXPECT_EQ(sim.run_until(Time::from_seconds(10)), 4u);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(sim.now(), Time::from_seconds(10));
  EXPECT_EQ(sim.pending(), 0u);
}

TEST(Simulation, EventsScheduledForNowRunAfterThoseAlreadyQueued) {
  Simulation sim;
  std::vector<int> order;
  sim.at(Time::from_seconds(1), [&] {
    order.push_back(1);
    sim.after(Duration::micros(0), [&] { order.push_back(3); });
  });
  sim.at(Time::from_seconds(1), [&] { order.push_back(2); });
  sim.run_until(Time::from_seconds(1));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(Simulation, CancelledEventsNeverRun) {
  Simulation sim;
  int ran = 0;
  const EventId a = sim.at(Time::from_seconds(1), [&] { ran += 1; });
  const EventId b = sim.at(Time::from_seconds(2), [&] { ran += 10; });
  EXPECT_TRUE(sim.cancel(a));
  EXPECT_FALSE(sim.cancel(a));  // twice
  EXPECT_FALSE(sim.cancel(EventId{}));
  EXPECT_EQ(sim.pending(), 1u);
  sim.run_until(Time::from_seconds(5));
  EXPECT_EQ(ran, 10);
  EXPECT_FALSE(sim.cancel(b));  // already ran
}

TEST(Simulation, ACancelledSlotReusedByANewEventDoesNotResurrectTheOld) {
  Simulation sim;
  std::vector<int> order;
  const EventId a = sim.at(Time::from_seconds(1), [&] { order.push_back(1); });
  sim.cancel(a);
  const EventId b = sim.at(Time::from_seconds(3), [&] { order.push_back(2); });
  EXPECT_EQ(a.slot, b.slot);  // the free slot is reused at once
  EXPECT_FALSE(sim.cancel(a));
  sim.run_until(Time::from_seconds(2));
  EXPECT_TRUE(order.empty());
  sim.run_until(Time::from_seconds(4));
  EXPECT_EQ(order, (std::vector<int>{2}));
}

TEST(Simulation, AnEventCanCancelALaterOneAndStopTheRun) {
  Simulation sim;
  int ran = 0;
  EventId later = sim.at(Time::from_seconds(3), [&] { ran += 100; });
  sim.at(Time::from_seconds(1), [&] {
    ran += 1;
    sim.cancel(later);
    sim.stop();
  });
  sim.at(Time::from_seconds(2), [&] { ran += 10; });
  EXPECT_EQ(sim.run_until(Time::from_seconds(9)), 1u);
  EXPECT_EQ(sim.now(), Time::from_seconds(1));  // stopped: the clock stays
  EXPECT_EQ(sim.run_until(Time::from_seconds(9)), 1u);
  EXPECT_EQ(ran, 11);
}

TEST(Simulation, RunEventsAndRunWhileNot) {
  Simulation sim;
  int count = 0;
  for (int i = 0; i < 10; ++i) sim.at(Time::from_seconds(i), [&] { ++count; });
  EXPECT_EQ(sim.run_events(3), 3u);
  EXPECT_EQ(count, 3);
  EXPECT_EQ(sim.run_while_not([&] { return count >= 7; }), 4u);
  EXPECT_EQ(sim.now(), Time::from_seconds(6));
  EXPECT_EQ(sim.run_events(100), 3u);
  EXPECT_EQ(sim.events_run(), 10u);
}

TEST(Simulation, TwoSimulationsLiveSideBySide) {
  Simulation a, b;
  int ra = 0, rb = 0;
  a.at(Time::from_seconds(1), [&] { ++ra; });
  b.at(Time::from_seconds(5), [&] { ++rb; });
  a.run_until(Time::from_seconds(10));
  EXPECT_EQ(ra, 1);
  EXPECT_EQ(rb, 0);
  EXPECT_EQ(b.pending(), 1u);
  EXPECT_EQ(b.now(), Time::zero());
}

TEST(SimulationDeathTest, SchedulingInThePastAborts) {
  Simulation sim;
  sim.run_until(Time::from_seconds(5));
  EXPECT_DEATH(sim.at(Time::from_seconds(1), [] {}), "before now 5s");
}

// 100,000 random schedule / cancel / run operations against a reference model:
// a std::multimap keyed by time keeps equal keys in insertion order, which is
// exactly the (time, seq) order the engine promises.
TEST(Simulation, MatchesAReferenceModelOnRandomOperations) {
  Simulation sim;
  std::multimap<int64_t, int> reference;  // time -> label
  std::map<int, EventId> ids;             // label -> engine id, while pending
  std::vector<int> ran_engine, ran_reference;
  Rng rng = derive_stream(2024, "test/queue-property");
  int next_label = 0;
  for (int op = 0; op < 100000; ++op) {
    const uint64_t kind = rng.below(10);
    if (kind < 6) {
      // Few distinct delays, so ties are frequent.
      const int64_t delay = static_cast<int64_t>(rng.below(8)) * 1000;
      const int64_t t = sim.now().us() + delay;
      const int label = next_label++;
      ids[label] = sim.at(Time::from_micros(t), [&ran_engine, &ids, label] {
        ran_engine.push_back(label);
        ids.erase(label);
      });
      reference.emplace(t, label);
    } else if (kind < 8) {
      if (ids.empty()) continue;
      auto it = ids.begin();
      std::advance(it, static_cast<long>(rng.below(ids.size())));
      const int label = it->first;
      EXPECT_TRUE(sim.cancel(it->second));
      ids.erase(it);
      for (auto r = reference.begin(); r != reference.end(); ++r) {
        if (r->second == label) {
          reference.erase(r);
          break;
        }
      }
    } else {
      const uint64_t n = rng.below(5);
      sim.run_events(n);
      for (uint64_t i = 0; i < n && !reference.empty(); ++i) {
        ran_reference.push_back(reference.begin()->second);
        reference.erase(reference.begin());
      }
    }
    ASSERT_EQ(sim.pending(), reference.size()) << "after operation " << op;
  }
  sim.run_events(UINT64_MAX);
  for (const auto& [t, label] : reference) ran_reference.push_back(label);
  EXPECT_EQ(ran_engine, ran_reference);
  EXPECT_GT(ran_engine.size(), 20000u);
}

TEST(Simulation, TraceHashFoldsEveryEvent) {
  auto run = [](int64_t second_time) {
    Simulation sim;
    sim.at(Time::from_seconds(1), [] {});
    sim.at(Time::from_seconds(second_time), [] {});
    sim.run_until(Time::from_seconds(10));
    return sim.trace().value();
  };
  EXPECT_EQ(run(2), run(2));
  EXPECT_NE(run(2), run(3));
}

}  // namespace
}  // namespace dreamsim::sim
