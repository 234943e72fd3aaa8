#include "adapters/ops/webhook_client.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/ssl.h>

#include <cctype>

namespace settled::adapters {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Runs connect → (handshake) → write → read on `stream` inside one io_context, so the single
// deadline on the TCP layer covers every step.
template <class Stream, class Handshake>
beast::error_code exchange(net::io_context& io, beast::tcp_stream& tcp, Stream& stream,
                           const WebhookUrl& url, Handshake handshake, Request& req,
                           Response& res) {
  beast::flat_buffer buffer;
  beast::error_code failure;
  net::ip::tcp::resolver resolver(io);
  auto read_reply = [&] {
    http::async_write(stream, req, [&](beast::error_code wec, std::size_t) {
      if (wec) return void(failure = wec);
      http::async_read(stream, buffer, res,
                       [&](beast::error_code rec, std::size_t) { failure = rec; });
    });
  };
  resolver.async_resolve(url.host, url.port,
                         [&](beast::error_code ec, net::ip::tcp::resolver::results_type found) {
                           if (ec) return void(failure = ec);
                           tcp.async_connect(found, [&](beast::error_code cec, auto) {
                             if (cec) return void(failure = cec);
                             handshake([&](beast::error_code hec) {
                               if (hec) return void(failure = hec);
                               read_reply();
                             });
                           });
                         });
  io.run();
  return failure;
}

bool valid_port(const std::string& port) {
  if (port.empty() || port.size() > 5) return false;
  for (char c : port)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  const long value = std::stol(port);
  return value > 0 && value <= 65535;
}

}  // namespace

Result<WebhookUrl> parse_webhook_url(const std::string& url) {
  WebhookUrl out;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return Error{ErrorCode::kInvalidRequest,
                 "a webhook URL must start with http:// or https://, got \"" + url + "\""};
  }
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.find('@') != std::string::npos)
    return Error{ErrorCode::kInvalidRequest,
                 "a webhook URL must not carry user info: \"" + url + "\""};
  std::string port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos)
      return Error{ErrorCode::kInvalidRequest, "unclosed '[' in webhook URL \"" + url + "\""};
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':')
        return Error{ErrorCode::kInvalidRequest, "junk after the host in \"" + url + "\""};
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty())
    return Error{ErrorCode::kInvalidRequest, "a webhook URL needs a host: \"" + url + "\""};
  if (port.empty() && authority.find(':') == std::string::npos) port = out.tls ? "443" : "80";
  if (!valid_port(port))
    return Error{ErrorCode::kInvalidRequest, "bad port in webhook URL \"" + url + "\""};
  out.port = port;
  return out;
}

Result<WebhookClient> WebhookClient::create(const std::string& url, const std::string& ca_file) {
  auto parsed = parse_webhook_url(url);
  if (!parsed) return parsed.error();
  WebhookClient client;
  client.url_ = std::move(*parsed);
  if (!client.url_.tls) {
    if (!ca_file.empty())
      return Error{ErrorCode::kInvalidRequest, "a CA file only applies to an https:// webhook"};
    return client;
  }
  client.tls_ = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  client.tls_->set_default_verify_paths(ec);
  if (ec)
    return Error{ErrorCode::kInvalidRequest,
                 "cannot load the system's trusted CAs: " + ec.message()};
  if (!ca_file.empty()) {
    client.tls_->load_verify_file(ca_file, ec);
    if (ec)
      return Error{ErrorCode::kInvalidRequest,
                   "cannot load CA file " + ca_file + ": " + ec.message()};
  }
  client.tls_->set_verify_mode(ssl::verify_peer);
  SSL_CTX_set_min_proto_version(client.tls_->native_handle(), TLS1_2_VERSION);
  return client;
}

Status WebhookClient::post_json(
    const std::string& body, std::chrono::milliseconds timeout,
    const std::vector<std::pair<std::string, std::string>>& headers) const {
  const bool ipv6 = url_.host.find(':') != std::string::npos;
  Request req{http::verb::post, url_.target, 11};
  req.set(http::field::host, ipv6 ? "[" + url_.host + "]" : url_.host);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::user_agent, "settled");
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  Response res;
  net::io_context io;
  beast::error_code failure;
  if (tls_) {
    beast::ssl_stream<beast::tcp_stream> stream(io, *tls_);
    // SNI, and the certificate must name the host we asked for.
    if (!ipv6 && !SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str()))
      return Error{ErrorCode::kInternal, "webhook " + url_.host + ": cannot set SNI"};
    stream.set_verify_callback(ssl::host_name_verification(url_.host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    failure = exchange(
        io, beast::get_lowest_layer(stream), stream, url_,
        [&](auto on_done) { stream.async_handshake(ssl::stream_base::client, on_done); }, req, res);
  } else {
    beast::tcp_stream stream(io);
    stream.expires_after(timeout);
    failure = exchange(
        io, stream, stream, url_, [](auto on_done) { on_done(beast::error_code{}); }, req, res);
  }
  const std::string where =
      std::string(tls_ ? "https://" : "http://") + url_.host + ":" + url_.port + url_.target;
  if (failure) return Error{ErrorCode::kTimeout, "webhook " + where + ": " + failure.message()};
  if (res.result_int() < 200 || res.result_int() >= 300)
    return Error{ErrorCode::kInternal,
                 "webhook " + where + " answered " + std::to_string(res.result_int())};
  return ok_status();
}

}  // namespace settled::adapters
