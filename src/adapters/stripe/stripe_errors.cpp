#include "adapters/stripe/stripe_errors.hpp"

namespace settled::adapters {

std::string stripe_error_name(const std::string& type) {
  if (type == "card_error") return "Stripe.CardError";
  if (type == "rate_limit_error") return "Stripe.RateLimitError";
  if (type == "invalid_request_error") return "Stripe.InvalidRequestError";
  if (type == "idempotency_error") return "Stripe.IdempotencyError";
  if (type == "api_connection_error") return "Stripe.APIConnectionError";
  if (type == "authentication_error") return "Stripe.AuthenticationError";
  return "Stripe.APIError";
}

}  // namespace settled::adapters
