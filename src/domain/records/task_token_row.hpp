#pragma once
// The task-token row (Table::kTaskTokens): which execution a token belongs to and where its wait
// stands. Written by the execution (waiting, then succeeded / failed / timedOut), by the events
// actor (a waiter's token is live before its execution commits) and by stop/time-out; read by the
// supervisor when SendTaskSuccess/Failure/Heartbeat arrives. One codec for all of them.
//
// Encoding: {"v":1,"executionId":"...","state":"waiting","requiredScope"?:"admin"}; a row without
// "v" is version 1 (rows written before the field existed); "requiredScope" only when the task's
// Parameters asked for one (docs/identities.md): then only a caller with that scope answers it.

#include "domain/result.hpp"

#include <string>
#include <string_view>

namespace settled::records {

enum class TokenState { kWaiting, kSucceeded, kFailed, kTimedOut };

// "waiting", "succeeded", "failed", "timedOut": the words the row and the errors use.
std::string_view token_state_name(TokenState state);

struct TaskTokenRow {
  std::string execution_id;
  TokenState state = TokenState::kWaiting;
  std::string required_scope{};  // "" : anyone with access to /v1/tasks may answer

  bool operator==(const TaskTokenRow& other) const {
    return execution_id == other.execution_id && state == other.state &&
           required_scope == other.required_scope;
  }
};

std::string encode(const TaskTokenRow& row);

// RecordCorrupt (naming what is wrong) for a row that is not this shape; never throws.
Result<TaskTokenRow> decode_task_token_row(std::string_view text);

}  // namespace settled::records
