#pragma once
// settled:tasks.sendSuccess / settled:tasks.sendFailure — a workflow answers another
// execution's task token, as Step Functions' SendTaskSuccess / SendTaskFailure do from a
// state machine. It is how a process that does not own a waiting execution still goes through
// it instead of racing it (escrow-cancel withdrawing a live service request): the token is
// single-use, so exactly one of the waiting execution's answers is taken.
//   sendSuccess {TaskToken, Output: JSON value, or JSON text as in Step Functions}
//   sendFailure {TaskToken, Error?: string, Cause?: string}
//   -> {taken: true} once the waiting execution has made the answer durable, or the refusal as
//      Tasks.<error> (Tasks.TaskAlreadyCompleted, Tasks.TaskTimedOut, Tasks.TaskDoesNotExist,
//      Tasks.Forbidden, ...) — a workflow Catches these; nothing changed.

#include "domain/error.hpp"
#include "domain/resources/task_outcome.hpp"
#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <utility>

namespace settled {

inline constexpr const char* kTasksSendSuccess = "settled:tasks.sendSuccess";
inline constexpr const char* kTasksSendFailure = "settled:tasks.sendFailure";
inline constexpr const char* kTasksInvalidParameters = "Tasks.InvalidParameters";

struct TaskAnswerRequest {
  bool success = true;
  std::string token;
  boost::json::value output;  // sendSuccess
  std::string error;          // sendFailure: States.TaskFailed when not given
  std::string cause;
};

bool is_task_answer(const std::string& resource);

// Which parameter a parse refused, so that a caller names the refusal by it (the AWS SDK
// integration's Sfn.InvalidTokenException, Sfn.InvalidOutputException), not by its message.
enum class TaskAnswerField : std::uint8_t { kParameters, kTaskToken, kOutput, kError, kCause };

struct TaskAnswerRefusal : Error {
  TaskAnswerField field = TaskAnswerField::kParameters;

  TaskAnswerRefusal(TaskAnswerField f, ErrorCode c, std::string m)
      : Error(c, std::move(m)), field(f) {}
};

// The parameters of either resource, bounded like POST /v1/tasks/success and /failure.
Result<TaskAnswerRequest, TaskAnswerRefusal> parse_task_answer(
    const std::string& resource, const boost::json::value& parameters);

// What the answering task's state receives: the refusal becomes the error Tasks.<name>.
TaskOutcome task_answer_taken();
TaskOutcome task_answer_refused(const Error& refusal);

}  // namespace settled
