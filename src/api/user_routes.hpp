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

#include <boost/json/object.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace settled::api {

// A user, service, request or transfer id: it names records and executions, so no '/' and
// bounded (1-64 letters, digits, '-', '_' or '.').
bool safe_id(std::string_view id);

// What a finished execution's output (its DescribeExecution shape) becomes in a route's answer.
using Shape = std::function<boost::json::object(const boost::json::object& described)>;
// The API's error code for a failed execution's error name; none leaves the default
// (InvalidRequest for *Invalid*, InsufficientFunds for *InsufficientFunds*, Internal otherwise).
using FailureCode = std::function<std::optional<ErrorCode>(const std::string& workflow_error)>;

// Starts `machine` named `name` through the supervisor (replays and conflicts as for
// POST /v1/executions), then answers once it has finished: 201 (200 for a replay) with the
// shape, the workflow's error, or 202 when it is still running after a short wait.
void start_and_await(const HttpRoutesDeps& deps, const std::string& machine,
                     const std::string& name, boost::json::object input, Shape shape,
                     adapters::HttpResponder& respond, FailureCode failure_code = {});

// True if the request was one of the routes above (it has been answered then).
bool route_time_bank_registrations(const adapters::HttpRequest& req,
                                   adapters::HttpResponder& respond, const HttpRoutesDeps& deps);

}  // namespace settled::api
