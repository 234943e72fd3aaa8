// Seed 000's disputes as the seed's client opens them: InitiateDisputeInput {requestId, raisedBy,
// disputeType, description, evidence?}, the seed's Dispute in disputes/<requestId>, OPEN ->
// UNDER_REVIEW -> RESOLVED | DISMISSED answered by an admin-scoped identity (answeredBy is the
// adminId), the reminder at 24 h and the escalation at 48 h on the simulated clock — through the
// shipped config/workflows/dispute.asl.json and the HTTP API.

#include "integration/dispute_workflow_fixture.hpp"

#include "adapters/http/api_keys.hpp"
#include "support/eventually.hpp"

#include <functional>

namespace settled::testing {
namespace {

namespace json = boost::json;

using DisputeWorkflow = DisputeWorkflowTest;
using Balances = std::array<std::int64_t, 3>;  // available, held, frozen

std::vector<std::string> ops_of(const json::array& entries) {
  std::vector<std::string> ops;
  for (const auto& e : entries) ops.emplace_back(e.at("op").as_string());
  return ops;
}

TEST_F(DisputeWorkflow, TheSeedsInputOpensTheSeedsDisputeAndReviewThenDismissRestoresEverything) {
  register_service("svc-garden", "bob");
  fund("alice", 1000);
  accepted("r-1", "alice", 1.5);
  ASSERT_EQ(hours("alice"), (Balances{850, 150, 0}));

  // The seed's InitiateDisputeInput, as its client sends it.
  const json::object input = json::parse(R"j({
    "requestId": "r-1",
    "raisedBy": "alice",
    "disputeType": "SERVICE_QUALITY",
    "description": "Only half of the garden was done",
    "evidence": {"photos": ["evidence/r-1/before.jpg", "evidence/r-1/after.jpg"], "messages": 3}
  })j")
                                 .as_object();
  const auto exec = dispute("r-1", input);
  const std::string first = admin_token("r-1");
  auto opened = record("disputes", "r-1");
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->at("id"), "dispute-r-1");
  EXPECT_EQ(opened->at("requestId"), "r-1");
  EXPECT_EQ(opened->at("raisedBy"), "alice");
  EXPECT_EQ(opened->at("againstUserId"), "bob");
  EXPECT_EQ(opened->at("disputeType"), "SERVICE_QUALITY");
  EXPECT_EQ(opened->at("status"), "OPEN");
  EXPECT_EQ(opened->at("description"), "Only half of the garden was done");
  EXPECT_EQ(opened->at("evidence"), input.at("evidence"));
  EXPECT_TRUE(opened->at("adminId").is_null());
  EXPECT_TRUE(opened->at("resolution").is_null());
  EXPECT_TRUE(opened->at("resolvedAt").is_null());
  EXPECT_EQ(opened->at("stepFunctionExecutionArn"), aws_.execution_arn(exec).c_str());
  EXPECT_EQ(opened->at("createdAt"), "2026-03-02T09:00:00.000Z");
  EXPECT_EQ(opened->at("updatedAt"), "2026-03-02T09:00:00.000Z");
  auto request = record("service_requests", "r-1");
  ASSERT_TRUE(request);
  EXPECT_EQ(request->at("status"), "DISPUTED");
  EXPECT_EQ(request->at("disputeId"), "dispute-r-1");
  EXPECT_EQ(request->at("statusBeforeDispute"), "ACCEPTED");
  EXPECT_EQ(request->at("estimatedHours"), 1.5);  // the rest of the request is kept (merge)
  EXPECT_EQ(hours("alice"), (Balances{850, 0, 150}));
  EXPECT_EQ(escrow("sr-r-1").at("status"), "FROZEN");
  EXPECT_EQ(dispute_notifications("bob"), (std::vector<std::string>{"DISPUTE_OPENED"}));
  EXPECT_EQ(dispute_notifications("alice"), (std::vector<std::string>{"DISPUTE_OPENED"}));
  EXPECT_EQ(dispute_notifications("admins"), (std::vector<std::string>{"DISPUTE_OPENED"}));
  EXPECT_GE(history_mentions(exec, "dispute.opened"), 1u);

