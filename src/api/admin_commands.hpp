#pragma once
// The commands of the admin socket (docs/admin-protocol.md): status, execution queries and
// controls, ingestion, workflows, backup, log level, task callbacks and the ledger's reads. Each
// reads its fields and shapes its reply here; what needs the actors goes to the admin actor
// (actors/admin_actor.hpp: status, stop, redrive, ingestion), the executions supervisor (task
// callbacks) or the state machines actor (register, reload); reads use LMDB directly.

#include "actors/admin_actor.hpp"
#include "actors/engine.hpp"
#include "actors/store_actor.hpp"
#include "adapters/admin/admin_server.hpp"

#include <caf/actor.hpp>

#include <memory>
#include <string>

namespace settled::api {

struct AdminCommandsDeps {
  actors::EnginePtr engine;
  actors::ExecutionsActor executions;
  std::shared_ptr<actors::StoreStats> store_stats;
  // Registers versions and reloads the workflows directory (state_machines_actor.hpp).
  actors::StateMachinesActor state_machines;
  std::string version = "0.1.0";
  actors::ClockActor clock;          // clock.advance (clock_actor.hpp); unset unless simulated
  actors::SchedulesActor schedules;  // schedules.* (schedules_actor.hpp)
  // notifications.read, notifications.redeliver (notifications_actor.hpp)
  actors::NotificationsActor notifications;
};

struct AdminCommands {
  actors::AdminActor actor;        // the admin actor: keep it until shutdown, then send it an exit
  adapters::AdminHandler handler;  // give this to the AdminServer
};

AdminCommands spawn_admin_commands(caf::actor_system& system, AdminCommandsDeps deps);

}  // namespace settled::api
