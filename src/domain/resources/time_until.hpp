#pragma once
// settled:time.until — how long until a calendar time, on the business clock, for workflows
// whose waits are set by dates in their input (a contract's renewal notice 30 days before its
// end date). ASL's intrinsics have no date arithmetic and a Wait cannot race an event, so a
// workflow asks this and waits for its event with timeoutSeconds set from the answer.
//   {timestamp: RFC 3339, offsetSeconds?: integer} ->
//   {at: RFC 3339 (timestamp + offset, UTC), atMillis, seconds: whole seconds from now to `at`
//    (0 once due), due: bool, waitSeconds: seconds clamped to 1..31536000 (events.waitFor's
//    timeoutSeconds range: a later `at` is waited for in several turns)}
// A pure function of its parameters and the attempt's time: replays answer the same.

#include "domain/resources/task_outcome.hpp"

namespace settled {

inline constexpr const char* kTimeInvalidParameters = "Time.InvalidParameters";

TaskOutcome run_time_until(const TaskAttempt& attempt);

}  // namespace settled
