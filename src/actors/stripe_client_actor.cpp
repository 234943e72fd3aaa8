#include "actors/stripe_client_actor.hpp"

#include "actors/messages.hpp"

#include <utility>

namespace settled::actors {

// An answer from the client's io thread on its way back into the actor.
struct StripeClientReply {
  caf::response_promise promise;
  TaskOutcome outcome;
};

namespace {

struct StripeClientState {
  std::shared_ptr<adapters::StripeClient> client;
};

caf::behavior stripe_client_behavior(caf::stateful_actor<StripeClientState>* self,
                                     std::shared_ptr<adapters::StripeClient> client) {
  self->state.client = std::move(client);
  return {
      [self](charge_atom, TaskAttempt& attempt) {
        auto promise = self->make_response_promise();
        // Weak: an open Stripe call must not keep a stopped actor alive.
        caf::weak_actor_ptr weak{self->ctrl()};
        self->state.client->make_resource_call(
            attempt, [weak, promise](TaskOutcome outcome) mutable {
              // The promise is delivered on the actor's own thread: deliver() reads the
              // actor's execution context, which only its thread may touch.
              if (auto strong = weak.lock()) {
                caf::anon_send(caf::actor_cast<caf::actor>(strong), stripe_done_atom::value,
                               StripeClientReply{std::move(promise), std::move(outcome)});
              } else {
                promise.deliver(std::move(outcome));
              }
            });
      },
      [](stripe_done_atom, StripeClientReply& reply) {
        reply.promise.deliver(std::move(reply.outcome));
      },
  };
}

}  // namespace

StripeActor spawn_stripe_client(caf::actor_system& system,
                                std::shared_ptr<adapters::StripeClient> client) {
  // Its behavior stays dynamically typed (stripe_done_atom is its own); the handle promises
  // StripeActor's one message.
  return caf::actor_cast<StripeActor>(system.spawn(stripe_client_behavior, std::move(client)));
}

}  // namespace settled::actors
