// One run: a scenario, its procedures and a seed, played to the end with the
// controllers (or without them), and its outcome.json document.
//
// `dreamsim run` is a thin printer around this; sweeps, the gate, the
// detector evaluation and the reports run scenarios through it too, so that
// every command produces the same bytes for the same (scenario, procedures,
// seed). A Run owns its engine, world and controller host; runs share
// nothing, so any number of them may execute on different threads at once.
#pragma once

#include <cstdint>
#include <memory>

#include <nlohmann/json.hpp>

#include "controllers/procedures.hpp"
#include "model/controller_host.hpp"
#include "model/expectations.hpp"
#include "model/scenario.hpp"
#include "model/world.hpp"
#include "sim/simulation.hpp"

namespace dreamsim::model {

struct RunOptions {
  uint64_t seed = 1;
  // False: no controllers at all, "what happens if nobody acts".
  bool controllers = true;
};

class Run {
 public:
  // `scenario` must outlive the run.
  Run(const Scenario& scenario, const ctl::Procedures& procedures, RunOptions options);
  ~Run();
  Run(const Run&) = delete;
  Run& operator=(const Run&) = delete;

  // Plays the scenario to its end. Call once.
  void execute();

  const World& world() const { return *world_; }
  // Null when the run has no controllers.
  const ControllerHost* host() const { return host_.get(); }
  const ctl::Procedures& procedures() const { return procedures_; }
  const RunOptions& options() const { return options_; }
  uint64_t trace_hash() const { return sim_.trace().value(); }

  // The outcome.json document (model/outcome.hpp), with what the
  // controllers add (ControllerHost::annotate), the procedures' path and
  // hash, the scenario's expectations judged (model/expectations.hpp) and
  // the score (model/score.hpp). Call after execute(). Whether every
  // expectation held: expectations_passed(outcome()).
  nlohmann::ordered_json outcome() const;

 private:
  const Scenario& scenario_;
  ctl::Procedures procedures_;
  RunOptions options_;
  sim::Simulation sim_;
  std::unique_ptr<World> world_;
  std::unique_ptr<ControllerHost> host_;
  // Watches the `always` and `eventually` expectations at every tick.
  std::unique_ptr<ExpectationMonitor> monitor_;
  bool executed_ = false;
};

}  // namespace dreamsim::model
