// PHOLD (Fujimoto 1990), the standard synthetic benchmark for event engines.
//
// N logical processes (LPs) each start with P events. Handling an event at an
// LP schedules one new event at now + lookahead + Exp(mean 1 time unit): at a
// uniformly random LP with probability `remote`, at the same LP otherwise.
// The run stops after `events` events. One time unit is one second of
// simulated time here, so the default lookahead of 0.1 is 100 ms.
//
// Each LP draws from its own named stream ("phold/lp/<i>"), so the model is a
// pure function of its parameters and seed. The final hash is the engine's
// trace hash, which folds the (time, seq) of every event run.
#pragma once

#include <cstdint>
#include <memory>

namespace dreamsim::sim {

struct PholdParams {
  uint64_t lps = 1000;
  uint64_t events = 1000000;
  uint64_t population = 1;  // initial events per LP
  double remote = 0.25;     // probability that an event goes to another LP
  double lookahead = 0.1;   // in time units (seconds)
  uint64_t seed = 1;
};

struct PholdResult {
  uint64_t events = 0;
  uint64_t peak_pending = 0;
  uint64_t queue_bytes = 0;  // heap and slot table at the end
  uint64_t model_bytes = 0;  // the LPs' own state
  double final_time_s = 0;
  uint64_t hash = 0;
};

// The model, built (streams derived, initial events scheduled) by the
// constructor, so that a benchmark can time the event loop alone.
class PholdModel {
 public:
  explicit PholdModel(const PholdParams& params);
  ~PholdModel();
  PholdModel(const PholdModel&) = delete;
  PholdModel& operator=(const PholdModel&) = delete;

  // Runs until params.events events have been handled.
  PholdResult run();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

PholdResult run_phold(const PholdParams& params);

}  // namespace dreamsim::sim
