// AWS resource ARNs through the real daemon (docs/aws-resources.md): with --resource-map, a
// definition written as AWS runs it — Lambda ARNs mapped to a built-in or to a URL
// (settled:http.invoke, against a small local HTTP server standing in for the functions),
// lambda:invoke, dynamodb:putItem/getItem/updateItem/deleteItem, sns:publish, events:putEvents and
// states:startExecution.sync:2 — runs unchanged, and an unmapped ARN is refused at
// registration. Seed 004's definition runs verbatim, its two Lambdas served over HTTP.

#include "integration/ops_fixture.hpp"
#include "support/eventually.hpp"

#include "adapters/http/http_server.hpp"
#include "domain/time.hpp"

#include <mutex>

namespace settled::testing {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;

// Seed 004's state machine, verbatim (its <region>/<account-id> placeholders included).
constexpr const char* kSeed004 = R"json({
  "Comment": "State machine for purchase and refund operations",
  "StartAt": "Check Operation",
  "States": {
    "Check Operation": {
      "Type": "Choice",
      "Choices": [
        {"Variable": "$.operation", "StringEquals": "purchase", "Next": "Purchase Lambda"},
        {"Variable": "$.operation", "StringEquals": "refund", "Next": "Refund Lambda"}
      ],
      "Default": "Invalid Operation"
    },
    "Purchase Lambda": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:<region>:<account-id>:function:PurchaseLambda",
      "Next": "Success"
    },
    "Refund Lambda": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:<region>:<account-id>:function:RefundLambda",
      "Next": "Success"
    },
    "Invalid Operation": {
      "Type": "Fail",
      "Error": "InvalidOperationError",
      "Cause": "The operation provided is not valid."
    },
    "Success": {"Type": "Succeed"}
  }
})json";

constexpr const char* kIntegrations = R"json({
  "StartAt": "CheckAmount",
  "States": {
    "CheckAmount": {"Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:CheckAmount",
      "Parameters": {"amount.$": "$.amount", "currency": "EUR"},
      "ResultPath": "$.checked", "Next": "Invoke"},
    "Invoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:PurchaseLambda:$LATEST",
                     "Payload": {"orderId.$": "$.orderId"}},
      "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 1,
                 "MaxAttempts": 2}],
      "ResultPath": "$.invoke", "Next": "Put"},
    "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
      "Parameters": {"TableName": "Payments", "Item": {
        "paymentId": {"S.$": "$.orderId"},
        "amount": {"N.$": "States.Format('{}', $.amount)"},
        "captured": {"BOOL": true}}},
      "ResultPath": "$.put", "Next": "Get"},
    "Get": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
      "Parameters": {"TableName": "Payments", "Key": {"paymentId": {"S.$": "$.orderId"}}},
      "ResultPath": "$.got", "Next": "GetMissing"},
    "GetMissing": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
      "Parameters": {"TableName": "Payments", "Key": {"paymentId": {"S": "no-such"}}},
      "ResultPath": "$.missing", "Next": "Publish"},
    "Publish": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
      "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:ops-alerts",
                     "Subject": "Payment captured", "Message.$": "$.orderId",
                     "MessageAttributes": {"severity": {"DataType": "String",
                                                        "StringValue": "info"}}},
      "ResultPath": "$.sns", "Next": "PublishFifo"},
    "PublishFifo": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
      "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:ledger.fifo",
                     "Message": {"default": "Ledger entry", "email": "A ledger entry"},
                     "MessageStructure": "json", "MessageGroupId.$": "$.orderId",
                     "MessageAttributes": {"severity": {"DataType": "String",
                                                        "StringValue": "info"}}},
      "ResultPath": "$.snsFifo", "Next": "Emit"},
    "Emit": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
      "Parameters": {"Entries": [{"Source": "payments", "DetailType": "payment.captured",
                                  "EventBusName": "default",
                                  "Detail": {"entityId.$": "$.orderId"}}]},
      "ResultPath": "$.events", "Next": "EmitTwo"},
    "EmitTwo": {"Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
      "Parameters": {"Entries": [
        {"Source": "payments", "DetailType": "payment.audited", "Detail": {"entityId.$": "$.orderId"}},
        {"Source": "payments", "DetailType": "payment.logged", "EventBusName": "default",
         "Detail": {"entityId.$": "$.orderId"}}]},
      "ResultPath": "$.eventsTwo", "Next": "Child"},
    "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
      "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:aws-child",
                     "Input": {"orderId.$": "$.orderId"}},
      "ResultSelector": {"Status.$": "$.Status", "Output.$": "$.Output"},
      "ResultPath": "$.child", "Next": "Decline"},
    "Decline": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "DeclineLambda", "Payload": {}},
      "Catch": [{"ErrorEquals": ["PaymentDeclined"], "ResultPath": "$.declined", "Next": "Done"}],
      "Next": "Done"},
    "Done": {"Type": "Succeed"}
  }
})json";

