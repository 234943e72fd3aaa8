// .waitForTaskToken: the task ran (it handed out the token); the state now waits for
// SendTaskSuccess/Failure, its TimeoutSeconds, or a missed HeartbeatSeconds. Owns the token's
// row (waiting, then succeeded/failed/timed out) and callbacks that arrive while the token is
// still being handed out.

#include "actors/execution/execution.hpp"

#include "domain/asl/errors.hpp"
#include "domain/identity/task_scope.hpp"
#include "domain/random_source.hpp"
#include "domain/storage_keys.hpp"

#include <cstdio>

namespace settled::actors::execution {

std::string Execution::new_task_token() {
  auto& random = system_random();
  char buffer[33];
  std::snprintf(buffer, sizeof buffer, "%016llx%016llx",
                static_cast<unsigned long long>(random.next_u64()),
                static_cast<unsigned long long>(random.next_u64()));
  return buffer;
}

std::string Execution::token_state(records::TokenState state) const {
  return records::encode(records::TaskTokenRow{rec_.id, state, required_scope_});
}

void Execution::await_callback(const asl::State& state, TaskOutcome submitted) {
  const EpochMillis now = engine_->now();
  add_task_event(now, "Submitted", state, state.resource,
                 json::object{{"output", json::serialize(submitted.result)}});
  pending_.append(std::move(submitted.writes));
  pending_.put(Table::kTaskTokens, rec_.task_token, token_state(records::TokenState::kWaiting));
  rec_.phase = Phase::kCallback;
  const std::int64_t timeout_seconds = submitted.callback_timeout_seconds > 0
                                           ? submitted.callback_timeout_seconds
                                           : task_timeout_seconds_.value_or(0);
  rec_.task_deadline = timeout_seconds ? now + timeout_seconds * 1000 : 0;
  rec_.due = next_callback_due(state, now);
  if (rec_.due) add_timer(rec_.due, timer_kind::kWake);
  commit_then([this] { passivate_while_waiting(); });
  // Callbacks that came while the task was still being handed out take effect now.
  auto early = std::move(early_callbacks_);
  early_callbacks_.clear();
  for (auto& cb : early) callback(cb);
}

// The earlier of the heartbeat deadline and the whole task's deadline; 0 if neither is set.
EpochMillis Execution::next_callback_due(const asl::State& state, EpochMillis now) const {
  EpochMillis due = rec_.task_deadline;
  if (state.heartbeat_seconds) {
    const EpochMillis beat = now + *state.heartbeat_seconds * 1000;
    due = due ? std::min(due, beat) : beat;
  }
  return due;
}

void Execution::reject_early_callbacks() {
  for (auto& cb : early_callbacks_)
    cb.reply(Error{ErrorCode::kTaskTimedOut,
                   "the task of execution " + rec_.id + " ended before it waited for this token"});
  early_callbacks_.clear();
}

void Execution::passivate_while_waiting() {
  if (rec_.phase != Phase::kCallback) return;  // a callback came while we committed
  if (engine_->timers && quiet()) {
    self_->quit();
  } else if (rec_.due) {
    schedule_wake();
  }
}

void Execution::callback(TaskCallback& cb) {
  if (handing_out_token_ && rec_.phase == Phase::kTask && !cb.token.empty() &&
      cb.token == rec_.task_token) {
    // The token went out (an events waiter, a remote call) before our wait was recorded.
    early_callbacks_.push_back(std::move(cb));
    return;
  }
  const asl::State* state = machine_->find(rec_.state);
  if (rec_.phase != Phase::kCallback || cb.token != rec_.task_token || !state) {
    cb.reply(Error{ErrorCode::kTaskTimedOut,
                   "execution " + rec_.id + " no longer waits for this task token"});
    return;
  }
  // The scope the task asked for: ours while this actor handed the token out, the row's (passed
  // on by the supervisor) after a passivation.
  const std::string scope = !required_scope_.empty() ? required_scope_ : cb.required_scope;
  if (auto forbidden = identity::check_scope(scope, cb.caller)) {
    cb.reply(std::move(*forbidden));
    return;
  }
  const EpochMillis now = engine_->now();
  if (cb.kind == TaskCallback::Kind::kHeartbeat) {
    const EpochMillis due = next_callback_due(*state, now);
    if (due != rec_.due) {
      if (rec_.due) pending_.erase(Table::kTimers, timer_key(rec_.due, timer_kind::kWake, rec_.id));
      rec_.due = due;
      if (rec_.due) add_timer(rec_.due, timer_kind::kWake);
    }
    replies_after_commit_.push_back(std::move(cb.reply));
    commit_then([this] { passivate_while_waiting(); });
    return;
  }
  if (rec_.due) pending_.erase(Table::kTimers, timer_key(rec_.due, timer_kind::kWake, rec_.id));
  const bool ok = cb.kind == TaskCallback::Kind::kSuccess;
  pending_.put(Table::kTaskTokens, rec_.task_token,
               token_state(ok ? records::TokenState::kSucceeded : records::TokenState::kFailed));
  pending_.append(std::move(cb.writes));
  replies_after_commit_.push_back(std::move(cb.reply));
  rec_.phase = Phase::kTask;
  rec_.due = 0;
  rec_.task_deadline = 0;
  if (ok) {
    json::value output = scope.empty()
                             ? std::move(cb.output)
                             : identity::answered_output(std::move(cb.output), cb.caller.identity);
    task_done(*state, TaskOutcome::success(std::move(output)), true);
  } else {
    task_failed(*state,
                TaskOutcome::failure(cb.error, scope.empty() ? cb.cause
                                                             : identity::answered_cause(
                                                                   cb.cause, cb.caller.identity)));
  }
}

void Execution::callback_timed_out() {
  const asl::State* state = current_state();
  if (!state) return;
  const bool heartbeat = rec_.task_deadline == 0 || rec_.due < rec_.task_deadline;
  pending_.put(Table::kTaskTokens, rec_.task_token, token_state(records::TokenState::kTimedOut));
  rec_.phase = Phase::kTask;
  rec_.due = 0;
  rec_.task_deadline = 0;
  task_failed(*state,
              TaskOutcome::failure(
                  std::string(asl::errors::kTimeout),
                  heartbeat ? "no heartbeat within HeartbeatSeconds (" +
                                  std::to_string(state->heartbeat_seconds.value_or(0)) + " s)"
                            : "the task token was not used within its TimeoutSeconds"));
}

}  // namespace settled::actors::execution
