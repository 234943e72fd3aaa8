// The Stripe simulator actor's own doings (actors/stripe_simulator_actor.hpp) on a simulated
// clock, against a real webhook endpoint (settled's HttpServer) that refuses its first delivery:
// every event is POSTed signed with the secret, a refused one is sent again with backoff until
// taken (then stored with pending_webhooks 0), and a payout settles only when the clock reaches
// its due time, its payout.paid sent too.

#include "actors/stripe_simulator_actor.hpp"
#include "actors/clock.hpp"
#include "actors/messages.hpp"
#include "actors/store_actor.hpp"
#include "adapters/http/http_server.hpp"
#include "adapters/stripe/webhook_signature.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <caf/all.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace settled::actors {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kSecret = "whsec_actor_test";
constexpr EpochMillis kStart = 1'767'603'600'000;
constexpr EpochMillis kDelay = 3'600'000;

class StripeSimulatorActorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    adapters::LmdbOptions lmdb;
    lmdb.path = dir_.path();
    lmdb.map_size = std::size_t{16} << 20;
    auto db = adapters::LmdbStore::open(lmdb);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = *db;
    store_ = spawn_store(sys_, db_, {}, std::make_shared<StoreStats>());
    adapters::HttpServerOptions http;
    http.port = 0;
    auto server = adapters::HttpServer::start(
        http, [this](adapters::HttpRequest req, adapters::HttpResponder respond) {
          std::lock_guard<std::mutex> lock(mutex_);
          if (++attempts_ == 1)  // the first delivery is refused: it must come again
            return respond(adapters::HttpResponse{500, "{}", "application/json", {}});
          std::string signature;
          for (const auto& [name, value] : req.headers)
            if (name == "stripe-signature") signature = value;
          received_.push_back({req.body, signature});
          respond(adapters::HttpResponse{200, "{}", "application/json", {}});
        });
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);

    StripeSimulatorOptions options;
    options.simulator.payout_delay_ms = kDelay;
    options.clock = clock_;
    options.now = [clock = clock_] { return clock->now(); };
    options.webhook_secret = kSecret;
    simulator_ = spawn_stripe_simulator(sys_, db_, store_, options);
  }

  void TearDown() override {
    caf::scoped_actor self{sys_};
    for (auto actor :
         {caf::actor_cast<caf::actor>(simulator_), caf::actor_cast<caf::actor>(store_)}) {
      self->send_exit(actor, caf::exit_reason::user_shutdown);
      self->wait_for(actor);
    }
    server_.reset();
  }

  json::object charge(const std::string& method, json::object params) {
    TaskAttempt a;
    a.resource = "settled:stripe." + method;
    a.parameters = std::move(params);
    a.idempotency_key = "exec/" + method;
    a.now = clock_->now();
    caf::scoped_actor self{sys_};
    json::object result;
    self->request(simulator_, 10s, charge_atom::value, a)
        .receive(
            [&](TaskOutcome& o) {
              EXPECT_TRUE(o.ok) << o.error << " " << o.cause;
              if (o.ok) result = o.result.as_object();
            },
            [&](caf::error& e) { ADD_FAILURE() << sys_.render(e); });
    return result;
  }

  std::vector<std::string> received_types() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> types;
    for (const auto& [body, signature] : received_) {
      EXPECT_TRUE(adapters::stripe::verify_signature(
                      signature, body, {{kSecret}, 2 * kDelay / 1000}, clock_->now() / 1000)
                      .ok())
          << signature;
      types.emplace_back(json::parse(body).at("type").as_string());
    }
    return types;
  }

  bool none_pending() {
    bool none = true;
    db_->scan(Table::kStripeSimEvents, "", [&](std::string_view, std::string_view value) {
      none = none && json::parse(value).at("pending_webhooks") == 0;
      return true;
    });
    return none;
  }

  settled::testing::TempDir dir_;
  caf::actor_system_config cfg_;
  caf::actor_system sys_{cfg_};
  std::shared_ptr<adapters::LmdbStore> db_;
  StoreActor store_;
  ClockPtr clock_ = Clock::simulated(kStart);
  std::unique_ptr<adapters::HttpServer> server_;
  StripeSimulatorActor simulator_;
  std::mutex mutex_;
  int attempts_ = 0;
  std::vector<std::pair<std::string, std::string>> received_;  // (body, Stripe-Signature)
};

// An object's id is its prefix, then the simulated time in at least 12 lower-case hex digits,
// a counter and a random part (6 each): ids sort in creation order (listings rely on it).
TEST_F(StripeSimulatorActorTest, IdsAreThePrefixTheTimeInHexACounterAndARandomPart) {
  const auto intent = [&](const char* key) {
    TaskAttempt a;
    a.resource = "settled:stripe.paymentIntents.create";
    a.parameters = json::object{{"amount", 100}, {"currency", "usd"}};
    a.idempotency_key = key;
    a.now = clock_->now();
    caf::scoped_actor self{sys_};
    std::string id;
    self->request(simulator_, 10s, charge_atom::value, a)
        .receive([&](TaskOutcome& o) { id = std::string(o.result.at("id").as_string()); },
                 [&](caf::error& e) { ADD_FAILURE() << sys_.render(e); });
    return id;
  };
  const std::string first = intent("exec/first");
  const std::string second = intent("exec/second");
  for (const std::string& id : {first, second}) {
    ASSERT_EQ(id.size(), 3u + 24u) << id;
    EXPECT_EQ(id.substr(0, 3), "pi_");
    EXPECT_EQ(id.substr(3, 12), "019b8d627a80") << id;  // kStart, 1767603600000 ms
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef", 3), std::string::npos) << id;
  }
  // The counter part: one more for each id this simulator made (the second call's events too).
  EXPECT_LT(first.substr(15, 6), second.substr(15, 6));
}

TEST_F(StripeSimulatorActorTest, EventsAreSentSignedRetriedUntilTakenAndPayoutsSettleOnTheClock) {
  const auto account = charge("accounts.create", {{"type", "express"}});
  const std::string acct(account.at("id").as_string());
  charge("transfers.create", {{"amount", 900}, {"currency", "usd"}, {"destination", acct}});
  charge("payouts.create", {{"amount", 400}, {"currency", "usd"}, {"stripeAccount", acct}});
  // Nothing is sent before the endpoint is known; then everything still pending is.
  EXPECT_TRUE(received_types().empty());
  caf::anon_send(simulator_, webhooks_atom::value,
                 "http://127.0.0.1:" + std::to_string(server_->port()) + "/v1/webhooks/stripe");
  ASSERT_TRUE(settled::testing::eventually([&] { return received_types().size() == 2; }, 15s))
      << "deliveries: " << received_types().size();
  EXPECT_EQ(received_types(), (std::vector<std::string>{"payout.created", "transfer.created"}))
      << "the refused first event comes again after the other";
  {
    std::lock_guard<std::mutex> lock(mutex_);
    EXPECT_EQ(attempts_, 3);
  }
  ASSERT_TRUE(settled::testing::eventually([&] { return none_pending(); }));

  // Not due yet: nothing happens. Due: paid, and sent.
  clock_->fire_until(kStart + kDelay - 1);
  EXPECT_FALSE(settled::testing::eventually([&] { return received_types().size() > 2; }, 300ms));
  clock_->fire_until(kStart + kDelay);
  ASSERT_TRUE(settled::testing::eventually([&] { return received_types().size() == 4; }, 10s));
  EXPECT_EQ(received_types().back(), "payout.paid");
  ASSERT_TRUE(settled::testing::eventually([&] { return none_pending(); }));
}

}  // namespace
}  // namespace settled::actors
