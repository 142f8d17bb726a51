#include "tools/sweep_runner.hpp"


#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "model/outcome.hpp"
#include "model/procedures_loader.hpp"
#include "model/run.hpp"
#include "model/scenario_loader.hpp"
#include "reports/sweep_page.hpp"
#include "sim/random.hpp"
#include "sim/trace.hpp"
#include "tools/cli.hpp"
#include "tools/progress.hpp"

namespace dreamsim::tools {
namespace {

namespace fs = std::filesystem;
using report::Json;

constexpr const char* kManifestFormat = "dreamsim.sweep-manifest/1";

std::optional<uint64_t> parse_u64(const std::string& text) {
  if (text.empty() || text.size() > 19 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoull(text);
}

std::optional<std::string> read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return ss.str();
}

// The hash of a scenario's inputs: its file, the load series it reads and
// the procedures it names (when no --procedures replaces them).
std::string scenario_hash(const model::Scenario& sc, const std::string& file_text,
                          bool own_procedures) {
  sim::TraceHasher h;
  h.text(file_text);
  for (const model::EntryLoad& load : sc.load) {
    if (load.profile.kind != model::LoadProfileKind::kSeries) continue;
    const std::optional<std::string> series = read_whole(load.profile.series_path);
    h.text(series.value_or(std::string()));
  }
  if (own_procedures && sc.procedures_loaded) h.text(sc.procedures_loaded->hash);
  h.end_record();
  return sim::format_hash(h.value());
}

// A scenario name becomes a directory under runs/: it must be one plain
// path component.
bool usable_as_directory(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
  });
}

struct LoadedScenario {
  std::string file;
  model::Scenario scenario;
  ctl::Procedures procedures;
  std::string hash;
};

std::vector<LoadedScenario> load_scenarios(const SweepPlan& plan,
                                           const std::optional<ctl::Procedures>& procedures) {
  if (plan.scenario_files.empty()) throw InputError("no scenario given");
  std::vector<LoadedScenario> out;
  for (const std::string& file : plan.scenario_files) {
    if (!fs::exists(file)) throw InputError(file + ": no such scenario file");
    const model::LoadResult loaded = model::load_scenario(file);
    if (!loaded.ok()) {
      throw InputError(file + ": " + std::to_string(loaded.problems) +
                       (loaded.problems == 1 ? " problem" : " problems") + "; nothing was run\n" +
                       loaded.format());
    }
    LoadedScenario s;
    s.file = file;
    s.scenario = *loaded.scenario;
    if (!usable_as_directory(s.scenario.name)) {
      throw InputError(file + ": the scenario name '" + s.scenario.name +
                       "' cannot name a directory under runs/; use letters, digits, '-', '_' "
                       "and '.'");
    }
    for (const LoadedScenario& other : out) {
      if (other.scenario.name == s.scenario.name) {
        throw InputError(file + ": the scenario name '" + s.scenario.name +
                         "' is also the name of " + other.file +
                         "; every scenario of a sweep needs its own name");
      }
    }
    s.procedures =
        procedures ? *procedures : s.scenario.procedures_loaded.value_or(ctl::Procedures{});
    const std::optional<std::string> text = read_whole(file);
    if (!text) throw InputError(file + ": cannot read the scenario file");
    s.hash = scenario_hash(s.scenario, *text, !procedures.has_value());
    out.push_back(std::move(s));
  }
  return out;
}

Json procedures_json(const std::optional<ctl::Procedures>& p) {
  if (!p) return nullptr;
  return Json{{"path", p->path}, {"hash", p->hash}};
}

Json manifest_json(const SweepPlan& plan, const std::vector<LoadedScenario>& scenarios,
                   const std::optional<ctl::Procedures>& procedures, bool sharded) {
  Json m;
  m["format"] = kManifestFormat;
  m["seeds"] = {{"first", plan.seeds.first}, {"last", plan.seeds.last}};
  if (sharded) {
    m["shard"] = {{"index", plan.shard_index}, {"count", plan.shard_count}};
  } else {
    m["shard"] = nullptr;
  }
  m["procedures"] = procedures_json(procedures);
  Json list = Json::array();
  for (const LoadedScenario& s : scenarios) {
    list.push_back({{"name", s.scenario.name}, {"file", s.file}, {"hash", s.hash}});
  }
  m["scenarios"] = std::move(list);
  return m;
}

std::string short_json(const Json& j) { return j.dump(); }

