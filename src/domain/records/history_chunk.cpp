#include "domain/records/history_chunk.hpp"

#include "domain/asl/history.hpp"
#include "domain/json_append.hpp"
#include "domain/json_limits.hpp"
#include "domain/time.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstring>
#include <optional>

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

// A timestamp's text, read once per distinct text: the events of a transition share one.
class TimestampCache {
 public:
  // The millisecond `text` names when format_timestamp writes exactly `text` for it.
  std::optional<EpochMillis> exact_millis(std::string_view text) {
    if (text == text_) return millis_;
    text_.assign(text.data(), text.size());
    millis_ = parse_timestamp(text);
    if (millis_ &&
        (*millis_ < 0 || *millis_ > kLastFourDigitYearMillis || format_timestamp(*millis_) != text))
      millis_.reset();
    return millis_;
  }

 private:
  std::string text_;
  std::optional<EpochMillis> millis_;
};

// An event as HistoryBuilder writes it: exactly id, previousEventId (id - 1), timestamp (as
// format_timestamp writes it), type and the details under the type's details key, in that order.
struct CanonicalEvent {
  std::int64_t id;
  EpochMillis at;
  std::string_view type;
  const json::object* details;
};

std::optional<CanonicalEvent> canonical(const json::object& event, TimestampCache& times) {
  if (event.size() != 5) return std::nullopt;
  auto member = event.begin();
  const auto next_is = [&](std::string_view key) {
    return std::string_view(member->key().data(), member->key().size()) == key;
  };
  if (!next_is("id") || !member->value().is_int64() || member->value().get_int64() < 1)
    return std::nullopt;
  CanonicalEvent out{member->value().get_int64(), 0, {}, nullptr};
  ++member;
  if (!next_is("previousEventId") || !member->value().is_int64() ||
      member->value().get_int64() != out.id - 1)
    return std::nullopt;
  ++member;
  if (!next_is("timestamp") || !member->value().is_string()) return std::nullopt;
  const json::string& timestamp = member->value().get_string();
  const auto at = times.exact_millis(std::string_view(timestamp.data(), timestamp.size()));
  if (!at) return std::nullopt;
  out.at = *at;
  ++member;
  if (!next_is("type") || !member->value().is_string()) return std::nullopt;
  out.type =
      std::string_view(member->value().get_string().data(), member->value().get_string().size());
  ++member;
  if (!member->value().is_object() ||
      !asl::is_details_key_of(std::string_view(member->key().data(), member->key().size()),
                              out.type))
    return std::nullopt;
  out.details = &member->value().get_object();
  return out;
}

// Text settled wrote with json::serialize: a JSON document. Anything else in a payload field
// (never written today) stays a plain string rather than being spliced in.
bool is_json_text(std::string_view text) {
  return !text.empty() && std::strchr("{[\"-0123456789tfn", text.front()) != nullptr;
}

void append_key(std::string& out, std::string_view key) {
  append_json_string(out, key);
  out += ':';
}

// Calls `visit(offset, token)` for each string value (not key) of at least
// kStringReferenceMinBytes in JSON text as json::serialize writes it (no white space); a token
// is the string with its quotes, escapes as written. Stops when `visit` returns false.
// Quotes are found with memchr (every payload of a transition is scanned, byte by byte this
// was a tenth of the encoder); a quote preceded by an odd run of backslashes is escaped.
template <typename Visit>
void for_each_long_string(std::string_view text, Visit visit) {
  if (text.empty()) return;  // (memchr on an empty view's data() could be given a null pointer)
  const char* const begin = text.data();
  const char* const end_of_text = begin + text.size();
  const auto next_quote = [&](const char* from) {
    return static_cast<const char*>(
        std::memchr(from, '"', static_cast<std::size_t>(end_of_text - from)));
  };
  const char* open = next_quote(begin);
  while (open) {
    const char* close = next_quote(open + 1);
    while (close) {
      std::size_t backslashes = 0;
      for (const char* p = close - 1; p > open && *p == '\\'; --p) ++backslashes;
      if (backslashes % 2 == 0) break;
      close = next_quote(close + 1);
    }
    if (!close) return;  // not JSON text: nothing more to find
    const auto at = static_cast<std::size_t>(open - begin);
    const auto length = static_cast<std::size_t>(close + 1 - open);
    const bool key = close + 1 < end_of_text && close[1] == ':';
    if (!key && length >= kStringReferenceMinBytes && !visit(at, text.substr(at, length))) return;
    open = close + 1 < end_of_text ? next_quote(close + 1) : nullptr;
  }
}

