// Tests for AWS resource ARNs run as settled's built-ins (src/domain/resources/aws_resources.hpp).

#include "domain/resources/aws_resources.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::aws {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

ResourceMap test_map() {
  auto map = parse_resource_map(
      {"arn:aws:lambda:us-east-1:123456789012:function:ValidatePayment=settled:payment.validate",
       "arn:aws:sns:us-east-1:123456789012:user-notices=settled:notify.send",
       "arn:aws:lambda:us-east-1:123456789012:function:Purchase=http://127.0.0.1:9/purchase",
       "arn:aws:dynamodb:us-east-1:123456789012:table/Payments=paymentId"});
  EXPECT_TRUE(map.ok());
  return map.ok() ? *map : ResourceMap{};
}

BuiltinCall call_of(const std::string& resource, const char* parameters) {
  auto translated = to_builtin(test_map(), resource, json::parse(parameters));
  if (auto* failure = std::get_if<TaskOutcome>(&translated)) {
    ADD_FAILURE() << resource << ": " << failure->error << " " << failure->cause;
    return {};
  }
  return std::get<BuiltinCall>(std::move(translated));
}

TaskOutcome refusal_of(const std::string& resource, const char* parameters) {
  auto translated = to_builtin(test_map(), resource, json::parse(parameters));
  if (!std::holds_alternative<TaskOutcome>(translated)) {
    ADD_FAILURE() << resource << " was not refused";
    return {};
  }
  return std::get<TaskOutcome>(std::move(translated));
}

TEST(AwsResources, KnownOnlyWhenMappedOrSupported) {
  const ResourceMap map = test_map();
  EXPECT_TRUE(
      known_aws_resource(map, "arn:aws:lambda:us-east-1:123456789012:function:ValidatePayment"));
  EXPECT_FALSE(known_aws_resource(map, "arn:aws:lambda:us-east-1:123456789012:function:Other"));
  EXPECT_TRUE(known_aws_resource(map, "arn:aws:states:::lambda:invoke"));
  EXPECT_TRUE(known_aws_resource(map, "arn:aws:states:::lambda:invoke.waitForTaskToken"));
  EXPECT_TRUE(known_aws_resource(map, "arn:aws:states:::states:startExecution.sync:2"));
  EXPECT_TRUE(known_aws_resource(map, "arn:aws:states:::dynamodb:getItem"));
  EXPECT_TRUE(known_aws_resource(map, "arn:aws:states:::dynamodb:updateItem"));
  EXPECT_TRUE(known_aws_resource(map, "arn:aws:states:::dynamodb:deleteItem"));
  EXPECT_FALSE(known_aws_resource(map, "arn:aws:states:::dynamodb:batchWriteItem"));
  EXPECT_TRUE(known_aws_resource(map, "arn:aws:states:::states:startExecution"));
  EXPECT_FALSE(known_aws_resource(map, "arn:aws:states:::states:startExecution.async"));
  EXPECT_FALSE(known_aws_resource(map, "arn:aws:states:::sqs:sendMessage"));
  EXPECT_TRUE(is_aws_resource("arn:aws:states:::sns:publish.waitForTaskToken"));
  EXPECT_FALSE(is_aws_resource("settled:records.put"));
}

TEST(AwsResources, LambdaFunctionArnRunsItsBuiltinWithTheSameParametersAndResult) {
  const std::string arn = "arn:aws:lambda:us-east-1:123456789012:function:ValidatePayment";
  BuiltinCall call = call_of(arn, R"({"amount": 100})");
  EXPECT_EQ(call.resource, "settled:payment.validate");
  EXPECT_EQ(call.parameters, json::parse(R"({"amount": 100})"));
  TaskOutcome out = from_builtin(arn, TaskOutcome::success(json::parse(R"({"valid":true})")), "k");
  EXPECT_EQ(out.result, json::parse(R"({"valid":true})"));
}

