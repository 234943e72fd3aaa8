#include "adapters/stripe/stripe_client.hpp"

#include "adapters/ops/log.hpp"
#include "adapters/stripe/stripe_errors.hpp"
#include "adapters/stripe/stripe_form.hpp"
#include "adapters/stripe/stripe_response.hpp"
#include "domain/stripe/stripe_calls.hpp"
#include "domain/stripe/unknown_outcome.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <utility>

namespace settled::adapters {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

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

std::string idempotency_key_of(const DownstreamConnection::Request& request) {
  auto it = request.find("Idempotency-Key");
  return it == request.end() ? std::string() : std::string(it->value());
}

bool starts_with(const std::string& text, const char* prefix) {
  return text.rfind(prefix, 0) == 0;
}

// A call answered unsent: the queue was full, or it waited past its send-by time.
TaskOutcome unsent_outcome(const std::string& reason, const DownstreamOptions& options) {
  const bool full = reason == "queue_full";
  std::string message = unsent_explanation(reason, options);
  message +=
      " The request was not sent, so nothing was charged. Retry with the same Idempotency-Key.";
  const json::object error{{"type", "rate_limit_error"},
                           {"code", full ? "settled_queue_full" : "settled_queue_timeout"},
                           {"message", std::move(message)}};
  return TaskOutcome::failure(stripe_error_name("rate_limit_error"), json::serialize(error));
}

TaskOutcome outcome_of(const DownstreamConnection::Exchange& exchange,
                       const DownstreamOptions& options) {
  if (!exchange.error) {
    return stripe_response_outcome(exchange.response.result_int(), exchange.response.body());
  }
  if (exchange.timed_out) {
    return stripe_connection_failure("Request to Stripe timed out: no answer " +
                                         std::to_string(options.request_timeout.count()) +
                                         " ms after the call (during " + exchange.stage + ")",
                                     exchange.maybe_sent);
  }
  return stripe_connection_failure(
      "Connection to Stripe failed during " + exchange.stage + ": " + exchange.error.message(),
      exchange.maybe_sent);
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
  if (options.max_requests_per_second == 0)
    options.max_requests_per_second = default_stripe_requests_per_second(options.secret_key);

  DownstreamOptions downstream = downstream_options(options, "Stripe");
  DownstreamHooks hooks;
  hooks.outcome = outcome_of;
  hooks.unsent = unsent_outcome;
  // Stripe-Should-Retry: false says not to send a 429'd request again.
  hooks.may_retry_rate_limited = [](const DownstreamConnection::Response& response) {
    return header_of(response, "Stripe-Should-Retry") != "false";
  };
  // Every POST carries its Idempotency-Key and a GET is a read: a resend after a stale
  // connection cannot execute anything twice (Stripe would replay the first result).
  hooks.may_resend = nullptr;
  auto client =
      DownstreamClient::create(std::move(downstream), std::move(*endpoint), std::move(hooks));
  if (!client) return client.error();
  options.max_queued = (*client)->options().max_queued;
  return std::shared_ptr<StripeClient>(new StripeClient(std::move(options), std::move(*client)));
}

StripeClient::StripeClient(StripeClientOptions options,
                           std::unique_ptr<DownstreamClient> downstream)
    : options_(std::move(options)), downstream_(std::move(downstream)) {}

void StripeClient::create_payment_intent(const TaskAttempt& attempt, StripeCallback done) {
  TaskAttempt create = attempt;
  create.resource = "settled:stripe.paymentIntents.create";
  make_resource_call(create, std::move(done));
}

void StripeClient::make_resource_call(const TaskAttempt& attempt, StripeCallback done) {
  auto request = build_request(attempt);
  if (!request) {
    downstream_->answer(std::move(done), std::move(request.error()));
    return;
  }
  if (attempt.resolve_only) {
    // Only the question whether it was executed; nothing is sent again.
    auto lookup =
        stripe::outcome_lookup(attempt.resource, attempt.parameters, attempt.key_first_used);
    if (!lookup) {
      downstream_->answer(std::move(done),
                          stripe::unknown_outcome(attempt.resource + " is not looked up"));
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
  std::string target = downstream_->endpoint().path_prefix + plan->path;
  if (!post && !form->empty()) target += "?" + query_of(*form);
  auto request =
      std::make_shared<Request>(post ? http::verb::post : http::verb::get, std::move(target), 11);
  request->set(http::field::host, downstream_->endpoint().host_header);
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
  json::object fields{{"idempotencyKey", idempotency_key_of(*request)}};
  downstream_->send(std::move(request), std::move(done), std::move(fields));
}

}  // namespace settled::adapters
