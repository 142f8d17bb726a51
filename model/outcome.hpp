// outcome.json: what one run produced, in the stable format of DESIGN.md
// ("dreamsim.outcome/1"), and the atomic write of it.
//
// The document is built as an nlohmann::ordered_json in a fixed key order and
// every number is rounded to a fixed precision (six decimals for ratios and
// seconds, whole units for counts of requests, writes and records), so the
// bytes are a pure function of the run: the determinism tests compare them.
// Fields that need the controllers of later issues are present with null
// (ttd_s, ttm_s, ttr_s, score) or empty lists (alerts, actions,
// expectations), so scripts written against the format work from day one.
//
// Beyond the stable fields it adds golden-signal summaries: "system" (what
// users see at the entry services) and "services" (one entry per service, in
// declaration order), plus "data_stores" and "checks".
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/world.hpp"

namespace dreamsim::model {

inline constexpr const char* kOutcomeFormat = "dreamsim.outcome/1";

// The outcome of a finished (or stopped) run.
nlohmann::ordered_json outcome_json(const World& world);

// Alert floods (a flapping dependency for a week, a thousand services
// paging at once) must not make outcome.json, and the reports drawn from
// it, grow without bound. Once a run is judged (expectations, score and
// metrics count every entry), bound_outcome() keeps the first
// kMaxOutcomeEntries of each of "alerts", "actions", "notes" and the
// detectors' "alerts" and the first kMaxOutcomeIncidents of "incidents"
// (an incident carries its actions), in time order, and says what it
// dropped in "elided":
//   {"alerts": {"kept": 5000, "total": 12840}, ..., "note": "..."}
// The section is absent when nothing was dropped, so an ordinary run's
// bytes do not change.
inline constexpr size_t kMaxOutcomeEntries = 5000;
inline constexpr size_t kMaxOutcomeIncidents = 1000;
void bound_outcome(nlohmann::ordered_json& outcome);

// The document as written to disk: two-space indentation and a final newline.
std::string outcome_text(const nlohmann::ordered_json& outcome);

// Writes `outcome` to DIR/outcome.json atomically: DIR/outcome.json.tmp is
// written and flushed, then renamed over the target, so a reader never sees
// half a file. Creates DIR if needed. Returns an empty string on success, or a
// message naming the path and the system error.
// Writes `text` to PATH atomically: PATH.tmp is written, flushed and synced,
// then renamed over PATH, so a reader never sees half a file; creates the
// parent directory. Returns "" on success, or a message naming the path and
// the system error. Every file dreamsim writes goes through this.
// kNoSync skips the fsync (still atomic against a crash of dreamsim, not of
// the machine): a sweep writes thousands of per-run files, and its resume
// re-runs any run whose file did not survive.
enum class Durability { kSync, kNoSync };
std::string write_file_atomic(const std::string& path, const std::string& text,
                              Durability durability = Durability::kSync);

std::string write_outcome(const std::string& dir, const nlohmann::ordered_json& outcome);

}  // namespace dreamsim::model
