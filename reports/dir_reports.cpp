#include "reports/dir_reports.hpp"

#include <filesystem>
#include <stdexcept>

#include "reports/gate_page.hpp"
#include "reports/report_io.hpp"
#include "reports/run_reports.hpp"
#include "reports/sweep_page.hpp"

namespace dreamsim::report {
namespace {

namespace fs = std::filesystem;

bool has(const std::string& dir, const char* name) {
  std::error_code ec;
  return fs::is_regular_file(fs::path(dir) / name, ec);
}

std::vector<std::string> write_page(const std::string& dir, const std::string& html) {
  const std::string path = (fs::path(dir) / "report.html").string();
  const std::string error = write_file_atomic(path, html);
  if (!error.empty()) throw std::runtime_error(error);
  return {path};
}

}  // namespace

ReportDirKind report_dir_kind(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw ReportInputError(dir + ": not a run, sweep or gate directory (no such directory)");
  }
  if (has(dir, "outcome.json")) return ReportDirKind::kRun;
  if (has(dir, "gate.json")) return ReportDirKind::kGate;
  if (has(dir, "sweep.json")) return ReportDirKind::kSweep;
  throw ReportInputError(dir +
                         ": not a run, sweep or gate directory: it holds no outcome.json (what "
                         "'dreamsim run --out DIR' writes), sweep.json ('dreamsim sweep' or "
                         "'merge') or gate.json ('dreamsim gate')");
}

std::string render_sweep_dir(const std::string& dir) {
  const std::string path = (fs::path(dir) / "sweep.json").string();
  return sweep_page(parse_json_file(path), path);
}

std::string render_gate_dir(const std::string& dir) {
  const std::string path = (fs::path(dir) / "gate.json").string();
  const Json gate = parse_json_file(path);
  Json sweeps[2];
  const char* sides[2] = {"baseline", "candidate"};
  for (int i = 0; i < 2; ++i) {
    const fs::path p = fs::path(dir) / sides[i] / "sweep.json";
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) sweeps[i] = parse_json_file(p.string());
  }
  // Both or neither: one side alone cannot be compared.
  if (sweeps[0].is_null() != sweeps[1].is_null()) sweeps[0] = sweeps[1] = nullptr;
  return gate_page(gate, sweeps[0], sweeps[1], path);
}

std::vector<std::string> write_dir_reports(const std::string& dir) {
  switch (report_dir_kind(dir)) {
    case ReportDirKind::kRun:
      return write_run_reports(dir);
    case ReportDirKind::kGate:
      return write_page(dir, render_gate_dir(dir));
    case ReportDirKind::kSweep:
      return write_page(dir, render_sweep_dir(dir));
  }
  throw std::logic_error("unknown report directory kind");
}

}  // namespace dreamsim::report
