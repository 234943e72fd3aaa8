#include "domain/resources/alert.hpp"

#include <boost/json.hpp>

namespace settled {

namespace json = boost::json;

TaskOutcome run_alert_raise(const TaskAttempt& attempt) {
  if (!attempt.parameters.is_object())
    return TaskOutcome::failure(kAlertInvalidParameters, "parameters must be an object");
  const auto& p = attempt.parameters.as_object();
  const json::value* message = p.if_contains("message");
  if (!message || !message->is_string())
    return TaskOutcome::failure(kAlertInvalidParameters, "parameters.message must be a string");
  std::string severity = "critical";
  if (const json::value* s = p.if_contains("severity")) {
    if (!s->is_string() ||
        (s->as_string() != "info" && s->as_string() != "warning" && s->as_string() != "critical"))
      return TaskOutcome::failure(
          kAlertInvalidParameters,
          "parameters.severity must be \"info\", \"warning\" or \"critical\"");
    severity = std::string(s->as_string());
  }
  json::object stored = p;
  stored["alertId"] = attempt.idempotency_key;
  stored["executionId"] = attempt.execution_id;
  stored["severity"] = severity;
  stored["raisedAt"] = format_timestamp(attempt.now);
  WriteBatch writes;
  writes.put(Table::kAlerts, attempt.idempotency_key, json::serialize(stored));
  json::object result;
  result["alertId"] = attempt.idempotency_key;
  result["severity"] = severity;
  result["status"] = "RAISED";
  result["message"] = *message;
  if (const json::value* subject = p.if_contains("subject")) result["subject"] = *subject;
  // What sns:publish carries (aws/sns_publish.hpp) goes with the alert to its webhook.
  for (const char* carried : {"topicArn", "attributes", "messageGroupId", "messageDeduplicationId"})
    if (const json::value* v = p.if_contains(carried)) result[carried] = *v;
  return TaskOutcome::success(std::move(result), std::move(writes));
}

}  // namespace settled
