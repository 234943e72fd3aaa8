#pragma once
// The systemd watchdog's source of truth: a periodic actor that round-trips the executions
// supervisor and the store, and reports the daemon alive only when both answered. A stuck
// scheduler, supervisor or store therefore stops the WATCHDOG=1 pings and systemd restarts us.

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>

namespace settled::actors {

struct WatchdogOptions {
  std::chrono::milliseconds interval{1000};  // between probes (systemd: half of WatchdogSec)
  std::chrono::milliseconds timeout{5000};   // for each of the two round trips
};

// `alive` after each probe both actors answered; `missed` with the reason otherwise.
caf::actor spawn_watchdog(caf::actor_system& system, caf::actor executions, caf::actor store,
                          WatchdogOptions options, std::function<void()> alive,
                          std::function<void(const std::string&)> missed);

}  // namespace settled::actors
