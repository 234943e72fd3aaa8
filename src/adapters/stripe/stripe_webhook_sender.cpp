#include "adapters/stripe/stripe_webhook_sender.hpp"

#include "adapters/stripe/webhook_signature.hpp"

namespace settled::adapters::stripe {

std::string stripe_signature_header(std::int64_t timestamp, const std::string& body,
                                    const std::string& secret) {
  return "t=" + std::to_string(timestamp) + ",v1=" + compute_signature(timestamp, body, secret);
}

Result<StripeWebhookSender> StripeWebhookSender::create(const std::string& url,
                                                        std::string secret) {
  auto client = WebhookClient::create(url);
  if (!client) return client.error();
  return StripeWebhookSender(std::move(*client), std::move(secret));
}

Status StripeWebhookSender::send(const std::string& event_body, std::int64_t now_seconds,
                                 std::chrono::milliseconds timeout) const {
  return client_.post_json(
      event_body, timeout,
      {{"Stripe-Signature", stripe_signature_header(now_seconds, event_body, secret_)}});
}

}  // namespace settled::adapters::stripe
