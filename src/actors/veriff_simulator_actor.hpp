#pragma once
// The actor face of the Veriff simulator (docs/veriff.md "The simulator"): answers
// `charge_atom, TaskAttempt` for settled:veriff.* with a TaskOutcome once what Veriff would have
// stored is durable in the simulator's LMDB environment (Table::kVeriffSim). Each session is
// decided when its decision delay has passed on the business clock (wake_at; re-armed from the
// store at start), and the decision is sent to the daemon's own POST /v1/webhooks/veriff,
// signed, retried until the endpoint answers 2xx.

#include "actors/clock.hpp"
#include "actors/interfaces.hpp"
#include "adapters/store/lmdb_store.hpp"
#include "adapters/veriff/veriff_simulator.hpp"

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace settled::actors {

struct VeriffSimulatorOptions {
  adapters::veriff::VeriffSimOptions simulator;  // `webhooks` is set from shared_secret
  ClockPtr clock;                                // null: the system clock
  std::function<EpochMillis()> now;              // the engine's business time
  std::string api_key;                           // X-AUTH-CLIENT of the webhooks it sends
  std::string shared_secret;                     // "": decisions are not sent as webhooks
  std::chrono::milliseconds webhook_timeout{10000};
  std::chrono::seconds max_webhook_backoff{3600};
};

// `simulator_db` and `simulator_store`: where its tables are read and committed; the daemon
// passes its main store and store actor (one commit stream), a test may give it its own.
VeriffSimulatorActor spawn_veriff_simulator(caf::actor_system& system,
                                            std::shared_ptr<adapters::LmdbStore> simulator_db,
                                            StoreActor simulator_store,
                                            VeriffSimulatorOptions options = {});

}  // namespace settled::actors
