#include "actors/events/task_answer.hpp"

#include "domain/resources/task_answer.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

namespace settled::actors {

std::optional<TaskCallback> task_answer(const TaskAttempt& attempt,
                                        caf::typed_response_promise<TaskOutcome> rp) {
  auto request = parse_task_answer(attempt.resource, attempt.parameters);
  if (!request) {
    rp.deliver(TaskOutcome::failure(kTasksInvalidParameters, request.error().message));
    return std::nullopt;
  }
  TaskCallback cb;
  cb.kind = request->success ? TaskCallback::Kind::kSuccess : TaskCallback::Kind::kFailure;
  cb.token = std::move(request->token);
  cb.output = std::move(request->output);
  cb.error = std::move(request->error);
  cb.cause = std::move(request->cause);
  // A workflow holds no scope: a token that needs one (an admin's decision) is refused to it
  // as to any caller without the scope.
  cb.caller = Caller{"execution:" + attempt.execution_id, {}, false};
  cb.reply = [rp](Answer answer) mutable {
    rp.deliver(answer ? task_answer_taken() : task_answer_refused(answer.error()));
  };
  return cb;
}

}  // namespace settled::actors
