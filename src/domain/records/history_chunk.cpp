#include "domain/records/history_chunk.hpp"

#include "domain/json_limits.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstring>

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

bool is_payload_field(std::string_view key) {
  return key == "input" || key == "output" || key == "parameters";
}

bool is_details_key(std::string_view key) {
  constexpr std::string_view kSuffix = "EventDetails";
  return key.size() > kSuffix.size() &&
         key.compare(key.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}

// Text settled wrote with json::serialize: a JSON document. Anything else in a payload field
// (never written today) stays a plain string rather than being spliced in.
bool is_json_text(std::string_view text) {
  return !text.empty() && std::strchr("{[\"-0123456789tfn", text.front()) != nullptr;
}

void append_key(std::string& out, std::string_view key) {
  out += json::serialize(json::string_view(key.data(), key.size()));
  out += ':';
}

void append_details(std::string& out, std::int64_t event_id, const json::object& details,
                    PayloadDedup* dedup) {
  out += '{';
  bool first = true;
  for (const auto& field : details) {
    if (!first) out += ',';
    first = false;
    const std::string_view key(field.key().data(), field.key().size());
    append_key(out, key);
    const json::string* text = field.value().if_string();
    if (!is_payload_field(key) || !text || !is_json_text(*text)) {
      out += json::serialize(field.value());
      continue;
    }
    const std::string_view payload(text->data(), text->size());
    const PayloadDedup::Written* same =
        dedup && payload.size() >= kPayloadReferenceMinBytes ? dedup->find(payload) : nullptr;
    if (same) {
      out += "{\"sameAs\":" + std::to_string(same->event_id) + ",\"field\":";
      out += json::serialize(json::string_view(same->field));
      out += '}';
      continue;
    }
    out += '[';
    out += payload;
    out += ']';
    if (dedup && payload.size() >= kPayloadReferenceMinBytes)
      dedup->remember(event_id, std::string(key), std::string(payload));
  }
  out += '}';
}

std::string encode_with(const HistoryChunk& events, PayloadDedup* dedup) {
  std::string out = "{\"v\":2,\"events\":[";
  bool first_event = true;
  for (const auto& event : events) {
    if (!first_event) out += ',';
    first_event = false;
    const json::value* id = event.if_contains("id");
    const std::int64_t event_id = id && id->is_int64() ? id->get_int64() : 0;
    out += '{';
    bool first = true;
    for (const auto& member : event) {
      if (!first) out += ',';
      first = false;
      const std::string_view key(member.key().data(), member.key().size());
      append_key(out, key);
      if (is_details_key(key) && member.value().is_object())
        append_details(out, event_id, member.value().get_object(), dedup);
      else
        out += json::serialize(member.value());
    }
    out += '}';
  }
  out += "]}";
  return out;
}

// Turns the stored payload fields of `details` back into Step Functions' strings.
Status restore_payloads(std::int64_t event_id, json::object& details, PayloadIndex& index) {
  for (auto& field : details) {
    const std::string key(field.key());
    if (!is_payload_field(key)) continue;
    json::value& value = field.value();
    if (json::array* inline_payload = value.if_array()) {
      if (inline_payload->size() != 1)
        return corrupt("event " + std::to_string(event_id) + ": an inline " + key +
                       " is not one value");
      std::string text = json::serialize((*inline_payload)[0]);
      value = json::string(text);
      index[{event_id, key}] = std::move(text);
    } else if (json::object* reference = value.if_object()) {
      const json::value* same = reference->if_contains("sameAs");
      const json::value* of = reference->if_contains("field");
      if (!same || !same->is_int64() || !of || !of->is_string())
        return corrupt("event " + std::to_string(event_id) + ": " + key +
                       " is neither inline nor a reference");
      const auto found =
          index.find(std::make_pair(same->get_int64(), std::string(of->get_string())));
      if (found == index.end())
        return corrupt("event " + std::to_string(event_id) + ": " + key + " refers to event " +
                       std::to_string(same->get_int64()) + "'s " + std::string(of->get_string()) +
                       ", which was not read");
      value = json::string(found->second);
    } else if (const json::string* text = value.if_string()) {
      index[{event_id, key}] = std::string(*text);
    }
  }
  return Status{Unit{}};
}

}  // namespace

const PayloadDedup::Written* PayloadDedup::find(std::string_view text) const {
  for (auto it = recent_.rbegin(); it != recent_.rend(); ++it)
    if (it->text == text) return &*it;
  return nullptr;
}

void PayloadDedup::remember(std::int64_t event_id, std::string field, std::string text) {
  if (recent_.size() == kRemembered) recent_.pop_front();
  recent_.push_back(Written{event_id, std::move(field), std::move(text)});
}

std::string encode(const HistoryChunk& events, PayloadDedup& dedup) {
  return encode_with(events, &dedup);
}

std::string encode(const HistoryChunk& events) {
  return encode_with(events, nullptr);
}

Result<HistoryChunk> decode_history_chunk(std::string_view text, PayloadIndex& index) {
  auto parsed = parse_stored_json(text, "history chunk");
  if (!parsed) return parsed.error();
  json::array* array = parsed->if_array();
  if (json::object* object = parsed->if_object()) {
    if (const json::value* version = object->if_contains("v")) {
      if (*version != json::value(2))
        return corrupt("unknown version " + json::serialize(*version));
      json::value* events = object->if_contains("events");
      array = events ? events->if_array() : nullptr;
      if (!array) return corrupt("version 2 without an events array");
    } else {
      if (!is_event(*parsed)) return corrupt("an event without an integer id and a string type");
      return HistoryChunk{std::move(*object)};
    }
  }
  if (!array) return corrupt("neither an array of events nor one event");
  HistoryChunk events;
  events.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    if (!is_event((*array)[i]))
      return corrupt("event " + std::to_string(i) + " has no integer id or no string type");
    json::object& event = (*array)[i].as_object();
    const std::int64_t event_id = event.at("id").as_int64();
    for (auto& member : event) {
      if (!is_details_key(member.key()) || !member.value().is_object()) continue;
      auto restored = restore_payloads(event_id, member.value().as_object(), index);
      if (!restored) return restored.error();
    }
    events.push_back(std::move(event));
  }
  return events;
}

Result<HistoryChunk> decode_history_chunk(std::string_view text) {
  PayloadIndex index;
  return decode_history_chunk(text, index);
}

}  // namespace settled::records
