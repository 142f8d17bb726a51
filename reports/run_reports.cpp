#include "reports/run_reports.hpp"

#include <filesystem>
#include <stdexcept>

#include "reports/dag.hpp"
#include "reports/html_report.hpp"
#include "reports/trace_events.hpp"

namespace dreamsim::report {

RunReports render_run_reports(const RunDir& run) {
  const RunView view = build_view(run);
  const DagOutput dag = render_dag(view);
  RunReports out;
  out.dag_dot = dag.dot;
  out.dag_svg = dag.svg;
  out.report_html = html_report(run, view, inline_svg(dag.svg));
  out.trace_json = chrome_trace(run, view);
  return out;
}

std::vector<std::string> write_run_reports(const std::string& dir) {
  const RunReports r = render_run_reports(load_run_dir(dir));
  const std::pair<const char*, const std::string*> files[] = {
      {"dag.dot", &r.dag_dot},
      {"dag.svg", &r.dag_svg},
      {"report.html", &r.report_html},
      {"trace.json", &r.trace_json},
  };
  std::vector<std::string> written;
  for (const auto& [name, text] : files) {
    const std::string path = (std::filesystem::path(dir) / name).string();
    const std::string error = write_file_atomic(path, *text);
    if (!error.empty()) throw std::runtime_error(error);
    written.push_back(path);
  }
  return written;
}

}  // namespace dreamsim::report
