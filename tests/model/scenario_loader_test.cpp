// The scenario loader on good input: the example scenarios load with the
// values they say, documented defaults are applied, YAML and JSON give the
// same Scenario, faults are sorted, load series are read; and on bad input
// that is easier to build in a test than to keep as a corpus file.
#include "model/scenario_loader.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dreamsim::model {
namespace {

namespace fs = std::filesystem;
using sim::Duration;
using sim::Time;

const fs::path kRoot = fs::path(DREAMSIM_SOURCE_DIR);
const fs::path kExamples = kRoot / "scenarios" / "examples";
const fs::path kGood = kRoot / "tests" / "scenarios" / "good";

Scenario load_ok(const fs::path& path) {
  LoadResult r = load_scenario(path.string());
  EXPECT_TRUE(r.ok()) << r.format();
  return r.ok() ? *r.scenario : Scenario{};
}

Scenario load_yaml_ok(const std::string& text, const std::string& path = "/virtual/test.yaml") {
  LoadResult r = load_scenario_text(text, SourceFormat::kYaml, path);
  EXPECT_TRUE(r.ok()) << r.format();
  return r.ok() ? *r.scenario : Scenario{};
}

// Every diagnostic of a text that must fail, formatted, one per line.
std::string problems(const std::string& text, SourceFormat format = SourceFormat::kYaml,
                     const std::string& path = "/virtual/test.yaml") {
  LoadResult r = load_scenario_text(text, format, path);
  EXPECT_FALSE(r.ok()) << "expected problems in:\n" << text;
  return r.format();
}

// Every field of a Scenario except its path, as JSON: the canonical form that
// two loads are compared by.
nlohmann::json dump(const Scenario& s) {
  using nlohmann::json;
  json out;
  out["name"] = s.name;
  out["description"] = s.description;
  out["seed"] = s.seed;
  out["duration"] = s.duration.us();
  out["tick"] = s.tick.us();
  out["environment"] = s.environment;
  out["noise"] = {s.noise.cv, s.noise.autocorrelation};
  for (const Service& v : s.services) {
    json deps = json::array();
    for (const DependencyEdge& e : v.depends_on) deps.push_back({e.service, e.calls_per_request});
    out["services"].push_back({v.id,
                               to_string(v.kind),
                               v.replicas,
                               v.capacity_rps,
                               v.service_time.us(),
                               v.service_time_cv,
                               v.cpu_per_request_ms,
                               v.cpu_cores,
                               v.memory_base_mb,
                               v.memory_per_inflight_mb,
                               v.memory_limit_mb,
                               v.timeout.us(),
                               v.retries.count,
                               v.retries.backoff.us(),
                               v.retries.budget,
                               deps,
                               v.core,
                               v.module,
                               v.startup_time.us(),
                               v.liveness_ok,
                               v.readiness_ok,
                               v.requires_env});
  }
  for (const DataStore& d : s.data_stores) {
    json backup = nullptr;
    if (d.backup) backup = {d.backup->every.us(), d.backup->offset.us()};
    out["data_stores"].push_back(
        {d.id, d.service, d.write_rate, d.flush_interval.us(), backup, d.records});
  }
  for (const Agent& a : s.agents) {
    json calls = json::array();
    for (const AgentCall& c : a.calls) calls.push_back({c.service, c.rate_rps});
    out["agents"].push_back({a.id, a.key, calls});
  }
  for (const EntryLoad& l : s.load) {
    const LoadProfile& p = l.profile;
    json series = json::array();
    for (const auto& [t, r] : p.series) series.push_back({t.us(), r});
    out["load"].push_back({l.service, to_string(p.kind), p.rate_rps, p.peak_rps, p.trough_rps,
                           p.period.us(), p.peak_at.us(), p.at.us(), p.length.us(), p.to_rps,
                           p.series_path, series, l.noise.cv, l.noise.autocorrelation});
  }
  for (const Fault& f : s.faults) {
    out["faults"].push_back({to_string(f.kind),  to_string(f.target_kind),
                             f.target,           f.target_name,
                             f.start.us(),       f.end ? json(f.end->us()) : json(),
                             f.replicas,         f.latency_add.us(),
                             f.latency_factor,   f.error_rate,
                             f.version,          f.weight,
                             f.leak_mb_per_min,  f.cpu_fraction,
                             f.fraction,         f.factor,
                             f.groups,           f.exfil_rps,
                             to_string(f.check), f.setting,
                             f.declared});
  }
  out["procedures"] = s.procedures;
  nlohmann::json expectations = nlohmann::json::array();
  for (const Expectation& x : s.expectations) {
    expectations.push_back({to_string(x.kind), x.text});
  }
  out["expectations"] = expectations;
  return out;
}

// A temporary folder for tests that need files next to a scenario.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::path(::testing::TempDir()) / ("dreamsim_scenario_" + name)) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// --- the examples -------------------------------------------------------------

TEST(ScenarioExamples, EveryExampleLoads) {
  size_t count = 0;
  size_t json_count = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(kExamples)) {
    if (!format_for_path(e.path().string())) continue;
    SCOPED_TRACE(e.path().string());
    load_ok(e.path());
    ++count;
    json_count += e.path().extension() == ".json" ? 1 : 0;
  }
  EXPECT_GE(count, 3u);
  EXPECT_GE(json_count, 1u);
}

