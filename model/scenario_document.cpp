#include "model/scenario_document.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <utility>

namespace dreamsim::model {
namespace {

// ---------------------------------------------------------------------------
// Text positions and encoding.

// Line and column (1-based, the column counted in characters, not bytes) of
// the byte at `offset`.
Mark mark_at(std::string_view text, size_t offset) {
  if (offset > text.size()) offset = text.size();
  Mark m{1, 1};
  for (size_t i = 0; i < offset; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++m.line;
      m.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++m.column;  // continuation bytes belong to the character before
    }
  }
  return m;
}

// mark_at() for offsets that only grow, in time linear in the text: the JSON
// builder asks for the position of every token.
class MarkCursor {
 public:
  explicit MarkCursor(std::string_view text) : text_(text) {}
  Mark at(size_t offset) {
    if (offset > text_.size()) offset = text_.size();
    if (offset < offset_) {  // never expected; stay correct anyway
      offset_ = 0;
      mark_ = Mark{1, 1};
    }
    for (; offset_ < offset; ++offset_) {
      const auto c = static_cast<unsigned char>(text_[offset_]);
      if (c == '\n') {
        ++mark_.line;
        mark_.column = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++mark_.column;
      }
    }
    return mark_;
  }

 private:
  std::string_view text_;
  size_t offset_ = 0;
  Mark mark_{1, 1};
};

// The offset of the first byte that is not valid UTF-8 (or a NUL, which no
// text file has), or npos when the text is clean.
size_t first_invalid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0) return i;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > text.size()) return i;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values beyond U+10FFFF are not UTF-8.
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

bool blank(std::string_view text) {
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Numbers, from the text they were written as.

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Fills the number fields of `node` from a decimal integer literal with an
// optional sign.
void set_decimal_integer(DocNode& node, std::string_view text) {
  node.type = DocNode::Type::kInteger;
  bool negative = false;
  std::string_view digits = text;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  uint64_t magnitude = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) {
    node.out_of_range = true;
    return;
  }
  if (!negative) {
    node.unsigned_integer = magnitude;
    if (magnitude <= static_cast<uint64_t>(INT64_MAX))
      node.integer = static_cast<int64_t>(magnitude);
    node.number = static_cast<double>(magnitude);
  } else {
    if (magnitude <= static_cast<uint64_t>(INT64_MAX)) {
      node.integer = -static_cast<int64_t>(magnitude);
    } else if (magnitude == static_cast<uint64_t>(INT64_MAX) + 1) {
      node.integer = INT64_MIN;
    } else {
      node.out_of_range = true;
    }
    node.number = -static_cast<double>(magnitude);
  }
}

void set_float(DocNode& node, std::string_view text) {
  node.type = DocNode::Type::kFloat;
  std::string_view body = text;
  if (!body.empty() && body[0] == '+') body.remove_prefix(1);
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc() || ptr != body.data() + body.size() || !std::isfinite(value)) {
    node.out_of_range = true;
    return;
  }
  node.number = value;
}

// True when `text` is [-+]?[0-9]+.
bool is_decimal_integer(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  if (i == text.size()) return false;
  for (; i < text.size(); ++i) {
    if (!is_digit(text[i])) return false;
  }
  return true;
}

