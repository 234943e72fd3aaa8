#pragma once
// The schedules actor (docs/schedules.md): owns every durable schedule, wakes at each fire time
// on the business clock (clock.hpp), and starts the fire's execution through the supervisor under
// a name made from the schedule and the fire time, so a fire repeated after a crash is a replay,
// never a second execution. Only after the start is answered does it record the fire (lastFireAt)
// and arm the next one. At spawn it reads the table and runs the latest missed fire of each
// schedule once (schedule.hpp, plan_fires).

#include "actors/engine.hpp"
#include "actors/interfaces.hpp"
#include "actors/messages.hpp"

#include <caf/all.hpp>

#include <boost/json/object.hpp>

#include <string>

namespace settled::actors {

// PUT /v1/schedules/{name}: the request body; answered kCreated or kExisting (changed) with the
// schedule once durable.
struct SchedulePut {
  std::string name;
  boost::json::object body;
  AnswerCallback reply;
};

// DELETE /v1/schedules/{name}: answered once the row is gone.
struct ScheduleDelete {
  std::string name;
  AnswerCallback reply;
};

// GET /v1/schedules[/{name}]: one schedule, or all of them (`name` empty) as {"schedules": [...]}.
struct ScheduleQuery {
  std::string name;
  AnswerCallback reply;
};

SchedulesActor spawn_schedules(caf::actor_system& system, EnginePtr engine,
                               ExecutionsActor executions);

}  // namespace settled::actors
