// Tests for RFC 3339 timestamps (src/domain/time.hpp). Expected epoch values were computed
// independently with `date -u -d <timestamp> +%s`.

#include "domain/time.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace settled {
namespace {

constexpr EpochMillis kSecond = 1000;
constexpr EpochMillis kDay = 86'400'000;

TEST(Time, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_timestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(1'700'000'000'000), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(format_timestamp(1'700'000'000'007), "2023-11-14T22:13:20.007Z");
  EXPECT_EQ(format_timestamp(1'709'208'000'999), "2024-02-29T12:00:00.999Z");
  EXPECT_EQ(format_timestamp(2'147'483'648'000), "2038-01-19T03:14:08.000Z");
  EXPECT_EQ(format_timestamp(4'107'542'400'000), "2100-03-01T00:00:00.000Z");
  EXPECT_EQ(format_timestamp(253'402'300'799'000), "9999-12-31T23:59:59.000Z");
}

TEST(Time, FormatsBeforeTheEpoch) {
  EXPECT_EQ(format_timestamp(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_timestamp(-1000), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(format_timestamp(-2'203'891'200'000), "1900-03-01T00:00:00.000Z");
}

TEST(Time, ParsesUtc) {
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_timestamp("2023-11-14T22:13:20Z"), 1'700'000'000'000);
  EXPECT_EQ(parse_timestamp("2023-11-14t22:13:20z"), 1'700'000'000'000);
  EXPECT_EQ(parse_timestamp("1969-12-31T23:59:59Z"), -1000);
  EXPECT_EQ(parse_timestamp("1900-03-01T00:00:00Z"), -2'203'891'200'000);
}

TEST(Time, ParsesFractions) {
  EXPECT_EQ(parse_timestamp("2023-11-14T22:13:20.5Z"), 1'700'000'000'500);
  EXPECT_EQ(parse_timestamp("2023-11-14T22:13:20.05Z"), 1'700'000'000'050);
  EXPECT_EQ(parse_timestamp("2023-11-14T22:13:20.123Z"), 1'700'000'000'123);
  // Digits beyond milliseconds are truncated, never rounded up into the next millisecond.
  EXPECT_EQ(parse_timestamp("2023-11-14T22:13:20.123999999Z"), 1'700'000'000'123);
  EXPECT_EQ(parse_timestamp("2023-11-14T22:13:20.000000001Z"), 1'700'000'000'000);
  EXPECT_EQ(parse_timestamp("2023-11-14T22:13:20.9999+00:00"), 1'700'000'000'999);
}

TEST(Time, ParsesOffsets) {
  // 2025-12-31T23:00:00Z = 1767222000.
  EXPECT_EQ(parse_timestamp("2026-01-01T00:00:00+01:00"), 1'767'222'000'000);
  EXPECT_EQ(parse_timestamp("2025-12-31T23:00:00+00:00"), 1'767'222'000'000);
  EXPECT_EQ(parse_timestamp("2025-12-31T23:00:00-00:00"), 1'767'222'000'000);
  EXPECT_EQ(parse_timestamp("2025-12-31T17:30:00-05:30"), 1'767'222'000'000);
  EXPECT_EQ(parse_timestamp("2026-01-01T04:45:00.250+05:45"), 1'767'222'000'250);
  EXPECT_EQ(parse_timestamp("2025-12-31T23:00:00+23:59"),
            1'767'222'000'000 - (23 * 60 + 59) * 60 * kSecond);
}

TEST(Time, LeapYears) {
  EXPECT_EQ(parse_timestamp("2024-02-29T12:00:00Z"), 1'709'208'000'000);
  EXPECT_EQ(parse_timestamp("2000-02-29T00:00:00Z"), 951'782'400'000);
  EXPECT_EQ(parse_timestamp("2024-03-01T12:00:00Z"), 1'709'208'000'000 + kDay);
  EXPECT_FALSE(parse_timestamp("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_timestamp("1900-02-29T00:00:00Z"));  // divisible by 100, not by 400
  EXPECT_FALSE(parse_timestamp("2100-02-29T00:00:00Z"));
  EXPECT_TRUE(parse_timestamp("2400-02-29T00:00:00Z"));
}

TEST(Time, RefusesImpossibleDatesAndTimes) {
  for (const char* text : {"2025-02-30T00:00:00Z", "2025-04-31T00:00:00Z", "2025-06-31T00:00:00Z",
                           "2025-13-01T00:00:00Z", "2025-00-10T00:00:00Z", "2025-01-00T00:00:00Z",
                           "2025-01-32T00:00:00Z", "2025-01-01T24:00:00Z", "2025-01-01T23:60:00Z",
                           "2025-01-01T23:59:61Z"}) {
    EXPECT_FALSE(parse_timestamp(text)) << text;
  }
}

TEST(Time, RefusesMalformedText) {
  for (const char* text : {"",
                           "2025",
                           "2025-01-01",
                           "2025-01-01T00:00:00",
                           "2025-01-01 00:00:00Z",
                           "2025-1-01T00:00:00Z",
                           "2025-01-01T0:00:00Z",
                           "25-01-01T00:00:00Z",
                           "2025/01/01T00:00:00Z",
                           "2025-01-01T00:00:00.Z",
                           "2025-01-01T00:00:00ZZ",
                           "2025-01-01T00:00:00Z ",
                           " 2025-01-01T00:00:00Z",
                           "2025-01-01T00:00:00+0100",
                           "2025-01-01T00:00:00+01",
                           "2025-01-01T00:00:00+24:00",
                           "2025-01-01T00:00:00+01:60",
                           "2025-01-01T00:00:00UTC",
                           "2025-01-01T00:00:00.12a3Z",
                           "+2025-01-01T00:00:00Z",
                           "2025-01-01T00:00:00+01:00:00",
                           "abcd-ef-ghTij:kl:mnZ"}) {
    EXPECT_FALSE(parse_timestamp(text)) << text;
  }
}

TEST(Time, FormatThenParseRoundTrips) {
  // Every day boundary across several leap cycles, plus odd offsets within the day.
  for (EpochMillis ms = -3 * 365 * kDay; ms < 60LL * 365 * kDay; ms += 7 * kDay + 3'723'456) {
    const std::string text = format_timestamp(ms);
    const auto back = parse_timestamp(text);
    ASSERT_TRUE(back.has_value()) << text;
    ASSERT_EQ(*back, ms) << text;
  }
  for (EpochMillis ms : {EpochMillis{0}, EpochMillis{-1}, EpochMillis{951'782'400'000 - 1},
                         EpochMillis{951'782'400'000}, EpochMillis{253'402'300'799'999}}) {
    EXPECT_EQ(parse_timestamp(format_timestamp(ms)), ms) << ms;
  }
}

// An offset that moves the instant out of the years 0000-9999 would be accepted, then written
// with five digits of year (or a sign) that nothing reads back: a ledger hold's expiresAt made
// its escrow unreadable and its funds stuck (session 32's review).
TEST(Time, RefusesAnOffsetThatLeavesTheFourDigitYears) {
  EXPECT_FALSE(parse_timestamp("9999-12-31T23:59:59-01:00").has_value());
  EXPECT_FALSE(parse_timestamp("9999-12-31T23:59:59.999-00:01").has_value());
  EXPECT_FALSE(parse_timestamp("0000-01-01T00:00:00+00:01").has_value());
  EXPECT_EQ(parse_timestamp("9999-12-31T23:59:59.999Z"), kLastFourDigitYearMillis);
  EXPECT_EQ(parse_timestamp("9999-12-31T23:59:59.999+01:00"), kLastFourDigitYearMillis - 3600000);
  EXPECT_EQ(parse_timestamp("0000-01-01T00:00:00Z"), kFirstFourDigitYearMillis);
  EXPECT_EQ(parse_timestamp("0000-01-01T00:00:00-00:01"), kFirstFourDigitYearMillis + 60000);
  for (const EpochMillis ms : {kFirstFourDigitYearMillis, kLastFourDigitYearMillis}) {
    EXPECT_EQ(format_timestamp(ms).size(), 24u) << ms;
    EXPECT_EQ(parse_timestamp(format_timestamp(ms)), ms) << ms;
  }
}

TEST(Time, ParseThenFormatNormalisesToUtcMillis) {
  EXPECT_EQ(format_timestamp(*parse_timestamp("2026-01-01T00:00:00+01:00")),
            "2025-12-31T23:00:00.000Z");
  EXPECT_EQ(format_timestamp(*parse_timestamp("2024-02-29T23:59:59.5-00:30")),
            "2024-03-01T00:29:59.500Z");
  EXPECT_EQ(format_timestamp(*parse_timestamp("2023-11-14T22:13:20.123Z")),
            "2023-11-14T22:13:20.123Z");
}

TEST(Duration, ReadsAWholeNumberAndAUnit) {
  const EpochMillis year = 366 * kDay;
  EXPECT_EQ(parse_duration("500ms", year), 500);
  EXPECT_EQ(parse_duration("30s", year), 30 * kSecond);
  EXPECT_EQ(parse_duration("15m", year), 15 * 60 * kSecond);
  EXPECT_EQ(parse_duration("24h", year), kDay);
  EXPECT_EQ(parse_duration("7d", year), 7 * kDay);
  EXPECT_EQ(parse_duration("366d", year), year);
}

TEST(Duration, RefusesAnythingElse) {
  const EpochMillis year = 366 * kDay;
  for (const char* text : {"", "d", "7", "0s", "-1d", "+1d", "1.5h", " 7d", "7d ", "7 d", "7D",
                           "7days", "7w", "367d", "99999999999999999999d", "1e3s", "0x10s"})
    EXPECT_EQ(parse_duration(text, year), std::nullopt) << '"' << text << '"';
}

}  // namespace
}  // namespace settled
