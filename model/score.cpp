#include "model/score.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace dreamsim::model {
namespace {

using Json = nlohmann::ordered_json;

double hyperbolic(double x, double half_at) { return 1.0 / (1.0 + std::max(0.0, x) / half_at); }

// The metric as a number, or NaN when absent or null.
double metric(const Json& outcome, const char* name) {
  const auto m = outcome.find("metrics");
  if (m == outcome.end()) return std::nan("");
  const auto v = m->find(name);
  if (v == m->end() || !v->is_number()) return std::nan("");
  return v->get<double>();
}

double round6(double v) { return std::round(v * 1e6) / 1e6; }

}  // namespace

Score score_outcome(const Json& outcome, const ctl::ScoreProcedures& p) {
  const ctl::ScoreWeights& w = p.weights;
  Score out;
  double sum = 0.0;
  double weights = 0.0;
  auto add = [&](const char* name, double weight, double value) {
    value = std::clamp(value, 0.0, 1.0);
    out.components[name] = round6(value);
    sum += weight * value;
    weights += weight;
  };

  bool fault = false;
  if (const auto f = outcome.find("faults"); f != outcome.end()) {
    for (const Json& j : *f) fault = fault || j.value("took_effect_s", Json()).is_number();
  }
  bool incident = false;
  if (const auto i = outcome.find("incidents"); i != outcome.end()) incident = !i->empty();

  const double ttd = metric(outcome, "ttd_s");
  if (fault) add("detection", w.detection, std::isnan(ttd) ? 0.0 : hyperbolic(ttd, p.ttd_half_at / 1e6));
  const double ttm = metric(outcome, "ttm_s");
  const double ttr = metric(outcome, "ttr_s");
  if (incident) {
    add("mitigation", w.mitigation, std::isnan(ttm) ? 0.0 : hyperbolic(ttm, p.ttm_half_at / 1e6));
    add("recovery", w.recovery, std::isnan(ttr) ? 0.0 : hyperbolic(ttr, p.ttr_half_at / 1e6));
  }
  const double duration = outcome.value("sim_duration_s", Json()).is_number()
                              ? outcome["sim_duration_s"].get<double>()
                              : 0.0;
  const double slo = metric(outcome, "slo_violation_s");
  // Time within the SLO, and requests served: a start-up that keeps the
  // door closed violates no SLO (nothing is admitted) but serves nobody.
  const double failed_ratio = metric(outcome, "failed_request_ratio");
  if (duration > 0.0) {
    add("availability", w.availability,
        std::min(std::isnan(slo) ? 0.0 : 1.0 - slo / duration,
                 std::isnan(failed_ratio) ? 1.0 : 1.0 - failed_ratio));
  }
  const double writes = metric(outcome, "writes_lost");
  add("data", w.data, std::isnan(writes) ? 0.0 : hyperbolic(writes, p.writes_lost_half_at));
  const double records = metric(outcome, "records_exfiltrated");
  add("security", w.security,
      std::isnan(records) ? 0.0 : hyperbolic(records, p.records_exfiltrated_half_at));
  const double false_alerts = metric(outcome, "false_alerts");
  const double missed = metric(outcome, "missed_faults");
  add("alert_quality", w.alert_quality,
      1.0 / (1.0 + (std::isnan(false_alerts) ? 0.0 : false_alerts) +
             (std::isnan(missed) ? 0.0 : missed)));
  const double breaches = metric(outcome, "sla_breaches");
  add("response", w.response, 1.0 / (1.0 + (std::isnan(breaches) ? 0.0 : breaches)));
  int judged = 0;
  int met = 0;
  if (const auto e = outcome.find("expectations"); e != outcome.end()) {
    for (const Json& r : *e) {
      const auto passed = r.find("passed");
      if (passed == r.end() || !passed->is_boolean()) continue;
      ++judged;
      met += passed->get<bool>() ? 1 : 0;
    }
  }
  if (judged > 0) add("expectations", w.expectations, static_cast<double>(met) / judged);
  out.value = weights > 0.0 ? round6(100.0 * sum / weights) : 0.0;
  return out;
}

}  // namespace dreamsim::model
