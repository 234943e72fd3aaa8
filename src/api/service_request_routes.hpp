#pragma once
// Seed 000's rating over HTTP (docs/time-bank.md, "Rating"):
//   POST /v1/service-requests/{requestId}/rating  {userId (the requester), rating: 1..5, comment?}
// runs the shipped service-rating workflow as rating-<requestId> (a resent request answers the
// same execution) once ratings/<requestId> exists and names the caller as its rater, and
// answers with what it recorded ({"rating": {...}, executionId, status}): 201 (200 for a repeat),
// 400 InvalidRequest, 403 Forbidden (not the requester), 404 NotFound (no such request), 409
// RatingNotOpen / RatingAlreadySubmitted.

#include "adapters/http/http_message.hpp"
#include "api/http_routes.hpp"

namespace settled::api {

// True if the request was the route above (it has been answered then).
bool route_service_requests(const adapters::HttpRequest& req, adapters::HttpResponder& respond,
                            const HttpRoutesDeps& deps);

}  // namespace settled::api
