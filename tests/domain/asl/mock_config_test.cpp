#include "domain/asl/mock_config.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::asl {
namespace {

namespace json = boost::json;

Result<MockConfig> parse(std::string_view text) {
  return MockConfig::parse(json::parse(text));
}

constexpr const char* kValid = R"({
  "StateMachines": {"Pay": {"TestCases": {
    "HappyPath": {"Charge": "ChargeOk"},
    "RetryPath": {"Charge": "ChargeFlaky"},
    "NoMocks": {}}}},
  "MockedResponses": {
    "ChargeOk": {"0": {"Return": {"id": "ch_1"}}},
    "ChargeFlaky": {"0": {"Throw": {"Error": "Lambda.Unavailable", "Cause": "cold"}},
                    "1-2": {"Throw": {"Error": "Lambda.Timeout"}},
                    "3": {"Return": "done"}}}})";

TEST(MockConfig, AnswersByInvocationNumber) {
  auto config = parse(kValid);
  ASSERT_TRUE(config) << config.error().message;
  auto first = config->answer("Pay", "RetryPath", "Charge", 0);
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->ok);
  EXPECT_EQ(first->error, "Lambda.Unavailable");
  EXPECT_EQ(first->cause, "cold");
  for (int i : {1, 2}) {
    auto middle = config->answer("Pay", "RetryPath", "Charge", i);
    ASSERT_TRUE(middle);
    EXPECT_EQ(middle->error, "Lambda.Timeout");
    EXPECT_EQ(middle->cause, "");
  }
  auto last = config->answer("Pay", "RetryPath", "Charge", 3);
  ASSERT_TRUE(last);
  EXPECT_TRUE(last->ok);
  EXPECT_EQ(last->result, json::value("done"));
  auto happy = config->answer("Pay", "HappyPath", "Charge", 0);
  ASSERT_TRUE(happy);
  EXPECT_EQ(happy->result, json::parse(R"({"id":"ch_1"})"));
}

TEST(MockConfig, AnInvocationPastTheLastRangeFailsTheTask) {
  auto config = parse(kValid);
  ASSERT_TRUE(config);
  auto past = config->answer("Pay", "HappyPath", "Charge", 1);
  ASSERT_TRUE(past);
  EXPECT_FALSE(past->ok);
  EXPECT_EQ(past->error, "States.TaskFailed");
  EXPECT_NE(past->cause.find("ChargeOk"), std::string::npos) << past->cause;
}

TEST(MockConfig, UnmockedStatesAndUnknownCasesAreNotAnswered) {
  auto config = parse(kValid);
  ASSERT_TRUE(config);
  EXPECT_FALSE(config->answer("Pay", "HappyPath", "Notify", 0));
  EXPECT_FALSE(config->answer("Pay", "NoMocks", "Charge", 0));
  EXPECT_FALSE(config->answer("Pay", "Missing", "Charge", 0));
  EXPECT_FALSE(config->answer("Refund", "HappyPath", "Charge", 0));
  EXPECT_TRUE(config->has_test_case("Pay", "NoMocks"));
  EXPECT_FALSE(config->has_test_case("Pay", "Missing"));
  EXPECT_FALSE(config->has_test_case("Refund", "HappyPath"));
  EXPECT_EQ(config->test_case_count(), 3u);
}

void expect_refused(std::string_view text, std::string_view names) {
  auto config = parse(text);
  ASSERT_FALSE(config) << text;
  EXPECT_EQ(config.error().code, ErrorCode::kInvalidRequest);
  EXPECT_NE(config.error().message.find(names), std::string::npos)
      << config.error().message << " should name " << names;
}

TEST(MockConfig, RefusesBrokenFilesNamingTheField) {
  expect_refused("[]", "mock configuration");
  expect_refused(R"({"StateMachines": {}})", "MockedResponses");
  expect_refused(R"({"MockedResponses": {}})", "StateMachines");
  expect_refused(R"({"StateMachines": {}, "MockedResponses": {}, "Extra": 1})", "Extra");
  expect_refused(R"({"StateMachines": {"M": {"TestCases": {"C": {"S": "Nope"}}}},
                     "MockedResponses": {}})",
                 R"(StateMachines."M".TestCases."C"."S")");
  expect_refused(R"({"StateMachines": {"M": {"TestCases": {"C#1": {}}}}, "MockedResponses": {}})",
                 "'#'");
  expect_refused(R"({"StateMachines": {"M": {"Cases": {}}}, "MockedResponses": {}})",
                 R"(StateMachines."M".Cases)");
  expect_refused(R"({"StateMachines": {}, "MockedResponses": {"R": {"x": {"Return": 1}}}})",
                 R"(MockedResponses."R"."x")");
  expect_refused(R"({"StateMachines": {}, "MockedResponses": {"R": {"2-1": {"Return": 1}}}})",
                 R"("2-1")");
  expect_refused(R"({"StateMachines": {}, "MockedResponses": {"R": {"-1": {"Return": 1}}}})",
                 R"("-1")");
  expect_refused(
      R"({"StateMachines": {}, "MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}})",
      "overlap");
  expect_refused(R"({"StateMachines": {}, "MockedResponses": {"R": {}}})",
                 R"(MockedResponses."R")");
  expect_refused(R"({"StateMachines": {}, "MockedResponses": {"R": {"0": {}}}})",
                 "exactly one of Return or Throw");
  expect_refused(
      R"({"StateMachines": {}, "MockedResponses": {"R": {"0": {"Return": 1, "Throw": {}}}}})",
      "exactly one of Return or Throw");
  expect_refused(R"({"StateMachines": {}, "MockedResponses": {"R": {"0": {"Throw": {}}}}})",
                 "Throw.Error");
  expect_refused(
      R"({"StateMachines": {}, "MockedResponses": {"R": {"0": {"Throw": {"Error": "E", "Code": 1}}}}})",
      "Throw.Code");
  expect_refused(
      R"({"StateMachines": {}, "MockedResponses": {"R": {"99999999999": {"Return": 1}}}})",
      "99999999999");
  const std::string long_name(81, 'n');
  expect_refused(
      R"({"StateMachines": {")" + long_name + R"(": {"TestCases": {}}}, "MockedResponses": {}})",
      "1 to 80 characters");
}

TEST(MockConfig, SplitsTheTestCaseOffTheStateMachine) {
  EXPECT_EQ(split_test_case("Pay#HappyPath"),
            std::make_pair(std::string("Pay"), std::string("HappyPath")));
  EXPECT_EQ(split_test_case("Pay"), std::make_pair(std::string("Pay"), std::string()));
  EXPECT_EQ(split_test_case("Pay#"), std::make_pair(std::string("Pay"), std::string()));
}

}  // namespace
}  // namespace settled::asl
