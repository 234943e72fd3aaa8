#pragma once
// API keys for /v1: clients send `Authorization: Bearer <key>`; the config holds only the
// SHA-256 hex of each key, so a leaked config file does not leak the keys.

#include "adapters/http/http_message.hpp"
#include "domain/digest.hpp"

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace settled::adapters {

// Keys are stored as the lower-case hex SHA-256 of the key (domain/digest.hpp).
using settled::sha256_hex;

class ApiKeys {
 public:
  // `hashes`: SHA-256 hex digests (any case). Empty: every request is let through (local-only
  // mode; the daemon refuses that on a non-loopback address).
  explicit ApiKeys(const std::vector<std::string>& hashes);

  bool enabled() const { return !hashes_.empty(); }
  // True if `authorization` is "Bearer <key>" with a key whose hash is configured.
  bool accepts(std::string_view authorization) const;
  // A well-formed configured hash: 64 hex digits.
  static bool valid_hash(std::string_view hash);

 private:
  std::unordered_set<std::string> hashes_;
};

// Wraps the API's handler: /v1/... needs a key (401 Unauthorized JSON otherwise), except the
// Stripe simulator's read-only list and POST /v1/webhooks/stripe (signed instead); /healthz and
// everything outside /v1 stay open.
HttpHandler require_api_key(ApiKeys keys, HttpHandler inner);

}  // namespace settled::adapters
