#include "model/schema_reader.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <system_error>
#include <utility>

namespace dreamsim::model {

namespace fs = std::filesystem;

std::string Diagnostic::format() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  out += ": ";
  if (!path.empty()) out += path + ": ";
  out += message;
  return out;
}

std::string format_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += d.format() + "\n";
  return out;
}

std::optional<SourceFormat> format_for_path(std::string_view path) {
  const std::string ext = schema::lower(fs::path(path).extension().string());
  if (ext == ".yaml" || ext == ".yml") return SourceFormat::kYaml;
  if (ext == ".json") return SourceFormat::kJson;
  return std::nullopt;
}

namespace schema {
namespace {

using Type = DocNode::Type;

constexpr size_t kMaxIdLength = 64;
constexpr size_t kMaxListedNames = 12;

}  // namespace

// ---------------------------------------------------------------------------
// Text for messages.

std::string quote(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string member_path(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}

std::string index_path(const std::string& base, size_t i) {
  return base + "[" + std::to_string(i) + "]";
}

std::string number_text(double v) {
  if (std::isinf(v)) return v > 0 ? "infinity" : "-infinity";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  char buf[32];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, ptr) : std::string("?");
}

std::string list_names(const std::vector<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  const size_t shown = std::min(names.size(), kMaxListedNames);
  for (size_t i = 0; i < shown; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (names.size() > shown) out += ", ... (" + std::to_string(names.size() - shown) + " more)";
  return out;
}

std::string list_keys(const Keys& keys) {
  std::string out;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ", ";
    out += keys[i];
  }
  return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1, 0));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<std::string> suggest(std::string_view word, const std::vector<std::string>& known) {
  // The distance is quadratic in the lengths and linear in the names: a
  // suggestion is not worth seconds on a hostile file.
  if (word.size() > 200 || known.size() > 2000) return std::nullopt;
  std::optional<std::string> best;
  size_t best_distance = 3;
  const std::string w = lower(word);
  for (const std::string& k : known) {
    const size_t d = edit_distance(w, lower(k));
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return best;
}

std::vector<std::string> to_strings(const Keys& keys) {
  return std::vector<std::string>(keys.begin(), keys.end());
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& known) {
  if (auto s = suggest(word, known)) return "; did you mean " + quote(*s) + "?";
  return "";
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  const auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(id[0])) return false;
  return std::all_of(id.begin(), id.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// ---------------------------------------------------------------------------
// Ranges.

std::string Range::text() const {
  const bool has_lo = std::isfinite(lo);
  const bool has_hi = std::isfinite(hi);
  if (has_lo && has_hi) {
    return std::string("in ") + (lo_open ? "(" : "[") + number_text(lo) + ", " + number_text(hi) +
           (hi_open ? ")" : "]");
  }
  if (has_lo) return (lo_open ? "> " : ">= ") + number_text(lo);
  if (has_hi) return (hi_open ? "< " : "<= ") + number_text(hi);
  return "";
}

// ---------------------------------------------------------------------------
// Diagnostics in file order.

std::vector<Diagnostic> sort_diagnostics(std::vector<Diagnostic> diagnostics,
                                         const std::string& main_file, size_t* problems) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) {
                     const bool a_other = a.file != main_file;
                     const bool b_other = b.file != main_file;
                     if (a_other != b_other) return b_other;
                     if (a.file != b.file) return false;
                     if (a.line != b.line) return a.line < b.line;
                     return a.column < b.column;
                   });
  if (problems != nullptr) *problems = diagnostics.size();
  if (diagnostics.size() > kMaxDiagnostics) {
    const size_t more = diagnostics.size() - kMaxDiagnostics;
    diagnostics.resize(kMaxDiagnostics);
    diagnostics.push_back(
        Diagnostic{main_file, 0, 0, "", "and " + std::to_string(more) + " more problems"});
  }
  return diagnostics;
}

// ---------------------------------------------------------------------------
// Typed reads of single values.

std::string type_hint(const DocNode& n, std::string_view expected_kind) {
  // A scalar of the wrong type is often a quoting slip; say how to fix it.
  if (expected_kind == "string" &&
      (n.type == Type::kInteger || n.type == Type::kFloat || n.type == Type::kBool)) {
    return " (put it in quotes: \"" + n.text + "\")";
  }
  if ((expected_kind == "number" || expected_kind == "integer") && n.type == Type::kString) {
    double v = 0;
    const char* end = n.text.data() + n.text.size();
    const auto [ptr, ec] = std::from_chars(n.text.data(), end, v);
    if (!n.text.empty() && ec == std::errc() && ptr == end) return " (remove the quotes)";
  }
  if (expected_kind == "bool" && n.type == Type::kString) {
    const std::string t = lower(n.text);
    if (t == "yes" || t == "no" || t == "on" || t == "off" || t == "y" || t == "n") {
      return " (yes/no/on/off are strings in YAML 1.2; write true or false)";
    }
    if (t == "true" || t == "false") return " (remove the quotes)";
  }
  return "";
}

