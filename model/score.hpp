// The 0-100 score of a run: one number that a sweep can average and a gate
// can compare, built from the outcome's metrics with weights the procedures
// file sets (`score:`, ctl::ScoreProcedures; scenarios/procedures/README.md).
//
// Each component is in [0, 1]; the score is 100 x the weighted mean of the
// components that apply to the run:
//
//   detection      1 / (1 + ttd_s / half_at.ttd); 0 when a fault took effect
//                  and nothing alerted; left out when no fault took effect
//   mitigation     1 / (1 + ttm_s / half_at.ttm); 0 when an incident was
//                  opened and never mitigated; left out without incidents
//   recovery       1 / (1 + ttr_s / half_at.ttr); as mitigation, for the close
//   availability   the lesser of 1 - slo_violation_s / sim_duration_s and
//                  1 - failed_request_ratio (a start-up that keeps the door
//                  closed violates no latency or error SLO, but serves nobody)
//   data           1 / (1 + writes_lost / half_at.writes_lost)
//   security       1 / (1 + records_exfiltrated / half_at.records_exfiltrated)
//   alert_quality  1 / (1 + false_alerts + missed_faults)
//   response       1 / (1 + sla_breaches)
//   expectations   the share of the scenario's expectations met (reachable
//                  ones are not judged per run); left out when there are none
//
// The hyperbolic form 1 / (1 + x / h) is 1 at zero, 0.5 at h and falls
// slowly after: a slow detection still beats none, and a run that loses a
// million writes is not scored as if it lost a hundred. A component left
// out takes its weight with it, so a scenario without faults is not
// rewarded or punished for the detection it had no chance to show.
#pragma once

#include <nlohmann/json.hpp>

#include "controllers/procedures.hpp"

namespace dreamsim::model {

struct Score {
  double value = 0.0;  // 0-100
  // The components that applied, in the order above: {"detection": 0.8, ...}.
  nlohmann::ordered_json components = nlohmann::ordered_json::object();
};

// Scores an outcome.json document whose metrics, faults, incidents and
// expectations are filled in.
Score score_outcome(const nlohmann::ordered_json& outcome, const ctl::ScoreProcedures& procedures);

}  // namespace dreamsim::model
