// Loads and validates procedures files (YAML or JSON, one schema): the only
// entry point from a file on disk to a ctl::Procedures.
//
// A procedures file holds everything a team would change in a pull request:
// alert thresholds and evaluation windows, health-gate timeouts, traffic
// grading phases, runbook response times. Its format is documented field by
// field in scenarios/procedures/README.md; scenarios/procedures/default.yaml
// carries the seed's numbers, which are also the defaults of the structs in
// controllers/procedures.hpp.
//
// Every field is optional: a field the file leaves out keeps the seed's
// value (the documented default), so `{}` is the seed's procedures and a
// pull request may change one number. Every field that is present is
// checked with the scenario loader's machinery (schema_reader.hpp) and its
// quality of messages: types, ranges, units, enum values with the allowed
// ones listed, unknown keys with "did you mean", duplicate keys; and the
// cross-field rules of the procedures: thresholds ordered P0 >= P1 >= P2 > 0
// per signal, grading fractions strictly increasing and ending at 1, response
// limits ordered P0 <= P1 <= P2. A load never stops at the first problem,
// never throws and never hangs on bad input.
//
// The result carries the file's path and a hash of its bytes, so that an
// outcome or a gate report names exactly which procedures it ran with.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controllers/procedures.hpp"
#include "model/scenario_diagnostic.hpp"
#include "model/scenario_document.hpp"

namespace dreamsim::model {

struct ProceduresLoad {
  // Set exactly when diagnostics is empty; `path` is the path loaded (as
  // given) and `hash` the 16 hex digits of sim::stable_hash over the file's
  // bytes (sim::format_hash).
  std::optional<ctl::Procedures> procedures;
  std::vector<Diagnostic> diagnostics;  // in file order
  // How many problems were found; more than diagnostics.size() - 1 when the
  // list was cut at kMaxDiagnostics (its last entry then says so).
  size_t problems = 0;

  bool ok() const { return procedures.has_value(); }
  // Every diagnostic, one per line.
  std::string format() const { return format_diagnostics(diagnostics); }
};

// The top-level sections of a procedures file, in the order of the format.
// Later issues add sections (deployment, detectors, resilience, recovery);
// `dreamsim validate` tells a procedures file from a scenario by them.
const std::vector<std::string>& procedures_sections();

// Reads, parses and validates the file at `path`; the syntax is decided by
// the extension (.yaml, .yml, .json).
ProceduresLoad load_procedures(const std::string& path);

// Validates `text` as if it were the file `virtual_path`: messages name it,
// and the result's path is it.
ProceduresLoad load_procedures_text(std::string_view text, SourceFormat format,
                                    const std::string& virtual_path);

}  // namespace dreamsim::model
