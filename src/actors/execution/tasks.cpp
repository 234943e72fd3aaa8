// Task states: one attempt of a resource (inline, a record read, a remote call, the ledger,
// the ledger's reconciliation, the events actor, a test case's mock, or a child workflow), its
// outcome, and Retry/Catch when it fails. An attempt that hands out a task token goes on in
// callbacks.cpp.

#include "actors/execution/execution.hpp"

#include "actors/mock_tasks_actor.hpp"
#include "actors/reconcile_worker.hpp"
#include "adapters/ops/metrics.hpp"
#include "domain/asl/errors.hpp"
#include "domain/identity/task_scope.hpp"
#include "domain/json_append.hpp"
#include "domain/json_limits.hpp"
#include "domain/resources/aws_resources.hpp"
#include "domain/resources/aws_task_events.hpp"
#include "domain/resources/builtin.hpp"
#include "domain/resources/records.hpp"
#include "domain/resources/records_update.hpp"
#include "domain/storage_keys.hpp"
#include "domain/stripe/unknown_outcome.hpp"
#include "domain/stripe/webhook_reconciliation.hpp"
#include "domain/veriff/veriff_calls.hpp"

#include <algorithm>
#include <random>

namespace settled::actors::execution {

void Execution::run_task(const asl::State& state, asl::RunTask task) {
  const EpochMillis now = engine_->now();
  TaskAttempt attempt;
  attempt.resource = base_resource(task.resource);
  attempt.task_token = rec_.task_token;
  handing_out_token_ = !rec_.task_token.empty();
  attempt.parameters = std::move(task.parameters);
  // The interpreter's text of the parameters, for TaskScheduled, unless the scope is taken out.
  std::string parameters_text = std::move(task.parameters_text);
  required_scope_.clear();
  if (waits_for_task_token(state.resource)) {
    parameters_text.clear();
    auto scope = identity::take_required_scope(attempt.parameters);
    if (!scope) {
      task_failed(state, TaskOutcome::failure(std::string(asl::errors::kTaskFailed),
                                              scope.error().message));
      return;
    }
    required_scope_ = std::move(*scope);
  }
  attempt.idempotency_key = rec_.idempotency_key();
  attempt.execution_id = rec_.id;
  attempt.state_name = rec_.state;
  attempt.now = now;
  attempt.key_first_used = rec_.state_entered;
  attempt.entered_event_id = rec_.entered_event_id;
  task_timeout_seconds_ = task.timeout_seconds ? task.timeout_seconds : state.timeout_seconds;

  if (mocked(state)) {
    // Test mode: the test case answers this state; its resource does not run.
    record_task_started(state, attempt, now, std::move(parameters_text));
    commit_then([this] { call_mock(); });
    return;
  }
  if (aws::is_aws_resource(attempt.resource)) {
    // An AWS ARN runs as its built-in (docs/aws-resources.md); the attempt, its history and
    // Retry/Catch are the built-in's, and task_done gives its result AWS's shape.
    aws_parameters_ = attempt.parameters;
    auto call = aws::to_builtin(*engine_->aws_resources, attempt.resource, attempt.parameters);
    if (auto* refused = std::get_if<TaskOutcome>(&call)) {
      task_failed(state, std::move(*refused));
      return;
    }
    auto& builtin = std::get<aws::BuiltinCall>(call);
    attempt.resource = std::move(builtin.resource);
    attempt.parameters = std::move(builtin.parameters);
  }
  builtin_resource_ = attempt.resource;
  auto info = find_resource(attempt.resource);
  if (!info) {
    task_failed(state, TaskOutcome::failure(std::string(asl::errors::kTaskFailed),
                                            "unknown resource " + attempt.resource));
    return;
  }
  if (fresh_ && !start_reported_ && info->admission_check) {
    if (auto refusal = check_admission(attempt)) {
      refuse_start(std::move(*refusal));
      return;
    }
  }
  // The text is of the parameters as the state gave them: what TaskScheduled shows, for an AWS
  // ARN too (the built-in's translation is not shown).
  record_task_started(state, attempt, now, std::move(parameters_text));

  switch (info->kind) {
    case ResourceKind::kInline:
      task_done(state, run_inline_resource(attempt));
      break;
    case ResourceKind::kRead:
      commit_then([this, attempt = std::move(attempt)] {
        const asl::State* s = current_state();
        if (!s) return;
        if (attempt.resource == "settled:webhooks.check")
          task_done(*s, check_webhooks(attempt));
        else if (attempt.resource == "settled:records.update" ||
                 attempt.resource == "settled:records.delete")
          task_done(*s, write_record(attempt));
        else
          task_done(*s, read_record(attempt));
      });
      break;
    case ResourceKind::kChildExecution:
      start_child_execution(state, std::move(attempt));
      break;
    case ResourceKind::kRemote:
    case ResourceKind::kLedger:
    case ResourceKind::kEvents:
    case ResourceKind::kReconcile:
      commit_then(
          [this, attempt = std::move(attempt)]() mutable { call_remote(std::move(attempt)); });
      break;
  }
}

void Execution::record_task_started(const asl::State& state, const TaskAttempt& attempt,
                                    EpochMillis now, std::string parameters_text) {
  // An AWS ARN that ran as a built-in shows the Parameters it was given, as AWS shows them, not
  // the built-in's translation.
  const bool translated =
      aws::is_aws_resource(state.resource) && !aws::is_aws_resource(attempt.resource);
  if (parameters_text.empty())
    parameters_text = json_text(translated ? aws_parameters_ : attempt.parameters);
  json::object scheduled{{"parameters", std::move(parameters_text)}};
  if (task_timeout_seconds_) scheduled["timeoutInSeconds"] = *task_timeout_seconds_;
  add_task_event(now, "Scheduled", state, attempt.resource, std::move(scheduled));
  add_task_event(now, "Started", state, attempt.resource, {});
}

std::int64_t Execution::add_task_event(EpochMillis now, std::string_view kind,
                                       const asl::State& state, const std::string& own,
                                       json::object fields) {
  auto aws_event = aws::aws_task_event(state.resource, kind);
  if (!aws_event) {
    json::object details = asl::task_details(own);
    details.reserve(details.size() + fields.size());
    for (auto& field : fields) details[field.key()] = std::move(field.value());
    return history_.add(now, "Task" + std::string(kind), std::move(details));
  }
  json::object details = std::move(aws_event->details);
  for (auto& field : fields) {
    const bool payload = field.key() == "parameters";
    details[payload ? aws_event->payload_field : field.key()] = std::move(field.value());
  }
  return history_.add(now, aws_event->type, std::move(details));
}

// Whether the execution's test case (mock-config) answers this state.
bool Execution::mocked(const asl::State& state) const {
  return engine_->mock && !rec_.test_case.empty() &&
         engine_->mock->answer(rec_.state_machine, rec_.test_case, state.name, 0).has_value();
}

// Asks the mock actor, which numbers the invocations of each state across the whole
// execution (its branches included), like a remote call: after the scheduling commit.
void Execution::call_mock() {
  const asl::State* state = current_state();
  if (!state) return;
  const std::int64_t entered = rec_.entered_event_id;
  const std::int64_t retry = rec_.retry_count;
  MockCall call{rec_.id.substr(0, rec_.id.find('~')), rec_.state_machine, rec_.test_case,
                state->name};
  const std::uint64_t deadline = await_call(std::chrono::seconds(60));
  self_->request(engine_->mock_tasks, caf::infinite, mock_atom::value, std::move(call))
      .then(
          [this, entered, retry, deadline](TaskOutcome& outcome) {
            if (!answered(deadline)) return;
            if (entered != rec_.entered_event_id || retry != rec_.retry_count) return;
            outcome.mocked = true;
            if (const asl::State* s = current_state()) task_done(*s, std::move(outcome));
          },
          [this, entered, retry, deadline](caf::error& err) {
            if (!answered(deadline)) return;
            if (entered != rec_.entered_event_id || retry != rec_.retry_count) return;
            if (const asl::State* s = current_state())
              task_done(*s, TaskOutcome::failure(std::string(asl::errors::kTaskFailed),
                                                 "mocked task failed: " + caf::to_string(err)));
          });
}

TaskOutcome Execution::read_record(const TaskAttempt& attempt) {
  auto address = records_address(attempt.parameters);
  if (!address) return TaskOutcome::failure(kRecordsInvalidParameters, address.error().message);
  auto stored = engine_->db->get(Table::kRecords, record_key(address->collection, address->key));
  if (!stored)
    return TaskOutcome::failure(
        kRecordsNotFound,
        "no record '" + address->key + "' in collection '" + address->collection + "'");
  auto value = parse_stored_json(
      *stored, "record '" + address->key + "' in collection '" + address->collection + "'");
  if (!value) return TaskOutcome::failure(kRecordsCorrupt, value.error().message);
  return TaskOutcome::success(std::move(*value));
}

// settled:records.update / records.delete: the record as committed, changed by the domain; the
// write commits with the transition that records the task's success (task_done), so an attempt
// that did not commit leaves the record as it was and its retry starts from what is stored. As
// DynamoDB serialises writes to one item, two executions updating it at once both apply: the
// commit checks the item is unchanged since it was read, and the later one reads again.
TaskOutcome Execution::write_record(const TaskAttempt& attempt) {
  auto address = records_address(attempt.parameters);
  if (!address) return TaskOutcome::failure(kRecordsInvalidParameters, address.error().message);
  auto stored = engine_->db->get(Table::kRecords, record_key(address->collection, address->key));
  std::optional<json::value> value;
  if (stored) {
    auto parsed = parse_stored_json(
        *stored, "record '" + address->key + "' in collection '" + address->collection + "'");
    if (!parsed) return TaskOutcome::failure(kRecordsCorrupt, parsed.error().message);
    value = std::move(*parsed);
  }
  const json::value* current = value ? &*value : nullptr;
  TaskOutcome outcome = attempt.resource == "settled:records.update"
                            ? run_records_update(attempt, current)
                            : run_records_delete(attempt, current);
  // The write commits only if the item is still what was read: another execution's update in
  // between makes the commit fail with kWriteConflict, and this one reads again (commit_failed).
  if (!outcome.writes.empty())
    outcome.writes.expect(Table::kRecords, record_key(address->collection, address->key),
                          std::move(stored));
  return outcome;
}

// settled:webhooks.check: which events of an events.list page are not in stripe_events.
TaskOutcome Execution::check_webhooks(const TaskAttempt& attempt) {
  auto checked = stripe::check_listed_events(attempt.parameters, [this](std::string_view id) {
    return engine_->db->get(Table::kStripeEvents, id).has_value();
  });
  if (!checked)
    return TaskOutcome::failure(stripe::kWebhooksInvalidParameters, checked.error().message);
  return TaskOutcome::success(std::move(*checked));
}

void Execution::call_remote(TaskAttempt attempt) {
  const asl::State* state = current_state();
  if (!state) return;
  const auto timeout = task_timeout_seconds_ ? std::chrono::seconds(*task_timeout_seconds_)
                                             : engine_->default_task_timeout;
  const std::int64_t entered = rec_.entered_event_id;
  const std::int64_t retry = rec_.retry_count;
  // settled:ledger.* go to the accounts router, which answers after its own commit.
  const auto kind = find_resource(attempt.resource)->kind;
  if (attempt.resource == aws::kHttpInvoke && !engine_->http_invoke) {
    task_done(*state, TaskOutcome::failure("Lambda.ResourceNotFoundException",
                                           "no resource-map entry maps a function to a URL"));
    return;
  }
  stripe_attempt_.reset();
  if (kind == ResourceKind::kRemote && !attempt.resolve_only &&
      attempt.resource.rfind("settled:stripe.", 0) == 0)
    stripe_attempt_ = attempt;
  // The call's deadline is kept by engine_->task_deadlines (call_overdue), not by CAF. A ledger
  // operation has none: the accounts router answers each one after its commit (or says its
  // outcome is unknown when its account actor crashed), and a task given up on while its operation
  // waits in the router would see it commit later, applied although the workflow went on as if it
  // had not (docs/ledger.md).
  const std::uint64_t deadline =
      await_call(kind == ResourceKind::kLedger ? std::nullopt : std::optional(timeout));
  constexpr auto kNoCafTimeout = caf::infinite;
  auto pending =
      kind == ResourceKind::kLedger
          ? self_->request(engine_->ledger, kNoCafTimeout, ledger_atom::value, std::move(attempt))
      : kind == ResourceKind::kEvents
          ? self_->request(engine_->events, kNoCafTimeout, events_atom::value, std::move(attempt))
      // settled:ledger.reconcile reads the whole ledger on a worker thread of its own.
      : kind == ResourceKind::kReconcile
          ? self_->request(spawn_reconcile_worker(self_->system(), engine_->db), kNoCafTimeout,
                           charge_atom::value, std::move(attempt))
      // Lambda functions mapped to URLs (docs/aws-resources.md).
      : attempt.resource == aws::kHttpInvoke
          ? self_->request(engine_->http_invoke, kNoCafTimeout, charge_atom::value,
                           std::move(attempt))
      // settled:veriff.* to the Veriff simulator (docs/veriff.md); the rest to Stripe.
      : veriff::is_veriff_call(attempt.resource)
          ? self_->request(engine_->veriff, kNoCafTimeout, charge_atom::value, std::move(attempt))
          : self_->request(engine_->stripe, kNoCafTimeout, charge_atom::value, std::move(attempt));
  pending.then(
      [this, entered, retry, deadline](TaskOutcome& outcome) {
        if (!answered(deadline)) return;
        if (entered != rec_.entered_event_id || retry != rec_.retry_count) return;
        if (const asl::State* s = current_state()) task_done(*s, std::move(outcome));
      },
      [this, entered, retry, deadline](caf::error& err) {
        if (!answered(deadline)) return;
        if (entered != rec_.entered_event_id || retry != rec_.retry_count) return;
        if (const asl::State* s = current_state())
          task_done(*s, TaskOutcome::failure(std::string(asl::errors::kTaskFailed),
                                             "task worker failed: " + caf::to_string(err)));
      });
}

// Arms the deadline of the call about to go out: one call is out at a time, and an answer or
// a deadline that is not the current call's is ignored.
std::uint64_t Execution::await_call(std::optional<std::chrono::seconds> timeout) {
  engine_->task_deadlines->disarm(call_deadline_);
  call_deadline_ =
      timeout ? engine_->task_deadlines->arm(self_->clock().now() + *timeout, self_->address())
              : engine_->task_deadlines->untimed();
  call_timeout_ = timeout.value_or(std::chrono::seconds{0});
  call_entered_ = rec_.entered_event_id;
  call_retry_ = rec_.retry_count;
  return call_deadline_.id;
}

// Whether `call` is the call out (then it is no longer out), or one given up on already.
bool Execution::answered(std::uint64_t call) {
  if (call == 0 || call != call_deadline_.id) return false;
  engine_->task_deadlines->disarm(call_deadline_);
  call_deadline_ = {};
  return true;
}

void Execution::call_overdue(std::uint64_t call) {
  if (call == 0 || call != call_deadline_.id) return;
  call_deadline_ = {};  // the sweeper took it; its answer, if it comes, is ignored
  if (call_entered_ != rec_.entered_event_id || call_retry_ != rec_.retry_count) return;
  if (const asl::State* s = current_state()) {
    // Only this timeout (the call out past its deadline) leaves a call's outcome unknown, not a
    // heartbeat's or a callback's States.Timeout (task_failed).
    call_overdue_ = true;
    task_done(*s, TaskOutcome::failure(std::string(asl::errors::kTimeout),
                                       "Task timed out after " +
                                           std::to_string(call_timeout_.count()) + " seconds"));
    call_overdue_ = false;
  }
}

Execution::~Execution() {
  // An execution stopped with a call out: its deadline has nobody left to tell.
  engine_->task_deadlines->disarm(call_deadline_);
}

void Execution::task_done(const asl::State& state, TaskOutcome outcome, bool from_callback) {
  // A Stripe call that answered is settled: a later state's failure must not look it up.
  if (outcome.ok) stripe_attempt_.reset();
  if (!from_callback) {
    // The hand-out is over: a callback that came early takes effect only if the state now
    // waits; otherwise it is answered here (unanswered, its sender would wait forever).
    handing_out_token_ = false;
    const bool waits = outcome.ok && !outcome.mocked &&
                       (waits_for_task_token(state.resource) || outcome.awaits_callback);
    if (!waits) reject_early_callbacks();
  }
  adapters::Metrics::instance().task_attempt(state.resource,
                                             outcome.ok                               ? "succeeded"
                                             : outcome.error == asl::errors::kTimeout ? "timed_out"
                                                                                      : "failed");
  const bool aws_call = !from_callback && !outcome.mocked && aws::is_aws_resource(state.resource);
  if (outcome.ok && (state.resource == "settled:alert.raise" ||
                     (aws_call && builtin_resource_ == "settled:alert.raise"))) {
    // Raised once per step entry: the durable record is keyed by the idempotency key.
    raise_alert("workflow", outcome.result.as_object());
  }
  if (aws_call)
    outcome =
        aws::from_builtin(base_resource(state.resource), std::move(outcome), rec_.idempotency_key(),
                          aws_parameters_, engine_->now(), engine_->aws_arns);
  if (!outcome.ok) {
    task_failed(state, std::move(outcome));
    return;
  }
  if (!from_callback && !outcome.mocked &&
      (waits_for_task_token(state.resource) || outcome.awaits_callback)) {
    await_callback(state, std::move(outcome));
    return;
  }
  const EpochMillis now = engine_->now();
  // The resource's own text of its result when it has one (an AWS form replaced the result).
  std::string output_text = outcome.result_text.empty() || aws_call
                                ? json_text(outcome.result)
                                : std::move(outcome.result_text);
  const std::size_t result_bytes = output_text.size();
  add_task_event(now, "Succeeded", state, state.resource,
                 json::object{{"output", std::move(output_text)}});
  if (!engine_->notification_webhook) {
    auto& ops = outcome.writes.ops;
    ops.erase(std::remove_if(ops.begin(), ops.end(),
                             [](const WriteOp& op) {
                               return op.table == Table::kNotificationOutbox && !op.erase;
                             }),
              ops.end());
  }
  pending_.append(std::move(outcome.writes));
  asl::Step step = asl::complete_task(state, rec_.state_input, std::move(outcome.result), context(),
                                      result_bytes);
  if (auto* fail = std::get_if<asl::FailWith>(&step);
      fail && fail->error == asl::errors::kReferencePathConflict) {
    fail_through_handlers(state, fail->error, fail->cause);
    return;
  }
  handle(state, std::move(step));
}

void Execution::task_failed(const asl::State& state, TaskOutcome outcome) {
  const EpochMillis now = engine_->now();
  add_task_event(now, outcome.error == asl::errors::kTimeout ? "TimedOut" : "Failed", state,
                 state.resource, json::object{{"error", outcome.error}, {"cause", outcome.cause}});
  log(LogLevel::kWarn, "task.failed",
      {{"state", state.name},
       {"resource", state.resource},
       {"error", outcome.error},
       {"cause", outcome.cause},
       {"retryCount", rec_.retry_count}});
  // A Stripe call past its TimeoutSeconds is as unknown as one Stripe.Unknown names: it may
  // have reached Stripe and charged (also when the client died with it: no answer comes).
  const bool unknown = outcome.error == stripe::kUnknownOutcomeError ||
                       (outcome.error == asl::errors::kTimeout && call_overdue_);
  if (unknown && stripe_attempt_ && !will_retry(state, outcome.error)) {
    // Before giving up on an unknown outcome, ask Stripe what really happened: the answer
    // (the object, a decline, or "never executed") is what the workflow's handlers see.
    TaskAttempt resolve = std::move(*stripe_attempt_);
    stripe_attempt_.reset();
    resolve.resolve_only = true;
    resolve.now = now;
    log(LogLevel::kInfo, "task.outcome_lookup",
        {{"state", state.name}, {"idempotencyKey", resolve.idempotency_key}});
    call_remote(std::move(resolve));
    return;
  }
  stripe_attempt_.reset();
  fail_through_handlers(state, outcome.error, outcome.cause);
}

void Execution::fail_through_handlers(const asl::State& state, const std::string& error,
                                      const std::string& cause) {
  // One generator per scheduler thread: seeding from the OS per execution costs a syscall.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.0, 1.0);
  asl::Step step = asl::fail_task(state, rec_.state_input, error, cause, rec_.retrier_attempts,
                                  jitter(rng), context());
  if (auto* retry = std::get_if<asl::RetryAfter>(&step)) {
    rec_.phase = Phase::kRetryWait;
    rec_.due = engine_->now() + retry->delay_ms;
    rec_.retry_count += 1;
    rec_.task_token.clear();  // the next attempt gets a token of its own
    reject_early_callbacks();
    rec_.task_deadline = 0;
    adapters::Metrics::instance().task_retry(state.resource);
    add_timer(rec_.due, timer_kind::kWake);
    commit_then([this] { wait_or_passivate(); });
    return;
  }
  if (retries_exhausted(state, error)) {
    // The engine's own alert: a task failed after its last retry (a Catch may still handle it).
    raise_alert("retries_exhausted", json::object{{"severity", "critical"},
                                                  {"subject", "task failed after its last retry"},
                                                  {"state", state.name},
                                                  {"error", error},
                                                  {"cause", cause}});
    log(LogLevel::kError, "execution.retries_exhausted",
        {{"state", state.name}, {"error", error}, {"cause", cause}, {"retries", rec_.retry_count}});
  }
  handle(state, std::move(step));
}

bool Execution::will_retry(const asl::State& state, const std::string& error) const {
  for (std::size_t i = 0; i < state.retry.size(); ++i) {
    if (!asl::error_matches(state.retry[i].error_equals, error)) continue;
    const std::int64_t used = i < rec_.retrier_attempts.size() ? rec_.retrier_attempts[i] : 0;
    return used < state.retry[i].max_attempts;
  }
  return false;
}

bool Execution::retries_exhausted(const asl::State& state, const std::string& error) const {
  for (std::size_t i = 0; i < state.retry.size(); ++i) {
    if (!asl::error_matches(state.retry[i].error_equals, error)) continue;
    return state.retry[i].max_attempts > 0 && i < rec_.retrier_attempts.size() &&
           rec_.retrier_attempts[i] >= state.retry[i].max_attempts;
  }
  return false;
}

}  // namespace settled::actors::execution
