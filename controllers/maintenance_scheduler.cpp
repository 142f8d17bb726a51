#include "controllers/maintenance_scheduler.hpp"

#include <algorithm>

namespace dreamsim::ctl {
namespace {

constexpr MaintenanceJob kJobs[3] = {MaintenanceJob::kDaily, MaintenanceJob::kWeekly,
                                     MaintenanceJob::kMonthly};

}  // namespace

Micros MaintenanceScheduler::every(MaintenanceJob job) const {
  switch (job) {
    case MaintenanceJob::kDaily: return p_.daily_every;
    case MaintenanceJob::kWeekly: return p_.weekly_every;
    case MaintenanceJob::kMonthly: return p_.monthly_every;
  }
  return p_.daily_every;
}

Micros MaintenanceScheduler::due(MaintenanceJob job, int64_t n) const {
  return n * every(job) + p_.time_of_day;
}

void MaintenanceScheduler::start() {
  if (!p_.enabled) return;
  schedule_next();
}

void MaintenanceScheduler::schedule_next() {
  Micros next = due(kJobs[0], next_n_[0]);
  for (size_t j = 1; j < 3; ++j) next = std::min(next, due(kJobs[j], next_n_[j]));
  const Micros now = ports_.clock.now();
  ports_.clock.call_after(std::max<Micros>(0, next - now), [this] { run_due(); });
}

void MaintenanceScheduler::run_due() {
  const Micros now = ports_.clock.now();
  for (size_t j = 0; j < 3; ++j) {
    if (due(kJobs[j], next_n_[j]) > now) continue;
    ++next_n_[j];
    MaintenanceRun run;
    run.job = kJobs[j];
    run.at = now;
    const std::string job = to_string(kJobs[j]);
    for (MaintenanceParticipant* p : participants_) {
      for (MaintenanceAction& a : p->maintain(kJobs[j], now)) {
        ports_.recorder.decision(Decision{now, "maintenance", a.kind, a.target,
                                          job + " job: " + a.detail});
        run.actions.push_back(std::move(a));
      }
    }
    ports_.recorder.note(now, "maintenance",
                         job + " job: " + std::to_string(run.actions.size()) + " actions");
    runs_.push_back(std::move(run));
  }
  schedule_next();
}

}  // namespace dreamsim::ctl
