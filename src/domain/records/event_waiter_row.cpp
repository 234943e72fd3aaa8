#include "domain/records/event_waiter_row.hpp"

#include "domain/records/row_json.hpp"

#include <boost/json.hpp>

namespace settled::records {

namespace json = boost::json;

namespace {

constexpr std::int64_t kVersion = 1;

}  // namespace

std::string encode(const EventWaiterRow& row) {
  return json::serialize(
      json::object{{"v", kVersion}, {"token", row.token}, {"executionId", row.execution_id}});
}

Result<EventWaiterRow> decode_event_waiter_row(std::string_view text) {
  auto stored = read_row_object(text, "event waiter row", kVersion);
  if (!stored) return stored.error();
  const json::object* object = &*stored;
  const json::value* token = object->if_contains("token");
  const json::value* id = object->if_contains("executionId");
  if (!token || !token->is_string() || token->as_string().empty())
    return corrupt_row("event waiter row", "token is missing or not a string");
  if (!id || !id->is_string() || id->as_string().empty())
    return corrupt_row("event waiter row", "executionId is missing or not a string");
  return EventWaiterRow{std::string(token->as_string()), std::string(id->as_string())};
}

}  // namespace settled::records
