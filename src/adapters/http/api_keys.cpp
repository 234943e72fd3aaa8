#include "adapters/http/api_keys.hpp"

#include "domain/error.hpp"

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>
#include <boost/url/authority_view.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace settled::adapters {

namespace {

// /v1 and everything under it, but the simulators' read-only lists and Stripe's and Veriff's
// webhook POSTs (they cannot send our key: their signatures authenticate them,
// api/stripe_webhook.hpp, api/veriff_webhook.hpp).
// Reads the segments the session parsed: the same ones the router dispatches on.
bool needs_key(const HttpRequest& req) {
  const auto& segments = req.parsed_target.segments;
  if (segments.empty() || segments[0] != "v1") return false;
  if (req.method == "POST" && segments.size() == 3 && segments[1] == "webhooks" &&
      (segments[2] == "stripe" || segments[2] == "veriff"))
    return false;
  // The simulator's lists are open; what changes it (completing an onboarding) is not.
  return !(req.is_get_or_head() && segments.size() >= 2 && segments[1] == "simulator");
}

bool identity_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

bool valid_word(std::string_view word, std::size_t max) {
  if (word.empty() || word.size() > max) return false;
  return std::all_of(word.begin(), word.end(), identity_char);
}

Error bad_entry(std::string_view entry, const std::string& why) {
  // The hash is not secret, but an entry may be a key pasted by mistake: show only its start.
  const std::string shown =
      entry.size() > 16 ? std::string(entry.substr(0, 16)) + "..." : std::string(entry);
  return Error{ErrorCode::kInvalidRequest, "\"" + shown + "\": " + why};
}

}  // namespace

ApiKeys::ApiKeys(const std::vector<std::string>& entries) {
  for (const auto& e : entries)
    if (auto parsed = parse_entry(e)) keys_.emplace(parsed->hash, std::move(parsed->caller));
}

bool ApiKeys::valid_hash(std::string_view hash) {
  if (hash.size() != 64) return false;
  for (char c : hash)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

Result<ApiKeyEntry> ApiKeys::parse_entry(std::string_view entry) {
  constexpr const char* kForm =
      "an entry is <sha256hex> or <identity>:<scope>[,<scope>...]:<sha256hex>";
  const auto first = entry.find(':');
  ApiKeyEntry out;
  if (first == std::string_view::npos) {
    if (!valid_hash(entry))
      return bad_entry(entry, std::string("not the 64 hex digits of a SHA-256; ") + kForm);
    out.hash = boost::algorithm::to_lower_copy(std::string(entry));
    out.caller.identity = "key-" + out.hash.substr(0, 8);
    return out;
  }
  const auto second = entry.find(':', first + 1);
  if (second == std::string_view::npos || entry.find(':', second + 1) != std::string_view::npos)
    return bad_entry(entry, std::string("expected exactly two ':'; ") + kForm);
  const std::string_view identity = entry.substr(0, first);
  const std::string_view scopes = entry.substr(first + 1, second - first - 1);
  const std::string_view hash = entry.substr(second + 1);
  if (!valid_word(identity, 64))
    return bad_entry(entry, "the identity must be 1-64 letters, digits, '-', '_' or '.'");
  if (identity == "local" || identity == "operator")
    return bad_entry(entry, "the identity \"" + std::string(identity) +
                                "\" is reserved (local-only mode, the admin socket)");
  if (!valid_hash(hash))
    return bad_entry(entry, "the part after the second ':' must be the 64 hex digits of a SHA-256");
  out.caller.identity = std::string(identity);
  std::size_t at = 0;
  while (!scopes.empty() && at <= scopes.size()) {
    const auto comma = std::min(scopes.find(',', at), scopes.size());
    const std::string_view scope = scopes.substr(at, comma - at);
    if (!valid_word(scope, 64))
      return bad_entry(entry, "each scope must be 1-64 letters, digits, '-', '_' or '.' (got \"" +
                                  std::string(scope) + "\")");
    out.caller.scopes.emplace_back(scope);
    at = comma + 1;
  }
  out.hash = boost::algorithm::to_lower_copy(std::string(hash));
  return out;
}

std::string ApiKeys::check_entries(const std::vector<std::string>& entries) {
  std::unordered_map<std::string, std::string> hashes, identities;
  for (const auto& e : entries) {
    auto parsed = parse_entry(e);
    if (!parsed) return parsed.error().message;
    if (!hashes.emplace(parsed->hash, parsed->caller.identity).second)
      return "\"" + parsed->caller.identity + "\": the same key is configured twice";
    if (!identities.emplace(parsed->caller.identity, parsed->hash).second)
      return "the identity \"" + parsed->caller.identity + "\" is given to two keys";
  }
  return "";
}

std::optional<Caller> ApiKeys::caller_of(std::string_view authorization) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() ||
      !boost::algorithm::iequals(authorization.substr(0, kScheme.size()), kScheme))
    return std::nullopt;
  // Comparing hashes, not keys: the lookup's timing tells nothing about the key.
  const auto it = keys_.find(sha256_hex(authorization.substr(kScheme.size())));
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

