#pragma once
// Events in EventBridge's shape (seed 001's event envelope), beside settled's own
// {"type", "correlationKey", "detail", "id"?}: what POST /v1/events and settled:events.put take.
//
//   {"version": "0", "id": "...", "source": "mindlinks.contracts", "detail-type":
//    "milestone.approved", "time": "2026-12-04T10:00:00Z", "detail": {"entityId": "...",
//    "entityType", "action", "actorId", "actorType", "metadata": {...}}}
//
// maps onto an Event: type = detail-type, correlation key = detail.entityId, id = id (the same
// dedup as settled's form), detail = detail, with its source and time kept beside them.

#include "domain/events/event.hpp"
#include "domain/resources/aws_resources.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace settled::events {

// The versions an envelope may name: EventBridge's "0", and seed 001's "1.0".
inline constexpr const char* kEnvelopeVersions[] = {"0", "1.0"};
// EventBridge's own limit on `resources`.
inline constexpr std::size_t kMaxResources = 10;

// A posted event and, for the EventBridge form, the envelope as received (what a rule's
// startExecution gets as input: the same request always gives the same input).
struct PostedEvent {
  Event event;
  boost::json::value envelope;  // null for settled's form
};

// True when `body` is in EventBridge's form: an object with "detail-type", "source" and
// "detail" (settled's form has none of them).
bool is_eventbridge_form(const boost::json::value& body);

// POST /v1/events in either form. The EventBridge form is checked strictly: only its fields
// (version, id, source, detail-type, time, detail, account, region, resources), each of its
// type; version "0" (or seed 001's "1.0"); id, source and detail-type non-empty strings of at
// most 256 characters; time RFC 3339; detail an object with a non-empty string entityId (the
// correlation key), entityType/action/actorId/actorType strings and metadata an object when
// present; the detail at most kMaxDetailBytes of JSON text (413 PayloadTooLarge).
Result<PostedEvent> parse_posted_event(const boost::json::value& body, EpochMillis now,
                                       std::int64_t retention_ms);

// settled:events.put's Parameters: one EventBridge PutEvents entry {"Source", "DetailType",
// "Detail" (an object, or JSON text), "Resources"?} or settled's {"type", "correlationKey",
// "detail"?}. `event_id` is the task attempt's (event_put_id); `at` the time the event carries
// (the state's entry: the same on every retry, so a rule's start input is the same too).
Result<PostedEvent> parse_put_parameters(const boost::json::value& parameters,
                                         const std::string& event_id, EpochMillis at,
                                         EpochMillis now, std::int64_t retention_ms);

// The event id of a settled:events.put attempt: a UUID-shaped digest of its idempotency key
// (<executionId>/<state>/<entry>), the same on every retry and replay of that attempt.
std::string event_put_id(const std::string& idempotency_key);
// The same, unguessable without the data directory's secret (aws::salted_stable_id's rule:
// `entered`, when the put's state was entered, before the secret's `since` keeps the unsalted
// id). The key is public (a parent's history shows it), so anyone could post events under the
// ids a workflow's puts would take; the put was then answered "duplicate" and its own event
// never reached its waiter or rule (review, session 34).
std::string event_put_id(const std::string& idempotency_key, const aws::ChildNameSalt& salt,
                         EpochMillis entered);

// settled:events.put's result, as EventBridge's PutEvents answers.
boost::json::value put_result(const std::string& event_id);
// ... for several entries: one EventId per entry, in their order.
boost::json::value put_results(const std::vector<std::string>& event_ids);

}  // namespace settled::events
