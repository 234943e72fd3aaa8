// Seed 000's service request as the seed's client sends it: StartServiceRequestInput with decimal
// estimatedHours, the provider's ACCEPTED / REJECTED / COUNTER_OFFER (with newRate / newHours),
// the service's hourlyRate and responseTimeHours, SERVICE_NOT_AVAILABLE, the requester's
// withdrawal — through the shipped config/workflows/service-request.asl.json on the simulated
// clock (the real 24 h and per-service limits, no shortened copies).

#include "integration/timebank_fixture.hpp"

#include "support/eventually.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

using ServiceRequestWorkflow = TimeBankSeedTest;
using Balances = std::array<std::int64_t, 3>;

TEST_F(ServiceRequestWorkflow, TheSeedsRequestIsEscrowedInExactHundredthsAndAcceptedAsWritten) {
  register_service("svc-garden", "bob");
  fund("alice", 1000);
  const auto exec = request("r-1", "alice", "bob", "svc-garden", 1.5, "Help with my garden");
  const std::string provider_token = token("r-1", "provider-response");
  auto waiting = record("service_requests", "r-1");
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->at("status"), "AWAITING_RESPONSE");
  EXPECT_EQ(waiting->at("id"), "r-1");
  EXPECT_EQ(waiting->at("estimatedHours"), 1.5);
  EXPECT_EQ(waiting->at("hoursHundredths"), 150);
  EXPECT_EQ(waiting->at("amount"), 150);
  EXPECT_EQ(waiting->at("hours"), "1.50");
  EXPECT_EQ(waiting->at("agreedRate"), 1);  // the time bank's default rate
  EXPECT_EQ(waiting->at("escrowId"), "sr-r-1");
  EXPECT_EQ(waiting->at("negotiationRound"), 0);
  EXPECT_EQ(waiting->at("message"), "Help with my garden");
  EXPECT_EQ(waiting->at("expiresAt"), "2026-03-03T09:00:00.000Z");  // 24 h, the seed's default
  // $$.Execution.Id: the ARN, which finds the execution again.
  const std::string arn = aws_.execution_arn(exec);
  EXPECT_EQ(waiting->at("stepFunctionExecutionArn"), arn.c_str());
  EXPECT_EQ(waiting->at("executionId"), arn.c_str());
  const auto found = client_->get("/v1/executions/" + arn);
  ASSERT_EQ(found.status, 200u) << found.body;
  EXPECT_EQ(found.json().at("executionId"), exec.c_str());
  EXPECT_EQ(hours("alice"), (Balances{850, 150, 0}));
  // The provider's notification, in the seed's shape, in the provider's inbox.
  {
    auto res = client_->get("/v1/users/bob/notifications");
    ASSERT_EQ(res.status, 200u) << res.body;
    const json::value inbox = res.json();
    const auto& list = inbox.at("notifications").as_array();
    ASSERT_EQ(list.size(), 1u) << res.body;
    EXPECT_EQ(list[0].at("type"), "SERVICE_REQUEST_RECEIVED");
    EXPECT_EQ(list[0].at("title"), "New Service Request");
    EXPECT_EQ(list[0].at("message"), "You have received a new service request for Gardening");
    EXPECT_EQ(list[0].at("relatedId"), "r-1");
    EXPECT_EQ(list[0].at("isRead"), false);
  }

  answer(provider_token, {{"response", "ACCEPTED"}, {"message", "See you on Saturday"}});
  const auto done = wait_final(exec);
  ASSERT_EQ(std::string(done.at("status").as_string()), "SUCCEEDED") << json::serialize(done);
  const json::value output = done.at("output");
  EXPECT_EQ(output.at("status"), "ACCEPTED");
  EXPECT_EQ(output.at("amount"), 150);
  auto accepted = record("service_requests", "r-1");
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->at("status"), "ACCEPTED");
  EXPECT_TRUE(accepted->contains("acceptedAt"));
  EXPECT_EQ(hours("alice"), (Balances{850, 150, 0}));  // held for service-completion
  // The seed's statuses, in the seed's order.
  std::vector<std::string> entered;
  for (const auto& event : history(exec))
    if (const auto* d = event.as_object().if_contains("stateEnteredEventDetails"))
      entered.emplace_back(d->at("name").as_string());
  std::vector<std::string> recorded;
  for (const auto& name : entered)
    if (name.rfind("Record", 0) == 0) recorded.push_back(name);
  EXPECT_EQ(recorded, (std::vector<std::string>{"RecordValidating", "RecordEscrowed",
                                                "RecordAwaitingResponse", "RecordAccepted"}));
  reconcile_ok();
}

