#pragma once
// POST /v1/webhooks/stripe, up to the events actor (docs/webhooks.md): the request is refused
// unless exactly one Stripe-Signature header signs its body under a configured secret within
// the tolerance, and the body is a Stripe event; nothing is stored on a refusal.

#include "adapters/http/http_message.hpp"
#include "adapters/stripe/webhook_signature.hpp"
#include "domain/result.hpp"
#include "domain/stripe/webhook_event.hpp"
#include "domain/time.hpp"

namespace settled::api {

// Stripe's events are under 256 KiB; a larger body is refused (413) before any HMAC.
inline constexpr std::size_t kMaxWebhookBodyBytes = 256 * 1024;

// The verified event, or the refusal: NotFound when no secret is configured, PayloadTooLarge,
// BadSignature (missing, repeated, malformed, wrong or stale signature), InvalidJson or
// InvalidRequest (a signed body that is not a Stripe event).
Result<stripe::StripeEvent> read_stripe_webhook(const adapters::HttpRequest& req,
                                                const adapters::stripe::SignatureCheck& check,
                                                EpochMillis now);

}  // namespace settled::api
