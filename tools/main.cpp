// dreamsim: the command line. Parses argv with CLI11, dispatches to the
// subcommands, and maps every kind of bad input to exit code 2 with a message
// that names what was wrong.
#include <cstdio>
#include <iostream>
#include <set>
#include <string>

#include "tools/cli.hpp"

namespace {

constexpr const char* kVersion = DREAMSIM_VERSION;

std::string usage_hint(const CLI::App* app) {
  std::string path = "dreamsim";
  std::vector<std::string> names;
  for (const CLI::App* a = app; a != nullptr && a->get_parent() != nullptr; a = a->get_parent()) {
    names.insert(names.begin(), a->get_name());
  }
  for (const auto& n : names) path += " " + n;
  return "run '" + path + " --help' for usage";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dreamsim::tools;
  CLI::App app{
      "dreamsim: deterministic simulation and chaos testing of the DreamNet operational "
      "procedures.\nA run is a function of (scenario, procedures, seed).",
      "dreamsim"};
  app.set_version_flag("--version", std::string("dreamsim ") + kVersion);
  app.require_subcommand(1);
  app.fallthrough(false);

  int exit_code = kExitOk;
  add_bench_command(app, &exit_code);
  add_run_command(app, &exit_code);
  add_validate_command(app, &exit_code);
  add_eval_command(app, &exit_code);
  add_report_command(app, &exit_code);
  add_sweep_command(app, &exit_code);
  add_merge_command(app, &exit_code);
  add_gate_command(app, &exit_code);

  // An unknown subcommand gets a message that names it rather than CLI11's
  // generic "arguments were not expected".
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) known |= sub->get_name() == argv[1];
    if (!known) {
      std::cerr << "dreamsim: unknown subcommand '" << argv[1] << "'; run 'dreamsim --help' "
                << "for the list\n";
      return kExitBadInput;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const CLI::App* where = &app;
    // The deepest subcommand that was parsed, for the help hint.
    for (bool deeper = true; deeper;) {
      deeper = false;
      for (const CLI::App* sub : where->get_subcommands()) {
        where = sub;
        deeper = true;
      }
    }
    std::cerr << "dreamsim: error: " << e.what() << "\n" << usage_hint(where) << "\n";
    return kExitBadInput;
  } catch (const InputError& e) {
    std::cerr << "dreamsim: error: " << e.what() << "\n";
    return kExitBadInput;
  }
  std::fflush(stdout);
  return exit_code;
}
