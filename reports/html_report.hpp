// report.html: one self-contained page per run (inline CSS, JavaScript and
// SVG; nothing is fetched), for debriefing a game day or a failed gate.
//
// Sections: a header (scenario, seed, procedures file and hash, trace hash,
// score, pass or fail, the replay command); the dependency DAG (dag.hpp);
// the timeline, an SVG drawn here with one swim lane per kind of event
// (run_view.hpp) on simulated time, where hovering a bar or a mark shows its
// detail (an action's reason); golden-signal charts, drawn in the browser
// from data embedded in the page, with the P0/P1/P2 thresholds and the
// fault intervals shaded; the expectations with their evidence, the
// metrics, the post-mortem of each incident, and any outcome section this
// renderer does not know, as JSON.
//
// Staying readable at scale (a 7-day run of a thousand services): the
// series are roll-ups (series.hpp); only the involved services are charted
// by default, at most kMaxDefaultCharts of them; every other service can be
// charted on demand from a coarser copy of its series (at most
// kOnDemandPoints points). Timeline marks closer than a pixel are merged
// into one mark whose hover lists them. The page's script records any error
// it meets in #script-errors, which the browser test reads.
//
// Everything that comes from the run is escaped: text for HTML, JSON inside
// <script> with '<', '>' and '&' as \u escapes, so a scenario named
// "<script>alert(1)</script>" shows as text.
#pragma once

#include <cstddef>
#include <string>

#include "reports/run_view.hpp"

namespace dreamsim::report {

inline constexpr size_t kOnDemandPoints = 60;

std::string html_escape(const std::string& text);

// JSON text that is safe inside <script type="application/json">.
std::string script_json(const Json& document);

// The page. `dag_svg` is the inline <svg> of the DAG (inline_svg()).
std::string html_report(const RunDir& run, const RunView& view, const std::string& dag_svg);

// The timeline's <svg> element alone (for tests and for the page).
std::string timeline_svg(const RunView& view);

}  // namespace dreamsim::report
