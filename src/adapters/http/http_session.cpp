#include "adapters/http/http_session.hpp"

#include "adapters/http/http_request_reader.hpp"
#include "adapters/http/http_server_context.hpp"
#include "adapters/ops/log.hpp"
#include "adapters/ops/metrics.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <cctype>
#include <chrono>
#include <exception>
#include <iterator>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

namespace settled::adapters {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

namespace {

// After an error answer the client may still be sending its body; reading (and dropping) it
// for a moment before closing keeps the kernel from resetting the connection, which would
// often destroy the answer before the client reads it.
constexpr std::chrono::seconds kLingerTime{1};
constexpr std::size_t kLingerLimit = std::size_t{1} << 20;
// What one read takes while waiting for a request to begin.
constexpr std::size_t kFirstReadSize = 4096;
// What the read buffer may hold beyond header-limit. Body bytes pass through it as they come,
// so what waits there is the unparsed rest: the header (header-limit catches it first) or one
// line of chunked framing (a chunk's size and extensions), which Beast buffers until its CRLF
// with no limit of its own: one connection grew the daemon by 190 MB in a few seconds.
constexpr std::size_t kFramingLineLimit = 4096;
// What all of one request's chunk extensions may total. settled reads none, and Beast counts
// only chunk data against the body limit: 1-byte chunks behind 4,000 bytes of extensions each
// put a gigabyte of framing through the parser within one body deadline (red team, session 34).
constexpr std::size_t kChunkExtensionsLimit = 16384;

// RFC 9110: these statuses never carry content.
bool bodiless_status(unsigned status) {
  return status < 200 || status == 204 || status == 304;
}

bool framing_header(std::string_view name) {
  return beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
         beast::iequals(name, "connection");
}

// What makes a request's framing or its credentials ambiguous, or "" if nothing. A proxy in
// front may read such a request differently from Beast: with a Transfer-Encoding other than
// "chunked" Beast falls back to Content-Length or to no body at all, and reads the body as the
// next request (RFC 9112 6.1 and 6.3: answer 400 and close); of two Authorization or Host
// headers settled would use the first and a proxy perhaps the last (RFC 9112 3.2).
std::string ambiguous_header(const http::request_header<>& header) {
  std::size_t transfer_encodings = 0, hosts = 0, authorizations = 0;
  for (const auto& field : header) {
    if (field.name() == http::field::transfer_encoding) ++transfer_encodings;
    if (field.name() == http::field::host) ++hosts;
    if (field.name() == http::field::authorization) ++authorizations;
  }
  if (transfer_encodings > 0 && header.version() < 11)
    return "Transfer-Encoding in an HTTP/1.0 request";
  if (transfer_encodings > 1 ||
      (transfer_encodings == 1 &&
       !beast::iequals(header[http::field::transfer_encoding], "chunked")))
    return "a Transfer-Encoding other than \"chunked\" (the only coding settled reads)";
  if (hosts > 1) return "more than one Host header";
  if (hosts == 0 && header.version() >= 11) return "no Host header (HTTP/1.1 requires one)";
  if (authorizations > 1) return "more than one Authorization header";
  return {};
}

HttpResponse error_response(unsigned status, const Error& error) {
  HttpResponse response;
  response.status = status;
  response.body = boost::json::serialize(to_json(error));
  return response;
}

}  // namespace

HttpSession::HttpSession(tcp::socket socket, std::shared_ptr<HttpServerContext> context)
    : stream_(std::move(socket)), deadline_(stream_.get_executor()), context_(std::move(context)) {
  buffer_.max_size(context_->options().header_limit + kFramingLineLimit);
  // Kept here, not in the parser: Beast holds the callback by reference for the parser's life.
  on_chunk_header_ = [this](std::uint64_t, beast::string_view extensions, beast::error_code& ec) {
    chunk_extension_bytes_ += extensions.size();
    if (chunk_extension_bytes_ > kChunkExtensionsLimit) ec = http::error::bad_chunk_extension;
  };
  beast::error_code ec;
  const tcp::endpoint peer = stream_.socket().remote_endpoint(ec);
  if (!ec) {
    remote_ip_ = peer.address().to_string();
    remote_address_ = remote_ip_ + ":" + std::to_string(peer.port());
  }
}

void HttpSession::start() {
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&HttpSession::read_request, shared_from_this()));
}

