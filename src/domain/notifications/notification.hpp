#pragma once
// Notifications (docs/notifications.md): what settled:notify.send stores, a user's inbox index,
// the webhook's durable outbox and its dead letters. Pure: keys, row codecs and the retry
// policy; the store and the delivery actor do the I/O.
//
// Tables (domain/write_batch.hpp):
//   notifications             id -> NotificationRow {"v":1, "createdAtMillis", "order",
//                             "notification": {the seed's fields and settled's}}
//   notification_inbox        user + '\0' + be64(~createdAtMillis) + be64(~order) + id -> ""
//                             (a forward scan of a user's prefix is newest first)
//   notification_outbox       be64(due millis) + id -> OutboxEntry {"v":1, "attempts", ...}
//   notification_dead_letters id -> DeadLetter {"v":1, "id", "userId", "attempts", ...}

#include "domain/result.hpp"
#include "domain/time.hpp"
#include "domain/write_batch.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settled::notifications {

// Bounds on what a workflow (or a client, in a path) may give: a user id is part of an LMDB key
// (511 bytes at most) and of a URL path.
inline constexpr std::size_t kMaxUserIdBytes = 256;
inline constexpr std::size_t kMaxTypeBytes = 64;
inline constexpr std::size_t kMaxTitleBytes = 512;
inline constexpr std::size_t kMaxRelatedIdBytes = 256;

// "ntf_" + the first 32 hex digits of SHA-256(idempotency key): the same for every retry and
// replay of the step that sent it, and safe in a URL path (an idempotency key has '/').
std::string notification_id(std::string_view idempotency_key);
// Whether `text` has the shape of a notification id (ntf_ and 32 lower-case hex digits).
bool is_notification_id(std::string_view text);

// The inbox index key of a notification, and the prefix of a user's inbox.
std::string inbox_key(std::string_view user, EpochMillis created_at, std::int64_t order,
                      std::string_view id);
std::string inbox_prefix(std::string_view user);
// The notification id at the end of an inbox key ("" if the key is not one).
std::string id_of_inbox_key(std::string_view key);

// The outbox key: due time first, so the rows due soonest come first.
std::string outbox_key(EpochMillis due, std::string_view id);
struct OutboxKey {
  EpochMillis due = 0;
  std::string id;
};
std::optional<OutboxKey> parse_outbox_key(std::string_view key);

// The stored notification and what orders it in its user's inbox.
struct NotificationRow {
  EpochMillis created_at = 0;
  std::int64_t order = 0;  // the sending step's history event id: later steps sort first
  boost::json::object notification;

  std::string id() const;
  std::string user_id() const;
  bool is_read() const;
  std::string inbox_key() const;
};
std::string encode(const NotificationRow& row);
// RecordCorrupt when the row is not one (a row written before notifications had ids is one too:
// it has no "v").
Result<NotificationRow> decode_notification(std::string_view text);

// The row with isRead true, readAt and updatedAt `now`; unchanged when it was read already.
NotificationRow mark_read(NotificationRow row, EpochMillis now);

// A notification waiting for the webhook (or retrying).
struct OutboxEntry {
  int attempts = 0;  // made so far
  std::string last_error;
  EpochMillis last_attempt_at = 0;
};
std::string encode(const OutboxEntry& entry);
Result<OutboxEntry> decode_outbox(std::string_view text);

// A notification whose delivery gave up after its last attempt.
struct DeadLetter {
  std::string id;
  std::string user_id;
  int attempts = 0;
  std::string last_error;
  EpochMillis dead_at = 0;

  boost::json::object to_json() const;
};
std::string encode(const DeadLetter& letter);
Result<DeadLetter> decode_dead_letter(std::string_view text);

// Exponential backoff: `initial` after the first failed attempt, doubling, at most `max`.
std::chrono::milliseconds retry_delay(int failed_attempts, std::chrono::milliseconds initial,
                                      std::chrono::milliseconds max);

// What follows a failed attempt: the writes that retry it later (the row moved to its new due
// time) or, after the last attempt, move it to the dead letters.
struct FailedAttempt {
  WriteBatch writes;
  bool dead = false;
  EpochMillis due = 0;  // when retried
  int attempts = 0;     // made, this one included
};
struct RetryPolicy {
  int max_attempts = 8;
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{300000};
};
FailedAttempt after_failure(const OutboxKey& key, const OutboxEntry& entry,
                            const std::string& user_id, const std::string& error, EpochMillis now,
                            const RetryPolicy& policy);

}  // namespace settled::notifications
