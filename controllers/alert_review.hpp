// The alerting review of the maintenance jobs: "Review golden signals",
// "Check detector alerts", "Check incident log" (daily), "Review performance
// metrics" (weekly), "Update runbooks" (monthly), as far as a controller can
// do them: count the pages per alert rule and note the noisy ones.
//
// It hears every page (golden-signal alerting, the resilience early warning,
// the detectors) through on_alert. A rule is (source, signal, service); one
// that paged more than `noisy_pages_per_day` times since the last daily
// review is noted as noisy (note_noisy_rule), the input a team needs to tune
// its thresholds. The weekly review reports pages and the median time to
// resolve; the monthly one the rules that paged most.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "controllers/maintenance.hpp"
#include "controllers/ports.hpp"
#include "controllers/procedures.hpp"

namespace dreamsim::ctl {

class AlertReview : public MaintenanceParticipant {
 public:
  explicit AlertReview(const MaintenanceProcedures& procedures) : p_(procedures) {}

  // A page (fired) or its resolution, at `at`.
  void on_alert(const Alert& alert, bool fired, Micros at);

  std::vector<MaintenanceAction> maintain(MaintenanceJob job, Micros now) override;

 private:
  using Rule = std::tuple<std::string, std::string, std::string>;  // source, signal, service
  struct Counts {
    int day = 0, week = 0, month = 0;
  };

  MaintenanceProcedures p_;
  std::map<Rule, Counts> pages_;
  std::map<uint64_t, Micros> open_;     // alert id -> fired at
  std::vector<Micros> resolve_times_;   // this week
};

}  // namespace dreamsim::ctl
