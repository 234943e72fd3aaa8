#include "adapters/stripe/stripe_client.hpp"

#include "adapters/ops/log.hpp"
#include "adapters/stripe/stripe_errors.hpp"
#include "adapters/stripe/stripe_form.hpp"
#include "adapters/stripe/stripe_response.hpp"
#include "domain/stripe/stripe_calls.hpp"

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

}  // namespace

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
      ioc_(static_cast<int>(options_.io_threads)) {}

StripeClient::~StripeClient() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (auto& connection : idle_) connection->close();
    queue_.clear();
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
  auto plan = stripe::plan_stripe_request(attempt.resource, attempt.parameters);
  std::optional<TaskOutcome> refusal;
  Result<std::string> form = std::string();
  if (!plan) {
    refusal = refused(plan.error());
  } else if (form = encode_stripe_form(json::value(plan->params)); !form) {
    refusal = refused(stripe::invalid_request(form.error().code == ErrorCode::kInvalidAmount
                                                  ? "parameter_invalid_integer"
                                                  : "parameter_invalid",
                                              form.error().message));
  }
  const bool post = plan && plan->call->method == stripe::HttpMethod::kPost;
  if (!refusal && post &&
      (attempt.idempotency_key.empty() || !header_safe(attempt.idempotency_key))) {
    // Without a key a retried charge could charge twice: never send one.
    refusal = refused(stripe::invalid_request(
        "idempotency_key_invalid", "every Stripe POST needs a printable Idempotency-Key; got '" +
                                       attempt.idempotency_key + "'"));
  }
  if (refusal) {
    // Still from an io thread, as promised: callers need not expect a re-entrant call.
    net::post(ioc_, [done = std::move(done), outcome = std::move(*refusal)]() mutable {
      done(std::move(outcome));
    });
    return;
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
  submit(Job{std::move(request), std::move(done), std::nullopt, false});
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
  std::shared_ptr<StripeConnection> connection;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    if (in_flight_ >= options_.max_connections) {
      queue_.push_back(std::move(job));
      return;
    }
    ++in_flight_;
    peak_in_flight_ = std::max(peak_in_flight_, in_flight_);
    connection = take_connection_locked();
  }
  run(std::move(connection), std::move(job));
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
  if (!job.deadline) job.deadline = StripeConnection::Clock::now() + options_.request_timeout;
  auto request = job.request;
  const auto deadline = *job.deadline;
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

void StripeClient::release(std::shared_ptr<StripeConnection> connection) {
  Job next;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      --in_flight_;
      return;
    }
    if (connection->reusable()) idle_.push_back(std::move(connection));
    if (queue_.empty()) {
      --in_flight_;
      return;
    }
    // The slot passes straight to the oldest waiting request.
    next = std::move(queue_.front());
    queue_.pop_front();
    connection = take_connection_locked();
  }
  run(std::move(connection), std::move(next));
}

TaskOutcome StripeClient::outcome_of(const StripeConnection::Exchange& exchange) const {
  if (!exchange.error) {
    return stripe_response_outcome(exchange.response.result_int(), exchange.response.body());
  }
  if (exchange.timed_out) {
    return stripe_connection_failure("Request to Stripe timed out after " +
                                         std::to_string(options_.request_timeout.count()) +
                                         " ms (during " + exchange.stage + ")",
                                     exchange.maybe_sent);
  }
  return stripe_connection_failure(
      "Connection to Stripe failed during " + exchange.stage + ": " + exchange.error.message(),
      exchange.maybe_sent);
}

}  // namespace settled::adapters
