#pragma once
// The signed webhooks' HTTP routes and what they stored (docs/webhooks.md, docs/veriff.md):
//   POST /v1/webhooks/stripe                    a Stripe event, Stripe-Signature verified
//   GET  /v1/webhooks/stripe/events[?after&limit], /v1/webhooks/stripe/events/{id}
//   POST /v1/webhooks/veriff                    a Veriff decision, X-HMAC-SIGNATURE verified
//   GET  /v1/webhooks/veriff/decisions[?sessionId&after&limit]
// A webhook is answered once it is durably stored (or found stored before); a refusal stores
// nothing and is the one JSON error shape.

#include "adapters/http/http_message.hpp"
#include "api/http_routes.hpp"

namespace settled::api {

// True if the request's path is /v1/webhooks/stripe or /v1/webhooks/veriff or under them (it
// has been answered then).
bool route_webhooks(const adapters::HttpRequest& req, adapters::HttpResponder& respond,
                    const HttpRoutesDeps& deps);

// On a request's headers (adapters::HttpServerOptions::before_body): a webhook POST whose
// Content-Length is over its route's limit (256 KiB) is refused 413 before its body is read,
// and a chunked one is read no further than that (req.body_limit). The webhooks need no key,
// so until session 33 anyone held body-limit (1 MiB) per connection for a minute with bodies
// the route would refuse anyway.
std::optional<adapters::HttpResponse> webhook_body_refusal(adapters::HttpRequest& req);

}  // namespace settled::api