std::optional<double> read_number(Checker& c, const DocNode& n, const std::string& path,
                                  const Range& range) {
  const std::string expected = "expected a number " + range.text();
  if (n.type != Type::kInteger && n.type != Type::kFloat) {
    c.error(n.mark, path, expected + ", got " + describe(n) + type_hint(n, "number"));
    return std::nullopt;
  }
  if (n.out_of_range) {
    c.error(n.mark, path, expected + ", got " + n.text + ", which is out of range");
    return std::nullopt;
  }
  if (!std::isfinite(n.number)) {
    c.error(n.mark, path, expected + ", got " + n.text + " (numbers must be finite)");
    return std::nullopt;
  }
  if (!range.contains(n.number)) {
    c.error(n.mark, path, expected + ", got " + n.text);
    return std::nullopt;
  }
  return n.number;
}

std::optional<int64_t> read_integer(Checker& c, const DocNode& n, const std::string& path,
                                    int64_t lo, int64_t hi) {
  std::string expected = "expected an integer ";
  if (hi == std::numeric_limits<int64_t>::max()) {
    expected += ">= " + std::to_string(lo);
  } else {
    expected += "in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  }
  if (n.type != Type::kInteger) {
    c.error(n.mark, path, expected + ", got " + describe(n) + type_hint(n, "integer"));
    return std::nullopt;
  }
  if (n.out_of_range || !n.integer) {
    c.error(n.mark, path, expected + ", got " + n.text + ", which is out of range");
    return std::nullopt;
  }
  if (*n.integer < lo || *n.integer > hi) {
    c.error(n.mark, path, expected + ", got " + n.text);
    return std::nullopt;
  }
  return *n.integer;
}

std::optional<uint64_t> read_unsigned(Checker& c, const DocNode& n, const std::string& path) {
  const std::string expected = "expected an integer in [0, 18446744073709551615]";
  if (n.type != Type::kInteger) {
    c.error(n.mark, path, expected + ", got " + describe(n) + type_hint(n, "integer"));
    return std::nullopt;
  }
  if (n.out_of_range || !n.unsigned_integer) {
    c.error(n.mark, path, expected + ", got " + n.text);
    return std::nullopt;
  }
  return *n.unsigned_integer;
}

std::optional<bool> read_bool(Checker& c, const DocNode& n, const std::string& path) {
  if (n.type != Type::kBool) {
    c.error(n.mark, path, "expected true or false, got " + describe(n) + type_hint(n, "bool"));
    return std::nullopt;
  }
  return n.boolean;
}

std::optional<std::string> read_string(Checker& c, const DocNode& n, const std::string& path,
                                       bool allow_empty) {
  if (n.type != Type::kString) {
    c.error(n.mark, path, "expected a string, got " + describe(n) + type_hint(n, "string"));
    return std::nullopt;
  }
  if (!allow_empty && n.text.empty()) {
    c.error(n.mark, path, "expected a non-empty string");
    return std::nullopt;
  }
  return n.text;
}

std::optional<std::string> read_id(Checker& c, const DocNode& n, const std::string& path) {
  auto s = read_string(c, n, path);
  if (!s) return std::nullopt;
  if (!valid_id(*s)) {
    c.error(n.mark, path,
            "expected an id of at most 64 letters, digits, '-', '_' and '.', starting with a "
            "letter or digit, got " +
                describe(n));
    return std::nullopt;
  }
  return s;
}

std::optional<sim::Duration> read_duration(Checker& c, const DocNode& n, const std::string& path,
                                           DurationRule rule) {
  if (n.type == Type::kInteger || n.type == Type::kFloat) {
    c.error(n.mark, path,
            "expected a duration with a unit, such as \"30s\" or \"5m\", got the bare number " +
                n.text + "; add a unit (us, ms, s, m, h, d)");
    return std::nullopt;
  }
  if (n.type != Type::kString) {
    c.error(n.mark, path, "expected a duration such as \"30s\" or \"5m\", got " + describe(n));
    return std::nullopt;
  }
  const sim::DurationParse parsed = sim::parse_duration(n.text);
  if (!parsed.value) {
    c.error(n.mark, path, parsed.error);
    return std::nullopt;
  }
  if (rule.positive && parsed.value->us() == 0) {
    c.error(n.mark, path, "expected a duration > 0, got " + quote(n.text));
    return std::nullopt;
  }
  if (*parsed.value > kMaxDuration) {
    c.error(n.mark, path,
            "expected a duration of at most " + sim::format_duration(kMaxDuration) + ", got " +
                quote(n.text));
    return std::nullopt;
  }
  return parsed.value;
}

std::optional<size_t> read_enum(Checker& c, const DocNode& n, const std::string& path,
                                const Keys& names, std::string_view what) {
  const std::string choices = " (one of: " + list_keys(names) + ")";
  if (n.type != Type::kString) {
    c.error(n.mark, path, "expected a " + std::string(what) + choices + ", got " + describe(n));
    return std::nullopt;
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (n.text == names[i]) return i;
  }
  c.error(n.mark, path,
          "unknown " + std::string(what) + " " + quote(n.text) +
              did_you_mean(n.text, to_strings(names)) + choices);
  return std::nullopt;
}

const std::vector<DocNode>* read_list(Checker& c, const DocNode& n, const std::string& path) {
  if (n.type != Type::kList) {
    std::string hint;
    if (n.type == Type::kString) hint = " (write a list: [" + n.text + "])";
    c.error(n.mark, path, "expected a list, got " + describe(n) + hint);
    return nullptr;
  }
  return &n.items;
}

// ---------------------------------------------------------------------------
// Mappings.

MapReader::MapReader(Checker& c, const DocNode& node, std::string path, const Keys& known,
                     std::function<std::string(std::string_view)> elsewhere)
    : c_(c), node_(node), path_(std::move(path)) {
  if (node.type != Type::kMap) {
    c_.error(node.mark, path_, "expected a mapping, got " + describe(node));
    return;
  }
  valid_ = true;
  const std::vector<std::string> known_names = to_strings(known);
  std::map<std::string, const DocMember*> seen;
  for (const DocMember& m : node.members) {
    if (auto [it, inserted] = seen.emplace(m.key, &m); !inserted) {
      c_.error(m.key_mark, member_path(path_, m.key),
               "duplicate key " + quote(m.key) + " (first at line " +
                   std::to_string(it->second->key_mark.line) + ", column " +
                   std::to_string(it->second->key_mark.column) + "); each key may appear once");
      continue;
    }
    if (std::find(known.begin(), known.end(), m.key) != known.end()) continue;
    std::string where = elsewhere ? elsewhere(m.key) : std::string();
    if (!where.empty()) {
      c_.error(m.key_mark, member_path(path_, m.key), where);
      continue;
    }
    std::string message = "unknown field " + quote(m.key);
    if (auto s = suggest(m.key, known_names)) {
      message += "; did you mean " + quote(*s) + "?";
    } else {
      message += " (known fields: " + list_keys(known) + ")";
    }
    c_.error(m.key_mark, member_path(path_, m.key), message);
  }
}

const DocNode* MapReader::get(std::string_view key) const {
  if (!valid_) return nullptr;
  for (const DocMember& m : node_.members) {
    if (m.key == key) return &m.value;
  }
  return nullptr;
}

const DocNode* MapReader::require(std::string_view key, std::string_view why) {
  if (!valid_) return nullptr;
  const DocNode* n = get(key);
  if (n == nullptr) {
    c_.error(node_.mark, path_,
             "missing required field " + quote(key) +
                 (why.empty() ? "" : " (" + std::string(why) + ")"));
  }
  return n;
}

bool read_number_field(MapReader& m, std::string_view key, const Range& range, double& out) {
  const DocNode* n = m.get(key);
  if (n == nullptr) return true;
  auto v = read_number(m.checker(), *n, m.path(key), range);
  if (v) out = *v;
  return v.has_value();
}

bool read_duration_field(MapReader& m, std::string_view key, DurationRule rule,
                         sim::Duration& out) {
  const DocNode* n = m.get(key);
  if (n == nullptr) return true;
  auto v = read_duration(m.checker(), *n, m.path(key), rule);
  if (v) out = *v;
  return v.has_value();
}

bool read_bool_field(MapReader& m, std::string_view key, bool& out) {
  const DocNode* n = m.get(key);
  if (n == nullptr) return true;
  auto v = read_bool(m.checker(), *n, m.path(key));
  if (v) out = *v;
  return v.has_value();
}

// ---------------------------------------------------------------------------
// Files.

std::optional<std::string> read_file(const fs::path& path, std::string& error) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (ec || !fs::exists(st)) {
    error = "no such file";
    return std::nullopt;
  }
  if (fs::is_directory(st)) {
    error = "it is a directory, not a file";
    return std::nullopt;
  }
  if (!fs::is_regular_file(st)) {
    error = "not a regular file";
    return std::nullopt;
  }
  const uintmax_t size = fs::file_size(path, ec);
  if (ec) {
    error = ec.message();
    return std::nullopt;
  }
  if (size > kMaxFileBytes) {
    error = "the file is " + std::to_string(size) + " bytes, more than the limit of " +
            std::to_string(kMaxFileBytes);
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open it for reading";
    return std::nullopt;
  }
  std::string text;
  text.resize(static_cast<size_t>(size));
  in.read(text.data(), static_cast<std::streamsize>(size));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

std::optional<InputText> read_input(const std::string& path, std::string_view file_kind,
                                    std::string_view what, Checker& c) {
  const std::optional<SourceFormat> format = format_for_path(path);
  if (!format) {
    const std::string ext = fs::path(path).extension().string();
    c.error(Mark{}, "",
            (ext.empty() ? std::string("the file has no extension")
                         : "unknown extension " + quote(ext)) +
                "; a " + std::string(file_kind) +
                " ends in .yaml, .yml or .json, which decides its syntax");
    return std::nullopt;
  }
  std::string why;
  std::optional<std::string> text = read_file(path, why);
  if (!text) {
    c.error(Mark{}, "", "cannot read the " + std::string(what) + ": " + why);
    return std::nullopt;
  }
  return InputText{std::move(*text), *format};
}

}  // namespace schema
}  // namespace dreamsim::model
