#pragma once
// The schedules' HTTP routes (docs/schedules.md):
//   PUT    /v1/schedules/{name}  {"cron", "timezone", "stateMachine", "input"}  201 new, 200
//   changed GET    /v1/schedules         {"schedules": [...]} GET    /v1/schedules/{name}  the
//   schedule with its lastFireAt and nextFireAt DELETE /v1/schedules/{name}
// The schedules actor answers once durable; refusals are the one JSON error shape.

#include "actors/interfaces.hpp"
#include "adapters/http/http_message.hpp"

namespace settled::api {

// True if the request's path is /v1/schedules or under it (it has been answered then).
bool route_schedules(const adapters::HttpRequest& req, adapters::HttpResponder& respond,
                     const actors::SchedulesActor& schedules);

}  // namespace settled::api
