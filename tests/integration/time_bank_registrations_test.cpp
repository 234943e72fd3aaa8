// HourBank's users, services and direct transfers over the real daemon's HTTP API
// (docs/users.md): a registration grants the welcome bonus exactly once (also across a kill -9),
// services are records with exact hundredths, and only an admin moves hours directly, once per
// idempotency key. Keys name identities (integration/keyed_ops_fixture.hpp).

#include "integration/keyed_ops_fixture.hpp"

#include <filesystem>
#include <fstream>

namespace settled::testing {
namespace {

namespace json = boost::json;

class TimeBankRegistrations : public KeyedOpsTest {
 protected:
  json::array journal_of(const std::string& user) {
    auto res = get_as(kAlice, "/v1/accounts/" + user + "/journal");
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200 ? res.json().at("entries").as_array() : json::array{};
  }

  // {available, held} in HOUR hundredths.
  std::pair<std::int64_t, std::int64_t> hours_of(const std::string& user) {
    auto res = get_as(kAlice, "/v1/accounts/" + user);
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status != 200) return {0, 0};
    const json::value body = res.json();
    const auto* b = body.at("balances").as_object().if_contains("HOUR");
    if (!b) return {0, 0};
    return {b->at("available").as_int64(), b->at("held").as_int64()};
  }

  HttpResult register_user(const std::string& user, const std::string& key = kBare) {
    return post_as(
        key, "/v1/users",
        json::object{{"userId", user}, {"email", user + "@example.org"}, {"name", "User " + user}});
  }

