// StartExecution, StartSyncExecution, DescribeExecution, ListExecutions, StopExecution and
// RedriveExecution (docs/aws-api.md) through what the native routes use: the executions
// supervisor's start (the same exactly-once admission: an execution is its state machine and
// name, the same input finds it again, another is ExecutionAlreadyExists), the stored records
// and the admin actor's stop and redrive.

#include "actors/admin_actor.hpp"
#include "actors/messages.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/store/started_executions.hpp"
#include "adapters/store/state_machine_store.hpp"
#include "api/sfn/aws_json.hpp"
#include "api/sfn/execution_page_token.hpp"
#include "api/sfn/sfn_context.hpp"
#include "domain/asl/interpreter.hpp"
#include "domain/execution_record.hpp"
#include "domain/json_limits.hpp"
#include "domain/storage_keys.hpp"
#include "domain/utf8.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <memory>

namespace settled::api::sfn {

namespace json = boost::json;

namespace {

AwsError no_execution(const std::string& arn) {
  return AwsError{aws_errors::kExecutionDoesNotExist, "Execution Does Not Exist: '" + arn + "'"};
}

// The stored record an execution ARN names, or why there is none.
Result<ExecutionRecord, AwsError> load(const SfnCall& call, const std::string& arn) {
  auto id = find_execution(call.deps, arn);
  if (!id) return id.error();
  const auto& db = *call.deps.engine->db;
  auto stored = db.get(Table::kExecutions, *id);
  if (!stored) return no_execution(arn);
  auto record = ExecutionRecord::parse(*stored, *id);
  if (!record) return to_aws_error(record.error());
  return std::move(*record);
}

json::object describe(const ArnScope& scope, const ExecutionRecord& record) {
  json::object o{
      {"executionArn", aws::execution_arn_of(scope, record.id, record.state_machine, record.name)},
      {"stateMachineArn", state_machine_arn(scope, record.state_machine)},
      {"name", record.name},
      {"status", status_name(record.status)},
      {"startDate", epoch_seconds(record.start)},
      {"input", json::serialize(record.input)},
      {"inputDetails", json::object{{"included", true}}}};
  if (record.status != ExecutionStatus::kRunning) o["stopDate"] = epoch_seconds(record.stop);
  if (record.status == ExecutionStatus::kSucceeded) {
    o["output"] = json::serialize(record.output);
    o["outputDetails"] = json::object{{"included", true}};
  }
  if (!record.error.empty()) o["error"] = record.error;
  if (!record.cause.empty()) o["cause"] = record.cause;
  o["redriveCount"] = record.redrive_count;
  if (record.redrive_count) o["redriveDate"] = epoch_seconds(record.redrive_date);
  // As Step Functions: what did not succeed can be redriven (a branch only through its parent).
  const bool ended_unsuccessfully = record.status == ExecutionStatus::kFailed ||
                                    record.status == ExecutionStatus::kAborted ||
                                    record.status == ExecutionStatus::kTimedOut;
  if (ended_unsuccessfully && !record.is_branch()) {
    o["redriveStatus"] = "REDRIVABLE";
  } else {
    o["redriveStatus"] = "NOT_REDRIVABLE";
    o["redriveStatusReason"] =
        record.is_branch()
            ? std::string("Execution runs as part of its parent; redrive the parent instead.")
            : "Execution is " + std::string(status_name(record.status)) +
                  " and cannot be redriven.";
  }
  return o;
}

struct StartFields {
  std::string machine;
  std::string name;
  json::value input;
};

// StartExecution's and StartSyncExecution's members, or the refusal.
Result<StartFields, AwsError> read_start(const SfnCall& call) {
  BodyReader r(call.body, {"stateMachineArn", "name", "input", "traceHeader"});
  const std::string arn = r.string("stateMachineArn", true, 1, 256);
  std::string name = r.string("name", false, 1, 80);
  const bool has_input = r.has("input") && !call.body.at("input").is_null();
  const std::string input_text = r.string("input", false, 0, asl::kPayloadLimitBytes);
  r.string("traceHeader", false, 0, 256);
  if (r.error()) return *r.error();
  if (!r.ignored().empty()) {
    // Ignored as AWS ignores them; a misspelt optional "name" would start a UUID-named
    // execution, so the operator can see what was dropped.
    json::array names;
    for (const auto& n : r.ignored()) names.emplace_back(valid_utf8_or_replaced(n));
    adapters::log(adapters::LogLevel::kWarn, "sfn.unknown_members",
                  {{"operation", "StartExecution"}, {"members", std::move(names)}});
  }
  auto machine = parse_state_machine_arn(call.deps.arns, arn);
  if (!machine) return machine.error();
  if (name.empty()) {
    // Step Functions names an unnamed execution with a UUID: a retry of such a call starts a
    // second execution, as it does on AWS. Name it to have settled's exactly-once start.
    name = random_uuid();
  } else if (!valid_execution_name(name)) {
    return AwsError{aws_errors::kInvalidName,
                    "Invalid Name: '" + name + "' (1 to 80 of A-Z, a-z, 0-9, -, _ and .)"};
  }
  json::value input = json::object{};
  if (has_input) {
    auto parsed = parse_request_json(input_text, "input");
    if (!parsed)
      return AwsError{aws_errors::kInvalidExecutionInput,
                      "Invalid State Machine Execution Input: " + parsed.error().message};
    input = std::move(*parsed);
  }
  return StartFields{std::move(*machine), std::move(name), std::move(input)};
}

void send_start(SfnCall& call, StartFields fields, actors::AnswerCallback reply) {
  actors::StartRequest start;
  start.state_machine = std::move(fields.machine);
  start.name = std::move(fields.name);
  start.input = std::move(fields.input);
  start.reply = std::move(reply);
  start.caller = call.caller;
  caf::anon_send(call.deps.executions, actors::start_atom::value, std::move(start));
}

// Stop or redrive through the admin actor, as settlectl's execution.stop / execution.redrive.
void control(SfnCall& call, actors::ControlAsk::Kind kind,
             std::function<adapters::HttpResponse(Result<json::object>)> answer) {
  const bool stop = kind == actors::ControlAsk::Kind::kStop;
  // Two readers, not one list chosen by a ternary (an initializer_list's array would dangle).
  BodyReader stop_reader(call.body, {"executionArn", "error", "cause"});
  BodyReader redrive_reader(call.body, {"executionArn", "clientToken"});
  BodyReader& r = stop ? stop_reader : redrive_reader;
  const std::string arn = r.string("executionArn", true, 1, 256);
  std::string error;
  std::string cause;
  if (stop) {
    error = r.string("error", false, 0, 256);
    cause = r.string("cause", false, 0, 32768);
  } else {
    r.string("clientToken", false, 1, 64);
  }
  if (r.error()) return fail(call, *r.error());
  auto record = load(call, arn);
  if (!record) return fail(call, record.error());
  if (!call.deps.admin)
    return fail(call, AwsError{aws_errors::kInternal, "stop and redrive are not wired", 500});
  actors::ControlAsk ask;
  ask.kind = kind;
  ask.execution_id = record->id;
  ask.error = std::move(error);
  ask.cause = std::move(cause);
  ask.reply = [respond = call.respond, answer = std::move(answer)](Result<json::object> result) {
    respond(answer(std::move(result)));
  };
  caf::anon_send(call.deps.admin, actors::admin_atom::value, std::move(ask));
}

// StartSyncExecution: answers when the started execution closes. The supervisor calls back when
// its actor stops (actors/messages.hpp ExecutionWatch); the record then says whether it closed
// (answered as DescribeExecution) or only passivated (watched again, until its next run ends).
// One timer answers 503 if it has not closed in time; whichever comes first answers.
constexpr auto kSyncWaitLimit = std::chrono::seconds(8);  // under the 10 s request deadline

struct SyncWait {
  actors::EnginePtr engine;
  actors::ExecutionsActor executions;
  std::string id;
  ArnScope scope;
  adapters::HttpResponder respond;
  std::chrono::steady_clock::time_point until;
  std::atomic<bool> answered{false};

