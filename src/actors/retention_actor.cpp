#include "actors/retention_actor.hpp"

#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"
#include "domain/execution_record.hpp"
#include "domain/storage_keys.hpp"

#include <caf/all.hpp>

#include <optional>

namespace settled::actors {

namespace {

struct RetentionState {
  EnginePtr engine;
  RetentionOptions options;
  bool committing = false;
  EpochMillis armed_for = 0;  // simulated clock: the pending wake-up's time; 0: none
};

using Self = caf::stateful_actor<RetentionState, RetentionActor::base>;

bool simulated(const Self* self) {
  return self->state.engine->clock && self->state.engine->clock->is_simulated();
}

// When nothing is left to expire now. On the system clock: the next sweep. On a simulated
// clock: a wake-up when the oldest closed execution falls due (none if there is none; each
// execution that closes sends expire_atom, so a later one is seen as it closes).
void wait_for_next(Self* self) {
  auto& st = self->state;
  if (!simulated(self)) {
    self->delayed_send(self, st.options.sweep_every, expire_atom::value);
    return;
  }
  const EpochMillis now = st.engine->now();
  if (st.armed_for != 0 && st.armed_for <= now) st.armed_for = 0;  // it fired
  std::optional<EpochMillis> oldest;
  st.engine->db->scan(Table::kClosedExecutions, "", [&](std::string_view key, std::string_view) {
    ClosedKey closed;
    if (parse_closed_key(key, closed)) oldest = closed.stop;
    return false;
  });
  if (!oldest) return;
  const EpochMillis due =
      *oldest +
      std::chrono::duration_cast<std::chrono::milliseconds>(st.options.keep_closed).count() + 1;
  if (st.armed_for != 0 && st.armed_for <= due) return;  // an earlier wake-up will look again
  st.armed_for = due;
  wake_at(self, st.engine->clock, now, due, expire_atom::value);
}

// Erases `execution_id`'s record and history rows into `batch`.
void erase_execution(const adapters::LmdbStore& db, const std::string& execution_id,
                     WriteBatch& batch) {
  // A child named as Step Functions names it (an AWS startExecution.sync task's): its name and
  // its row in its state machine's listing go with it. A Task starts one child, branch 0 of its
  // event (<parent>~<event>.0): a Map's other iterations are not read.
  const auto last_branch = execution_id.rfind('~');
  if (last_branch != std::string::npos && execution_id.size() > 2 &&
      execution_id.compare(execution_id.size() - 2, 2, ".0") == 0) {
    if (auto stored = db.get(Table::kExecutions, execution_id)) {
      auto record = ExecutionRecord::parse(*stored, execution_id);
      if (record && record->is_branch() && record->scope.empty()) {
        const std::string aws_id = record->state_machine + ":" + record->name;
        if (db.get(Table::kChildExecutions, aws_id) == execution_id) {
          batch.erase(Table::kChildExecutions, aws_id);
          batch.erase(Table::kExecutionsByStart,
                      started_key(record->state_machine, record->start, record->name));
        }
      }
    }
  }
  batch.erase(Table::kExecutions, execution_id);
  db.scan(Table::kHistory, history_prefix(execution_id),
          [&](std::string_view key, std::string_view) {
            batch.erase(Table::kHistory, std::string(key));
            return true;
          });
}

void expire(Self* self) {
  auto& st = self->state;
  if (st.committing) return;
  const auto& db = *st.engine->db;
  const EpochMillis cutoff =
      st.engine->now() -
      std::chrono::duration_cast<std::chrono::milliseconds>(st.options.keep_closed).count();
  const std::string end = closed_key(cutoff + 1, "");
  WriteBatch batch;
  std::size_t expired = 0;
  bool more = false;
  db.scan(Table::kClosedExecutions, "", [&](std::string_view key, std::string_view) {
    if (key >= end) return false;
    if (expired == st.options.batch) {
      more = true;
      return false;
    }
    ClosedKey closed;
    batch.erase(Table::kClosedExecutions, std::string(key));
    if (parse_closed_key(key, closed)) {
      // Its row in ListExecutions' index goes too (a record that does not read leaves its row:
      // the listing skips a row whose record is gone).
      if (auto stored = db.get(Table::kExecutions, closed.execution_id)) {
        if (auto record = ExecutionRecord::parse(*stored, closed.execution_id))
          batch.erase(Table::kExecutionsByStart,
                      started_key(record->state_machine, record->start, record->name));
      }
      erase_execution(db, closed.execution_id, batch);
      // Parallel branches and Map iterations are executions "<parent>~...".
      db.scan(Table::kExecutions, closed.execution_id + "~",
              [&](std::string_view branch, std::string_view) {
                erase_execution(db, std::string(branch), batch);
                return true;
              });
    }
    ++expired;
    return true;
  });
  if (expired == 0) {
    wait_for_next(self);
    return;
  }
  st.committing = true;
  self->request(st.engine->store, caf::infinite, commit_atom::value, std::move(batch))
      .then(
          [self, expired, more](StoreReply& reply) {
            self->state.committing = false;
            if (reply.ok) {
              adapters::log(adapters::LogLevel::kInfo, "retention.expired",
                            {{"executions", expired}});
              adapters::Metrics::instance().executions_expired(expired);
            }
            // A failed commit is tried again at the next sweep; a backlog goes on at once.
            if (reply.ok && (more || simulated(self)))
              self->send(self, expire_atom::value);  // a simulated clock: to find the next due
            else
              self->delayed_send(self, self->state.options.sweep_every, expire_atom::value);
          },
          [self](caf::error&) {
            self->state.committing = false;
            self->delayed_send(self, self->state.options.sweep_every, expire_atom::value);
          });
}

RetentionActor::behavior_type retention_behavior(Self* self, EnginePtr engine,
                                                 RetentionOptions options) {
  self->state.engine = std::move(engine);
  self->state.options = options;
  self->send(self, expire_atom::value);
  return {[self](expire_atom) { expire(self); }};
}

}  // namespace

RetentionActor spawn_retention(caf::actor_system& system, EnginePtr engine,
                               RetentionOptions options) {
  return system.spawn(retention_behavior, std::move(engine), options);
}

}  // namespace settled::actors
