// Progress of a long command on stderr: a bar redrawn in place, with the
// rate and the time left, when stderr is a terminal; otherwise (CI logs,
// files) a plain line every kLineInterval seconds, so logs stay readable.
// Progress reads the wall clock; it prints to stderr only and never touches
// a result.
#pragma once

#include <cstddef>
#include <string>

namespace dreamsim::tools {

class Progress {
 public:
  // `total` runs, of which `already` were done before this process started
  // (they count as done but not in the rate).
  Progress(std::string label, size_t total, size_t already);

  // Called often (every ~0.2 s) with the number of runs done so far; draws
  // when there is something new to say.
  void update(size_t done);
  // The last line: how many, how long, how fast.
  void finish(size_t done);

  static constexpr double kLineInterval = 10.0;  // seconds between plain lines

 private:
  std::string eta_text(size_t done, double elapsed) const;

  std::string label_;
  size_t total_;
  size_t already_;
  bool terminal_;
  double start_;
  double last_draw_;
  size_t last_done_;
};

}  // namespace dreamsim::tools
