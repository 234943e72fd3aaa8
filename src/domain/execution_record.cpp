#include "domain/execution_record.hpp"

#include "domain/json_append.hpp"
#include "domain/json_limits.hpp"

#include <boost/json.hpp>

namespace settled {

namespace json = boost::json;

const char* status_name(ExecutionStatus status) {
  switch (status) {
    case ExecutionStatus::kRunning:
      return "RUNNING";
    case ExecutionStatus::kSucceeded:
      return "SUCCEEDED";
    case ExecutionStatus::kFailed:
      return "FAILED";
    case ExecutionStatus::kTimedOut:
      return "TIMED_OUT";
    case ExecutionStatus::kAborted:
      return "ABORTED";
  }
  return "RUNNING";
}

std::optional<ExecutionStatus> parse_status(std::string_view text) {
  for (auto s : {ExecutionStatus::kRunning, ExecutionStatus::kSucceeded, ExecutionStatus::kFailed,
                 ExecutionStatus::kTimedOut, ExecutionStatus::kAborted}) {
    if (text == status_name(s)) return s;
  }
  return std::nullopt;
}

namespace {

const char* phase_name(Phase phase) {
  switch (phase) {
    case Phase::kTask:
      return "task";
    case Phase::kRetryWait:
      return "retry-wait";
    case Phase::kWait:
      return "wait";
    case Phase::kDone:
      return "done";
    case Phase::kStart:
      return "start";
    case Phase::kBranches:
      return "branches";
    case Phase::kCallback:
      return "callback";
  }
  return "done";
}

std::optional<Phase> parse_phase(std::string_view text) {
  for (auto p : {Phase::kTask, Phase::kRetryWait, Phase::kWait, Phase::kDone, Phase::kStart,
                 Phase::kBranches, Phase::kCallback}) {
    if (text == phase_name(p)) return p;
  }
  return std::nullopt;
}

json::array scope_to_json(const asl::Scope& scope) {
  json::array out;
  for (const auto& step : scope)
    out.push_back(json::array{json::string(step.state), static_cast<std::int64_t>(step.branch)});
  return out;
}

}  // namespace

std::string ExecutionRecord::branch_prefix() const {
  return id + "~" + std::to_string(branches_event_id) + ".";
}

std::string ExecutionRecord::branch_id(std::size_t index) const {
  return branch_prefix() + std::to_string(index);
}

std::string ExecutionRecord::idempotency_key() const {
  return id + "/" + state + "/" + std::to_string(entered_event_id);
}

json::value ExecutionRecord::to_json() const {
  json::object o;
  o["id"] = id;
  o["stateMachine"] = state_machine;
  if (state_machine_version) o["stateMachineVersion"] = state_machine_version;
  o["name"] = name;
  o["status"] = status_name(status);
  o["input"] = input;
  o["output"] = output;
  o["error"] = error;
  o["cause"] = cause;
  o["start"] = start;
  o["stop"] = stop;
  if (deadline) o["deadline"] = deadline;
  if (redrive_count) {
    o["redriveCount"] = redrive_count;
    o["redriveDate"] = redrive_date;
  }
  json::object cursor;
  cursor["state"] = state;
  if (cursor_input_is_input())
    cursor["inputSameAs"] = "input";
  else
    cursor["input"] = state_input;
  cursor["waitOutput"] = wait_output;
  cursor["entered"] = state_entered;
  cursor["enteredEventId"] = entered_event_id;
  json::array attempts;
  for (auto a : retrier_attempts) attempts.push_back(a);
  cursor["retrierAttempts"] = std::move(attempts);
  cursor["retryCount"] = retry_count;
  cursor["phase"] = phase_name(phase);
  cursor["due"] = due;
  cursor["branchesEventId"] = branches_event_id;
  cursor["branches"] = branches;
  if (!task_token.empty()) {
    cursor["taskToken"] = task_token;
    cursor["taskDeadline"] = task_deadline;
  }
  o["cursor"] = std::move(cursor);
  o["lastEventId"] = last_event_id;
  if (is_branch()) {
    o["parentId"] = parent_id;
    o["branchIndex"] = branch_index;
    o["scope"] = scope_to_json(scope);
  }
  if (!test_case.empty()) o["testCase"] = test_case;
  if (!variables.empty()) o["variables"] = variables;
  if (!outer_variables.empty()) o["outerVariables"] = outer_variables;
  return o;
}

json::object ExecutionRecord::visible_variables() const {
  json::object out = outer_variables;
  for (const auto& [variable, value] : variables) out[variable] = value;
  return out;
}

bool ExecutionRecord::cursor_input_is_input() const {
  // A null cursor input is written as itself: a record with both null stays as it always was.
  return !state_input.is_null() && state_input == input;
}

std::string ExecutionRecord::serialize() const {
  return serialize(KnownTexts{});
}

std::string ExecutionRecord::serialize(const KnownTexts& known) const {
  // Written on every transition: appended in place (json_append), no temporary per field.
  std::string out;
  out.reserve(512 + known.input.size() + known.output.size() + known.state_input.size());
  JsonObjectWriter record(out);
  record.text("id", id).text("stateMachine", state_machine);
  if (state_machine_version) record.number("stateMachineVersion", state_machine_version);
  record.text("name", name).text("status", status_name(status));
  if (known.input.empty())
    record.value("input", input);
  else
    record.member("input") += known.input;
  if (known.output.empty())
    record.value("output", output);
  else
    record.member("output") += known.output;
  record.text("error", error).text("cause", cause).number("start", start).number("stop", stop);
  if (deadline) record.number("deadline", deadline);
  if (redrive_count)
    record.number("redriveCount", redrive_count).number("redriveDate", redrive_date);
  JsonObjectWriter cursor(record.member("cursor"));
  cursor.text("state", state);
  if (cursor_input_is_input())
    cursor.text("inputSameAs", "input");
  else if (!known.state_input.empty())
    cursor.member("input") += known.state_input;
  else
    cursor.value("input", state_input);
  cursor.value("waitOutput", wait_output)
      .number("entered", state_entered)
      .number("enteredEventId", entered_event_id);
  std::string& attempts = cursor.member("retrierAttempts");
  attempts += '[';
  for (std::size_t i = 0; i < retrier_attempts.size(); ++i) {
    if (i) attempts += ',';
    append_json_number(attempts, retrier_attempts[i]);
  }
  attempts += ']';
  cursor.number("retryCount", retry_count)
      .text("phase", phase_name(phase))
      .number("due", due)
      .number("branchesEventId", branches_event_id)
      .text("branches", branches);
  if (!task_token.empty())
    cursor.text("taskToken", task_token).number("taskDeadline", task_deadline);
  cursor.close();
  record.number("lastEventId", last_event_id);
  if (is_branch()) {
    record.text("parentId", parent_id)
        .number("branchIndex", branch_index)
        .value("scope", scope_to_json(scope));
  }
  if (!test_case.empty()) record.text("testCase", test_case);
  if (!variables.empty()) record.value("variables", variables);
  if (!outer_variables.empty()) record.value("outerVariables", outer_variables);
  record.close();
  return out;
}

Result<ExecutionRecord> ExecutionRecord::from_json(const json::value& value) {
  try {
    const auto& o = value.as_object();
    ExecutionRecord r;
    r.id = json::value_to<std::string>(o.at("id"));
    r.state_machine = json::value_to<std::string>(o.at("stateMachine"));
    if (const auto* v = o.if_contains("stateMachineVersion"))
      r.state_machine_version = v->to_number<std::int64_t>();
    r.name = json::value_to<std::string>(o.at("name"));
    auto status = parse_status(o.at("status").as_string());
    if (!status) return Error{ErrorCode::kRecordCorrupt, "execution record has an unknown status"};
    r.status = *status;
    r.input = o.at("input");
    r.output = o.at("output");
    r.error = json::value_to<std::string>(o.at("error"));
    r.cause = json::value_to<std::string>(o.at("cause"));
    r.start = o.at("start").to_number<std::int64_t>();
    r.stop = o.at("stop").to_number<std::int64_t>();
    if (const auto* d = o.if_contains("deadline")) r.deadline = d->to_number<std::int64_t>();
    // Records written before redrives were counted have none.
    if (const auto* n = o.if_contains("redriveCount")) {
      r.redrive_count = n->to_number<std::int64_t>();
      r.redrive_date = o.at("redriveDate").to_number<std::int64_t>();
    }
    const auto& c = o.at("cursor").as_object();
    r.state = json::value_to<std::string>(c.at("state"));
    // The first state's input is the execution's: stored once ("inputSameAs").
    if (const auto* same = c.if_contains("inputSameAs")) {
      if (*same != json::value("input"))
        return Error{ErrorCode::kRecordCorrupt,
                     "execution record's cursor input is the same as "
                     "an unknown field"};
      r.state_input = r.input;
    } else {
      r.state_input = c.at("input");
    }
    r.wait_output = c.at("waitOutput");
    r.state_entered = c.at("entered").to_number<std::int64_t>();
    r.entered_event_id = c.at("enteredEventId").to_number<std::int64_t>();
    for (const auto& a : c.at("retrierAttempts").as_array())
      r.retrier_attempts.push_back(a.to_number<std::int64_t>());
    r.retry_count = c.at("retryCount").to_number<std::int64_t>();
    auto phase = parse_phase(c.at("phase").as_string());
    if (!phase) return Error{ErrorCode::kRecordCorrupt, "execution record has an unknown phase"};
    r.phase = *phase;
    r.due = c.at("due").to_number<std::int64_t>();
    // Records written before Parallel/Map existed have no branch fields.
    if (const auto* b = c.if_contains("branchesEventId"))
      r.branches_event_id = b->to_number<std::int64_t>();
    if (const auto* b = c.if_contains("branches")) r.branches = json::value_to<std::string>(*b);
    if (const auto* t = c.if_contains("taskToken")) {
      r.task_token = json::value_to<std::string>(*t);
      r.task_deadline = c.at("taskDeadline").to_number<std::int64_t>();
    }
    r.last_event_id = o.at("lastEventId").to_number<std::int64_t>();
    if (const auto* p = o.if_contains("parentId")) {
      r.parent_id = json::value_to<std::string>(*p);
      r.branch_index = o.at("branchIndex").to_number<std::int64_t>();
      for (const auto& step : o.at("scope").as_array()) {
        const auto& pair = step.as_array();
        r.scope.push_back(
            asl::ScopeStep{json::value_to<std::string>(pair.at(0)),
                           static_cast<std::size_t>(pair.at(1).to_number<std::int64_t>())});
      }
    }
    if (const auto* t = o.if_contains("testCase")) r.test_case = json::value_to<std::string>(*t);
    // Records written before workflow variables existed have neither.
    if (const auto* v = o.if_contains("variables")) r.variables = v->as_object();
    if (const auto* v = o.if_contains("outerVariables")) r.outer_variables = v->as_object();
    return r;
  } catch (const std::exception& e) {
    return Error{ErrorCode::kRecordCorrupt, std::string("corrupt execution record: ") + e.what()};
  }
}

Result<ExecutionRecord> ExecutionRecord::parse(std::string_view text, std::string_view id) {
  auto value = parse_stored_json(text, "execution " + std::string(id));
  if (!value) return value.error();
  auto record = from_json(*value);
  if (!record)
    return Error{ErrorCode::kRecordCorrupt,
                 "execution " + std::string(id) + ": " + record.error().message};
  return record;
}

json::object ExecutionRecord::describe() const {
  json::object o;
  o["executionId"] = id;
  o["stateMachine"] = state_machine;
  if (state_machine_version) o["stateMachineVersion"] = state_machine_version;
  o["name"] = name;
  o["status"] = status_name(status);
  o["startDate"] = format_timestamp(start);
  if (status != ExecutionStatus::kRunning) o["stopDate"] = format_timestamp(stop);
  o["input"] = input;
  if (status == ExecutionStatus::kSucceeded) o["output"] = output;
  if (!error.empty()) o["error"] = error;
  if (!cause.empty()) o["cause"] = cause;
  if (status == ExecutionStatus::kRunning) o["currentState"] = state;
  if (redrive_count) {
    o["redriveCount"] = redrive_count;
    o["redriveDate"] = format_timestamp(redrive_date);
  }
  if (is_branch()) {
    o["parentExecutionId"] = parent_id;
    o["branchIndex"] = branch_index;
  }
  if (!test_case.empty()) o["testCase"] = test_case;
  return o;
}

}  // namespace settled