// dynamodb:updateItem and deleteItem between puts and gets (settled:records.update/delete).
// Every item of $.items adds 1 to one counter item, the Map's iterations all at once: DynamoDB
// serialises writes to one item, so none may be lost.
constexpr const char* kDynamoCounter = R"json({
  "StartAt": "Each",
  "States": {
    "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 0, "ResultPath": null,
      "ItemProcessor": {"StartAt": "Add", "States": {
        "Add": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
          "Parameters": {"TableName": "Payments", "Key": {"paymentId": {"S": "counter"}},
            "UpdateExpression": "ADD hits :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}}},
          "End": true}}},
      "End": true}}})json";

constexpr const char* kDynamoWrites = R"json({
  "StartAt": "Put",
  "States": {
    "Put": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
      "Parameters": {"TableName": "Payments", "Item": {
        "paymentId": {"S.$": "$.orderId"}, "status": {"S": "NEW"}, "amount": {"N": "1250"},
        "meta": {"M": {"by": {"S": "api"}, "at": {"N": "1"}}}, "note": {"S": "first"}}},
      "ResultPath": null, "Next": "Update"},
    "Update": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
      "Parameters": {"TableName": "Payments", "Key": {"paymentId": {"S.$": "$.orderId"}},
        "UpdateExpression": "SET #s = :s, meta.by = :by REMOVE note ADD amount :inc",
        "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":s": {"S": "CAPTURED"}, ":by": {"S": "ops"},
                                      ":inc": {"N": "50"}},
        "ReturnValues": "UPDATED_NEW"},
      "ResultPath": "$.updated", "Next": "GetUpdated"},
    "GetUpdated": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
      "Parameters": {"TableName": "Payments", "Key": {"paymentId": {"S.$": "$.orderId"}}},
      "ResultPath": "$.got", "Next": "Upsert"},
    "Upsert": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
      "Parameters": {"TableName": "Payments",
        "Key": {"paymentId": {"S.$": "States.Format('{}-new', $.orderId)"}},
        "UpdateExpression": "SET #s = :s", "ExpressionAttributeNames": {"#s": "status"},
        "ExpressionAttributeValues": {":s": {"S": "OPEN"}}, "ReturnValues": "ALL_NEW"},
      "ResultPath": "$.created", "Next": "Delete"},
    "Delete": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:deleteItem",
      "Parameters": {"TableName": "Payments", "Key": {"paymentId": {"S.$": "$.orderId"}},
                     "ReturnValues": "ALL_OLD"},
      "ResultPath": "$.deleted", "Next": "GetDeleted"},
    "GetDeleted": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
      "Parameters": {"TableName": "Payments", "Key": {"paymentId": {"S.$": "$.orderId"}}},
      "ResultPath": "$.gone", "Next": "Conditional"},
    "Conditional": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem",
      "Parameters": {"TableName": "Payments", "Key": {"paymentId": {"S.$": "$.orderId"}},
        "UpdateExpression": "REMOVE note", "ConditionExpression": "attribute_exists(note)"},
      "Catch": [{"ErrorEquals": ["DynamoDB.ValidationException"], "ResultPath": "$.refused",
                 "Next": "Done"}],
      "Next": "Done"},
    "Done": {"Type": "Succeed"}
  }
})json";

constexpr const char* kChild = R"json({"StartAt": "Echo", "States": {
  "Echo": {"Type": "Pass", "Parameters": {"seen.$": "$.orderId"}, "End": true}}})json";

constexpr const char* kChildDeclines = R"json({"StartAt": "No", "States": {
  "No": {"Type": "Fail", "Error": "KycDeclined", "Cause": "document expired"}}})json";

