#include "domain/veriff/veriff_signature.hpp"
#include "domain/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/algorithm/hex.hpp>

#include <array>
#include <cctype>
#include <iterator>
#include <optional>

namespace settled::veriff {

namespace {

constexpr std::size_t kDigestBytes = 32;
using Digest = std::array<unsigned char, kDigestBytes>;

Digest hmac(std::string_view payload, std::string_view secret) {
  Digest out{};
  unsigned int length = 0;
  HMAC(digest_method(DigestAlgorithm::kSha256), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), out.data(), &length);
  return out;
}

// The signature as lower-case hex, if it is 64 hex digits of either case.
std::optional<std::string> lower_hex(std::string_view hex) {
  if (hex.size() != kSignatureHexDigits) return std::nullopt;
  std::string out(hex);
  for (char& c : out) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::string hmac_sha256_hex(std::string_view payload, std::string_view secret) {
  const Digest digest = hmac(payload, secret);
  std::string out;
  boost::algorithm::hex_lower(digest.begin(), digest.end(), std::back_inserter(out));
  return out;
}

bool signature_matches(std::string_view signature, std::string_view payload,
                       const std::vector<std::string>& secrets) {
  const auto sent = lower_hex(signature);
  if (!sent) return false;
  bool matched = false;
  for (const auto& secret : secrets) {
    const std::string expected = hmac_sha256_hex(payload, secret);
    matched |= CRYPTO_memcmp(expected.data(), sent->data(), kSignatureHexDigits) == 0;
  }
  return matched;
}

}  // namespace settled::veriff
