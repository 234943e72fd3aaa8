#pragma once
// A loopback stand-in for Stripe's `POST /v1/payment_intents`, on settled's own HttpServer:
// form-encoded parameters, Bearer key check, Idempotency-Key replay and mismatch, and faults
// on demand (429 with Retry-After / Stripe-Should-Retry, 500, late answers, a connection dropped
// after the intent was created), and when each request arrived.
// Every other route answers what a test set with answer(), so the client's other calls can be
// checked request by request (method, path and query, form, headers).
// In the test support library (tests/CMakeLists.txt), for adapter, actor and integration tests.

#include "adapters/http/http_server.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace settled::testing {

class FakeStripeServer {
 public:
  using Clock = std::chrono::steady_clock;
  using Form = std::vector<std::pair<std::string, std::string>>;  // decoded, in order

  // Every POST /v1/payment_intents and every request to a route set with answer() received,
  // refused ones (401, injected 429/500) included.
  struct Recorded {
    std::string method;  // "POST", "GET"
    std::string target;  // path and query, as sent
    std::string idempotency_key;
    std::string stripe_account;  // the Stripe-Account header ("" if none)
    unsigned status = 0;         // what it was answered; 0: not (yet) answered, or dropped
    std::string authorization;
    std::string stripe_version;
    std::string content_type;
    std::string body;
    Clock::time_point received;  // when its handler ran
  };
  using Headers = std::vector<std::pair<std::string, std::string>>;

  explicit FakeStripeServer(std::string secret_key = "sk_test_fake");

  FakeStripeServer(const FakeStripeServer&) = delete;
  FakeStripeServer& operator=(const FakeStripeServer&) = delete;

  ~FakeStripeServer();

  std::uint16_t port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& secret_key() const { return secret_key_; }

  // `method` `path` (without the query) is answered with `status` and `body` from now on.
  void answer(const std::string& method, const std::string& path, unsigned status,
              std::string body);

  // Fault injection; each applies to the next `n` POSTs that pass the key check. `headers` go
  // with each failure (a 429's Retry-After, Stripe-Should-Retry).
  void fail_next(int n, unsigned status, Headers headers = {});
  // Processes (and stores) the request at once but answers only after `delay`; an injected
  // failure (fail_next) is held too.
  void delay_next(int n, std::chrono::milliseconds delay);
  // Creates and stores the intent, then closes every connection without answering
  // (by restarting the server on the same port).
  void drop_next(int n);

  // Closes every open connection now (a restart on the same port), as a server dropping idle
  // kept-alive connections does. Not from a handler.
  void close_connections();

  // True once every requested drop has been followed by a restart that serves again.
  bool wait_until_serving(std::chrono::milliseconds timeout);

  // Polls until `n` answers are owed and not yet given (e.g. held by delay_next).
  bool wait_for_pending(std::size_t n, std::chrono::milliseconds timeout);

  std::size_t requests() const;
  std::size_t requests_for(const std::string& key) const;
  std::size_t intents_created() const;
  // Most requests in the server at once (received, not yet answered).
  std::size_t peak_in_progress() const;
  std::vector<Recorded> recorded() const;

  static std::string percent_decode(std::string_view text);

  static Form decode_form(std::string_view body);

 private:
  struct Stored {
    Form params;  // sorted: Stripe compares parameters, not their order
    unsigned status;
    std::string body;
  };
  struct Delayed {
    Clock::time_point due;
    adapters::HttpResponder responder;
    adapters::HttpResponse response;
  };

  std::unique_ptr<adapters::HttpServer> start_server();

  static adapters::HttpResponse error(unsigned status, const std::string& type,
                                      const std::string& code, const std::string& message,
                                      boost::json::object extra = {});

  void handle(adapters::HttpRequest request, adapters::HttpResponder responder);

  // Called with mutex_ held.
  adapters::HttpResponse create(const Form& params);

  void restart();

  void run_delayer();

  const std::string secret_key_;
  adapters::HttpServerOptions options_;
  std::uint16_t port_ = 0;
  std::mutex server_mutex_;  // guards server_ across restarts
  std::unique_ptr<adapters::HttpServer> server_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Recorded> recorded_;
  std::map<std::string, Stored> idempotent_;
  std::map<std::string, std::pair<unsigned, std::string>> answers_;  // "GET /v1/..." -> answer
  std::size_t intents_ = 0;
  std::size_t in_progress_ = 0;
  std::size_t peak_in_progress_ = 0;
  int fail_count_ = 0;
  unsigned fail_status_ = 500;
  Headers fail_headers_;
  int delay_count_ = 0;
  std::chrono::milliseconds delay_{0};
  int drop_count_ = 0;
  int restarts_requested_ = 0;
  int restarts_done_ = 0;
  std::vector<Delayed> delayed_;
  std::thread delayer_;
  std::vector<std::thread> restarters_;
  bool stopping_ = false;
};

}  // namespace settled::testing
