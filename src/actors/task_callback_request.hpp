#pragma once
// SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat requests as the HTTP API and the admin
// socket receive them: {"taskToken", "output"} / {"taskToken", "error", "cause"} /
// {"taskToken"}. Unknown fields, a missing token and output over 256 KiB are refused.

#include "actors/messages.hpp"
#include "domain/result.hpp"

#include <string>

namespace settled::actors {

// `kind`: "success", "failure" or "heartbeat". The reply callback is left for the caller.
Result<TaskCallback> parse_task_callback(const std::string& kind, const std::string& body_text);

}  // namespace settled::actors
