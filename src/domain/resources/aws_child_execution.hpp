#pragma once
// What `arn:aws:states:::states:startExecution.sync` and `.sync:2` give a workflow, in Step
// Functions' shapes (docs/aws-resources.md): the child execution named by an execution ARN of
// its own state machine, its name the task's `Name` or a UUID, dates as epoch milliseconds.
// settled's own `settled:states.startExecution.sync` names its child the same way (its Name or
// child_execution_name) and answers in settled's shape (actors/execution/children.cpp).

#include "domain/aws/arns.hpp"
#include "domain/execution_record.hpp"
#include "domain/resources/aws_resources.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace settled::aws {

// The name Step Functions gives a child started without `Name` is a UUID; settled derives it
// from the child's own id ("<parent id>~<event>.0"), so the child is named the same after a
// restart, and no other child (of another parent, machine or event) is given it.
std::string child_execution_name(const std::string& child_id);
// The same, salted with the daemon's secret (salted_stable_id; `entered`: when the task's state
// was entered), so that no one can take the name before the parent starts its child.
std::string child_execution_name(const std::string& child_id, const ChildNameSalt& salt,
                                 EpochMillis entered);

// The TaskSubmitted event's output: StartExecution's answer (ExecutionArn, StartDate and the
// SDK's metadata), `request_id` being the attempt's idempotency key.
boost::json::object start_execution_answer(const ArnScope& scope, const std::string& state_machine,
                                           const std::string& name, EpochMillis start,
                                           const std::string& request_id);

// The task's result for a child that succeeded: DescribeExecution's answer with the members
// capitalised. `as_json` (.sync:2) gives Input and Output as JSON; .sync as JSON text.
boost::json::object describe_child_execution(const ArnScope& scope, const ExecutionRecord& child,
                                             bool as_json);

// The task's cause for a child that did not succeed (the error is States.TaskFailed): the same
// description without Output, with the child's Error and Cause (each left out when empty), as
// JSON text.
std::string child_failure_cause(const ArnScope& scope, const ExecutionRecord& child, bool as_json,
                                const std::string& error, const std::string& cause);

}  // namespace settled::aws
