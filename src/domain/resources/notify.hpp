#pragma once
// settled:notify.send — records a notification for a user, keyed by the task's idempotency key
// so a retried or replayed step never notifies twice.
//   {user, message, subject?, channel?} -> {notificationId, user, channel, status: "RECORDED"}

#include "domain/resources/task_outcome.hpp"

namespace settled {

inline constexpr const char* kNotifyInvalidParameters = "Notify.InvalidParameters";

TaskOutcome run_notify_send(const TaskAttempt& attempt);

}  // namespace settled
