// The gate page (DIR/report.html of `dreamsim gate`): one self-contained
// HTML file that shows, per scenario, the baseline and the candidate side
// by side. Rendered from gate.json (the verdicts, medians, shifts and
// p-values, reports/gate_report.hpp) and the two sweeps' sweep.json
// (DIR/baseline, DIR/candidate) for what gate.json does not keep: the p95
// of each metric and the distributions over the seeds. A pure function of
// those three documents.
//
// Sections: the overall verdict at the top with both procedures files; an
// overview with a row per scenario; then per scenario its verdict, the
// gated metrics (median and p95 of both, the Hodges-Lehmann shift, the
// tolerance, the Wilcoxon p-value, the verdict, the worst seeds with the
// commands that replay them with either file), baseline and candidate
// empirical CDFs of each gated metric that varies on one frame, the expectations
// (broken and fixed seeds, with replay commands), and the other metrics'
// p50 and p95 side by side. Every name from a scenario file is escaped.
#pragma once

#include <string>

#include "reports/report_io.hpp"

namespace dreamsim::report {

// Seeds of a broken expectation given with their replay commands (the
// others are listed); a metric gives the commands of its worst seed.
inline constexpr size_t kReplayedSeeds = 3;

// The page. `baseline` and `candidate` are the two sweep.json documents, or
// null when the directory lacks them (the page then says what it cannot
// show). `where` names gate.json in error messages; a malformed document
// throws ReportInputError naming it and the field.
std::string gate_page(const Json& gate, const Json& baseline, const Json& candidate,
                      const std::string& where = "gate.json");

}  // namespace dreamsim::report
