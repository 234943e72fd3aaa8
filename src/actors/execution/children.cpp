// Child workflows: settled:states.startExecution.sync[:2] and Step Functions'
// arn:aws:states:::states:startExecution.sync[:2] run another state machine as a branch
// execution of this task (stopping this execution stops it) and complete with Step Functions'
// DescribeExecution shape. settled's resource names the child by settled's id; the AWS ARN
// names it as Step Functions does (domain/resources/aws_child_execution.hpp). The branch itself
// is run by branches.cpp.

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

std::string Execution::child_name(const asl::State& state, const std::string& child_id) const {
  if (!aws::is_aws_resource(state.resource)) return child_id.substr(child_id.find(':') + 1);
  return child_given_name_.empty() ? aws::child_execution_name(child_id) : child_given_name_;
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
  const std::string name = child_name(state, child_id);
  if (aws_child) {
    // Step Functions' names are one namespace per state machine: a name another execution holds
    // is refused, as StartExecution refuses it. The store checks it again at the commit, so two
    // parents racing for one name cannot both take it.
    const std::string aws_id = child_machine_->name + ":" + name;
    if (adapters::find_named_execution(*engine_->db, aws_id)) {
      task_failed(state,
                  TaskOutcome::failure(
                      "StepFunctions.ExecutionAlreadyExistsException",
                      "Execution Already Exists: '" +
                          aws::execution_arn(engine_->aws_arns, child_machine_->name, name) + "'"));
      return;
    }
    pending_.expect(Table::kChildExecutions, aws_id, std::nullopt);
    pending_.expect(Table::kExecutions, aws_id, std::nullopt);
  }
  // StartExecution's answer: the child as the caller will know it.
  const json::object started =
      aws_child ? aws::start_execution_answer(engine_->aws_arns, child_machine_->name, name, now,
                                              attempt.idempotency_key)
                : json::object{{"ExecutionArn", child_id}};
  rec_.branches_event_id = add_task_event(now, "Submitted", state, state.resource,
                                          json::object{{"output", json::serialize(started)}});
  rec_.branches.assign(1, branch_state::kQueued);
  rec_.phase = Phase::kBranches;
  advance_branches(state, now);
}

// DescribeExecution's shape.
json::value Execution::child_result(const asl::State& state, const ExecutionRecord& child) const {
  const bool as_json = answers_json(state);
  if (aws::is_aws_resource(state.resource))
    return aws::describe_child_execution(engine_->aws_arns, child, as_json);
  json::object result{{"ExecutionArn", child.id},
                      {"StateMachineArn", child.state_machine},
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
  return json::serialize(json::object{{"ExecutionArn", child.id},
                                      {"Status", status_name(child.status)},
                                      {"Error", error},
                                      {"Cause", cause}});
}

}  // namespace settled::actors::execution