TEST(AwsResources, LambdaInvokeTakesPayloadAndAnswersInvokesShape) {
  const std::string r = "arn:aws:states:::lambda:invoke";
  BuiltinCall call = call_of(
      r,
      R"({"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:ValidatePayment:$LATEST",
             "Payload": {"amount": 5}})");
  EXPECT_EQ(call.resource, "settled:payment.validate");
  EXPECT_EQ(call.parameters, json::parse(R"({"amount": 5})"));
  TaskOutcome out = from_builtin(r, TaskOutcome::success(json::parse(R"({"ok":1})")), "e/S/1");
  ASSERT_TRUE(out.ok);
  const auto& o = out.result.as_object();
  EXPECT_EQ(o.at("Payload"), json::parse(R"({"ok":1})"));
  EXPECT_EQ(o.at("StatusCode"), 200);
  EXPECT_EQ(o.at("ExecutedVersion"), "$LATEST");
  EXPECT_EQ(o.at("SdkHttpMetadata").at("HttpStatusCode"), 200);
  EXPECT_EQ(o.at("SdkResponseMetadata").at("RequestId"),
            from_builtin(r, TaskOutcome::success(1), "e/S/1")
                .result.at("SdkResponseMetadata")
                .at("RequestId"));  // stable per attempt
  EXPECT_NE(o.at("SdkResponseMetadata").at("RequestId"),
            from_builtin(r, TaskOutcome::success(1), "e/S/2")
                .result.at("SdkResponseMetadata")
                .at("RequestId"));
  TaskOutcome failed = from_builtin(r, TaskOutcome::failure("Payment.Invalid", "no"), "k");
  EXPECT_EQ(failed.error, "Payment.Invalid");  // the function's error, as Lambda's errorType

  EXPECT_EQ(refusal_of(r, R"({"FunctionName": "Nope"})").error, "Lambda.ResourceNotFoundException");
  EXPECT_EQ(refusal_of(r, R"({"Payload": {}})").error, "Lambda.InvalidParameterValueException");
  EXPECT_EQ(
      refusal_of(r, R"({"FunctionName": "ValidatePayment", "InvocationType": "Event"})").error,
      "Lambda.InvalidParameterValueException");
  EXPECT_EQ(call_of(r, R"({"FunctionName": "ValidatePayment"})").parameters, json::object{});
}

TEST(AwsResources, AFunctionMappedToAUrlRunsHttpInvoke) {
  BuiltinCall direct =
      call_of("arn:aws:lambda:us-east-1:123456789012:function:Purchase", R"({"qty": 2})");
  EXPECT_EQ(direct.resource, "settled:http.invoke");
  EXPECT_EQ(direct.parameters,
            json::parse(R"({"FunctionName": "Purchase", "Payload": {"qty": 2}})"));
  BuiltinCall invoked = call_of("arn:aws:states:::lambda:invoke",
                                R"({"FunctionName": "Purchase:live", "Payload": {"qty": 3}})");
  EXPECT_EQ(invoked.resource, "settled:http.invoke");
  EXPECT_EQ(invoked.parameters,
            json::parse(R"({"FunctionName": "Purchase", "Payload": {"qty": 3}})"));
}

TEST(AwsResources, StartExecutionSyncRunsTheChildBuiltins) {
  EXPECT_EQ(
      call_of("arn:aws:states:::states:startExecution", R"({"StateMachineArn": "x"})").resource,
      "settled:states.startExecution");
  EXPECT_EQ(call_of("arn:aws:states:::states:startExecution.sync", R"({"StateMachineArn": "x"})")
                .resource,
            "settled:states.startExecution.sync");
  BuiltinCall two = call_of("arn:aws:states:::states:startExecution.sync:2",
                            R"({"StateMachineArn": "x", "Input": {"a": 1}})");
  EXPECT_EQ(two.resource, "settled:states.startExecution.sync:2");
  EXPECT_EQ(two.parameters, json::parse(R"({"StateMachineArn": "x", "Input": {"a": 1}})"));
}

