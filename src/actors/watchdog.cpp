#include "actors/watchdog.hpp"

#include "actors/messages.hpp"

namespace settled::actors {

namespace {

using probe_atom = caf::atom_constant<caf::atom("probe")>;

struct WatchdogState {
  caf::actor executions;
  caf::actor store;
  WatchdogOptions options;
  std::function<void()> alive;
  std::function<void(const std::string&)> missed;
  bool probing = false;  // a slow probe must not pile up behind itself
};

using Self = caf::stateful_actor<WatchdogState>;

void probe(Self* self) {
  auto& st = self->state;
  if (st.probing) return;
  st.probing = true;
  const auto fail = [self](const char* who, const caf::error& err) {
    self->state.probing = false;
    self->state.missed(std::string(who) + " did not answer: " + caf::to_string(err));
  };
  self->request(st.executions, st.options.timeout, count_atom::value)
      .then(
          [self, fail](std::uint64_t) {
            // An empty commit goes through the store's mailbox and its commit path.
            self->request(self->state.store, self->state.options.timeout, commit_atom::value,
                          WriteBatch{})
                .then(
                    [self](StoreReply&) {
                      self->state.probing = false;
                      self->state.alive();
                    },
                    [fail](caf::error& err) { fail("store", err); });
          },
          [fail](caf::error& err) { fail("executions supervisor", err); });
}

caf::behavior watchdog_behavior(Self* self, caf::actor executions, caf::actor store,
                                WatchdogOptions options, std::function<void()> alive,
                                std::function<void(const std::string&)> missed) {
  self->state = WatchdogState{std::move(executions), std::move(store), options, std::move(alive),
                              std::move(missed)};
  self->send(self, probe_atom::value);
  return {
      [self](probe_atom) {
        self->delayed_send(self, self->state.options.interval, probe_atom::value);
        probe(self);
      },
  };
}

}  // namespace

caf::actor spawn_watchdog(caf::actor_system& system, caf::actor executions, caf::actor store,
                          WatchdogOptions options, std::function<void()> alive,
                          std::function<void(const std::string&)> missed) {
  return system.spawn(watchdog_behavior, std::move(executions), std::move(store), options,
                      std::move(alive), std::move(missed));
}

}  // namespace settled::actors
