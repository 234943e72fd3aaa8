#include "actors/task_callback_request.hpp"

#include "domain/asl/interpreter.hpp"
#include "domain/json_limits.hpp"
#include "domain/json_size.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <vector>

namespace settled::actors {

namespace json = boost::json;

Result<TaskCallback> parse_task_callback(const std::string& kind, const std::string& body_text) {
  auto parsed = parse_request_json(body_text);
  if (!parsed) return parsed.error();
  const json::value& body = *parsed;
  if (!body.is_object())
    return Error{ErrorCode::kInvalidRequest, "request body must be a JSON object"};
  const auto& o = body.as_object();
  TaskCallback cb;
  std::vector<std::string> allowed{"taskToken"};
  if (kind == "success") {
    cb.kind = TaskCallback::Kind::kSuccess;
    allowed.push_back("output");
  } else if (kind == "failure") {
    cb.kind = TaskCallback::Kind::kFailure;
    allowed.insert(allowed.end(), {"error", "cause"});
  } else {
    cb.kind = TaskCallback::Kind::kHeartbeat;
  }
  for (const auto& [key, value] : o) {
    if (std::find(allowed.begin(), allowed.end(), std::string(key)) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return Error{ErrorCode::kInvalidRequest,
                   "unknown field \"" + std::string(key) + "\" (allowed: " + list + ")"};
    }
  }
  const json::value* token = o.if_contains("taskToken");
  if (!token || !token->is_string() || token->as_string().empty() ||
      token->as_string().size() > 1024)
    return Error{ErrorCode::kInvalidRequest, "taskToken is required: a non-empty string"};
  cb.token = std::string(token->as_string());
  if (cb.kind == TaskCallback::Kind::kSuccess) {
    const json::value* output = o.if_contains("output");
    if (!output) return Error{ErrorCode::kInvalidRequest, "output is required"};
    if (output->is_string()) {
      // As in Step Functions, output may be JSON text.
      auto text = parse_request_json(output->as_string(), "output");
      if (!text)
        return Error{ErrorCode::kInvalidRequest,
                     "output is a string but not acceptable JSON text: " + text.error().message};
      cb.output = std::move(*text);
    } else {
      cb.output = *output;
    }
    if (serialized_size(cb.output, asl::kPayloadLimitBytes) > asl::kPayloadLimitBytes)
      return Error{ErrorCode::kPayloadTooLarge, "output is larger than 256 KiB"};
  }
  for (const char* field : {"error", "cause"}) {
    if (const json::value* v = o.if_contains(field)) {
      if (!v->is_string())
        return Error{ErrorCode::kInvalidRequest, std::string(field) + " must be a string"};
      (std::string(field) == "error" ? cb.error : cb.cause) = std::string(v->as_string());
    }
  }
  if (cb.kind == TaskCallback::Kind::kFailure && cb.error.empty()) cb.error = "States.TaskFailed";
  return cb;
}

}  // namespace settled::actors