TEST(ScenarioExamples, ShopCrashHasTheValuesItSays) {
  const Scenario s = load_ok(kExamples / "shop-crash.yaml");
  EXPECT_EQ(s.name, "shop-crash");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.duration, Duration::hours(2));
  EXPECT_EQ(s.tick, Duration::seconds(1));
  EXPECT_EQ(s.environment, (std::vector<std::string>{"DB_URL", "QUEUE_URL", "AUTH_SECRET"}));
  ASSERT_EQ(s.services.size(), 5u);
  const std::vector<std::string> ids = {"db", "events", "auth", "api", "web"};
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(s.services[i].id, ids[i]);

  const Service& db = s.services[0];
  EXPECT_EQ(db.kind, ServiceKind::kDatabase);
  EXPECT_EQ(db.replicas, 2);
  EXPECT_DOUBLE_EQ(db.capacity_rps, 800.0);
  EXPECT_EQ(db.service_time, Duration::millis(4));
  EXPECT_EQ(db.startup_time, Duration::seconds(30));
  EXPECT_TRUE(db.core);

  // `events` leaves most fields out: the documented defaults apply.
  const Service& events = s.services[1];
  EXPECT_EQ(events.kind, ServiceKind::kQueue);
  EXPECT_EQ(events.replicas, 1);
  EXPECT_EQ(events.service_time, Duration::millis(1));
  EXPECT_EQ(events.timeout, Duration::seconds(1));
  EXPECT_EQ(events.retries.count, 0);
  EXPECT_EQ(events.retries.backoff, Duration::millis(200));
  EXPECT_DOUBLE_EQ(events.service_time_cv, 1.0);
  EXPECT_DOUBLE_EQ(events.memory_limit_mb, 1024.0);
  EXPECT_FALSE(events.core);
  EXPECT_TRUE(events.liveness_ok);
  EXPECT_TRUE(events.readiness_ok);

  const Service& api = s.services[3];
  EXPECT_EQ(api.timeout, Duration::millis(800));
  EXPECT_EQ(api.retries.count, 2);
  EXPECT_EQ(api.retries.backoff, Duration::millis(100));
  EXPECT_DOUBLE_EQ(api.retries.budget, 0.1);
  ASSERT_EQ(api.depends_on.size(), 3u);
  EXPECT_EQ(api.depends_on[0].service, 2u);  // auth, written as a bare id
  EXPECT_DOUBLE_EQ(api.depends_on[0].calls_per_request, 1.0);
  EXPECT_EQ(api.depends_on[1].service, 0u);  // db
  EXPECT_DOUBLE_EQ(api.depends_on[1].calls_per_request, 3.0);
  EXPECT_EQ(api.depends_on[2].service, 1u);  // events
  EXPECT_DOUBLE_EQ(api.depends_on[2].calls_per_request, 0.5);
  EXPECT_EQ(api.requires_env, (std::vector<std::string>{"DB_URL", "QUEUE_URL"}));

  ASSERT_EQ(s.data_stores.size(), 1u);
  const DataStore& orders = s.data_stores[0];
  EXPECT_EQ(orders.id, "orders");
  EXPECT_EQ(orders.service, 0u);
  EXPECT_DOUBLE_EQ(orders.write_rate, 40.0);
  EXPECT_EQ(orders.flush_interval, Duration::seconds(2));
  ASSERT_TRUE(orders.backup.has_value());
  EXPECT_EQ(orders.backup->every, Duration::minutes(30));
  EXPECT_EQ(orders.backup->offset, Duration::micros(0));
  EXPECT_EQ(orders.records, 1000000u);

  ASSERT_EQ(s.load.size(), 1u);
  const EntryLoad& web = s.load[0];
  EXPECT_EQ(web.service, 4u);
  EXPECT_EQ(web.profile.kind, LoadProfileKind::kDiurnal);
  EXPECT_DOUBLE_EQ(web.profile.peak_rps, 300.0);
  EXPECT_DOUBLE_EQ(web.profile.trough_rps, 60.0);
  EXPECT_EQ(web.profile.period, Duration::hours(24));
  EXPECT_EQ(web.profile.peak_at, Duration::hours(1));
  // The entry has no noise of its own: the top-level noise applies.
  EXPECT_DOUBLE_EQ(s.noise.cv, 0.08);
  EXPECT_DOUBLE_EQ(web.noise.cv, 0.08);
  EXPECT_DOUBLE_EQ(web.noise.autocorrelation, 0.6);

  ASSERT_EQ(s.faults.size(), 1u);
  const Fault& crash = s.faults[0];
  EXPECT_EQ(crash.kind, FaultKind::kCrash);
  EXPECT_EQ(crash.target_kind, FaultTargetKind::kService);
  EXPECT_EQ(crash.target, 3u);
  EXPECT_EQ(crash.target_name, "api");
  EXPECT_EQ(crash.start, Time::from_seconds(20 * 60));
  ASSERT_TRUE(crash.end.has_value());
  EXPECT_EQ(*crash.end, Time::from_seconds(30 * 60));
  EXPECT_EQ(crash.replicas, 2);

  ASSERT_EQ(s.expectations.size(), 2u);
  EXPECT_EQ(s.expectations[1].kind, ExpectationKind::kEventually);
  EXPECT_EQ(s.expectations[1].text,
            "eventually all_services_healthy within 15m of the last fault's end");
  EXPECT_TRUE(s.procedures.empty());
}

