#pragma once
// POST /v1/webhooks/veriff, up to the events actor (docs/veriff.md "Webhooks in"): the request is
// refused unless exactly one X-HMAC-SIGNATURE header carries the hex HMAC-SHA256 of its raw body
// under a configured shared secret, and the body is a Veriff decision; nothing is stored on a
// refusal.

#include "adapters/http/http_message.hpp"
#include "domain/result.hpp"
#include "domain/time.hpp"
#include "domain/veriff/decision.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace settled::api {

// Veriff's decisions are a few KiB; a larger body is refused (413) before any HMAC.
inline constexpr std::size_t kMaxVeriffWebhookBodyBytes = 256 * 1024;

// The verified decision, or the refusal: NotFound when no secret is configured, PayloadTooLarge,
// Unauthorized (a missing, repeated, malformed or wrong X-HMAC-SIGNATURE), InvalidJson or
// InvalidRequest (a signed body that is not a Veriff decision).
Result<veriff::VeriffDecision> read_veriff_webhook(const adapters::HttpRequest& req,
                                                   const std::vector<std::string>& secrets,
                                                   EpochMillis now);

}  // namespace settled::api
