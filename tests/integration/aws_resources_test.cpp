// AWS resource ARNs through the real daemon (docs/aws-resources.md): with --resource-map, a
// definition written as AWS runs it — Lambda ARNs mapped to a built-in or to a URL
// (settled:http.invoke, against a small local HTTP server standing in for the functions),
// lambda:invoke, dynamodb:putItem/getItem/updateItem/deleteItem, sns:publish, events:putEvents and
// states:startExecution.sync:2 — runs unchanged, and an unmapped ARN is refused at
// registration. Seed 004's definition runs verbatim, its two Lambdas served over HTTP.
// How such executions are described (DescribeExecution, GetExecutionHistory):
// aws_resources_history_test.cpp.

#include "integration/aws_resources_fixture.hpp"
#include "support/eventually.hpp"

#include "domain/time.hpp"

#include <boost/json.hpp>

#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;

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
