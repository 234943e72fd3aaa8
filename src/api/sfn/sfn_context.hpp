#pragma once
// What the Step Functions operations (docs/aws-api.md) work with: the same engine, actors and
// store the native routes use (api/http_routes.cpp), the ARN scope, and the seam where
// authentication plugs in. Each operation reads its body and answers through the responder,
// now or from an actor's reply.

#include "actors/engine.hpp"
#include "actors/interfaces.hpp"
#include "adapters/http/http_message.hpp"
#include "api/sfn/arn.hpp"
#include "api/sfn/aws_auth.hpp"
#include "api/sfn/aws_error.hpp"

#include <boost/json/object.hpp>

namespace settled::api::sfn {

struct SfnDeps {
  actors::EnginePtr engine;
  actors::ExecutionsActor executions;         // start, task callbacks
  actors::StateMachinesActor state_machines;  // registers versions
  actors::AdminActor admin;                   // stop and redrive (actors/admin_actor.hpp)
  ArnScope arns;
  // Who may call (aws_auth.hpp); unset: every call is refused (InternalFailure).
  AwsAuthenticator authenticate;
};

// One call: the deps, who called, and the body's members.
struct SfnCall {
  const SfnDeps& deps;
  Caller caller;
  const boost::json::object& body;
  adapters::HttpResponder respond;
};

// Answers the call with an AWS error ({"__type", "message"}).
void fail(SfnCall& call, const AwsError& error);

// The settled id of the execution an execution ARN names (a top-level execution, or a child of
// a startExecution.sync task by its child_executions row), or InvalidArn /
// ExecutionDoesNotExist (execution_ops.cpp).
Result<std::string, AwsError> find_execution(const SfnDeps& deps, const std::string& arn);

// The operations, one function each, grouped by what they act on.
void create_state_machine(SfnCall call);
void describe_state_machine(SfnCall call);
void update_state_machine(SfnCall call);
void delete_state_machine(SfnCall call);
void list_state_machines(SfnCall call);
void validate_state_machine_definition(SfnCall call);
void describe_state_machine_for_execution(SfnCall call);

void start_execution(SfnCall call);
void start_sync_execution(SfnCall call);
void describe_execution(SfnCall call);
void list_executions(SfnCall call);
void stop_execution(SfnCall call);
void redrive_execution(SfnCall call);

void get_execution_history(SfnCall call);

void send_task_success(SfnCall call);
void send_task_failure(SfnCall call);
void send_task_heartbeat(SfnCall call);

}  // namespace settled::api::sfn
