#include "adapters/downstream/downstream_client.hpp"

#include "adapters/ops/log.hpp"
#include "domain/limits/throttle_pause.hpp"
#include "domain/random_source.hpp"

#include <boost/asio/post.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <utility>

namespace settled::adapters {

namespace json = boost::json;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;

bool header_safe(const std::string& value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

std::string unsent_explanation(const std::string& reason, const DownstreamOptions& options) {
  if (reason == "queue_full")
    return "settled's queue for " + options.display_name + " is full (" +
           std::to_string(options.max_queued) + " calls wait for the rate limit of " +
           std::to_string(options.max_requests_per_second) + "/s).";
  return "The call waited in settled's queue for " + options.display_name + " (rate limit " +
         std::to_string(options.max_requests_per_second) + "/s) until too little of its " +
         std::to_string(options.request_timeout.count()) + " ms timeout was left to send it.";
}

std::string header_of(const DownstreamConnection::Response& response, const char* name) {
  auto it = response.find(name);
  return it == response.end() ? std::string() : std::string(it->value());
}

std::string request_line(const DownstreamConnection::Request& request) {
  return std::string(request.method_string()) + " " + std::string(request.target());
}

Result<std::unique_ptr<DownstreamClient>> DownstreamClient::create(DownstreamOptions options,
                                                                   DownstreamEndpoint endpoint,
                                                                   DownstreamHooks hooks) {
  auto invalid = [&](const std::string& why) {
    return Error{ErrorCode::kInvalidRequest, options.display_name + " client: " + why};
  };
  if (options.max_connections == 0) return invalid("max_connections must be at least 1");
  if (options.request_timeout.count() <= 0) return invalid("request_timeout must be positive");
  if (options.io_threads == 0) return invalid("io_threads must be at least 1");
  if (options.max_requests_per_second == 0)
    return invalid("max_requests_per_second must be at least 1");
  if (!hooks.outcome || !hooks.unsent) return invalid("no outcome hooks");
  if (options.max_queued == 0) {
    // More could never be sent before their send-by time (half the timeout) at this rate.
    const auto half_timeout_ms = static_cast<std::size_t>(options.request_timeout.count()) / 2;
    options.max_queued =
        std::max<std::size_t>(1, options.max_requests_per_second * half_timeout_ms / 1000);
  }

  std::unique_ptr<DownstreamClient> client(
      new DownstreamClient(std::move(options), std::move(endpoint), std::move(hooks)));
  if (client->endpoint_.tls) {
    auto& tls = client->tls_.emplace(ssl::context::tls_client);
    boost::system::error_code ec;
    tls.set_default_verify_paths(ec);
    if (ec) return invalid("cannot load the system's trusted CAs: " + ec.message());
    if (!client->options_.ca_file.empty()) {
      tls.load_verify_file(client->options_.ca_file, ec);
      if (ec)
        return invalid("cannot load ca_file " + client->options_.ca_file + ": " + ec.message());
    }
    tls.set_verify_mode(ssl::verify_peer);
    SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
  }
  client->work_.emplace(client->ioc_.get_executor());
  for (std::size_t i = 0; i < client->options_.io_threads; ++i) {
    client->threads_.emplace_back([c = client.get()] { c->ioc_.run(); });
  }
  return client;
}

DownstreamClient::DownstreamClient(DownstreamOptions options, DownstreamEndpoint endpoint,
                                   DownstreamHooks hooks)
    : options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      hooks_(std::move(hooks)),
      ioc_(static_cast<int>(options_.io_threads)),
      metrics_(Metrics::instance().downstream(options_.name)),
      // One token: calls go out evenly spaced, so no one-second window holds more than the
      // limit (+1); a bigger burst would exceed the API's per-second limit right after a lull.
      bucket_(options_.max_requests_per_second, 1, Clock::now()),
      timer_(ioc_) {
  metrics_.limits(options_.max_requests_per_second, options_.max_connections, options_.max_queued);
}

DownstreamClient::~DownstreamClient() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (auto& connection : idle_) connection->close();
    queue_.clear();
    timer_.cancel();
  }
  work_.reset();
  ioc_.stop();
  for (auto& thread : threads_) thread.join();
  idle_.clear();
}

