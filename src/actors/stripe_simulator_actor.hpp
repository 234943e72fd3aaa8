#pragma once
// The actor face of the Stripe simulator: answers `charge_atom, TaskAttempt` with a TaskOutcome
// after whatever Stripe would have stored is durable in the simulator's own LMDB environment.

#include "actors/interfaces.hpp"
#include "adapters/store/lmdb_store.hpp"

#include <caf/fwd.hpp>

#include <memory>

namespace settled::actors {

// `simulator_store`: the store actor over `simulator_db` (the simulator's own environment).
StripeActor spawn_stripe_simulator(caf::actor_system& system,
                                   std::shared_ptr<adapters::LmdbStore> simulator_db,
                                   StoreActor simulator_store);

}  // namespace settled::actors
