#include "actors/watchdog_actor.hpp"

#include "actors/readiness_actor.hpp"

#include <boost/json/serialize.hpp>

#include <caf/all.hpp>

namespace settled::actors {

namespace {

struct WatchdogState {
  ReadinessTargets targets;
  WatchdogOptions options;
  std::function<void()> alive;
  std::function<void(const std::string&)> missed;
  bool probing = false;  // a slow probe must not pile up behind itself
};

using Self = WatchdogActor::stateful_pointer<WatchdogState>;

// Everything answered, and the store either wrote or is only full.
bool deserves_to_live(const ReadinessReport& report) {
  if (!report.executions.empty() || !report.ledger.empty() || !report.events.empty() ||
      !report.timers.empty())
    return false;
  if (report.store.empty()) return true;
  return report.store_error && report.store_error->code == ErrorCode::kStoreFull;
}

void probe(Self self) {
  auto& st = self->state;
  if (st.probing) return;
  st.probing = true;
  check_readiness(self, st.targets, [self](ReadinessReport report) {
    self->state.probing = false;
    if (deserves_to_live(report)) {
      self->state.alive();
    } else {
      self->state.missed(boost::json::serialize(report.to_json()));
    }
  });
}

WatchdogActor::behavior_type watchdog_behavior(Self self, ReadinessTargets targets,
                                               WatchdogOptions options, std::function<void()> alive,
                                               std::function<void(const std::string&)> missed) {
  self->state = WatchdogState{std::move(targets), options, std::move(alive), std::move(missed)};
  self->send(self, probe_atom::value);
  return {
      [self](probe_atom) {
        self->delayed_send(self, self->state.options.interval, probe_atom::value);
        probe(self);
      },
  };
}

}  // namespace

WatchdogActor spawn_watchdog(caf::actor_system& system, ReadinessTargets targets,
                             WatchdogOptions options, std::function<void()> alive,
                             std::function<void(const std::string&)> missed) {
  return system.spawn(watchdog_behavior, std::move(targets), options, std::move(alive),
                      std::move(missed));
}

}  // namespace settled::actors
