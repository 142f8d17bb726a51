// The maintenance scheduler: runs the seed's daily, weekly and monthly
// maintenance jobs (Maintenance Procedures > Regular Maintenance) as
// scheduled controller work on runs long enough to reach them.
//
// Job j falls due at n x every_j + time_of_day for n >= 1 (with the seed's
// defaults: the daily job at 03:00 of every day after the first, the weekly
// one on day 7, the monthly one on day 30), so a run shorter than a day does
// no maintenance and its outcome is unchanged. When several jobs fall due at
// once they run in the order daily, weekly, monthly, each calling every
// participant in the order they were added; each action a participant
// reports becomes a decision (controller "maintenance", kind the action's,
// reason "<job> job: <detail>") and is kept per job for outcome.json.
//
// One timer is pending at a time (the next due time of any job), so the
// order of jobs that fall due together never depends on when their timers
// were set.
#pragma once

#include <string>
#include <vector>

#include "controllers/maintenance.hpp"
#include "controllers/ports.hpp"
#include "controllers/procedures.hpp"

namespace dreamsim::ctl {

struct MaintenanceRun {
  MaintenanceJob job = MaintenanceJob::kDaily;
  Micros at = 0;
  std::vector<MaintenanceAction> actions;
};

class MaintenanceScheduler {
 public:
  MaintenanceScheduler(Ports ports, const MaintenanceProcedures& procedures)
      : ports_(ports), p_(procedures) {}

  // Participants are called in the order they were added; they must outlive
  // the scheduler. May be called before or after start().
  void add(MaintenanceParticipant& participant) { participants_.push_back(&participant); }
  // Schedules the first job. Call once; nothing happens when disabled.
  void start();

  const std::vector<MaintenanceRun>& runs() const { return runs_; }
  const MaintenanceProcedures& procedures() const { return p_; }
  // When job `job` falls due for the n-th time (n >= 1).
  Micros due(MaintenanceJob job, int64_t n) const;

 private:
  void schedule_next();
  void run_due();
  Micros every(MaintenanceJob job) const;

  Ports ports_;
  MaintenanceProcedures p_;
  std::vector<MaintenanceParticipant*> participants_;
  std::vector<MaintenanceRun> runs_;
  int64_t next_n_[3] = {1, 1, 1};  // the next occurrence of daily, weekly, monthly
};

}  // namespace dreamsim::ctl
