#include "adapters/lambda/http_invoke_client.hpp"

#include "domain/resources/lambda_answer.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include <utility>

namespace settled::adapters {

namespace http = boost::beast::http;
namespace json = boost::json;

TaskOutcome http_invoke_outcome(const DownstreamConnection::Exchange& exchange,
                                const DownstreamOptions& options) {
  if (!exchange.error)
    return aws::lambda_answer(exchange.response.result_int(),
                              header_of(exchange.response, "X-Amz-Function-Error"),
                              exchange.response.body());
  const std::string what =
      exchange.timed_out
          ? "The call to function " + options.display_name + " timed out: no answer " +
                std::to_string(options.request_timeout.count()) + " ms after the call (during " +
                exchange.stage + ")"
          : "The call to function " + options.display_name + " failed during " + exchange.stage +
                ": " + exchange.error.message();
  if (!exchange.maybe_sent)
    return TaskOutcome::failure(aws::kLambdaSdkClient, what + ". The request was not sent.");
  return TaskOutcome::failure(aws::kLambdaUnknown,
                              what + ". The function may have run: its outcome is unknown.");
}

namespace {

TaskOutcome unsent_outcome(const std::string& reason, const DownstreamOptions& options) {
  return TaskOutcome::failure(aws::kLambdaTooManyRequests,
                              unsent_explanation(reason, options) + " The request was not sent.");
}

}  // namespace

Result<std::shared_ptr<HttpInvokeClient>> HttpInvokeClient::create(const aws::ResourceMap& map,
                                                                   HttpInvokeOptions options) {
  std::shared_ptr<HttpInvokeClient> client(new HttpInvokeClient());
  for (const auto& [function, url] : map.function_urls) {
    auto endpoint = parse_downstream_endpoint(url, "function " + function);
    if (!endpoint)
      return Error{ErrorCode::kInvalidRequest,
                   "invalid value for resource-map: " + endpoint.error().message};
    DownstreamOptions downstream;
    downstream.name = "lambda";
    downstream.display_name = function;
    downstream.max_connections = options.max_connections;
    downstream.max_requests_per_second = options.max_requests_per_second;
    downstream.max_rate_limit_retries = 0;  // a 429 is Lambda.TooManyRequestsException: Retry's
    downstream.request_timeout = options.request_timeout;
    downstream.idle_timeout = options.idle_timeout;
    downstream.ca_file = options.ca_file;
    DownstreamHooks hooks;
    hooks.outcome = http_invoke_outcome;
    hooks.unsent = unsent_outcome;
    hooks.may_retry_rate_limited = [](const DownstreamConnection::Response&) { return false; };
    hooks.may_resend = [](const DownstreamConnection::Request&) { return false; };
    auto made =
        DownstreamClient::create(std::move(downstream), std::move(*endpoint), std::move(hooks));
    if (!made) return made.error();
    client->functions_.emplace(function, std::move(*made));
  }
  return client;
}

void HttpInvokeClient::make_resource_call(const TaskAttempt& attempt, DownstreamCallback done) {
  const json::object* p = attempt.parameters.if_object();
  const json::value* name = p ? p->if_contains("FunctionName") : nullptr;
  auto it = name && name->is_string() ? functions_.find(std::string(name->as_string()))
                                      : functions_.end();
  if (it == functions_.end()) {
    done(TaskOutcome::failure(
        aws::kLambdaResourceNotFound,
        "Function not found: " + (name ? json::serialize(*name) : std::string("(none)")) +
            " (no resource-map entry maps it to a URL)"));
    return;
  }
  DownstreamClient& downstream = *it->second;
  const json::value* payload = p->if_contains("Payload");
  const auto& endpoint = downstream.endpoint();
  auto request = std::make_shared<DownstreamConnection::Request>(
      http::verb::post, endpoint.path_prefix.empty() ? "/" : endpoint.path_prefix, 11);
  request->set(http::field::host, endpoint.host_header);
  request->set(http::field::content_type, "application/json");
  request->set(http::field::accept, "application/json");
  request->set(http::field::user_agent, "settled/0.1");
  // What Lambda's context would carry: the attempt, so the function can deduplicate a retry.
  if (header_safe(attempt.idempotency_key))
    request->set("X-Settled-Idempotency-Key", attempt.idempotency_key);
  request->keep_alive(true);
  request->body() = payload ? json::serialize(*payload) : std::string("{}");
  request->prepare_payload();
  json::object fields{{"executionId", attempt.execution_id},
                      {"state", attempt.state_name},
                      {"function", it->first}};
  downstream.send(std::move(request), std::move(done), std::move(fields));
}

}  // namespace settled::adapters
