#include "adapters/veriff/veriff_webhook_sender.hpp"

#include "domain/veriff/veriff_signature.hpp"

namespace settled::adapters::veriff {

Result<VeriffWebhookSender> VeriffWebhookSender::create(const std::string& url, std::string api_key,
                                                        std::string secret) {
  auto client = WebhookClient::create(url);
  if (!client) return client.error();
  return VeriffWebhookSender(std::move(*client), std::move(api_key), std::move(secret));
}

Status VeriffWebhookSender::send(const std::string& body, std::chrono::milliseconds timeout) const {
  return client_.post_json(body, timeout,
                           {{"X-AUTH-CLIENT", api_key_},
                            {"X-HMAC-SIGNATURE", settled::veriff::hmac_sha256_hex(body, secret_)}});
}

}  // namespace settled::adapters::veriff
