// The procedures loader: the default file is exactly the built-in defaults
// (in YAML and in JSON), every field of the file lands in its own struct
// member, a changed value changes that field and nothing else; the bad-input
// corpus under tests/procedures/bad, each file with exactly the problems
// listed here; scenarios that name a procedures file and choose a start-up
// mode; and `dreamsim validate` on procedures files.
#include "model/procedures_loader.hpp"

#include <gtest/gtest.h>

#include "tests/model/cli_runner.hpp"
#include <unistd.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "controllers/startup.hpp"
#include "model/scenario_loader.hpp"
#include "sim/random.hpp"
#include "sim/trace.hpp"

namespace dreamsim::model {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kRoot = fs::path(DREAMSIM_SOURCE_DIR);
const fs::path kDefault = kRoot / "scenarios" / "procedures" / "default.yaml";
const fs::path kGood = kRoot / "tests" / "procedures" / "good";
const fs::path kBad = kRoot / "tests" / "procedures" / "bad";

// A field added to the procedures structs must be added to the loader, the
// README, default.yaml and dump() below; these sizes (x86-64, libstdc++) make
// the build say so rather than let the new field go unread.
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(ctl::AlertingProcedures) == 152, "new alerting field: read it, dump it");
static_assert(sizeof(ctl::StartupProcedures) == 128, "new startup field: read it, dump it");
static_assert(sizeof(ctl::IncidentProcedures) == 112, "new incident field: read it, dump it");
static_assert(sizeof(ctl::DeploymentProcedures) == 152, "new deployment field: read it, dump it");
static_assert(sizeof(ctl::JudgeConfig) == 56, "new judge field: read it, dump it");
static_assert(sizeof(ctl::JudgeMetric) == 72, "new judge metric field: read it, dump it");
static_assert(sizeof(ctl::RecoveryProcedures) == 80, "new recovery field: read it, dump it");
static_assert(sizeof(ctl::ScoreProcedures) == 112, "new score field: read it, dump it");
static_assert(sizeof(ctl::DetectorProcedures) == 208, "new detectors field: read it, dump it");
static_assert(sizeof(ctl::ResilienceProcedures) == 384, "new resilience field: read it, dump it");
static_assert(sizeof(ctl::MaintenanceProcedures) == 64, "new maintenance field: read it, dump it");
static_assert(sizeof(ctl::GatedMetric) == 56, "new gate metric field: read it, dump it");
static_assert(sizeof(ctl::GateProcedures) == 32, "new gate field: read it, dump it");
static_assert(sizeof(ctl::Procedures) == 1488, "new procedures section: read it, dump it");
#endif

json dump(const ctl::Thresholds& t) { return {{"p0", t.p0}, {"p1", t.p1}, {"p2", t.p2}}; }

