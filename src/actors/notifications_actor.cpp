#include "actors/notifications_actor.hpp"

#include "adapters/ops/crash_log.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"
#include "adapters/ops/signed_webhook.hpp"
#include "adapters/ops/webhook_client.hpp"
#include "adapters/store/notifications_reader.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

#include <map>
#include <optional>
#include <set>
#include <vector>

namespace settled::actors {

namespace json = boost::json;
namespace n = notifications;
using adapters::LogLevel;

namespace {

// Rows erased per commit when no webhook is configured.
constexpr std::size_t kDropBatch = 1000;

// One message's work: an exception fails that message only (adapters/ops/crash_log.hpp).
template <class Work>
void guarded(const char* handler, Work&& work) {
  adapters::survive("notifications", handler, adapters::no_subject, std::forward<Work>(work),
                    [](const std::string&) {});
}

struct NotificationsState {
  EnginePtr engine;
  NotificationsOptions options;
  bool delivering = false;  // a webhook is configured
  std::vector<NotificationSenderActor> senders;
  std::vector<bool> busy;           // per sender
  std::set<std::string> in_flight;  // ids sent, or whose outcome is being committed
  EpochMillis armed = 0;            // the earliest wake-up set for a due retry (0: none)
  bool dropping = false;
  // Read marks being committed, by id: every request for it is answered by the one commit.
  std::map<std::string, std::vector<AnswerCallback>> marking;
};

using Self = caf::stateful_actor<NotificationsState, NotificationsActor::base>;

void fill(Self* self);

void arm(Self* self, EpochMillis due) {
  auto& st = self->state;
  const EpochMillis now = system_now();
  if (st.armed && st.armed <= due && st.armed > now) return;
  st.armed = due;
  self->delayed_send(self, std::chrono::milliseconds(std::max<EpochMillis>(due - now, 1)),
                     wake_atom::value);
}

void commit(Self* self, WriteBatch writes, std::function<void(const StoreReply&)> then) {
  self->request(self->state.engine->store, caf::infinite, commit_atom::value, std::move(writes))
      .then([then](StoreReply& reply) { then(reply); },
            [then](caf::error& err) {
              then(StoreReply{false, Error{ErrorCode::kStoreUnavailable, caf::to_string(err)}});
            });
}

void raise_dead_letter(Self* self, const std::string& id, const std::string& user, int attempts,
                       const std::string& error) {
  adapters::Metrics::instance().notification_delivery("dead_lettered");
  json::object fields{
      {"notificationId", id}, {"userId", user}, {"attempts", attempts}, {"lastError", error}};
  adapters::log(LogLevel::kError, "notification.dead_letter", fields);
  const auto& alerts = self->state.engine->alerts;
  if (!alerts) return;
  fields["severity"] = "warning";
  fields["subject"] = "notification not delivered";
  fields["message"] = "notification " + id + " went to the dead letters after " +
                      std::to_string(attempts) + " attempts; `settlectl notifications redeliver " +
                      id + "` sends it again";
  self->send(alerts, alert_atom::value, Alert{"notification_dead_letter", std::move(fields)});
}

// The outcome of one POST, made durable: erased on 2xx, else retried later or dead.
// `give_up`: no retry whatever the attempts (a row that cannot be sent).
void settle(Self* self, const n::OutboxKey& key, const n::OutboxEntry& entry,
            const std::string& user, const std::string& error, bool give_up = false) {
  auto& st = self->state;
  const EpochMillis now = system_now();
  n::FailedAttempt failed;
  WriteBatch writes;
  if (error.empty()) {
    writes.erase(Table::kNotificationOutbox, n::outbox_key(key.due, key.id));
  } else {
    n::RetryPolicy policy = st.options.retry;
    if (give_up) policy.max_attempts = 0;
    failed = n::after_failure(key, entry, user, error, now, policy);
    writes = failed.writes;
  }
  const int attempts = entry.attempts + 1;
  commit(self, std::move(writes),
         [self, key, user, error, failed, attempts](const StoreReply& reply) {
           auto& state = self->state;
           state.in_flight.erase(key.id);
           if (!reply.ok) {
             // The row is as it was: sent again after a pause (the receiver dedups by id).
             adapters::log(LogLevel::kError, "notification.commit_failed",
                           {{"notificationId", key.id}, {"cause", reply.error.message}});
             arm(self, system_now() + state.options.retry.initial_backoff.count());
             return;
           }
           if (error.empty()) {
             adapters::Metrics::instance().notification_delivery("delivered");
             adapters::log(LogLevel::kInfo, "notification.delivered",
                           {{"notificationId", key.id}, {"attempts", attempts}});
           } else if (failed.dead) {
             raise_dead_letter(self, key.id, user, failed.attempts, error);
           } else {
             adapters::Metrics::instance().notification_delivery("retried");
             adapters::log(LogLevel::kWarn, "notification.retry",
                           {{"notificationId", key.id},
                            {"attempt", failed.attempts},
                            {"retryAt", format_timestamp(failed.due)},
                            {"cause", error}});
             arm(self, failed.due);
           }
           fill(self);
         });
}

// Sends one due row on an idle sender.
void dispatch(Self* self, const n::OutboxKey& key, std::string_view value) {
  auto& st = self->state;
  auto entry = n::decode_outbox(value);
  const auto stored = st.engine->db->get(Table::kNotifications, key.id);
  auto row = stored ? n::decode_notification(*stored)
                    : Result<n::NotificationRow>(
                          Error{ErrorCode::kRecordCorrupt, "the notification row is missing"});
  st.in_flight.insert(key.id);
  if (!entry || !row) {
    // Nothing that could be sent: straight to the dead letters, with why.
    const std::string why = !entry ? entry.error().message : row.error().message;
    return settle(self, key, entry ? *entry : n::OutboxEntry{}, row ? row->user_id() : "", why,
                  true);
  }
  std::size_t sender = 0;
  while (sender < st.busy.size() && st.busy[sender]) ++sender;
  st.busy[sender] = true;
  const std::string user = row->user_id();
  self->request(st.senders[sender], caf::infinite, deliver_atom::value, key.id,
                json::serialize(row->notification))
      .then(
          [self, sender, key, sent = *entry, user](std::string& error) {
            self->state.busy[sender] = false;
            settle(self, key, sent, user, error);
          },
          [self, sender, key, sent = *entry, user](caf::error& err) {
            self->state.busy[sender] = false;
            settle(self, key, sent, user, caf::to_string(err));
          });
}

// No webhook: the outbox rows are dropped as they come (the inbox keeps the notifications).
void drop_all(Self* self) {
  auto& st = self->state;
  if (st.dropping) return;
  WriteBatch writes;
  adapters::scan_outbox(*st.engine->db, [&](const n::OutboxKey& key, std::string_view) {
    writes.erase(Table::kNotificationOutbox, n::outbox_key(key.due, key.id));
    return writes.size() < kDropBatch;
  });
  if (writes.empty()) return;
  st.dropping = true;
  const bool more = writes.size() == kDropBatch;
  commit(self, std::move(writes), [self, more](const StoreReply& reply) {
    self->state.dropping = false;
    if (reply.ok && more) drop_all(self);
  });
}

// Sends what is due, as far as the senders allow; sets a wake-up for the next due retry.
void fill(Self* self) {
  auto& st = self->state;
  if (!st.delivering) return drop_all(self);
  const std::size_t free = st.senders.size() - std::min(st.senders.size(), st.in_flight.size());
  if (free == 0) return;
  const EpochMillis now = system_now();
  std::vector<std::pair<n::OutboxKey, std::string>> due;
  std::optional<EpochMillis> next;
  adapters::scan_outbox(*st.engine->db, [&](const n::OutboxKey& key, std::string_view value) {
    if (key.due > now) {
      next = key.due;
      return false;
    }
    if (st.in_flight.count(key.id)) return true;
    due.emplace_back(key, std::string(value));
    return due.size() < free;
  });
  for (const auto& [key, value] : due) dispatch(self, key, value);
  if (next) arm(self, *next);
}

void mark_read(Self* self, NotificationRead& request) {
  auto& st = self->state;
  auto row = adapters::read_user_notification(*st.engine->db, request.user_id, request.id);
  if (!row) return request.reply(row.error());
  if (auto marking = st.marking.find(request.id); marking != st.marking.end()) {
    marking->second.push_back(std::move(request.reply));
    return;
  }
  if (row->is_read()) return request.reply(Answered{Outcome::kExisting, row->notification});
  const n::NotificationRow updated = n::mark_read(std::move(*row), st.engine->now());
  st.marking[request.id].push_back(std::move(request.reply));
  WriteBatch writes;
  writes.put(Table::kNotifications, request.id, n::encode(updated));
  commit(self, std::move(writes), [self, id = request.id, updated](const StoreReply& reply) {
    auto waiting = std::move(self->state.marking[id]);
    self->state.marking.erase(id);
    for (auto& answer : waiting) {
      if (reply.ok) {
        answer(Answered{Outcome::kApplied, updated.notification});
      } else {
        answer(reply.error);
      }
    }
  });
}

void redeliver(Self* self, NotificationRedeliver& request) {
  auto& st = self->state;
  if (!st.delivering)
    return request.reply(
        Error{ErrorCode::kInvalidRequest, "no notification webhook is configured"});
  if (!st.engine->db->get(Table::kNotificationDeadLetters, request.id))
    return request.reply(
        Error{ErrorCode::kNotFound, "no dead letter for notification \"" + request.id + "\""});
  WriteBatch writes;
  writes.erase(Table::kNotificationDeadLetters, request.id);
  writes.put(Table::kNotificationOutbox, n::outbox_key(0, request.id), n::encode(n::OutboxEntry{}));
  commit(self, std::move(writes),
         [self, id = request.id, reply = std::move(request.reply)](const StoreReply& stored) {
           if (!stored.ok) return reply(stored.error);
           adapters::log(LogLevel::kInfo, "notification.redeliver", {{"notificationId", id}});
           reply(Answered{Outcome::kApplied, json::object{{"id", id}, {"status", "pending"}}});
           fill(self);
         });
}

NotificationSenderActor::behavior_type sender_behavior(NotificationSenderActor::pointer,
                                                       adapters::WebhookClient client,
                                                       std::string secret,
                                                       std::chrono::milliseconds timeout) {
  return {
      [client = std::move(client), secret = std::move(secret), timeout](
          deliver_atom, const std::string& id, const std::string& body) -> std::string {
        const Status sent = adapters::post_signed(client, body, secret, system_now() / 1000,
                                                  timeout, {{"Settled-Notification-Id", id}});
        return sent.ok() ? std::string() : sent.error().message;
      },
  };
}

NotificationsActor::behavior_type notifications_behavior(Self* self, EnginePtr engine,
                                                         NotificationsOptions options) {
  auto& st = self->state;
  st.engine = std::move(engine);
  st.options = std::move(options);
  if (!st.options.webhook_url.empty()) {
    auto client = adapters::WebhookClient::create(st.options.webhook_url);
    if (client) {
      st.delivering = true;
      for (std::size_t i = 0; i < std::max<std::size_t>(st.options.concurrency, 1); ++i)
        st.senders.push_back(self->spawn<caf::detached + caf::linked>(
            sender_behavior, *client, st.options.webhook_secret, st.options.timeout));
      st.busy.assign(st.senders.size(), false);
    } else {
      adapters::log(LogLevel::kError, "notification.webhook_off",
                    {{"cause", client.error().message}});
    }
  }
  // Whatever was pending before this start.
  self->send(self, wake_atom::value);
  self->delayed_send(self, st.options.poll, tick_atom::value);
  return {
      [self](wake_atom) {
        if (self->state.armed && self->state.armed <= system_now()) self->state.armed = 0;
        guarded("fill", [&] { fill(self); });
      },
      [self](tick_atom) {
        self->delayed_send(self, self->state.options.poll, tick_atom::value);
        guarded("fill", [&] { fill(self); });
      },
      [self](mark_read_atom, NotificationRead& request) {
        guarded("mark_read", [&] { mark_read(self, request); });
      },
      [self](redeliver_atom, NotificationRedeliver& request) {
        guarded("redeliver", [&] { redeliver(self, request); });
      },
  };
}

}  // namespace

NotificationsActor spawn_notifications(caf::actor_system& system, EnginePtr engine,
                                       NotificationsOptions options) {
  return system.spawn(notifications_behavior, std::move(engine), std::move(options));
}

}  // namespace settled::actors
