// The sweep page (DIR/report.html of `dreamsim sweep` and `dreamsim merge`):
// one self-contained HTML file rendered from sweep.json alone, so that the
// same document gives the same bytes and a merged sweep the page of the
// unsharded one.
//
// Sections: a header (seeds, runs, pass rate, procedures, shard); an
// overview table with a row per scenario; then per scenario the pass rate
// of each expectation, the worst seeds (most expectations failed, then the
// lowest score) each with the command that replays it, and the
// distribution over the seeds of every metric and of the score, as
// empirical CDFs (ecdf_svg.hpp says why not histograms) with the p50 and
// p95 the sweep computed. Every name from a scenario file is escaped.
#pragma once

#include <cstddef>
#include <string>

#include "reports/report_io.hpp"

namespace dreamsim::report {

// Seeds listed as the worst of a scenario.
inline constexpr size_t kWorstSeeds = 5;

// The page. `where` names the document in error messages ("DIR/sweep.json");
// a malformed document throws ReportInputError naming it and the field.
std::string sweep_page(const Json& sweep, const std::string& where = "sweep.json");

}  // namespace dreamsim::report