// True when `text` is [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?,
// the YAML 1.2 core schema's float (an integer literal matches too).
bool is_decimal_float(std::string_view text) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t int_digits = 0;
  while (i < text.size() && is_digit(text[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && is_digit(text[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < text.size() && is_digit(text[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == text.size();
}

// Resolves a YAML plain scalar with the YAML 1.2 core schema.
void resolve_plain_scalar(DocNode& node, const std::string& text) {
  node.text = text;
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    node.type = DocNode::Type::kNull;
    return;
  }
  if (text == "true" || text == "True" || text == "TRUE" || text == "false" || text == "False" ||
      text == "FALSE") {
    node.type = DocNode::Type::kBool;
    node.boolean = text[0] == 't' || text[0] == 'T';
    return;
  }
  if (is_decimal_integer(text)) {
    set_decimal_integer(node, text);
    return;
  }
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'o')) {
    const int base = text[1] == 'x' ? 16 : 8;
    uint64_t value = 0;
    const char* first = text.data() + 2;
    const char* last = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, value, base);
    if (ptr == last && (ec == std::errc() || ec == std::errc::result_out_of_range)) {
      node.type = DocNode::Type::kInteger;
      if (ec == std::errc::result_out_of_range) {
        node.out_of_range = true;
      } else {
        node.unsigned_integer = value;
        if (value <= static_cast<uint64_t>(INT64_MAX)) node.integer = static_cast<int64_t>(value);
        node.number = static_cast<double>(value);
      }
      return;
    }
  }
  if (is_decimal_float(text)) {
    set_float(node, text);
    return;
  }
  std::string_view body = text;
  const bool negative = !body.empty() && body[0] == '-';
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
  if (body == ".inf" || body == ".Inf" || body == ".INF") {
    node.type = DocNode::Type::kFloat;
    node.number = negative ? -HUGE_VAL : HUGE_VAL;
    return;
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") {
    node.type = DocNode::Type::kFloat;
    node.number = NAN;
    return;
  }
  node.type = DocNode::Type::kString;
}

// ---------------------------------------------------------------------------
// YAML.

Mark yaml_mark(const YAML::Mark& m, Mark fallback) {
  if (m.is_null() || m.line < 0 || m.column < 0) return fallback;
  return Mark{m.line + 1, m.column + 1};
}

class YamlConverter {
 public:
  YamlConverter(const std::string& file, std::vector<Diagnostic>& problems)
      : file_(file), problems_(problems) {}

  // False when a limit was hit; the problem has been recorded.
  bool convert(const YAML::Node& in, DocNode& out, Mark fallback, int depth) {
    if (++nodes_ > kMaxDocumentNodes) {
      fail(fallback, "the document has more than " + std::to_string(kMaxDocumentNodes) +
                         " values (are YAML aliases expanding without end?)");
      return false;
    }
    if (depth > kMaxDocumentDepth) {
      fail(fallback,
           "values are nested more than " + std::to_string(kMaxDocumentDepth) + " levels deep");
      return false;
    }
    const std::string& tag = in.Tag();
    switch (in.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        // yaml-cpp marks an empty value at the next token; the key is the
        // better place to point at.
        out.type = DocNode::Type::kNull;
        out.mark = fallback;
        return true;
      case YAML::NodeType::Scalar: {
        out.mark = yaml_mark(in.Mark(), fallback);
        if (tag == "?") {
          resolve_plain_scalar(out, in.Scalar());
        } else if (tag == "!" || tag == "tag:yaml.org,2002:str") {
          out.type = DocNode::Type::kString;
          out.text = in.Scalar();
        } else if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
                   tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
          resolve_plain_scalar(out, in.Scalar());
        } else {
          fail(out.mark, "unsupported YAML tag '" + tag + "'; write the plain value");
          return false;
        }
        return true;
      }
      case YAML::NodeType::Sequence: {
        out.type = DocNode::Type::kList;
        out.mark = yaml_mark(in.Mark(), fallback);
        out.items.reserve(in.size());
        for (const YAML::Node& item : in) {
          out.items.emplace_back();
          if (!convert(item, out.items.back(), out.mark, depth + 1)) return false;
        }
        return true;
      }
      case YAML::NodeType::Map: {
        out.type = DocNode::Type::kMap;
        out.mark = yaml_mark(in.Mark(), fallback);
        std::vector<DocNode> merges;
        for (const auto& kv : in) {
          DocMember member;
          member.key_mark = yaml_mark(kv.first.Mark(), out.mark);
          if (!kv.first.IsScalar()) {
            fail(member.key_mark, "a key must be a plain name, not a list or a mapping");
            return false;
          }
          member.key = kv.first.Scalar();
          if (!convert(kv.second, member.value, member.key_mark, depth + 1)) return false;
          if (member.key == "<<" && kv.first.Tag() == "?") {
            if (!merge_source(member, merges)) return false;
            continue;
          }
          out.members.push_back(std::move(member));
        }
        // YAML merge keys (`<<: *defaults`), which yaml-cpp leaves to the
        // application: keys written in the mapping win, then the merged
        // mappings in the order given.
        for (const DocNode& source : merges) {
          for (const DocMember& m : source.members) {
            const bool present =
                std::any_of(out.members.begin(), out.members.end(),
                            [&](const DocMember& have) { return have.key == m.key; });
            if (!present) out.members.push_back(m);
          }
        }
        return true;
      }
    }
    return true;
  }

 private:
  // The value of a merge key: a mapping, or a list of mappings.
  bool merge_source(DocMember& member, std::vector<DocNode>& merges) {
    if (member.value.type == DocNode::Type::kMap) {
      merges.push_back(std::move(member.value));
      return true;
    }
    if (member.value.type == DocNode::Type::kList) {
      for (DocNode& item : member.value.items) {
        if (item.type != DocNode::Type::kMap) {
          fail(item.mark,
               "a merge key '<<' takes a mapping or a list of mappings, got " + describe(item));
          return false;
        }
        merges.push_back(std::move(item));
      }
      return true;
    }
    fail(member.value.mark,
         "a merge key '<<' takes a mapping or a list of mappings, got " + describe(member.value));
    return false;
  }

  void fail(Mark m, std::string message) {
    problems_.push_back(Diagnostic{file_, m.line, m.column, "", std::move(message)});
  }

  const std::string& file_;
  std::vector<Diagnostic>& problems_;
  size_t nodes_ = 0;
};

// yaml-cpp says "bad file" when its nesting guard trips; say what it means.
std::string yaml_message(const std::string& msg) {
  if (msg == "bad file") return "values are nested too deeply for the YAML parser";
  return msg;
}

DocParse parse_yaml(std::string_view text, const std::string& file) {
  DocParse result;
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    const Mark m = yaml_mark(e.mark, Mark{});
    result.problems.push_back(
        Diagnostic{file, m.line, m.column, "", "YAML syntax error: " + yaml_message(e.msg)});
    return result;
  } catch (const std::exception& e) {
    result.problems.push_back(Diagnostic{file, 0, 0, "", std::string("YAML error: ") + e.what()});
    return result;
  }
  if (documents.empty()) {
    result.problems.push_back(
        Diagnostic{file, 0, 0, "", "the file is empty; expected a scenario mapping"});
    return result;
  }
  if (documents.size() > 1) {
    const Mark m = yaml_mark(documents[1].Mark(), Mark{});
    result.problems.push_back(
        Diagnostic{file, m.line, m.column, "",
                   "the file holds " + std::to_string(documents.size()) +
                       " YAML documents; a scenario file holds exactly one (remove the '---')"});
    return result;
  }
  DocNode root;
  YamlConverter converter(file, result.problems);
  if (!converter.convert(documents[0], root, Mark{1, 1}, 0)) return result;
  result.root = std::move(root);
  return result;
}

