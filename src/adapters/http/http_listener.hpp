#pragma once
// Accepts connections and starts an HttpSession for each, on its own strand.

#include "domain/result.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include <functional>
#include <memory>

namespace settled::adapters {

class HttpServerContext;

class HttpListener : public std::enable_shared_from_this<HttpListener> {
 public:
  HttpListener(boost::asio::io_context& ioc, std::shared_ptr<HttpServerContext> context);

  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // Opens, binds and listens, synchronously, so that start() can report a taken port.
  Status listen(const boost::asio::ip::tcp::endpoint& endpoint);
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Starts accepting on the io threads.
  void start();
  // Thread-safe: closes the acceptor on its strand, then calls `done` there.
  void close(std::function<void()> done);

 private:
  void accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  void on_retry(boost::beast::error_code ec);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<HttpServerContext> context_;
  boost::asio::ip::tcp::endpoint endpoint_;
  bool closed_ = false;
};

}  // namespace settled::adapters
