#include "api/veriff_webhook.hpp"

#include "adapters/ops/log.hpp"
#include "domain/veriff/veriff_signature.hpp"

#include <algorithm>

namespace settled::api {

namespace {

Result<veriff::VeriffDecision> verify_and_parse(const adapters::HttpRequest& req,
                                                const std::vector<std::string>& secrets,
                                                EpochMillis now) {
  if (secrets.empty())
    return Error{ErrorCode::kNotFound,
                 "Veriff webhooks are not configured: set veriff-shared-secrets"};
  if (req.body.size() > kMaxVeriffWebhookBodyBytes)
    return Error{ErrorCode::kPayloadTooLarge, "a Veriff webhook body is at most " +
                                                  std::to_string(kMaxVeriffWebhookBodyBytes) +
                                                  " bytes"};
  const auto signatures = std::count_if(req.headers.begin(), req.headers.end(), [](const auto& h) {
    return h.first == "x-hmac-signature";
  });
  if (signatures == 0)
    return Error{ErrorCode::kUnauthorized, "the X-HMAC-SIGNATURE header is missing"};
  if (signatures > 1)
    return Error{ErrorCode::kUnauthorized, "send the X-HMAC-SIGNATURE header once"};
  // Over the raw bytes as received: JSON parsed and re-serialised would not match.
  if (!veriff::signature_matches(*req.header("x-hmac-signature"), req.body, secrets))
    return Error{ErrorCode::kUnauthorized,
                 "X-HMAC-SIGNATURE is not the HMAC-SHA256 of the body under a configured secret"};
  return veriff::parse_decision(req.body, now);
}

}  // namespace

Result<veriff::VeriffDecision> read_veriff_webhook(const adapters::HttpRequest& req,
                                                   const std::vector<std::string>& secrets,
                                                   EpochMillis now) {
  auto decision = verify_and_parse(req, secrets, now);
  // Logged, as a forged webhook is worth an operator's eye; never a secret or the expected HMAC.
  if (!decision)
    adapters::log(adapters::LogLevel::kWarn, "veriff_webhook.refused",
                  {{"error", std::string(error_name(decision.error().code))},
                   {"message", decision.error().message},
                   {"remote", req.remote_address}});
  return decision;
}

}  // namespace settled::api
