#pragma once
// Task tokens only an identity with a scope may answer (docs/identities.md). A
// `.waitForTaskToken` task whose Parameters carry a top-level "requiredScope" keeps the scope with
// its token (records/task_token_row); the field is taken out before the resource sees the
// Parameters. A callback from a caller with the scope reaches the workflow with
// "answeredBy": <the caller's identity>, set here and never taken from the client.

#include "domain/caller.hpp"
#include "domain/error.hpp"
#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace settled::identity {

inline constexpr const char* kRequiredScopeField = "requiredScope";

// Removes "requiredScope" from `parameters` (an object) and returns it; "" when absent (or the
// parameters are not an object). InvalidRequest when present but not a scope (1-64 letters,
// digits, '-', '_', '.').
Result<std::string> take_required_scope(boost::json::value& parameters);

// A scope: 1-64 letters, digits, '-', '_' or '.'.
bool valid_scope(std::string_view scope);

// Forbidden, naming the scope, when `caller` lacks `required_scope`; none when it may answer
// (or no scope is required).
std::optional<Error> check_scope(const std::string& required_scope, const Caller& caller);

// A success output as the workflow receives it: an object gets "answeredBy" (overwriting the
// client's); any other value is wrapped as {"value": <it>, "answeredBy"}.
boost::json::value answered_output(boost::json::value output, const std::string& identity);

// A failure's Cause as the workflow receives it: JSON text. A cause that is a JSON object gets
// "answeredBy"; any other cause becomes {"cause": <the text>, "answeredBy"}.
std::string answered_cause(const std::string& cause, const std::string& identity);

}  // namespace settled::identity
