#pragma once
// The live Stripe client: every call of domain/stripe/stripe_calls.hpp over HTTPS with Stripe's
// form encoding, a Bearer secret key, a pinned Stripe-Version and the attempt's Idempotency-Key on
// every POST, sent by the shared downstream client (adapters/downstream/downstream_client.hpp:
// pool of kept-alive connections, bounded queue with send-by times, rate limit, pause after a
// 429). Answers become TaskOutcomes named as the simulator names them (docs/stripe-client.md).

#include "adapters/downstream/downstream_client.hpp"
#include "adapters/stripe/stripe_endpoint.hpp"
#include "domain/resources/task_outcome.hpp"
#include "domain/result.hpp"
#include "domain/stripe/unknown_outcome.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

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

using StripeCallback = DownstreamCallback;

class StripeClient {
 public:
  // Starts the io threads. kInvalidRequest for a bad base URL, an empty or malformed secret
  // key, a zero concurrency limit or timeout, or an unreadable ca_file.
  static Result<std::shared_ptr<StripeClient>> create(StripeClientOptions options);

  StripeClient(const StripeClient&) = delete;
  StripeClient& operator=(const StripeClient&) = delete;
  // Closes every connection and joins the io threads; callbacks of requests still open are
  // dropped. Must not run on one of the client's io threads.
  ~StripeClient() = default;

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
  std::uint32_t max_requests_per_second() const {
    return downstream_->options().max_requests_per_second;
  }
  std::size_t max_queued() const { return downstream_->options().max_queued; }

  // For tests; /metrics has the same as counters over every client of the process.
  using Stats = DownstreamClient::Stats;
  Stats stats() const { return downstream_->stats(); }
  std::size_t peak_in_flight() const { return downstream_->peak_in_flight(); }
  std::size_t connections_opened() const { return downstream_->connections_opened(); }

 private:
  using Request = DownstreamClient::Request;

  StripeClient(StripeClientOptions options, std::unique_ptr<DownstreamClient> downstream);
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

  const StripeClientOptions options_;
  // Last: destroyed first, so no io thread runs a callback into a half-destroyed client.
  const std::unique_ptr<DownstreamClient> downstream_;
};

}  // namespace settled::adapters
