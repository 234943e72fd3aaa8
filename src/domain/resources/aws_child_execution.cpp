#include "domain/resources/aws_child_execution.hpp"

#include "domain/resources/aws_resources.hpp"

#include <boost/json.hpp>

namespace settled::aws {

namespace json = boost::json;

std::string child_execution_name(const std::string& child_id) {
  return stable_id("execution", child_id);
}

std::string child_execution_name(const std::string& child_id, const ChildNameSalt& salt,
                                 EpochMillis entered) {
  return salted_stable_id("execution", child_id, salt, entered);
}

json::object start_execution_answer(const ArnScope& scope, const std::string& state_machine,
                                    const std::string& name, EpochMillis start,
                                    const std::string& request_id) {
  json::object out{{"ExecutionArn", execution_arn(scope, state_machine, name)}};
  add_sdk_metadata(out, stable_id("request", request_id));
  out["StartDate"] = start;
  return out;
}

namespace {

json::object described(const ArnScope& scope, const ExecutionRecord& child, bool as_json) {
  json::object out{
      {"ExecutionArn", execution_arn(scope, child.state_machine, child.name)},
      {"Input", as_json ? child.input : json::value(json::serialize(child.input))},
      {"InputDetails", json::object{{"Included", true}}},
      {"Name", child.name},
  };
  out["RedriveCount"] = child.redrive_count;
  // As the Step Functions API describes the child: it runs as part of its parent in settled, so
  // only its parent can be redriven (docs/aws-resources.md).
  out["RedriveStatus"] = "NOT_REDRIVABLE";
  out["RedriveStatusReason"] =
      child.status == ExecutionStatus::kSucceeded || child.status == ExecutionStatus::kRunning
          ? "Execution is " + std::string(status_name(child.status)) + " and cannot be redriven."
          : std::string("Execution runs as part of its parent; redrive the parent instead.");
  out["StartDate"] = child.start;
  out["StateMachineArn"] = state_machine_arn(scope, child.state_machine);
  out["Status"] = status_name(child.status);
  out["StopDate"] = child.stop;
  return out;
}

}  // namespace

json::object describe_child_execution(const ArnScope& scope, const ExecutionRecord& child,
                                      bool as_json) {
  json::object out = described(scope, child, as_json);
  out["Output"] = as_json ? child.output : json::value(json::serialize(child.output));
  out["OutputDetails"] = json::object{{"Included", true}};
  return out;
}

std::string child_failure_cause(const ArnScope& scope, const ExecutionRecord& child, bool as_json,
                                const std::string& error, const std::string& cause) {
  json::object out = described(scope, child, as_json);
  if (!error.empty()) out["Error"] = error;
  if (!cause.empty()) out["Cause"] = cause;
  return json::serialize(out);
}

}  // namespace settled::aws