  void reconcile_ok() {
    auto r = ctl({"--json", "reconcile"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(json::parse(r.out).at("discrepancies").as_array().size(), 0u) << r.out;
  }

  HttpResult transfer(const std::string& key, json::object body) {
    return post_as(key, "/v1/transfers", body);
  }

  static json::object adjustment(const std::string& idempotency_key, json::value amount) {
    return json::object{{"toUserId", "rita"},
                        {"amount", std::move(amount)},
                        {"transferType", "ADMIN_ADJUSTMENT"},
                        {"description", "correction"},
                        {"reason", "ticket 42"},
                        {"idempotencyKey", idempotency_key}};
  }
};

TEST_F(TimeBankRegistrations, ARegisteredUserGetsTheWelcomeBonusOnceEvenAcrossAKill) {
  auto first = register_user("ursula");
  ASSERT_EQ(first.status, 201u) << first.body;
  const auto body = first.json();
  EXPECT_EQ(body.at("userId"), "ursula");
  EXPECT_EQ(body.at("executionId"), "user-registration:user-ursula");
  EXPECT_EQ(body.at("status"), "SUCCEEDED");
  EXPECT_EQ(body.at("bonus"),
            (json::object{{"amount", 1000}, {"hours", "10.00"}, {"currency", "HOUR"}}));
  EXPECT_EQ(hours_of("ursula"), (std::pair<std::int64_t, std::int64_t>{1000, 0}));
  auto entries = journal_of("ursula");
  ASSERT_EQ(entries.size(), 1u) << json::serialize(entries);
  EXPECT_EQ(entries[0].at("op"), "transfer");
  EXPECT_EQ(entries[0].at("params").at("kind"), "WELCOME_BONUS");
  auto user = get_as(kBare, "/v1/records/users/ursula");
  ASSERT_EQ(user.status, 200u) << user.body;
  EXPECT_EQ(user.json().at("record").at("email"), "ursula@example.org");

  auto again = register_user("ursula");
  EXPECT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(again.json().at("executionId"), "user-registration:user-ursula");
  daemon_->kill9();
  start_with(extra_);
  auto after_kill = register_user("ursula");
  EXPECT_EQ(after_kill.status, 200u) << after_kill.body;
  EXPECT_EQ(hours_of("ursula"), (std::pair<std::int64_t, std::int64_t>{1000, 0}));
  EXPECT_EQ(journal_of("ursula").size(), 1u);
  // The same id with other details is another registration: refused, nothing granted.
  auto other = post_as(kBare, "/v1/users", json::object{{"id", "ursula"}, {"name", "Imposter"}});
  EXPECT_EQ(other.status, 409u) << other.body;
  EXPECT_EQ(journal_of("ursula").size(), 1u);
  reconcile_ok();
}

TEST_F(TimeBankRegistrations, BadUserRegistrationsAreRefusedClearly) {
  auto no_id = post_as(kBare, "/v1/users", json::object{{"email", "x@example.org"}});
  EXPECT_EQ(no_id.status, 400u);
  EXPECT_NE(no_id.body.find("userId"), std::string::npos) << no_id.body;
  auto slash = post_as(kBare, "/v1/users", json::object{{"userId", "a/b"}});
  EXPECT_EQ(slash.status, 400u);
  auto long_id = post_as(kBare, "/v1/users", json::object{{"userId", std::string(65, 'a')}});
  EXPECT_EQ(long_id.status, 400u);
  auto extra = post_as(kBare, "/v1/users", json::object{{"userId", "v"}, {"balance", 5}});
  EXPECT_EQ(extra.status, 400u);
  EXPECT_EQ(get_as(kAlice, "/v1/users").status, 405u);
}

TEST_F(TimeBankRegistrations, ServicesAreRecordsWithExactHundredths) {
  auto made = post_as(kBob, "/v1/services",
                      json::object{{"id", "svc-1"},
                                   {"providerId", "paula"},
                                   {"title", "Gardening"},
                                   {"description", "Weeding and planting"},
                                   {"hourlyRate", 1.5},
                                   {"responseTimeHours", 1.5}});
  ASSERT_EQ(made.status, 201u) << made.body;
  auto record = get_as(kBob, "/v1/records/services/svc-1").json().at("record").as_object();
  EXPECT_EQ(record.at("id"), "svc-1");
  EXPECT_EQ(record.at("serviceId"), "svc-1");
  EXPECT_EQ(record.at("providerId"), "paula");
  EXPECT_EQ(record.at("title"), "Gardening");
  EXPECT_EQ(record.at("description"), "Weeding and planting");
  EXPECT_EQ(record.at("hourlyRate"), 1.5);
  EXPECT_EQ(record.at("hourlyRateHundredths"), 150);
  EXPECT_EQ(record.at("isActive"), true);
  EXPECT_EQ(record.at("responseTimeHours"), 1.5);
  EXPECT_EQ(record.at("responseTimeSeconds"), 5400);
  EXPECT_EQ(made.json().at("service"), record);
  const json::value created = record.at("createdAt");

  // Deactivated by registering again; defaults for what is not sent; createdAt kept.
  auto off = post_as(kBob, "/v1/services",
                     json::object{{"serviceId", "svc-1"},
                                  {"userId", "paula"},
                                  {"title", "Gardening"},
                                  {"isActive", false}});
  ASSERT_EQ(off.status, 201u) << off.body;
  record = get_as(kBob, "/v1/records/services/svc-1").json().at("record").as_object();
  EXPECT_EQ(record.at("isActive"), false);
  EXPECT_EQ(record.at("hourlyRateHundredths"), 100);
  EXPECT_EQ(record.at("responseTimeSeconds"), 24 * 3600);
  EXPECT_FALSE(record.contains("description"));
  EXPECT_EQ(record.at("createdAt"), created);

  for (const json::value& bad : {json::value(1.005), json::value(-1), json::value("abc")}) {
    auto refused = post_as(
        kBob, "/v1/services",
        json::object{
            {"id", "svc-2"}, {"providerId", "paula"}, {"title", "Ironing"}, {"hourlyRate", bad}});
    EXPECT_EQ(refused.status, 400u) << json::serialize(bad) << ": " << refused.body;
    EXPECT_EQ(refused.json().at("error"), "InvalidRequest") << refused.body;
    EXPECT_EQ(refused.json().at("workflowError"), "Decimal.Invalid") << refused.body;
    EXPECT_NE(refused.body.find("hourlyRate"), std::string::npos) << refused.body;
  }
  EXPECT_EQ(get_as(kBob, "/v1/records/services/svc-2").status, 404u);
  auto untitled = post_as(kBob, "/v1/services", json::object{{"id", "svc-3"}, {"providerId", "p"}});
  EXPECT_EQ(untitled.status, 400u);
  EXPECT_NE(untitled.body.find("title"), std::string::npos) << untitled.body;
}

TEST_F(TimeBankRegistrations, OnlyAnAdminTransfersHoursOncePerKey) {
  ASSERT_EQ(register_user("rita").status, 201u);
  ASSERT_EQ(register_user("sam").status, 201u);

  auto forbidden = transfer(kBob, adjustment("adj-0", 2));
  EXPECT_EQ(forbidden.status, 403u) << forbidden.body;
  EXPECT_EQ(forbidden.json().at("error"), "Forbidden");
  auto bonus = adjustment("adj-bonus", 2);
  bonus["transferType"] = "WELCOME_BONUS";
  auto refused = transfer(kAlice, bonus);
  EXPECT_EQ(refused.status, 400u);
  EXPECT_NE(refused.body.find("POST /v1/users"), std::string::npos) << refused.body;

  // Minted (no fromUserId): 2.5 hours is 250 hundredths.
  auto minted = transfer(kAlice, adjustment("adj-1", 2.5));
  ASSERT_EQ(minted.status, 201u) << minted.body;
  EXPECT_EQ(minted.json().at("fromUserId"), "SYSTEM");
  EXPECT_EQ(minted.json().at("amount"), 250);
  EXPECT_EQ(minted.json().at("adminId"), "alice");
  auto again = transfer(kAlice, adjustment("adj-1", 2.5));
  EXPECT_EQ(again.status, 200u) << again.body;
  EXPECT_EQ(hours_of("rita").first, 1250);
  EXPECT_EQ(journal_of("rita").size(), 2u);
  auto log = get_as(kAlice, "/v1/records/transfers/transfer-adj-1").json().at("record");
  EXPECT_EQ(log.at("transactionId"), "transfer-adj-1");
  EXPECT_EQ(log.at("hours"), "2.50");
  EXPECT_EQ(log.at("transferType"), "ADMIN_ADJUSTMENT");
  EXPECT_EQ(log.at("reason"), "ticket 42");
  EXPECT_EQ(log.at("adminId"), "alice");

  // From a user: a refund from sam to rita.
  auto refund = adjustment("ref-1", "3.25");
  refund["fromUserId"] = "sam";
  refund["transferType"] = "REFUND";
  auto moved = transfer(kAlice, refund);
  ASSERT_EQ(moved.status, 201u) << moved.body;
  EXPECT_EQ(hours_of("sam").first, 1000 - 325);
  EXPECT_EQ(hours_of("rita").first, 1250 + 325);
  auto entries = journal_of("sam");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].at("params").at("kind"), "REFUND");

