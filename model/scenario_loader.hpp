// Loads and validates scenario files (YAML or JSON, one schema); the only
// entry point from a file on disk to a model::Scenario.
//
// The format is documented field by field in scenarios/README.md. The loader
// decides the syntax by the file's extension (.yaml, .yml or .json), parses it
// into one document tree (scenario_document.hpp), and checks every field
// against the schema: types, ranges, units, unknown keys (with a "did you
// mean" suggestion), duplicate ids and keys, references between services,
// data stores, agents and keys, the dependency graph (no unknown dependency,
// no cycle; topology.hpp), load series files, and faults that could not take
// effect. It does not stop at the first problem: a LoadResult carries every
// problem found, each with its file, line, column and field path, or, when
// there was none, the Scenario with every default applied and the faults
// sorted by (start, declaration order).
//
// A load never throws, never aborts and never hangs on bad input; limits on
// file size, nesting and value count guard against hostile files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/scenario.hpp"
#include "model/scenario_diagnostic.hpp"
#include "model/scenario_document.hpp"

namespace dreamsim::model {

struct LoadResult {
  std::optional<Scenario> scenario;     // set exactly when diagnostics is empty
  std::vector<Diagnostic> diagnostics;  // in file order
  // How many problems were found; more than diagnostics.size() - 1 when the
  // list was cut at kMaxDiagnostics (its last entry then says so).
  size_t problems = 0;

  bool ok() const { return scenario.has_value(); }
  // Every diagnostic, one per line.
  std::string format() const { return format_diagnostics(diagnostics); }
};

// At most this many problems are reported for one file; a last diagnostic says
// how many more there were.
inline constexpr size_t kMaxDiagnostics = 200;
// Scenario and series files larger than this are refused unread.
inline constexpr size_t kMaxFileBytes = 64u << 20;

// The syntax a path's extension names (.yaml, .yml, .json; case-insensitive),
// or nothing for any other extension.
std::optional<SourceFormat> format_for_path(std::string_view path);

// Reads, parses and validates the file at `path`.
LoadResult load_scenario(const std::string& path);

// Validates `text` as if it were the file `virtual_path`: messages name it,
// and relative paths in it (load series, procedures) resolve against its
// folder. For tests, and for callers that have the text already.
LoadResult load_scenario_text(std::string_view text, SourceFormat format,
                              const std::string& virtual_path);

}  // namespace dreamsim::model
