#pragma once
// The executions supervisor: admits new executions (exactly once per state machine + name),
// spawns and monitors one execution actor per running execution, resumes every open execution
// from LMDB at start, and carries out the operator's controls: pause/resume ingestion, stop,
// redrive, and the drain that precedes shutdown.

#include "actors/engine.hpp"
#include "actors/interfaces.hpp"

#include <caf/all.hpp>

#include <boost/json/object.hpp>

namespace settled::actors {

// What an operator's control (stop, redrive) comes back with.
struct ControlReply {
  bool ok = true;
  Error error;
  boost::json::object body;  // the execution as GET /v1/executions/{id} shows it
};

struct SupervisorStatus {
  std::uint64_t running = 0;    // execution actors alive
  std::uint64_t admitting = 0;  // starts waiting for their first commit
  bool paused = false;
  bool draining = false;
  std::uint64_t quarantined = 0;  // executions set aside (unreadable record, crashed actor)
};

// Handles: start_atom, StartRequest -> replies through StartRequest::reply (an Answer:
//                        Created, Existing for a replay, or the Error that refused it)
//          recover_atom -> std::uint64_t (number of executions resumed)
//          count_atom -> std::uint64_t (running execution actors)
//          ingest_atom, bool paused -> bool (paused): new starts get IngestionPaused
//          abort_atom, std::string id, error, cause -> ControlReply (stop: ABORTED, recording
//                        the error and cause given, as StopExecution does)
//          redrive_atom, std::string id -> ControlReply (FAILED -> RUNNING at the failed state)
//          drain_atom -> bool, once every admission in flight is answered; later starts get
//                        Draining
//          sup_status_atom -> SupervisorStatus
ExecutionsActor spawn_executions(caf::actor_system& system, EnginePtr engine);

}  // namespace settled::actors
