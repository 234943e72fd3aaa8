// Issue 16's check: a client written to seed 000's GraphQL types (its field names, enum values
// and decimal hours) runs HourBank's whole life cycle against the real daemon over HTTP, with
// API keys (the application's key has no scope, the administrator's has `admin`), a
// notification webhook and the simulated clock:
//   register two users (the welcome bonus) and a service; request, counter with a new rate,
//   accept, progress, complete, confirm, pay, rate; withdraw a request (the seed's
//   CancelEscrowInput); dispute and dismiss (the 24 h reminder on the way); an admin adjustment.
// Every notification is read from each user's inbox and from the webhook, signed; the ledger
// reconciles to the hundredth of an hour.

#include "integration/keyed_ops_fixture.hpp"
#include "integration/notification_receiver.hpp"

#include "support/eventually.hpp"

#include <map>
#include <set>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kWebhookSecret = "whsec_hourbank_lifecycle";

class HourBankLifeCycle : public KeyedOpsTest {
 protected:
  static constexpr const char* kApp = kBare;     // the application's backend: no scope
  static constexpr const char* kAdmin = kAlice;  // identity "alice", scope admin

  void SetUp() override {
    receiver_ = std::make_unique<NotificationReceiver>();
    more_flags_ = {"--clock=simulated",
                   "--clock-start=2026-03-02T09:00:00Z",
                   "--notification-webhook-url=" + receiver_->url("/notifications"),
                   std::string("--notification-webhook-secret=") + kWebhookSecret,
                   "--notification-webhook-initial-backoff-ms=20",
                   "--notification-webhook-max-backoff-ms=100"};
    KeyedOpsTest::SetUp();
  }

  json::value ok(const HttpResult& res, unsigned status = 201) {
    EXPECT_EQ(res.status, status) << res.body;
    return res.status == status ? res.json() : json::value();
  }

  void start(const std::string& machine, const std::string& name, json::object input) {
    ok(post_as(kApp, "/v1/executions",
               json::object{{"stateMachine", machine}, {"name", name}, {"input", input}}));
  }

  json::object record(const std::string& collection, const std::string& key) {
    auto res = get_as(kApp, "/v1/records/" + collection + "/" + key);
    if (res.status != 200) return {};
    return res.json().at("record").as_object();
  }

  // The token in `collection`/`key` once it differs from `previous`.
  std::string token(const std::string& collection, const std::string& key,
                    const std::string& previous = "") {
    std::string found;
    const bool seen = eventually(
        [&] {
          const auto r = record(collection, key);
          const auto* t = r.if_contains("token");
          if (!t) return false;
          found = std::string(t->as_string());
          return found != previous;
        },
        std::chrono::seconds(20));
    EXPECT_TRUE(seen) << "no new token in " << collection << "/" << key;
    return found;
  }

  HttpResult answer_as(const std::string& key, const std::string& token,
                       const json::object& output) {
    return post_as(key, "/v1/tasks/success",
                   json::object{{"taskToken", token}, {"output", output}});
  }

  void answer(const std::string& token, const json::object& output) {
    ok(answer_as(kApp, token, output), 200);
  }

  void await_status(const std::string& request_id, const std::string& status) {
    std::string last;
    const bool reached = eventually(
        [&] {
          const auto r = record("service_requests", request_id);
          last = r.contains("status") ? std::string(r.at("status").as_string()) : "";
          return last == status;
        },
        std::chrono::seconds(20));
    EXPECT_TRUE(reached) << request_id << " is " << last << ", not " << status;
  }

  // {available, held, frozen} hundredths of an hour.
  std::array<std::int64_t, 3> hours(const std::string& user) {
    const json::value body = ok(get_as(kApp, "/v1/accounts/" + user), 200);
    const auto* b =
        body.is_object() ? body.at("balances").as_object().if_contains("HOUR") : nullptr;
    if (!b) return {0, 0, 0};
    return {b->at("available").as_int64(), b->at("held").as_int64(), b->at("frozen").as_int64()};
  }

  // Every notification in the user's inbox: id -> type.
  std::map<std::string, std::string> inbox(const std::string& user) {
    std::map<std::string, std::string> out;
    const json::value body =
        ok(get_as(kApp, "/v1/users/" + user + "/notifications?limit=100"), 200);
    if (!body.is_object()) return out;
    for (const auto& n : body.at("notifications").as_array())
      out[std::string(n.at("id").as_string())] = std::string(n.at("type").as_string());
    return out;
  }

  static std::set<std::string> types(const std::map<std::string, std::string>& notifications) {
    std::set<std::string> out;
    for (const auto& [id, type] : notifications) out.insert(type);
    return out;
  }

  std::unique_ptr<NotificationReceiver> receiver_;
};

