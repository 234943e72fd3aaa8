// The clock's API (src/api/clock_commands.hpp): what an advance body asks for, checked against
// the clock, and the refusals that change nothing.

#include "api/clock_commands.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

namespace settled::api {
namespace {

namespace json = boost::json;

constexpr EpochMillis kStart = 1'767'603'600'000;  // 2026-01-05T09:00:00Z
constexpr EpochMillis kDay = 86'400'000;

Result<EpochMillis> target(const actors::Clock& clock, const std::string& body) {
  return parse_clock_advance(json::parse(body).as_object(), clock);
}

TEST(ClockCommands, ShowsTheModeAndTheTime) {
  auto simulated = actors::Clock::simulated(kStart);
  EXPECT_EQ(clock_json(*simulated), (json::object{{"mode", "simulated"},
                                                  {"now", "2026-01-05T09:00:00.000Z"},
                                                  {"nowMillis", kStart}}));
  EXPECT_EQ(clock_json(*actors::Clock::system()).at("mode"), "system");
}

TEST(ClockCommands, AnAdvanceIsByADurationOrToATime) {
  auto clock = actors::Clock::simulated(kStart);
  EXPECT_EQ(*target(*clock, R"({"by": "7d"})"), kStart + 7 * kDay);
  EXPECT_EQ(*target(*clock, R"({"by": "366d"})"), kStart + 366 * kDay);
  EXPECT_EQ(*target(*clock, R"({"to": "2026-01-06T09:00:00Z"})"), kStart + kDay);
  EXPECT_EQ(*target(*clock, R"({"to": "2026-01-05T09:00:00Z"})"), kStart);  // where it is
  EXPECT_EQ(*target(*clock, R"({"to": "2026-01-05T10:00:00+01:00"})"), kStart);
}

TEST(ClockCommands, EverythingElseIsRefusedAsInvalidRequest) {
  auto clock = actors::Clock::simulated(kStart);
  for (const char* body :
       {R"({})", R"({"by": "1d", "to": "2026-01-06T09:00:00Z"})", R"({"by": "-1d"})",
        R"({"by": "0s"})", R"({"by": "367d"})", R"({"by": 86400})", R"({"by": null})",
        R"({"to": "2026-01-05T08:59:59.999Z"})", R"({"to": "2027-01-06T09:00:00.001Z"})",
        R"({"to": "2026-01-06"})", R"({"to": 1767690000000})", R"({"when": "7d"})"}) {
    auto refused = target(*clock, body);
    ASSERT_FALSE(refused.ok()) << body;
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidRequest) << body;
    EXPECT_FALSE(refused.error().message.empty()) << body;
  }
  EXPECT_EQ(clock->now(), kStart);
}

TEST(ClockCommands, TheSystemClockIsNeverAdvanced) {
  auto refused = target(*actors::Clock::system(), R"({"by": "1d"})");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidRequest);
  EXPECT_NE(refused.error().message.find("--clock=simulated"), std::string::npos);
}

}  // namespace
}  // namespace settled::api
