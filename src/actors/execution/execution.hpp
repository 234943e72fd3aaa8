#pragma once
// One running execution (the state behind execution_actor.cpp's behavior), split by job across
// the files of this folder so that each can be read alone:
//   steps.cpp      entering states, the interpreter's steps, waits, the end of the execution
//   branches.cpp   Parallel and Map: branch executions, their ends, the state's result
//   children.cpp   child workflows (settled:states.startExecution.sync)
//   tasks.cpp      running a Task state's resource, its outcome, Retry and Catch
//   callbacks.cpp  .waitForTaskToken: the token, SendTaskSuccess/Failure/Heartbeat, timeouts
//   commits.cpp    the one store commit per transition and what waits for it to be durable
// Every member runs on the execution actor's thread; nothing here is shared.

#include "actors/engine.hpp"
#include "actors/execution_actor.hpp"
#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "domain/asl/history.hpp"
#include "domain/asl/interpreter.hpp"
#include "domain/execution_record.hpp"
#include "domain/records/history_chunk.hpp"
#include "domain/records/task_token_row.hpp"
#include "domain/resources/start_execution.hpp"
#include "domain/resources/task_outcome.hpp"

#include <caf/event_based_actor.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace settled::actors::execution {

namespace json = boost::json;
using adapters::LogLevel;

class Execution {
 public:
  Execution(ExecutionActor::pointer self, ExecutionSpawn spawn)
      : self_(self),
        engine_(std::move(spawn.engine)),
        supervisor_(std::move(spawn.supervisor)),
        machine_(std::move(spawn.machine)),
        rec_(std::move(spawn.record)),
        fresh_(spawn.fresh),
        history_(rec_.last_event_id, &chunk_sink_) {}
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // Messages from others may arrive before our own first message (the one that calls begin):
  // they wait until the execution has resumed from its record.
  bool begun() const { return begun_; }
  void defer(std::function<void()> work) { deferred_.push_back(std::move(work)); }

  // What the actor's messages call (execution_actor.cpp).
  void begin();
  void wake(std::int64_t entered_event_id);
  void reload();
  void branch_done(const std::string& child_id);
  void callback(TaskCallback& cb);
  // The sweeper's word that the task call `call` (a TaskDeadlines ticket) is overdue.
  void call_overdue(std::uint64_t call);

 private:
  // steps.cpp: states, steps, waits, the end
  // A Parallel branch or Map iteration runs part of its parent's definition and shares its
  // $$.Execution; a child workflow (states.startExecution.sync) is an execution of its own.
  bool part_of_parent() const { return rec_.is_branch() && !rec_.scope.empty(); }
  void begin_from_record();
  void resume();
  void start_branch_execution();
  const asl::State* current_state();
  json::value context() const;
  const ExecutionRecord& root_execution() const;
  std::string payment_id() const;
  void log(LogLevel level, std::string_view event, json::object fields = {}) const;
  // `input_text`: the input's JSON text when the caller has it already (the state before's
  // output, the execution's input), so the StateEntered event does not serialize it again.
  void enter(const std::string& name, json::value input, std::string input_text = {});
  void act();
  void handle(const asl::State& state, asl::Step step);
  void assign_variables(std::optional<json::object> assigned);
  void raise_alert(const std::string& source, json::object alert);
  void wait_or_passivate();
  void schedule_wake();
  void finish_succeeded(json::value output, std::string output_text = {});
  void finish_failed(std::string error, std::string cause);
  void close(EpochMillis now);

  // branches.cpp: Parallel and Map
  bool is_map(const asl::State& state) const { return state.type == asl::StateType::kMap; }
  void start_branches(const asl::State& state, asl::RunBranches run);
  void resume_branches();
  void redrive_branches(const asl::State& state);
  std::optional<ExecutionRecord> load_branch(std::size_t index) const;
  bool settle_branch(const asl::State& state, std::size_t index, const ExecutionRecord& child);
  // `at`: when new branches start (a child's start is the time its TaskSubmitted says).
  // `launched`: branches this commit also hands to the supervisor (redriven ones).
  void advance_branches(const asl::State& state, std::optional<EpochMillis> at = std::nullopt,
                        std::vector<std::string> launched = {});
  ExecutionRecord make_branch(const asl::State& state, std::size_t index, EpochMillis now) const;
  void complete_branches(const asl::State& state);

