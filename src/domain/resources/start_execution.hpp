#pragma once
// Starting another state machine from a Task. The Parameters are StartExecution's
// ({StateMachineArn, Input?, Name?}) for every form:
//   settled:states.startExecution.sync[:2], arn:aws:states:::states:startExecution.sync[:2]
//     a child run as part of this execution (actors/execution/children.cpp);
//   settled:states.startExecution, arn:aws:states:::states:startExecution
//     a new top-level execution, started exactly once (actors/events/execution_start.hpp): its
//     name is the task's Name, or one derived from the attempt's idempotency key, so a retried
//     or recovered attempt finds the execution it started instead of starting another.

#include "domain/aws/arns.hpp"
#include "domain/error.hpp"
#include "domain/resources/aws_resources.hpp"
#include "domain/resources/task_outcome.hpp"
#include "domain/result.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <utility>

namespace settled {

inline constexpr const char* kStatesStartExecution = "settled:states.startExecution";

struct StartExecutionParameters {
  std::string state_machine;  // the name: of StateMachineArn, or the bare name settled also takes
  boost::json::value input = boost::json::object{};  // Input as JSON (JSON text is parsed)
  std::string name;  // Name (1-80 of letters, digits and -_.); "" when not given
};

// Which parameter a parse refused: Step Functions names a refusal by it (a bad Name is
// InvalidNameException, the rest InvalidExecutionInputException), never by its message.
enum class StartExecutionField : std::uint8_t { kParameters, kStateMachineArn, kName, kInput };

struct StartExecutionRefusal : Error {
  StartExecutionField field = StartExecutionField::kParameters;

  StartExecutionRefusal(StartExecutionField f, ErrorCode c, std::string m)
      : Error(c, std::move(m)), field(f) {}
};

// A StateMachineArn is read in the daemon's region and account (`scope`): an ARN of another one
// names a state machine this daemon does not have (StateMachineDoesNotExist, saying whose it
// is), and one that is not a state machine's ARN (an execution's, a version's or an alias's) is
// InvalidArn. A bare name is settled's own shorthand.
Result<StartExecutionParameters, StartExecutionRefusal> parse_start_execution(
    const boost::json::value& parameters, const aws::ArnScope& scope);

// The execution name of an async start without Name: a UUID derived from the attempt's key.
// Anyone who knows the parent's id can compute it (the key is "<parent>/<state>/<n>"), and so
// start an execution of that name first: the parent's start then meets someone else's.
std::string started_execution_name(const std::string& idempotency_key);

// The same name, unguessable without the daemon's secret (aws::salted_stable_id): `entered` is
// when the task's state was entered.
std::string started_execution_name(const std::string& idempotency_key,
                                   const aws::ChildNameSalt& salt, EpochMillis entered);

// settled:states.startExecution's result: {executionId, stateMachine, name, startDate (ISO
// 8601), outcome: "started" | "existing"}; `start_answer` is the supervisor's answer's body.
boost::json::object started_execution_result(const StartExecutionParameters& start,
                                             const boost::json::object& start_answer, bool created);

// A refused start as the task's error: StepFunctions.<Exception> as Step Functions' optimized
// integration names StartExecution's errors (ExecutionAlreadyExists, StateMachineDoesNotExist,
// InvalidName, InvalidArn, InvalidExecutionInput, ExecutionLimitExceeded for an overloaded,
// paused or draining daemon).
TaskOutcome start_execution_refused(const Error& refusal);
// The same for a refusal of the parameters, named by the field refused.
TaskOutcome start_execution_refused(const StartExecutionRefusal& refusal);

}  // namespace settled
