#include "model/procedures_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <utility>

#include "model/schema_reader.hpp"
#include "sim/random.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace dreamsim::model {
namespace {

namespace fs = std::filesystem;
using namespace schema;  // NOLINT(google-build-using-namespace): the loader's vocabulary
using Type = DocNode::Type;
using ctl::Micros;
using sim::Duration;

// ---------------------------------------------------------------------------
// The schema. Keys are listed in the order of the format (README.md).

const Keys kSections = {"alerting", "startup",   "incident",   "deployment", "recovery",
                        "score",    "detectors", "resilience", "maintenance", "gate"};
const Keys kAlertingKeys = {"evaluation_interval", "window",           "for",
                            "resolve_after",       "traffic_baseline", "traffic_min_rps",
                            "per_service",         "system_wide",      "thresholds"};
const Keys kSignals = {"latency_p95", "error_rate", "traffic_drop", "saturation"};
const Keys kSeverities = {"p0", "p1", "p2"};
const Keys kStartupKeys = {
    "pre_startup_checks",     "liveness_timeout", "readiness_timeout", "health_retries",
    "probe_interval",         "grading",          "on_breach",         "grading_check_interval",
    "grading_max_step_backs", "verify_window",    "minimal_mode",      "gradual_enable_interval"};
const Keys kPhaseKeys = {"fraction", "hold"};
const Keys kBreachActions = {"halt", "step_back"};  // = ctl::BreachAction order
const Keys kIncidentKeys = {"operator_delay",          "response_limits",  "safe_mode_exit_after",
                            "recovery_check_interval", "p2_monitoring",    "deploy_blame_window",
                            "exfiltration_rps",        "key_rotation_time"};
// = ctl::DelayDistribution::Kind order, and the parameters of each.
const Keys kDistributions = {"fixed", "exponential", "lognormal"};
const std::vector<Keys> kDistributionKeys = {{"value"}, {"mean"}, {"median", "sigma"}};
const Keys kP2MonitoringKeys = {"interval_factor", "threshold_factor", "duration"};
const Keys kDeploymentKeys = {"replica_ready_timeout", "probe_interval",    "verify_window",
                              "canary_steps",          "analysis_interval", "hold_extension",
                              "judge",                 "limits",            "rollback_on_alert"};
const Keys kCanaryStepKeys = {"weight", "hold"};
const Keys kJudgeKeys = {"confidence", "min_samples", "pass_score", "marginal_score", "metrics"};
const Keys kJudgeMetrics = {"latency_p95", "error_rate", "cpu"};  // what the world measures
const Keys kJudgeMetricKeys = {"enabled",   "direction", "weight",    "critical",
                               "statistic", "tolerance", "min_effect"};
const Keys kDirections = {"increase", "decrease", "either"};  // = ctl::Direction order
const Keys kStatistics = {"median", "mean"};                  // = ctl::EffectStatistic order
const Keys kLimitKeys = {"failure", "inconclusive", "consecutive_errors"};
constexpr int kMaxLimit = 1000;
constexpr int kMaxMinSamples = 1000000;
const Keys kRecoveryKeys = {"status_interval",          "probe_interval",
                            "verify_timeout",           "restart_backoff_base",
                            "restart_backoff_cap",      "restart_limit",
                            "restart_reset_after",      "integrity_check_interval",
                            "integrity_verify_after",   "restore_limit"};
const Keys kScoreKeys = {"weights", "half_at"};
// = ctl::ScoreWeights field order.
const Keys kScoreWeightKeys = {"detection", "mitigation",    "recovery", "availability", "data",
                               "security",  "alert_quality", "response", "expectations"};
const Keys kScoreHalfKeys = {"ttd", "ttm", "ttr", "writes_lost", "records_exfiltrated"};
const Keys kResilienceKeys = {
    "enabled",           "evaluation_interval", "control_interval", "alert_below",
    "clear_above",       "alert_evaluations",   "window",           "detrend_window",
    "trend_window",      "phi_critical",        "variance_ratio",   "trend_tau",
    "utilisation_ok",    "utilisation_max",     "memory_ok",        "memory_max",
    "latency_factor_max", "latency_limit_min",  "slo_error_ratio",  "burn_window",
    "fast_burn",
    "retry_budget",      "baseline_warmup",     "baseline_days",    "guardrails"};
const Keys kGuardrailKeys = {"autoscale", "rate_limit", "brownout", "retry_budget", "shed_load"};
const Keys kAutoscaleKeys = {"enabled",       "target",            "target_low_index", "tolerance",
                             "sync_interval", "scale_down_window", "max_replicas_factor"};
const Keys kRateLimitKeys = {"enabled",   "initial_limit", "min_limit",  "max_limit",
                             "smoothing", "tolerance",     "long_window", "hold"};
const Keys kBrownoutKeys = {"enabled", "setpoint", "pole", "forgetting"};
const Keys kRetryBudgetKeys = {"enabled", "release_after"};
const Keys kShedLoadKeys = {"enabled", "k", "window"};
const Keys kMaintenanceKeys = {"enabled",         "time_of_day",   "daily_every",
                               "weekly_every",    "monthly_every", "noisy_pages_per_day",
                               "traffic_profile", "profile_slot",  "profile_days"};
constexpr int kMaxBaselineDays = 366;
constexpr int kMaxAlertEvaluations = 1000;
constexpr int kMaxLongWindow = 1000000;
const Keys kGateKeys = {"alpha", "metrics"};
const Keys kGateMetricKeys = {"direction", "tolerance", "relative_tolerance"};
const Keys kGateDirections = {"lower", "higher"};  // lower is better, higher is better
// The metrics of outcome.json that a gate can compare (metrics.<name>, and
// the score). A metric added to the outcome is added here to be gated.
const Keys kGateMetricNames = {
    "ttd_s",           "ttm_s",        "ttr_s",        "slo_violation_s",
    "error_budget_burn", "requests",   "failed_requests", "writes_lost",
    "records_exfiltrated", "false_alerts", "missed_faults", "sla_breaches",
    "ooms",            "score"};
constexpr double kMaxAlpha = 0.5;

const Keys kDetectorKeys = {
    "enabled",        "mode",          "evaluation_interval", "baseline_window",
    "baseline_refresh", "warmup",      "z_gate",              "z_hard",
    "cusum_k",        "cusum_h",       "eps",                 "z_max",
    "coverage",       "max_detectors", "max_attempts",        "min_radius",
    "self_sample",    "activation_matches", "activation_window", "confirm_window",
    "resolve_after",  "nodes",         "sync_interval",       "memory_size",
    "eps_flag_rate",  "max_severity",  "persist_for",         "persist_gap",
    "quiet_after_change"};
const Keys kDetectorModes = {"full", "zscore", "cusum", "nearest_self", "hybrid"};  // = ctl::DetectorMode order
const Keys kDetectorSeverities = {"P1", "P2"};  // index + 1 = the severity
constexpr int kMaxHealthRetries = 100;
constexpr int kMaxStepBacks = 1000;
constexpr double kMaxSigma = 10.0;
constexpr int kMaxRestartLimit = 1000;
constexpr int kMaxDetectors = 100000;
constexpr int kMaxAttempts = 10000000;
constexpr int kMinSelfSample = 8;
constexpr int kMaxSelfSample = 100000;
constexpr int kMaxActivationMatches = 1000;
constexpr int kMaxNodes = 64;

const std::vector<std::pair<std::string_view, const Keys*>>& section_keys() {
  static const std::vector<std::pair<std::string_view, const Keys*>> kAll = {
      {"alerting", &kAlertingKeys},     {"startup", &kStartupKeys},
      {"incident", &kIncidentKeys},     {"deployment", &kDeploymentKeys},
      {"recovery", &kRecoveryKeys},     {"score", &kScoreKeys},
      {"detectors", &kDetectorKeys},    {"resilience", &kResilienceKeys},
      {"maintenance", &kMaintenanceKeys}, {"gate", &kGateKeys}};
  return kAll;
}

// For a key that is not a field here but is one of another section: where it
// belongs. `here` is the section being read, or "" at the top level.
std::string other_section(std::string_view key, std::string_view here) {
  for (const auto& [section, keys] : section_keys()) {
    if (section == here) continue;
    if (std::find(keys->begin(), keys->end(), key) == keys->end()) continue;
    if (here.empty()) {
      return "field " + quote(key) + " belongs in the " + quote(section) +
             " section, not at the top level";
    }
    return "field " + quote(key) + " belongs in the " + quote(section) + " section, not in " +
           quote(here);
  }
  return "";
}

// The grading limits are not fields of the file: the wiring derives them
// from the alerting P2 thresholds (ctl::with_p2_limits), so that one change
// moves both. Writing one is a mistake worth explaining.
std::string derived_startup_field(std::string_view key) {
  if (key == "grading_max_latency_p95_s") {
    return "field " + quote(key) +
           " cannot be set: grading holds the system to the alerting P2 threshold; set "
           "alerting.thresholds.latency_p95.p2 instead";
  }
  if (key == "grading_max_error_rate") {
    return "field " + quote(key) +
           " cannot be set: grading holds the system to the alerting P2 threshold; set "
           "alerting.thresholds.error_rate.p2 instead";
  }
  return other_section(key, "startup");
}

std::string seconds_text(double s) { return sim::format_duration(Duration::from_seconds(s)); }

// One per-severity value as read: where it was written, and how to show it.
struct Level {
  double value = 0;
  std::string text;               // as written, or the default formatted
  const DocNode* node = nullptr;  // null: the default
  bool ok = true;