void DownstreamClient::answer(DownstreamCallback done, TaskOutcome outcome) {
  // From an io thread, as promised: callers need not expect a re-entrant call.
  net::post(ioc_, [done = std::move(done), outcome = std::move(outcome)]() mutable {
    done(std::move(outcome));
  });
}

void DownstreamClient::send(std::shared_ptr<const Request> request, DownstreamCallback done,
                            json::object log_fields) {
  Job job;
  job.request = std::move(request);
  job.done = std::move(done);
  job.log_fields = std::move(log_fields);
  job.deadline = Clock::now() + options_.request_timeout;
  job.send_by = job.deadline - options_.request_timeout / 2;
  submit(std::move(job));
}

DownstreamClient::Stats DownstreamClient::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Stats stats = stats_;
  stats.queued = queue_.size();
  return stats;
}

std::size_t DownstreamClient::peak_in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return peak_in_flight_;
}

std::size_t DownstreamClient::connections_opened() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return connections_opened_;
}

void DownstreamClient::submit(Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    if (queue_.size() >= options_.max_queued) {
      ++stats_.dropped_queue_full;
      metrics_.dropped("queue_full");
    } else {
      queue_.push_back(std::move(job));
      job.done = nullptr;
    }
  }
  if (job.done) return answer_unsent(std::move(job), "queue_full");
  dispatch();
}

void DownstreamClient::dispatch() {
  std::vector<std::pair<std::shared_ptr<DownstreamConnection>, Job>> sends;
  std::vector<Job> expired;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    const auto now = Clock::now();
    // Anywhere in the queue: a 429'd call goes back to the front with its older times.
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (it->send_by <= now) {
        expired.push_back(std::move(*it));
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
    // A token is taken only with a connection free, so none is wasted on a call that waits.
    const char* held_by = nullptr;
    while (!queue_.empty()) {
      if (in_flight_ >= options_.max_connections) {
        held_by = "concurrency";  // release() calls dispatch() again
        break;
      }
      if (const auto wait = bucket_.try_take(now); wait > wait.zero()) {
        held_by = bucket_.paused(now) ? "paused" : "rate";
        arm_timer_locked(now + wait);
        break;
      }
      ++in_flight_;
      peak_in_flight_ = std::max(peak_in_flight_, in_flight_);
      sends.emplace_back(take_connection_locked(), std::move(queue_.front()));
      queue_.pop_front();
    }
    if (!queue_.empty()) {
      auto first_send_by = Clock::time_point::max();
      for (auto& job : queue_) {
        first_send_by = std::min(first_send_by, job.send_by);
        if (!job.throttled) {
          job.throttled = true;
          ++stats_.throttled;
          metrics_.throttled(held_by);
        }
      }
      arm_timer_locked(first_send_by);
    }
    stats_.dropped_deadline += expired.size();
    metrics_.queue_depth(queue_.size());
    metrics_.in_flight(in_flight_);
  }
  for (auto& job : expired) {
    metrics_.dropped("deadline");
    answer_unsent(std::move(job), "deadline");
  }
  for (auto& [connection, job] : sends) run(std::move(connection), std::move(job));
}

void DownstreamClient::arm_timer_locked(Clock::time_point due) {
  if (timer_armed_ && timer_due_ <= due) return;
  timer_armed_ = true;
  timer_due_ = due;
  const auto generation = ++timer_generation_;
  timer_.expires_at(due);  // cancels the wait for a later time, whose handler then ignores it
  timer_.async_wait([this, generation](const boost::system::error_code& ec) {
    if (ec) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (generation != timer_generation_) return;
      timer_armed_ = false;
    }
    dispatch();
  });
}

void DownstreamClient::answer_unsent(Job job, const std::string& reason) {
  json::object fields{{"reason", reason}, {"request", request_line(*job.request)}};
  for (auto& field : job.log_fields) fields[field.key()] = field.value();
  log(LogLevel::kWarn, options_.name + ".request_not_sent", std::move(fields));
  // On an io thread, as every answer: submit() runs on the caller's.
  answer(std::move(job.done), hooks_.unsent(reason, options_));
}

