#include "domain/schedules/schedule_expression.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace settled::schedules {
namespace {

EpochMillis at(const std::string& rfc3339) {
  auto parsed = parse_timestamp(rfc3339);
  EXPECT_TRUE(parsed.has_value()) << rfc3339;
  return parsed.value_or(0);
}

ScheduleExpression parsed(const std::string& text) {
  auto expression = ScheduleExpression::parse(text);
  EXPECT_TRUE(expression.ok()) << text << ": "
                               << (expression.ok() ? "" : expression.error().message);
  return expression.ok() ? *expression : *ScheduleExpression::parse("* * * * *");
}

// The fires after `from`, one after the other, as RFC 3339 UTC.
std::vector<std::string> fires(const std::string& text, const std::string& zone,
                               const std::string& from, int count) {
  const auto expression = parsed(text);
  const auto* tz = date::locate_zone(zone);
  std::vector<std::string> out;
  EpochMillis after = at(from);
  for (int i = 0; i < count; ++i) {
    auto next = expression.next_after(after, *tz, at("2026-01-01T00:00:00Z"));
    if (!next) break;
    out.push_back(format_timestamp(*next));
    after = *next;
  }
  return out;
}

TEST(ScheduleExpression, AUnixCronLineFiresAtItsWallClockTimeInUtc) {
  EXPECT_EQ(fires("0 2 * * *", "UTC", "2026-12-04T06:00:00Z", 2),
            (std::vector<std::string>{"2026-12-05T02:00:00.000Z", "2026-12-06T02:00:00.000Z"}));
  EXPECT_EQ(fires("*/20 9-10 * * *", "UTC", "2026-12-04T09:30:00Z", 4),
            (std::vector<std::string>{"2026-12-04T09:40:00.000Z", "2026-12-04T10:00:00.000Z",
                                      "2026-12-04T10:20:00.000Z", "2026-12-04T10:40:00.000Z"}));
}

TEST(ScheduleExpression, WallClockTimesAreReadInTheSchedulesZone) {
  // 09:00 in New York is 14:00 UTC in winter (EST, UTC-5).
  EXPECT_EQ(fires("0 9 * * *", "America/New_York", "2026-12-04T15:00:00Z", 1),
            (std::vector<std::string>{"2026-12-05T14:00:00.000Z"}));
}

TEST(ScheduleExpression, ATimeTheClocksSkipFiresAtTheJump) {
  // Berlin, 2027-03-28: 02:00 CET becomes 03:00 CEST (01:00 UTC); 02:30 never happens.
  EXPECT_EQ(fires("30 2 * * *", "Europe/Berlin", "2027-03-27T12:00:00Z", 2),
            (std::vector<std::string>{"2027-03-28T01:00:00.000Z", "2027-03-29T00:30:00.000Z"}));
}

TEST(ScheduleExpression, ATimeTheClocksRepeatFiresOnceUnlessTheHourIsAny) {
  // Berlin, 2027-10-31: 03:00 CEST becomes 02:00 CET; 02:30 happens at 00:30 and 01:30 UTC.
  EXPECT_EQ(fires("30 2 * * *", "Europe/Berlin", "2027-10-30T12:00:00Z", 2),
            (std::vector<std::string>{"2027-10-31T00:30:00.000Z", "2027-11-01T01:30:00.000Z"}));
  EXPECT_EQ(fires("30 * * * *", "Europe/Berlin", "2027-10-31T00:00:00Z", 3),
            (std::vector<std::string>{"2027-10-31T00:30:00.000Z", "2027-10-31T01:30:00.000Z",
                                      "2027-10-31T02:30:00.000Z"}));
}

TEST(ScheduleExpression, UnixDayOfMonthAndDayOfWeekTogetherMeanEither) {
  // The 13th, or any Friday: Friday 2026-12-04, Friday 12-11, Sunday 12-13.
  EXPECT_EQ(fires("0 0 13 * 5", "UTC", "2026-12-03T12:00:00Z", 3),
            (std::vector<std::string>{"2026-12-04T00:00:00.000Z", "2026-12-11T00:00:00.000Z",
                                      "2026-12-13T00:00:00.000Z"}));
  // 7 and SUN are Sunday too.
  EXPECT_EQ(fires("0 0 * * 7", "UTC", "2026-12-04T00:00:00Z", 1),
            fires("0 0 * * sun", "UTC", "2026-12-04T00:00:00Z", 1));
}

TEST(ScheduleExpression, EventBridgeCronTakesSundayAsOneAndAYear) {
  // MON-FRI at 10:00; from Friday evening the next is Monday.
  EXPECT_EQ(fires("cron(0 10 ? * MON-FRI *)", "UTC", "2026-12-04T12:00:00Z", 1),
            (std::vector<std::string>{"2026-12-07T10:00:00.000Z"}));
  EXPECT_EQ(fires("cron(0 10 ? * 2-6 *)", "UTC", "2026-12-04T12:00:00Z", 1),
            (std::vector<std::string>{"2026-12-07T10:00:00.000Z"}));
  // Only in 2027.
  EXPECT_EQ(fires("cron(0 0 1 JAN ? 2027)", "UTC", "2026-06-01T00:00:00Z", 2),
            (std::vector<std::string>{"2027-01-01T00:00:00.000Z"}));
}

TEST(ScheduleExpression, LIsTheLastDayOfTheMonth) {
  EXPECT_EQ(fires("cron(0 18 L * ? *)", "UTC", "2027-01-31T19:00:00Z", 2),
            (std::vector<std::string>{"2027-02-28T18:00:00.000Z", "2027-03-31T18:00:00.000Z"}));
}

TEST(ScheduleExpression, ADateThatNeverComesHasNoFire) {
  const auto never = parsed("0 0 30 2 *");
  EXPECT_FALSE(never.next_after(at("2026-12-04T00:00:00Z"), *date::locate_zone("UTC"), 0));
}

TEST(ScheduleExpression, ARateFiresEveryPeriodFromItsAnchor) {
  const auto every = parsed("rate(15 minutes)");
  const auto* utc = date::locate_zone("UTC");
  const EpochMillis anchor = at("2026-12-04T10:07:00Z");
  EXPECT_EQ(every.next_after(at("2026-12-04T10:00:00Z"), *utc, anchor), anchor);
  EXPECT_EQ(every.next_after(anchor, *utc, anchor), at("2026-12-04T10:22:00Z"));
  EXPECT_EQ(every.next_after(at("2026-12-04T11:00:00Z"), *utc, anchor), at("2026-12-04T11:07:00Z"));
  EXPECT_TRUE(ScheduleExpression::parse("rate(1 day)").ok());
}

TEST(ScheduleExpression, RefusalsNameTheFieldAndWhatItTakes) {
  for (const char* text :
       {"", "61 * * * *", "* * * *", "* * * * * *", "0 0 * * 8", "5-1 * * * *", "*/0 * * * *",
        "cron(0 0 * * * *)", "cron(0 0 1 * 1 *)", "cron(0 0 ? * 1#2 *)", "cron(0 0 ? * 6L *)",
        "cron(0 0 1W * ? *)", "rate(1 minutes)", "rate(2 minute)", "rate(0 hours)", "rate(5 weeks)",
        "rate(minutes)", "0 0 * FOO *"}) {
    auto parsed_expression = ScheduleExpression::parse(text);
    ASSERT_FALSE(parsed_expression.ok()) << text;
    EXPECT_EQ(parsed_expression.error().code, ErrorCode::kInvalidRequest) << text;
    EXPECT_NE(parsed_expression.error().message.find("schedule"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace settled::schedules