  std::string shown() const { return node != nullptr ? text : text + ", the default"; }
};

class ProceduresReader {
 public:
  explicit ProceduresReader(Checker& c) : c_(c) {}

  std::optional<ctl::Procedures> load(const DocNode& root) {
    if (root.type != Type::kMap) {
      c_.error(root.mark, "",
               "expected a mapping of procedures sections at the top level (" +
                   list_keys(kSections) + "), got " + describe(root));
      return std::nullopt;
    }
    // Top-level keys that start with "x-" are the user's own, as in
    // scenarios: a home for YAML anchors.
    Keys known = kSections;
    for (const DocMember& m : root.members) {
      if (m.key.rfind("x-", 0) == 0) known.push_back(m.key);
    }
    MapReader top(c_, root, "", known, [](std::string_view key) { return other_section(key, ""); });
    if (const DocNode* n = section(top, "alerting")) read_alerting(*n);
    if (const DocNode* n = section(top, "startup")) read_startup(*n);
    if (const DocNode* n = section(top, "incident")) read_incident(*n);
    if (const DocNode* n = section(top, "deployment")) read_deployment(*n);
    if (const DocNode* n = section(top, "recovery")) read_recovery(*n);
    if (const DocNode* n = section(top, "score")) read_score(*n);
    if (const DocNode* n = section(top, "detectors")) read_detectors(*n);
    if (const DocNode* n = section(top, "resilience")) read_resilience(*n);
    if (const DocNode* n = section(top, "maintenance")) read_maintenance(*n);
    if (const DocNode* n = section(top, "gate")) read_gate(*n);
    if (c_.count() > 0) return std::nullopt;
    return std::move(p_);
  }

 private:
  // A section, or null when it is absent or empty. A section written with
  // nothing under it (every field commented out) is a YAML null; it gets a
  // message that says how to keep the defaults.
  const DocNode* section(const MapReader& top, std::string_view name) {
    const DocNode* n = top.get(name);
    if (n == nullptr || n->type != Type::kNull) return n;
    c_.error(n->mark, std::string(name),
             "expected a mapping of " + std::string(name) +
                 " fields, got an empty value (null); write {} or remove the section to keep "
                 "the seed's values");
    return nullptr;
  }

  // --- alerting --------------------------------------------------------------

  void read_alerting(const DocNode& node) {
    MapReader m(c_, node, "alerting", kAlertingKeys,
                [](std::string_view key) { return other_section(key, "alerting"); });
    if (!m.valid()) return;
    ctl::AlertingProcedures& a = p_.alerting;
    micros_field(m, "evaluation_interval", {.positive = true}, a.evaluation_interval);
    micros_field(m, "window", {.positive = true}, a.window);
    micros_field(m, "for", {}, a.for_duration);
    micros_field(m, "resolve_after", {}, a.resolve_after);
    micros_field(m, "traffic_baseline", {.positive = true}, a.traffic_baseline);
    read_number_field(m, "traffic_min_rps", kNonNegative, a.traffic_min_rps);
    read_bool_field(m, "per_service", a.per_service);
    read_bool_field(m, "system_wide", a.system_wide);
    if (const DocNode* n = m.get("thresholds")) read_thresholds(*n, m.path("thresholds"));
  }

  void read_thresholds(const DocNode& node, const std::string& path) {
    MapReader m(c_, node, path, kSignals);
    if (!m.valid()) return;
    ctl::AlertingProcedures& a = p_.alerting;
    ctl::Thresholds* const targets[] = {&a.latency_p95_s, &a.error_rate, &a.traffic_drop,
                                        &a.saturation};
    for (size_t s = 0; s < kSignals.size(); ++s) {
      if (const DocNode* n = m.get(kSignals[s])) {
        read_signal(*n, m.path(kSignals[s]), s == 0, *targets[s]);
      }
    }
  }

