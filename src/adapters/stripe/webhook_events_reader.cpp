#include "adapters/stripe/webhook_events_reader.hpp"

#include "domain/records/stripe_event_row.hpp"

#include <boost/json.hpp>

namespace settled::adapters::stripe {

namespace json = boost::json;

json::object list_stripe_events(const LmdbStore& db, const std::string& after, std::size_t limit) {
  json::array events;
  std::string last;
  bool more = false;
  db.scan(
      Table::kStripeEvents, "",
      [&](std::string_view key, std::string_view value) {
        if (events.size() == limit) {
          more = true;
          return false;
        }
        auto event = records::decode_stripe_event_row(value);
        if (event)
          events.emplace_back(settled::stripe::to_json(*event, false));
        else
          events.emplace_back(json::object{{"id", key}, {"corrupt", event.error().message}});
        last = std::string(key);
        return true;
      },
      after);
  json::object out{{"events", std::move(events)}};
  if (more) out["nextAfter"] = last;
  return out;
}

Result<json::object> read_stripe_event(const LmdbStore& db, const std::string& id) {
  auto row = db.get(Table::kStripeEvents, id);
  if (!row) return Error{ErrorCode::kNotFound, "no Stripe event \"" + id + "\" was received"};
  auto event = records::decode_stripe_event_row(*row);
  if (!event) return event.error();
  return settled::stripe::to_json(*event, true);
}

}  // namespace settled::adapters::stripe
