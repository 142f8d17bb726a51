// Simulated time for dreamsim: strong 64-bit integer types in microseconds.
//
// A run is a function of (scenario, procedures, seed), so time is never a
// double: two additions in another order must give the same instant. Time is
// the instant since the start of the run; Duration is the distance between two
// instants. Both count microseconds in a signed 64-bit integer, which covers
// about 292,000 years, far beyond any run.
//
// Durations in files are human strings: "250ms", "1.5s", "5m", "2h", "1d", or a
// concatenation such as "1h30m". parse_duration() accepts exactly that grammar
// and rejects everything else with a message that quotes the text.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dreamsim::sim {

class Duration {
 public:
  constexpr Duration() = default;

  static constexpr Duration micros(int64_t us) { return Duration(us); }
  static constexpr Duration millis(int64_t ms) { return Duration(ms * 1000); }
  static constexpr Duration seconds(int64_t s) { return Duration(s * 1000000); }
  static constexpr Duration minutes(int64_t m) { return Duration(m * 60000000); }
  static constexpr Duration hours(int64_t h) { return Duration(h * 3600000000LL); }
  // Rounds to the nearest microsecond; for analytic values (queueing delays),
  // never for anything parsed from a file.
  static Duration from_seconds(double s);

  constexpr int64_t us() const { return us_; }
  constexpr double seconds_f() const { return static_cast<double>(us_) / 1e6; }

  constexpr Duration operator+(Duration o) const { return Duration(us_ + o.us_); }
  constexpr Duration operator-(Duration o) const { return Duration(us_ - o.us_); }
  constexpr Duration operator*(int64_t k) const { return Duration(us_ * k); }
  constexpr Duration operator/(int64_t k) const { return Duration(us_ / k); }
  constexpr Duration& operator+=(Duration o) {
    us_ += o.us_;
    return *this;
  }
  constexpr Duration& operator-=(Duration o) {
    us_ -= o.us_;
    return *this;
  }
  constexpr auto operator<=>(const Duration&) const = default;

 private:
  constexpr explicit Duration(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

class Time {
 public:
  constexpr Time() = default;

  static constexpr Time zero() { return Time(); }
  static constexpr Time from_micros(int64_t us) { return Time(us); }
  static constexpr Time from_seconds(int64_t s) { return Time(s * 1000000); }
  static constexpr Time max() { return Time(INT64_MAX); }

  constexpr int64_t us() const { return us_; }
  constexpr double seconds_f() const { return static_cast<double>(us_) / 1e6; }
  constexpr Duration since_start() const { return Duration::micros(us_); }

  constexpr Time operator+(Duration d) const { return Time(us_ + d.us()); }
  constexpr Time operator-(Duration d) const { return Time(us_ - d.us()); }
  constexpr Duration operator-(Time o) const { return Duration::micros(us_ - o.us_); }
  constexpr Time& operator+=(Duration d) {
    us_ += d.us();
    return *this;
  }
  constexpr auto operator<=>(const Time&) const = default;

 private:
  constexpr explicit Time(int64_t us) : us_(us) {}
  int64_t us_ = 0;
};

// The result of parsing a human duration: a value, or an error message that
// quotes the text and says what was expected.
struct DurationParse {
  std::optional<Duration> value;
  std::string error;
};

// Grammar: one or more groups of <digits>[.<digits>]<unit>, unit one of
// us, ms, s, m, h, d; no sign, no spaces, no exponent. A fraction finer than a
// microsecond, an empty text and a value beyond the 64-bit range are errors.
DurationParse parse_duration(std::string_view text);

// The shortest text that parse_duration() reads back to the same value:
// "0s", "250ms", "1.5s", "1h30m", "2d3h", "17us"; negative values get a "-".
std::string format_duration(Duration d);

}  // namespace dreamsim::sim
