// The sweep runner behind `dreamsim sweep`, `dreamsim merge` and `dreamsim
// gate`: every scenario on every seed of a range, on a pool of threads, into
// a directory that survives being killed.
//
// The output directory:
//   DIR/manifest.json           the arguments that decide the results: seeds,
//                               shard, procedures (path and hash), scenarios
//                               (name, file as given, hash of the file and
//                               of every file it reads). Written first.
//   DIR/runs/<scenario>/<seed>.json
//                               each run's outcome.json, byte for byte what
//                               `dreamsim run SCENARIO --seed N` writes,
//                               written as a temporary file renamed into
//                               place, so a file there is always complete.
//   DIR/sweep.json              the aggregate (reports/sweep_report.hpp),
//                               written last, atomically.
//
// Run again with the same arguments, a sweep keeps every finished run it
// finds under DIR/runs (a file that does not parse as that run's outcome is
// run again) and runs only the rest; with other arguments it refuses, naming
// what changed, so results of two different sweeps never mix. Which run goes
// to which thread, and when it finishes, changes nothing in the bytes
// written: every result lands in its own slot and sweep.json is built once,
// in (scenario, seed) order, at the end.
//
// `--shard K/N` takes the runs whose index in (scenario, seed) order is
// K-1 modulo N: round robin, so that the slow scenarios spread over the
// shards. merge_sweeps() checks that the shard directories hold the same
// manifest up to the shard and every K of 1..N exactly once, and writes
// what the unsharded sweep writes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "controllers/procedures.hpp"
#include "reports/sweep_report.hpp"

namespace dreamsim::tools {

struct SeedRange {
  uint64_t first = 1;
  uint64_t last = 1;
  uint64_t count() const { return last - first + 1; }
};

// "A..B" with A <= B, or a single seed "N"; InputError naming `flag`
// otherwise.
SeedRange parse_seeds(const std::string& text, const std::string& flag);

// "K/N" with 1 <= K <= N; InputError naming `flag` otherwise.
std::pair<uint64_t, uint64_t> parse_shard(const std::string& text, const std::string& flag);

struct SweepPlan {
  std::vector<std::string> scenario_files;
  SeedRange seeds;
  uint64_t shard_index = 1;  // 1..shard_count
  uint64_t shard_count = 1;
  std::string procedures_file;  // "": each scenario's own procedures
  std::string out;
  unsigned jobs = 1;
  std::string label = "sweep";  // how progress lines name this sweep
};

struct SweepResult {
  report::Json sweep;                           // what DIR/sweep.json holds
  std::vector<report::ScenarioRuns> scenarios;  // in the order given
  size_t failed_runs = 0;
  size_t kept_runs = 0;  // found finished under DIR/runs
  size_t new_runs = 0;
};

// Loads a procedures file named by `flag` ("--procedures"); InputError with
// every problem when it is missing, a scenario, or invalid.
ctl::Procedures load_procedures_file(const std::string& path, const std::string& flag);

// Runs (or resumes) the sweep and writes DIR. Bad input (a scenario or
// procedures file the loaders reject, two scenarios with one name, a DIR
// that holds something else) throws InputError.
SweepResult run_sweep(const SweepPlan& plan);

// Combines shard directories into `out`; returns the unsharded result.
SweepResult merge_sweeps(const std::vector<std::string>& shard_dirs, const std::string& out);

// Writes `text` to `path` atomically (temporary file, then rename); creates
// the parent directory. `durable` also syncs the file to disk before the
// rename. InputError naming the path on failure.
void write_file_atomically(const std::string& path, const std::string& text, bool durable);

}  // namespace dreamsim::tools