  // REVIEW: under review by whoever answered (local-only mode: "local"), asked again.
  answer(first, {{"decision", "REVIEW"}});
  const std::string second = admin_token("r-1", first);
  EXPECT_EQ(dispute_field("r-1", "status"), "UNDER_REVIEW");
  EXPECT_EQ(dispute_field("r-1", "adminId"), "local");
  EXPECT_EQ(hours("alice"), (Balances{850, 0, 150}));

  // DISMISS: a body adminId is ignored; the escrow is held again and the request goes on.
  answer(second, {{"decision", "DISMISS"}, {"adminId", "mallory"}});
  const auto done = wait_final(exec);
  ASSERT_EQ(std::string(done.at("status").as_string()), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output"), (json::object{{"disputeId", "dispute-r-1"},
                                             {"requestId", "r-1"},
                                             {"escrowId", "sr-r-1"},
                                             {"status", "DISMISSED"},
                                             {"resolution", "DISMISS"},
                                             {"adminId", "local"},
                                             {"resolvedAt", "2026-03-02T09:00:00.000Z"}}));
  EXPECT_EQ(hours("alice"), (Balances{850, 150, 0}));
  EXPECT_EQ(hours("bob"), (Balances{0, 0, 0}));
  EXPECT_EQ(escrow("sr-r-1").at("status"), "HELD");
  EXPECT_EQ(ops_of(journal("alice")),
            (std::vector<std::string>{"deposit", "hold", "freeze", "unfreeze"}));
  EXPECT_EQ(record("service_requests", "r-1")->at("status"), "ACCEPTED");
  EXPECT_EQ(record("service_requests", "r-1")->at("disputeStatus"), "DISMISSED");
  EXPECT_EQ(dispute_field("r-1", "status"), "DISMISSED");
  EXPECT_EQ(dispute_field("r-1", "adminId"), "local");
  EXPECT_EQ(dispute_field("r-1", "resolvedAt"), "2026-03-02T09:00:00.000Z");
  EXPECT_EQ(
      dispute_notifications("bob"),
      (std::vector<std::string>{"DISPUTE_OPENED", "DISPUTE_UNDER_REVIEW", "DISPUTE_DISMISSED"}));
  reconcile_ok();
}