// What differs between two manifests, in words, for the refusal message.
std::string manifest_difference(const Json& was, const Json& now) {
  for (const char* key : {"format", "seeds", "shard", "procedures", "scenarios"}) {
    const Json a = was.contains(key) ? was[key] : Json(nullptr);
    const Json b = now.contains(key) ? now[key] : Json(nullptr);
    if (a == b) continue;
    if (std::string(key) == "scenarios" && a.is_array() && b.is_array() && a.size() == b.size()) {
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i] == b[i]) continue;
        if (a[i].value("name", "") == b[i].value("name", "") &&
            a[i].value("file", "") == b[i].value("file", "")) {
          return "the scenario " + b[i].value("file", "") + " changed since (hash " +
                 a[i].value("hash", "") + " there, " + b[i].value("hash", "") + " now)";
        }
        return "scenario " + std::to_string(i + 1) + " was " + short_json(a[i]) + ", now " +
               short_json(b[i]);
      }
    }
    if (std::string(key) == "procedures" && a.is_object() && b.is_object() &&
        a.value("path", "") == b.value("path", "")) {
      return "the procedures file " + b.value("path", "") + " changed since (hash " +
             a.value("hash", "") + " there, " + b.value("hash", "") + " now)";
    }
    return std::string(key) + " " + short_json(a) + " there, " + short_json(b) + " now";
  }
  return "the manifests differ";
}

fs::path run_path(const std::string& out, const std::string& scenario, uint64_t seed) {
  return fs::path(out) / "runs" / scenario / (std::to_string(seed) + ".json");
}

// A finished run's file, if it holds that run's outcome.
std::optional<report::RunRecord> finished_run(const fs::path& path, const std::string& scenario,
                                              uint64_t seed) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  const std::optional<std::string> text = read_whole(path);
  if (!text) return std::nullopt;
  try {
    const Json outcome = Json::parse(*text);
    if (outcome.value("format", "") != model::kOutcomeFormat) return std::nullopt;
    if (outcome.value("scenario", "") != scenario) return std::nullopt;
    if (!outcome.contains("seed") || outcome["seed"] != seed) return std::nullopt;
    return report::run_record(outcome);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

struct Task {
  size_t scenario = 0;
  uint64_t seed = 0;
};

// The DIR checks before anything is written: a manifest that matches (a
// resume), or a directory with no sweep in it yet.
void prepare_out(const std::string& out, const Json& manifest, const std::string& what) {
  std::error_code ec;
  const fs::path dir(out);
  const fs::path manifest_path = dir / "manifest.json";
  if (fs::exists(manifest_path, ec)) {
    const std::optional<std::string> text = read_whole(manifest_path);
    Json was;
    try {
      was = Json::parse(text.value_or(std::string()));
    } catch (const std::exception&) {
      throw InputError("--out: " + manifest_path.string() +
                       " is not a sweep manifest (it does not parse); use another --out");
    }
    if (was != manifest) {
      throw InputError("--out: " + out + " holds a " + what +
                       " with other arguments: " + manifest_difference(was, manifest) +
                       ". Run with the same arguments to resume it, or choose a new --out "
                       "(or delete " +
                       out + ") to start over");
    }
    return;
  }
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) throw InputError("--out: " + out + " is not a directory");
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      // A manifest.json.tmp left by a kill during the first write is not
      // a sweep, nor something of the user's.
      if (entry.path().filename() == "manifest.json.tmp") continue;
      throw InputError("--out: " + out + " is not empty and holds no " + what +
                       " (no manifest.json); choose an empty or new directory");
    }
  }
  write_file_atomically(manifest_path.string(), report::sweep_text(manifest), true);
}

report::SweepHeader header_of(const Json& manifest) {
  report::SweepHeader h;
  h.first_seed = manifest["seeds"]["first"].get<uint64_t>();
  h.last_seed = manifest["seeds"]["last"].get<uint64_t>();
  if (!manifest["shard"].is_null()) {
    h.shard = std::make_pair(manifest["shard"]["index"].get<uint64_t>(),
                             manifest["shard"]["count"].get<uint64_t>());
  }
  h.procedures = manifest["procedures"];
  return h;
}

SweepResult finish_sweep(const std::string& out, const Json& manifest,
                         std::vector<report::ScenarioRuns> scenarios) {
  SweepResult result;
  result.sweep = report::sweep_json(header_of(manifest), scenarios);
  result.failed_runs = result.sweep["failed_runs"].get<size_t>();
  result.scenarios = std::move(scenarios);
  write_file_atomically((fs::path(out) / "sweep.json").string(), report::sweep_text(result.sweep),
                        true);
  // The page is a function of sweep.json alone, so a merged sweep gets the
  // unsharded sweep's bytes.
  write_file_atomically((fs::path(out) / "report.html").string(),
                        report::sweep_page(result.sweep,
                                           (fs::path(out) / "sweep.json").string()),
                        true);
  return result;
}

}  // namespace

