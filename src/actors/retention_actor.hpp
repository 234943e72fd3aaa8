#pragma once
// The retention actor: expires closed executions (their record, history and branch
// executions) a configured time after they closed, oldest first, reading only the
// `closed_executions` index up to the cut-off. LMDB puts the freed pages on its free list and
// reuses them for new writes, so the data file stops growing once retention is in force.
// Once expired, an execution's name may be used again (Step Functions keeps a closed
// execution's name for 90 days; `execution-retention-seconds` below that gives up that rule).

#include "actors/engine.hpp"
#include "actors/interfaces.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <cstddef>

namespace settled::actors {

struct RetentionOptions {
  std::chrono::seconds keep_closed{0};  // 0: keep every closed execution forever
  std::chrono::milliseconds sweep_every{60000};
  std::size_t batch = 256;  // executions expired per commit; a longer backlog goes on at once
};

// Not spawned when keep_closed is 0.
RetentionActor spawn_retention(caf::actor_system& system, EnginePtr engine,
                               RetentionOptions options);

}  // namespace settled::actors
