// The test HTTP client's exchanges (http_client.hpp), over Beast with Asio timeouts.

#include "integration/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace settled::testing {

boost::json::value HttpResult::json() const {
  return boost::json::parse(body);
}

std::string HttpResult::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (boost::beast::iequals(key, name)) return value;
  }
  return "";
}

namespace http = boost::beast::http;

struct HttpClient::Connection {
  Connection(std::string to_host, std::uint16_t to_port)
      : host(std::move(to_host)), port(to_port) {}

  std::string where() const { return host + ":" + std::to_string(port); }

  // Runs the queued async operation to completion; async so that timeouts apply.
  void run() {
    ioc.restart();
    ioc.run();
  }

  boost::beast::tcp_stream connect() {
    boost::beast::error_code ec;
    boost::asio::ip::tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(host, std::to_string(port), ec);
    if (ec) throw std::runtime_error("cannot resolve " + where() + ": " + ec.message());
    boost::beast::tcp_stream fresh(ioc);
    fresh.expires_after(timeout);
    fresh.async_connect(endpoints, [&](boost::beast::error_code e,
                                       const boost::asio::ip::tcp::endpoint&) { ec = e; });
    run();
    if (ec) throw std::runtime_error("cannot connect to " + where() + ": " + ec.message());
    return fresh;
  }

  boost::beast::error_code write(http::request<http::string_body>& req) {
    boost::beast::error_code ec;
    stream->expires_after(timeout);
    http::async_write(*stream, req, [&](boost::beast::error_code e, std::size_t) { ec = e; });
    run();
    return ec;
  }

  boost::beast::error_code read(http::response_parser<http::string_body>& parser) {
    boost::beast::error_code ec;
    stream->expires_after(timeout);
    http::async_read(*stream, buffer, parser,
                     [&](boost::beast::error_code e, std::size_t) { ec = e; });
    run();
    return ec;
  }

  void close() {
    if (!stream) return;
    boost::beast::error_code ignored;
    stream->socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream->close();
    stream.reset();
    buffer.clear();
  }

  std::string host;
  std::uint16_t port;
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  boost::asio::io_context ioc;
  std::optional<boost::beast::tcp_stream> stream;
  boost::beast::flat_buffer buffer;
};

namespace {

HttpResult to_result(http::response<http::string_body> res) {
  HttpResult result;
  result.status = res.result_int();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  result.body = std::move(res.body());
  return result;
}

}  // namespace

HttpClient::HttpClient(std::string host, std::uint16_t port)
    : connection_(std::make_unique<Connection>(std::move(host), port)) {}

HttpClient::~HttpClient() = default;

void HttpClient::set_timeout(std::chrono::milliseconds timeout) {
  connection_->timeout = timeout;
}

HttpResult HttpClient::request(http::verb method, std::string_view target, std::string_view body,
                               HttpHeaders headers) {
  Connection& c = *connection_;
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, c.where());
  req.set(http::field::user_agent, "settled-tests");
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    req.set(name, value);
    has_content_type |= boost::beast::iequals(name, "content-type");
  }
  if (!body.empty() && !has_content_type) {
    req.set(http::field::content_type, "application/json");
  }
  req.body() = std::string(body);
  req.prepare_payload();

  for (int attempt = 0;; ++attempt) {
    const bool reused = c.stream.has_value();
    if (!reused) c.stream.emplace(c.connect());
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    // The answer to a HEAD has a Content-Length but no body (RFC 9110 9.3.2).
    parser.skip(method == http::verb::head);
    const boost::beast::error_code write_ec = c.write(req);
    // Read even after a failed write: the server may have answered early (e.g. 413).
    const boost::beast::error_code read_ec = c.read(parser);
    if (!read_ec) {
      HttpResult result = to_result(parser.release());
      if (!parser.keep_alive()) c.close();
      return result;
    }
    c.close();
    const bool stale = reused && attempt == 0 && !parser.got_some();
    if (stale) continue;
    throw std::runtime_error("HTTP " + std::string(http::to_string(method)) + " " +
                             std::string(target) + " to " + c.where() +
                             " failed: " + (write_ec ? write_ec.message() : read_ec.message()));
  }
}

HttpResult HttpClient::raw(std::string_view bytes) {
  Connection& c = *connection_;
  boost::beast::tcp_stream stream = c.connect();
  boost::beast::error_code ec;
  stream.expires_after(c.timeout);
  boost::asio::async_write(stream, boost::asio::buffer(bytes.data(), bytes.size()),
                           [&](boost::beast::error_code e, std::size_t) { ec = e; });
  c.run();
  const boost::beast::error_code write_ec = ec;
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  stream.expires_after(c.timeout);
  http::async_read(stream, buffer, parser,
                   [&](boost::beast::error_code e, std::size_t) { ec = e; });
  c.run();
  boost::beast::error_code ignored;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream.close();
  if (ec) {
    throw std::runtime_error("raw HTTP exchange with " + c.where() +
                             " failed: " + (write_ec ? write_ec.message() : ec.message()));
  }
  return to_result(parser.release());
}

void HttpClient::close() {
  connection_->close();
}

bool HttpClient::connected() const {
  return connection_->stream.has_value();
}

}  // namespace settled::testing
