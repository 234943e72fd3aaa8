#pragma once
// Stripe's webhook signature, computed in tests with OpenSSL's HMAC directly (not settled's code):
// "t=<t>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>".

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <string>

namespace settled::testing {

inline std::string sign_stripe_webhook(const std::string& body, const std::string& secret,
                                       std::int64_t t) {
  const std::string payload = std::to_string(t) + "." + body;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), digest, &length);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return "t=" + std::to_string(t) + ",v1=" + hex;
}

}  // namespace settled::testing
