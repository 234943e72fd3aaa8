#pragma once
// SHA-256 as lower-case hex: API key hashes (adapters/http/api_keys) and state machine definition
// versions (state_machine_versions) both name things by it. And OpenSSL's digest methods, fetched
// once for every caller.

#include <openssl/types.h>

#include <string>
#include <string_view>

namespace settled {

enum class DigestAlgorithm { kMd5, kSha1, kSha256, kSha384, kSha512 };

// The algorithm's method, fetched from OpenSSL's default provider once and shared read-only by
// every thread. EVP_sha256() and its kin make every EVP_Digest or HMAC call look the algorithm
// up again (OpenSSL 3's implicit fetch: a lock and a table lookup, most of a short digest's
// time, and contended between threads).
const EVP_MD* digest_method(DigestAlgorithm algorithm);

std::string sha256_hex(std::string_view text);

}  // namespace settled