// Three children as Step Functions starts them: .sync with a Name, .sync:2 without one (a UUID),
// and one that fails, its story caught as the cause of States.TaskFailed.
constexpr const char* kChildren = R"json({"StartAt": "Named", "States": {
  "Named": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync",
    "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:aws-child",
                   "Name.$": "States.Format('kyc-{}', $.orderId)", "Input": {"orderId.$": "$.orderId"}},
    "ResultPath": "$.named", "Next": "Unnamed"},
  "Unnamed": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
    "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:aws-child",
                   "Input": {"orderId.$": "$.orderId"}},
    "ResultPath": "$.unnamed", "Next": "Declines"},
  "Declines": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
    "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:aws-child-declines"},
    "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.declined", "Next": "Done"}],
    "Next": "Done"},
  "Done": {"Type": "Succeed"}}})json";

// One execution waits on a token it stores in DynamoDB; another answers it through the AWS SDK
// integration, as a team's state machines do without a Lambda in between.
constexpr const char* kWaiter = R"json({"StartAt": "Wait", "States": {
  "Wait": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
    "Parameters": {"TableName": "Approvals",
                   "Item": {"approvalId": {"S.$": "$.approvalId"}, "token": {"S.$": "$$.Task.Token"}}},
    "End": true}}})json";

constexpr const char* kApprover = R"json({"StartAt": "Approve", "States": {
  "Approve": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
    "Parameters": {"TaskToken.$": "$.token", "Output.$": "States.JsonToString($.decision)"},
    "ResultPath": "$.answered", "Next": "AgainTheSameToken"},
  "AgainTheSameToken": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:sendTaskFailure",
    "Parameters": {"TaskToken.$": "$.token", "Error": "Late", "Cause": "after the answer"},
    "Catch": [{"ErrorEquals": ["Sfn.TaskTimedOutException"], "ResultPath": "$.again", "Next": "Done"}],
    "Next": "Done"},
  "Done": {"Type": "Pass", "Parameters": {"answered.$": "$.answered", "again.$": "$.again.Error"},
    "End": true}}})json";

// Starts aws-child twice without waiting for it (startExecution without .sync): named, then
// named by the attempt; a third start under the first name with another input is refused.
constexpr const char* kStarter = R"json({"StartAt": "Named", "States": {
  "Named": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
    "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:aws-child",
                   "Name.$": "States.Format('started-{}', $.orderId)",
                   "Input": {"orderId.$": "$.orderId"}},
    "ResultPath": "$.named", "Next": "Unnamed"},
  "Unnamed": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
    "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:aws-child",
                   "Input": {"orderId": "unnamed"}},
    "ResultPath": "$.unnamed", "Next": "Taken"},
  "Taken": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
    "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:aws-child",
                   "Name.$": "States.Format('started-{}', $.orderId)", "Input": {"orderId": "other"}},
    "Catch": [{"ErrorEquals": ["StepFunctions.ExecutionAlreadyExistsException"],
               "ResultPath": "$.taken", "Next": "BadName"}],
    "Next": "BadName"},
  "BadName": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
    "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:aws-child",
                   "Name": "has space"},
    "Catch": [{"ErrorEquals": ["StepFunctions.InvalidNameException"],
               "ResultPath": "$.badName", "Next": "NoMachine"}],
    "Next": "NoMachine"},
  "NoMachine": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution",
    "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:000000000000:stateMachine:nope"},
    "Catch": [{"ErrorEquals": ["StepFunctions.StateMachineDoesNotExistException"],
               "ResultPath": "$.noMachine", "Next": "Done"}],
    "Next": "Done"},
  "Done": {"Type": "Succeed"}}})json";

