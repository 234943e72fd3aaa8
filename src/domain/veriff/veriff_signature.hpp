#pragma once
// Veriff's request and webhook signature (X-HMAC-SIGNATURE): the lower-case hex HMAC-SHA256,
// keyed with the integration's shared secret, of the request body (POST, PATCH, webhooks) or of
// the session id (GET, DELETE). docs/veriff.md, "Signatures".

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace settled::veriff {

// A header longer than this is not a signature (64 hex digits): it matches nothing.
inline constexpr std::size_t kSignatureHexDigits = 64;

// Lower-case hex HMAC-SHA256 of `payload` keyed with `secret`.
std::string hmac_sha256_hex(std::string_view payload, std::string_view secret);

// True when `signature` (64 hex digits, either case) is the HMAC of `payload` under one of
// `secrets` (several while one is rotated). Every secret is compared, in constant time
// (CRYPTO_memcmp), without stopping at the first match; a malformed signature matches nothing.
bool signature_matches(std::string_view signature, std::string_view payload,
                       const std::vector<std::string>& secrets);

}  // namespace settled::veriff
