#include "reports/report_io.hpp"

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
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path target(path);
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) return "cannot create directory " + target.parent_path().string() + ": " + ec.message();
  }
  const fs::path tmp = fs::path(path + ".tmp");
  std::FILE* file = std::fopen(tmp.c_str(), "wb");
  if (file == nullptr) return "cannot write " + tmp.string() + ": " + std::strerror(errno);
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size() &&
                       std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  const int write_errno = errno;
  if (std::fclose(file) != 0 || !written) {
    fs::remove(tmp, ec);
    return "cannot write " + tmp.string() + ": " + std::strerror(write_errno);
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return "cannot rename " + tmp.string() + " to " + target.string() + ": " + ec.message();
  }
  return {};
}

std::string json_text(const Json& document) { return document.dump(2) + "\n"; }

}  // namespace dreamsim::report
