#include "actors/events/event_put.hpp"

#include "domain/events/eventbridge_envelope.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

#include <memory>

namespace settled::actors {

namespace json = boost::json;

std::optional<EventPost> event_put(const TaskAttempt& attempt, std::int64_t retention_ms,
                                   const aws::ChildNameSalt& salt,
                                   caf::typed_response_promise<TaskOutcome> rp) {
  const std::string id =
      events::event_put_id(attempt.idempotency_key, salt, attempt.key_first_used);
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

std::vector<EventPost> event_puts(const TaskAttempt& attempt, std::int64_t retention_ms,
                                  const aws::ChildNameSalt& salt,
                                  caf::typed_response_promise<TaskOutcome> rp) {
  const json::value* entries = attempt.parameters.is_object()
                                   ? attempt.parameters.as_object().if_contains("Entries")
                                   : nullptr;
  if (!entries) {
    auto one = event_put(attempt, retention_ms, salt, rp);
    std::vector<EventPost> out;
    if (one) out.push_back(std::move(*one));
    return out;
  }
  if (!entries->is_array() || entries->as_array().empty() ||
      entries->as_array().size() > kMaxPutEntries || attempt.parameters.as_object().size() != 1) {
    rp.deliver(TaskOutcome::failure(kEventsInvalidParameters,
                                    "parameters: Entries (and nothing else) must be an array of "
                                    "1-" +
                                        std::to_string(kMaxPutEntries) + " entries"));
    return {};
  }
  const EpochMillis at = attempt.key_first_used ? attempt.key_first_used : attempt.now;
  std::vector<std::string> ids;
  std::vector<EventPost> posts;
  const auto& list = entries->as_array();
  for (std::size_t i = 0; i < list.size(); ++i) {
    ids.push_back(events::event_put_id(
        i == 0 ? attempt.idempotency_key : attempt.idempotency_key + "#" + std::to_string(i), salt,
        attempt.key_first_used));
    auto posted = events::parse_put_parameters(list[i], ids.back(), at, attempt.now, retention_ms);
    if (!posted) {
      rp.deliver(
          TaskOutcome::failure(kEventsInvalidParameters,
                               "Entries[" + std::to_string(i) + "]: " + posted.error().message));
      return {};
    }
    EventPost post;
    post.event = std::move(posted->event);
    post.envelope = std::move(posted->envelope);
    posts.push_back(std::move(post));
  }
  struct Progress {
    std::size_t left = 0;
    std::string failure;
  };
  auto progress = std::make_shared<Progress>();
  progress->left = posts.size();
  for (std::size_t i = 0; i < posts.size(); ++i) {
    posts[i].reply = [rp, progress, ids, i](Answer answer) mutable {
      if (!answer && progress->failure.empty())
        progress->failure = "Entries[" + std::to_string(i) +
                            "]: " + std::string(error_name(answer.error().code)) + ": " +
                            answer.error().message;
      if (--progress->left > 0) return;
      if (progress->failure.empty())
        rp.deliver(TaskOutcome::success(events::put_results(ids)));
      else
        rp.deliver(TaskOutcome::failure(kEventsPutFailed, progress->failure));
    };
  }
  return posts;
}

}  // namespace settled::actors