// ---------------------------------------------------------------------------
// JSON, through nlohmann's SAX parser.

// An input iterator over the text that records how far the parser has read,
// so that each SAX event can be given the position of its token.
class TrackingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator(const char* p, size_t* consumed, const char* begin)
      : p_(p), consumed_(consumed), begin_(begin) {}
  reference operator*() const { return *p_; }
  TrackingIterator& operator++() {
    ++p_;
    *consumed_ = static_cast<size_t>(p_ - begin_);
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator old = *this;
    ++*this;
    return old;
  }
  bool operator==(const TrackingIterator& o) const { return p_ == o.p_; }
  bool operator!=(const TrackingIterator& o) const { return p_ != o.p_; }

 private:
  const char* p_;
  size_t* consumed_;
  const char* begin_;
};

// Builds the tree from SAX events. nlohmann calls a value's event as soon as
// the token is read (plus one character of look-ahead for numbers) and before
// it reads the next token, so a token starts at the first character after the
// previous event's read position that is not white space, ',' or ':'.
class JsonBuilder {
 public:
  using json = nlohmann::json;

  JsonBuilder(std::string_view text, const std::string& file, std::vector<Diagnostic>& problems)
      : text_(text), file_(file), problems_(problems), cursor_(text) {}

  size_t* consumed() { return &consumed_; }
  std::optional<DocNode>& root() { return root_; }

