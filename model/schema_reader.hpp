// The schema-reading machinery that the scenario loader and the procedures
// loader share: typed reads of the document tree (scenario_document.hpp)
// that record a problem, with the file's line and column and the field path,
// instead of returning a bad value.
//
// Every check of a loader is written with these pieces, so that both file
// formats speak one language to the user:
//
//   - a Checker collects every problem of a file (a load never stops at the
//     first one);
//   - a MapReader checks a mapping's keys once: a duplicate key is reported
//     with both positions, an unknown key with the closest known key
//     ("did you mean 'replicas'?") when one is at most two edits away, and
//     with the list of known keys otherwise;
//   - read_number, read_integer, read_duration, read_enum, ... read one value
//     against its type and range and say what was expected, with a hint for
//     the usual slips (a quoted number, `yes` for true, a duration without a
//     unit);
//   - sort_diagnostics() puts a file's problems in file order and caps them.
//
// Only loaders include this header (STYLE.md: only the loader touches raw
// YAML and JSON); everything downstream sees validated structs. The pieces
// live in the nested namespace `schema` so that their short names (quote,
// lower, ...) never meet a helper of the same name elsewhere in model/.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/scenario_diagnostic.hpp"
#include "model/scenario_document.hpp"
#include "sim/time.hpp"

namespace dreamsim::model {

// At most this many problems are reported for one file; a last diagnostic says
// how many more there were.
inline constexpr size_t kMaxDiagnostics = 200;
// Input files (scenarios, series, procedures) larger than this are refused
// unread.
inline constexpr size_t kMaxFileBytes = 64u << 20;

// The syntax a path's extension names (.yaml, .yml, .json; case-insensitive),
// or nothing for any other extension.
std::optional<SourceFormat> format_for_path(std::string_view path);

namespace schema {

using Keys = std::vector<std::string_view>;

// Durations in an input file are at most a leap year, so that any sum of two
// of them (a start plus a length) stays far from the 64-bit limit.
inline constexpr sim::Duration kMaxDuration = sim::Duration::hours(366 * 24);

// ---------------------------------------------------------------------------
// Text for messages.

// 'text', in single quotes.
std::string quote(std::string_view s);
// "base.key", or "key" at the top level.
std::string member_path(const std::string& base, std::string_view key);
// "base[i]".
std::string index_path(const std::string& base, size_t i);
// The shortest text that reads back as `v`; integers without a decimal point.
std::string number_text(double v);
// "a, b, c", at most a dozen, then "... (N more)"; "none" when empty.
std::string list_names(const std::vector<std::string>& names);
// "a, b, c", all of them.
std::string list_keys(const Keys& keys);
// ASCII lower case.
std::string lower(std::string_view s);
std::vector<std::string> to_strings(const Keys& keys);

// Optimal string alignment distance: Levenshtein plus transpositions of two
// neighbours, so that "replcias" is one edit from "replicas".
size_t edit_distance(std::string_view a, std::string_view b);
// The known name closest to `word`, when it is at most two edits away (case
// ignored); the first of equals in `known` order.
std::optional<std::string> suggest(std::string_view word, const std::vector<std::string>& known);
// "; did you mean 'x'?" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& known);

// An id: 1 to 64 letters, digits, '-', '_', '.', starting with a letter or
// digit.
bool valid_id(std::string_view id);

// ---------------------------------------------------------------------------
// Ranges of numbers, and how a message spells them.

struct Range {
  double lo = -std::numeric_limits<double>::infinity();
  bool lo_open = false;
  double hi = std::numeric_limits<double>::infinity();
  bool hi_open = false;

  bool contains(double v) const {
    if (lo_open ? !(v > lo) : !(v >= lo)) return false;
    if (hi_open ? !(v < hi) : !(v <= hi)) return false;
    return true;
  }
  // "in [0, 1]", "> 0", ">= 0", or "" for every number.
  std::string text() const;
};

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr Range kNonNegative{0, false, kInf, false};
inline constexpr Range kPositive{0, true, kInf, false};
inline constexpr Range kFraction{0, false, 1, false};
inline constexpr Range kPositiveFraction{0, true, 1, false};

// ---------------------------------------------------------------------------
// The collector of problems.

class Checker {
 public:
  explicit Checker(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }

  void error(Mark m, const std::string& path, std::string message) {
    diagnostics_.push_back(Diagnostic{file_, m.line, m.column, path, std::move(message)});
  }
  // A problem in another file that this one names (a series, procedures).
  void error_in(const std::string& file, int line, const std::string& path, std::string message) {
    diagnostics_.push_back(Diagnostic{file, line, 0, path, std::move(message)});
  }
  void add(std::vector<Diagnostic> more) {
    for (Diagnostic& d : more) diagnostics_.push_back(std::move(d));
  }
  size_t count() const { return diagnostics_.size(); }
  std::vector<Diagnostic> take() { return std::move(diagnostics_); }

