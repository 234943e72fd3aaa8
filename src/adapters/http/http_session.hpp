#pragma once
// One accepted connection: read a request, hand it to the handler, write the answer, and
// repeat while the client keeps the connection alive. One request at a time; all members
// are touched only on the session's strand.

#include "adapters/http/http_message.hpp"
#include "domain/error.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace settled::adapters {

class HttpServerContext;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<HttpServerContext> context);

  ~HttpSession();

  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  // Starts reading the first request.
  void start();
  // For a connection over the server's caps: answers 503 Overloaded at once and closes.
  void refuse();
  // Thread-safe: writes `response` as the answer to request `sequence`, unless the
  // connection has closed or moved on meanwhile.
  void deliver(std::uint64_t sequence, HttpResponse response);
  // Thread-safe: lets the current request finish, then closes; closes at once if idle.
  void drain();
  // Thread-safe: closes the connection now.
  void close();

 private:
  enum class State { kReading, kHandling, kWriting, kLingering, kClosed };
  using Response = boost::beast::http::response<boost::beast::http::string_body>;

  void read_request();
  void on_first_bytes(boost::beast::error_code ec, std::size_t bytes);
  void read_header();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void read_body();
  void on_continue_written(boost::beast::error_code ec, std::size_t bytes);
  void on_request(boost::beast::error_code ec, std::size_t bytes);
  void on_read_error(boost::beast::error_code ec);
  void handle_request();
  void arm_deadline(std::uint64_t sequence);
  void on_deadline(std::uint64_t sequence);
  void write_response(std::uint64_t sequence, HttpResponse response);
  void write_error(unsigned status, const Error& error, unsigned retry_after_seconds = 0);
  // Answers `response` and closes the connection (after a moment's linger for the body the
  // client may still be sending).
  void write_closing(HttpResponse response);
  void write(Response response, bool linger);
  void on_write(bool linger, boost::beast::error_code ec, std::size_t bytes);
  void start_linger();
  void on_linger(boost::beast::error_code ec, std::size_t bytes);
  void close_now();

  boost::beast::tcp_stream stream_;
  boost::asio::steady_timer deadline_;  // the request deadline of the request being handled
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<HttpServerContext> context_;
  std::string remote_address_;
  std::string remote_ip_;  // the peer's address alone: what per-peer budgets count by
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  // How many fields the request's header had: Beast adds a chunked body's trailer fields to
  // them, where they would pass for headers (an Authorization sent after the body).
  std::size_t header_fields_ = 0;
  // The current request's body limit: the server's, or less if a before_body check lowered it.
  std::size_t body_limit_ = 0;
  // Bytes of the server's budget for unverified bodies this request's body holds (0: none).
  std::size_t unverified_reserved_ = 0;
  void release_unverified_body();
  // The current request's chunk extensions so far, and the parser's callback that counts them.
  std::size_t chunk_extension_bytes_ = 0;
  std::function<void(std::uint64_t, boost::beast::string_view, boost::beast::error_code&)>
      on_chunk_header_;
  std::optional<Response> response_;
  // The body bytes of response_ counted in the server's responses in flight (write_response).
  std::size_t reserved_bytes_ = 0;
  bool reads_only_ = false;  // the request being answered is a GET or HEAD
  std::array<char, 4096> discard_{};
  std::size_t discarded_ = 0;
  State state_ = State::kReading;
  std::uint64_t sequence_ = 0;  // numbers requests so a late answer cannot hit a newer one
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
  bool draining_ = false;
};

}  // namespace settled::adapters
