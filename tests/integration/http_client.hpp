#pragma once
// A small synchronous HTTP/1.1 client for tests: keep-alive, reconnects when the server has
// closed an idle connection, and a raw mode for requests no real client would send.

#include <boost/beast/http/verb.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
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
  boost::json::value json() const;

  // The first header called `name` (any case), "" if absent.
  std::string header(std::string_view name) const;
};

class HttpClient {
 public:
  // Connects lazily, on the first request.
  HttpClient(std::string host, std::uint16_t port);
  ~HttpClient();

  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Per network operation (connect, write, read).
  void set_timeout(std::chrono::milliseconds timeout);

  HttpResult get(std::string_view target, HttpHeaders headers = {}) {
    return request(boost::beast::http::verb::get, target, "", std::move(headers));
  }

  // Content-Type defaults to application/json.
  HttpResult post(std::string_view target, std::string_view body, HttpHeaders headers = {}) {
    return request(boost::beast::http::verb::post, target, body, std::move(headers));
  }

  // The answer to a HEAD is read without a body, whatever its Content-Length says.
  // Throws std::runtime_error if the server cannot be reached or the exchange fails. A
  // request on a kept-alive connection that the server closed meanwhile is sent again once
  // on a fresh connection.
  HttpResult request(boost::beast::http::verb method, std::string_view target,
                     std::string_view body, HttpHeaders headers = {});

  // Writes `bytes` as they are on a fresh connection and reads one response.
  HttpResult raw(std::string_view bytes);

  void close();

  bool connected() const;

 private:
  // The Asio and Beast state, kept out of this header: every integration test includes it.
  struct Connection;
  std::unique_ptr<Connection> connection_;
};

}  // namespace settled::testing
