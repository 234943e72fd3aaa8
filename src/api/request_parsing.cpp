#include "api/request_parsing.hpp"

#include "domain/asl/interpreter.hpp"
#include "domain/json_limits.hpp"
#include "domain/json_size.hpp"
#include "domain/utf8.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>

namespace settled::api {

namespace json = boost::json;
using actors::TaskCallback;

namespace {

// `unknown <what> "name" (allowed: a, b)`, the name cut to 64 bytes: a name is whatever the
// client sent, up to a body's or a request line's length.
Error unknown_name(std::string_view what, std::string_view name, FieldNames allowed) {
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return Error{ErrorCode::kInvalidRequest,
               "unknown " + std::string(what) + " \"" + cut_for_display(name) + "\" (" +
                   (list.empty() ? "none allowed" : "allowed: " + list) + ")"};
}

bool is_allowed(std::string_view name, FieldNames allowed) {
  return std::find(allowed.begin(), allowed.end(), name) != allowed.end();
}

}  // namespace

Status check_fields(const json::object& object, FieldNames allowed) {
  for (const auto& [key, value] : object) {
    if (!is_allowed(key, allowed)) return unknown_name("field", key, allowed);
  }
  return ok_status();
}

Status check_query(const adapters::RequestTarget& target, FieldNames allowed) {
  for (const auto& [name, value] : target.query) {
    if (!is_allowed(name, allowed)) return unknown_name("query parameter", name, allowed);
  }
  return ok_status();
}

Result<json::object> parse_fields_object(std::string_view body, FieldNames allowed) {
  auto parsed = parse_request_json(body);
  if (!parsed) return parsed.error();
  if (!parsed->is_object())
    return Error{ErrorCode::kInvalidRequest, "request body must be a JSON object"};
  if (auto checked = check_fields(parsed->as_object(), allowed); !checked) return checked.error();
  return std::move(parsed->as_object());
}

// std::stoull would take "-1" and wrap it, and " 7" or "+7".
std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Result<std::uint64_t> parse_number(std::string_view text, const NumberRule& rule) {
  const auto value = parse_decimal(text);
  if (!value) return Error{ErrorCode::kInvalidRequest, std::string(rule.malformed)};
  if (*value < rule.min || *value > rule.max)
    return Error{ErrorCode::kInvalidRequest,
                 std::string(rule.out_of_range.empty() ? rule.malformed : rule.out_of_range)};
  return *value;
}

Result<std::uint64_t> query_number(const adapters::RequestTarget& target, std::string_view name,
                                   const NumberRule& rule) {
  const auto text = target.query_param(name);
  if (!text) return rule.fallback;
  return parse_number(*text, rule);
}

Result<std::uint64_t> query_page_limit(const adapters::RequestTarget& target) {
  return query_number(target, "limit", {10, 1, 100, "limit must be an integer from 1 to 100", ""});
}

std::optional<TaskCallback::Kind> task_callback_kind(std::string_view name) {
  if (name == "success") return TaskCallback::Kind::kSuccess;
  if (name == "failure") return TaskCallback::Kind::kFailure;
  if (name == "heartbeat") return TaskCallback::Kind::kHeartbeat;
  return std::nullopt;
}

namespace {

Status check_callback_fields(TaskCallback::Kind kind, const json::object& body) {
  switch (kind) {
    case TaskCallback::Kind::kSuccess:
      return check_fields(body, {"taskToken", "output"});
    case TaskCallback::Kind::kFailure:
      return check_fields(body, {"taskToken", "error", "cause"});
    case TaskCallback::Kind::kHeartbeat:
      break;
  }
  return check_fields(body, {"taskToken"});
}

}  // namespace

Result<TaskCallback> parse_task_callback(TaskCallback::Kind kind, const json::object& o) {
  if (auto checked = check_callback_fields(kind, o); !checked) return checked.error();
  TaskCallback cb;
  cb.kind = kind;
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
  // Step Functions' SendTaskFailure bounds (as the AWS API here checks): unbounded, a 900 kB
  // cause was kept in the execution's record and twice in its history.
  for (const auto& [field, max] : {std::pair<const char*, std::size_t>{"error", 256},
                                   std::pair<const char*, std::size_t>{"cause", 32768}}) {
    if (const json::value* v = o.if_contains(field)) {
      if (!v->is_string())
        return Error{ErrorCode::kInvalidRequest, std::string(field) + " must be a string"};
      if (v->as_string().size() > max)
        return Error{ErrorCode::kInvalidRequest,
                     std::string(field) + " is longer than " + std::to_string(max) + " bytes"};
      (std::string(field) == "error" ? cb.error : cb.cause) = std::string(v->as_string());
    }
  }
  if (cb.kind == TaskCallback::Kind::kFailure && cb.error.empty()) cb.error = "States.TaskFailed";
  return cb;
}

Result<TaskCallback> parse_task_callback(TaskCallback::Kind kind, std::string_view body_text) {
  auto parsed = parse_request_json(body_text);
  if (!parsed) return parsed.error();
  if (!parsed->is_object())
    return Error{ErrorCode::kInvalidRequest, "request body must be a JSON object"};
  return parse_task_callback(kind, parsed->as_object());
}

}  // namespace settled::api