// Stands in for the Lambda functions: POST /purchase and /refund answer as seed 004's handlers
// do ({status, message, event}); /decline throws as a Lambda function does (X-Amz-Function-Error);
// /flaky answers 503 once, then succeeds.
class FunctionServer {
 public:
  FunctionServer() {
    auto server = adapters::HttpServer::start(
        {"127.0.0.1", 0, 1 << 20, 16384, 2, std::chrono::seconds(60)},
        [this](adapters::HttpRequest req, adapters::HttpResponder respond) {
          const std::string path = req.parsed_target.path;
          {
            std::lock_guard<std::mutex> lock(mutex_);
            calls_.push_back(path + " " + req.body);
          }
          json::value event = json::parse(req.body);
          if (path == "/decline") {
            respond({200,
                     R"({"errorType": "PaymentDeclined", "errorMessage": "card declined"})",
                     "application/json",
                     {{"X-Amz-Function-Error", "Unhandled"}}});
            return;
          }
          const std::string message =
              path == "/purchase" ? "Purchase processes" : "Refund processes";
          respond({200,
                   json::serialize(
                       json::object{{"status", "success"}, {"message", message}, {"event", event}}),
                   "application/json",
                   {}});
        });
    if (!server.ok()) throw std::runtime_error(server.error().message);
    server_ = std::move(*server);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  std::vector<std::string> calls() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

 private:
  std::unique_ptr<adapters::HttpServer> server_;
  mutable std::mutex mutex_;
  std::vector<std::string> calls_;
};

class AwsResources : public OpsTest {
 protected:
  void add_workflows() override {
    write_workflow("purchase-refund-aws", kSeed004);
    write_workflow("aws-integrations", kIntegrations);
    write_workflow("aws-child", kChild);
    write_workflow("aws-child-declines", kChildDeclines);
    write_workflow("aws-children", kChildren);
    write_workflow("aws-dynamo-writes", kDynamoWrites);
    write_workflow("aws-dynamo-counter", kDynamoCounter);
    write_workflow("aws-waiter", kWaiter);
    write_workflow("aws-approver", kApprover);
    write_workflow("aws-starter", kStarter);
  }
  std::vector<std::string> daemon_flags() const override {
    const std::string fn = "arn:aws:lambda:us-east-1:123456789012:function:";
    std::vector<std::string> entries{
        fn + "PurchaseLambda=" + functions_.url("/purchase"),
        fn + "RefundLambda=" + functions_.url("/refund"),
        fn + "DeclineLambda=" + functions_.url("/decline"),
        fn + "CheckAmount=settled:money.check",
        "arn:aws:dynamodb:us-east-1:123456789012:table/Payments=paymentId",
        "arn:aws:dynamodb:us-east-1:123456789012:table/Approvals=approvalId"};
    json::array list;
    for (const auto& e : entries) list.push_back(json::string(e));
    return {"--resource-map=" + json::serialize(list)};
  }

  json::object run(const std::string& machine, const std::string& name, json::value input) {
    auto started = client_->post(
        "/v1/executions",
        json::serialize(json::object{{"stateMachine", machine}, {"name", name}, {"input", input}}));
    EXPECT_EQ(started.status, 201u) << started.body;
    return wait_final(machine + ":" + name);
  }

  FunctionServer functions_;
};

TEST_F(AwsResources, Seed004RunsVerbatimWithItsLambdasServedOverHttp) {
  const json::value purchase = json::parse(R"({"operation": "purchase", "data": {
      "itemId": "12345", "quantity": 2, "userId": "user-001",
      "timestamp": "2025-01-12T10:30:00Z"}})");
  auto done = run("purchase-refund-aws", "p-1", purchase);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  // A Lambda ARN's result is the function's payload itself.
  EXPECT_EQ(done.at("output"),
            json::parse(json::serialize(json::object{
                {"status", "success"}, {"message", "Purchase processes"}, {"event", purchase}})));
  auto refund = run("purchase-refund-aws", "r-1",
                    json::parse(R"({"operation": "refund", "data": {"quantity": 1}})"));
  ASSERT_EQ(refund.at("status"), "SUCCEEDED") << json::serialize(refund);
  EXPECT_EQ(refund.at("output").at("message"), "Refund processes");
  const auto calls = functions_.calls();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].substr(0, 10), "/purchase ");
  EXPECT_EQ(json::parse(calls[0].substr(10)), purchase);
  EXPECT_EQ(calls[1].substr(0, 8), "/refund ");
}

