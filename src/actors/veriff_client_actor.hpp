#pragma once
// The actor face of the live Veriff client (veriff-mode=live): answers `charge_atom,
// TaskAttempt` for settled:veriff.* with a TaskOutcome, like the simulator actor, so the engine
// takes either one as its `veriff`.

#include "actors/interfaces.hpp"
#include "adapters/veriff/veriff_client.hpp"

#include <caf/fwd.hpp>

#include <memory>

namespace settled::actors {

// The actor keeps `client` alive; many calls may be open at once (the client's pool limits how
// many reach Veriff together).
VeriffActor spawn_veriff_client(caf::actor_system& system,
                                std::shared_ptr<adapters::VeriffClient> client);

}  // namespace settled::actors
