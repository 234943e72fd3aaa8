// The Stripe client actor (src/actors/stripe_client_actor.hpp) with a real actor system and the
// loopback fake Stripe: asked exactly as the engine asks the simulator actor.

#include "actors/stripe_client_actor.hpp"
#include "fakes/fake_stripe_server.hpp"

#include "actors/messages.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace settled::actors {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using settled::testing::FakeStripeServer;

constexpr auto kReplyTimeout = 30s;  // as the payment workflow's TimeoutSeconds

TaskAttempt attempt(const std::string& key, const std::string& method = "pm_card_visa") {
  TaskAttempt a;
  a.resource = "settled:stripe.paymentIntents.create";
  a.parameters = json::object{{"amount", 2500},
                              {"currency", "eur"},
                              {"payment_method", method},
                              {"confirm", true},
                              {"metadata", {{"paymentId", key}}}};
  a.idempotency_key = key + "/ProcessPayment/2";
  a.execution_id = key;
  a.state_name = "ProcessPayment";
  return a;
}

class StripeClientActorTest : public ::testing::Test {
 protected:
  void start(adapters::StripeClientOptions options = {}) {
    options.secret_key = fake_.secret_key();
    options.api_base = fake_.base_url();
    auto client = adapters::StripeClient::create(options);
    ASSERT_TRUE(client) << client.error().message;
    stripe_ = spawn_stripe_client(sys_, *client);
  }

  void TearDown() override {
    if (stripe_) {
      caf::scoped_actor self{sys_};
      self->send_exit(stripe_, caf::exit_reason::user_shutdown);
      self->wait_for(stripe_);
      stripe_ = nullptr;
    }
  }

  // The engine's call: request(stripe, timeout, charge_atom, TaskAttempt) -> TaskOutcome.
  TaskOutcome charge(const TaskAttempt& a) {
    caf::scoped_actor self{sys_};
    TaskOutcome result = TaskOutcome::failure("test.NoReply", "");
    self->request(stripe_, kReplyTimeout, charge_atom::value, a)
        .receive([&](TaskOutcome& o) { result = std::move(o); },
                 [&](caf::error& e) { ADD_FAILURE() << sys_.render(e); });
    return result;
  }

  FakeStripeServer fake_;
  caf::actor_system_config cfg_;
  caf::actor_system sys_{cfg_};
  StripeActor stripe_;
};

TEST_F(StripeClientActorTest, AnswersAChargeWithThePaymentIntent) {
  start();
  TaskOutcome o = charge(attempt("pay-1"));
  ASSERT_TRUE(o.ok) << o.error << " " << o.cause;
  EXPECT_EQ(o.result.at("status"), "succeeded");
  EXPECT_EQ(o.result.at("metadata").at("paymentId"), "pay-1");
  EXPECT_EQ(fake_.recorded().at(0).idempotency_key, "pay-1/ProcessPayment/2");
}

TEST_F(StripeClientActorTest, FailuresComeBackAsOutcomesNotErrors) {
  start();
  EXPECT_EQ(charge(attempt("pay-1", "pm_card_chargeDeclined")).error, "Stripe.CardError");
  fake_.fail_next(1, 429, {{"Stripe-Should-Retry", "false"}});  // the client does not resend
  EXPECT_EQ(charge(attempt("pay-2")).error, "Stripe.RateLimitError");
}

TEST_F(StripeClientActorTest, ATimedOutChargeRetriedWithTheSameKeyChargesOnce) {
  adapters::StripeClientOptions options;
  options.request_timeout = 300ms;
  start(options);
  fake_.delay_next(1, 5s);
  TaskOutcome lost = charge(attempt("pay-1"));
  EXPECT_EQ(lost.error, "Stripe.Unknown");
  TaskOutcome replayed = charge(attempt("pay-1"));
  ASSERT_TRUE(replayed.ok) << replayed.cause;
  EXPECT_EQ(fake_.intents_created(), 1u);
}

TEST_F(StripeClientActorTest, ManyChargesAtOnceAreEachAnswered) {
  start();
  caf::scoped_actor self{sys_};
  constexpr int kCount = 100;
  std::vector<decltype(self->request(stripe_, kReplyTimeout, charge_atom::value, TaskAttempt{}))>
      handles;
  for (int i = 0; i < kCount; ++i) {
    handles.push_back(self->request(stripe_, kReplyTimeout, charge_atom::value,
                                    attempt("p" + std::to_string(i))));
  }
  std::set<std::string> ids;
  for (auto& handle : handles) {
    handle.receive(
        [&](TaskOutcome& o) {
          ASSERT_TRUE(o.ok) << o.cause;
          ids.insert(std::string(o.result.at("id").as_string()));
        },
        [&](caf::error& e) { ADD_FAILURE() << sys_.render(e); });
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kCount));
}

}  // namespace
}  // namespace settled::actors
