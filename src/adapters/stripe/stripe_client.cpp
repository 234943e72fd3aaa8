#include "adapters/stripe/stripe_client.hpp"

#include "adapters/ops/log.hpp"
#include "adapters/stripe/stripe_errors.hpp"
#include "adapters/stripe/stripe_form.hpp"
#include "adapters/stripe/stripe_response.hpp"
#include "domain/limits/throttle_pause.hpp"
#include "domain/random_source.hpp"
#include "domain/stripe/stripe_calls.hpp"
#include "domain/stripe/unknown_outcome.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include <openssl/ssl.h>

#include <algorithm>
#include <utility>

namespace settled::adapters {

namespace http = boost::beast::http;
namespace json = boost::json;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;

namespace {

// A header value that cannot smuggle another header or break the request line.
bool header_safe(const std::string& value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// Refused before anything is sent, named as Stripe's answer would be.
TaskOutcome refused(const stripe::StripeError& error) {
  return TaskOutcome::failure(stripe_error_name(error.type), json::serialize(error.to_json()));
}

// The form as a query string: the structural brackets percent-encoded too (RFC 3986 does not
// allow them bare in a query; Stripe reads both). Values are already encoded, so every
// bracket left is structure.
std::string query_of(const std::string& form) {
  std::string query;
  query.reserve(form.size() + 8);
  for (char c : form) {
    if (c == '[') {
      query += "%5B";
    } else if (c == ']') {
      query += "%5D";
    } else {
      query += c;
    }
  }
  return query;
}

std::string idempotency_key_of(const StripeConnection::Request& request) {
  auto it = request.find("Idempotency-Key");
  return it == request.end() ? std::string() : std::string(it->value());
}

std::string header_of(const StripeConnection::Response& response, const char* name) {
  auto it = response.find(name);
  return it == response.end() ? std::string() : std::string(it->value());
}

bool starts_with(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

// Stripe's documented default limits ("Rate limits"): 100 read and 100 write operations per
// second in live mode, 25 in test mode. A key of neither known form gets the lower one.
constexpr std::uint32_t kLiveRequestsPerSecond = 100;
constexpr std::uint32_t kTestRequestsPerSecond = 25;

}  // namespace

std::uint32_t default_stripe_requests_per_second(const std::string& secret_key) {
  return starts_with(secret_key, "sk_live_") || starts_with(secret_key, "rk_live_")
             ? kLiveRequestsPerSecond
             : kTestRequestsPerSecond;
}

Result<std::shared_ptr<StripeClient>> StripeClient::create(StripeClientOptions options) {
  auto invalid = [](const std::string& why) {
    return Error{ErrorCode::kInvalidRequest, "Stripe client: " + why};
  };
  auto endpoint = parse_stripe_endpoint(options.api_base);
  if (!endpoint) return endpoint.error();
  if (options.secret_key.empty()) return invalid("no secret key configured");
  if (!header_safe(options.secret_key) || options.secret_key.find(' ') != std::string::npos) {
    return invalid("the secret key contains spaces or control characters");
  }
  if (options.stripe_version.empty() || !header_safe(options.stripe_version))
    return invalid("the Stripe-Version must be a plain non-empty string");
  if (options.max_connections == 0) return invalid("max_connections must be at least 1");
  if (options.request_timeout.count() <= 0) return invalid("request_timeout must be positive");
  if (options.io_threads == 0) return invalid("io_threads must be at least 1");
  if (options.max_requests_per_second == 0)
    options.max_requests_per_second = default_stripe_requests_per_second(options.secret_key);
  if (options.max_queued == 0) {
    // More could never be sent before their send-by time (half the timeout) at this rate.
    const auto half_timeout_ms = static_cast<std::size_t>(options.request_timeout.count()) / 2;
    options.max_queued =
        std::max<std::size_t>(1, options.max_requests_per_second * half_timeout_ms / 1000);
  }

  std::shared_ptr<StripeClient> client(new StripeClient(std::move(options), *endpoint));
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

StripeClient::StripeClient(StripeClientOptions options, StripeEndpoint endpoint)
    : options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      ioc_(static_cast<int>(options_.io_threads)),
      metrics_(Metrics::instance().downstream(options_.downstream_name)),
      // One token: calls go out evenly spaced, so no one-second window holds more than the
      // limit (+1); a bigger burst would exceed Stripe's per-second limit right after a lull.
      bucket_(options_.max_requests_per_second, 1, Clock::now()),
      timer_(ioc_) {
  metrics_.limits(options_.max_requests_per_second, options_.max_connections, options_.max_queued);
}

StripeClient::~StripeClient() {
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

void StripeClient::create_payment_intent(const TaskAttempt& attempt, StripeCallback done) {
  TaskAttempt create = attempt;
  create.resource = "settled:stripe.paymentIntents.create";
  make_resource_call(create, std::move(done));
}

void StripeClient::make_resource_call(const TaskAttempt& attempt, StripeCallback done) {
  auto request = build_request(attempt);
  if (!request) {
    // Still from an io thread, as promised: callers need not expect a re-entrant call.
    net::post(ioc_, [done = std::move(done), outcome = std::move(request.error())]() mutable {
      done(std::move(outcome));
    });
    return;
  }
  if (attempt.resolve_only) {
    // Only the question whether it was executed; nothing is sent again.
    auto lookup =
        stripe::outcome_lookup(attempt.resource, attempt.parameters, attempt.key_first_used);
    if (!lookup) {
      net::post(ioc_, [done = std::move(done), resource = attempt.resource]() mutable {
        done(stripe::unknown_outcome(resource + " is not looked up"));
      });
      return;
    }
    look_up(std::make_shared<const stripe::OutcomeLookup>(std::move(*lookup)),
            attempt.idempotency_key, nullptr, std::move(done), std::string(), 0);
    return;
  }
  if ((*request)->method() == http::verb::post &&
      stripe::key_may_have_expired(attempt.key_first_used, attempt.now)) {
    // Stripe may have forgotten the key: a resend could execute twice. Look first
    // (stripe_client_lookup.cpp).
    if (auto lookup =
            stripe::outcome_lookup(attempt.resource, attempt.parameters, attempt.key_first_used)) {
      look_up(std::make_shared<const stripe::OutcomeLookup>(std::move(*lookup)),
              attempt.idempotency_key, std::move(*request), std::move(done), std::string(), 0);
      return;
    }
  }
  send(std::move(*request), std::move(done));
}

Result<std::shared_ptr<const StripeClient::Request>, TaskOutcome> StripeClient::build_request(
    const TaskAttempt& attempt) const {
  auto plan = stripe::plan_stripe_request(attempt.resource, attempt.parameters);
  if (!plan) return refused(plan.error());
  auto form = encode_stripe_form(json::value(plan->params));
  if (!form) {
    return refused(stripe::invalid_request(form.error().code == ErrorCode::kInvalidAmount
                                               ? "parameter_invalid_integer"
                                               : "parameter_invalid",
                                           form.error().message));
  }
  const bool post = plan->call->method == stripe::HttpMethod::kPost;
  if (post && (attempt.idempotency_key.empty() || !header_safe(attempt.idempotency_key))) {
    // Without a key a retried charge could charge twice: never send one.
    return refused(stripe::invalid_request(
        "idempotency_key_invalid", "every Stripe POST needs a printable Idempotency-Key; got '" +
                                       attempt.idempotency_key + "'"));
  }

  // A GET carries its parameters in the query string and no Idempotency-Key: Stripe takes
  // keys on POSTs only, and a read is safe to repeat.
  std::string target = endpoint_.path_prefix + plan->path;
  if (!post && !form->empty()) target += "?" + query_of(*form);
  auto request =
      std::make_shared<Request>(post ? http::verb::post : http::verb::get, std::move(target), 11);
  request->set(http::field::host, endpoint_.host_header);
  request->set(http::field::authorization, "Bearer " + options_.secret_key);
  request->set("Stripe-Version", options_.stripe_version);
  if (!plan->stripe_account.empty()) request->set("Stripe-Account", plan->stripe_account);
  request->set(http::field::accept, "application/json");
  request->set(http::field::user_agent, "settled/0.1");
  request->keep_alive(true);
  if (post) {
    request->set("Idempotency-Key", attempt.idempotency_key);
    request->set(http::field::content_type, "application/x-www-form-urlencoded");
    request->body() = std::move(*form);
  }
  request->prepare_payload();
  return std::shared_ptr<const Request>(std::move(request));
}

void StripeClient::send(std::shared_ptr<const Request> request, StripeCallback done) {
  Job job;
  job.request = std::move(request);
  job.done = std::move(done);
  job.deadline = Clock::now() + options_.request_timeout;
  job.send_by = job.deadline - options_.request_timeout / 2;
  submit(std::move(job));
}

StripeClient::Stats StripeClient::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Stats stats = stats_;
  stats.queued = queue_.size();
  return stats;
}

std::size_t StripeClient::peak_in_flight() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return peak_in_flight_;
}

std::size_t StripeClient::connections_opened() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return connections_opened_;
}

void StripeClient::submit(Job job) {
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

void StripeClient::dispatch() {
  std::vector<std::pair<std::shared_ptr<StripeConnection>, Job>> sends;
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

void StripeClient::arm_timer_locked(Clock::time_point due) {
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

void StripeClient::answer_unsent(Job job, const std::string& reason) {
  const bool full = reason == "queue_full";
  std::string message =
      full ? "settled's queue for Stripe is full (" + std::to_string(options_.max_queued) +
                 " calls wait for the rate limit of " +
                 std::to_string(options_.max_requests_per_second) + "/s)."
           : "The call waited in settled's queue for Stripe (rate limit " +
                 std::to_string(options_.max_requests_per_second) + "/s) until too little of its " +
                 std::to_string(options_.request_timeout.count()) +
                 " ms timeout was left to send it.";
  message +=
      " The request was not sent, so nothing was charged. Retry with the same Idempotency-Key.";
  log(LogLevel::kWarn, "stripe.request_not_sent",
      {{"reason", reason},
       {"request",
        std::string(job.request->method_string()) + " " + std::string(job.request->target())},
       {"idempotencyKey", idempotency_key_of(*job.request)}});
  const json::object error{{"type", "rate_limit_error"},
                           {"code", full ? "settled_queue_full" : "settled_queue_timeout"},
                           {"message", std::move(message)}};
  // On an io thread, as every answer: submit() runs on the caller's.
  net::post(ioc_, [done = std::move(job.done), error]() mutable {
    done(TaskOutcome::failure(stripe_error_name("rate_limit_error"), json::serialize(error)));
  });
}

std::shared_ptr<StripeConnection> StripeClient::take_connection_locked() {
  const auto now = StripeConnection::Clock::now();
  while (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    if (connection->reusable() && now - connection->idle_since() < options_.idle_timeout)
      return connection;
    connection->close();
  }
  ++connections_opened_;
  return std::make_shared<StripeConnection>(ioc_, tls_ ? &*tls_ : nullptr, endpoint_);
}

void StripeClient::run(std::shared_ptr<StripeConnection> connection, Job job) {
  job.sent_at = Clock::now();
  auto request = job.request;
  const auto deadline = job.deadline;
  connection->exchange(
      std::move(request), deadline,
      [this, connection, job = std::move(job)](StripeConnection::Exchange exchange) mutable {
        on_exchange(std::move(connection), std::move(job), std::move(exchange));
      });
}

void StripeClient::on_exchange(std::shared_ptr<StripeConnection> connection, Job job,
                               StripeConnection::Exchange exchange) {
  // A kept-alive connection the server had already closed fails before any answer. The request
  // carries its Idempotency-Key, so sending it once more on a fresh connection is safe even if
  // it did arrive: Stripe would replay the first result.
  const bool stale = exchange.error && !exchange.timed_out && exchange.reused &&
                     !exchange.got_response && !job.resent;
  if (stale) {
    job.resent = true;
    std::shared_ptr<StripeConnection> fresh;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      ++connections_opened_;
      fresh = std::make_shared<StripeConnection>(ioc_, tls_ ? &*tls_ : nullptr, endpoint_);
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
  TaskOutcome outcome = outcome_of(exchange);
  if (!outcome.ok && (exchange.error || exchange.response.result_int() >= 500)) {
    log(LogLevel::kWarn, "stripe.request_failed",
        {{"error", outcome.error},
         {"status", exchange.error ? 0u : exchange.response.result_int()},
         {"request",
          std::string(job.request->method_string()) + " " + std::string(job.request->target())},
         {"idempotencyKey", idempotency_key_of(*job.request)},
         {"cause", outcome.cause}});
  }
  release(std::move(connection));
  job.done(std::move(outcome));
}

bool StripeClient::on_rate_limited(const std::shared_ptr<StripeConnection>& connection, Job& job,
                                   const StripeConnection::Exchange& exchange) {
  // Stripe never processed a 429'd request, so sending the very same one again (same
  // Idempotency-Key) is safe; Stripe-Should-Retry: false says not to.
  const bool may_retry = header_of(exchange.response, "Stripe-Should-Retry") != "false";
  const std::string retry_after = header_of(exchange.response, "Retry-After");
  std::lock_guard<std::mutex> lock(mutex_);
  ++stats_.rate_limited;
  metrics_.rate_limited();
  ++job.rate_limited;
  const auto now = Clock::now();
  // Every call to Stripe waits out the pause, not just this one: the queue is not sent into
  // a throttle Stripe has just announced.
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

void StripeClient::release(std::shared_ptr<StripeConnection> connection) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    release_locked(std::move(connection));
    if (stopping_) return;
  }
  dispatch();
}

void StripeClient::release_locked(std::shared_ptr<StripeConnection> connection) {
  --in_flight_;
  if (!stopping_ && connection->reusable()) idle_.push_back(std::move(connection));
}

TaskOutcome StripeClient::outcome_of(const StripeConnection::Exchange& exchange) const {
  if (!exchange.error) {
    return stripe_response_outcome(exchange.response.result_int(), exchange.response.body());
  }
  if (exchange.timed_out) {
    return stripe_connection_failure("Request to Stripe timed out: no answer " +
                                         std::to_string(options_.request_timeout.count()) +
                                         " ms after the call (during " + exchange.stage + ")",
                                     exchange.maybe_sent);
  }
  return stripe_connection_failure(
      "Connection to Stripe failed during " + exchange.stage + ": " + exchange.error.message(),
      exchange.maybe_sent);
}

}  // namespace settled::adapters
