#pragma once
// Readiness: can settled take work right now? One check round-trips the executions supervisor,
// the ledger router, the events and timer actors (when set) and a durable store write (a
// heartbeat row in Table::kMeta, fsync'd), each with a short timeout, in parallel. GET /readyz
// answers with it; the systemd watchdog runs the same check (watchdog_actor.hpp) with its own rule
// for what deserves a restart.

#include "actors/interfaces.hpp"
#include "adapters/store/lmdb_store.hpp"
#include "domain/readiness_report.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace settled::actors {

struct ReadinessTargets {
  ExecutionsActor executions;
  LedgerActor ledger;
  StoreActor store;
  std::chrono::milliseconds timeout{2000};  // for each round trip
  // A tiny heartbeat can commit on pages LMDB recycles while nothing bigger fits on a full
  // disk: the store is also not ready with less than `min_free_bytes` left on its file system.
  std::shared_ptr<adapters::LmdbStore> db;
  std::uint64_t min_free_bytes = std::uint64_t{1} << 20;
  // ... and, for the same reason, with less than this left in its LMDB map (a full map refused
  // every start while the heartbeat still committed and /readyz said ready).
  std::uint64_t min_map_free_bytes = std::uint64_t{256} << 10;
  EventsActor events;  // not checked when unset
  TimersActor timers;  // not checked when unset
};

// Runs the check from inside `self` (an actor); `done` runs in `self` once all answered
// or timed out.
void check_readiness(ReadinessActor::pointer self, const ReadinessTargets& targets,
                     ReadinessCallback done);
void check_readiness(WatchdogActor::pointer self, const ReadinessTargets& targets,
                     ReadinessCallback done);

// An actor for callers outside the actor system (the API layer): `ready_atom, ReadinessCallback`.
ReadinessActor spawn_readiness(caf::actor_system& system, ReadinessTargets targets);

}  // namespace settled::actors