TEST_F(DisputeWorkflow, EachOfTheFiveTypesIsTakenAndAnythingElseIsRefusedWithNothingFrozen) {
  register_service("svc-garden", "bob");
  fund("alice", 10000);
  const std::vector<std::string> types{"SERVICE_QUALITY", "PAYMENT_ISSUE", "NO_SHOW",
                                       "COMMUNICATION", "OTHER"};
  for (std::size_t i = 0; i < types.size(); ++i) {
    const std::string id = "t-" + std::to_string(i);
    accepted(id, "alice", 1);
    const std::string by = i % 2 ? "bob" : "alice";
    dispute(id, {{"requestId", id},
                 {"raisedBy", by},
                 {"disputeType", types[i]},
                 {"description", "about " + types[i]}});
    admin_token(id);
    EXPECT_EQ(dispute_field(id, "disputeType"), types[i].c_str());
    EXPECT_EQ(dispute_field(id, "status"), "OPEN");
    EXPECT_EQ(dispute_field(id, "againstUserId"), i % 2 ? "alice" : "bob");
    EXPECT_EQ(dispute_field(id, "evidence"), json::object{});  // the seed's default
  }
  EXPECT_EQ(hours("alice"), (Balances{9500, 0, 500}));

  accepted("t-x", "alice", 2);
  struct Bad {
    json::object input;
    std::string error, cause;
  };
  const std::string too_long(10001, 'x');
  const std::vector<Bad> bad{
      {{{"disputeType", "BAD_SERVICE"}, {"description", "d"}},
       "Dispute.InvalidInput",
       "disputeType"},
      {{{"disputeType", "service_quality"}, {"description", "d"}},
       "Dispute.InvalidInput",
       "disputeType"},
      {{{"description", "no type"}}, "Dispute.InvalidInput", "disputeType"},
      {{{"disputeType", 3}, {"description", "d"}}, "Dispute.InvalidInput", "disputeType"},
      {{{"disputeType", "OTHER"}}, "Dispute.InvalidInput", "description"},
      {{{"disputeType", "OTHER"}, {"description", ""}}, "Dispute.InvalidInput", "description"},
      {{{"disputeType", "OTHER"}, {"description", too_long}}, "Dispute.InvalidInput", "10000"},
      {{{"disputeType", "OTHER"}, {"description", "d"}, {"raisedBy", "carol"}},
       "Dispute.NotAParty",
       "raisedBy"},
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    json::object input = bad[i].input;
    input["requestId"] = "t-x";
    if (!input.contains("raisedBy")) input["raisedBy"] = "alice";
    const auto exec = dispute("t-x-bad" + std::to_string(i), input);
    const auto done = wait_final(exec);
    ASSERT_EQ(std::string(done.at("status").as_string()), "FAILED") << i;
    EXPECT_EQ(done.at("error"), bad[i].error.c_str()) << i;
    EXPECT_NE(json::serialize(done.at("cause")).find(bad[i].cause), std::string::npos)
        << i << ": " << json::serialize(done.at("cause"));
  }
  EXPECT_EQ(hours("alice"), (Balances{9300, 200, 500}));  // t-x's 200 still held, not frozen
  EXPECT_EQ(escrow("sr-t-x").at("status"), "HELD");
  EXPECT_FALSE(record("disputes", "t-x"));
  EXPECT_EQ(record("service_requests", "t-x")->at("status"), "ACCEPTED");

  // settled's old input: reason is the description, the type OTHER.
  dispute("t-x", {{"requestId", "t-x"}, {"raisedBy", "bob"}, {"reason", "no-show"}});
  admin_token("t-x");
  EXPECT_EQ(dispute_field("t-x", "disputeType"), "OTHER");
  EXPECT_EQ(dispute_field("t-x", "description"), "no-show");
  EXPECT_EQ(dispute_field("t-x", "againstUserId"), "alice");
  EXPECT_EQ(hours("alice"), (Balances{9300, 0, 700}));
}

TEST_F(DisputeWorkflow, ReleaseMovesEveryHundredthAndUnusableAnswersAskAgain) {
  const auto exec = accepted_and_disputed("r-3", 1.25, "bob", "PAYMENT_ISSUE");
  const std::string first = admin_token("r-3");
  answer(first, {{"decision", "MAYBE"}});
  const std::string second = admin_token("r-3", first);
  answer(second, {{"decision", "SPLIT"}, {"payeeAmount", 12.5}});  // not whole hundredths
  const std::string third = admin_token("r-3", second);
  EXPECT_EQ(hours("alice"), (Balances{875, 0, 125}));
  EXPECT_EQ(dispute_field("r-3", "status"), "OPEN");
  answer(third, {{"decision", "RELEASE"}});
  const auto done = wait_final(exec);
  ASSERT_EQ(std::string(done.at("status").as_string()), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "RESOLVED");
  EXPECT_EQ(done.at("output").at("resolution"), "RELEASE");
  EXPECT_EQ(done.at("output").at("adminId"), "local");
  EXPECT_EQ(done.at("output").at("resolvedAt"), "2026-03-02T09:00:00.000Z");
  EXPECT_EQ(done.at("output").at("settlement"),
            (json::object{{"decision", "RELEASE"}, {"toProvider", 125}, {"toRequester", 0}}));
  EXPECT_EQ(hours("alice"), (Balances{875, 0, 0}));
  EXPECT_EQ(hours("bob"), (Balances{125, 0, 0}));
  EXPECT_EQ(dispute_field("r-3", "status"), "RESOLVED");
  auto request = record("service_requests", "r-3");
  EXPECT_EQ(request->at("status"), "DISPUTED");  // the seed's statuses end there
  EXPECT_EQ(request->at("disputeStatus"), "RESOLVED");
  EXPECT_EQ(dispute_notifications("alice"),
            (std::vector<std::string>{"DISPUTE_OPENED", "DISPUTE_RESOLVED"}));
  reconcile_ok();
}

