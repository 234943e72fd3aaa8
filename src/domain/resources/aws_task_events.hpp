#pragma once
// How the execution history names the events of a Task whose Resource is an AWS ARN, as Step
// Functions does (docs/aws-resources.md, "In the history"). The attempt runs as a built-in, but
// the history shows the resource the definition names:
//
//   arn:aws:states:::SERVICE:ACTION[.sync|.sync:2|.waitForTaskToken]
//       Task* events; resourceType SERVICE, resource ACTION with its suffix
//       ("dynamodb"/"putItem", "lambda"/"invoke", "states"/"startExecution.sync:2")
//   arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
//       LambdaFunction* events (Scheduled, Started, Succeeded, Failed, TimedOut);
//       LambdaFunctionScheduled's details are {resource: the ARN, input, timeoutInSeconds?},
//       the others carry no resource
//
// settled's own resources (settled:...) are not named here (asl::task_details names them).

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace settled::aws {

struct TaskEventName {
  std::string type;             // "TaskScheduled", "LambdaFunctionSucceeded", ...
  boost::json::object details;  // the resource fields of its details
  // The field the scheduled payload goes in: "parameters" (TaskScheduled) or "input"
  // (LambdaFunctionScheduled).
  const char* payload_field = "parameters";
};

// The event `kind` ("Scheduled", "Started", "Submitted", "Succeeded", "Failed", "TimedOut") of
// a Task whose Resource is `resource` as written; nullopt when it is not an AWS ARN. A Lambda
// function ARN has no LambdaFunctionSubmitted (AWS takes no .waitForTaskToken on one; settled
// does): TaskSubmitted then names it resourceType "lambda", resource the ARN.
std::optional<TaskEventName> aws_task_event(std::string_view resource, std::string_view kind);

}  // namespace settled::aws