TEST(AwsResources, SdkSfnSendTaskSuccessAndFailureAnswerAnotherExecutionsToken) {
  EXPECT_TRUE(known_aws_resource(test_map(), "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess"));
  EXPECT_TRUE(known_aws_resource(test_map(), "arn:aws:states:::aws-sdk:sfn:sendTaskFailure"));
  EXPECT_FALSE(known_aws_resource(test_map(), "arn:aws:states:::aws-sdk:sfn:sendTaskHeartbeat"));
  EXPECT_FALSE(known_aws_resource(test_map(), "arn:aws:states:::aws-sdk:s3:getObject"));
  BuiltinCall success = call_of("arn:aws:states:::aws-sdk:sfn:sendTaskSuccess",
                                R"({"TaskToken": "t", "Output": "{\"ok\": true}"})");
  EXPECT_EQ(success.resource, "settled:tasks.sendSuccess");
  EXPECT_EQ(success.parameters, json::parse(R"({"TaskToken": "t", "Output": "{\"ok\": true}"})"));
  BuiltinCall failure = call_of("arn:aws:states:::aws-sdk:sfn:sendTaskFailure",
                                R"({"TaskToken": "t", "Error": "E", "Cause": "c"})");
  EXPECT_EQ(failure.resource, "settled:tasks.sendFailure");

  // The API's empty response; refusals named as the SDK integration names Step Functions' errors.
  const std::string sdk = "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess";
  TaskOutcome taken =
      from_builtin(sdk, TaskOutcome::success(json::object{{"taken", true}}), "k", {});
  ASSERT_TRUE(taken.ok);
  EXPECT_EQ(taken.result, json::object{});
  const std::pair<const char*, const char*> cases[] = {
      {"Tasks.TaskTimedOut", "Sfn.TaskTimedOutException"},
      {"Tasks.TaskAlreadyCompleted", "Sfn.TaskTimedOutException"},
      {"Tasks.TaskDoesNotExist", "Sfn.TaskDoesNotExistException"},
      {"Tasks.Forbidden", "Sfn.AccessDeniedException"},
      {"Tasks.StoreUnavailable", "Tasks.StoreUnavailable"}};
  for (const auto& [settled_name, aws_name] : cases)
    EXPECT_EQ(from_builtin(sdk, TaskOutcome::failure(settled_name, "why"), "k", {}).error,
              aws_name);
  // Named by the field the parser refuses in the same parameters, not by the message.
  EXPECT_EQ(from_builtin(sdk,
                         TaskOutcome::failure("Tasks.InvalidParameters",
                                              "TaskToken is required: a non-empty string"),
                         "k", json::parse(R"({"Output": "{}"})"))
                .error,
            "Sfn.InvalidTokenException");
  const TaskOutcome bad_output =
      from_builtin(sdk, TaskOutcome::failure("Tasks.InvalidParameters", "Output is required"), "k",
                   json::parse(R"({"TaskToken": "t"})"));
  EXPECT_EQ(bad_output.error, "Sfn.InvalidOutputException");
  EXPECT_EQ(bad_output.cause, "Output is required");
  EXPECT_EQ(from_builtin("arn:aws:states:::aws-sdk:sfn:sendTaskFailure",
                         TaskOutcome::failure("Tasks.InvalidParameters", "Error must be a string"),
                         "k", json::parse(R"({"TaskToken": "t", "Error": 3})"))
                .error,
            "Sfn.ValidationException");
}

TEST(AwsResources, PutEventsTakesOneToTenEntries) {
  const std::string r = "arn:aws:states:::events:putEvents";
  BuiltinCall call = call_of(r, R"({"Entries": [{"Source": "s", "DetailType": "t",
    "Detail": {"entityId": "e"}, "EventBusName": "default"}]})");
  EXPECT_EQ(call.resource, "settled:events.put");
  EXPECT_EQ(call.parameters,
            json::parse(R"({"Source": "s", "DetailType": "t", "Detail": {"entityId": "e"}})"));
  EXPECT_EQ(refusal_of(r, R"({"Entries": []})").error, "EventBridge.ValidationException");
  // Several entries: settled:events.put with all of them, each without EventBusName.
  BuiltinCall two = call_of(r, R"({"Entries": [{"Source": "s", "DetailType": "a",
    "Detail": {"entityId": "e"}, "EventBusName": "default"},
    {"Source": "s", "DetailType": "b", "Detail": {"entityId": "e"}}]})");
  EXPECT_EQ(two.resource, "settled:events.put");
  EXPECT_EQ(two.parameters, json::parse(R"({"Entries": [
    {"Source": "s", "DetailType": "a", "Detail": {"entityId": "e"}},
    {"Source": "s", "DetailType": "b", "Detail": {"entityId": "e"}}]})"));
  EXPECT_EQ(refusal_of(r, R"({"Entries": [{}, 1]})").error, "EventBridge.ValidationException");
  json::array eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(json::object{});
  const std::string too_many = json::serialize(json::object{{"Entries", eleven}});
  EXPECT_EQ(refusal_of(r, too_many.c_str()).error, "EventBridge.ValidationException");
  json::array ten(eleven.begin(), eleven.begin() + 10);
  const std::string ten_entries = json::serialize(json::object{{"Entries", ten}});
  EXPECT_EQ(call_of(r, ten_entries.c_str()).parameters.at("Entries").as_array().size(), 10u);
}

