#include "controllers/traffic_profile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dreamsim::ctl {
namespace {

constexpr Micros kDay = 24 * kHour;
// A stored day counts towards the profile when at least this share of its
// slots was measured (and not left out for a firing alert).
constexpr double kMinDayCoverage = 0.9;
// The profile's mean over an interval is taken at this many evenly spaced
// points (the midpoints of as many equal parts).
constexpr int kMeanPoints = 8;

double median_of(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

TrafficProfile::TrafficProfile(Ports ports, const MaintenanceProcedures& procedures)
    : ports_(ports), p_(procedures) {
  columns_ = ports_.telemetry.service_count() + 1;
  const Micros tick = std::max<Micros>(1, ports_.telemetry.tick());
  const Micros slot = std::clamp<Micros>(p_.profile_slot, tick, kDay);
  slots_ = static_cast<size_t>(std::max<Micros>(1, kDay / slot));
  slot_ticks_ = static_cast<size_t>(std::max<Micros>(1, slot / tick));
  firing_.assign(columns_, false);
  touched_.assign(columns_, false);
  shape_.assign(columns_, {});
}

void TrafficProfile::start() {
  if (!p_.enabled || !p_.traffic_profile) return;
  const size_t days = static_cast<size_t>(std::max(1, p_.profile_days));
  days_.assign(columns_, std::vector<double>(days * slots_, kNaN));
  day_of_row_.assign(days, -1);
  ports_.clock.call_after(kDay / static_cast<Micros>(slots_), [this] { sample(); });
}

void TrafficProfile::on_alert(const Alert& alert, bool firing) {
  if (alert.signal != "traffic_drop" || alert.source != "alerting") return;
  const size_t column = ports_.telemetry.find_service(alert.service);
  if (column >= columns_) return;
  // A P2 drop (10-25 %) may be the cycle itself before there is a profile;
  // P1 and P0 are not what a daily cycle does within an hour.
  firing_[column] = firing && alert.severity != "P2";
  if (firing_[column]) touched_[column] = true;
}

void TrafficProfile::sample() {
  const Micros slot = kDay / static_cast<Micros>(slots_);
  ports_.clock.call_after(slot, [this] { sample(); });
  const Micros now = ports_.clock.now();
  const Micros start = now - slot;  // the slot that just ended
  const int64_t day = start / kDay;
  const size_t slot_index = static_cast<size_t>((start % kDay) / slot);
  const size_t row = static_cast<size_t>(day % static_cast<int64_t>(day_of_row_.size()));
  if (day_of_row_[row] != day) {
    // A new day takes the row of the oldest one.
    day_of_row_[row] = day;
    for (std::vector<double>& d : days_) {
      std::fill(d.begin() + static_cast<std::ptrdiff_t>(row * slots_),
                d.begin() + static_cast<std::ptrdiff_t>((row + 1) * slots_), kNaN);
    }
  }
  const bool full = ports_.telemetry.ticks() >= static_cast<int64_t>(slot_ticks_);
  for (size_t c = 0; c < columns_; ++c) {
    double mean = kNaN;
    if (full && !touched_[c]) {
      ports_.telemetry.window(Signal::kTraffic, c, slot_ticks_, scratch_);
      double sum = 0.0;
      for (double x : scratch_) sum += x;
      if (scratch_.size() == slot_ticks_) mean = sum / static_cast<double>(scratch_.size());
    }
    days_[c][row * slots_ + slot_index] = mean;
    touched_[c] = firing_[c];
  }
}

void TrafficProfile::refresh(std::vector<MaintenanceAction>& out, Micros now) {
  size_t profiled = 0;
  int most_days = 0;
  std::vector<std::vector<double>> per_slot(slots_);
  for (size_t c = 0; c < columns_; ++c) {
    for (std::vector<double>& v : per_slot) v.clear();
    int used = 0;
    for (size_t row = 0; row < day_of_row_.size(); ++row) {
      const int64_t day = day_of_row_[row];
      // Only whole days that are over.
      if (day < 0 || (day + 1) * kDay > now) continue;
      const double* d = days_[c].data() + row * slots_;
      double sum = 0.0;
      size_t n = 0;
      for (size_t s = 0; s < slots_; ++s) {
        if (std::isfinite(d[s])) {
          sum += d[s];
          ++n;
        }
      }
      if (static_cast<double>(n) < kMinDayCoverage * static_cast<double>(slots_)) continue;
      const double mean = sum / static_cast<double>(n);
      if (!(mean > 0.0)) continue;
      ++used;
      for (size_t s = 0; s < slots_; ++s) {
        if (std::isfinite(d[s])) per_slot[s].push_back(d[s] / mean);
      }
    }
    if (used == 0) continue;
    std::vector<double>& shape = shape_[c];
    shape.assign(slots_, kNaN);
    for (size_t s = 0; s < slots_; ++s) {
      if (!per_slot[s].empty()) shape[s] = median_of(per_slot[s]);
    }
    ++profiled;
    most_days = std::max(most_days, used);
  }
  char buf[160];
  if (profiled == 0) {
    std::snprintf(buf, sizeof buf, "no whole day of traffic yet: the traffic-drop rule keeps its plain baseline");
  } else {
    std::snprintf(buf, sizeof buf,
                  "daily traffic profile of %zu of %zu columns from up to %d days, %zu slots a day",
                  profiled, columns_, most_days, slots_);
  }
  out.push_back(MaintenanceAction{"refresh_traffic_profile", "system", buf});
}

std::vector<MaintenanceAction> TrafficProfile::maintain(MaintenanceJob job, Micros now) {
  std::vector<MaintenanceAction> out;
  if (job == MaintenanceJob::kDaily && !days_.empty()) refresh(out, now);
  return out;
}

double TrafficProfile::level(size_t column, Micros at) const {
  if (column >= columns_ || shape_[column].empty()) return kNaN;
  const std::vector<double>& shape = shape_[column];
  const double slot = static_cast<double>(kDay) / static_cast<double>(slots_);
  // Slot s is centred at (s + 0.5) x slot; interpolate between centres.
  double x = static_cast<double>(((at % kDay) + kDay) % kDay) / slot - 0.5;
  if (x < 0.0) x += static_cast<double>(slots_);
  const auto lo = static_cast<size_t>(std::floor(x)) % slots_;
  const size_t hi = (lo + 1) % slots_;
  const double f = x - std::floor(x);
  return (1.0 - f) * shape[lo] + f * shape[hi];
}

double TrafficProfile::mean_level(size_t column, Micros from, Micros to) const {
  double sum = 0.0;
  const double span = static_cast<double>(to - from);
  for (int i = 0; i < kMeanPoints; ++i) {
    const auto at = from + static_cast<Micros>(span * (i + 0.5) / kMeanPoints);
    sum += level(column, at);
  }
  return sum / kMeanPoints;
}

double TrafficProfile::expected_ratio(size_t column, Micros window_from, Micros window_to,
                                      Micros base_from, Micros base_to) const {
  if (column >= columns_ || shape_[column].empty()) return kNaN;
  const double window = mean_level(column, window_from, window_to);
  const double base = mean_level(column, base_from, base_to);
  if (!std::isfinite(window) || !std::isfinite(base) || !(base > 0.0)) return kNaN;
  return window / base;
}

size_t TrafficProfile::profiled_columns() const {
  size_t n = 0;
  for (const auto& s : shape_) n += s.empty() ? 0 : 1;
  return n;
}

}  // namespace dreamsim::ctl