// Every field of a Procedures except its path and hash, as JSON: the
// canonical form that loads are compared by. Durations in microseconds.
json dump(const ctl::Procedures& p) {
  const ctl::AlertingProcedures& a = p.alerting;
  const ctl::StartupProcedures& s = p.startup;
  const ctl::IncidentProcedures& i = p.incident;
  const ctl::RecoveryProcedures& r = p.recovery;
  const ctl::DetectorProcedures& det = p.detectors;
  const ctl::ResilienceProcedures& rs = p.resilience;
  const ctl::ResilienceProcedures::Guardrails& g = rs.guardrails;
  const ctl::MaintenanceProcedures& m = p.maintenance;
  json gated = json::array();
  for (const ctl::GatedMetric& g : p.gate.metrics) {
    gated.push_back({{"name", g.name},
                     {"higher_is_better", g.higher_is_better},
                     {"tolerance", g.tolerance},
                     {"relative_tolerance", g.relative_tolerance}});
  }
  json grading = json::array();
  for (const ctl::GradingPhase& g : s.grading) {
    grading.push_back({{"fraction", g.fraction}, {"hold", g.hold}});
  }
  const ctl::DeploymentProcedures& d = p.deployment;
  json steps = json::array();
  for (const ctl::CanaryStep& c : d.canary_steps) {
    steps.push_back({{"weight", c.weight}, {"hold", c.hold}});
  }
  json metrics = json::object();
  for (const ctl::JudgeMetric& m : d.judge.metrics) {
    metrics[m.name] = {{"direction", static_cast<int>(m.bad)},
                       {"weight", m.weight},
                       {"critical", m.critical},
                       {"statistic", static_cast<int>(m.statistic)},
                       {"tolerance", m.tolerance},
                       {"min_effect", m.min_effect}};
  }
  return {
      {"alerting",
       {{"evaluation_interval", a.evaluation_interval},
        {"window", a.window},
        {"for_duration", a.for_duration},
        {"resolve_after", a.resolve_after},
        {"latency_p95_s", dump(a.latency_p95_s)},
        {"error_rate", dump(a.error_rate)},
        {"traffic_drop", dump(a.traffic_drop)},
        {"saturation", dump(a.saturation)},
        {"traffic_baseline", a.traffic_baseline},
        {"traffic_min_rps", a.traffic_min_rps},
        {"per_service", a.per_service},
        {"system_wide", a.system_wide}}},
      {"startup",
       {{"pre_startup_checks", s.pre_startup_checks},
        {"liveness_timeout", s.liveness_timeout},
        {"readiness_timeout", s.readiness_timeout},
        {"health_retries", s.health_retries},
        {"probe_interval", s.probe_interval},
        {"grading", grading},
        {"on_breach", static_cast<int>(s.on_breach)},
        {"verify_window", s.verify_window},
        {"minimal_mode", s.minimal_mode},
        {"gradual_enable_interval", s.gradual_enable_interval},
        {"grading_check_interval", s.grading_check_interval},
        {"grading_max_latency_p95_s", s.grading_max_latency_p95_s},
        {"grading_max_error_rate", s.grading_max_error_rate},
        {"grading_max_step_backs", s.grading_max_step_backs}}},
      {"incident",
       {{"operator_delay",
         {{"kind", static_cast<int>(i.operator_delay.kind)},
          {"median", i.operator_delay.median},
          {"sigma", i.operator_delay.sigma}}},
        {"response_limit_p0", i.response_limit_p0},
        {"response_limit_p1", i.response_limit_p1},
        {"response_limit_p2", i.response_limit_p2},
        {"safe_mode_exit_after", i.safe_mode_exit_after},
        {"recovery_check_interval", i.recovery_check_interval},
        {"p2_interval_factor", i.p2_interval_factor},
        {"p2_threshold_factor", i.p2_threshold_factor},
        {"p2_boost_duration", i.p2_boost_duration},
        {"deploy_blame_window", i.deploy_blame_window},
        {"exfiltration_rps", i.exfiltration_rps},
        {"key_rotation_time", i.key_rotation_time}}},
      {"deployment",
       {{"replica_ready_timeout", d.replica_ready_timeout},
        {"probe_interval", d.probe_interval},
        {"verify_window", d.verify_window},
        {"verify_max_latency_p95_s", d.verify_max_latency_p95_s},
        {"verify_max_error_rate", d.verify_max_error_rate},
        {"canary_steps", steps},
        {"analysis_interval", d.analysis_interval},
        {"hold_extension", d.hold_extension},
        {"judge",
         {{"confidence", d.judge.confidence},
          {"min_samples", d.judge.min_samples},
          {"pass_score", d.judge.pass_score},
          {"marginal_score", d.judge.marginal_score},
          {"metrics", metrics}}},
        {"failure_limit", d.failure_limit},
        {"inconclusive_limit", d.inconclusive_limit},
        {"consecutive_error_limit", d.consecutive_error_limit},
        {"rollback_on_alert", d.rollback_on_alert}}},
      {"recovery",
       {{"status_interval", r.status_interval},
        {"probe_interval", r.probe_interval},
        {"verify_timeout", r.verify_timeout},
        {"restart_backoff_base", r.restart_backoff_base},
        {"restart_backoff_cap", r.restart_backoff_cap},
        {"restart_limit", r.restart_limit},
        {"restart_reset_after", r.restart_reset_after},
        {"integrity_check_interval", r.integrity_check_interval},
        {"integrity_verify_after", r.integrity_verify_after},
        {"restore_limit", r.restore_limit}}},
      {"score",
       {{"weights",
         {{"detection", p.score.weights.detection},
          {"mitigation", p.score.weights.mitigation},
          {"recovery", p.score.weights.recovery},
          {"availability", p.score.weights.availability},
          {"data", p.score.weights.data},
          {"security", p.score.weights.security},
          {"alert_quality", p.score.weights.alert_quality},
          {"response", p.score.weights.response},
          {"expectations", p.score.weights.expectations}}},
        {"ttd_half_at", p.score.ttd_half_at},
        {"ttm_half_at", p.score.ttm_half_at},
        {"ttr_half_at", p.score.ttr_half_at},
        {"writes_lost_half_at", p.score.writes_lost_half_at},
        {"records_exfiltrated_half_at", p.score.records_exfiltrated_half_at}}},
      {"detectors",
       {{"enabled", det.enabled},
        {"mode", static_cast<int>(det.mode)},
        {"evaluation_interval", det.evaluation_interval},
        {"baseline_window", det.baseline_window},
        {"baseline_refresh", det.baseline_refresh},
        {"warmup", det.warmup},
        {"z_gate", det.z_gate},
        {"z_hard", det.z_hard},
        {"cusum_k", det.cusum_k},
        {"cusum_h", det.cusum_h},
        {"eps", det.eps},
        {"z_max", det.z_max},
        {"coverage", det.coverage},
        {"max_detectors", det.max_detectors},
        {"max_attempts", det.max_attempts},
        {"min_radius", det.min_radius},
        {"self_sample", det.self_sample},
        {"activation_matches", det.activation_matches},
        {"activation_window", det.activation_window},
        {"confirm_window", det.confirm_window},
        {"resolve_after", det.resolve_after},
        {"nodes", det.nodes},
        {"sync_interval", det.sync_interval},
        {"memory_size", det.memory_size},
        {"eps_flag_rate", det.eps_flag_rate},
        {"max_severity", det.max_severity},
        {"persist_for", det.persist_for},
        {"persist_gap", det.persist_gap},
        {"quiet_after_change", det.quiet_after_change}}},
      {"resilience",
       {{"enabled", rs.enabled},
        {"evaluation_interval", rs.evaluation_interval},
        {"control_interval", rs.control_interval},
        {"alert_below", rs.alert_below},
        {"clear_above", rs.clear_above},
        {"alert_evaluations", rs.alert_evaluations},
        {"window", rs.window},
        {"detrend_window", rs.detrend_window},
        {"trend_window", rs.trend_window},
        {"phi_critical", rs.phi_critical},
        {"variance_ratio", rs.variance_ratio},
        {"trend_tau", rs.trend_tau},
        {"utilisation_ok", rs.utilisation_ok},
        {"utilisation_max", rs.utilisation_max},
        {"memory_ok", rs.memory_ok},
        {"memory_max", rs.memory_max},
        {"latency_factor_max", rs.latency_factor_max},
        {"latency_limit_min", rs.latency_limit_min},
        {"slo_error_ratio", rs.slo_error_ratio},
        {"burn_window", rs.burn_window},
        {"fast_burn", rs.fast_burn},
        {"retry_budget", rs.retry_budget},
        {"baseline_warmup", rs.baseline_warmup},
        {"baseline_days", rs.baseline_days},
        {"autoscale",
         {{"enabled", g.autoscale.enabled},
          {"target", g.autoscale.target},
          {"target_low_index", g.autoscale.target_low_index},
          {"tolerance", g.autoscale.tolerance},
          {"sync_interval", g.autoscale.sync_interval},
          {"scale_down_window", g.autoscale.scale_down_window},
          {"max_replicas_factor", g.autoscale.max_replicas_factor}}},
        {"rate_limit",
         {{"enabled", g.rate_limit.enabled},
          {"initial_limit", g.rate_limit.initial_limit},
          {"min_limit", g.rate_limit.min_limit},
          {"max_limit", g.rate_limit.max_limit},
          {"smoothing", g.rate_limit.smoothing},
          {"tolerance", g.rate_limit.tolerance},
          {"long_window", g.rate_limit.long_window},
          {"hold", g.rate_limit.hold}}},
        {"brownout",
         {{"enabled", g.brownout.enabled},
          {"setpoint", g.brownout.setpoint},
          {"pole", g.brownout.pole},
          {"forgetting", g.brownout.forgetting}}},
        {"retry_budget_guardrail",
         {{"enabled", g.retry_budget.enabled}, {"release_after", g.retry_budget.release_after}}},
        {"shed_load",
         {{"enabled", g.shed_load.enabled}, {"k", g.shed_load.k}, {"window", g.shed_load.window}}}}},
      {"maintenance",
       {{"enabled", m.enabled},
        {"time_of_day", m.time_of_day},
        {"daily_every", m.daily_every},
        {"weekly_every", m.weekly_every},
        {"monthly_every", m.monthly_every},
        {"noisy_pages_per_day", m.noisy_pages_per_day},
        {"traffic_profile", m.traffic_profile},
        {"profile_slot", m.profile_slot},
        {"profile_days", m.profile_days}}},
      {"gate", {{"alpha", p.gate.alpha}, {"metrics", gated}}},
  };
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

ctl::Procedures load_ok(const fs::path& path) {
  const ProceduresLoad r = load_procedures(path.string());
  EXPECT_TRUE(r.ok()) << r.format();
  EXPECT_TRUE(r.diagnostics.empty());
  return r.ok() ? *r.procedures : ctl::Procedures{};
}

ctl::Procedures yaml_ok(const std::string& text) {
  const ProceduresLoad r = load_procedures_text(text, SourceFormat::kYaml, "/virtual/p.yaml");
  EXPECT_TRUE(r.ok()) << r.format() << "in:\n" << text;
  return r.ok() ? *r.procedures : ctl::Procedures{};
}

std::string yaml_problems(const std::string& text) {
  const ProceduresLoad r = load_procedures_text(text, SourceFormat::kYaml, "/virtual/p.yaml");
  EXPECT_FALSE(r.ok()) << "expected problems in:\n" << text;
  EXPECT_FALSE(r.procedures.has_value());
  return r.format();
}

// The leaves of a JSON document by pointer: "/alerting/window" -> 60000000.
void flatten(const json& j, const std::string& at, std::vector<std::pair<std::string, json>>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) flatten(it.value(), at + "/" + it.key(), out);
  } else if (j.is_array()) {
    for (size_t k = 0; k < j.size(); ++k) flatten(j[k], at + "/" + std::to_string(k), out);
  } else {
    out.emplace_back(at, j);
  }
}

// --- the default file ------------------------------------------------------------------

TEST(ProceduresDefaults, DefaultFileLoadsToExactlyTheBuiltInDefaults) {
  const ctl::Procedures p = load_ok(kDefault);
  EXPECT_EQ(dump(p), dump(ctl::Procedures{}));
  EXPECT_EQ(p.path, kDefault.string());
  EXPECT_EQ(p.hash, sim::format_hash(sim::stable_hash(slurp(kDefault))));
  EXPECT_EQ(p.hash.size(), 16u);
}

TEST(ProceduresDefaults, JsonEquivalentLoadsTheSame) {
  const ctl::Procedures yaml = load_ok(kDefault);
  const ctl::Procedures json_file = load_ok(kGood / "default.json");
  EXPECT_EQ(dump(json_file), dump(yaml));
  EXPECT_EQ(json_file.path, (kGood / "default.json").string());
  EXPECT_NE(json_file.hash, yaml.hash);  // other bytes, other hash
}