std::shared_ptr<DownstreamConnection> DownstreamClient::take_connection_locked() {
  const auto now = Clock::now();
  while (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    if (connection->reusable() && now - connection->idle_since() < options_.idle_timeout)
      return connection;
    connection->close();
  }
  ++connections_opened_;
  return std::make_shared<DownstreamConnection>(ioc_, tls_ ? &*tls_ : nullptr, endpoint_);
}

void DownstreamClient::run(std::shared_ptr<DownstreamConnection> connection, Job job) {
  job.sent_at = Clock::now();
  auto request = job.request;
  const auto deadline = job.deadline;
  connection->exchange(
      std::move(request), deadline,
      [this, connection, job = std::move(job)](DownstreamConnection::Exchange exchange) mutable {
        on_exchange(std::move(connection), std::move(job), std::move(exchange));
      });
}

void DownstreamClient::on_exchange(std::shared_ptr<DownstreamConnection> connection, Job job,
                                   DownstreamConnection::Exchange exchange) {
  // A kept-alive connection the server had already closed fails before any answer. Sent once
  // more on a fresh connection when the API says a repeat is harmless (an Idempotency-Key, a
  // read).
  const bool stale = exchange.error && !exchange.timed_out && exchange.reused &&
                     !exchange.got_response && !job.resent &&
                     (!hooks_.may_resend || hooks_.may_resend(*job.request));
  if (stale) {
    job.resent = true;
    std::shared_ptr<DownstreamConnection> fresh;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      ++connections_opened_;
      fresh = std::make_shared<DownstreamConnection>(ioc_, tls_ ? &*tls_ : nullptr, endpoint_);
    }
    run(std::move(fresh), std::move(job));
    return;
  }
  if (!exchange.error && exchange.response.result_int() == 429) {
    if (on_rate_limited(connection, job, exchange)) return dispatch();
  } else if (!exchange.error) {
    std::lock_guard<std::mutex> lock(mutex_);
    consecutive_rate_limits_ = 0;
  }
  TaskOutcome outcome = hooks_.outcome(exchange, options_);
  if (!outcome.ok && (exchange.error || exchange.response.result_int() >= 500)) {
    json::object fields{{"error", outcome.error},
                        {"status", exchange.error ? 0u : exchange.response.result_int()},
                        {"request", request_line(*job.request)}};
    for (auto& field : job.log_fields) fields[field.key()] = field.value();
    fields["cause"] = outcome.cause;
    log(LogLevel::kWarn, options_.name + ".request_failed", std::move(fields));
  }
  release(std::move(connection));
  job.done(std::move(outcome));
}

bool DownstreamClient::on_rate_limited(const std::shared_ptr<DownstreamConnection>& connection,
                                       Job& job, const DownstreamConnection::Exchange& exchange) {
  // A 429'd request was not processed, so sending the very same one again is safe unless the
  // API says not to.
  const bool may_retry =
      !hooks_.may_retry_rate_limited || hooks_.may_retry_rate_limited(exchange.response);
  const std::string retry_after = header_of(exchange.response, "Retry-After");
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.rate_limited;
  metrics_.rate_limited();
  ++job.rate_limited;
  const auto now = Clock::now();
  // Every call to the API waits out the pause, not just this one: the queue is not sent into
  // a throttle the API has just announced.
  if (consecutive_rate_limits_ == 0 || job.sent_at >= pause_began_) {
    ++consecutive_rate_limits_;
    pause_began_ = now;
  }
  const auto pause = limits::throttle_pause(retry_after, consecutive_rate_limits_, system_random());
  bucket_.pause_until(now + pause);
  if (stopping_ || !may_retry || job.rate_limited > options_.max_rate_limit_retries ||
      now + pause >= job.send_by)
    return false;
  ++stats_.retried;
  metrics_.retried();
  release_locked(connection);
  queue_.push_front(std::move(job));  // the oldest call: first when the pause ends
  return true;
}

void DownstreamClient::release(std::shared_ptr<DownstreamConnection> connection) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    release_locked(std::move(connection));
    if (stopping_) return;
  }
  dispatch();
}

void DownstreamClient::release_locked(std::shared_ptr<DownstreamConnection> connection) {
  --in_flight_;
  if (!stopping_ && connection->reusable()) idle_.push_back(std::move(connection));
}

}  // namespace settled::adapters
