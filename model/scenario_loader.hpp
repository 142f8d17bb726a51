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

#include "controllers/procedures.hpp"
#include "model/scenario.hpp"
#include "model/scenario_diagnostic.hpp"
#include "model/scenario_document.hpp"
#include "model/schema_reader.hpp"

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

// kMaxDiagnostics (problems reported per file), kMaxFileBytes (larger files
// are refused unread) and format_for_path() (the syntax an extension names)
// are declared in schema_reader.hpp, shared with the procedures loader.

// Reads, parses and validates the file at `path`.
LoadResult load_scenario(const std::string& path);

// Validates `text` as if it were the file `virtual_path`: messages name it,
// and relative paths in it (load series, procedures) resolve against its
// folder. For tests, and for callers that have the text already.
LoadResult load_scenario_text(std::string_view text, SourceFormat format,
                              const std::string& virtual_path);

// What `dreamsim validate` reads: a scenario or a procedures file, told apart
// by the top-level keys of the document. A mapping with `services`, or with
// other scenario fields and no procedures section, is a scenario; a mapping
// whose keys are all procedures sections (procedures_sections(); `{}`
// included) is a procedures file, as is one with a procedures section and no
// scenario field. Top-level `x-` keys do not count, nor does `startup`, which
// both kinds have. Anything else is neither, and its diagnostic names the
// keys each kind has. A file that cannot be read or parsed is reported as a
// scenario load would report it.
enum class InputKind { kUnknown, kScenario, kProcedures };

struct InputLoad {
  InputKind kind = InputKind::kUnknown;
  std::optional<Scenario> scenario;           // kScenario, when valid
  std::optional<ctl::Procedures> procedures;  // kProcedures, when valid
  std::vector<Diagnostic> diagnostics;        // in file order; empty when valid
  size_t problems = 0;

  bool ok() const { return scenario.has_value() || procedures.has_value(); }
  std::string format() const { return format_diagnostics(diagnostics); }
};

InputLoad load_input(const std::string& path);

}  // namespace dreamsim::model
