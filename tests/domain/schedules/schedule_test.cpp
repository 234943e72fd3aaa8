#include "domain/schedules/schedule.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::schedules {
namespace {

namespace json = boost::json;

EpochMillis at(const char* rfc3339) {
  return parse_timestamp(rfc3339).value_or(0);
}

bool known_zone(std::string_view zone) {
  return zone == "UTC" || zone == "Europe/Berlin";
}

Result<Schedule> from(const char* body, EpochMillis now = at("2026-12-04T10:00:00Z"),
                      const Schedule* previous = nullptr) {
  return schedule_from_request("payroll", json::parse(body).as_object(), known_zone, now, previous);
}

TEST(Schedule, ARequestWithTheSeedsFieldsBecomesASchedule) {
  auto schedule =
      from(R"({"cron":"0 2 * * *","timezone":"Europe/Berlin","stateMachine":"payroll-run",)"
           R"("input":{"payrollId":"p-1"}})");
  ASSERT_TRUE(schedule.ok()) << schedule.error().message;
  EXPECT_EQ(schedule->cron, "0 2 * * *");
  EXPECT_EQ(schedule->timezone, "Europe/Berlin");
  EXPECT_EQ(schedule->state_machine, "payroll-run");
  EXPECT_EQ(schedule->input, json::parse(R"({"payrollId":"p-1"})"));
  EXPECT_EQ(schedule->created_at, at("2026-12-04T10:00:00Z"));
  EXPECT_EQ(schedule->last_fire_at, 0);
  // Defaults: UTC and an empty input.
  auto plain = from(R"j({"cron":"rate(1 day)","stateMachine":"m"})j");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->timezone, "UTC");
  EXPECT_EQ(plain->input, json::object{});
}

TEST(Schedule, ChangingAScheduleKeepsWhenItWasMadeAndLastFired) {
  auto first = from(R"({"cron":"0 2 * * *","stateMachine":"m"})");
  ASSERT_TRUE(first.ok());
  first->last_fire_at = at("2026-12-05T02:00:00Z");
  auto changed =
      from(R"({"cron":"0 3 * * *","stateMachine":"m"})", at("2026-12-05T09:00:00Z"), &*first);
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(changed->created_at, first->created_at);
  EXPECT_EQ(changed->last_fire_at, first->last_fire_at);
  EXPECT_EQ(changed->updated_at, at("2026-12-05T09:00:00Z"));
}

TEST(Schedule, BadRequestsAreRefusedWithTheReason) {
  for (const char* body : {R"({"stateMachine":"m"})", R"({"cron":"61 * * * *","stateMachine":"m"})",
                           R"({"cron":"0 2 * * *"})", R"({"cron":"0 2 * * *","stateMachine":""})",
                           R"({"cron":"0 2 * * *","stateMachine":"m","timezone":"Mars/Olympus"})",
                           R"({"cron":"0 2 * * *","stateMachine":"m","input":[1]})",
                           R"({"cron":"0 2 * * *","stateMachine":"m","extra":1})"}) {
    auto refused = from(body);
    ASSERT_FALSE(refused.ok()) << body;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidRequest) << body;
  }
  for (const char* name : {"", "has space", "slash/name", "ä",
                           "a-name-that-is-far-too-long-to-be-a-schedule-name-at-all-0123456789"}) {
    EXPECT_FALSE(schedule_from_request(name,
                                       json::object{{"cron", "0 2 * * *"}, {"stateMachine", "m"}},
                                       known_zone, 0, nullptr)
                     .ok())
        << name;
  }
}

TEST(Schedule, AFireStartsTheExecutionNamedByTheScheduleAndTheTime) {
  Schedule schedule;
  schedule.name = "payroll";
  EXPECT_EQ(fire_execution_name(schedule, at("2026-12-04T02:00:00Z")), "payroll-20261204T020000Z");
}

TEST(Schedule, OnlyTheLatestMissedFireRunsAndTheOlderOnesAreCounted) {
  auto schedule = from(R"({"cron":"0 2 * * *","stateMachine":"m"})", at("2026-12-01T10:00:00Z"));
  ASSERT_TRUE(schedule.ok());
  schedule->last_fire_at = at("2026-12-02T02:00:00Z");
  const auto expression = *ScheduleExpression::parse(schedule->cron);
  // Down from the 2nd until the 5th at noon: the 3rd, 4th and 5th were missed.
  auto plan =
      plan_fires(*schedule, expression, *date::locate_zone("UTC"), at("2026-12-05T12:00:00Z"));
  EXPECT_EQ(plan.catch_up, at("2026-12-05T02:00:00Z"));
  EXPECT_EQ(plan.skipped, 2u);
  EXPECT_EQ(plan.next, at("2026-12-06T02:00:00Z"));
  // Nothing missed: only the next fire.
  schedule->last_fire_at = at("2026-12-05T02:00:00Z");
  plan = plan_fires(*schedule, expression, *date::locate_zone("UTC"), at("2026-12-05T12:00:00Z"));
  EXPECT_FALSE(plan.catch_up);
  EXPECT_EQ(plan.skipped, 0u);
  EXPECT_EQ(plan.next, at("2026-12-06T02:00:00Z"));
}