TEST(ScenarioExamples, BreachJsonResolvesAgentsKeysAndStores) {
  const Scenario s = load_ok(kExamples / "breach.json");
  ASSERT_EQ(s.agents.size(), 2u);
  EXPECT_EQ(s.agents[0].key, "key-billing");
  ASSERT_EQ(s.agents[0].calls.size(), 1u);
  EXPECT_EQ(s.agents[0].calls[0].service, 1u);
  EXPECT_DOUBLE_EQ(s.agents[1].calls[0].rate_rps, 0.5);
  ASSERT_EQ(s.faults.size(), 2u);
  // Both start at 30m: declaration order decides.
  EXPECT_EQ(s.faults[0].kind, FaultKind::kKeyCompromise);
  EXPECT_EQ(s.faults[0].target_kind, FaultTargetKind::kKey);
  EXPECT_EQ(s.faults[0].target, 0u);  // the first agent holding the key
  EXPECT_DOUBLE_EQ(s.faults[0].exfil_rps, 200.0);
  EXPECT_FALSE(s.faults[0].end.has_value());
  EXPECT_EQ(s.faults[1].kind, FaultKind::kDataCorruption);
  EXPECT_EQ(s.faults[1].target_kind, FaultTargetKind::kDataStore);
  EXPECT_EQ(s.data_stores[0].backup->offset, Duration::minutes(15));
  EXPECT_EQ(s.data_stores[0].records, 2500000u);
  ASSERT_EQ(s.expectations.size(), 2u);
  EXPECT_EQ(s.expectations[1].text, "records_exfiltrated < 500000");
}

TEST(ScenarioExamples, TrafficReplayReadsItsSeries) {
  const Scenario s = load_ok(kExamples / "traffic-replay.yaml");
  ASSERT_EQ(s.load.size(), 1u);
  const LoadProfile& p = s.load[0].profile;
  EXPECT_EQ(p.kind, LoadProfileKind::kSeries);
  EXPECT_EQ(fs::path(p.series_path), (kExamples / "traffic-replay.csv").lexically_normal());
  ASSERT_EQ(p.series.size(), 7u);
  EXPECT_EQ(p.series[0].first, Duration::seconds(0));
  EXPECT_DOUBLE_EQ(p.series[0].second, 120.0);
  EXPECT_EQ(p.series[3].first, Duration::seconds(1800));
  EXPECT_DOUBLE_EQ(p.series[3].second, 310.0);
  EXPECT_EQ(p.series[6].first, Duration::seconds(3600));
}

