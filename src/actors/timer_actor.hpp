#pragma once
// The timer actor: fires the durable timers of the `timers` table (Wait states, retry backoff,
// callback deadlines, execution timeouts). Timers are written by executions in the same commit
// as the transition that needs them; the table is ordered by due time, so this actor keeps in
// memory only the timers due within the next window and reads the rest as their time comes.
// An execution that only waits therefore holds no actor and almost no memory: it is
// rehydrated from LMDB when its timer fires. A timer due while the daemon was down fires at
// start.

#include "actors/engine.hpp"
#include "actors/interfaces.hpp"

#include <caf/fwd.hpp>

#include <chrono>

namespace settled::actors {

struct TimerOptions {
  // How far ahead the actor loads timers into memory; later ones stay in LMDB until then.
  std::chrono::milliseconds window{60000};
};

// Handles `timer_atom, std::string key` (a timer just committed: load it if it is due within
// the window). Sends `timer_fired_atom, std::string execution_id, char kind, std::int64_t due`
// to `supervisor` when a timer is due.
TimersActor spawn_timers(caf::actor_system& system, EnginePtr engine, ExecutionsActor supervisor,
                         TimerOptions options = {});

}  // namespace settled::actors
