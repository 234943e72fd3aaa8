#include "domain/execution_control.hpp"

#include "domain/asl/history.hpp"
#include "domain/records/history_chunk.hpp"
#include "domain/records/task_token_row.hpp"
#include "domain/storage_keys.hpp"

#include <boost/json.hpp>

namespace settled {

namespace json = boost::json;

namespace {

WriteBatch persist(const ExecutionRecord& record, asl::HistoryBuilder& history) {
  WriteBatch batch;
  if (!history.events().empty())
    batch.put(Table::kHistory, history_key(record.id, history.events().front().at("id").as_int64()),
              records::encode(history.events()));
  batch.put(Table::kExecutions, record.id, json::serialize(record.to_json()));
  return batch;
}

}  // namespace

void erase_timers(const ExecutionRecord& record, WriteBatch& batch) {
  if ((record.phase == Phase::kWait || record.phase == Phase::kRetryWait ||
       record.phase == Phase::kCallback) &&
      record.due)
    batch.erase(Table::kTimers, timer_key(record.due, timer_kind::kWake, record.id));
  // A token whose execution ended can no longer be used.
  if (record.phase == Phase::kCallback && !record.task_token.empty())
    batch.put(
        Table::kTaskTokens, record.task_token,
        records::encode(records::TaskTokenRow{record.id, records::TokenState::kTimedOut, ""}));
  if (record.deadline)
    batch.erase(Table::kTimers, timer_key(record.deadline, timer_kind::kTimeout, record.id));
}

// RUNNING -> a final status, with its one history event, out of the open set and its timers.
static Result<WriteBatch> end_execution(ExecutionRecord& record, EpochMillis now,
                                        ExecutionStatus status, const char* event_type,
                                        std::string error, std::string cause) {
  if (record.status != ExecutionStatus::kRunning)
    return Error{ErrorCode::kInvalidRequest,
                 "execution " + record.id + " is not running (" + status_name(record.status) + ")"};
  asl::HistoryBuilder history(record.last_event_id);
  json::object details;
  details["error"] = error;
  details["cause"] = cause;
  history.add(now, event_type, std::move(details));
  WriteBatch timers;
  erase_timers(record, timers);
  record.status = status;
  if (!error.empty()) record.error = std::move(error);
  record.cause = std::move(cause);
  record.stop = now;
  record.phase = Phase::kDone;
  record.due = 0;
  record.last_event_id = history.last_id();
  WriteBatch batch = persist(record, history);
  batch.append(std::move(timers));
  batch.erase(Table::kOpenExecutions, record.id);
  batch.erase(Table::kRunnableExecutions, record.id);
  if (!record.is_branch()) batch.put(Table::kClosedExecutions, closed_key(now, record.id), "");
  return batch;
}

Result<WriteBatch> time_out_execution(ExecutionRecord& record, EpochMillis now) {
  // A redrive starts the TimeoutSeconds again.
  const EpochMillis since = record.redrive_count ? record.redrive_date : record.start;
  const std::string cause = "The execution ran longer than its TimeoutSeconds (" +
                            std::to_string((record.deadline - since) / 1000) + " s).";
  return end_execution(record, now, ExecutionStatus::kTimedOut, "ExecutionTimedOut",
                       "States.Timeout", cause);
}

Result<WriteBatch> abort_execution(ExecutionRecord& record, EpochMillis now, std::string error,
                                   std::string cause) {
  return end_execution(record, now, ExecutionStatus::kAborted, "ExecutionAborted", std::move(error),
                       std::move(cause));
}

Result<WriteBatch> redrive_execution(ExecutionRecord& record, EpochMillis now,
                                     std::optional<std::int64_t> timeout_seconds) {
  if (record.status != ExecutionStatus::kFailed && record.status != ExecutionStatus::kAborted &&
      record.status != ExecutionStatus::kTimedOut)
    return Error{ErrorCode::kInvalidRequest,
                 "only a FAILED, ABORTED or TIMED_OUT execution can be redriven; " + record.id +
                     " is " + status_name(record.status)};
  if (record.state.empty())
    return Error{ErrorCode::kInvalidRequest,
                 "execution " + record.id + " failed before entering a state; start it again"};
  WriteBatch reopened;
  // Open again: out of retention's index of closed executions (it would expire a running one).
  if (!record.is_branch())
    reopened.erase(Table::kClosedExecutions, closed_key(record.stop, record.id));
  asl::HistoryBuilder history(record.last_event_id);
  ++record.redrive_count;
  record.redrive_date = now;
  json::object details;
  details["state"] = record.state;
  details["redriveCount"] = record.redrive_count;  // AWS's executionRedrivenEventDetails
  history.add(now, "ExecutionRedriven", std::move(details));
  record.status = ExecutionStatus::kRunning;
  record.error.clear();
  record.cause.clear();
  record.stop = 0;
  record.phase = Phase::kTask;
  // It ended in a Parallel or Map state's branches (they started after the state was entered):
  // as Step Functions redrives, only the branches that did not succeed run again, so the state
  // resumes from its branches, which the execution reads back when it runs (an empty list).
  if (record.branches_event_id > record.entered_event_id) {
    record.phase = Phase::kBranches;
    record.branches.clear();
  }
  record.due = 0;
  record.retrier_attempts.clear();
  record.retry_count = 0;
  // A token given before the end was told it timed out: the task re-run gets a new one.
  record.task_token.clear();
  record.task_deadline = 0;
  record.deadline = timeout_seconds ? now + *timeout_seconds * 1000 : 0;
  record.last_event_id = history.last_id();
  WriteBatch batch = persist(record, history);
  batch.append(std::move(reopened));
  batch.put(Table::kOpenExecutions, record.id, "");
  batch.put(Table::kRunnableExecutions, record.id, "");
  if (record.deadline)
    batch.put(Table::kTimers, timer_key(record.deadline, timer_kind::kTimeout, record.id), "");
  return batch;
}

}  // namespace settled
