// AWS resource ARNs through the real daemon (docs/aws-resources.md), as the API describes the
// executions that ran them: a child started by startExecution.sync as DescribeExecution answers
// it, and each Task's resource in GetExecutionHistory as the definition writes it. The
// integrations themselves: aws_resources_test.cpp.

#include "integration/aws_resources_fixture.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;

// startExecution.sync's result is DescribeExecution's answer as Step Functions gives it: the
// child named by an execution ARN of its own state machine, its Name the task's or a UUID, dates
// in epoch milliseconds; .sync carries Input and Output as JSON text, .sync:2 as JSON.
TEST_F(AwsResources, AChildExecutionIsDescribedAsStepFunctionsDescribesIt) {
  auto done = run("aws-children", "c-1", json::parse(R"({"orderId": "o-7"})"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto& out = done.at("output").as_object();
  const std::string arns = "arn:aws:states:us-east-1:000000000000:";

  const auto& named = out.at("named").as_object();
  EXPECT_EQ(named.at("Name"), "kyc-o-7");
  EXPECT_EQ(named.at("ExecutionArn").as_string(), arns + "execution:aws-child:kyc-o-7");
  EXPECT_EQ(named.at("StateMachineArn").as_string(), arns + "stateMachine:aws-child");
  EXPECT_EQ(named.at("Status"), "SUCCEEDED");
  EXPECT_EQ(named.at("Input"), R"({"orderId":"o-7"})");
  EXPECT_EQ(named.at("Output"), R"({"seen":"o-7"})");
  EXPECT_EQ(named.at("InputDetails"), json::parse(R"({"Included": true})"));
  EXPECT_EQ(named.at("OutputDetails"), json::parse(R"({"Included": true})"));
  EXPECT_EQ(named.at("RedriveCount"), 0);
  EXPECT_EQ(named.at("RedriveStatus"), "NOT_REDRIVABLE");
  ASSERT_TRUE(named.at("StartDate").is_int64()) << json::serialize(named);
  ASSERT_TRUE(named.at("StopDate").is_int64()) << json::serialize(named);
  // Epoch milliseconds of this run, not seconds or text.
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_GT(named.at("StartDate").as_int64(), now_ms - 600'000);
  EXPECT_LE(named.at("StartDate").as_int64(), named.at("StopDate").as_int64());
  EXPECT_LE(named.at("StopDate").as_int64(), now_ms);

  const auto& unnamed = out.at("unnamed").as_object();
  const std::string uuid(unnamed.at("Name").as_string());
  ASSERT_EQ(uuid.size(), 36u) << uuid;
  for (std::size_t i : {8u, 13u, 18u, 23u}) EXPECT_EQ(uuid[i], '-') << uuid;
  EXPECT_EQ(unnamed.at("ExecutionArn").as_string(), arns + "execution:aws-child:" + uuid);
  EXPECT_EQ(unnamed.at("Input"), json::parse(R"({"orderId": "o-7"})"));
  EXPECT_EQ(unnamed.at("Output"), json::parse(R"({"seen": "o-7"})"));

  // The failed child: States.TaskFailed, its description (no Output) with its Error and Cause.
  EXPECT_EQ(out.at("declined").at("Error"), "States.TaskFailed");
  const json::value cause = json::parse(out.at("declined").at("Cause").as_string());
  EXPECT_EQ(cause.at("Status"), "FAILED");
  EXPECT_EQ(cause.at("Error"), "KycDeclined");
  EXPECT_EQ(cause.at("Cause"), "document expired");
  EXPECT_EQ(cause.at("RedriveStatus"), "NOT_REDRIVABLE");  // its parent can be redriven
  EXPECT_EQ(cause.at("StateMachineArn").as_string(), arns + "stateMachine:aws-child-declines");
  EXPECT_EQ(cause.at("ExecutionArn").as_string().rfind(arns + "execution:aws-child-declines:", 0),
            0u);
  EXPECT_FALSE(cause.as_object().contains("Output"));

  // TaskSubmitted carries StartExecution's answer: the same ARN, and the start in milliseconds.
  auto res = client_->post(
      "/",
      json::serialize(json::object{{"executionArn", arns + "execution:aws-children:c-1"},
                                   {"maxResults", 1000}}),
      {{"Content-Type", "application/x-amz-json-1.0"},
       {"X-Amz-Target", "AWSStepFunctions.GetExecutionHistory"}});
  ASSERT_EQ(res.status, 200u) << res.body;
  std::vector<json::value> submitted;
  const json::value history = res.json();
  for (const auto& event : history.at("events").as_array())
    if (event.at("type") == "TaskSubmitted")
      submitted.push_back(
          json::parse(event.at("taskSubmittedEventDetails").at("output").as_string()));
  ASSERT_EQ(submitted.size(), 3u);
  EXPECT_EQ(submitted[0].at("ExecutionArn"), named.at("ExecutionArn"));
  EXPECT_EQ(submitted[1].at("ExecutionArn"), unnamed.at("ExecutionArn"));
  EXPECT_EQ(submitted[1].at("StartDate"), unnamed.at("StartDate"));
  EXPECT_EQ(submitted[0].at("SdkHttpMetadata").at("HttpStatusCode"), 200);

  // Step Functions' API finds each child by that ARN, and lists it under its own state machine.
  const auto sfn = [&](const std::string& operation, const json::object& body) {
    return client_->post("/", json::serialize(body),
                         {{"Content-Type", "application/x-amz-json-1.0"},
                          {"X-Amz-Target", "AWSStepFunctions." + operation}});
  };
  const std::string named_arn(named.at("ExecutionArn").as_string());
  auto described = sfn("DescribeExecution", {{"executionArn", named_arn}});
  ASSERT_EQ(described.status, 200u) << described.body;
  EXPECT_EQ(described.json().at("executionArn").as_string(), named_arn);
  EXPECT_EQ(described.json().at("name"), "kyc-o-7");
  EXPECT_EQ(described.json().at("status"), "SUCCEEDED");
  EXPECT_EQ(described.json().at("stateMachineArn").as_string(), arns + "stateMachine:aws-child");
  auto child_history = sfn("GetExecutionHistory", {{"executionArn", named_arn}});
  ASSERT_EQ(child_history.status, 200u) << child_history.body;
  EXPECT_EQ(child_history.json().at("events").at(0).at("type"), "ExecutionStarted");
  EXPECT_EQ(child_history.json().at("events").as_array().back().at("type"), "ExecutionSucceeded");
  auto listed = sfn("ListExecutions", {{"stateMachineArn", arns + "stateMachine:aws-child"}});
  ASSERT_EQ(listed.status, 200u) << listed.body;
  std::vector<std::string> listed_arns;
  const json::value listed_body = listed.json();  // the loop reads into it: keep it alive
  for (const auto& e : listed_body.at("executions").as_array())
    listed_arns.emplace_back(e.at("executionArn").as_string());
  EXPECT_EQ(listed_arns, (std::vector<std::string>{
                             std::string(unnamed.at("ExecutionArn").as_string()), named_arn}));

  // The name is taken: another parent naming its child so fails as StartExecution would, and so
  // does a client's start under it.
  auto again = run("aws-children", "c-2", json::parse(R"({"orderId": "o-7"})"));
  EXPECT_EQ(again.at("status"), "FAILED") << json::serialize(again);
  EXPECT_EQ(again.at("error"), "StepFunctions.ExecutionAlreadyExistsException");
  EXPECT_EQ(again.at("cause").as_string(), "Execution Already Exists: '" + named_arn + "'");
  auto taken = client_->post(
      "/v1/executions",
      json::serialize(json::object{
          {"stateMachine", "aws-child"}, {"name", "kyc-o-7"}, {"input", json::object{}}}));
  EXPECT_EQ(taken.status, 409u) << taken.body;
}

// GetExecutionHistory names each Task's resource as the definition writes it, as Step
// Functions does: a service integration's service and action (TaskScheduled with the region), a
// Lambda function ARN's LambdaFunction* events; never the built-in it ran as.
TEST_F(AwsResources, TheHistoryNamesEachResourceAsTheDefinitionWritesIt) {
  auto done = run("aws-integrations", "h-1", json::parse(R"({"orderId": "h-1", "amount": 700})"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  auto res = client_->post(
      "/",
      json::serialize(json::object{
          {"executionArn", "arn:aws:states:us-east-1:000000000000:execution:aws-integrations:h-1"},
          {"maxResults", 1000}}),
      {{"Content-Type", "application/x-amz-json-1.0"},
       {"X-Amz-Target", "AWSStepFunctions.GetExecutionHistory"}});
  ASSERT_EQ(res.status, 200u) << res.body;
  std::vector<std::string> scheduled;
  std::vector<std::string> lambda_events;
  const json::value history = res.json();  // the loop below reads into it: keep it alive
  for (const auto& event : history.at("events").as_array()) {
    const std::string type(event.at("type").as_string());
    if (type.rfind("LambdaFunction", 0) == 0) lambda_events.push_back(type);
    if (type == "LambdaFunctionScheduled") {
      const auto& details = event.at("lambdaFunctionScheduledEventDetails");
      EXPECT_EQ(details.at("resource"),
                "arn:aws:lambda:us-east-1:123456789012:function:CheckAmount");
      EXPECT_EQ(json::parse(details.at("input").as_string()),
                json::parse(R"({"amount": 700, "currency": "EUR"})"));
    }
    if (type.rfind("Task", 0) != 0 || type.find("State") != std::string::npos) continue;
    std::string key = type;
    key[0] = 't';
    const auto& details = event.at(key + "EventDetails");
    const std::string name = std::string(details.at("resourceType").as_string()) + "/" +
                             std::string(details.at("resource").as_string());
    if (type == "TaskScheduled") {
      scheduled.push_back(name);
      EXPECT_EQ(details.at("region"), "us-east-1");
    } else if (type != "TaskSucceeded" && type != "TaskFailed" && type != "TaskStarted" &&
               type != "TaskSubmitted") {
      ADD_FAILURE() << "unexpected " << type;
    }
    EXPECT_TRUE(name.rfind("lambda/", 0) == 0 || name.rfind("dynamodb/", 0) == 0 ||
                name.rfind("sns/", 0) == 0 || name.rfind("events/", 0) == 0 ||
                name.rfind("states/", 0) == 0)
        << type << " " << name;
  }
  EXPECT_EQ(scheduled, (std::vector<std::string>{
                           "lambda/invoke", "dynamodb/putItem", "dynamodb/getItem",
                           "dynamodb/getItem", "sns/publish", "sns/publish", "events/putEvents",
                           "events/putEvents", "states/startExecution.sync:2", "lambda/invoke"}));
  EXPECT_EQ(lambda_events,
            (std::vector<std::string>{"LambdaFunctionScheduled", "LambdaFunctionStarted",
                                      "LambdaFunctionSucceeded"}));
}

}  // namespace
}  // namespace settled::testing
