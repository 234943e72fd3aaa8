#pragma once
// One kept-alive connection to a downstream API, Stripe's or Veriff's (TLS, or plain TCP for a
// loopback fake): connects on its first exchange, then carries one request/response at a time. All
// its state lives on its own strand; a failed or timed-out connection is never used again.

#include "adapters/downstream/downstream_endpoint.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace settled::adapters {

class DownstreamConnection : public std::enable_shared_from_this<DownstreamConnection> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  using Clock = std::chrono::steady_clock;

  struct Exchange {
    boost::beast::error_code error;  // empty: `response` is complete
    bool timed_out = false;
    bool reused = false;        // the connection had carried an earlier exchange
    bool maybe_sent = false;    // request bytes may have reached the server
    bool got_response = false;  // some response bytes arrived
    std::string stage;          // where it failed: "resolve", "connect", "tls", "write", "read"
    Response response;
  };
  using Done = std::function<void(Exchange)>;

  // `tls`: the client's context, or null for plain TCP. Both must outlive the connection.
  DownstreamConnection(boost::asio::io_context& ioc, boost::asio::ssl::context* tls,
                       const DownstreamEndpoint& endpoint);

  DownstreamConnection(const DownstreamConnection&) = delete;
  DownstreamConnection& operator=(const DownstreamConnection&) = delete;

  // Sends `request` and reads its answer, connecting first if needed; `done` runs on the
  // strand once, when the answer is read, on any failure, or at `deadline`.
  void exchange(std::shared_ptr<const Request> request, Clock::time_point deadline, Done done);

  // True between exchanges while the server keeps the connection open (as far as we know).
  bool reusable() const { return reusable_.load(); }
  // When the last exchange ended; read only while the connection is idle.
  Clock::time_point idle_since() const { return idle_since_; }
  // Thread-safe: closes the socket; a pending exchange fails.
  void close();

 private:
  void start();
  void on_resolve(boost::beast::error_code ec, boost::asio::ip::tcp::resolver::results_type r);
  void on_connect(boost::beast::error_code ec, const boost::asio::ip::tcp::endpoint& endpoint);
  void on_handshake(boost::beast::error_code ec);
  void write_request();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_deadline(boost::beast::error_code ec);
  void fail(const char* stage, boost::beast::error_code ec);
  void finish(Exchange exchange);
  boost::beast::tcp_stream& tcp();

  const DownstreamEndpoint& endpoint_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::resolver resolver_;
  // Exactly one of these is set, for the connection's life.
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  boost::asio::steady_timer deadline_timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;

  std::shared_ptr<const Request> request_;
  Done done_;
  bool active_ = false;  // an exchange is under way
  bool connected_ = false;
  bool timed_out_ = false;
  bool reused_ = false;
  std::atomic<bool> reusable_{false};
  Clock::time_point idle_since_ = Clock::now();
};

}  // namespace settled::adapters
