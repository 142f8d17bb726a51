// `dreamsim report RUN_DIR`: everything rendered from one run directory.
#pragma once

#include <string>
#include <vector>

#include "reports/run_view.hpp"

namespace dreamsim::report {

struct RunReports {
  std::string dag_dot;
  std::string dag_svg;
  std::string report_html;
  std::string trace_json;
};

// Renders every report of a loaded run directory; a pure function of it.
RunReports render_run_reports(const RunDir& run);

// Loads DIR, renders, and writes DIR/dag.dot, dag.svg, report.html and
// trace.json, each atomically. Returns the paths written. Throws
// ReportInputError on bad input and std::runtime_error when a file cannot
// be written (the message names it).
std::vector<std::string> write_run_reports(const std::string& dir);

}  // namespace dreamsim::report