TEST(ProceduresDefaults, EmptyMappingIsTheSeed) {
  EXPECT_EQ(dump(yaml_ok("{}\n")), dump(ctl::Procedures{}));
  EXPECT_EQ(dump(yaml_ok("# the seed's numbers\n{}\n")), dump(ctl::Procedures{}));
  EXPECT_EQ(dump(yaml_ok("alerting: {}\nstartup: {}\nincident: {}\nrecovery: {}\n")),
            dump(ctl::Procedures{}));
  const ProceduresLoad j = load_procedures_text("{}", SourceFormat::kJson, "/virtual/p.json");
  ASSERT_TRUE(j.ok()) << j.format();
  EXPECT_EQ(dump(*j.procedures), dump(ctl::Procedures{}));
  // Top-level x- keys are the user's, as in scenarios: a home for anchors.
  EXPECT_EQ(dump(yaml_ok("x-fast: &fast 5s\nstartup: {probe_interval: *fast}\n")),
            dump(ctl::Procedures{}));
}

TEST(ProceduresDefaults, TheHashIsOfTheBytes) {
  const std::string a = "alerting: {window: 1m}\n";
  const std::string b = "alerting: {window: 1m}  # the seed's\n";
  const ctl::Procedures pa = yaml_ok(a);
  const ctl::Procedures pb = yaml_ok(b);
  EXPECT_EQ(pa.hash, sim::format_hash(sim::stable_hash(a)));
  EXPECT_EQ(pa.hash, yaml_ok(a).hash);
  EXPECT_NE(pa.hash, pb.hash);  // a comment is a change of the file
  EXPECT_EQ(dump(pa), dump(pb));
  EXPECT_EQ(pa.path, "/virtual/p.yaml");
}

// --- every field -----------------------------------------------------------------------

TEST(ProceduresLoader, EveryFieldOfTheFileIsRead) {
  const ctl::Procedures p = load_ok(kGood / "changed.yaml");
  std::vector<std::pair<std::string, json>> seed;
  std::vector<std::pair<std::string, json>> changed;
  flatten(dump(ctl::Procedures{}), "", seed);
  flatten(dump(p), "", changed);
  // Not fields of the file: derived from the P2 thresholds when wiring
  // (ctl::with_p2_limits), and sigma, which an exponential delay has not.
  const std::vector<std::string> not_in_file = {"/startup/grading_max_latency_p95_s",
                                                "/startup/grading_max_error_rate",
                                                "/incident/operator_delay/sigma",
                                                "/deployment/verify_max_latency_p95_s",
                                                "/deployment/verify_max_error_rate"};
  for (const auto& [at, value] : seed) {
    const auto it = std::find_if(changed.begin(), changed.end(),
                                 [&](const auto& leaf) { return leaf.first == at; });
    if (it == changed.end()) continue;  // a grading phase the file has not
    const bool derived = std::find(not_in_file.begin(), not_in_file.end(), at) != not_in_file.end();
    if (derived) {
      EXPECT_EQ(it->second, value) << at;
    } else {
      EXPECT_NE(it->second, value) << at << " kept the seed's value: is it read?";
    }
  }
  const json expected = {
      {"alerting",
       {{"evaluation_interval", 15000000},
        {"window", 120000000},
        {"for_duration", 30000000},
        {"resolve_after", 180000000},
        {"latency_p95_s", {{"p0", 4.0}, {"p1", 1.5}, {"p2", 0.75}}},
        {"error_rate", {{"p0", 0.2}, {"p1", 0.1}, {"p2", 0.02}}},
        {"traffic_drop", {{"p0", 0.6}, {"p1", 0.3}, {"p2", 0.15}}},
        {"saturation", {{"p0", 0.9}, {"p1", 0.8}, {"p2", 0.7}}},
        {"traffic_baseline", 7200000000},
        {"traffic_min_rps", 2.5},
        {"per_service", false},
        {"system_wide", false}}},
      {"startup",
       {{"pre_startup_checks", false},
        {"liveness_timeout", 20000000},
        {"readiness_timeout", 45000000},
        {"health_retries", 4},
        {"probe_interval", 2000000},
        {"grading",
         {{{"fraction", 0.05}, {"hold", 60000000}},
          {{"fraction", 0.25}, {"hold", 180000000}},
          {{"fraction", 1.0}, {"hold", 0}}}},
        {"on_breach", static_cast<int>(ctl::BreachAction::kStepBack)},
        {"verify_window", 120000000},
        {"minimal_mode", true},
        {"gradual_enable_interval", 30000000},
        {"grading_check_interval", 5000000},
        {"grading_max_latency_p95_s", 1.0},
        {"grading_max_error_rate", 0.01},
        {"grading_max_step_backs", 1}}},
      {"incident",
       {{"operator_delay",
         {{"kind", static_cast<int>(ctl::DelayDistribution::Kind::kExponential)},
          {"median", 90000000},
          {"sigma", 0.5}}},
        {"response_limit_p0", 180000000},
        {"response_limit_p1", 600000000},
        {"response_limit_p2", 1800000000},
        {"safe_mode_exit_after", 600000000},
        {"recovery_check_interval", 15000000},
        {"p2_interval_factor", 0.25},
        {"p2_threshold_factor", 0.9},
        {"p2_boost_duration", 7200000000},
        {"deploy_blame_window", 3600000000},
        {"exfiltration_rps", 0.0},
        {"key_rotation_time", 60000000}}},
      {"deployment",
       {{"replica_ready_timeout", 60000000},
        {"probe_interval", 2000000},
        {"verify_window", 600000000},
        {"verify_max_latency_p95_s", 1.0},
        {"verify_max_error_rate", 0.01},
        {"canary_steps",
         {{{"weight", 0.05}, {"hold", 120000000}},
          {{"weight", 0.25}, {"hold", 180000000}},
          {{"weight", 1.0}, {"hold", 0}}}},
        {"analysis_interval", 30000000},
        {"hold_extension", 120000000},
        {"judge",
         {{"confidence", 0.95},
          {"min_samples", 10},
          {"pass_score", 90.0},
          {"marginal_score", 60.0},
          {"metrics",
           {{"latency_p95",
             {{"direction", static_cast<int>(ctl::Direction::kEither)},
              {"weight", 2.0},
              {"critical", false},
              {"statistic", static_cast<int>(ctl::EffectStatistic::kMean)},
              {"tolerance", 0.1},
              {"min_effect", 0.005}}},
            {"error_rate",
             {{"direction", static_cast<int>(ctl::Direction::kDecrease)},
              {"weight", 3.0},
              {"critical", false},
              {"statistic", static_cast<int>(ctl::EffectStatistic::kMedian)},
              {"tolerance", 0.5},
              {"min_effect", 0.01}}},
            {"cpu",
             {{"direction", static_cast<int>(ctl::Direction::kEither)},
              {"weight", 1.0},
              {"critical", true},
              {"statistic", static_cast<int>(ctl::EffectStatistic::kMean)},
              {"tolerance", 0.3},
              {"min_effect", 0.05}}}}}}},
        {"failure_limit", 2},
        {"inconclusive_limit", 1},
        {"consecutive_error_limit", 0},
        {"rollback_on_alert", false}}},
      {"recovery",
       {{"status_interval", 60000000},
        {"probe_interval", 10000000},
        {"verify_timeout", 120000000},
        {"restart_backoff_base", 10000000},
        {"restart_backoff_cap", 600000000},
        {"restart_limit", 3},
        {"restart_reset_after", 1800000000},
        {"integrity_check_interval", 900000000},
        {"integrity_verify_after", 30000000},
        {"restore_limit", 2}}},
      {"score",
       {{"weights",
         {{"detection", 20.0},
          {"mitigation", 10.0},
          {"recovery", 5.0},
          {"availability", 30.0},
          {"data", 5.0},
          {"security", 15.0},
          {"alert_quality", 8.0},
          {"response", 2.0},
          {"expectations", 1.0}}},
        {"ttd_half_at", 120000000},
        {"ttm_half_at", 600000000},
        {"ttr_half_at", 1800000000},
        {"writes_lost_half_at", 10.0},
        {"records_exfiltrated_half_at", 1000.0}}},
      {"detectors",
       {{"enabled", false},
        {"mode", static_cast<int>(ctl::DetectorMode::kNearestSelf)},
        {"evaluation_interval", 15000000},
        {"baseline_window", 7200000000},
        {"baseline_refresh", 120000000},
        {"warmup", 3600000000},
        {"z_gate", 2.5},
        {"z_hard", 6.0},
        {"cusum_k", 0.75},
        {"cusum_h", 9.0},
        {"eps", 0.1},
        {"z_max", 5.0},
        {"coverage", 0.95},
        {"max_detectors", 500},
        {"max_attempts", 20000},
        {"min_radius", 0.02},
        {"self_sample", 256},
        {"activation_matches", 2},
        {"activation_window", 120000000},
        {"confirm_window", 300000000},
        {"resolve_after", 300000000},
        {"nodes", 2},
        {"sync_interval", 1800000000},
        {"memory_size", 50},
        {"eps_flag_rate", 0.01},
        {"max_severity", 1},
        {"persist_for", 0},
        {"persist_gap", 180000000},
        {"quiet_after_change", 300000000}}},
      {"resilience",
       {{"enabled", false},
        {"evaluation_interval", 30000000},
        {"control_interval", 2000000},
        {"alert_below", 40.0},
        {"clear_above", 70.0},
        {"alert_evaluations", 3},
        {"window", 600000000},
        {"detrend_window", 120000000},
        {"trend_window", 900000000},
        {"phi_critical", 0.95},
        {"variance_ratio", 3.0},
        {"trend_tau", 0.6},
        {"utilisation_ok", 0.5},
        {"utilisation_max", 0.85},
        {"memory_ok", 0.7},
        {"memory_max", 0.9},
        {"latency_factor_max", 4.0},
        {"latency_limit_min", 1500000},
        {"slo_error_ratio", 0.01},
        {"burn_window", 1800000000},
        {"fast_burn", 6.0},
        {"retry_budget", 0.2},
        {"baseline_warmup", 600000000},
        {"baseline_days", 14},
        {"autoscale",
         {{"enabled", false},
          {"target", 0.8},
          {"target_low_index", 0.65},
          {"tolerance", 0.2},
          {"sync_interval", 30000000},
          {"scale_down_window", 600000000},
          {"max_replicas_factor", 2.0}}},
        {"rate_limit",
         {{"enabled", false},
          {"initial_limit", 10.0},
          {"min_limit", 2.0},
          {"max_limit", 500.0},
          {"smoothing", 0.5},
          {"tolerance", 2.0},
          {"long_window", 300},
          {"hold", 60000000}}},
        {"brownout",
         {{"enabled", false}, {"setpoint", 500000}, {"pole", 0.8}, {"forgetting", 0.9}}},
        {"retry_budget_guardrail", {{"enabled", false}, {"release_after", 600000000}}},
        {"shed_load", {{"enabled", false}, {"k", 1.5}, {"window", 60000000}}}}},
      {"maintenance",
       {{"enabled", false},
        {"time_of_day", 7200000000},
        {"daily_every", 43200000000},
        {"weekly_every", 302400000000},
        {"monthly_every", 1209600000000},
        {"noisy_pages_per_day", 5},
        {"traffic_profile", false},
        {"profile_slot", 3600000000},
        {"profile_days", 3}}},
      {"gate",
       {{"alpha", 0.01},
        {"metrics",
         {{{"name", "ttm_s"},
           {"higher_is_better", true},
           {"tolerance", 45.0},
           {"relative_tolerance", 0.2}}}}}},
  };
  EXPECT_EQ(dump(p), expected) << json::diff(expected, dump(p)).dump(1);
}

