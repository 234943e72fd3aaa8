#include "actors/executions_actor.hpp"

#include "actors/execution_actor.hpp"
#include "actors/executions/supervisor.hpp"
#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"
#include "domain/execution_control.hpp"
#include "domain/identity/task_scope.hpp"
#include "domain/json_canonical.hpp"
#include "domain/json_limits.hpp"
#include "domain/records/task_token_row.hpp"
#include "domain/resources/payment_validation.hpp"
#include "domain/state_machine_versions.hpp"
#include "domain/storage_keys.hpp"
#include "domain/utf8.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <unordered_map>
#include <unordered_set>

namespace settled::actors {

namespace json = boost::json;

namespace supervisor {

// Sets one execution aside, loudly: logged with its id, counted, marked in LMDB (best effort:
// the mark is rewritten at the next start if this commit fails) and shown by `settlectl`.
void quarantine(Self* self, const std::string& id, const std::string& reason,
                const std::string& cause) {
  auto& st = self->state;
  if (!st.quarantined.emplace(id, cause).second) return;
  adapters::log(adapters::LogLevel::kError, "execution.quarantined",
                {{"executionId", id}, {"reason", reason}, {"cause", cause}});
  adapters::Metrics::instance().execution_quarantined(reason);
  WriteBatch mark;
  mark.put(Table::kMeta, quarantine_key(id),
           json::serialize(json::object{
               {"reason", reason}, {"cause", cause}, {"at", format_timestamp(st.engine->now())}}));
  self->request(st.engine->store, caf::infinite, commit_atom::value, std::move(mark))
      .then([](StoreReply&) {}, [](caf::error&) {});
}

void spawn_child(Self* self, ExecutionRecord record, asl::StateMachinePtr machine, bool fresh) {
  const std::string id = record.id;
  ExecutionSpawn spawn{self->state.engine, caf::actor_cast<ExecutionsActor>(self),
                       std::move(record), std::move(machine), fresh};
  auto child = self->spawn<caf::monitored>(execution_behavior, std::move(spawn));
  self->state.ids[child.address()] = id;
  self->state.running[id] = std::move(child);
  execution_actor_changed(self, id, true);
}

void start(Self* self, StartRequest& req) {
  auto& st = self->state;
  auto machine = st.engine->workflows()->find(req.state_machine);
  if (!machine) {
    req.reply(Error{ErrorCode::kStateMachineDoesNotExist,
                    "state machine \"" + quote_name(req.state_machine, kMaxStateMachineNameLength) +
                        "\" does not exist"});
    return;
  }
  if (req.caller) {
    auto refused = identity::check_start(st.engine->start_scopes, req.state_machine, *req.caller);
    if (!refused && !req.from_rule)
      refused = events::refuse_rule_name(st.engine->rule_name_prefixes, req.state_machine, req.name,
                                         *req.caller);
    if (refused) return req.reply(std::move(*refused));
  }
  const std::string id = req.state_machine + ":" + req.name;
  // Replays of an existing execution are answered even while paused or draining.
  const auto refuse_new = [&st, &req] {
    if (st.draining) {
      req.reply(Error{ErrorCode::kDraining, "settled is shutting down"});
      return true;
    }
    if (st.paused) {
      req.reply(Error{ErrorCode::kIngestionPaused,
                      "ingestion is paused by the operator; running executions go on"});
      return true;
    }
    if (st.running.size() >= st.engine->max_running_executions) {
      adapters::Metrics::instance().http_refused("running_executions");
      req.reply(Error{ErrorCode::kOverloaded,
                      std::to_string(st.running.size()) +
                          " executions are running (max-running-executions); nothing was "
                          "started, try again after Retry-After"});
      return true;
    }
    return false;
  };
  if (auto it = st.admitting.find(id); it != st.admitting.end()) {
    if (!canonical_equal(it->second.input, req.input)) {
      req.reply(Error{ErrorCode::kExecutionAlreadyExists,
                      "execution " + id + " already exists with a different input"});
    } else {
      it->second.waiters.push_back(std::move(req.reply));
    }
    return;
  }
  // Both names read in one read transaction: every start looks them up.
  std::optional<std::string> stored;
  bool child_holds_name = false;
  st.engine->db->with_snapshot([&](const adapters::LmdbStore::SnapshotGet& get) {
    stored = get(Table::kExecutions, id);
    // Step Functions' names are one namespace per state machine: a child that an AWS
    // startExecution.sync task started under this name holds it.
    if (!stored) child_holds_name = get(Table::kChildExecutions, id).has_value();
  });
  if (stored) {
    auto existing = ExecutionRecord::parse(*stored, id);
    if (!existing) {
      quarantine(self, id, "record_corrupt", existing.error().message);
      req.reply(Error{ErrorCode::kRecordCorrupt, existing.error().message});
      return;
    }
    if (!canonical_equal(existing->input, req.input)) {
      req.reply(Error{ErrorCode::kExecutionAlreadyExists,
                      "execution " + id + " already exists with a different input"});
      return;
    }
    json::object body;
    body["executionId"] = id;
    body["status"] = status_name(existing->status);
    body["startDate"] = format_timestamp(existing->start);
    req.reply(Answered{Outcome::kExisting, std::move(body), existing->start});
    return;
  }
  if (child_holds_name) {
    req.reply(Error{ErrorCode::kExecutionAlreadyExists,
                    "execution " + id + " already exists (a child execution)"});
    return;
  }
  if (refuse_new()) return;
  ExecutionRecord record;
  record.id = id;
  record.state_machine = req.state_machine;
  record.state_machine_version = machine->version;
  record.name = req.name;
  record.test_case = req.test_case;
  record.start = st.engine->now();
  record.state = machine->start_at;
  // One copy, for replays that arrive while this start commits; the record takes the input.
  st.admitting[id] = SupervisorState::Admission{req.input, {std::move(req.reply)}};
  record.input = std::move(req.input);
  spawn_child(self, std::move(record), std::move(machine), true);
}

void admitted(Self* self, const std::string& id, StartResult& result) {
  auto& st = self->state;
  auto it = st.admitting.find(id);
  if (it == st.admitting.end()) return;
  auto waiters = std::move(it->second.waiters);
  st.admitting.erase(it);
  for (std::size_t i = 0; i < waiters.size(); ++i) {
    if (result.ok) {
      waiters[i](
          Answered{i == 0 ? Outcome::kCreated : Outcome::kExisting, result.body, result.start});
    } else {
      waiters[i](result.error);
    }
  }
  if (st.admitting.empty()) {
    for (auto& rp : st.drain_waiters) rp.deliver(true);
    st.drain_waiters.clear();
  }
}

// A child workflow (a startExecution.sync task's) is an execution of its own state machine: it
// can be stopped by itself, and its parent's task then fails with its story. A Parallel branch
// or Map iteration is part of its parent and cannot.
bool child_workflow(Self* self, const std::string& id) {
  auto record = load_record(self, id);
  return record && record->is_branch() && record->scope.empty();
}

asl::StateMachinePtr machine_for(Self* self, const ExecutionRecord& record) {
  // The version it started on (kept forever), not whatever was registered since.
  auto registry = self->state.engine->workflows();
  auto root = record.state_machine_version
                  ? registry->find(record.state_machine, record.state_machine_version)
                  : registry->find(record.state_machine);
  if (!root || !record.is_branch()) return root;
  return asl::StateMachine::resolve(root, record.scope);
}

void rehydrate(Self* self, const std::string& id) {
  if (self->state.running.count(id) || self->state.quarantined.count(id)) return;
  auto record = load_record(self, id);
  if (!record && record.error().code == ErrorCode::kRecordCorrupt)
    return quarantine(self, id, "record_corrupt", record.error().message);
  if (!record || record->status != ExecutionStatus::kRunning) return;
  auto machine = machine_for(self, *record);
  if (!machine) {
    adapters::log(adapters::LogLevel::kError, "branch.unknown_scope",
                  {{"executionId", id}, {"stateMachine", record->state_machine}});
    return;
  }
  spawn_child(self, std::move(*record), std::move(machine), false);
}

// A control an operator asked for: answered through the request's promise.
caf::typed_response_promise<ControlReply> requested_control(
    Self* self, const std::string& id, bool kill, std::function<void(ControlAnswer)> work) {
  auto rp = self->make_response_promise<ControlReply>();
  control(
      self, id, kill, [rp](ControlReply reply) mutable { rp.deliver(std::move(reply)); },
      std::move(work));
  return rp;
}

// A control with no one to answer (its cause was a one-way message): a failure is logged.
ControlAnswer logged_answer(const char* cause, const std::string& id) {
  return [cause, id](ControlReply reply) {
    if (!reply.ok)
      adapters::log(adapters::LogLevel::kWarn, "execution.control_failed",
                    {{"executionId", id}, {"cause", cause}, {"error", reply.error.message}});
  };
}

// A durable timer is due. A passivated execution is rehydrated from LMDB (it resumes its wait
// or retry, now due); one that has moved on has left a stale row, which is erased.
void timer_fired(Self* self, const std::string& id, char kind, std::int64_t due) {
  auto& st = self->state;
  if (st.controlling.count(id) || st.admitting.count(id)) return;  // fires again at next scan
  // A quarantined execution keeps its timers: they are still due when a restart retries it.
  if (st.quarantined.count(id)) return;
  auto record = load_record(self, id);
  if (!record && record.error().code == ErrorCode::kRecordCorrupt)
    return quarantine(self, id, "record_corrupt", record.error().message);
  const bool running = record && record->status == ExecutionStatus::kRunning;
  if (kind == timer_kind::kTimeout && running && record->deadline == due) {
    control(self, id, true, logged_answer("time_out", id),
            [self, id](ControlAnswer answer) { time_out_now(self, id, std::move(answer)); });
    return;
  }
  const bool waiting = running &&
                       (record->phase == Phase::kWait || record->phase == Phase::kRetryWait ||
                        record->phase == Phase::kCallback) &&
                       record->due == due;
  if (kind == timer_kind::kWake && waiting) {
    if (!st.running.count(id)) rehydrate(self, id);  // a running one has its own wake-up
    return;
  }
  WriteBatch stale;
  stale.erase(Table::kTimers, timer_key(due, kind, id));
  // A request, not a send: the store answers every commit, and an answer nobody expects would
  // come back to it as an error.
  self->request(st.engine->store, caf::infinite, commit_atom::value, std::move(stale))
      .then([](StoreReply&) {}, [](caf::error&) {});
}

// SendTaskSuccess/Failure/Heartbeat: find the execution that waits on the token, bring it
// back from LMDB if it has passivated, and hand it the callback; it answers once durable.
void task_callback(Self* self, TaskCallback& cb) {
  auto& st = self->state;
  const auto refuse = [&cb](ErrorCode code, std::string message) {
    cb.reply(Error{code, std::move(message)});
  };
  auto stored = st.engine->db->get(Table::kTaskTokens, cb.token);
  if (!stored) return refuse(ErrorCode::kTaskDoesNotExist, "no task was given this token");
  auto row = records::decode_task_token_row(*stored);
  if (!row)
    return refuse(ErrorCode::kRecordCorrupt,
                  "the task token's row cannot be read: " + row.error().message);
  const std::string id = row->execution_id;
  const std::string state(records::token_state_name(row->state));
  if (row->state == records::TokenState::kSucceeded || row->state == records::TokenState::kFailed)
    return refuse(ErrorCode::kTaskAlreadyCompleted,
                  "this task token was already used (" + state + "); tokens are single-use");
  if (row->state != records::TokenState::kWaiting)
    return refuse(ErrorCode::kTaskTimedOut, "the wait for this task token is over (" + state +
                                                "): execution " + id + " has moved on");
  // A token only an identity with a scope may answer: refused here, nothing changes and the
  // token stays answerable (docs/identities.md).
  if (auto forbidden = identity::check_scope(row->required_scope, cb.caller))
    return cb.reply(std::move(*forbidden));
  cb.required_scope = row->required_scope;
  if (st.controlling.count(id) || st.admitting.count(id))
    return refuse(ErrorCode::kTaskTimedOut, "execution " + id + " is being stopped or redriven");
  if (st.quarantined.count(id))
    return refuse(ErrorCode::kInternal, "execution " + id +
                                            " is quarantined (settlectl executions list "
                                            "--status=QUARANTINED); the callback was not taken");
  if (cb.attempts++ >= 20)
    return refuse(ErrorCode::kInternal, "execution " + id + " could not take the callback");
  if (!st.running.count(id)) rehydrate(self, id);
  auto it = st.running.find(id);
  if (it == st.running.end())
    return refuse(ErrorCode::kTaskTimedOut, "execution " + id + " no longer waits for this token");
  // A request: if the actor had already passivated, the error brings the callback back here
  // and a fresh actor takes it. The dead actor is forgotten at once: its mailbox closes (and
  // bounces this request) before its DOWN is sent, and on a busy machine that gap let the
  // callback bounce off it twenty times and be refused ("could not take the callback").
  auto shared = std::make_shared<TaskCallback>(std::move(cb));
  ExecutionActor target = it->second;
  self->request(target, caf::infinite, task_callback_atom::value, *shared)
      .then([](bool) {},
            [self, shared, id, target](caf::error& err) {
              if (err == caf::sec::request_receiver_down) {
                auto& running = self->state.running;
                // Its DOWN, when it comes, finds the id's entry gone (or a newer actor) and
                // leaves it alone; a crash is still quarantined by it.
                if (auto r = running.find(id); r != running.end() && r->second == target)
                  running.erase(r);
              }
              self->send(self, task_callback_atom::value, std::move(*shared));
            });
}

bool recover_one(Self* self, const std::string& id, WriteBatch& fixes);

// The open executions that run. A waiting one holds no actor until its timer or callback wakes
// it, so recovery neither reads its record nor even its key: a store with a million waiting
// executions serves at once. A store written before runnable_executions existed is indexed
// here, once, from open_executions (every record read, as recovery used to).
std::vector<std::string> runnable_executions(Self* self, WriteBatch& fixes) {
  auto& db = *self->state.engine->db;
  std::vector<std::string> runnable;
  const bool indexed = db.get(Table::kMeta, std::string(kRunnableIndexKey)).has_value();
  db.scan(indexed ? Table::kRunnableExecutions : Table::kOpenExecutions, "",
          [&](std::string_view key, std::string_view) {
            runnable.emplace_back(key);
            if (!indexed) fixes.put(Table::kRunnableExecutions, std::string(key), "");
            return true;
          });
  if (!indexed) fixes.put(Table::kMeta, std::string(kRunnableIndexKey), "1");
  return runnable;
}

// ListExecutions' index (executions_by_start: newest first, per state machine). A store written
// before it existed is indexed here, once: every top-level record read for its state machine,
// start and name (one that does not read is not listed, as before).
void index_started_executions(Self* self, WriteBatch& fixes) {
  auto& db = *self->state.engine->db;
  if (db.get(Table::kMeta, std::string(kStartedIndexKey)).has_value()) return;
  std::uint64_t indexed = 0;
  db.scan(Table::kExecutions, "", [&](std::string_view key, std::string_view value) {
    if (key.find('~') != std::string_view::npos) return true;  // branches are their parent's
    auto record = ExecutionRecord::parse(value, key);
    if (record && !record->is_branch()) {
      fixes.put(Table::kExecutionsByStart,
                started_key(record->state_machine, record->start, record->name), "");
      ++indexed;
    }
    return true;
  });
  fixes.put(Table::kMeta, std::string(kStartedIndexKey), "1");
  adapters::log(adapters::LogLevel::kInfo, "recovery.executions_indexed",
                {{"executions", indexed}});
}

std::uint64_t recover(Self* self) {
  auto& st = self->state;
  WriteBatch fixes;
  index_started_executions(self, fixes);
  const std::vector<std::string> open = runnable_executions(self, fixes);
  // Marks from an earlier run: a record that reads now is retried (its mark goes); one that
  // still does not stays quarantined.
  std::vector<std::string> marked;
  st.engine->db->scan(Table::kMeta, kQuarantinePrefix, [&](std::string_view key, std::string_view) {
    marked.emplace_back(key.substr(kQuarantinePrefix.size()));
    return true;
  });
  WriteBatch cleared;
  for (const auto& id : marked) {
    auto record = load_record(self, id);
    if (!record && record.error().code == ErrorCode::kRecordCorrupt) {
      quarantine(self, id, "record_corrupt", record.error().message);
    } else {
      cleared.erase(Table::kMeta, quarantine_key(id));
    }
  }
  if (!cleared.empty())
    self->request(st.engine->store, caf::infinite, commit_atom::value, std::move(cleared))
        .then([](StoreReply&) {}, [](caf::error&) {});
  std::uint64_t resumed = 0;
  for (const auto& id : open) {
    survive("recover", id, [&] { resumed += recover_one(self, id, fixes) ? 1 : 0; });
  }
  if (!fixes.empty())
    self->request(st.engine->store, caf::infinite, commit_atom::value, std::move(fixes))
        .then([](StoreReply&) {}, [](caf::error&) {});
  return resumed;
}

// Resumes one open execution; false if it has no actor to run now (waiting, or set aside).
// One that turns out to wait is marked so in `fixes`, and the next start skips it.
bool recover_one(Self* self, const std::string& id, WriteBatch& fixes) {
  auto& st = self->state;
  if (st.running.count(id) || st.quarantined.count(id)) return false;
  auto stored = st.engine->db->get(Table::kExecutions, id);
  if (!stored) return false;
  auto record = ExecutionRecord::parse(*stored, id);
  if (!record) {
    quarantine(self, id, "record_corrupt", record.error().message);
    return false;
  }
  // A wait or retry backoff holds no actor: the timer actor rehydrates it when it is due.
  if (waits_to_be_woken(record->phase)) {
    fixes.erase(Table::kRunnableExecutions, id);
    return false;
  }
  auto machine = machine_for(self, *record);
  if (!machine) {
    adapters::log(adapters::LogLevel::kError, "recovery.unknown_state_machine",
                  {{"executionId", id}, {"stateMachine", record->state_machine}});
    return false;
  }
  spawn_child(self, std::move(*record), std::move(machine), false);
  return true;
}

// StartSyncExecution's watches on `id` (messages.hpp ExecutionWatch): its actor stopped, so its
// record is durable at its last commit. A watch past its time is dropped uncalled.
void fire_watches(Self* self, const std::string& id) {
  auto& st = self->state;
  auto found = st.watches.find(id);
  if (found == st.watches.end()) return;
  auto watches = std::move(found->second);
  st.watches.erase(found);
  st.watch_count -= watches.size();
  const auto now = std::chrono::steady_clock::now();
  for (auto& watch : watches)
    if (watch.until > now) survive("watch", id, [&] { watch.changed(); });
}

void add_watch(Self* self, ExecutionWatch watch) {
  auto& st = self->state;
  if (!st.running.count(watch.id)) {
    // No actor runs it: a closed (or unknown) execution is answered now; a passivated one (its
    // record RUNNING) is watched until its next run ends.
    bool open = false;
    if (auto stored = st.engine->db->get(Table::kExecutions, watch.id)) {
      auto record = ExecutionRecord::parse(*stored, watch.id);
      open = record && record->status == ExecutionStatus::kRunning;
    }
    if (!open) {
      survive("watch", watch.id, [&] { watch.changed(); });
      return;
    }
  }
  constexpr std::size_t kPruneAbove = 1024;
  if (st.watch_count >= kPruneAbove) {
    // Watches of executions that wait for days outlive their callers: drop the expired ones.
    const auto now = std::chrono::steady_clock::now();
    for (auto it = st.watches.begin(); it != st.watches.end();) {
      auto& list = it->second;
      const auto before = list.size();
      list.erase(std::remove_if(list.begin(), list.end(),
                                [&](const ExecutionWatch& w) { return w.until <= now; }),
                 list.end());
      st.watch_count -= before - list.size();
      it = list.empty() ? st.watches.erase(it) : std::next(it);
    }
  }
  st.watches[watch.id].push_back(std::move(watch));
  ++st.watch_count;
}

ExecutionsActor::behavior_type executions_behavior(Self* self, EnginePtr engine) {
  self->state.engine = std::move(engine);
  self->set_exception_handler(crash_handler("executions"));
  self->set_down_handler([self](const caf::down_msg& down) {
    auto& st = self->state;
    auto it = st.ids.find(down.source);
    if (it == st.ids.end()) return;
    const std::string id = it->second;
    st.ids.erase(it);
    // The DOWN of an earlier actor for the same id (a refused start, then a new start of the
    // same name) must not touch the actor now running under it, nor its admission.
    auto run = st.running.find(id);
    const bool current = run != st.running.end() && run->second.address() == down.source;
    if (current) st.running.erase(run);
    survive("branch_spawns", id, [&] { execution_actor_changed(self, id, false); });
    // A crash (an exception in the execution's own handlers), not a stop, a passivation or
    // our shutdown: set it aside rather than let a timer respawn it into the same crash. Its
    // record stays at its last durable transition; a restart retries it.
    const bool crashed = down.reason && down.reason != caf::exit_reason::user_shutdown &&
                         down.reason != caf::exit_reason::kill &&
                         down.reason != caf::exit_reason::unreachable;
    if (crashed && !st.quitting && !st.admitting.count(id))
      quarantine(self, id, "actor_crashed", self->system().render(down.reason));
    if (auto waiting = st.after_down.find(id); waiting != st.after_down.end()) {
      auto work = std::move(waiting->second);
      st.after_down.erase(waiting);
      for (auto& w : work) survive("control", id, w);
    }
    // A child that died before its first commit leaves its callers waiting. DOWN messages
    // overtake ordinary ones in CAF 0.17, so the child's own answer (a refusal, say) may still
    // be queued: look again from behind it.
    if (current && st.admitting.count(id)) self->send(self, admission_check_atom::value, id);
    if (current) fire_watches(self, id);
    if (st.quitting && st.running.empty()) {
      for (auto& [pending, admission] : st.admitting) {
        StartResult result;
        result.ok = false;
        result.error = Error{ErrorCode::kDraining, "settled is shutting down; retry " + pending};
        for (auto& waiter : admission.waiters) waiter(result.error);
      }
      st.admitting.clear();
      self->quit(st.quit_reason);
    }
  });
  // Shutting down the supervisor takes its executions with it; they resume from LMDB next start.
  // It ends after the last of them, so whoever waits for its DOWN knows none is left to commit.
  self->set_exit_handler([self](const caf::exit_msg& msg) {
    auto& st = self->state;
    st.quit_reason = msg.reason;
    st.quitting = true;
    for (auto& [id, child] : st.running) self->send_exit(child, msg.reason);
    if (st.running.empty()) self->quit(msg.reason);
  });
  return {
      [self](admission_check_atom, const std::string& id) {
        if (!self->state.admitting.count(id)) return;
        StartResult result;
        result.ok = false;
        result.error =
            Error{ErrorCode::kInternal, "execution " + id + " stopped before it was admitted"};
        admitted(self, id, result);
      },
      [self](start_atom, StartRequest& req) {
        survive(
            "start", req.state_machine + ":" + req.name, [&] { start(self, req); },
            [&](const std::string& cause) {
              // Only if the start had not yet handed its callback on (it may have: then the
              // admission's own end answers it).
              if (req.reply) req.reply(Error{ErrorCode::kInternal, "the start failed: " + cause});
            });
      },
      [self](started_atom, const std::string& id, StartResult& result) {
        survive("started", id, [&] { admitted(self, id, result); });
      },
      [self](recover_atom) -> std::uint64_t { return recover(self); },
      [self](count_atom) -> std::uint64_t { return self->state.running.size(); },
      [self](ingest_atom, bool paused) {
        self->state.paused = paused;
        adapters::log(adapters::LogLevel::kInfo, paused ? "ingestion.paused" : "ingestion.resumed");
        return paused;
      },
      [self](abort_atom, const std::string& id, std::string& error, std::string& cause) {
        if (id.find('~') != std::string::npos && !child_workflow(self, id))
          return self->make_response_promise<ControlReply>().deliver(control_refused(id, "stop"));
        return requested_control(
            self, id, true,
            [self, id, error = std::move(error), cause = std::move(cause)](ControlAnswer answer) {
              abort_now(self, id, std::move(answer), error, cause);
            });
      },
      [self](abort_branch_atom, const std::string& id) {
        control(self, id, true, logged_answer("abort_branch", id),
                [self, id](ControlAnswer answer) {
                  abort_now(self, id, std::move(answer), "", "stopped by operator");
                });
      },
      [self](spawn_branch_atom, const std::string& id) {
        survive("spawn_branch", id, [&] { spawn_branch(self, id); });
      },
      [self](timer_fired_atom, const std::string& id, std::int8_t kind, std::int64_t due) {
        survive("timer_fired", id, [&] { timer_fired(self, id, kind, due); });
      },
      [self](watch_atom, ExecutionWatch& watch) { add_watch(self, std::move(watch)); },
      [self](task_callback_atom, TaskCallback& cb) {
        survive(
            "task_callback", cb.token, [&] { task_callback(self, cb); },
            [&](const std::string& cause) {
              if (cb.reply) cb.reply(Error{ErrorCode::kInternal, "the callback failed: " + cause});
            });
      },
      [self](branch_done_atom, const std::string& parent, const std::string& child) {
        // A parent that is not running (being stopped, say) reads its branches when it resumes.
        if (auto it = self->state.running.find(parent); it != self->state.running.end())
          self->send(it->second, branch_done_atom::value, child);
      },
      [self](redrive_atom, const std::string& id) {
        if (id.find('~') != std::string::npos)
          return self->make_response_promise<ControlReply>().deliver(
              control_refused(id, "redrive"));
        return requested_control(self, id, false, [self, id](ControlAnswer answer) {
          redrive_now(self, id, std::move(answer));
        });
      },
      [self](drain_atom) {
        auto& st = self->state;
        st.draining = true;
        auto rp = self->make_response_promise<bool>();
        if (st.admitting.empty()) {
          rp.deliver(true);
        } else {
          st.drain_waiters.push_back(rp);
        }
        return rp;
      },
      [self](sup_status_atom) {
        const auto& st = self->state;
        return SupervisorStatus{st.running.size(), st.admitting.size(), st.paused, st.draining,
                                st.quarantined.size()};
      },
  };
}

}  // namespace supervisor

ExecutionsActor spawn_executions(caf::actor_system& system, EnginePtr engine) {
  TaskDeadlinesPtr deadlines = engine->task_deadlines;
  auto executions = system.spawn(supervisor::executions_behavior, std::move(engine));
  spawn_task_deadline_sweeper(system, std::move(deadlines), executions);
  return executions;
}

}  // namespace settled::actors
