// What an AWS startExecution.sync task gives a workflow (domain/resources/aws_child_execution).

#include "domain/resources/aws_child_execution.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace settled::aws {
namespace {

namespace json = boost::json;

ExecutionRecord child(ExecutionStatus status) {
  ExecutionRecord r;
  r.id = "parent:p-1~7.0";
  r.state_machine = "kyc";
  r.name = "kyc-p-1";
  r.status = status;
  r.input = json::parse(R"({"user": "u-1"})");
  r.output = json::parse(R"({"approved": true})");
  r.start = 1'733'089'875'458;
  r.stop = 1'733'092'939'260;
  return r;
}

const ArnScope kScope{"eu-west-1", "123456789012"};

TEST(AwsChildExecution, AnUnnamedChildGetsAUuidThatDependsOnlyOnItsId) {
  const std::string name = child_execution_name("parent:p-1~7.0");
  EXPECT_EQ(name.size(), 36u);
  for (std::size_t i : {8u, 13u, 18u, 23u}) EXPECT_EQ(name[i], '-') << name;
  EXPECT_TRUE(valid_execution_name(name));
  EXPECT_EQ(child_execution_name("parent:p-1~7.0"), name);  // after a restart too
  EXPECT_NE(child_execution_name("parent:p-1~9.0"), name);
}

TEST(AwsChildExecution, SyncGivesTextAndSync2GivesJsonWithDatesInMilliseconds) {
  const json::object text =
      describe_child_execution(kScope, child(ExecutionStatus::kSucceeded), false);
  EXPECT_EQ(text.at("ExecutionArn"), "arn:aws:states:eu-west-1:123456789012:execution:kyc:kyc-p-1");
  EXPECT_EQ(text.at("StateMachineArn"), "arn:aws:states:eu-west-1:123456789012:stateMachine:kyc");
  EXPECT_EQ(text.at("Name"), "kyc-p-1");
  EXPECT_EQ(text.at("Status"), "SUCCEEDED");
  EXPECT_EQ(text.at("Input"), R"({"user":"u-1"})");
  EXPECT_EQ(text.at("Output"), R"({"approved":true})");
  EXPECT_EQ(text.at("StartDate"), 1'733'089'875'458);
  EXPECT_EQ(text.at("StopDate"), 1'733'092'939'260);
  EXPECT_EQ(text.at("InputDetails"), json::parse(R"({"Included": true})"));
  EXPECT_EQ(text.at("OutputDetails"), json::parse(R"({"Included": true})"));
  EXPECT_EQ(text.at("RedriveStatus"), "NOT_REDRIVABLE");
  EXPECT_EQ(text.at("RedriveStatusReason"), "Execution is SUCCEEDED and cannot be redriven.");

  const json::object as_json =
      describe_child_execution(kScope, child(ExecutionStatus::kSucceeded), true);
  EXPECT_EQ(as_json.at("Input"), json::parse(R"({"user": "u-1"})"));
  EXPECT_EQ(as_json.at("Output"), json::parse(R"({"approved": true})"));
}

TEST(AwsChildExecution, AFailedChildIsTheCauseWithItsErrorAndNoOutput) {
  const json::value cause = json::parse(child_failure_cause(
      kScope, child(ExecutionStatus::kFailed), false, "KycDeclined", "document expired"));
  EXPECT_EQ(cause.at("Status"), "FAILED");
  EXPECT_EQ(cause.at("Error"), "KycDeclined");
  EXPECT_EQ(cause.at("Cause"), "document expired");
  // Only its parent can be redriven in settled, as DescribeExecution of the child says too.
  EXPECT_EQ(cause.at("RedriveStatus"), "NOT_REDRIVABLE");
  EXPECT_EQ(cause.at("RedriveStatusReason"),
            "Execution runs as part of its parent; redrive the parent instead.");
  EXPECT_FALSE(cause.as_object().contains("Output"));
  EXPECT_EQ(cause.at("Input"), R"({"user":"u-1"})");
}

TEST(AwsChildExecution, StartExecutionsAnswerNamesTheChildAndItsStart) {
  const json::object answer =
      start_execution_answer(kScope, "kyc", "kyc-p-1", 1'733'089'875'458, "parent:p-1/Verify/1");
  EXPECT_EQ(answer.at("ExecutionArn"),
            "arn:aws:states:eu-west-1:123456789012:execution:kyc:kyc-p-1");
  EXPECT_EQ(answer.at("StartDate"), 1'733'089'875'458);
  EXPECT_EQ(answer.at("SdkHttpMetadata").at("HttpStatusCode"), 200);
  // The request id is stable for the attempt.
  EXPECT_EQ(answer.at("SdkResponseMetadata"),
            start_execution_answer(kScope, "kyc", "kyc-p-1", 0, "parent:p-1/Verify/1")
                .at("SdkResponseMetadata"));
}

}  // namespace
}  // namespace settled::aws