struct OneChange {
  const char* yaml;
  const char* pointer;  // into dump()
  json value;
};

void PrintTo(const OneChange& c, std::ostream* os) { *os << c.yaml; }

class ProceduresOneChange : public ::testing::TestWithParam<OneChange> {};

// A file that sets one value differs from the seed in that field only.
TEST_P(ProceduresOneChange, ChangesExactlyThatField) {
  const OneChange& c = GetParam();
  const json seed = dump(ctl::Procedures{});
  const json got = dump(yaml_ok(c.yaml));
  const json patch = json::diff(seed, got);
  ASSERT_EQ(patch.size(), 1u) << patch.dump(1);
  EXPECT_EQ(patch[0]["op"], "replace") << patch.dump(1);
  EXPECT_EQ(patch[0]["path"], c.pointer) << patch.dump(1);
  EXPECT_EQ(patch[0]["value"], c.value) << patch.dump(1);
}

INSTANTIATE_TEST_SUITE_P(
    Fields, ProceduresOneChange,
    ::testing::Values(
        OneChange{"alerting: {thresholds: {latency_p95: {p1: 3s}}}", "/alerting/latency_p95_s/p1",
                  3.0},
        OneChange{"alerting: {thresholds: {latency_p95: {p2: 1500ms}}}",
                  "/alerting/latency_p95_s/p2", 1.5},
        OneChange{"alerting:\n  thresholds:\n    error_rate: {p0: 0.5}\n",
                  "/alerting/error_rate/p0", 0.5},
        OneChange{"alerting: {thresholds: {traffic_drop: {p2: 0.2}}}", "/alerting/traffic_drop/p2",
                  0.2},
        OneChange{"alerting: {thresholds: {saturation: {p0: 1}}}", "/alerting/saturation/p0", 1.0},
        OneChange{"alerting: {for: 1m}", "/alerting/for_duration", 60000000},
        OneChange{"alerting: {window: 90s}", "/alerting/window", 90000000},
        OneChange{"startup: {on_breach: step_back}", "/startup/on_breach",
                  static_cast<int>(ctl::BreachAction::kStepBack)},
        OneChange{"startup: {minimal_mode: true}", "/startup/minimal_mode", true},
        OneChange{"startup: {grading_max_step_backs: 0}", "/startup/grading_max_step_backs", 0},
        OneChange{"startup: {grading_check_interval: 1s}", "/startup/grading_check_interval",
                  1000000},
        OneChange{"startup: {health_retries: 0}", "/startup/health_retries", 0},
        OneChange{"incident: {operator_delay: {sigma: 1.5}}", "/incident/operator_delay/sigma",
                  1.5},
        OneChange{"incident: {operator_delay: {median: 4m}}", "/incident/operator_delay/median",
                  240000000},
        OneChange{"incident: {response_limits: {p2: 2h}}", "/incident/response_limit_p2",
                  7200000000},
        OneChange{"incident: {p2_monitoring: {threshold_factor: 0.5}}",
                  "/incident/p2_threshold_factor", 0.5},
        OneChange{"incident: {key_rotation_time: 0s}", "/incident/key_rotation_time", 0},
        OneChange{"recovery: {restart_backoff_cap: 30s}", "/recovery/restart_backoff_cap",
                  30000000},
        OneChange{"recovery: {restart_limit: 1}", "/recovery/restart_limit", 1},
        OneChange{"recovery: {integrity_check_interval: 3h20m}",
                  "/recovery/integrity_check_interval", 12000000000},
        OneChange{"recovery: {verify_timeout: 0s}", "/recovery/verify_timeout", 0},
        OneChange{"gate: {alpha: 0.1}", "/gate/alpha", 0.1}));

// The gate's metric list replaces the defaults as a whole, in the file's
// order; a field left out takes its default (lower is better, except score).
TEST(ProceduresLoader, GateMetricsReplaceTheList) {
  const ctl::Procedures p = yaml_ok(
      "gate:\n  metrics:\n    writes_lost: {}\n    score: {tolerance: 2}\n"
      "    ttd_s: {tolerance: 1m30s, relative_tolerance: 0.5}\n");
  ASSERT_EQ(p.gate.metrics.size(), 3u);
  EXPECT_EQ(p.gate.metrics[0].name, "writes_lost");
  EXPECT_FALSE(p.gate.metrics[0].higher_is_better);
  EXPECT_EQ(p.gate.metrics[0].tolerance, 0.0);
  EXPECT_EQ(p.gate.metrics[1].name, "score");
  EXPECT_TRUE(p.gate.metrics[1].higher_is_better);
  EXPECT_EQ(p.gate.metrics[1].tolerance, 2.0);
  EXPECT_EQ(p.gate.metrics[2].name, "ttd_s");
  EXPECT_EQ(p.gate.metrics[2].tolerance, 90.0);
  EXPECT_EQ(p.gate.metrics[2].relative_tolerance, 0.5);
  EXPECT_TRUE(yaml_ok("gate: {metrics: {}}\n").gate.metrics.empty());
}

