#include "adapters/http/http_listener.hpp"

#include "adapters/http/http_server_context.hpp"
#include "adapters/http/http_session.hpp"
#include "adapters/ops/log.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include <chrono>
#include <string>
#include <utility>

namespace settled::adapters {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

namespace {

// Out of file descriptors and the like: wait a little instead of spinning on accept.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

std::string describe(const tcp::endpoint& endpoint) {
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

}  // namespace

HttpListener::HttpListener(net::io_context& ioc, std::shared_ptr<HttpServerContext> context)
    : ioc_(ioc),
      acceptor_(net::make_strand(ioc)),
      retry_timer_(acceptor_.get_executor()),
      context_(std::move(context)) {}

Status HttpListener::listen(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  const auto fail = [&](const char* step) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return Status{ErrorCode::kInternal, std::string("cannot listen for HTTP on ") +
                                            describe(endpoint) + ": " + step + ": " + ec.message()};
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  // Lets a restarted daemon bind while old connections sit in TIME_WAIT.
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("set_option");
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  endpoint_ = acceptor_.local_endpoint(ec);
  if (ec) return fail("local_endpoint");
  return ok_status();
}

tcp::endpoint HttpListener::local_endpoint() const {
  return endpoint_;
}

void HttpListener::start() {
  net::dispatch(acceptor_.get_executor(),
                beast::bind_front_handler(&HttpListener::accept, shared_from_this()));
}

void HttpListener::close(std::function<void()> done) {
  net::post(acceptor_.get_executor(), [self = shared_from_this(), done = std::move(done)] {
    self->closed_ = true;
    beast::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_timer_.cancel();
    if (done) done();
  });
}

void HttpListener::accept() {
  if (closed_) return;
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&HttpListener::on_accept, shared_from_this()));
}

void HttpListener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (closed_) return;
  if (ec) {
    log(LogLevel::kWarn, "http.accept_failed",
        {{"address", describe(endpoint_)}, {"cause", ec.message()}});
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait(beast::bind_front_handler(&HttpListener::on_retry, shared_from_this()));
    return;
  }
  beast::error_code peer_ec;
  const tcp::endpoint peer = socket.remote_endpoint(peer_ec);
  const std::string peer_address = peer_ec ? std::string() : peer.address().to_string();
  auto session = std::make_shared<HttpSession>(std::move(socket), context_);
  // A dropped session (stopping, or a flood of refusals) closes its socket as it goes.
  switch (context_->add(session, peer_address)) {
    case HttpServerContext::Admit::kAccepted:
      session->start();
      break;
    case HttpServerContext::Admit::kRefused:
      session->refuse();
      break;
    case HttpServerContext::Admit::kDropped:
      break;
  }
  accept();
}

void HttpListener::on_retry(beast::error_code ec) {
  if (ec) return;
  accept();
}

}  // namespace settled::adapters