TEST_F(AwsResources, SdkSendTaskSuccessAnswersAnotherExecutionsTokenOnce) {
  auto started = client_->post("/v1/executions", R"({"stateMachine": "aws-waiter", "name": "w-1",
                                                     "input": {"approvalId": "a-1"}})");
  ASSERT_EQ(started.status, 201u) << started.body;
  std::string token;
  ASSERT_TRUE(eventually([&] {
    auto res = client_->get("/v1/records/Approvals/a-1");
    if (res.status != 200) return false;
    token = std::string(res.json().at("record").at("token").as_string());
    return true;
  }));
  auto approver = run("aws-approver", "ap-1",
                      json::object{{"token", token}, {"decision", {{"approved", true}}}});
  ASSERT_EQ(approver.at("status"), "SUCCEEDED") << json::serialize(approver);
  EXPECT_EQ(approver.at("output").at("answered"), json::object{});  // SendTaskSuccess's {}
  EXPECT_EQ(approver.at("output").at("again"), "Sfn.TaskTimedOutException");
  const auto waiter = wait_final("aws-waiter:w-1");
  ASSERT_EQ(waiter.at("status"), "SUCCEEDED") << json::serialize(waiter);
  EXPECT_EQ(waiter.at("output"), json::parse(R"({"approved": true})"));

  // A token no task was given fails the answering task as Step Functions names it.
  auto forged = run("aws-approver", "ap-2",
                    json::object{{"token", token + "x"}, {"decision", json::object{}}});
  ASSERT_EQ(forged.at("status"), "FAILED") << json::serialize(forged);
  EXPECT_EQ(forged.at("error"), "Sfn.TaskDoesNotExistException");
}

