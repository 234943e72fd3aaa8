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
  // A schedule is read, put and deleted; the list is only read.
  const bool method_allowed =
      req.is_get_or_head() || (s.size() == 3 && (req.method == "PUT" || req.method == "DELETE"));
  if (!method_allowed) {
    respond(s.size() == 3 ? method_not_allowed(req, {"GET", "PUT", "DELETE"})
                          : method_not_allowed(req, {"GET"}));
    return true;
  }
  // A schedule starts its state machine as the daemon, with the input it was given, for as long
  // as it stands: putting or deleting one is an operator's act, like registering a definition
  // (a key with no scope moved the ledger's reconciliation, deleted the webhooks', and minted
  // hours every minute through user-registration; docs/identities.md).
  if (!req.is_get_or_head()) {
    if (auto refused = forbidden_without_scope(
            req, "admin",
            req.method == "PUT" ? "putting a schedule needs" : "deleting a schedule needs")) {
      respond(std::move(*refused));
      return true;
    }
  }
  const auto answer = [respond = std::move(respond)](Answer answered) {
    respond(answer_response(answered));
  };
  if (!schedules) {
    answer(Error{ErrorCode::kDraining, "schedules are not running"});
    return true;
  }
  const std::string name = s.size() == 3 ? s[2] : "";
  if (req.is_get_or_head()) {
    caf::anon_send(schedules, schedule_atom::value, ScheduleQuery{name, answer});
  } else if (s.size() == 3 && req.method == "PUT") {
    auto body = parse_fields_object(req.body, {"cron", "timezone", "stateMachine", "input"});
    if (!body) {
      answer(body.error());
      return true;
    }
    caf::anon_send(schedules, schedule_atom::value, SchedulePut{name, std::move(*body), answer});
  } else {
    caf::anon_send(schedules, schedule_atom::value, ScheduleDelete{name, answer});
  }
  return true;
}

}  // namespace settled::api
