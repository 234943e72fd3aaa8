// Child workflows: settled:states.startExecution.sync[:2] and Step Functions'
// arn:aws:states:::states:startExecution.sync[:2] run another state machine as a branch
// execution of this task (stopping this execution stops it) and complete with Step Functions'
// DescribeExecution shape. Both name the child as Step Functions does, in its own state
// machine: the task's Name, or a UUID derived from its settled id (aws::child_execution_name),
// so its ARN ("<child's machine>:<name>") is the one its $$.Execution.Id, the task's result,
// DescribeExecution, ListExecutions and GetExecutionHistory give, and the child_executions
// table finds it by it. The AWS resource answers in Step Functions' exact shapes
// (domain/resources/aws_child_execution.hpp), settled's with settled's dates and errors. The
// branch itself is run by branches.cpp.

#include "actors/execution/execution.hpp"

#include "adapters/store/started_executions.hpp"
#include "domain/asl/errors.hpp"
#include "domain/aws/arns.hpp"
#include "domain/resources/aws_child_execution.hpp"
#include "domain/resources/aws_resources.hpp"
#include "domain/resources/start_execution.hpp"

namespace settled::actors::execution {

namespace {

// ".sync:2" gives Input and Output as JSON, ".sync" as JSON text.
bool answers_json(const asl::State& state) {
  return state.resource.size() >= 2 &&
         state.resource.compare(state.resource.size() - 2, 2, ":2") == 0;
}

}  // namespace

// {"StateMachineArn": "NAME" or "arn:...:stateMachine:NAME", "Input": {...}, "Name": "..."}
Result<Execution::ChildTarget, StartExecutionRefusal> Execution::child_target(
    const json::value& parameters) const {
  auto start = parse_start_execution(parameters, engine_->aws_arns);
  if (!start) return start.error();
  auto machine = engine_->workflows()->find(start->state_machine);
  if (!machine)
    return StartExecutionRefusal{
        StartExecutionField::kStateMachineArn, ErrorCode::kStateMachineDoesNotExist,
        "parameters.StateMachineArn: no state machine \"" + start->state_machine + "\""};
  return ChildTarget{std::move(machine), std::move(start->input), std::move(start->name)};
}

std::string Execution::child_name(const std::string& child_id) const {
  return child_given_name_.empty()
             ? aws::child_execution_name(child_id, engine_->child_name_salt, rec_.state_entered)
             : child_given_name_;
}

void Execution::start_child_execution(const asl::State& state, TaskAttempt attempt) {
  auto target = child_target(attempt.parameters);
  if (!target) {
    // Step Functions names a refused start (StepFunctions.InvalidNameException, ...); settled's
    // own resource keeps States.TaskFailed.
    task_failed(state, aws::is_aws_resource(state.resource)
                           ? start_execution_refused(target.error())
                           : TaskOutcome::failure(std::string(asl::errors::kTaskFailed),
                                                  target.error().message));
    return;
  }
  child_machine_ = target->machine;
  child_given_name_ = target->name;
  branch_inputs_ = {std::move(target->input)};
  branch_limit_ = 0;
  branch_distributed_ = false;
  branch_tolerated_ = 0;
  // The child's id is named by this event's id (see ExecutionRecord::branch_id).
  const std::int64_t event_id = history_.last_id() + 1;
  const std::string child_id = rec_.id + "~" + std::to_string(event_id) + ".0";
  const EpochMillis now = engine_->now();
  const bool aws_child = aws::is_aws_resource(state.resource);
  const std::string name = child_name(child_id);
  const std::string arn = aws::execution_arn(engine_->aws_arns, child_machine_->name, name);
  // Step Functions' names are one namespace per state machine: a name another execution holds
  // is refused, as StartExecution refuses it (settled's own resource with States.TaskFailed, as
  // every start it cannot make). The store checks it again at the commit, so two parents racing
  // for one name cannot both take it. Without Name the UUID is derived from the child's id,
  // which holds this execution's id and the event's: no other child can be given it.
  const std::string aws_id = child_machine_->name + ":" + name;
  if (adapters::find_named_execution(*engine_->db, aws_id)) {
    task_failed(state,
                TaskOutcome::failure(aws_child ? "StepFunctions.ExecutionAlreadyExistsException"
                                               : std::string(asl::errors::kTaskFailed),
                                     "Execution Already Exists: '" + arn + "'"));
    return;
  }
  pending_.expect(Table::kChildExecutions, aws_id, std::nullopt);
  pending_.expect(Table::kExecutions, aws_id, std::nullopt);
  // StartExecution's answer: the child as the caller will know it.
  const json::object started =
      aws_child ? aws::start_execution_answer(engine_->aws_arns, child_machine_->name, name, now,
                                              attempt.idempotency_key)
                : json::object{{"ExecutionArn", arn}};
  rec_.branches_event_id = add_task_event(now, "Submitted", state, state.resource,
                                          json::object{{"output", json::serialize(started)}});
  rec_.branches.assign(1, branch_state::kQueued);
  rec_.phase = Phase::kBranches;
  advance_branches(state, now);
}

// The child's ARN as its $$.Execution.Id gives it: "<its machine>:<its name>", or, for a child
// settled's resource started before children were named (named by its id), its id's.
std::string Execution::child_arn(const ExecutionRecord& child) const {
  return aws::execution_arn_of(engine_->aws_arns, child.id, child.state_machine, child.name);
}

// DescribeExecution's shape.
json::value Execution::child_result(const asl::State& state, const ExecutionRecord& child) const {
  const bool as_json = answers_json(state);
  if (aws::is_aws_resource(state.resource))
    return aws::describe_child_execution(engine_->aws_arns, child, as_json);
  json::object result{
      {"ExecutionArn", child_arn(child)},
      {"StateMachineArn", aws::state_machine_arn(engine_->aws_arns, child.state_machine)},
      {"Name", child.name},
      {"Status", status_name(child.status)},
      {"StartDate", format_timestamp(child.start)},
      {"StopDate", format_timestamp(child.stop)}};
  result["Input"] = as_json ? child.input : json::value(json::serialize(child.input));
  result["Output"] = as_json ? child.output : json::value(json::serialize(child.output));
  return result;
}

std::string Execution::child_failure(const asl::State& state, const ExecutionRecord& child,
                                     const std::string& error, const std::string& cause) const {
  // Step Functions describes the child as it ended: its own error and cause (a stop without
  // either has none), not the names settled's own resource reports.
  if (aws::is_aws_resource(state.resource))
    return aws::child_failure_cause(engine_->aws_arns, child, answers_json(state), child.error,
                                    child.cause);
  return json::serialize(json::object{{"ExecutionArn", child_arn(child)},
                                      {"Status", status_name(child.status)},
                                      {"Error", error},
                                      {"Cause", cause}});
}

}  // namespace settled::actors::execution
