// Ending or reviving an execution from outside: an operator's stop and redrive, and a passed
// TimeoutSeconds. Each waits until no actor of the execution runs, then builds on its last
// durable record.
#include "actors/executions/supervisor.hpp"

#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"
#include "adapters/store/started_executions.hpp"
#include "domain/execution_control.hpp"
#include "domain/storage_keys.hpp"

namespace settled::actors::supervisor {

Result<ExecutionRecord> load_record(Self* self, const std::string& id) {
  auto stored = self->state.engine->db->get(Table::kExecutions, id);
  if (!stored) return adapters::execution_does_not_exist(id);
  return ExecutionRecord::parse(*stored, id);
}

void control_done(Self* self, const std::string& id, ControlAnswer& rp, ControlReply reply) {
  self->state.controlling.erase(id);
  rp(std::move(reply));
}

ControlReply control_error(Error error) {
  ControlReply reply;
  reply.ok = false;
  reply.error = std::move(error);
  return reply;
}

// A control's step: an exception in it answers the operator with the cause and frees the id.
void guarded_control(Self* self, const std::string& id, ControlAnswer& rp,
                     const std::function<void()>& work) {
  survive("control", id, work, [&](const std::string& cause) {
    control_done(self, id, rp,
                 control_error(Error{ErrorCode::kInternal, "execution " + id + ": " + cause}));
  });
}

// Commits `batch` and answers with the record, then runs `then` (on success only).
void commit_control(Self* self, const std::string& id, ControlAnswer rp, WriteBatch batch,
                    ExecutionRecord record, std::function<void(ExecutionRecord)> then) {
  auto shared = std::make_shared<ExecutionRecord>(std::move(record));
  self->request(self->state.engine->store, caf::infinite, commit_atom::value, std::move(batch))
      .then(
          [self, id, rp, shared, then](StoreReply& reply) mutable {
            if (!reply.ok) return control_done(self, id, rp, control_error(reply.error));
            guarded_control(self, id, rp, [&] {
              ControlReply ok;
              ok.body = shared->describe();
              if (then) then(std::move(*shared));
              control_done(self, id, rp, std::move(ok));
            });
          },
          [self, id, rp](caf::error& err) mutable {
            control_done(self, id, rp,
                         control_error(Error{ErrorCode::kStoreUnavailable, caf::to_string(err)}));
          });
}

// Branch executions (Parallel branches, Map iterations) of `id`, at any depth: their ids all
// start with "<id>~".
std::vector<std::string> open_descendants(Self* self, const std::string& id) {
  std::vector<std::string> found;
  self->state.engine->db->scan(Table::kOpenExecutions, id + "~",
                               [&](std::string_view key, std::string_view) {
                                 found.emplace_back(key);
                                 return true;
                               });
  return found;
}

// How an execution with no actor alive is ended from outside (a stop, a passed TimeoutSeconds):
// `end` turns its last durable record into the writes that end it (and says so in the log);
// `ended` runs once they are durable. Either way its branches stop then.
struct Ending {
  std::function<Result<WriteBatch>(ExecutionRecord&)> end;
  std::function<void(const ExecutionRecord&)> ended;
};

void end_now(Self* self, const std::string& id, ControlAnswer rp, Ending ending) {
  // A commit the execution sent before it died may still be queued at the store; an empty
  // commit behind it orders our read after it, so the end builds on its last durable state.
  self->request(self->state.engine->store, caf::infinite, commit_atom::value, WriteBatch{})
      .then(
          [self, id, rp, ending = std::move(ending)](StoreReply&) mutable {
            guarded_control(self, id, rp, [&] {
              auto record = load_record(self, id);
              if (!record) return control_done(self, id, rp, control_error(record.error()));
              auto batch = ending.end(*record);
              if (!batch) {
                // A branch whose actor was ended just as its own final commit landed: that
                // actor never got to tell its parent, so this does (a stale report is ignored).
                if (record->is_branch() && record->status != ExecutionStatus::kRunning)
                  self->send(self, branch_done_atom::value, record->parent_id, record->id);
                return control_done(self, id, rp, control_error(batch.error()));
              }
              commit_control(
                  self, id, rp, std::move(*batch), std::move(*record),
                  [self, id, ended = ending.ended](ExecutionRecord done) {
                    if (ended) ended(done);
                    // A branch ended without its actor (a child workflow's own TimeoutSeconds
                    // passed while it was passivated, say): its parent, which runs while its
                    // branches do, is told as the branch's actor would have told it. A parent
                    // that stopped it itself ignores the report.
                    if (done.is_branch())
                      self->send(self, branch_done_atom::value, done.parent_id, done.id);
                    // No periodic sweep on a simulated clock (docs/clock.md).
                    const auto& engine = self->state.engine;
                    if (engine->retention && engine->clock && engine->clock->is_simulated())
                      self->send(engine->retention, expire_atom::value);
                    for (auto& branch : open_descendants(self, id))
                      self->send(self, abort_branch_atom::value, std::move(branch));
                  });
            });
          },
          [self, id, rp](caf::error& err) mutable {
            control_done(self, id, rp,
                         control_error(Error{ErrorCode::kStoreUnavailable, caf::to_string(err)}));
          });
}

// Stopped by the operator: ABORTED.
void abort_now(Self* self, const std::string& id, ControlAnswer rp, const std::string& error,
               const std::string& cause) {
  end_now(self, id, std::move(rp),
          {[self, id, error, cause](ExecutionRecord& record) {
             auto batch = abort_execution(record, self->state.engine->now(), error, cause);
             if (batch)
               adapters::log(adapters::LogLevel::kInfo, "execution.aborted", {{"executionId", id}});
             return batch;
           },
           nullptr});
}

// TimeoutSeconds has passed: TIMED_OUT, counted as a finished execution.
void time_out_now(Self* self, const std::string& id, ControlAnswer rp) {
  end_now(self, id, std::move(rp),
          {[self, id](ExecutionRecord& record) {
             auto batch = time_out_execution(record, self->state.engine->now());
             if (batch)
               adapters::log(adapters::LogLevel::kWarn, "execution.timed_out",
                             {{"executionId", id}, {"state", record.state}});
             return batch;
           },
           [](const ExecutionRecord& done) {
             adapters::Metrics::instance().execution_finished(
                 done.state_machine, status_name(done.status),
                 static_cast<double>(done.stop - done.start) / 1000.0);
           }});
}

void redrive_now(Self* self, const std::string& id, ControlAnswer rp) {
  auto record = load_record(self, id);
  if (!record) return control_done(self, id, rp, control_error(record.error()));
  auto machine = machine_for(self, *record);
  if (!machine)
    return control_done(self, id, rp,
                        control_error(Error{ErrorCode::kStateMachineDoesNotExist,
                                            "state machine \"" + record->state_machine +
                                                "\" is no longer registered"}));
  if (!machine->find(record->state))
    return control_done(
        self, id, rp,
        control_error(Error{ErrorCode::kInvalidRequest,
                            "state \"" + record->state + "\" is not in the current definition of " +
                                record->state_machine}));
  // Its branches still being stopped would end the redriven state again as they end.
  if (record->status != ExecutionStatus::kRunning && !open_descendants(self, id).empty())
    return control_done(
        self, id, rp,
        control_error(Error{ErrorCode::kInvalidRequest,
                            "execution " + id + " still has branches being stopped; try again"}));
  auto batch = redrive_execution(*record, self->state.engine->now(), machine->timeout_seconds);
  if (!batch) return control_done(self, id, rp, control_error(batch.error()));
  adapters::log(adapters::LogLevel::kInfo, "execution.redriven",
                {{"executionId", id}, {"state", record->state}});
  commit_control(self, id, rp, std::move(*batch), std::move(*record),
                 [self, machine](ExecutionRecord committed) {
                   // Its TimeoutSeconds starts again: the timer actor learns the new deadline.
                   if (committed.deadline && self->state.engine->timers)
                     self->send(self->state.engine->timers, timer_atom::value,
                                timer_key(committed.deadline, timer_kind::kTimeout, committed.id));
                   spawn_child(self, std::move(committed), machine, false);
                 });
}

// Branch executions belong to their parent's Parallel/Map state: operators act on the parent.
ControlReply control_refused(const std::string& id, const char* what) {
  return control_error(
      Error{ErrorCode::kInvalidRequest, "execution " + id + " runs as part of its parent; " + what +
                                            " its parent execution " + id.substr(0, id.find('~')) +
                                            " instead"});
}

// Runs `work` for execution `id` once no actor of it is alive; `kill` ends a live one first.
// `answer` hears how it ended (a request's promise, or a log line for one-way causes).
void control(Self* self, const std::string& id, bool kill, ControlAnswer answer,
             std::function<void(ControlAnswer)> work) {
  auto& st = self->state;
  if (st.controlling.count(id) || st.admitting.count(id)) {
    answer(control_error(Error{
        ErrorCode::kInvalidRequest,
        "execution " + id + " is busy (starting, stopping or " + "being redriven); try again"}));
    return;
  }
  st.controlling.insert(id);
  auto it = st.running.find(id);
  if (it == st.running.end()) {
    work(std::move(answer));
    return;
  }
  st.after_down[id].push_back([work, answer] { work(answer); });
  if (kill) self->send_exit(it->second, caf::exit_reason::user_shutdown);
}

}  // namespace settled::actors::supervisor