  // One signal's {p0, p1, p2}: latency as durations, the others as
  // fractions in (0, 1]; then the order P0 >= P1 >= P2.
  void read_signal(const DocNode& node, const std::string& path, bool latency,
                   ctl::Thresholds& out) {
    MapReader m(c_, node, path, kSeverities);
    if (!m.valid()) return;
    double* const fields[] = {&out.p0, &out.p1, &out.p2};
    Level levels[3];
    for (size_t i = 0; i < 3; ++i) {
      Level& l = levels[i];
      l.value = *fields[i];
      l.text = latency ? seconds_text(l.value) : number_text(l.value);
      l.node = m.get(kSeverities[i]);
      if (l.node == nullptr) continue;
      const std::string field = m.path(kSeverities[i]);
      if (latency) {
        const auto v = read_duration(c_, *l.node, field, {.positive = true});
        l.ok = v.has_value();
        if (v) l.value = v->seconds_f();
      } else {
        const auto v = read_number(c_, *l.node, field, kPositiveFraction);
        l.ok = v.has_value();
        if (v) l.value = *v;
      }
      if (l.ok) l.text = l.node->text;
    }
    if (!levels[0].ok || !levels[1].ok || !levels[2].ok) return;
    bool ordered = true;
    for (size_t i = 1; i < 3; ++i) {
      const Level& more = levels[i - 1];  // the more severe
      const Level& less = levels[i];
      if (less.value <= more.value) continue;
      ordered = false;
      // Point at the value written in this file: the one to fix.
      const bool at_less = less.node != nullptr;
      const DocNode* where = at_less ? less.node : more.node;
      c_.error(where->mark, m.path(kSeverities[at_less ? i : i - 1]),
               std::string(kSeverities[i]) + " (" + less.shown() + ") is above " +
                   std::string(kSeverities[i - 1]) + " (" + more.shown() +
                   "); the thresholds of a signal must be ordered p0 >= p1 >= p2, P0 being "
                   "the most severe");
    }
    if (!ordered) return;
    for (size_t i = 0; i < 3; ++i) *fields[i] = levels[i].value;
  }

  // --- startup ---------------------------------------------------------------

  void read_startup(const DocNode& node) {
    MapReader m(c_, node, "startup", kStartupKeys, derived_startup_field);
    if (!m.valid()) return;
    ctl::StartupProcedures& s = p_.startup;
    read_bool_field(m, "pre_startup_checks", s.pre_startup_checks);
    micros_field(m, "liveness_timeout", {.positive = true}, s.liveness_timeout);
    micros_field(m, "readiness_timeout", {.positive = true}, s.readiness_timeout);
    int_field(m, "health_retries", 0, kMaxHealthRetries, s.health_retries);
    micros_field(m, "probe_interval", {.positive = true}, s.probe_interval);
    if (const DocNode* n = m.get("grading")) read_grading(*n, m.path("grading"));
    if (const DocNode* n = m.get("on_breach")) {
      if (auto v = read_enum(c_, *n, m.path("on_breach"), kBreachActions, "breach action")) {
        s.on_breach = static_cast<ctl::BreachAction>(*v);
      }
    }
    micros_field(m, "grading_check_interval", {.positive = true}, s.grading_check_interval);
    int_field(m, "grading_max_step_backs", 0, kMaxStepBacks, s.grading_max_step_backs);
    micros_field(m, "verify_window", {.positive = true}, s.verify_window);
    read_bool_field(m, "minimal_mode", s.minimal_mode);
    micros_field(m, "gradual_enable_interval", {.positive = true}, s.gradual_enable_interval);
  }

  // The phases replace the seed's as a whole: fractions in (0, 1], strictly
  // increasing, the last one 1 (all traffic); holds >= 0.
  void read_grading(const DocNode& node, const std::string& path) {
    const auto* items = read_list(c_, node, path);
    if (items == nullptr) return;
    if (items->empty()) {
      c_.error(node.mark, path,
               "expected at least one grading phase, got an empty list (a single phase "
               "{fraction: 1} opens all traffic at once)");
      return;
    }
    std::vector<ctl::GradingPhase> phases;
    std::vector<const DocNode*> fraction_nodes;  // parallel to phases
    std::vector<size_t> indexes;                 // parallel to phases: in the list
    bool ok = true;
    for (size_t i = 0; i < items->size(); ++i) {
      MapReader m(c_, (*items)[i], index_path(path, i), kPhaseKeys);
      if (!m.valid()) {
        ok = false;
        continue;
      }
      ctl::GradingPhase phase;
      const DocNode* f = m.require("fraction", "the share of entry traffic admitted, in (0, 1]");
      std::optional<double> fraction;
      if (f != nullptr) fraction = read_number(c_, *f, m.path("fraction"), kPositiveFraction);
      Duration hold;
      const bool hold_ok = read_duration_field(m, "hold", {}, hold);
      if (!fraction || !hold_ok) {
        ok = false;
        continue;
      }
      phase.fraction = *fraction;
      phase.hold = hold.us();
      if (!phases.empty() && phase.fraction <= phases.back().fraction) {
        c_.error(f->mark, m.path("fraction"),
                 "grading fractions must increase from phase to phase: " + f->text +
                     " is not above " + fraction_nodes.back()->text + " (" +
                     index_path(path, indexes.back()) + ")");
        ok = false;
      }
      phases.push_back(phase);
      fraction_nodes.push_back(f);
      indexes.push_back(i);
    }
    if (!ok) return;
    if (phases.back().fraction != 1.0) {
      const DocNode* last = fraction_nodes.back();
      c_.error(last->mark, index_path(path, phases.size() - 1) + ".fraction",
               "the last grading phase must admit all traffic (fraction 1), got " + last->text +
                   "; add a last phase {fraction: 1}");
      return;
    }
    p_.startup.grading = std::move(phases);
  }

  // --- incident --------------------------------------------------------------

  void read_incident(const DocNode& node) {
    MapReader m(c_, node, "incident", kIncidentKeys,
                [](std::string_view key) { return other_section(key, "incident"); });
    if (!m.valid()) return;
    ctl::IncidentProcedures& inc = p_.incident;
    if (const DocNode* n = m.get("operator_delay")) {
      read_operator_delay(*n, m.path("operator_delay"));
    }
    if (const DocNode* n = m.get("response_limits")) {
      read_response_limits(*n, m.path("response_limits"));
    }
    micros_field(m, "safe_mode_exit_after", {}, inc.safe_mode_exit_after);
    micros_field(m, "recovery_check_interval", {.positive = true}, inc.recovery_check_interval);
    if (const DocNode* n = m.get("p2_monitoring")) {
      MapReader pm(c_, *n, m.path("p2_monitoring"), kP2MonitoringKeys);
      if (pm.valid()) {
        read_number_field(pm, "interval_factor", kPositiveFraction, inc.p2_interval_factor);
        read_number_field(pm, "threshold_factor", kPositiveFraction, inc.p2_threshold_factor);
        micros_field(pm, "duration", {.positive = true}, inc.p2_boost_duration);
      }
    }
    micros_field(m, "deploy_blame_window", {}, inc.deploy_blame_window);
    read_number_field(m, "exfiltration_rps", kNonNegative, inc.exfiltration_rps);
    micros_field(m, "key_rotation_time", {}, inc.key_rotation_time);
  }

