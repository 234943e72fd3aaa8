// Seed 003's dispute resolution (config/workflows/marketplace-dispute.asl.json) end to end
// through the real daemon on a simulated clock: a dispute on a confirmed booking freezes both of
// its escrows; an administrator decides by task token within the 24-hour review (or escalates
// and decides within the 7-day limit); nobody deciding refunds the customer automatically. The
// booking's own lifecycle steps aside. A kill -9 after the decision refunds once.

#include "integration/marketplace_fixture.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

class Dispute : public MarketplaceTest {
 protected:
  // A confirmed booking (10000, fee 1500) with a dispute opened by its customer; returns the
  // review token.
  std::string disputed_booking(const std::string& id) {
    start_execution("booking-lifecycle", id, booking_input(id, 10000, 1500));
    booking_token_ = wait_token("booking_inbox", id);
    start_execution("marketplace-dispute", id,
                    {{"bookingId", id}, {"raisedBy", "cust-" + id}, {"reason", "no-show"}});
    return wait_token("admin_inbox", id + ":booking-dispute");
  }

  std::string status(const std::string& execution) {
    return std::string(client_->get("/v1/executions/" + execution).json().at("status").as_string());
  }

  std::string booking_token_;
};

TEST_F(Dispute, NoDecisionWithinTheReviewRefundsEverythingAutomatically) {
  disputed_booking("d1");
  EXPECT_EQ(balance("cust-d1"), (Balances{0, 0, 10000}));  // both escrows frozen
  EXPECT_EQ(escrow("bk-d1").at("status"), "FROZEN");
  EXPECT_EQ(escrow("bk-d1-fee").at("status"), "FROZEN");
  EXPECT_EQ(record("booking_disputes", "d1").at("status"), "OPEN");
  EXPECT_EQ(record("bookings", "d1").at("status"), "DISPUTED");
  EXPECT_EQ(record("admin_inbox", "d1:booking-dispute").at("stage"), "REVIEW");

  advance("23h");
  EXPECT_EQ(status("marketplace-dispute:d1"), "RUNNING");
  EXPECT_TRUE(sim("refunds").empty());
  // Meanwhile the booking's 12-minute outcome wait ended: its cancellation found the escrow
  // frozen and left the money to the dispute.
  const auto booking = wait_final("booking-lifecycle:d1");
  ASSERT_EQ(booking.at("status"), "SUCCEEDED") << json::serialize(booking);
  EXPECT_EQ(booking.at("output").at("status"), "DISPUTED");

  advance("1h");
  const auto done = wait_final("marketplace-dispute:d1");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("resolution").at("decision"), "REFUND");
  EXPECT_EQ(done.at("output").at("resolution").at("decidedBy"), "AUTO");
  const auto refunds = sim("refunds");
  ASSERT_EQ(refunds.size(), 1u) << json::serialize(refunds);
  EXPECT_EQ(refunds[0].at("amount"), 10000);  // the fee too
  EXPECT_EQ(balance("cust-d1"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("prov-d1"), (Balances{0, 0, 0}));
  EXPECT_EQ(balance("platform"), (Balances{0, 0, 0}));
  EXPECT_EQ(record("booking_disputes", "d1").at("status"), "RESOLVED");
  EXPECT_EQ(record("bookings", "d1").at("status"), "DISPUTE_RESOLVED");
  EXPECT_TRUE(entered_state("marketplace-dispute:d1", "AutoRefund"));
  reconcile_ok();
}

TEST_F(Dispute, AnAdministratorReleasesToTheProviderAndTheBookingStepsAside) {
  const std::string token = disputed_booking("d2");
  // An answer the workflow cannot use asks again with a new token.
  answer(token, {{"decision", "MAYBE"}, {"adminId", "admin-1"}});
  const std::string again = wait_token("admin_inbox", "d2:booking-dispute", token);
  answer(again, {{"decision", "RELEASE"}, {"adminId", "admin-1"}});
  const auto done = wait_final("marketplace-dispute:d2");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("resolution").at("toProvider"), 8500);
  EXPECT_EQ(balance("prov-d2"), (Balances{8500, 0, 0}));
  EXPECT_EQ(balance("platform"), (Balances{1500, 0, 0}));
  EXPECT_EQ(balance("cust-d2"), (Balances{0, 0, 0}));
  EXPECT_TRUE(sim("refunds").empty());

  // The provider then marks the booking complete: its escrow is resolved already.
  answer(booking_token_, {{"action", "COMPLETE"}});
  const auto booking = wait_final("booking-lifecycle:d2");
  EXPECT_EQ(booking.at("output").at("status"), "DISPUTED") << json::serialize(booking);
  EXPECT_EQ(balance("prov-d2"), (Balances{8500, 0, 0}));
  reconcile_ok();
}