TEST(AwsResources, SnsPublishRaisesAnAlertOrNotifiesTheTopicsUser) {
  const std::string r = "arn:aws:states:::sns:publish";
  BuiltinCall alert = call_of(r, R"({"TopicArn": "arn:aws:sns:us-east-1:1:ops", "Message":
    {"failed": "p-1"}, "Subject": "Payment failed", "MessageAttributes": {"severity":
    {"DataType": "String", "StringValue": "warning"}}})");
  EXPECT_EQ(alert.resource, "settled:alert.raise");
  EXPECT_EQ(alert.parameters, json::parse(R"({"message": "{\"failed\":\"p-1\"}", "subject":
    "Payment failed", "severity": "warning", "topicArn": "arn:aws:sns:us-east-1:1:ops",
    "attributes": {"severity": "warning"}})"));
  BuiltinCall notify = call_of(r, R"({"TopicArn": "arn:aws:sns:us-east-1:123456789012:user-notices",
    "Message": "Paid", "Subject": "Receipt", "MessageAttributes": {"userId":
    {"DataType": "String", "StringValue": "u-1"}}})");
  EXPECT_EQ(notify.resource, "settled:notify.send");
  EXPECT_EQ(notify.parameters,
            json::parse(R"({"message": "Paid", "userId": "u-1", "title": "Receipt",
                            "attributes": {"userId": "u-1"}})"));
  TaskOutcome out = from_builtin(r, TaskOutcome::success(json::parse(R"({"alertId":"a"})")), "k");
  EXPECT_TRUE(out.result.at("MessageId").is_string());
  EXPECT_EQ(out.result.at("MessageId").as_string().size(), 36u);
  EXPECT_FALSE(out.result.as_object().contains("alertId"));
  EXPECT_EQ(refusal_of(r, R"({"Message": "x"})").error, "SNS.InvalidParameterException");
  EXPECT_EQ(from_builtin(r, TaskOutcome::failure("Alert.InvalidParameters", "c"), "k").error,
            "SNS.InvalidParameterException");
}

TEST(AwsResources, DynamoDbPutAndGetUseRecordsWithAttributeValues) {
  BuiltinCall put = call_of("arn:aws:states:::dynamodb:putItem", R"({"TableName": "Payments",
    "Item": {"paymentId": {"S": "p-1"}, "amount": {"N": "1250"}}})");
  EXPECT_EQ(put.resource, "settled:records.put");
  EXPECT_EQ(put.parameters, json::parse(R"({"collection": "Payments", "key": "p-1",
    "record": {"paymentId": "p-1", "amount": 1250}})"));
  TaskOutcome put_out = from_builtin("arn:aws:states:::dynamodb:putItem",
                                     TaskOutcome::success(json::parse(R"({"record":{}})")), "k");
  EXPECT_FALSE(put_out.result.as_object().contains("Item"));
  EXPECT_TRUE(put_out.result.as_object().contains("SdkHttpMetadata"));

  BuiltinCall get = call_of("arn:aws:states:::dynamodb:getItem",
                            R"({"TableName": "Payments", "Key": {"paymentId": {"S": "p-1"}}})");
  EXPECT_EQ(get.resource, "settled:records.get");
  EXPECT_EQ(get.parameters, json::parse(R"({"collection": "Payments", "key": "p-1"})"));
  TaskOutcome got =
      from_builtin("arn:aws:states:::dynamodb:getItem",
                   TaskOutcome::success(json::parse(R"({"collection": "Payments", "key": "p-1",
        "record": {"paymentId": "p-1", "amount": 1250}, "updatedAt": "x"})")),
                   "k");
  ASSERT_TRUE(got.ok);
  EXPECT_EQ(got.result.at("Item"),
            json::parse(R"({"paymentId": {"S": "p-1"}, "amount": {"N": "1250"}})"));
  TaskOutcome none = from_builtin("arn:aws:states:::dynamodb:getItem",
                                  TaskOutcome::failure("Records.NotFound", "no"), "k");
  ASSERT_TRUE(none.ok);  // DynamoDB answers a missing item with no Item, not an error
  EXPECT_FALSE(none.result.as_object().contains("Item"));

  // A table without a mapped key: getItem's Key names it; putItem cannot know it.
  EXPECT_EQ(call_of("arn:aws:states:::dynamodb:getItem",
                    R"({"TableName": "Other", "Key": {"id": {"N": "7"}}})")
                .parameters.at("key"),
            "7");
  TaskOutcome no_key = refusal_of("arn:aws:states:::dynamodb:putItem",
                                  R"({"TableName": "Other", "Item": {"id": {"S": "x"}}})");
  EXPECT_EQ(no_key.error, "DynamoDB.ValidationException");
  EXPECT_THAT(no_key.cause, HasSubstr("resource-map"));
  EXPECT_EQ(refusal_of("arn:aws:states:::dynamodb:putItem",
                       R"({"TableName": "Payments", "Item": {"amount": {"N": "1"}}})")
                .error,
            "DynamoDB.ValidationException");
  EXPECT_EQ(refusal_of("arn:aws:states:::dynamodb:putItem",
                       R"j({"TableName": "Payments", "Item": {"paymentId": {"S": "p"}},
                           "ConditionExpression": "attribute_not_exists(paymentId)"})j")
                .error,
            "DynamoDB.ValidationException");
  EXPECT_EQ(refusal_of("arn:aws:states:::dynamodb:getItem",
                       R"({"TableName": "Payments", "Key": {"paymentId": {"S": "p"},
                           "extra": {"S": "q"}}})")
                .error,
            "DynamoDB.ValidationException");
}

