#include "domain/records/stripe_event_row.hpp"

#include "domain/records/row_json.hpp"

#include <boost/json.hpp>

#include <tuple>

namespace settled::records {

namespace json = boost::json;

namespace {

constexpr std::int64_t kVersion = 1;
constexpr std::string_view kRow = "stripe event row";

const json::string* text_field(const json::object& o, const char* name, bool required) {
  const json::value* v = o.if_contains(name);
  if (!v || !v->is_string() || (required && v->as_string().empty())) return nullptr;
  return &v->as_string();
}

}  // namespace

std::string encode(const stripe::StripeEvent& event) {
  json::array keys;
  for (const auto& k : event.correlation_keys) keys.emplace_back(k);
  json::object row{{"v", kVersion},
                   {"id", event.id},
                   {"type", event.type},
                   {"created", event.created},
                   {"livemode", event.livemode},
                   {"objectId", event.object_id},
                   {"account", event.account},
                   {"receivedAtMillis", event.received_at},
                   {"correlationKeys", std::move(keys)},
                   {"event", event.body}};
  if (!event.ingested_by.empty()) row["ingestedBy"] = event.ingested_by;
  return json::serialize(row);
}

Result<stripe::StripeEvent> decode_stripe_event_row(std::string_view text) {
  auto stored = read_row_object(text, kRow, kVersion);
  if (!stored) return stored.error();
  const json::object& o = *stored;
  stripe::StripeEvent event;
  for (auto [name, target, required] :
       {std::tuple{"id", &event.id, true}, std::tuple{"type", &event.type, true},
        std::tuple{"objectId", &event.object_id, false},
        std::tuple{"account", &event.account, false}}) {
    const json::string* s = text_field(o, name, required);
    if (!s) return corrupt_row(kRow, std::string(name) + " is missing or not a string");
    *target = std::string(*s);
  }
  const json::value* created = o.if_contains("created");
  if (!created || !created->is_int64())
    return corrupt_row(kRow, "created is missing or not an integer");
  event.created = created->as_int64();
  const json::value* livemode = o.if_contains("livemode");
  if (!livemode || !livemode->is_bool())
    return corrupt_row(kRow, "livemode is missing or not a boolean");
  event.livemode = livemode->as_bool();
  const json::value* received = o.if_contains("receivedAtMillis");
  if (!received || !received->is_int64())
    return corrupt_row(kRow, "receivedAtMillis is missing or not an integer");
  event.received_at = received->as_int64();
  const json::value* keys = o.if_contains("correlationKeys");
  if (!keys || !keys->is_array())
    return corrupt_row(kRow, "correlationKeys is missing or not an array");
  for (const auto& k : keys->as_array()) {
    if (!k.is_string() || k.as_string().empty())
      return corrupt_row(kRow, "correlationKeys holds something not a non-empty string");
    event.correlation_keys.emplace_back(k.as_string());
  }
  if (const json::value* by = o.if_contains("ingestedBy")) {
    if (!by->is_string()) return corrupt_row(kRow, "ingestedBy is not a string");
    event.ingested_by = std::string(by->as_string());
  }
  const json::value* body = o.if_contains("event");
  if (!body || !body->is_object()) return corrupt_row(kRow, "event is missing or not an object");
  event.body = body->as_object();
  return event;
}

}  // namespace settled::records
