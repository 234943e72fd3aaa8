#include "adapters/stripe/stripe_response.hpp"

#include "adapters/stripe/stripe_errors.hpp"
#include "domain/stripe/unknown_outcome.hpp"

#include <boost/json.hpp>

namespace settled::adapters {

namespace json = boost::json;

namespace {

std::string type_for_status(unsigned status) {
  if (status == 401) return "authentication_error";
  if (status == 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  if (status == 402) return "card_error";
  if (status == 400 || status == 404) return "invalid_request_error";
  return "api_error";
}

TaskOutcome failure(json::object error) {
  const json::string* type = error.contains("type") ? error["type"].if_string() : nullptr;
  return TaskOutcome::failure(stripe_error_name(type ? std::string(*type) : std::string()),
                              json::serialize(error));
}

}  // namespace

TaskOutcome stripe_response_outcome(unsigned status, std::string_view body) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec) parsed = nullptr;

  if (status >= 200 && status < 300) {
    if (parsed.is_object()) return TaskOutcome::success(std::move(parsed));
    return failure({{"type", "api_error"},
                    {"message", "Stripe answered HTTP " + std::to_string(status) +
                                    " with a body that is not a JSON object"}});
  }

  json::object error;
  if (parsed.is_object()) {
    if (json::value* e = parsed.as_object().if_contains("error"); e && e->is_object())
      error = std::move(e->as_object());
  }
  const json::string* type = error.contains("type") ? error["type"].if_string() : nullptr;
  if (!type) error["type"] = type_for_status(status);
  if (!error.contains("message"))
    error["message"] = "Stripe answered HTTP " + std::to_string(status);

  // The status decides where Stripe's meaning is fixed, whatever the type says.
  std::string name;
  if (status == 401) {
    name = stripe_error_name("authentication_error");
  } else if (status == 429) {
    name = stripe_error_name("rate_limit_error");
  } else if (status >= 500) {
    name = stripe_error_name("api_error");
  } else {
    name = stripe_error_name(std::string(error["type"].as_string()));
  }
  return TaskOutcome::failure(std::move(name), json::serialize(error));
}

TaskOutcome stripe_connection_failure(const std::string& what, bool maybe_sent) {
  if (maybe_sent)
    return stripe::unknown_outcome(
        what +
        ". The outcome is unknown: the request may have been executed. Retry with the same "
        "Idempotency-Key, which replays the first result instead of charging again.");
  return failure({{"type", "api_connection_error"},
                  {"message", what + ". The request was not sent. Retry with the same "
                                     "Idempotency-Key."}});
}

}  // namespace settled::adapters
