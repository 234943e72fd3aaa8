// What the simulator does on its own (src/adapters/stripe/stripe_sim_lifecycle.hpp) against a
// real LmdbStore: payouts settle at their due time (paid, or failed for Stripe's failing test
// bank accounts with the money back), onboarding completes once through its link, events carry
// pending_webhooks until marked delivered, lists page as Stripe's; the signature the webhook
// sender puts on an event verifies.

#include "adapters/stripe/stripe_sim_lifecycle.hpp"
#include "adapters/stripe/stripe_webhook_sender.hpp"
#include "adapters/stripe/webhook_signature.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <cstdio>
#include <map>
#include <string>

namespace settled::adapters {
namespace {

namespace json = boost::json;
using settled::testing::TempDir;

constexpr EpochMillis kHour = 3'600'000;

class StripeSimLifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    LmdbOptions lmdb;
    lmdb.path = dir_.path();
    lmdb.map_size = std::size_t{16} << 20;
    auto store = LmdbStore::open(lmdb);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = *store;
    options_.payout_delay_ms = kHour;
    options_.webhooks = true;
  }

  void commit(WriteBatch& writes) { ASSERT_TRUE(store_->commit({&writes}).ok()); }

  json::object ok(const std::string& method, const json::value& params) {
    TaskAttempt a;
    a.resource = "settled:stripe." + method;
    a.parameters = params;
    a.idempotency_key = "exec-1/State/" + std::to_string(++keys_);
    a.now = now_;
    auto d = simulate_stripe_call(store_.get(), a, std::nullopt, 1, ids_, options_);
    commit(d.writes);
    EXPECT_TRUE(d.outcome.ok) << method << ": " << d.outcome.error << " " << d.outcome.cause;
    return d.outcome.ok ? d.outcome.result.as_object() : json::object();
  }

  // A funded account and a payout of 300 of its 1000 to `destination`.
  std::pair<std::string, json::object> payout_to(const std::string& destination) {
    const std::string acct(ok("accounts.create", {{"type", "express"}}).at("id").as_string());
    ok("transfers.create", {{"amount", 1000}, {"currency", "usd"}, {"destination", acct}});
    auto payout = ok("payouts.create", {{"amount", 300},
                                        {"currency", "usd"},
                                        {"stripeAccount", acct},
                                        {"destination", destination}});
    return {acct, payout};
  }

  json::object stored(const std::string& id) {
    return json::parse(*store_->get(Table::kStripeObjects, id)).as_object();
  }
  std::int64_t available(const std::string& acct) {
    auto balance = account_balance(*store_, acct);
    EXPECT_TRUE(balance.ok());
    for (const auto& a : balance->at("available").as_array())
      if (a.at("currency") == "usd") return a.at("amount").as_int64();
    return 0;
  }
  std::vector<std::string> event_types() {
    std::vector<std::string> types;
    const auto list = list_objects(*store_, Table::kStripeSimEvents, "evt_", "/e", 0, "");
    for (const auto& e : list.at("data").as_array()) types.emplace_back(e.at("type").as_string());
    return types;
  }

  TempDir dir_;
  std::shared_ptr<LmdbStore> store_;
  SimulatorOptions options_;
  EpochMillis now_ = 1'700'000'000'000;
  int keys_ = 0;
  int counter_ = 0;
  SimulatorIds ids_ = [this](const char* prefix) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s%08d", prefix, ++counter_);
    return std::string(buf);
  };
};

TEST_F(StripeSimLifecycle, APayoutIsPaidOnceItsDelayIsOver) {
  auto [acct, payout] = payout_to("000123456789");
  EXPECT_EQ(payout.at("status"), "pending");
  EXPECT_EQ(payout.at("arrival_date"), (now_ + kHour) / 1000);
  EXPECT_EQ(next_payout_due(*store_), now_ + kHour);
  EXPECT_EQ(available(acct), 700);

  auto early = settle_due_payouts(*store_, now_ + kHour - 1, ids_, options_);
  EXPECT_TRUE(early.empty());
  auto due = settle_due_payouts(*store_, now_ + kHour, ids_, options_);
  auto events = events_in(due);
  commit(due);
  const auto paid = stored(std::string(payout.at("id").as_string()));
  EXPECT_EQ(paid.at("status"), "paid");
  EXPECT_EQ(paid.at("failure_code"), nullptr);
  EXPECT_EQ(available(acct), 700);
  EXPECT_FALSE(next_payout_due(*store_).has_value());
  ASSERT_EQ(events.size(), 2u);
  const auto last = json::parse(events[1].second).as_object();
  EXPECT_EQ(last.at("type"), "payout.paid");
  EXPECT_EQ(last.at("account"), acct.c_str());
  EXPECT_EQ(last.at("request").at("idempotency_key"), nullptr);
  EXPECT_EQ(json::parse(events[0].second).at("data").at("previous_attributes").at("status"),
            "pending");
  // Settled once: nothing is due any more.
  EXPECT_TRUE(settle_due_payouts(*store_, now_ + 2 * kHour, ids_, options_).empty());
}