TEST(ProceduresLoader, AP1AboveTheDefaultP0IsAnErrorNamingBoth) {
  // The thresholds not written keep the seed's, and the order is checked
  // against them: a p1 of 10s is above the seed's p0 of 5s.
  EXPECT_EQ(yaml_problems("alerting: {thresholds: {latency_p95: {p1: 10s}}}\n"),
            "/virtual/p.yaml:1:43: alerting.thresholds.latency_p95.p1: p1 (10s) is above p0 (5s, "
            "the default); the thresholds of a signal must be ordered p0 >= p1 >= p2, P0 being "
            "the most severe\n");
  // Raising p0 with it is fine, and equal thresholds are allowed.
  const ctl::Procedures p = yaml_ok("alerting: {thresholds: {latency_p95: {p0: 10s, p1: 10s}}}\n");
  EXPECT_EQ(p.alerting.latency_p95_s.p0, 10.0);
  EXPECT_EQ(p.alerting.latency_p95_s.p1, 10.0);
  EXPECT_EQ(p.alerting.latency_p95_s.p2, 1.0);
}

TEST(ProceduresLoader, GradingPhasesReplaceTheSeedsAsAWhole) {
  const ctl::Procedures p =
      yaml_ok("startup:\n  grading:\n    - {fraction: 0.2, hold: 30s}\n    - {fraction: 1}\n");
  ASSERT_EQ(p.startup.grading.size(), 2u);
  EXPECT_EQ(p.startup.grading[0].fraction, 0.2);
  EXPECT_EQ(p.startup.grading[0].hold, 30 * ctl::kSecond);
  EXPECT_EQ(p.startup.grading[1].fraction, 1.0);
  EXPECT_EQ(p.startup.grading[1].hold, 0);  // hold defaults to 0s
  // One phase of all traffic opens it at once.
  EXPECT_EQ(yaml_ok("startup: {grading: [{fraction: 1}]}\n").startup.grading.size(), 1u);
}

TEST(ProceduresLoader, EachDelayDistributionTakesItsOwnParameters) {
  const ctl::Procedures fixed =
      yaml_ok("incident: {operator_delay: {distribution: fixed, value: 0s}}\n");
  EXPECT_EQ(fixed.incident.operator_delay.kind, ctl::DelayDistribution::Kind::kFixed);
  EXPECT_EQ(fixed.incident.operator_delay.median, 0);  // an operator who is always there
  const ctl::Procedures exp =
      yaml_ok("incident: {operator_delay: {distribution: exponential, mean: 3m}}\n");
  EXPECT_EQ(exp.incident.operator_delay.kind, ctl::DelayDistribution::Kind::kExponential);
  EXPECT_EQ(exp.incident.operator_delay.median, 3 * ctl::kMinute);
  EXPECT_NE(yaml_problems("incident: {operator_delay: {median: 0s}}\n")
                .find("incident.operator_delay.median: expected a duration > 0, got '0s'"),
            std::string::npos);
  EXPECT_NE(yaml_problems("incident: {operator_delay: {distribution: exponential, median: 3m}}\n")
                .find("field 'median' does not apply to the distribution 'exponential' (it "
                      "applies to lognormal; the exponential distribution takes mean)"),
            std::string::npos);
  // The default distribution is lognormal, and the message says so.
  EXPECT_NE(yaml_problems("incident: {operator_delay: {mean: 3m}}\n")
                .find("field 'mean' does not apply to the distribution 'lognormal, the default'"),
            std::string::npos);
}

TEST(ProceduresLoader, GradingLimitsComeFromTheP2ThresholdsWhenWired) {
  // The file has no grading limits: ctl::with_p2_limits takes them from the
  // alerting P2 thresholds, so that one change moves both.
  const ctl::Procedures p =
      yaml_ok("alerting: {thresholds: {latency_p95: {p2: 1500ms}, error_rate: {p2: 0.02}}}\n");
  const ctl::StartupProcedures wired = ctl::with_p2_limits(p.startup, p.alerting);
  EXPECT_EQ(wired.grading_max_latency_p95_s, 1.5);
  EXPECT_EQ(wired.grading_max_error_rate, 0.02);
  EXPECT_NE(yaml_problems("startup: {grading_max_latency_p95_s: 2}\n")
                .find("set alerting.thresholds.latency_p95.p2 instead"),
            std::string::npos);
}

TEST(ProceduresLoader, EveryProblemIsReportedInFileOrder) {
  const ProceduresLoad r = load_procedures((kBad / "many_problems.yaml").string());
  ASSERT_EQ(r.diagnostics.size(), 6u) << r.format();
  EXPECT_EQ(r.problems, 6u);
  for (size_t i = 1; i < r.diagnostics.size(); ++i) {
    const Diagnostic& a = r.diagnostics[i - 1];
    const Diagnostic& b = r.diagnostics[i];
    EXPECT_TRUE(a.line < b.line || (a.line == b.line && a.column <= b.column)) << r.format();
  }
}

TEST(ProceduresLoader, AFloodOfProblemsIsCapped) {
  std::string text = "alerting:\n";
  for (int i = 0; i < 300; ++i) text += "  unknown_" + std::to_string(i) + ": 1\n";
  const ProceduresLoad r = load_procedures_text(text, SourceFormat::kYaml, "flood.yaml");
  ASSERT_EQ(r.diagnostics.size(), kMaxDiagnostics + 1);
  EXPECT_EQ(r.diagnostics.back().message, "and 100 more problems");
  EXPECT_EQ(r.problems, 300u);
}

TEST(ProceduresLoader, MissingFile) {
  const ProceduresLoad r = load_procedures((kBad / "no-such-procedures.yaml").string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.format().find("no-such-procedures.yaml: cannot read the procedures file: no such "
                            "file"),
            std::string::npos)
      << r.format();
}

// Damaged input never crashes, throws or hangs, and gives the same answer
// twice: every prefix of the default file, and the file with bytes
// overwritten by characters that YAML and JSON care about.
TEST(ProceduresRobustness, DamagedDefaultsNeverCrash) {
  static constexpr char kJunk[] = "\"'{}[]:,-#&*!|>\t\n\\\xff\x00";
  const std::string junk(kJunk, sizeof kJunk - 1);  // the NUL included
  size_t loads = 0;
  for (const fs::path& file : {kDefault, kGood / "default.json", kGood / "changed.yaml"}) {
    const std::string text = slurp(file);
    const SourceFormat format = *format_for_path(file.string());
    const auto check = [&](const std::string& damaged) {
      const ProceduresLoad a = load_procedures_text(damaged, format, file.string());
      const ProceduresLoad b = load_procedures_text(damaged, format, file.string());
      EXPECT_EQ(a.ok(), a.diagnostics.empty());
      EXPECT_EQ(a.format(), b.format());
      if (a.ok()) {
        EXPECT_EQ(dump(*a.procedures), dump(*b.procedures));
      }
      ++loads;
    };
    for (size_t cut = 0; cut < text.size(); cut += 5) check(text.substr(0, cut));
    for (size_t at = 0; at < text.size(); at += 11) {
      std::string damaged = text;
      damaged[at] = junk[(at / 11) % junk.size()];
      check(damaged);
    }
  }
  EXPECT_GT(loads, 500u);
}

// --- the bad-input corpus ----------------------------------------------------------------

