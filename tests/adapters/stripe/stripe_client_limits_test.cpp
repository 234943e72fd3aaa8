// The live Stripe client's limits against the loopback fake Stripe: the request rate, queued
// calls that run out of time or room (answered unsent), and 429s (the pause, Retry-After,
// Stripe-Should-Retry, the client's own retries with the same Idempotency-Key).

#include "adapters/stripe/stripe_client.hpp"
#include "fakes/fake_stripe_server.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace settled::adapters {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using settled::testing::FakeStripeServer;
using Clock = std::chrono::steady_clock;

constexpr auto kWait = 10s;  // generous: only a broken client waits this long

TaskAttempt attempt(const std::string& key) {
  TaskAttempt a;
  a.resource = "settled:stripe.paymentIntents.create";
  a.parameters = json::object{
      {"amount", 1000}, {"currency", "usd"}, {"payment_method", "pm_card_visa"}, {"confirm", true}};
  a.idempotency_key = key;
  a.execution_id = key.substr(0, key.find('/'));
  a.state_name = "ProcessPayment";
  return a;
}

std::shared_ptr<StripeClient> client_for(const FakeStripeServer& fake,
                                         StripeClientOptions options) {
  options.secret_key = fake.secret_key();
  options.api_base = fake.base_url();
  auto client = StripeClient::create(std::move(options));
  if (!client) ADD_FAILURE() << client.error().message;
  return client ? *client : nullptr;
}

std::future<TaskOutcome> send(StripeClient& client, const std::string& key) {
  auto promise = std::make_shared<std::promise<TaskOutcome>>();
  auto future = promise->get_future();
  client.create_payment_intent(attempt(key),
                               [promise](TaskOutcome o) { promise->set_value(std::move(o)); });
  return future;
}

TaskOutcome outcome_of(std::future<TaskOutcome>& future) {
  if (future.wait_for(kWait) != std::future_status::ready) {
    ADD_FAILURE() << "no outcome within " << kWait.count() << " s";
    return TaskOutcome::failure("test.NoOutcome", "");
  }
  return future.get();
}

json::object cause_of(const TaskOutcome& o) {
  return json::parse(o.cause).as_object();
}

// Polls until `done` holds or kWait passes.
bool eventually(const std::function<bool()>& done) {
  const auto deadline = Clock::now() + kWait;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

// The fake's records for `key`, in arrival order.
std::vector<FakeStripeServer::Recorded> records_for(const FakeStripeServer& fake,
                                                    const std::string& key) {
  std::vector<FakeStripeServer::Recorded> out;
  for (auto& r : fake.recorded())
    if (r.idempotency_key == key) out.push_back(r);
  return out;
}

TEST(StripeClientLimits, TheDefaultRateIsStripesForTheKeysMode) {
  EXPECT_EQ(default_stripe_requests_per_second("sk_test_abc"), 25u);
  EXPECT_EQ(default_stripe_requests_per_second("rk_test_abc"), 25u);
  EXPECT_EQ(default_stripe_requests_per_second("sk_live_abc"), 100u);
  EXPECT_EQ(default_stripe_requests_per_second("rk_live_abc"), 100u);
  EXPECT_EQ(default_stripe_requests_per_second("sk_unknown"), 25u);  // the lower one

  FakeStripeServer fake;  // its key is sk_test_...
  StripeClientOptions options;
  options.request_timeout = 20s;
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  EXPECT_EQ(client->max_requests_per_second(), 25u);
  // What 25/s can send within half the 20 s timeout.
  EXPECT_EQ(client->max_queued(), 250u);
}

TEST(StripeClientLimits, CallsReachStripeNoFasterThanTheRate) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.max_requests_per_second = 20;  // one every 50 ms
  options.max_connections = 8;
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  constexpr int kCount = 30;
  std::vector<std::future<TaskOutcome>> futures;
  for (int i = 0; i < kCount; ++i)
    futures.push_back(send(*client, "e" + std::to_string(i) + "/S/1"));
  for (auto& future : futures) {
    TaskOutcome o = outcome_of(future);
    ASSERT_TRUE(o.ok) << o.error << " " << o.cause;
  }

  auto records = fake.recorded();
  ASSERT_EQ(records.size(), static_cast<std::size_t>(kCount));
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.received < b.received; });
  // The client spaces sends 50 ms apart; arrival adds loopback and scheduling jitter either
  // way (an unlimited client sends all 30 within a few milliseconds).
  constexpr auto kJitter = 40ms;
  for (std::size_t i = 0; i < records.size(); ++i) {
    for (std::size_t j = i + 1; j < records.size(); ++j) {
      EXPECT_GE(records[j].received - records[i].received, 50ms * (j - i) - kJitter)
          << "requests " << i << " and " << j;
    }
  }
  // ... and no slower than the rate allows, beyond scheduling noise.
  EXPECT_LE(records.back().received - records.front().received, 50ms * (kCount - 1) + 1s);
  const auto stats = client->stats();
  EXPECT_GE(stats.throttled, static_cast<std::size_t>(kCount - 1));
  EXPECT_EQ(stats.queued, 0u);
  EXPECT_EQ(stats.dropped_deadline + stats.dropped_queue_full, 0u);
}

