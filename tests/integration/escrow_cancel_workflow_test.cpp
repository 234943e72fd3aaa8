// escrow-cancel on an escrow that a live service request owns (issue 16, item 3): the seed's
// CancelEscrowInput withdraws the request through its own waiting execution
// (settled:tasks.sendSuccess on the request's token), so the cancellation and the provider's
// answer can never both take effect; an accepted request's escrow is refused, unchanged.

#include "integration/timebank_fixture.hpp"

#include "support/eventually.hpp"

#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;

using EscrowCancelWorkflow = TimeBankSeedTest;
using Balances = std::array<std::int64_t, 3>;

json::object cancel_input(const std::string& escrow_id) {
  return {{"escrowId", escrow_id}, {"cancellationReason", "Requester changed plans"}};
}

TEST_F(EscrowCancelWorkflow, ALiveRequestIsWithdrawnThroughItsOwnExecution) {
  register_service("svc-garden", "bob");
  fund("alice", 500);
  const auto exec = request("r-1", "alice", "bob", "svc-garden", 2);
  const std::string provider_token = token("r-1", "provider-response");
  EXPECT_EQ(hours("alice"), (Balances{300, 200, 0}));

  ASSERT_EQ(start_execution("escrow-cancel", "r-1", cancel_input("sr-r-1")).status, 201u);
  const auto cancelled = wait_final("escrow-cancel:r-1");
  ASSERT_EQ(std::string(cancelled.at("status").as_string()), "SUCCEEDED")
      << json::serialize(cancelled);
  EXPECT_EQ(cancelled.at("output").at("status"), "CANCELLED");
  EXPECT_EQ(cancelled.at("output").at("requestId"), "r-1");
  EXPECT_EQ(cancelled.at("output").at("refunded"), 200);
  EXPECT_EQ(cancelled.at("output").at("withdrawnFrom"), json::value(aws_.execution_arn(exec)));

  // The request's own execution took the withdrawal and cancelled its hold.
  const auto request_done = wait_final(exec);
  ASSERT_EQ(std::string(request_done.at("status").as_string()), "SUCCEEDED");
  EXPECT_EQ(request_done.at("output").at("status"), "CANCELLED");
  auto closed = record("service_requests", "r-1");
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->at("status"), "CANCELLED");
  EXPECT_EQ(closed->at("reason"), "REQUESTER_WITHDREW");
  EXPECT_EQ(record("escrows", "sr-r-1")->at("reason"), "Requester changed plans");
  EXPECT_EQ(hours("alice"), (Balances{500, 0, 0}));
  EXPECT_EQ(hours("bob"), (Balances{0, 0, 0}));

  // The provider's token was the one used: a late acceptance is refused and moves nothing.
  auto late = client_->post("/v1/tasks/success",
                            json::serialize(json::object{{"taskToken", provider_token},
                                                         {"output", {{"response", "ACCEPTED"}}}}));
  EXPECT_EQ(late.status, 409u) << late.body;
  EXPECT_EQ(hours("alice"), (Balances{500, 0, 0}));
  reconcile_ok();
}

TEST_F(EscrowCancelWorkflow, DuringACounterOfferTheRequestersDecisionIsTheWithdrawal) {
  register_service("svc-garden", "bob");
  fund("alice", 1000);
  const auto exec = request("r-2", "alice", "bob", "svc-garden", 3);
  answer(token("r-2", "provider-response"),
         {{"response", "COUNTER_OFFER"}, {"counterOffer", {{"newHours", 4}}}});
  token("r-2", "counter-decision");
  ASSERT_EQ(record("service_requests", "r-2")->at("status"), "NEGOTIATING");

  ASSERT_EQ(start_execution("escrow-cancel", "r-2", cancel_input("sr-r-2")).status, 201u);
  const auto cancelled = wait_final("escrow-cancel:r-2");
  ASSERT_EQ(std::string(cancelled.at("status").as_string()), "SUCCEEDED")
      << json::serialize(cancelled);
  EXPECT_EQ(cancelled.at("output").at("refunded"), 300);
  ASSERT_EQ(std::string(wait_final(exec).at("status").as_string()), "SUCCEEDED");
  EXPECT_EQ(record("service_requests", "r-2")->at("status"), "CANCELLED");
  EXPECT_EQ(hours("alice"), (Balances{1000, 0, 0}));
  reconcile_ok();
}

