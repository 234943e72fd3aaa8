#pragma once
// settled:tasks.sendSuccess / sendFailure (domain/resources/task_answer.hpp): a workflow answers
// another execution's task token. The events actor sends the callback to the executions
// supervisor, as it does when an event reaches a waiter; the answering task gets {taken: true}
// once the waiting execution has made the answer durable, or the refusal as Tasks.<error>.

#include "actors/messages.hpp"

#include <caf/typed_response_promise.hpp>

#include <optional>

namespace settled::actors {

// The callback for `attempt`, whose answer delivers `rp`; none when the Parameters are refused
// (then `rp` is delivered Tasks.InvalidParameters here).
std::optional<TaskCallback> task_answer(const TaskAttempt& attempt,
                                        caf::typed_response_promise<TaskOutcome> rp);

}  // namespace settled::actors
