#include "adapters/stripe/webhook_signature.hpp"
#include "domain/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/algorithm/hex.hpp>

#include <array>
#include <cstdlib>
#include <iterator>
#include <optional>

namespace settled::adapters::stripe {

namespace {

constexpr std::size_t kDigestBytes = 32;  // SHA-256
using Digest = std::array<unsigned char, kDigestBytes>;

Error bad(std::string message) {
  return Error{ErrorCode::kBadSignature, std::move(message)};
}

// A v1 that is not 64 hex digits can match nothing: it is skipped, as Stripe's libraries do.
std::optional<Digest> decode_hex_digest(std::string_view hex) {
  if (hex.size() != 2 * kDigestBytes) return std::nullopt;
  Digest out{};
  try {
    boost::algorithm::unhex(hex.begin(), hex.end(), out.begin());
  } catch (const boost::algorithm::hex_decode_error&) {
    return std::nullopt;
  }
  return out;
}

Digest hmac_sha256(std::int64_t timestamp, std::string_view payload, std::string_view secret) {
  const std::string signed_payload = std::to_string(timestamp) + "." + std::string(payload);
  Digest out{};
  unsigned int length = 0;
  HMAC(digest_method(DigestAlgorithm::kSha256), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_payload.data()), signed_payload.size(),
       out.data(), &length);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<SignatureHeader> parse_signature_header(std::string_view header) {
  if (header.size() > kMaxSignatureHeaderBytes)
    return bad("the Stripe-Signature header is longer than " +
               std::to_string(kMaxSignatureHeaderBytes) + " bytes");
  SignatureHeader out;
  bool have_timestamp = false;
  std::size_t v1_seen = 0;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    const std::string_view element = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    const std::size_t eq = element.find('=');
    if (eq == std::string_view::npos)
      return bad("the Stripe-Signature header is not a list of key=value pairs");
    const std::string_view key = element.substr(0, eq), value = element.substr(eq + 1);
    if (key == "t") {
      if (have_timestamp) return bad("the Stripe-Signature header has more than one t=");
      if (value.empty() || value.size() > 18)
        return bad("the Stripe-Signature header's t= is not a timestamp");
      std::int64_t t = 0;
      for (char c : value) {
        if (c < '0' || c > '9') return bad("the Stripe-Signature header's t= is not a timestamp");
        t = t * 10 + (c - '0');
      }
      out.timestamp = t;
      have_timestamp = true;
    } else if (key == "v1") {
      if (++v1_seen > kMaxSignatures)
        return bad("the Stripe-Signature header has more than " + std::to_string(kMaxSignatures) +
                   " v1 signatures");
      out.v1.emplace_back(value);
    }
    // Any other scheme (v0, a future one) is ignored, as Stripe says.
  }
  if (!have_timestamp) return bad("the Stripe-Signature header has no timestamp (t=)");
  if (out.v1.empty()) return bad("the Stripe-Signature header has no v1 signature");
  return out;
}

std::string compute_signature(std::int64_t timestamp, std::string_view payload,
                              std::string_view secret) {
  const Digest digest = hmac_sha256(timestamp, payload, secret);
  std::string out;
  boost::algorithm::hex_lower(digest.begin(), digest.end(), std::back_inserter(out));
  return out;
}

Status verify_signature(std::string_view header, std::string_view payload,
                        const SignatureCheck& check, std::int64_t now_seconds) {
  if (check.secrets.empty()) return bad("no webhook signing secret is configured");
  auto parsed = parse_signature_header(header);
  if (!parsed) return parsed.error();
  std::vector<Digest> sent;
  for (const auto& hex : parsed->v1)
    if (auto digest = decode_hex_digest(hex)) sent.push_back(*digest);
  // Every secret against every signature, without stopping early: the time taken does not say
  // which one matched.
  int matched = 0;
  for (const auto& secret : check.secrets) {
    const Digest expected = hmac_sha256(parsed->timestamp, payload, secret);
    for (const auto& digest : sent)
      matched |= CRYPTO_memcmp(expected.data(), digest.data(), kDigestBytes) == 0;
  }
  if (!matched) return bad("no v1 signature matches the body under the configured signing secrets");
  if (std::llabs(now_seconds - parsed->timestamp) > check.tolerance_seconds)
    return bad("the signature's timestamp is more than " + std::to_string(check.tolerance_seconds) +
               " seconds from now (a replay, or a clock "
               "that is off)");
  return ok_status();
}

}  // namespace settled::adapters::stripe