// Where `text`'s long string values are, in order.
std::vector<PayloadDedup::Token> long_strings_of(std::string_view text) {
  std::vector<PayloadDedup::Token> tokens;
  for_each_long_string(text, [&](std::size_t at, std::string_view token) {
    tokens.push_back({at, token.size()});
    return true;
  });
  return tokens;
}

// `payload` with its long string values (`tokens`) that an earlier payload holds emptied, and
// where each comes from; false when none is found.
bool strings_from_earlier(std::string_view payload, const std::vector<PayloadDedup::Token>& tokens,
                          const PayloadDedup& dedup, std::string& text, json::array& strings) {
  std::size_t copied = 0;
  for (const auto& [at, length] : tokens) {
    const std::string_view token = payload.substr(at, length);
    const PayloadDedup::StringSource* source = dedup.find_string(token);
    if (!source) continue;
    text.append(payload.substr(copied, at - copied));
    strings.push_back(json::array{
        static_cast<std::int64_t>(text.size()), source->event_id, json::string(source->field),
        static_cast<std::int64_t>(source->offset), static_cast<std::int64_t>(token.size())});
    text += "\"\"";
    copied = at + token.size();
    if (strings.size() == kStringReferencesPerPayload) break;
  }
  if (strings.empty()) return false;
  text.append(payload.substr(copied));
  return true;
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
      append_json(out, field.value());
      continue;
    }
    const std::string_view payload(text->data(), text->size());
    const PayloadDedup::Written* same =
        dedup && payload.size() >= kPayloadReferenceMinBytes ? dedup->find(payload) : nullptr;
    if (same) {
      out += "{\"sameAs\":";
      out += std::to_string(same->event_id);
      out += ",\"field\":";
      append_json_string(out, same->field);
      out += '}';
      continue;
    }
    // Its long strings found once, for the references and for remembering them.
    const std::vector<PayloadDedup::Token> tokens =
        dedup && payload.size() >= kPayloadReferenceMinBytes ? long_strings_of(payload)
                                                             : std::vector<PayloadDedup::Token>();
    std::string emptied;
    json::array strings;
    if (dedup && payload.size() >= kPayloadReferenceMinBytes &&
        strings_from_earlier(payload, tokens, *dedup, emptied, strings)) {
      out += "{\"text\":[";
      out += emptied;
      out += "],\"strings\":";
      out += json::serialize(strings);
      out += '}';
    } else {
      out += '[';
      out += payload;
      out += ']';
    }
    if (dedup && payload.size() >= kPayloadReferenceMinBytes)
      dedup->remember(event_id, std::string(key), std::string(payload), tokens);
  }
  out += '}';
}

bool is_compact_time(std::int64_t at) {
  return at >= 0 && at <= kLastFourDigitYearMillis;
}

// [id, type, details] or [id, type, details, millis]: the millisecond only when it is not the
// previous compact event's; previousEventId, the names and the details key implied.
void append_compact(std::string& out, std::int64_t id, std::string_view type,
                    const json::object& details, std::int64_t at, std::int64_t& previous_at,
                    PayloadDedup* dedup) {
  out += '[';
  out += std::to_string(id);
  out += ',';
  append_json_string(out, type);
  out += ',';
  append_details(out, id, details, dedup);
  if (at != previous_at) {
    out += ',';
    out += std::to_string(at);
    previous_at = at;
  }
  out += ']';
}

// An event as an object, its details' payloads stored as append_details does.
void append_event_object(std::string& out, const json::object& event, PayloadDedup* dedup) {
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
      append_json(out, member.value());
  }
  out += '}';
}

constexpr std::string_view kChunkOpening = "{\"v\":3,\"events\":[";

std::string encode_with(const HistoryChunk& events, PayloadDedup* dedup) {
  std::string out;
  out.reserve(512 * events.size());
  out += kChunkOpening;
  TimestampCache times;
  std::int64_t previous_at = -1;  // of the last compact event written
  bool first_event = true;
  for (const auto& event : events) {
    if (!first_event) out += ',';
    first_event = false;
    if (const auto compact = canonical(event, times))
      append_compact(out, compact->id, compact->type, *compact->details, compact->at, previous_at,
                     dedup);
    else
      append_event_object(out, event, dedup);
  }
  out += "]}";
  return out;
}

