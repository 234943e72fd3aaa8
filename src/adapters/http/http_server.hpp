#pragma once
// The HTTP/1.1 server of the public API: Boost.Beast on a pool of io threads, keep-alive,
// body and header limits, idle timeouts. What a request means is the handler's business;
// this adapter only moves bytes and turns transport failures into JSON errors.

#include "adapters/http/http_message.hpp"
#include "domain/result.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace settled::adapters {

class HttpListener;
class HttpServerContext;
class LoopLagProbe;

class HttpServer {
 public:
  // Binds and starts accepting on `options.threads` io threads. kInternal with the address
  // and the reason if the address cannot be resolved or bound.
  static Result<std::unique_ptr<HttpServer>> start(HttpServerOptions options, HttpHandler handler);

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();  // stops and joins

  std::uint16_t port() const;  // the bound port (useful with port 0)
  std::string host() const;    // the bound address, e.g. "127.0.0.1"

  // Closes the acceptor (new connections are refused once this returns, unless called
  // on an io thread) and asks every session to finish its current request and close;
  // idle sessions close at once. Watch open_sessions() to know when they are done.
  void stop_accepting();
  // Closes everything and joins the io threads; idempotent. Responders called afterwards
  // do nothing. Must not be called on an io thread.
  void stop();
  std::size_t open_sessions() const;

 private:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  void run_thread();

  std::unique_ptr<boost::asio::io_context> ioc_;  // first: outlives everything below
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::shared_ptr<LoopLagProbe> loop_lag_;
  std::shared_ptr<HttpServerContext> context_;
  std::shared_ptr<HttpListener> listener_;
  std::vector<std::thread> threads_;
  std::string host_;
  std::uint16_t port_ = 0;

  std::mutex stop_mutex_;  // serializes stop() and stop_accepting()
  bool stopped_ = false;
  std::mutex run_mutex_;
  std::condition_variable run_cv_;
  std::size_t running_threads_ = 0;
};

}  // namespace settled::adapters
