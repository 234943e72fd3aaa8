#pragma once
// What a request's headers alone already refuse, checked before its body is read
// (adapters::HttpServerOptions::before_body) after the API-key check has set its caller: a
// request nobody has authenticated must not hold a body's worth of memory for the body
// deadline (a minute) when its answer is already known.
//   POST /                    the SigV4 checks that need no body (unsigned, unknown key,
//                             wrong scope or time): AWS's own error; a request that passes
//                             them is read within the server's budget for unverified bodies
//   POST /v1/webhooks/...     over the route's 256 KiB: 413 (webhook_body_refusal)
//   anything else sent with no key's identity (the open routes: /healthz, /readyz,
//   /metrics, /v1/simulator lists, unknown paths): none takes a body, 400
// In local-only mode every request is the local caller and only the first two apply.

#include "adapters/http/http_message.hpp"
#include "api/sfn/aws_auth.hpp"

#include <optional>

namespace settled::api {

std::optional<adapters::HttpResponse> refusal_before_body(
    adapters::HttpRequest& req, const sfn::AwsAuthenticator& aws_header_authenticate);

}  // namespace settled::api
