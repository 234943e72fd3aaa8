#pragma once
// A loopback HTTPS server for tests: TLS with a given certificate, one request per
// connection, answered by a handler. Its own thread accepts and serves one connection at a
// time, which is all a webhook test needs. Header-only so adapter and integration tests share it.

#include "support/self_signed_cert.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace settled::testing {

class TlsHttpServer {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  using Handler = std::function<Response(const Request&)>;

  TlsHttpServer(const SelfSignedCert& cert, Handler handler)
      : tls_(boost::asio::ssl::context::tls_server),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}),
        handler_(std::move(handler)) {
    tls_.use_certificate_chain(boost::asio::buffer(cert.cert_pem));
    tls_.use_private_key(boost::asio::buffer(cert.key_pem), boost::asio::ssl::context::pem);
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { serve(); });
  }

  TlsHttpServer(const TlsHttpServer&) = delete;
  TlsHttpServer& operator=(const TlsHttpServer&) = delete;

  ~TlsHttpServer() {
    stopping_ = true;
    boost::system::error_code ignored;
    // Wake the blocking accept with a connection of our own.
    boost::asio::ip::tcp::socket poke(io_);
    poke.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ignored);
    thread_.join();
  }

  unsigned short port() const { return port_; }

  // Handshakes that failed (e.g. the client did not trust the certificate).
  int failed_handshakes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return failed_handshakes_;
  }

  // The client learns of a refused handshake before this server's side has ended: wait (up to
  // `deadline`) until `count` have failed here. Returns how many have.
  int wait_for_failed_handshakes(int count, std::chrono::milliseconds deadline) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, deadline, [&] { return failed_handshakes_ >= count; });
    return failed_handshakes_;
  }

 private:
  void serve() {
    namespace beast = boost::beast;
    while (!stopping_) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) continue;
      beast::ssl_stream<boost::asio::ip::tcp::socket> stream(std::move(socket), tls_);
      stream.handshake(boost::asio::ssl::stream_base::server, ec);
      if (ec) {
        std::lock_guard<std::mutex> lock(mutex_);
        ++failed_handshakes_;
        changed_.notify_all();
        continue;
      }
      beast::flat_buffer buffer;
      Request req;
      beast::http::read(stream, buffer, req, ec);
      if (ec) continue;
      Response res = handler_(req);
      res.version(11);
      res.keep_alive(false);
      res.prepare_payload();
      beast::http::write(stream, res, ec);
      stream.shutdown(ec);
    }
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  Handler handler_;
  unsigned short port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int failed_handshakes_ = 0;
  std::thread thread_;
};

}  // namespace settled::testing