SeedRange parse_seeds(const std::string& text, const std::string& flag) {
  const std::string hint =
      flag + ": expected a seed range A..B with A <= B (e.g. 1..100), got '" + text + "'";
  const size_t dots = text.find("..");
  SeedRange r;
  if (dots == std::string::npos) {
    const auto v = parse_u64(text);
    if (!v) throw InputError(hint);
    r.first = r.last = *v;
    return r;
  }
  const auto a = parse_u64(text.substr(0, dots));
  const auto b = parse_u64(text.substr(dots + 2));
  if (!a || !b) throw InputError(hint);
  if (*a > *b) throw InputError(hint + " (the range is empty)");
  if (*b - *a >= 100000000)
    throw InputError(flag + ": at most 100000000 seeds, got '" + text + "'");
  r.first = *a;
  r.last = *b;
  return r;
}

std::pair<uint64_t, uint64_t> parse_shard(const std::string& text, const std::string& flag) {
  const std::string hint =
      flag + ": expected K/N with 1 <= K <= N (e.g. 2/4, the second of four shards), got '" + text +
      "'";
  const size_t slash = text.find('/');
  if (slash == std::string::npos) throw InputError(hint);
  const auto k = parse_u64(text.substr(0, slash));
  const auto n = parse_u64(text.substr(slash + 1));
  if (!k || !n || *n == 0 || *k == 0 || *k > *n) throw InputError(hint);
  if (*n > 1000000) throw InputError(flag + ": at most 1000000 shards, got '" + text + "'");
  return {*k, *n};
}

void write_file_atomically(const std::string& path, const std::string& text, bool durable) {
  const std::string error = model::write_file_atomic(
      path, text, durable ? model::Durability::kSync : model::Durability::kNoSync);
  if (!error.empty()) throw InputError(error);
}

ctl::Procedures load_procedures_file(const std::string& path, const std::string& flag) {
  if (!fs::exists(path)) throw InputError(flag + ": " + path + ": no such file");
  if (model::load_input(path).kind == model::InputKind::kScenario) {
    throw InputError(flag + ": " + path +
                     " is a scenario file, not a procedures file (see "
                     "scenarios/procedures/default.yaml)");
  }
  const model::ProceduresLoad p = model::load_procedures(path);
  if (!p.ok()) {
    throw InputError(flag + ": " + path + ": " + std::to_string(p.problems) +
                     (p.problems == 1 ? " problem" : " problems") + "; nothing was run\n" +
                     p.format());
  }
  return *p.procedures;
}

