#pragma once
// The systemd watchdog's source of truth: a periodic actor that runs the readiness check
// (readiness_actor.hpp: the executions supervisor, the ledger router and a durable store write) and
// reports the daemon alive only when it deserves to live on. A stuck scheduler, supervisor,
// ledger or store, or a store that answers with a failure a restart may cure (EIO, a panicked
// LMDB environment), stops the WATCHDOG=1 pings and systemd restarts us. A full disk or map
// (StoreFull) does not: a restart frees no space, and reads keep being served meanwhile.

#include "actors/interfaces.hpp"
#include "actors/readiness_actor.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace settled::actors {

struct WatchdogOptions {
  std::chrono::milliseconds interval{1000};  // between probes (systemd: half of WatchdogSec)
  std::chrono::milliseconds timeout{5000};   // for each round trip
};

// `alive` after each probe that passed; `missed` with the reason otherwise.
WatchdogActor spawn_watchdog(caf::actor_system& system, ReadinessTargets targets,
                             WatchdogOptions options, std::function<void()> alive,
                             std::function<void(const std::string&)> missed);

}  // namespace settled::actors
