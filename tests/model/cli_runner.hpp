// Runs the built `dreamsim` binary as a user would, for the CLI tests:
// exit code, stdout and stderr. Output goes through files named after the
// process, so tests that ctest runs in parallel never read each other's.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace dreamsim::cli_test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A path in single quotes, for the shell.
inline std::string quoted(const std::filesystem::path& p) {
  std::string out;
  out.append("'").append(p.string()).append("'");
  return out;
}

// `dreamsim ARGS` (ARGS already quoted as the shell needs).
inline CommandResult run_dreamsim(const std::string& args) {
  const std::filesystem::path dir(::testing::TempDir());
  const std::string stem = "dreamsim_cli." + std::to_string(getpid());
  const std::filesystem::path out = dir / (stem + ".out");
  const std::filesystem::path err = dir / (stem + ".err");
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on
  // a chain of operator+ that starts with a one-character literal.
  std::string command;
  command.append("'").append(DREAMSIM_BINARY).append("' ").append(args);
  command.append(" >'").append(out.string()).append("' 2>'").append(err.string()).append("'");
  const int status = std::system(command.c_str());
  CommandResult run;
  if (status != -1 && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  run.out = read_text(out);
  run.err = read_text(err);
  return run;
}

}  // namespace dreamsim::cli_test
