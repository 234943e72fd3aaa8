#include "api/sfn/dispatch.hpp"

#include "api/sfn/aws_json.hpp"
#include "domain/json_limits.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>

namespace settled::api::sfn {

namespace json = boost::json;

namespace {

constexpr std::string_view kTargetPrefix = "AWSStepFunctions.";

const Operation kOperations[] = {
    {"CreateStateMachine", create_state_machine, true},
    {"DescribeStateMachine", describe_state_machine},
    {"UpdateStateMachine", update_state_machine, true},
    {"DeleteStateMachine", delete_state_machine, true},
    {"ListStateMachines", list_state_machines},
    {"ValidateStateMachineDefinition", validate_state_machine_definition},
    {"DescribeStateMachineForExecution", describe_state_machine_for_execution},
    {"StartExecution", start_execution},
    {"StartSyncExecution", start_sync_execution},
    {"DescribeExecution", describe_execution},
    {"ListExecutions", list_executions},
    {"GetExecutionHistory", get_execution_history},
    {"StopExecution", stop_execution, true},
    {"RedriveExecution", redrive_execution, true},
    {"SendTaskSuccess", send_task_success},
    {"SendTaskFailure", send_task_failure},
    {"SendTaskHeartbeat", send_task_heartbeat},
};

}  // namespace

void fail(SfnCall& call, const AwsError& error) {
  call.respond(aws_error_response(error));
}

Result<const Operation*, AwsError> find_operation(std::optional<std::string_view> target) {
  if (!target || target->empty())
    return AwsError{aws_errors::kUnknownOperation,
                    "missing X-Amz-Target header: send AWSStepFunctions.<Operation>"};
  if (target->substr(0, kTargetPrefix.size()) == kTargetPrefix) {
    const std::string_view name = target->substr(kTargetPrefix.size());
    for (const auto& op : kOperations)
      if (name == std::string_view(op.name)) return &op;
  }
  std::string shown(target->substr(0, 128));
  return AwsError{
      aws_errors::kUnknownOperation,
      "unknown operation \"" + shown + "\" (X-Amz-Target: AWSStepFunctions.<Operation>)"};
}

Result<json::object, AwsError> read_body(std::optional<std::string_view> content_type,
                                         std::string_view body) {
  // The media type, without parameters (a charset) and in any case.
  std::string_view media = content_type.value_or("");
  media = media.substr(0, media.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  if (!boost::algorithm::iequals(media, std::string_view(kAwsJsonContentType)))
    return AwsError{aws_errors::kUnknownOperation,
                    "Content-Type must be application/x-amz-json-1.0 (the AWS JSON 1.0 protocol)"};
  if (body.empty()) return json::object{};
  auto parsed = parse_request_json(body);
  if (!parsed) return AwsError{aws_errors::kSerialization, parsed.error().message};
  if (!parsed->is_object())
    return AwsError{aws_errors::kSerialization, "the request body must be a JSON object"};
  return std::move(parsed->as_object());
}

void handle_sfn_request(const SfnDeps& deps, const adapters::HttpRequest& request,
                        adapters::HttpResponder respond) {
  // No authenticator is a wiring mistake: refused, never let through.
  auto caller = deps.authenticate
                    ? deps.authenticate(request)
                    : Result<Caller, AwsError>(
                          AwsError{aws_errors::kInternal, "no authenticator is configured", 500});
  if (!caller) return respond(aws_error_response(caller.error()));
  auto operation = find_operation(request.header("x-amz-target"));
  if (!operation) return respond(aws_error_response(operation.error()));
  if ((*operation)->needs_admin && !caller->has_scope("admin"))
    return respond(aws_error_response(
        AwsError{"AccessDeniedException", std::string((*operation)->name) +
                                              " needs an identity with scope \"admin\"; \"" +
                                              caller->identity + "\" does not have it"}));
  auto body = read_body(request.header("content-type"), request.body);
  if (!body) return respond(aws_error_response(body.error()));
  // A copy for a handler that throws (a bug, never the client's): answered, not dropped. A
  // responder ignores a second call, so one that had answered already stays answered.
  adapters::HttpResponder on_bug = respond;
  try {
    (*operation)->handler(SfnCall{deps, std::move(*caller), *body, std::move(respond)});
  } catch (const std::exception& e) {
    on_bug(aws_error_response(AwsError{aws_errors::kInternal, e.what(), 500}));
  }
}

}  // namespace settled::api::sfn
