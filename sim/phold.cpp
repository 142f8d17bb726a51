#include "sim/phold.hpp"

#include <string>
#include <vector>

#include "sim/random.hpp"
#include "sim/simulation.hpp"

namespace dreamsim::sim {

class PholdModel::State {
 public:
  explicit State(const PholdParams& p) : p_(p), lookahead_us_(llround_us(p.lookahead)) {
    rngs_.reserve(p.lps);
    for (uint64_t i = 0; i < p.lps; ++i) {
      rngs_.emplace_back(stream_seed(p.seed, "phold/lp/" + std::to_string(i)));
    }
    // Initial events: each LP schedules its population with its own draws.
    for (uint64_t i = 0; i < p.lps; ++i) {
      for (uint64_t k = 0; k < p.population; ++k) schedule_from(static_cast<uint32_t>(i));
    }
  }

  PholdResult run() {
    sim_.run_events(p_.events);
    PholdResult r;
    r.events = sim_.events_run();
    r.peak_pending = sim_.peak_pending();
    r.queue_bytes = sim_.memory_bytes();
    r.model_bytes = rngs_.capacity() * sizeof(Rng);
    r.final_time_s = sim_.now().seconds_f();
    r.hash = sim_.trace().value();
    return r;
  }

 private:
  static int64_t llround_us(double s) { return Duration::from_seconds(s).us(); }

  void schedule_from(uint32_t lp) {
    Rng& rng = rngs_[lp];
    uint32_t dest = lp;
    if (rng.bernoulli(p_.remote)) dest = static_cast<uint32_t>(rng.below(p_.lps));
    const int64_t delay_us = lookahead_us_ + Duration::from_seconds(rng.exponential(1.0)).us();
    sim_.after(Duration::micros(delay_us), [this, dest] { schedule_from(dest); });
  }

  PholdParams p_;
  int64_t lookahead_us_;
  std::vector<Rng> rngs_;
  Simulation sim_;
};

PholdModel::PholdModel(const PholdParams& params) : state_(std::make_unique<State>(params)) {}
PholdModel::~PholdModel() = default;
PholdResult PholdModel::run() { return state_->run(); }

PholdResult run_phold(const PholdParams& params) {
  PholdModel model(params);
  return model.run();
}

}  // namespace dreamsim::sim
