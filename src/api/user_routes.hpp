#pragma once
// The time bank's registrations and transfers over HTTP (docs/users.md):
//   POST /v1/users      {userId|id, email?, name?, username?}        user-registration
//   POST /v1/services   {id|serviceId, providerId|userId, title, ...}  service-registration
//   POST /v1/transfers  {toUserId, amount, transferType, idempotencyKey, ...}  direct-transfer,
//                       callers with scope "admin" only (403 otherwise)
// Each starts its shipped workflow through the supervisor's start (the same idempotent path as
// POST /v1/executions with a name: a repeat with the same input answers the same execution) and
// answers once the execution has finished: 201 (200 for a repeat) with what it did, the
// workflow's error (400 bad input, 409 insufficient funds) or 202 with the executionId when it
// is still running after a short wait.

#include "adapters/http/http_message.hpp"
#include "api/http_routes.hpp"

namespace settled::api {

// True if the request was one of the routes above (it has been answered then).
bool route_time_bank_registrations(const adapters::HttpRequest& req,
                                   adapters::HttpResponder& respond, const HttpRoutesDeps& deps);

}  // namespace settled::api
