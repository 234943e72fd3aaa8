#include "domain/records/history_chunk.hpp"

#include "domain/json_limits.hpp"

#include <boost/json.hpp>

namespace settled::records {

namespace json = boost::json;

namespace {

Error corrupt(const std::string& why) {
  return Error{ErrorCode::kRecordCorrupt, "history chunk: " + why};
}

bool is_event(const json::value& event) {
  const json::object* object = event.if_object();
  if (!object) return false;
  const json::value* id = object->if_contains("id");
  const json::value* type = object->if_contains("type");
  return id && id->is_int64() && type && type->is_string();
}

}  // namespace

std::string encode(const HistoryChunk& events) {
  std::string chunk = "[";
  for (const auto& event : events) {
    if (chunk.size() > 1) chunk += ',';
    chunk += json::serialize(event);
  }
  chunk += ']';
  return chunk;
}

Result<HistoryChunk> decode_history_chunk(std::string_view text) {
  auto parsed = parse_stored_json(text, "history chunk");
  if (!parsed) return parsed.error();
  HistoryChunk events;
  if (const json::object* single = parsed->if_object()) {
    if (single->contains("v"))
      return corrupt("unknown version " + json::serialize(single->at("v")));
    if (!is_event(*parsed)) return corrupt("an event without an integer id and a string type");
    events.push_back(std::move(parsed->as_object()));
    return events;
  }
  json::array* array = parsed->if_array();
  if (!array) return corrupt("neither an array of events nor one event");
  events.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    if (!is_event((*array)[i]))
      return corrupt("event " + std::to_string(i) + " has no integer id or no string type");
    events.push_back(std::move((*array)[i].as_object()));
  }
  return events;
}

}  // namespace settled::records