// --- one schema, two syntaxes ---------------------------------------------------

TEST(ScenarioSyntax, YamlAndJsonGiveTheSameScenario) {
  const Scenario yaml = load_ok(kGood / "equivalent.yaml");
  const Scenario json = load_ok(kGood / "equivalent.json");
  EXPECT_EQ(dump(yaml).dump(1), dump(json).dump(1));
  // And the content is what was written, not two equally wrong loads.
  EXPECT_EQ(yaml.seed, 18446744073709551615u);
  EXPECT_EQ(yaml.tick, Duration::millis(250));
  EXPECT_EQ(yaml.services[0].service_time, Duration::micros(1500));
  EXPECT_EQ(yaml.services[0].startup_time, Duration::seconds(90));
  EXPECT_FALSE(yaml.services[2].readiness_ok);
  EXPECT_DOUBLE_EQ(yaml.load[1].noise.cv, 0.0);                // its own noise
  EXPECT_DOUBLE_EQ(yaml.load[1].noise.autocorrelation, 0.25);  // the rest from the top
  ASSERT_EQ(yaml.expectations.size(), 3u);
  EXPECT_EQ(yaml.expectations[2].text, "ttr_s <= 1800");
}

TEST(ScenarioSyntax, SameProblemsInYamlAndJson) {
  const LoadResult yaml = load_scenario_text(
      "duration: 1h\nservices:\n  - id: api\n    replicas: 0\n    depends_on: [nope]\n",
      SourceFormat::kYaml, "x.yaml");
  const LoadResult json = load_scenario_text(
      R"({"duration": "1h", "services": [{"id": "api", "replicas": 0, "depends_on": ["nope"]}]})",
      SourceFormat::kJson, "x.json");
  ASSERT_EQ(yaml.diagnostics.size(), 2u) << yaml.format();
  ASSERT_EQ(json.diagnostics.size(), 2u) << json.format();
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(yaml.diagnostics[i].path, json.diagnostics[i].path);
    EXPECT_EQ(yaml.diagnostics[i].message, json.diagnostics[i].message);
  }
  // JSON positions are known too, and point at the value.
  EXPECT_EQ(json.diagnostics[0].line, 1);
  EXPECT_EQ(json.diagnostics[0].column, 59);
  EXPECT_EQ(yaml.diagnostics[0].line, 4);
  EXPECT_EQ(yaml.diagnostics[0].column, 15);
}

TEST(ScenarioSyntax, JsonPositionsAcrossLinesAndUnicode) {
  // The column counts characters, not bytes: "é" is one column.
  const std::string text =
      "{\n  \"description\": \"caf\xC3\xA9\", \"duration\": \"1h\",\n"
      "  \"services\": [\n    {\"id\": \"api\",\n     \"timeout\": 5}\n  ]\n}\n";
  const LoadResult r = load_scenario_text(text, SourceFormat::kJson, "u.json");
  ASSERT_EQ(r.diagnostics.size(), 1u) << r.format();
  EXPECT_EQ(r.diagnostics[0].line, 5);
  EXPECT_EQ(r.diagnostics[0].column, 17);
  EXPECT_EQ(r.diagnostics[0].path, "services[0].timeout");
}

TEST(ScenarioSyntax, ByteOrderMarkIsNotAColumn) {
  const std::string bom = "\xEF\xBB\xBF";
  const LoadResult json = load_scenario_text(bom + R"({"duration": 5, "services": [{"id": "a"}]})",
                                             SourceFormat::kJson, "b.json");
  ASSERT_EQ(json.diagnostics.size(), 1u) << json.format();
  EXPECT_EQ(json.diagnostics[0].column, 14);
  const LoadResult yaml =
      load_scenario_text(bom + "duration: 5\nservices: [{id: a}]\n", SourceFormat::kYaml, "b.yaml");
  ASSERT_EQ(yaml.diagnostics.size(), 1u) << yaml.format();
  EXPECT_EQ(yaml.diagnostics[0].line, 1);
  EXPECT_EQ(yaml.diagnostics[0].column, 11);
  EXPECT_TRUE(load_scenario_text(bom + R"({"duration": "5m", "services": [{"id": "a"}]})",
                                 SourceFormat::kJson, "ok.json")
                  .ok());
}

