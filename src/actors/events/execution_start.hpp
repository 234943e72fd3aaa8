#pragma once
// settled:states.startExecution (and arn:aws:states:::states:startExecution, which runs as it):
// a Task starts a new top-level execution, as Step Functions' optimized integration does without
// .sync. The events actor sends the start to the executions supervisor, as an event rule does,
// and the task succeeds once the started execution's first commit is durable (or the name is
// found started already: a retried or recovered attempt, exactly once). The started execution
// is not part of this one: stopping this one does not stop it.

#include "actors/messages.hpp"
#include "domain/aws/arns.hpp"
#include "domain/resources/start_execution.hpp"

#include <caf/typed_response_promise.hpp>

#include <optional>

namespace settled::actors {

// The start for `attempt`, whose answer delivers `rp`; none when the Parameters are refused
// (then `rp` is delivered the refusal here). A StateMachineArn is read in `scope`, the daemon's
// region and account; a start without Name is named with `salt` (started_execution_name).
std::optional<StartRequest> execution_start(const TaskAttempt& attempt, const aws::ArnScope& scope,
                                            const aws::ChildNameSalt& salt,
                                            caf::typed_response_promise<TaskOutcome> rp);

}  // namespace settled::actors
