#pragma once
// How the API layer reads what clients send, one parser per kind, used by every route and admin
// command that needs it:
// - a JSON object whose fields are all in an allowed list (an unknown field is refused, named
//   with the list); the text form also applies the request JSON limits (domain/json_limits);
// - a request target whose query parameters are all in an allowed list, likewise;
// - a decimal number: a query parameter (parsed once by the HTTP session, Boost.URL) or a path
//   segment, with a default and a range;
// - the task-callback bodies (SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat), the same
//   from HTTP and from the admin socket.
// Each answers a value or an Error (kInvalidJson, kInvalidRequest, kPayloadTooLarge) whose
// message says what was wrong; none changes anything.

#include "actors/messages.hpp"
#include "adapters/http/request_target.hpp"
#include "domain/result.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string_view>

namespace settled::api {

using FieldNames = std::initializer_list<std::string_view>;

// `object` unchanged if each of its fields is in `allowed`; else kInvalidRequest
// `unknown field "x" (allowed: a, b)`.
Status check_fields(const boost::json::object& object, FieldNames allowed);

// `target` unchanged if each of its query parameters is in `allowed`; else kInvalidRequest
// `unknown query parameter "x" (allowed: a, b)` (or "none allowed"), the name cut to 64
// bytes as an unknown field's is. Every route that reads its query checks it with this, so a
// misspelt parameter (?limitt=5) is refused rather than silently ignored; a repeated one is
// refused for every route when the target is parsed (adapters/http/request_target.hpp).
Status check_query(const adapters::RequestTarget& target, FieldNames allowed);

// `body` as request JSON that is an object with only `allowed` fields.
Result<boost::json::object> parse_fields_object(std::string_view body, FieldNames allowed);

// Decimal digits only (no sign, space or exponent) within uint64; nullopt otherwise.
std::optional<std::uint64_t> parse_decimal(std::string_view text);

// A number a client writes in a query parameter or a path segment.
struct NumberRule {
  std::uint64_t fallback = 0;  // when the parameter is absent
  std::uint64_t min = 0;
  std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  std::string_view malformed;     // the message when it is not decimal digits
  std::string_view out_of_range;  // the message when it is outside [min, max]; "" = malformed
};

// The query parameter `name` of `target` under `rule`.
Result<std::uint64_t> query_number(const adapters::RequestTarget& target, std::string_view name,
                                   const NumberRule& rule);
// The query parameters of a list paged as Stripe's are.
inline const FieldNames kPageParameters = {"limit", "starting_after"};

// The `limit` of a paged list, as Stripe pages its lists (and the simulators' and
// GET /v1/state-machines do): 10 when absent, an integer from 1 to 100, else kInvalidRequest.
Result<std::uint64_t> query_page_limit(const adapters::RequestTarget& target);
// `text` (a path segment, say) under `rule`.
Result<std::uint64_t> parse_number(std::string_view text, const NumberRule& rule);

// {"taskToken", "output"} / {"taskToken", "error", "cause"} / {"taskToken"}: unknown fields, a
// missing token and output over 256 KiB are refused. The reply callback is left for the caller.
Result<actors::TaskCallback> parse_task_callback(actors::TaskCallback::Kind kind,
                                                 const boost::json::object& body);
Result<actors::TaskCallback> parse_task_callback(actors::TaskCallback::Kind kind,
                                                 std::string_view body_text);
// "success", "failure", "heartbeat" (the route's last segment, the admin command's suffix).
std::optional<actors::TaskCallback::Kind> task_callback_kind(std::string_view name);

}  // namespace settled::api
