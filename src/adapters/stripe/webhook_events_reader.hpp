#pragma once
// Reads of the stored Stripe webhook events (Table::kStripeEvents), for
// GET /v1/webhooks/stripe/events[/{id}] and `settlectl webhooks list|show`: one LMDB read
// transaction each, no actor.

#include "adapters/store/lmdb_store.hpp"
#include "domain/result.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <string>

namespace settled::adapters::stripe {

inline constexpr std::size_t kDefaultEventsPage = 50;
inline constexpr std::size_t kMaxEventsPage = 500;

// {"events":[summary...], "nextAfter": id} in event id order, starting after `after` (exclusive;
// "" from the first), at most `limit`; "nextAfter" only when there may be more. A row that
// cannot be decoded is listed as {"id", "corrupt": why}, not skipped.
boost::json::object list_stripe_events(const LmdbStore& db, const std::string& after,
                                       std::size_t limit);

// The event with its body as received; NotFound if no event has that id.
Result<boost::json::object> read_stripe_event(const LmdbStore& db, const std::string& id);

}  // namespace settled::adapters::stripe