TEST_F(DisputeWorkflow, RemindedAt24HoursEscalatedAt48HoursAndStillFrozenUntilDecided) {
  const char* kAlert = "Dispute undecided after 48 hours";  // the critical alert's subject
  const auto exec = accepted_and_disputed("r-4", 2, "alice", "NO_SHOW");
  const std::string first = admin_token("r-4");
  advance("86340s");  // 23:59
  EXPECT_TRUE(dispute_field("r-4", "remindedAt").is_null());
  EXPECT_EQ(dispute_notifications("admins"), (std::vector<std::string>{"DISPUTE_OPENED"}));
  advance("60s");  // 24:00
  const std::string second = admin_token("r-4", first);
  EXPECT_EQ(dispute_field("r-4", "remindedAt"), "2026-03-03T09:00:00.000Z");
  EXPECT_EQ(dispute_notifications("admins"),
            (std::vector<std::string>{"DISPUTE_OPENED", "DISPUTE_REMINDER"}));
  EXPECT_EQ(history_mentions(exec, kAlert), 0u);
  // A review does not move the seed's 48 h target.
  answer(second, {{"decision", "REVIEW"}});
  const std::string third = admin_token("r-4", second);
  advance("86340s");  // 47:59
  EXPECT_TRUE(dispute_field("r-4", "escalatedAt").is_null());
  EXPECT_EQ(history_mentions(exec, kAlert), 0u);
  advance("60s");  // 48:00
  const std::string fourth = admin_token("r-4", third);
  EXPECT_EQ(dispute_field("r-4", "escalatedAt"), "2026-03-04T09:00:00.000Z");
  EXPECT_EQ(dispute_field("r-4", "status"), "UNDER_REVIEW");
  EXPECT_GE(history_mentions(exec, kAlert), 1u);
  EXPECT_EQ(dispute_notifications("admins"),
            (std::vector<std::string>{"DISPUTE_OPENED", "DISPUTE_REMINDER", "DISPUTE_ESCALATED"}));
  // Then it waits: nothing moves without a decision. (4 days: short of the weekly reconciliation
  // on Monday 04:00, which would only slow the test down.)
  advance("4d");
  EXPECT_EQ(status_of(exec), "RUNNING");
  EXPECT_EQ(record("admin_inbox", "r-4:dispute")->at("token"), fourth.c_str());
  EXPECT_EQ(hours("alice"), (Balances{800, 0, 200}));
  EXPECT_EQ(dispute_notifications("admins").size(), 3u);
  answer(fourth, {{"decision", "REFUND"}});
  const auto done = wait_final(exec);
  ASSERT_EQ(std::string(done.at("status").as_string()), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("status"), "RESOLVED");
  EXPECT_EQ(done.at("output").at("resolvedAt"), "2026-03-08T09:00:00.000Z");
  EXPECT_EQ(hours("alice"), (Balances{1000, 0, 0}));
  reconcile_ok();
}

// With API keys: only an identity with scope admin answers the token; the admin is answeredBy.
class DisputeAdminScope : public DisputeWorkflowTest {
 protected:
  static constexpr const char* kAdmin = "sk_ann_admin";
  static constexpr const char* kSupport = "sk_sam_support";

  std::vector<std::string> daemon_flags() const override {
    auto flags = DisputeWorkflowTest::daemon_flags();
    flags.push_back("--api-key-hashes=[\"ann:admin:" + adapters::sha256_hex(kAdmin) +
                    "\",\"sam:support:" + adapters::sha256_hex(kSupport) + "\"]");
    return flags;
  }

  HttpResult post_as(const char* key, const std::string& target, const json::value& body) {
    return client_->post(target, json::serialize(body),
                         {{"Authorization", std::string("Bearer ") + key}});
  }
  json::value get_as(const char* key, const std::string& target) {
    auto res = client_->get(target, {{"Authorization", std::string("Bearer ") + key}});
    EXPECT_EQ(res.status, 200u) << target << ": " << res.body;
    return res.status == 200 ? res.json() : json::value(nullptr);
  }
  // Polls GET `target` (as the admin) until `ready` holds for the body.
  json::value poll(const std::string& target,
                   const std::function<bool(const json::value&)>& ready) {
    json::value last;
    eventually(
        [&] {
          auto res = client_->get(target, {{"Authorization", std::string("Bearer ") + kAdmin}});
          if (res.status != 200) return false;
          last = res.json();
          return ready(last);
        },
        std::chrono::seconds(20));
    return last;
  }
  Balances alice() {
    const json::value account = get_as(kAdmin, "/v1/accounts/alice");
    const auto* b = account.at("balances").as_object().if_contains("HOUR");
    if (!b) return {0, 0, 0};
    return {b->at("available").as_int64(), b->at("held").as_int64(), b->at("frozen").as_int64()};
  }
};

