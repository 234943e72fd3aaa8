#pragma once
// API keys for /v1: clients send `Authorization: Bearer <key>`; the config holds only the
// SHA-256 hex of each key, so a leaked config file does not leak the keys. Each key names an
// identity and the scopes it grants (docs/identities.md):
//   <sha256hex>                                  identity key-<first 8 hex>, no scope
//   <identity>:<scope>[,<scope>...]:<sha256hex>  that identity, those scopes (may be none:
//                                                <identity>::<sha256hex>)
// The caller the key names is set on the request (HttpRequest::caller) for the routes.

#include "adapters/http/http_message.hpp"
#include "domain/caller.hpp"
#include "domain/digest.hpp"
#include "domain/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace settled::adapters {

// Keys are stored as the lower-case hex SHA-256 of the key (domain/digest.hpp).
using settled::sha256_hex;

// One configured key: its hash (lower case) and the caller it names.
struct ApiKeyEntry {
  std::string hash;
  Caller caller;
};

class ApiKeys {
 public:
  // `entries`: api-key-hashes as configured (checked by parse_entry first; one that does not
  // parse is skipped). Empty: every request is let through as Caller::local() (local-only mode;
  // the daemon refuses that on a non-loopback address).
  explicit ApiKeys(const std::vector<std::string>& entries);

  bool enabled() const { return !keys_.empty(); }
  // The caller of `authorization` ("Bearer <key>" with a configured key), or none.
  std::optional<Caller> caller_of(std::string_view authorization) const;
  bool accepts(std::string_view authorization) const {
    return caller_of(authorization).has_value();
  }
  // A well-formed configured hash: 64 hex digits.
  static bool valid_hash(std::string_view hash);
  // One api-key-hashes entry, or InvalidRequest saying what is wrong with it.
  static Result<ApiKeyEntry> parse_entry(std::string_view entry);
  // Every entry parses, and no two name the same key or the same identity; "" when they do,
  // otherwise what is wrong (for the start-up error).
  static std::string check_entries(const std::vector<std::string>& entries);

 private:
  std::unordered_map<std::string, Caller> keys_;  // hash -> caller
};

// Whether a Host header names this daemon in local-only mode: "localhost" (any case) or a
// loopback IP literal (127.0.0.0/8, [::1]), with or without a port. Without keys the daemon
// listens on nothing else (config.cpp), so its own listen address is one of these. A page whose
// DNS name an attacker rebound to 127.0.0.1 is same-origin with it, so its browser sends neither
// Origin nor Sec-Fetch-Site on a GET, but it does send that name as the Host.
bool host_names_loopback(std::string_view host);
// The Hosts local clients send ("localhost", "127.0.0.1" or "[::1]", each with or without a
// port), which host_names_loopback accepts by comparing text, before it parses any other.
bool is_common_loopback_host(std::string_view host);

// Wraps the API's handler: /v1/... needs a key (401 Unauthorized JSON otherwise), except the
// Stripe simulator's read-only list and POST /v1/webhooks/stripe (signed instead); /healthz and
// everything outside /v1 stay open. Sets HttpRequest::caller: the key's caller, none without a
// key, Caller::local() in local-only mode. In local-only mode it refuses (403 Forbidden) what a
// web page may make a browser send: an Origin or Sec-Fetch-Site header, or a Host other than
// localhost or a loopback address (DNS rebinding).
HttpHandler require_api_key(ApiKeys keys, HttpHandler inner);
// The same refusals on a request's headers alone (HttpServerOptions::before_body), so that a
// request without a valid key is answered before its body is read.
HttpHeaderCheck api_key_header_check(ApiKeys keys);

}  // namespace settled::adapters
