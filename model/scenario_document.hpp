// The scenario loader's view of a YAML or JSON file: one tree, one schema.
//
// YAML and JSON are parsed into the same small tree of nulls, booleans,
// numbers, strings, lists and mappings, each node stamped with the line and
// column where it starts. The schema checks in scenario_loader.cpp run on this
// tree only, so a file gives the same Scenario and the same messages whichever
// syntax it is written in. This file and scenario_document.cpp are the only
// code that touches yaml-cpp and nlohmann's parser (STYLE.md: only the loader
// touches raw JSON/YAML).
//
// What the two parsers do not do and this layer adds:
// - positions for JSON values (nlohmann reports them only for syntax errors);
// - duplicate keys are kept (both parsers would silently keep one) so that
//   the schema check can report them with both lines;
// - YAML plain scalars are resolved with the YAML 1.2 core schema (so `yes`
//   is a string, not a boolean), and quoted scalars are always strings;
// - numbers keep the text they were written as, so that an integer beyond 64
//   bits or 1e999 is reported as out of range rather than rounded;
// - limits on nesting depth and node count, so that hostile input (a billion
//   laughs of YAML aliases, ten thousand nested brackets) ends in a clean
//   error rather than a hang or a stack overflow.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/scenario_diagnostic.hpp"

namespace dreamsim::model {

enum class SourceFormat { kYaml, kJson };

// A position in the text, 1-based; 0 means unknown.
struct Mark {
  int line = 0;
  int column = 0;
};

struct DocMember;

struct DocNode {
  enum class Type { kNull, kBool, kInteger, kFloat, kString, kList, kMap };

  Type type = Type::kNull;
  Mark mark;
  // Scalars: the text as written (for strings, the decoded value).
  std::string text;
  bool boolean = false;
  // Numbers. An integer that fits 64 bits has `integer` (signed) and, when it
  // is not negative, `unsigned_integer`; `number` is the value as a double.
  // `out_of_range` is set for integers beyond 64 bits and floats beyond the
  // range of a double (1e999).
  std::optional<int64_t> integer;
  std::optional<uint64_t> unsigned_integer;
  double number = 0.0;
  bool out_of_range = false;
  std::vector<DocNode> items;      // kList
  std::vector<DocMember> members;  // kMap, in file order, duplicates kept

  bool is_scalar() const { return type != Type::kList && type != Type::kMap; }
};

struct DocMember {
  std::string key;
  Mark key_mark;
  DocNode value;
};

// What a value is, for messages: "an integer", "a string \"abc\"", "a list".
std::string describe(const DocNode& node);

// The tree as JSON (for the expectations, which are kept as written).
// Duplicate keys keep the last value; out-of-range numbers become null.
nlohmann::json to_json(const DocNode& node);

struct DocParse {
  std::optional<DocNode> root;       // absent when the text could not be parsed
  std::vector<Diagnostic> problems;  // file is filled in from `file`
};

// Limits against hostile input; far beyond any real scenario.
inline constexpr int kMaxDocumentDepth = 64;
inline constexpr size_t kMaxDocumentNodes = 2'000'000;

// Parses `text`, which must be UTF-8. An empty document (nothing but
// whitespace and comments) is reported as a problem, as are syntax errors,
// invalid UTF-8, several YAML documents in one file, and the limits above.
DocParse parse_document(std::string_view text, SourceFormat format, const std::string& file);

}  // namespace dreamsim::model
