// Durability: everything a transition writes (history events, the execution record, timers,
// resource writes) goes to the store in one commit, and what must follow only a durable
// transition (the start's answer, timers, branch aborts, callback answers) waits for it here.
// A failed commit is retried from LMDB with a capped backoff.

#include "actors/execution/execution.hpp"

#include "domain/records/history_chunk.hpp"
#include "domain/storage_keys.hpp"

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>

namespace settled::actors::execution {

namespace {

// 1 s, 2 s, 4 s, ... up to 60 s between tries of a commit that failed.
// Doubling from 1 s to 60 s, each delay lengthened by up to a quarter, by an amount that
// differs between executions: the executions whose commits failed together (a full disk) do
// not all come back in the same instant once space returns.
std::chrono::milliseconds commit_retry_delay(int failures_before, const std::string& execution) {
  constexpr int kMaxShift = 6;  // 64 s, capped below
  const long long base = std::min(1000LL << std::min(failures_before, kMaxShift), 60000LL);
  const std::size_t spread =
      std::hash<std::string>{}(execution + "#" + std::to_string(failures_before)) % 1024;
  return std::chrono::milliseconds(base + base * static_cast<long long>(spread) / 4096);
}

}  // namespace

// A durable timer, written with the transition that needs it.
void Execution::add_timer(EpochMillis due, char kind) {
  std::string key = timer_key(due, kind, rec_.id);
  pending_.put(Table::kTimers, key, "");
  timers_after_commit_.push_back(std::move(key));
}

// Makes everything pending durable in one store commit, then continues with `next`.
void Execution::commit_then(std::function<void()> next) {
  ++commits_in_flight_;
  WriteBatch batch = std::move(pending_);
  pending_ = WriteBatch{};
  if (!chunk_.empty()) {
    // One value per transition: its events under the key of the first.
    const auto first = chunk_.first_id();
    batch.put(Table::kHistory, history_key(rec_.id, first), chunk_.take());
  }
  rec_.last_event_id = history_.last_id();
  // Recovery resumes what runs and leaves what waits to its timer or callback: say which, when
  // it changes, so a restart need not read every waiting execution's record.
  const bool waits = waits_to_be_woken(rec_.phase);
  if (rec_.phase != Phase::kDone && waits != open_mark_waits_) {
    if (waits)
      batch.erase(Table::kRunnableExecutions, rec_.id);
    else
      batch.put(Table::kRunnableExecutions, rec_.id, "");
    open_mark_waits_ = waits;
  }
  // While its task is in flight the record is replaced when the task answers: not worth
  // compressing (what waits or is final is).
  std::string record = rec_.serialize({input_text_, output_text_, state_input_text_});
  if (rec_.phase == Phase::kTask)
    batch.put_short_lived(Table::kExecutions, rec_.id, std::move(record));
  else
    batch.put(Table::kExecutions, rec_.id, std::move(record));
  // settled:notify.send queued a notification for the webhook: its actor sends it once durable.
  const bool notifies = std::any_of(batch.ops.begin(), batch.ops.end(), [](const WriteOp& op) {
    return op.table == Table::kNotificationOutbox && !op.erase;
  });
  self_->request(engine_->store, caf::infinite, commit_atom::value, std::move(batch))
      .then(
          [this, notifies, next = std::move(next)](StoreReply& reply) {
            --commits_in_flight_;
            if (reply.ok) {
              commit_failures_ = 0;
              if (notifies && engine_->notifications)
                self_->send(engine_->notifications, wake_atom::value);
              report_started();
              for (auto& id : aborts_after_commit_)
                self_->send(supervisor_, abort_branch_atom::value, std::move(id));
              aborts_after_commit_.clear();
              if (engine_->timers) {
                for (auto& key : timers_after_commit_)
                  self_->send(engine_->timers, timer_atom::value, std::move(key));
              }
              timers_after_commit_.clear();
              for (auto& answer : replies_after_commit_) answer(Answered{Outcome::kApplied, {}});
              replies_after_commit_.clear();
              next();
            } else {
              commit_failed(reply.error);
            }
          },
          [this](caf::error& err) {
            --commits_in_flight_;
            commit_failed(Error{ErrorCode::kStoreUnavailable, caf::to_string(err)});
          });
}

void Execution::commit_failed(const Error& error) {
  // Later chunks must not refer to payloads of the chunk that was not written.
  payloads_written_ = records::PayloadDedup{};
  for (auto& answer : replies_after_commit_) answer(error);
  replies_after_commit_.clear();
  if (fresh_ && !start_reported_) {
    // Nothing of this execution is durable: refuse the start, leave no trace. A child of an
    // AWS startExecution.sync task that took this name since the supervisor looked is the
    // start's answer in Step Functions' words.
    if (error.code == ErrorCode::kWriteConflict &&
        engine_->db->get(Table::kChildExecutions, rec_.id)) {
      refuse_start(Error{ErrorCode::kExecutionAlreadyExists,
                         "execution " + rec_.id + " already exists (a child execution)"});
      return;
    }
    refuse_start(error);
    return;
  }
  if (error.code == ErrorCode::kWriteConflict) {
    // Another execution changed an item this transition read (records.update): nothing of the
    // transition was written; resume from the last commit at once, which reads the item again.
    log(LogLevel::kInfo, "execution.write_conflict", {{"cause", error.message}});
    self_->send(self_, resume_atom::value);
    return;
  }
  // Capped exponential backoff: a full disk or a failing device is not helped by every
  // waiting execution retrying each second; the first commit after space returns resumes it.
  const auto delay = commit_retry_delay(commit_failures_++, rec_.id);
  log(LogLevel::kError, "execution.commit_failed",
      {{"error", std::string(error_name(error.code))},
       {"cause", error.message},
       {"retryInSeconds", static_cast<double>(delay.count()) / 1000.0}});
  self_->delayed_send(self_, delay, resume_atom::value);
}

void Execution::report_started() {
  if (!fresh_ || start_reported_) return;
  start_reported_ = true;
  StartResult result;
  result.body["executionId"] = rec_.id;
  result.body["status"] = status_name(rec_.status);
  result.body["startDate"] = format_timestamp(rec_.start);
  result.start = rec_.start;
  self_->send(supervisor_, started_atom::value, rec_.id, std::move(result));
}

void Execution::refuse_start(Error error) {
  start_reported_ = true;
  StartResult result;
  result.ok = false;
  result.error = std::move(error);
  self_->send(supervisor_, started_atom::value, rec_.id, std::move(result));
  self_->quit();
}

}  // namespace settled::actors::execution
