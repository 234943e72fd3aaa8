// Tests for starting another state machine from a Task (src/domain/resources/start_execution.hpp)
// and its AWS form's answer (aws_resources.hpp).

#include "domain/resources/start_execution.hpp"

#include "domain/resources/aws_child_execution.hpp"
#include "domain/resources/aws_resources.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace settled {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

const aws::ArnScope kScope{"us-east-1", "123456789012"};

TEST(StartExecution, TakesStartExecutionsParameters) {
  auto start = parse_start_execution(
      json::parse(
          R"({"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:payout",
          "Input": "{\"amount\": 100}", "Name": "payout-ms-1"})"),
      kScope);
  ASSERT_TRUE(start.ok()) << start.error().message;
  EXPECT_EQ(start->state_machine, "payout");
  EXPECT_EQ(start->name, "payout-ms-1");
  EXPECT_EQ(start->input, json::parse(R"({"amount": 100})"));  // JSON text parsed

  auto bare = parse_start_execution(json::parse(R"({"StateMachineArn": "payout"})"), kScope);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->state_machine, "payout");
  EXPECT_EQ(bare->name, "");
  EXPECT_EQ(bare->input, json::object{});
  auto array_input = parse_start_execution(
      json::parse(R"({"StateMachineArn": "payout", "Input": [1, 2]})"), kScope);
  ASSERT_TRUE(array_input.ok());
  EXPECT_EQ(array_input->input, json::parse("[1, 2]"));  // any JSON value, as AWS takes
}

TEST(StartExecution, RefusesWhatStartExecutionRefuses) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {R"([])", "StepFunctions.InvalidExecutionInputException"},
      {R"({})", "StepFunctions.InvalidArnException"},
      {R"({"StateMachineArn": 7})", "StepFunctions.InvalidArnException"},
      {R"({"StateMachineArn": ""})", "StepFunctions.InvalidArnException"},
      {R"({"StateMachineArn": "m", "Name": "has space"})", "StepFunctions.InvalidNameException"},
      {R"({"StateMachineArn": "m", "Name": ""})", "StepFunctions.InvalidNameException"},
      {R"({"StateMachineArn": "m", "Input": "{not json"})",
       "StepFunctions.InvalidExecutionInputException"},
      {R"({"StateMachineArn": "m", "TraceHeader": "x"})",
       "StepFunctions.InvalidExecutionInputException"}};
  for (const auto& [bad, name] : cases) {
    auto start = parse_start_execution(json::parse(bad), kScope);
    ASSERT_FALSE(start.ok()) << bad;
    EXPECT_EQ(start_execution_refused(start.error()).error, name) << bad;
  }
  EXPECT_THAT(parse_start_execution(json::parse(R"({"StateMachineArn": "m", "X": 1})"), kScope)
                  .error()
                  .message,
              HasSubstr("parameters.X is unknown"));
}

// The ARN is read in the daemon's region and account: another account's state machine of the
// same name is not this daemon's, and an execution's, version's or alias's ARN is no state
// machine's (before, the last segment after ':' was taken as the name, whatever it was).
TEST(StartExecution, AStateMachineArnIsReadInTheDaemonsRegionAndAccount) {
  const auto parse = [](const std::string& arn) {
    return parse_start_execution(json::object{{"StateMachineArn", arn}}, kScope);
  };
  auto foreign = parse("arn:aws:states:us-east-1:999999999999:stateMachine:payout");
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, ErrorCode::kStateMachineDoesNotExist);
  EXPECT_EQ(start_execution_refused(foreign.error()).error,
            "StepFunctions.StateMachineDoesNotExistException");
  EXPECT_THAT(foreign.error().message, HasSubstr("999999999999"));
  auto elsewhere = parse("arn:aws:states:eu-west-1:123456789012:stateMachine:payout");
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, ErrorCode::kStateMachineDoesNotExist);
  for (const char* not_a_machine :
       {"arn:aws:states:us-east-1:123456789012:execution:payout:e-1",
        "arn:aws:states:us-east-1:123456789012:stateMachine:payout:1",
        "arn:aws:lambda:us-east-1:123456789012:function:payout", "arn:aws:states"}) {
    auto refused = parse(not_a_machine);
    ASSERT_FALSE(refused.ok()) << not_a_machine;
    EXPECT_EQ(start_execution_refused(refused.error()).error, "StepFunctions.InvalidArnException")
        << not_a_machine;
  }
}

