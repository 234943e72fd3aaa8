#include "adapters/downstream/downstream_connection.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <utility>

namespace settled::adapters {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

namespace {

// Stripe's and Veriff's answers are small; this only stops a broken server from filling memory.
constexpr std::uint64_t kBodyLimit = 8 << 20;

}  // namespace

DownstreamConnection::DownstreamConnection(net::io_context& ioc, ssl::context* tls,
                                           const DownstreamEndpoint& endpoint)
    : endpoint_(endpoint),
      // Socket, resolver and timer share one strand: no two handlers of a connection overlap.
      strand_(net::make_strand(ioc)),
      resolver_(strand_),
      deadline_timer_(strand_) {
  if (tls) {
    tls_.emplace(strand_, *tls);
  } else {
    plain_.emplace(strand_);
  }
}

beast::tcp_stream& DownstreamConnection::tcp() {
  return tls_ ? beast::get_lowest_layer(*tls_) : *plain_;
}

void DownstreamConnection::exchange(std::shared_ptr<const Request> request,
                                    Clock::time_point deadline, Done done) {
  net::post(strand_, [self = shared_from_this(), request = std::move(request), deadline,
                      done = std::move(done)]() mutable {
    self->request_ = std::move(request);
    self->done_ = std::move(done);
    self->active_ = true;
    self->timed_out_ = false;
    self->reusable_ = false;
    self->deadline_timer_.expires_at(deadline);
    self->deadline_timer_.async_wait(
        beast::bind_front_handler(&DownstreamConnection::on_deadline, self));
    self->start();
  });
}

void DownstreamConnection::close() {
  net::post(strand_, [self = shared_from_this()] {
    self->reusable_ = false;
    self->resolver_.cancel();
    self->tcp().close();
  });
}

void DownstreamConnection::start() {
  if (connected_) {
    reused_ = true;
    return write_request();
  }
  reused_ = false;
  resolver_.async_resolve(
      endpoint_.host, std::to_string(endpoint_.port),
      beast::bind_front_handler(&DownstreamConnection::on_resolve, shared_from_this()));
}

void DownstreamConnection::on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
  if (ec) return fail("resolve", ec);
  tcp().async_connect(
      results, beast::bind_front_handler(&DownstreamConnection::on_connect, shared_from_this()));
}

void DownstreamConnection::on_connect(beast::error_code ec, const tcp::endpoint& /*endpoint*/) {
  if (ec) return fail("connect", ec);
  tcp().socket().set_option(tcp::no_delay(true), ec);
  if (!tls_) {
    connected_ = true;
    return write_request();
  }
  // SNI, so the server presents the certificate for this host, which we then verify.
  if (!SSL_set_tlsext_host_name(tls_->native_handle(), endpoint_.host.c_str())) {
    return fail("tls", beast::error_code(static_cast<int>(::ERR_get_error()),
                                         net::error::get_ssl_category()));
  }
  tls_->set_verify_mode(ssl::verify_peer);
  tls_->set_verify_callback(ssl::host_name_verification(endpoint_.host));
  tls_->async_handshake(
      ssl::stream_base::client,
      beast::bind_front_handler(&DownstreamConnection::on_handshake, shared_from_this()));
}

void DownstreamConnection::on_handshake(beast::error_code ec) {
  if (ec) return fail("tls", ec);
  connected_ = true;
  write_request();
}

void DownstreamConnection::write_request() {
  parser_.emplace();
  parser_->body_limit(kBodyLimit);
  auto on_write = beast::bind_front_handler(&DownstreamConnection::on_write, shared_from_this());
  if (tls_) {
    http::async_write(*tls_, *request_, std::move(on_write));
  } else {
    http::async_write(*plain_, *request_, std::move(on_write));
  }
}

void DownstreamConnection::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) return fail("write", ec);
  auto on_read = beast::bind_front_handler(&DownstreamConnection::on_read, shared_from_this());
  if (tls_) {
    http::async_read(*tls_, buffer_, *parser_, std::move(on_read));
  } else {
    http::async_read(*plain_, buffer_, *parser_, std::move(on_read));
  }
}

void DownstreamConnection::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec) return fail("read", ec);
  Exchange exchange;
  exchange.reused = reused_;
  exchange.maybe_sent = true;
  exchange.got_response = true;
  exchange.response = parser_->release();
  // Decided before `done` runs: it may hand this connection to the next request at once.
  reusable_ = exchange.response.keep_alive() && !timed_out_;
  if (!reusable_) {
    connected_ = false;
    tcp().close();
  }
  finish(std::move(exchange));
}

void DownstreamConnection::on_deadline(beast::error_code ec) {
  if (ec || !active_) return;  // cancelled: the exchange finished first
  timed_out_ = true;
  // Fails whatever is pending (resolve, connect, handshake, write or read) with "aborted".
  resolver_.cancel();
  tcp().close();
}

void DownstreamConnection::fail(const char* stage, beast::error_code ec) {
  Exchange exchange;
  exchange.error = ec;
  exchange.timed_out = timed_out_;
  exchange.reused = reused_;
  exchange.stage = stage;
  const std::string s(stage);
  exchange.maybe_sent = s == "write" || s == "read";
  exchange.got_response = parser_ && parser_->got_some();
  connected_ = false;
  reusable_ = false;
  tcp().close();
  finish(std::move(exchange));
}

void DownstreamConnection::finish(Exchange exchange) {
  if (!active_) return;
  active_ = false;
  deadline_timer_.cancel();
  idle_since_ = Clock::now();
  request_.reset();
  auto done = std::move(done_);
  done_ = nullptr;
  done(std::move(exchange));
}

}  // namespace settled::adapters
