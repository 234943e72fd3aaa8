#pragma once
// The events actor: matches posted events (POST /v1/events) with executions waiting in
// settled:events.waitFor, by type and correlation key. One actor sees every event and every
// wait, so an event racing ahead of its workflow is never lost: it is kept (for the
// retention) and taken by the first execution that waits for it. Each event is taken once:
// the waiter's row, the event's row and its id are erased/written in the same commit as the
// transition of the execution that takes it.

#include "actors/engine.hpp"
#include "actors/interfaces.hpp"

#include <caf/fwd.hpp>

#include "domain/events/event_rules.hpp"

#include <chrono>
#include <vector>

namespace settled::actors {

struct EventsOptions {
  std::chrono::seconds retention{7 * 24 * 3600};  // an unclaimed event is kept this long
  std::chrono::seconds sweep_every{60};
  // Kept events (posted with no execution waiting) past which POST /v1/events refuses one that
  // would be kept (503 Overloaded, nothing stored): each costs memory for its retention, and
  // until session 33 any key could keep millions. Signed webhooks are always kept.
  std::size_t max_kept = 100000;
  // The rules-dir files (docs/event-rules.md): what an event starts besides waking a waiter.
  std::vector<events::EventRule> rules;
};

EventsActor spawn_events(caf::actor_system& system, EnginePtr engine, ExecutionsActor executions,
                         EventsOptions options = {});

}  // namespace settled::actors
