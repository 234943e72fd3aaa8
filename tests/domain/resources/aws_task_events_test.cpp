// The history's names for a Task whose Resource is an AWS ARN
// (src/domain/resources/aws_task_events.hpp): a service integration's service and action (its
// suffix kept), a Lambda function's LambdaFunction* events, nothing for settled's resources.

#include "domain/resources/aws_task_events.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace settled::aws {
namespace {

namespace json = boost::json;

TEST(AwsTaskEvents, AnIntegrationIsItsServiceAndAction) {
  struct Case {
    const char* resource;
    const char* type;
    const char* action;
  };
  for (const Case& c :
       {Case{"arn:aws:states:::dynamodb:putItem", "dynamodb", "putItem"},
        Case{"arn:aws:states:::lambda:invoke", "lambda", "invoke"},
        Case{"arn:aws:states:::lambda:invoke.waitForTaskToken", "lambda",
             "invoke.waitForTaskToken"},
        Case{"arn:aws:states:::states:startExecution.sync:2", "states", "startExecution.sync:2"},
        Case{"arn:aws:states:::sns:publish", "sns", "publish"},
        Case{"arn:aws:states:::events:putEvents", "events", "putEvents"},
        Case{"arn:aws:states:::aws-sdk:sfn:sendTaskSuccess", "aws-sdk:sfn", "sendTaskSuccess"}}) {
    for (const char* kind : {"Scheduled", "Started", "Succeeded", "Failed", "TimedOut"}) {
      auto event = aws_task_event(c.resource, kind);
      ASSERT_TRUE(event) << c.resource;
      EXPECT_EQ(event->type, std::string("Task") + kind);
      EXPECT_EQ(event->details, (json::object{{"resourceType", c.type}, {"resource", c.action}}))
          << c.resource;
      EXPECT_STREQ(event->payload_field, "parameters");
    }
  }
}

TEST(AwsTaskEvents, ALambdaFunctionArnHasLambdaFunctionEvents) {
  const std::string arn = "arn:aws:lambda:us-east-1:123456789012:function:ChargeCard:live";
  auto scheduled = aws_task_event(arn, "Scheduled");
  ASSERT_TRUE(scheduled);
  EXPECT_EQ(scheduled->type, "LambdaFunctionScheduled");
  EXPECT_EQ(scheduled->details, (json::object{{"resource", arn}}));
  EXPECT_STREQ(scheduled->payload_field, "input");
  for (const char* kind : {"Started", "Succeeded", "Failed", "TimedOut"}) {
    auto event = aws_task_event(arn, kind);
    ASSERT_TRUE(event);
    EXPECT_EQ(event->type, std::string("LambdaFunction") + kind);
    EXPECT_TRUE(event->details.empty());
  }
  // settled takes .waitForTaskToken on a function too; AWS has no LambdaFunctionSubmitted.
  auto submitted = aws_task_event(arn + ".waitForTaskToken", "Submitted");
  ASSERT_TRUE(submitted);
  EXPECT_EQ(submitted->type, "TaskSubmitted");
  EXPECT_EQ(submitted->details.at("resourceType"), "lambda");
  auto token_scheduled = aws_task_event(arn + ".waitForTaskToken", "Scheduled");
  ASSERT_TRUE(token_scheduled);
  EXPECT_EQ(token_scheduled->details.at("resource"), json::value(arn));
}

TEST(AwsTaskEvents, SettledsOwnResourcesAndMalformedArnsAreNotNamedHere) {
  for (const char* resource : {"settled:records.put", "settled:payment.validate.waitForTaskToken",
                               "arn:aws:states:::", "arn:aws:states:::dynamodb",
                               "arn:aws:states:::dynamodb:", "arn:aws:sns:us-east-1:1:topic",
                               "arn:aws:states:::aws-sdk:", "arn:aws:states:::aws-sdk:sfn",
                               "arn:aws:states:::aws-sdk:sfn:"})
    EXPECT_FALSE(aws_task_event(resource, "Scheduled")) << resource;
}

}  // namespace
}  // namespace settled::aws
