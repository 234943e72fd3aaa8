// The simulator's Connect calls (stripe_sim_call.hpp): connected accounts and their onboarding
// links, transfers from the platform to an account, payouts from an account's balance.

#include "adapters/stripe/stripe_sim_call.hpp"
#include "adapters/stripe/stripe_sim_lifecycle.hpp"
#include "domain/json_limits.hpp"
#include "domain/stripe/connect_balance.hpp"

#include <boost/json.hpp>

namespace settled::adapters::sim {

namespace json = boost::json;
using stripe::StripeError;

namespace {

const std::string kBalancePrefix = "balance:";

std::optional<StripeError> one_of(const SimCall& call, const char* name,
                                  std::initializer_list<const char*> values, bool required) {
  const json::value* v = call.param(name);
  if (!v) {
    if (!required) return std::nullopt;
    return stripe::invalid_request("parameter_missing",
                                   "Missing required param: " + std::string(name) + ".", name);
  }
  for (const char* allowed : values) {
    if (*v == allowed) return std::nullopt;
  }
  std::string list;
  for (const char* allowed : values) list += (list.empty() ? "" : ", ") + std::string(allowed);
  return stripe::invalid_request("parameter_invalid", std::string(name) + " must be one of " + list,
                                 name);
}

std::optional<StripeError> required_string(const SimCall& call, const char* name) {
  const json::value* v = call.param(name);
  if (!v || !v->is_string() || v->as_string().empty())
    return stripe::invalid_request("parameter_missing",
                                   "Missing required param: " + std::string(name) + ".", name);
  return std::nullopt;
}

json::object load_balance(SimCall& call, const std::string& account) {
  call.read_objects = true;
  if (!call.db) return {};
  auto stored = call.db->get(Table::kStripeObjects, kBalancePrefix + account);
  if (!stored) return {};
  json::value balance = parse_stored_json(*stored);
  return balance.is_object() ? std::move(balance.as_object()) : json::object();
}

void save_balance(SimCall& call, const std::string& account, const json::object& balance) {
  call.writes.put(Table::kStripeObjects, kBalancePrefix + account, json::serialize(balance));
}

}  // namespace

Answer create_account(SimCall& call) {
  if (auto e = unknown_parameter(call.params(), {"type", "country", "email", "business_type",
                                                 "capabilities", "metadata", "business_profile"}))
    return *e;
  if (auto e = one_of(call, "type", {"express", "standard", "custom"}, true)) return *e;
  if (auto e = check_metadata(call.param("metadata"))) return *e;
  const json::value* country = call.param("country");
  if (country && (!country->is_string() || country->as_string().size() != 2))
    return stripe::invalid_request("parameter_invalid", "country must be a two-letter code",
                                   "country");
  json::object capabilities;
  if (const json::value* requested = call.param("capabilities")) {
    if (!requested->is_object())
      return stripe::invalid_request("parameter_invalid", "capabilities must be an object",
                                     "capabilities");
    // Requested capabilities stay inactive until onboarding completes.
    for (const auto& [name, value] : requested->as_object()) capabilities[name] = "inactive";
  }
  json::object account;
  account["id"] = call.ids("acct_");
  account["object"] = "account";
  account["type"] = *call.param("type");
  account["country"] = country ? *country : json::value("US");
  account["email"] = call.param_or_null("email");
  account["business_type"] = call.param_or_null("business_type");
  account["business_profile"] =
      call.param("business_profile") ? *call.param("business_profile") : json::object();
  account["capabilities"] = std::move(capabilities);
  account["charges_enabled"] = false;
  account["payouts_enabled"] = false;
  account["details_submitted"] = false;
  account["requirements"] =
      json::object{{"currently_due", json::array{"external_account", "tos_acceptance.date"}},
                   {"disabled_reason", "requirements.past_due"}};
  account["metadata"] = call.metadata();
  account["created"] = call.now_seconds();
  account["livemode"] = false;
  call.save(Table::kStripeObjects, account);
  return account;
}

Answer retrieve_account(SimCall& call) {
  if (auto e = unknown_parameter(call.params(), {})) return *e;
  auto account = call.load(Table::kStripeObjects, call.request.object_id, "account");
  if (!account) return no_such("account", call.request.object_id, "account");
  return std::move(*account);
}

Answer create_account_link(SimCall& call) {
  if (auto e = unknown_parameter(call.params(),
                                 {"account", "type", "refresh_url", "return_url", "collect"}))
    return *e;
  if (auto e = required_string(call, "account")) return *e;
  if (auto e = one_of(call, "type", {"account_onboarding", "account_update"}, true)) return *e;
  if (auto e = required_string(call, "refresh_url")) return *e;
  if (auto e = required_string(call, "return_url")) return *e;
  if (auto e = one_of(call, "collect", {"currently_due", "eventually_due"}, false)) return *e;
  const std::string account_id(call.param("account")->as_string());
  auto account = call.load(Table::kStripeObjects, account_id, "account");
  if (!account) return no_such("account", account_id, "account");

  // Stripe's link has no id; the simulator keeps one so that its onboarding can be completed.
  const std::string link_id = call.ids("link_");
  json::object link;
  link["object"] = "account_link";
  link["created"] = call.now_seconds();
  link["expires_at"] = call.now_seconds() + 300;  // Stripe's links live five minutes
  // A reserved host (RFC 2606): nobody is sent to a real onboarding form by the simulator.
  link["url"] = "https://connect.simulator.invalid/v1/simulator/stripe/account_links/" + link_id;
  json::object stored = link;
  stored["id"] = link_id;
  stored["object"] = "simulator.account_link";  // internal; not a Stripe object
  stored["account"] = account_id;
  stored["type"] = *call.param("type");
  stored["refresh_url"] = *call.param("refresh_url");
  stored["return_url"] = *call.param("return_url");
  call.save(Table::kStripeObjects, stored);
  return link;
}

Answer create_transfer(SimCall& call) {
  if (auto e =
          unknown_parameter(call.params(), {"amount", "currency", "destination", "description",
                                            "metadata", "transfer_group", "source_transaction"}))
    return *e;
  auto money = money_params(call);
  if (!money) return money.error();
  if (auto e = required_string(call, "destination")) return *e;
  const std::string destination(call.param("destination")->as_string());
  if (!call.load(Table::kStripeObjects, destination, "account"))
    return no_such("destination", destination, "destination");

  json::object balance = load_balance(call, destination);
  stripe::credit(balance, money->currency, money->amount);
  json::object transfer;
  transfer["id"] = call.ids("tr_");
  transfer["object"] = "transfer";
  transfer["amount"] = money->amount;
  transfer["amount_reversed"] = 0;
  transfer["currency"] = money->currency;
  transfer["destination"] = destination;
  transfer["description"] = call.param_or_null("description");
  transfer["transfer_group"] = call.param_or_null("transfer_group");
  transfer["source_transaction"] = call.param_or_null("source_transaction");
  transfer["metadata"] = call.metadata();
  transfer["reversed"] = false;
  transfer["created"] = call.now_seconds();
  transfer["livemode"] = false;
  save_balance(call, destination, balance);
  call.save(Table::kStripeObjects, transfer);
  call.emit("transfer.created", transfer);
  return transfer;
}

Answer create_payout(SimCall& call) {
  if (auto e = unknown_parameter(call.params(), {"amount", "currency", "description", "metadata",
                                                 "method", "statement_descriptor", "destination"}))
    return *e;
  auto money = money_params(call);
  if (!money) return money.error();
  if (auto e = one_of(call, "method", {"standard", "instant"}, false)) return *e;
  const std::string& account = call.request.stripe_account;
  if (!call.load(Table::kStripeObjects, account, "account"))
    return stripe::invalid_request("account_invalid",
                                   "The provided key does not have access to account '" + account +
                                       "' (or that account does not exist).");
  json::object balance = load_balance(call, account);
  if (auto e = stripe::debit(balance, money->currency, money->amount)) return *e;

  json::object payout;
  payout["id"] = call.ids("po_");
  payout["object"] = "payout";
  payout["amount"] = money->amount;
  payout["currency"] = money->currency;
  const EpochMillis due = call.attempt.now + call.payout_delay_ms();
  payout["arrival_date"] = due / 1000;
  payout["automatic"] = false;
  payout["description"] = call.param_or_null("description");
  payout["destination"] = call.param_or_null("destination");
  payout["method"] = call.param("method") ? *call.param("method") : json::value("standard");
  payout["statement_descriptor"] = call.param_or_null("statement_descriptor");
  payout["metadata"] = call.metadata();
  payout["status"] = "pending";  // paid or failed at `due` (stripe_sim_lifecycle.cpp)
  payout["type"] = "bank_account";
  payout["failure_code"] = nullptr;
  payout["created"] = call.now_seconds();
  payout["livemode"] = false;
  save_balance(call, account, balance);
  call.save(Table::kStripeObjects, payout);
  // Durable, so a restart before `due` still settles it; the value is the account a failed
  // payout gives the money back to.
  call.writes.put(Table::kStripeObjects,
                  payout_due_key(due, std::string(payout.at("id").as_string())), account);
  call.emit("payout.created", payout, account);
  return payout;
}

}  // namespace settled::adapters::sim
