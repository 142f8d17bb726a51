#include "sim/time.hpp"

#include <cmath>
#include <limits>

namespace dreamsim::sim {
namespace {

struct Unit {
  std::string_view name;
  int64_t us;
};

// Longest names first, so that "ms" is not read as "m" followed by junk.
constexpr Unit kUnits[] = {{"us", 1},           {"ms", 1000},         {"s", 1000000},
                           {"m", 60000000},     {"h", 3600000000LL},  {"d", 86400000000LL}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('\'');
  out.append(text);
  out.push_back('\'');
  return out;
}

}  // namespace

Duration Duration::from_seconds(double s) { return Duration(std::llround(s * 1e6)); }

DurationParse parse_duration(std::string_view text) {
  const auto fail = [&](std::string why) {
    std::string message = "invalid duration ";
    message.append(quoted(text)).append(": ").append(why);
    message.append(" (expected e.g. 250ms, 1.5s, 5m, 2h, 1d, 1h30m)");
    return DurationParse{std::nullopt, std::move(message)};
  };
  if (text.empty()) return fail("empty text");
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i])) {
      if (text[i] == '-') return fail("negative durations are not allowed");
      return fail("expected a digit at position " + std::to_string(i + 1));
    }
    // Integer part, kept as an exact integer; overflow is detected per digit.
    int64_t whole = 0;
    bool overflow = false;
    while (i < text.size() && is_digit(text[i])) {
      const int d = text[i] - '0';
      if (whole > (kMax - d) / 10) overflow = true;
      if (!overflow) whole = whole * 10 + d;
      ++i;
    }
    // Fraction part as digits; converted exactly once the unit is known.
    std::string_view frac;
    if (i < text.size() && text[i] == '.') {
      const size_t start = ++i;
      while (i < text.size() && is_digit(text[i])) ++i;
      frac = text.substr(start, i - start);
      if (frac.empty()) return fail("expected a digit after '.'");
    }
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (text.substr(i, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) {
      if (i == text.size()) return fail("missing unit");
      return fail("unknown unit at position " + std::to_string(i + 1));
    }
    i += unit->name.size();
    if (overflow || whole > kMax / unit->us) return fail("too large");
    int64_t value = whole * unit->us;
    // frac digits * unit / 10^len, which must be a whole number of microseconds.
    int64_t scale = unit->us;
    for (char c : frac) {
      const int d = c - '0';
      if (scale % 10 != 0) {
        if (d != 0) return fail("finer than a microsecond");
        continue;
      }
      scale /= 10;
      value += d * scale;
      if (value < 0) return fail("too large");
    }
    if (total > kMax - value) return fail("too large");
    total += value;
  }
  return DurationParse{Duration::micros(total), {}};
}

std::string format_duration(Duration d) {
  if (d.us() == 0) return "0s";
  std::string out = d.us() < 0 ? "-" : "";
  // The magnitude as unsigned, so that even INT64_MIN has one.
  uint64_t us = d.us() < 0 ? 0 - static_cast<uint64_t>(d.us()) : static_cast<uint64_t>(d.us());
  if (us < 1000000) {
    if (us % 1000 == 0) return out + std::to_string(us / 1000) + "ms";
    return out + std::to_string(us) + "us";
  }
  constexpr uint64_t kDay = 86400000000ULL, kHour = 3600000000ULL, kMinute = 60000000ULL;
  for (auto [size, name] : {std::pair{kDay, "d"}, std::pair{kHour, "h"}, std::pair{kMinute, "m"}}) {
    if (us >= size) {
      out += std::to_string(us / size) + name;
      us %= size;
    }
  }
  if (us > 0) {
    out += std::to_string(us / 1000000);
    if (const uint64_t frac = us % 1000000; frac > 0) {
      std::string digits = std::to_string(frac);
      digits.insert(0, 6 - digits.size(), '0');
      while (digits.back() == '0') digits.pop_back();
      out += "." + digits;
    }
    out += "s";
  }
  return out;
}

}  // namespace dreamsim::sim
