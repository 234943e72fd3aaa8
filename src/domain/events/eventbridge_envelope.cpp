#include "domain/events/eventbridge_envelope.hpp"

#include "domain/digest.hpp"
#include "domain/events/signed_event_types.hpp"
#include "domain/json_limits.hpp"

#include <boost/json.hpp>

namespace settled::events {

namespace json = boost::json;

namespace {

using fields::detail_fits;
using fields::key_fits;
using fields::only_fields;
using fields::required_text;

Status optional_string(const json::object& o, const char* field, const std::string& where) {
  const json::value* v = o.if_contains(field);
  if (!v || v->is_string()) return ok_status();
  return Error{ErrorCode::kInvalidRequest, where + field + " must be a string"};
}

// EventBridge's `resources`: at most kMaxResources non-empty strings.
Status resources_ok(const json::object& o, const char* field) {
  const json::value* v = o.if_contains(field);
  if (!v) return ok_status();
  const std::string message = std::string(field) + " must be an array of at most " +
                              std::to_string(kMaxResources) +
                              " non-empty strings of at most 256 characters";
  if (!v->is_array() || v->as_array().size() > kMaxResources)
    return Error{ErrorCode::kInvalidRequest, message};
  for (const auto& r : v->as_array())
    if (!r.is_string() || r.as_string().empty() || r.as_string().size() > 256)
      return Error{ErrorCode::kInvalidRequest, message};
  return ok_status();
}

// Seed 001's detail: entityId (the correlation key) required; the other named fields typed.
Result<std::string> check_detail(const json::value& detail, const std::string& where) {
  if (!detail.is_object()) return Error{ErrorCode::kInvalidRequest, where + " must be an object"};
  const auto& d = detail.as_object();
  auto entity = required_text(d, "entityId", where + ".");
  if (!entity) return entity.error();
  for (const char* field : {"entityType", "action", "actorId", "actorType"})
    if (auto st = optional_string(d, field, where + "."); !st.ok()) return st.error();
  if (const json::value* m = d.if_contains("metadata"); m && !m->is_object())
    return Error{ErrorCode::kInvalidRequest, where + ".metadata must be an object"};
  if (auto st = detail_fits(detail); !st.ok()) return st.error();
  return entity;
}

Result<PostedEvent> parse_envelope(const json::object& o, EpochMillis now,
                                   std::int64_t retention_ms) {
  if (auto st = only_fields(o,
                            {"version", "id", "source", "detail-type", "time", "detail", "account",
                             "region", "resources"},
                            "");
      !st.ok())
    return st.error();
  const json::value* version = o.if_contains("version");
  bool version_ok = false;
  if (version && version->is_string())
    for (const char* v : kEnvelopeVersions) version_ok = version_ok || version->as_string() == v;
  if (!version_ok)
    return Error{ErrorCode::kInvalidRequest,
                 "version is required: \"0\" (EventBridge) or \"1.0\" (seed 001)"};
  auto id = required_text(o, "id", "");
  if (!id) return id.error();
  auto source = required_text(o, "source", "");
  if (!source) return source.error();
  auto type = required_text(o, "detail-type", "");
  if (!type) return type.error();
  const json::value* time = o.if_contains("time");
  if (!time || !time->is_string() || time->as_string().size() > 64 ||
      !parse_timestamp(time->as_string()))
    return Error{ErrorCode::kInvalidRequest,
                 "time is required: an RFC 3339 timestamp such as 2026-12-04T10:00:00Z"};
  for (const char* field : {"account", "region"})
    if (auto st = optional_string(o, field, ""); !st.ok()) return st.error();
  if (auto st = resources_ok(o, "resources"); !st.ok()) return st.error();
  const json::value* detail = o.if_contains("detail");
  if (!detail) return Error{ErrorCode::kInvalidRequest, "detail is required: an object"};
  auto entity = check_detail(*detail, "detail");
  if (!entity) return entity.error();
  if (auto st = key_fits(*type, *entity, ""); !st.ok()) return st.error();

  PostedEvent posted;
  Event& e = posted.event;
  e.id = std::move(*id);
  e.type = std::move(*type);
  e.correlation_key = std::move(*entity);
  e.source = std::move(*source);
  e.time = std::string(time->as_string());
  e.detail = *detail;
  e.received_at = now;
  e.expires_at = now + retention_ms;
  posted.envelope = o;
  return posted;
}

}  // namespace

bool is_eventbridge_form(const json::value& body) {
  if (!body.is_object()) return false;
  const auto& o = body.as_object();
  return o.contains("detail-type") && o.contains("source") && o.contains("detail");
}

Result<PostedEvent> parse_posted_event(const json::value& body, EpochMillis now,
                                       std::int64_t retention_ms) {
  const auto parse = [&]() -> Result<PostedEvent> {
    if (is_eventbridge_form(body)) return parse_envelope(body.as_object(), now, retention_ms);
    auto event = parse_event(body, now, retention_ms);
    if (!event) return event.error();
    return PostedEvent{std::move(*event), nullptr};
  };
  auto posted = parse();
  if (posted) {
    if (auto refused = refuse_unsigned(posted->event.type)) return *refused;
  }
  return posted;
}

Result<PostedEvent> parse_put_parameters(const json::value& parameters, const std::string& event_id,
                                         EpochMillis at, EpochMillis now,
                                         std::int64_t retention_ms) {
  if (!parameters.is_object())
    return Error{ErrorCode::kInvalidRequest, "parameters must be an object"};
  const auto& p = parameters.as_object();
  if (!p.contains("DetailType")) {
    // settled's own form, with the attempt's id.
    if (p.contains("id"))
      return Error{ErrorCode::kInvalidRequest,
                   "parameters.id is unknown: the event id is the task attempt's"};
    json::object body = p;
    body["id"] = event_id;
    auto event = parse_event(body, now, retention_ms);
    if (!event) return event.error();
    return PostedEvent{std::move(*event), nullptr};
  }
  if (auto st = only_fields(p, {"Source", "DetailType", "Detail", "Resources"}, "parameters.");
      !st.ok())
    return st.error();
  auto source = required_text(p, "Source", "parameters.");
  if (!source) return source.error();
  auto type = required_text(p, "DetailType", "parameters.");
  if (!type) return type.error();
  if (auto st = resources_ok(p, "Resources"); !st.ok()) return st.error();
  const json::value* given = p.if_contains("Detail");
  if (!given)
    return Error{ErrorCode::kInvalidRequest,
                 "parameters.Detail is required: an object or its JSON text"};
  json::value detail = *given;
  if (given->is_string()) {
    auto parsed = parse_request_json(given->as_string(), "parameters.Detail");
    if (!parsed) return parsed.error();
    detail = std::move(*parsed);
  }
  // An envelope as a POST would carry it, so rules and waiters see one shape.
  json::object envelope{{"version", "0"},
                        {"id", event_id},
                        {"source", *source},
                        {"detail-type", *type},
                        {"time", format_timestamp(at)},
                        {"detail", std::move(detail)}};
  if (const json::value* r = p.if_contains("Resources")) envelope["resources"] = *r;
  auto posted = parse_envelope(envelope, now, retention_ms);
  if (!posted) {
    Error e = posted.error();
    e.message = "parameters: " + e.message;
    return e;
  }
  return posted;
}

std::string event_put_id(const std::string& idempotency_key) {
  const std::string hex = sha256_hex("settled:events.put\n" + idempotency_key);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string event_put_id(const std::string& idempotency_key, const aws::ChildNameSalt& salt,
                         EpochMillis entered) {
  if (salt.secret.empty() || entered < salt.since) return event_put_id(idempotency_key);
  return event_put_id(salt.secret + "\n" + idempotency_key);
}

json::value put_results(const std::vector<std::string>& event_ids) {
  json::array entries;
  for (const auto& id : event_ids) entries.push_back(json::object{{"EventId", id}});
  return json::object{{"Entries", std::move(entries)}, {"FailedEntryCount", 0}};
}

json::value put_result(const std::string& event_id) {
  return json::object{{"Entries", json::array{json::object{{"EventId", event_id}}}},
                      {"FailedEntryCount", 0}};
}

}  // namespace settled::events
