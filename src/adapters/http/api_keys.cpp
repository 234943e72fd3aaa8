#include "adapters/http/api_keys.hpp"

#include "domain/error.hpp"

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>

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
  return !(req.method == "GET" && segments.size() >= 2 && segments[1] == "simulator");
}

}  // namespace

ApiKeys::ApiKeys(const std::vector<std::string>& hashes) {
  for (const auto& h : hashes) hashes_.insert(boost::algorithm::to_lower_copy(h));
}

bool ApiKeys::valid_hash(std::string_view hash) {
  if (hash.size() != 64) return false;
  for (char c : hash)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

bool ApiKeys::accepts(std::string_view authorization) const {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() <= kScheme.size() ||
      !boost::algorithm::iequals(authorization.substr(0, kScheme.size()), kScheme))
    return false;
  // Comparing hashes, not keys: the lookup's timing tells nothing about the key.
  return hashes_.count(sha256_hex(authorization.substr(kScheme.size()))) > 0;
}

HttpHandler require_api_key(ApiKeys keys, HttpHandler inner) {
  if (!keys.enabled()) return inner;
  return
      [keys = std::move(keys), inner = std::move(inner)](HttpRequest req, HttpResponder respond) {
        if (needs_key(req) && !keys.accepts(req.authorization)) {
          const Error error{ErrorCode::kUnauthorized,
                            req.authorization.empty()
                                ? "missing API key: send \"Authorization: Bearer <key>\""
                                : "the API key is not valid"};
          return respond(HttpResponse{401,
                                      boost::json::serialize(to_json(error)),
                                      "application/json",
                                      {{"WWW-Authenticate", "Bearer"}}});
        }
        inner(std::move(req), std::move(respond));
      };
}

}  // namespace settled::adapters