 private:
  std::string file_;
  std::vector<Diagnostic> diagnostics_;
};

// In file order: the problems of `main_file` first, by position, then those
// in the files it names, in the order found. `*problems` is set to how many
// there were; beyond kMaxDiagnostics the list is cut and a last diagnostic
// says how many more there were.
std::vector<Diagnostic> sort_diagnostics(std::vector<Diagnostic> diagnostics,
                                         const std::string& main_file, size_t* problems);

// ---------------------------------------------------------------------------
// Typed reads of single values. Each returns nothing and records a problem
// when the value is not what the schema expects.

// A hint for a scalar of the wrong type ("(remove the quotes)"), or "".
// `expected_kind` is "string", "number", "integer" or "bool".
std::string type_hint(const DocNode& n, std::string_view expected_kind);

std::optional<double> read_number(Checker& c, const DocNode& n, const std::string& path,
                                  const Range& range);
std::optional<int64_t> read_integer(Checker& c, const DocNode& n, const std::string& path,
                                    int64_t lo, int64_t hi);
std::optional<uint64_t> read_unsigned(Checker& c, const DocNode& n, const std::string& path);
std::optional<bool> read_bool(Checker& c, const DocNode& n, const std::string& path);
std::optional<std::string> read_string(Checker& c, const DocNode& n, const std::string& path,
                                       bool allow_empty = false);
std::optional<std::string> read_id(Checker& c, const DocNode& n, const std::string& path);

struct DurationRule {
  bool positive = false;  // > 0 rather than >= 0
};

// A string with a unit ("30s", "1h30m"; sim::parse_duration), at most
// kMaxDuration; a bare number is refused with a request for a unit.
std::optional<sim::Duration> read_duration(Checker& c, const DocNode& n, const std::string& path,
                                           DurationRule rule);

// One of `names`; the index into it. `what` names the kind of value in
// messages ("fault kind").
std::optional<size_t> read_enum(Checker& c, const DocNode& n, const std::string& path,
                                const Keys& names, std::string_view what);

const std::vector<DocNode>* read_list(Checker& c, const DocNode& n, const std::string& path);

// ---------------------------------------------------------------------------
// Mappings: known keys, duplicates, required fields.

class MapReader {
 public:
  // Checks every key of `node` at once. `elsewhere` says, for a key not known
  // here, why it is not valid here or where it would be ("'replicas' does
  // not apply to a latency fault"); when it returns "", the key is reported
  // as unknown, with a suggestion.
  MapReader(Checker& c, const DocNode& node, std::string path, const Keys& known,
            std::function<std::string(std::string_view)> elsewhere = {});

  bool valid() const { return valid_; }
  const DocNode& node() const { return node_; }
  const std::string& path() const { return path_; }
  std::string path(std::string_view key) const { return member_path(path_, key); }
  Checker& checker() const { return c_; }

  // The first value under `key`, or null when absent (or not a mapping).
  const DocNode* get(std::string_view key) const;
  // get(), and a problem when the key is absent; `why` is added to the
  // message in parentheses.
  const DocNode* require(std::string_view key, std::string_view why = "");

 private:
  Checker& c_;
  const DocNode& node_;
  std::string path_;
  bool valid_ = false;
};

// Optional fields of a mapping: `out` keeps its value when the key is
// absent; true when absent or valid, false when present and invalid.
bool read_number_field(MapReader& m, std::string_view key, const Range& range, double& out);
bool read_duration_field(MapReader& m, std::string_view key, DurationRule rule, sim::Duration& out);
bool read_bool_field(MapReader& m, std::string_view key, bool& out);

// ---------------------------------------------------------------------------
// Files.

// Reads a whole file, refusing anything that is not a regular file or is
// larger than kMaxFileBytes. On failure `error` says why in a few words.
std::optional<std::string> read_file(const std::filesystem::path& path, std::string& error);

// An input file's text and the syntax its extension names.
struct InputText {
  std::string text;
  SourceFormat format;
};

// Reads `path`, whose extension (.yaml, .yml, .json) decides its syntax. On an
// unknown extension or a read error the problem goes into `c` and nothing is
// returned. The messages name the file as `file_kind` ("a scenario file ends
// in .yaml, .yml or .json") and `what` ("cannot read the scenario: ...").
std::optional<InputText> read_input(const std::string& path, std::string_view file_kind,
                                    std::string_view what, Checker& c);

}  // namespace schema
}  // namespace dreamsim::model
