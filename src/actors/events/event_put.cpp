#include "actors/events/event_put.hpp"

#include "domain/events/eventbridge_envelope.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

namespace settled::actors {

std::optional<EventPost> event_put(const TaskAttempt& attempt, std::int64_t retention_ms,
                                   caf::typed_response_promise<TaskOutcome> rp) {
  const std::string id = events::event_put_id(attempt.idempotency_key);
  // The time the event carries is the state's entry, not this attempt's: a retry's event (and
  // a rule's start input made from it) is the same as the first attempt's.
  const EpochMillis at = attempt.key_first_used ? attempt.key_first_used : attempt.now;
  auto posted = events::parse_put_parameters(attempt.parameters, id, at, attempt.now, retention_ms);
  if (!posted) {
    rp.deliver(TaskOutcome::failure(kEventsInvalidParameters, posted.error().message));
    return std::nullopt;
  }
  EventPost post;
  post.event = std::move(posted->event);
  post.envelope = std::move(posted->envelope);
  // Delivered, kept, started or already emitted by an earlier try of this attempt: all the
  // same to the workflow.
  post.reply = [rp, id](Answer answer) mutable {
    if (answer)
      rp.deliver(TaskOutcome::success(events::put_result(id)));
    else
      rp.deliver(TaskOutcome::failure(
          kEventsPutFailed,
          std::string(error_name(answer.error().code)) + ": " + answer.error().message));
  };
  return post;
}

}  // namespace settled::actors
