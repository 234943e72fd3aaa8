#include "domain/resources/task_answer.hpp"

#include "domain/asl/interpreter.hpp"
#include "domain/json_limits.hpp"
#include "domain/json_size.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <string_view>
#include <vector>

namespace settled {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxTokenLength = 1024;   // as the HTTP route's taskToken
constexpr std::size_t kMaxErrorLength = 256;    // Step Functions' limit on an error name
constexpr std::size_t kMaxCauseLength = 32768;  // and on a cause

TaskAnswerRefusal invalid(TaskAnswerField field, std::string message) {
  return TaskAnswerRefusal{field, ErrorCode::kInvalidRequest, std::move(message)};
}

Result<std::string, TaskAnswerRefusal> bounded_string(const json::object& o, const char* name,
                                                      TaskAnswerField field, std::size_t limit) {
  const json::value* v = o.if_contains(name);
  if (!v) return std::string();
  if (!v->is_string() || v->as_string().size() > limit)
    return invalid(field, std::string(name) + " must be a string of at most " +
                              std::to_string(limit) + " characters");
  return std::string(v->as_string());
}

}  // namespace

bool is_task_answer(const std::string& resource) {
  return resource == kTasksSendSuccess || resource == kTasksSendFailure;
}

Result<TaskAnswerRequest, TaskAnswerRefusal> parse_task_answer(const std::string& resource,
                                                               const json::value& parameters) {
  if (!parameters.is_object())
    return invalid(TaskAnswerField::kParameters, "parameters must be an object");
  const json::object& o = parameters.as_object();
  TaskAnswerRequest answer;
  answer.success = resource == kTasksSendSuccess;
  static const std::vector<std::string_view> kSuccessFields{"TaskToken", "Output"};
  static const std::vector<std::string_view> kFailureFields{"TaskToken", "Error", "Cause"};
  const auto& allowed = answer.success ? kSuccessFields : kFailureFields;
  for (const auto& field : o) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(field.key())) == allowed.end())
      return invalid(TaskAnswerField::kParameters,
                     "parameters." + std::string(field.key()) + " is unknown (" +
                         (answer.success ? "TaskToken, Output" : "TaskToken, Error, Cause") + ")");
  }
  const json::value* token = o.if_contains("TaskToken");
  if (!token || !token->is_string() || token->as_string().empty() ||
      token->as_string().size() > kMaxTokenLength)
    return invalid(TaskAnswerField::kTaskToken,
                   "TaskToken is required: a non-empty string of at most 1024 characters");
  answer.token = std::string(token->as_string());
  if (answer.success) {
    const json::value* output = o.if_contains("Output");
    if (!output) return invalid(TaskAnswerField::kOutput, "Output is required");
    if (output->is_string()) {
      auto text = parse_request_json(output->as_string(), "Output");
      if (!text)
        return invalid(TaskAnswerField::kOutput,
                       "Output is a string but not acceptable JSON text: " + text.error().message);
      answer.output = std::move(*text);
    } else {
      answer.output = *output;
    }
    if (serialized_size(answer.output, asl::kPayloadLimitBytes) > asl::kPayloadLimitBytes)
      return TaskAnswerRefusal{TaskAnswerField::kOutput, ErrorCode::kPayloadTooLarge,
                               "Output is larger than 256 KiB"};
    return answer;
  }
  auto error = bounded_string(o, "Error", TaskAnswerField::kError, kMaxErrorLength);
  if (!error) return error.error();
  auto cause = bounded_string(o, "Cause", TaskAnswerField::kCause, kMaxCauseLength);
  if (!cause) return cause.error();
  answer.error = error->empty() ? "States.TaskFailed" : std::move(*error);
  answer.cause = std::move(*cause);
  return answer;
}

TaskOutcome task_answer_taken() {
  return TaskOutcome::success(json::object{{"taken", true}});
}

TaskOutcome task_answer_refused(const Error& refusal) {
  return TaskOutcome::failure("Tasks." + std::string(error_name(refusal.code)), refusal.message);
}

}  // namespace settled