void HttpSession::refuse() {
  Metrics::instance().http_refused("connections");
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->write_error(503,
                      Error{ErrorCode::kOverloaded,
                            "too many connections (to the server, or from this address); "
                            "this one is closed"},
                      1);
  });
}

void HttpSession::deliver(std::uint64_t sequence, HttpResponse response) {
  net::post(stream_.get_executor(),
            [self = shared_from_this(), sequence, response = std::move(response)]() mutable {
              self->write_response(sequence, std::move(response));
            });
}

void HttpSession::drain() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->draining_ = true;
    // Idle between requests (or not yet started): nothing to finish.
    const bool idle = !self->parser_ || (!self->parser_->got_some() && self->buffer_.size() == 0);
    if (self->state_ == State::kReading && idle) {
      self->close_now();
    }
  });
}

HttpSession::~HttpSession() {
  // An answer whose write never completed (the io loop stopped under it) still frees its share
  // of the server's budget.
  if (reserved_bytes_ > 0) context_->release_response(reserved_bytes_);
  release_unverified_body();
}

void HttpSession::close() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->close_now(); });
}

void HttpSession::read_request() {
  if (state_ == State::kClosed) return;
  if (draining_) return close_now();
  state_ = State::kReading;
  const HttpServerOptions& options = context_->options();
  parser_.emplace();
  body_limit_ = options.body_limit;
  parser_->body_limit(static_cast<std::uint64_t>(body_limit_));
  chunk_extension_bytes_ = 0;
  parser_->on_chunk_header(on_chunk_header_);
  parser_->header_limit(static_cast<std::uint32_t>(options.header_limit));
  // Pipelined bytes already wait in the buffer: the next request has begun.
  if (buffer_.size() > 0) return read_header();
  // An idle keep-alive connection may wait this long for its next request to begin ... but a
  // new one that has sent nothing yet only as long as a request's headers may take: otherwise
  // connections that never send a byte held the connection cap for a minute each.
  if (sequence_ == 0)
    stream_.expires_after(options.header_timeout);
  else
    stream_.expires_after(options.idle_timeout);
  stream_.async_read_some(
      buffer_.prepare(kFirstReadSize),
      beast::bind_front_handler(&HttpSession::on_first_bytes, shared_from_this()));
}

void HttpSession::on_first_bytes(beast::error_code ec, std::size_t bytes) {
  if (ec) return on_read_error(ec);
  buffer_.commit(bytes);
  read_header();
}

