#include "model/run.hpp"

#include <stdexcept>

#include "model/outcome.hpp"

namespace dreamsim::model {

Run::Run(const Scenario& scenario, const ctl::Procedures& procedures, RunOptions options)
    : scenario_(scenario), procedures_(procedures), options_(options) {
  WorldOptions world_options;
  // A scenario with a start-up begins with every service stopped, for the
  // start-up controller to start; without controllers nobody would.
  const bool startup = options_.controllers && scenario_.startup != StartupMode::kNone;
  world_options.start_ready = !startup;
  world_ = std::make_unique<World>(scenario_, options_.seed, sim_, world_options);
  if (options_.controllers) host_ = std::make_unique<ControllerHost>(*world_, procedures_);
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
  return out;
}

}  // namespace dreamsim::model
