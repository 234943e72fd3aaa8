// Veriff through the real daemon (docs/veriff.md), on a simulated clock: a workflow creates a
// session with the simulator and waits for its decision, which the simulator sends, signed, to
// the daemon's own POST /v1/webhooks/veriff once the decision delay has passed; the decision is
// the one the first name asks for. Decision webhooks signed here with OpenSSL's HMAC (not
// settled's code) are accepted under either secret of a rotation and reach the execution waiting
// by vendorData, also when they arrive before it waits; a duplicate is processed once; tampered,
// unsigned and wrongly signed ones are refused with 401 JSON and store nothing; a kill -9 after
// the acknowledgement, and one before the decision, lose nothing.

#include "integration/ops_fixture.hpp"
#include "support/eventually.hpp"
#include "support/veriff_signing.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kSecret = "veriff-shared-secret-current";
constexpr const char* kOldSecret = "veriff-shared-secret-previous";

// Veriff's X-HMAC-SIGNATURE, computed here with OpenSSL directly: hex HMAC-SHA256 of the body.
std::string hmac_hex(const std::string& body, const std::string& secret) {
  return settled::testing::veriff_signature(body, secret);
}

// A decision webhook as Veriff sends it (compact JSON).
std::string decision(const std::string& session_id, const std::string& vendor_data, int code,
                     const std::string& status) {
  return json::serialize(json::object{{"status", "success"},
                                      {"verification",
                                       {{"id", session_id},
                                        {"attemptId", "f5c0a2b4-1111-4222-8333-444455556666"},
                                        {"vendorData", vendor_data},
                                        {"code", code},
                                        {"status", status},
                                        {"reason", nullptr},
                                        {"reasonCode", nullptr},
                                        {"person", {{"firstName", "Jane"}, {"lastName", "Doe"}}},
                                        {"decisionTime", "2026-01-05T09:05:00.000Z"},
                                        {"acceptanceTime", "2026-01-05T09:00:00.000Z"}}},
                                      {"technicalData", {{"ip", "10.0.0.1"}}}});
}

class Veriff : public OpsTest {
 protected:
  void add_workflows() override {
    // Creates a session for the applicant, waits for its decision by session id, then reads the
    // decision back with decision.get.
    write_workflow("kyc-check", R"({"StartAt": "CreateSession", "States": {
      "CreateSession": {"Type": "Task", "Resource": "settled:veriff.sessions.create",
        "Parameters": {"person": {"firstName.$": "$.firstName", "lastName": "Doe"},
                       "vendorData.$": "$.kycId"},
        "ResultSelector": {"sessionId.$": "$.verification.id", "url.$": "$.verification.url"},
        "ResultPath": "$.session", "Next": "AwaitDecision"},
      "AwaitDecision": {"Type": "Task", "Resource": "settled:events.waitFor",
        "Parameters": {"type": "veriff.decision", "correlationKey.$": "$.session.sessionId",
                       "timeoutSeconds": 604800},
        "ResultSelector": {"code.$": "$.detail.verification.code",
                           "status.$": "$.detail.verification.status"},
        "ResultPath": "$.decision", "Next": "ReadDecision"},
      "ReadDecision": {"Type": "Task", "Resource": "settled:veriff.decision.get",
        "Parameters": {"id.$": "$.session.sessionId"},
        "ResultSelector": {"code.$": "$.verification.code"},
        "ResultPath": "$.polled", "End": true}}})");
    // Waits for a decision by its vendorData (the applicant's KYC id).
    write_workflow("kyc-wait", R"({"StartAt": "AwaitDecision", "States": {
      "AwaitDecision": {"Type": "Task", "Resource": "settled:events.waitFor",
        "Parameters": {"type": "veriff.decision", "correlationKey.$": "$.kycId",
                       "timeoutSeconds": 604800},
        "ResultPath": "$.decision", "End": true}}})");
  }
  std::vector<std::string> daemon_flags() const override {
    return {"--clock=simulated", "--clock-start=2026-01-05T09:00:00Z",
            std::string("--veriff-shared-secrets=[\"") + kSecret + "\",\"" + kOldSecret + "\"]",
            "--veriff-api-key=veriff-test-key", "--veriff-decision-delay-seconds=3600"};
  }

  HttpResult deliver(const std::string& body, const std::string& signature) {
    return client_->post("/v1/webhooks/veriff", body, {{"X-HMAC-SIGNATURE", signature}});
  }

  json::array decisions() {
    auto res = client_->get("/v1/webhooks/veriff/decisions");
    EXPECT_EQ(res.status, 200u) << res.body;
    if (res.status != 200) return {};
    return res.json().at("decisions").as_array();
  }

  void advance(const std::string& by) {
    auto res = client_->post("/v1/clock/advance", R"({"by":")" + by + R"("})");
    ASSERT_EQ(res.status, 200u) << res.body;
  }

  bool waiting(const std::string& id) { return event_waits(id) > 0; }

  std::string start_kyc(const std::string& name, const std::string& first_name) {
    auto res = start_execution("kyc-check", name,
                               json::object{{"firstName", first_name}, {"kycId", "kyc-" + name}});
    EXPECT_EQ(res.status, 201u) << res.body;
    return "kyc-check:" + name;
  }

  void expect_refused(const HttpResult& res) {
    EXPECT_EQ(res.status, 401u) << res.body;
    EXPECT_EQ(res.json().at("error"), "Unauthorized") << res.body;
    EXPECT_TRUE(res.json().as_object().contains("message")) << res.body;
  }
};

