#include "api/notification_routes.hpp"

#include "actors/notifications_actor.hpp"
#include "adapters/store/notifications_reader.hpp"
#include "api/http_responses.hpp"
#include "api/request_parsing.hpp"
#include "domain/notifications/notification.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

#include <algorithm>

namespace settled::api {

using namespace actors;
using adapters::HttpRequest;
using adapters::HttpResponse;

namespace {

constexpr std::uint64_t kDefaultPage = 50;
constexpr std::uint64_t kMaxPage = 100;

HttpResponse refuse(std::string message) {
  return error_response(ErrorCode::kInvalidRequest, std::move(message));
}

Status valid_user(const std::string& user) {
  if (user.size() > notifications::kMaxUserIdBytes)
    return Error{
        ErrorCode::kInvalidRequest,
        "a user id is at most " + std::to_string(notifications::kMaxUserIdBytes) + " bytes"};
  return ok_status();
}

Status valid_id(const std::string& id, const char* what) {
  if (!notifications::is_notification_id(id))
    return Error{ErrorCode::kInvalidRequest,
                 std::string(what) + " is not a notification id (ntf_ and 32 hex digits): \"" +
                     id.substr(0, 64) + (id.size() > 64 ? "...\"" : "\"")};
  return ok_status();
}

HttpResponse list(const HttpRoutesDeps& deps, const HttpRequest& req, const std::string& user) {
  const auto& target = req.parsed_target;
  if (auto known = check_query(target, {"limit", "starting_after", "unread"}); !known.ok())
    return error_response(known.error());
  const auto limit =
      query_number(target, "limit",
                   {kDefaultPage, 1, kMaxPage, "limit must be an integer from 1 to 100",
                    "limit must be an integer from 1 to 100"});
  if (!limit) return error_response(limit.error());
  adapters::InboxQuery query;
  query.user_id = user;
  query.limit = static_cast<std::size_t>(*limit);
  if (auto after = target.query_param("starting_after")) {
    if (auto valid = valid_id(*after, "starting_after"); !valid.ok())
      return error_response(valid.error());
    query.starting_after = *after;
  }
  if (auto unread = target.query_param("unread")) {
    if (*unread != "true" && *unread != "false") return refuse("unread must be true or false");
    query.unread_only = *unread == "true";
  }
  auto listed = adapters::list_inbox(*deps.engine->db, query);
  if (!listed) return error_response(listed.error());
  return json_response(200, *listed);
}

void mark_read(const HttpRoutesDeps& deps, const HttpRequest& req, const std::string& user,
               const std::string& id, adapters::HttpResponder& respond) {
  if (auto known = check_query(req.parsed_target, {}); !known.ok())
    return respond(error_response(known.error()));
  if (auto valid = valid_id(id, "the notification id"); !valid.ok())
    return respond(error_response(valid.error()));
  // No body, or an empty JSON object.
  if (req.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    if (auto body = parse_fields_object(req.body, {}); !body)
      return respond(error_response(body.error()));
  }
  if (!deps.notifications)
    return respond(error_response(ErrorCode::kDraining, "notifications are not running"));
  caf::anon_send(deps.notifications, mark_read_atom::value,
                 NotificationRead{user, id, [respond = std::move(respond)](Answer answer) {
                                    respond(answer_response(answer));
                                  }});
}

}  // namespace

bool route_notifications(const HttpRequest& req, adapters::HttpResponder& respond,
                         const HttpRoutesDeps& deps) {
  const auto& s = req.parsed_target.segments;
  if (s.size() < 4 || s[0] != "v1" || s[1] != "users" || s[3] != "notifications") return false;
  const std::string& user = s[2];
  if (s.size() != 4 && !(s.size() == 6 && s[5] == "read")) {
    respond(error_response(ErrorCode::kNotFound, "no route for " + req.method_for_display() + " " +
                                                     req.path_for_display()));
    return true;
  }
  if (auto valid = valid_user(user); !valid.ok()) {
    respond(error_response(valid.error()));
    return true;
  }
  if (s.size() == 4) {
    respond(req.is_get_or_head() ? list(deps, req, user) : method_not_allowed(req, {"GET"}));
    return true;
  }
  if (req.method != "POST") {
    respond(method_not_allowed(req, {"POST"}));
    return true;
  }
  mark_read(deps, req, user, s[4], respond);
  return true;
}

}  // namespace settled::api
