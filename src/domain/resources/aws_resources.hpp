#pragma once
// AWS resource ARNs in a Task state, run as settled's built-ins (docs/aws-resources.md).
// Pure: the AWS resource and its Parameters → the built-in and the parameters it takes, and
// the built-in's outcome → the outcome AWS's integration gives. The engine translates where it
// resolves a Task's resource, so Retry, Catch and the history see the built-in's attempt.
//
//   arn:aws:lambda:R:A:function:NAME            the mapped resource; its result as is
//   arn:aws:states:::lambda:invoke              {FunctionName, Payload} → the mapped resource
//                                               with Payload; {ExecutedVersion, Payload, ...}
//   arn:aws:states:::states:startExecution      settled:states.startExecution: a new top-level
//                                               execution; {ExecutionArn, StartDate, ...}
//   arn:aws:states:::states:startExecution.sync(:2)  settled:states.startExecution.sync(:2)
//   arn:aws:states:::events:putEvents           1-10 entries → settled:events.put
//   arn:aws:states:::sns:publish                settled:alert.raise (or the topic's mapping;
//                                               sns_publish.hpp)
//   arn:aws:states:::dynamodb:putItem/getItem   settled:records.put/get, attribute values
//   arn:aws:states:::dynamodb:updateItem        settled:records.update (dynamodb_writes.hpp)
//   arn:aws:states:::dynamodb:deleteItem        settled:records.delete
//   arn:aws:states:::aws-sdk:sfn:sendTaskSuccess settled:tasks.sendSuccess / sendFailure;
//   arn:aws:states:::aws-sdk:sfn:sendTaskFailure {} or Sfn.<Exception>
// Any of them may end in .waitForTaskToken, as settled's own resources may.

#include "domain/aws/arns.hpp"
#include "domain/resources/aws_resource_map.hpp"
#include "domain/resources/task_outcome.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace settled::aws {

// Whether the resource (its .waitForTaskToken suffix looked through) is an AWS ARN.
bool is_aws_resource(const std::string& resource);

// Whether a definition may name this AWS resource: a Lambda function ARN only when it is
// mapped; the service integrations above always. Unsupported ones (sqs:sendMessage, ...) are
// not known, so the definition is refused.
bool known_aws_resource(const ResourceMap& map, const std::string& resource);

struct BuiltinCall {
  std::string resource;  // settled:...
  boost::json::value parameters;
};

// The built-in to run for an AWS resource (base, without .waitForTaskToken) and its rendered
// Parameters; or the failure AWS would give (e.g. Lambda.ResourceNotFoundException).
std::variant<BuiltinCall, TaskOutcome> to_builtin(const ResourceMap& map,
                                                  const std::string& resource,
                                                  const boost::json::value& parameters);

// A UUID-shaped id derived from `key` (an attempt's idempotency key, a child execution's id):
// the same on every retry and after a restart.
std::string stable_id(std::string_view what, const std::string& key);

// The data directory's secret for the names settled gives executions it starts for a task
// (adapters/store/child_name_salt.hpp): made once, kept in the store. A name derived from
// public facts alone (a parent's id and an event number) can be taken first by anyone who
// reads the parent's history, and the parent's start then fails (red team, session 33).
struct ChildNameSalt {
  std::string secret;     // 64 hex digits; empty: names are unsalted (tests, benches)
  EpochMillis since = 0;  // when it was made, on the engine's clock
};

// stable_id of `key` and the secret: unguessable without it, and still the same on every
// retry and after a restart. A task whose state was entered before the secret existed
// (`entered` < since: out when the daemon was upgraded, or not known: 0) keeps stable_id's
// unsalted name, so it finds the execution it started then.
std::string salted_stable_id(std::string_view what, const std::string& key,
                             const ChildNameSalt& salt, EpochMillis entered);

// What the AWS SDK adds to every optimized integration's answer: SdkHttpMetadata (a 200 with
// AWS JSON's content type and `request_id`) and SdkResponseMetadata.
void add_sdk_metadata(boost::json::object& out, const std::string& request_id);

// The outcome as AWS's integration returns it. `request_id` is a stable id for the attempt
// (its idempotency key): SNS's MessageId and the SdkResponseMetadata.RequestId derive from it.
// `parameters` are the state's Parameters as rendered for the AWS resource (updateItem's and
// deleteItem's ReturnValues shape their answer; a FIFO topic's publish has a SequenceNumber).
// `now` is when the attempt ended (a FIFO publish's SequenceNumber grows with it).
// `arns` name what startExecution started.
TaskOutcome from_builtin(const std::string& resource, TaskOutcome outcome,
                         const std::string& request_id,
                         const boost::json::value& parameters = boost::json::value(),
                         EpochMillis now = 0, const ArnScope& arns = ArnScope{});

}  // namespace settled::aws
