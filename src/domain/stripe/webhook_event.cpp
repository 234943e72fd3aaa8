#include "domain/stripe/webhook_event.hpp"

#include "domain/json_limits.hpp"
#include "domain/path_segment.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace settled::stripe {

namespace json = boost::json;

namespace {

bool usable_key(const json::value* v) {
  if (!v || !v->is_string()) return false;
  const json::string& s = v->as_string();
  return !s.empty() && s.size() <= kMaxCorrelationKeyBytes && s.find('\0') == json::string::npos;
}

Result<std::string> bounded_text(const json::object& o, const char* field, std::size_t max) {
  const json::value* v = o.if_contains(field);
  if (!v || !v->is_string() || v->as_string().empty())
    return Error{ErrorCode::kInvalidRequest,
                 std::string("the event's ") + field + " is required: a non-empty string"};
  const json::string& s = v->as_string();
  if (s.size() > max || s.find('\0') != json::string::npos)
    return Error{ErrorCode::kInvalidRequest, std::string("the event's ") + field +
                                                 " must be at most " + std::to_string(max) +
                                                 " characters, without NUL"};
  return std::string(s);
}

const json::object* data_object(const json::object& event) {
  const json::value* data = event.if_contains("data");
  if (!data || !data->is_object()) return nullptr;
  const json::value* object = data->as_object().if_contains("object");
  return object && object->is_object() ? &object->as_object() : nullptr;
}

}  // namespace

std::vector<std::string> correlation_keys(const json::object& event) {
  std::vector<std::string> keys;
  const auto add = [&keys](const json::value* v) {
    if (!usable_key(v)) return;
    std::string key(v->as_string());
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
  };
  const json::object* object = data_object(event);
  if (object) add(object->if_contains("id"));
  add(event.if_contains("account"));
  if (object) {
    add(object->if_contains("payment_intent"));  // an expanded object is not an id: skipped
    if (const json::value* metadata = object->if_contains("metadata");
        metadata && metadata->is_object()) {
      for (const char* name : kCorrelationMetadataKeys)
        add(metadata->as_object().if_contains(name));
    }
  }
  return keys;
}

Result<StripeEvent> parse_stripe_event(std::string_view raw_body, EpochMillis now) {
  auto parsed = parse_request_json(raw_body, "webhook body");
  if (!parsed) return parsed.error();
  json::object* event = parsed->if_object();
  if (!event) return Error{ErrorCode::kInvalidRequest, "the webhook body must be a JSON object"};
  return parse_stripe_event(std::move(*event), now);
}

Result<StripeEvent> parse_stripe_event(json::object body, EpochMillis now) {
  json::object* event = &body;
  if (const json::value* kind = event->if_contains("object"); !kind || *kind != "event")
    return Error{ErrorCode::kInvalidRequest,
                 "the webhook body is not a Stripe event "
                 "(\"object\" must be \"event\")"};
  auto id = bounded_text(*event, "id", kMaxIdBytes);
  if (!id) return id.error();
  // Read back by GET /v1/webhooks/stripe/events/{id}: an id no path segment can carry ("a/b",
  // "..", a control character) would be stored and never shown (Stripe's are "evt_...").
  if (const SegmentProblem problem = segment_problem(*id); problem != SegmentProblem::kNone)
    return Error{ErrorCode::kInvalidRequest,
                 "the event's id must be text a request path can name "
                 "(GET /v1/webhooks/stripe/events/{id}); it has " +
                     std::string(describe(problem))};
  auto type = bounded_text(*event, "type", kMaxTypeBytes);
  if (!type) return type.error();
  const json::object* object = data_object(*event);
  if (!object)
    return Error{ErrorCode::kInvalidRequest, "the event's data.object is required: an object"};
  StripeEvent out;
  out.id = std::move(*id);
  out.type = std::move(*type);
  if (const json::value* created = event->if_contains("created")) {
    const auto seconds = exact_int64(*created);
    if (!seconds)
      return Error{ErrorCode::kInvalidRequest, "the event's created must be an integer"};
    out.created = *seconds;
  }
  if (const json::value* livemode = event->if_contains("livemode")) {
    if (!livemode->is_bool())
      return Error{ErrorCode::kInvalidRequest, "the event's livemode must be true or false"};
    out.livemode = livemode->as_bool();
  }
  if (usable_key(object->if_contains("id"))) out.object_id = object->at("id").as_string();
  if (usable_key(event->if_contains("account"))) out.account = event->at("account").as_string();
  out.received_at = now;
  out.correlation_keys = correlation_keys(*event);
  out.body = std::move(*event);
  return out;
}

json::object to_json(const StripeEvent& event, bool with_body) {
  json::array keys;
  for (const auto& k : event.correlation_keys) keys.emplace_back(k);
  json::object o{{"id", event.id},
                 {"type", event.type},
                 {"created", event.created},
                 {"livemode", event.livemode},
                 {"objectId", event.object_id},
                 {"receivedAt", format_timestamp(event.received_at)},
                 {"correlationKeys", std::move(keys)}};
  if (!event.account.empty()) o["account"] = event.account;
  o["source"] = event.ingested_by.empty() ? "webhook" : "reconciliation";
  if (!event.ingested_by.empty()) o["ingestedBy"] = event.ingested_by;
  if (with_body) o["event"] = event.body;
  return o;
}

}  // namespace settled::stripe
