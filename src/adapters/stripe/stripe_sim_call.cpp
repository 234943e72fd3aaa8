#include "adapters/stripe/stripe_sim_call.hpp"

#include "domain/json_append.hpp"
#include "domain/json_limits.hpp"
#include "domain/money.hpp"

#include <boost/json.hpp>

#include <cctype>

namespace settled::adapters::sim {

namespace json = boost::json;

std::optional<json::object> SimCall::load(Table table, const std::string& id,
                                          const char* object_type) {
  read_objects = true;
  if (!db) return std::nullopt;
  auto stored = db->get(table, id);
  if (!stored) return std::nullopt;
  json::value object = parse_stored_json(*stored);
  if (!object.is_object() || object.as_object().if_contains("object") == nullptr ||
      object.as_object().at("object") != object_type)
    return std::nullopt;
  return std::move(object.as_object());
}

std::string SimCall::save(Table table, const json::object& object) {
  std::string text;
  text.reserve(1024);
  append_json(text, object);
  writes.put(table, std::string(object.at("id").as_string()), text);
  return text;
}

void SimCall::save_text(Table table, std::string id, std::string text) {
  writes.put(table, std::move(id), std::move(text));
}

void SimCall::emit(const std::string& type, const json::object& object, const std::string& account,
                   const json::object* previous) {
  std::string object_text;
  object_text.reserve(1024);
  append_json(object_text, object);
  emit_text(type, object_text, account, previous);
}

// The event's JSON written directly, as json::serialize would write the object Stripe sends
// (same members, same order), without first copying `object` into one.
void SimCall::emit_text(const std::string& type, std::string_view object_text,
                        const std::string& account, const json::object* previous) {
  const std::string id = ids("evt_");
  std::string text;
  // The object and the envelope's few hundred bytes: the row waits in the batch until its commit,
  // so a fixed larger reserve would be memory held idle for every event of every call in flight.
  text.reserve(object_text.size() + 384);
  text += "{\"id\":";
  append_json_string(text, id);
  text += ",\"object\":\"event\",\"api_version\":\"2024-06-20\",\"created\":";
  text += std::to_string(now_seconds());
  text += ",\"type\":";
  append_json_string(text, type);
  text += ",\"data\":{\"object\":";
  text += object_text;
  if (previous) {
    text += ",\"previous_attributes\":";
    append_json(text, *previous);
  }
  text += "},\"livemode\":false,\"pending_webhooks\":";
  // One endpoint (the daemon's own) while webhooks are on; zeroed once it took the event.
  text += options && options->webhooks ? '1' : '0';
  // Events nobody requested (a payout settling, onboarding finishing) have a null request.
  text += ",\"request\":{\"id\":null,\"idempotency_key\":";
  if (attempt.idempotency_key.empty())
    text += "null";
  else
    append_json_string(text, attempt.idempotency_key);
  text += '}';
  if (!account.empty()) {
    text += ",\"account\":";
    append_json_string(text, account);
  }
  text += '}';
  writes.put(Table::kStripeSimEvents, id, std::move(text));
}

stripe::StripeError no_such(const std::string& what, const std::string& id,
                            const std::string& param) {
  return stripe::invalid_request("resource_missing", "No such " + what + ": '" + id + "'", param);
}

std::optional<stripe::StripeError> unknown_parameter(const json::object& params,
                                                     std::initializer_list<const char*> known) {
  for (const auto& [key, value] : params) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok)
      return stripe::invalid_request(
          "parameter_unknown", "Received unknown parameter: " + std::string(key), std::string(key));
  }
  return std::nullopt;
}

std::optional<stripe::StripeError> check_metadata(const json::value* metadata) {
  if (!metadata) return std::nullopt;
  if (!metadata->is_object())
    return stripe::invalid_request("parameter_invalid", "metadata must be an object", "metadata");
  for (const auto& [key, value] : metadata->as_object()) {
    if (!value.is_string())
      return stripe::invalid_request(
          "parameter_invalid",
          "metadata values must be strings (metadata[" + std::string(key) + "])", "metadata");
  }
  return std::nullopt;
}

Result<std::int64_t, stripe::StripeError> positive_amount(const json::value* value,
                                                          const char* name) {
  if (!value)
    return stripe::invalid_request("parameter_missing",
                                   "Missing required param: " + std::string(name) + ".", name);
  auto parsed = parse_amount(*value, name, AmountRule::kPositive);
  if (!parsed)
    return stripe::invalid_request("parameter_invalid_integer", parsed.error().message, name);
  if (*parsed > 99999999)
    return stripe::invalid_request("amount_too_large", "Amount must be no more than 99999999",
                                   name);
  return *parsed;
}

Result<std::string, stripe::StripeError> currency_param(const json::value* value) {
  if (!value || !value->is_string() || value->as_string().size() != 3)
    return stripe::invalid_request("parameter_missing", "Missing or invalid param: currency.",
                                   "currency");
  std::string currency(value->as_string());
  for (char& c : currency) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return currency;
}

Result<MoneyParams, stripe::StripeError> money_params(const SimCall& call) {
  auto amount = positive_amount(call.param("amount"), "amount");
  if (!amount) return amount.error();
  auto currency = currency_param(call.param("currency"));
  if (!currency) return currency.error();
  if (auto e = check_metadata(call.param("metadata"))) return *e;
  return MoneyParams{*amount, std::move(*currency)};
}

json::object stripe_list(const char* url, bool has_more, json::array data) {
  json::object list;
  list["object"] = "list";
  list["url"] = url;
  list["has_more"] = has_more;
  list["data"] = std::move(data);
  return list;
}

}  // namespace settled::adapters::sim