struct BadCase {
  const char* file;
  // One entry per diagnostic, in the order reported: the whole formatted
  // diagnostic, its path relative to tests/procedures/bad.
  std::vector<std::string> expected;
};

const BadCase kCases[] = {
    {"canary_steps_not_ending_at_one.yaml",
     {"canary_steps_not_ending_at_one.yaml:5:16: deployment.canary_steps[2].weight: the last "
      "canary step must be the promotion (weight 1), got 0.9; add a last step {weight: 1}"}},
    {"judge_metric_unknown.yaml",
     {"judge_metric_unknown.yaml:4:7: deployment.judge.metrics.latency_p99: unknown field "
      "'latency_p99'; did you mean 'latency_p95'?",
      "judge_metric_unknown.yaml:5:31: deployment.judge.metrics.error_rate.direction: unknown "
      "direction 'up' (one of: increase, decrease, either)"}},
    {"judge_scores_out_of_order.yaml",
     {"judge_scores_out_of_order.yaml:2:43: deployment.judge.marginal_score: marginal_score "
      "(80) is above pass_score (70); a score at or above pass_score passes, one at or above "
      "marginal_score is marginal"}},
    {"comments_only.yaml",
     {"comments_only.yaml: the file is empty; expected a mapping of procedures sections "
      "(alerting, startup, incident, deployment, recovery, score, detectors, resilience, maintenance, gate); write {} for the seed's procedures"}},
    {"detectors_gate_above_hard.yaml",
     {"detectors_gate_above_hard.yaml:2:11: detectors.z_gate: z_gate (5) must be below z_hard (4)",
      "detectors_gate_above_hard.yaml:4:9: detectors.mode: unknown detector mode 'neural' (one "
      "of: full, zscore, cusum, nearest_self, hybrid)"}},
    {"distribution_parameter_of_other.yaml",
     {"distribution_parameter_of_other.yaml:5:5: incident.operator_delay.sigma: field 'sigma' "
      "does not apply to the distribution 'fixed' (it applies to lognormal; the fixed "
      "distribution takes value)"}},
    {"distribution_unknown.yaml",
     {"distribution_unknown.yaml:2:34: incident.operator_delay.distribution: unknown "
      "distribution 'normal' (one of: fixed, exponential, lognormal)"}},
    {"duplicate_key.yaml",
     {"duplicate_key.yaml:4:3: alerting.window: duplicate key 'window' (first at line 2, column "
      "3); each key may appear once"}},
    {"duration_without_unit.json",
     {"duration_without_unit.json:1:32: startup.probe_interval: invalid duration '5': missing "
      "unit (expected e.g. 250ms, 1.5s, 5m, 2h, 1d, 1h30m)"}},
    {"duration_without_unit.yaml",
     {"duration_without_unit.yaml:2:11: alerting.window: expected a duration with a unit, such "
      "as \"30s\" or \"5m\", got the bare number 60; add a unit (us, ms, s, m, h, d)"}},
    {"empty.yaml",
     {"empty.yaml: the file is empty; expected a mapping of procedures sections (alerting, "
      "startup, incident, deployment, recovery, score, detectors, resilience, maintenance, gate); write {} for the seed's procedures"}},
    {"field_at_top_level.yaml",
     {"field_at_top_level.yaml:2:1: evaluation_interval: field 'evaluation_interval' belongs in "
      "the 'alerting' section, not at the top level"}},
    {"field_in_wrong_section.yaml",
     {"field_in_wrong_section.yaml:3:3: startup.window: field 'window' belongs in the 'alerting' "
      "section, not in 'startup'"}},
    {"gate_alpha_out_of_range.yaml",
     {"gate_alpha_out_of_range.yaml:1:15: gate.alpha: expected a number in (0, 0.5], got 0"}},
    {"gate_metric_fields.yaml",
     {"gate_metric_fields.yaml:4:42: gate.metrics.ttd_s.tolerance: expected a duration with a "
      "unit, such as \"30s\" or \"5m\", got the bare number 10; add a unit (us, ms, s, m, h, d)",
      "gate_metric_fields.yaml:5:30: gate.metrics.writes_lost.direction: unknown direction 'down' "
      "(one of: lower, higher)"}},
    {"gate_metric_unknown.yaml",
     {"gate_metric_unknown.yaml:3:5: gate.metrics.ttd: unknown field 'ttd'; did you mean "
      "'ttd_s'?"}},
    {"grading_empty.yaml",
     {"grading_empty.yaml:2:12: startup.grading: expected at least one grading phase, got an "
      "empty list (a single phase {fraction: 1} opens all traffic at once)"}},
    {"grading_limit_set.yaml",
     {"grading_limit_set.yaml:2:3: startup.grading_max_error_rate: field "
      "'grading_max_error_rate' cannot be set: grading holds the system to the alerting P2 "
      "threshold; set alerting.thresholds.error_rate.p2 instead"}},
    {"grading_not_ending_at_one.yaml",
     {"grading_not_ending_at_one.yaml:4:18: startup.grading[1].fraction: the last grading phase "
      "must admit all traffic (fraction 1), got 0.50; add a last phase {fraction: 1}"}},
    {"grading_not_increasing.yaml",
     {"grading_not_increasing.yaml:4:18: startup.grading[1].fraction: grading fractions must "
      "increase from phase to phase: 0.05 is not above 0.10 (startup.grading[0])"}},
    {"grading_phase_missing_fraction.yaml",
     {"grading_phase_missing_fraction.yaml:3:7: startup.grading[0]: missing required field "
      "'fraction' (the share of entry traffic admitted, in (0, 1])"}},
    {"health_retries_fractional.yaml",
     {"health_retries_fractional.yaml:2:19: startup.health_retries: expected an integer in [0, "
      "100], got 2.5"}},
    {"json_syntax_error.json",
     {"json_syntax_error.json:2:31: JSON syntax error while parsing object key - unexpected '}'; "
      "expected string literal"}},
    {"latency_threshold_without_unit.yaml",
     {"latency_threshold_without_unit.yaml:3:23: alerting.thresholds.latency_p95.p0: expected a "
      "duration with a unit, such as \"30s\" or \"5m\", got the bare number 5; add a unit (us, "
      "ms, s, m, h, d)"}},
    {"many_problems.yaml",
     {"many_problems.yaml:2:11: alerting.window: expected a duration > 0, got '0s'",
      "many_problems.yaml:4:31: alerting.thresholds.error_rate.p1: p1 (0.2) is above p0 (0.1); "
      "the thresholds of a signal must be ordered p0 >= p1 >= p2, P0 being the most severe",
      "many_problems.yaml:6:19: startup.health_retries: expected an integer in [0, 100], got -1",
      "many_problems.yaml:8:18: startup.grading[0].fraction: the last grading phase must admit "
      "all traffic (fraction 1), got 0.5; add a last phase {fraction: 1}",
      "many_problems.yaml:9:14: startup.on_breach: unknown breach action 'retry' (one of: halt, "
      "step_back)",
      "many_problems.yaml:11:21: incident.exfiltration_rps: expected a number >= 0, got the "
      "string \"a lot\""}},
    {"negative_duration.yaml",
     {"negative_duration.yaml:2:18: alerting.resolve_after: invalid duration '-2m': negative "
      "durations are not allowed (expected e.g. 250ms, 1.5s, 5m, 2h, 1d, 1h30m)"}},
    {"number_in_quotes.json",
     {"number_in_quotes.json:2:35: alerting.traffic_min_rps: expected a number >= 0, got the "
      "string \"1\" (remove the quotes)"}},
    {"on_breach_unknown.yaml",
     {"on_breach_unknown.yaml:2:14: startup.on_breach: unknown breach action 'stepback'; did you "
      "mean 'step_back'? (one of: halt, step_back)"}},
    {"p1_above_default_p0.yaml",
     {"p1_above_default_p0.yaml:5:11: alerting.thresholds.latency_p95.p1: p1 (10s) is above p0 "
      "(5s, the default); the thresholds of a signal must be ordered p0 >= p1 >= p2, P0 being "
      "the most severe"}},
    {"p1_above_p0.yaml",
     {"p1_above_p0.yaml:3:31: alerting.thresholds.latency_p95.p1: p1 (3s) is above p0 (2s); the "
      "thresholds of a signal must be ordered p0 >= p1 >= p2, P0 being the most severe"}},
    {"p2_above_p1.json",
     {"p2_above_p1.json:1:51: alerting.thresholds.error_rate.p2: p2 (0.2) is above p1 (0.05, the "
      "default); the thresholds of a signal must be ordered p0 >= p1 >= p2, P0 being the most "
      "severe"}},
    {"p2_factor_out_of_range.yaml",
     {"p2_factor_out_of_range.yaml:2:36: incident.p2_monitoring.interval_factor: expected a "
      "number in (0, 1], got 2",
      "p2_factor_out_of_range.yaml:2:57: incident.p2_monitoring.threshold_factor: expected a "
      "number in (0, 1], got 0"}},
    {"recovery_backoff_cap_below_base.yaml",
     {"recovery_backoff_cap_below_base.yaml:4:24: recovery.restart_backoff_cap: "
      "restart_backoff_cap (20s) is below restart_backoff_base (30s, the default); the backoff "
      "doubles from the base up to the cap, so the cap must be at least the base",
      "recovery_backoff_cap_below_base.yaml:5:18: recovery.restart_limit: expected an integer in "
      "[1, 1000], got 0",
      "recovery_backoff_cap_below_base.yaml:6:29: recovery.integrity_check_interval: expected a "
      "duration > 0, got '0s'"}},
    {"response_limits_out_of_order.yaml",
     {"response_limits_out_of_order.yaml:2:25: incident.response_limits.p0: p0 (20m) is longer "
      "than p1 (15m, the default); response limits must be ordered p0 <= p1 <= p2, the most "
      "severe incident being answered first"}},
    {"section_not_mapping.yaml",
     {"section_not_mapping.yaml:1:11: alerting: expected a mapping, got a list"}},
    {"section_null.yaml",
     {"section_null.yaml:1:1: alerting: expected a mapping of alerting fields, got an empty value "
      "(null); write {} or remove the section to keep the seed's values"}},
    {"threshold_not_fraction.yaml",
     {"threshold_not_fraction.yaml:3:22: alerting.thresholds.saturation.p0: expected a number in "
      "(0, 1], got 95"}},
    {"top_level_list.yaml",
     {"top_level_list.yaml:1:1: expected a mapping of procedures sections at the top level "
      "(alerting, startup, incident, deployment, recovery, score, detectors, resilience, maintenance, gate), got a list"}},
    {"two_documents.yaml",
     {"two_documents.yaml:3:1: the file holds 2 YAML documents; a procedures file holds exactly "
      "one (remove the '---')"}},
    {"unknown_extension.txt",
     {"unknown_extension.txt: unknown extension '.txt'; a procedures file ends in .yaml, .yml or "
      ".json, which decides its syntax"}},
    {"unknown_key_no_suggestion.yaml",
     {"unknown_key_no_suggestion.yaml:2:3: incident.pager: unknown field 'pager' (known fields: "
      "operator_delay, response_limits, safe_mode_exit_after, recovery_check_interval, "
      "p2_monitoring, deploy_blame_window, exfiltration_rps, key_rotation_time)"}},
    {"score_half_at_zero.yaml",
     {"score_half_at_zero.yaml:2:24: score.weights.detection: expected a number >= 0, got -1",
      "score_half_at_zero.yaml:2:28: score.weights.availabilty: unknown field 'availabilty'; did "
      "you mean 'availability'?",
      "score_half_at_zero.yaml:3:18: score.half_at.ttd: expected a duration > 0, got '0s'",
      "score_half_at_zero.yaml:3:35: score.half_at.writes_lost: expected a number > 0, got 0"}},
    {"score_weights_all_zero.yaml",
     {"score_weights_all_zero.yaml:4:5: score.weights: expected at least one weight > 0 (the "
      "score is their weighted mean), got all zero"}},
    {"unknown_key_typo.yaml",
     {"unknown_key_typo.yaml:2:3: alerting.evalution_interval: unknown field "
      "'evalution_interval'; did you mean 'evaluation_interval'?"}},
    {"unknown_section.yaml",
     {"unknown_section.yaml:1:1: alerts: unknown field 'alerts' (known fields: alerting, "
      "startup, incident, deployment, recovery, score, detectors, resilience, maintenance, gate)"}},
    {"yaml_syntax_error.yaml",
     {"yaml_syntax_error.yaml:4:8: YAML syntax error: end of map flow not found"}},
    {"yes_is_not_boolean.yaml",
     {"yes_is_not_boolean.yaml:2:16: alerting.per_service: expected true or false, got the "
      "string \"yes\" (yes/no/on/off are strings in YAML 1.2; write true or false)"}},
    {"profile_slot_not_dividing_a_day.yaml",
     {"profile_slot_not_dividing_a_day.yaml:2:17: maintenance.profile_slot: expected a duration "
      "that divides a day (15m, 1h, ...), got '7m'",
      "profile_slot_not_dividing_a_day.yaml:3:17: maintenance.profile_days: expected an integer "
      "in [1, 366], got 0"}},
    {"zero_interval.yaml",
     {"zero_interval.yaml:2:24: alerting.evaluation_interval: expected a duration > 0, got '0s'",
      "zero_interval.yaml:4:19: startup.probe_interval: expected a duration > 0, got '0ms'"}},
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.file; }

