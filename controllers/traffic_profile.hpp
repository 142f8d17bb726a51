// The daily traffic profile: what the golden-signal traffic-drop rule
// expects traffic to do over a day, learnt by the daily maintenance job
// ("Daily Checks: review golden signals").
//
// The seed's traffic rule pages when traffic falls 10 % (P2), 25 % (P1) or
// 50 % (P0) below its baseline, and the alerting controller's baseline is
// the hour before the window (controllers/ALERTING.md). On a service with a
// daily cycle that is a false page every evening: traffic falls by up to a
// quarter an hour after the afternoon peak, so the last minute is routinely
// more than 10 % below the last hour. What a person reviewing the golden
// signals would say is "it always does that at this hour". This class is
// that review, as a seasonal correction of the rule:
//
//   - every `profile_slot` (15 min) it records each column's mean traffic
//     over the slot (services, then the system column), for the last
//     `profile_days` days. A slot during which a P1 or P0 traffic_drop alert
//     was firing on that column is left out, so that a deep drop never
//     becomes part of what is normal. P2 drops are kept: before the first
//     profile the cycle itself pages P2 every evening, and leaving those
//     slots out would leave no whole day to learn from; a shallow real drop
//     on one day is outvoted by the median once there are three;
//   - the daily job (refresh) rebuilds each column's profile: every stored
//     day with at least 90 % of its slots is divided by its own mean (so
//     that growth from day to day, the drift, cancels) and the profile of a
//     slot is the median of those shapes over the days;
//   - expected_ratio(column, window, baseline) is the profile's mean over
//     the window divided by its mean over the baseline (the profile is read
//     between slot centres by linear interpolation, wrapping at midnight).
//     The alerting rule divides the observed ratio by it:
//     drop = 1 - (window / baseline) / expected. A fall the profile expects
//     is not a drop; a fall beyond it still is, by the same thresholds.
//
// Until the first refresh (a run's first day, or maintenance switched off)
// there is no profile and the rule is the plain one: a day of history is
// the least a "same time yesterday" comparison needs.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "controllers/maintenance.hpp"
#include "controllers/ports.hpp"
#include "controllers/procedures.hpp"

namespace dreamsim::ctl {

class TrafficProfile : public MaintenanceParticipant {
 public:
  TrafficProfile(Ports ports, const MaintenanceProcedures& procedures);

  // Schedules the slot sampling; nothing when maintenance or the profile is
  // off (nobody would ever refresh it). Call once.
  void start();
  // A traffic_drop page, fired or escalated (firing), or its resolution;
  // other alerts are ignored.
  void on_alert(const Alert& alert, bool firing);

  // Profile mean over [window_from, window_to) over its mean over
  // [base_from, base_to) for `column` (a service, or service_count() for the
  // system); NaN when the column has no profile yet.
  double expected_ratio(size_t column, Micros window_from, Micros window_to, Micros base_from,
                        Micros base_to) const;
  // The profile of `column` at `at` (1 = the day's mean); NaN when none.
  double level(size_t column, Micros at) const;
  // Columns with a profile.
  size_t profiled_columns() const;

  std::vector<MaintenanceAction> maintain(MaintenanceJob job, Micros now) override;

 private:
  static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

  void sample();
  void refresh(std::vector<MaintenanceAction>& out, Micros now);
  double mean_level(size_t column, Micros from, Micros to) const;

  Ports ports_;
  MaintenanceProcedures p_;
  size_t columns_ = 0;
  size_t slots_ = 1;
  size_t slot_ticks_ = 1;
  // days_[column][(day % profile_days) * slots + slot]: a slot's mean traffic,
  // NaN when not measured or left out.
  std::vector<std::vector<double>> days_;
  std::vector<int64_t> day_of_row_;         // which day each stored row holds (-1: none)
  std::vector<std::vector<double>> shape_;  // [column][slot]; empty: no profile
  std::vector<bool> firing_;                // a traffic_drop alert firing now, per column
  std::vector<bool> touched_;               // ... at some point in the current slot
  std::vector<double> scratch_;
};

}  // namespace dreamsim::ctl
