#pragma once
// Stripe's webhook signature (the Stripe-Signature header), checked as Stripe specifies: the
// header is comma-separated key=value pairs; "t" is the signing time (epoch seconds), each "v1"
// a hex HMAC-SHA256, keyed with the endpoint's signing secret, of "<t>.<raw body>"; other
// schemes (v0) are ignored. The body must be the bytes as received: JSON re-serialised would not
// match. A signature is good if any v1 matches under any configured secret (several during a
// secret's rotation; Stripe then sends one v1 per secret), compared in constant time, and t is
// within the tolerance of now, either way (an old signature is a replay, one from the future a
// wrong clock or a forgery).

#include "domain/result.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace settled::adapters::stripe {

// Bounds on what is parsed: Stripe's header is a timestamp and one v1 per active secret.
inline constexpr std::size_t kMaxSignatureHeaderBytes = 4096;
inline constexpr std::size_t kMaxSignatures = 16;

struct SignatureHeader {
  std::int64_t timestamp = 0;   // t=, epoch seconds
  std::vector<std::string> v1;  // each v1= as sent (hex, not yet checked)
};

// BadSignature naming the problem: over kMaxSignatureHeaderBytes, an element without '=', no or
// several t, a t that is not decimal digits, no v1, more than kMaxSignatures v1.
Result<SignatureHeader> parse_signature_header(std::string_view header);

// Lower-case hex HMAC-SHA256 of "<timestamp>.<payload>" keyed with `secret` (what v1 carries).
std::string compute_signature(std::int64_t timestamp, std::string_view payload,
                              std::string_view secret);

struct SignatureCheck {
  std::vector<std::string> secrets;      // whsec_... as Stripe shows them, the whole string
  std::int64_t tolerance_seconds = 300;  // Stripe's default
};

// Ok when `header` signs `payload` under one of the secrets within the tolerance of
// `now_seconds`; otherwise BadSignature saying which check failed (never which secret or the
// expected signature).
Status verify_signature(std::string_view header, std::string_view payload,
                        const SignatureCheck& check, std::int64_t now_seconds);

}  // namespace settled::adapters::stripe
