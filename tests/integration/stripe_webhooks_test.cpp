// POST /v1/webhooks/stripe through the real daemon: a signed event is stored, listed (HTTP and
// settlectl) and completes the execution waiting for it by a metadata id; the same event twice
// is processed once; a tampered body, an old or future timestamp, a wrong secret, a missing or
// repeated header are refused with 400 and store nothing; the route needs no API key while the
// listing does; without secrets the route says so. The signatures here are computed with
// OpenSSL's HMAC directly, not with settled's code (tests/stripe_library signs with Stripe's).

#include "adapters/http/api_keys.hpp"
#include "integration/ops_fixture.hpp"
#include "integration/stripe_signing.hpp"

#include <chrono>
#include <thread>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kSecret = "whsec_integration_current";
constexpr const char* kOldSecret = "whsec_integration_previous";

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string sign(const std::string& body, const std::string& secret, std::int64_t t) {
  return sign_stripe_webhook(body, secret, t);
}

// A Stripe event as Stripe sends it (compact JSON, fields in Stripe's order).
std::string stripe_event(const std::string& id, const std::string& type,
                         const std::string& object_id, json::object metadata = {}) {
  return json::serialize(json::object{{"id", id},
                                      {"object", "event"},
                                      {"api_version", "2024-06-20"},
                                      {"created", now_seconds()},
                                      {"data",
                                       {{"object",
                                         {{"id", object_id},
                                          {"object", "payout"},
                                          {"amount", 125000},
                                          {"metadata", std::move(metadata)}}}}},
                                      {"livemode", false},
                                      {"pending_webhooks", 1},
                                      {"type", type}});
}

class StripeWebhooks : public OpsTest {
 protected:
  void add_workflows() override {
    write_workflow("payroll", R"({"StartAt": "AwaitPayout", "States": {
      "AwaitPayout": {"Type": "Task", "Resource": "settled:events.waitFor",
        "Parameters": {"type": "payout.paid", "correlationKey.$": "$.payrollId",
                       "timeoutSeconds": 60},
        "ResultPath": "$.payout", "End": true}}})");
  }
  std::vector<std::string> daemon_flags() const override {
    return {std::string("--stripe-webhook-secrets=[\"") + kSecret + "\",\"" + kOldSecret + "\"]"};
  }

  HttpResult deliver(const std::string& body, const std::string& signature) {
    return client_->post("/v1/webhooks/stripe", body, {{"Stripe-Signature", signature}});
  }
  HttpResult deliver(const std::string& body) {
    return deliver(body, sign(body, kSecret, now_seconds()));
  }

  json::array listed() {
    auto res = client_->get("/v1/webhooks/stripe/events");
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.json().at("events").as_array();
  }

  void start_payroll(const std::string& name, const std::string& payroll_id) {
    auto res = client_->post(
        "/v1/executions",
        json::serialize(json::object{
            {"stateMachine", "payroll"}, {"name", name}, {"input", {{"payrollId", payroll_id}}}}));
    ASSERT_EQ(res.status, 201u) << res.body;
  }

  void wait_until_waiting(const std::string& id) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      for (const auto& event : history(id))
        if (event.at("type") == "TaskSubmitted") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << id << " never started waiting";
  }
};

