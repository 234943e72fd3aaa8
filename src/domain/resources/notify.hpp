#pragma once
// settled:notify.send — records a notification for a user, keyed by an id derived from the
// task's idempotency key so a retried or replayed step never notifies twice; the same commit adds
// it to the user's inbox and to the webhook's outbox (docs/notifications.md).
//   {user | userId, message, type?, title?, subject?, relatedId?, channel?, ...}
//     -> {notificationId, id, user, userId, channel, status: "RECORDED"}
// The stored notification is the parameters plus the seed's fields (id, userId, type, title,
// message, isRead: false, relatedId, createdAt, updatedAt) and settled's (notificationId: the
// idempotency key, executionId, channel).

#include "domain/resources/task_outcome.hpp"

namespace settled {

inline constexpr const char* kNotifyInvalidParameters = "Notify.InvalidParameters";

TaskOutcome run_notify_send(const TaskAttempt& attempt);

}  // namespace settled