namespace {

// Whether a web browser sent `req` for a page, which in local-only mode may be any site's: a
// browser sends Origin with every cross-origin request and every POST or PUT (also to the
// attacker's own name rebound to 127.0.0.1), and Sec-Fetch-Site to loopback addresses; "none"
// is a URL the user typed. curl, the SDKs and settled's own clients send neither.
bool sent_for_a_web_page(const HttpRequest& req) {
  if (req.header("origin")) return true;
  const auto site = req.header("sec-fetch-site");
  return site && !boost::algorithm::iequals(*site, "none");
}

bool all_digits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

HttpResponse forbidden(std::string message) {
  return HttpResponse{403,
                      boost::json::serialize(to_json(Error{ErrorCode::kForbidden, message})),
                      "application/json",
                      {}};
}

}  // namespace

bool is_common_loopback_host(std::string_view host) {
  for (const std::string_view name : {"localhost", "127.0.0.1", "[::1]"}) {
    if (host.substr(0, name.size()) != name) continue;
    const std::string_view port = host.substr(name.size());
    // Boost.URL's port is any run of digits, none included ("localhost:").
    return port.empty() || (port[0] == ':' && all_digits(port.substr(1)));
  }
  return false;
}

bool host_names_loopback(std::string_view host) {
  // The Host a local client sends varies only by its port: recognised without a parse.
  if (is_common_loopback_host(host)) return true;
  const auto authority = boost::urls::parse_authority(host);
  if (!authority || authority->has_userinfo()) return false;
  switch (authority->host_type()) {
    case boost::urls::host_type::ipv4:
      return authority->host_ipv4_address().is_loopback();
    case boost::urls::host_type::ipv6:
      return authority->host_ipv6_address().is_loopback();
    case boost::urls::host_type::name:
      return boost::algorithm::iequals(authority->encoded_host(), "localhost");
    default:
      return false;
  }
}

namespace {

// What require_api_key answers instead of the route, or none; sets req.caller.
std::optional<HttpResponse> refusal_of(const ApiKeys& keys, HttpRequest& req) {
  if (!keys.enabled()) {
    // The loopback address alone does not keep out a page the user's browser loads: a
    // "simple" cross-site POST (text/plain, no preflight) would run with every scope.
    if (sent_for_a_web_page(req))
      return forbidden(
          "local-only mode (no api-key-hashes) refuses requests a web browser sends for a page "
          "(Origin or Sec-Fetch-Site header): any site could send them; configure "
          "api-key-hashes to call settled from a browser");
    // No Host at all is HTTP/1.0 (the session refuses HTTP/1.1 without one): no browser.
    if (const auto host = req.header("host"); host && !host_names_loopback(*host))
      return forbidden(
          "local-only mode (no api-key-hashes) answers only requests for localhost or a "
          "loopback address, not Host \"" +
          std::string(host->substr(0, 100)) +
          "\": a web page whose name was rebound to 127.0.0.1 would send its own; configure "
          "api-key-hashes to reach settled by another name");
    req.caller = Caller::local();
    return std::nullopt;
  }
  auto caller = keys.caller_of(req.authorization);
  req.caller = caller ? std::move(*caller) : Caller{};
  if (!needs_key(req) || caller) return std::nullopt;
  const Error error{ErrorCode::kUnauthorized, req.authorization.empty()
                                                  ? "missing API key: send \"Authorization: "
                                                    "Bearer <key>\""
                                                  : "the API key is not valid"};
  return HttpResponse{401,
                      boost::json::serialize(to_json(error)),
                      "application/json",
                      {{"WWW-Authenticate", "Bearer"}}};
}

}  // namespace

HttpHandler require_api_key(ApiKeys keys, HttpHandler inner) {
  return
      [keys = std::move(keys), inner = std::move(inner)](HttpRequest req, HttpResponder respond) {
        if (auto refused = refusal_of(keys, req)) return respond(std::move(*refused));
        inner(std::move(req), std::move(respond));
      };
}

HttpHeaderCheck api_key_header_check(ApiKeys keys) {
  return [keys = std::move(keys)](HttpRequest& req) { return refusal_of(keys, req); };
}

}  // namespace settled::adapters
