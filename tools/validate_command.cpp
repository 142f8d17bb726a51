// `dreamsim validate FILE...`: checks scenario and procedures files without
// running them.
//
// Every file is checked, even after a bad one, so that one run lists every
// problem in every file. A file's kind is told by its top-level keys
// (model::load_input): `services` makes a scenario, procedures sections
// (alerting, startup, incident, recovery) a procedures file. A good file gets one line
// on stdout with what it holds (for procedures, the hash that outcomes and
// gate reports name them by); a bad file gets every problem on stderr, one
// per line, in the compiler style `file:line:col: field.path: message`, then
// a count. The exit code is 0 when every file is good and 2 (bad input)
// otherwise.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "model/scenario_loader.hpp"
#include "model/topology.hpp"
#include "sim/time.hpp"
#include "tools/cli.hpp"

namespace dreamsim::tools {
namespace {

std::string plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string summary(const model::Scenario& s) {
  const model::Topology topology(s);
  const model::Topology::CriticalPath path = topology.critical_path();
  std::string out = plural(s.services.size(), "service", "services") + ", " +
                    plural(s.faults.size(), "fault", "faults") + ", " +
                    plural(s.data_stores.size(), "data store", "data stores") + ", " +
                    plural(s.agents.size(), "agent", "agents") + ", " +
                    plural(s.load.size(), "entry load", "entry loads") + "; " +
                    sim::format_duration(s.duration) + " in ticks of " +
                    sim::format_duration(s.tick) + "; " +
                    plural(topology.startup_waves().size(), "start-up wave", "start-up waves") +
                    ", critical path " + sim::format_duration(path.total);
  // The chain itself, shortened in the middle on large graphs so that the
  // summary stays one readable line.
  constexpr size_t kShown = 4;
  const std::vector<size_t>& chain = path.services;
  if (!chain.empty()) {
    out += " (";
    for (size_t i = 0; i < chain.size(); ++i) {
      if (chain.size() > 2 * kShown && i == kShown) {
        out += " -> ... " + std::to_string(chain.size() - 2 * kShown) + " more ...";
        i = chain.size() - kShown - 1;
        continue;
      }
      if (i > 0) out += " -> ";
      out += s.services[chain[i]].id;
    }
    out += ")";
  }
  if (s.startup != model::StartupMode::kNone) {
    out += std::string("; start-up ") + model::to_string(s.startup);
  }
  if (s.procedures_loaded) out += "; procedures hash " + s.procedures_loaded->hash;
  return out;
}

}  // namespace

void add_validate_command(CLI::App& app, int* exit_code) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* sub = app.add_subcommand(
      "validate",
      "check scenario and procedures files (YAML or JSON) without running them; exit 0 if all "
      "are valid, 2 otherwise");
  sub->add_option("FILE", *files, "scenario or procedures files (.yaml, .yml or .json)")
      ->required();
  sub->callback([files, exit_code] {
    bool all_ok = true;
    for (const std::string& file : *files) {
      const model::InputLoad result = model::load_input(file);
      if (result.scenario) {
        std::cout << file << ": ok (" << summary(*result.scenario) << ")\n";
        continue;
      }
      if (result.procedures) {
        std::cout << file << ": ok (procedures, hash " << result.procedures->hash << ")\n";
        continue;
      }
      all_ok = false;
      std::cerr << result.format();
      std::cerr << file << ": " << plural(result.problems, "problem", "problems") << "\n";
    }
    std::cout.flush();
    *exit_code = all_ok ? kExitOk : kExitBadInput;
  });
}

}  // namespace dreamsim::tools
