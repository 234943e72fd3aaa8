#pragma once
// The commands of the admin socket (docs/admin-protocol.md): one actor that answers status,
// execution queries and controls, ingestion, workflows, backup and log level, asking the
// executions supervisor and the store where the answer needs them.

#include "actors/engine.hpp"
#include "actors/store_actor.hpp"
#include "adapters/admin_server.hpp"

#include <caf/actor.hpp>

#include <boost/json/object.hpp>

#include <functional>
#include <memory>
#include <string>

namespace settled::actors {

struct AdminApiDeps {
  EnginePtr engine;
  caf::actor executions;
  std::shared_ptr<StoreStats> store_stats;
  // Registers versions and reloads the workflows directory (state_machines_actor.hpp).
  caf::actor state_machines;
  std::string version = "0.1.0";
};

struct AdminApi {
  caf::actor actor;                // keep it until shutdown, then send it an exit
  adapters::AdminHandler handler;  // give this to the AdminServer
};

AdminApi spawn_admin_api(caf::actor_system& system, AdminApiDeps deps);

}  // namespace settled::actors
