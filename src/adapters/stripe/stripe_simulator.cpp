#include "adapters/stripe/stripe_simulator.hpp"

#include "domain/json_limits.hpp"
#include "domain/money.hpp"

#include <boost/json.hpp>

#include <cctype>

namespace settled::adapters {

namespace json = boost::json;

namespace {

TaskOutcome stripe_failure(const std::string& type, const std::string& code,
                           const std::string& message, json::object extra = {}) {
  json::object error = std::move(extra);
  error["type"] = type;
  if (!code.empty()) error["code"] = code;
  error["message"] = message;
  return TaskOutcome::failure(stripe_error_name(type), json::serialize(error));
}

struct Decline {
  const char* method;
  const char* code;
  const char* decline_code;
  const char* message;
};

const Decline kDeclines[] = {
    {"pm_card_chargeDeclined", "card_declined", "generic_decline", "Your card was declined."},
    {"pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds",
     "Your card has insufficient funds."},
    {"pm_card_chargeDeclinedFraudulent", "card_declined", "fraudulent", "Your card was declined."},
    {"pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card", "Your card has expired."},
    {"pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc", "incorrect_cvc",
     "Your card's security code is incorrect."},
    {"pm_card_chargeDeclinedProcessingError", "processing_error", "processing_error",
     "An error occurred while processing your card. Try again in a little bit."},
};

// "pm_sim_timeout_2" -> 2 for prefix "pm_sim_timeout_"; -1 if the method is not of that form.
int trigger_count(const std::string& method, const std::string& prefix) {
  if (method.rfind(prefix, 0) != 0) return -1;
  const std::string digits = method.substr(prefix.size());
  if (digits.empty() || digits.size() > 3) return -1;
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
  }
  return std::stoi(digits);
}

// Checks the request as Stripe's API would, before anything executes (so nothing is stored).
std::optional<TaskOutcome> invalid_request(const json::value& params) {
  if (!params.is_object())
    return stripe_failure("invalid_request_error", "parameter_invalid",
                          "parameters must be an object");
  const auto& p = params.as_object();
  for (const auto& [key, value] : p) {
    static const char* known[] = {"amount",   "currency",       "payment_method",
                                  "confirm",  "customer",       "description",
                                  "metadata", "capture_method", "receipt_email"};
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok)
      return stripe_failure("invalid_request_error", "parameter_unknown",
                            "Received unknown parameter: " + std::string(key), {{"param", key}});
  }
  const json::value* amount = p.if_contains("amount");
  if (!amount)
    return stripe_failure("invalid_request_error", "parameter_missing",
                          "Missing required param: amount.", {{"param", "amount"}});
  auto parsed = parse_amount(*amount, "amount", AmountRule::kPositive);
  if (!parsed)
    return stripe_failure("invalid_request_error", "parameter_invalid_integer",
                          parsed.error().message, {{"param", "amount"}});
  if (*parsed > 99999999)
    return stripe_failure("invalid_request_error", "amount_too_large",
                          "Amount must be no more than 99999999", {{"param", "amount"}});
  const json::value* currency = p.if_contains("currency");
  if (!currency || !currency->is_string() || currency->as_string().size() != 3)
    return stripe_failure("invalid_request_error", "parameter_missing",
                          "Missing or invalid param: currency.", {{"param", "currency"}});
  const json::value* method = p.if_contains("payment_method");
  if (!method || !method->is_string())
    return stripe_failure("invalid_request_error", "parameter_missing",
                          "Missing required param: payment_method.", {{"param", "payment_method"}});
  if (const json::value* metadata = p.if_contains("metadata")) {
    if (!metadata->is_object())
      return stripe_failure("invalid_request_error", "parameter_invalid",
                            "metadata must be an object", {{"param", "metadata"}});
    for (const auto& [key, value] : metadata->as_object()) {
      if (!value.is_string())
        return stripe_failure(
            "invalid_request_error", "parameter_invalid",
            "metadata values must be strings (metadata[" + std::string(key) + "])",
            {{"param", "metadata"}});
    }
  }
  return std::nullopt;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

json::value outcome_to_json(const TaskOutcome& o) {
  json::object j;
  j["ok"] = o.ok;
  if (o.ok) {
    j["result"] = o.result;
  } else {
    j["error"] = o.error;
    j["cause"] = o.cause;
  }
  return j;
}

TaskOutcome outcome_from_json(const json::value& v) {
  const auto& j = v.as_object();
  if (j.at("ok").as_bool()) return TaskOutcome::success(j.at("result"));
  return TaskOutcome::failure(std::string(j.at("error").as_string()),
                              std::string(j.at("cause").as_string()));
}

}  // namespace