SweepResult run_sweep(const SweepPlan& plan) {
  std::optional<ctl::Procedures> procedures;
  if (!plan.procedures_file.empty()) {
    procedures = load_procedures_file(plan.procedures_file, "--procedures");
  }
  const std::vector<LoadedScenario> scenarios = load_scenarios(plan, procedures);
  const Json manifest = manifest_json(plan, scenarios, procedures, plan.shard_count > 1);
  prepare_out(plan.out, manifest, "sweep");

  // The slice: runs in (scenario, seed) order, every shard_count-th.
  std::vector<Task> tasks;
  std::vector<report::ScenarioRuns> results(scenarios.size());
  std::vector<std::vector<std::optional<report::RunRecord>>> slots(scenarios.size());
  uint64_t index = 0;
  for (size_t s = 0; s < scenarios.size(); ++s) {
    results[s].name = scenarios[s].scenario.name;
    results[s].file = scenarios[s].file;
    for (uint64_t seed = plan.seeds.first;; ++seed) {
      if (index % plan.shard_count == plan.shard_index - 1) tasks.push_back(Task{s, seed});
      ++index;
      if (seed == plan.seeds.last) break;
    }
  }
  // Each task owns one slot; slots never move while the workers run. A
  // finished run found under DIR/runs fills its slot now; the workers run
  // the others.
  std::vector<std::optional<report::RunRecord>> records(tasks.size());
  std::vector<size_t> todo;
  for (size_t i = 0; i < tasks.size(); ++i) {
    const std::string& name = scenarios[tasks[i].scenario].scenario.name;
    records[i] = finished_run(run_path(plan.out, name, tasks[i].seed), name, tasks[i].seed);
    if (!records[i]) todo.push_back(i);
  }
  const size_t kept = tasks.size() - todo.size();

  std::mutex mutex;
  std::condition_variable changed;
  size_t done = 0;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr error;

  auto worker = [&] {
    for (;;) {
      const size_t k = next.fetch_add(1);
      if (k >= todo.size() || stop.load()) return;
      const size_t i = todo[k];
      const Task& t = tasks[i];
      const LoadedScenario& ls = scenarios[t.scenario];
      try {
        model::RunOptions options;
        options.seed = t.seed;
        model::Run run(ls.scenario, ls.procedures, options);
        run.execute();
        const std::string text = model::outcome_text(run.outcome());
        // Not synced: a kill leaves either no file or a whole one; a file
        // damaged by a machine crash fails to parse and is run again.
        write_file_atomically(run_path(plan.out, ls.scenario.name, t.seed).string(), text, false);
        // The record comes from the bytes written, exactly as a resume
        // reads them back.
        records[i] = report::run_record(Json::parse(text));
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        stop.store(true);
      }
      {
        std::lock_guard<std::mutex> lock(mutex);
        ++done;
      }
      changed.notify_one();
    }
  };

  const unsigned jobs =
      static_cast<unsigned>(std::max<size_t>(1, std::min<size_t>(plan.jobs, todo.size())));
  if (kept > 0) {
    std::fprintf(stderr, "%s: resuming %s: %zu of %zu runs found finished, %zu to run\n",
                 plan.label.c_str(), plan.out.c_str(), kept, tasks.size(), todo.size());
  }
  Progress progress(plan.label, tasks.size(), kept);
  std::vector<std::thread> threads;
  threads.reserve(jobs);
  for (unsigned j = 0; j < jobs; ++j) threads.emplace_back(worker);
  {
    std::unique_lock<std::mutex> lock(mutex);
    while (done < todo.size() && !stop.load()) {
      changed.wait_for(lock, std::chrono::milliseconds(200));
      const size_t now_done = kept + done;
      lock.unlock();
      progress.update(now_done);
      lock.lock();
    }
  }
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  progress.finish(kept + done);

  for (size_t i = 0; i < tasks.size(); ++i) {
    results[tasks[i].scenario].runs.push_back(std::move(*records[i]));
  }
  SweepResult result = finish_sweep(plan.out, manifest, std::move(results));
  result.kept_runs = kept;
  result.new_runs = todo.size();
  return result;
}

