#pragma once
// The events actor's rule targets that start executions (docs/event-rules.md): an event that
// matches startExecution rules starts each rule's execution, one after the other, through the
// executions supervisor's idempotent admission (the name is derived from the event's id), and
// only then is its id recorded and the event acknowledged. A start refused stops there: nothing
// is recorded, so the sender's retry starts what is missing and finds the rest started.

#include "actors/interfaces.hpp"
#include "actors/messages.hpp"
#include "domain/events/event_rules.hpp"

#include <boost/json/array.hpp>

#include <cstddef>
#include <optional>
#include <vector>

namespace settled::actors {

// Travels between the events actor and the supervisor's answers (`started_atom, RuleStarts`).
struct RuleStarts {
  EventPost post;
  std::vector<events::EventRule> starts;  // the matching startExecution rules, by name
  bool deliver = false;                   // a waiter (or the kept events) gets it too
  std::size_t next = 0;                   // the next rule to start
  boost::json::array started;             // [{rule, executionId, outcome}] so far
  std::optional<Error> refused;           // a start was refused: the event is not recorded
};

// Sends the next rule's start to the supervisor, taking `rs` along (moved from): its answer is
// added to it and it comes back to `events` as `started_atom, RuleStarts`. False, with `rs`
// untouched, when there is nothing left to start: all were answered, one was refused, or the
// next one's input cannot be taken from the envelope (then `refused` says why).
bool start_next_rule(EventsActor events, const ExecutionsActor& executions, RuleStarts& rs);

// The envelope a rule's input is taken from: the EventBridge envelope as posted, or settled's
// form {"id", "type", "correlationKey", "detail"}.
boost::json::value rule_envelope(const EventPost& post);

}  // namespace settled::actors
