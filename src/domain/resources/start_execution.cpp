#include "domain/resources/start_execution.hpp"

#include "domain/aws/arns.hpp"
#include "domain/json_limits.hpp"
#include "domain/resources/aws_resources.hpp"

#include <boost/json.hpp>

#include <string_view>

namespace settled {

namespace json = boost::json;

namespace {

StartExecutionRefusal refused(StartExecutionField field, std::string message) {
  return StartExecutionRefusal{field, ErrorCode::kInvalidRequest, std::move(message)};
}

// The state machine a StateMachineArn names in `scope`.
Result<std::string, StartExecutionRefusal> state_machine_named(std::string_view arn,
                                                               const aws::ArnScope& scope) {
  if (!aws::looks_like_arn(arn)) return std::string(arn);  // settled's bare name
  auto name = aws::read_state_machine_arn(scope, arn);
  if (name) return std::move(*name);
  if (name.error().other_scope)
    return StartExecutionRefusal{StartExecutionField::kStateMachineArn,
                                 ErrorCode::kStateMachineDoesNotExist,
                                 "parameters.StateMachineArn " + std::string(arn) +
                                     " is of another region or account: " + name.error().why};
  return refused(StartExecutionField::kStateMachineArn,
                 "parameters.StateMachineArn: " + name.error().why);
}

}  // namespace

Result<StartExecutionParameters, StartExecutionRefusal> parse_start_execution(
    const json::value& parameters, const aws::ArnScope& scope) {
  if (!parameters.is_object())
    return refused(StartExecutionField::kParameters, "parameters must be an object");
  const auto& o = parameters.as_object();
  for (const auto& [key, value] : o) {
    if (key != "StateMachineArn" && key != "Input" && key != "Name")
      return refused(
          StartExecutionField::kParameters,
          "parameters." + std::string(key) + " is unknown (allowed: StateMachineArn, Input, Name)");
  }
  const json::value* arn = o.if_contains("StateMachineArn");
  if (!arn || !arn->is_string() || arn->as_string().empty())
    return refused(StartExecutionField::kStateMachineArn,
                   "parameters.StateMachineArn must be a string");
  StartExecutionParameters start;
  auto machine = state_machine_named(arn->as_string(), scope);
  if (!machine) return machine.error();
  start.state_machine = std::move(*machine);
  if (const json::value* n = o.if_contains("Name")) {
    if (!n->is_string() || !aws::valid_execution_name(n->as_string()))
      return refused(StartExecutionField::kName,
                     "parameters.Name must be 1 to 80 of letters, digits and -_.");
    start.name = std::string(n->as_string());
  }
  if (const json::value* in = o.if_contains("Input")) {
    start.input = *in;
    if (in->is_string()) {
      // The started execution's input obeys the rules of a client's start request.
      auto text = parse_request_json(in->as_string(), "parameters.Input");
      if (!text) return refused(StartExecutionField::kInput, text.error().message);
      start.input = std::move(*text);
    }
  }
  return start;
}

std::string started_execution_name(const std::string& idempotency_key) {
  return aws::stable_id("started-execution", idempotency_key);
}

std::string started_execution_name(const std::string& idempotency_key,
                                   const aws::ChildNameSalt& salt, EpochMillis entered) {
  return aws::salted_stable_id("started-execution", idempotency_key, salt, entered);
}

json::object started_execution_result(const StartExecutionParameters& start,
                                      const json::object& start_answer, bool created) {
  json::object out;
  out["executionId"] = start.state_machine + ":" + start.name;
  out["stateMachine"] = start.state_machine;
  out["name"] = start.name;
  if (const json::value* date = start_answer.if_contains("startDate")) out["startDate"] = *date;
  out["outcome"] = created ? "started" : "existing";
  return out;
}

TaskOutcome start_execution_refused(const Error& refusal) {
  const char* name = "StepFunctions.InvalidExecutionInputException";
  switch (refusal.code) {
    case ErrorCode::kExecutionAlreadyExists:
      name = "StepFunctions.ExecutionAlreadyExistsException";
      break;
    case ErrorCode::kStateMachineDoesNotExist:
      name = "StepFunctions.StateMachineDoesNotExistException";
      break;
    case ErrorCode::kOverloaded:
    case ErrorCode::kTooManyRequests:
    case ErrorCode::kIngestionPaused:
    case ErrorCode::kDraining:
      name = "StepFunctions.ExecutionLimitExceededException";
      break;
    case ErrorCode::kInvalidRequest:
    case ErrorCode::kInvalidJson:
    case ErrorCode::kPayloadTooLarge:
      break;
    default:
      // The store or the daemon failed the start: nothing was started; a Retry may try again.
      name = "States.TaskFailed";
  }
  return TaskOutcome::failure(name, refusal.message);
}

TaskOutcome start_execution_refused(const StartExecutionRefusal& refusal) {
  if (refusal.field == StartExecutionField::kName)
    return TaskOutcome::failure("StepFunctions.InvalidNameException", refusal.message);
  if (refusal.field == StartExecutionField::kStateMachineArn &&
      refusal.code == ErrorCode::kInvalidRequest)
    return TaskOutcome::failure("StepFunctions.InvalidArnException", refusal.message);
  return start_execution_refused(static_cast<const Error&>(refusal));
}

}  // namespace settled
