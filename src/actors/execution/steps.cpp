// The steps of one execution: its start (fresh, resumed or as a branch), entering a state,
// acting on what the interpreter returns for it (next state, end, failure, Wait, Task,
// branches), its wake-ups, and its end. Owns the order of transitions; what a Task or a
// Parallel/Map state does is in tasks.cpp and branches.cpp, making each transition durable in
// commits.cpp.

#include "actors/execution/execution.hpp"

#include "adapters/ops/metrics.hpp"
#include "domain/asl/errors.hpp"
#include "domain/asl/variables.hpp"
#include "domain/json_append.hpp"
#include "domain/resources/builtin.hpp"
#include "domain/storage_keys.hpp"

namespace settled::actors::execution {

namespace {

// Pure states chained in one transition are committed at least this often, so a definition that
// loops through Pass/Choice states still makes progress durable.
constexpr std::size_t kEventsPerCheckpoint = 500;

// Waits at least this long passivate the execution (see wait_or_passivate).
constexpr EpochMillis kPassivateAfterMs = 2000;

}  // namespace

void Execution::begin() {
  begun_ = true;
  auto deferred = std::move(deferred_);
  deferred_.clear();
  begin_from_record();
  for (auto& work : deferred) work();
}

void Execution::begin_from_record() {
  if (fresh_) {
    std::string input_text = json_text(rec_.input);
    input_text_ = input_text;
    json::object details;
    details["input"] = input_text;
    // settled keeps no IAM role: the history reader names the daemon's (aws::role_arn) when the
    // history is read, so stored histories of every version show the same.
    details["roleArn"] = "";
    history_.add(rec_.start, "ExecutionStarted", std::move(details));
    adapters::Metrics::instance().execution_started(rec_.state_machine);
    pending_.put(Table::kOpenExecutions, rec_.id, "");
    pending_.put(Table::kRunnableExecutions, rec_.id, "");
    // ListExecutions lists a state machine's executions newest first (storage_keys.hpp).
    if (!rec_.is_branch()) {
      pending_.put(Table::kExecutionsByStart,
                   started_key(rec_.state_machine, rec_.start, rec_.name), "");
      // The supervisor saw no AWS child under this name; a child taking it since then makes
      // this first commit fail (commit_failed answers ExecutionAlreadyExists).
      pending_.expect(Table::kChildExecutions, rec_.id, std::nullopt);
    }
    if (machine_->timeout_seconds) {
      rec_.deadline = rec_.start + *machine_->timeout_seconds * 1000;
      add_timer(rec_.deadline, timer_kind::kTimeout);
    }
    enter(machine_->start_at, rec_.input, std::move(input_text));
  } else {
    open_mark_waits_ = waits_to_be_woken(rec_.phase);
    resume();
  }
}

// Timer fired for the wait or retry whose StateEntered event is `entered_event_id`.
void Execution::wake(std::int64_t entered_event_id) {
  if (entered_event_id != rec_.entered_event_id) return;  // stale
  if (rec_.phase == Phase::kRetryWait || rec_.phase == Phase::kWait ||
      rec_.phase == Phase::kCallback)
    pending_.erase(Table::kTimers, timer_key(rec_.due, timer_kind::kWake, rec_.id));
  if (rec_.phase == Phase::kCallback) {
    callback_timed_out();
  } else if (rec_.phase == Phase::kRetryWait) {
    rec_.phase = Phase::kTask;
    act();
  } else if (rec_.phase == Phase::kWait) {
    const asl::State* state = current_state();
    if (!state) return;
    handle(*state, asl::complete_wait(*state, rec_.wait_output));
  }
}

// After a failed commit: forget what was not durable and continue from LMDB.
void Execution::reload() {
  auto stored = engine_->db->get(Table::kExecutions, rec_.id);
  if (!stored) {
    self_->quit();
    return;
  }
  auto parsed = ExecutionRecord::parse(*stored, rec_.id);
  if (!parsed) {
    log(LogLevel::kError, "execution.corrupt", {{"cause", parsed.error().message}});
    self_->quit();
    return;
  }
  rec_ = std::move(*parsed);
  history_ = asl::HistoryBuilder(rec_.last_event_id, &chunk_sink_);
  chunk_.clear();
  // Event ids after the durable ones are written again: nothing may refer to the lost ones.
  payloads_written_ = records::PayloadDedup{};
  open_mark_waits_ = waits_to_be_woken(rec_.phase);
  pending_ = WriteBatch{};
  aborts_after_commit_.clear();
  timers_after_commit_.clear();
  resume();
}

void Execution::resume() {
  switch (rec_.phase) {
    case Phase::kTask:
      act();
      break;
    case Phase::kRetryWait:
    case Phase::kWait:
      schedule_wake();
      break;
    case Phase::kDone:
      if (quiet()) self_->quit();
      break;
    case Phase::kStart:
      start_branch_execution();
      break;
    case Phase::kBranches:
      resume_branches();
      break;
    case Phase::kCallback:
      // Rehydrated for a callback (which follows in the mailbox) or for its deadline.
      if (rec_.due) schedule_wake();
      break;
  }
}

// A branch execution written by its parent begins here, like a fresh start but without
// admission: its record is already durable.
void Execution::start_branch_execution() {
  json::object details;
  details["input"] = json_text(rec_.input);
  details["roleArn"] = "";  // named when read, as a top-level execution's (begin_from_record)
  details["parentExecutionId"] = rec_.parent_id;
  history_.add(rec_.start, "ExecutionStarted", std::move(details));
  // A child workflow is an execution of its own state machine, TimeoutSeconds included (a
  // Parallel branch or Map iteration has none of its own).
  if (!part_of_parent() && machine_->timeout_seconds) {
    rec_.deadline = rec_.start + *machine_->timeout_seconds * 1000;
    add_timer(rec_.deadline, timer_kind::kTimeout);
  }
  enter(machine_->start_at, rec_.input);
}

const asl::State* Execution::current_state() {
  const asl::State* state = machine_->find(rec_.state);
  if (!state) {
    finish_failed(std::string(asl::errors::kRuntime),
                  "state '" + rec_.state + "' is not in the state machine definition");
  }
  return state;
}

json::value Execution::context() const {
  const asl::State* state = machine_->find(rec_.state);
  // Most states never read $$: they get only their StateEntered event's id (for the
  // "(entered at the event id #N)" of a runtime error's cause).
  if (state && !state->uses_context)
    return asl::with_entered_event(json::value(), rec_.entered_event_id);
  asl::ContextFacts facts;
  // Inside a Parallel branch or Map iteration, $$.Execution is the execution it is part of (a
  // child workflow is an execution of its own, named as its record names it).
  const ExecutionRecord& execution = part_of_parent() ? root_execution() : rec_;
  facts.arns = engine_->aws_arns;
  facts.execution_id = execution.id;
  facts.execution_name = execution.name;
  facts.state_machine = execution.state_machine;
  if (state && state->uses_execution_input) facts.execution_input = &execution.input;
  if (state) facts.parts = state->context_parts;
  facts.execution_start = execution.start;
  facts.state_name = rec_.state;
  facts.state_entered = rec_.state_entered;
  facts.retry_count = rec_.retry_count;
  facts.task_token = rec_.task_token;
  facts.redrive_count = execution.redrive_count;
  facts.redrive_date = execution.redrive_date;
  json::value ctx = asl::make_context(facts);
  if (!rec_.variables.empty() || !rec_.outer_variables.empty())
    ctx = asl::with_variables(std::move(ctx), rec_.visible_variables());
  return asl::with_entered_event(std::move(ctx), rec_.entered_event_id);
}

// The execution this branch is part of: up its parents to the first that is not a Parallel
// branch or Map iteration (the top-level execution, or a child workflow), read once (each is
// durable before any of its branches exists).
const ExecutionRecord& Execution::root_execution() const {
  if (!root_) {
    std::string parent_id = rec_.parent_id;
    // A bound against a cycle in damaged records; nesting is far shallower.
    for (int depth = 0; depth < 1000 && !parent_id.empty(); ++depth) {
      auto stored = engine_->db->get(Table::kExecutions, parent_id);
      if (!stored) break;
      auto parsed = ExecutionRecord::parse(*stored, parent_id);
      if (!parsed) break;
      if (!parsed->is_branch() || parsed->scope.empty()) {
        root_ = std::move(*parsed);
        break;
      }
      parent_id = parsed->parent_id;
    }
    if (!root_) root_ = rec_;
  }
  return *root_;
}

std::string Execution::payment_id() const {
  const ExecutionRecord& execution = part_of_parent() ? root_execution() : rec_;
  if (execution.input.is_object()) {
    if (const json::value* p = execution.input.as_object().if_contains("paymentId");
        p && p->is_string())
      return std::string(p->as_string());
  }
  return rec_.name;
}

void Execution::log(LogLevel level, std::string_view event, json::object fields) const {
  fields["executionId"] = rec_.id;
  fields["paymentId"] = payment_id();
  adapters::log(level, event, std::move(fields));
}

void Execution::enter(const std::string& name, json::value input, std::string input_text) {
  const asl::State* state = machine_->find(name);
  if (!state) {
    finish_failed(std::string(asl::errors::kRuntime), "state '" + name + "' does not exist");
    return;
  }
  if (history_.last_id() >= engine_->history_limit) {
    finish_failed(std::string(asl::errors::kRuntime),
                  "the execution reached the history limit of " +
                      std::to_string(engine_->history_limit) + " events (history-limit)");
    return;
  }
  const EpochMillis now = engine_->now();
  rec_.state = name;
  rec_.state_input = std::move(input);
  rec_.state_entered = now;
  rec_.retrier_attempts.clear();
  rec_.retry_count = 0;
  rec_.phase = Phase::kTask;
  rec_.due = 0;
  rec_.wait_output = nullptr;
  rec_.task_token.clear();
  rec_.task_deadline = 0;
  reject_early_callbacks();
  if (input_text.empty()) input_text = json_text(rec_.state_input);
  state_input_text_ = input_text;
  rec_.entered_event_id = history_.add(now, asl::state_event_type(state->type, true),
                                       asl::state_details_text(name, input_text, true));
  adapters::Metrics::instance().state_transition(rec_.state_machine);
  if (chunk_.size() >= kEventsPerCheckpoint) {
    commit_then([this] { act(); });
    return;
  }
  act();
}

// Runs the current state from its input: pure states finish here, tasks are dispatched.
void Execution::act() {
  const asl::State* state = current_state();
  if (!state) return;
  // Each attempt of a .waitForTaskToken task hands out a fresh token ($$.Task.Token); it is
  // durable with the commit that schedules the task.
  if (state->type == asl::StateType::kTask && needs_task_token(state->resource) &&
      rec_.task_token.empty())
    rec_.task_token = new_task_token();
  handle(*state, asl::enter_state(*state, rec_.state_input, context()));
}

namespace {

// A StateExited event's details; like Step Functions' stateExitedEventDetails, the variables
// the state assigned are listed as JSON texts under "assignedVariables".
json::object exited_details(const std::string& name, std::string_view output_text,
                            const std::optional<json::object>& assigned) {
  json::object details = asl::state_details_text(name, output_text, false);
  if (assigned) {
    json::object texts;
    for (const auto& [variable, value] : *assigned) texts[variable] = json_text(value);
    details["assignedVariables"] = std::move(texts);
  }
  return details;
}

}  // namespace

// A state's Assign takes effect as it is left (or, for a Wait, as the wait begins): visible
// from the next state on, durable with the transition.
void Execution::assign_variables(std::optional<json::object> assigned) {
  if (!assigned) return;
  for (auto& [name, value] : *assigned) rec_.variables[name] = std::move(value);
}

void Execution::handle(const asl::State& state, asl::Step step) {
  const EpochMillis now = engine_->now();
  // The output's text is the next StateEntered's input (or ExecutionSucceeded's output) too.
  if (auto* go = std::get_if<asl::GoTo>(&step)) {
    std::string output_text =
        go->output_text.empty() ? json_text(go->output) : std::move(go->output_text);
    history_.add(now, asl::state_event_type(state.type, false),
                 exited_details(state.name, output_text, go->assigned));
    assign_variables(std::move(go->assigned));
    enter(go->next, std::move(go->output), std::move(output_text));
  } else if (auto* fin = std::get_if<asl::Finish>(&step)) {
    std::string output_text =
        fin->output_text.empty() ? json_text(fin->output) : std::move(fin->output_text);
    history_.add(now, asl::state_event_type(state.type, false),
                 exited_details(state.name, output_text, fin->assigned));
    assign_variables(std::move(fin->assigned));
    finish_succeeded(std::move(fin->output), std::move(output_text));
  } else if (auto* fail = std::get_if<asl::FailWith>(&step)) {
    finish_failed(std::move(fail->error), std::move(fail->cause));
  } else if (auto* wait = std::get_if<asl::WaitUntil>(&step)) {
    assign_variables(std::move(wait->assigned));
    rec_.phase = Phase::kWait;
    rec_.due = wait->due;
    rec_.wait_output = std::move(wait->output);
    add_timer(rec_.due, timer_kind::kWake);
    commit_then([this] { wait_or_passivate(); });
  } else if (auto* task = std::get_if<asl::RunTask>(&step)) {
    run_task(state, std::move(*task));
  } else if (auto* run = std::get_if<asl::RunBranches>(&step)) {
    start_branches(state, std::move(*run));
  } else if (auto* retry = std::get_if<asl::RetryAfter>(&step)) {
    // Only fail_task yields RetryAfter; handled in task_failed.
    (void)retry;
  }
}

void Execution::raise_alert(const std::string& source, json::object alert) {
  alert["executionId"] = rec_.id;
  alert["paymentId"] = payment_id();
  if (engine_->alerts) {
    self_->send(engine_->alerts, alert_atom::value, Alert{source, std::move(alert)});
  } else {
    adapters::Metrics::instance().alert(source);
  }
}

// A long wait holds no actor: the execution lives on in LMDB and the timer actor brings it
// back when the wait is over. A short one stays in memory, which is cheaper than a reload.
void Execution::wait_or_passivate() {
  if (!(rec_.phase == Phase::kWait || rec_.phase == Phase::kRetryWait)) return;  // moved on
  if (rec_.due - engine_->now() >= kPassivateAfterMs && engine_->timers && quiet()) {
    self_->quit();
    return;
  }
  schedule_wake();
}

void Execution::schedule_wake() {
  wake_at(self_, engine_->clock, engine_->now(), rec_.due, wake_atom::value, rec_.entered_event_id);
}

void Execution::finish_succeeded(json::value output, std::string output_text) {
  const EpochMillis now = engine_->now();
  json::object details;
  output_text_ = output_text.empty() ? json_text(output) : std::move(output_text);
  details["output"] = output_text_;
  history_.add(now, "ExecutionSucceeded", std::move(details));
  rec_.status = ExecutionStatus::kSucceeded;
  rec_.output = std::move(output);
  // A succeeded execution is never resumed or redriven: its cursor's payloads are not kept.
  rec_.state_input = nullptr;
  state_input_text_.clear();
  rec_.wait_output = nullptr;
  close(now);
}

void Execution::finish_failed(std::string error, std::string cause) {
  const EpochMillis now = engine_->now();
  json::object details;
  details["error"] = error;
  details["cause"] = cause;
  history_.add(now, "ExecutionFailed", std::move(details));
  rec_.status = ExecutionStatus::kFailed;
  rec_.error = std::move(error);
  rec_.cause = std::move(cause);
  close(now);
  log(LogLevel::kWarn, "execution.failed", {{"error", rec_.error}, {"cause", rec_.cause}});
}

void Execution::close(EpochMillis now) {
  if (rec_.deadline)
    pending_.erase(Table::kTimers, timer_key(rec_.deadline, timer_kind::kTimeout, rec_.id));
  rec_.stop = now;
  rec_.phase = Phase::kDone;
  rec_.due = 0;
  pending_.erase(Table::kOpenExecutions, rec_.id);
  pending_.erase(Table::kRunnableExecutions, rec_.id);
  // Branches go with their parent when retention expires it.
  if (!rec_.is_branch()) pending_.put(Table::kClosedExecutions, closed_key(now, rec_.id), "");
  commit_then([this] {
    if (rec_.is_branch()) {
      // The parent reads our durable record when it hears of this.
      self_->send(supervisor_, branch_done_atom::value, rec_.parent_id, rec_.id);
      self_->quit();
      return;
    }
    // A simulated clock has no periodic sweep: retention learns of the close here
    // (docs/clock.md).
    if (engine_->retention && engine_->clock && engine_->clock->is_simulated())
      self_->send(engine_->retention, expire_atom::value);
    // Counted once durable, so counters never run ahead of what a restart would show.
    adapters::Metrics::instance().execution_finished(
        rec_.state_machine, status_name(rec_.status),
        static_cast<double>(rec_.stop - rec_.start) / 1000.0);
    self_->quit();
  });
}

}  // namespace settled::actors::execution