  // --- score -----------------------------------------------------------------

  void read_score(const DocNode& node) {
    MapReader m(c_, node, "score", kScoreKeys,
                [](std::string_view key) { return other_section(key, "score"); });
    if (!m.valid()) return;
    ctl::ScoreProcedures& sc = p_.score;
    if (const DocNode* n = m.get("weights")) {
      MapReader w(c_, *n, m.path("weights"), kScoreWeightKeys);
      if (w.valid()) {
        ctl::ScoreWeights& x = sc.weights;
        double* const fields[] = {&x.detection, &x.mitigation, &x.recovery,
                                  &x.availability, &x.data, &x.security,
                                  &x.alert_quality, &x.response, &x.expectations};
        bool ok = true;
        for (size_t i = 0; i < kScoreWeightKeys.size(); ++i) {
          ok = read_number_field(w, kScoreWeightKeys[i], kNonNegative, *fields[i]) && ok;
        }
        const double sum = x.detection + x.mitigation + x.recovery + x.availability + x.data +
                           x.security + x.alert_quality + x.response + x.expectations;
        if (ok && !(sum > 0.0)) {
          c_.error(n->mark, m.path("weights"),
                   "expected at least one weight > 0 (the score is their weighted mean), got "
                   "all zero");
        }
      }
    }
    if (const DocNode* n = m.get("half_at")) {
      MapReader h(c_, *n, m.path("half_at"), kScoreHalfKeys);
      if (h.valid()) {
        micros_field(h, "ttd", {.positive = true}, sc.ttd_half_at);
        micros_field(h, "ttm", {.positive = true}, sc.ttm_half_at);
        micros_field(h, "ttr", {.positive = true}, sc.ttr_half_at);
        read_number_field(h, "writes_lost", kPositive, sc.writes_lost_half_at);
        read_number_field(h, "records_exfiltrated", kPositive, sc.records_exfiltrated_half_at);
      }
    }
  }

  // {distribution, and its parameters}: fixed {value}, exponential {mean},
  // lognormal {median, sigma}. The distribution decides which keys are
  // known, so it is read first.
  void read_operator_delay(const DocNode& node, const std::string& path) {
    ctl::DelayDistribution& d = p_.incident.operator_delay;
    std::optional<size_t> kind = static_cast<size_t>(d.kind);
    bool kind_written = false;
    if (node.type == Type::kMap) {
      for (const DocMember& mem : node.members) {
        if (mem.key == "distribution") {
          kind_written = true;
          kind = read_enum(c_, mem.value, member_path(path, "distribution"), kDistributions,
                           "distribution");
          break;
        }
      }
    }
    // Without a valid distribution any distribution's parameters are
    // accepted here, so that the one real problem is not buried.
    Keys known = {"distribution"};
    for (size_t k = 0; k < kDistributionKeys.size(); ++k) {
      if (kind && k != *kind) continue;
      for (std::string_view key : kDistributionKeys[k]) known.push_back(key);
    }
    const std::string here =
        kind ? std::string(kDistributions[*kind]) + (kind_written ? "" : ", the default")
             : std::string();
    MapReader m(c_, node, path, known, [&](std::string_view key) -> std::string {
      if (!kind) return "";
      std::vector<std::string> owners;
      for (size_t k = 0; k < kDistributions.size(); ++k) {
        const Keys& params = kDistributionKeys[k];
        if (std::find(params.begin(), params.end(), key) != params.end()) {
          owners.emplace_back(kDistributions[k]);
        }
      }
      if (owners.empty()) return "";
      return "field " + quote(key) + " does not apply to the distribution " + quote(here) +
             " (it applies to " + list_names(owners) + "; the " +
             std::string(kDistributions[*kind]) + " distribution takes " +
             list_keys(kDistributionKeys[*kind]) + ")";
    });
    if (!m.valid() || !kind) return;
    d.kind = static_cast<ctl::DelayDistribution::Kind>(*kind);
    // A fixed delay may be zero (an operator who is always there); a random
    // one needs a scale.
    const DurationRule rule{.positive = d.kind != ctl::DelayDistribution::Kind::kFixed};
    micros_field(m, kDistributionKeys[*kind][0], rule, d.median);
    if (d.kind == ctl::DelayDistribution::Kind::kLognormal) {
      read_number_field(m, "sigma", Range{0, false, kMaxSigma, false}, d.sigma);
    }
  }

  // {p0, p1, p2}: durations > 0, ordered p0 <= p1 <= p2.
  void read_response_limits(const DocNode& node, const std::string& path) {
    MapReader m(c_, node, path, kSeverities);
    if (!m.valid()) return;
    ctl::IncidentProcedures& inc = p_.incident;
    Micros* const fields[] = {&inc.response_limit_p0, &inc.response_limit_p1,
                              &inc.response_limit_p2};
    Level levels[3];
    for (size_t i = 0; i < 3; ++i) {
      Level& l = levels[i];
      l.value = static_cast<double>(*fields[i]);
      l.text = sim::format_duration(Duration::micros(*fields[i]));
      l.node = m.get(kSeverities[i]);
      if (l.node == nullptr) continue;
      const auto v = read_duration(c_, *l.node, m.path(kSeverities[i]), {.positive = true});
      l.ok = v.has_value();
      if (v) {
        l.value = static_cast<double>(v->us());
        l.text = l.node->text;
      }
    }
    if (!levels[0].ok || !levels[1].ok || !levels[2].ok) return;
    bool ordered = true;
    for (size_t i = 1; i < 3; ++i) {
      const Level& more = levels[i - 1];  // the more severe: the shorter limit
      const Level& less = levels[i];
      if (more.value <= less.value) continue;
      ordered = false;
      const bool at_more = more.node != nullptr;
      const DocNode* where = at_more ? more.node : less.node;
      c_.error(where->mark, m.path(kSeverities[at_more ? i - 1 : i]),
               std::string(kSeverities[i - 1]) + " (" + more.shown() + ") is longer than " +
                   std::string(kSeverities[i]) + " (" + less.shown() +
                   "); response limits must be ordered p0 <= p1 <= p2, the most severe "
                   "incident being answered first");
    }
    if (!ordered) return;
    for (size_t i = 0; i < 3; ++i) *fields[i] = static_cast<Micros>(levels[i].value);
  }

  // --- deployment ------------------------------------------------------------

