#include "model/run.hpp"

#include <algorithm>
#include <stdexcept>

#include "model/outcome.hpp"
#include "model/score.hpp"

namespace dreamsim::model {

Run::Run(const Scenario& scenario, const ctl::Procedures& procedures, RunOptions options)
    : scenario_(scenario), procedures_(procedures), options_(options) {
  WorldOptions world_options;
  // A scenario with a start-up begins with every service stopped, for the
  // start-up controller to start; without controllers nobody would.
  const bool startup = options_.controllers && scenario_.startup != StartupMode::kNone;
  world_options.start_ready = !startup;
  // The alerting rules read a window and, for traffic drops, a baseline
  // before it: the telemetry ring must hold both (and an evaluation's worth
  // of slack), or the traffic-drop rule never sees a full baseline and never
  // fires.
  const ctl::AlertingProcedures& alerting = procedures_.alerting;
  const int64_t needed_ticks =
      (alerting.traffic_baseline + alerting.window + alerting.evaluation_interval) /
          scenario_.tick.us() +
      1;
  world_options.signals.ring_ticks =
      std::max(world_options.signals.ring_ticks, static_cast<size_t>(needed_ticks));
  world_ = std::make_unique<World>(scenario_, options_.seed, sim_, world_options);
  if (options_.controllers) host_ = std::make_unique<ControllerHost>(*world_, procedures_);
  monitor_ = std::make_unique<ExpectationMonitor>(scenario_, *world_);
  if (!monitor_->empty()) world_->set_tick_observer(monitor_.get());
}

Run::~Run() = default;

void Run::execute() {
  if (executed_) throw std::logic_error("Run::execute called twice");
  executed_ = true;
  if (host_) {
    world_->start();
    host_->start(scenario_.startup);
  }
  world_->run();
  if (host_) host_->finish();
}

nlohmann::ordered_json Run::outcome() const {
  nlohmann::ordered_json out = outcome_json(*world_);
  if (host_) {
    host_->annotate(out);
    out["procedures"] = {{"path", procedures_.path}, {"hash", procedures_.hash}};
  }
  out["expectations"] = evaluate_expectations(scenario_, *world_, monitor_.get(),
                                              host_ ? &host_->notes() : nullptr, out);
  const Score score = score_outcome(out, procedures_.score);
  out["score"] = score.value;
  out["score_components"] = score.components;
  // Judged on every entry; written with at most a bounded number of them.
  bound_outcome(out);
  return out;
}

}  // namespace dreamsim::model
