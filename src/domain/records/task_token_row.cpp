#include "domain/records/task_token_row.hpp"

#include "domain/records/row_json.hpp"

#include <boost/json.hpp>

namespace settled::records {

namespace json = boost::json;

namespace {

constexpr std::int64_t kVersion = 1;

}  // namespace

std::string_view token_state_name(TokenState state) {
  switch (state) {
    case TokenState::kWaiting:
      return "waiting";
    case TokenState::kSucceeded:
      return "succeeded";
    case TokenState::kFailed:
      return "failed";
    case TokenState::kTimedOut:
      return "timedOut";
  }
  return "waiting";
}

std::string encode(const TaskTokenRow& row) {
  json::object out{
      {"v", kVersion}, {"executionId", row.execution_id}, {"state", token_state_name(row.state)}};
  if (!row.required_scope.empty()) out["requiredScope"] = row.required_scope;
  return json::serialize(out);
}

Result<TaskTokenRow> decode_task_token_row(std::string_view text) {
  auto stored = read_row_object(text, "task token row", kVersion);
  if (!stored) return stored.error();
  const json::object* object = &*stored;
  const json::value* id = object->if_contains("executionId");
  const json::value* state = object->if_contains("state");
  if (!id || !id->is_string() || id->as_string().empty())
    return corrupt_row("task token row", "executionId is missing or not a string");
  if (!state || !state->is_string())
    return corrupt_row("task token row", "state is missing or not a string");
  TaskTokenRow row;
  row.execution_id = std::string(id->as_string());
  if (const json::value* scope = object->if_contains("requiredScope")) {
    if (!scope->is_string() || scope->as_string().empty())
      return corrupt_row("task token row", "requiredScope is not a non-empty string");
    row.required_scope = std::string(scope->as_string());
  }
  for (TokenState candidate :
       {TokenState::kWaiting, TokenState::kSucceeded, TokenState::kFailed, TokenState::kTimedOut}) {
    if (state->as_string() == token_state_name(candidate)) {
      row.state = candidate;
      return row;
    }
  }
  return corrupt_row("task token row", "unknown state " + json::serialize(*state));
}

}  // namespace settled::records
