#pragma once
// A Stripe event as a signed webhook delivers it (POST /v1/webhooks/stripe): what settled reads
// from it, and the correlation keys under which it is posted to executions waiting in
// settled:events.waitFor (docs/webhooks.md). The signature is checked before this is reached
// (adapters/stripe/webhook_signature.hpp); this only reads the JSON.

#include "domain/result.hpp"
#include "domain/time.hpp"

#include <boost/json/object.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace settled::stripe {

struct StripeEvent {
  std::string id;            // "evt_...": the same id delivered twice is processed once
  std::string type;          // "payout.paid", "charge.refunded", ...
  std::int64_t created = 0;  // Stripe's creation time, epoch seconds
  bool livemode = false;
  std::string object_id;  // data.object.id, "" if the object has none
  std::string account;    // Connect: the connected account it happened on, "" if none
  EpochMillis received_at = 0;
  // "" for a webhook; for an event ingested by reconciliation (settled:webhooks.ingest), the
  // Idempotency-Key of the task attempt that stored it, so that attempt's retry knows it.
  std::string ingested_by;
  // Each key it is posted under for events.waitFor (correlation_keys() below), no duplicates.
  std::vector<std::string> correlation_keys;
  boost::json::object body;  // the event as received
};

// The metadata fields (of data.object.metadata) whose values are correlation keys, so a
// workflow can wait for the event of "its" payment, booking or payroll by its own id.
inline constexpr std::array<const char*, 3> kCorrelationMetadataKeys = {"paymentId", "bookingId",
                                                                        "payrollId"};
// Longest id, type and correlation key taken: the events tables' keys hold type, key and a
// sequence and LMDB keys are at most 511 bytes.
inline constexpr std::size_t kMaxIdBytes = 255;
inline constexpr std::size_t kMaxTypeBytes = 100;
inline constexpr std::size_t kMaxCorrelationKeyBytes = 200;

// The event's correlation keys, in this order, each once: data.object.id; the connected
// account (the event's "account"); data.object.payment_intent when it is an id (charges,
// refunds and disputes name their payment intent); each of kCorrelationMetadataKeys present in
// data.object.metadata. A value that is not a non-empty string of at most
// kMaxCorrelationKeyBytes without NUL is skipped, not refused: Stripe sent it, and the other
// keys still route the event.
std::vector<std::string> correlation_keys(const boost::json::object& event);

// The body of a webhook: a JSON object with "object":"event", an "id" and a "type" (non-empty
// strings within the bounds above, without NUL), "data":{"object":{...}}, and "created" and
// "livemode" if present of the right type. Anything else is InvalidRequest naming the field.
Result<StripeEvent> parse_stripe_event(std::string_view raw_body, EpochMillis now);
// The same checks on an event already parsed (one of events.list's `data`).
Result<StripeEvent> parse_stripe_event(boost::json::object event, EpochMillis now);

// {id, type, created, livemode, objectId, account?, receivedAt, source ("webhook" or
// "reconciliation"), ingestedBy?, correlationKeys}; with the event as received under "event"
// if `with_body`.
boost::json::object to_json(const StripeEvent& event, bool with_body);

}  // namespace settled::stripe