TEST_F(ServiceRequestWorkflow, TheEscrowIsHoursTimesTheServicesRateAndACounterOfferSetsNewTerms) {
  register_service("svc-tutor", "bob", {{"hourlyRate", 1.25}});
  fund("alice", 1000);
  const auto exec = request("r-2", "alice", "bob", "svc-tutor", 2);
  const std::string first = token("r-2", "provider-response");
  EXPECT_EQ(hours("alice"), (Balances{750, 250, 0}));  // 2 h x 1.25
  answer(first, {{"response", "COUNTER_OFFER"},
                 {"message", "It is a longer job"},
                 {"counterOffer", {{"newHours", 2.5}, {"newRate", 1.5}, {"message", "2.5 h"}}}});
  const std::string decision = token("r-2", "counter-decision");
  auto negotiating = record("service_requests", "r-2");
  ASSERT_TRUE(negotiating);
  EXPECT_EQ(negotiating->at("status"), "NEGOTIATING");
  EXPECT_EQ(negotiating->at("counterOffer").at("amount"), 375);  // 2.5 h x 1.5, exactly
  EXPECT_EQ(negotiating->at("counterOffer").at("hours"), "3.75");
  answer(decision, {{"response", "ACCEPTED"}});
  const auto done = wait_final(exec);
  ASSERT_EQ(std::string(done.at("status").as_string()), "SUCCEEDED") << json::serialize(done);
  auto accepted = record("service_requests", "r-2");
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->at("status"), "ACCEPTED");
  EXPECT_EQ(accepted->at("escrowId"), "sr-r-2-c0");
  EXPECT_EQ(accepted->at("estimatedHours"), 2.5);
  EXPECT_EQ(accepted->at("agreedRate"), 1.5);
  EXPECT_EQ(accepted->at("amount"), 375);
  EXPECT_EQ(hours("alice"), (Balances{625, 375, 0}));  // the first hold replaced, not added to
  EXPECT_EQ(escrow("sr-r-2").at("status"), "CANCELLED");
  EXPECT_EQ(escrow("sr-r-2-c0").at("amount"), 375);
  reconcile_ok();
}

TEST_F(ServiceRequestWorkflow, ARejectedCounterOfferKeepsTheOriginalTermsAndAsksTheProviderAgain) {
  register_service("svc-garden", "bob");
  fund("alice", 1000);
  const auto exec = request("r-3", "alice", "bob", "svc-garden", 3);
  const std::string first = token("r-3", "provider-response");
  answer(first, {{"response", "COUNTER_OFFER"}, {"counterOffer", {{"newHours", 4}}}});
  answer(token("r-3", "counter-decision"), {{"response", "REJECTED"}});
  const std::string second = token("r-3", "provider-response", first);
  auto again = record("service_requests", "r-3");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->at("status"), "AWAITING_RESPONSE");
  EXPECT_EQ(again->at("negotiationRound"), 1);
  EXPECT_EQ(again->at("amount"), 300);
  answer(second, {{"response", "REJECTED"}, {"message", "Sorry, fully booked"}});
  const auto done = wait_final(exec);
  ASSERT_EQ(std::string(done.at("status").as_string()), "SUCCEEDED");
  auto closed = record("service_requests", "r-3");
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->at("status"), "REJECTED");
  EXPECT_EQ(closed->at("reason"), "PROVIDER_REJECTED");
  EXPECT_EQ(closed->at("refunded"), 300);
  EXPECT_EQ(hours("alice"), (Balances{1000, 0, 0}));
}

TEST_F(ServiceRequestWorkflow, TheProviderHasTheServicesResponseTimeAndThenTheRequestExpires) {
  register_service("svc-quick", "bob", {{"responseTimeHours", 2}});
  fund("alice", 500);
  const auto exec = request("r-4", "alice", "bob", "svc-quick", 1);
  token("r-4", "provider-response");
  auto waiting = record("service_requests", "r-4");
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->at("expiresAt"), "2026-03-02T11:00:00.000Z");
  advance("7199s");
  EXPECT_EQ(status_of(exec), "RUNNING");
  EXPECT_EQ(record("service_requests", "r-4")->at("status"), "AWAITING_RESPONSE");
  advance("1s");
  const auto done = wait_final(exec);
  ASSERT_EQ(std::string(done.at("status").as_string()), "SUCCEEDED");
  auto expired = record("service_requests", "r-4");
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->at("status"), "EXPIRED");
  EXPECT_EQ(expired->at("reason"), "NO_PROVIDER_RESPONSE");
  EXPECT_EQ(hours("alice"), (Balances{500, 0, 0}));
}

