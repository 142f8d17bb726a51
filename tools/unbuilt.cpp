// Subcommands of the DESIGN.md contract that later issues build. Each one is
// listed in --help, accepts its arguments, and exits 2 naming the issue that
// adds it, so scripts written against the contract fail loudly, not silently.
#include <iostream>

#include "tools/cli.hpp"

namespace dreamsim::tools {

void add_unbuilt_commands(CLI::App& app, int* exit_code) {
  struct Unbuilt {
    const char* name;
    const char* what;
    const char* issue;
  };
  static constexpr Unbuilt kUnbuilt[] = {
      {"report", "render report.html, dag.svg, dag.dot, trace.json", "issue 8 (reports)"},
  };
  for (const Unbuilt& u : kUnbuilt) {
    CLI::App* sub = app.add_subcommand(u.name, std::string(u.what) + " (not built yet)");
    sub->allow_extras();
    sub->callback([u, exit_code] {
      std::cerr << "dreamsim " << u.name << ": not built yet; " << u.issue << " adds it\n";
      *exit_code = kExitBadInput;
    });
  }
}

}  // namespace dreamsim::tools
