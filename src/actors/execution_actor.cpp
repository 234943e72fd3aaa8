#include "actors/execution_actor.hpp"

#include "actors/crash_log.hpp"
#include "actors/messages.hpp"
#include "actors/mock_tasks_actor.hpp"
#include "adapters/log.hpp"
#include "adapters/metrics.hpp"
#include "domain/asl/errors.hpp"
#include "domain/asl/history.hpp"
#include "domain/asl/interpreter.hpp"
#include "domain/json_limits.hpp"
#include "domain/random_source.hpp"
#include "domain/records/history_chunk.hpp"
#include "domain/records/task_token_row.hpp"
#include "domain/resources/builtin.hpp"
#include "domain/resources/records.hpp"
#include "domain/storage_keys.hpp"

#include <boost/json.hpp>

#include <random>

namespace settled::actors {

namespace json = boost::json;
using adapters::LogLevel;

namespace {

// 1 s, 2 s, 4 s, ... up to 60 s between tries of a commit that failed.
std::chrono::milliseconds commit_retry_delay(int failures_before) {
  constexpr int kMaxShift = 6;  // 64 s, capped below
  const auto delay = std::chrono::milliseconds(1000LL << std::min(failures_before, kMaxShift));
  return std::min<std::chrono::milliseconds>(delay, std::chrono::seconds(60));
}

// Pure states chained in one transition are committed at least this often, so a definition that
// loops through Pass/Choice states still makes progress durable.
constexpr std::size_t kEventsPerCheckpoint = 500;

// Waits at least this long passivate the execution (see wait_or_passivate).
constexpr EpochMillis kPassivateAfterMs = 2000;

class Execution {
 public:
  Execution(caf::event_based_actor* self, ExecutionSpawn spawn)
      : self_(self),
        engine_(std::move(spawn.engine)),
        supervisor_(std::move(spawn.supervisor)),
        machine_(std::move(spawn.machine)),
        rec_(std::move(spawn.record)),
        fresh_(spawn.fresh),
        history_(rec_.last_event_id) {}

  // Messages from others may arrive before our own first message (the one that calls begin):
  // they wait until the execution has resumed from its record.
  bool begun() const { return begun_; }
  void defer(std::function<void()> work) { deferred_.push_back(std::move(work)); }

  void begin() {
    begun_ = true;
    auto deferred = std::move(deferred_);
    deferred_.clear();
    begin_from_record();
    for (auto& work : deferred) work();
  }

  void begin_from_record() {
    if (fresh_) {
      json::object details;
      details["input"] = json::serialize(rec_.input);
      details["roleArn"] = "";
      history_.add(rec_.start, "ExecutionStarted", std::move(details));
      engine_->stats->started += 1;
      adapters::Metrics::instance().execution_started(rec_.state_machine);
      pending_.put(Table::kOpenExecutions, rec_.id, "");
      if (machine_->timeout_seconds) {
        rec_.deadline = rec_.start + *machine_->timeout_seconds * 1000;
        add_timer(rec_.deadline, timer_kind::kTimeout);
      }
      enter(machine_->start_at, rec_.input);
    } else {
      resume();
    }
  }

