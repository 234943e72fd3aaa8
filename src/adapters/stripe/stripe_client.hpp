#pragma once
// The live Stripe client: every call of domain/stripe/stripe_calls.hpp over HTTPS with Stripe's
// form encoding, a Bearer secret key, a pinned Stripe-Version and the attempt's Idempotency-Key on
// every POST, through a small pool of kept-alive connections. Calls wait in a bounded queue
// until both a rate token and a connection are free; each carries its deadline and is answered
// unsent once it can no longer be sent in time; a 429 pauses every call to Stripe. Answers
// become TaskOutcomes named as the simulator names them (docs/stripe-client.md).

#include "adapters/ops/metrics.hpp"
#include "adapters/stripe/stripe_connection.hpp"
#include "adapters/stripe/stripe_endpoint.hpp"
#include "domain/limits/token_bucket.hpp"
#include "domain/resources/task_outcome.hpp"
#include "domain/result.hpp"
#include "domain/stripe/unknown_outcome.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

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
  // Requests sent per second at most (evenly spaced: a token bucket of one). 0: Stripe's
  // documented limit for the key's mode, 100 with a live key (sk_live_, rk_live_), else 25.
  std::uint32_t max_requests_per_second = 0;
  // Calls waiting at most; one more is refused at once. 0: as many as the rate can still send
  // before they must be dropped (rate x half the request timeout).
  std::size_t max_queued = 0;
  // 429s the client answers by sending the same request again (same Idempotency-Key), after
  // the pause, while the call's send-by time allows. 0: every 429 goes to the workflow.
  unsigned max_rate_limit_retries = 2;
  // From the moment a call is made to its answer, its wait in the queue included. Below the
  // payment workflow's TimeoutSeconds (30), so the engine sees the more precise
  // Stripe.APIConnectionError rather than States.Timeout. A call is sent only while at least
  // half of it is left; later it is answered unsent (Stripe.RateLimitError).
  std::chrono::milliseconds request_timeout{20000};
  // A pooled connection idle longer than this is closed instead of reused; servers drop
  // idle connections, and a fresh one is cheaper than a failed write.
  std::chrono::milliseconds idle_timeout{30000};
  std::size_t io_threads = 1;
  std::string ca_file;  // extra trusted CAs (PEM) besides the system's; "" = system only
  std::string downstream_name = "stripe";  // the `downstream` label of its metrics
};

// The requests-per-second limit a secret key gets when none is configured.
std::uint32_t default_stripe_requests_per_second(const std::string& secret_key);

using StripeCallback = std::function<void(TaskOutcome)>;

class StripeClient {
 public:
  // Starts the io threads. kInvalidRequest for a bad base URL, an empty or malformed secret
  // key, a zero concurrency limit or timeout, or an unreadable ca_file.
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

  // The limits in force (defaults resolved).
  std::uint32_t max_requests_per_second() const { return options_.max_requests_per_second; }
  std::size_t max_queued() const { return options_.max_queued; }

  // For tests; /metrics has the same as counters over every client of the process.
  struct Stats {
    std::size_t queued = 0;            // waiting now
    std::size_t throttled = 0;         // calls that could not be sent at once
    std::size_t rate_limited = 0;      // 429 answers
    std::size_t retried = 0;           // 429'd calls sent again by the client
    std::size_t dropped_deadline = 0;  // answered unsent: past their send-by time
    std::size_t dropped_queue_full = 0;
  };
  Stats stats() const;
  std::size_t peak_in_flight() const;
  std::size_t connections_opened() const;

 private:
  using Request = StripeConnection::Request;
  using Clock = StripeConnection::Clock;
  struct Job {
    std::shared_ptr<const Request> request;
    StripeCallback done;
    Clock::time_point deadline;  // answered by then, however long it queued
    Clock::time_point send_by;   // not sent after this (half the timeout before the deadline)
    Clock::time_point sent_at;   // its latest send
    bool resent = false;         // sent again after a stale pooled connection
    bool throttled = false;      // counted once as throttled
    unsigned rate_limited = 0;   // 429s answered to it so far
  };

  StripeClient(StripeClientOptions options, StripeEndpoint endpoint);
  // The HTTP request of `attempt`, or the refusal it gets unsent.
  Result<std::shared_ptr<const Request>, TaskOutcome> build_request(
      const TaskAttempt& attempt) const;
  // Queues `request` with its deadline and send-by time.
  void send(std::shared_ptr<const Request> request, StripeCallback done);
  // Reads page `page` (after `after`) of the events of `lookup`: the call with `key` found
  // executed is answered with what Stripe answered; found not executed, `original` is sent
  // (null: answered Stripe.APIConnectionError, not executed);
  // when the events cannot be read, the outcome stays unknown (stripe_client_lookup.cpp).
  void look_up(std::shared_ptr<const stripe::OutcomeLookup> lookup, std::string key,
               std::shared_ptr<const Request> original, StripeCallback done, std::string after,
               int page);
  void submit(Job job);
  // Sends what the limits allow, answers what can no longer be sent, and sets the timer for
  // the next token or send-by time. Takes the lock; call it whenever a call or slot frees up.
  void dispatch();
  void arm_timer_locked(Clock::time_point due);
  // Called with the lock held; a connection for a new exchange, pooled or new.
  std::shared_ptr<StripeConnection> take_connection_locked();
  void run(std::shared_ptr<StripeConnection> connection, Job job);
  void on_exchange(std::shared_ptr<StripeConnection> connection, Job job,
                   StripeConnection::Exchange exchange);
  // True if the 429'd `job` went back to the queue to be sent again.
  bool on_rate_limited(const std::shared_ptr<StripeConnection>& connection, Job& job,
                       const StripeConnection::Exchange& exchange);
  void release(std::shared_ptr<StripeConnection> connection);
  void release_locked(std::shared_ptr<StripeConnection> connection);
  TaskOutcome outcome_of(const StripeConnection::Exchange& exchange) const;
  // The answer for a call never sent, on an io thread.
  void answer_unsent(Job job, const std::string& reason);

  const StripeClientOptions options_;
  const StripeEndpoint endpoint_;
  boost::asio::io_context ioc_;  // before everything that uses it
  std::optional<boost::asio::ssl::context> tls_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  DownstreamMetrics metrics_;

  mutable std::mutex mutex_;
  limits::TokenBucket bucket_;
  boost::asio::steady_timer timer_;  // wakes dispatch() for a token or a send-by time
  bool timer_armed_ = false;
  Clock::time_point timer_due_;
  std::uint64_t timer_generation_ = 0;  // a wait that was re-armed ignores its own expiry
  // 429s in a row, for the backoff; a 429 to a request sent before the latest pause began
  // (several in flight at once) does not lengthen it.
  unsigned consecutive_rate_limits_ = 0;
  Clock::time_point pause_began_;
  std::deque<Job> queue_;                                // waiting for a token and a connection
  std::vector<std::shared_ptr<StripeConnection>> idle_;  // most recently used last
  std::size_t in_flight_ = 0;
  std::size_t peak_in_flight_ = 0;
  std::size_t connections_opened_ = 0;
  Stats stats_;
  bool stopping_ = false;
};

}  // namespace settled::adapters
