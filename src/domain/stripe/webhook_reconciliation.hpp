#pragma once
// The two task resources of webhook reconciliation (docs/webhook-reconciliation.md): which events
// of a Stripe events.list page settled has not stored (settled:webhooks.check), and one such
// event taken in as if its webhook had arrived (settled:webhooks.ingest). Pure: the caller says
// which ids are stored and stores what this returns.
//
//   settled:webhooks.check  {"events": [<Stripe event>, ...]}   (one page, at most 100)
//     -> {"listed", "known", "missing": [<Stripe event>, ... oldest first], "lastId",
//         "newestCreated"}   (lastId: the page's last id, the next page's starting_after;
//                             newestCreated: the largest `created`, null for an empty page)
//   settled:webhooks.ingest {"event": <Stripe event>}
//     -> {"id", "type", "status": "stored" | "duplicate", "correlationKeys"}

#include "domain/result.hpp"
#include "domain/stripe/webhook_event.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace settled::stripe {

inline constexpr const char* kWebhooksInvalidParameters = "Webhooks.InvalidParameters";
// The event could not be stored (the commit failed): nothing was stored, a retry may succeed.
inline constexpr const char* kWebhooksStoreUnavailable = "Webhooks.StoreUnavailable";
// Stripe's largest list page.
inline constexpr std::size_t kMaxCheckedEvents = 100;

// settled:webhooks.check. `stored(id)` says whether an event id is in the stripe_events table.
// kInvalidRequest (the caller's Webhooks.InvalidParameters) naming what is wrong: no `events`
// array, more than kMaxCheckedEvents, an element that is not an object with a string id.
Result<boost::json::object> check_listed_events(
    const boost::json::value& parameters, const std::function<bool(std::string_view)>& stored);

// settled:webhooks.ingest: the event to store, as the webhook route would have read it
// (parse_stripe_event), received at `now` and marked as ingested by `attempt_key`.
Result<StripeEvent> event_to_ingest(const boost::json::value& parameters, EpochMillis now,
                                    const std::string& attempt_key);

// The task's result for `event`: stored by this attempt, or found stored already.
boost::json::object ingest_result(const StripeEvent& event, bool stored);

}  // namespace settled::stripe
