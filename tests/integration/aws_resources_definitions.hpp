#pragma once
// The state machines the AWS resource tests register (aws_resources_fixture.hpp): seed 004's
// definition verbatim, and definitions that use each integration as a team on AWS writes them.

namespace settled::testing::aws_resources {

// Seed 004's state machine, verbatim (its <region>/<account-id> placeholders included).
inline constexpr const char* kSeed004 = R"json({
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

inline constexpr const char* kIntegrations = R"json({
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
inline constexpr const char* kDynamoCounter = R"json({
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

inline constexpr const char* kDynamoWrites = R"json({
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

inline constexpr const char* kChild = R"json({"StartAt": "Echo", "States": {
  "Echo": {"Type": "Pass", "Parameters": {"seen.$": "$.orderId"}, "End": true}}})json";

inline constexpr const char* kChildDeclines = R"json({"StartAt": "No", "States": {
  "No": {"Type": "Fail", "Error": "KycDeclined", "Cause": "document expired"}}})json";

// Three children as Step Functions starts them: .sync with a Name, .sync:2 without one (a UUID),
// and one that fails, its story caught as the cause of States.TaskFailed.
inline constexpr const char* kChildren = R"json({"StartAt": "Named", "States": {
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
inline constexpr const char* kWaiter = R"json({"StartAt": "Wait", "States": {
  "Wait": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem.waitForTaskToken",
    "Parameters": {"TableName": "Approvals",
                   "Item": {"approvalId": {"S.$": "$.approvalId"}, "token": {"S.$": "$$.Task.Token"}}},
    "End": true}}})json";

inline constexpr const char* kApprover = R"json({"StartAt": "Approve", "States": {
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
inline constexpr const char* kStarter = R"json({"StartAt": "Named", "States": {
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

}  // namespace settled::testing::aws_resources
