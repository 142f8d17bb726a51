#include "sim/time.hpp"

#include <gtest/gtest.h>

namespace dreamsim::sim {
namespace {

int64_t parse_us(std::string_view text) {
  const DurationParse p = parse_duration(text);
  EXPECT_TRUE(p.value.has_value()) << text << ": " << p.error;
  return p.value ? p.value->us() : -1;
}

std::string parse_error(std::string_view text) {
  const DurationParse p = parse_duration(text);
  EXPECT_FALSE(p.value.has_value()) << text << " parsed as " << (p.value ? p.value->us() : 0);
  return p.error;
}

TEST(ParseDuration, AcceptsEachUnit) {
  EXPECT_EQ(parse_us("17us"), 17);
  EXPECT_EQ(parse_us("250ms"), 250000);
  EXPECT_EQ(parse_us("1.5s"), 1500000);
  EXPECT_EQ(parse_us("5m"), 300000000);
  EXPECT_EQ(parse_us("2h"), 7200000000LL);
  EXPECT_EQ(parse_us("1d"), 86400000000LL);
  EXPECT_EQ(parse_us("0s"), 0);
}

TEST(ParseDuration, AcceptsFractionsAndCompounds) {
  EXPECT_EQ(parse_us("0.25s"), 250000);
  EXPECT_EQ(parse_us("1.000001s"), 1000001);
  EXPECT_EQ(parse_us("1.5ms"), 1500);
  EXPECT_EQ(parse_us("0.5d"), 43200000000LL);
  EXPECT_EQ(parse_us("1h30m"), 5400000000LL);
  EXPECT_EQ(parse_us("1d2h3m4.5s"), 86400000000LL + 7200000000LL + 180000000LL + 4500000LL);
  EXPECT_EQ(parse_us("1.2500s"), 1250000);  // trailing zeros are not finer than 1 us
}

TEST(ParseDuration, RejectsJunkNamingTheText) {
  EXPECT_EQ(parse_error("5 minutes"),
            "invalid duration '5 minutes': unknown unit at position 2 "
            "(expected e.g. 250ms, 1.5s, 5m, 2h, 1d, 1h30m)");
  EXPECT_NE(parse_error("-3s").find("'-3s': negative durations are not allowed"),
            std::string::npos);
  EXPECT_NE(parse_error("1e999s").find("'1e999s': unknown unit at position 2"), std::string::npos);
  EXPECT_NE(parse_error("").find("empty text"), std::string::npos);
  EXPECT_NE(parse_error("5").find("'5': missing unit"), std::string::npos);
  EXPECT_NE(parse_error("s").find("expected a digit at position 1"), std::string::npos);
  EXPECT_NE(parse_error("1.s").find("expected a digit after '.'"), std::string::npos);
  EXPECT_NE(parse_error("1.5us").find("finer than a microsecond"), std::string::npos);
  EXPECT_NE(parse_error("0.0000001s").find("finer than a microsecond"), std::string::npos);
  EXPECT_NE(parse_error("5M").find("unknown unit"), std::string::npos);
  EXPECT_NE(parse_error(" 5s").find("expected a digit at position 1"), std::string::npos);
  EXPECT_NE(parse_error("5s ").find("expected a digit at position 3"), std::string::npos);
}

TEST(ParseDuration, RejectsOverflow) {
  EXPECT_NE(parse_error("99999999999999999999s").find("too large"), std::string::npos);
  EXPECT_NE(parse_error("106751992d").find("too large"), std::string::npos);  // > 2^63 us
  EXPECT_NE(parse_error("106751991d106751991d").find("too large"), std::string::npos);
  EXPECT_EQ(parse_us("106751991d"), 106751991LL * 86400000000LL);
  EXPECT_EQ(parse_us("9223372036854775807us"), INT64_MAX);
  EXPECT_NE(parse_error("9223372036854775808us").find("too large"), std::string::npos);
}

TEST(FormatDuration, PrintsTheShortestForm) {
  EXPECT_EQ(format_duration(Duration::micros(0)), "0s");
  EXPECT_EQ(format_duration(Duration::micros(17)), "17us");
  EXPECT_EQ(format_duration(Duration::millis(250)), "250ms");
  EXPECT_EQ(format_duration(Duration::millis(1500)), "1.5s");
  EXPECT_EQ(format_duration(Duration::minutes(90)), "1h30m");
  EXPECT_EQ(format_duration(Duration::hours(51)), "2d3h");
  EXPECT_EQ(format_duration(Duration::micros(-1500000)), "-1.5s");
  EXPECT_EQ(format_duration(Duration::micros(1000001)), "1.000001s");
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (int64_t us : {int64_t{1}, int64_t{999}, int64_t{1000}, int64_t{1234567}, int64_t{59999999},
                     int64_t{60000000}, int64_t{3600000001}, int64_t{86400000000}, INT64_MAX}) {
    const std::string text = format_duration(Duration::micros(us));
    EXPECT_EQ(parse_us(text), us) << text;
  }
}

TEST(Time, ArithmeticIsExact) {
  const Time t = Time::from_seconds(10) + Duration::millis(1);
  EXPECT_EQ(t.us(), 10001000);
  EXPECT_EQ((t - Time::from_seconds(10)).us(), 1000);
  EXPECT_LT(Time::from_seconds(1), t);
  EXPECT_EQ(Duration::from_seconds(0.0000015).us(), 2);
}

}  // namespace
}  // namespace dreamsim::sim
