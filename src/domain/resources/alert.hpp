#pragma once
// settled:alert.raise — the seeds' SNS alert. Recorded durably (keyed by the idempotency key, so
// raised once per step entry); the engine also logs it and counts it.
//   {message, subject?, severity?: "info"|"warning"|"critical", ...} -> {alertId, severity, status:
//   "RAISED"}

#include "domain/resources/task_outcome.hpp"

namespace settled {

inline constexpr const char* kAlertInvalidParameters = "Alert.InvalidParameters";

TaskOutcome run_alert_raise(const TaskAttempt& attempt);

}  // namespace settled
