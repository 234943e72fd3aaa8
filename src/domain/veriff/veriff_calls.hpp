#pragma once
// The Veriff calls settled makes as task resources (`settled:veriff.<object>.<verb>`): the HTTP
// method and path of each, the JSON body, and what X-HMAC-SIGNATURE signs. The live client and
// the simulator both plan a call here, so they accept and refuse the same parameters, and both
// answer with the ASL error names below (docs/veriff.md).

#include "domain/result.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace settled::veriff {

inline constexpr std::string_view kSessionsCreate = "settled:veriff.sessions.create";
inline constexpr std::string_view kDecisionGet = "settled:veriff.decision.get";

// The ASL errors of a Veriff task, Catch-able by name.
inline constexpr const char* kInvalidRequest = "Veriff.InvalidRequest";  // 400, or refused here
inline constexpr const char* kAuthentication = "Veriff.AuthenticationError";  // 401, 403
inline constexpr const char* kNotFound = "Veriff.NotFound";              // 404: unknown session
inline constexpr const char* kRateLimit = "Veriff.RateLimitError";       // 429, or not sent
inline constexpr const char* kApiError = "Veriff.APIError";              // 5xx, anything else
inline constexpr const char* kConnection = "Veriff.APIConnectionError";  // not sent
inline constexpr const char* kUnknown = "Veriff.Unknown";                // may have reached Veriff

// Veriff's limit on vendorData, and settled's on a session id (a UUID is 36).
inline constexpr std::size_t kMaxVendorDataBytes = 1000;
inline constexpr std::size_t kMaxSessionIdBytes = 64;

struct VeriffRequest {
  std::string_view resource;
  std::string method;                // "POST" or "GET"
  std::string path;                  // "/v1/sessions", "/v1/sessions/<id>/decision"
  std::string body;                  // the JSON sent (POST), "" for a GET
  std::string signed_payload;        // what X-HMAC-SIGNATURE signs: the body, or the session id
  std::string session_id;            // decision.get's `id`
  boost::json::object verification;  // sessions.create's `verification` object
};

// True if `resource` (without .waitForTaskToken) is a Veriff call.
bool is_veriff_call(std::string_view resource);

// A refusal before anything is sent: the ASL error and Veriff's error shape as the cause.
struct VeriffRefusal {
  std::string error = kInvalidRequest;
  std::string message;
  std::string cause() const;  // {"status":"fail","code":1102,"message":...} as Veriff answers
};

// sessions.create: the parameters are Veriff's `verification` object (callback, person,
// vendorData, document, address, endUserId, ...), sent as {"verification": {...}}; refused when
// not an object, when vendorData is not a string of at most kMaxVendorDataBytes, or person not
// an object. decision.get: `id`, the session id (letters, digits, '-', at most
// kMaxSessionIdBytes), goes into the path and is what the signature signs.
Result<VeriffRequest, VeriffRefusal> plan_veriff_request(std::string_view resource,
                                                         const boost::json::value& parameters);

// The ASL error for an HTTP status Veriff answered (2xx is not an error).
const char* error_for_status(unsigned status);

// Letters, digits and '-', 1 to kMaxSessionIdBytes.
bool is_session_id(std::string_view id);

}  // namespace settled::veriff
