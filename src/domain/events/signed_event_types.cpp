#include "domain/events/signed_event_types.hpp"

#include <string>

namespace settled::events {

namespace {

// The objects Stripe's event types are about (the part before the first '.'), from Stripe's
// list of event types.
constexpr std::string_view kStripeObjects[] = {
    "account",
    "application_fee",
    "balance",
    "balance_settings",
    "billing",
    "billing_portal",
    "capability",
    "cash_balance",
    "charge",
    "checkout",
    "climate",
    "coupon",
    "credit_note",
    "customer",
    "customer_cash_balance_transaction",
    "entitlements",
    "file",
    "financial_connections",
    "identity",
    "invoice",
    "invoice_payment",
    "invoiceitem",
    "issuing_authorization",
    "issuing_card",
    "issuing_cardholder",
    "issuing_dispute",
    "issuing_personalization_design",
    "issuing_token",
    "issuing_transaction",
    "mandate",
    "order",  // legacy Orders API
    "payment_intent",
    "payment_link",
    "payment_method",
    "payout",
    "person",
    "plan",
    "price",
    "product",
    "promotion_code",
    "quote",
    "radar",
    "recipient",  // legacy Recipients API
    "refund",
    "reporting",
    "review",
    "setup_intent",
    "sigma",
    "sku",  // legacy Orders API
    "source",
    "subscription_schedule",
    "tax",
    "tax_rate",
    "terminal",
    "test_helpers",
    "topup",
    "transfer",
    "treasury",
    // Thin events (Stripe's event destinations): "v1.billing.meter.error_report_triggered",
    // "v2.core.event_destination.ping".
    "v1",
    "v2",
};

}  // namespace

std::optional<std::string_view> signed_source_of(std::string_view type) {
  const auto dot = type.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view object = type.substr(0, dot);
  if (object == "veriff") return std::string_view("Veriff");
  for (std::string_view stripe : kStripeObjects)
    if (object == stripe) return std::string_view("Stripe");
  return std::nullopt;
}

std::optional<Error> refuse_unsigned(std::string_view type) {
  const auto source = signed_source_of(type);
  if (!source) return std::nullopt;
  const std::string route =
      *source == "Stripe" ? "POST /v1/webhooks/stripe" : "POST /v1/webhooks/veriff";
  return Error{ErrorCode::kForbidden,
               "event type \"" + std::string(type.substr(0, 100)) + "\" is " +
                   std::string(*source) + "'s: only its signed webhook (" + route +
                   ") delivers it; post your own events under your own types"};
}

}  // namespace settled::events