TEST(AwsResources, DynamoDbUpdateItemRunsRecordsUpdateWithTheParsedExpression) {
  BuiltinCall update = call_of("arn:aws:states:::dynamodb:updateItem", R"({"TableName": "Payments",
    "Key": {"paymentId": {"S": "p-1"}},
    "UpdateExpression": "SET #s = :s, meta.by = :by REMOVE note ADD attempts :one",
    "ExpressionAttributeNames": {"#s": "status"},
    "ExpressionAttributeValues": {":s": {"S": "CAPTURED"}, ":by": {"S": "ops"},
                                  ":one": {"N": "1"}},
    "ReturnValues": "UPDATED_NEW"})");
  EXPECT_EQ(update.resource, "settled:records.update");
  EXPECT_EQ(update.parameters, json::parse(R"({"collection": "Payments", "key": "p-1",
    "initial": {"paymentId": "p-1"},
    "set": [{"path": ["status"], "value": "CAPTURED"}, {"path": ["meta", "by"], "value": "ops"}],
    "remove": [["note"]], "add": [{"path": ["attempts"], "value": 1}]})"));

  // The answer: Attributes as ReturnValues asks, in attribute values, beside the SDK metadata.
  const json::value result = json::parse(R"({"collection": "Payments", "key": "p-1",
    "record": {"paymentId": "p-1", "status": "CAPTURED", "meta": {"by": "ops", "at": 1},
               "attempts": 2},
    "previous": {"paymentId": "p-1", "status": "NEW", "meta": {"at": 1}, "note": "n",
                 "attempts": 1},
    "updated": [["status"], ["meta", "by"], ["attempts"], ["note"]], "updatedAt": "x"})");
  auto answer = [&](const char* return_values) {
    json::object p{{"TableName", "Payments"}};
    if (return_values) p["ReturnValues"] = return_values;
    return from_builtin("arn:aws:states:::dynamodb:updateItem", TaskOutcome::success(result), "k",
                        p)
        .result.as_object();
  };
  EXPECT_FALSE(answer(nullptr).contains("Attributes"));
  EXPECT_TRUE(answer(nullptr).contains("SdkHttpMetadata"));
  EXPECT_FALSE(answer("NONE").contains("Attributes"));
  EXPECT_EQ(answer("ALL_NEW").at("Attributes"),
            json::parse(R"({"paymentId": {"S": "p-1"}, "status": {"S": "CAPTURED"},
              "meta": {"M": {"by": {"S": "ops"}, "at": {"N": "1"}}}, "attempts": {"N": "2"}})"));
  EXPECT_EQ(answer("ALL_OLD").at("Attributes").at("note"), json::parse(R"({"S": "n"})"));
  EXPECT_EQ(answer("UPDATED_NEW").at("Attributes"),
            json::parse(R"({"status": {"S": "CAPTURED"}, "meta": {"M": {"by": {"S": "ops"}}},
                            "attempts": {"N": "2"}})"));
  EXPECT_EQ(answer("UPDATED_OLD").at("Attributes"),
            json::parse(R"({"status": {"S": "NEW"}, "attempts": {"N": "1"}, "note": {"S": "n"}})"));

  // The built-in's refusal is DynamoDB's.
  TaskOutcome bad_path =
      from_builtin("arn:aws:states:::dynamodb:updateItem",
                   TaskOutcome::failure("Records.InvalidParameters", "x"), "k", json::object{});
  EXPECT_EQ(bad_path.error, "DynamoDB.ValidationException");
}

