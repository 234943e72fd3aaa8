#include "api/before_body.hpp"

#include "api/http_responses.hpp"
#include "api/webhook_routes.hpp"

#include <string>

namespace settled::api {

std::optional<adapters::HttpResponse> refusal_before_body(
    adapters::HttpRequest& req, const sfn::AwsAuthenticator& aws_header_authenticate) {
  const auto& segments = req.parsed_target.segments;
  if (segments.empty()) {
    // The route answers any other method 405: answered now, its body never read (needs_key
    // lets "/" through without a key, so nothing else would stop a keyless PUT's megabyte).
    if (req.method != "POST") return method_not_allowed(req, {"POST"});
    auto caller = aws_header_authenticate
                      ? aws_header_authenticate(req)
                      : Result<Caller, sfn::AwsError>(sfn::AwsError{
                            sfn::aws_errors::kInternal, "no authenticator is configured", 500});
    if (!caller) return sfn::aws_error_response(caller.error());
    // Only the body can verify the signature; in local-only mode there is nothing to verify.
    req.unverified_body = !caller->every_scope;
    return std::nullopt;
  }
  if (auto refused = webhook_body_refusal(req)) return refused;
  if (req.body_limit || !req.caller.identity.empty()) return std::nullopt;
  return error_response(ErrorCode::kInvalidRequest,
                        req.method_for_display() + " " + req.path_for_display() +
                            " takes no request body without an API key (the body was not read)");
}

}  // namespace settled::api
