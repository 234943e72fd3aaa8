#include "adapters/webhook_client.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace settled::adapters {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

Result<WebhookUrl> parse_webhook_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind("https://", 0) == 0)
    return Error{ErrorCode::kInvalidRequest,
                 "https webhooks are not supported yet: \"" + url + "\""};
  if (url.rfind(scheme, 0) != 0)
    return Error{ErrorCode::kInvalidRequest,
                 "a webhook URL must start with http://, got \"" + url + "\""};
  const std::string rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  WebhookUrl out;
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = authority.rfind(':');
  out.host = authority.substr(0, colon);
  out.port = colon == std::string::npos ? "80" : authority.substr(colon + 1);
  if (out.host.empty() || out.port.empty())
    return Error{ErrorCode::kInvalidRequest, "a webhook URL needs a host: \"" + url + "\""};
  return out;
}

Status post_json(const WebhookUrl& url, const std::string& body,
                 std::chrono::milliseconds timeout) {
  // A private io_context with async operations, so the deadline covers every step.
  net::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::string_body> req{http::verb::post, url.target, 11};
  req.set(http::field::host, url.host);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::user_agent, "settled");
  req.body() = body;
  req.prepare_payload();
  http::response<http::string_body> res;
  beast::flat_buffer buffer;
  beast::error_code failure;
  net::ip::tcp::resolver resolver(io);
  stream.expires_after(timeout);
  resolver.async_resolve(
      url.host, url.port, [&](beast::error_code ec, net::ip::tcp::resolver::results_type found) {
        if (ec) return void(failure = ec);
        stream.async_connect(found, [&](beast::error_code cec, auto) {
          if (cec) return void(failure = cec);
          http::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
            if (wec) return void(failure = wec);
            http::async_read(stream, buffer, res,
                             [&](beast::error_code rec, std::size_t) { failure = rec; });
          });
        });
      });
  io.run();
  if (failure)
    return Error{ErrorCode::kTimeout,
                 "webhook " + url.host + ":" + url.port + url.target + ": " + failure.message()};
  if (res.result_int() < 200 || res.result_int() >= 300)
    return Error{ErrorCode::kInternal, "webhook answered " + std::to_string(res.result_int())};
  return ok_status();
}

}  // namespace settled::adapters