TEST_F(AwsResources, StartExecutionStartsATopLevelExecutionOnceAndAnswersItsArn) {
  auto done = run("aws-starter", "s-1", json::parse(R"({"orderId": "o-9"})"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto& out = done.at("output").as_object();
  const std::string prefix = "arn:aws:states:us-east-1:000000000000:execution:aws-child:";
  EXPECT_EQ(out.at("named").at("ExecutionArn").as_string(), prefix + "started-o-9");
  EXPECT_TRUE(out.at("named").at("StartDate").is_int64());
  EXPECT_TRUE(out.at("named").as_object().contains("SdkHttpMetadata"));
  const std::string unnamed(out.at("unnamed").at("ExecutionArn").as_string());
  ASSERT_EQ(unnamed.rfind(prefix, 0), 0u) << unnamed;
  EXPECT_EQ(out.at("taken").at("Error"), "StepFunctions.ExecutionAlreadyExistsException");
  // A child's start refused as Step Functions names the refusal, .sync or not.
  EXPECT_EQ(out.at("badName").at("Error"), "StepFunctions.InvalidNameException");
  EXPECT_EQ(out.at("noMachine").at("Error"), "StepFunctions.StateMachineDoesNotExistException");

  // Each is an execution of its own, found as any other, with the input the task gave it.
  const auto named = wait_final("aws-child:started-o-9");
  ASSERT_EQ(named.at("status"), "SUCCEEDED") << json::serialize(named);
  EXPECT_EQ(named.at("output"), json::parse(R"({"seen": "o-9"})"));
  // StartDate is the started execution's own start, to the millisecond.
  EXPECT_EQ(out.at("named").at("StartDate").as_int64(),
            parse_timestamp(named.at("startDate").as_string()).value_or(0));
  const auto other = wait_final("aws-child:" + unnamed.substr(prefix.size()));
  ASSERT_EQ(other.at("status"), "SUCCEEDED") << json::serialize(other);
  EXPECT_EQ(other.at("output"), json::parse(R"({"seen": "unnamed"})"));

  // A second parent giving the same Name and input finds it started: no second execution.
  auto again = run("aws-starter", "s-2", json::parse(R"({"orderId": "o-9"})"));
  ASSERT_EQ(again.at("status"), "SUCCEEDED") << json::serialize(again);
  EXPECT_EQ(again.at("output").at("named").at("ExecutionArn").as_string(), prefix + "started-o-9");
  auto listed = client_->post(
      "/",
      json::serialize(json::object{
          {"stateMachineArn", "arn:aws:states:us-east-1:000000000000:stateMachine:aws-child"}}),
      {{"Content-Type", "application/x-amz-json-1.0"},
       {"X-Amz-Target", "AWSStepFunctions.ListExecutions"}});
  ASSERT_EQ(listed.status, 200u) << listed.body;
  std::size_t started_o9 = 0;
  const json::value listing = listed.json();
  for (const auto& e : listing.at("executions").as_array())
    if (e.at("name") == "started-o-9") ++started_o9;
  EXPECT_EQ(started_o9, 1u) << listed.body;
}

TEST_F(AwsResources, EveryIntegrationRunsAsItsBuiltinAndAnswersInAwsShape) {
  auto done = run("aws-integrations", "o-1", json::parse(R"({"orderId": "o-1", "amount": 1250})"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto& out = done.at("output").as_object();
  // A Lambda ARN mapped to a built-in: the built-in's result.
  EXPECT_EQ(out.at("checked").at("amount"), 1250);
  // lambda:invoke: Invoke's answer with the function's JSON as Payload.
  EXPECT_EQ(out.at("invoke").at("StatusCode"), 200);
  EXPECT_EQ(out.at("invoke").at("Payload").at("event"), json::parse(R"({"orderId": "o-1"})"));
  EXPECT_EQ(out.at("invoke").at("SdkHttpMetadata").at("HttpStatusCode"), 200);
  // dynamodb: put, then get it back in attribute values; a missing item has no Item.
  EXPECT_FALSE(out.at("put").as_object().contains("Item"));
  EXPECT_EQ(out.at("got").at("Item"),
            json::parse(R"({"paymentId": {"S": "o-1"}, "amount": {"N": "1250"},
                            "captured": {"BOOL": true}})"));
  EXPECT_FALSE(out.at("missing").as_object().contains("Item"));
  auto record = client_->get("/v1/records/Payments/o-1");
  ASSERT_EQ(record.status, 200u) << record.body;
  EXPECT_EQ(record.json().at("record").at("amount"), 1250);
  // sns:publish: a MessageId; the unmapped topic raised an alert.
  EXPECT_EQ(out.at("sns").at("MessageId").as_string().size(), 36u);
  EXPECT_NE(daemon_->wait_for_output("Payment captured"), "");
  EXPECT_FALSE(out.at("sns").as_object().contains("SequenceNumber"));
  // A FIFO topic: its group carried, a SequenceNumber in the answer.
  const std::string sequence(out.at("snsFifo").at("SequenceNumber").as_string());
  EXPECT_EQ(sequence.size(), 20u) << sequence;
  EXPECT_EQ(sequence.find_first_not_of("0123456789"), std::string::npos) << sequence;
  EXPECT_NE(daemon_->wait_for_output("\"messageGroupId\":\"o-1\""), "");
  // events:putEvents: PutEvents' answer.
  EXPECT_EQ(out.at("events").at("FailedEntryCount"), 0);
  EXPECT_EQ(out.at("events").at("Entries").at(0).at("EventId").as_string().size(), 36u);
  // ... with two entries: one EventId each, different ones.
  const auto& two = out.at("eventsTwo");
  EXPECT_EQ(two.at("FailedEntryCount"), 0);
  ASSERT_EQ(two.at("Entries").as_array().size(), 2u) << json::serialize(two);
  EXPECT_EQ(two.at("Entries").at(1).at("EventId").as_string().size(), 36u);
  EXPECT_NE(two.at("Entries").at(0).at("EventId"), two.at("Entries").at(1).at("EventId"));
  EXPECT_NE(two.at("Entries").at(0).at("EventId"),
            out.at("events").at("Entries").at(0).at("EventId"));
  // startExecution.sync:2: the child's Output as JSON.
  EXPECT_EQ(out.at("child").at("Status"), "SUCCEEDED");
  EXPECT_EQ(out.at("child").at("Output"), json::parse(R"({"seen": "o-1"})"));
  // A function error is named by its errorType, and Catch takes it by that name.
  EXPECT_EQ(out.at("declined").at("Error"), "PaymentDeclined");
  EXPECT_EQ(json::parse(out.at("declined").at("Cause").as_string()).at("errorMessage"),
            "card declined");
}

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

TEST_F(AwsResources, UpdateItemAndDeleteItemChangeTheRecordAsDynamoDbDoes) {
  auto done = run("aws-dynamo-writes", "w-1", json::parse(R"({"orderId": "w-1"})"));
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto& out = done.at("output").as_object();
  // updateItem: SET (a #name and a nested path), REMOVE, ADD; UPDATED_NEW gives what changed.
  EXPECT_EQ(out.at("updated").at("Attributes"),
            json::parse(R"({"status": {"S": "CAPTURED"}, "meta": {"M": {"by": {"S": "ops"}}},
                            "amount": {"N": "1300"}})"));
  EXPECT_EQ(out.at("updated").at("SdkHttpMetadata").at("HttpStatusCode"), 200);
  EXPECT_EQ(out.at("got").at("Item"),
            json::parse(R"({"paymentId": {"S": "w-1"}, "status": {"S": "CAPTURED"},
                            "amount": {"N": "1300"},
                            "meta": {"M": {"by": {"S": "ops"}, "at": {"N": "1"}}}})"));
  // updateItem of a missing item creates it from its Key.
  EXPECT_EQ(out.at("created").at("Attributes"),
            json::parse(R"({"paymentId": {"S": "w-1-new"}, "status": {"S": "OPEN"}})"));
  auto created = client_->get("/v1/records/Payments/w-1-new");
  ASSERT_EQ(created.status, 200u) << created.body;
  EXPECT_EQ(created.json().at("record").at("status"), "OPEN");
  // deleteItem with ALL_OLD gives the item it deleted; then it is gone.
  EXPECT_EQ(out.at("deleted").at("Attributes").at("amount"), json::parse(R"({"N": "1300"})"));
  EXPECT_FALSE(out.at("gone").as_object().contains("Item"));
  EXPECT_EQ(client_->get("/v1/records/Payments/w-1").status, 404u);
  // What settled does not do is refused, naming it, and Catch takes DynamoDB's error.
  EXPECT_EQ(out.at("refused").at("Error"), "DynamoDB.ValidationException");
  EXPECT_NE(out.at("refused").at("Cause").as_string().find("ConditionExpression"),
            std::string::npos);
}

TEST_F(AwsResources, ConcurrentUpdatesOfOneItemAreAllApplied) {
  // Four executions of 25 parallel iterations each: 100 read-modify-writes of one item at once.
  constexpr int kExecutions = 4, kItems = 25;
  json::array items;
  for (int i = 0; i < kItems; ++i) items.push_back(i);
  for (int e = 0; e < kExecutions; ++e) {
    auto started = client_->post(
        "/v1/executions", json::serialize(json::object{{"stateMachine", "aws-dynamo-counter"},
                                                       {"name", "c-" + std::to_string(e)},
                                                       {"input", json::object{{"items", items}}}}));
    ASSERT_EQ(started.status, 201u) << started.body;
  }
  for (int e = 0; e < kExecutions; ++e)
    ASSERT_EQ(wait_final("aws-dynamo-counter:c-" + std::to_string(e)).at("status"), "SUCCEEDED");
  auto counter = client_->get("/v1/records/Payments/counter");
  ASSERT_EQ(counter.status, 200u) << counter.body;
  EXPECT_EQ(counter.json().at("record").at("hits"), kExecutions * kItems) << counter.body;
}

TEST_F(AwsResources, AnUnmappedOrUnsupportedArnIsRefusedAtRegistration) {
  auto unmapped = client_->request(verb::put, "/v1/state-machines/unmapped", R"({
    "StartAt": "Charge", "States": {"Charge": {"Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:ChargeCard", "End": true}}})");
  EXPECT_EQ(unmapped.status, 400u) << unmapped.body;
  EXPECT_EQ(unmapped.json().at("error"), "InvalidDefinition");
  EXPECT_NE(unmapped.body.find("$.States['Charge'].Resource"), std::string::npos) << unmapped.body;
  EXPECT_NE(unmapped.body.find("function:ChargeCard"), std::string::npos) << unmapped.body;
  auto update = client_->request(verb::put, "/v1/state-machines/update", R"({
    "StartAt": "U", "States": {"U": {"Type": "Task",
      "Resource": "arn:aws:states:::dynamodb:batchWriteItem", "End": true}}})");
  EXPECT_EQ(update.status, 400u) << update.body;
  EXPECT_EQ(client_->get("/v1/state-machines/unmapped").status, 404u);
}

class AwsResourcesConfig : public OpsTest {};

TEST_F(AwsResourcesConfig, ABadEntryStopsTheDaemonWithAMessageNamingIt) {
  DaemonProcess bad(SETTLED_BINARY,
                    {"--data-dir=" + dir_.path() + "/bad", "--http=127.0.0.1:0",
                     "--workflows-dir=" + workflows_dir(),
                     R"(--resource-map=["arn:aws:lambda:us-east-1:1:function:F=settled:nope"])"});
  EXPECT_NE(bad.wait_for_output("invalid value for resource-map"), "") << bad.output();
  DaemonProcess plain_http(
      SETTLED_BINARY,
      {"--data-dir=" + dir_.path() + "/bad2", "--http=127.0.0.1:0",
       "--workflows-dir=" + workflows_dir(),
       R"(--resource-map=["arn:aws:lambda:us-east-1:1:function:F=http://fn.example/x"])"});
  EXPECT_NE(plain_http.wait_for_output("resource-map"), "") << plain_http.output();
}

}  // namespace
}  // namespace settled::testing