void HttpSession::read_header() {
  // ... but once it has begun, its headers must be complete by one deadline that is set once
  // here, not per read: a client trickling a byte at a time cannot hold the connection.
  stream_.expires_after(context_->options().header_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) return on_read_error(ec);
  const auto& header = parser_->get();
  // Before any of the body is read: it may be a request smuggled inside this one.
  if (const std::string problem = ambiguous_header(header); !problem.empty())
    return write_error(400,
                       Error{ErrorCode::kInvalidRequest, "malformed HTTP request: " + problem});
  if (parser_->is_done()) return handle_request();
  // A body follows: a request its headers already refuse (no valid key) is answered now, its
  // body never read. The check reads a copy of the header, parsed as the request will be; a
  // body already here in full (most small POSTs come in one segment) costs nothing to read, and
  // the route's own check refuses it.
  const auto length = parser_->content_length();
  const bool expects_continue = beast::iequals(header[http::field::expect], "100-continue");
  const bool body_to_wait_for = !length || buffer_.size() < *length || expects_continue;
  if (const auto& check = context_->options().before_body; check && body_to_wait_for) {
    auto read = read_http_request(http::request<http::string_body>(header), remote_address_);
    // A target the session refuses is refused now: its answer is that 400 whatever the body
    // (until session 34 such a request skipped the check and held body-limit bytes a minute).
    if (!read) {
      Metrics::instance().http_refused("headers");
      return write_closing(error_response(400, read.error()));
    }
    if (auto refusal = check(*read)) {
      Metrics::instance().http_refused("headers");
      return write_closing(std::move(*refusal));
    }
    if (read->body_limit && *read->body_limit < body_limit_) {
      body_limit_ = *read->body_limit;
      parser_->body_limit(static_cast<std::uint64_t>(body_limit_));
      // Beast checked Content-Length against the limit with the header: checked again here.
      if (length && *length > body_limit_)
        return write_error(
            413, Error{ErrorCode::kPayloadTooLarge, "request body exceeds the limit of " +
                                                        std::to_string(body_limit_) + " bytes"});
    }
    if (read->unverified_body) {
      const std::size_t announced =
          length ? static_cast<std::size_t>(std::min<std::uint64_t>(*length, body_limit_))
                 : body_limit_;
      if (!context_->reserve_unverified_body(remote_ip_, announced)) {
        Metrics::instance().http_refused("unverified_bodies");
        HttpResponse busy = error_response(
            503, Error{ErrorCode::kOverloaded,
                       "bodies of requests whose signature is not yet verified are being read "
                       "up to their budget: nothing was done, retry after Retry-After"});
        busy.headers.emplace_back("Retry-After", "1");
        return write_closing(std::move(busy));
      }
      unverified_reserved_ = announced;
    }
  }
  header_fields_ = static_cast<std::size_t>(std::distance(header.begin(), header.end()));
  // curl and others wait for this before sending a body; the size was already checked.
  if (expects_continue) {
    continue_ = {http::status::continue_, header.version()};
    http::async_write(
        stream_, continue_,
        beast::bind_front_handler(&HttpSession::on_continue_written, shared_from_this()));
    return;
  }
  read_body();
}

void HttpSession::on_continue_written(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) return close_now();
  read_body();
}

void HttpSession::read_body() {
  stream_.expires_after(context_->options().idle_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_request, shared_from_this()));
}

void HttpSession::release_unverified_body() {
  if (unverified_reserved_ == 0) return;
  context_->release_unverified_body(remote_ip_, unverified_reserved_);
  unverified_reserved_ = 0;
}

void HttpSession::on_request(beast::error_code ec, std::size_t /*bytes*/) {
  release_unverified_body();  // read (or failed): the signature is checked next, if at all
  if (ec) return on_read_error(ec);
  // RFC 9110 6.5.1: a trailer field is not a header field. None of settled's requests needs
  // one, and taken as headers they would be read after the checks above (a key or a signature
  // added once the body is through): refused, like any other ambiguity about the header.
  const auto& message = parser_->get();
  if (static_cast<std::size_t>(std::distance(message.begin(), message.end())) != header_fields_)
    return write_error(400, Error{ErrorCode::kInvalidRequest,
                                  "malformed HTTP request: trailer fields are not accepted"});
  handle_request();
}

void HttpSession::on_read_error(beast::error_code ec) {
  if (state_ == State::kClosed) return;
  const HttpServerOptions& options = context_->options();
  if (ec == http::error::body_limit) {
    return write_error(
        413, Error{ErrorCode::kPayloadTooLarge,
                   "request body exceeds the limit of " + std::to_string(body_limit_) + " bytes"});
  }
  if (ec == http::error::buffer_overflow) {
    return write_error(400,
                       Error{ErrorCode::kInvalidRequest,
                             "malformed HTTP request: a line of the chunked body's framing "
                             "(chunk size and extensions) exceeds " +
                                 std::to_string(kFramingLineLimit) + " bytes without its CRLF"});
  }
  if (ec == http::error::bad_chunk_extension && chunk_extension_bytes_ > kChunkExtensionsLimit) {
    return write_error(400, Error{ErrorCode::kInvalidRequest,
                                  "malformed HTTP request: the chunked body's chunk extensions "
                                  "total more than " +
                                      std::to_string(kChunkExtensionsLimit) + " bytes"});
  }
  if (ec == http::error::header_limit) {
    return write_error(431, Error{ErrorCode::kInvalidRequest,
                                  "request headers exceed the limit of " +
                                      std::to_string(options.header_limit) + " bytes"});
  }
  // A peer that went away (cleanly or mid-message) gets no answer; a peer that sent
  // something that is not HTTP is told so.
  const bool parse_error = ec.category() == make_error_code(http::error::end_of_stream).category();
  if (parse_error && ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return write_error(
        400, Error{ErrorCode::kInvalidRequest, "malformed HTTP request: " + ec.message()});
  }
  close_now();
}