TEST(StripeClientLimits, AQueuedCallThatCanNoLongerBeSentInTimeIsAnsweredUnsent) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.max_requests_per_second = 1;  // the second token comes 1 s after the first
  options.request_timeout = 1s;         // sent by 500 ms after the call, or not at all
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  auto first = send(*client, "first/S/1");
  auto second = send(*client, "second/S/1");

  TaskOutcome dropped = outcome_of(second);
  EXPECT_EQ(dropped.error, "Stripe.RateLimitError");
  EXPECT_EQ(cause_of(dropped).at("type"), "rate_limit_error");
  EXPECT_EQ(cause_of(dropped).at("code"), "settled_queue_timeout");
  EXPECT_NE(std::string(cause_of(dropped).at("message").as_string()).find("not sent"),
            std::string::npos);
  TaskOutcome sent = outcome_of(first);
  EXPECT_TRUE(sent.ok) << sent.cause;
  // Nothing of the dropped call ever reached Stripe, now or later.
  EXPECT_EQ(fake.requests_for("second/S/1"), 0u);
  EXPECT_EQ(fake.requests(), 1u);
  EXPECT_EQ(client->stats().dropped_deadline, 1u);
  EXPECT_EQ(client->stats().queued, 0u);
}

TEST(StripeClientLimits, AFullQueueRefusesAtOnceWithoutSending) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.max_requests_per_second = 1;
  options.max_queued = 1;
  options.request_timeout = 10s;
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  auto sent = send(*client, "sent/S/1");        // takes the one token
  auto waiting = send(*client, "waiting/S/1");  // waits 1 s for the next
  auto refused = send(*client, "refused/S/1");  // no room left

  TaskOutcome o = outcome_of(refused);
  EXPECT_EQ(o.error, "Stripe.RateLimitError");
  EXPECT_EQ(cause_of(o).at("code"), "settled_queue_full");
  // Answered while the waiting call still waits: the refusal did not queue.
  EXPECT_EQ(fake.requests_for("waiting/S/1"), 0u);
  EXPECT_TRUE(outcome_of(sent).ok);
  EXPECT_TRUE(outcome_of(waiting).ok);
  EXPECT_EQ(fake.requests_for("refused/S/1"), 0u);
  EXPECT_EQ(client->stats().dropped_queue_full, 1u);
}

TEST(StripeClientLimits, A429PausesEveryCallForRetryAfterThenTheSameRequestSucceeds) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.max_requests_per_second = 1000;
  options.request_timeout = 10s;
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  fake.fail_next(1, 429, {{"Retry-After", "1"}});
  auto limited = send(*client, "limited/S/1");
  ASSERT_TRUE(eventually([&] {
    auto r = records_for(fake, "limited/S/1");
    return !r.empty() && r[0].status == 429;
  }));
  // The client has read the 429 (and paused, under the same lock) only once it counted it:
  // the fake recording its answer is not enough, a call made before would go out at once.
  ASSERT_TRUE(eventually([&] { return client->stats().rate_limited == 1; }));
  // A call made during the pause waits it out too.
  auto later = send(*client, "later/S/1");

  TaskOutcome o = outcome_of(limited);
  ASSERT_TRUE(o.ok) << o.error << " " << o.cause;
  ASSERT_TRUE(outcome_of(later).ok);
  const auto sends = records_for(fake, "limited/S/1");
  ASSERT_EQ(sends.size(), 2u);
  EXPECT_EQ(sends[0].status, 429u);
  EXPECT_EQ(sends[1].status, 200u);
  EXPECT_EQ(sends[1].body, sends[0].body);  // the very same request, same key
  // The pause starts when the client reads the 429, after the fake recorded it.
  EXPECT_GE(sends[1].received - sends[0].received, 1s);
  const auto other = records_for(fake, "later/S/1");
  ASSERT_EQ(other.size(), 1u);
  EXPECT_GE(other[0].received - sends[0].received, 1s);
  EXPECT_EQ(fake.intents_created(), 2u);
  const auto stats = client->stats();
  EXPECT_EQ(stats.rate_limited, 1u);
  EXPECT_EQ(stats.retried, 1u);
}

