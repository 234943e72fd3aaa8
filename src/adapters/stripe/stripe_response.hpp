#pragma once
// How a Stripe answer (or the lack of one) becomes a TaskOutcome, with the same ASL error
// names and the same cause (Stripe's error object as JSON) as the simulator gives.

#include "domain/resources/task_outcome.hpp"

#include <string>
#include <string_view>

namespace settled::adapters {

// 2xx with a JSON object: success with that object (the PaymentIntent). Otherwise a failure
// named from the status where Stripe's meaning is fixed (401 -> Stripe.AuthenticationError,
// 429 -> Stripe.RateLimitError, 5xx -> Stripe.APIError) and from error.type elsewhere
// (card_error -> Stripe.CardError, ...); the cause is the body's "error" object, or one made
// in its shape when the body has none.
TaskOutcome stripe_response_outcome(unsigned status, std::string_view body);

// `maybe_sent`: the request may have reached Stripe, so the outcome is unknown
// (Stripe.Unknown); otherwise it was not sent (Stripe.APIConnectionError). Either way the
// cause tells the caller to retry with the same key.
TaskOutcome stripe_connection_failure(const std::string& what, bool maybe_sent);

}  // namespace settled::adapters
