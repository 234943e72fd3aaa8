#include "domain/resources/notify.hpp"

#include "domain/notifications/notification.hpp"
#include "domain/path_segment.hpp"

#include <boost/json.hpp>

namespace settled {

namespace json = boost::json;

namespace {

// An optional string parameter of at most `max` bytes: its value, "" when absent, or why not.
Result<std::string> optional_string(const json::object& p, const char* name, std::size_t max) {
  const json::value* v = p.if_contains(name);
  if (!v) return std::string();
  if (!v->is_string())
    return Error{ErrorCode::kInvalidRequest,
                 std::string("parameters.") + name + " must be a string"};
  if (v->as_string().size() > max)
    return Error{
        ErrorCode::kInvalidRequest,
        std::string("parameters.") + name + " must be at most " + std::to_string(max) + " bytes"};
  return std::string(v->as_string());
}

}  // namespace

TaskOutcome run_notify_send(const TaskAttempt& attempt) {
  namespace n = notifications;
  if (!attempt.parameters.is_object())
    return TaskOutcome::failure(kNotifyInvalidParameters, "parameters must be an object");
  const auto& p = attempt.parameters.as_object();
  const auto fail = [](const Error& e) {
    return TaskOutcome::failure(kNotifyInvalidParameters, e.message);
  };
  auto user = optional_string(p, "user", n::kMaxUserIdBytes);
  if (!user) return fail(user.error());
  auto user_id = optional_string(p, "userId", n::kMaxUserIdBytes);
  if (!user_id) return fail(user_id.error());
  if (!user->empty() && !user_id->empty() && *user != *user_id)
    return TaskOutcome::failure(kNotifyInvalidParameters,
                                "parameters.user and parameters.userId name different users");
  const std::string who = user->empty() ? *user_id : *user;
  if (who.empty())
    return TaskOutcome::failure(kNotifyInvalidParameters,
                                "parameters.user (or userId) must be a non-empty string");
  // The inbox is keyed user + NUL + order: a user holding a NUL would list inside another
  // user's inbox ("c" would read "c\0x"'s), and one a path segment cannot carry could never be
  // read by GET /v1/users/{user}/notifications. Such a user is refused where it enters.
  if (const SegmentProblem problem = segment_problem(who); problem != SegmentProblem::kNone)
    return TaskOutcome::failure(
        kNotifyInvalidParameters,
        "parameters.user (or userId) must be text a request path can name; it has " +
            std::string(describe(problem)));
  const json::value* message = p.if_contains("message");
  if (!message || !message->is_string())
    return TaskOutcome::failure(kNotifyInvalidParameters, "parameters.message must be a string");
  std::string channel = "default";
  if (const json::value* c = p.if_contains("channel")) {
    if (!c->is_string())
      return TaskOutcome::failure(kNotifyInvalidParameters, "parameters.channel must be a string");
    channel = std::string(c->as_string());
  }
  auto type = optional_string(p, "type", n::kMaxTypeBytes);
  if (!type) return fail(type.error());
  auto title = optional_string(p, "title", n::kMaxTitleBytes);
  if (!title) return fail(title.error());
  auto related = optional_string(p, "relatedId", n::kMaxRelatedIdBytes);
  if (!related) return fail(related.error());
  if (title->empty()) {
    // settled's workflows name it subject.
    if (const json::value* s = p.if_contains("subject"); s && s->is_string())
      title = std::string(s->as_string()).substr(0, n::kMaxTitleBytes);
  }

  const std::string id = n::notification_id(attempt.idempotency_key);
  const std::string at = format_timestamp(attempt.now);
  n::NotificationRow row;
  row.created_at = attempt.now;
  row.order = attempt.entered_event_id;
  row.notification = p;
  json::object& stored = row.notification;
  stored.reserve(stored.size() + 12);  // the members below: one rehash, not one per few
  stored["id"] = id;
  stored["user"] = who;
  stored["userId"] = who;
  stored["type"] = type->empty() ? "GENERAL" : *type;
  stored["title"] = *title;
  stored["isRead"] = false;
  stored["relatedId"] = related->empty() ? json::value(nullptr) : json::value(*related);
  stored["notificationId"] = attempt.idempotency_key;
  stored["executionId"] = attempt.execution_id;
  stored["channel"] = channel;
  stored["createdAt"] = at;
  stored["updatedAt"] = at;

  WriteBatch writes;
  writes.put(Table::kNotifications, id, n::encode(row));
  writes.put(Table::kNotificationInbox, row.inbox_key(), "");
  // Delivered by the notifications actor (or dropped by it when no webhook is configured).
  writes.put(Table::kNotificationOutbox, n::outbox_key(0, id), n::encode(n::OutboxEntry{}));
  json::object result(6);
  result["notificationId"] = attempt.idempotency_key;
  result["id"] = id;
  result["user"] = who;
  result["userId"] = who;
  result["channel"] = channel;
  result["status"] = "RECORDED";
  return TaskOutcome::success(std::move(result), std::move(writes));
}

}  // namespace settled