void HttpSession::handle_request() {
  auto message = parser_->release();
  state_ = State::kHandling;
  const std::uint64_t sequence = ++sequence_;
  version_ = message.version();
  keep_alive_ = message.keep_alive();
  head_ = message.method() == http::verb::head;
  reads_only_ = head_ || message.method() == http::verb::get;

  auto read = read_http_request(std::move(message), remote_address_);
  if (!read) {
    log(LogLevel::kDebug, "http.target_refused", {{"cause", read.error().message}});
    return write_response(sequence, error_response(400, read.error()));
  }
  HttpRequest request = std::move(*read);
  request.received_at = context_->arrival_of_request_read_now();
  // Kept for the log line should the handler throw.
  const std::string method = request.method_for_display();
  const std::string path = request.parsed_target.path;

  // A handler that answers before it returns (a refusal, a cached read) is answered here, on
  // this strand, without a second trip through the io queue or a deadline timer: under
  // overload that is most requests, and what each one costs decides how fast 503s stay.
  // `Answer` is what a responder and this call share: a responder may outlive this call and
  // run on any thread.
  struct Answer {
    std::atomic<bool> given{false};
    const std::thread::id handling_thread = std::this_thread::get_id();
    bool handler_running = true;  // read and written on handling_thread only
    std::optional<HttpResponse> inline_response;
  };
  auto answer = std::make_shared<Answer>();
  HttpResponder responder = [weak = weak_from_this(), context = context_, answer,
                             sequence](HttpResponse response) {
    if (answer->given.exchange(true)) return;
    if (std::this_thread::get_id() == answer->handling_thread && answer->handler_running) {
      answer->inline_response = std::move(response);
      return;
    }
    context->run_unless_stopped([&] {
      if (auto self = weak.lock()) self->deliver(sequence, std::move(response));
    });
  };

  std::string failure;
  try {
    context_->handler()(std::move(request), std::move(responder));
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  answer->handler_running = false;
  if (answer->inline_response) return write_response(sequence, std::move(*answer->inline_response));
  if (failure.empty()) return arm_deadline(sequence);
  log(LogLevel::kError, "http.handler_failed",
      {{"method", method}, {"path", path}, {"cause", failure}});
  // Only if the handler did not answer before it threw.
  if (!answer->given.exchange(true)) {
    write_response(sequence,
                   error_response(500, Error{ErrorCode::kInternal, "the request handler failed"}));
  }
}

void HttpSession::arm_deadline(std::uint64_t sequence) {
  deadline_.expires_after(context_->options().request_deadline);
  deadline_.async_wait([self = shared_from_this(), sequence](beast::error_code ec) {
    if (!ec) self->on_deadline(sequence);
  });
}

void HttpSession::on_deadline(std::uint64_t sequence) {
  if (state_ != State::kHandling || sequence != sequence_) return;
  const auto deadline = context_->options().request_deadline;
  Metrics::instance().http_refused("deadline");
  log(LogLevel::kWarn, "http.request_deadline",
      {{"remote", remote_address_}, {"deadlineMs", static_cast<std::int64_t>(deadline.count())}});
  HttpResponse response = error_response(
      504, Error{ErrorCode::kTimeout,
                 "no answer within the request deadline of " + std::to_string(deadline.count()) +
                     " ms; the request may still take effect: repeat it (same name or "
                     "idempotency key) to learn its outcome"});
  response.headers.emplace_back("Retry-After", "1");
  // The handler's answer, should it come later, finds a newer sequence and is dropped.
  write_response(sequence, std::move(response));
}

void HttpSession::write_response(std::uint64_t sequence, HttpResponse response) {
  if (state_ != State::kHandling || sequence != sequence_) return;
  deadline_.cancel();
  if (response.status < 200 || response.status > 599) {
    log(LogLevel::kError, "http.invalid_status", {{"status", response.status}});
    response = error_response(
        500, Error{ErrorCode::kInternal, "the request handler gave an invalid status"});
  }
  Response res;
  res.version(version_);
  res.result(response.status);
  res.set(http::field::server, "settled");
  const bool bodiless = bodiless_status(response.status);
  if (!bodiless) {
    res.set(http::field::content_type, response.content_type);
    res.body() = std::move(response.body);
  }
  for (const auto& [name, value] : response.headers) {
    if (!framing_header(name)) res.set(name, value);
  }
  res.keep_alive(keep_alive_ && !draining_);
  res.prepare_payload();
  // HEAD keeps the Content-Length of the body it does not get.
  if (head_) res.body().clear();
  // Only a read's answer may be withheld: the answer to a write (a StartSyncExecution's, say)
  // says what was done, and "retry" could do it twice.
  if (reads_only_ && !context_->reserve_response(res.body().size())) {
    Metrics::instance().http_refused("response_bytes");
    HttpResponse refused = error_response(
        503, Error{ErrorCode::kOverloaded,
                   "answers still being sent to their clients hold " +
                       std::to_string(context_->response_bytes() >> 20) + " MiB; this one (" +
                       std::to_string(res.body().size() >> 10) +
                       " KiB) is not sent now: a read, nothing changed, retry after Retry-After"});
    refused.headers.emplace_back("Retry-After", "1");
    return write_response(sequence, std::move(refused));
  }
  reserved_bytes_ = reads_only_ ? res.body().size() : 0;
  write(std::move(res), false);
}

void HttpSession::write_error(unsigned status, const Error& error, unsigned retry_after_seconds) {
  HttpResponse response = error_response(status, error);
  if (retry_after_seconds > 0)
    response.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  write_closing(std::move(response));
}

void HttpSession::write_closing(HttpResponse response) {
  Response res{static_cast<http::status>(response.status), 11};
  res.set(http::field::server, "settled");
  res.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) {
    if (!framing_header(name)) res.set(name, value);
  }
  res.body() = std::move(response.body);
  res.keep_alive(false);
  res.prepare_payload();
  write(std::move(res), true);
}