TEST_F(EscrowCancelWorkflow, AnAcceptedRequestsEscrowIsRefusedAndNothingMoves) {
  register_service("svc-garden", "bob");
  fund("alice", 500);
  const auto exec = request("r-3", "alice", "bob", "svc-garden", 2);
  answer(token("r-3", "provider-response"), {{"response", "ACCEPTED"}});
  ASSERT_EQ(std::string(wait_final(exec).at("status").as_string()), "SUCCEEDED");

  ASSERT_EQ(start_execution("escrow-cancel", "r-3", cancel_input("sr-r-3")).status, 201u);
  const auto refused = wait_final("escrow-cancel:r-3");
  ASSERT_EQ(std::string(refused.at("status").as_string()), "FAILED") << json::serialize(refused);
  EXPECT_EQ(refused.at("error"), "EscrowCancel.RequestAccepted");
  EXPECT_EQ(record("service_requests", "r-3")->at("status"), "ACCEPTED");
  EXPECT_EQ(hours("alice"), (Balances{300, 200, 0}));
  EXPECT_FALSE(record("escrows", "sr-r-3"));
  reconcile_ok();
}

// The defect this replaces: escrow-cancel beside a live request left it ACCEPTED with nothing
// held. Here the provider's acceptance and the cancellation are sent at the same moment, for
// several requests: each ends one way or the other, never both.
TEST_F(EscrowCancelWorkflow, AnAcceptanceAndACancellationAtOnceNeverBothTakeEffect) {
  register_service("svc-garden", "bob");
  constexpr int kRequests = 10;
  fund("alice", 100 * kRequests);
  std::vector<std::string> tokens;
  for (int i = 0; i < kRequests; ++i) {
    const std::string id = "race-" + std::to_string(i);
    request(id, "alice", "bob", "svc-garden", 1);
    tokens.push_back(token(id, "provider-response"));
  }
  // The provider answers from the last request back while the cancellations go from the
  // first: the first ones are cancelled, the last accepted, and the middle ones meet.
  std::thread provider([&] {
    HttpClient client("127.0.0.1", port_);
    for (auto t = tokens.rbegin(); t != tokens.rend(); ++t)
      client.post(
          "/v1/tasks/success",
          json::serialize(json::object{{"taskToken", *t}, {"output", {{"response", "ACCEPTED"}}}}));
  });
  for (int i = 0; i < kRequests; ++i) {
    const std::string id = "race-" + std::to_string(i);
    EXPECT_EQ(start_execution("escrow-cancel", id, cancel_input("sr-" + id)).status, 201u);
  }
  provider.join();

  std::int64_t still_held = 0;
  for (int i = 0; i < kRequests; ++i) {
    const std::string id = "race-" + std::to_string(i);
    const auto cancel = wait_final("escrow-cancel:" + id);
    const auto request_done = wait_final("service-request:" + id);
    ASSERT_EQ(std::string(request_done.at("status").as_string()), "SUCCEEDED");
    const std::string outcome(request_done.at("output").at("status").as_string());
    if (outcome == "ACCEPTED") {
      // RequestBusy when the cancellation saw the token used before the request recorded
      // ACCEPTED: a refusal that changed nothing either way.
      EXPECT_EQ(cancel.at("status"), "FAILED") << id;
      const std::string error(cancel.at("error").as_string());
      EXPECT_TRUE(error == "EscrowCancel.RequestAccepted" || error == "EscrowCancel.RequestBusy")
          << id << ": " << error;
      EXPECT_EQ(escrow("sr-" + id).at("status"), "HELD") << id;
      still_held += 100;
    } else {
      EXPECT_EQ(outcome, "CANCELLED") << id;
      EXPECT_EQ(cancel.at("status"), "SUCCEEDED") << id << ": " << json::serialize(cancel);
      EXPECT_EQ(escrow("sr-" + id).at("status"), "CANCELLED") << id;
    }
  }
  EXPECT_EQ(hours("alice"), (Balances{100 * kRequests - still_held, still_held, 0}));
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
