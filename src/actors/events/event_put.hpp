#pragma once
// settled:events.put (docs/engine.md, "Events"): a workflow emits an event. The task attempt's
// Parameters become an event posted like one from POST /v1/events, with the attempt's own id
// (events::event_put_id of its idempotency key), so a retried or replayed attempt finds its
// event already taken and emits nothing more; the task succeeds with PutEvents' answer once the
// event is durable (taken by a waiter, kept, or its rules' executions started).

#include "actors/interfaces.hpp"
#include "actors/messages.hpp"

#include <caf/typed_response_promise.hpp>

#include <cstdint>
#include <optional>

namespace settled::actors {

inline constexpr const char* kEventsInvalidParameters = "Events.InvalidParameters";
inline constexpr const char* kEventsPutFailed = "Events.PutFailed";

// The post for `attempt`, whose answer delivers `rp`; none when the Parameters are refused
// (then `rp` is delivered Events.InvalidParameters here).
std::optional<EventPost> event_put(const TaskAttempt& attempt, std::int64_t retention_ms,
                                   caf::typed_response_promise<TaskOutcome> rp);

}  // namespace settled::actors