TEST_F(HourBankLifeCycle, AClientWrittenToTheSeedRunsTheWholeLifeCycle) {
  // Register: the welcome bonus, 10 hours each, once.
  for (const char* user : {"maria", "tom"}) {
    const auto registered =
        ok(post_as(kApp, "/v1/users",
                   json::object{{"userId", user}, {"email", std::string(user) + "@example.org"}}));
    EXPECT_EQ(registered.at("bonus").at("hours"), "10.00");
  }
  ok(post_as(kApp, "/v1/services",
             json::object{{"id", "svc-garden"},
                          {"providerId", "tom"},
                          {"title", "Garden work"},
                          {"hourlyRate", 1},
                          {"responseTimeHours", 24},
                          {"isActive", true}}));

  // Request 2.5 h; tom counters with a new rate; maria accepts: 2.5 h x 1.2 = 3.00 h held.
  start("service-request", "r-1",
        {{"requestId", "r-1"},
         {"serviceId", "svc-garden"},
         {"requesterId", "maria"},
         {"providerId", "tom"},
         {"estimatedHours", 2.5},
         {"message", "The hedges and the lawn"}});
  answer(token("inbox", "r-1:provider-response"),
         {{"response", "COUNTER_OFFER"},
          {"message", "Hedges take longer"},
          {"counterOffer", {{"newRate", 1.2}, {"message", "1.2 per hour"}}}});
  await_status("r-1", "NEGOTIATING");
  answer(token("inbox", "r-1:counter-decision"), {{"response", "ACCEPTED"}});
  await_status("r-1", "ACCEPTED");
  EXPECT_EQ(record("service_requests", "r-1").at("agreedRate"), 1.2);
  EXPECT_EQ(hours("maria"), (std::array<std::int64_t, 3>{700, 300, 0}));

  // Progress, complete (the seed's ServiceCompletionInput), confirm, pay.
  start("service-completion", "r-1", {{"requestId", "r-1"}, {"userId", "tom"}});
  await_status("r-1", "IN_PROGRESS");
  const std::string provider_turn = token("inbox", "r-1:completion");
  answer(provider_turn, {{"requestId", "r-1"},
                         {"completedBy", "PROVIDER"},
                         {"userId", "tom"},
                         {"completionNotes", "All done, clippings taken away"}});
  await_status("r-1", "PENDING_COMPLETION_CONFIRMATION");
  answer(token("inbox", "r-1:completion", provider_turn),
         {{"requestId", "r-1"}, {"completedBy", "REQUESTER"}, {"userId", "maria"}});
  const auto completed = wait_final_as_admin("service-completion:r-1");
  ASSERT_EQ(completed.at("status"), "SUCCEEDED") << json::serialize(completed);
  const auto paid = record("service_requests", "r-1");
  EXPECT_EQ(paid.at("status"), "PAID");
  EXPECT_TRUE(paid.at("paidAt").is_string());
  EXPECT_EQ(hours("tom"), (std::array<std::int64_t, 3>{1300, 0, 0}));

  // Rate, once.
  const auto rated = ok(post_as(kApp, "/v1/service-requests/r-1/rating",
                                json::object{{"userId", "maria"}, {"rating", 5}}));
  EXPECT_EQ(rated.at("rating").at("status"), "SUBMITTED");
  EXPECT_EQ(post_as(kApp, "/v1/service-requests/r-1/rating",
                    json::object{{"userId", "maria"}, {"rating", 3}})
                .status,
            409u);

  // Withdraw a request with the seed's CancelEscrowInput: it goes through the request.
  start("service-request", "r-2",
        {{"requestId", "r-2"},
         {"serviceId", "svc-garden"},
         {"requesterId", "maria"},
         {"providerId", "tom"},
         {"estimatedHours", 1}});
  token("inbox", "r-2:provider-response");
  start("escrow-cancel", "r-2",
        {{"escrowId", "sr-r-2"}, {"cancellationReason", "Requester changed plans"}});
  EXPECT_EQ(wait_final_as_admin("escrow-cancel:r-2").at("status"), "SUCCEEDED");
  await_status("r-2", "CANCELLED");

  // Dispute and dismiss: a no-show claim while the work is in progress.
  start("service-request", "r-3",
        {{"requestId", "r-3"},
         {"serviceId", "svc-garden"},
         {"requesterId", "maria"},
         {"providerId", "tom"},
         {"estimatedHours", 1.5}});
  answer(token("inbox", "r-3:provider-response"), {{"response", "ACCEPTED"}});
  await_status("r-3", "ACCEPTED");
  start("service-completion", "r-3", {{"requestId", "r-3"}, {"userId", "tom"}});
  await_status("r-3", "IN_PROGRESS");
  start("dispute", "r-3",
        {{"requestId", "r-3"},
         {"raisedBy", "maria"},
         {"disputeType", "NO_SHOW"},
         {"description", "Nobody came on Tuesday"},
         {"evidence", {{"messages", json::array{"msg-17"}}}}});
  await_status("r-3", "DISPUTED");
  EXPECT_EQ(hours("maria"), (std::array<std::int64_t, 3>{550, 0, 150}));
  const std::string decision = token("admin_inbox", "r-3:dispute");
  ok(post_as(kAdmin, "/v1/clock/advance", json::object{{"by", "24h"}}), 200);
  EXPECT_TRUE(eventually(
      [&] {
        return record("disputes", "r-3").contains("remindedAt") &&
               record("disputes", "r-3").at("remindedAt").is_string();
      },
      std::chrono::seconds(20)))
      << json::serialize(record("disputes", "r-3"));
  // The application's key holds no admin scope: refused, nothing changes.
  const std::string after_reminder = token("admin_inbox", "r-3:dispute", decision);
  EXPECT_EQ(answer_as(kApp, after_reminder, {{"decision", "DISMISS"}}).status, 403u);
  ok(answer_as(kAdmin, after_reminder, {{"decision", "DISMISS"}}), 200);
  const auto dismissed = wait_final_as_admin("dispute:r-3");
  ASSERT_EQ(dismissed.at("status"), "SUCCEEDED") << json::serialize(dismissed);
  EXPECT_EQ(dismissed.at("output").at("status"), "DISMISSED");
  EXPECT_EQ(dismissed.at("output").at("adminId"), "alice");
  EXPECT_EQ(record("disputes", "r-3").at("status"), "DISMISSED");
  await_status("r-3", "IN_PROGRESS");
  EXPECT_EQ(hours("maria"), (std::array<std::int64_t, 3>{550, 150, 0}));

  // An administrator's adjustment: half an hour to maria.
  const auto adjusted = ok(post_as(kAdmin, "/v1/transfers",
                                   json::object{{"toUserId", "maria"},
                                                {"amount", 0.5},
                                                {"transferType", "ADMIN_ADJUSTMENT"},
                                                {"description", "Goodwill"},
                                                {"reason", "ticket 7"},
                                                {"idempotencyKey", "adj-7"}}));
  EXPECT_EQ(adjusted.at("status"), "SUCCEEDED");

  // To the hundredth: 20 h of bonuses and 0.5 h minted; 3 h paid to tom, 1.5 h still held.
  EXPECT_EQ(hours("maria"), (std::array<std::int64_t, 3>{600, 150, 0}));
  EXPECT_EQ(hours("tom"), (std::array<std::int64_t, 3>{1300, 0, 0}));
  auto reconciled = ctl({"--json", "reconcile"});
  ASSERT_EQ(reconciled.code, 0) << reconciled.out << reconciled.err;
  EXPECT_EQ(json::parse(reconciled.out).at("discrepancies").as_array().size(), 0u)
      << reconciled.out;

  // Every notification, from the inbox and from the webhook, once each, signed.
  const auto maria = inbox("maria");
  const auto tom = inbox("tom");
  for (const char* type : {"WELCOME_BONUS", "COUNTER_OFFER_RECEIVED", "SERVICE_STARTED",
                           "COMPLETION_CONFIRMATION_REQUESTED", "RATING_ENABLED", "REQUEST_CLOSED",
                           "DISPUTE_DISMISSED"})
    EXPECT_TRUE(types(maria).count(type)) << "maria has no " << type;
  for (const char* type : {"WELCOME_BONUS", "SERVICE_REQUEST_RECEIVED", "PAYMENT_RECEIVED",
                           "RATING_RECEIVED", "DISPUTE_OPENED", "DISPUTE_DISMISSED"})
    EXPECT_TRUE(types(tom).count(type)) << "tom has no " << type;
  std::map<std::string, std::string> expected = maria;
  expected.insert(tom.begin(), tom.end());
  ASSERT_TRUE(receiver_->wait_for([&](const std::vector<NotificationReceiver::Received>& got) {
    std::set<std::string> ids;
    for (const auto& r : got)
      if (r.status / 100 == 2) ids.insert(r.id);
    for (const auto& [id, type] : expected)
      if (!ids.count(id)) return false;
    return true;
  })) << "the webhook did not receive every inbox notification";
  for (const auto& r : receiver_->received()) {
    EXPECT_TRUE(verify_settled_signature(r.signature, r.body, kWebhookSecret)) << r.id;
    const json::value body = json::parse(r.body);
    const auto it = expected.find(r.id);
    if (it != expected.end()) {
      EXPECT_EQ(body.at("type"), json::value(it->second)) << r.body;
    }
  }
  for (const auto& [id, delivered] : receiver_->delivered_by_id())
    EXPECT_EQ(delivered, 1) << id << " delivered " << delivered << " times";
}

}  // namespace
}  // namespace settled::testing