// The text of a payload stored with string references: each emptied `""` filled again from the
// payload it came from (read earlier, in `index`), last first so the offsets hold.
Result<std::string> with_strings(std::int64_t event_id, const std::string& key,
                                 const json::object& patched, const PayloadIndex& index) {
  const auto bad = [&](const std::string& why) {
    return corrupt("event " + std::to_string(event_id) + ": " + key + "'s strings: " + why);
  };
  const json::array* text = patched.at("text").if_array();
  const json::value* strings_value = patched.if_contains("strings");
  const json::array* strings = strings_value ? strings_value->if_array() : nullptr;
  if (!text || text->size() != 1 || !strings) return bad("not a text and its strings");
  std::string out = json::serialize((*text)[0]);
  std::size_t previous_at = out.size();
  for (auto it = strings->rbegin(); it != strings->rend(); ++it) {
    const json::array* s = it->if_array();
    if (!s || s->size() != 5 || !(*s)[0].is_int64() || !(*s)[1].is_int64() ||
        !(*s)[2].is_string() || !(*s)[3].is_int64() || !(*s)[4].is_int64())
      return bad("a reference is not [at, event, field, from, length]");
    const std::int64_t at = (*s)[0].get_int64(), from = (*s)[3].get_int64(),
                       length = (*s)[4].get_int64();
    if (at < 0 || from < 0 || length < 2 || static_cast<std::size_t>(at) + 2 > previous_at ||
        out.compare(static_cast<std::size_t>(at), 2, "\"\"") != 0)
      return bad("a reference does not point at an emptied string");
    const auto source =
        index.find(std::make_pair((*s)[1].get_int64(), std::string((*s)[2].get_string())));
    if (source == index.end())
      return bad("refers to event " + std::to_string((*s)[1].get_int64()) + ", which was not read");
    if (static_cast<std::size_t>(from) + static_cast<std::size_t>(length) > source->second.size())
      return bad("a reference reaches past the text it refers to");
    if (source->second[static_cast<std::size_t>(from)] != '"' ||
        source->second[static_cast<std::size_t>(from + length - 1)] != '"')
      return bad("a reference is not a string of the text it refers to");
    out.replace(static_cast<std::size_t>(at), 2, source->second, static_cast<std::size_t>(from),
                static_cast<std::size_t>(length));
    previous_at = static_cast<std::size_t>(at);
  }
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
    } else if (json::object* patched = value.if_object(); patched && patched->contains("text")) {
      auto text = with_strings(event_id, key, *patched, index);
      if (!text) return text.error();
      value = json::string(*text);
      index[{event_id, key}] = std::move(*text);
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

// A compact event ([id, type, details] or [id, type, details, millis]) in Step Functions' shape.
Result<json::object> expand_compact(std::size_t position, json::array& compact,
                                    std::optional<EpochMillis>& previous_at, PayloadIndex& index) {
  const auto bad = [&](const std::string& why) {
    return corrupt("event " + std::to_string(position) + ": " + why);
  };
  if (compact.size() != 3 && compact.size() != 4)
    return bad("a compact event is not [id, type, details] or [id, type, details, millis]");
  if (!compact[0].is_int64() || compact[0].get_int64() < 1 || !compact[1].is_string() ||
      !compact[2].is_object())
    return bad(
        "a compact event's id, type or details are not a positive integer, a string and "
        "an object");
  if (compact.size() == 4) {
    if (!compact[3].is_int64() || compact[3].get_int64() < 0 ||
        compact[3].get_int64() > kLastFourDigitYearMillis)
      return bad("a compact event's time is not a millisecond from 1970 to 9999");
    previous_at = compact[3].get_int64();
  }
  if (!previous_at) return bad("the first compact event has no time");
  const std::int64_t id = compact[0].get_int64();
  auto restored = restore_payloads(id, compact[2].as_object(), index);
  if (!restored) return restored.error();
  const json::string& type = compact[1].get_string();
  json::object event(5);
  event.emplace("id", id);
  event.emplace("previousEventId", id - 1);
  event.emplace("timestamp", format_timestamp(*previous_at));
  event.emplace("type", type);
  event.emplace(asl::details_key(std::string_view(type.data(), type.size())),
                std::move(compact[2].as_object()));
  return event;
}

}  // namespace

