#pragma once
// Veriff's X-HMAC-SIGNATURE computed in tests with OpenSSL's HMAC directly (not settled's code):
// the lower-case hex HMAC-SHA256 of the body keyed with the shared secret.

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

namespace settled::testing {

inline std::string veriff_signature(const std::string& body, const std::string& secret) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

}  // namespace settled::testing
