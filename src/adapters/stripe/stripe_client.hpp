#pragma once
// The live Stripe client: every call of domain/stripe/stripe_calls.hpp over HTTPS with Stripe's
// form encoding, a Bearer secret key, a pinned Stripe-Version and the attempt's Idempotency-Key on
// every POST, through a small pool of kept-alive connections with a concurrency limit and a
// per-request timeout. Answers become TaskOutcomes named as the simulator names them
// (docs/stripe-client.md).

#include "adapters/stripe/stripe_connection.hpp"
#include "adapters/stripe/stripe_endpoint.hpp"
#include "domain/resources/task_outcome.hpp"
#include "domain/result.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace settled::adapters {

struct StripeClientOptions {
  std::string secret_key;  // sk_live_... / sk_test_...; required
  // Stripe's documented API host. http:// only for a loopback fake (see parse_stripe_endpoint).
  std::string api_base = "https://api.stripe.com";
  std::string stripe_version = "2024-06-20";  // pinned, so Stripe cannot change shapes under us
  std::size_t max_connections = 8;            // requests in flight at once; the rest queue
  // From the moment a request gets a connection to its answer (connect and TLS included).
  // Below the payment workflow's TimeoutSeconds (30), so the engine sees the more precise
  // Stripe.APIConnectionError rather than States.Timeout.
  std::chrono::milliseconds request_timeout{20000};
  // A pooled connection idle longer than this is closed instead of reused; servers drop
  // idle connections, and a fresh one is cheaper than a failed write.
  std::chrono::milliseconds idle_timeout{30000};
  std::size_t io_threads = 1;
  std::string ca_file;  // extra trusted CAs (PEM) besides the system's; "" = system only
};

using StripeCallback = std::function<void(TaskOutcome)>;

class StripeClient {
 public:
  // Starts the io threads. kInvalidRequest for a bad base URL, an empty or malformed secret
  // key, a zero limit or timeout, or an unreadable ca_file.
  static Result<std::shared_ptr<StripeClient>> create(StripeClientOptions options);

  StripeClient(const StripeClient&) = delete;
  StripeClient& operator=(const StripeClient&) = delete;
  // Closes every connection and joins the io threads; callbacks of requests still open are
  // dropped. Must not run on one of the client's io threads.
  ~StripeClient();

  // Makes the Stripe call `attempt.resource` (domain/stripe/stripe_calls.hpp: method, path,
  // the `id` parameter in the path, `stripeAccount` as the Stripe-Account header) with the
  // rest of `attempt.parameters` as the form (POST, with `attempt.idempotency_key` as the
  // Idempotency-Key) or the query string (GET). `done` runs once, on an io thread. Parameters
  // Stripe cannot take (not an object, a float, a missing id) fail with
  // Stripe.InvalidRequestError before anything is sent.
  void make_resource_call(const TaskAttempt& attempt, StripeCallback done);
  // make_resource_call() as settled:stripe.paymentIntents.create, whatever the resource.
  void create_payment_intent(const TaskAttempt& attempt, StripeCallback done);

  // For tests and metrics.
  std::size_t peak_in_flight() const;
  std::size_t connections_opened() const;

 private:
  using Request = StripeConnection::Request;
  struct Job {
    std::shared_ptr<const Request> request;
    StripeCallback done;
    std::optional<StripeConnection::Clock::time_point> deadline;  // set when first sent
    bool resent = false;
  };

  StripeClient(StripeClientOptions options, StripeEndpoint endpoint);
  void submit(Job job);
  // Called with the lock held; a connection for a new exchange, pooled or new.
  std::shared_ptr<StripeConnection> take_connection_locked();
  void run(std::shared_ptr<StripeConnection> connection, Job job);
  void on_exchange(std::shared_ptr<StripeConnection> connection, Job job,
                   StripeConnection::Exchange exchange);
  void release(std::shared_ptr<StripeConnection> connection);
  TaskOutcome outcome_of(const StripeConnection::Exchange& exchange) const;

  const StripeClientOptions options_;
  const StripeEndpoint endpoint_;
  boost::asio::io_context ioc_;  // before everything that uses it
  std::optional<boost::asio::ssl::context> tls_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;

  mutable std::mutex mutex_;
  std::deque<Job> queue_;                                // waiting for a free slot
  std::vector<std::shared_ptr<StripeConnection>> idle_;  // most recently used last
  std::size_t in_flight_ = 0;
  std::size_t peak_in_flight_ = 0;
  std::size_t connections_opened_ = 0;
  bool stopping_ = false;
};

}  // namespace settled::adapters