  void read_deployment(const DocNode& node) {
    MapReader m(c_, node, "deployment", kDeploymentKeys,
                [](std::string_view key) { return other_section(key, "deployment"); });
    if (!m.valid()) return;
    ctl::DeploymentProcedures& d = p_.deployment;
    micros_field(m, "replica_ready_timeout", {.positive = true}, d.replica_ready_timeout);
    micros_field(m, "probe_interval", {.positive = true}, d.probe_interval);
    micros_field(m, "verify_window", {.positive = true}, d.verify_window);
    if (const DocNode* n = m.get("canary_steps")) read_canary_steps(*n, m.path("canary_steps"));
    micros_field(m, "analysis_interval", {}, d.analysis_interval);
    micros_field(m, "hold_extension", {.positive = true}, d.hold_extension);
    if (const DocNode* n = m.get("judge")) read_judge(*n, m.path("judge"));
    if (const DocNode* n = m.get("limits")) {
      MapReader lm(c_, *n, m.path("limits"), kLimitKeys);
      if (lm.valid()) {
        int_field(lm, "failure", 0, kMaxLimit, d.failure_limit);
        int_field(lm, "inconclusive", 0, kMaxLimit, d.inconclusive_limit);
        int_field(lm, "consecutive_errors", 0, kMaxLimit, d.consecutive_error_limit);
      }
    }
    read_bool_field(m, "rollback_on_alert", d.rollback_on_alert);
  }

  // The steps replace the seed's as a whole: weights in (0, 1], strictly
  // increasing, the last one 1 (the promotion, without a hold); every other
  // step holds for a time > 0, since the judge needs samples.
  void read_canary_steps(const DocNode& node, const std::string& path) {
    const auto* items = read_list(c_, node, path);
    if (items == nullptr) return;
    if (items->empty()) {
      c_.error(node.mark, path,
               "expected at least one canary step, got an empty list (a single step "
               "{weight: 1} promotes at once)");
      return;
    }
    std::vector<ctl::CanaryStep> steps;
    std::vector<const DocNode*> weight_nodes;
    std::vector<const DocNode*> hold_nodes;
    bool ok = true;
    for (size_t i = 0; i < items->size(); ++i) {
      MapReader m(c_, (*items)[i], index_path(path, i), kCanaryStepKeys);
      if (!m.valid()) {
        ok = false;
        continue;
      }
      const DocNode* w = m.require("weight", "the new version's share of traffic, in (0, 1]");
      std::optional<double> weight;
      if (w != nullptr) weight = read_number(c_, *w, m.path("weight"), kPositiveFraction);
      Duration hold;
      const bool hold_ok = read_duration_field(m, "hold", {}, hold);
      if (!weight || !hold_ok) {
        ok = false;
        continue;
      }
      if (!steps.empty() && *weight <= steps.back().weight) {
        c_.error(w->mark, m.path("weight"),
                 "canary weights must increase from step to step: " + w->text +
                     " is not above " + weight_nodes.back()->text + " (" +
                     index_path(path, i - 1) + ")");
        ok = false;
      }
      const bool last = i + 1 == items->size();
      if (!last && hold.us() <= 0) {
        c_.error(m.get("hold") != nullptr ? m.get("hold")->mark : m.node().mark, m.path("hold"),
                 "expected a hold > 0 for a canary step before the last: the judge compares the "
                 "versions over the step's hold");
        ok = false;
      }
      steps.push_back({*weight, hold.us()});
      weight_nodes.push_back(w);
      hold_nodes.push_back(m.get("hold"));
    }
    if (!ok) return;
    const size_t last = steps.size() - 1;
    if (steps.back().weight != 1.0) {
      c_.error(weight_nodes.back()->mark, index_path(path, last) + ".weight",
               "the last canary step must be the promotion (weight 1), got " +
                   weight_nodes.back()->text + "; add a last step {weight: 1}");
      return;
    }
    if (hold_nodes.back() != nullptr && steps.back().hold != 0) {
      c_.error(hold_nodes.back()->mark, index_path(path, last) + ".hold",
               "the last canary step (weight 1) is the promotion and has no hold; got " +
                   hold_nodes.back()->text);
      return;
    }
    p_.deployment.canary_steps = std::move(steps);
  }

  void read_judge(const DocNode& node, const std::string& path) {
    MapReader m(c_, node, path, kJudgeKeys);
    if (!m.valid()) return;
    ctl::JudgeConfig& j = p_.deployment.judge;
    read_number_field(m, "confidence", Range{0.5, false, 1, true}, j.confidence);
    int_field(m, "min_samples", 1, kMaxMinSamples, j.min_samples);
    double pass = j.pass_score;
    double marginal = j.marginal_score;
    const bool pass_ok = read_number_field(m, "pass_score", Range{0, false, 100, false}, pass);
    const bool marginal_ok =
        read_number_field(m, "marginal_score", Range{0, false, 100, false}, marginal);
    if (pass_ok && marginal_ok) {
      if (marginal > pass) {
        const DocNode* at = m.get("marginal_score") != nullptr ? m.get("marginal_score")
                                                               : m.get("pass_score");
        c_.error(at->mark,
                 m.path(m.get("marginal_score") != nullptr ? "marginal_score" : "pass_score"),
                 "marginal_score (" + number_text(marginal) + ") is above pass_score (" +
                     number_text(pass) + "); a score at or above pass_score passes, one at or "
                     "above marginal_score is marginal");
      } else {
        j.pass_score = pass;
        j.marginal_score = marginal;
      }
    }
    if (const DocNode* n = m.get("metrics")) read_judge_metrics(*n, m.path("metrics"));
  }

  // The metrics by name; a metric written changes the seed's fields it
  // names, `enabled: false` leaves it out of the judgement.
  void read_judge_metrics(const DocNode& node, const std::string& path) {
    MapReader m(c_, node, path, kJudgeMetrics);
    if (!m.valid()) return;
    std::vector<ctl::JudgeMetric> metrics = ctl::default_judge_metrics();
    std::vector<ctl::JudgeMetric> kept;
    for (ctl::JudgeMetric& metric : metrics) {
      const DocNode* n = m.get(metric.name);
      bool enabled = true;
      if (n != nullptr) {
        MapReader mm(c_, *n, m.path(metric.name), kJudgeMetricKeys);
        if (!mm.valid()) continue;
        read_bool_field(mm, "enabled", enabled);
        if (const DocNode* v = mm.get("direction")) {
          if (auto k = read_enum(c_, *v, mm.path("direction"), kDirections, "direction")) {
            metric.bad = static_cast<ctl::Direction>(*k);
          }
        }
        read_number_field(mm, "weight", kPositive, metric.weight);
        read_bool_field(mm, "critical", metric.critical);
        if (const DocNode* v = mm.get("statistic")) {
          if (auto k = read_enum(c_, *v, mm.path("statistic"), kStatistics, "statistic")) {
            metric.statistic = static_cast<ctl::EffectStatistic>(*k);
          }
        }
        read_number_field(mm, "tolerance", kNonNegative, metric.tolerance);
        read_number_field(mm, "min_effect", kNonNegative, metric.min_effect);
      }
      if (enabled) kept.push_back(std::move(metric));
    }
    if (kept.empty()) {
      c_.error(node.mark, path,
               "every judge metric is disabled; the judge needs at least one of " +
                   list_keys(kJudgeMetrics));
      return;
    }
    p_.deployment.judge.metrics = std::move(kept);
  }