  bool null() {
    return add_scalar(DocNode::Type::kNull, [](DocNode&) {});
  }
  bool boolean(bool value) {
    return add_scalar(DocNode::Type::kBool, [value](DocNode& n) {
      n.boolean = value;
      n.text = value ? "true" : "false";
    });
  }
  bool number_integer(json::number_integer_t value) {
    return add_scalar(DocNode::Type::kInteger, [value](DocNode& n) {
      n.text = std::to_string(value);
      set_decimal_integer(n, n.text);
    });
  }
  bool number_unsigned(json::number_unsigned_t value) {
    return add_scalar(DocNode::Type::kInteger, [value](DocNode& n) {
      n.text = std::to_string(value);
      set_decimal_integer(n, n.text);
    });
  }
  bool number_float(json::number_float_t, const json::string_t& raw) {
    return add_scalar(DocNode::Type::kFloat, [&raw](DocNode& n) {
      n.text = raw;
      // nlohmann reads an integer beyond 64 bits as a float; it is still an
      // integer, and out of range.
      if (is_decimal_integer(raw)) {
        set_decimal_integer(n, raw);
      } else {
        set_float(n, raw);
      }
    });
  }
  bool string(json::string_t& value) {
    return add_scalar(DocNode::Type::kString, [&value](DocNode& n) { n.text = value; });
  }
  bool binary(json::binary_t&) {
    return add_scalar(DocNode::Type::kNull, [](DocNode&) {});
  }
  bool start_object(std::size_t) { return open(DocNode::Type::kMap); }
  bool start_array(std::size_t) { return open(DocNode::Type::kList); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(json::string_t& value) {
    pending_key_ = value;
    pending_key_mark_ = token_start();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) {
    size_t offset = position == 0 ? 0 : position - 1;
    std::string message = ex.what();
    if (message.find("number overflow") != std::string::npos) {
      // The parser has read past the number; point at its first character.
      const auto numeric = [](char ch) {
        return is_digit(ch) || ch == '-' || ch == '+' || ch == '.' || ch == 'e' || ch == 'E';
      };
      while (offset > 0 && offset < text_.size() && !numeric(text_[offset])) --offset;
      while (offset > 0 && numeric(text_[offset - 1])) --offset;
    }
    const Mark m = mark_at(text_, offset);
    // "[json.exception.parse_error.101] parse error at line 2, column 6: syntax
    // error ..." -> "syntax error ..."; the position is given our own way.
    if (const size_t bracket = message.find("] "); bracket != std::string::npos) {
      message.erase(0, bracket + 2);
    }
    if (message.rfind("parse error", 0) == 0) {
      if (const size_t colon = message.find(": "); colon != std::string::npos) {
        message.erase(0, colon + 2);
      }
    }
    if (message.rfind("number overflow parsing ", 0) == 0) {
      message = "number " + message.substr(24) + " is out of range";
    }
    problems_.push_back(Diagnostic{file_, m.line, m.column, "", "JSON " + message});
    return false;
  }

 private:
  Mark token_start() {
    size_t i = scanned_;
    while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\n' ||
                                text_[i] == '\r' || text_[i] == ',' || text_[i] == ':')) {
      ++i;
    }
    scanned_ = consumed_;
    return cursor_.at(i);
  }

  DocNode* place(DocNode::Type type) {
    const Mark mark = token_start();
    if (++nodes_ > kMaxDocumentNodes) {
      limit(mark, "the document has more than " + std::to_string(kMaxDocumentNodes) + " values");
      return nullptr;
    }
    DocNode* node = nullptr;
    if (stack_.empty()) {
      root_.emplace();
      node = &*root_;
    } else if (stack_.back()->type == DocNode::Type::kList) {
      node = &stack_.back()->items.emplace_back();
    } else {
      DocMember& member = stack_.back()->members.emplace_back();
      member.key = std::move(pending_key_);
      member.key_mark = pending_key_mark_;
      node = &member.value;
    }
    node->type = type;
    node->mark = mark;
    return node;
  }

  template <typename Fill>
  bool add_scalar(DocNode::Type type, Fill fill) {
    DocNode* node = place(type);
    if (node == nullptr) return false;
    fill(*node);
    return true;
  }

  bool open(DocNode::Type type) {
    DocNode* node = place(type);
    if (node == nullptr) return false;
    if (stack_.size() >= static_cast<size_t>(kMaxDocumentDepth)) {
      limit(node->mark,
            "values are nested more than " + std::to_string(kMaxDocumentDepth) + " levels deep");
      return false;
    }
    stack_.push_back(node);
    return true;
  }

  bool close() {
    scanned_ = consumed_;
    stack_.pop_back();
    return true;
  }

  void limit(Mark m, std::string message) {
    problems_.push_back(Diagnostic{file_, m.line, m.column, "", std::move(message)});
  }

  std::string_view text_;
  const std::string& file_;
  std::vector<Diagnostic>& problems_;
  MarkCursor cursor_;
  size_t consumed_ = 0;  // bytes the parser has read so far
  size_t scanned_ = 0;   // where the search for the next token starts
  size_t nodes_ = 0;
  std::optional<DocNode> root_;
  std::vector<DocNode*> stack_;  // open containers; each is inside the one before
  std::string pending_key_;
  Mark pending_key_mark_;
};