const PayloadDedup::Written* PayloadDedup::find(std::string_view text) const {
  for (auto it = recent_.rbegin(); it != recent_.rend(); ++it)
    if (it->text == text) return &*it;
  return nullptr;
}

const PayloadDedup::StringSource* PayloadDedup::find_string(std::string_view token) const {
  const auto found = strings_.find(std::string(token));
  return found == strings_.end() ? nullptr : &found->second;
}

void PayloadDedup::remember(std::int64_t event_id, std::string field, std::string text) {
  const std::vector<Token> tokens = long_strings_of(text);
  remember(event_id, std::move(field), std::move(text), tokens);
}

void PayloadDedup::remember(std::int64_t event_id, std::string field, std::string text,
                            const std::vector<Token>& long_strings) {
  std::size_t indexed = 0;
  for (const auto& [at, length] : long_strings) {
    if (indexed++ == kStringReferencesPerPayload) break;
    if (length > kRememberedStringBytes) continue;
    const auto [entry, added] =
        strings_.emplace(std::string(text, at, length), StringSource{event_id, field, at});
    if (added) {
      // The map's node keeps the key where it is until erased (a rehash moves no node).
      string_order_.push_back(&entry->first);
      string_bytes_ += length;
      while (string_bytes_ > kRememberedStringBytes) {
        const auto oldest = strings_.find(*string_order_.front());
        string_bytes_ -= oldest->first.size();
        strings_.erase(oldest);
        string_order_.pop_front();
      }
    }
  }
  if (recent_.size() == kRemembered) recent_.pop_front();
  recent_.push_back(Written{event_id, std::move(field), std::move(text)});
}

std::string encode(const HistoryChunk& events, PayloadDedup& dedup) {
  return encode_with(events, &dedup);
}

std::string encode(const HistoryChunk& events) {
  return encode_with(events, nullptr);
}

void ChunkWriter::add(std::int64_t id, std::int64_t at, std::string_view type,
                      const json::object& details, PayloadDedup& dedup) {
  if (events_ == 0) {
    text_.reserve(4096);
    text_ = kChunkOpening;
    first_id_ = id;
  } else {
    text_ += ',';
  }
  ++events_;
  if (id >= 1 && is_compact_time(at)) {
    append_compact(text_, id, type, details, at, previous_at_, &dedup);
    return;
  }
  // Never from the engine's clock; written whole, as encode writes an event of another shape.
  json::object event(5);
  event.emplace("id", id);
  event.emplace("previousEventId", id - 1);
  event.emplace("timestamp", format_timestamp(at));
  event.emplace("type", type);
  event.emplace(asl::details_key(type), details);
  append_event_object(text_, event, &dedup);
}

std::string ChunkWriter::take() {
  std::string chunk = std::move(text_);
  if (events_ > 0) chunk += "]}";
  clear();
  return chunk;
}

void ChunkWriter::clear() {
  text_.clear();
  events_ = 0;
  first_id_ = 0;
  previous_at_ = -1;
}

Result<HistoryChunk> decode_history_chunk(std::string_view text, PayloadIndex& index) {
  auto parsed = parse_stored_json(text, "history chunk");
  if (!parsed) return parsed.error();
  json::array* array = parsed->if_array();
  bool compact_allowed = false;
  if (json::object* object = parsed->if_object()) {
    if (const json::value* version = object->if_contains("v")) {
      if (*version != json::value(2) && *version != json::value(3))
        return corrupt("unknown version " + json::serialize(*version));
      compact_allowed = *version == json::value(3);
      json::value* events = object->if_contains("events");
      array = events ? events->if_array() : nullptr;
      if (!array)
        return corrupt("version " + json::serialize(*version) + " without an events array");
    } else {
      if (!is_event(*parsed)) return corrupt("an event without an integer id and a string type");
      return HistoryChunk{std::move(*object)};
    }
  }
  if (!array) return corrupt("neither an array of events nor one event");
  HistoryChunk events;
  events.reserve(array->size());
  std::optional<EpochMillis> previous_at;
  for (std::size_t i = 0; i < array->size(); ++i) {
    if (json::array* compact = (*array)[i].if_array(); compact && compact_allowed) {
      auto event = expand_compact(i, *compact, previous_at, index);
      if (!event) return event.error();
      events.push_back(std::move(*event));
      continue;
    }
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
