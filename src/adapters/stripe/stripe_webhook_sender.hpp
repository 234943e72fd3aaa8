#pragma once
// Sends the Stripe simulator's events to a webhook endpoint as Stripe does: a POST of the event's
// JSON with a Stripe-Signature header ("t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">") under
// the endpoint's signing secret (docs/stripe-simulator.md "Webhooks"). Blocking, with a deadline:
// its caller runs it on a thread of its own.

#include "adapters/ops/webhook_client.hpp"
#include "domain/result.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace settled::adapters::stripe {

// The Stripe-Signature header for `body` signed at `timestamp` (epoch seconds) with `secret`.
std::string stripe_signature_header(std::int64_t timestamp, const std::string& body,
                                    const std::string& secret);

class StripeWebhookSender {
 public:
  // `url`: the endpoint (http[s]://host:port/v1/webhooks/stripe); `secret`: its whsec_... secret.
  static Result<StripeWebhookSender> create(const std::string& url, std::string secret);

  // Ok when the endpoint answered 2xx; otherwise what happened (a status, a timeout, refused).
  Status send(const std::string& event_body, std::int64_t now_seconds,
              std::chrono::milliseconds timeout) const;

 private:
  StripeWebhookSender(WebhookClient client, std::string secret)
      : client_(std::move(client)), secret_(std::move(secret)) {}
  WebhookClient client_;
  std::string secret_;
};

}  // namespace settled::adapters::stripe