void HttpSession::write(Response response, bool then_linger) {
  response_ = std::move(response);
  state_ = State::kWriting;
  stream_.expires_after(context_->options().idle_timeout);
  http::async_write(
      stream_, *response_,
      beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), then_linger));
}

void HttpSession::on_write(bool then_linger, beast::error_code ec, std::size_t /*bytes*/) {
  context_->release_response(reserved_bytes_);
  reserved_bytes_ = 0;
  if (ec) return close_now();
  const bool keep_alive = response_->keep_alive();
  response_.reset();
  if (!keep_alive) return then_linger ? start_linger() : close_now();
  read_request();
}

void HttpSession::start_linger() {
  state_ = State::kLingering;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  discarded_ = 0;
  stream_.expires_after(kLingerTime);
  stream_.async_read_some(net::buffer(discard_),
                          beast::bind_front_handler(&HttpSession::on_linger, shared_from_this()));
}

void HttpSession::on_linger(beast::error_code ec, std::size_t bytes) {
  discarded_ += bytes;
  if (ec || discarded_ > kLingerLimit || state_ == State::kClosed) return close_now();
  stream_.async_read_some(net::buffer(discard_),
                          beast::bind_front_handler(&HttpSession::on_linger, shared_from_this()));
}

void HttpSession::close_now() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  deadline_.cancel();
  stream_.close();
  context_->remove(this);
}

}  // namespace settled::adapters
