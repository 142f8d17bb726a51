// `dreamsim report DIR`: renders a run directory (what `dreamsim run
// --out DIR` wrote) into DIR/dag.dot, dag.svg, report.html and trace.json,
// a sweep directory (`dreamsim sweep` or `merge`) or a gate directory
// (`dreamsim gate`) into DIR/report.html (reports/dir_reports.hpp). Every
// file is a pure function of the directory's documents. Exit 0, or 2 when
// the directory is none of these or a file in it is missing or malformed
// (the message names the file and the field).
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "reports/dir_reports.hpp"
#include "reports/report_io.hpp"
#include "reports/run_reports.hpp"
#include "tools/cli.hpp"

namespace dreamsim::tools {

namespace {

// `any_kind`: a sweep or gate directory too (the `report` command); a run's
// --report renders only its own run directory.
int render_or_fail(const std::string& dir, bool any_kind) {
  std::vector<std::string> written;
  try {
    written = any_kind ? report::write_dir_reports(dir) : report::write_run_reports(dir);
  } catch (const report::ReportInputError& e) {
    throw InputError(std::string("report: ") + e.what());
  } catch (const std::runtime_error& e) {
    throw InputError(std::string("report: ") + e.what());
  }
  for (const std::string& path : written) std::printf("  report               %s\n", path.c_str());
  return kExitOk;
}

}  // namespace

int write_reports_or_fail(const std::string& dir) { return render_or_fail(dir, false); }

void add_report_command(CLI::App& app, int* exit_code) {
  auto dir = std::make_shared<std::string>();
  CLI::App* sub = app.add_subcommand(
      "report",
      "render a run directory (from 'dreamsim run --out DIR') into report.html, dag.svg, "
      "dag.dot and trace.json, or a sweep or gate directory into report.html; exit 0, or 2 on "
      "a missing or malformed directory");
  sub->add_option("RUN_DIR", *dir,
                  "directory written by 'dreamsim run --out', 'sweep', 'merge' or 'gate'")
      ->required();
  sub->callback([dir, exit_code] {
    std::printf("report %s\n", dir->c_str());
    *exit_code = render_or_fail(*dir, true);
  });
}

}  // namespace dreamsim::tools
