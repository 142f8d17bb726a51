#include "model/expectation.hpp"

namespace dreamsim::model {

const char* to_string(ExpectationKind kind) {
  switch (kind) {
    case ExpectationKind::kAlert:
      return "alert";
    case ExpectationKind::kNoAlert:
      return "no_alert";
    case ExpectationKind::kAction:
      return "action";
    case ExpectationKind::kNoAction:
      return "no_action";
    case ExpectationKind::kMetric:
      return "metric";
    case ExpectationKind::kAlways:
      return "always";
    case ExpectationKind::kEventually:
      return "eventually";
    case ExpectationKind::kReachable:
      return "reachable";
  }
  return "?";
}

const char* to_string(Comparison op) {
  switch (op) {
    case Comparison::kEq:
      return "==";
    case Comparison::kNe:
      return "!=";
    case Comparison::kLt:
      return "<";
    case Comparison::kLe:
      return "<=";
    case Comparison::kGt:
      return ">";
    case Comparison::kGe:
      return ">=";
  }
  return "?";
}

// The seed's verbs in snake_case (DESIGN.md), and every kind the controllers
// record, the maintenance jobs' actions included. Sorted, for the messages.
// tests/model/library_test.cpp checks that the library's runs record no
// kind, signal, source or metric missing from these lists.
const std::vector<std::string>& known_action_kinds() {
  static const std::vector<std::string> kinds = {
      "abort_deployment",
      "abort_startup",
      "adjust_eps",
      "adjust_guardrails",
      "adjust_z_gates",
      "brownout",
      "disable_global_kill_switch",
      "disable_module",
      "disable_safe_mode",
      "disable_subsystem",
      "disable_write_drain",
      "enable_global_kill_switch",
      "enable_module",
      "enable_safe_mode",
      "enable_subsystem",
      "enable_write_drain",
      "full_recovery",
      "give_up",
      "grading_halted",
      "grading_step_back",
      "hold_canary",
      "increase_monitoring",
      "note_noisy_rule",
      "promote_canary",
      "promote_detectors",
      "quarantine_agent",
      "rate_limit",
      "refresh_baselines",
      "refresh_traffic_profile",
      "resolve_incident",
      "response_time_breach",
      "restart_service",
      "restore_backup",
      "retrain_detectors",
      "retry_budget",
      "review_alert_performance",
      "review_alert_rules",
      "review_alerts",
      "review_detectors",
      "review_guardrail_triggers",
      "review_resilience_index",
      "rollback",
      "rotate_keys",
      "scale_service",
      "set_traffic_grade",
      "set_traffic_weight",
      "shed_load",
      "skip_subsystem",
      "start_deployment",
      "start_service",
      "startup_failed",
      "startup_verified",
      "stop_service",
      "sync_detectors",
      "verify_deployment",
      "verify_health",
      "verify_integrity",
  };
  return kinds;
}

// Golden-signal rules, security, the resilience index, the canary and the
// start-up, then the detectors' method_feature names (controllers/detectors.cpp:
// zscore and cusum on a feature; the repertoire and the nearest-self rule on
// the whole vector, "<method>_anomaly").
const std::vector<std::string>& known_alert_signals() {
  static const std::vector<std::string> signals = [] {
    std::vector<std::string> v = {"latency_p95",       "error_rate",   "traffic_drop",
                                  "saturation_cpu",    "saturation_memory", "exfiltration",
                                  "resilience_index",  "canary",       "startup"};
    for (const char* method : {"zscore", "cusum"}) {
      for (const char* feature :
           {"latency_p95", "error_rate", "traffic", "cpu_per_request", "saturation_memory"}) {
        v.push_back(std::string(method) + "_" + feature);
      }
    }
    v.emplace_back("nsa_anomaly");
    v.emplace_back("nearest_self_anomaly");
    return v;
  }();
  return signals;
}

const std::vector<std::string>& known_alert_sources() {
  static const std::vector<std::string> sources = {"alerting", "detectors", "resilience",
                                                   "security", "deployment", "startup"};
  return sources;
}

// outcome.json's metrics (DESIGN.md, model/outcome.cpp and the controller
// host's annotate()).
const std::vector<std::string>& known_metrics() {
  static const std::vector<std::string> metrics = {
      "ttd_s",          "ttm_s",          "ttr_s",           "slo_violation_s",
      "error_budget_burn", "requests",    "failed_requests", "writes_lost",
      "records_exfiltrated", "false_alerts", "missed_faults", "sla_breaches",
      "ooms",           "alerts",         "pages",           "actions",
      "failed_request_ratio", "users_exposed", "time_to_rollback_s", "rpo_s", "rto_s",
      "early_warning_lead_s",
  };
  return metrics;
}

const std::vector<std::string>& invariant_names() {
  static const std::vector<std::string> names = {
      "no_request_served_under_kill_switch",
      "no_record_leaves_after_quarantine",
      "no_write_lost_under_write_drain",
  };
  return names;
}

const std::vector<std::string>& condition_names() {
  static const std::vector<std::string> names = {
      "all_services_healthy", "kill_switch_off", "safe_mode_off",    "write_drain_off",
      "data_intact",          "full_admission",  "incidents_closed",
  };
  return names;
}

}  // namespace dreamsim::model
