#include "adapters/http/http_server.hpp"

#include "adapters/http/http_listener.hpp"
#include "adapters/http/http_server_context.hpp"
#include "adapters/http/http_session.hpp"
#include "adapters/http/loop_lag_probe.hpp"
#include "adapters/ops/log.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <future>
#include <utility>

namespace settled::adapters {

namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

namespace {

// How long stop() lets closed sessions unwind before it abandons their handlers.
constexpr std::chrono::seconds kStopGrace{5};
// Fine enough to see a loop that is a few milliseconds behind; 500 wake-ups a second when idle.
constexpr std::chrono::milliseconds kLoopLagPeriod{2};

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler) {
  const int hint = static_cast<int>(std::max<std::size_t>(options.threads, 1));
  ioc_ = std::make_unique<net::io_context>(hint);
  context_ = std::make_shared<HttpServerContext>(std::move(options), std::move(handler));
  loop_lag_ = std::make_shared<LoopLagProbe>(
      *ioc_, kLoopLagPeriod,
      [context = context_](LoopLagProbe::Clock::duration lag) { context->set_loop_lag(lag); });
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(HttpServerOptions options,
                                                      HttpHandler handler) {
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(options), std::move(handler)));
  const HttpServerOptions& opts = server->context_->options();
  const std::string where = opts.host + ":" + std::to_string(opts.port);

  boost::system::error_code ec;
  tcp::endpoint endpoint;
  const net::ip::address address = net::ip::make_address(opts.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, opts.port);
  } else {
    tcp::resolver resolver(*server->ioc_);
    const auto results = resolver.resolve(opts.host, std::to_string(opts.port), ec);
    if (ec || results.empty()) {
      return Error{ErrorCode::kInternal, "cannot resolve HTTP address " + where + ": " +
                                             (ec ? ec.message() : std::string("no addresses"))};
    }
    endpoint = results.begin()->endpoint();
  }

  server->listener_ = std::make_shared<HttpListener>(*server->ioc_, server->context_);
  if (Status listening = server->listener_->listen(endpoint); !listening) {
    return listening.error();
  }
  const tcp::endpoint bound = server->listener_->local_endpoint();
  server->host_ = bound.address().to_string();
  server->port_ = bound.port();

  // Keeps run() going while no socket is busy, so late responders still get through.
  server->work_.emplace(server->ioc_->get_executor());
  server->listener_->start();
  server->loop_lag_->start();
  const std::size_t threads = std::max<std::size_t>(opts.threads, 1);
  server->running_threads_ = threads;
  for (std::size_t i = 0; i < threads; ++i) {
    server->threads_.emplace_back([s = server.get()] { s->run_thread(); });
  }
  return Result<std::unique_ptr<HttpServer>>(std::move(server));
}

HttpServer::~HttpServer() {
  stop();
  listener_.reset();
  // ioc_ goes last: handlers still queued in it own sessions whose sockets need it.
}

std::uint16_t HttpServer::port() const {
  return port_;
}

std::string HttpServer::host() const {
  return host_;
}

std::size_t HttpServer::open_sessions() const {
  return context_->size();
}

void HttpServer::run_thread() {
  for (;;) {
    try {
      ioc_->run();
      break;
    } catch (const std::exception& e) {
      // Handlers catch what the request handler throws; this is a bug in the adapter.
      log(LogLevel::kError, "http.io_thread_failed", {{"cause", e.what()}});
    }
  }
  std::lock_guard<std::mutex> lock(run_mutex_);
  --running_threads_;
  run_cv_.notify_all();
}

void HttpServer::stop_accepting() {
  std::lock_guard<std::mutex> lock(stop_mutex_);
  if (stopped_ || !listener_) return;
  if (ioc_->get_executor().running_in_this_thread()) {
    listener_->close(nullptr);
  } else {
    std::promise<void> closed;
    std::future<void> done = closed.get_future();
    listener_->close([&closed] { closed.set_value(); });
    done.wait();
  }
  for (const auto& session : context_->sessions()) session->drain();
}

void HttpServer::stop() {
  std::lock_guard<std::mutex> lock(stop_mutex_);
  if (stopped_) return;
  stopped_ = true;
  for (const auto& session : context_->stop()) session->close();
  if (listener_) listener_->close(nullptr);
  loop_lag_->stop();
  work_.reset();

  // Normally run() returns once the closed sockets have unwound; should some operation
  // outlive its close, stop the loop rather than wait for it forever.
  {
    std::unique_lock<std::mutex> lock_run(run_mutex_);
    if (!run_cv_.wait_for(lock_run, kStopGrace, [this] { return running_threads_ == 0; })) {
      log(LogLevel::kWarn, "http.stop_forced",
          {{"message", "HTTP sessions did not wind down in time; stopping the io threads"}});
      ioc_->stop();
    }
  }
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
  context_->clear();
}

}  // namespace settled::adapters
