// Seed 003's provider onboarding (config/workflows/provider-onboarding.asl.json,
// docs/provider-onboarding.md) end to end through the real daemon in simulator mode on a
// simulated clock, with a webhook secret: a Connect account and an onboarding link are made and
// the link sent; the provider finishes Stripe's form (the simulator's onboarding route), whose
// signed account.updated webhook resumes the execution; the profile record and the welcome
// notification follow. A wait that times out is retried once, 5 minutes later, with a new link;
// a second timeout fails the execution. A kill -9 anywhere makes one account, never two.

#include "integration/ops_fixture.hpp"
#include "integration/stripe_signing.hpp"
#include "support/eventually.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kSecret = "whsec_provider_onboarding_test";

class ProviderOnboarding : public OpsTest {
 protected:
  std::vector<std::string> daemon_flags() const override {
    return {"--clock=simulated", "--clock-start=2026-03-02T10:00:00Z",
            std::string("--stripe-webhook-secrets=[\"") + kSecret + "\"]"};
  }

  void start_onboarding(const std::string& provider) {
    auto res = start_execution("provider-onboarding", provider,
                               {{"providerId", provider}, {"email", provider + "@example.test"}});
    ASSERT_EQ(res.status, 201u) << res.body;
  }

  static std::string id_of(const std::string& provider) {
    return "provider-onboarding:" + provider;
  }

  void await_waits(const std::string& execution, std::size_t n) {
    ASSERT_TRUE(eventually([&] { return event_waits(execution) >= n; }, std::chrono::seconds(30)))
        << json::serialize(history(execution));
  }

  // The id of the link whose url is the `nth` sent (the url ends with it).
  std::string link_id(const std::string& execution, std::size_t nth) {
    auto links = task_outputs(execution, "accountLinks.create");
    EXPECT_GT(links.size(), nth);
    if (links.size() <= nth) return {};
    const std::string url(links[nth].at("url").as_string());
    return url.substr(url.rfind('/') + 1);
  }

  HttpResult complete(const std::string& link) {
    return client_->post("/v1/simulator/stripe/account_links/" + link + "/complete", "");
  }

  json::array list(const std::string& what) {
    auto res = client_->get("/v1/simulator/stripe/" + what + "?limit=100");
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200 ? res.json().at("data").as_array() : json::array{};
  }

  json::object profile(const std::string& provider) {
    auto res = client_->get("/v1/records/providers/" + provider);
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200 ? res.json().at("record").as_object() : json::object{};
  }

  void advance(const std::string& by) {
    auto res = client_->post("/v1/clock/advance", R"({"by":")" + by + R"("})");
    ASSERT_EQ(res.status, 200u) << res.body;
  }

  std::int64_t clock_seconds() {
    auto res = client_->get("/v1/clock");
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200 ? res.json().at("nowMillis").as_int64() / 1000 : 0;
  }

  // The notification messages the execution sent, in order.
  std::vector<std::string> notifications(const std::string& execution) {
    std::vector<std::string> subjects;
    for (const auto& event : history(execution)) {
      const auto& e = event.as_object();
      if (e.at("type") != "TaskScheduled") continue;
      const auto& details = e.at("taskScheduledEventDetails").as_object();
      if (details.at("resourceType") != "notify" || details.at("resource") != "send") continue;
      const auto parameters = json::parse(details.at("parameters").as_string());
      subjects.emplace_back(parameters.at("subject").as_string());
    }
    return subjects;
  }
};

TEST_F(ProviderOnboarding, TheSignedAccountUpdatedWebhookFinishesOnboarding) {
  start_onboarding("prov-1");
  await_waits(id_of("prov-1"), 1);
  auto accounts = list("accounts");
  ASSERT_EQ(accounts.size(), 1u);
  const std::string account(accounts[0].at("id").as_string());
  EXPECT_EQ(accounts[0].at("type"), "express");
  EXPECT_EQ(accounts[0].at("metadata").at("providerId"), "prov-1");
  EXPECT_EQ(accounts[0].at("charges_enabled"), false);
  EXPECT_EQ(profile("prov-1").at("status"), "onboarding");
  EXPECT_EQ(profile("prov-1").at("stripeAccountId"), account.c_str());

  auto done = complete(link_id(id_of("prov-1"), 0));
  ASSERT_EQ(done.status, 200u) << done.body;
  const auto final = wait_final(id_of("prov-1"), std::chrono::seconds(30));
  ASSERT_EQ(final.at("status"), "SUCCEEDED") << json::serialize(final);

  // The account.updated the execution took is the one the webhook endpoint stored.
  auto stored = client_->get("/v1/webhooks/stripe/events?limit=100").json();
  std::string event_id;
  for (const auto& e : stored.at("events").as_array())
    if (e.at("type") == "account.updated") event_id = e.at("id").as_string();
  ASSERT_FALSE(event_id.empty()) << stored;
  const auto record = profile("prov-1");
  EXPECT_EQ(record.at("status"), "active");
  EXPECT_EQ(record.at("stripeAccountId"), account.c_str());
  EXPECT_EQ(record.at("chargesEnabled"), true);
  EXPECT_EQ(record.at("payoutsEnabled"), true);
  EXPECT_EQ(record.at("accountUpdatedEventId"), event_id.c_str());
  EXPECT_EQ(list("accounts")[0].at("charges_enabled"), true);
  EXPECT_EQ(
      notifications(id_of("prov-1")),
      (std::vector<std::string>{"Finish setting up your payouts", "Welcome to the marketplace"}));
  EXPECT_EQ(final.at("output").at("profile").at("status"), "active");
  EXPECT_EQ(task_outputs(id_of("prov-1"), "accountLinks.create").size(), 1u);
}

