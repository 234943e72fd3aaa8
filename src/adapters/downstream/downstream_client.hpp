#pragma once
// What every live client of a downstream API (Stripe, Veriff) shares: a small pool of kept-alive
// HTTPS connections, a bounded queue where each call carries its deadline and its send-by time
// (answered unsent once it can no longer be sent in time), a token-bucket rate limit, a pause of
// every call after a 429 (limits/throttle_pause), the `downstream` metrics and the
// `<name>.request_not_sent` / `<name>.request_failed` log events (docs/architecture.md,
// "Downstream clients"). The API's own client builds the HTTP request and says, through its
// hooks, what an answer, a failure or an unsent call means to a workflow.

#include "adapters/downstream/downstream_connection.hpp"
#include "adapters/downstream/downstream_endpoint.hpp"
#include "adapters/ops/metrics.hpp"
#include "domain/limits/token_bucket.hpp"
#include "domain/resources/task_outcome.hpp"
#include "domain/result.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace settled::adapters {

struct DownstreamOptions {
  std::string name;          // "stripe": the metrics' `downstream` label, the log events' prefix
  std::string display_name;  // "Stripe": in messages
  std::size_t max_connections = 8;                   // requests in flight at once; the rest queue
  std::uint32_t max_requests_per_second = 25;        // evenly spaced (a token bucket of one)
  std::size_t max_queued = 0;                        // 0: rate x half the request timeout
  unsigned max_rate_limit_retries = 2;               // 429s answered by sending the call again
  std::chrono::milliseconds request_timeout{20000};  // call to answer, queueing included
  std::chrono::milliseconds idle_timeout{30000};     // a pooled connection idle longer is closed
  std::size_t io_threads = 1;
  std::string ca_file;  // extra trusted CAs (PEM) besides the system's; "" = system only
};

using DownstreamCallback = std::function<void(TaskOutcome)>;

// The API's meaning of what happened to a call. Each is called on an io thread, without the
// client's lock, and must not call back into the client.
struct DownstreamHooks {
  using Request = DownstreamConnection::Request;
  using Response = DownstreamConnection::Response;
  // An exchange that ended (a response of any status but a retried 429, or a failure).
  std::function<TaskOutcome(const DownstreamConnection::Exchange&, const DownstreamOptions&)>
      outcome;
  // A call answered without being sent; reason "queue_full" or "deadline".
  std::function<TaskOutcome(const std::string& reason, const DownstreamOptions&)> unsent;
  // A 429 the client may send again after the pause (the API did not process it). Null: yes.
  std::function<bool(const Response&)> may_retry_rate_limited;
  // A request whose kept-alive connection turned out closed before any answer may be sent
  // once more on a fresh one (it may have arrived: only if a repeat is harmless).
  std::function<bool(const Request&)> may_resend;
};

class DownstreamClient {
 public:
  using Request = DownstreamConnection::Request;
  using Clock = DownstreamConnection::Clock;

  // Starts the io threads. kInvalidRequest (naming display_name) for a zero concurrency, rate,
  // timeout or thread count, or an unreadable ca_file. max_queued 0 is resolved here.
  static Result<std::unique_ptr<DownstreamClient>> create(DownstreamOptions options,
                                                          DownstreamEndpoint endpoint,
                                                          DownstreamHooks hooks);

  DownstreamClient(const DownstreamClient&) = delete;
  DownstreamClient& operator=(const DownstreamClient&) = delete;
  // Closes every connection and joins the io threads; callbacks of requests still open are
  // dropped. Must not run on one of the client's io threads.
  ~DownstreamClient();

  // Queues `request`: `done` runs once, on an io thread. `log_fields` go with its log events
  // (executionId, idempotencyKey, ...).
  void send(std::shared_ptr<const Request> request, DownstreamCallback done,
            boost::json::object log_fields = {});
  // Answers `outcome` on an io thread, as every answer is (a refusal before sending).
  void answer(DownstreamCallback done, TaskOutcome outcome);

  const DownstreamOptions& options() const { return options_; }
  const DownstreamEndpoint& endpoint() const { return endpoint_; }

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
  struct Job {
    std::shared_ptr<const Request> request;
    DownstreamCallback done;
    boost::json::object log_fields;
    Clock::time_point deadline;  // answered by then, however long it queued
    Clock::time_point send_by;   // not sent after this (half the timeout before the deadline)
    Clock::time_point sent_at;   // its latest send
    bool resent = false;         // sent again after a stale pooled connection
    bool throttled = false;      // counted once as throttled
    unsigned rate_limited = 0;   // 429s answered to it so far
  };

  DownstreamClient(DownstreamOptions options, DownstreamEndpoint endpoint, DownstreamHooks hooks);
  void submit(Job job);
  // Sends what the limits allow, answers what can no longer be sent, and sets the timer for
  // the next token or send-by time. Takes the lock; call it whenever a call or slot frees up.
  void dispatch();
  void arm_timer_locked(Clock::time_point due);
  // Called with the lock held; a connection for a new exchange, pooled or new.
  std::shared_ptr<DownstreamConnection> take_connection_locked();
  void run(std::shared_ptr<DownstreamConnection> connection, Job job);
  void on_exchange(std::shared_ptr<DownstreamConnection> connection, Job job,
                   DownstreamConnection::Exchange exchange);
  // True if the 429'd `job` went back to the queue to be sent again.
  bool on_rate_limited(const std::shared_ptr<DownstreamConnection>& connection, Job& job,
                       const DownstreamConnection::Exchange& exchange);
  void release(std::shared_ptr<DownstreamConnection> connection);
  void release_locked(std::shared_ptr<DownstreamConnection> connection);
  // The answer for a call never sent, on an io thread.
  void answer_unsent(Job job, const std::string& reason);

  const DownstreamOptions options_;
  const DownstreamEndpoint endpoint_;
  const DownstreamHooks hooks_;
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
  std::deque<Job> queue_;                                    // waiting for a token and a connection
  std::vector<std::shared_ptr<DownstreamConnection>> idle_;  // most recently used last
  std::size_t in_flight_ = 0;
  std::size_t peak_in_flight_ = 0;
  std::size_t connections_opened_ = 0;
  Stats stats_;
  bool stopping_ = false;
};

// DownstreamOptions from an API client's options, which name their limits alike.
template <typename ClientOptions>
DownstreamOptions downstream_options(const ClientOptions& options, std::string display_name) {
  DownstreamOptions downstream;
  downstream.name = options.downstream_name;
  downstream.display_name = std::move(display_name);
  downstream.max_connections = options.max_connections;
  downstream.max_requests_per_second = options.max_requests_per_second;
  downstream.max_queued = options.max_queued;
  downstream.max_rate_limit_retries = options.max_rate_limit_retries;
  downstream.request_timeout = options.request_timeout;
  downstream.idle_timeout = options.idle_timeout;
  downstream.io_threads = options.io_threads;
  downstream.ca_file = options.ca_file;
  return downstream;
}

// Why a call was answered unsent (reason "queue_full" or "deadline"), naming the API and the
// limits, for the API's error message.
std::string unsent_explanation(const std::string& reason, const DownstreamOptions& options);

// A header value that cannot smuggle another header or break the request line.
bool header_safe(const std::string& value);

// The response header `name`, or "".
std::string header_of(const DownstreamConnection::Response& response, const char* name);
// "POST /v1/sessions": a request as its log events show it.
std::string request_line(const DownstreamConnection::Request& request);

}  // namespace settled::adapters
