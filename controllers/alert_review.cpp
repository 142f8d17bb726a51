#include "controllers/alert_review.hpp"

#include <algorithm>
#include <cstdio>

namespace dreamsim::ctl {

void AlertReview::on_alert(const Alert& alert, bool fired, Micros at) {
  if (fired) {
    Counts& c = pages_[Rule{alert.source, alert.signal, alert.service}];
    ++c.day;
    ++c.week;
    ++c.month;
    open_[alert.id] = at;
    return;
  }
  const auto it = open_.find(alert.id);
  if (it == open_.end()) return;
  resolve_times_.push_back(at - it->second);
  open_.erase(it);
}

std::vector<MaintenanceAction> AlertReview::maintain(MaintenanceJob job, Micros) {
  std::vector<MaintenanceAction> out;
  switch (job) {
    case MaintenanceJob::kDaily: {
      // Pages per signal, in signal order, then the noisy rules.
      std::map<std::string, int> per_signal;
      int total = 0;
      for (const auto& [rule, c] : pages_) {
        per_signal[std::get<1>(rule)] += c.day;
        total += c.day;
      }
      std::string detail = std::to_string(total) + " pages in the last day";
      for (const auto& [signal, n] : per_signal) {
        if (n > 0) detail += "; " + signal + " " + std::to_string(n);
      }
      out.push_back(MaintenanceAction{"review_alerts", "system", detail});
      for (auto& [rule, c] : pages_) {
        if (c.day > p_.noisy_pages_per_day) {
          out.push_back(MaintenanceAction{
              "note_noisy_rule", std::get<1>(rule) + " on " + std::get<2>(rule),
              std::to_string(c.day) + " pages from " + std::get<0>(rule) +
                  " in the last day (more than " + std::to_string(p_.noisy_pages_per_day) +
                  "): review its threshold"});
        }
        c.day = 0;
      }
      break;
    }
    case MaintenanceJob::kWeekly: {
      int total = 0;
      for (auto& [rule, c] : pages_) {
        total += c.week;
        c.week = 0;
      }
      std::string detail = std::to_string(total) + " pages in the last week";
      if (!resolve_times_.empty()) {
        std::sort(resolve_times_.begin(), resolve_times_.end());
        char buf[64];
        std::snprintf(buf, sizeof buf, "; median time to resolve %.0f s",
                      static_cast<double>(resolve_times_[resolve_times_.size() / 2]) / 1e6);
        detail += buf;
      }
      resolve_times_.clear();
      out.push_back(MaintenanceAction{"review_alert_performance", "system", detail});
      break;
    }
    case MaintenanceJob::kMonthly: {
      std::vector<std::pair<int, Rule>> ranked;
      for (auto& [rule, c] : pages_) {
        if (c.month > 0) ranked.emplace_back(c.month, rule);
        c.month = 0;
      }
      // Most pages first; ties in rule order.
      std::stable_sort(ranked.begin(), ranked.end(),
                       [](const auto& a, const auto& b) { return a.first > b.first; });
      std::string detail = std::to_string(ranked.size()) + " rules paged in the last month";
      for (size_t i = 0; i < ranked.size() && i < 3; ++i) {
        const Rule& r = ranked[i].second;
        detail += "; " + std::get<1>(r) + " on " + std::get<2>(r) + " (" + std::get<0>(r) +
                  ") " + std::to_string(ranked[i].first);
      }
      out.push_back(MaintenanceAction{"review_alert_rules", "system", detail});
      break;
    }
  }
  return out;
}

}  // namespace dreamsim::ctl
