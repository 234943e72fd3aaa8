// Seed 000's service completion as the seed's client drives it, through the shipped
// config/workflows/service-completion.asl.json and service-rating.asl.json on the simulated
// clock: the provider starts work (IN_PROGRESS), completes with the seed's ServiceCompletionInput
// (PENDING_COMPLETION_CONFIRMATION), the requester confirms (COMPLETED -> PROCESSING_PAYMENT ->
// PAID with paidAt), the rating opens (RATING_ENABLED) and is submitted once over
// POST /v1/service-requests/{requestId}/rating. Wrong answers are INVALID_COMPLETION_STATE; there
// is no auto-confirm unless service-completion-auto-confirm-hours asks for one.

#include "integration/timebank_fixture.hpp"

#include "support/eventually.hpp"

namespace settled::testing {
namespace {

namespace json = boost::json;

using Balances = std::array<std::int64_t, 3>;

class ServiceCompletion : public TimeBankSeedTest {
 protected:
  // alice asks bob for `hours` of gardening (rate 1) and bob accepts; alice has 10 hours.
  void accepted(const std::string& id, json::value hours) {
    register_service("svc-garden", "bob");
    fund("alice", 1000);
    const auto exec = request(id, "alice", "bob", "svc-garden", std::move(hours));
    answer(token(id, "provider-response"), {{"response", "ACCEPTED"}});
    ASSERT_EQ(std::string(wait_final(exec).at("status").as_string()), "SUCCEEDED");
  }

  // The provider starts work: POST /v1/executions service-completion named by the request.
  std::string start_work(const std::string& id, const std::string& provider = "bob") {
    auto res = start_execution("service-completion", id,
                               json::object{{"requestId", id}, {"userId", provider}});
    EXPECT_EQ(res.status, 201u) << res.body;
    return "service-completion:" + id;
  }

  // The provider's ServiceCompletionInput, as the seed writes it; returns the next token.
  std::string provider_completes(const std::string& id, const std::string& token_now) {
    answer(token_now, {{"requestId", id},
                       {"completedBy", "PROVIDER"},
                       {"userId", "bob"},
                       {"completionNotes", "Hedges trimmed, leaves bagged"}});
    await_request_status(id, "PENDING_COMPLETION_CONFIRMATION");
    return token(id, "completion", token_now);
  }

  // Answers `output`, which must be refused: the record keeps its status, a new token is asked
  // with INVALID_COMPLETION_STATE; returns the new token.
  std::string refused(const std::string& id, const std::string& token_now,
                      const json::object& output, const std::string& status) {
    answer(token_now, output);
    const std::string next = token(id, "completion", token_now);
    auto inbox = record("inbox", id + ":completion");
    EXPECT_TRUE(inbox);
    if (!inbox) return next;
    EXPECT_EQ(inbox->at("lastError").at("error"), "INVALID_COMPLETION_STATE")
        << json::serialize(output);
    EXPECT_EQ(inbox->at("lastError").at("currentStatus"), status.c_str());
    EXPECT_EQ(record("service_requests", id)->at("status"), status.c_str());
    return next;
  }

  json::array inbox_of(const std::string& user) {
    auto res = client_->get("/v1/users/" + user + "/notifications");
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status != 200) return {};
    return res.json().at("notifications").as_array();
  }

  // A copy: the list is usually a temporary.
  std::optional<json::object> notification(const json::array& list, const std::string& type) {
    for (const auto& n : list)
      if (n.at("type") == type.c_str()) return n.as_object();
    return std::nullopt;
  }

