// `dreamsim report RUN_DIR`: renders a run directory (what `dreamsim run
// --out DIR` wrote) into DIR/dag.dot, dag.svg, report.html and trace.json.
// Every file is a pure function of the directory's outcome.json and
// series.json. Exit 0, or 2 when the directory or a file in it is missing or
// malformed (the message names the file and the field).
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "reports/report_io.hpp"
#include "reports/run_reports.hpp"
#include "tools/cli.hpp"

namespace dreamsim::tools {

int write_reports_or_fail(const std::string& dir) {
  std::vector<std::string> written;
  try {
    written = report::write_run_reports(dir);
  } catch (const report::ReportInputError& e) {
    throw InputError(std::string("report: ") + e.what());
  } catch (const std::runtime_error& e) {
    throw InputError(std::string("report: ") + e.what());
  }
  for (const std::string& path : written) std::printf("  report               %s\n", path.c_str());
  return kExitOk;
}

void add_report_command(CLI::App& app, int* exit_code) {
  auto dir = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "report",
      "render a run directory (from 'dreamsim run --out DIR') into report.html, dag.svg, "
      "dag.dot and trace.json; exit 0, or 2 on a missing or malformed run directory");
  sub->add_option("RUN_DIR", *dir, "directory written by 'dreamsim run --out'")->required();
  sub->callback([dir, exit_code] {
    std::printf("report %s\n", dir->c_str());
    *exit_code = write_reports_or_fail(*dir);
  });
}

}  // namespace dreamsim::tools