TEST(ScenarioSyntax, ExtensionDecidesTheSyntax) {
  EXPECT_EQ(format_for_path("a/b.yaml"), SourceFormat::kYaml);
  EXPECT_EQ(format_for_path("b.YML"), SourceFormat::kYaml);
  EXPECT_EQ(format_for_path("b.json"), SourceFormat::kJson);
  EXPECT_FALSE(format_for_path("b.toml").has_value());
  EXPECT_FALSE(format_for_path("yaml").has_value());
  // JSON text in a .yaml file is read as YAML, which accepts it (JSON is
  // almost a subset of YAML); YAML text in a .json file is a JSON error.
  const TempDir dir("syntax");
  const fs::path y = dir.write("flow.yaml", R"({"duration": "1h", "services": [{"id": "a"}]})");
  EXPECT_TRUE(load_scenario(y.string()).ok());
  const fs::path j = dir.write("block.json", "duration: 1h\nservices:\n  - id: a\n");
  const LoadResult r = load_scenario(j.string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.format().find("block.json:1:1: JSON syntax error"), std::string::npos) << r.format();
}

// --- defaults and values ------------------------------------------------------------

TEST(ScenarioDefaults, MinimalScenarioGetsTheDocumentedDefaults) {
  const Scenario s =
      load_yaml_ok("duration: 30m\nservices:\n  - id: solo\n", "/somewhere/minimal-run.yaml");
  EXPECT_EQ(s.name, "minimal-run");  // the file's stem
  EXPECT_EQ(s.description, "");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.tick, Duration::seconds(1));
  EXPECT_DOUBLE_EQ(s.noise.cv, 0.05);
  EXPECT_DOUBLE_EQ(s.noise.autocorrelation, 0.5);
  EXPECT_TRUE(s.expectations.empty());
  EXPECT_TRUE(s.procedures.empty());
  EXPECT_EQ(s.path, "/somewhere/minimal-run.yaml");
  ASSERT_EQ(s.services.size(), 1u);
  Service expected;
  expected.id = "solo";
  Scenario only;
  only.services = {expected};
  Scenario got;
  got.services = s.services;
  EXPECT_EQ(dump(got)["services"], dump(only)["services"]);
}

TEST(ScenarioDefaults, DurationsInEveryForm) {
  const Scenario s = load_yaml_ok(
      "duration: 1d\ntick: 100ms\nservices:\n"
      "  - id: a\n    service_time: \"2.5ms\"\n    timeout: 1m30s\n    startup_time: 0s\n"
      "faults:\n  - {kind: hang, target: a, at: 1h30m, end: 2h}\n");
  EXPECT_EQ(s.duration, Duration::hours(24));
  EXPECT_EQ(s.tick, Duration::millis(100));
  EXPECT_EQ(s.services[0].service_time, Duration::micros(2500));
  EXPECT_EQ(s.services[0].timeout, Duration::seconds(90));
  EXPECT_EQ(s.services[0].startup_time, Duration::micros(0));
  EXPECT_EQ(s.faults[0].start, Time::from_seconds(5400));
  EXPECT_EQ(*s.faults[0].end, Time::from_seconds(7200));
}

TEST(ScenarioDefaults, DependenciesMayBeDeclaredAfterTheirCallers) {
  const Scenario s = load_yaml_ok(
      "duration: 1h\nservices:\n  - {id: web, depends_on: [api]}\n"
      "  - {id: api, depends_on: [db]}\n  - {id: db}\n");
  EXPECT_EQ(s.services[0].depends_on[0].service, 1u);
  EXPECT_EQ(s.services[1].depends_on[0].service, 2u);
}

TEST(ScenarioDefaults, YamlMergeKeysAndUserTopLevelKeys) {
  // yaml-cpp leaves merge keys to the application; the loader applies them:
  // keys written in the mapping win over merged ones. Top-level keys starting
  // with "x-" are the user's own, a home for anchors.
  const Scenario s = load_yaml_ok(
      "x-defaults: &svc {replicas: 3, timeout: 2s}\n"
      "x-slow: &slow {service_time: 50ms, timeout: 9s}\n"
      "duration: 1h\nservices:\n"
      "  - <<: *svc\n    id: a\n    timeout: 5s\n"
      "  - {<<: [*slow, *svc], id: b}\n");
  ASSERT_EQ(s.services.size(), 2u);
  EXPECT_EQ(s.services[0].replicas, 3);
  EXPECT_EQ(s.services[0].timeout, Duration::seconds(5));
  EXPECT_EQ(s.services[1].replicas, 3);
  EXPECT_EQ(s.services[1].service_time, Duration::millis(50));
  EXPECT_EQ(s.services[1].timeout, Duration::seconds(9));  // the first merged mapping wins
  // A merged key that is unknown is still an error, reported where it was
  // written.
  const std::string p =
      problems("x-d: &d {replics: 2}\nduration: 1h\nservices:\n  - <<: *d\n    id: a\n");
  EXPECT_NE(p.find("test.yaml:1:10: services[0].replics: unknown field 'replics'; did you mean "
                   "'replicas'?"),
            std::string::npos)
      << p;
  // "x-" is for the top level only.
  EXPECT_NE(problems("duration: 1h\nservices:\n  - {id: a, x-note: hi}\n")
                .find("services[0].x-note: unknown field 'x-note'"),
            std::string::npos);
}