SweepResult merge_sweeps(const std::vector<std::string>& shard_dirs, const std::string& out) {
  if (shard_dirs.empty()) throw InputError("no shard directory given");
  struct Shard {
    std::string dir;
    Json manifest;
    Json sweep;
  };
  std::vector<Shard> shards;
  for (const std::string& dir : shard_dirs) {
    Shard s;
    s.dir = dir;
    for (const char* name : {"manifest.json", "sweep.json"}) {
      const fs::path p = fs::path(dir) / name;
      const std::optional<std::string> text = read_whole(p);
      if (!text) {
        throw InputError(dir + ": no " + name +
                         " (is it the --out of a finished `dreamsim sweep "
                         "--shard K/N`?)");
      }
      try {
        (std::string(name) == "manifest.json" ? s.manifest : s.sweep) = Json::parse(*text);
      } catch (const std::exception& e) {
        throw InputError(p.string() + ": does not parse: " + e.what());
      }
    }
    if (s.manifest.value("format", "") != kManifestFormat) {
      throw InputError((fs::path(dir) / "manifest.json").string() + ": not a sweep manifest");
    }
    if (s.sweep.value("format", "") != report::kSweepFormat) {
      throw InputError((fs::path(dir) / "sweep.json").string() + ": format is not " +
                       report::kSweepFormat);
    }
    shards.push_back(std::move(s));
  }

  // One sweep: the same manifest up to the shard, every shard once.
  Json unsharded = shards[0].manifest;
  unsharded["shard"] = nullptr;
  const uint64_t count = shards[0].manifest["shard"].is_null()
                             ? 1
                             : shards[0].manifest["shard"]["count"].get<uint64_t>();
  std::vector<std::string> by_index(count + 1);
  for (const Shard& s : shards) {
    Json m = s.manifest;
    const Json shard = m["shard"];
    m["shard"] = nullptr;
    if (m != unsharded) {
      throw InputError(s.dir + " is a shard of another sweep than " + shards[0].dir + ": " +
                       manifest_difference(unsharded, m) +
                       "; every shard must run with the same arguments but --shard");
    }
    const uint64_t c = shard.is_null() ? 1 : shard["count"].get<uint64_t>();
    const uint64_t k = shard.is_null() ? 1 : shard["index"].get<uint64_t>();
    if (c != count) {
      throw InputError(s.dir + " is shard " + std::to_string(k) + "/" + std::to_string(c) +
                       " but " + shards[0].dir + " is one of " + std::to_string(count) + " shards");
    }
    if (!by_index[k].empty()) {
      throw InputError("shard " + std::to_string(k) + "/" + std::to_string(count) +
                       " is given twice: " + by_index[k] + " and " + s.dir);
    }
    by_index[k] = s.dir;
  }
  std::string missing;
  for (uint64_t k = 1; k <= count; ++k) {
    if (by_index[k].empty()) missing += (missing.empty() ? "" : ", ") + std::to_string(k);
  }
  if (!missing.empty()) {
    throw InputError("missing shard" +
                     std::string(missing.find(',') == std::string::npos ? " " : "s ") + missing +
                     " of " + std::to_string(count) + "; nothing was merged");
  }

  // The records, per scenario, by seed; each shard's sweep.json must hold
  // exactly its slice.
  const Json& list = unsharded["scenarios"];
  const uint64_t first = unsharded["seeds"]["first"].get<uint64_t>();
  const uint64_t last = unsharded["seeds"]["last"].get<uint64_t>();
  const uint64_t seeds = last - first + 1;
  std::vector<std::vector<std::optional<report::RunRecord>>> by_seed(list.size());
  for (auto& v : by_seed) v.resize(seeds);
  for (const Shard& s : shards) {
    const Json& scs = s.sweep["scenarios"];
    if (!scs.is_array() || scs.size() != list.size()) {
      throw InputError((fs::path(s.dir) / "sweep.json").string() +
                       ": does not list the manifest's scenarios");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      if (scs[i].value("name", "") != list[i].value("name", "")) {
        throw InputError((fs::path(s.dir) / "sweep.json").string() + ": scenario " +
                         std::to_string(i + 1) + " is not " + list[i].value("name", ""));
      }
      for (const Json& entry : scs[i]["seeds"]) {
        report::RunRecord r;
        try {
          r = report::record_from_json(entry);
        } catch (const std::exception& e) {
          throw InputError((fs::path(s.dir) / "sweep.json").string() + ": " + e.what());
        }
        if (r.seed < first || r.seed > last || by_seed[i][r.seed - first]) {
          throw InputError((fs::path(s.dir) / "sweep.json").string() + ": seed " +
                           std::to_string(r.seed) + " of " + list[i].value("name", "") +
                           " is outside the range or in two shards");
        }
        by_seed[i][r.seed - first] = std::move(r);
      }
    }
  }
  std::vector<report::ScenarioRuns> scenarios(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    scenarios[i].name = list[i].value("name", "");
    scenarios[i].file = list[i].value("file", "");
    for (uint64_t j = 0; j < seeds; ++j) {
      if (!by_seed[i][j]) {
        throw InputError("no shard holds the run of " + scenarios[i].name + " on seed " +
                         std::to_string(first + j) +
                         " (was a shard's sweep interrupted? run it "
                         "again with the same arguments to finish it)");
      }
      scenarios[i].runs.push_back(std::move(*by_seed[i][j]));
    }
  }

  prepare_out(out, unsharded, "merged sweep");
  // The runs' outcome files, when every shard kept them.
  bool all_runs = true;
  for (const Shard& s : shards) all_runs &= fs::is_directory(fs::path(s.dir) / "runs");
  if (all_runs) {
    for (const Shard& s : shards) {
      for (size_t i = 0; i < list.size(); ++i) {
        const std::string name = list[i].value("name", "");
        const fs::path from = fs::path(s.dir) / "runs" / name;
        std::error_code ec;
        if (!fs::is_directory(from, ec)) continue;
        for (const auto& entry : fs::directory_iterator(from)) {
          const std::string file = entry.path().filename().string();
          if (file.size() < 5 || file.substr(file.size() - 5) != ".json") continue;
          const std::optional<std::string> text = read_whole(entry.path());
          if (!text) throw InputError("cannot read " + entry.path().string());
          write_file_atomically((fs::path(out) / "runs" / name / file).string(), *text, false);
        }
      }
    }
  } else {
    std::fprintf(stderr,
                 "merge: some shard has no runs/ directory; %s gets sweep.json and manifest.json "
                 "only\n",
                 out.c_str());
  }
  SweepResult result = finish_sweep(out, unsharded, std::move(scenarios));
  return result;
}

}  // namespace dreamsim::tools
