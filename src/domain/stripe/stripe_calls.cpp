#include "domain/stripe/stripe_calls.hpp"

#include <algorithm>
#include <cctype>

namespace settled::stripe {

namespace {

constexpr std::string_view kIdPlaceholder = "{id}";

}  // namespace

const std::vector<StripeCall>& stripe_calls() {
  using H = HttpMethod;
  using A = StripeAccountHeader;
  static const std::vector<StripeCall> calls = {
      {"settled:stripe.paymentIntents.create", H::kPost, "/v1/payment_intents", A::kNone},
      {"settled:stripe.paymentIntents.confirm", H::kPost, "/v1/payment_intents/{id}/confirm",
       A::kNone},
      {"settled:stripe.paymentIntents.capture", H::kPost, "/v1/payment_intents/{id}/capture",
       A::kNone},
      {"settled:stripe.paymentIntents.cancel", H::kPost, "/v1/payment_intents/{id}/cancel",
       A::kNone},
      {"settled:stripe.paymentIntents.retrieve", H::kGet, "/v1/payment_intents/{id}", A::kNone},
      {"settled:stripe.refunds.create", H::kPost, "/v1/refunds", A::kNone},
      {"settled:stripe.transfers.create", H::kPost, "/v1/transfers", A::kNone},
      {"settled:stripe.payouts.create", H::kPost, "/v1/payouts", A::kRequired},
      {"settled:stripe.accounts.create", H::kPost, "/v1/accounts", A::kNone},
      {"settled:stripe.accountLinks.create", H::kPost, "/v1/account_links", A::kNone},
      {"settled:stripe.accounts.retrieve", H::kGet, "/v1/accounts/{id}", A::kNone},
      {"settled:stripe.events.list", H::kGet, "/v1/events", A::kOptional},
  };
  return calls;
}

const StripeCall* find_stripe_call(std::string_view resource) {
  const auto& calls = stripe_calls();
  auto it = std::find_if(calls.begin(), calls.end(),
                         [&](const StripeCall& c) { return c.resource == resource; });
  return it == calls.end() ? nullptr : &*it;
}

bool is_stripe_id(std::string_view id, std::string_view prefix) {
  if (id.empty() || id.size() > 255 || id.substr(0, prefix.size()) != prefix) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

Result<StripeRequest, StripeError> plan_stripe_request(std::string_view resource,
                                                       const boost::json::value& parameters) {
  StripeRequest request;
  request.call = find_stripe_call(resource);
  if (!request.call)
    return invalid_request("resource_missing",
                           "settled has no Stripe call named " + std::string(resource));
  if (!parameters.is_object())
    return invalid_request("parameter_invalid", "the task's Parameters must be a JSON object");
  request.params = parameters.as_object();
  request.path = std::string(request.call->path);

  if (const auto at = request.path.find(kIdPlaceholder); at != std::string::npos) {
    const boost::json::value* id = request.params.if_contains("id");
    if (!id) return invalid_request("parameter_missing", "Missing required param: id.", "id");
    if (!id->is_string() || !is_stripe_id(id->as_string()))
      return invalid_request("parameter_invalid",
                             "id must be a Stripe object id (letters, digits and '_')", "id");
    request.object_id = std::string(id->as_string());
    request.path.replace(at, kIdPlaceholder.size(), request.object_id);
    request.params.erase("id");
  }

  const std::string account_param(kStripeAccountParameter);
  const boost::json::value* account = request.params.if_contains(account_param);
  if (request.call->account_header == StripeAccountHeader::kNone) {
    if (account)
      return invalid_request("parameter_unknown",
                             std::string(resource) + " is made on the platform account; " +
                                 account_param + " (the Stripe-Account header) is not taken",
                             account_param);
  } else if (account || request.call->account_header == StripeAccountHeader::kRequired) {
    if (!account)
      return invalid_request("parameter_missing",
                             "Missing required param: " + account_param +
                                 " (the connected account, sent as the Stripe-Account header).",
                             account_param);
    if (!account->is_string() || !is_stripe_id(account->as_string(), "acct_"))
      return invalid_request("parameter_invalid",
                             account_param + " must be a connected account id (acct_...)",
                             account_param);
    request.stripe_account = std::string(account->as_string());
    request.params.erase(account_param);
  }
  return request;
}

}  // namespace settled::stripe
