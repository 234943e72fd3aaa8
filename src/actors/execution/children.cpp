// Child workflows: settled:states.startExecution.sync[:2] runs another state machine as a
// branch execution of this task (stopping this execution stops it) and completes with Step
// Functions' DescribeExecution shape. The branch itself is run by branches.cpp.

#include "actors/execution/execution.hpp"

#include "domain/asl/errors.hpp"
#include "domain/json_limits.hpp"

namespace settled::actors::execution {

// {"StateMachineArn": "NAME" or "arn:...:stateMachine:NAME", "Input": {...}}
Result<Execution::ChildTarget> Execution::child_target(const json::value& parameters) const {
  if (!parameters.is_object())
    return Error{ErrorCode::kInvalidRequest, "parameters must be an object"};
  const auto& o = parameters.as_object();
  for (const auto& [key, value] : o) {
    if (key != "StateMachineArn" && key != "Input" && key != "Name")
      return Error{
          ErrorCode::kInvalidRequest,
          "parameters." + std::string(key) + " is unknown (allowed: StateMachineArn, Input, Name)"};
  }
  const json::value* arn = o.if_contains("StateMachineArn");
  if (!arn || !arn->is_string())
    return Error{ErrorCode::kInvalidRequest, "parameters.StateMachineArn must be a string"};
  std::string name(arn->as_string());
  if (const auto colon = name.rfind(':'); colon != std::string::npos) name = name.substr(colon + 1);
  auto machine = engine_->workflows()->find(name);
  if (!machine)
    return Error{ErrorCode::kStateMachineDoesNotExist,
                 "parameters.StateMachineArn: no state machine \"" + name + "\""};
  json::value input = json::object{};
  if (const json::value* in = o.if_contains("Input")) {
    input = *in;
    if (input.is_string()) {
      // The child's input obeys the rules of a client's start request.
      auto text = parse_request_json(in->as_string(), "parameters.Input");
      if (!text) return Error{ErrorCode::kInvalidRequest, text.error().message};
      input = std::move(*text);
    }
  }
  return ChildTarget{std::move(machine), std::move(input)};
}

void Execution::start_child_execution(const asl::State& state, TaskAttempt attempt) {
  auto target = child_target(attempt.parameters);
  if (!target) {
    task_failed(
        state, TaskOutcome::failure(std::string(asl::errors::kTaskFailed), target.error().message));
    return;
  }
  child_machine_ = target->machine;
  branch_inputs_ = {std::move(target->input)};
  branch_limit_ = 0;
  branch_distributed_ = false;
  branch_tolerated_ = 0;
  // The child's id is named by this event's id (see ExecutionRecord::branch_id).
  const std::int64_t event_id = history_.last_id() + 1;
  const std::string child_id = rec_.id + "~" + std::to_string(event_id) + ".0";
  rec_.branches_event_id = add_task_event(
      engine_->now(), "Submitted", state, state.resource,
      json::object{{"output", json::serialize(json::object{{"ExecutionArn", child_id}})}});
  rec_.branches.assign(1, branch_state::kQueued);
  rec_.phase = Phase::kBranches;
  advance_branches(state);
}

// DescribeExecution's shape; ":2" gives Input and Output as JSON, ".sync" as JSON text.
json::value Execution::child_result(const asl::State& state, const ExecutionRecord& child) {
  const bool as_json =
      state.resource.size() >= 2 && state.resource.compare(state.resource.size() - 2, 2, ":2") == 0;
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

}  // namespace settled::actors::execution
