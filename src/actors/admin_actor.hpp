#pragma once
// The admin socket's actor: it keeps what the operator's commands need between calls (the start
// time, the store's counters sampled one second apart for the commit rate) and asks the
// executions supervisor on their behalf, answering each ask with a domain result. The commands
// themselves (their fields and replies) are the API layer's: api/admin_commands.cpp.

#include "actors/executions_actor.hpp"
#include "actors/interfaces.hpp"
#include "actors/store_actor.hpp"

#include <caf/all.hpp>

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace settled::actors {

struct DaemonStatus {
  SupervisorStatus supervisor;
  std::int64_t uptime_seconds = 0;
  double commits_per_second = 0;  // over the last full second
  double operations_per_second = 0;
};

// Each `reply` runs on the admin actor's thread.
struct StatusAsk {
  std::function<void(Result<DaemonStatus>)> reply;
};
// Stop (ABORTED) or redrive (FAILED -> RUNNING) one execution; the reply is the execution as
// describe shows it.
struct ControlAsk {
  enum class Kind { kStop, kRedrive };
  Kind kind = Kind::kStop;
  std::string execution_id;
  std::function<void(Result<boost::json::object>)> reply;
  // A stop's ExecutionAborted error and cause: settlectl's default, or StopExecution's (which may
  // give neither, and then the execution records none).
  std::string error;
  std::string cause = "stopped by operator";
};
// Pause or resume ingestion; the reply is whether it is paused now.
struct IngestionAsk {
  bool pause = true;
  std::function<void(Result<bool>)> reply;
};

// Handles: admin_atom, StatusAsk | ControlAsk | IngestionAsk.
AdminActor spawn_admin_actor(caf::actor_system& system, ExecutionsActor executions,
                             std::shared_ptr<StoreStats> store_stats);

}  // namespace settled::actors
