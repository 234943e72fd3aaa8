// CreateStateMachine, DescribeStateMachine, UpdateStateMachine, DeleteStateMachine,
// ListStateMachines, ValidateStateMachineDefinition and DescribeStateMachineForExecution
// (docs/aws-api.md) over settled's registered versions: a create or an update registers a
// version through the state machines actor, exactly as PUT /v1/state-machines/{name} does.

#include "actors/state_machines_actor.hpp"
#include "adapters/store/state_machine_store.hpp"
#include "api/sfn/aws_json.hpp"
#include "api/sfn/sfn_context.hpp"
#include "domain/asl/parser.hpp"
#include "domain/execution_record.hpp"
#include "domain/json_limits.hpp"
#include "domain/state_machine_versions.hpp"
#include "domain/storage_keys.hpp"

#include <boost/json.hpp>

namespace settled::api::sfn {

namespace json = boost::json;

namespace {

constexpr std::size_t kDefinitionMax = 1048576;  // AWS: 1 MiB of definition text
constexpr const char* kTokenPrefix = "sm1:";

using aws::role_arn;  // settled keeps no IAM role; the describe answers name this one

// The definition text as ASL JSON, or InvalidDefinition.
Result<json::value, AwsError> read_definition(const std::string& text) {
  auto parsed = parse_request_json(text, "definition");
  if (!parsed)
    return AwsError{aws_errors::kInvalidDefinition,
                    "Invalid State Machine Definition: " + parsed.error().message};
  return std::move(*parsed);
}

// "STANDARD" (the only type settled runs), or the refusal of another.
void read_type(BodyReader& r) {
  const std::string type = r.string("type", false, 1, 16);
  if (r.error() || type.empty() || type == "STANDARD") return;
  if (type == "EXPRESS")
    return r.fail(AwsError{aws_errors::kStateMachineTypeNotSupported,
                           "settled runs STANDARD state machines only"});
  r.fail(validation_error("type", type, "Member must satisfy enum value set: [STANDARD, EXPRESS]"));
}

// Members taken for compatibility and not used: checked for their JSON type only.
void read_ignored(BodyReader& r, const json::object& body) {
  for (const char* name :
       {"loggingConfiguration", "tracingConfiguration", "encryptionConfiguration"}) {
    const json::value* v = body.if_contains(name);
    if (v && !v->is_null() && !v->is_object())
      r.fail(AwsError{aws_errors::kSerialization,
                      "field \"" + std::string(name) + "\" must be an object"});
  }
  if (const json::value* tags = body.if_contains("tags");
      tags && !tags->is_null() && !tags->is_array())
    r.fail(AwsError{aws_errors::kSerialization, "field \"tags\" must be a list"});
  r.boolean("publish", false);
  r.string("versionDescription", false, 0, 256);
}

json::object describe_version(const ArnScope& scope, const StateMachineVersion& latest,
                              EpochMillis created) {
  return json::object{
      {"stateMachineArn", state_machine_arn(scope, latest.name)},
      {"name", latest.name},
      {"status", "ACTIVE"},
      {"definition", json::serialize(latest.definition)},
      {"roleArn", role_arn(scope)},
      {"type", "STANDARD"},
      {"creationDate", epoch_seconds(created)},
      {"loggingConfiguration", json::object{{"level", "OFF"}, {"includeExecutionData", false}}},
      {"tracingConfiguration", json::object{{"enabled", false}}},
      {"revisionId", latest.sha256},
  };
}

// Registers `definition` as the next version of `name` (state_machines_actor.hpp) and answers
// with `shape(registered version)` once it is durable.
void register_version(SfnCall& call, const std::string& name, json::value definition,
                      std::function<json::object(const StateMachineVersion&)> shape) {
  actors::RegisterRequest registration{name, std::move(definition), nullptr};
  registration.reply = [respond = call.respond, engine = call.deps.engine,
                        shape = std::move(shape)](Result<actors::RegisterResult> result) {
    if (!result) {
      AwsError error = to_aws_error(result.error());
      // The actor refuses a definition that breaks an ASL rule with InvalidRequest or
      // InvalidDefinition; both are Step Functions' InvalidDefinition.
      if (result.error().code == ErrorCode::kInvalidRequest)
        error.type = aws_errors::kInvalidDefinition;
      return respond(aws_error_response(error));
    }
    auto stored = adapters::read_state_machine_version(*engine->db, result->name, result->version);
    if (!stored)
      return respond(aws_error_response(
          AwsError{aws_errors::kInternal, "the registered version could not be read back", 500}));
    respond(aws_ok(shape(*stored)));
  };
  caf::anon_send(call.deps.state_machines, actors::register_atom::value, std::move(registration));
}

}  // namespace

void create_state_machine(SfnCall call) {
  BodyReader r(call.body, {"name", "definition", "roleArn", "type", "loggingConfiguration", "tags",
                           "tracingConfiguration", "publish", "versionDescription",
                           "encryptionConfiguration"});
  const std::string name = r.string("name", true, 1, 80);
  const std::string text = r.string("definition", true, 1, kDefinitionMax);
  r.string("roleArn", true, 1, 256);
  read_type(r);
  read_ignored(r, call.body);
  if (r.error()) return fail(call, *r.error());
  if (!valid_state_machine_name(name))
    return fail(call, AwsError{aws_errors::kInvalidName,
                               "Invalid Name: '" + name + "' (1 to 80 of A-Z, a-z, 0-9, _ and -)"});
  auto definition = read_definition(text);
  if (!definition) return fail(call, definition.error());
  // CreateStateMachine is idempotent for the same definition; another definition under the same
  // name is StateMachineAlreadyExists (UpdateStateMachine changes it).
  const auto versions = adapters::read_state_machine_versions(*call.deps.engine->db, name);
  const ArnScope scope = call.deps.arns;
  if (!versions.empty()) {
    if (versions.back().sha256 != definition_sha256(*definition))
      return fail(
          call, AwsError{aws_errors::kStateMachineAlreadyExists,
                         "State Machine Already Exists: '" + state_machine_arn(scope, name) + "'"});
    return call.respond(
        aws_ok(json::object{{"stateMachineArn", state_machine_arn(scope, name)},
                            {"creationDate", epoch_seconds(versions.front().registered_at)}}));
  }
  register_version(call, name, std::move(*definition), [scope](const StateMachineVersion& v) {
    return json::object{{"stateMachineArn", state_machine_arn(scope, v.name)},
                        {"creationDate", epoch_seconds(v.registered_at)}};
  });
}

void describe_state_machine(SfnCall call) {
  BodyReader r(call.body, {"stateMachineArn", "includedData"});
  const std::string arn = r.string("stateMachineArn", true, 1, 256);
  r.string("includedData", false, 1, 32);
  if (r.error()) return fail(call, *r.error());
  auto name = parse_state_machine_arn(call.deps.arns, arn);
  if (!name) return fail(call, name.error());
  const auto versions = adapters::read_state_machine_versions(*call.deps.engine->db, *name);
  if (versions.empty())
    return fail(call, AwsError{aws_errors::kStateMachineDoesNotExist,
                               "State Machine Does Not Exist: '" + arn + "'"});
  call.respond(
      aws_ok(describe_version(call.deps.arns, versions.back(), versions.front().registered_at)));
}

void update_state_machine(SfnCall call) {
  BodyReader r(call.body, {"stateMachineArn", "definition", "roleArn", "loggingConfiguration",
                           "tracingConfiguration", "publish", "versionDescription",
                           "encryptionConfiguration"});
  const std::string arn = r.string("stateMachineArn", true, 1, 256);
  const std::string text = r.string("definition", false, 1, kDefinitionMax);
  const std::string role = r.string("roleArn", false, 1, 256);
  read_ignored(r, call.body);
  if (r.error()) return fail(call, *r.error());
  auto name = parse_state_machine_arn(call.deps.arns, arn);
  if (!name) return fail(call, name.error());
  const auto versions = adapters::read_state_machine_versions(*call.deps.engine->db, *name);
  if (versions.empty())
    return fail(call, AwsError{aws_errors::kStateMachineDoesNotExist,
                               "State Machine Does Not Exist: '" + arn + "'"});
  if (text.empty() && role.empty() && !call.body.if_contains("loggingConfiguration") &&
      !call.body.if_contains("tracingConfiguration") &&
      !call.body.if_contains("encryptionConfiguration"))
    return fail(call,
                AwsError{"MissingRequiredParameter",
                         "Either the definition, the roleArn, the loggingConfiguration, the "
                         "tracingConfiguration or the encryptionConfiguration must be given"});
  if (text.empty())  // nothing settled keeps changes
    return call.respond(aws_ok(json::object{{"updateDate", epoch_seconds(call.deps.engine->now())},
                                            {"revisionId", versions.back().sha256}}));
  auto definition = read_definition(text);
  if (!definition) return fail(call, definition.error());
  register_version(call, *name, std::move(*definition), [](const StateMachineVersion& v) {
    return json::object{{"updateDate", epoch_seconds(v.registered_at)}, {"revisionId", v.sha256}};
  });
}

void delete_state_machine(SfnCall call) {
  BodyReader r(call.body, {"stateMachineArn"});
  const std::string arn = r.string("stateMachineArn", true, 1, 256);
  if (r.error()) return fail(call, *r.error());
  auto name = parse_state_machine_arn(call.deps.arns, arn);
  if (!name) return fail(call, name.error());
  // The name goes at once; executions already running finish on their version, which stays
  // stored (docs/aws-api.md). Deleting a name that does not exist succeeds, as on AWS.
  actors::RetireRequest retire;
  retire.name = std::move(*name);
  retire.reply = [respond = call.respond](Status status) {
    if (!status) {
      AwsError error = to_aws_error(status.error());
      if (status.error().code == ErrorCode::kInvalidRequest) error.type = aws_errors::kValidation;
      return respond(aws_error_response(error));
    }
    respond(aws_ok(json::object{}));
  };
  caf::anon_send(call.deps.state_machines, actors::retire_atom::value, std::move(retire));
}

void list_state_machines(SfnCall call) {
  BodyReader r(call.body, {"maxResults", "nextToken"});
  std::int64_t max = r.integer("maxResults", 0, 1000, 0);
  const std::string token = r.string("nextToken", false, 1, 1024);
  if (r.error()) return fail(call, *r.error());
  if (max == 0) max = 100;
  std::string after;
  if (!token.empty()) {
    after = token.rfind(kTokenPrefix, 0) == 0 ? token.substr(4) : std::string();
    if (!valid_state_machine_name(after))
      return fail(call, AwsError{aws_errors::kInvalidToken,
                                 "Invalid Token: '" + token.substr(0, 64) + "'"});
  }
  // A page of names (the store reads only what it lists): each created when its current run of
  // versions began.
  const auto page =
      adapters::page_state_machines(*call.deps.engine->db, static_cast<std::size_t>(max), after);
  json::array machines;
  for (const auto& m : page.machines)
    machines.push_back(json::object{{"stateMachineArn", state_machine_arn(call.deps.arns, m.name)},
                                    {"name", m.name},
                                    {"type", "STANDARD"},
                                    {"creationDate", epoch_seconds(m.created_at)}});
  json::object out{{"stateMachines", std::move(machines)}};
  if (page.has_more) out["nextToken"] = kTokenPrefix + page.machines.back().name;
  call.respond(aws_ok(out));
}

void validate_state_machine_definition(SfnCall call) {
  BodyReader r(call.body, {"definition", "type", "severity", "maxResults"});
  const std::string text = r.string("definition", true, 1, kDefinitionMax);
  read_type(r);
  r.string("severity", false, 1, 16);
  r.integer("maxResults", 0, 100, 0);
  if (r.error()) return fail(call, *r.error());
  json::array diagnostics;
  const auto diagnose = [&](const char* code, const std::string& message) {
    diagnostics.push_back(
        json::object{{"severity", "ERROR"}, {"code", code}, {"message", message}});
  };
  if (auto definition = parse_request_json(text, "definition"); !definition) {
    diagnose("INVALID_JSON_DESCRIPTION", definition.error().message);
  } else if (auto machine = asl::parse_state_machine(*definition, "validation"); !machine) {
    diagnose("SCHEMA_VALIDATION_FAILED", machine.error().message);
  }
  const bool ok = diagnostics.empty();
  call.respond(aws_ok(json::object{{"result", ok ? "OK" : "FAIL"},
                                   {"diagnostics", std::move(diagnostics)},
                                   {"truncated", false}}));
}

void describe_state_machine_for_execution(SfnCall call) {
  BodyReader r(call.body, {"executionArn", "includedData"});
  const std::string arn = r.string("executionArn", true, 1, 256);
  r.string("includedData", false, 1, 32);
  if (r.error()) return fail(call, *r.error());
  const auto id = find_execution(call.deps, arn);
  if (!id) return fail(call, id.error());
  const auto& db = *call.deps.engine->db;
  auto stored = db.get(Table::kExecutions, *id);
  if (!stored)
    return fail(call, AwsError{aws_errors::kExecutionDoesNotExist,
                               "Execution Does Not Exist: '" + arn + "'"});
  auto record = ExecutionRecord::parse(*stored, *id);
  if (!record) return fail(call, to_aws_error(record.error()));
  std::optional<StateMachineVersion> version;
  if (record->state_machine_version > 0) {
    version = adapters::read_state_machine_version(db, record->state_machine,
                                                   record->state_machine_version);
  } else {
    auto versions = adapters::read_state_machine_versions(db, record->state_machine);
    if (!versions.empty()) version = std::move(versions.back());
  }
  if (!version)
    return fail(call, AwsError{aws_errors::kStateMachineDoesNotExist,
                               "the state machine version of '" + arn + "' is not stored"});
  call.respond(aws_ok(json::object{
      {"stateMachineArn", state_machine_arn(call.deps.arns, version->name)},
      {"name", version->name},
      {"definition", json::serialize(version->definition)},
      {"roleArn", role_arn(call.deps.arns)},
      {"updateDate", epoch_seconds(version->registered_at)},
      {"loggingConfiguration", json::object{{"level", "OFF"}, {"includeExecutionData", false}}},
      {"tracingConfiguration", json::object{{"enabled", false}}},
      {"revisionId", version->sha256},
  }));
}

}  // namespace settled::api::sfn
