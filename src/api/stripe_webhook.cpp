#include "api/stripe_webhook.hpp"

#include "adapters/ops/log.hpp"

#include <algorithm>

namespace settled::api {

namespace {

Result<stripe::StripeEvent> verify_and_parse(const adapters::HttpRequest& req,
                                             const adapters::stripe::SignatureCheck& check,
                                             EpochMillis now) {
  if (check.secrets.empty())
    return Error{ErrorCode::kNotFound,
                 "Stripe webhooks are not configured: set stripe-webhook-secrets"};
  if (req.body.size() > kMaxWebhookBodyBytes)
    return Error{ErrorCode::kPayloadTooLarge, "a Stripe webhook body is at most " +
                                                  std::to_string(kMaxWebhookBodyBytes) + " bytes"};
  const auto signatures = std::count_if(req.headers.begin(), req.headers.end(), [](const auto& h) {
    return h.first == "stripe-signature";
  });
  if (signatures == 0)
    return Error{ErrorCode::kBadSignature, "the Stripe-Signature header is missing"};
  if (signatures > 1)
    return Error{ErrorCode::kBadSignature, "send the Stripe-Signature header once"};
  // Against the engine's clock (a simulated one in tests), in Stripe's epoch seconds.
  const auto now_seconds = now >= 0 ? now / 1000 : -((-now + 999) / 1000);
  auto verified = adapters::stripe::verify_signature(*req.header("stripe-signature"), req.body,
                                                     check, now_seconds);
  if (!verified) return verified.error();
  return stripe::parse_stripe_event(req.body, now);
}

}  // namespace

Result<stripe::StripeEvent> read_stripe_webhook(const adapters::HttpRequest& req,
                                                const adapters::stripe::SignatureCheck& check,
                                                EpochMillis now) {
  auto event = verify_and_parse(req, check, now);
  // Logged, as a forged or replayed webhook is worth an operator's eye; the message never
  // holds a secret or the expected signature.
  if (!event)
    adapters::log(adapters::LogLevel::kWarn, "stripe_webhook.refused",
                  {{"error", std::string(error_name(event.error().code))},
                   {"message", event.error().message},
                   {"remote", req.remote_address}});
  return event;
}

}  // namespace settled::api
