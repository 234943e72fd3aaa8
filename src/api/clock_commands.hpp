#pragma once
// The clock's API (docs/clock.md), the same from HTTP (GET /v1/clock, POST /v1/clock/advance)
// and the admin socket (clock.show, clock.advance): what the clock says, and an advance read
// from {"by": "7d"} or {"to": "<RFC 3339>"} and handed to the clock actor. A refusal (garbage,
// both or neither field, going back, past the bound, a system clock) is InvalidRequest and
// changes nothing.

#include "actors/clock.hpp"
#include "actors/interfaces.hpp"
#include "domain/result.hpp"

#include <boost/json/object.hpp>

#include <functional>

namespace settled::api {

// The most one advance may move the clock: a typo ("7000d") is refused, not run for hours.
inline constexpr EpochMillis kMaxClockAdvanceMs = 366LL * 24 * 3600 * 1000;

// {"mode": "system"|"simulated", "now": RFC 3339, "nowMillis"}.
boost::json::object clock_json(const actors::Clock& clock);

// The time `body` asks the clock to move to, checked against `clock` (simulated, not back, at
// most kMaxClockAdvanceMs ahead).
Result<EpochMillis> parse_clock_advance(const boost::json::object& body,
                                        const actors::Clock& clock);

// Runs the advance on `actor`; `done` gets {"mode", "now", "nowMillis", "fired", "steps"} once
// everything due by then has fired and settled, or the refusal.
void advance_clock(const actors::ClockActor& actor, EpochMillis to,
                   std::function<void(Result<boost::json::object>)> done);

}  // namespace settled::api
