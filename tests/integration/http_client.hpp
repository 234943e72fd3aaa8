#pragma once
// A small synchronous HTTP/1.1 client for tests: keep-alive, reconnects when the server has
// closed an idle connection, and a raw mode for requests no real client would send.

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

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResult {
  unsigned status = 0;
  std::string body;
  HttpHeaders headers;  // names lower-cased, in the order received

  // The body parsed as JSON; throws if it is not JSON.
  boost::json::value json() const { return boost::json::parse(body); }

  // The first header called `name` (any case), "" if absent.
  std::string header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (boost::beast::iequals(key, name)) return value;
    }
    return "";
  }
};

class HttpClient {
 public:
  // Connects lazily, on the first request.
  HttpClient(std::string host, std::uint16_t port) : host_(std::move(host)), port_(port) {}

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Per network operation (connect, write, read).
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

  HttpResult get(std::string_view target, HttpHeaders headers = {}) {
    return request(boost::beast::http::verb::get, target, "", std::move(headers));
  }

  // Content-Type defaults to application/json.
  HttpResult post(std::string_view target, std::string_view body, HttpHeaders headers = {}) {
    return request(boost::beast::http::verb::post, target, body, std::move(headers));
  }

  // Throws std::runtime_error if the server cannot be reached or the exchange fails. A
  // request on a kept-alive connection that the server closed meanwhile is sent again once
  // on a fresh connection.
  HttpResult request(boost::beast::http::verb method, std::string_view target,
                     std::string_view body, HttpHeaders headers = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, host_ + ":" + std::to_string(port_));
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
      const bool reused = stream_.has_value();
      if (!reused) stream_.emplace(connect());
      http::response_parser<http::string_body> parser;
      parser.body_limit(boost::none);
      const boost::beast::error_code write_ec = exchange_write(req);
      // Read even after a failed write: the server may have answered early (e.g. 413).
      const boost::beast::error_code read_ec = exchange_read(parser);
      if (!read_ec) {
        HttpResult result = to_result(parser.release());
        if (!parser.keep_alive()) close();
        return result;
      }
      close();
      const bool stale = reused && attempt == 0 && !parser.got_some();
      if (stale) continue;
      throw std::runtime_error("HTTP " + std::string(http::to_string(method)) + " " +
                               std::string(target) + " to " + where() +
                               " failed: " + (write_ec ? write_ec.message() : read_ec.message()));
    }
  }

  // Writes `bytes` as they are on a fresh connection and reads one response.
  HttpResult raw(std::string_view bytes) {
    namespace http = boost::beast::http;
    boost::beast::tcp_stream stream = connect();
    boost::beast::error_code ec;
    stream.expires_after(timeout_);
    boost::asio::async_write(stream, boost::asio::buffer(bytes.data(), bytes.size()),
                             [&](boost::beast::error_code e, std::size_t) { ec = e; });
    run();
    const boost::beast::error_code write_ec = ec;
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    stream.expires_after(timeout_);
    http::async_read(stream, buffer, parser,
                     [&](boost::beast::error_code e, std::size_t) { ec = e; });
    run();
    boost::beast::error_code ignored;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream.close();
    if (ec) {
      throw std::runtime_error("raw HTTP exchange with " + where() +
                               " failed: " + (write_ec ? write_ec.message() : ec.message()));
    }
    return to_result(parser.release());
  }

  void close() {
    if (!stream_) return;
    boost::beast::error_code ignored;
    stream_->socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    stream_->close();
    stream_.reset();
    buffer_.clear();
  }

  bool connected() const { return stream_.has_value(); }

 private:
  std::string where() const { return host_ + ":" + std::to_string(port_); }

  // Runs the queued async operation to completion; async so that timeouts apply.
  void run() {
    ioc_.restart();
    ioc_.run();
  }

  boost::beast::tcp_stream connect() {
    boost::beast::error_code ec;
    boost::asio::ip::tcp::resolver resolver(ioc_);
    const auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
    if (ec) throw std::runtime_error("cannot resolve " + where() + ": " + ec.message());
    boost::beast::tcp_stream stream(ioc_);
    stream.expires_after(timeout_);
    stream.async_connect(endpoints, [&](boost::beast::error_code e,
                                        const boost::asio::ip::tcp::endpoint&) { ec = e; });
    run();
    if (ec) throw std::runtime_error("cannot connect to " + where() + ": " + ec.message());
    return stream;
  }

  boost::beast::error_code exchange_write(
      boost::beast::http::request<boost::beast::http::string_body>& req) {
    boost::beast::error_code ec;
    stream_->expires_after(timeout_);
    boost::beast::http::async_write(*stream_, req,
                                    [&](boost::beast::error_code e, std::size_t) { ec = e; });
    run();
    return ec;
  }

  boost::beast::error_code exchange_read(
      boost::beast::http::response_parser<boost::beast::http::string_body>& parser) {
    boost::beast::error_code ec;
    stream_->expires_after(timeout_);
    boost::beast::http::async_read(*stream_, buffer_, parser,
                                   [&](boost::beast::error_code e, std::size_t) { ec = e; });
    run();
    return ec;
  }

  static HttpResult to_result(boost::beast::http::response<boost::beast::http::string_body> res) {
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

  std::string host_;
  std::uint16_t port_;
  std::chrono::milliseconds timeout_{std::chrono::seconds(30)};
  boost::asio::io_context ioc_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace settled::testing