TEST_F(StripeWebhooks, ASignedEventIsStoredListedAndShown) {
  const std::string body = stripe_event("evt_stored_1", "payout.created", "po_stored_1",
                                        {{"payrollId", "payroll-stored"}});
  auto res = deliver(body);
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("received"), true);
  EXPECT_EQ(res.json().at("id"), "evt_stored_1");
  EXPECT_EQ(res.json().at("correlationKeys"), (json::array{"po_stored_1", "payroll-stored"}));

  auto events = listed();
  ASSERT_EQ(events.size(), 1u) << json::serialize(events);
  EXPECT_EQ(events[0].at("id"), "evt_stored_1");
  EXPECT_EQ(events[0].at("type"), "payout.created");
  EXPECT_EQ(events[0].at("objectId"), "po_stored_1");
  auto shown = client_->get("/v1/webhooks/stripe/events/evt_stored_1");
  ASSERT_EQ(shown.status, 200u) << shown.body;
  // The body as received, field for field.
  EXPECT_EQ(shown.json().at("event"), json::parse(body));
  EXPECT_EQ(client_->get("/v1/webhooks/stripe/events/evt_none").status, 404u);

  auto ctl_list = ctl_json({"webhooks", "list"});
  ASSERT_EQ(ctl_list.at("events").as_array().size(), 1u) << json::serialize(ctl_list);
  EXPECT_EQ(ctl_list.at("events").at(0).at("id"), "evt_stored_1");
  EXPECT_EQ(ctl_json({"webhooks", "show", "evt_stored_1"}).at("event"), json::parse(body));
  auto table = ctl({"webhooks", "list"});
  EXPECT_EQ(table.code, 0) << table.err;
  EXPECT_NE(table.out.find("evt_stored_1"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("payout.created"), std::string::npos) << table.out;
  auto missing = ctl({"webhooks", "show", "evt_none"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("NotFound"), std::string::npos) << missing.err;
}

TEST_F(StripeWebhooks, AWaitingExecutionIsCompletedByTheWebhookOfItsPayroll) {
  start_payroll("march", "payroll-2024-03");
  wait_until_waiting("payroll:march");
  // Another payroll's payout does not complete it.
  ASSERT_EQ(deliver(stripe_event("evt_other", "payout.paid", "po_other",
                                 {{"payrollId", "payroll-2024-02"}}))
                .status,
            200u);
  ASSERT_EQ(deliver(stripe_event("evt_march", "payout.paid", "po_march",
                                 {{"payrollId", "payroll-2024-03"}}))
                .status,
            200u);
  auto done = wait_final("payroll:march");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  const auto& payout = done.at("output").at("payout");
  EXPECT_EQ(payout.at("type"), "payout.paid");
  EXPECT_EQ(payout.at("correlationKey"), "payroll-2024-03");
  EXPECT_EQ(payout.at("id"), "evt_march");
  EXPECT_EQ(payout.at("detail").at("data").at("object").at("id"), "po_march");
}

// A signed event is shown by GET /v1/webhooks/stripe/events/{id}: one whose id no path can
// name ("evt/../x", "..", "evt\u0001") was stored (200 received) and could never be shown.
// The webhooks need no key: a body over the route's limit is refused from its Content-Length,
// before it is read (the client here announces one and sends none), so no one holds a
// megabyte per connection with bodies the route would refuse anyway.
TEST_F(StripeWebhooks, ABodyOverTheLimitIsRefusedBeforeItIsRead) {
  for (const char* route : {"/v1/webhooks/stripe", "/v1/webhooks/veriff"}) {
    const auto started = std::chrono::steady_clock::now();
    auto refused = client_->raw(std::string("POST ") + route +
                                " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                "Content-Length: 300000\r\n\r\n");
    EXPECT_EQ(refused.status, 413u) << route << " " << refused.body;
    EXPECT_EQ(refused.json().at("error"), "PayloadTooLarge") << refused.body;
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5)) << route;
  }
}

TEST_F(StripeWebhooks, AnEventIdNoPathCanNameIsRefusedAndNotStored) {
  for (const char* id : {"evt/../x", "..", "evt\\x", "evt\x01"}) {
    auto res = deliver(stripe_event(id, "payout.created", "po_odd", {}));
    EXPECT_EQ(res.status, 400u) << id << ": " << res.body;
    EXPECT_EQ(res.json().at("error"), "InvalidRequest") << res.body;
    EXPECT_NE(res.body.find("a request path can name"), std::string::npos) << res.body;
  }
  EXPECT_TRUE(listed().empty()) << json::serialize(listed());
  ASSERT_EQ(deliver(stripe_event("evt_ok:1 x", "payout.created", "po_odd", {})).status, 200u);
  EXPECT_EQ(client_->get("/v1/webhooks/stripe/events/evt_ok:1%20x").status, 200u);
}

