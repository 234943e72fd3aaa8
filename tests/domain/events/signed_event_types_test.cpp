// Tests for the event types only a signed webhook delivers (src/domain/events/signed_event_types).
#include "domain/events/signed_event_types.hpp"

#include <gtest/gtest.h>

namespace settled::events {
namespace {

TEST(SignedEventTypes, StripesAndVeriffsTypesAreTheirs) {
  for (const char* type :
       {"payout.paid", "payout.updated", "account.updated", "payment_intent.succeeded",
        "charge.dispute.created", "transfer.created", "refund.created", "issuing_card.created",
        "invoice_payment.paid", "balance_settings.updated", "order.created", "sku.updated",
        "recipient.created", "v1.billing.meter.error_report_triggered",
        "v2.core.event_destination.ping"})
    EXPECT_EQ(signed_source_of(type).value_or(""), "Stripe") << type;
  EXPECT_EQ(signed_source_of("veriff.decision").value_or(""), "Veriff");
}

TEST(SignedEventTypes, AnApplicationsOwnTypesAreNot) {
  for (const char* type : {"milestone.approved", "escrow.funded", "contract.signed.both",
                           "contractor.bank_account.updated", "kyc.documents.uploaded",
                           "payouts.paid", "payout", "shipment.delivered", "payment_intentx.y"})
    EXPECT_FALSE(signed_source_of(type).has_value()) << type;
}

TEST(SignedEventTypes, ARefusalNamesTheTypeAndTheWebhook) {
  auto refused = refuse_unsigned("payout.updated");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->code, ErrorCode::kForbidden);
  EXPECT_NE(refused->message.find("\"payout.updated\" is Stripe's"), std::string::npos);
  EXPECT_NE(refused->message.find("POST /v1/webhooks/stripe"), std::string::npos);
  EXPECT_NE(refuse_unsigned("veriff.decision")->message.find("POST /v1/webhooks/veriff"),
            std::string::npos);
  EXPECT_FALSE(refuse_unsigned("milestone.approved").has_value());
}

}  // namespace
}  // namespace settled::events
