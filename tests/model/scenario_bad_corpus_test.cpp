// The bad-input corpus: every file under tests/scenarios/bad is loaded and must
// fail with exactly the problems listed here, each asserted as a substring of
// the formatted diagnostic (file:line:col: field.path: message). A new bad
// file without a row here fails the test, so the corpus and the table cannot
// drift apart.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "model/scenario_loader.hpp"

namespace dreamsim::model {
namespace {

namespace fs = std::filesystem;

const fs::path kBadDir = fs::path(DREAMSIM_SOURCE_DIR) / "tests" / "scenarios" / "bad";

struct BadCase {
  const char* file;
  // One entry per diagnostic, in the order reported: substrings of that
  // diagnostic's format(). Most have one; a message that quotes an absolute
  // path (which depends on the machine) is asserted on both sides of it.
  std::vector<std::vector<std::string>> expected;
};

const BadCase kCases[] = {
    {"deployment_bad_fields.yaml",
     {{"deployment_bad_fields.yaml:7:14: deployments[0].service: unknown service 'apí'; did you "
       "mean 'api'?"},
      {"deployment_bad_fields.yaml:9:9: deployments[0].at: the deployment starts at 2h, not before "
       "the end of the run (1h)"},
      {"deployment_bad_fields.yaml:13:15: deployments[1].strategy: unknown strategy 'blue_green' "
       "(one of: canary, standard)"},
      {"deployment_bad_fields.yaml:14:21: deployments[1].latency_factor: expected a number in (0, "
       "1000], got 0"},
      {"deployment_bad_fields.yaml:15:19: deployments[1].tests_passed: expected true or false"},
      {"deployment_bad_fields.yaml:16:5: deployments[1].weight: a deployment has no 'weight': the "
       "procedures' deployment.canary_steps set the canary's weights"}}},
    {"deployment_twice_for_service.yaml",
     {{"deployment_twice_for_service.yaml:11:15: deployments[1].service: 'api' already has a "
       "deployment (deployments[0]); a scenario deploys one new version per service"},
      {"deployment_twice_for_service.yaml:12:15: deployments[2].service: 'db' also has a "
       "bad_deploy fault (faults[0]); a service gets either a controlled deployment or an "
       "uncontrolled bad_deploy, not both"}}},
    {"alias_bomb.yaml",
     {{"alias_bomb.yaml:8:5: the document has more than 2000000 values (are YAML aliases expanding "
       "without end?)"}}},
    {"already_down.yaml",
     {{"already_down.yaml:11:5: faults[1]: the latency cannot take effect: 'api' is already down "
       "from 10m to the end of the run (faults[0], crash)"}}},
    {"agent_compromise_no_effect.yaml",
     {{"agent_compromise_no_effect.yaml:12:5: faults[0]: the agent_compromise has no effect: give "
       "exfil_rps (records read out per second), calls (what the agent calls while compromised), "
       "or both"},
      {"agent_compromise_no_effect.yaml:18:12: faults[1].calls: the agent_compromise has no "
       "effect: these are the calls 'bot' already makes"},
      {"agent_compromise_no_effect.yaml:22:5: faults[2].calls: field 'calls' does not apply to "
       "fault kind 'key_compromise' (it applies to agent_compromise)"}}},
    {"bad_deploy_no_effect.yaml",
     {{"bad_deploy_no_effect.yaml:8:5: faults[0]: the bad_deploy has no effect: give at least one "
       "of latency_add, latency_factor (> 1) or error_rate (> 0)"}}},
    {"bad_service_id.yaml",
     {{"bad_service_id.yaml:3:9: services[0].id: expected an id of at most 64 letters, digits, "
       "'-', '_' and '.', starting with a letter or digit, got the string \"my api\""}}},
    {"bare_number_duration.yaml",
     {{"bare_number_duration.yaml:1:11: duration: expected a duration with a unit, such as \"30s\" "
       "or \"5m\", got the bare number 3600; add a unit (us, ms, s, m, h, d)"}}},
    {"calls_per_request_zero.yaml",
     {{"calls_per_request_zero.yaml:6:42: services[1].depends_on[0].calls_per_request: expected a "
       "number in (0, 1000], got 0"}}},
    {"comments_only.yaml",
     {{"comments_only.yaml: the file is empty; expected a scenario mapping"}}},
    {"config_error_no_database.yaml",
     {{"config_error_no_database.yaml:9:12: faults[0].check: the config_error cannot take effect: "
       "'api' depends on no database, so its database check cannot fail"}}},
    {"config_error_setting_not_required.yaml",
     {{"config_error_setting_not_required.yaml:10:14: faults[0].setting: the config_error cannot "
       "take effect: 'api' does not require 'TOKEN' (its requires_env: DB_URL)"}}},
    {"crash_too_many_replicas.yaml",
     {{"crash_too_many_replicas.yaml:9:15: faults[0].replicas: the crash cannot take effect: it "
       "takes 5 replicas, and 'api' has only 3"}}},
    {"cycle.yaml",
     {{"cycle.yaml:6:18: services[1].depends_on[0]: cycle: api -> auth -> db -> api; a service "
       "cannot wait for itself to start"}}},
    {"data_corruption_unknown_store.yaml",
     {{"data_corruption_unknown_store.yaml:12:13: faults[0].target: unknown data store 'order'; "
       "did you mean 'orders'? (known data stores: orders)"}}},
    {"data_store_not_database.yaml",
     {{"data_store_not_database.yaml:9:14: data_stores[0].service: expected a service of kind "
       "database, got 'api' of kind service"}}},
    {"deep_nesting.json",
     {{"deep_nesting.json:1:128: values are nested more than 64 levels deep"}}},
    {"dependency_listed_twice.yaml",
     {{"dependency_listed_twice.yaml:5:32: services[1].depends_on[1].service: 'db' is already "
       "listed at services[1].depends_on[0]; list each dependency once (use calls_per_request for "
       "several calls)"}}},
    {"dependency_outage_no_dependents.yaml",
     {{"dependency_outage_no_dependents.yaml:9:13: faults[0].target: the dependency_outage cannot "
       "take effect: nothing depends on 'api' (no service lists it in depends_on, no agent calls "
       "it)"}}},
    {"depends_on_not_list.yaml",
     {{"depends_on_not_list.yaml:5:17: services[1].depends_on: expected a list, got the string "
       "\"db\" (write a list: [db])"}}},
    {"diurnal_trough_above_peak.yaml",
     {{"diurnal_trough_above_peak.yaml:11:17: load[0].trough_rps: trough_rps (300) must not exceed "
       "peak_rps (100)"}}},
    {"duplicate_key.json",
     {{"duplicate_key.json:4:3: duration: duplicate key 'duration' (first at line 2, column 3); "
       "each key may appear once"}}},
    {"duplicate_key.yaml",
     {{"duplicate_key.yaml:6:5: services[0].replicas: duplicate key 'replicas' (first at line 4, "
       "column 5); each key may appear once"}}},
    {"duplicate_service_id.yaml",
     {{"duplicate_service_id.yaml:5:9: services[2].id: duplicate service id 'api' (first declared "
       "at services[0])"}}},
    {"duration_without_unit.json",
     {{"duration_without_unit.json:1:58: services[0].timeout: invalid duration '500': missing unit "
       "(expected e.g. 250ms, 1.5s, 5m, 2h, 1d, 1h30m)"}}},
    {"empty.yaml", {{"empty.yaml: the file is empty; expected a scenario mapping"}}},
    {"empty_services.yaml",
     {{"empty_services.yaml:2:11: services: expected at least one service, got an empty list"}}},
    {"expectation_not_a_mapping.yaml",
     {{"expectation_not_a_mapping.yaml:5:5: expectations[0]: expected a mapping led by one of "
       "alert, no_alert, action, no_action, metrics, always, eventually, reachable (e.g. '- "
       "alert: P1' or '- metrics: {writes_lost: 0}'), got the string \"P1 alert on api within "
       "2m\""},
      {"expectation_not_a_mapping.yaml:6:5: expectations[1]: one expectation per list item: this "
       "one has both 'alert' and 'no_alert' (start another item with '- ')"}}},
    {"expectation_unknown_names.yaml",
     {{"expectation_unknown_names.yaml:11:13: expectations[0].signal: unknown alert signal "
       "'latency_p59'; did you mean 'latency_p95'?"},
      {"expectation_unknown_names.yaml:12:14: expectations[0].service: unknown service or agent "
       "'apii'; did you mean 'api'? (known: db, api, system)"},
      {"expectation_unknown_names.yaml:13:13: expectations[1].action: unknown action kind "
       "'rolback'; did you mean 'rollback'?"},
      {"expectation_unknown_names.yaml:14:15: expectations[2].metrics.writes_lots: unknown field "
       "'writes_lots'; did you mean 'writes_lost'?"},
      {"expectation_unknown_names.yaml:14:38: expectations[2].metrics.ttr_s: expected a number, "
       "or a comparison such as '<= 1800' (==, !=, <, <=, >, >=), got 'soon'"},
      {"expectation_unknown_names.yaml:15:13: expectations[3].always: unknown invariant "
       "'nothing_bad' (one of: no_request_served_under_kill_switch, "
       "no_record_leaves_after_quarantine, no_write_lost_under_write_drain)"},
      {"expectation_unknown_names.yaml:16:17: expectations[4].eventually: unknown condition "
       "'all_healthy'"},
      {"expectation_unknown_names.yaml:18:20: expectations[5].after.fault: no fault of this "
       "scenario is bad_deploy (its faults: crash on api)"},
      {"expectation_unknown_names.yaml:19:5: expectations[6]: an expectation is led by one of "
       "alert, no_alert, action, no_action, metrics, always, eventually, reachable, and this one "
       "has none"}}},
    {"expectations_not_list.yaml",
     {{"expectations_not_list.yaml:8:3: expectations: expected a list of expectations, got a "
       "mapping"}}},
    {"fault_after_end.yaml",
     {{"fault_after_end.yaml:10:9: faults[0].at: the fault starts at 2h, not before the end of the "
       "run (1h), so it can never take effect"}}},
    {"fault_duration_and_end.yaml",
     {{"fault_duration_and_end.yaml:12:10: faults[0].end: give either 'duration' or 'end', not "
       "both (end = at + duration)"}}},
    {"fault_end_before_start.yaml",
     {{"fault_end_before_start.yaml:11:10: faults[0].end: the fault ends at 10m, which is not "
       "after its start (30m)"}}},
    {"fault_missing_at.json",
     {{"fault_missing_at.json:2:13: faults[0]: missing required field 'at' (when the fault starts, "
       "e.g. \"10m\")"}}},
    {"fault_missing_target.yaml",
     {{"fault_missing_target.yaml:8:5: faults[0]: missing required field 'target' (a hang fault "
       "needs a service id)"}}},
    {"fault_parameter_of_other_kind.yaml",
     {{"fault_parameter_of_other_kind.yaml:12:5: faults[0].replicas: field 'replicas' does not "
       "apply to fault kind 'latency' (it applies to crash)"}}},
    {"fault_unknown_target.yaml",
     {{"fault_unknown_target.yaml:9:13: faults[0].target: unknown service 'apii'; did you mean "
       "'api'? (known services: db, api)"}}},
    {"fraction_out_of_range.yaml",
     {{"fraction_out_of_range.yaml:11:17: faults[0].error_rate: expected a number in (0, 1], got "
       "1.5"}}},
    {"full_outage_with_target.yaml",
     {{"full_outage_with_target.yaml:9:13: faults[0].target: a full_outage takes no target; it "
       "brings down every service"}}},
    {"huge_integer.yaml",
     {{"huge_integer.yaml:4:15: services[0].replicas: expected an integer in [1, 100000], got "
       "123456789012345678901234567890, which is out of range"}}},
    {"huge_number.json", {{"huge_number.json:3:46: JSON number '1e999' is out of range"}}},
    {"huge_number.yaml",
     {{"huge_number.yaml:4:19: services[0].capacity_rps: expected a number > 0, got 1e999, which "
       "is out of range"}}},
    {"json_semantic_error_position.json",
     {{"json_semantic_error_position.json:5:31: services[1].replicas: expected an integer in [1, "
       "100000], got -2"}}},
    {"json_syntax_error.json",
     {{"json_syntax_error.json:5:3: JSON syntax error while parsing value - unexpected ']'; "
       "expected '[', '{', or a literal"}}},
    {"key_compromise_unknown_key.yaml",
     {{"key_compromise_unknown_key.yaml:13:13: faults[0].target: unknown key 'key-bto'; did you "
       "mean 'key-bot'? (keys held by agents: key-bot)"}}},
    {"load_field_of_other_profile.yaml",
     {{"load_field_of_other_profile.yaml:11:5: load[0].peak_rps: field 'peak_rps' does not apply "
       "to profile 'constant' (it applies to diurnal)"}}},
    {"load_profile_unknown.yaml",
     {{"load_profile_unknown.yaml:9:14: load[0].profile: unknown load profile 'sine'; did you mean "
       "'spike'? (one of: constant, diurnal, step, ramp, spike, series)"}}},
    {"load_twice_for_service.yaml",
     {{"load_twice_for_service.yaml:9:15: load[1].service: 'api' already has an entry load at "
       "load[0]; give each service one entry"}}},
    {"many_problems.yaml",
     {{"many_problems.yaml:1:7: seed: expected an integer in [0, 18446744073709551615], got the "
       "string \"twelve\""},
      {"many_problems.yaml:3:7: tick: expected a duration > 0, got '0s'"},
      {"many_problems.yaml:6:15: services[0].replicas: expected an integer in [1, 100000], got 0"},
      {"many_problems.yaml:7:14: services[0].timeout: expected a duration with a unit, such as "
       "\"30s\" or \"5m\", got the bare number 5; add a unit (us, ms, s, m, h, d)"},
      {"many_problems.yaml:8:18: services[0].depends_on[0]: unknown service 'dbb' (known services: "
       "api)"},
      {"many_problems.yaml:9:9: services[1].id: duplicate service id 'api' (first declared at "
       "services[0])"},
      {"many_problems.yaml:10:11: services[1].kind: unknown service kind 'cache' (one of: service, "
       "database, queue)"},
      {"many_problems.yaml:13:13: faults[0].target: unknown service 'nobody' (known services: "
       "api)"},
      {"many_problems.yaml:14:9: faults[0].at: the fault starts at 3h, not before the end of the "
       "run (2h), so it can never take effect"}}},
    {"memory_base_over_limit.yaml",
     {{"memory_base_over_limit.yaml:5:22: services[0].memory_limit_mb: memory_base_mb (2048) must "
       "be below memory_limit_mb (1024), or the service starts out of memory"}}},
    {"missing_duration.json",
     {{"missing_duration.json:1:1: missing required field 'duration' (how long the run lasts, e.g. "
       "\"2h\")"}}},
    {"missing_services.yaml",
     {{"missing_services.yaml:1:1: missing required field 'services' (at least one service)"}}},
    {"negative_duration.yaml",
     {{"negative_duration.yaml:4:19: services[0].startup_time: invalid duration '-5s': negative "
       "durations are not allowed (expected e.g. 250ms, 1.5s, 5m, 2h, 1d, 1h30m)"}}},
    {"negative_rate.yaml",
     {{"negative_rate.yaml:10:15: load[0].rate_rps: expected a number >= 0, got -10"}}},
    {"noise_out_of_range.yaml",
     {{"noise_out_of_range.yaml:8:7: noise.cv: expected a number >= 0, got -0.1"},
      {"noise_out_of_range.yaml:9:20: noise.autocorrelation: expected a number in [0, 1), got 1"}}},
    {"non_utf8.yaml", {{"non_utf8.yaml:3:12: invalid UTF-8 (byte 0xE9); expected UTF-8 text"}}},
    {"nul_byte.json", {{"nul_byte.json:1:19: the file contains a NUL byte; expected UTF-8 text"}}},
    {"partition_cuts_nothing.yaml",
     {{"partition_cuts_nothing.yaml:10:13: faults[0].groups: the partition cannot take effect: no "
       "service in one group depends on a service in another"}}},
    {"partition_one_group.yaml",
     {{"partition_one_group.yaml:10:13: faults[0].groups: expected at least two groups of "
       "services, got 1"}}},
    {"partition_overlapping_groups.yaml",
     {{"partition_overlapping_groups.yaml:10:26: faults[0].groups[1][0]: 'db' is already in group "
       "0; the groups must not overlap"}}},
    {"procedures_missing.yaml",
     {{"procedures_missing.yaml:7:13: procedures: the procedures file '../procedures/none.yaml' "
       "does not exist",
       "tests/scenarios/procedures/none.yaml); paths are relative to the scenario file"}}},
    {"replicas_fractional.json",
     {{"replicas_fractional.json:1:59: services[0].replicas: expected an integer in [1, 100000], "
       "got 2.5"}}},
    {"replicas_not_integer.yaml",
     {{"replicas_not_integer.yaml:4:15: services[0].replicas: expected an integer in [1, 100000], "
       "got the string \"three\""}}},
    {"replicas_zero.yaml",
     {{"replicas_zero.yaml:5:15: services[1].replicas: expected an integer in [1, 100000], got "
       "0"}}},
    {"requires_env_not_present.yaml",
     {{"requires_env_not_present.yaml:5:28: services[0].requires_env[1]: setting 'DB_URI' is not "
       "in environment; did you mean 'DB_URL'? (settings present: DB_URL). Add it to environment, "
       "or use a config_error fault to simulate a missing setting"},
      {"requires_env_not_present.yaml:5:36: services[0].requires_env[2]: setting 'QUEUE_URL' is "
       "not in environment (settings present: DB_URL). Add it to environment, or use a "
       "config_error fault to simulate a missing setting"}}},
    {"retry_budget_out_of_range.yaml",
     {{"retry_budget_out_of_range.yaml:4:33: services[0].retries.budget: expected a number in [0, "
       "1], got 2"}}},
    {"seed_negative.yaml",
     {{"seed_negative.yaml:1:7: seed: expected an integer in [0, 18446744073709551615], got -1"}}},
    {"seed_too_large.json",
     {{"seed_too_large.json:1:10: seed: expected an integer in [0, 18446744073709551615], got "
       "18446744073709551616"}}},
    {"self_dependency.yaml",
     {{"self_dependency.yaml:4:18: services[0].depends_on[0]: cycle: api -> api; a service cannot "
       "wait for itself to start"}}},
    {"series_bad_header.yaml",
     {{"series_bad_header.csv:1: load[0].file: expected the header 't_s,rate_rps', got "
       "'time,rps'"}}},
    {"series_bad_rows.yaml",
     {{"series_bad_rows.csv:3: load[0].file: expected rate_rps as a number >= 0, got 'abc'"},
      {"series_bad_rows.csv:4: load[0].file: expected t_s as seconds >= 0 (e.g. 0, 60, 0.5; at "
       "most 6 decimals), got '-5'"},
      {"series_bad_rows.csv:6: load[0].file: t_s must increase from row to row: 90 is not after "
       "120 (line 5)"},
      {"series_bad_rows.csv:7: load[0].file: expected two fields 't_s,rate_rps', got '180'"}}},
    {"series_missing_file.yaml",
     {{"series_missing_file.yaml:10:11: load[0].file: cannot read the load series "
       "'no-such-series.csv'",
       "bad/no-such-series.csv): no such file; paths are relative to the scenario file"}}},
    {"tick_longer_than_run.yaml",
     {{"tick_longer_than_run.yaml:2:7: tick: the tick (1m) is longer than the run (10s)"}}},
    {"tick_not_dividing.yaml",
     {{"tick_not_dividing.yaml:2:7: tick: the duration (1h) must be a whole number of ticks "
       "(7s)"}}},
    {"top_level_list.yaml",
     {{"top_level_list.yaml:1:1: expected a mapping of scenario fields at the top level (seed, "
       "duration, services, ...), got a list"}}},
    {"top_level_scalar.json",
     {{"top_level_scalar.json:1:1: expected a mapping of scenario fields at the top level (seed, "
       "duration, services, ...), got the string \"just a string\""}}},
    {"traffic_drop_without_load.yaml",
     {{"traffic_drop_without_load.yaml:13:13: faults[0].target: the traffic_drop cannot take "
       "effect: 'db' has no entry load (services with entry load: api; or \"*\" for all)"}}},
    {"two_cycles.json",
     {{"two_cycles.json:4:32: services[0].depends_on[0]: cycle: a -> b -> a; a service cannot wait "
       "for itself to start"},
      {"two_cycles.json:6:32: services[2].depends_on[0]: cycle: c -> d -> c; a service cannot wait "
       "for itself to start"}}},
    {"two_documents.yaml",
     {{"two_documents.yaml:8:1: the file holds 2 YAML documents; a scenario file holds exactly one "
       "(remove the '---')"}}},
    {"unknown_dependency.yaml",
     {{"unknown_dependency.yaml:5:18: services[1].depends_on[0]: unknown service 'paymnts'; did "
       "you mean 'payments'? (known services: payments, api)"}}},
    {"unknown_extension.txt",
     {{"unknown_extension.txt: unknown extension '.txt'; a scenario file ends in .yaml, .yml or "
       ".json, which decides its syntax"}}},
    {"unknown_fault_kind.yaml",
     {{"unknown_fault_kind.yaml:8:11: faults[0].kind: unknown fault kind 'crashh'; did you mean "
       "'crash'? (one of: crash, hang, readiness_failure, latency, errors, bad_deploy, "
       "dependency_outage, memory_leak, cpu_hog, traffic_drop, traffic_surge, partition, "
       "data_corruption, agent_compromise, key_compromise, full_outage, config_error)"}}},
    {"unknown_field_no_suggestion.yaml",
     {{"unknown_field_no_suggestion.yaml:4:5: services[0].owner: unknown field 'owner' (known "
       "fields: id, kind, replicas, capacity_rps, service_time, service_time_cv, "
       "cpu_per_request_ms, cpu_cores, memory_base_mb, memory_per_inflight_mb, memory_limit_mb, "
       "timeout, retries, depends_on, core, module, startup_time, liveness_ok, readiness_ok, "
       "requires_env)"}}},
    {"unknown_field_typo.yaml",
     {{"unknown_field_typo.yaml:4:5: services[0].replcias: unknown field 'replcias'; did you mean "
       "'replicas'?"}}},
    {"unknown_top_field.yaml",
     {{"unknown_top_field.yaml:7:1: faultz: unknown field 'faultz'; did you mean 'faults'?"}}},
    {"utf16.yaml",
     {{"utf16.yaml:1:1: invalid UTF-8 (byte 0xFF); expected UTF-8 text (the file looks like "
       "UTF-16; save it as UTF-8)"}}},
    {"wrong_type_mapping.yaml",
     {{"wrong_type_mapping.yaml:4:14: services[0].retries: expected a mapping, got 3"}}},
    {"yaml_syntax_error.yaml",
     {{"yaml_syntax_error.yaml:5:7: YAML syntax error: end of sequence flow not found"}}},
    {"yes_is_not_boolean.yaml",
     {{"yes_is_not_boolean.yaml:4:11: services[0].core: expected true or false, got the string "
       "\"yes\" (yes/no/on/off are strings in YAML 1.2; write true or false)"}}},
    {"service_not_mapping.yaml",
     {{"service_not_mapping.yaml:3:5: services[0]: expected a mapping with at least an id, got the "
       "string \"api\" (write: - id: api)"}}},
    {"merge_key_not_mapping.yaml",
     {{"merge_key_not_mapping.yaml:4:9: a merge key '<<' takes a mapping or a list of mappings, "
       "got 3"}}},
    {"environment_not_list.yaml",
     {{"environment_not_list.yaml:2:14: environment: expected a list, got the string \"DB_URL\" "
       "(write a list: [DB_URL])"}}},
    {"target_of_wrong_kind.yaml",
     {{"target_of_wrong_kind.yaml:6:27: faults[0].target: unknown service 'orders'; 'orders' is a "
       "data store (known services: db)"},
      {"target_of_wrong_kind.yaml:7:37: faults[1].target: unknown data store 'db'; 'db' is a "
       "service (known data stores: orders)"},
      {"target_of_wrong_kind.yaml:8:36: faults[2].target: unknown key 'bot'; 'bot' is an agent "
       "(keys held by agents: k)"}}},
    {"top_level_service_field.yaml",
     {{"top_level_service_field.yaml:4:1: replicas: unknown field 'replicas' at the top level; it "
       "is a field of a service (under services): check the indentation"},
      {"top_level_service_field.yaml:5:1: version: unknown field 'version' at the top level; it is "
       "a field of a fault (under faults): check the indentation"}}},
    {"startup_unknown_mode.yaml",
     {{"startup_unknown_mode.yaml:6:10: startup: unknown startup mode 'minmal'; did you mean "
       "'minimal'? (one of: none, standard, minimal)"}}},
    {"startup_not_string.json",
     {{"startup_not_string.json:4:14: startup: expected a startup mode (one of: none, standard, "
       "minimal), got the boolean true"}}},
    {"procedures_invalid.yaml",
     {{"procedures_invalid.yaml:6:13: procedures: the procedures file "
       "'../../procedures/bad/p1_above_p0.yaml' has 1 problem, listed under its own name"},
      {"tests/procedures/bad/p1_above_p0.yaml:3:31: alerting.thresholds.latency_p95.p1: p1 (3s) "
       "is above p0 (2s); the thresholds of a signal must be ordered p0 >= p1 >= p2, P0 being "
       "the most severe"}}},
};

// gtest prints a parameter as its name rather than as raw bytes.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.file; }

std::string test_name(const ::testing::TestParamInfo<BadCase>& info) {
  std::string name = info.param.file;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class BadCorpus : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadCorpus, FailsWithTheListedProblems) {
  const BadCase& c = GetParam();
  const LoadResult result = load_scenario((kBadDir / c.file).string());
  ASSERT_FALSE(result.ok()) << c.file << " loaded, but it is in the bad corpus";
  ASSERT_FALSE(result.scenario.has_value());
  std::vector<std::string> formatted;
  for (const Diagnostic& d : result.diagnostics) {
    EXPECT_FALSE(d.message.empty());
    formatted.push_back(d.format());
  }
  ASSERT_EQ(formatted.size(), c.expected.size()) << result.format();
  for (size_t i = 0; i < c.expected.size(); ++i) {
    for (const std::string& part : c.expected[i]) {
      EXPECT_NE(formatted[i].find(part), std::string::npos)
          << "expected to contain: " << part << "\n                got: " << formatted[i];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Files, BadCorpus, ::testing::ValuesIn(kCases), test_name);

TEST(BadCorpusTable, ListsEveryFileAndOnlyExistingFiles) {
  std::vector<std::string> on_disk;
  for (const fs::directory_entry& e : fs::directory_iterator(kBadDir)) {
    // CSV files are load series that the bad scenarios name.
    if (e.path().extension() != ".csv") on_disk.push_back(e.path().filename().string());
  }
  std::vector<std::string> in_table;
  for (const BadCase& c : kCases) in_table.emplace_back(c.file);
  std::sort(on_disk.begin(), on_disk.end());
  std::sort(in_table.begin(), in_table.end());
  EXPECT_EQ(on_disk, in_table);
  EXPECT_GE(in_table.size(), 25u);
}

}  // namespace
}  // namespace dreamsim::model