  // children.cpp: child workflows
  struct ChildTarget {
    asl::StateMachinePtr machine;
    json::value input;
    std::string name;  // the task's Name; "" for the one settled gives
  };
  Result<ChildTarget, StartExecutionRefusal> child_target(const json::value& parameters) const;
  void start_child_execution(const asl::State& state, TaskAttempt attempt);
  // The child's name, as Step Functions names it: the task's Name, or a UUID derived from the
  // child's settled id (the same after a restart; another child's never).
  std::string child_name(const std::string& child_id) const;
  std::string child_arn(const ExecutionRecord& child) const;
  json::value child_result(const asl::State& state, const ExecutionRecord& child) const;
  std::string child_failure(const asl::State& state, const ExecutionRecord& child,
                            const std::string& error, const std::string& cause) const;

  // tasks.cpp: Task states
  void run_task(const asl::State& state, asl::RunTask task);
  // `parameters_text`: the attempt's parameters as JSON text, when known ("": serialized here).
  void record_task_started(const asl::State& state, const TaskAttempt& attempt, EpochMillis now,
                           std::string parameters_text = {});
  // Adds a Task's event `kind` ("Scheduled", "Started", "Submitted", "Succeeded", "Failed",
  // "TimedOut") with `fields`: named as Step Functions names it for an AWS ARN Resource
  // (domain/resources/aws_task_events.hpp), otherwise Task<kind> naming settled's `own` resource.
  std::int64_t add_task_event(EpochMillis now, std::string_view kind, const asl::State& state,
                              const std::string& own, boost::json::object fields);
  bool mocked(const asl::State& state) const;
  void call_mock();
  TaskOutcome read_record(const TaskAttempt& attempt);
  TaskOutcome write_record(const TaskAttempt& attempt);
  TaskOutcome check_webhooks(const TaskAttempt& attempt);
  void call_remote(TaskAttempt attempt);
  std::uint64_t await_call(std::optional<std::chrono::seconds> timeout);  // none: no deadline
  bool answered(std::uint64_t call);
  void task_done(const asl::State& state, TaskOutcome outcome, bool from_callback = false);
  void task_failed(const asl::State& state, TaskOutcome outcome);
  void fail_through_handlers(const asl::State& state, const std::string& error,
                             const std::string& cause);
  bool retries_exhausted(const asl::State& state, const std::string& error) const;
  bool will_retry(const asl::State& state, const std::string& error) const;

  // callbacks.cpp: .waitForTaskToken
  static std::string new_task_token();
  std::string token_state(records::TokenState state) const;
  void await_callback(const asl::State& state, TaskOutcome submitted);
  EpochMillis next_callback_due(const asl::State& state, EpochMillis now) const;
  void reject_early_callbacks();
  void passivate_while_waiting();
  void callback_timed_out();

  // commits.cpp: durability
  // Nothing is on its way to the store: an actor may only passivate then, or a later
  // transition (e.g. a callback that arrived during the commit) would be dropped.
  bool quiet() const { return commits_in_flight_ == 0; }
  void add_timer(EpochMillis due, char kind);
  void commit_then(std::function<void()> next);
  void commit_failed(const Error& error);
  void report_started();
  void refuse_start(Error error);

