// Tests for settled:time.until (src/domain/resources/time_until.hpp).

#include "domain/resources/time_until.hpp"

#include "domain/time.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled {
namespace {

namespace json = boost::json;

TaskAttempt attempt(std::string_view parameters, const char* now = "2026-03-01T12:00:00Z") {
  TaskAttempt a;
  a.resource = "settled:time.until";
  a.parameters = json::parse(parameters);
  a.idempotency_key = "contract-lifecycle:ct-1/Next Deadline/40";
  a.execution_id = "contract-lifecycle:ct-1";
  a.now = *parse_timestamp(now);
  return a;
}

TEST(TimeUntil, ThirtyDaysBeforeAnEndDateIsCountedFromTheBusinessClock) {
  const auto o = run_time_until(
      attempt(R"({"timestamp": "2026-06-30T00:00:00Z", "offsetSeconds": -2592000})"));
  ASSERT_TRUE(o.ok) << o.cause;
  const auto& r = o.result.as_object();
  EXPECT_EQ(r.at("at"), "2026-05-31T00:00:00.000Z");
  EXPECT_EQ(r.at("atMillis"), *parse_timestamp("2026-05-31T00:00:00Z"));
  // 2026-03-01T12:00 to 2026-05-31T00:00: 90 days 12 hours.
  EXPECT_EQ(r.at("seconds"), 90 * 86400 + 12 * 3600);
  EXPECT_EQ(r.at("waitSeconds"), 90 * 86400 + 12 * 3600);
  EXPECT_EQ(r.at("due"), false);
}

TEST(TimeUntil, APastTimeIsDueAndAFractionOfASecondRoundsUp) {
  const auto past = run_time_until(attempt(R"({"timestamp": "2026-02-01T00:00:00Z"})"));
  ASSERT_TRUE(past.ok);
  EXPECT_EQ(past.result.at("seconds"), 0);
  EXPECT_EQ(past.result.at("due"), true);
  EXPECT_EQ(past.result.at("waitSeconds"), 1);  // a valid timeoutSeconds, never 0
  const auto soon = run_time_until(attempt(R"({"timestamp": "2026-03-01T12:00:00.001Z"})"));
  ASSERT_TRUE(soon.ok);
  EXPECT_EQ(soon.result.at("seconds"), 1);  // a wait of 0 s would end before the time
  EXPECT_EQ(soon.result.at("due"), false);
  const auto offset_zone = run_time_until(attempt(R"({"timestamp": "2026-03-01T14:00:00+02:00"})"));
  ASSERT_TRUE(offset_zone.ok);
  EXPECT_EQ(offset_zone.result.at("due"), true);
}

TEST(TimeUntil, AWaitBeyondAYearIsCappedToEventsWaitForsLimit) {
  const auto o = run_time_until(attempt(R"({"timestamp": "2029-03-01T12:00:00Z"})"));
  ASSERT_TRUE(o.ok);
  EXPECT_EQ(o.result.at("seconds"), 1096 * 86400);
  EXPECT_EQ(o.result.at("waitSeconds"), 31536000);
}

TEST(TimeUntil, RefusesWhatIsNotATimeOrAnOffset) {
  for (const char* p : {R"([])", R"({})", R"({"timestamp": 5})",
                        R"({"timestamp": "2026-13-01T00:00:00Z"})", R"({"timestamp": "tomorrow"})",
                        R"({"timestamp": "2026-06-30T00:00:00Z", "offsetSeconds": 1.5})",
                        R"({"timestamp": "2026-06-30T00:00:00Z", "offsetSeconds": "-30d"})",
                        R"({"timestamp": "2026-06-30T00:00:00Z", "offsetSeconds": 99999999999})",
                        R"({"timestamp": "0000-01-01T00:00:00Z", "offsetSeconds": -1})",
                        R"({"timestamp": "2026-06-30T00:00:00Z", "days": 1})"}) {
    const auto o = run_time_until(attempt(p));
    EXPECT_FALSE(o.ok) << p;
    EXPECT_EQ(o.error, kTimeInvalidParameters) << p;
  }
}

}  // namespace
}  // namespace settled
