#pragma once
// The actor face of the live Stripe client: answers `charge_atom, TaskAttempt` with a
// TaskOutcome, like the simulator actor, so the engine takes either one as its `stripe`.

#include "actors/interfaces.hpp"
#include "adapters/stripe/stripe_client.hpp"

#include <caf/fwd.hpp>

#include <memory>

namespace settled::actors {

// The actor keeps `client` alive; many requests may be open at once (the client's pool limits
// how many reach Stripe together).
StripeActor spawn_stripe_client(caf::actor_system& system,
                                std::shared_ptr<adapters::StripeClient> client);

}  // namespace settled::actors
