#include "adapters/ops/signed_webhook.hpp"

#include "adapters/stripe/stripe_webhook_sender.hpp"

namespace settled::adapters {

std::string settled_signature(std::int64_t timestamp, const std::string& body,
                              const std::string& secret) {
  return stripe::stripe_signature_header(timestamp, body, secret);
}

Status post_signed(const WebhookClient& client, const std::string& body, const std::string& secret,
                   std::int64_t now_seconds, std::chrono::milliseconds timeout,
                   std::vector<std::pair<std::string, std::string>> headers) {
  if (!secret.empty())
    headers.emplace_back(kSignatureHeader, settled_signature(now_seconds, body, secret));
  return client.post_json(body, timeout, headers);
}

}  // namespace settled::adapters