TEST_F(StripeWebhooks, TheSameEventTwiceIsProcessedOnceEvenOutOfOrder) {
  // It arrives before anyone waits (out of order), then again (Stripe retries), freshly signed.
  const std::string body =
      stripe_event("evt_twice", "payout.paid", "po_twice", {{"payrollId", "payroll-twice"}});
  auto first = deliver(body);
  ASSERT_EQ(first.status, 200u) << first.body;
  EXPECT_FALSE(first.json().as_object().contains("duplicate"));
  // Stripe's retry carries a new signature (another t).
  auto second = deliver(body, sign(body, kSecret, now_seconds() - 5));
  ASSERT_EQ(second.status, 200u) << second.body;
  EXPECT_EQ(second.json().at("duplicate"), true);
  EXPECT_EQ(listed().size(), 1u);

  // Kept once: the first waiter takes it, the second still waits.
  start_payroll("first", "payroll-twice");
  EXPECT_EQ(wait_final("payroll:first").at("status"), "SUCCEEDED");
  start_payroll("second", "payroll-twice");
  wait_until_waiting("payroll:second");
  auto third = deliver(body);
  EXPECT_EQ(third.json().at("duplicate"), true) << third.body;
  // Had the duplicate been posted again, the waiting second execution would have taken it: it
  // takes the next event of its payroll instead.
  ASSERT_EQ(deliver(stripe_event("evt_twice_b", "payout.paid", "po_twice_b",
                                 {{"payrollId", "payroll-twice"}}))
                .status,
            200u);
  EXPECT_EQ(wait_final("payroll:second").at("output").at("payout").at("id"), "evt_twice_b");
}

TEST_F(StripeWebhooks, DeliveriesOfOneEventAtTheSameTimeStoreItOnce) {
  // Stripe may deliver an event again before the first delivery is answered.
  const std::string body = stripe_event("evt_racing", "payout.paid", "po_racing");
  constexpr int kDeliveries = 8;
  std::vector<HttpResult> results(kDeliveries);
  std::vector<std::thread> threads;
  for (int i = 0; i < kDeliveries; ++i) {
    threads.emplace_back([&, i] {
      HttpClient client("127.0.0.1", port_);
      results[i] = client.post("/v1/webhooks/stripe", body,
                               {{"Stripe-Signature", sign(body, kSecret, now_seconds() - i)}});
    });
  }
  for (auto& t : threads) t.join();
  int stored = 0, duplicates = 0;
  for (const auto& r : results) {
    ASSERT_EQ(r.status, 200u) << r.body;
    (r.json().as_object().contains("duplicate") ? duplicates : stored) += 1;
  }
  EXPECT_EQ(stored, 1);
  EXPECT_EQ(duplicates, kDeliveries - 1);
  EXPECT_EQ(listed().size(), 1u);
}

