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
// record. Sorted, for the messages.
const std::vector<std::string>& known_action_kinds() {
  static const std::vector<std::string> kinds = {
      "abort_deployment",
      "abort_startup",
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
      "promote_canary",
      "quarantine_agent",
      "rate_limit",
      "resolve_incident",
      "response_time_breach",
      "restart_service",
      "restore_backup",
      "retrain_detectors",
      "rollback",
      "rotate_keys",
      "scale_service",
      "set_traffic_grade",
      "set_traffic_weight",
      "skip_subsystem",
      "start_deployment",
      "start_service",
      "startup_failed",
      "startup_verified",
      "stop_service",
      "verify_deployment",
      "verify_health",
      "verify_integrity",
  };
  return kinds;
}

const std::vector<std::string>& known_alert_signals() {
  static const std::vector<std::string> signals = {
      "latency_p95", "error_rate",  "traffic_drop", "saturation_cpu", "saturation_memory",
      "exfiltration", "anomaly",    "resilience",   "canary",         "startup",
  };
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
