#pragma once
// The actor face of the Stripe simulator: answers `charge_atom, TaskAttempt` with a TaskOutcome
// after whatever Stripe would have stored is durable in the simulator's own LMDB environment.
// It also owns what the simulator does on its own (docs/stripe-simulator.md): payouts settle when
// their delay is over on the business clock (re-armed from the store at start), onboarding
// completes through the simulator route, and every event is sent to the daemon's own webhook
// endpoint, signed, retried until taken.

#include "actors/clock.hpp"
#include "actors/interfaces.hpp"
#include "adapters/store/lmdb_store.hpp"
#include "adapters/stripe/stripe_simulator.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace settled::actors {

struct StripeSimulatorOptions {
  adapters::SimulatorOptions simulator;  // `webhooks` is set from webhook_secret
  ClockPtr clock;                        // null: the system clock
  std::function<EpochMillis()> now;      // the engine's business time
  std::string webhook_secret;            // "": events are not sent as webhooks
  std::chrono::milliseconds webhook_timeout{10000};
  std::chrono::seconds max_webhook_backoff{3600};
};

// `simulator_db` and `simulator_store`: where its tables are read and committed; the daemon
// passes its main store and store actor (one commit stream), a test may give it its own.
StripeSimulatorActor spawn_stripe_simulator(caf::actor_system& system,
                                            std::shared_ptr<adapters::LmdbStore> simulator_db,
                                            StoreActor simulator_store,
                                            StripeSimulatorOptions options = {});

}  // namespace settled::actors