  ExecutionActor::pointer self_;
  EnginePtr engine_;
  ExecutionsActor supervisor_;
  asl::StateMachinePtr machine_;
  ExecutionRecord rec_;
  bool fresh_;
  bool start_reported_ = false;
  // The payloads this actor wrote lately: an identical one is stored as a reference to it.
  records::PayloadDedup payloads_written_;
  // The record's input, (once final) output and current state's input as JSON text, written
  // once for the history: every commit of the record takes them instead of serializing those
  // payloads again. Empty: not known.
  std::string input_text_;
  std::string output_text_;
  std::string state_input_text_;  // the cursor's input (the current state's), "" once it is null
  // The events of the transition in progress, as the text of the chunk its commit writes.
  records::ChunkWriter chunk_;
  struct ChunkSink : asl::EventSink {
    ChunkSink(records::ChunkWriter& into, records::PayloadDedup& payloads)
        : writer(into), dedup(payloads) {}
    void add(std::int64_t id, EpochMillis at, const std::string& type,
             json::object details) override {
      writer.add(id, at, type, details, dedup);
    }
    records::ChunkWriter& writer;
    records::PayloadDedup& dedup;
  } chunk_sink_{chunk_, payloads_written_};
  asl::HistoryBuilder history_;
  // Whether this execution is durably out of runnable_executions (it waits to be woken).
  bool open_mark_waits_ = false;
  WriteBatch pending_;
  // Of the Parallel/Map state being run: its branch inputs (recomputed after a restart) and
  // MaxConcurrency.
  std::vector<json::value> branch_inputs_;
  std::size_t branch_limit_ = 0;
  // A distributed Map: failed iterations are tolerated up to branch_tolerated_ (recomputed from
  // the state's input on a resume, like the inputs).
  bool branch_distributed_ = false;
  std::size_t branch_tolerated_ = 0;
  asl::StateMachinePtr child_machine_;  // of a states.startExecution.sync task
  std::string child_given_name_;        // and its Name parameter, if any
  std::vector<std::string> aborts_after_commit_;
  std::vector<std::string> timers_after_commit_;
  std::vector<AnswerCallback> replies_after_commit_;  // callbacks answered once durable
  int commits_in_flight_ = 0;
  int commit_failures_ = 0;  // in a row; sets the backoff before the next try
  bool begun_ = false;
  // From dispatching a task that holds the token until its outcome: a callback with the token
  // in this window waits in early_callbacks_. After a timeout or a callback the state is back
  // in kTask with the same token, and a late callback must be refused, not held forever.
  bool handing_out_token_ = false;
  // The running task's TimeoutSeconds: the state's literal, or what its TimeoutSecondsPath read.
  std::optional<std::int64_t> task_timeout_seconds_;
  // The task call out (await_call): its deadline's ticket (id 0: none), how long it may take,
  // and the state entry and attempt it belongs to.
  TaskDeadlines::Ticket call_deadline_;
  std::chrono::seconds call_timeout_{0};
  std::int64_t call_entered_ = 0;
  std::int64_t call_retry_ = 0;
  // The requiredScope the current .waitForTaskToken task's Parameters asked for (taken out of
  // them, docs/identities.md); kept in the token row while it waits. "" : none.
  std::string required_scope_;
  // The settled resource the current attempt runs: the Task's own, or the built-in its AWS ARN
  // runs as (docs/aws-resources.md). sns:publish raises an alert when it is alert.raise.
  std::string builtin_resource_;
  // The AWS resource's Parameters as rendered (before their translation): updateItem's and
  // deleteItem's ReturnValues shape the answer (aws::from_builtin).
  boost::json::value aws_parameters_;
  // The Stripe attempt in flight, kept so that an unknown outcome the workflow would give up
  // on is looked up first (a second call with resolve_only).
  std::optional<TaskAttempt> stripe_attempt_;
  // Set while call_overdue reports the call's own timeout (task_failed looks that one up).
  bool call_overdue_ = false;
  std::vector<TaskCallback> early_callbacks_;
  std::vector<std::function<void()>> deferred_;
  mutable std::optional<ExecutionRecord> root_;  // for a branch's context object
};

}  // namespace settled::actors::execution