  // More than sam has: a clear error, nothing moved.
  auto too_much = adjustment("ref-2", 100);
  too_much["fromUserId"] = "sam";
  auto poor = transfer(kAlice, too_much);
  EXPECT_EQ(poor.status, 409u) << poor.body;
  EXPECT_EQ(poor.json().at("error"), "InsufficientFunds") << poor.body;
  EXPECT_EQ(poor.json().at("workflowError"), "Transfer.InsufficientFunds") << poor.body;
  EXPECT_NE(poor.body.find("sam"), std::string::npos) << poor.body;
  EXPECT_EQ(hours_of("sam").first, 675);
  EXPECT_EQ(journal_of("sam").size(), 2u);
  EXPECT_EQ(get_as(kAlice, "/v1/records/transfers/transfer-ref-2").status, 404u);

  auto no_key = adjustment("x", 1);
  no_key.erase("idempotencyKey");
  EXPECT_EQ(transfer(kAlice, no_key).status, 400u);
  EXPECT_EQ(transfer(kAlice, adjustment("adj-neg", -1)).status, 400u);
  reconcile_ok();
}

// The ledger's raw routes create money and move anyone's with none of a workflow's checks: as
// direct transfers, only an identity with scope admin may use them. A key with another scope or
// none gets 403 and nothing moves (before, POST /v1/ledger/operations minted hours for any key).
TEST_F(TimeBankRegistrations, OnlyAnAdminUsesTheLedgersRawRoutes) {
  ASSERT_EQ(register_user("rita").status, 201u);
  const json::object mint{
      {"operation", "transfer"},
      {"idempotencyKey", "raw-mint-1"},
      {"parameters",
       {{"to", "rita"}, {"amount", 100000}, {"currency", "HOUR"}, {"kind", "bonus"}}}};
  const json::object deposit{{"amount", 100000}, {"currency", "HOUR"}, {"idempotencyKey", "dep-1"}};
  for (const char* key : {kBob, kBare}) {
    auto minted = post_as(key, "/v1/ledger/operations", mint);
    EXPECT_EQ(minted.status, 403u) << key << ": " << minted.body;
    EXPECT_EQ(minted.json().at("error"), "Forbidden") << minted.body;
    EXPECT_NE(std::string(minted.json().at("message").as_string()).find("scope \"admin\""),
              std::string::npos)
        << minted.body;
    auto deposited = post_as(key, "/v1/accounts/rita/deposits", deposit);
    EXPECT_EQ(deposited.status, 403u) << key << ": " << deposited.body;
    EXPECT_EQ(deposited.json().at("error"), "Forbidden") << deposited.body;
  }
  EXPECT_EQ(hours_of("rita").first, 1000);  // the welcome bonus only
  EXPECT_EQ(journal_of("rita").size(), 1u);

  auto by_admin = post_as(kAlice, "/v1/ledger/operations", mint);
  EXPECT_EQ(by_admin.status, 201u) << by_admin.body;
  EXPECT_EQ(post_as(kAlice, "/v1/accounts/rita/deposits", deposit).status, 201u);
  EXPECT_EQ(hours_of("rita").first, 1000 + 100000 + 100000);
  reconcile_ok();
}

// The workflows behind the gated routes cannot be started around them: a key without scope
// admin started user-registration with a bonus of its choosing, and direct-transfer from another
// user's account (start-scopes, docs/identities.md). Nor can it move the daemon's schedules.
TEST_F(TimeBankRegistrations, TheWorkflowsBehindGatedRoutesNeedTheScopeToStartDirectly) {
  ASSERT_EQ(register_user("rita").status, 201u);
  const auto yearly = json::serialize(json::object{
      {"cron", "0 0 1 1 *"}, {"stateMachine", "ledger-reconciliation"}, {"input", json::object{}}});
  ASSERT_EQ(client_
                ->request(boost::beast::http::verb::put, "/v1/schedules/yearly", yearly,
                          {{"Authorization", std::string("Bearer ") + kAlice}})
                .status,
            201u);
  const json::object mint{{"stateMachine", "user-registration"},
                          {"name", "user-mallory"},
                          {"input", {{"userId", "mallory"}, {"bonusHundredths", 99999999900}}}};
  const json::object take{{"stateMachine", "direct-transfer"},
                          {"name", "take-1"},
                          {"input",
                           {{"fromUserId", "rita"},
                            {"toUserId", "mallory"},
                            {"amount", 10},
                            {"transferType", "ADMIN_ADJUSTMENT"},
                            {"description", "x"},
                            {"reason", "x"},
                            {"idempotencyKey", "take-1"},
                            {"adminId", "chief"}}}};
  // The name POST /v1/service-requests/{id}/rating gives the requester's rating, taken first.
  const json::object squat{
      {"stateMachine", "service-rating"},
      {"name", "rating-req-1"},
      {"input", {{"requestId", "req-1"}, {"userId", "mallory"}, {"rating", 1}}}};
  for (const char* key : {kBob, kBare}) {
    for (const auto& start : {mint, take, squat}) {
      auto refused = post_as(key, "/v1/executions", start);
      EXPECT_EQ(refused.status, 403u) << key << ": " << refused.body;
      EXPECT_EQ(refused.json().at("error"), "Forbidden") << refused.body;
      EXPECT_NE(std::string(refused.json().at("message").as_string()).find("scope \"admin\""),
                std::string::npos)
          << refused.body;
    }
    auto schedule =
        client_->request(boost::beast::http::verb::put, "/v1/schedules/mint-every-minute",
                         json::serialize(json::object{{"cron", "* * * * *"},
                                                      {"stateMachine", "user-registration"},
                                                      {"input", {{"userId", "mallory"}}}}),
                         {{"Authorization", std::string("Bearer ") + key}});
    EXPECT_EQ(schedule.status, 403u) << key << ": " << schedule.body;
    auto removed = client_->request(boost::beast::http::verb::delete_, "/v1/schedules/yearly", "",
                                    {{"Authorization", std::string("Bearer ") + key}});
    EXPECT_EQ(removed.status, 403u) << key << ": " << removed.body;
  }
  EXPECT_EQ(get_as(kAlice, "/v1/executions/user-registration:user-mallory").status, 404u);
  EXPECT_EQ(get_as(kAlice, "/v1/executions/direct-transfer:take-1").status, 404u);
  EXPECT_EQ(get_as(kAlice, "/v1/executions/service-rating:rating-req-1").status, 404u);
  EXPECT_EQ(get_as(kAlice, "/v1/schedules/mint-every-minute").status, 404u);
  EXPECT_EQ(get_as(kAlice, "/v1/schedules/yearly").status, 200u);
  EXPECT_EQ(hours_of("rita").first, 1000);  // the welcome bonus only

  // Other workflows start with any key, as before; an admin starts the gated ones.
  EXPECT_EQ(post_as(kAlice, "/v1/executions", take).status, 201u);
  EXPECT_EQ(wait_final_as_admin("direct-transfer:take-1").at("status"), "SUCCEEDED");
  EXPECT_EQ(hours_of("rita").first, 1000 - 1000);
  reconcile_ok();
}

// An event rule is no way around start-scopes: its start is checked as the poster's own. A key
// without the scope posting the rule's event gets 403, nothing starts and the event is not
// recorded (an admin's later post of the same id starts it). Before the fix the rule started
// user-registration with the poster's bonus.
TEST_F(TimeBankRegistrations, ARuleStartsAGatedWorkflowOnlyForAPosterWithTheScope) {
  const std::string rules = workflows_dir() + "/../rules";
  std::filesystem::create_directories(rules);
  std::ofstream(rules + "/signup.json") << R"({"detailType": "signup.requested",
      "target": {"startExecution": {"stateMachine": "user-registration",
                                    "inputPath": "$.detail"}}})";
  std::ofstream(rules + "/pay-now.json") << R"({"detailType": "pay.requested",
      "posterScope": "support",
      "target": {"startExecution": {"stateMachine": "payment", "inputPath": "$.detail"}}})";
  auto flags = extra_;
  flags.push_back("--rules-dir=" + rules);
  daemon_->terminate();
  start_with(flags);

  const json::object event{{"id", "evt-mint-1"},
                           {"type", "signup.requested"},
                           {"correlationKey", "mallory"},
                           {"detail", {{"userId", "mallory"}, {"bonusHundredths", 99999999900}}}};
  for (const char* key : {kBob, kBare}) {
    auto refused = post_as(key, "/v1/events", event);
    EXPECT_EQ(refused.status, 403u) << key << ": " << refused.body;
    EXPECT_EQ(refused.json().at("error"), "Forbidden") << refused.body;
  }
  EXPECT_EQ(get_as(kAlice, "/v1/executions/user-registration:signup-evt-mint-1").status, 404u);
  EXPECT_EQ(hours_of("mallory").first, 0);

  auto started = post_as(kAlice, "/v1/events", event);
  EXPECT_EQ(started.status, 200u) << started.body;
  EXPECT_EQ(wait_final_as_admin("user-registration:signup-evt-mint-1").at("status"), "SUCCEEDED");

  // The names a rule starts an ungated machine under are the rule's: a key without admin
  // cannot take one ahead of the event (the rule's start for it would then have failed with
  // ExecutionAlreadyExists, and the payment never run).
  for (const char* key : {kBob, kBare}) {
    auto taken = post_as(key, "/v1/executions",
                         json::object{{"stateMachine", "payment"},
                                      {"name", "pay-now-evt-early"},
                                      {"input", {{"paymentId", "evt-early"}}}});
    EXPECT_EQ(taken.status, 403u) << key << ": " << taken.body;
    EXPECT_NE(taken.body.find("event rule pay-now"), std::string::npos) << taken.body;
  }
  EXPECT_EQ(get_as(kAlice, "/v1/executions/payment:pay-now-evt-early").status, 404u);

  // The rule asks its events' posters for scope support: a bare key's word starts nothing.
  const json::object pay{{"id", "evt-pay-1"},
                         {"type", "pay.requested"},
                         {"correlationKey", "p-1"},
                         {"detail",
                          {{"paymentId", "p-1"},
                           {"customerId", "c-1"},
                           {"amount", 1250},
                           {"currency", "USD"},
                           {"paymentMethod", "pm_card_visa"}}}};
  auto bare = post_as(kBare, "/v1/events", pay);
  EXPECT_EQ(bare.status, 403u) << bare.body;
  EXPECT_NE(bare.body.find("(rule pay-now)"), std::string::npos) << bare.body;
  EXPECT_EQ(get_as(kAlice, "/v1/executions/payment:pay-now-evt-pay-1").status, 404u);
  auto supported = post_as(kBob, "/v1/events", pay);
  EXPECT_EQ(supported.status, 200u) << supported.body;
  EXPECT_EQ(get_as(kAlice, "/v1/executions/payment:pay-now-evt-pay-1").status, 200u);
}

}  // namespace
}  // namespace settled::testing
