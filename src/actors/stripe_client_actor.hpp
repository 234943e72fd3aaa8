#pragma once
// The actor face of the live Stripe client: answers `charge_atom, TaskAttempt` with a
// TaskOutcome, like the simulator actor, so the engine takes either one as its `stripe`. The
// same actor serves every live downstream client (spawn_task_client; Veriff's in
// veriff_client_actor.hpp).

#include "actors/interfaces.hpp"
#include "adapters/stripe/stripe_client.hpp"

#include <caf/fwd.hpp>

#include <functional>
#include <memory>

namespace settled::actors {

// Makes one call; `done` runs once, on any thread.
using TaskCall = std::function<void(const TaskAttempt&, std::function<void(TaskOutcome)>)>;

// An actor answering each `charge_atom, TaskAttempt` with what `call` answers, delivered on the
// actor's own thread; many calls may be open at once. `call` keeps its client alive. (StripeActor
// and VeriffActor are the same interface.)
StripeActor spawn_task_client(caf::actor_system& system, TaskCall call);

// spawn_task_client() over a client's make_resource_call(attempt, done); the actor keeps
// `client` alive.
template <typename Client>
StripeActor spawn_client_actor(caf::actor_system& system, std::shared_ptr<Client> client) {
  return spawn_task_client(system,
                           [client = std::move(client)](const TaskAttempt& attempt,
                                                        std::function<void(TaskOutcome)> done) {
                             client->make_resource_call(attempt, std::move(done));
                           });
}

// The actor keeps `client` alive; many requests may be open at once (the client's pool limits
// how many reach Stripe together).
StripeActor spawn_stripe_client(caf::actor_system& system,
                                std::shared_ptr<adapters::StripeClient> client);

}  // namespace settled::actors
