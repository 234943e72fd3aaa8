#include "actors/stripe_client_actor.hpp"

#include "actors/messages.hpp"

#include <utility>

namespace settled::actors {

// An answer from the client's io thread on its way back into the actor.
struct StripeClientReply {
  caf::typed_response_promise<TaskOutcome> promise;
  TaskOutcome outcome;
};

namespace {

// StripeActor plus the answers the actor sends itself from the client's io thread; only
// StripeActor leaves this file.
using StripeClientActor = StripeActor::extend<caf::reacts_to<stripe_done_atom, StripeClientReply>>;

struct StripeClientState {
  TaskCall call;
};

using Self = caf::stateful_actor<StripeClientState, StripeClientActor::base>;

StripeClientActor::behavior_type stripe_client_behavior(Self* self, TaskCall call) {
  self->state.call = std::move(call);
  return {
      [self](charge_atom, TaskAttempt& attempt) {
        auto promise = self->make_response_promise<TaskOutcome>();
        // Weak: an open call must not keep a stopped actor alive.
        caf::weak_actor_ptr weak{self->ctrl()};
        self->state.call(attempt, [weak, promise](TaskOutcome outcome) mutable {
          // The promise is delivered on the actor's own thread: deliver() reads the
          // actor's execution context, which only its thread may touch.
          if (auto strong = weak.lock()) {
            caf::anon_send(caf::actor_cast<StripeClientActor>(strong), stripe_done_atom::value,
                           StripeClientReply{std::move(promise), std::move(outcome)});
          } else {
            promise.deliver(std::move(outcome));
          }
        });
        return promise;
      },
      [](stripe_done_atom, StripeClientReply& reply) {
        reply.promise.deliver(std::move(reply.outcome));
      },
  };
}

}  // namespace

StripeActor spawn_task_client(caf::actor_system& system, TaskCall call) {
  // The handle handed out promises StripeActor's one message; stripe_done_atom stays private.
  return system.spawn(stripe_client_behavior, std::move(call));
}

StripeActor spawn_stripe_client(caf::actor_system& system,
                                std::shared_ptr<adapters::StripeClient> client) {
  return spawn_client_actor(system, std::move(client));
}

}  // namespace settled::actors
