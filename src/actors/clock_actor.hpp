#pragma once
// The simulated clock's driver (docs/clock.md): first waits for the daemon to be quiet (work
// under way asks for its wake-ups at the current time), then advances the clock to a target in
// steps, one per due time of the wakes pending at that moment, earliest first. Each step is made
// durable first (Table::kMeta, so a restart resumes at it and never goes back), then hands every
// wake due by then to its actor, then waits until the daemon has settled: no wake asked for, no
// commit and no actor started or stopped for `quiet`. So a timer that fires at T1 and sets one
// at T2 <= the target fires that one too, in order, and the answer comes once everything due by
// the target has fired and what it did has been committed. Advances queue: one runs at a time.

#include "actors/clock.hpp"
#include "actors/interfaces.hpp"
#include "actors/store_actor.hpp"
#include "domain/result.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace settled::actors {

struct ClockReport {
  EpochMillis now = 0;
  std::uint64_t fired = 0;  // wakes handed to their actors
  std::uint64_t steps = 0;  // distinct times the clock stopped at
};

struct ClockAdvance {
  EpochMillis to = 0;  // refused (InvalidRequest) if before the clock's time
  std::function<void(Result<ClockReport>)> reply;
};

struct ClockOptions {
  // How long the daemon must stay quiet after a step before the next one: longer than any gap
  // between a wake's delivery and the commit or wake it leads to.
  std::chrono::milliseconds quiet{100};
  std::chrono::milliseconds poll{5};
};

// `clock` must be simulated. `stats` are the main store's (its commits show activity).
ClockActor spawn_clock(caf::actor_system& system, ClockPtr clock, StoreActor store,
                       std::shared_ptr<StoreStats> stats, ClockOptions options = {});

}  // namespace settled::actors
