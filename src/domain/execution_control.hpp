#pragma once
// Operator actions on a stored execution (stop, redrive) as pure edits of its record, each with
// the write batch that makes the edit durable in one commit.

#include "domain/execution_record.hpp"
#include "domain/result.hpp"
#include "domain/write_batch.hpp"

#include <optional>
#include <string>

namespace settled {

// RUNNING -> ABORTED: stopDate, an "ExecutionAborted" history event, out of the open set.
Result<WriteBatch> abort_execution(ExecutionRecord& record, EpochMillis now, std::string error,
                                   std::string cause);

// RUNNING -> TIMED_OUT when the state machine's TimeoutSeconds has passed: error States.Timeout,
// an "ExecutionTimedOut" event, out of the open set.
Result<WriteBatch> time_out_execution(ExecutionRecord& record, EpochMillis now);

// The durable timers a running record has pending (its wait or retry, its deadline): a final
// transition erases them.
void erase_timers(const ExecutionRecord& record, WriteBatch& batch);

// FAILED, ABORTED or TIMED_OUT -> RUNNING at the state it ended in (phase kTask, retries reset),
// with an "ExecutionRedriven" event, back in the open set, as Step Functions redrives. The state
// keeps its entry number, so a task re-run by a redrive uses the same idempotency key as the
// attempt that ended. The state machine's TimeoutSeconds (`timeout_seconds`) starts again from
// `now` ("the state machine level timeout is reset to 0"): its timer row is in the batch, under
// timer_key(record.deadline, timer_kind::kTimeout, record.id).
Result<WriteBatch> redrive_execution(ExecutionRecord& record, EpochMillis now,
                                     std::optional<std::int64_t> timeout_seconds = std::nullopt);

}  // namespace settled