TEST(StripeClientLimits, StripeShouldRetryFalseIsNotRetriedButStillPausesWithABackoff) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.max_requests_per_second = 1000;
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  fake.fail_next(1, 429, {{"Stripe-Should-Retry", "false"}});
  auto limited = send(*client, "limited/S/1");
  TaskOutcome o = outcome_of(limited);
  EXPECT_EQ(o.error, "Stripe.RateLimitError");
  EXPECT_EQ(cause_of(o).at("code"), "rate_limit");  // Stripe's own error object
  EXPECT_EQ(fake.requests_for("limited/S/1"), 1u);
  EXPECT_EQ(client->stats().retried, 0u);

  // No Retry-After: the next call still waits the first backoff (at least 125 ms).
  auto next = send(*client, "next/S/1");
  ASSERT_TRUE(outcome_of(next).ok);
  const auto first = records_for(fake, "limited/S/1");
  const auto second = records_for(fake, "next/S/1");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_GE(second[0].received - first[0].received, 125ms);
  EXPECT_EQ(fake.requests_for("limited/S/1"), 1u);  // and it was never sent again
}

TEST(StripeClientLimits, FourHundredTwentyNinesToCallsSentTogetherDoNotLengthenTheBackoff) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.max_requests_per_second = 1000;
  options.max_connections = 4;
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  // Four calls reach Stripe together and are all answered 429 (no Retry-After) 100 ms later.
  fake.fail_next(4, 429);
  fake.delay_next(4, 100ms);
  std::vector<std::future<TaskOutcome>> futures;
  for (int i = 0; i < 4; ++i) futures.push_back(send(*client, "e" + std::to_string(i) + "/S/1"));
  for (auto& future : futures) ASSERT_TRUE(outcome_of(future).ok);

  auto records = fake.recorded();
  ASSERT_EQ(records.size(), 8u);
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.received < b.received; });
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(records[i].status, 429u) << i;
  // One 429 in a row as far as the backoff goes: 125-250 ms after the answers, not the
  // 1-2 s of a fourth 429 in a row.
  const auto quiet = records[4].received - records[3].received;
  EXPECT_GE(quiet, 100ms + 125ms);
  EXPECT_LT(quiet, 100ms + 250ms + 400ms);  // the margin is scheduling slack
  EXPECT_EQ(client->stats().rate_limited, 4u);
  EXPECT_EQ(client->stats().retried, 4u);
}

TEST(StripeClientLimits, AfterItsRetriesTheCallGetsTheRateLimitErrorForTheWorkflowsRetry) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.max_requests_per_second = 1000;
  options.max_rate_limit_retries = 2;
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  fake.fail_next(10, 429, {{"Retry-After", "0"}});
  auto limited = send(*client, "limited/S/1");
  TaskOutcome o = outcome_of(limited);
  EXPECT_EQ(o.error, "Stripe.RateLimitError");
  const auto sends = records_for(fake, "limited/S/1");
  EXPECT_EQ(sends.size(), 3u);  // the call and two retries, all with its one key
  EXPECT_EQ(client->stats().rate_limited, 3u);
  EXPECT_EQ(client->stats().retried, 2u);
}

TEST(StripeClientLimits, NoRetryIsQueuedWhenThePauseOutlastsTheCallsSendByTime) {
  FakeStripeServer fake;
  StripeClientOptions options;
  options.max_requests_per_second = 1000;
  options.request_timeout = 1s;  // sent by 500 ms after the call
  auto client = client_for(fake, options);
  ASSERT_TRUE(client);
  fake.fail_next(1, 429, {{"Retry-After", "2"}});
  auto limited = send(*client, "limited/S/1");
  TaskOutcome o = outcome_of(limited);
  EXPECT_EQ(o.error, "Stripe.RateLimitError");
  EXPECT_EQ(cause_of(o).at("code"), "rate_limit");  // Stripe's answer, not a queue drop
  EXPECT_EQ(fake.requests_for("limited/S/1"), 1u);
  EXPECT_EQ(client->stats().retried, 0u);
  EXPECT_EQ(client->stats().dropped_deadline, 0u);
}

}  // namespace
}  // namespace settled::adapters
