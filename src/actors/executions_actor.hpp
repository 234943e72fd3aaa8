#pragma once
// The executions supervisor: admits new executions (exactly once per state machine + name),
// spawns and monitors one execution actor per running execution, and resumes every open
// execution from LMDB at start.

#include "actors/engine.hpp"

#include <caf/fwd.hpp>

namespace settled::actors {

// Handles: start_atom, StartRequest -> replies through StartRequest::reply
//          recover_atom -> std::uint64_t (number of executions resumed)
//          count_atom -> std::uint64_t (running execution actors)
caf::actor spawn_executions(caf::actor_system& system, EnginePtr engine);

}  // namespace settled::actors