TEST(StartExecution, ANameWithoutOneIsTheSameForTheSameAttempt) {
  const std::string a = started_execution_name("parent:p-1/Start/4");
  EXPECT_EQ(a, started_execution_name("parent:p-1/Start/4"));
  EXPECT_NE(a, started_execution_name("parent:p-1/Start/9"));
  EXPECT_EQ(a.size(), 36u);  // UUID-shaped, as Step Functions names it
}

// With the daemon's secret the name cannot be worked out from the key, stays the same for the
// same attempt, and differs under another secret; a task entered before the secret was made
// (or at an unknown time) keeps the unsalted name, so its retry finds what it started then.
TEST(StartExecution, ANameWithoutOneIsSaltedWithTheDaemonsSecret) {
  const std::string key = "parent:p-1/Start/4";
  const aws::ChildNameSalt salt{std::string(64, 'a'), 1000};
  const std::string salted = started_execution_name(key, salt, 1000);
  EXPECT_NE(salted, started_execution_name(key));
  EXPECT_EQ(salted, started_execution_name(key, salt, 5000));
  EXPECT_EQ(salted.size(), 36u);
  EXPECT_NE(salted,
            started_execution_name(key, aws::ChildNameSalt{std::string(64, 'b'), 1000}, 1000));
  EXPECT_EQ(started_execution_name(key, salt, 999), started_execution_name(key));
  EXPECT_EQ(started_execution_name(key, salt, 0), started_execution_name(key));
  EXPECT_EQ(started_execution_name(key, aws::ChildNameSalt{}, 5000), started_execution_name(key));
  // A .sync child's name likewise.
  EXPECT_NE(aws::child_execution_name("p:1~7.0", salt, 1000), aws::child_execution_name("p:1~7.0"));
  EXPECT_EQ(aws::child_execution_name("p:1~7.0", salt, 10), aws::child_execution_name("p:1~7.0"));
}

TEST(StartExecution, RefusalsAreNamedAsStepFunctionsNamesThem) {
  EXPECT_EQ(start_execution_refused(Error{ErrorCode::kExecutionAlreadyExists, "x"}).error,
            "StepFunctions.ExecutionAlreadyExistsException");
  EXPECT_EQ(start_execution_refused(Error{ErrorCode::kStateMachineDoesNotExist, "x"}).error,
            "StepFunctions.StateMachineDoesNotExistException");
  for (ErrorCode busy : {ErrorCode::kOverloaded, ErrorCode::kIngestionPaused, ErrorCode::kDraining})
    EXPECT_EQ(start_execution_refused(Error{busy, "x"}).error,
              "StepFunctions.ExecutionLimitExceededException");
  const TaskOutcome store = start_execution_refused(Error{ErrorCode::kStoreUnavailable, "disk"});
  EXPECT_EQ(store.error, "States.TaskFailed");
  EXPECT_EQ(store.cause, "disk");
}

TEST(StartExecution, TheResultNamesTheStartedExecutionAndTheAwsFormItsArn) {
  StartExecutionParameters start;
  start.state_machine = "payout";
  start.name = "n-1";
  const json::object result = started_execution_result(
      start, json::object{{"startDate", "2026-12-07T09:00:00.250Z"}}, true);
  EXPECT_EQ(result, json::parse(R"({"executionId": "payout:n-1", "stateMachine": "payout",
      "name": "n-1", "startDate": "2026-12-07T09:00:00.250Z", "outcome": "started"})"));

  aws::ArnScope arns{"eu-west-1", "123456789012"};
  TaskOutcome started = TaskOutcome::success(result);
  started.start_date = 1796634000250;  // 2026-12-07T09:00:00.250Z, as the supervisor answers it
  const TaskOutcome answered =
      aws::from_builtin("arn:aws:states:::states:startExecution", std::move(started),
                        "parent:p-1/Start/4", {}, 0, arns);
  ASSERT_TRUE(answered.ok);
  const auto& out = answered.result.as_object();
  EXPECT_EQ(out.at("ExecutionArn"), "arn:aws:states:eu-west-1:123456789012:execution:payout:n-1");
  EXPECT_EQ(out.at("StartDate"), 1796634000250);
  EXPECT_TRUE(out.contains("SdkHttpMetadata"));
  EXPECT_TRUE(out.contains("SdkResponseMetadata"));
  const TaskOutcome refused = aws::from_builtin(
      "arn:aws:states:::states:startExecution",
      TaskOutcome::failure("StepFunctions.ExecutionAlreadyExistsException", "x"), "k", {}, 0, arns);
  EXPECT_EQ(refused.error, "StepFunctions.ExecutionAlreadyExistsException");
}

}  // namespace
}  // namespace settled
