#include "api/schedule_routes.hpp"

#include "actors/schedules_actor.hpp"
#include "api/http_responses.hpp"
#include "api/request_parsing.hpp"

namespace settled::api {

using namespace actors;

bool route_schedules(const adapters::HttpRequest& req, adapters::HttpResponder& respond,
                     const SchedulesActor& schedules) {
  const auto& s = req.parsed_target.segments;
  if (s.size() < 2 || s.size() > 3 || s[0] != "v1" || s[1] != "schedules") return false;
  const auto answer = [respond = std::move(respond)](Answer answered) {
    respond(answer_response(answered));
  };
  if (!schedules) {
    answer(Error{ErrorCode::kDraining, "schedules are not running"});
    return true;
  }
  const std::string name = s.size() == 3 ? s[2] : "";
  if (req.method == "GET") {
    caf::anon_send(schedules, schedule_atom::value, ScheduleQuery{name, answer});
  } else if (s.size() == 3 && req.method == "PUT") {
    auto body = parse_fields_object(req.body, {"cron", "timezone", "stateMachine", "input"});
    if (!body) {
      answer(body.error());
      return true;
    }
    caf::anon_send(schedules, schedule_atom::value, SchedulePut{name, std::move(*body), answer});
  } else if (s.size() == 3 && req.method == "DELETE") {
    caf::anon_send(schedules, schedule_atom::value, ScheduleDelete{name, answer});
  } else {
    answer(Error{ErrorCode::kMethodNotAllowed,
                 req.method + " is not allowed on " + req.parsed_target.path});
  }
  return true;
}

}  // namespace settled::api