std::string test_name(const ::testing::TestParamInfo<BadCase>& info) {
  std::string name = info.param.file;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class ProceduresBadCorpus : public ::testing::TestWithParam<BadCase> {};

TEST_P(ProceduresBadCorpus, FailsWithTheListedProblems) {
  const BadCase& c = GetParam();
  const std::string path = (kBad / c.file).string();
  const ProceduresLoad result = load_procedures(path);
  ASSERT_FALSE(result.ok()) << c.file << " loaded, but it is in the bad corpus";
  ASSERT_FALSE(result.procedures.has_value());
  ASSERT_EQ(result.diagnostics.size(), c.expected.size()) << result.format();
  EXPECT_EQ(result.problems, c.expected.size());
  const std::string prefix = kBad.string() + "/";
  for (size_t i = 0; i < c.expected.size(); ++i) {
    EXPECT_EQ(result.diagnostics[i].file, path);
    EXPECT_EQ(result.diagnostics[i].format(), prefix + c.expected[i]);
  }
}

INSTANTIATE_TEST_SUITE_P(Files, ProceduresBadCorpus, ::testing::ValuesIn(kCases), test_name);

TEST(ProceduresBadCorpusTable, ListsEveryFileAndOnlyExistingFiles) {
  std::vector<std::string> on_disk;
  for (const fs::directory_entry& e : fs::directory_iterator(kBad)) {
    on_disk.push_back(e.path().filename().string());
  }
  std::vector<std::string> in_table;
  for (const BadCase& c : kCases) in_table.emplace_back(c.file);
  std::sort(on_disk.begin(), on_disk.end());
  std::sort(in_table.begin(), in_table.end());
  EXPECT_EQ(on_disk, in_table);
  EXPECT_GE(in_table.size(), 15u);
}

// --- scenarios that name a procedures file --------------------------------------------------

class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::path(::testing::TempDir()) / ("dreamsim_procedures_" + name)) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

 private:
  fs::path path_;
};