TEST_F(StripeSimLifecycle,
       PayoutsToStripesFailingTestAccountsFailWithTheirCodeAndGiveTheMoneyBack) {
  const std::map<std::string, std::string> failing{{"000111111116", "no_account"},
                                                   {"000111111113", "account_closed"},
                                                   {"000222222227", "insufficient_funds"},
                                                   {"000333333335", "debit_not_authorized"},
                                                   {"000444444440", "invalid_currency"}};
  for (const auto& [number, code] : failing) {
    auto [acct, payout] = payout_to(number);
    EXPECT_EQ(available(acct), 700);
    auto due = settle_due_payouts(*store_, now_ + kHour, ids_, options_);
    commit(due);
    const auto failed = stored(std::string(payout.at("id").as_string()));
    EXPECT_EQ(failed.at("status"), "failed") << number;
    EXPECT_EQ(failed.at("failure_code"), code.c_str()) << number;
    EXPECT_EQ(available(acct), 1000) << number;
    EXPECT_EQ(event_types().back(), "payout.failed");
  }
}

TEST_F(StripeSimLifecycle, OnboardingCompletesOnceThroughItsLink) {
  const auto account =
      ok("accounts.create", {{"type", "express"}, {"capabilities", {{"transfers", {}}}}});
  const std::string acct(account.at("id").as_string());
  const auto link = ok("accountLinks.create", {{"account", acct},
                                               {"type", "account_onboarding"},
                                               {"refresh_url", "https://x.test/r"},
                                               {"return_url", "https://x.test/b"}});
  const std::string url(link.at("url").as_string());
  const std::string link_id = url.substr(url.rfind('/') + 1);

  auto unknown = complete_onboarding(*store_, "link_none", now_, ids_, options_);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  auto expired = complete_onboarding(*store_, link_id, now_ + 301'000, ids_, options_);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, ErrorCode::kInvalidRequest);

  auto done = complete_onboarding(*store_, link_id, now_ + 1000, ids_, options_);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->account.at("charges_enabled"), true);
  EXPECT_EQ(done->account.at("payouts_enabled"), true);
  EXPECT_EQ(done->account.at("details_submitted"), true);
  EXPECT_EQ(done->account.at("capabilities").at("transfers"), "active");
  EXPECT_TRUE(done->account.at("requirements").at("currently_due").as_array().empty());
  auto events = events_in(done->writes);
  commit(done->writes);
  ASSERT_EQ(events.size(), 1u);
  const auto updated = json::parse(events[0].second);
  EXPECT_EQ(updated.at("type"), "account.updated");
  EXPECT_EQ(updated.at("data").at("previous_attributes").at("charges_enabled"), false);
  EXPECT_EQ(stored(acct).at("charges_enabled"), true);

  auto again = complete_onboarding(*store_, link_id, now_ + 2000, ids_, options_);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidRequest);
}

TEST_F(StripeSimLifecycle, EventsStayPendingUntilMarkedDelivered) {
  payout_to("000123456789");  // transfer.created, payout.created
  auto pending = undelivered_events(*store_);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(json::parse(pending[0].second).at("pending_webhooks"), 1);
  auto mark = mark_delivered(*store_, pending[0].first);
  commit(mark);
  EXPECT_FALSE(undelivered_event(*store_, pending[0].first).has_value());
  EXPECT_TRUE(undelivered_event(*store_, pending[1].first).has_value());
  EXPECT_EQ(undelivered_events(*store_).size(), 1u);
  EXPECT_TRUE(mark_delivered(*store_, pending[0].first).empty());  // once is enough

  // Without webhooks no event waits for one.
  options_.webhooks = false;
  payout_to("000123456789");
  EXPECT_EQ(undelivered_events(*store_).size(), 1u);
}

TEST_F(StripeSimLifecycle, ListsPageAsStripesDo) {
  for (int i = 0; i < 3; ++i) payout_to("000123456789");
  auto first = list_objects(*store_, Table::kStripeObjects, "po_", "/p", 2, "");
  EXPECT_EQ(first.at("object"), "list");
  EXPECT_EQ(first.at("has_more"), true);
  ASSERT_EQ(first.at("data").as_array().size(), 2u);
  const std::string after(first.at("data").as_array()[1].at("id").as_string());
  auto rest = list_objects(*store_, Table::kStripeObjects, "po_", "/p", 2, after);
  EXPECT_EQ(rest.at("has_more"), false);
  ASSERT_EQ(rest.at("data").as_array().size(), 1u);
  EXPECT_EQ(rest.at("data").as_array()[0].at("object"), "payout");
  EXPECT_EQ(list_objects(*store_, Table::kStripeObjects, "acct_", "/a", 0, "")
                .at("data")
                .as_array()
                .size(),
            3u);
  EXPECT_FALSE(account_balance(*store_, "acct_none").ok());
}

TEST(StripeWebhookSender, TheSignatureItSendsVerifies) {
  const std::string body = R"({"id":"evt_1","type":"payout.paid"})";
  const std::string header = stripe::stripe_signature_header(1'700'000'000, body, "whsec_a");
  stripe::SignatureCheck check{{"whsec_a"}, 300};
  EXPECT_TRUE(stripe::verify_signature(header, body, check, 1'700'000'010).ok());
  EXPECT_FALSE(stripe::verify_signature(header, body + " ", check, 1'700'000'010).ok());
  EXPECT_FALSE(stripe::verify_signature(header, body, {{"whsec_b"}, 300}, 1'700'000'010).ok());
}

}  // namespace
}  // namespace settled::adapters