  // --- recovery --------------------------------------------------------------

  void read_recovery(const DocNode& node) {
    MapReader m(c_, node, "recovery", kRecoveryKeys,
                [](std::string_view key) { return other_section(key, "recovery"); });
    if (!m.valid()) return;
    ctl::RecoveryProcedures& r = p_.recovery;
    micros_field(m, "status_interval", {.positive = true}, r.status_interval);
    micros_field(m, "probe_interval", {.positive = true}, r.probe_interval);
    micros_field(m, "verify_timeout", {}, r.verify_timeout);
    const bool base_ok =
        micros_field(m, "restart_backoff_base", {.positive = true}, r.restart_backoff_base);
    const bool cap_ok =
        micros_field(m, "restart_backoff_cap", {.positive = true}, r.restart_backoff_cap);
    if (base_ok && cap_ok && r.restart_backoff_cap < r.restart_backoff_base) {
      // Point at the value written in this file: the one to fix.
      const DocNode* cap = m.get("restart_backoff_cap");
      const DocNode* base = m.get("restart_backoff_base");
      const bool at_cap = cap != nullptr;
      auto shown = [](const DocNode* n, Micros v) {
        return n != nullptr ? n->text : sim::format_duration(Duration::micros(v)) + ", the default";
      };
      c_.error((at_cap ? cap : base)->mark,
               m.path(at_cap ? "restart_backoff_cap" : "restart_backoff_base"),
               "restart_backoff_cap (" + shown(cap, r.restart_backoff_cap) +
                   ") is below restart_backoff_base (" + shown(base, r.restart_backoff_base) +
                   "); the backoff doubles from the base up to the cap, so the cap must be at "
                   "least the base");
    }
    int_field(m, "restart_limit", 1, kMaxRestartLimit, r.restart_limit);
    micros_field(m, "restart_reset_after", {.positive = true}, r.restart_reset_after);
    micros_field(m, "integrity_check_interval", {.positive = true}, r.integrity_check_interval);
    micros_field(m, "integrity_verify_after", {}, r.integrity_verify_after);
    int_field(m, "restore_limit", 1, kMaxRestartLimit, r.restore_limit);
  }

  // --- detectors -------------------------------------------------------------

  void read_detectors(const DocNode& node) {
    MapReader m(c_, node, "detectors", kDetectorKeys,
                [](std::string_view key) { return other_section(key, "detectors"); });
    if (!m.valid()) return;
    ctl::DetectorProcedures& d = p_.detectors;
    read_bool_field(m, "enabled", d.enabled);
    if (const DocNode* n = m.get("mode")) {
      if (auto k = read_enum(c_, *n, m.path("mode"), kDetectorModes, "detector mode")) {
        d.mode = static_cast<ctl::DetectorMode>(*k);
      }
    }
    micros_field(m, "evaluation_interval", {.positive = true}, d.evaluation_interval);
    const bool window_ok = micros_field(m, "baseline_window", {.positive = true}, d.baseline_window);
    micros_field(m, "baseline_refresh", {.positive = true}, d.baseline_refresh);
    micros_field(m, "warmup", {}, d.warmup);
    const bool gate_ok = read_number_field(m, "z_gate", kPositive, d.z_gate);
    const bool hard_ok = read_number_field(m, "z_hard", kPositive, d.z_hard);
    read_number_field(m, "cusum_k", kNonNegative, d.cusum_k);
    read_number_field(m, "cusum_h", kPositive, d.cusum_h);
    read_number_field(m, "eps", Range{0, true, 1, true}, d.eps);
    read_number_field(m, "z_max", kPositive, d.z_max);
    read_number_field(m, "coverage", Range{0, true, 1, true}, d.coverage);
    int_field(m, "max_detectors", 0, kMaxDetectors, d.max_detectors);
    int_field(m, "max_attempts", 1, kMaxAttempts, d.max_attempts);
    read_number_field(m, "min_radius", Range{0, false, 1, true}, d.min_radius);
    int_field(m, "self_sample", kMinSelfSample, kMaxSelfSample, d.self_sample);
    int_field(m, "activation_matches", 1, kMaxActivationMatches, d.activation_matches);
    micros_field(m, "activation_window", {.positive = true}, d.activation_window);
    micros_field(m, "confirm_window", {.positive = true}, d.confirm_window);
    micros_field(m, "resolve_after", {}, d.resolve_after);
    int_field(m, "nodes", 1, kMaxNodes, d.nodes);
    micros_field(m, "sync_interval", {.positive = true}, d.sync_interval);
    int_field(m, "memory_size", 0, kMaxDetectors, d.memory_size);
    read_number_field(m, "eps_flag_rate", kFraction, d.eps_flag_rate);
    if (const DocNode* n = m.get("max_severity")) {
      if (auto k = read_enum(c_, *n, m.path("max_severity"), kDetectorSeverities,
                             "detector page severity")) {
        d.max_severity = static_cast<int>(*k) + 1;
      }
    }
    micros_field(m, "persist_for", {}, d.persist_for);
    micros_field(m, "persist_gap", {.positive = true}, d.persist_gap);
    micros_field(m, "quiet_after_change", {}, d.quiet_after_change);
    // The gate lets vectors through to negative selection below the level
    // at which one signal alerts on its own; the other way round the
    // repertoire would never see a vector that z_hard had not already paged.
    if (gate_ok && hard_ok && d.z_gate >= d.z_hard) {
      const DocNode* at = m.get("z_gate") != nullptr ? m.get("z_gate") : m.get("z_hard");
      c_.error(at != nullptr ? at->mark : node.mark, m.path(m.get("z_gate") ? "z_gate" : "z_hard"),
               "z_gate (" + number_text(d.z_gate) + ") must be below z_hard (" +
                   number_text(d.z_hard) + ")");
    }
    if (window_ok && d.baseline_window < d.evaluation_interval) {
      const DocNode* at = m.get("baseline_window");
      c_.error(at != nullptr ? at->mark : node.mark, m.path("baseline_window"),
               "expected at least the evaluation_interval (" +
                   sim::format_duration(Duration::micros(d.evaluation_interval)) +
                   "): the baseline needs one vector per interval");
    }
  }

  // --- resilience ------------------------------------------------------------

