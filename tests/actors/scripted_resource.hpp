#pragma once
// A stand-in for the Stripe client actor (engine->stripe, the one seam the engine has for a
// remote resource) in the deterministic actor tests: it records each attempt and answers it
// with the next scripted outcome, or holds it unanswered (a call in flight) when the script is
// empty.

#include "actors/interfaces.hpp"
#include "actors/messages.hpp"

#include <boost/json.hpp>

#include <deque>
#include <memory>
#include <vector>

namespace settled::actors::testing {

struct ScriptedResource {
  std::deque<TaskOutcome> script;
  std::vector<TaskAttempt> attempts;
  std::vector<caf::typed_response_promise<TaskOutcome>> held;
};

inline StripeActor::behavior_type scripted_resource(StripeActor::pointer self,
                                                    std::shared_ptr<ScriptedResource> resource) {
  return {
      [self, resource](charge_atom, TaskAttempt& attempt) -> caf::result<TaskOutcome> {
        resource->attempts.push_back(attempt);
        if (resource->script.empty()) {
          resource->held.push_back(self->make_response_promise<TaskOutcome>());
          return resource->held.back();
        }
        TaskOutcome next = std::move(resource->script.front());
        resource->script.pop_front();
        return next;
      },
  };
}

inline TaskOutcome charged() {
  return TaskOutcome::success(boost::json::object{{"id", "pi_1"}, {"status", "succeeded"}});
}

inline TaskOutcome api_error() {
  return TaskOutcome::failure("Stripe.ApiError", "503 from the API");
}

}  // namespace settled::actors::testing
