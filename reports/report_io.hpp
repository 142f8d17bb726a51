// Files of a run directory: reading them with errors that name the file, and
// writing them atomically (a temporary file in the same directory, flushed,
// then renamed over the target), so that a reader never sees half a report.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace dreamsim::report {

using Json = nlohmann::ordered_json;

// Bad or missing input of a report: the message names the file and, where it
// applies, the field and what was expected. The command line prints it and
// exits 2.
class ReportInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The whole file; throws ReportInputError naming the path when it cannot be
// read.
std::string read_text_file(const std::string& path);

// Parses a JSON document; throws ReportInputError naming the path, the byte
// offset and the parser's complaint.
Json parse_json_file(const std::string& path);

// Writes `text` to `path` atomically (PATH.tmp, fsync, rename). Creates the
// parent directory if needed. Returns an empty string on success, else a
// message naming the path and the system error.
std::string write_file_atomic(const std::string& path, const std::string& text);

// A JSON document as written to disk: two-space indentation, final newline.
std::string json_text(const Json& document);

}  // namespace dreamsim::report
