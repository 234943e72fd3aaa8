#pragma once
// The plain values the HTTP server hands to its handler and takes back from it: no Beast
// types leak past this header, so handlers (and their tests) need no networking code.

#include "adapters/http/request_target.hpp"
#include "domain/caller.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace settled::adapters {

struct HttpRequest {
  std::string method;  // "GET", "HEAD", "POST", ... as received
  std::string target;  // path + query as received, e.g. "/v1/executions?limit=5"
  // The target parsed once by the session (refused with 400 there if not canonical): what
  // authentication, routing and logs read. Never re-parse `target`.
  RequestTarget parsed_target;
  std::string authorization;  // value of the Authorization header, "" if absent
  std::string content_type;   // value of the Content-Type header, "" if absent
  std::string body;
  std::string remote_address;  // "ip:port" of the peer, for logs
  // All headers in the order received, names lower-cased.
  std::vector<std::pair<std::string, std::string>> headers;
  // When the request reached the daemon, as the server estimates it (its read's completion
  // less the io loop's lag): what admission measures an answer's latency from. Unset (epoch)
  // when the request did not come through the server (tests): then admission's own clock.
  std::chrono::steady_clock::time_point received_at{};
  // Who sent it (adapters/http/api_keys.hpp: set by require_api_key): the identity and scopes
  // of its API key, Caller::local() when no keys are configured, none without a key.
  Caller caller{};
  // Set by a before_body check (HttpServerOptions) for a route that takes less than the
  // server's body limit: the session reads no more of this request's body (413 past it). What
  // a Content-Length check cannot see: a chunked body announces no size.
  std::optional<std::size_t> body_limit;
  // Set by a before_body check when the sender can only be verified with the body (a SigV4
  // signature covers the body's hash): the body is read only within the server's budget for
  // such bodies (HttpServerOptions::max_unverified_body_bytes).
  bool unverified_body = false;

  // First header called `name` (any case), e.g. a webhook signature.
  std::optional<std::string_view> header(std::string_view name) const;
  // Whether a GET route answers it: a GET, or a HEAD (RFC 9110 9.3.2: the GET's answer, whose
  // body the session drops). Routes test this, never method == "GET".
  bool is_get_or_head() const { return method == "GET" || method == "HEAD"; }
  // The method for a message or a log: a method is any token up to the header limit, and an
  // answer must not echo kilobytes of it. At most 32 characters, then "...".
  std::string method_for_display() const;
  // The path, likewise: at most 200 characters, then "...".
  std::string path_for_display() const;
};

struct HttpResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  // Extra headers, e.g. Retry-After. Framing headers (Content-Length, Transfer-Encoding,
  // Connection) are the server's to set and are ignored here.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Called exactly once per request, from any thread (often a CAF worker thread). Later calls
// are ignored.
using HttpResponder = std::function<void(HttpResponse)>;
// Called on an io thread; must not block; answers through the responder, now or later.
using HttpHandler = std::function<void(HttpRequest, HttpResponder)>;
// Called on an io thread with a request's headers (its body not read yet): the answer that
// refuses it whatever its body says, or none.
using HttpHeaderCheck = std::function<std::optional<HttpResponse>(HttpRequest&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;         // 0 = pick a free port
  std::size_t body_limit = 1 << 20;  // bytes; larger bodies get 413
  std::size_t header_limit = 16384;  // bytes of request line + headers; larger get 431
  std::size_t threads = 1;           // io threads
  std::chrono::seconds idle_timeout{60};
  // Past either cap a new connection gets one 503 Overloaded answer and is closed.
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_peer = 256;  // per peer IP address
  // From a request's first byte to the end of its headers, however slowly they trickle in.
  std::chrono::milliseconds header_timeout{10000};
  // A request its handler has not answered by then gets 504 Timeout; a later answer is dropped.
  std::chrono::milliseconds request_deadline{10000};
  // Run once a request with a body has sent its headers: a refusal is answered at once and the
  // connection closed, the body never read (nor a 100 Continue sent); it may lower the
  // request's body_limit instead. Without it a client with
  // no key held up to body-limit bytes per connection for a minute before its 401.
  HttpHeaderCheck before_body = nullptr;
  // Bytes of response bodies being written, all connections together, past which a large answer
  // (over 64 KiB) is replaced by 503 Overloaded: a client that reads slowly holds its whole
  // answer, and 24 readers of a 54 MB history held 1.3 GB (red team, session 33).
  std::size_t max_response_bytes_in_flight = std::size_t{256} << 20;
  // Bytes of bodies being read for senders not yet verified (HttpRequest::unverified_body), all
  // connections together (a quarter of it per peer address): past it another such request gets
  // 503 Overloaded from its headers.
  // Whoever knows an access key id (not a secret) could otherwise hold body-limit per
  // connection for the body's minute with signatures that will not verify (red team, session 34).
  std::size_t max_unverified_body_bytes = std::size_t{32} << 20;
};

}  // namespace settled::adapters
