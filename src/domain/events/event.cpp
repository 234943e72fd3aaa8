#include "domain/events/event.hpp"

#include "domain/digest.hpp"
#include "domain/json_canonical.hpp"
#include "domain/json_limits.hpp"
#include "domain/json_size.hpp"
#include "domain/utf8.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace settled::events {

namespace json = boost::json;

namespace {
constexpr std::size_t kMaxField = 256;
}  // namespace

namespace fields {

Result<std::string> required_text(const json::object& o, const char* field,
                                  const std::string& where) {
  const json::value* v = o.if_contains(field);
  if (!v || !v->is_string() || v->as_string().empty())
    return Error{ErrorCode::kInvalidRequest, where + field + " is required: a non-empty string"};
  if (v->as_string().size() > kMaxField || v->as_string().find('\0') != json::string::npos)
    return Error{ErrorCode::kInvalidRequest, where + field + " must be at most " +
                                                 std::to_string(kMaxField) +
                                                 " characters, without NUL"};
  return std::string(v->as_string());
}

// Both fit one stored key (kMaxTypeAndKeyBytes), refused before anything is written.
Status key_fits(const std::string& type, const std::string& key, const std::string& where) {
  if (type.size() + key.size() <= kMaxTypeAndKeyBytes) return ok_status();
  return Error{ErrorCode::kInvalidRequest, where + "type and " + where +
                                               "correlationKey together must be at most " +
                                               std::to_string(kMaxTypeAndKeyBytes) + " bytes"};
}

Status only_fields(const json::object& o, std::initializer_list<const char*> allowed,
                   const std::string& where) {
  for (const auto& [key, value] : o) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || key == a;
    if (!ok) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Error{ErrorCode::kInvalidRequest,
                   where + cut_for_display(key) + " is unknown (allowed: " + list + ")"};
    }
  }
  return ok_status();
}

Status detail_fits(const json::value& detail) {
  // The detail becomes a task's result: it must fit Step Functions' payload limit, or the
  // waiting execution could only fail with States.DataLimitExceeded when it takes it.
  if (serialized_size(detail, kMaxDetailBytes) > kMaxDetailBytes)
    return Error{
        ErrorCode::kPayloadTooLarge,
        "detail exceeds the limit of " + std::to_string(kMaxDetailBytes) + " bytes of JSON text"};
  return ok_status();
}

}  // namespace fields

using fields::key_fits;
using fields::only_fields;
using fields::required_text;

json::value Event::task_result() const {
  json::object o{{"type", type},
                 {"correlationKey", correlation_key},
                 {"detail", detail},
                 {"receivedAt", format_timestamp(received_at)}};
  if (!id.empty()) o["id"] = id;
  if (!source.empty()) o["source"] = source;
  if (!time.empty()) o["time"] = time;
  return o;
}

json::value Event::to_json() const {
  json::object o = task_result().as_object();
  o["receivedAtMillis"] = received_at;
  o["expiresAt"] = expires_at;
  return o;
}

Result<Event> Event::from_json(const json::value& value) {
  try {
    const auto& o = value.as_object();
    Event e;
    if (const auto* id = o.if_contains("id")) e.id = json::value_to<std::string>(*id);
    e.type = json::value_to<std::string>(o.at("type"));
    if (const auto* source = o.if_contains("source"))
      e.source = json::value_to<std::string>(*source);
    if (const auto* time = o.if_contains("time")) e.time = json::value_to<std::string>(*time);
    e.correlation_key = json::value_to<std::string>(o.at("correlationKey"));
    e.detail = o.at("detail");
    e.received_at = o.at("receivedAtMillis").to_number<std::int64_t>();
    e.expires_at = o.at("expiresAt").to_number<std::int64_t>();
    return e;
  } catch (const std::exception& ex) {
    return Error{ErrorCode::kInternal, std::string("corrupt stored event: ") + ex.what()};
  }
}