TEST(AwsResources, DynamoDbUpdateItemRefusesWhatSettledDoesNotDo) {
  auto refused = [](const char* parameters) {
    return refusal_of("arn:aws:states:::dynamodb:updateItem", parameters);
  };
  TaskOutcome condition = refused(R"j({"TableName": "Payments", "Key": {"paymentId": {"S": "p"}},
    "UpdateExpression": "SET a = :a", "ExpressionAttributeValues": {":a": {"N": "1"}},
    "ConditionExpression": "attribute_exists(paymentId)"})j");
  EXPECT_EQ(condition.error, "DynamoDB.ValidationException");
  EXPECT_THAT(condition.cause, HasSubstr("ConditionExpression"));
  TaskOutcome key_attribute = refused(R"({"TableName": "Payments",
    "Key": {"paymentId": {"S": "p"}}, "UpdateExpression": "SET paymentId = :a",
    "ExpressionAttributeValues": {":a": {"S": "q"}}})");
  EXPECT_THAT(key_attribute.cause, HasSubstr("part of the key"));
  TaskOutcome return_values = refused(R"({"TableName": "Payments",
    "Key": {"paymentId": {"S": "p"}}, "UpdateExpression": "REMOVE a", "ReturnValues": "ALL"})");
  EXPECT_THAT(return_values.cause, HasSubstr("ReturnValues"));
  TaskOutcome no_expression = refused(R"({"TableName": "Payments",
    "Key": {"paymentId": {"S": "p"}}})");
  EXPECT_THAT(no_expression.cause, HasSubstr("UpdateExpression"));
  TaskOutcome bad_value = refused(R"({"TableName": "Payments",
    "Key": {"paymentId": {"S": "p"}}, "UpdateExpression": "SET a = :a",
    "ExpressionAttributeValues": {":a": {"N": "x"}}})");
  EXPECT_THAT(bad_value.cause, HasSubstr(":a"));
  TaskOutcome wrong_key = refused(R"({"TableName": "Payments",
    "Key": {"id": {"S": "p"}}, "UpdateExpression": "REMOVE a"})");
  EXPECT_EQ(wrong_key.error, "DynamoDB.ValidationException");
}

TEST(AwsResources, DynamoDbDeleteItemRunsRecordsDelete) {
  BuiltinCall del = call_of("arn:aws:states:::dynamodb:deleteItem",
                            R"({"TableName": "Payments", "Key": {"paymentId": {"S": "p-1"}},
                                "ReturnValues": "ALL_OLD"})");
  EXPECT_EQ(del.resource, "settled:records.delete");
  EXPECT_EQ(del.parameters, json::parse(R"({"collection": "Payments", "key": "p-1"})"));
  const json::value result = json::parse(
      R"({"collection": "Payments", "key": "p-1", "previous": {"paymentId": "p-1", "n": 3}})");
  TaskOutcome old =
      from_builtin("arn:aws:states:::dynamodb:deleteItem", TaskOutcome::success(result), "k",
                   json::object{{"ReturnValues", "ALL_OLD"}});
  EXPECT_EQ(old.result.at("Attributes"),
            json::parse(R"({"paymentId": {"S": "p-1"}, "n": {"N": "3"}})"));
  EXPECT_TRUE(old.result.as_object().contains("SdkResponseMetadata"));
  TaskOutcome plain = from_builtin("arn:aws:states:::dynamodb:deleteItem",
                                   TaskOutcome::success(result), "k", json::object{});
  EXPECT_FALSE(plain.result.as_object().contains("Attributes"));
  EXPECT_EQ(refusal_of("arn:aws:states:::dynamodb:deleteItem",
                       R"({"TableName": "Payments", "Key": {"paymentId": {"S": "p"}},
                           "ReturnValues": "ALL_NEW"})")
                .error,
            "DynamoDB.ValidationException");
  EXPECT_THAT(refusal_of("arn:aws:states:::dynamodb:deleteItem",
                         R"j({"TableName": "Payments", "Key": {"paymentId": {"S": "p"}},
                             "ConditionExpression": "attribute_exists(x)"})j")
                  .cause,
              HasSubstr("ConditionExpression"));
}

}  // namespace
}  // namespace settled::aws
