#pragma once
// settled's own signed webhooks (the notification webhook, the alert webhook): the body POSTed
// with a Settled-Signature header built exactly as Stripe signs its webhooks —
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>" — by Stripe's own code here
// (adapters/stripe/webhook_signature), so a receiver verifies it as it would Stripe's
// (docs/notifications.md "Verifying the signature").

#include "adapters/ops/webhook_client.hpp"
#include "domain/result.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace settled::adapters {

inline constexpr const char* kSignatureHeader = "Settled-Signature";

// The Settled-Signature value for `body` signed at `timestamp` (epoch seconds) with `secret`.
std::string settled_signature(std::int64_t timestamp, const std::string& body,
                              const std::string& secret);

// POSTs `body` through `client` with `headers`, and Settled-Signature when `secret` is not
// empty. Ok on a 2xx answer; otherwise what happened. Blocking, with the deadline `timeout`.
Status post_signed(const WebhookClient& client, const std::string& body, const std::string& secret,
                   std::int64_t now_seconds, std::chrono::milliseconds timeout,
                   std::vector<std::pair<std::string, std::string>> headers = {});

}  // namespace settled::adapters