TEST_F(ProviderOnboarding, AWaitThatTimesOutIsRetriedOnceFiveMinutesLaterWithANewLink) {
  start_onboarding("prov-2");
  await_waits(id_of("prov-2"), 1);
  const std::string first_link = link_id(id_of("prov-2"), 0);
  advance("10m");  // the first wait times out; the retry is 5 minutes away
  EXPECT_EQ(event_waits(id_of("prov-2")), 1u);
  EXPECT_EQ(task_outputs(id_of("prov-2"), "accountLinks.create").size(), 1u);
  advance("4m");
  EXPECT_EQ(event_waits(id_of("prov-2")), 1u);
  advance("1m");
  await_waits(id_of("prov-2"), 2);
  // The first link has expired (300 s); the second one works.
  EXPECT_EQ(complete(first_link).status, 400u);
  auto done = complete(link_id(id_of("prov-2"), 1));
  ASSERT_EQ(done.status, 200u) << done.body;
  const auto final = wait_final(id_of("prov-2"), std::chrono::seconds(30));
  ASSERT_EQ(final.at("status"), "SUCCEEDED") << json::serialize(final);
  EXPECT_EQ(list("accounts").size(), 1u);
  EXPECT_EQ(profile("prov-2").at("status"), "active");
  EXPECT_EQ(
      notifications(id_of("prov-2")),
      (std::vector<std::string>{"Finish setting up your payouts", "Finish setting up your payouts",
                                "Welcome to the marketplace"}));
}

TEST_F(ProviderOnboarding, WithoutOnboardingTheRetryEndsInOnboardingNotCompleted) {
  start_onboarding("prov-3");
  await_waits(id_of("prov-3"), 1);
  advance("26m");  // 10 minutes, the 5-minute retry delay, 10 more minutes
  const auto final = wait_final(id_of("prov-3"), std::chrono::seconds(30));
  ASSERT_EQ(final.at("status"), "FAILED") << json::serialize(final);
  EXPECT_EQ(final.at("error"), "Onboarding.NotCompleted");
  EXPECT_EQ(event_waits(id_of("prov-3")), 2u);
  EXPECT_EQ(task_outputs(id_of("prov-3"), "accountLinks.create").size(), 2u);
  EXPECT_EQ(profile("prov-3").at("status"), "incomplete");
  EXPECT_EQ(list("accounts").size(), 1u);
  EXPECT_EQ(list("accounts")[0].at("charges_enabled"), false);
}

TEST_F(ProviderOnboarding, AnUpdateWithoutChargesWaitsAgainAndThirtyMinutesTimeItOut) {
  start_onboarding("prov-4");
  await_waits(id_of("prov-4"), 1);
  advance("15m");  // the first wait timed out at 10 minutes, the retry began at 15
  await_waits(id_of("prov-4"), 2);
  advance("9m");
  // Stripe tells of a change that leaves charges disabled (details still due): it waits again.
  const std::string account(list("accounts")[0].at("id").as_string());
  const std::string body = json::serialize(json::object{
      {"id", "evt_onboarding_pending"},
      {"object", "event"},
      {"type", "account.updated"},
      {"created", clock_seconds()},
      {"livemode", false},
      {"account", account},
      {"data",
       {{"object", {{"id", account}, {"object", "account"}, {"charges_enabled", false}}}}}});
  auto delivered =
      client_->post("/v1/webhooks/stripe", body,
                    {{"Stripe-Signature", sign_stripe_webhook(body, kSecret, clock_seconds())}});
  ASSERT_EQ(delivered.status, 200u) << delivered.body;
  await_waits(id_of("prov-4"), 3);
  // That wait would end at 34 minutes; the execution's 30 minutes end first.
  advance("7m");
  const auto final = wait_final(id_of("prov-4"), std::chrono::seconds(30));
  ASSERT_EQ(final.at("status"), "TIMED_OUT") << json::serialize(final);
  EXPECT_EQ(final.at("error"), "States.Timeout");
  EXPECT_EQ(profile("prov-4").at("status"), "onboarding");
}

TEST_F(ProviderOnboarding, Kill9WhileOnboardingMakesOneAccountAndStillFinishes) {
  start_onboarding("prov-5");
  // Killed at once (somewhere in the account's creation or before it), and again while waiting.
  client_.reset();
  daemon_->kill9();
  start_with(extra_);
  await_waits(id_of("prov-5"), 1);
  client_.reset();
  daemon_->kill9();
  start_with(extra_);
  auto done = complete(link_id(id_of("prov-5"), 0));
  ASSERT_EQ(done.status, 200u) << done.body;
  const auto final = wait_final(id_of("prov-5"), std::chrono::seconds(30));
  ASSERT_EQ(final.at("status"), "SUCCEEDED") << json::serialize(final);
  auto accounts = list("accounts");
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(profile("prov-5").at("stripeAccountId"), accounts[0].at("id"));
  EXPECT_EQ(profile("prov-5").at("status"), "active");
  EXPECT_EQ(notifications(id_of("prov-5")).back(), "Welcome to the marketplace");
}

}  // namespace
}  // namespace settled::testing