TEST_F(Dispute, AnEscalatedDisputeWaitsPastTheReviewForTheFinalDecision) {
  const std::string token = disputed_booking("d3");
  answer(token, {{"decision", "ESCALATE"}, {"adminId", "admin-1"}});
  const std::string final_token = wait_token("admin_inbox", "d3:booking-dispute", token);
  EXPECT_EQ(record("admin_inbox", "d3:booking-dispute").at("stage"), "ESCALATED");
  EXPECT_EQ(record("booking_disputes", "d3").at("status"), "ESCALATED");
  advance("3d");  // past the 24-hour review: no automatic refund once escalated
  EXPECT_EQ(status("marketplace-dispute:d3"), "RUNNING");
  EXPECT_TRUE(sim("refunds").empty());
  EXPECT_EQ(balance("cust-d3"), (Balances{0, 0, 10000}));
  answer(final_token, {{"decision", "REFUND"}, {"adminId", "admin-2"}});
  const auto done = wait_final("marketplace-dispute:d3");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("resolution").at("decidedBy"), "admin-2");
  ASSERT_EQ(sim("refunds").size(), 1u);
  EXPECT_EQ(balance("cust-d3"), (Balances{0, 0, 0}));
  reconcile_ok();
}

TEST_F(Dispute, AnUndecidedEscalationRefundsWithinTheSevenDays) {
  const std::string token = disputed_booking("d4");
  answer(token, {{"decision", "ESCALATE"}, {"adminId", "admin-1"}});
  wait_token("admin_inbox", "d4:booking-dispute", token);
  advance("5d");
  EXPECT_EQ(status("marketplace-dispute:d4"), "RUNNING");
  advance("23h");  // 5 d 23 h after the escalation: before the execution's 7-day timeout
  const auto done = wait_final("marketplace-dispute:d4");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("resolution").at("decidedBy"), "AUTO");
  ASSERT_EQ(sim("refunds").size(), 1u);
  reconcile_ok();
}

TEST_F(Dispute, ADisputeOnACompletedBookingMovesNothing) {
  start_execution("booking-lifecycle", "d5", booking_input("d5", 4000, 400));
  answer(wait_token("booking_inbox", "d5"), {{"action", "COMPLETE"}});
  ASSERT_EQ(wait_final("booking-lifecycle:d5").at("status"), "SUCCEEDED");
  start_execution("marketplace-dispute", "d5",
                  {{"bookingId", "d5"}, {"raisedBy", "cust-d5"}, {"reason", "late"}});
  const auto done = wait_final("marketplace-dispute:d5");
  EXPECT_EQ(done.at("error"), "Dispute.BookingSettled") << json::serialize(done);
  start_execution("marketplace-dispute", "d5-stranger",
                  {{"bookingId", "d5"}, {"raisedBy", "someone"}, {"reason", "x"}});
  EXPECT_EQ(wait_final("marketplace-dispute:d5-stranger").at("error"), "Dispute.NotAParty");
  EXPECT_EQ(balance("prov-d5"), (Balances{3600, 0, 0}));
  reconcile_ok();
}

TEST_F(Dispute, AKillAfterTheRefundDecisionRefundsOnce) {
  const std::string token = disputed_booking("d6");
  answer(token, {{"decision", "REFUND"}, {"adminId", "admin-1"}});
  kill_and_restart();
  const auto done = wait_final("marketplace-dispute:d6");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto refunds = sim("refunds");
  ASSERT_EQ(refunds.size(), 1u) << json::serialize(refunds);
  EXPECT_EQ(refunds[0].at("amount"), 10000);
  EXPECT_EQ(balance("cust-d6"), (Balances{0, 0, 0}));
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
