#include "actors/veriff_client_actor.hpp"

#include "actors/stripe_client_actor.hpp"

#include <utility>

namespace settled::actors {

VeriffActor spawn_veriff_client(caf::actor_system& system,
                                std::shared_ptr<adapters::VeriffClient> client) {
  return spawn_client_actor(system, std::move(client));
}

}  // namespace settled::actors
