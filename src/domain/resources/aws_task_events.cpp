#include "domain/resources/aws_task_events.hpp"

namespace settled::aws {

namespace {

constexpr std::string_view kIntegration = "arn:aws:states:::";
constexpr std::string_view kWaitForTaskToken = ".waitForTaskToken";

bool is_function_arn(std::string_view resource) {
  return resource.rfind("arn:", 0) == 0 && resource.find(":lambda:") != std::string_view::npos &&
         resource.find(":function:") != std::string_view::npos;
}

}  // namespace

std::optional<TaskEventName> aws_task_event(std::string_view resource, std::string_view kind) {
  if (resource.rfind("arn:aws", 0) != 0) return std::nullopt;
  TaskEventName event;
  if (resource.rfind(kIntegration, 0) == 0) {
    // SERVICE:ACTION[.suffix]: the service before the first ':', the action (and its suffix,
    // .sync:2 included) after it.
    // An AWS SDK integration's service is "aws-sdk:SERVICE" (resourceType "aws-sdk:sfn").
    const std::string_view rest = resource.substr(kIntegration.size());
    constexpr std::string_view kSdk = "aws-sdk:";
    const auto colon = rest.rfind(kSdk, 0) == 0 ? rest.find(':', kSdk.size()) : rest.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size())
      return std::nullopt;
    event.type = "Task" + std::string(kind);
    event.details["resourceType"] = rest.substr(0, colon);
    event.details["resource"] = rest.substr(colon + 1);
    return event;
  }
  if (!is_function_arn(resource)) return std::nullopt;
  std::string_view function = resource;
  const bool token =
      function.size() > kWaitForTaskToken.size() &&
      function.substr(function.size() - kWaitForTaskToken.size()) == kWaitForTaskToken;
  if (token) function.remove_suffix(kWaitForTaskToken.size());
  if (kind == "Submitted") {
    event.type = "TaskSubmitted";
    event.details["resourceType"] = "lambda";
    event.details["resource"] = resource;
    return event;
  }
  event.type = "LambdaFunction" + std::string(kind);
  if (kind == "Scheduled") {
    event.details["resource"] = function;
    event.payload_field = "input";
  }
  return event;
}

}  // namespace settled::aws
