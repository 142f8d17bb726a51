// Hand-made sweeps and a gate for the sweep and gate page tests: small,
// fixed, and with what the pages must handle (failed expectations, runs
// without a value, a constant metric, a scenario named with HTML).
#pragma once

#include <string>
#include <vector>

#include "reports/gate_report.hpp"
#include "reports/sweep_report.hpp"

namespace dreamsim::report::fixtures {

inline constexpr const char* kEscapeName = "<script>alert(1)</script> \"shop\" & \\N";
inline constexpr const char* kEscapeExpectation = "P1 alert on <b>api</b> within 5m";
inline constexpr uint64_t kSeeds = 8;

// One run: ttd_s null ("never") on seeds divisible by 5, the first
// expectation failed on seeds divisible by 4; `slower` adds to ttd_s.
inline RunRecord fixture_run(uint64_t seed, double slower = 0, bool break_seed_3 = false) {
  RunRecord r;
  r.seed = seed;
  r.trace_hash = "00000000000000" + std::to_string(10 + seed);
  const bool never = seed % 5 == 0;
  const bool met = seed % 4 != 0 && !(break_seed_3 && seed == 3);
  r.metrics = Json::object();
  r.metrics["ttd_s"] = never ? Json(nullptr) : Json(20.0 + 3.0 * static_cast<double>(seed) + slower);
  r.metrics["failed_requests"] = 100 * (seed % 3) + 7 * seed;
  r.metrics["writes_lost"] = 0;
  r.score = rounded(90.0 - static_cast<double>(seed % 4) * 7.5 - (met ? 0 : 20) - slower / 10);
  r.expectations = Json::array();
  r.expectations.push_back({{"text", kEscapeExpectation},
                            {"passed", met},
                            {"evidence", met ? "fired at 330 s" : "no P1 <alert> fired"}});
  r.expectations.push_back({{"text", "no writes lost"}, {"passed", true}, {"evidence", "0 lost"}});
  r.passed = met;
  return r;
}

inline std::vector<ScenarioRuns> fixture_scenarios(double slower = 0, bool break_seed_3 = false) {
  ScenarioRuns a;
  a.name = kEscapeName;
  a.file = "scenarios/<escape>.yaml";
  ScenarioRuns b;
  b.name = "canary";
  b.file = "scenarios/library/canary.yaml";
  for (uint64_t s = 1; s <= kSeeds; ++s) {
    a.runs.push_back(fixture_run(s, slower, break_seed_3));
    RunRecord r = fixture_run(s, slower / 2);
    r.expectations[0]["passed"] = true;
    r.passed = true;
    b.runs.push_back(r);
  }
  return {a, b};
}

inline Json fixture_sweep(const std::string& procedures = "team <procedures>.yaml",
                          double slower = 0, bool break_seed_3 = false) {
  SweepHeader h;
  h.first_seed = 1;
  h.last_seed = kSeeds;
  h.procedures = {{"path", procedures}, {"hash", "0123456789abcdef"}};
  return sweep_json(h, fixture_scenarios(slower, break_seed_3));
}

// The gate of a candidate that detects 30 s later and breaks the first
// expectation on seed 3, with the two sweeps it compared.
struct GateFixture {
  Json gate;
  Json baseline;
  Json candidate;
};

inline GateFixture fixture_gate() {
  GateInput in;
  in.baseline_path = "base.yaml";
  in.baseline_hash = "1111111111111111";
  in.candidate_path = "cand <b>.yaml";
  in.candidate_hash = "2222222222222222";
  in.first_seed = 1;
  in.last_seed = kSeeds;
  in.gate.alpha = 0.05;
  in.gate.metrics = {{"ttd_s", false, 10.0, 0.1}, {"score", true, 1.0, 0.0}};
  const std::vector<ScenarioRuns> base = fixture_scenarios();
  const std::vector<ScenarioRuns> cand = fixture_scenarios(30, true);
  for (size_t i = 0; i < base.size(); ++i) {
    in.scenarios.push_back(GateScenario{base[i].name, base[i].file, base[i].runs, cand[i].runs});
  }
  GateFixture f;
  f.gate = gate_json(compare(std::move(in)));
  f.baseline = fixture_sweep("base.yaml");
  f.candidate = fixture_sweep("cand <b>.yaml", 30, true);
  return f;
}

}  // namespace dreamsim::report::fixtures