TEST_F(Veriff, TheSimulatorsDecisionArrivesAfterTheDelayAsTheFirstNameAsks) {
  const std::vector<std::pair<std::string, std::pair<int, std::string>>> cases = {
      {"Approved", {9001, "approved"}},
      {"Declined", {9102, "declined"}},
      {"Resubmit", {9103, "resubmission_requested"}},
      {"Review", {9121, "review"}},
      {"Expired", {9104, "expired"}}};
  std::vector<std::string> ids;
  for (const auto& [name, expected] : cases) ids.push_back(start_kyc(name, name));
  for (const auto& id : ids)
    ASSERT_TRUE(eventually([&] { return waiting(id); }, std::chrono::seconds(20)))
        << json::serialize(history(id));
  // Before the delay nothing is decided.
  advance("59m");
  EXPECT_TRUE(decisions().empty());
  for (const auto& id : ids)
    EXPECT_EQ(client_->get("/v1/executions/" + id).json().at("status"), "RUNNING");
  auto sessions = client_->get("/v1/simulator/veriff/sessions?limit=100");
  ASSERT_EQ(sessions.status, 200u) << sessions.body;
  EXPECT_EQ(sessions.json().at("sessions").as_array().size(), cases.size());
  EXPECT_EQ(sessions.json().at("has_more"), false);
  // Paged: one at a time, the first page says more follow.
  auto first = client_->get("/v1/simulator/veriff/sessions?limit=1");
  ASSERT_EQ(first.status, 200u) << first.body;
  EXPECT_EQ(first.json().at("sessions").as_array().size(), 1u);
  EXPECT_EQ(first.json().at("has_more"), cases.size() > 1);
  EXPECT_EQ(client_->get("/v1/simulator/veriff/sessions?limit=abc").status, 400u);
  advance("1m");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto final_state = wait_final(ids[i], std::chrono::seconds(30));
    ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
    const auto output = final_state.at("output");
    EXPECT_EQ(output.at("decision").at("code"), cases[i].second.first) << cases[i].first;
    EXPECT_EQ(output.at("decision").at("status"), cases[i].second.second.c_str());
    EXPECT_EQ(output.at("polled").at("code"), cases[i].second.first);
  }
  EXPECT_EQ(decisions().size(), cases.size());
}