TEST_F(ServiceRequestWorkflow, WithoutAResponseTimeTheProviderHas24Hours) {
  register_service("svc-garden", "bob");
  fund("alice", 500);
  const auto exec = request("r-5", "alice", "bob", "svc-garden", 1);
  token("r-5", "provider-response");
  advance("86399s");
  EXPECT_EQ(status_of(exec), "RUNNING");
  advance("1s");
  ASSERT_EQ(std::string(wait_final(exec).at("status").as_string()), "SUCCEEDED");
  EXPECT_EQ(record("service_requests", "r-5")->at("status"), "EXPIRED");
}

TEST_F(ServiceRequestWorkflow, TheRequesterWithdrawsALiveRequestAndNobodyElseCan) {
  register_service("svc-garden", "bob");
  fund("alice", 500);
  const auto exec = request("r-6", "alice", "bob", "svc-garden", 2);
  const std::string first = token("r-6", "provider-response");
  // Only the requester withdraws: the same answer naming someone else is not taken.
  answer(first, {{"response", "WITHDRAWN"}, {"userId", "bob"}});
  const std::string second = token("r-6", "provider-response", first);
  EXPECT_EQ(record("service_requests", "r-6")->at("status"), "AWAITING_RESPONSE");
  EXPECT_EQ(hours("alice"), (Balances{300, 200, 0}));
  answer(second, {{"response", "WITHDRAWN"}, {"userId", "alice"}});
  ASSERT_EQ(std::string(wait_final(exec).at("status").as_string()), "SUCCEEDED");
  auto cancelled = record("service_requests", "r-6");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->at("status"), "CANCELLED");
  EXPECT_EQ(cancelled->at("reason"), "REQUESTER_WITHDREW");
  EXPECT_EQ(cancelled->at("refunded"), 200);
  EXPECT_EQ(hours("alice"), (Balances{500, 0, 0}));
}

TEST_F(ServiceRequestWorkflow, AMissingOrInactiveServiceIsServiceNotAvailableWithNothingHeld) {
  register_service("svc-retired", "bob", {{"isActive", false}});
  fund("alice", 500);
  for (const auto& [id, service] :
       {std::pair{"r-7", "svc-none"}, std::pair{"r-8", "svc-retired"}}) {
    const auto exec = request(id, "alice", "bob", service, 1);
    const auto done = wait_final(exec);
    EXPECT_EQ(std::string(done.at("status").as_string()), "FAILED") << id;
    EXPECT_EQ(done.at("error"), "ServiceRequest.ServiceNotAvailable") << json::serialize(done);
    auto rejected = record("service_requests", id);
    ASSERT_TRUE(rejected) << id;
    EXPECT_EQ(rejected->at("status"), "REJECTED");
    EXPECT_EQ(rejected->at("reason"), "SERVICE_NOT_AVAILABLE");
  }
  EXPECT_EQ(hours("alice"), (Balances{500, 0, 0}));
}

TEST_F(ServiceRequestWorkflow, HoursAreConvertedExactlyOrRefusedWithNothingRecordedOrHeld) {
  register_service("svc-garden", "bob");
  fund("alice", 500);
  int n = 0;
  for (const json::value& bad : {json::value(1.505), json::value(-1), json::value("abc"),
                                 json::value(0), json::value(nullptr)}) {
    const std::string id = "bad-" + std::to_string(++n);
    const auto done = wait_final(request(id, "alice", "bob", "svc-garden", bad));
    EXPECT_EQ(std::string(done.at("status").as_string()), "FAILED") << json::serialize(bad);
    EXPECT_EQ(done.at("error"), "ServiceRequest.InvalidInput") << json::serialize(done);
    EXPECT_NE(std::string(done.at("cause").as_string()).find("estimatedHours"), std::string::npos)
        << json::serialize(done);
    EXPECT_FALSE(record("service_requests", id)) << id;
  }
  EXPECT_EQ(hours("alice"), (Balances{500, 0, 0}));
  // A decimal string is the same number of hours.
  request("ok-1", "alice", "bob", "svc-garden", "1.25");
  token("ok-1", "provider-response");
  EXPECT_EQ(record("service_requests", "ok-1")->at("amount"), 125);
}

TEST_F(ServiceRequestWorkflow, TooFewHoursIsInsufficientBalanceWithNothingHeld) {
  register_service("svc-garden", "bob");
  fund("alice", 100);
  const auto done = wait_final(request("r-9", "alice", "bob", "svc-garden", 1.5));
  EXPECT_EQ(std::string(done.at("status").as_string()), "FAILED");
  EXPECT_EQ(done.at("error"), "ServiceRequest.InsufficientFunds");
  auto rejected = record("service_requests", "r-9");
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->at("status"), "REJECTED");
  EXPECT_EQ(rejected->at("reason"), "INSUFFICIENT_BALANCE");
  EXPECT_EQ(hours("alice"), (Balances{100, 0, 0}));
}

}  // namespace
}  // namespace settled::testing
