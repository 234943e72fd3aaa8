#pragma once
// A user's notifications (docs/notifications.md):
//   GET  /v1/users/{userId}/notifications[?limit=1..100&starting_after=ID&unread=true]
//        {"notifications": [...newest first], "has_more"}
//   POST /v1/users/{userId}/notifications/{id}/read   the notification, isRead: true (200, the
//        same body again on a repeat); NotFound for an unknown id or another user's.
// Reads are LMDB read transactions; a read mark is written by the notifications actor.

#include "adapters/http/http_message.hpp"
#include "api/http_routes.hpp"

namespace settled::api {

// True if the request's path is /v1/users/{userId}/notifications or under it (it has been
// answered then).
bool route_notifications(const adapters::HttpRequest& req, adapters::HttpResponder& respond,
                         const HttpRoutesDeps& deps);

}  // namespace settled::api
