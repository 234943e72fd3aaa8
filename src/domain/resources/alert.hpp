#pragma once
// settled:alert.raise — the seeds' SNS alert. Recorded durably (keyed by the idempotency key, so
// raised once per step entry); the engine also logs it and counts it.
//   {message, subject?, severity?: "info"|"warning"|"critical", ...} -> {alertId, severity, status:
//   "RAISED", message, subject?} plus, when given, what sns:publish carries (topicArn,
//   attributes, messageGroupId, messageDeduplicationId; docs/aws-resources.md)

#include "domain/resources/task_outcome.hpp"

namespace settled {

inline constexpr const char* kAlertInvalidParameters = "Alert.InvalidParameters";

TaskOutcome run_alert_raise(const TaskAttempt& attempt);

}  // namespace settled
