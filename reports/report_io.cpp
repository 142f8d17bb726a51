#include "reports/report_io.hpp"

#include "model/outcome.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace dreamsim::report {

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw ReportInputError(path + ": no such file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ReportInputError(path + ": cannot read: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ReportInputError(path + ": cannot read");
  return ss.str();
}

Json parse_json_file(const std::string& path) {
  const std::string text = read_text_file(path);
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw ReportInputError(path + ": byte " + std::to_string(e.byte) +
                           ": expected a JSON document (" + e.what() + ")");
  }
}

std::string write_file_atomic(const std::string& path, const std::string& text) {
  return model::write_file_atomic(path, text);
}

std::string json_text(const Json& document) { return document.dump(2) + "\n"; }

}  // namespace dreamsim::report