TEST(ScenarioFaults, SortedByStartThenDeclarationOrder) {
  const Scenario s = load_yaml_ok(
      "duration: 1h\nservices:\n  - {id: a, replicas: 4}\nfaults:\n"
      "  - {kind: hang, target: a, at: 30m}\n"
      "  - {kind: crash, target: a, at: 10m, replicas: 1, duration: 1m}\n"
      "  - {kind: latency, target: a, at: 10m, latency_add: 5ms}\n"
      "  - {kind: errors, target: a, at: 5m, error_rate: 0.1}\n"
      "  - {kind: cpu_hog, target: a, at: 10m, cpu_fraction: 0.5}\n");
  ASSERT_EQ(s.faults.size(), 5u);
  std::vector<size_t> declared;
  for (const Fault& f : s.faults) declared.push_back(f.declared);
  EXPECT_EQ(declared, (std::vector<size_t>{3, 1, 2, 4, 0}));
  EXPECT_EQ(s.faults[0].kind, FaultKind::kErrors);
  EXPECT_EQ(s.faults[4].kind, FaultKind::kHang);
}

TEST(ScenarioFaults, TargetsOfEveryKind) {
  const Scenario s = load_ok(kGood / "equivalent.yaml");
  // Sorted: config_error (0s), data_corruption (30m), bad_deploy, partition,
  // crash (1h, in declaration order), key_compromise (2h), surge (3h),
  // full_outage (5h).
  std::vector<FaultKind> kinds;
  for (const Fault& f : s.faults) kinds.push_back(f.kind);
  EXPECT_EQ(kinds, (std::vector<FaultKind>{FaultKind::kConfigError, FaultKind::kDataCorruption,
                                           FaultKind::kBadDeploy, FaultKind::kPartition,
                                           FaultKind::kCrash, FaultKind::kKeyCompromise,
                                           FaultKind::kTrafficSurge, FaultKind::kFullOutage}));
  const Fault& config = s.faults[0];
  EXPECT_EQ(config.check, ConfigCheck::kEnv);
  EXPECT_EQ(config.setting, "QUEUE_URL");
  EXPECT_EQ(config.target, 2u);
  EXPECT_EQ(s.faults[1].target_kind, FaultTargetKind::kDataStore);
  EXPECT_EQ(s.faults[1].target, 0u);
  const Fault& deploy = s.faults[2];
  EXPECT_EQ(deploy.version, "v9");
  EXPECT_DOUBLE_EQ(deploy.weight, 0.1);
  EXPECT_EQ(deploy.latency_add, Duration::millis(20));
  EXPECT_DOUBLE_EQ(deploy.latency_factor, 1.5);
  EXPECT_DOUBLE_EQ(deploy.error_rate, 0.05);
  const Fault& partition = s.faults[3];
  EXPECT_EQ(partition.target_kind, FaultTargetKind::kNone);
  EXPECT_EQ(partition.groups, (std::vector<std::vector<size_t>>{{3, 2}, {0, 1}}));
  EXPECT_EQ(*partition.end, Time::from_seconds(70 * 60));
  EXPECT_EQ(s.faults[4].replicas, 1);
  EXPECT_EQ(*s.faults[4].end, Time::from_seconds(3600 + 90));
  EXPECT_EQ(s.faults[6].target_kind, FaultTargetKind::kAllServices);
  EXPECT_EQ(s.faults[6].target_name, "*");
  EXPECT_DOUBLE_EQ(s.faults[6].factor, 2.0);
  EXPECT_EQ(s.faults[7].target_kind, FaultTargetKind::kAllServices);
}

