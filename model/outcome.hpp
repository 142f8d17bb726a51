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
std::string write_file_atomic(const std::string& path, const std::string& text);

std::string write_outcome(const std::string& dir, const nlohmann::ordered_json& outcome);

}  // namespace dreamsim::model