  HttpResult rate(const std::string& id, const json::object& body) {
    return client_->post("/v1/service-requests/" + id + "/rating", json::serialize(body));
  }
};

TEST_F(ServiceCompletion, StartCompleteConfirmPayAndRateAsTheSeedHasIt) {
  accepted("r-1", 1.5);
  // Rating before the service is paid: not open yet.
  EXPECT_EQ(rate("r-1", {{"userId", "alice"}, {"rating", 5}}).status, 409u);
  EXPECT_EQ(rate("r-none", {{"userId", "alice"}, {"rating", 5}}).status, 404u);

  const auto exec = start_work("r-1");
  await_request_status("r-1", "IN_PROGRESS");
  EXPECT_TRUE(record("service_requests", "r-1")->contains("startedAt"));
  std::string t = token("r-1", "completion");  // published after the requester was notified
  EXPECT_TRUE(notification(inbox_of("alice"), "SERVICE_STARTED").has_value());
  EXPECT_EQ(record("inbox", "r-1:completion")->at("awaiting"), "PROVIDER");

  // Wrong actor or wrong user while IN_PROGRESS: INVALID_COMPLETION_STATE, nothing changes.
  t = refused("r-1", t, {{"completedBy", "REQUESTER"}, {"userId", "alice"}}, "IN_PROGRESS");
  t = refused("r-1", t, {{"completedBy", "PROVIDER"}, {"userId", "alice"}}, "IN_PROGRESS");
  EXPECT_EQ(hours("alice"), (Balances{850, 150, 0}));

  t = provider_completes("r-1", t);
  auto pending = record("service_requests", "r-1");
  EXPECT_EQ(pending->at("completionNotes"), "Hedges trimmed, leaves bagged");
  EXPECT_EQ(record("inbox", "r-1:completion")->at("awaiting"), "REQUESTER");
  EXPECT_EQ(record("inbox", "r-1:completion")->at("user"), "alice");
  // The provider cannot confirm for the requester, nor anyone else as the requester.
  t = refused("r-1", t, {{"completedBy", "PROVIDER"}, {"userId", "bob"}},
              "PENDING_COMPLETION_CONFIRMATION");
  t = refused("r-1", t, {{"completedBy", "REQUESTER"}, {"userId", "bob"}},
              "PENDING_COMPLETION_CONFIRMATION");
  EXPECT_EQ(hours("bob"), (Balances{0, 0, 0}));

  answer(t, {{"requestId", "r-1"}, {"completedBy", "REQUESTER"}, {"userId", "alice"}});
  const auto done = wait_final(exec);
  ASSERT_EQ(std::string(done.at("status").as_string()), "SUCCEEDED") << json::serialize(done);
  const json::value& out = done.at("output");
  EXPECT_EQ(out.at("requestId"), "r-1");
  EXPECT_EQ(out.at("status"), "PAID");
  EXPECT_EQ(out.at("ratingEnabled"), true);
  EXPECT_EQ(out.at("confirmedBy"), "REQUESTER");
  EXPECT_EQ(out.at("released"), 150);
  auto paid = record("service_requests", "r-1");
  EXPECT_EQ(paid->at("status"), "PAID");
  EXPECT_EQ(paid->at("paidAt"), "2026-03-02T09:00:00.000Z");  // the clock stands still
  EXPECT_EQ(paid->at("releaseReason"), "SERVICE_COMPLETED");
  EXPECT_EQ(hours("alice"), (Balances{850, 0, 0}));
  EXPECT_EQ(hours("bob"), (Balances{150, 0, 0}));
  EXPECT_EQ(record("ratings", "r-1")->at("status"), "OPEN");
  const auto enabled = notification(inbox_of("alice"), "RATING_ENABLED");
  ASSERT_TRUE(enabled);
  EXPECT_EQ(enabled->at("title"), "Rate Your Service");
  EXPECT_EQ(enabled->at("relatedId"), "r-1");
  // The seed's statuses, in the seed's order.
  std::vector<std::string> recorded;
  for (const auto& event : history(exec))
    if (const auto* d = event.as_object().if_contains("stateEnteredEventDetails"))
      if (std::string name(d->at("name").as_string()); name.rfind("Record", 0) == 0)
        recorded.push_back(name);
  EXPECT_EQ(recorded,
            (std::vector<std::string>{"RecordInProgress", "RecordPendingConfirmation",
                                      "RecordCompleted", "RecordProcessingPayment", "RecordPaid"}));

  // The rating: 1 to 5, whole, by the requester, once.
  for (const json::value& bad :
       {json::value(0), json::value(6), json::value(2.5), json::value("4")})
    EXPECT_EQ(rate("r-1", {{"userId", "alice"}, {"rating", bad}}).status, 400u)
        << json::serialize(bad);
  EXPECT_EQ(rate("r-1", {{"userId", "bob"}, {"rating", 5}}).status, 403u);
  const json::object rating{{"userId", "alice"}, {"rating", 4}, {"comment", "Lovely garden"}};
  auto first = rate("r-1", rating);
  ASSERT_EQ(first.status, 201u) << first.body;
  EXPECT_EQ(first.json().at("rating").at("status"), "SUBMITTED");
  EXPECT_EQ(first.json().at("rating").at("rating"), 4);
  EXPECT_EQ(rate("r-1", rating).status, 200u);  // a resent request: the same execution
  auto again = rate("r-1", {{"userId", "alice"}, {"rating", 5}});
  EXPECT_EQ(again.status, 409u) << again.body;
  EXPECT_EQ(again.json().at("error"), "RatingAlreadySubmitted");
  auto rated = record("ratings", "r-1");
  EXPECT_EQ(rated->at("status"), "SUBMITTED");
  EXPECT_EQ(rated->at("rating"), 4);
  EXPECT_EQ(rated->at("comment"), "Lovely garden");
  EXPECT_TRUE(rated->contains("ratedAt"));
  EXPECT_TRUE(notification(inbox_of("bob"), "RATING_RECEIVED").has_value());
  reconcile_ok();
}

TEST_F(ServiceCompletion, WithoutTheConfigThereIsNoAutoConfirm) {
  accepted("r-2", 2);
  const auto exec = start_work("r-2");
  const std::string t = provider_completes("r-2", token("r-2", "completion"));
  advance("8d");  // well past settled's former 3-day auto-confirm
  EXPECT_EQ(status_of(exec), "RUNNING");
  EXPECT_EQ(record("service_requests", "r-2")->at("status"), "PENDING_COMPLETION_CONFIRMATION");
  EXPECT_EQ(hours("bob"), (Balances{0, 0, 0}));
  // The same token is still open: only the requester's answer ends it.
  answer(t, {{"completedBy", "REQUESTER"}, {"userId", "alice"}});
  const auto done = wait_final(exec);
  ASSERT_EQ(std::string(done.at("status").as_string()), "SUCCEEDED");
  EXPECT_EQ(done.at("output").at("confirmedBy"), "REQUESTER");
  EXPECT_EQ(hours("bob"), (Balances{200, 0, 0}));
}

TEST_F(ServiceCompletion, ADisputeInsteadOfTheConfirmationRunsTheDisputeWorkflow) {
  accepted("r-3", 1.5);
  const auto exec = start_work("r-3");
  std::string t = provider_completes("r-3", token("r-3", "completion"));
  // Not one of the seed's DisputeTypes: the dispute refuses it, nothing is frozen, and the
  // requester is asked again.
  answer(t, {{"completedBy", "REQUESTER"},
             {"userId", "alice"},
             {"dispute", {{"disputeType", "QUALITY_ISSUE"}, {"description", "Half done"}}}});
  t = token("r-3", "completion", t);
  EXPECT_EQ(record("inbox", "r-3:completion")->at("lastError").at("error"), "DISPUTE_FAILED");
  EXPECT_EQ(hours("alice"), (Balances{850, 150, 0}));

  answer(t, {{"completedBy", "REQUESTER"},
             {"userId", "alice"},
             {"dispute",
              {{"disputeType", "SERVICE_QUALITY"},
               {"description", "Half the hedges are untouched"},
               {"evidence", json::array{"photo-1"}}}}});
  // The dispute child froze the escrow and opened disputes/<requestId>; nothing is paid.
  const bool opened = eventually([&] { return record("admin_inbox", "r-3:dispute").has_value(); },
                                 std::chrono::seconds(20));
  ASSERT_TRUE(opened);
  EXPECT_EQ(record("disputes", "r-3")->at("disputeType"), "SERVICE_QUALITY");
  EXPECT_EQ(hours("alice"), (Balances{850, 0, 150}));
  EXPECT_EQ(status_of(exec), "RUNNING");
  EXPECT_EQ(hours("bob"), (Balances{0, 0, 0}));

  // Dismissed: the escrow is held again and the requester is asked to confirm once more.
  answer(std::string(record("admin_inbox", "r-3:dispute")->at("token").as_string()),
         {{"decision", "DISMISS"}});
  t = token("r-3", "completion", t);
  await_request_status("r-3", "PENDING_COMPLETION_CONFIRMATION");
  EXPECT_EQ(record("disputes", "r-3")->at("status"), "DISMISSED");
  EXPECT_EQ(hours("alice"), (Balances{850, 150, 0}));
  answer(t, {{"requestId", "r-3"}, {"completedBy", "REQUESTER"}, {"userId", "alice"}});
  const auto done = wait_final(exec);
  ASSERT_EQ(std::string(done.at("status").as_string()), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "PAID");
  EXPECT_EQ(hours("bob"), (Balances{150, 0, 0}));
  reconcile_ok();
}

class ServiceCompletionAutoConfirm : public ServiceCompletion {
 protected:
  std::vector<std::string> daemon_flags() const override {
    auto flags = TimeBankSeedTest::daemon_flags();
    flags.push_back("--service-completion-auto-confirm-hours=48");
    return flags;
  }
};

TEST_F(ServiceCompletionAutoConfirm, ConfirmsItselfAtTheConfiguredTimeNotBefore) {
  accepted("r-4", 2);
  auto settings = record("settings", "service-completion");
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->at("autoConfirmHours"), 48);
  // The caller's input cannot ask for another time.
  auto res = start_execution(
      "service-completion", "r-4",
      json::object{
          {"requestId", "r-4"}, {"userId", "bob"}, {"settings", {{"autoConfirmSeconds", 1}}}});
  ASSERT_EQ(res.status, 201u) << res.body;
  const std::string exec = "service-completion:r-4";
  provider_completes("r-4", token("r-4", "completion"));
  EXPECT_EQ(record("inbox", "r-4:completion")->at("autoConfirmHours"), 48);
  advance("172799s");
  EXPECT_EQ(status_of(exec), "RUNNING");
  EXPECT_EQ(hours("bob"), (Balances{0, 0, 0}));
  advance("1s");
  const auto done = wait_final(exec);
  ASSERT_EQ(std::string(done.at("status").as_string()), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "PAID");
  EXPECT_EQ(done.at("output").at("confirmedBy"), "AUTO");
  EXPECT_EQ(record("service_requests", "r-4")->at("paidAt"), "2026-03-04T09:00:00.000Z");
  EXPECT_EQ(hours("alice"), (Balances{800, 0, 0}));
  EXPECT_EQ(hours("bob"), (Balances{200, 0, 0}));
  reconcile_ok();
}

}  // namespace
}  // namespace settled::testing