  // Timer fired for the wait or retry whose StateEntered event is `entered_event_id`.
  void wake(std::int64_t entered_event_id) {
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
  void reload() {
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
    history_ = asl::HistoryBuilder(rec_.last_event_id);
    pending_ = WriteBatch{};
    aborts_after_commit_.clear();
    timers_after_commit_.clear();
    resume();
  }

 private:
  void resume() {
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
  void start_branch_execution() {
    json::object details;
    details["input"] = json::serialize(rec_.input);
    details["roleArn"] = "";
    details["parentExecutionId"] = rec_.parent_id;
    history_.add(rec_.start, "ExecutionStarted", std::move(details));
    enter(machine_->start_at, rec_.input);
  }

  const asl::State* current_state() {
    const asl::State* state = machine_->find(rec_.state);
    if (!state) {
      finish_failed(std::string(asl::errors::kRuntime),
                    "state '" + rec_.state + "' is not in the state machine definition");
    }
    return state;
  }

  json::value context() const {
    const asl::State* state = machine_->find(rec_.state);
    if (state && !state->uses_context) return json::value();  // most states never read $$
    asl::ContextFacts facts;
    // Inside a Parallel branch or Map iteration, $$.Execution is the top-level execution.
    const ExecutionRecord& execution = part_of_parent() ? root_execution() : rec_;
    facts.execution_id = execution.id;
    facts.execution_name = execution.name;
    facts.state_machine = rec_.state_machine;
    if (state && state->uses_execution_input) facts.execution_input = &execution.input;
    facts.execution_start = execution.start;
    facts.state_name = rec_.state;
    facts.state_entered = rec_.state_entered;
    facts.retry_count = rec_.retry_count;
    facts.task_token = rec_.task_token;
    return asl::make_context(facts);
  }

  // A Parallel branch or Map iteration runs part of its parent's definition and shares its
  // $$.Execution; a child workflow (states.startExecution.sync) is an execution of its own.
  bool part_of_parent() const { return rec_.is_branch() && !rec_.scope.empty(); }

  // The top-level execution this branch belongs to, read once (it is durable before any of
  // its branches exists).
  const ExecutionRecord& root_execution() const {
    if (!root_) {
      const std::string root_id = rec_.id.substr(0, rec_.id.find('~'));
      if (auto stored = engine_->db->get(Table::kExecutions, root_id)) {
        if (auto parsed = ExecutionRecord::parse(*stored, root_id)) root_ = std::move(*parsed);
      }
      if (!root_) root_ = rec_;
    }
    return *root_;
  }

  std::string payment_id() const {
    const ExecutionRecord& execution = part_of_parent() ? root_execution() : rec_;
    if (execution.input.is_object()) {
      if (const json::value* p = execution.input.as_object().if_contains("paymentId");
          p && p->is_string())
        return std::string(p->as_string());
    }
    return rec_.name;
  }

  void log(LogLevel level, std::string_view event, json::object fields = {}) const {
    fields["executionId"] = rec_.id;
    fields["paymentId"] = payment_id();
    adapters::log(level, event, std::move(fields));
  }

  void enter(const std::string& name, json::value input) {
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
    rec_.entered_event_id = history_.add(now, asl::state_event_type(state->type, true),
                                         asl::state_details(name, rec_.state_input, true));
    engine_->stats->transitions += 1;
    adapters::Metrics::instance().state_transition(rec_.state_machine);
    if (history_.events().size() >= kEventsPerCheckpoint) {
      commit_then([this] { act(); });
      return;
    }
    act();
  }

  // Runs the current state from its input: pure states finish here, tasks are dispatched.
  void act() {
    const asl::State* state = current_state();
    if (!state) return;
    // Each attempt of a .waitForTaskToken task hands out a fresh token ($$.Task.Token); it is
    // durable with the commit that schedules the task.
    if (state->type == asl::StateType::kTask && needs_task_token(state->resource) &&
        rec_.task_token.empty())
      rec_.task_token = new_task_token();
    handle(*state, asl::enter_state(*state, rec_.state_input, context()));
  }

  void handle(const asl::State& state, asl::Step step) {
    const EpochMillis now = engine_->now();
    if (auto* go = std::get_if<asl::GoTo>(&step)) {
      history_.add(now, asl::state_event_type(state.type, false),
                   asl::state_details(state.name, go->output, false));
      enter(go->next, std::move(go->output));
    } else if (auto* fin = std::get_if<asl::Finish>(&step)) {
      history_.add(now, asl::state_event_type(state.type, false),
                   asl::state_details(state.name, fin->output, false));
      finish_succeeded(std::move(fin->output));
    } else if (auto* fail = std::get_if<asl::FailWith>(&step)) {
      finish_failed(std::move(fail->error), std::move(fail->cause));
    } else if (auto* wait = std::get_if<asl::WaitUntil>(&step)) {
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

  // --- Parallel and Map: each branch (or item) runs as a branch execution of its own, with
  // its own durable record, history and actor; this execution waits in Phase::kBranches. ---

 public:
  // A branch execution ended (its final record is durable). Stale reports are ignored.
  void branch_done(const std::string& child_id) {
    if (rec_.phase != Phase::kBranches) return;
    const std::string prefix = rec_.branch_prefix();
    if (child_id.compare(0, prefix.size(), prefix) != 0) return;  // an earlier run's branch
    const std::size_t index = std::stoul(child_id.substr(prefix.size()));
    if (index >= rec_.branches.size() || rec_.branches[index] != branch_state::kRunning) return;
    auto child = load_branch(index);
    if (!child || child->status == ExecutionStatus::kRunning) return;
    const asl::State* state = current_state();
    if (!state) return;
    if (settle_branch(*state, index, *child)) advance_branches(*state);
  }

 private:
  bool is_map(const asl::State& state) const { return state.type == asl::StateType::kMap; }

  void start_branches(const asl::State& state, asl::RunBranches run) {
    branch_inputs_ = std::move(run.inputs);
    branch_limit_ = run.max_concurrency;
    json::object details;
    if (is_map(state)) details["length"] = static_cast<std::int64_t>(branch_inputs_.size());
    rec_.branches_event_id =
        history_.add(engine_->now(), is_map(state) ? "MapStateStarted" : "ParallelStateStarted",
                     std::move(details));
    rec_.branches.assign(branch_inputs_.size(), branch_state::kQueued);
    rec_.phase = Phase::kBranches;
    advance_branches(state);
  }

  // After a restart: the branch inputs are computed again (the same input gives the same
  // items), branches that ended while the daemon was down are settled, and queued ones start.
  void resume_branches() {
    const asl::State* state = current_state();
    if (!state) return;
    asl::Step step = asl::enter_state(*state, rec_.state_input, context());
    if (auto* task = std::get_if<asl::RunTask>(&step)) {
      // A child workflow: its one input comes from the task's parameters.
      auto target = child_target(task->parameters);
      if (target) {
        child_machine_ = target->machine;
        step = asl::RunBranches{{std::move(target->input)}, 0};
      }
    }
    auto* run = std::get_if<asl::RunBranches>(&step);
    if (!run || run->inputs.size() != rec_.branches.size()) {
      finish_failed(std::string(asl::errors::kRuntime),
                    "the branches of state '" + state->name + "' could not be resumed");
      return;
    }
    branch_inputs_ = std::move(run->inputs);
    branch_limit_ = run->max_concurrency;
    for (std::size_t i = 0; i < rec_.branches.size(); ++i) {
      if (rec_.branches[i] != branch_state::kRunning) continue;
      auto child = load_branch(i);
      if (child && child->status == ExecutionStatus::kRunning) continue;  // it reports when done
      if (!child) {
        // Written in the same commit as our record, so this cannot happen unless LMDB lost it.
        ExecutionRecord missing;
        missing.status = ExecutionStatus::kFailed;
        missing.error = std::string(asl::errors::kRuntime);
        missing.cause = "branch execution " + rec_.branch_id(i) + " is missing";
        child = std::move(missing);
      }
      if (!settle_branch(*state, i, *child)) return;  // the state failed: it has moved on
    }
    advance_branches(*state);
  }

  std::optional<ExecutionRecord> load_branch(std::size_t index) const {
    auto stored = engine_->db->get(Table::kExecutions, rec_.branch_id(index));
    if (!stored) return std::nullopt;
    auto parsed = ExecutionRecord::parse(*stored, rec_.branch_id(index));
    if (!parsed) return std::nullopt;
    return std::move(*parsed);
  }

  // Records a branch's end. True while the state still waits for branches; false once a
  // failed branch has failed the state (its Retry/Catch have then taken over).
  bool settle_branch(const asl::State& state, std::size_t index, const ExecutionRecord& child) {
    const EpochMillis now = engine_->now();
    const auto iteration = [&](const char* type, std::size_t i) {
      if (is_map(state))
        history_.add(now, type,
                     json::object{{"name", state.name}, {"index", static_cast<std::int64_t>(i)}});
    };
    if (child.status == ExecutionStatus::kSucceeded) {
      rec_.branches[index] = branch_state::kSucceeded;
      iteration("MapIterationSucceeded", index);
      return true;
    }
    rec_.branches[index] = branch_state::kFailed;
    iteration("MapIterationFailed", index);
    std::string error = child.error;
    std::string cause = child.cause;
    if (child.status == ExecutionStatus::kTimedOut) {
      error = std::string(asl::errors::kTimeout);
    } else if (child.status == ExecutionStatus::kAborted || error.empty()) {
      error = std::string(asl::errors::kRuntime);
      if (cause.empty()) cause = "branch execution " + child.id + " was aborted";
    }
    // The other branches stop, once this decision is durable.
    for (std::size_t i = 0; i < rec_.branches.size(); ++i) {
      if (rec_.branches[i] == branch_state::kRunning) {
        rec_.branches[i] = branch_state::kAborted;
        iteration("MapIterationAborted", i);
        aborts_after_commit_.push_back(rec_.branch_id(i));
      }
    }
    if (state.type == asl::StateType::kTask) {
      // A child workflow failed: the task fails with States.TaskFailed and the child's story.
      cause = json::serialize(json::object{{"ExecutionArn", child.id},
                                           {"Status", status_name(child.status)},
                                           {"Error", error},
                                           {"Cause", cause}});
      error = std::string(asl::errors::kTaskFailed);
      json::object details = asl::task_details(state.resource);
      details["error"] = error;
      details["cause"] = cause;
      history_.add(now, "TaskFailed", std::move(details));
    } else {
      json::object details;
      details["error"] = error;
      details["cause"] = cause;
      history_.add(now, is_map(state) ? "MapStateFailed" : "ParallelStateFailed",
                   std::move(details));
    }
    rec_.branches.clear();
    branch_inputs_.clear();
    rec_.phase = Phase::kTask;
    fail_through_handlers(state, error, cause);
    return false;
  }

  // Starts queued branches up to MaxConcurrency, or completes the state once every branch
  // has succeeded. New branch records are committed with ours, then handed to the supervisor.
  void advance_branches(const asl::State& state) {
    const EpochMillis now = engine_->now();
    std::size_t running = 0;
    bool all_succeeded = true;
    for (char c : rec_.branches) {
      running += c == branch_state::kRunning;
      all_succeeded = all_succeeded && c == branch_state::kSucceeded;
    }
    if (all_succeeded) {
      complete_branches(state);
      return;
    }
    std::vector<std::string> launched;
    for (std::size_t i = 0; i < rec_.branches.size(); ++i) {
      if (rec_.branches[i] != branch_state::kQueued) continue;
      if (branch_limit_ != 0 && running >= branch_limit_) break;
      rec_.branches[i] = branch_state::kRunning;
      ++running;
      ExecutionRecord child = make_branch(state, i, now);
      pending_.put(Table::kExecutions, child.id, child.serialize());
      pending_.put(Table::kOpenExecutions, child.id, "");
      if (is_map(state))
        history_.add(now, "MapIterationStarted",
                     json::object{{"name", state.name}, {"index", static_cast<std::int64_t>(i)}});
      launched.push_back(std::move(child.id));
    }
    commit_then([this, launched = std::move(launched)] {
      for (const auto& id : launched) self_->send(supervisor_, spawn_branch_atom::value, id);
    });
  }

  // --- Child workflows: settled:states.startExecution.sync[:2] runs another state machine as
  // a branch execution of this task (stopping this execution stops it) and completes with
  // Step Functions' DescribeExecution shape. ---

  struct ChildTarget {
    asl::StateMachinePtr machine;
    json::value input;
  };

  // {"StateMachineArn": "NAME" or "arn:...:stateMachine:NAME", "Input": {...}}
  Result<ChildTarget> child_target(const json::value& parameters) const {
    if (!parameters.is_object())
      return Error{ErrorCode::kInvalidRequest, "parameters must be an object"};
    const auto& o = parameters.as_object();
    for (const auto& [key, value] : o) {
      if (key != "StateMachineArn" && key != "Input" && key != "Name")
        return Error{ErrorCode::kInvalidRequest,
                     "parameters." + std::string(key) +
                         " is unknown (allowed: StateMachineArn, Input, Name)"};
    }
    const json::value* arn = o.if_contains("StateMachineArn");
    if (!arn || !arn->is_string())
      return Error{ErrorCode::kInvalidRequest, "parameters.StateMachineArn must be a string"};
    std::string name(arn->as_string());
    if (const auto colon = name.rfind(':'); colon != std::string::npos)
      name = name.substr(colon + 1);
    auto machine = engine_->workflows()->find(name);
    if (!machine)
      return Error{ErrorCode::kStateMachineDoesNotExist,
                   "parameters.StateMachineArn: no state machine \"" + name + "\""};
    json::value input = json::object{};
    if (const json::value* in = o.if_contains("Input")) {
      input = *in;
      if (input.is_string()) {
        // The child's input obeys the rules of a client's start request.
        auto text = parse_request_json(in->as_string(), "parameters.Input");
        if (!text) return Error{ErrorCode::kInvalidRequest, text.error().message};
        input = std::move(*text);
      }
    }
    return ChildTarget{std::move(machine), std::move(input)};
  }

  void start_child_execution(const asl::State& state, TaskAttempt attempt) {
    auto target = child_target(attempt.parameters);
    if (!target) {
      task_failed(state, TaskOutcome::failure(std::string(asl::errors::kTaskFailed),
                                              target.error().message));
      return;
    }
    child_machine_ = target->machine;
    branch_inputs_ = {std::move(target->input)};
    branch_limit_ = 0;
    // The child's id is named by this event's id (see ExecutionRecord::branch_id).
    const std::int64_t event_id = history_.last_id() + 1;
    const std::string child_id = rec_.id + "~" + std::to_string(event_id) + ".0";
    json::object details = asl::task_details(state.resource);
    details["output"] = json::serialize(json::object{{"ExecutionArn", child_id}});
    rec_.branches_event_id = history_.add(engine_->now(), "TaskSubmitted", std::move(details));
    rec_.branches.assign(1, branch_state::kQueued);
    rec_.phase = Phase::kBranches;
    advance_branches(state);
  }

  // DescribeExecution's shape; ":2" gives Input and Output as JSON, ".sync" as JSON text.
  static json::value child_result(const asl::State& state, const ExecutionRecord& child) {
    const bool as_json = state.resource.size() >= 2 &&
                         state.resource.compare(state.resource.size() - 2, 2, ":2") == 0;
    json::object result{{"ExecutionArn", child.id},
                        {"StateMachineArn", child.state_machine},
                        {"Name", child.name},
                        {"Status", status_name(child.status)},
                        {"StartDate", format_timestamp(child.start)},
                        {"StopDate", format_timestamp(child.stop)}};
    result["Input"] = as_json ? child.input : json::value(json::serialize(child.input));
    result["Output"] = as_json ? child.output : json::value(json::serialize(child.output));
    return result;
  }

  ExecutionRecord make_branch(const asl::State& state, std::size_t index, EpochMillis now) const {
    ExecutionRecord child;
    child.id = rec_.branch_id(index);
    child.state_machine = rec_.state_machine;
    child.state_machine_version = rec_.state_machine_version;
    child.name = child.id.substr(child.id.find(':') + 1);
    child.input = branch_inputs_[index];
    child.start = now;
    child.parent_id = rec_.id;
    child.branch_index = static_cast<std::int64_t>(index);
    if (state.type == asl::StateType::kTask) {
      // A child workflow: another state machine, at the version registered now.
      child.state_machine = child_machine_->name;
      child.state_machine_version = child_machine_->version;
      child.state = child_machine_->start_at;
      child.phase = Phase::kStart;
      return child;
    }
    child.test_case = rec_.test_case;  // a child workflow (above) is not part of the test case
    child.scope = rec_.scope;
    child.scope.push_back(asl::ScopeStep{state.name, is_map(state) ? 0 : index});
    const asl::StateMachine* sub =
        is_map(state) ? state.item_processor.get() : state.branches.at(index).get();
    child.state = sub ? sub->start_at : std::string();
    child.phase = Phase::kStart;
    return child;
  }

  // Every branch succeeded: their outputs, in order, are the state's result.
  void complete_branches(const asl::State& state) {
    json::array results;
    results.reserve(rec_.branches.size());
    for (std::size_t i = 0; i < rec_.branches.size(); ++i) {
      auto child = load_branch(i);
      if (!child) {
        finish_failed(std::string(asl::errors::kRuntime),
                      "branch execution " + rec_.branch_id(i) + " is missing");
        return;
      }
      if (state.type == asl::StateType::kTask) {
        results.push_back(child_result(state, *child));
      } else {
        results.push_back(std::move(child->output));
      }
    }
    if (state.type == asl::StateType::kTask) {
      rec_.branches.clear();
      branch_inputs_.clear();
      rec_.phase = Phase::kTask;
      task_done(state, TaskOutcome::success(std::move(results.at(0))), true);
      return;
    }
    history_.add(engine_->now(), is_map(state) ? "MapStateSucceeded" : "ParallelStateSucceeded",
                 json::object{});
    rec_.branches.clear();
    branch_inputs_.clear();
    rec_.phase = Phase::kTask;
    asl::Step step =
        asl::complete_task(state, rec_.state_input, json::value(std::move(results)), context());
    if (auto* fail = std::get_if<asl::FailWith>(&step);
        fail && fail->error == asl::errors::kResultPathMatchFailure) {
      fail_through_handlers(state, fail->error, fail->cause);
      return;
    }
    handle(state, std::move(step));
  }

  void run_task(const asl::State& state, asl::RunTask task) {
    const EpochMillis now = engine_->now();
    TaskAttempt attempt;
    attempt.resource = base_resource(task.resource);
    attempt.task_token = rec_.task_token;
    handing_out_token_ = !rec_.task_token.empty();
    attempt.parameters = std::move(task.parameters);
    attempt.idempotency_key = rec_.idempotency_key();
    attempt.execution_id = rec_.id;
    attempt.state_name = rec_.state;
    attempt.now = now;

    if (mocked(state)) {
      // Test mode: the test case answers this state; its resource does not run.
      record_task_started(state, attempt, now);
      commit_then([this] { call_mock(); });
      return;
    }
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
    record_task_started(state, attempt, now);

    switch (info->kind) {
      case ResourceKind::kInline:
        task_done(state, run_inline_resource(attempt));
        break;
      case ResourceKind::kRead:
        commit_then([this, attempt = std::move(attempt)] {
          const asl::State* s = current_state();
          if (s) task_done(*s, read_record(attempt));
        });
        break;
      case ResourceKind::kChildExecution:
        start_child_execution(state, std::move(attempt));
        break;
      case ResourceKind::kRemote:
      case ResourceKind::kLedger:
      case ResourceKind::kEvents:
        commit_then(
            [this, attempt = std::move(attempt)]() mutable { call_remote(std::move(attempt)); });
        break;
    }
  }

  void record_task_started(const asl::State& state, const TaskAttempt& attempt, EpochMillis now) {
    json::object scheduled = asl::task_details(attempt.resource);
    scheduled["parameters"] = json::serialize(attempt.parameters);
    if (state.timeout_seconds) scheduled["timeoutInSeconds"] = *state.timeout_seconds;
    history_.add(now, "TaskScheduled", std::move(scheduled));
    history_.add(now, "TaskStarted", asl::task_details(attempt.resource));
    engine_->stats->task_attempts += 1;
  }

  // Whether the execution's test case (mock-config) answers this state.
  bool mocked(const asl::State& state) const {
    return engine_->mock && !rec_.test_case.empty() &&
           engine_->mock->answer(rec_.state_machine, rec_.test_case, state.name, 0).has_value();
  }

  // Asks the mock actor, which numbers the invocations of each state across the whole
  // execution (its branches included), like a remote call: after the scheduling commit.
  void call_mock() {
    const asl::State* state = current_state();
    if (!state) return;
    const std::int64_t entered = rec_.entered_event_id;
    const std::int64_t retry = rec_.retry_count;
    MockCall call{rec_.id.substr(0, rec_.id.find('~')), rec_.state_machine, rec_.test_case,
                  state->name};
    self_->request(engine_->mock_tasks, std::chrono::seconds(60), mock_atom::value, std::move(call))
        .then(
            [this, entered, retry](TaskOutcome& outcome) {
              if (entered != rec_.entered_event_id || retry != rec_.retry_count) return;
              outcome.mocked = true;
              if (const asl::State* s = current_state()) task_done(*s, std::move(outcome));
            },
            [this, entered, retry](caf::error& err) {
              if (entered != rec_.entered_event_id || retry != rec_.retry_count) return;
              if (const asl::State* s = current_state())
                task_done(*s, TaskOutcome::failure(std::string(asl::errors::kTaskFailed),
                                                   "mocked task failed: " + caf::to_string(err)));
            });
  }

  TaskOutcome read_record(const TaskAttempt& attempt) {
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

  void call_remote(TaskAttempt attempt) {
    const asl::State* state = current_state();
    if (!state) return;
    const auto timeout = state->timeout_seconds ? std::chrono::seconds(*state->timeout_seconds)
                                                : engine_->default_task_timeout;
    const std::int64_t entered = rec_.entered_event_id;
    const std::int64_t retry = rec_.retry_count;
    // settled:ledger.* go to the accounts router, which answers after its own commit.
    const auto kind = find_resource(attempt.resource)->kind;
    auto pending =
        kind == ResourceKind::kLedger
            ? self_->request(engine_->ledger, timeout, ledger_atom::value, std::move(attempt))
        : kind == ResourceKind::kEvents
            ? self_->request(engine_->events, timeout, events_atom::value, std::move(attempt))
            : self_->request(engine_->stripe, timeout, charge_atom::value, std::move(attempt));
    pending.then(
        [this, entered, retry](TaskOutcome& outcome) {
          if (entered != rec_.entered_event_id || retry != rec_.retry_count) return;
          if (const asl::State* s = current_state()) task_done(*s, std::move(outcome));
        },
        [this, entered, retry, timeout](caf::error& err) {
          if (entered != rec_.entered_event_id || retry != rec_.retry_count) return;
          const asl::State* s = current_state();
          if (!s) return;
          if (err == caf::sec::request_timeout) {
            task_done(*s, TaskOutcome::failure(std::string(asl::errors::kTimeout),
                                               "Task timed out after " +
                                                   std::to_string(timeout.count()) + " seconds"));
          } else {
            task_done(*s, TaskOutcome::failure(std::string(asl::errors::kTaskFailed),
                                               "task worker failed: " + caf::to_string(err)));
          }
        });
  }

  void task_done(const asl::State& state, TaskOutcome outcome, bool from_callback = false) {
    if (!from_callback) {
      // The hand-out is over: a callback that came early takes effect only if the state now
      // waits; otherwise it is answered here (unanswered, its sender would wait forever).
      handing_out_token_ = false;
      const bool waits = outcome.ok && !outcome.mocked &&
                         (waits_for_task_token(state.resource) || outcome.awaits_callback);
      if (!waits) reject_early_callbacks();
    }
    adapters::Metrics::instance().task_attempt(
        state.resource, outcome.ok                               ? "succeeded"
                        : outcome.error == asl::errors::kTimeout ? "timed_out"
                                                                 : "failed");
    if (outcome.ok && state.resource == "settled:alert.raise") {
      // Raised once per step entry: the durable record is keyed by the idempotency key.
      raise_alert("workflow", outcome.result.as_object());
    }
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
    json::object details = asl::task_details(state.resource);
    details["output"] = json::serialize(outcome.result);
    history_.add(now, "TaskSucceeded", std::move(details));
    pending_.append(std::move(outcome.writes));
    asl::Step step = asl::complete_task(state, rec_.state_input, outcome.result, context());
    if (auto* fail = std::get_if<asl::FailWith>(&step);
        fail && fail->error == asl::errors::kResultPathMatchFailure) {
      fail_through_handlers(state, fail->error, fail->cause);
      return;
    }
    handle(state, std::move(step));
  }

  void task_failed(const asl::State& state, TaskOutcome outcome) {
    const EpochMillis now = engine_->now();
    json::object details = asl::task_details(state.resource);
    details["error"] = outcome.error;
    details["cause"] = outcome.cause;
    history_.add(now, outcome.error == asl::errors::kTimeout ? "TaskTimedOut" : "TaskFailed",
                 std::move(details));
    log(LogLevel::kWarn, "task.failed",
        {{"state", state.name},
         {"resource", state.resource},
         {"error", outcome.error},
         {"cause", outcome.cause},
         {"retryCount", rec_.retry_count}});
    fail_through_handlers(state, outcome.error, outcome.cause);
  }

  void fail_through_handlers(const asl::State& state, const std::string& error,
                             const std::string& cause) {
    // One generator per scheduler thread: seeding from the OS per execution costs a syscall.
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    asl::Step step =
        asl::fail_task(state, rec_.state_input, error, cause, rec_.retrier_attempts, jitter(rng));
    if (auto* retry = std::get_if<asl::RetryAfter>(&step)) {
      rec_.phase = Phase::kRetryWait;
      rec_.due = engine_->now() + retry->delay_ms;
      rec_.retry_count += 1;
      rec_.task_token.clear();  // the next attempt gets a token of its own
      reject_early_callbacks();
      rec_.task_deadline = 0;
      engine_->stats->task_retries += 1;
      adapters::Metrics::instance().task_retry(state.resource);
      add_timer(rec_.due, timer_kind::kWake);
      commit_then([this] { wait_or_passivate(); });
      return;
    }
    if (retries_exhausted(state, error)) {
      // The engine's own alert: a task failed after its last retry (a Catch may still handle it).
      engine_->stats->alerts += 1;
      raise_alert("retries_exhausted", json::object{{"severity", "critical"},
                                                    {"subject", "task failed after its last retry"},
                                                    {"state", state.name},
                                                    {"error", error},
                                                    {"cause", cause}});
      log(LogLevel::kError, "execution.retries_exhausted",
          {{"state", state.name},
           {"error", error},
           {"cause", cause},
           {"retries", rec_.retry_count}});
    }
    handle(state, std::move(step));
  }

  // --- .waitForTaskToken: the task ran (it handed out the token); the state now waits for
  // SendTaskSuccess/Failure, its TimeoutSeconds, or a missed HeartbeatSeconds. ---

  static std::string new_task_token() {
    auto& random = system_random();
    char buffer[33];
    std::snprintf(buffer, sizeof buffer, "%016llx%016llx",
                  static_cast<unsigned long long>(random.next_u64()),
                  static_cast<unsigned long long>(random.next_u64()));
    return buffer;
  }

  std::string token_state(records::TokenState state) const {
    return records::encode(records::TaskTokenRow{rec_.id, state});
  }

  void await_callback(const asl::State& state, TaskOutcome submitted) {
    const EpochMillis now = engine_->now();
    json::object details = asl::task_details(state.resource);
    details["output"] = json::serialize(submitted.result);
    history_.add(now, "TaskSubmitted", std::move(details));
    pending_.append(std::move(submitted.writes));
    pending_.put(Table::kTaskTokens, rec_.task_token, token_state(records::TokenState::kWaiting));
    rec_.phase = Phase::kCallback;
    const std::int64_t timeout_seconds = submitted.callback_timeout_seconds > 0
                                             ? submitted.callback_timeout_seconds
                                             : state.timeout_seconds.value_or(0);
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
  EpochMillis next_callback_due(const asl::State& state, EpochMillis now) const {
    EpochMillis due = rec_.task_deadline;
    if (state.heartbeat_seconds) {
      const EpochMillis beat = now + *state.heartbeat_seconds * 1000;
      due = due ? std::min(due, beat) : beat;
    }
    return due;
  }

  void reject_early_callbacks() {
    for (auto& cb : early_callbacks_)
      cb.reply(StartReply{409, to_json(Error{ErrorCode::kTaskTimedOut,
                                             "the task of execution " + rec_.id +
                                                 " ended before it waited for this token"})});
    early_callbacks_.clear();
  }

  void passivate_while_waiting() {
    if (rec_.phase != Phase::kCallback) return;  // a callback came while we committed
    if (engine_->timers && quiet()) {
      self_->quit();
    } else if (rec_.due) {
      schedule_wake();
    }
  }

 public:
  void callback(TaskCallback& cb) {
    if (handing_out_token_ && rec_.phase == Phase::kTask && !cb.token.empty() &&
        cb.token == rec_.task_token) {
      // The token went out (an events waiter, a remote call) before our wait was recorded.
      early_callbacks_.push_back(std::move(cb));
      return;
    }
    const asl::State* state = machine_->find(rec_.state);
    if (rec_.phase != Phase::kCallback || cb.token != rec_.task_token || !state) {
      cb.reply(StartReply{
          409, to_json(Error{ErrorCode::kTaskTimedOut,
                             "execution " + rec_.id + " no longer waits for this task token"})});
      return;
    }
    const EpochMillis now = engine_->now();
    if (cb.kind == TaskCallback::Kind::kHeartbeat) {
      const EpochMillis due = next_callback_due(*state, now);
      if (due != rec_.due) {
        if (rec_.due)
          pending_.erase(Table::kTimers, timer_key(rec_.due, timer_kind::kWake, rec_.id));
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
      task_done(*state, TaskOutcome::success(std::move(cb.output)), true);
    } else {
      task_failed(*state, TaskOutcome::failure(cb.error, cb.cause));
    }
  }

 private:
  void callback_timed_out() {
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
                              : "the task token was not used within TimeoutSeconds (" +
                                    std::to_string(state->timeout_seconds.value_or(0)) + " s)"));
  }

  void raise_alert(const std::string& source, json::object alert) {
    alert["executionId"] = rec_.id;
    alert["paymentId"] = payment_id();
    if (engine_->alerts) {
      self_->send(engine_->alerts, alert_atom::value, Alert{source, std::move(alert)});
    } else {
      adapters::Metrics::instance().alert(source);
    }
  }

  bool retries_exhausted(const asl::State& state, const std::string& error) const {
    for (std::size_t i = 0; i < state.retry.size(); ++i) {
      if (!asl::error_matches(state.retry[i].error_equals, error)) continue;
      return state.retry[i].max_attempts > 0 && i < rec_.retrier_attempts.size() &&
             rec_.retrier_attempts[i] >= state.retry[i].max_attempts;
    }
    return false;
  }

  // A durable timer, written with the transition that needs it.
  void add_timer(EpochMillis due, char kind) {
    std::string key = timer_key(due, kind, rec_.id);
    pending_.put(Table::kTimers, key, "");
    timers_after_commit_.push_back(std::move(key));
  }

  // A long wait holds no actor: the execution lives on in LMDB and the timer actor brings it
  // back when the wait is over. A short one stays in memory, which is cheaper than a reload.
  void wait_or_passivate() {
    if (!(rec_.phase == Phase::kWait || rec_.phase == Phase::kRetryWait)) return;  // moved on
    if (rec_.due - engine_->now() >= kPassivateAfterMs && engine_->timers && quiet()) {
      self_->quit();
      return;
    }
    schedule_wake();
  }

  void schedule_wake() {
    const auto delay = std::max<std::int64_t>(0, rec_.due - engine_->now());
    self_->delayed_send(self_, std::chrono::milliseconds(delay), wake_atom::value,
                        rec_.entered_event_id);
  }

  void finish_succeeded(json::value output) {
    const EpochMillis now = engine_->now();
    json::object details;
    details["output"] = json::serialize(output);
    history_.add(now, "ExecutionSucceeded", std::move(details));
    rec_.status = ExecutionStatus::kSucceeded;
    rec_.output = std::move(output);
    close(now);
  }

  void finish_failed(std::string error, std::string cause) {
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

  void close(EpochMillis now) {
    if (rec_.deadline)
      pending_.erase(Table::kTimers, timer_key(rec_.deadline, timer_kind::kTimeout, rec_.id));
    rec_.stop = now;
    rec_.phase = Phase::kDone;
    rec_.due = 0;
    pending_.erase(Table::kOpenExecutions, rec_.id);
    // Branches go with their parent when retention expires it.
    if (!rec_.is_branch()) pending_.put(Table::kClosedExecutions, closed_key(now, rec_.id), "");
    commit_then([this] {
      if (rec_.is_branch()) {
        // The parent reads our durable record when it hears of this.
        self_->send(supervisor_, branch_done_atom::value, rec_.parent_id, rec_.id);
        self_->quit();
        return;
      }
      // Counted once durable, so counters never run ahead of what a restart would show.
      (rec_.status == ExecutionStatus::kSucceeded ? engine_->stats->succeeded
                                                  : engine_->stats->failed) += 1;
      adapters::Metrics::instance().execution_finished(
          rec_.state_machine, status_name(rec_.status),
          static_cast<double>(rec_.stop - rec_.start) / 1000.0);
      self_->quit();
    });
  }

  // Nothing is on its way to the store: an actor may only passivate then, or a later
  // transition (e.g. a callback that arrived during the commit) would be dropped.
  bool quiet() const { return commits_in_flight_ == 0; }

  // Makes everything pending durable in one store commit, then continues with `next`.
  void commit_then(std::function<void()> next) {
    ++commits_in_flight_;
    WriteBatch batch = std::move(pending_);
    pending_ = WriteBatch{};
    if (!history_.events().empty()) {
      // One value per transition: the events as a JSON array under the key of the first.
      const auto first = history_.events().front().at("id").as_int64();
      batch.put(Table::kHistory, history_key(rec_.id, first), records::encode(history_.events()));
    }
    history_.events().clear();
    rec_.last_event_id = history_.last_id();
    batch.put(Table::kExecutions, rec_.id, rec_.serialize());
    self_->request(engine_->store, caf::infinite, commit_atom::value, std::move(batch))
        .then(
            [this, next = std::move(next)](StoreReply& reply) {
              --commits_in_flight_;
              if (reply.ok) {
                commit_failures_ = 0;
                report_started();
                for (auto& id : aborts_after_commit_)
                  self_->send(supervisor_, abort_branch_atom::value, std::move(id));
                aborts_after_commit_.clear();
                if (engine_->timers) {
                  for (auto& key : timers_after_commit_)
                    self_->send(engine_->timers, timer_atom::value, std::move(key));
                }
                timers_after_commit_.clear();
                for (auto& answer : replies_after_commit_) answer(StartReply{200, json::object{}});
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

  void commit_failed(const Error& error) {
    for (auto& answer : replies_after_commit_)
      answer(StartReply{http_status(error.code), to_json(error)});
    replies_after_commit_.clear();
    if (fresh_ && !start_reported_) {
      // Nothing of this execution is durable: refuse the start, leave no trace.
      refuse_start(error);
      return;
    }
    // Capped exponential backoff: a full disk or a failing device is not helped by every
    // waiting execution retrying each second; the first commit after space returns resumes it.
    const auto delay = commit_retry_delay(commit_failures_++);
    log(LogLevel::kError, "execution.commit_failed",
        {{"error", std::string(error_name(error.code))},
         {"cause", error.message},
         {"retryInSeconds", static_cast<double>(delay.count()) / 1000.0}});
    self_->delayed_send(self_, delay, resume_atom::value);
  }

  void report_started() {
    if (!fresh_ || start_reported_) return;
    start_reported_ = true;
    StartResult result;
    result.body["executionId"] = rec_.id;
    result.body["status"] = status_name(rec_.status);
    result.body["startDate"] = format_timestamp(rec_.start);
    self_->send(supervisor_, started_atom::value, rec_.id, std::move(result));
  }

  void refuse_start(Error error) {
    start_reported_ = true;
    StartResult result;
    result.ok = false;
    result.error = std::move(error);
    self_->send(supervisor_, started_atom::value, rec_.id, std::move(result));
    self_->quit();
  }

  caf::event_based_actor* self_;
  EnginePtr engine_;
  caf::actor supervisor_;
  asl::StateMachinePtr machine_;
  ExecutionRecord rec_;
  bool fresh_;
  bool start_reported_ = false;
  asl::HistoryBuilder history_;
  WriteBatch pending_;
  // Of the Parallel/Map state being run: its branch inputs (recomputed after a restart) and
  // MaxConcurrency.
  std::vector<json::value> branch_inputs_;
  std::size_t branch_limit_ = 0;
  asl::StateMachinePtr child_machine_;  // of a states.startExecution.sync task
  std::vector<std::string> aborts_after_commit_;
  std::vector<std::string> timers_after_commit_;
  std::vector<StartCallback> replies_after_commit_;  // callbacks answered once durable
  int commits_in_flight_ = 0;
  int commit_failures_ = 0;  // in a row; sets the backoff before the next try
  bool begun_ = false;
  // From dispatching a task that holds the token until its outcome: a callback with the token
  // in this window waits in early_callbacks_. After a timeout or a callback the state is back
  // in kTask with the same token, and a late callback must be refused, not held forever.
  bool handing_out_token_ = false;
  std::vector<TaskCallback> early_callbacks_;
  std::vector<std::function<void()>> deferred_;
  mutable std::optional<ExecutionRecord> root_;  // for a branch's context object
};

}  // namespace

caf::behavior execution_behavior(caf::event_based_actor* self, ExecutionSpawn spawn) {
  // An exception ends this execution's actor, never its supervisor: logged here with the id,
  // it reaches the supervisor as the DOWN reason, which quarantines the execution.
  self->set_exception_handler([id = spawn.record.id](caf::scheduled_actor*,
                                                     std::exception_ptr& eptr) -> caf::error {
    std::string cause = exception_cause(eptr);
    adapters::log(LogLevel::kError, "execution.crashed", {{"executionId", id}, {"cause", cause}});
    return caf::make_error(caf::sec::runtime_error, std::move(cause));
  });
  auto execution = std::make_shared<Execution>(self, std::move(spawn));
  // Start after the behavior is installed, so replies to our first requests find it.
  self->send(self, resume_atom::value, true);
  return {
      [execution](resume_atom, bool first) {
        if (first) execution->begin();
      },
      [execution](resume_atom) { execution->reload(); },
      [execution](wake_atom, std::int64_t entered_event_id) { execution->wake(entered_event_id); },
      [execution](branch_done_atom, const std::string& child_id) {
        if (!execution->begun())
          return execution->defer([execution, child_id] { execution->branch_done(child_id); });
        execution->branch_done(child_id);
      },
      // Answered at once: the execution has taken the callback (the supervisor retries
      // through a fresh actor if this one had already passivated).
      [execution](task_callback_atom, TaskCallback& cb) {
        if (!execution->begun()) {
          auto shared = std::make_shared<TaskCallback>(std::move(cb));
          execution->defer([execution, shared] { execution->callback(*shared); });
        } else {
          execution->callback(cb);
        }
        return true;
      },
  };
}

}  // namespace settled::actors
