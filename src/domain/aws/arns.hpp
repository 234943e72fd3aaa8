#pragma once
// Step Functions' ARNs (docs/aws-api.md), in the daemon's region and account:
//   arn:aws:states:<region>:<account>:stateMachine:<name>
//   arn:aws:states:<region>:<account>:execution:<stateMachine>:<execution>
// Written into the context object ($$.Execution.Id, $$.StateMachine.Id: asl/interpreter) and
// into what an `arn:aws:states:::states:startExecution.sync` task returns
// (resources/aws_child_execution); read by the Step Functions API (api/sfn/arn.hpp) and by
// everything that takes an execution id (adapters/store/started_executions.hpp).

#include "domain/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace settled::aws {

// Step Functions refuses a longer ARN; it also bounds settled's execution ids (a state machine
// name and an execution name of 80 characters each, joined by ':'), so a reference to an
// execution longer than this names none.
inline constexpr std::size_t kMaxArnLength = 256;

struct ArnScope {
  std::string region = "us-east-1";
  std::string account = "000000000000";
};

std::string state_machine_arn(const ArnScope& scope, std::string_view name);
// The IAM role every execution runs as: settled keeps none, so one name of the account
// (DescribeStateMachine's roleArn, $$.Execution.RoleArn).
std::string role_arn(const ArnScope& scope);
std::string execution_arn(const ArnScope& scope, std::string_view state_machine,
                          std::string_view execution_name);
// The ARN of a settled execution id "<stateMachine>:<name>".
std::string execution_arn_of_id(const ArnScope& scope, std::string_view execution_id);

// An execution's ARN ($$.Execution.Id) from its settled id, state machine and name. A top-level
// execution's id is "<stateMachine>:<name>", and a child a startExecution.sync task started
// (settled's resource or the AWS ARN) is named as Step Functions names it (its record's name):
// both "<stateMachine>:<name>". A child settled:states.startExecution.sync started before
// children were named so is named by its id ("<parent id>~<event>.0"), so its ARN is that id's,
// the one name that finds it.
std::string execution_arn_of(const ArnScope& scope, std::string_view execution_id,
                             std::string_view state_machine, std::string_view execution_name);

// An execution name Step Functions and settled both accept: 1 to 80 of letters, digits and
// "-_." (settled's names also take ':', which an ARN cannot carry).
bool valid_execution_name(std::string_view name);

// Why a text is not an ARN of this scope (the reason InvalidArn gives).
struct ArnProblem {
  std::string why;
  bool other_scope = false;  // a Step Functions ARN of another region or account
};

struct ExecutionName {
  std::string state_machine;
  std::string name;
  std::string id() const { return state_machine + ":" + name; }  // the settled execution id
};

// An ARN of another partition, service, region or account, of the other kind, or naming what
// settled could not have named (a state machine name is [A-Za-z0-9_-]{1,80}; a version or alias
// suffix) is refused. An execution name may hold ':', as settled's native names may.
Result<std::string, ArnProblem> read_state_machine_arn(const ArnScope& scope, std::string_view arn);
Result<ExecutionName, ArnProblem> read_execution_arn(const ArnScope& scope, std::string_view arn);
// What an execution ARN of this scope names, "<stateMachine>:<rest>", for a look-up by settled
// id (or AWS name): the state machine name is checked, the rest only for being there, since a
// settled child's id holds characters Step Functions' names do not ('~').
Result<std::string, ArnProblem> execution_arn_key(const ArnScope& scope, std::string_view arn);

// Whether a text is written as an ARN at all ("arn:..."), whatever it names.
inline bool looks_like_arn(std::string_view text) {
  return text.substr(0, 4) == "arn:";
}

}  // namespace settled::aws
