#pragma once
// Stripe's error types as ASL error names, shared by the simulator and the live client so a
// workflow's Retry and Catch match the same names whichever one answers.

#include <string>

namespace settled::adapters {

// card_error -> Stripe.CardError, rate_limit_error -> Stripe.RateLimitError, ...; any type it
// does not know (api_error included) -> Stripe.APIError.
std::string stripe_error_name(const std::string& type);

}  // namespace settled::adapters