TEST(ScenarioFaults, PartialCrashesDoNotShadowEachOther) {
  // Two crashes of one replica each overlap: neither takes the whole service
  // down, so both can take effect.
  load_yaml_ok(
      "duration: 1h\nservices:\n  - {id: a, replicas: 3}\nfaults:\n"
      "  - {kind: crash, target: a, at: 10m, replicas: 1}\n"
      "  - {kind: crash, target: a, at: 20m, replicas: 1}\n"
      "  - {kind: latency, target: a, at: 30m, latency_add: 1s}\n");
  // A latency fault that outlasts a full crash still takes effect afterwards.
  load_yaml_ok(
      "duration: 1h\nservices:\n  - {id: a}\nfaults:\n"
      "  - {kind: crash, target: a, at: 10m, duration: 5m}\n"
      "  - {kind: latency, target: a, at: 11m, latency_add: 1s}\n");
  // The same crash twice: the second cannot take effect.
  const std::string p = problems(
      "duration: 1h\nservices:\n  - {id: a}\nfaults:\n"
      "  - {kind: crash, target: a, at: 10m}\n  - {kind: crash, target: a, at: 10m}\n");
  EXPECT_NE(p.find("test.yaml:6:5: faults[1]: the crash cannot take effect: 'a' is already down "
                   "from 10m to the end of the run (faults[0], crash)"),
            std::string::npos)
      << p;
}

// --- load series ----------------------------------------------------------------------

TEST(ScenarioSeries, ReadsCommentsBlankLinesAndFractionalSeconds) {
  const TempDir dir("series_ok");
  dir.write("s.csv",
            "# recorded\r\n t_s , rate_rps \r\n\r\n0,1\r\n0.5, 2.5\r\n# gap\r\n90.000001,0\r\n");
  const fs::path scenario = dir.write(
      "s.yaml",
      "duration: 1h\nservices: [{id: a}]\nload: [{service: a, profile: series, file: s.csv}]\n");
  const Scenario s = load_ok(scenario);
  const auto& series = s.load[0].profile.series;
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[1].first, Duration::millis(500));
  EXPECT_DOUBLE_EQ(series[1].second, 2.5);
  EXPECT_EQ(series[2].first, Duration::micros(90000001));
  EXPECT_DOUBLE_EQ(series[2].second, 0.0);
}

TEST(ScenarioSeries, ErrorsNameTheCsvFileAndLine) {
  const TempDir dir("series_bad");
  dir.write("empty.csv", "\n# only a comment\n");
  dir.write("header_only.csv", "t_s,rate_rps\n");
  dir.write("fine_grained.csv", "t_s,rate_rps\n0.0000001,5\n1e3,5\n5,inf\n7,1,2\n");
  const fs::path scenario =
      dir.write("s.yaml",
                "duration: 1h\nservices: [{id: a}, {id: b}, {id: c}]\nload:\n"
                "  - {service: a, profile: series, file: empty.csv}\n"
                "  - {service: b, profile: series, file: header_only.csv}\n"
                "  - {service: c, profile: series, file: sub/../fine_grained.csv}\n");
  const LoadResult r = load_scenario(scenario.string());
  ASSERT_FALSE(r.ok());
  const std::string text = r.format();
  const std::string d = dir.path().string() + "/";
  for (const std::string& want : {
           d + "empty.csv: load[0].file: the series file is empty",
           d + "header_only.csv: load[1].file: the series has a header but no rows",
           d + "fine_grained.csv:2: load[2].file: expected t_s as seconds >= 0 (e.g. 0, 60, "
               "0.5; at most 6 decimals), got '0.0000001'",
           d + "fine_grained.csv:3: load[2].file: expected t_s as seconds",
           d + "fine_grained.csv:4: load[2].file: expected rate_rps as a number >= 0, got 'inf'",
           d + "fine_grained.csv:5: load[2].file: expected two fields 't_s,rate_rps', got '7,1,2'",
       }) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing: " << want << "\nin:\n" << text;
  }
  EXPECT_EQ(r.diagnostics.size(), 6u) << text;
}

// --- procedures ---------------------------------------------------------------------------