TEST_F(StripeWebhooks, BadSignaturesAreRefusedAndStoreNothing) {
  start_payroll("refused", "payroll-refused");
  wait_until_waiting("payroll:refused");
  const std::string body =
      stripe_event("evt_refused", "payout.paid", "po_refused", {{"payrollId", "payroll-refused"}});
  std::string tampered = body;
  tampered.replace(tampered.find("125000"), 6, "999999");
  const std::int64_t now = now_seconds();
  // A minute past the 300 s tolerance either way: the daemon reads its clock later than `now`
  // (a second boundary, a slow sanitizer build), and one second of margin let "future" pass.
  const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> cases{
      {"tampered body", {tampered, sign(body, kSecret, now)}},
      {"old timestamp", {body, sign(body, kSecret, now - 360)}},
      {"future timestamp", {body, sign(body, kSecret, now + 360)}},
      {"wrong secret", {body, sign(body, "whsec_wrong", now)}},
      {"no v1", {body, "t=" + std::to_string(now)}},
      {"garbage", {body, "v1"}},
  };
  for (const auto& [what, request] : cases) {
    auto res = deliver(request.first, request.second);
    EXPECT_EQ(res.status, 400u) << what << ": " << res.body;
    EXPECT_EQ(res.json().at("error"), "BadSignature") << what << ": " << res.body;
    EXPECT_FALSE(res.json().at("message").as_string().empty());
  }
  auto missing = client_->post("/v1/webhooks/stripe", body);
  EXPECT_EQ(missing.status, 400u) << missing.body;
  auto twice = client_->post(
      "/v1/webhooks/stripe", body,
      {{"Stripe-Signature", sign(body, kSecret, now)}, {"Stripe-Signature", "t=1,v1=00"}});
  EXPECT_EQ(twice.status, 400u) << twice.body;
  // A correctly signed body that is not a Stripe event.
  const std::string not_event = R"({"hello":"world"})";
  auto invalid = deliver(not_event);
  EXPECT_EQ(invalid.status, 400u) << invalid.body;
  EXPECT_EQ(invalid.json().at("error"), "InvalidRequest");

  EXPECT_TRUE(listed().empty());
  // The previous secret, still configured during its rotation, is accepted; the event is new
  // (no refused delivery stored it) and is what the waiting execution gets.
  auto rotated = deliver(body, sign(body, kOldSecret, now));
  ASSERT_EQ(rotated.status, 200u) << rotated.body;
  EXPECT_FALSE(rotated.json().as_object().contains("duplicate")) << rotated.body;
  auto done = wait_final("payroll:refused");
  ASSERT_EQ(done.at("status"), "SUCCEEDED") << json::serialize(done);
  EXPECT_EQ(done.at("output").at("payout").at("detail").at("data").at("object").at("amount"),
            125000);
  const std::string metrics = client_->get("/metrics").body;
  EXPECT_NE(metrics.find("settled_stripe_webhooks_total{outcome=\"refused\"} 9"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("settled_stripe_webhooks_total{outcome=\"stored\"} 1"), std::string::npos)
      << metrics;
  // What was stored is the signed body, not the tampered one.
  EXPECT_EQ(client_->get("/v1/webhooks/stripe/events/evt_refused")
                .json()
                .at("event")
                .at("data")
                .at("object")
                .at("amount"),
            125000);
}

TEST_F(StripeWebhooks, StoredEventsSurviveARestartAndStayDuplicates) {
  const std::string body = stripe_event("evt_restart", "account.updated", "acct_restart");
  ASSERT_EQ(deliver(body).status, 200u);
  client_.reset();
  daemon_->kill9();
  start_with(extra_);
  EXPECT_EQ(listed().size(), 1u);
  EXPECT_EQ(deliver(body).json().at("duplicate"), true);
}

class StripeWebhooksWithApiKeys : public StripeWebhooks {
 protected:
  std::vector<std::string> daemon_flags() const override {
    auto flags = StripeWebhooks::daemon_flags();
    flags.push_back("--api-key-hashes=[\"" + adapters::sha256_hex("key-1") + "\"]");
    return flags;
  }
};

TEST_F(StripeWebhooksWithApiKeys, TheWebhookNeedsItsSignatureNotAKeyAndTheListingNeedsAKey) {
  const std::string body = stripe_event("evt_keys", "charge.refunded", "ch_keys");
  auto res = deliver(body);
  EXPECT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(deliver(body, "t=1,v1=00").status, 400u);
  EXPECT_EQ(client_->get("/v1/webhooks/stripe/events").status, 401u);
  EXPECT_EQ(client_->get("/v1/webhooks/stripe/events/evt_keys").status, 401u);
  // Only the POST of that exact route is open: a GET of it still needs the key.
  EXPECT_EQ(client_->get("/v1/webhooks/stripe").status, 401u);
  auto with_key = client_->get("/v1/webhooks/stripe/events", {{"Authorization", "Bearer key-1"}});
  ASSERT_EQ(with_key.status, 200u) << with_key.body;
  EXPECT_EQ(with_key.json().at("events").as_array().size(), 1u);
}

class StripeWebhooksNotConfigured : public OpsTest {};

TEST_F(StripeWebhooksNotConfigured, TheRouteSaysSoAndStoresNothing) {
  const std::string body = stripe_event("evt_unconfigured", "payout.paid", "po_1");
  auto res = client_->post("/v1/webhooks/stripe", body,
                           {{"Stripe-Signature", sign(body, kSecret, now_seconds())}});
  EXPECT_EQ(res.status, 404u) << res.body;
  EXPECT_NE(res.json().at("message").as_string().find("stripe-webhook-secrets"), std::string::npos)
      << res.body;
  EXPECT_TRUE(client_->get("/v1/webhooks/stripe/events").json().at("events").as_array().empty());
}

}  // namespace
}  // namespace settled::testing
