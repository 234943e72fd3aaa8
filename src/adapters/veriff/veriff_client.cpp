#include "adapters/veriff/veriff_client.hpp"

#include "domain/veriff/veriff_calls.hpp"
#include "domain/veriff/veriff_signature.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <utility>

namespace settled::adapters {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

// Veriff's error shape, {"status":"fail","code":...,"message":...}.
std::string veriff_error(const json::value& code, const std::string& message) {
  return json::serialize(json::object{{"status", "fail"}, {"code", code}, {"message", message}});
}

TaskOutcome unsent_outcome(const std::string& reason, const DownstreamOptions& options) {
  const bool full = reason == "queue_full";
  std::string message = unsent_explanation(reason, options);
  message += " The request was not sent: retrying it is safe.";
  return TaskOutcome::failure(
      veriff::kRateLimit,
      veriff_error(full ? "settled_queue_full" : "settled_queue_timeout", message));
}

}  // namespace

TaskOutcome veriff_exchange_outcome(const DownstreamConnection::Exchange& exchange,
                                    const DownstreamOptions& options) {
  if (!exchange.error) {
    const unsigned status = exchange.response.result_int();
    boost::system::error_code ec;
    json::value parsed = json::parse(exchange.response.body(), ec);
    if (ec) parsed = nullptr;
    if (status >= 200 && status < 300) {
      if (parsed.is_object()) return TaskOutcome::success(std::move(parsed));
      return TaskOutcome::failure(veriff::kApiError,
                                  veriff_error(static_cast<std::int64_t>(status),
                                               "Veriff answered HTTP " + std::to_string(status) +
                                                   " with a body that is not a JSON object"));
    }
    const std::string name = veriff::error_for_status(status);
    if (parsed.is_object()) return TaskOutcome::failure(name, json::serialize(parsed));
    return TaskOutcome::failure(name,
                                veriff_error(static_cast<std::int64_t>(status),
                                             "Veriff answered HTTP " + std::to_string(status)));
  }
  const std::string what = exchange.timed_out
                               ? "Request to Veriff timed out: no answer " +
                                     std::to_string(options.request_timeout.count()) +
                                     " ms after the call (during " + exchange.stage + ")"
                               : "Connection to Veriff failed during " + exchange.stage + ": " +
                                     exchange.error.message();
  if (!exchange.maybe_sent)
    return TaskOutcome::failure(
        veriff::kConnection,
        veriff_error("settled_not_sent", what + ". The request was not sent: retrying it is "
                                                "safe."));
  return TaskOutcome::failure(
      veriff::kUnknown,
      veriff_error("settled_unknown",
                   what + ". The outcome is unknown: the request may have reached Veriff. Veriff "
                          "takes no idempotency key, so a sessions.create sent again may create a "
                          "second session; a decision.get is a read and safe to send again."));
}

Result<std::shared_ptr<VeriffClient>> VeriffClient::create(VeriffClientOptions options) {
  auto invalid = [](const std::string& why) {
    return Error{ErrorCode::kInvalidRequest, "Veriff client: " + why};
  };
  if (options.api_base.empty()) return invalid("no API base URL configured");
  auto endpoint = parse_downstream_endpoint(options.api_base, "Veriff");
  if (!endpoint) return endpoint.error();
  if (options.api_key.empty()) return invalid("no API key configured");
  if (!header_safe(options.api_key) || options.api_key.find(' ') != std::string::npos)
    return invalid("the API key contains spaces or control characters");
  if (options.shared_secret.empty()) return invalid("no shared secret configured");

  DownstreamOptions downstream = downstream_options(options, "Veriff");
  DownstreamHooks hooks;
  hooks.outcome = veriff_exchange_outcome;
  hooks.unsent = unsent_outcome;
  // A 429'd request was not processed: sending it again after the pause creates nothing twice.
  hooks.may_retry_rate_limited = nullptr;
  // Without an idempotency key only a read may be sent again after a stale connection.
  hooks.may_resend = [](const DownstreamConnection::Request& request) {
    return request.method() == http::verb::get;
  };
  auto client =
      DownstreamClient::create(std::move(downstream), std::move(*endpoint), std::move(hooks));
  if (!client) return client.error();
  options.max_queued = (*client)->options().max_queued;
  return std::shared_ptr<VeriffClient>(new VeriffClient(std::move(options), std::move(*client)));
}

VeriffClient::VeriffClient(VeriffClientOptions options,
                           std::unique_ptr<DownstreamClient> downstream)
    : options_(std::move(options)), downstream_(std::move(downstream)) {}

void VeriffClient::make_resource_call(const TaskAttempt& attempt, DownstreamCallback done) {
  auto plan = veriff::plan_veriff_request(attempt.resource, attempt.parameters);
  if (!plan) {
    downstream_->answer(std::move(done),
                        TaskOutcome::failure(plan.error().error, plan.error().cause()));
    return;
  }
  const bool post = plan->method == "POST";
  const auto& endpoint = downstream_->endpoint();
  auto request = std::make_shared<DownstreamConnection::Request>(
      post ? http::verb::post : http::verb::get, endpoint.path_prefix + plan->path, 11);
  request->set(http::field::host, endpoint.host_header);
  request->set("X-AUTH-CLIENT", options_.api_key);
  request->set("X-HMAC-SIGNATURE",
               veriff::hmac_sha256_hex(plan->signed_payload, options_.shared_secret));
  request->set(http::field::accept, "application/json");
  request->set(http::field::content_type, "application/json");
  request->set(http::field::user_agent, "settled/0.1");
  request->keep_alive(true);
  if (post) request->body() = std::move(plan->body);
  request->prepare_payload();
  json::object fields{{"executionId", attempt.execution_id},
                      {"state", attempt.state_name},
                      {"resource", attempt.resource}};
  if (!plan->session_id.empty()) fields["sessionId"] = plan->session_id;
  downstream_->send(std::move(request), std::move(done), std::move(fields));
}

}  // namespace settled::adapters
