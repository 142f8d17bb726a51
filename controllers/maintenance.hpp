// Maintenance jobs: the seed's daily, weekly and monthly procedures as
// scheduled controller work (Monitoring and Maintenance Procedures).
//
// A controller that has maintenance to do (the detectors retrain and promote,
// the resilience early warning refreshes its baselines and guardrail
// thresholds, alerting reviews its alerts) implements MaintenanceParticipant;
// the MaintenanceScheduler (controllers/maintenance_scheduler.hpp) calls
// every participant, in the order they were added, when a job falls due, and
// records what each did as decisions (controller "maintenance", kind the
// job's action) so that each job's actions land in the outcome.
#pragma once

#include <string>
#include <vector>

#include "controllers/ports.hpp"

namespace dreamsim::ctl {

enum class MaintenanceJob { kDaily, kWeekly, kMonthly };

inline const char* to_string(MaintenanceJob job) {
  switch (job) {
    case MaintenanceJob::kDaily:
      return "daily";
    case MaintenanceJob::kWeekly:
      return "weekly";
    case MaintenanceJob::kMonthly:
      return "monthly";
  }
  return "?";
}

// One thing a job did: "retrain_detectors", "promote_detectors",
// "adjust_eps", "refresh_baselines", "adjust_guardrails", "review_alerts".
struct MaintenanceAction {
  std::string kind;    // snake_case verb, as Decision::kind
  std::string target;  // what it touched ("detectors", a service, "system")
  std::string detail;  // what changed, with numbers ("eps 0.10 -> 0.12")
};

class MaintenanceParticipant {
 public:
  virtual ~MaintenanceParticipant() = default;
  // Runs this participant's share of `job` at `now`; returns what it did.
  virtual std::vector<MaintenanceAction> maintain(MaintenanceJob job, Micros now) = 0;
};

}  // namespace dreamsim::ctl
