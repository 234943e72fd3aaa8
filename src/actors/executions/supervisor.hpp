#pragma once
// The executions supervisor's state (executions_actor.cpp's behavior), shared by the files that
// do its jobs:
//   executions_actor.cpp     starts, recovery, timers, task callbacks, DOWN messages
//   executions/controls.cpp  operators' stop and redrive, and TimeoutSeconds: ending or reviving
//                            an execution from outside while no actor of it runs
//   executions/branch_spawns.cpp  branches past max-running-executions, waiting for a slot
// Everything here runs on the supervisor's own thread.

#include "actors/engine.hpp"
#include "actors/executions_actor.hpp"
#include "actors/messages.hpp"
#include "adapters/ops/crash_log.hpp"
#include "domain/execution_record.hpp"

#include <boost/json.hpp>

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace settled::actors::supervisor {

namespace json = boost::json;

struct SupervisorState {
  EnginePtr engine;
  std::unordered_map<std::string, ExecutionActor> running;  // id -> execution actor
  std::unordered_map<caf::actor_addr, std::string> ids;     // for DOWN messages
  struct Admission {
    json::value input;
    std::vector<AnswerCallback> waiters;  // the first created it; the rest are replays
  };
  std::unordered_map<std::string, Admission> admitting;
  bool paused = false;
  bool draining = false;
  std::vector<caf::typed_response_promise<bool>> drain_waiters;
  // Controls (stop, redrive) in progress, and the work each waits on: the end of its actor.
  std::unordered_set<std::string> controlling;
  std::unordered_map<std::string, std::vector<std::function<void()>>> after_down;
  bool quitting = false;
  caf::error quit_reason;
  // Executions set aside: their record cannot be read, or their actor crashed. Not respawned by
  // timers or callbacks until the next start retries them (id -> cause).
  std::unordered_map<std::string, std::string> quarantined;
  // StartSyncExecution's watches (messages.hpp ExecutionWatch), by execution id: called at the
  // id's next DOWN.
  std::unordered_map<std::string, std::vector<ExecutionWatch>> watches;
  std::size_t watch_count = 0;
  // Branch actors alive, by parent id, and branches a parent launched past
  // max-running-executions, waiting for a slot in order: (parent, branch id).
  std::unordered_map<std::string, std::size_t> live_branches;
  std::deque<std::pair<std::string, std::string>> deferred_branches;
};

using Self = caf::stateful_actor<SupervisorState, ExecutionsActor::base>;

// One message's work for the supervisor (adapters/ops/crash_log.hpp): an exception fails that
// message, and every other execution goes on.
template <class Work, class Failed>
void survive(const char* handler, const std::string& id, Work&& work, Failed&& failed) {
  adapters::survive(
      "executions", handler,
      [&id] {
        return json::object{{"executionId", id}};
      },
      std::forward<Work>(work), std::forward<Failed>(failed));
}

template <class Work>
void survive(const char* handler, const std::string& id, Work&& work) {
  survive(handler, id, std::forward<Work>(work), [](const std::string&) {});
}

// Sets one execution aside, loudly (executions_actor.cpp).
void quarantine(Self* self, const std::string& id, const std::string& reason,
                const std::string& cause);
// Starts the actor of `record` (fresh: never committed before) and supervises it.
void spawn_child(Self* self, ExecutionRecord record, asl::StateMachinePtr machine, bool fresh);
// The (sub-)machine an execution runs: a branch execution runs part of its root's definition.
asl::StateMachinePtr machine_for(Self* self, const ExecutionRecord& record);
// Its last durable record; kRecordCorrupt for a row that does not decode.
Result<ExecutionRecord> load_record(Self* self, const std::string& id);

// Branch spawns (executions/branch_spawns.cpp). Branches count against max-running-executions:
// past it, a branch whose parent has another alive waits until an actor ends (one execution's
// Parallel of Maps held 82,000 actors, and every other client's start was refused); a parent
// with none alive gets its branch at once, so nested branches always make progress.
// A parent launched branch `id` (its record is committed): spawned now, or deferred.
void spawn_branch(Self* self, const std::string& id);
// An execution actor was spawned (`alive`) or has ended: counts branches, and spawns what waits.
void execution_actor_changed(Self* self, const std::string& id, bool alive);
// The part of a branch id before its last '~' ("" for a top-level execution).
std::string parent_of_branch(const std::string& id);
// Its actor from its record, if it is still running (executions_actor.cpp).
void rehydrate(Self* self, const std::string& id);

// Controls (executions/controls.cpp). Each answers once its writes are durable, through a
// ControlAnswer: a request's promise (stop, redrive), or a log line when the cause is a one-way
// message (a passed TimeoutSeconds, a failed sibling branch) that has no one to answer. A
// response promise made for a one-way message would send a ControlReply its sender does not
// handle.
using ControlAnswer = std::function<void(ControlReply)>;
// Runs `work` for execution `id` once no actor of it is alive; `kill` ends a live one first.
void control(Self* self, const std::string& id, bool kill, ControlAnswer answer,
             std::function<void(ControlAnswer)> work);
// Branch executions belong to their parent's Parallel/Map state: operators act on the parent.
ControlReply control_refused(const std::string& id, const char* what);
// Stopped: ABORTED, its ExecutionAborted event carrying `error` and `cause` (either may be empty).
void abort_now(Self* self, const std::string& id, ControlAnswer rp, const std::string& error,
               const std::string& cause);
void time_out_now(Self* self, const std::string& id, ControlAnswer rp);
void redrive_now(Self* self, const std::string& id, ControlAnswer rp);

}  // namespace settled::actors::supervisor
