#include "tests/lint/determinism_lint.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace dreamsim::lint {
namespace {

// Blanks out comments and string and character literals, keeping line breaks,
// so that prose about a rule does not break it.
std::string strip_comments_and_strings(const std::string& text) {
  std::string out = text;
  enum { kCode, kLine, kBlock, kString, kChar } state = kCode;
  for (size_t i = 0; i < out.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    switch (state) {
      case kCode:
        if (c == '/' && next == '/') state = kLine, out[i] = ' ';
        else if (c == '/' && next == '*') state = kBlock, out[i] = ' ';
        else if (c == '"') state = kString;
        else if (c == '\'') state = kChar;
        break;
      case kLine:
        if (c == '\n') state = kCode;
        else out[i] = ' ';
        break;
      case kBlock:
        if (c == '*' && next == '/') {
          out[i] = out[i + 1] = ' ';
          ++i;
          state = kCode;
        } else if (c != '\n') {
          out[i] = ' ';
        }
        break;
      case kString:
      case kChar:
        if (c == '\\') {
          out[i] = ' ';
          if (i + 1 < out.size() && text[i + 1] != '\n') out[++i] = ' ';
        } else if ((state == kString && c == '"') || (state == kChar && c == '\'')) {
          state = kCode;
        } else if (c != '\n') {
          out[i] = ' ';
        }
        break;
    }
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") + 1 - b);
}

struct Rule {
  const char* name;
  std::regex pattern;
};

const std::vector<Rule>& rules() {
  static const std::vector<Rule> kRules = {
      {"wall clock",
       std::regex(R"(\b(system_clock|steady_clock|high_resolution_clock|gettimeofday|)"
                  R"(clock_gettime|localtime|gmtime)\b|\btime\s*\(\s*(NULL|nullptr|0)\s*\))")},
      {"std::random_device", std::regex(R"(\brandom_device\b)")},
      {"rand()", std::regex(R"((^|[^\w.>:])s?rand\s*\()")},
      {"std::*_distribution", std::regex(R"(\b\w+_distribution\b)")},
  };
  return kRules;
}

// Names declared with an unordered container type on this line.
std::vector<std::string> unordered_names(const std::string& code) {
  std::vector<std::string> names;
  static const std::regex kStart(R"(\bunordered_(multi)?(map|set)\s*<)");
  for (auto it = std::sregex_iterator(code.begin(), code.end(), kStart);
       it != std::sregex_iterator(); ++it) {
    // Skip the balanced template arguments, then read the declared name.
    size_t i = static_cast<size_t>(it->position() + it->length());
    int depth = 1;
    while (i < code.size() && depth > 0) {
      if (code[i] == '<') ++depth;
      if (code[i] == '>') --depth;
      ++i;
    }
    while (i < code.size() && (code[i] == ' ' || code[i] == '&' || code[i] == '*')) ++i;
    size_t j = i;
    while (j < code.size() && (std::isalnum(static_cast<unsigned char>(code[j])) || code[j] == '_')) ++j;
    if (j > i) names.push_back(code.substr(i, j - i));
  }
  return names;
}

}  // namespace

std::vector<Finding> lint_text(const std::string& path, const std::string& text) {
  std::vector<Finding> findings;
  const std::vector<std::string> raw = split_lines(text);
  const std::vector<std::string> code = split_lines(strip_comments_and_strings(text));
  const bool in_controllers =
      path.rfind("controllers/", 0) == 0 || path.find("/controllers/") != std::string::npos;
  auto escaped = [&](size_t i) { return raw[i].find("determinism:") != std::string::npos; };

  std::set<std::string> unordered;
  for (size_t i = 0; i < code.size() && i < raw.size(); ++i) {
    if (escaped(i)) continue;
    for (const std::string& n : unordered_names(code[i])) unordered.insert(n);
  }
  for (size_t i = 0; i < code.size() && i < raw.size(); ++i) {
    if (escaped(i)) continue;
    const int line = static_cast<int>(i + 1);
    for (const Rule& r : rules()) {
      if (std::regex_search(code[i], r.pattern)) findings.push_back({path, line, r.name, trim(raw[i])});
    }
    for (const std::string& n : unordered) {
      const std::regex range_for("\\bfor\\s*\\(.*:\\s*(this->)?" + n + "\\s*\\)");
      const std::regex begin_call("\\b" + n + "\\s*(\\.|->)\\s*c?r?begin\\s*\\(");
      if (std::regex_search(code[i], range_for) || std::regex_search(code[i], begin_call)) {
        findings.push_back({path, line, "iteration over unordered container '" + n + "'", trim(raw[i])});
      }
    }
    if (in_controllers) {
      static const std::regex kInclude(R"(^\s*#\s*include\s*["<](\.\./)*(sim|model)/)");
      if (std::regex_search(raw[i], kInclude)) {
        findings.push_back({path, line, "controllers include sim/ or model/", trim(raw[i])});
      }
    }
  }
  return findings;
}

std::vector<Finding> lint_tree(const std::string& root) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const char* dir : {"sim", "model", "controllers", "reports"}) {
    const fs::path base = fs::path(root) / dir;
    if (!fs::exists(base)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(base)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".hpp" || ext == ".cpp" || ext == ".h")) {
        files.push_back(fs::relative(entry.path(), root).generic_string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Finding> all;
  for (const std::string& f : files) {
    std::ifstream in(fs::path(root) / f, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    for (Finding& x : lint_text(f, buf.str())) all.push_back(std::move(x));
  }
  return all;
}

std::string format(const Finding& f) {
  return f.file + ":" + std::to_string(f.line) + ": " + f.rule + ": " + f.text;
}

}  // namespace dreamsim::lint