TEST_F(DisputeAdminScope, ANonAdminAnswerIs403AndChangesNothingTheAdminIsAnsweredBy) {
  const auto created = [](unsigned s) { return s == 201u || s == 200u; };
  ASSERT_TRUE(created(post_as(kAdmin, "/v1/services",
                              {{"id", "svc-garden"}, {"providerId", "bob"}, {"title", "Gardening"}})
                          .status));
  ASSERT_TRUE(created(post_as(kAdmin, "/v1/accounts/alice/deposits",
                              {{"amount", 500}, {"currency", "HOUR"}, {"idempotencyKey", "f-a"}})
                          .status));
  const auto start = [&](const std::string& machine, const json::object& input) {
    auto res = post_as(kAdmin, "/v1/executions",
                       {{"stateMachine", machine}, {"name", "r-5"}, {"input", input}});
    ASSERT_EQ(res.status, 201u) << res.body;
  };
  const auto token_in = [&](const std::string& collection, const std::string& key) {
    const auto r =
        poll("/v1/records/" + collection + "/" + key, [](const json::value&) { return true; });
    return std::string(r.at("record").at("token").as_string());
  };
  const auto finished = [](const json::value& e) { return e.at("status") != "RUNNING"; };
  start("service-request", {{"requestId", "r-5"},
                            {"serviceId", "svc-garden"},
                            {"requesterId", "alice"},
                            {"providerId", "bob"},
                            {"estimatedHours", 3}});
  ASSERT_EQ(post_as(kAdmin, "/v1/tasks/success",
                    {{"taskToken", token_in("inbox", "r-5:provider-response")},
                     {"output", {{"response", "ACCEPTED"}}}})
                .status,
            200u);
  ASSERT_EQ(poll("/v1/executions/service-request:r-5", finished).at("status"), "SUCCEEDED");
  start("dispute", {{"requestId", "r-5"},
                    {"raisedBy", "bob"},
                    {"disputeType", "COMMUNICATION"},
                    {"description", "No answer to messages"}});
  const std::string token = token_in("admin_inbox", "r-5:dispute");
  ASSERT_EQ(alice(), (Balances{200, 0, 300}));

  auto refused = post_as(kSupport, "/v1/tasks/success",
                         {{"taskToken", token}, {"output", {{"decision", "RELEASE"}}}});
  EXPECT_EQ(refused.status, 403u) << refused.body;
  EXPECT_EQ(get_as(kAdmin, "/v1/executions/dispute:r-5").at("status"), "RUNNING");
  EXPECT_EQ(get_as(kAdmin, "/v1/records/disputes/r-5").at("record").at("status"), "OPEN");
  EXPECT_EQ(get_as(kAdmin, "/v1/records/admin_inbox/r-5:dispute").at("record").at("token"),
            token.c_str());
  EXPECT_EQ(alice(), (Balances{200, 0, 300}));

  auto ok =
      post_as(kAdmin, "/v1/tasks/success",
              {{"taskToken", token},
               {"output", {{"decision", "SPLIT"}, {"payeeAmount", 100}, {"adminId", "sam"}}}});
  ASSERT_EQ(ok.status, 200u) << ok.body;
  const auto done = poll("/v1/executions/dispute:r-5", finished);
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("adminId"), "ann");
  EXPECT_EQ(done.at("output").at("resolution"), "SPLIT");
  EXPECT_EQ(get_as(kAdmin, "/v1/records/disputes/r-5").at("record").at("adminId"), "ann");
  EXPECT_EQ(alice(), (Balances{400, 0, 0}));
}

}  // namespace
}  // namespace settled::testing