  void answer(adapters::HttpResponse response) {
    if (!answered.exchange(true)) respond(std::move(response));
  }
};

void watch(const std::shared_ptr<SyncWait>& wait);

// The record, if it closed: answers and returns true.
bool answer_if_closed(const std::shared_ptr<SyncWait>& wait) {
  auto stored = wait->engine->db->get(Table::kExecutions, wait->id);
  if (!stored) return false;
  auto record = ExecutionRecord::parse(*stored, wait->id);
  if (!record) {
    wait->answer(aws_error_response(to_aws_error(record.error())));
    return true;
  }
  if (record->status == ExecutionStatus::kRunning) return false;
  wait->answer(aws_ok(describe(wait->scope, *record)));
  return true;
}

void watch(const std::shared_ptr<SyncWait>& wait) {
  if (wait->answered || std::chrono::steady_clock::now() >= wait->until) return;
  actors::ExecutionWatch w;
  w.id = wait->id;
  w.until = wait->until;
  w.changed = [wait] {
    if (!answer_if_closed(wait)) watch(wait);
  };
  caf::anon_send(wait->executions, actors::watch_atom::value, std::move(w));
}

caf::behavior sync_deadline(caf::event_based_actor* self, std::shared_ptr<SyncWait> wait) {
  self->delayed_send(self, kSyncWaitLimit, std::string("deadline"));
  return {[self, wait](const std::string&) {
    if (!answer_if_closed(wait))
      wait->answer(aws_error_response(AwsError{"ServiceUnavailable",
                                               "the execution is still running after " +
                                                   std::to_string(kSyncWaitLimit.count()) +
                                                   " s; DescribeExecution reads its outcome later",
                                               503}));
    self->quit();
  }};
}

}  // namespace

Result<std::string, AwsError> find_execution(const SfnDeps& deps, const std::string& arn) {
  const auto& db = *deps.engine->db;
  auto execution = parse_execution_arn(deps.arns, arn);
  if (!execution) {
    // A child settled:states.startExecution.sync started before children were named as Step
    // Functions names them is named by its settled id ("<parent id>~<event>.0", which no AWS
    // name could be): its ARN ($$.Execution.Id, and what DescribeExecution gives it) names
    // that id, and finds it.
    auto key = aws::execution_arn_key(deps.arns, arn);
    if (key && key->find('~') != std::string::npos && db.get(Table::kExecutions, *key))
      return std::move(*key);
    return execution.error();
  }
  if (auto id = adapters::find_named_execution(db, execution->id())) return std::move(*id);
  return no_execution(arn);
}

void start_execution(SfnCall call) {
  auto fields = read_start(call);
  if (!fields) return fail(call, fields.error());
  const std::string arn = execution_arn(call.deps.arns, fields->machine, fields->name);
  send_start(call, std::move(*fields), [respond = call.respond, arn](actors::Answer answer) {
    if (!answer) return respond(aws_error_response(to_aws_error(answer.error())));
    const json::value start = answer->start ? epoch_seconds(answer->start) : json::value(nullptr);
    respond(aws_ok(json::object{{"executionArn", arn}, {"startDate", start}}));
  });
}

void start_sync_execution(SfnCall call) {
  auto fields = read_start(call);
  if (!fields) return fail(call, fields.error());
  auto wait = std::make_shared<SyncWait>();
  wait->engine = call.deps.engine;
  wait->executions = call.deps.executions;
  wait->id = fields->machine + ":" + fields->name;
  wait->scope = call.deps.arns;
  wait->respond = call.respond;
  caf::actor_system* system = &call.deps.executions->home_system();
  send_start(call, std::move(*fields), [wait, system](actors::Answer answer) {
    if (!answer) return wait->answer(aws_error_response(to_aws_error(answer.error())));
    // Started (or found): answer when it closes, or 503 before the HTTP deadline.
    wait->until = std::chrono::steady_clock::now() + kSyncWaitLimit;
    if (answer_if_closed(wait)) return;
    system->spawn(sync_deadline, wait);
    watch(wait);
  });
}

void describe_execution(SfnCall call) {
  BodyReader r(call.body, {"executionArn", "includedData"});
  const std::string arn = r.string("executionArn", true, 1, 256);
  r.string("includedData", false, 1, 32);
  if (r.error()) return fail(call, *r.error());
  auto record = load(call, arn);
  if (!record) return fail(call, record.error());
  call.respond(aws_ok(describe(call.deps.arns, *record)));
}

void list_executions(SfnCall call) {
  BodyReader r(call.body, {"stateMachineArn", "statusFilter", "maxResults", "nextToken",
                           "mapRunArn", "redriveFilter"});
  const std::string arn = r.string("stateMachineArn", false, 1, 256);
  const std::string status = r.string("statusFilter", false, 1, 32);
  std::int64_t max = r.integer("maxResults", 0, 1000, 0);
  const std::string token = r.string("nextToken", false, 1, 3096);
  const std::string map_run = r.string("mapRunArn", false, 1, 2000);
  const std::string redrive = r.string("redriveFilter", false, 1, 32);
  if (r.error()) return fail(call, *r.error());
  if (!map_run.empty())
    return fail(call, AwsError{aws_errors::kValidation,
                               "settled runs no Map Runs (distributed Map); mapRunArn is not "
                               "supported"});
  if (arn.empty())
    return fail(call,
                AwsError{aws_errors::kValidation, "Must provide a StateMachine ARN or MapRun ARN"});
  auto machine = parse_state_machine_arn(call.deps.arns, arn);
  if (!machine) return fail(call, machine.error());
  static const char* const kStatuses[] = {"RUNNING",   "SUCCEEDED", "FAILED",
                                          "TIMED_OUT", "ABORTED",   "PENDING_REDRIVE"};
  if (!status.empty() && std::find_if(std::begin(kStatuses), std::end(kStatuses),
                                      [&](auto s) { return status == s; }) == std::end(kStatuses))
    return fail(call, validation_error("statusFilter", status,
                                       "Member must satisfy enum value set: [RUNNING, SUCCEEDED, "
                                       "FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]"));
  if (!redrive.empty() && redrive != "REDRIVEN" && redrive != "NOT_REDRIVEN")
    return fail(call, validation_error("redriveFilter", redrive,
                                       "Member must satisfy enum value set: [REDRIVEN, "
                                       "NOT_REDRIVEN]"));
  const auto& db = *call.deps.engine->db;
  if (adapters::read_state_machine_versions(db, *machine).empty())
    return fail(call, AwsError{aws_errors::kStateMachineDoesNotExist,
                               "State Machine Does Not Exist: '" + arn + "'"});
  // Newest first, as on AWS: the index of this state machine's executions by start, from where
  // the token says the previous page stopped (execution_page_token.hpp).
  adapters::StartedQuery query;
  query.state_machine = *machine;
  query.limit = max == 0 ? 100 : static_cast<std::size_t>(max);
  if (!token.empty()) {
    auto after = execution_page_key(*machine, token);
    if (!after) return fail(call, after.error());
    query.after = std::move(*after);
  }
  std::optional<ExecutionStatus> wanted;
  if (!status.empty() && status != "PENDING_REDRIVE") wanted = parse_status(status);
  query.match = [&wanted, &redrive](const ExecutionRecord& record) {
    if (wanted && record.status != *wanted) return false;
    const bool redriven = record.redrive_count > 0;
    return !((redrive == "REDRIVEN" && !redriven) || (redrive == "NOT_REDRIVEN" && redriven));
  };
  json::array executions;
  std::string next;
  // settled never parks an execution in PENDING_REDRIVE: that filter lists none.
  if (status != "PENDING_REDRIVE") {
    auto page = adapters::list_started_executions(db, query);
    if (!page) return fail(call, to_aws_error(page.error()));
    for (const auto& record : page->executions) {
      json::object row{
          {"executionArn", aws::execution_arn_of(call.deps.arns, record.id, *machine, record.name)},
          {"stateMachineArn", arn},
          {"name", record.name},
          {"status", status_name(record.status)},
          {"startDate", epoch_seconds(record.start)}};
      if (record.status != ExecutionStatus::kRunning) row["stopDate"] = epoch_seconds(record.stop);
      row["redriveCount"] = record.redrive_count;
      if (record.redrive_count) row["redriveDate"] = epoch_seconds(record.redrive_date);
      executions.push_back(std::move(row));
    }
    if (!page->last_key.empty()) next = execution_page_token(*machine, page->last_key);
  }
  json::object out{{"executions", std::move(executions)}};
  if (!next.empty()) out["nextToken"] = next;
  call.respond(aws_ok(out));
}

void stop_execution(SfnCall call) {
  control(call, actors::ControlAsk::Kind::kStop, [](Result<json::object> result) {
    if (!result) return aws_error_response(to_aws_error(result.error()));
    json::value stop = nullptr;
    if (const auto* date = result->if_contains("stopDate"); date && date->is_string())
      stop = epoch_seconds(std::string_view(date->as_string()));
    return aws_ok(json::object{{"stopDate", stop}});
  });
}

void redrive_execution(SfnCall call) {
  const auto now = call.deps.engine->now;
  control(call, actors::ControlAsk::Kind::kRedrive, [now](Result<json::object> result) {
    if (!result) {
      AwsError error = to_aws_error(result.error());
      // The supervisor refuses what cannot be redriven (not FAILED, a branch, busy) with
      // InvalidRequest: Step Functions' ExecutionNotRedrivable.
      if (result.error().code == ErrorCode::kInvalidRequest)
        error.type = aws_errors::kExecutionNotRedrivable;
      return aws_error_response(error);
    }
    return aws_ok(json::object{{"redriveDate", epoch_seconds(now())}});
  });
}

}  // namespace settled::api::sfn