TEST(ScenarioProcedures, TheNamedFileIsLoadedWithTheScenario) {
  const TempDir dir("loaded");
  const fs::path procedures =
      dir.write("team/procedures.yaml", "alerting: {thresholds: {latency_p95: {p1: 3s}}}\n");
  const LoadResult r = load_scenario(
      dir.write("s.yaml", "duration: 1h\nservices: [{id: a}]\nprocedures: team/procedures.yaml\n")
          .string());
  ASSERT_TRUE(r.ok()) << r.format();
  ASSERT_TRUE(r.scenario->procedures_loaded.has_value());
  const ctl::Procedures& p = *r.scenario->procedures_loaded;
  EXPECT_EQ(fs::path(p.path), procedures);
  EXPECT_EQ(p.path, r.scenario->procedures);
  EXPECT_EQ(p.hash, sim::format_hash(sim::stable_hash(slurp(procedures))));
  EXPECT_EQ(p.alerting.latency_p95_s.p1, 3.0);
  // Without `procedures`, nothing is loaded: the built-in defaults apply.
  const LoadResult none =
      load_scenario_text("duration: 1h\nservices: [{id: a}]\n", SourceFormat::kYaml, "/v/s.yaml");
  ASSERT_TRUE(none.ok()) << none.format();
  EXPECT_FALSE(none.scenario->procedures_loaded.has_value());
}

TEST(ScenarioProcedures, TheDefaultFileCanBeNamed) {
  const LoadResult r = load_scenario_text(
      "duration: 1h\nservices: [{id: a}]\nprocedures: ../procedures/default.yaml\n",
      SourceFormat::kYaml, (kRoot / "scenarios" / "examples" / "virtual.yaml").string());
  ASSERT_TRUE(r.ok()) << r.format();
  ASSERT_TRUE(r.scenario->procedures_loaded.has_value());
  EXPECT_EQ(dump(*r.scenario->procedures_loaded), dump(ctl::Procedures{}));
}

TEST(ScenarioProcedures, TheFilesProblemsAreTheScenarios) {
  const TempDir dir("bad");
  dir.write("p.yaml", "alerting:\n  windw: 1m\nstartup: {on_breach: stop}\n");
  const fs::path scenario =
      dir.write("s.yaml", "duration: 1h\nservices: [{id: a, replicas: 0}]\nprocedures: p.yaml\n");
  const LoadResult r = load_scenario(scenario.string());
  ASSERT_FALSE(r.ok());
  const std::string d = dir.path().string() + "/";
  ASSERT_EQ(r.diagnostics.size(), 4u) << r.format();
  EXPECT_EQ(r.problems, 4u);
  // The scenario's own problems first, in file order, then the procedures
  // file's, each under its own name.
  EXPECT_EQ(
      r.format(),
      d + "s.yaml:2:30: services[0].replicas: expected an integer in [1, 100000], got 0\n" + d +
          "s.yaml:3:13: procedures: the procedures file 'p.yaml' has 2 problems, listed "
          "under its own name\n" +
          d + "p.yaml:2:3: alerting.windw: unknown field 'windw'; did you mean 'window'?\n" + d +
          "p.yaml:3:22: startup.on_breach: unknown breach action 'stop' (one of: halt, "
          "step_back)\n");
}

// --- the scenario's start-up mode ------------------------------------------------------------

TEST(ScenarioStartup, NoneUnlessTheFileSaysOtherwise) {
  const auto mode = [](const std::string& extra, SourceFormat format = SourceFormat::kYaml) {
    const std::string text = format == SourceFormat::kYaml
                                 ? "duration: 1h\nservices: [{id: a, core: true}]\n" + extra
                                 : extra;
    const LoadResult r = load_scenario_text(text, format, "/v/s");
    EXPECT_TRUE(r.ok()) << r.format();
    return r.ok() ? r.scenario->startup : StartupMode::kNone;
  };
  EXPECT_EQ(mode(""), StartupMode::kNone);
  EXPECT_EQ(mode("startup: none\n"), StartupMode::kNone);
  EXPECT_EQ(mode("startup: standard\n"), StartupMode::kStandard);
  EXPECT_EQ(mode("startup: minimal\n"), StartupMode::kMinimal);
  EXPECT_EQ(mode(R"({"duration": "1h", "services": [{"id": "a"}], "startup": "minimal"})",
                 SourceFormat::kJson),
            StartupMode::kMinimal);
  EXPECT_STREQ(to_string(StartupMode::kStandard), "standard");
}

// --- dreamsim validate on procedures files ------------------------------------------------------

using cli_test::CommandResult;
using cli_test::quoted;

CommandResult validate(const std::string& args) { return cli_test::run_dreamsim("validate " + args); }

TEST(ValidateProcedures, AGoodFileSaysItIsProceduresWithItsHash) {
  const fs::path json_file = kGood / "default.json";
  const CommandResult run = validate(quoted(kDefault) + " " + quoted(json_file));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.out, kDefault.string() + ": ok (procedures, hash " +
                         sim::format_hash(sim::stable_hash(slurp(kDefault))) + ")\n" +
                         json_file.string() + ": ok (procedures, hash " +
                         sim::format_hash(sim::stable_hash(slurp(json_file))) + ")\n");
}

TEST(ValidateProcedures, ScenariosAndProceduresTogether) {
  const fs::path scenario = kRoot / "scenarios" / "examples" / "shop-crash.yaml";
  const fs::path bad = kBad / "p1_above_p0.yaml";
  const CommandResult run = validate(quoted(scenario) + " " + quoted(bad) + " " + quoted(kDefault));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.out.find(scenario.string() + ": ok (5 services"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(kDefault.string() + ": ok (procedures, hash "), std::string::npos)
      << run.out;
  EXPECT_EQ(run.err, bad.string() +
                         ":3:31: alerting.thresholds.latency_p95.p1: p1 (3s) is above p0 (2s); "
                         "the thresholds of a signal must be ordered p0 >= p1 >= p2, P0 being the "
                         "most severe\n" +
                         bad.string() + ": 1 problem\n");
}

TEST(ValidateProcedures, AFileOfNeitherKindNamesTheKeysOfBoth) {
  const TempDir dir("neither");
  const fs::path file = dir.write("what.yaml", "servces: []\nowner: sre\n");
  const CommandResult run = validate(quoted(file));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err,
            file.string() +
                ":1:1: neither a scenario nor a procedures file: none of its top-level keys "
                "('servces', 'owner') is known to either; did you mean 'services' for "
                "'servces'? (a scenario has 'services' (and name, description, seed, duration, "
                "tick, environment, data_stores, agents, load, noise, faults, procedures, "
                "startup, expectations, deployments); a procedures file has only the sections alerting, "
                "startup, incident, deployment, recovery, score, detectors, resilience, maintenance, gate)\n" +
                file.string() + ": 1 problem\n");
  // A scenario field without services is a scenario that lacks them; a
  // section with an unknown key is procedures with an unknown key.
  const fs::path scenario = dir.write("s.yaml", "duration: 1h\n");
  EXPECT_NE(validate(quoted(scenario)).err.find("missing required field 'services'"),
            std::string::npos);
  const fs::path procedures = dir.write("p.yaml", "alerting: {}\nincidents: {}\n");
  EXPECT_NE(validate(quoted(procedures))
                .err.find("unknown field 'incidents'; did you mean "
                          "'incident'?"),
            std::string::npos);
  const fs::path list = dir.write("l.json", "[1, 2]");
  EXPECT_NE(
      validate(quoted(list))
          .err.find("l.json:1:1: expected a mapping at the top level, got a list: a scenario has"),
      std::string::npos);
  const fs::path empty = dir.write("e.yaml", "# nothing\n");
  EXPECT_NE(validate(quoted(empty))
                .err.find("e.yaml: the file is empty; expected a scenario or a procedures mapping"),
            std::string::npos);
}

TEST(ValidateProcedures, AScenarioSummaryNamesItsProceduresAndStartUp) {
  const TempDir dir("summary");
  dir.write("p.yaml", "{}\n");
  const fs::path scenario = dir.write(
      "s.yaml", "duration: 1h\nservices: [{id: a}]\nprocedures: p.yaml\nstartup: standard\n");
  const CommandResult run = validate(quoted(scenario));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("; start-up standard; procedures hash " +
                         sim::format_hash(sim::stable_hash("{}\n")) + ")\n"),
            std::string::npos)
      << run.out;
}

}  // namespace
}  // namespace dreamsim::model
