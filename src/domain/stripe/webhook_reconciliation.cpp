#include "domain/stripe/webhook_reconciliation.hpp"

#include "domain/json_limits.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace settled::stripe {

namespace json = boost::json;

namespace {

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalidRequest, std::move(message)};
}

}  // namespace

Result<json::object> check_listed_events(const json::value& parameters,
                                         const std::function<bool(std::string_view)>& stored) {
  const json::object* p = parameters.if_object();
  const json::value* events = p ? p->if_contains("events") : nullptr;
  if (!events || !events->is_array())
    return invalid("parameters.events is required: the data of an events.list page");
  const json::array& listed = events->as_array();
  if (listed.size() > kMaxCheckedEvents)
    return invalid("parameters.events holds " + std::to_string(listed.size()) +
                   " events; one page is at most " + std::to_string(kMaxCheckedEvents));
  json::array missing;
  std::int64_t known = 0;
  json::value newest = nullptr;
  for (std::size_t i = 0; i < listed.size(); ++i) {
    const json::object* event = listed[i].if_object();
    const json::value* id = event ? event->if_contains("id") : nullptr;
    if (!id || !id->is_string() || id->as_string().empty() || id->as_string().size() > kMaxIdBytes)
      return invalid("parameters.events[" + std::to_string(i) +
                     "] is not a Stripe event with an id");
    const json::value* created = event->if_contains("created");
    if (const auto t = created ? exact_int64(*created) : std::nullopt) {
      if (newest.is_null() || *t > newest.as_int64()) newest = *t;
    }
    if (stored(id->as_string()))
      ++known;
    else
      missing.push_back(*event);
  }
  // events.list is newest first; events are taken in oldest first, as they happened.
  std::reverse(missing.begin(), missing.end());
  json::value last_id = nullptr;
  if (!listed.empty()) last_id = listed.back().as_object().at("id");
  return json::object{{"listed", static_cast<std::int64_t>(listed.size())},
                      {"known", known},
                      {"missing", std::move(missing)},
                      {"lastId", std::move(last_id)},
                      {"newestCreated", std::move(newest)}};
}

Result<StripeEvent> event_to_ingest(const json::value& parameters, EpochMillis now,
                                    const std::string& attempt_key) {
  const json::object* p = parameters.if_object();
  const json::value* event = p ? p->if_contains("event") : nullptr;
  if (!event || !event->is_object())
    return invalid("parameters.event is required: one Stripe event object");
  if (p->size() != 1) return invalid("settled:webhooks.ingest takes only parameters.event");
  auto parsed = parse_stripe_event(event->as_object(), now);
  if (!parsed) return parsed.error();
  parsed->ingested_by = attempt_key;
  return parsed;
}

json::object ingest_result(const StripeEvent& event, bool stored) {
  json::array keys;
  for (const auto& k : event.correlation_keys) keys.emplace_back(k);
  return json::object{{"id", event.id},
                      {"type", event.type},
                      {"status", stored ? "stored" : "duplicate"},
                      {"correlationKeys", std::move(keys)}};
}

}  // namespace settled::stripe
