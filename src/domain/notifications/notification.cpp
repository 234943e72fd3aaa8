#include "domain/notifications/notification.hpp"

#include "domain/digest.hpp"
#include "domain/json_append.hpp"
#include "domain/records/row_json.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <limits>

namespace settled::notifications {

namespace json = boost::json;

namespace {

constexpr std::string_view kIdPrefix = "ntf_";
constexpr std::size_t kIdHexDigits = 32;
constexpr std::size_t kIdBytes = 4 + kIdHexDigits;

void append_be64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

std::uint64_t read_be64(std::string_view bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

std::string string_field(const json::object& o, const char* name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Result<std::int64_t> int_field(const json::object& o, const char* name, std::string_view row) {
  const json::value* v = o.if_contains(name);
  if (!v || !v->is_int64()) return records::corrupt_row(row, std::string(name) + " is not an int");
  return v->as_int64();
}

}  // namespace

std::string notification_id(std::string_view idempotency_key) {
  return std::string(kIdPrefix) + sha256_hex(idempotency_key).substr(0, kIdHexDigits);
}

bool is_notification_id(std::string_view text) {
  if (text.size() != kIdBytes || text.substr(0, kIdPrefix.size()) != kIdPrefix) return false;
  return std::all_of(text.begin() + kIdPrefix.size(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string inbox_prefix(std::string_view user) {
  std::string key(user);
  key.push_back('\0');
  return key;
}

std::string inbox_key(std::string_view user, EpochMillis created_at, std::int64_t order,
                      std::string_view id) {
  std::string key = inbox_prefix(user);
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  // Inverted: LMDB keeps keys ascending, so the newest comes first in a forward scan.
  append_be64(key, kMax - static_cast<std::uint64_t>(std::max<EpochMillis>(created_at, 0)));
  append_be64(key, kMax - static_cast<std::uint64_t>(std::max<std::int64_t>(order, 0)));
  key.append(id);
  return key;
}

std::string id_of_inbox_key(std::string_view key) {
  if (key.size() < kIdBytes + 17) return {};
  return std::string(key.substr(key.size() - kIdBytes));
}

std::string outbox_key(EpochMillis due, std::string_view id) {
  std::string key;
  append_be64(key, static_cast<std::uint64_t>(std::max<EpochMillis>(due, 0)));
  key.append(id);
  return key;
}

std::optional<OutboxKey> parse_outbox_key(std::string_view key) {
  if (key.size() <= 8) return std::nullopt;
  return OutboxKey{static_cast<EpochMillis>(read_be64(key)), std::string(key.substr(8))};
}

std::string NotificationRow::id() const {
  return string_field(notification, "id");
}
std::string NotificationRow::user_id() const {
  return string_field(notification, "userId");
}
bool NotificationRow::is_read() const {
  const json::value* v = notification.if_contains("isRead");
  return v && v->is_bool() && v->as_bool();
}
std::string NotificationRow::inbox_key() const {
  return notifications::inbox_key(user_id(), created_at, order, id());
}

std::string encode(const NotificationRow& row) {
  // Written in place: wrapping the notification in an object first copied all of it.
  std::string out;
  out.reserve(128 + 32 * row.notification.size());
  JsonObjectWriter(out)
      .number("v", 1)
      .number("createdAtMillis", row.created_at)
      .number("order", row.order)
      .value("notification", row.notification)
      .close();
  return out;
}

Result<NotificationRow> decode_notification(std::string_view text) {
  constexpr std::string_view kRow = "notification row";
  auto object = records::read_row_object(text, kRow, 1);
  if (!object) return object.error();
  if (!object->contains("v")) return records::corrupt_row(kRow, "written before inboxes (no v)");
  NotificationRow row;
  auto created = int_field(*object, "createdAtMillis", kRow);
  if (!created) return created.error();
  auto order = int_field(*object, "order", kRow);
  if (!order) return order.error();
  json::value* notification = object->if_contains("notification");
  if (!notification || !notification->is_object())
    return records::corrupt_row(kRow, "notification is not an object");
  row.created_at = *created;
  row.order = *order;
  row.notification = std::move(notification->as_object());
  if (!is_notification_id(row.id()) || row.user_id().empty())
    return records::corrupt_row(kRow, "no id or userId");
  return row;
}

NotificationRow mark_read(NotificationRow row, EpochMillis now) {
  if (row.is_read()) return row;
  const std::string at = format_timestamp(now);
  row.notification["isRead"] = true;
  row.notification["readAt"] = at;
  row.notification["updatedAt"] = at;
  return row;
}

std::string encode(const OutboxEntry& entry) {
  json::object o{{"v", 1}, {"attempts", entry.attempts}};
  if (!entry.last_error.empty()) o["lastError"] = entry.last_error;
  if (entry.last_attempt_at) o["lastAttemptAt"] = format_timestamp(entry.last_attempt_at);
  return json_text(o);
}

Result<OutboxEntry> decode_outbox(std::string_view text) {
  constexpr std::string_view kRow = "notification outbox row";
  auto object = records::read_row_object(text, kRow, 1);
  if (!object) return object.error();
  auto attempts = int_field(*object, "attempts", kRow);
  if (!attempts) return attempts.error();
  OutboxEntry entry;
  entry.attempts = static_cast<int>(std::clamp<std::int64_t>(*attempts, 0, 1 << 20));
  entry.last_error = string_field(*object, "lastError");
  if (auto at = parse_timestamp(string_field(*object, "lastAttemptAt")))
    entry.last_attempt_at = *at;
  return entry;
}

json::object DeadLetter::to_json() const {
  return json::object{{"id", id},
                      {"userId", user_id},
                      {"attempts", attempts},
                      {"lastError", last_error},
                      {"deadAt", format_timestamp(dead_at)}};
}

std::string encode(const DeadLetter& letter) {
  json::object o = letter.to_json();
  o["v"] = 1;
  o["deadAtMillis"] = letter.dead_at;
  return json_text(o);
}

Result<DeadLetter> decode_dead_letter(std::string_view text) {
  constexpr std::string_view kRow = "notification dead letter";
  auto object = records::read_row_object(text, kRow, 1);
  if (!object) return object.error();
  DeadLetter letter;
  letter.id = string_field(*object, "id");
  letter.user_id = string_field(*object, "userId");
  letter.last_error = string_field(*object, "lastError");
  auto attempts = int_field(*object, "attempts", kRow);
  if (!attempts) return attempts.error();
  auto dead_at = int_field(*object, "deadAtMillis", kRow);
  if (!dead_at) return dead_at.error();
  letter.attempts = static_cast<int>(*attempts);
  letter.dead_at = *dead_at;
  if (!is_notification_id(letter.id)) return records::corrupt_row(kRow, "no id");
  return letter;
}

std::chrono::milliseconds retry_delay(int failed_attempts, std::chrono::milliseconds initial,
                                      std::chrono::milliseconds max) {
  // At most 2^24 times an initial backoff of at most 2^31 ms: no overflow.
  const int shift = std::clamp(failed_attempts - 1, 0, 24);
  const std::int64_t base = std::clamp<std::int64_t>(initial.count(), 1, std::int64_t{1} << 31);
  return std::min(std::chrono::milliseconds(base << shift), max);
}

FailedAttempt after_failure(const OutboxKey& key, const OutboxEntry& entry,
                            const std::string& user_id, const std::string& error, EpochMillis now,
                            const RetryPolicy& policy) {
  FailedAttempt out;
  out.attempts = entry.attempts + 1;
  out.writes.erase(Table::kNotificationOutbox, outbox_key(key.due, key.id));
  if (out.attempts >= policy.max_attempts) {
    out.dead = true;
    out.writes.put(Table::kNotificationDeadLetters, key.id,
                   encode(DeadLetter{key.id, user_id, out.attempts, error, now}));
    return out;
  }
  out.due = now + retry_delay(out.attempts, policy.initial_backoff, policy.max_backoff).count();
  out.writes.put(Table::kNotificationOutbox, outbox_key(out.due, key.id),
                 encode(OutboxEntry{out.attempts, error, now}));
  return out;
}

}  // namespace settled::notifications
