// Tests for starting another state machine from a Task (src/domain/resources/start_execution.hpp)
// and its AWS form's answer (aws_resources.hpp).

#include "domain/resources/start_execution.hpp"

#include "domain/resources/aws_resources.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

TEST(StartExecution, TakesStartExecutionsParameters) {
  auto start = parse_start_execution(json::parse(
      R"({"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:payout",
          "Input": "{\"amount\": 100}", "Name": "payout-ms-1"})"));
  ASSERT_TRUE(start.ok()) << start.error().message;
  EXPECT_EQ(start->state_machine, "payout");
  EXPECT_EQ(start->name, "payout-ms-1");
  EXPECT_EQ(start->input, json::parse(R"({"amount": 100})"));  // JSON text parsed

  auto bare = parse_start_execution(json::parse(R"({"StateMachineArn": "payout"})"));
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->state_machine, "payout");
  EXPECT_EQ(bare->name, "");
  EXPECT_EQ(bare->input, json::object{});
  auto array_input =
      parse_start_execution(json::parse(R"({"StateMachineArn": "payout", "Input": [1, 2]})"));
  ASSERT_TRUE(array_input.ok());
  EXPECT_EQ(array_input->input, json::parse("[1, 2]"));  // any JSON value, as AWS takes
}

TEST(StartExecution, RefusesWhatStartExecutionRefuses) {
  for (const char* bad :
       {R"([])", R"({})", R"({"StateMachineArn": 7})", R"({"StateMachineArn": ""})",
        R"({"StateMachineArn": "m", "Name": "has space"})",
        R"({"StateMachineArn": "m", "Name": ""})",
        R"({"StateMachineArn": "m", "Input": "{not json"})",
        R"({"StateMachineArn": "m", "TraceHeader": "x"})"}) {
    auto start = parse_start_execution(json::parse(bad));
    EXPECT_FALSE(start.ok()) << bad;
    if (!start.ok()) {
      const bool bad_name = std::string(bad).find("\"Name\"") != std::string::npos;
      EXPECT_EQ(start.error().field == StartExecutionField::kName, bad_name) << bad;
      EXPECT_EQ(start_execution_refused(start.error()).error,
                bad_name ? "StepFunctions.InvalidNameException"
                         : "StepFunctions.InvalidExecutionInputException")
          << bad;
    }
  }
  EXPECT_THAT(
      parse_start_execution(json::parse(R"({"StateMachineArn": "m", "X": 1})")).error().message,
      HasSubstr("parameters.X is unknown"));
}

TEST(StartExecution, ANameWithoutOneIsTheSameForTheSameAttempt) {
  const std::string a = started_execution_name("parent:p-1/Start/4");
  EXPECT_EQ(a, started_execution_name("parent:p-1/Start/4"));
  EXPECT_NE(a, started_execution_name("parent:p-1/Start/9"));
  EXPECT_EQ(a.size(), 36u);  // UUID-shaped, as Step Functions names it
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