DocParse parse_json(std::string_view text, const std::string& file) {
  DocParse result;
  JsonBuilder builder(text, file, result.problems);
  const char* begin = text.data();
  TrackingIterator first(begin, builder.consumed(), begin);
  TrackingIterator last(begin + text.size(), builder.consumed(), begin);
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(first, last, &builder, nlohmann::json::input_format_t::json,
                                   /*strict=*/true, /*ignore_comments=*/false);
  } catch (const std::exception& e) {
    result.problems.push_back(Diagnostic{file, 0, 0, "", std::string("JSON error: ") + e.what()});
    return result;
  }
  if (ok && builder.root().has_value()) result.root = std::move(builder.root());
  if (!ok && result.problems.empty()) {
    result.problems.push_back(Diagnostic{file, 0, 0, "", "JSON could not be parsed"});
  }
  return result;
}

}  // namespace

std::string describe(const DocNode& node) {
  switch (node.type) {
    case DocNode::Type::kNull:
      return "an empty value (null)";
    case DocNode::Type::kBool:
      return node.boolean ? "the boolean true" : "the boolean false";
    case DocNode::Type::kInteger:
    case DocNode::Type::kFloat:
      return node.text.empty() ? "a number" : node.text;
    case DocNode::Type::kString: {
      std::string shown = node.text;
      if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
      return "the string \"" + shown + "\"";
    }
    case DocNode::Type::kList:
      return "a list";
    case DocNode::Type::kMap:
      return "a mapping";
  }
  return "a value";
}

nlohmann::json to_json(const DocNode& node) {
  switch (node.type) {
    case DocNode::Type::kNull:
      return nullptr;
    case DocNode::Type::kBool:
      return node.boolean;
    case DocNode::Type::kInteger:
      if (node.integer) return *node.integer;
      if (node.unsigned_integer) return *node.unsigned_integer;
      return nullptr;
    case DocNode::Type::kFloat:
      if (node.out_of_range || !std::isfinite(node.number)) return nullptr;
      return node.number;
    case DocNode::Type::kString:
      return node.text;
    case DocNode::Type::kList: {
      nlohmann::json out = nlohmann::json::array();
      for (const DocNode& item : node.items) out.push_back(to_json(item));
      return out;
    }
    case DocNode::Type::kMap: {
      nlohmann::json out = nlohmann::json::object();
      for (const DocMember& m : node.members) out[m.key] = to_json(m.value);
      return out;
    }
  }
  return nullptr;
}

DocParse parse_document(std::string_view text, SourceFormat format, const std::string& file) {
  if (const size_t bad = first_invalid_utf8(text); bad != std::string_view::npos) {
    const Mark m = mark_at(text, bad);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X",
                  static_cast<unsigned>(static_cast<unsigned char>(text[bad])));
    std::string message =
        text[bad] == '\0' ? std::string("the file contains a NUL byte; expected UTF-8 text")
                          : std::string("invalid UTF-8 (byte ") + hex + "); expected UTF-8 text";
    if (text.size() >= 2 && ((static_cast<unsigned char>(text[0]) == 0xFF &&
                              static_cast<unsigned char>(text[1]) == 0xFE) ||
                             (static_cast<unsigned char>(text[0]) == 0xFE &&
                              static_cast<unsigned char>(text[1]) == 0xFF))) {
      message += " (the file looks like UTF-16; save it as UTF-8)";
    }
    DocParse result;
    result.problems.push_back(Diagnostic{file, m.line, m.column, "", std::move(message)});
    return result;
  }
  std::string_view body = text;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  if (blank(body)) {
    DocParse result;
    result.problems.push_back(
        Diagnostic{file, 0, 0, "", "the file is empty; expected a scenario mapping"});
    return result;
  }
  // Positions count from after a byte-order mark, which is not a column.
  return format == SourceFormat::kYaml ? parse_yaml(body, file) : parse_json(body, file);
}

}  // namespace dreamsim::model
