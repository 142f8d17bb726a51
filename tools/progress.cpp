#include "tools/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "tools/cli.hpp"

namespace dreamsim::tools {
namespace {

std::string clock_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long long s = std::llround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  }
  return buf;
}

}  // namespace

Progress::Progress(std::string label, size_t total, size_t already)
    : label_(std::move(label)),
      total_(total),
      already_(already),
      terminal_(::isatty(STDERR_FILENO) == 1),
      start_(wall_seconds()),
      last_draw_(start_),
      last_done_(already) {}

std::string Progress::eta_text(size_t done, double elapsed) const {
  const size_t fresh = done - already_;
  if (fresh == 0 || elapsed <= 0) return "?";
  const double rate = static_cast<double>(fresh) / elapsed;
  return clock_text(static_cast<double>(total_ - done) / rate);
}

void Progress::update(size_t done) {
  const double now = wall_seconds();
  const double elapsed = now - start_;
  const double rate = elapsed > 0 ? static_cast<double>(done - already_) / elapsed : 0.0;
  if (terminal_) {
    if (done == last_done_ && now - last_draw_ < 1.0) return;
    constexpr int kWidth = 30;
    const int filled =
        total_ == 0 ? kWidth : static_cast<int>(kWidth * static_cast<double>(done) / total_);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kWidth - filled), '.');
    std::fprintf(stderr, "\r%s [%s] %zu/%zu  %.1f runs/s  %s left \x1b[K", label_.c_str(),
                 bar.c_str(), done, total_, rate, eta_text(done, elapsed).c_str());
    std::fflush(stderr);
  } else {
    if (now - last_draw_ < kLineInterval || done == last_done_) return;
    std::fprintf(stderr, "%s: %zu/%zu runs, %.1f runs/s, about %s left\n", label_.c_str(), done,
                 total_, rate, eta_text(done, elapsed).c_str());
  }
  last_draw_ = now;
  last_done_ = done;
}

void Progress::finish(size_t done) {
  const double elapsed = wall_seconds() - start_;
  const size_t fresh = done - already_;
  const double rate = elapsed > 0 ? static_cast<double>(fresh) / elapsed : 0.0;
  if (terminal_) std::fprintf(stderr, "\r\x1b[K");
  std::fprintf(stderr, "%s: %zu/%zu runs done (ran %zu in %.2f s, %.1f runs/s", label_.c_str(),
               done, total_, fresh, elapsed, rate);
  if (already_ > 0) std::fprintf(stderr, "; %zu kept from before", already_);
  std::fprintf(stderr, ")\n");
}

}  // namespace dreamsim::tools
