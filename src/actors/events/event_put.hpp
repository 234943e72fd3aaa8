#pragma once
// settled:events.put (docs/engine.md, "Events"): a workflow emits an event. The task attempt's
// Parameters become an event posted like one from POST /v1/events, with the attempt's own id
// (events::event_put_id of its idempotency key), so a retried or replayed attempt finds its
// event already taken and emits nothing more; the task succeeds with PutEvents' answer once the
// event is durable (taken by a waiter, kept, or its rules' executions started).

#include "actors/interfaces.hpp"
#include "actors/messages.hpp"

#include "domain/resources/aws_resources.hpp"

#include <caf/typed_response_promise.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace settled::actors {

inline constexpr const char* kEventsInvalidParameters = "Events.InvalidParameters";
inline constexpr const char* kEventsPutFailed = "Events.PutFailed";

// The post for `attempt`, whose answer delivers `rp`; none when the Parameters are refused
// (then `rp` is delivered Events.InvalidParameters here).
// `salt` makes the event's id unguessable (events::event_put_id).
std::optional<EventPost> event_put(const TaskAttempt& attempt, std::int64_t retention_ms,
                                   const aws::ChildNameSalt& salt,
                                   caf::typed_response_promise<TaskOutcome> rp);

// At most this many entries in one put, as EventBridge's PutEvents takes.
inline constexpr std::size_t kMaxPutEntries = 10;

// The posts for `attempt`: with Parameters {"Entries": [1-10 entries]} one post per entry, the
// entry at index i with the id event_put_id(key) for i = 0 (the single entry's) and
// event_put_id(key + "#" + i) after it, so each is stable across retries; `rp` is delivered
// PutEvents' answer (one EventId per entry) once every entry's post answered, or Events.PutFailed
// naming the first entry that failed (a retry puts them again: those already taken are not
// emitted twice). Parameters without Entries are one entry (event_put). Refused Parameters (an
// entry of them) put nothing: none is returned and `rp` is delivered Events.InvalidParameters.
// The posts' replies run on the events actor, one after another.
std::vector<EventPost> event_puts(const TaskAttempt& attempt, std::int64_t retention_ms,
                                  const aws::ChildNameSalt& salt,
                                  caf::typed_response_promise<TaskOutcome> rp);

}  // namespace settled::actors
