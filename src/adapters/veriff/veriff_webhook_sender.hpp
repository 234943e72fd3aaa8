#pragma once
// Sends the Veriff simulator's decisions to a webhook endpoint as Veriff does: a POST of the
// decision's JSON with X-AUTH-CLIENT (the integration's API key) and X-HMAC-SIGNATURE (hex
// HMAC-SHA256 of the body under the shared secret). Blocking, with a deadline: its caller runs it
// on a thread of its own (docs/veriff.md "The simulator").

#include "adapters/ops/webhook_client.hpp"
#include "domain/result.hpp"

#include <chrono>
#include <string>

namespace settled::adapters::veriff {

class VeriffWebhookSender {
 public:
  // `url`: the endpoint (http[s]://host:port/v1/webhooks/veriff).
  static Result<VeriffWebhookSender> create(const std::string& url, std::string api_key,
                                            std::string secret);

  // Ok when the endpoint answered 2xx; otherwise what happened (a status, a timeout, refused).
  Status send(const std::string& body, std::chrono::milliseconds timeout) const;

 private:
  VeriffWebhookSender(WebhookClient client, std::string api_key, std::string secret)
      : client_(std::move(client)), api_key_(std::move(api_key)), secret_(std::move(secret)) {}
  WebhookClient client_;
  std::string api_key_;
  std::string secret_;
};

}  // namespace settled::adapters::veriff