TEST(Schedule, AChangeIsNotFollowedByACatchUpOfFiresBeforeIt) {
  // Last fired on the 2nd; changed on the 4th at 09:00 (the fires of the 3rd and the 4th at 02:00
  // were before the change); down until the 5th at noon: only the 5th's fire is missed.
  auto first = from(R"({"cron":"0 2 * * *","stateMachine":"m"})", at("2026-12-01T10:00:00Z"));
  ASSERT_TRUE(first.ok());
  first->last_fire_at = at("2026-12-02T02:00:00Z");
  auto changed = from(R"({"cron":"0 2 * * *","stateMachine":"m","input":{"a":1}})",
                      at("2026-12-04T09:00:00Z"), &*first);
  ASSERT_TRUE(changed.ok());
  const auto expression = *ScheduleExpression::parse(changed->cron);
  auto plan =
      plan_fires(*changed, expression, *date::locate_zone("UTC"), at("2026-12-05T12:00:00Z"));
  EXPECT_EQ(plan.catch_up, at("2026-12-05T02:00:00Z"));
  EXPECT_EQ(plan.skipped, 0u);
  // Changed after the last fire that was due: nothing to catch up.
  plan = plan_fires(*changed, expression, *date::locate_zone("UTC"), at("2026-12-04T12:00:00Z"));
  EXPECT_FALSE(plan.catch_up);
  EXPECT_EQ(plan.next, at("2026-12-05T02:00:00Z"));
}

TEST(Schedule, TheSameDefinitionIgnoresTimesAndSpellingOfTheInput) {
  auto a = from(R"({"cron":"0 2 * * *","stateMachine":"m","input":{"x":100,"y":"z"}})");
  auto b = from(R"({"cron":"0 2 * * *","stateMachine":"m","input":{"y":"z","x":1e2}})",
                at("2027-01-01T00:00:00Z"));
  ASSERT_TRUE(a.ok() && b.ok());
  b->last_fire_at = 7;
  EXPECT_TRUE(same_definition(*a, *b));
  for (const char* other : {R"({"cron":"0 3 * * *","stateMachine":"m","input":{"x":100,"y":"z"}})",
                            R"({"cron":"0 2 * * *","stateMachine":"n","input":{"x":100,"y":"z"}})",
                            R"({"cron":"0 2 * * *","stateMachine":"m","input":{"x":101,"y":"z"}})",
                            R"({"cron":"0 2 * * *","stateMachine":"m","timezone":"Europe/Berlin",)"
                            R"("input":{"x":100,"y":"z"}})"}) {
    auto c = from(other);
    ASSERT_TRUE(c.ok()) << other;
    EXPECT_FALSE(same_definition(*a, *c)) << other;
  }
}

TEST(Schedule, AMinutelyScheduleDownForAYearCatchesUpOnceWithoutCountingEachMinute) {
  auto schedule = from(R"({"cron":"* * * * *","stateMachine":"m"})", at("2025-12-01T00:00:00Z"));
  ASSERT_TRUE(schedule.ok());
  schedule->last_fire_at = at("2025-12-01T00:00:00Z");
  auto plan = plan_fires(*schedule, *ScheduleExpression::parse(schedule->cron),
                         *date::locate_zone("UTC"), at("2026-12-01T00:00:30Z"));
  EXPECT_EQ(plan.catch_up, at("2026-12-01T00:00:00Z"));
  EXPECT_GE(plan.skipped, 100'000u);
  EXPECT_EQ(plan.next, at("2026-12-01T00:01:00Z"));
}

TEST(Schedule, TheStoredRowReadsBackAndABadOneIsRecordCorrupt) {
  auto schedule = from(R"j({"cron":"cron(0 18 L * ? *)","stateMachine":"m","input":{"a":1}})j");
  ASSERT_TRUE(schedule.ok());
  schedule->last_fire_at = 42;
  auto decoded = decode_schedule(encode(*schedule));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(encode(*decoded), encode(*schedule));
  for (const char* row : {"", "[]", R"({"v":2})", R"({"v":1,"name":"x"})", "{\"v\":1,"}) {
    auto bad = decode_schedule(row);
    ASSERT_FALSE(bad.ok()) << row;
    EXPECT_EQ(bad.error().code, ErrorCode::kRecordCorrupt) << row;
  }
}

}  // namespace
}  // namespace settled::schedules
