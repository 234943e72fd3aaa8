#include "domain/records/event_waiter_row.hpp"

#include "domain/json_limits.hpp"

#include <boost/json.hpp>

namespace settled::records {

namespace json = boost::json;

namespace {

constexpr std::int64_t kVersion = 1;

Error corrupt(const std::string& why) {
  return Error{ErrorCode::kRecordCorrupt, "event waiter row: " + why};
}

}  // namespace

std::string encode(const EventWaiterRow& row) {
  return json::serialize(
      json::object{{"v", kVersion}, {"token", row.token}, {"executionId", row.execution_id}});
}

Result<EventWaiterRow> decode_event_waiter_row(std::string_view text) {
  auto parsed = parse_stored_json(text, "event waiter row");
  if (!parsed) return parsed.error();
  const json::object* object = parsed->if_object();
  if (!object) return corrupt("not a JSON object");
  if (const json::value* version = object->if_contains("v");
      version && !(version->is_int64() && version->as_int64() == kVersion))
    return corrupt("unknown version " + json::serialize(*version));
  const json::value* token = object->if_contains("token");
  const json::value* id = object->if_contains("executionId");
  if (!token || !token->is_string() || token->as_string().empty())
    return corrupt("token is missing or not a string");
  if (!id || !id->is_string() || id->as_string().empty())
    return corrupt("executionId is missing or not a string");
  return EventWaiterRow{std::string(token->as_string()), std::string(id->as_string())};
}

}  // namespace settled::records
