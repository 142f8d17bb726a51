// Shared pieces of the `dreamsim` command line. Only tools/ reads argv, the
// environment and the wall clock; everything below it sees validated values.
#pragma once

#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>

namespace dreamsim::tools {

// Exit codes are part of the contract users script against (DESIGN.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // an expectation failed, a gate said worse
inline constexpr int kExitBadInput = 2;  // bad file, flag or value

// Bad input found after parsing (a file, a value): printed, then exit 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Accepts only plain non-negative integers: CLI11 would wrap "-3" into a
// huge unsigned value, which for a seed is a silent, wrong run.
inline const CLI::Validator kUnsignedInteger(
    [](std::string& text) -> std::string {
      if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
        return "expected a non-negative integer, got '" + text + "'";
      }
      return {};
    },
    "UINT");

// Each subcommand file adds its subcommand to the app; the callback stores the
// exit code in `*exit_code`.
void add_bench_command(CLI::App& app, int* exit_code);
void add_run_command(CLI::App& app, int* exit_code);
// `bench world`, added to the `bench` subcommand by add_bench_command.
void add_bench_world(CLI::App& bench, int* exit_code);
void add_validate_command(CLI::App& app, int* exit_code);
void add_eval_command(CLI::App& app, int* exit_code);
void add_report_command(CLI::App& app, int* exit_code);
// Renders DIR's reports (report_command.cpp) and prints the paths; throws
// InputError on a bad run directory. Returns the exit code.
int write_reports_or_fail(const std::string& dir);
void add_sweep_command(CLI::App& app, int* exit_code);
void add_merge_command(CLI::App& app, int* exit_code);
void add_gate_command(CLI::App& app, int* exit_code);

// Wall-clock seconds since an arbitrary start (steady clock), and the peak
// resident set size of this process in bytes. For benchmarks and progress
// only; never fed into a simulation.
double wall_seconds();
uint64_t peak_rss_bytes();

}  // namespace dreamsim::tools