SimulatorDecision simulate_payment_intent_create(const TaskAttempt& attempt,
                                                 const std::optional<std::string>& stored,
                                                 int attempt_number, const std::string& new_id) {
  SimulatorDecision decision;
  if (stored) {
    const json::value entry = parse_stored_json(*stored);
    if (entry.at("params") != attempt.parameters) {
      decision.outcome = stripe_failure("idempotency_error", "idempotency_key_in_use",
                                        "Keys for idempotent requests can only be used with the "
                                        "same parameters they were first used with.");
      return decision;
    }
    decision.outcome = outcome_from_json(entry.at("response"));
    return decision;
  }
  if (auto invalid = invalid_request(attempt.parameters)) {
    decision.outcome = std::move(*invalid);
    return decision;
  }
  const auto& p = attempt.parameters.as_object();
  const std::string method(p.at("payment_method").as_string());

  // Failures before the request reaches Stripe's API: nothing executes, nothing is stored.
  if (int n = trigger_count(method, "pm_sim_rate_limited_"); n >= 0 && attempt_number <= n) {
    decision.outcome = stripe_failure("rate_limit_error", "rate_limit",
                                      "Too many requests hit the API too quickly. (simulated)");
    return decision;
  }
  if (method == "pm_sim_unavailable") {
    decision.outcome =
        stripe_failure("api_connection_error", "",
                       "Could not connect to Stripe (simulated outage). Outcome: not executed.");
    return decision;
  }

  json::object intent;
  intent["id"] = new_id;
  intent["object"] = "payment_intent";
  intent["amount"] = p.at("amount");
  intent["currency"] = lower(std::string(p.at("currency").as_string()));
  intent["payment_method"] = method;
  intent["description"] = p.contains("description") ? p.at("description") : json::value(nullptr);
  intent["customer"] = p.contains("customer") ? p.at("customer") : json::value(nullptr);
  intent["metadata"] = p.contains("metadata") ? p.at("metadata") : json::value(json::object());
  intent["created"] = attempt.now / 1000;
  intent["livemode"] = false;
  intent["idempotency_key"] = attempt.idempotency_key;

  const Decline* decline = nullptr;
  for (const auto& d : kDeclines) {
    if (method == d.method) decline = &d;
  }
  TaskOutcome response;
  if (decline) {
    intent["status"] = "requires_payment_method";
    json::object last_error{{"type", "card_error"},
                            {"code", decline->code},
                            {"decline_code", decline->decline_code},
                            {"message", decline->message}};
    intent["last_payment_error"] = last_error;
    response =
        stripe_failure("card_error", decline->code, decline->message,
                       {{"decline_code", decline->decline_code}, {"payment_intent", new_id}});
  } else if (method.rfind("pm_card_", 0) == 0 || method.rfind("pm_sim_", 0) == 0) {
    intent["status"] = "succeeded";
    intent["amount_received"] = p.at("amount");
    response = TaskOutcome::success(intent);
  } else {
    decision.outcome =
        stripe_failure("invalid_request_error", "resource_missing",
                       "No such PaymentMethod: '" + method + "'", {{"param", "payment_method"}});
    return decision;
  }

  json::object entry;
  entry["params"] = attempt.parameters;
  entry["response"] = outcome_to_json(response);
  decision.writes.put(Table::kStripeIntents, new_id, json::serialize(intent));
  decision.writes.put(Table::kStripeIdempotency, attempt.idempotency_key, json::serialize(entry));

  if (int n = trigger_count(method, "pm_sim_timeout_"); n >= 0 && attempt_number <= n) {
    // Executed and stored, but the caller never hears back.
    decision.outcome =
        stripe_failure("api_connection_error", "",
                       "Request to Stripe timed out (simulated); the outcome is unknown. "
                       "Retry with the same Idempotency-Key.");
  } else {
    decision.outcome = std::move(response);
  }
  return decision;
}

void log_request(WriteBatch& writes, const std::string& request_id, const TaskAttempt& attempt,
                 const TaskOutcome& outcome, bool replayed) {
  json::object entry;
  entry["id"] = request_id;
  entry["object"] = "request";
  entry["idempotency_key"] = attempt.idempotency_key;
  entry["outcome"] = outcome.ok ? std::string("succeeded") : outcome.error;
  entry["replayed"] = replayed;
  entry["created"] = attempt.now;
  writes.put(Table::kStripeRequests, request_id, json::serialize(entry));
}

json::object list_requests(const LmdbStore& store, std::size_t limit,
                           const std::string& starting_after, const std::string& idempotency_key) {
  json::array data;
  bool has_more = false;
  store.scan(
      Table::kStripeRequests, "",
      [&](std::string_view, std::string_view value) {
        json::value entry = json::parse(value);
        if (!idempotency_key.empty() && entry.at("idempotency_key") != idempotency_key.c_str())
          return true;
        if (limit != 0 && data.size() == limit) {
          has_more = true;
          return false;
        }
        data.push_back(std::move(entry));
        return true;
      },
      starting_after);
  json::object list;
  list["object"] = "list";
  list["url"] = "/v1/simulator/stripe/requests";
  list["has_more"] = has_more;
  list["data"] = std::move(data);
  return list;
}

json::object list_payment_intents(const LmdbStore& store, std::size_t limit,
                                  const std::string& starting_after) {
  json::array data;
  bool has_more = false;
  store.scan(
      Table::kStripeIntents, "",
      [&](std::string_view, std::string_view value) {
        if (limit != 0 && data.size() == limit) {
          has_more = true;
          return false;
        }
        data.push_back(parse_stored_json(value));
        return true;
      },
      starting_after);
  json::object list;
  list["object"] = "list";
  list["url"] = "/v1/simulator/stripe/payment_intents";
  list["has_more"] = has_more;
  list["data"] = std::move(data);
  return list;
}

}  // namespace settled::adapters
