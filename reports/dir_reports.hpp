// `dreamsim report DIR`: which reports a directory gets, by the files it
// holds. A run directory (outcome.json, from `dreamsim run --out`) gets
// dag.dot, dag.svg, report.html and trace.json (run_reports.hpp); a gate
// directory (gate.json, from `dreamsim gate --out`) report.html from
// gate.json and the two sweeps under it (gate_page.hpp); a sweep directory
// (sweep.json, from `dreamsim sweep` or `merge`) report.html from sweep.json
// (sweep_page.hpp). Anything else is bad input.
#pragma once

#include <string>
#include <vector>

namespace dreamsim::report {

enum class ReportDirKind { kRun, kGate, kSweep };

// The kind of DIR, checked in that order (a gate directory holds two sweep
// directories, not a sweep.json of its own). Throws ReportInputError
// naming DIR and the files looked for when it is none of them.
ReportDirKind report_dir_kind(const std::string& dir);

// The page of a sweep or gate directory, a pure function of its files.
std::string render_sweep_dir(const std::string& dir);
std::string render_gate_dir(const std::string& dir);

// Renders DIR by its kind and writes the files atomically; returns the
// paths written. Throws ReportInputError on bad input and
// std::runtime_error when a file cannot be written.
std::vector<std::string> write_dir_reports(const std::string& dir);

}  // namespace dreamsim::report