  void read_resilience(const DocNode& node) {
    MapReader m(c_, node, "resilience", kResilienceKeys,
                [](std::string_view key) { return other_section(key, "resilience"); });
    if (!m.valid()) return;
    ctl::ResilienceProcedures& r = p_.resilience;
    read_bool_field(m, "enabled", r.enabled);
    micros_field(m, "evaluation_interval", {.positive = true}, r.evaluation_interval);
    micros_field(m, "control_interval", {.positive = true}, r.control_interval);
    const Range kIndex{0, false, 100, false};
    const bool below_ok = read_number_field(m, "alert_below", kIndex, r.alert_below);
    const bool above_ok = read_number_field(m, "clear_above", kIndex, r.clear_above);
    if (below_ok && above_ok && r.clear_above < r.alert_below) {
      const DocNode* at = m.get("clear_above") != nullptr ? m.get("clear_above") : m.get("alert_below");
      c_.error(at->mark, m.path(m.get("clear_above") != nullptr ? "clear_above" : "alert_below"),
               "clear_above (" + number_text(r.clear_above) + ") is below alert_below (" +
                   number_text(r.alert_below) +
                   "); the alert clears at or above the level it fires below");
    }
    int_field(m, "alert_evaluations", 1, kMaxAlertEvaluations, r.alert_evaluations);
    micros_field(m, "window", {.positive = true}, r.window);
    micros_field(m, "detrend_window", {.positive = true}, r.detrend_window);
    micros_field(m, "trend_window", {.positive = true}, r.trend_window);
    read_number_field(m, "phi_critical", Range{0, true, 1, true}, r.phi_critical);
    read_number_field(m, "variance_ratio", Range{1, false, kInf, false}, r.variance_ratio);
    read_number_field(m, "trend_tau", Range{-1, false, 1, false}, r.trend_tau);
    ordered_pair(m, "utilisation_ok", "utilisation_max", kPositive, r.utilisation_ok,
                 r.utilisation_max);
    ordered_pair(m, "memory_ok", "memory_max", kPositiveFraction, r.memory_ok, r.memory_max);
    read_number_field(m, "latency_factor_max", Range{1, true, kInf, false}, r.latency_factor_max);
    micros_field(m, "latency_limit_min", {}, r.latency_limit_min);
    read_number_field(m, "slo_error_ratio", kPositiveFraction, r.slo_error_ratio);
    micros_field(m, "burn_window", {.positive = true}, r.burn_window);
    read_number_field(m, "fast_burn", kPositive, r.fast_burn);
    read_number_field(m, "retry_budget", kPositive, r.retry_budget);
    micros_field(m, "baseline_warmup", {.positive = true}, r.baseline_warmup);
    int_field(m, "baseline_days", 1, kMaxBaselineDays, r.baseline_days);
    if (const DocNode* n = m.get("guardrails")) read_guardrails(*n, m.path("guardrails"));
  }

  // Two fields that must satisfy lo < hi, both in `range`.
  void ordered_pair(MapReader& m, std::string_view lo_key, std::string_view hi_key,
                    const Range& range, double& lo, double& hi) {
    const bool lo_ok = read_number_field(m, lo_key, range, lo);
    const bool hi_ok = read_number_field(m, hi_key, range, hi);
    if (!lo_ok || !hi_ok || lo < hi) return;
    const bool at_hi = m.get(hi_key) != nullptr;
    const DocNode* at = at_hi ? m.get(hi_key) : m.get(lo_key);
    if (at == nullptr) return;
    c_.error(at->mark, m.path(at_hi ? hi_key : lo_key),
             std::string(hi_key) + " (" + number_text(hi) + ") must be above " +
                 std::string(lo_key) + " (" + number_text(lo) + ")");
  }

  void read_guardrails(const DocNode& node, const std::string& path) {
    MapReader m(c_, node, path, kGuardrailKeys);
    if (!m.valid()) return;
    ctl::ResilienceProcedures::Guardrails& g = p_.resilience.guardrails;
    if (const DocNode* n = m.get("autoscale")) {
      MapReader a(c_, *n, m.path("autoscale"), kAutoscaleKeys);
      if (a.valid()) {
        read_bool_field(a, "enabled", g.autoscale.enabled);
        read_number_field(a, "target", kPositiveFraction, g.autoscale.target);
        read_number_field(a, "target_low_index", kPositiveFraction, g.autoscale.target_low_index);
        read_number_field(a, "tolerance", Range{0, false, 1, true}, g.autoscale.tolerance);
        micros_field(a, "sync_interval", {.positive = true}, g.autoscale.sync_interval);
        micros_field(a, "scale_down_window", {}, g.autoscale.scale_down_window);
        read_number_field(a, "max_replicas_factor", Range{1, false, 1000, false},
                          g.autoscale.max_replicas_factor);
      }
    }
    if (const DocNode* n = m.get("rate_limit")) {
      MapReader r(c_, *n, m.path("rate_limit"), kRateLimitKeys);
      if (r.valid()) {
        read_bool_field(r, "enabled", g.rate_limit.enabled);
        read_number_field(r, "initial_limit", kPositive, g.rate_limit.initial_limit);
        ordered_pair(r, "min_limit", "max_limit", kPositive, g.rate_limit.min_limit,
                     g.rate_limit.max_limit);
        read_number_field(r, "smoothing", kPositiveFraction, g.rate_limit.smoothing);
        read_number_field(r, "tolerance", Range{1, false, kInf, false}, g.rate_limit.tolerance);
        int_field(r, "long_window", 1, kMaxLongWindow, g.rate_limit.long_window);
        micros_field(r, "hold", {}, g.rate_limit.hold);
      }
    }
    if (const DocNode* n = m.get("brownout")) {
      MapReader b(c_, *n, m.path("brownout"), kBrownoutKeys);
      if (b.valid()) {
        read_bool_field(b, "enabled", g.brownout.enabled);
        micros_field(b, "setpoint", {.positive = true}, g.brownout.setpoint);
        read_number_field(b, "pole", Range{0, false, 1, true}, g.brownout.pole);
        read_number_field(b, "forgetting", kPositiveFraction, g.brownout.forgetting);
      }
    }
    if (const DocNode* n = m.get("retry_budget")) {
      MapReader r(c_, *n, m.path("retry_budget"), kRetryBudgetKeys);
      if (r.valid()) {
        read_bool_field(r, "enabled", g.retry_budget.enabled);
        micros_field(r, "release_after", {}, g.retry_budget.release_after);
      }
    }
    if (const DocNode* n = m.get("shed_load")) {
      MapReader r(c_, *n, m.path("shed_load"), kShedLoadKeys);
      if (r.valid()) {
        read_bool_field(r, "enabled", g.shed_load.enabled);
        read_number_field(r, "k", Range{1, false, kInf, false}, g.shed_load.k);
        micros_field(r, "window", {.positive = true}, g.shed_load.window);
      }
    }
  }

