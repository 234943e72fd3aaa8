#include "domain/execution_record.hpp"

#include "domain/json_append.hpp"
#include "domain/json_limits.hpp"

#include <boost/json.hpp>

#include <charconv>

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
  // Written on every transition: appended in place (json_append), no temporary per field.
  std::string out;
  out.reserve(512);
  const auto field = [&out](std::string_view literal) { out += literal; };
  const auto text = [&out](std::string_view v) { append_json_string(out, v); };
  const auto number = [&out](std::int64_t v) {
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
  };
  field("{\"id\":");
  text(id);
  field(",\"stateMachine\":");
  text(state_machine);
  if (state_machine_version) {
    field(",\"stateMachineVersion\":");
    number(state_machine_version);
  }
  field(",\"name\":");
  text(name);
  field(",\"status\":");
  text(status_name(status));
  field(",\"input\":");
  append_json(out, input);
  field(",\"output\":");
  append_json(out, output);
  field(",\"error\":");
  text(error);
  field(",\"cause\":");
  text(cause);
  field(",\"start\":");
  number(start);
  field(",\"stop\":");
  number(stop);
  if (deadline) {
    field(",\"deadline\":");
    number(deadline);
  }
  if (redrive_count) {
    field(",\"redriveCount\":");
    number(redrive_count);
    field(",\"redriveDate\":");
    number(redrive_date);
  }
  field(",\"cursor\":{\"state\":");
  text(state);
  if (cursor_input_is_input()) {
    field(",\"inputSameAs\":\"input\"");
  } else {
    field(",\"input\":");
    append_json(out, state_input);
  }
  field(",\"waitOutput\":");
  append_json(out, wait_output);
  field(",\"entered\":");
  number(state_entered);
  field(",\"enteredEventId\":");
  number(entered_event_id);
  field(",\"retrierAttempts\":[");
  for (std::size_t i = 0; i < retrier_attempts.size(); ++i) {
    if (i) out += ',';
    number(retrier_attempts[i]);
  }
  field("],\"retryCount\":");
  number(retry_count);
  field(",\"phase\":");
  text(phase_name(phase));
  field(",\"due\":");
  number(due);
  field(",\"branchesEventId\":");
  number(branches_event_id);
  field(",\"branches\":");
  text(branches);
  if (!task_token.empty()) {
    field(",\"taskToken\":");
    text(task_token);
    field(",\"taskDeadline\":");
    number(task_deadline);
  }
  field("},\"lastEventId\":");
  number(last_event_id);
  if (is_branch()) {
    field(",\"parentId\":");
    text(parent_id);
    field(",\"branchIndex\":");
    number(branch_index);
    field(",\"scope\":");
    append_json(out, scope_to_json(scope));
  }
  if (!test_case.empty()) {
    field(",\"testCase\":");
    text(test_case);
  }
  if (!variables.empty()) {
    field(",\"variables\":");
    append_json(out, variables);
  }
  if (!outer_variables.empty()) {
    field(",\"outerVariables\":");
    append_json(out, outer_variables);
  }
  out += '}';
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
