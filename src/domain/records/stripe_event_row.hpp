#pragma once
// The Stripe event row (Table::kStripeEvents, keyed by the Stripe event id): a signed webhook
// event as it was received, written in the commit that acknowledges it. Its presence is what
// makes a second delivery of the same event a duplicate; GET /v1/webhooks/stripe/events and
// `settlectl webhooks` read it.
//
// Encoding: {"v":1,"id","type","created","livemode","objectId","account","receivedAtMillis",
// "correlationKeys":[...],"event":{...}}, and "ingestedBy" for an event stored by reconciliation
// (settled:webhooks.ingest) rather than received (rows without it are webhooks).

#include "domain/result.hpp"
#include "domain/stripe/webhook_event.hpp"

#include <string>
#include <string_view>

namespace settled::records {

std::string encode(const stripe::StripeEvent& event);

// RecordCorrupt (naming what is wrong) for a row that is not this shape; never throws.
Result<stripe::StripeEvent> decode_stripe_event_row(std::string_view text);

}  // namespace settled::records
