#include "domain/resources/notify.hpp"

#include <boost/json.hpp>

namespace settled {

namespace json = boost::json;

TaskOutcome run_notify_send(const TaskAttempt& attempt) {
  if (!attempt.parameters.is_object())
    return TaskOutcome::failure(kNotifyInvalidParameters, "parameters must be an object");
  const auto& p = attempt.parameters.as_object();
  const json::value* user = p.if_contains("user");
  const json::value* message = p.if_contains("message");
  if (!user || !user->is_string() || user->as_string().empty())
    return TaskOutcome::failure(kNotifyInvalidParameters,
                                "parameters.user must be a non-empty string");
  if (!message || !message->is_string())
    return TaskOutcome::failure(kNotifyInvalidParameters, "parameters.message must be a string");
  std::string channel = "default";
  if (const json::value* c = p.if_contains("channel")) {
    if (!c->is_string())
      return TaskOutcome::failure(kNotifyInvalidParameters, "parameters.channel must be a string");
    channel = std::string(c->as_string());
  }
  json::object stored = p;
  stored["notificationId"] = attempt.idempotency_key;
  stored["executionId"] = attempt.execution_id;
  stored["channel"] = channel;
  stored["createdAt"] = format_timestamp(attempt.now);
  WriteBatch writes;
  writes.put(Table::kNotifications, attempt.idempotency_key, json::serialize(stored));
  json::object result;
  result["notificationId"] = attempt.idempotency_key;
  result["user"] = *user;
  result["channel"] = channel;
  result["status"] = "RECORDED";
  return TaskOutcome::success(std::move(result), std::move(writes));
}

}  // namespace settled
