#include "domain/records/task_token_row.hpp"

#include "domain/json_limits.hpp"

#include <boost/json.hpp>

namespace settled::records {

namespace json = boost::json;

namespace {

constexpr std::int64_t kVersion = 1;

Error corrupt(const std::string& why) {
  return Error{ErrorCode::kRecordCorrupt, "task token row: " + why};
}

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
  return json::serialize(json::object{
      {"v", kVersion}, {"executionId", row.execution_id}, {"state", token_state_name(row.state)}});
}

Result<TaskTokenRow> decode_task_token_row(std::string_view text) {
  auto parsed = parse_stored_json(text, "task token row");
  if (!parsed) return parsed.error();
  const json::object* object = parsed->if_object();
  if (!object) return corrupt("not a JSON object");
  if (const json::value* version = object->if_contains("v");
      version && !(version->is_int64() && version->as_int64() == kVersion))
    return corrupt("unknown version " + json::serialize(*version));
  const json::value* id = object->if_contains("executionId");
  const json::value* state = object->if_contains("state");
  if (!id || !id->is_string() || id->as_string().empty())
    return corrupt("executionId is missing or not a string");
  if (!state || !state->is_string()) return corrupt("state is missing or not a string");
  TaskTokenRow row;
  row.execution_id = std::string(id->as_string());
  for (TokenState candidate :
       {TokenState::kWaiting, TokenState::kSucceeded, TokenState::kFailed, TokenState::kTimedOut}) {
    if (state->as_string() == token_state_name(candidate)) {
      row.state = candidate;
      return row;
    }
  }
  return corrupt("unknown state " + json::serialize(*state));
}

}  // namespace settled::records
