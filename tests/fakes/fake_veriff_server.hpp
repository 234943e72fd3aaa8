#pragma once
// A loopback stand-in for Veriff's API over HTTPS (a throwaway self-signed certificate for
// 127.0.0.1, handed to the client as its CA file): `POST /v1/sessions` and
// `GET /v1/sessions/{id}/decision`, each checked as Veriff checks them (X-AUTH-CLIENT is the API
// key; X-HMAC-SIGNATURE the hex HMAC-SHA256 under the shared secret of the body on POST, of the
// session id on GET, computed here with OpenSSL's HMAC, not settled's code), answered in
// Veriff's shapes; faults on demand (429 with Retry-After, 500, no answer at all), and when
// each request arrived. A thread per connection, so a held answer does not stop the others.
// In the test support library, for adapter and integration tests.

#include "support/self_signed_cert.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace settled::testing {

class FakeVeriffServer {
 public:
  using Clock = std::chrono::steady_clock;
  using Headers = std::vector<std::pair<std::string, std::string>>;

  struct Recorded {
    std::string method;
    std::string target;
    std::string auth_client;  // X-AUTH-CLIENT
    std::string signature;    // X-HMAC-SIGNATURE
    std::string body;
    unsigned status = 0;  // what it was answered; 0: held (no answer)
    Clock::time_point received;
  };

  FakeVeriffServer(std::string api_key, std::string shared_secret);
  FakeVeriffServer(const FakeVeriffServer&) = delete;
  FakeVeriffServer& operator=(const FakeVeriffServer&) = delete;
  // Releases every held request without an answer, closes, joins.
  ~FakeVeriffServer();

  std::uint16_t port() const { return port_; }
  std::string base_url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  // The certificate's PEM, for the client's CA file.
  const std::string& cert_pem() const { return cert_.cert_pem; }

  // The session's decision from now on: `verification` is what decision.get answers (with the
  // session's id added); until set, it answers "verification": null.
  void decide(const std::string& session_id, boost::json::object verification);

  // Faults for the next `n` requests that pass the checks: answered `status` with `headers`
  // (429's Retry-After) and Veriff's error body; or read and never answered until the server
  // stops (hang_next).
  void fail_next(int n, unsigned status, Headers headers = {});
  void hang_next(int n);

  std::size_t sessions_created() const;
  std::vector<Recorded> recorded() const;
  // Polls until `n` requests have arrived.
  bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;

 private:
  struct Answer {
    unsigned status = 200;
    std::string body;
    Headers headers;
    bool hang = false;
  };
  void accept_loop();
  void serve(boost::asio::ip::tcp::socket socket);
  // Checks and answers one request (records it); with mutex_ held.
  Answer handle_locked(const std::string& method, const std::string& target,
                       const std::string& auth_client, const std::string& signature,
                       const std::string& body);

  const std::string api_key_;
  const std::string shared_secret_;
  SelfSignedCert cert_;
  boost::asio::io_context io_;
  boost::asio::ssl::context tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_thread_;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<std::thread> connections_;
  std::vector<std::shared_ptr<boost::asio::ip::tcp::socket>> sockets_;
  std::vector<Recorded> recorded_;
  std::map<std::string, boost::json::object> sessions_;  // id -> the session as created
  std::map<std::string, boost::json::object> decisions_;
  std::uint64_t next_id_ = 1;
  int fail_count_ = 0;
  unsigned fail_status_ = 500;
  Headers fail_headers_;
  int hang_count_ = 0;
};

}  // namespace settled::testing
