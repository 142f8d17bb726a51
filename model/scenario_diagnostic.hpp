// One problem found in an input file: where it is and what was expected.
//
// The scenario loader collects every problem in a file before it gives up, so
// a user fixes a file in one pass rather than one error per run. Each problem
// names the file, the line and column where they are known, the field path in
// the document (`services[2].depends_on[0]`) and what was expected, and prints
// in the form compilers use, which editors and CI logs turn into links:
//
//   shop.yaml:12:15: services[2].replicas: expected an integer >= 1, got 0
#pragma once

#include <string>
#include <vector>

namespace dreamsim::model {

struct Diagnostic {
  std::string file;     // the file the problem is in (a scenario, or a CSV it names)
  int line = 0;         // 1-based; 0 when unknown
  int column = 0;       // 1-based; 0 when unknown
  std::string path;     // field path in the document; empty for the whole file
  std::string message;  // what is wrong and what was expected

  // "file:line:col: path: message"; the position is left out when it is
  // unknown, and the path when the problem concerns the whole file.
  std::string format() const;
};

// One formatted diagnostic per line, in order.
std::string format_diagnostics(const std::vector<Diagnostic>& diagnostics);

}  // namespace dreamsim::model