TEST(ScenarioProcedures, ResolvedAgainstTheScenarioFolder) {
  const TempDir dir("procedures");
  fs::create_directories(dir.path() / "team");
  dir.write("team/procedures.yaml", "alerting: {}\n");
  const fs::path scenario =
      dir.write("s.yaml", "duration: 1h\nservices: [{id: a}]\nprocedures: team/procedures.yaml\n");
  const Scenario s = load_ok(scenario);
  EXPECT_EQ(fs::path(s.procedures), dir.path() / "team" / "procedures.yaml");
  const fs::path to_dir =
      dir.write("d.yaml", "duration: 1h\nservices: [{id: a}]\nprocedures: team\n");
  const LoadResult r = load_scenario(to_dir.string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.format().find("d.yaml:3:13: procedures: the procedures path 'team'"),
            std::string::npos)
      << r.format();
}

// --- reporting -----------------------------------------------------------------------------

TEST(ScenarioDiagnostics, FormatLeavesOutWhatIsUnknown) {
  EXPECT_EQ((Diagnostic{"a.yaml", 3, 7, "services[2].replicas", "expected x"}).format(),
            "a.yaml:3:7: services[2].replicas: expected x");
  EXPECT_EQ((Diagnostic{"a.yaml", 3, 0, "p", "m"}).format(), "a.yaml:3: p: m");
  EXPECT_EQ((Diagnostic{"a.yaml", 0, 0, "", "m"}).format(), "a.yaml: m");
}

TEST(ScenarioDiagnostics, EveryProblemIsReportedInFileOrder) {
  const LoadResult r =
      load_scenario((kRoot / "tests" / "scenarios" / "bad" / "many_problems.yaml").string());
  ASSERT_EQ(r.diagnostics.size(), 9u) << r.format();
  for (size_t i = 1; i < r.diagnostics.size(); ++i) {
    const Diagnostic& a = r.diagnostics[i - 1];
    const Diagnostic& b = r.diagnostics[i];
    EXPECT_TRUE(a.line < b.line || (a.line == b.line && a.column <= b.column)) << r.format();
  }
}

TEST(ScenarioDiagnostics, AFloodOfProblemsIsCapped) {
  std::string text = "duration: 1h\nservices:\n  - id: a\n";
  for (int i = 0; i < 500; ++i) text += "    unknown_" + std::to_string(i) + ": 1\n";
  const LoadResult r = load_scenario_text(text, SourceFormat::kYaml, "flood.yaml");
  ASSERT_EQ(r.diagnostics.size(), kMaxDiagnostics + 1);
  EXPECT_EQ(r.diagnostics.back().message, "and 300 more problems");
  EXPECT_EQ(r.problems, 500u);
}

TEST(ScenarioDiagnostics, SuggestionsOnlyWhenClose) {
  EXPECT_NE(problems("duration: 1h\nservices: [{id: a, Replicas: 2}]\n")
                .find("unknown field 'Replicas'; did you mean 'replicas'?"),
            std::string::npos);
  EXPECT_NE(problems("duration: 1h\nservices: [{id: a, capacity: 2}]\n")
                .find("unknown field 'capacity' (known fields: id, kind, replicas"),
            std::string::npos);
  EXPECT_NE(problems("duration: 1h\nservices: [{id: a, kind: dtabase}]\n")
                .find("did you mean 'database'?"),
            std::string::npos);
}

// Hostile and damaged input never crashes, throws or hangs, and gives the same
// answer twice: every prefix of every example, and every example with bytes
// overwritten by characters that YAML and JSON care about.
TEST(ScenarioRobustness, DamagedExamplesNeverCrash) {
  static constexpr char kJunk[] = "\"'{}[]:,-#&*!|>\t\n\\\xff\x00";
  const std::string junk(kJunk, sizeof kJunk - 1);  // the NUL included
  size_t loads = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(kExamples)) {
    const auto format = format_for_path(e.path().string());
    if (!format) continue;
    std::ifstream in(e.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string virtual_path = e.path().string();
    const auto check = [&](const std::string& damaged) {
      const LoadResult a = load_scenario_text(damaged, *format, virtual_path);
      const LoadResult b = load_scenario_text(damaged, *format, virtual_path);
      EXPECT_EQ(a.ok(), a.diagnostics.empty());
      EXPECT_EQ(a.format(), b.format());
      ++loads;
    };
    for (size_t cut = 0; cut < text.size(); cut += 7) check(text.substr(0, cut));
    for (size_t at = 0; at < text.size(); at += 13) {
      std::string damaged = text;
      damaged[at] = junk[(at / 13) % junk.size()];
      check(damaged);
    }
  }
  EXPECT_GT(loads, 500u);
}

}  // namespace
}  // namespace dreamsim::model
