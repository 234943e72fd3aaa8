#include "api/clock_commands.hpp"

#include "actors/clock_actor.hpp"
#include "api/request_parsing.hpp"

#include <caf/send.hpp>

namespace settled::api {

namespace json = boost::json;

json::object clock_json(const actors::Clock& clock) {
  const EpochMillis now = clock.now();
  return json::object{{"mode", clock.is_simulated() ? "simulated" : "system"},
                      {"now", format_timestamp(now)},
                      {"nowMillis", now}};
}

Result<EpochMillis> parse_clock_advance(const json::object& body, const actors::Clock& clock) {
  if (auto checked = check_fields(body, {"by", "to"}); !checked) return checked.error();
  if (!clock.is_simulated())
    return Error{ErrorCode::kInvalidRequest,
                 "the clock is the system clock: only a daemon started with --clock=simulated "
                 "can be advanced"};
  const json::value* by = body.if_contains("by");
  const json::value* to = body.if_contains("to");
  if ((by == nullptr) == (to == nullptr))
    return Error{ErrorCode::kInvalidRequest,
                 "send one of \"by\" (a duration such as \"30s\", \"15m\", \"24h\", \"7d\") or "
                 "\"to\" (an RFC 3339 time)"};
  const EpochMillis now = clock.now();
  EpochMillis target = 0;
  if (by) {
    const auto span =
        by->is_string() ? parse_duration(by->as_string(), kMaxClockAdvanceMs) : std::nullopt;
    if (!span)
      return Error{ErrorCode::kInvalidRequest,
                   "\"by\" must be a positive whole number and a unit (ms, s, m, h, d) of at "
                   "most 366d, such as \"7d\""};
    target = now + *span;
  } else {
    const auto at = to->is_string() ? parse_timestamp(to->as_string()) : std::nullopt;
    if (!at)
      return Error{ErrorCode::kInvalidRequest,
                   "\"to\" must be an RFC 3339 time such as \"2026-12-01T00:00:00Z\""};
    if (*at < now)
      return Error{ErrorCode::kInvalidRequest, "\"to\" is before the clock's time (" +
                                                   format_timestamp(now) +
                                                   "): the clock never goes back"};
    if (*at - now > kMaxClockAdvanceMs)
      return Error{
          ErrorCode::kInvalidRequest,
          "\"to\" is more than 366 days after the clock's time (" + format_timestamp(now) + ")"};
    target = *at;
  }
  return target;
}

void advance_clock(const actors::ClockActor& actor, EpochMillis to,
                   std::function<void(Result<json::object>)> done) {
  if (!actor) return done(Error{ErrorCode::kInternal, "the simulated clock has no clock actor"});
  actors::ClockAdvance advance;
  advance.to = to;
  advance.reply = [done = std::move(done)](Result<actors::ClockReport> report) {
    if (!report) return done(report.error());
    done(json::object{{"mode", "simulated"},
                      {"now", format_timestamp(report->now)},
                      {"nowMillis", report->now},
                      {"fired", report->fired},
                      {"steps", report->steps}});
  };
  caf::anon_send(actor, actors::advance_atom::value, std::move(advance));
}

}  // namespace settled::api