TEST_F(Veriff, AnIndependentlySignedDecisionIsTakenOnceByVendorDataUnderEitherSecret) {
  // One arrives before its workflow waits (kept), one while it waits.
  const std::string early =
      decision("0b9e4c1e-0000-4000-8000-000000000001", "kyc-early", 9102, "declined");
  auto res = deliver(early, hmac_hex(early, kOldSecret));
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("received"), true);
  ASSERT_EQ(start_execution("kyc-wait", "late", json::object{{"kycId", "kyc-early"}}).status, 201u);
  auto late = wait_final("kyc-wait:late", std::chrono::seconds(30));
  ASSERT_EQ(late.at("status"), "SUCCEEDED") << json::serialize(late);
  EXPECT_EQ(late.at("output").at("decision").at("detail").at("verification").at("code"), 9102);

  ASSERT_EQ(start_execution("kyc-wait", "on-time", json::object{{"kycId", "kyc-on-time"}}).status,
            201u);
  ASSERT_TRUE(eventually([&] { return waiting("kyc-wait:on-time"); }, std::chrono::seconds(20)));
  const std::string body =
      decision("0b9e4c1e-0000-4000-8000-000000000002", "kyc-on-time", 9001, "approved");
  res = deliver(body, hmac_hex(body, kSecret));
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_FALSE(res.json().as_object().contains("duplicate"));
  const auto done = wait_final("kyc-wait:on-time", std::chrono::seconds(30));
  ASSERT_EQ(done.at("status"), "SUCCEEDED");
  // The same decision again: acknowledged, nothing new.
  res = deliver(body, hmac_hex(body, kSecret));
  ASSERT_EQ(res.status, 200u) << res.body;
  EXPECT_EQ(res.json().at("duplicate"), true);
  EXPECT_EQ(decisions().size(), 2u);
  EXPECT_EQ(event_waits("kyc-wait:on-time"), 1u);
  // A second workflow on the same vendorData does not get the decision again.
  ASSERT_EQ(start_execution("kyc-wait", "again", json::object{{"kycId", "kyc-on-time"}}).status,
            201u);
  ASSERT_TRUE(eventually([&] { return waiting("kyc-wait:again"); }, std::chrono::seconds(20)));
  res = deliver(body, hmac_hex(body, kOldSecret));
  EXPECT_EQ(res.json().at("duplicate"), true);
  advance("1m");
  EXPECT_EQ(client_->get("/v1/executions/kyc-wait:again").json().at("status"), "RUNNING");
}

TEST_F(Veriff, TamperedUnsignedAndWronglySignedDecisionsAreRefusedAndStoreNothing) {
  ASSERT_EQ(start_execution("kyc-wait", "forged", json::object{{"kycId", "kyc-forged"}}).status,
            201u);
  ASSERT_TRUE(eventually([&] { return waiting("kyc-wait:forged"); }, std::chrono::seconds(20)));
  const std::string body =
      decision("0b9e4c1e-0000-4000-8000-000000000003", "kyc-forged", 9102, "declined");
  std::string tampered = body;
  tampered.replace(tampered.find("9102"), 4, "9001");
  tampered.replace(tampered.find("declined"), 8, "approved");
  expect_refused(deliver(tampered, hmac_hex(body, kSecret)));
  expect_refused(client_->post("/v1/webhooks/veriff", body));
  expect_refused(deliver(body, hmac_hex(body, "not-our-secret")));
  expect_refused(deliver(body, "zz" + hmac_hex(body, kSecret).substr(2)));
  EXPECT_TRUE(decisions().empty());
  advance("1m");
  EXPECT_EQ(client_->get("/v1/executions/kyc-wait:forged").json().at("status"), "RUNNING");
  // Correctly signed but not a decision: refused as such.
  const std::string not_a_decision = R"({"status":"success"})";
  auto res = deliver(not_a_decision, hmac_hex(not_a_decision, kSecret));
  EXPECT_EQ(res.status, 400u) << res.body;
  EXPECT_TRUE(decisions().empty());
}

TEST_F(Veriff, AKill9AfterTheAcknowledgementOrBeforeTheDecisionLosesNothing) {
  // Acknowledged, nobody waiting yet; then kill -9.
  const std::string body =
      decision("0b9e4c1e-0000-4000-8000-000000000004", "kyc-acked", 9001, "approved");
  ASSERT_EQ(deliver(body, hmac_hex(body, kSecret)).status, 200u);
  // A session whose decision is not due yet.
  const std::string id = start_kyc("crash", "Declined");
  ASSERT_TRUE(eventually([&] { return waiting(id); }, std::chrono::seconds(20)));
  client_.reset();
  daemon_->kill9();
  start_with(extra_);
  ASSERT_EQ(start_execution("kyc-wait", "after", json::object{{"kycId", "kyc-acked"}}).status,
            201u);
  ASSERT_EQ(wait_final("kyc-wait:after", std::chrono::seconds(30)).at("status"), "SUCCEEDED");
  EXPECT_EQ(deliver(body, hmac_hex(body, kSecret)).json().at("duplicate"), true);
  advance("1h");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  EXPECT_EQ(final_state.at("output").at("decision").at("code"), 9102);
  EXPECT_EQ(decisions().size(), 2u);
}

}  // namespace
}  // namespace settled::testing
