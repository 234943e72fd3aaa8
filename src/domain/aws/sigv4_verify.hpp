#pragma once
// AWS Signature Version 4 verification of one request (docs/aws-auth.md): the Authorization
// header's form, the request time within the clock-skew window, the credential scope (day,
// region, service "states"), `host` among the signed headers, x-amz-content-sha256 (when sent)
// against the body, and the signature, recomputed under the access key's secret and compared
// in constant time. On success, the settled caller the access key names.
//
// Refusals carry the AWS error name an SDK expects in "__type" (all HTTP 400, as Step
// Functions' JSON 1.0 protocol answers them) and AWS's wording of the message.

#include "domain/aws/access_keys.hpp"
#include "domain/aws/sigv4_canonical.hpp"
#include "domain/caller.hpp"
#include "domain/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace settled::aws {

// Bounds on what is parsed from a request.
inline constexpr std::size_t kMaxAuthorizationBytes = 4096;
inline constexpr std::size_t kMaxSignedHeaders = 64;
inline constexpr std::size_t kMaxSignedHeaderNameBytes = 128;
inline constexpr std::size_t kMaxTargetBytes = 8192;
inline constexpr std::size_t kMaxQueryParameters = 256;
// AWS's clock-skew rule: a request signed more than 5 minutes from now, either way, is refused.
inline constexpr std::int64_t kMaxClockSkewSeconds = 300;

enum class SigV4Failure {
  // No Authorization header at all: MissingAuthenticationTokenException, "Missing
  // Authentication Token" (what AWS answers an unsigned request).
  kMissingAuthenticationToken,
  // Unknown access key id, or a session token (x-amz-security-token: settled has no STS):
  // UnrecognizedClientException, "The security token included in the request is invalid."
  kUnrecognizedClient,
  // The Authorization header lacks a part, or is not AWS4-HMAC-SHA256 key=value pairs:
  // IncompleteSignatureException.
  kIncompleteSignature,
  // Well formed but wrong: the signature, the scope, the time window:
  // InvalidSignatureException.
  kInvalidSignature,
};

// "MissingAuthenticationTokenException", "UnrecognizedClientException",
// "IncompleteSignatureException", "InvalidSignatureException".
std::string_view aws_error_name(SigV4Failure failure);
// The HTTP status AWS answers with: 400 for each (Step Functions' JSON 1.0 protocol).
unsigned http_status(SigV4Failure failure);

struct SigV4Error {
  SigV4Failure failure = SigV4Failure::kInvalidSignature;
  std::string message;  // AWS's wording; never a secret or the expected signature

  SigV4Error() = default;
  SigV4Error(SigV4Failure f, std::string m) : failure(f), message(std::move(m)) {}
};

struct SigV4Settings {
  std::string region = "us-east-1";  // the daemon's configured region (aws-region)
  std::string service = "states";    // Step Functions' signing name
  std::int64_t max_skew_seconds = kMaxClockSkewSeconds;
};

// One request as received:
//   method  "POST", ...
//   target  the raw request target, path and query as on the request line ("/" or
//           "/path?a=1"): its path is normalised and encoded once more (non-S3 services), its
//           query canonicalised
//   headers every header in the order received (names in any case; repeated names kept)
//   body    the raw body bytes
//   now     the current time, seconds since the epoch (the wall clock, not a simulated one)
Result<Caller, SigV4Error> verify_sigv4(std::string_view method, std::string_view target,
                                        const HeaderList& headers, std::string_view body,
                                        const AccessKeys& keys, const SigV4Settings& settings,
                                        std::int64_t now);

// verify_sigv4's checks that need no body (all but x-amz-content-sha256 and the signature):
// the caller the headers claim to be, or the refusal verify_sigv4 would give first. Run on a
// request's headers before its body is read, so that an unsigned or unknown-key POST never
// holds a body's worth of memory; never a substitute for verify_sigv4.
Result<Caller, SigV4Error> check_sigv4_header(const HeaderList& headers, const AccessKeys& keys,
                                              const SigV4Settings& settings, std::int64_t now);

// "yyyymmddThhmmssZ" -> seconds since the epoch; false when it is not that form or not a real
// date and time.
bool parse_amz_date(std::string_view text, std::int64_t& seconds);
// RFC 7231's IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") -> seconds since the epoch.
bool parse_http_date(std::string_view text, std::int64_t& seconds);
// Seconds since the epoch -> "yyyymmddThhmmssZ".
std::string format_amz_date(std::int64_t seconds);

}  // namespace settled::aws
