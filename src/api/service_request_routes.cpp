#include "api/service_request_routes.hpp"

#include "actors/messages.hpp"
#include "api/http_responses.hpp"
#include "api/request_parsing.hpp"
#include "api/user_routes.hpp"
#include "domain/storage_keys.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <string>

namespace settled::api {

namespace json = boost::json;
using adapters::HttpRequest;
using adapters::HttpResponder;

namespace {

constexpr std::size_t kMaxCommentLength = 1000;

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalidRequest, std::move(message)};
}

// The record's body (GET /v1/records' "record"), or nullopt when there is none.
std::optional<json::object> stored_record(const HttpRoutesDeps& deps, const char* collection,
                                          const std::string& key) {
  if (!deps.engine || !deps.engine->db) return std::nullopt;
  auto stored = deps.engine->db->get(Table::kRecords, record_key(collection, key));
  if (!stored) return std::nullopt;
  boost::system::error_code ec;
  json::value parsed = json::parse(*stored, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const json::value* record = parsed.as_object().if_contains("record");
  if (!record || !record->is_object()) return std::nullopt;
  return record->as_object();
}

// 1..5, a whole number: 4 and 4.0 are taken, 2.5, 0, 6, "4" are not.
std::optional<std::int64_t> stars(const json::value& v) {
  double d = 0;
  if (v.is_int64()) {
    d = static_cast<double>(v.as_int64());
  } else if (v.is_uint64()) {
    d = static_cast<double>(v.as_uint64());
  } else if (v.is_double()) {
    d = v.as_double();
  } else {
    return std::nullopt;
  }
  if (!(d >= 1 && d <= 5) || std::floor(d) != d) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

std::optional<ErrorCode> rating_failure_code(const std::string& workflow_error) {
  if (workflow_error == "ServiceRating.NotTheRequester") return ErrorCode::kForbidden;
  if (workflow_error == "ServiceRating.NotOpen") return ErrorCode::kRatingNotOpen;
  if (workflow_error == "ServiceRating.AlreadyRated") return ErrorCode::kRatingAlreadySubmitted;
  return std::nullopt;
}

void submit_rating(const std::string& request_id, const HttpRequest& req, HttpResponder& respond,
                   const HttpRoutesDeps& deps) {
  if (!safe_id(request_id))
    return respond(
        error_response(invalid("requestId must be 1-64 letters, digits, '-', '_' or '.'")));
  auto body = parse_fields_object(req.body, {"userId", "rating", "comment", "requestId"});
  if (!body) return respond(error_response(body.error()));
  if (const json::value* id = body->if_contains("requestId");
      id && (!id->is_string() || id->as_string() != request_id))
    return respond(error_response(invalid("requestId in the body differs from the path's")));
  const json::value* user = body->if_contains("userId");
  if (!user || !user->is_string() || !safe_id(user->as_string()))
    return respond(error_response(
        invalid("userId (the requester) is required: 1-64 letters, digits, '-', '_' or '.'")));
  const json::value* rating = body->if_contains("rating");
  const auto value = rating ? stars(*rating) : std::nullopt;
  if (!value)
    return respond(error_response(invalid("rating is required: a whole number from 1 to 5")));
  json::value comment = nullptr;
  if (const json::value* c = body->if_contains("comment"); c && !c->is_null()) {
    if (!c->is_string() || c->as_string().size() > kMaxCommentLength)
      return respond(error_response(invalid("comment must be a string of at most " +
                                            std::to_string(kMaxCommentLength) + " characters")));
    comment = *c;
  }
  // Checked before the execution is named rating-<requestId>: a refused caller must not take
  // the name from the requester (the workflow checks again, against the committed record).
  if (!stored_record(deps, "service_requests", request_id))
    return respond(error_response(ErrorCode::kNotFound, "no service request " + request_id));
  const auto open = stored_record(deps, "ratings", request_id);
  if (!open)
    return respond(
        error_response(ErrorCode::kRatingNotOpen,
                       "the rating of " + request_id + " opens when the service is PAID"));
  const json::value* rater = open->if_contains("raterId");
  if (!rater || *rater != *user)
    return respond(
        error_response(ErrorCode::kForbidden, "only the request's requester rates its service"));
  const json::value* status = open->if_contains("status");
  json::object input{
      {"requestId", request_id}, {"userId", *user}, {"rating", *value}, {"comment", comment}};
  if (status && *status != "OPEN") {
    // A repeat of the rating that was recorded replays its execution (200); another is refused.
    const bool same = open->if_contains("rating") && open->at("rating") == *value &&
                      open->if_contains("comment") && open->at("comment") == comment;
    if (!same)
      return respond(error_response(ErrorCode::kRatingAlreadySubmitted,
                                    request_id + " has been rated already"));
  }
  start_and_await(
      deps, "service-rating", "rating-" + request_id, std::move(input),
      [](const json::object& described) {
        // Under "rating": the answer's own "status" is the execution's (as for every route
        // that starts a workflow).
        const json::value* output = described.if_contains("output");
        return json::object{{"rating", output ? *output : json::value(nullptr)}};
      },
      respond, rating_failure_code);
}

}  // namespace

bool route_service_requests(const HttpRequest& req, HttpResponder& respond,
                            const HttpRoutesDeps& deps) {
  const auto& s = req.parsed_target.segments;
  if (s.size() != 4 || s[0] != "v1" || s[1] != "service-requests" || s[3] != "rating") return false;
  if (req.method != "POST") {
    respond(method_not_allowed(req, {"POST"}));
  } else {
    submit_rating(std::string(s[2]), req, respond, deps);
  }
  return true;
}

}  // namespace settled::api
