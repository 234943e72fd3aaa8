#pragma once
// The notifications actor (docs/notifications.md): delivers each notification settled:notify.send
// stored to the configured notification webhook, once per notification id, even across restarts.
// The outbox table is the queue: a row exists from the commit that stored the notification until
// the webhook answered 2xx (then it is erased) or the last attempt failed (then it moves to the
// dead letters, a metric counts it and an alert is raised). At most `concurrency` POSTs are in
// flight, each on a sender thread of its own; the rest wait on disk. At spawn it resumes every
// row still pending. It also writes what the API changes: a user's read mark, and a dead letter
// sent again (redeliver), answering once durable.
//
// Retries wait on wall time (this is delivery to a receiver, not a business delay): a simulated
// clock does not hold them up.

#include "actors/engine.hpp"
#include "actors/interfaces.hpp"
#include "actors/messages.hpp"
#include "domain/notifications/notification.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <cstddef>
#include <string>

namespace settled::actors {

struct NotificationsOptions {
  std::string webhook_url;     // empty: no delivery (the outbox rows are dropped; inbox only)
  std::string webhook_secret;  // signs each POST (Settled-Signature); required with a URL
  notifications::RetryPolicy retry;
  std::chrono::milliseconds timeout{10000};  // one POST, connect to answer
  std::size_t concurrency = 4;               // POSTs in flight at once
  std::chrono::milliseconds poll{5000};      // a look at the outbox even when nothing woke it
};

// POST /v1/users/{userId}/notifications/{id}/read: answered kApplied (marked now) or kExisting
// (read before) with the notification, or NotFound.
struct NotificationRead {
  std::string user_id;
  std::string id;
  AnswerCallback reply;
};

// settlectl notifications redeliver ID: the dead letter back in the outbox with its attempts
// reset; answered kApplied {id, status: "pending"}, or NotFound.
struct NotificationRedeliver {
  std::string id;
  AnswerCallback reply;
};

// The webhook URL must have been checked (adapters::WebhookClient::create) by the caller.
NotificationsActor spawn_notifications(caf::actor_system& system, EnginePtr engine,
                                       NotificationsOptions options);

}  // namespace settled::actors