  // --- maintenance -------------------------------------------------------------

  void read_maintenance(const DocNode& node) {
    MapReader m(c_, node, "maintenance", kMaintenanceKeys,
                [](std::string_view key) { return other_section(key, "maintenance"); });
    if (!m.valid()) return;
    ctl::MaintenanceProcedures& mp = p_.maintenance;
    read_bool_field(m, "enabled", mp.enabled);
    if (micros_field(m, "time_of_day", {}, mp.time_of_day) && mp.time_of_day >= 24 * ctl::kHour) {
      c_.error(m.get("time_of_day")->mark, m.path("time_of_day"),
               "expected a time of day below 24h, got " + m.get("time_of_day")->text);
    }
    micros_field(m, "daily_every", {.positive = true}, mp.daily_every);
    micros_field(m, "weekly_every", {.positive = true}, mp.weekly_every);
    micros_field(m, "monthly_every", {.positive = true}, mp.monthly_every);
    int_field(m, "noisy_pages_per_day", 1, 1000000, mp.noisy_pages_per_day);
    read_bool_field(m, "traffic_profile", mp.traffic_profile);
    if (micros_field(m, "profile_slot", {.positive = true}, mp.profile_slot) &&
        (mp.profile_slot > 24 * ctl::kHour || (24 * ctl::kHour) % mp.profile_slot != 0)) {
      c_.error(m.get("profile_slot")->mark, m.path("profile_slot"),
               "expected a duration that divides a day (15m, 1h, ...), got '" +
                   m.get("profile_slot")->text + "'");
    }
    int_field(m, "profile_days", 1, kMaxBaselineDays, mp.profile_days);
  }

  // --- gate ------------------------------------------------------------------

  void read_gate(const DocNode& node) {
    MapReader m(c_, node, "gate", kGateKeys,
                [](std::string_view key) { return other_section(key, "gate"); });
    if (!m.valid()) return;
    read_number_field(m, "alpha", Range{0, true, kMaxAlpha, false}, p_.gate.alpha);
    if (const DocNode* n = m.get("metrics")) read_gate_metrics(*n, m.path("metrics"));
  }

  // {name: {direction, tolerance, relative_tolerance}}: replaces the default
  // list as a whole, in the file's order. Each field left out takes its
  // default: direction lower (higher for score), tolerances 0.
  void read_gate_metrics(const DocNode& node, const std::string& path) {
    MapReader m(c_, node, path, kGateMetricNames);
    if (!m.valid()) return;
    std::vector<ctl::GatedMetric> metrics;
    bool ok = true;
    for (const DocMember& member : node.members) {
      if (std::find(kGateMetricNames.begin(), kGateMetricNames.end(), member.key) ==
          kGateMetricNames.end()) {
        continue;  // reported by the MapReader
      }
      ctl::GatedMetric g;
      g.name = member.key;
      g.higher_is_better = member.key == "score";
      const std::string field = m.path(member.key);
      MapReader fm(c_, member.value, field, kGateMetricKeys);
      if (!fm.valid()) {
        ok = false;
        continue;
      }
      if (const DocNode* d = fm.get("direction")) {
        if (auto v = read_enum(c_, *d, fm.path("direction"), kGateDirections, "direction")) {
          g.higher_is_better = *v == 1;
        } else {
          ok = false;
        }
      }
      // Seconds are durations with a unit, like every time in the file.
      const bool seconds = g.name.size() > 2 && g.name.substr(g.name.size() - 2) == "_s";
      if (seconds) {
        Duration t = Duration::micros(0);
        ok &= read_duration_field(fm, "tolerance", {}, t);
        g.tolerance = t.seconds_f();
      } else {
        ok &= read_number_field(fm, "tolerance", kNonNegative, g.tolerance);
      }
      ok &= read_number_field(fm, "relative_tolerance", kNonNegative, g.relative_tolerance);
      metrics.push_back(std::move(g));
    }
    if (ok) p_.gate.metrics = std::move(metrics);
  }

  // --- shared field readers --------------------------------------------------

  bool micros_field(MapReader& m, std::string_view key, DurationRule rule, Micros& out) {
    Duration d = Duration::micros(out);
    const bool ok = read_duration_field(m, key, rule, d);
    if (ok) out = d.us();
    return ok;
  }

  bool int_field(MapReader& m, std::string_view key, int lo, int hi, int& out) {
    const DocNode* n = m.get(key);
    if (n == nullptr) return true;
    auto v = read_integer(c_, *n, m.path(key), lo, hi);
    if (v) out = static_cast<int>(*v);
    return v.has_value();
  }

  Checker& c_;
  ctl::Procedures p_;
};

// The document layer speaks of scenarios in two whole-file messages; say
// "procedures" in a procedures file.
void retitle(std::vector<Diagnostic>& problems) {
  for (Diagnostic& d : problems) {
    if (d.message == "the file is empty; expected a scenario mapping") {
      d.message = "the file is empty; expected a mapping of procedures sections (" +
                  list_keys(kSections) + "); write {} for the seed's procedures";
    }
    const std::string_view kScenarioFile = "a scenario file holds exactly one";
    if (const size_t at = d.message.find(kScenarioFile); at != std::string::npos) {
      d.message.replace(at, kScenarioFile.size(), "a procedures file holds exactly one");
    }
  }
}

ProceduresLoad finish(Checker& c, std::optional<ctl::Procedures> procedures) {
  ProceduresLoad result;
  result.diagnostics = sort_diagnostics(c.take(), c.file(), &result.problems);
  if (result.diagnostics.empty()) result.procedures = std::move(procedures);
  return result;
}

}  // namespace

const std::vector<std::string>& procedures_sections() {
  static const std::vector<std::string> kNames = to_strings(kSections);
  return kNames;
}

ProceduresLoad load_procedures_text(std::string_view text, SourceFormat format,
                                    const std::string& virtual_path) {
  Checker c(virtual_path);
  DocParse doc = parse_document(text, format, virtual_path);
  if (!doc.root) {
    retitle(doc.problems);
    c.add(std::move(doc.problems));
    return finish(c, std::nullopt);
  }
  ProceduresReader reader(c);
  std::optional<ctl::Procedures> procedures = reader.load(*doc.root);
  if (procedures) {
    procedures->path = virtual_path;
    procedures->hash = sim::format_hash(sim::stable_hash(text));
  }
  return finish(c, std::move(procedures));
}

ProceduresLoad load_procedures(const std::string& path) {
  Checker c(path);
  std::optional<InputText> input = read_input(path, "procedures file", "procedures file", c);
  if (!input) return finish(c, std::nullopt);
  return load_procedures_text(input->text, input->format, path);
}

}  // namespace dreamsim::model
