// trace.json: the run in the Chrome trace-event format, which Perfetto
// (ui.perfetto.dev, "Open trace file") and chrome://tracing open as is.
//
// Layout: process 1 "services" has one track (thread) per service in
// declaration order, plus "system"; process 2 "controllers" one track per
// controller that acted or recorded something; process 3 "modes" one track
// each for safe mode, write drain and the kill switch. Faults are slices
// ("X") on the tracks of the services they touched, incidents and start-up
// phases slices on their controller's track, alerts instants ("i") on their
// service's track, actions instants on their controller's track with the
// reason in args. Slices on one track must nest, so slices that overlap
// without nesting go to a numbered extra track of the same service or
// controller ("api #2"). Times are microseconds of simulated time.
//
// Bounded under alert floods: at most kMaxTraceInstants alert instants and
// as many action instants are written (the first, in outcome order); the
// rest are counted in one "N more alerts elided" instant on the system
// track at the first one dropped, and in the document's "otherData"
// {"elided": ...}, which also repeats what outcome.json dropped
// (model::bound_outcome). A run within the bounds gives the same bytes as
// before.
#pragma once

#include <cstddef>
#include <string>

#include "reports/run_view.hpp"

namespace dreamsim::report {

inline constexpr size_t kMaxTraceInstants = 5000;

// The trace document, one event per line.
std::string chrome_trace(const RunDir& run, const RunView& view);

}  // namespace dreamsim::report