Result<Event> parse_event(const json::value& body, EpochMillis now, std::int64_t retention_ms) {
  if (!body.is_object())
    return Error{ErrorCode::kInvalidRequest, "request body must be a JSON object"};
  const auto& o = body.as_object();
  if (auto st = only_fields(o, {"type", "correlationKey", "detail", "id"}, ""); !st.ok())
    return st.error();
  Event e;
  auto type = required_text(o, "type", "");
  if (!type) return type.error();
  auto key = required_text(o, "correlationKey", "");
  if (!key) return key.error();
  if (auto st = key_fits(*type, *key, ""); !st.ok()) return st.error();
  e.type = std::move(*type);
  e.correlation_key = std::move(*key);
  if (o.contains("id")) {
    auto id = required_text(o, "id", "");
    if (!id) return id.error();
    e.id = std::move(*id);
  }
  e.detail = o.contains("detail") ? o.at("detail") : json::value(json::object{});
  if (auto st = fields::detail_fits(e.detail); !st.ok()) return st.error();
  e.received_at = now;
  e.expires_at = now + retention_ms;
  return e;
}

Result<WaitFor> parse_wait_for(const json::value& parameters) {
  if (!parameters.is_object())
    return Error{ErrorCode::kInvalidRequest, "parameters must be an object"};
  const auto& o = parameters.as_object();
  if (auto st = only_fields(o, {"type", "correlationKey", "timeoutSeconds"}, "parameters.");
      !st.ok())
    return st.error();
  WaitFor w;
  auto type = required_text(o, "type", "parameters.");
  if (!type) return type.error();
  auto key = required_text(o, "correlationKey", "parameters.");
  if (!key) return key.error();
  if (auto st = key_fits(*type, *key, "parameters."); !st.ok()) return st.error();
  w.type = std::move(*type);
  w.correlation_key = std::move(*key);
  if (const json::value* t = o.if_contains("timeoutSeconds")) {
    const auto seconds = exact_int64(*t);
    if (!seconds || *seconds <= 0 || *seconds > 31536000)
      return Error{ErrorCode::kInvalidRequest,
                   "parameters.timeoutSeconds must be an integer from 1 to 31536000"};
    w.timeout_seconds = *seconds;
  }
  return w;
}

std::string event_key(std::string_view type, std::string_view correlation_key,
                      std::uint64_t sequence) {
  std::string key(type);
  key.push_back('\0');
  key.append(correlation_key);
  key.push_back('\0');
  for (int shift = 56; shift >= 0; shift -= 8)
    key.push_back(static_cast<char>((sequence >> shift) & 0xff));
  return key;
}

std::optional<EventKey> parse_event_key(std::string_view key) {
  const auto first = key.find('\0');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = key.find('\0', first + 1);
  if (second == std::string_view::npos || key.size() != second + 9) return std::nullopt;
  EventKey out;
  out.type = std::string(key.substr(0, first));
  out.correlation_key = std::string(key.substr(first + 1, second - first - 1));
  for (std::size_t i = second + 1; i < key.size(); ++i)
    out.sequence = (out.sequence << 8) | static_cast<unsigned char>(key[i]);
  return out;
}

std::string content_digest(const Event& event) {
  std::string text = event.type;
  for (const std::string* part : {&event.correlation_key, &event.source}) {
    text.push_back('\0');
    text += *part;
  }
  text.push_back('\0');
  text += canonical_text(event.detail);
  return sha256_hex(text);
}

std::string event_id_row(EpochMillis expires_at, const std::string& digest) {
  return std::to_string(expires_at) + " " + digest;
}

std::optional<EventIdRow> parse_event_id_row(std::string_view row) {
  EventIdRow out;
  const std::size_t space = row.find(' ');
  const std::string_view expiry = row.substr(0, space);
  if (expiry.empty() ||
      std::from_chars(expiry.data(), expiry.data() + expiry.size(), out.expires_at).ec !=
          std::errc())
    return std::nullopt;
  if (space != std::string_view::npos) out.digest = std::string(row.substr(space + 1));
  return out;
}

}  // namespace settled::events
