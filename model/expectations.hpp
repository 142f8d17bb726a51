// The judge of a scenario's expectations (the language: model/expectation.hpp,
// scenarios/README.md): after the run, and at every tick for `always` and
// `eventually`, it decides whether each held, with the evidence that decided
// it, and writes the results into outcome.json's "expectations".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/expectation.hpp"
#include "model/scenario.hpp"
#include "model/world.hpp"

namespace dreamsim::model {

struct NoteRecord;

// What the per-tick checks found, for one `always` or `eventually`.
struct TickCheck {
  size_t expectation = 0;  // index in Scenario::expectations
  // always
  int64_t ticks_checked = 0;       // ticks the invariant applied to
  int64_t first_tick = -1;         // the first of those
  int64_t violation_tick = -1;     // the first tick that broke it
  double violation_value = 0.0;    // what broke it (requests/s, records, writes)
  double violation_value2 = 0.0;
  // eventually: the start of the last run of ticks in which the condition held
  // (-1: it did not hold at the last tick), and whether it was ever false.
  int64_t holds_since_tick = -1;
  int64_t last_false_tick = -1;
};

// The per-tick observer of a run's `always` and `eventually` expectations.
// Construct it before the world runs and install it with
// World::set_tick_observer; all its memory is allocated here.
class ExpectationMonitor final : public TickObserver {
 public:
  ExpectationMonitor(const Scenario& scenario, const World& world);

  void after_tick(int64_t tick) override;

  bool empty() const { return checks_.empty(); }
  const std::vector<TickCheck>& checks() const { return checks_; }

 private:
  bool condition_holds(Condition c) const;
  void track_switches();

  const Scenario& scenario_;
  const World& world_;
  std::vector<TickCheck> checks_;
  // Switch state from the recorded actions, advanced with a cursor: the
  // procedures' claims, which the invariants hold the world to.
  size_t action_cursor_ = 0;
  int64_t kill_switch_since_us_ = -1;   // on since (action time), or -1
  int64_t write_drain_since_us_ = -1;
  int64_t first_quarantine_us_ = -1;
  double records_before_ = 0.0;
  double writes_lost_before_ = 0.0;
};

// Evaluates every expectation of `scenario` against a finished run.
// `outcome` must already hold the metrics and incidents (Run::outcome builds
// it); `monitor` may be null when the scenario has no always/eventually;
// `notes` may be null without controllers. Returns the "expectations" array
// of outcome.json.
nlohmann::ordered_json evaluate_expectations(const Scenario& scenario, const World& world,
                                             const ExpectationMonitor* monitor,
                                             const std::vector<NoteRecord>* notes,
                                             const nlohmann::ordered_json& outcome);

// True when no expectation of the outcome failed: every result's "passed" is
// true or null (a `reachable`, judged over a suite). What `dreamsim run`
// exits 1 on, and what a sweep counts as a failed run.
bool expectations_passed(const nlohmann::ordered_json& outcome);

// The failed expectations, one line each: "text: evidence".
std::vector<std::string> failed_expectations(const nlohmann::ordered_json& outcome);

// The command that replays a run: `dreamsim run SCENARIO --seed N
// [--procedures FILE]` (no --procedures for the built-in defaults), with
// arguments quoted for a POSIX shell where they need it.
std::string replay_command(const std::string& scenario_path, uint64_t seed,
                           const std::string& procedures_path);

}  // namespace dreamsim::model
