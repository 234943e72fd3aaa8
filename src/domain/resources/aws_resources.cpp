#include "domain/resources/aws_resources.hpp"

#include "domain/digest.hpp"
#include "domain/resources/aws_child_execution.hpp"
#include "domain/resources/builtin.hpp"
#include "domain/resources/dynamodb_values.hpp"
#include "domain/resources/dynamodb_writes.hpp"
#include "domain/resources/records.hpp"
#include "domain/resources/sns_publish.hpp"
#include "domain/resources/start_execution.hpp"
#include "domain/resources/task_answer.hpp"
#include "domain/time.hpp"

#include <boost/json.hpp>

namespace settled::aws {

namespace json = boost::json;

namespace {

constexpr const char* kLambdaInvoke = "arn:aws:states:::lambda:invoke";
constexpr const char* kStartAsync = "arn:aws:states:::states:startExecution";
constexpr const char* kStartSync = "arn:aws:states:::states:startExecution.sync";
constexpr const char* kStartSync2 = "arn:aws:states:::states:startExecution.sync:2";
constexpr const char* kPutEvents = "arn:aws:states:::events:putEvents";
constexpr const char* kSnsPublish = "arn:aws:states:::sns:publish";
constexpr const char* kPutItem = "arn:aws:states:::dynamodb:putItem";
constexpr const char* kGetItem = "arn:aws:states:::dynamodb:getItem";
constexpr const char* kUpdateItem = "arn:aws:states:::dynamodb:updateItem";
constexpr const char* kDeleteItem = "arn:aws:states:::dynamodb:deleteItem";
constexpr const char* kSfnSendTaskSuccess = "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess";
constexpr const char* kSfnSendTaskFailure = "arn:aws:states:::aws-sdk:sfn:sendTaskFailure";

bool is_lambda_arn(const std::string& resource) {
  return resource.rfind("arn:", 0) == 0 && resource.find(":lambda:") != std::string::npos &&
         resource.find(":function:") != std::string::npos;
}

TaskOutcome failed(const char* error, std::string cause) {
  return TaskOutcome::failure(error, std::move(cause));
}

const json::object* object_of(const json::value& parameters) {
  return parameters.is_object() ? &parameters.as_object() : nullptr;
}

const json::string* string_field(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_string() ? &v->as_string() : nullptr;
}

}  // namespace

std::string stable_id(std::string_view what, const std::string& key) {
  const std::string hex = sha256_hex(std::string(what) + "\n" + key);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string salted_stable_id(std::string_view what, const std::string& key,
                             const ChildNameSalt& salt, EpochMillis entered) {
  if (salt.secret.empty() || entered < salt.since) return stable_id(what, key);
  return stable_id(what, salt.secret + "\n" + key);
}

void add_sdk_metadata(json::object& out, const std::string& request_id) {
  out["SdkHttpMetadata"] = json::object{
      {"AllHttpHeaders", json::object{{"Content-Type", json::array{"application/x-amz-json-1.0"}},
                                      {"x-amzn-RequestId", json::array{request_id}}}},
      {"HttpHeaders", json::object{{"Content-Type", "application/x-amz-json-1.0"},
                                   {"x-amzn-RequestId", request_id}}},
      {"HttpStatusCode", 200}};
  out["SdkResponseMetadata"] = json::object{{"RequestId", request_id}};
}

namespace {

// The call of a mapped function: its built-in with the payload, or settled:http.invoke with the
// function's name (its client knows the URL) and the payload.
BuiltinCall builtin_for(const std::string& function, const std::string& resource,
                        json::value payload) {
  if (resource != kHttpInvoke) return BuiltinCall{resource, std::move(payload)};
  return BuiltinCall{resource, json::object{{"FunctionName", lambda_function_name(function)},
                                            {"Payload", std::move(payload)}}};
}

std::variant<BuiltinCall, TaskOutcome> lambda_invoke(const ResourceMap& map,
                                                     const json::value& parameters) {
  const json::object* p = object_of(parameters);
  const json::string* name = p ? string_field(*p, "FunctionName") : nullptr;
  if (!name)
    return failed("Lambda.InvalidParameterValueException",
                  "lambda:invoke needs Parameters.FunctionName, a string");
  const std::string resource = map.function(*name);
  if (resource.empty())
    return failed("Lambda.ResourceNotFoundException",
                  "Function not found: " + std::string(*name) +
                      " (no resource-map entry names this function)");
  if (const json::string* type = string_field(*p, "InvocationType");
      type && *type != "RequestResponse")
    return failed(
        "Lambda.InvalidParameterValueException",
        "InvocationType " + std::string(*type) + " is not supported (RequestResponse is)");
  const json::value* payload = p->if_contains("Payload");
  return builtin_for(std::string(*name), resource,
                     payload ? *payload : json::value(json::object{}));
}

// One entry runs as settled:events.put with the entry; 2-10 (PutEvents' limit) with
// {"Entries": [...]}, one event each (actors/events/event_put.hpp).
std::variant<BuiltinCall, TaskOutcome> put_events(const json::value& parameters) {
  constexpr std::size_t kMaxEntries = 10;
  const json::object* p = object_of(parameters);
  const json::value* entries = p ? p->if_contains("Entries") : nullptr;
  if (!entries || !entries->is_array() || entries->as_array().empty() ||
      entries->as_array().size() > kMaxEntries)
    return failed("EventBridge.ValidationException",
                  "events:putEvents takes Parameters.Entries with 1-10 entries (objects)");
  json::array list;
  for (const auto& given : entries->as_array()) {
    if (!given.is_object())
      return failed("EventBridge.ValidationException",
                    "events:putEvents takes Parameters.Entries with 1-10 entries (objects)");
    json::object entry = given.as_object();
    entry.erase("EventBusName");  // settled has one bus
    list.push_back(std::move(entry));
  }
  if (list.size() == 1) return BuiltinCall{"settled:events.put", std::move(list[0])};
  return BuiltinCall{"settled:events.put", json::object{{"Entries", std::move(list)}}};
}

std::variant<BuiltinCall, TaskOutcome> dynamodb(const ResourceMap& map, bool put,
                                                const json::value& parameters) {
  const char* invalid = "DynamoDB.ValidationException";
  const json::object* p = object_of(parameters);
  const json::string* table = p ? string_field(*p, "TableName") : nullptr;
  if (!table) return failed(invalid, "Parameters.TableName must be a string");
  for (const auto& field : *p) {
    if (field.key() != "TableName" && field.key() != (put ? "Item" : "Key") &&
        field.key() != "ConsistentRead" && field.key() != "ReturnConsumedCapacity")
      return failed(invalid,
                    "Parameters." + std::string(field.key()) +
                        " is not supported by settled's dynamodb:" + (put ? "putItem" : "getItem"));
  }
  const char* field = put ? "Item" : "Key";
  const json::value* given = p->if_contains(field);
  if (!given) return failed(invalid, std::string("Parameters.") + field + " is required");
  auto plain = from_attribute_map(*given, field);
  if (!plain) return failed(invalid, plain.error().message);
  std::vector<std::string> keys;
  if (auto t = map.tables.find(std::string(*table)); t != map.tables.end()) {
    keys = t->second;
  } else if (!put) {
    for (const auto& k : *plain) keys.emplace_back(k.key());  // getItem's Key names them
  } else {
    return failed(invalid, "table " + std::string(*table) +
                               " has no key attributes in resource-map "
                               "(arn:aws:dynamodb:REGION:ACCOUNT:table/NAME=KEY)");
  }
  if (!put && plain->size() != keys.size())
    return failed(invalid, "The provided key element does not match the schema");
  auto key = item_key(*plain, keys, field);
  if (!key) return failed(invalid, key.error().message);
  json::object out{{"collection", *table}, {"key", *key}};
  if (put) out["record"] = std::move(*plain);
  return BuiltinCall{put ? "settled:records.put" : "settled:records.get", std::move(out)};
}

// settled:tasks.send*'s refusals as the AWS SDK integration names Step Functions' errors:
// "ServiceName.ErrorName" with the Exception suffix (a used token is, for Step Functions, a
// task that timed out, as SendTaskSuccess through the API answers). `builtin` and `parameters`
// are what the refusing parser read: its refusal crossed the events actor as a name and a
// message, so the field it refused is asked of the parser again rather than read off the message.
std::string sdk_sfn_error(const std::string& error, const std::string& builtin,
                          const json::value& parameters) {
  if (error == "Tasks.TaskTimedOut" || error == "Tasks.TaskAlreadyCompleted")
    return "Sfn.TaskTimedOutException";
  if (error == "Tasks.TaskDoesNotExist") return "Sfn.TaskDoesNotExistException";
  if (error == "Tasks.Forbidden") return "Sfn.AccessDeniedException";
  if (error == kTasksInvalidParameters) {
    auto parsed = parse_task_answer(builtin, parameters);
    const auto field = parsed ? TaskAnswerField::kParameters : parsed.error().field;
    if (field == TaskAnswerField::kTaskToken) return "Sfn.InvalidTokenException";
    if (field == TaskAnswerField::kOutput) return "Sfn.InvalidOutputException";
    return "Sfn.ValidationException";
  }
  return error;  // settled's own (the store unavailable, ...): Retry names them as documented
}

}  // namespace

bool is_aws_resource(const std::string& resource) {
  return base_resource(resource).rfind("arn:aws", 0) == 0;
}

bool known_aws_resource(const ResourceMap& map, const std::string& resource) {
  const std::string base = base_resource(resource);
  if (is_lambda_arn(base)) return !map.function(base).empty();
  return base == kLambdaInvoke || base == kStartAsync || base == kStartSync ||
         base == kStartSync2 || base == kPutEvents || base == kSnsPublish || base == kPutItem ||
         base == kGetItem || base == kUpdateItem || base == kDeleteItem ||
         base == kSfnSendTaskSuccess || base == kSfnSendTaskFailure;
}

std::variant<BuiltinCall, TaskOutcome> to_builtin(const ResourceMap& map,
                                                  const std::string& resource,
                                                  const json::value& parameters) {
  if (is_lambda_arn(resource)) {
    std::string mapped = map.function(resource);
    if (mapped.empty())
      return failed("Lambda.ResourceNotFoundException", "Function not found: " + resource);
    return builtin_for(resource, mapped, parameters);
  }
  if (resource == kLambdaInvoke) return lambda_invoke(map, parameters);
  if (resource == kStartAsync) return BuiltinCall{kStatesStartExecution, parameters};
  if (resource == kStartSync) return BuiltinCall{"settled:states.startExecution.sync", parameters};
  if (resource == kStartSync2)
    return BuiltinCall{"settled:states.startExecution.sync:2", parameters};
  if (resource == kPutEvents) return put_events(parameters);
  if (resource == kSnsPublish) return sns_publish(map, parameters);
  if (resource == kPutItem) return dynamodb(map, true, parameters);
  if (resource == kGetItem) return dynamodb(map, false, parameters);
  // The SDK's parameters are the built-ins' own (TaskToken, Output / Error, Cause).
  if (resource == kSfnSendTaskSuccess) return BuiltinCall{kTasksSendSuccess, parameters};
  if (resource == kSfnSendTaskFailure) return BuiltinCall{kTasksSendFailure, parameters};
  if (resource == kUpdateItem || resource == kDeleteItem) {
    const bool update = resource == kUpdateItem;
    auto call =
        update ? update_item_parameters(map, parameters) : delete_item_parameters(map, parameters);
    if (!call) return failed("DynamoDB.ValidationException", call.error().message);
    return BuiltinCall{update ? "settled:records.update" : "settled:records.delete",
                       std::move(*call)};
  }
  return failed("States.TaskFailed", "unknown resource " + resource);
}

TaskOutcome from_builtin(const std::string& resource, TaskOutcome outcome,
                         const std::string& request_id, const json::value& parameters,
                         EpochMillis now, const ArnScope& arns) {
  const std::string id = stable_id("request", request_id);
  if (resource == kStartAsync) {
    // StartExecution's answer: the started execution's ARN and start (epoch milliseconds, as
    // the built-in carried it beside its result).
    if (!outcome.ok || !outcome.result.is_object()) return outcome;
    const json::object& started = outcome.result.as_object();
    const json::value* machine = started.if_contains("stateMachine");
    const json::value* name = started.if_contains("name");
    if (!machine || !machine->is_string() || !name || !name->is_string()) return outcome;
    outcome.result = start_execution_answer(
        arns, std::string(machine->as_string()), std::string(name->as_string()),
        outcome.start_date ? outcome.start_date : now, request_id);
    return outcome;
  }
  if (resource == kLambdaInvoke) {
    if (!outcome.ok) return outcome;
    json::object out{{"ExecutedVersion", "$LATEST"}, {"Payload", std::move(outcome.result)}};
    add_sdk_metadata(out, id);
    out["StatusCode"] = 200;
    outcome.result = std::move(out);
    return outcome;
  }
  if (resource == kSnsPublish) {
    if (!outcome.ok) {
      // Alert.InvalidParameters, Notify.InvalidParameters: what SNS calls a bad publish.
      const std::string_view suffix = ".InvalidParameters";
      if (outcome.error.size() > suffix.size() &&
          outcome.error.compare(outcome.error.size() - suffix.size(), suffix.size(), suffix) == 0)
        outcome.error = "SNS.InvalidParameterException";
      return outcome;
    }
    json::object out{{"MessageId", stable_id("sns", request_id)}};
    if (publishes_to_fifo_topic(parameters))
      out["SequenceNumber"] = sns_sequence_number(now, request_id);
    add_sdk_metadata(out, id);
    outcome.result = std::move(out);
    return outcome;
  }
  if (resource == kPutItem || resource == kGetItem || resource == kUpdateItem ||
      resource == kDeleteItem) {
    if (!outcome.ok && outcome.error == kRecordsNotFound) {
      outcome = TaskOutcome::success(json::object{});  // GetItem of no item: no "Item"
    } else if (!outcome.ok) {
      if (outcome.error == kRecordsInvalidParameters)
        outcome.error = "DynamoDB.ValidationException";
      return outcome;
    }
    json::object out = resource == kUpdateItem   ? update_item_answer(outcome.result, parameters)
                       : resource == kDeleteItem ? delete_item_answer(outcome.result, parameters)
                                                 : json::object{};
    if (resource == kGetItem && outcome.result.is_object()) {
      const json::value* record = outcome.result.as_object().if_contains("record");
      if (record && record->is_object()) out["Item"] = to_attribute_map(record->as_object());
    }
    add_sdk_metadata(out, id);
    outcome.result = std::move(out);
    return outcome;
  }
  if (resource == kSfnSendTaskSuccess || resource == kSfnSendTaskFailure) {
    // An AWS SDK integration answers with the API's response (SendTaskSuccess/Failure: {}),
    // and names its errors Sfn.<Exception>.
    if (outcome.ok) {
      outcome.result = json::object{};
      return outcome;
    }
    outcome.error = sdk_sfn_error(
        outcome.error, resource == kSfnSendTaskSuccess ? kTasksSendSuccess : kTasksSendFailure,
        parameters);
    return outcome;
  }
  // A Lambda function ARN returns the function's payload itself; startExecution.sync(:2) and
  // putEvents' built-ins already answer in AWS's shape.
  return outcome;
}

}  // namespace settled::aws
