// The daemon in veriff-mode=live against a fake Veriff over HTTPS (tests/fakes/
// fake_veriff_server.hpp; its certificate is the daemon's veriff-ca-file): a workflow creates a
// session and reads its decision through the real client, signed as Veriff checks (the fake
// computes the HMAC with OpenSSL, not settled's code); a wrong shared secret is a
// Veriff.AuthenticationError the workflow catches; a 429 pauses every call for its Retry-After
// and is sent again; the rate limit spaces the requests; a request Veriff never answers becomes
// Veriff.Unknown after the request timeout instead of a stuck execution. A live Veriff on a
// simulated clock is refused at start.

#include "fakes/fake_veriff_server.hpp"
#include "integration/ops_fixture.hpp"
#include "support/veriff_signing.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <string>
#include <vector>

namespace settled::testing {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

constexpr const char* kApiKey = "veriff-live-test-key";
constexpr const char* kSecret = "veriff-live-test-secret";
constexpr std::size_t kRate = 5;  // veriff-max-requests-per-second

class LiveVeriff : public OpsTest {
 protected:
  void add_workflows() override {
    // Creates a session, reads its decision; Veriff's refusals and an unknown outcome are caught.
    write_workflow("kyc-live", R"({"StartAt": "CreateSession", "States": {
      "CreateSession": {"Type": "Task", "Resource": "settled:veriff.sessions.create",
        "Parameters": {"person": {"firstName": "Jane", "lastName": "Doe"},
                       "vendorData.$": "$.kycId"},
        "ResultSelector": {"sessionId.$": "$.verification.id"},
        "ResultPath": "$.session", "Next": "ReadDecision",
        "Catch": [{"ErrorEquals": ["Veriff.AuthenticationError", "Veriff.Unknown",
                                   "Veriff.RateLimitError"],
                   "ResultPath": "$.error", "Next": "Refused"}]},
      "ReadDecision": {"Type": "Task", "Resource": "settled:veriff.decision.get",
        "Parameters": {"id.$": "$.session.sessionId"},
        "ResultSelector": {"code.$": "$.verification.code",
                           "status.$": "$.verification.status"},
        "ResultPath": "$.decision", "End": true},
      "Refused": {"Type": "Pass", "End": true}}})");
  }
  std::vector<std::string> daemon_flags() const override {
    const std::string ca_file = dir_.path() + "/veriff-ca.pem";
    std::ofstream(ca_file) << veriff_.cert_pem();
    return {"--veriff-mode=live",
            "--veriff-base-url=" + veriff_.base_url(),
            "--veriff-ca-file=" + ca_file,
            "--veriff-api-key=" + std::string(kApiKey),
            "--veriff-shared-secrets=[\"" + secret_ + "\"]",
            "--veriff-max-requests-per-second=" + std::to_string(kRate),
            "--veriff-request-timeout-ms=" + std::to_string(timeout_ms_)};
  }

  std::string start_kyc(const std::string& name) {
    auto res = start_execution("kyc-live", name, json::object{{"kycId", "kyc-" + name}});
    EXPECT_EQ(res.status, 201u) << res.body;
    return "kyc-live:" + name;
  }

  // The fake numbers its sessions: the first `n` are decided (approved) before they exist.
  void approve_first(int n) {
    for (int i = 1; i <= n; ++i) {
      const std::string digits = std::to_string(i);
      veriff_.decide("00000000-0000-4000-8000-" + std::string(12 - digits.size(), '0') + digits,
                     {{"code", 9001}, {"status", "approved"}});
    }
  }

  FakeVeriffServer veriff_{kApiKey, kSecret};
  std::string secret_ = kSecret;
  std::size_t timeout_ms_ = 20000;
};

TEST_F(LiveVeriff, AWorkflowCreatesASessionAndReadsItsDecisionSignedAsVeriffChecks) {
  approve_first(1);
  const auto id = start_kyc("k1");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  const auto output = final_state.at("output");
  EXPECT_EQ(output.at("session").at("sessionId"), "00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(output.at("decision").at("code"), 9001);
  EXPECT_EQ(output.at("decision").at("status"), "approved");
  EXPECT_EQ(veriff_.sessions_created(), 1u);
  const auto recorded = veriff_.recorded();
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[0].method, "POST");
  EXPECT_EQ(recorded[0].target, "/v1/sessions");
  EXPECT_EQ(recorded[0].status, 201u);
  EXPECT_EQ(recorded[0].auth_client, kApiKey);
  EXPECT_EQ(recorded[0].signature, veriff_signature(recorded[0].body, kSecret));
  EXPECT_EQ(json::parse(recorded[0].body).at("verification").at("vendorData"), "kyc-k1");
  EXPECT_EQ(recorded[1].method, "GET");
  EXPECT_EQ(recorded[1].target, "/v1/sessions/00000000-0000-4000-8000-000000000001/decision");
  EXPECT_EQ(recorded[1].signature,
            veriff_signature("00000000-0000-4000-8000-000000000001", kSecret));
  EXPECT_EQ(recorded[1].status, 200u);
  // Live: no simulator behind the simulator's route.
  EXPECT_EQ(client_->get("/v1/simulator/veriff/sessions").status, 404u);
}

TEST_F(LiveVeriff, A429PausesForItsRetryAfterAndTheCallIsSentAgain) {
  approve_first(1);
  veriff_.fail_next(1, 429, {{"Retry-After", "1"}});
  const auto id = start_kyc("k429");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  EXPECT_FALSE(final_state.at("output").as_object().contains("error"))
      << json::serialize(final_state);
  const auto recorded = veriff_.recorded();
  ASSERT_EQ(recorded.size(), 3u);
  EXPECT_EQ(recorded[0].status, 429u);
  EXPECT_EQ(recorded[1].status, 201u);
  EXPECT_EQ(recorded[0].body, recorded[1].body);
  EXPECT_GE(recorded[1].received - recorded[0].received, milliseconds(950));
  EXPECT_EQ(veriff_.sessions_created(), 1u);
}

TEST_F(LiveVeriff, TheRateLimitSpacesTheRequests) {
  constexpr int kCalls = 8;
  approve_first(kCalls);
  std::vector<std::string> ids;
  for (int i = 0; i < kCalls; ++i) ids.push_back(start_kyc("r" + std::to_string(i)));
  for (const auto& id : ids) {
    const auto final_state = wait_final(id, std::chrono::seconds(30));
    ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  }
  auto recorded = veriff_.recorded();
  ASSERT_EQ(recorded.size(), 2u * kCalls);  // a create and a decision.get each
  std::vector<FakeVeriffServer::Clock::time_point> times;
  for (const auto& r : recorded) times.push_back(r.received);
  std::sort(times.begin(), times.end());
  // Evenly spaced at kRate per second: any kRate + 1 requests in a row span about a second.
  for (std::size_t i = 0; i + kRate < times.size(); ++i)
    EXPECT_GE(times[i + kRate] - times[i], milliseconds(900)) << "from request " << i;
}

class LiveVeriffWrongSecret : public LiveVeriff {
 protected:
  LiveVeriffWrongSecret() { secret_ = "not-the-integrations-secret"; }
};

TEST_F(LiveVeriffWrongSecret, AWrongSignatureIsAnAuthenticationErrorTheWorkflowCatches) {
  const auto id = start_kyc("bad-sig");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  const auto error = final_state.at("output").at("error");
  EXPECT_EQ(error.at("Error"), "Veriff.AuthenticationError") << json::serialize(error);
  const auto cause = json::parse(std::string(error.at("Cause").as_string()));
  EXPECT_EQ(cause.at("status"), "fail");
  EXPECT_EQ(veriff_.sessions_created(), 0u);
  const auto recorded = veriff_.recorded();
  ASSERT_EQ(recorded.size(), 1u);  // a 401 is not retried
  EXPECT_EQ(recorded[0].status, 401u);
}

class LiveVeriffShortTimeout : public LiveVeriff {
 protected:
  LiveVeriffShortTimeout() { timeout_ms_ = 1500; }
};

TEST_F(LiveVeriffShortTimeout, ARequestNeverAnsweredIsUnknownNotAStuckExecution) {
  veriff_.hang_next(1);
  const auto started = std::chrono::steady_clock::now();
  const auto id = start_kyc("hang");
  const auto final_state = wait_final(id, std::chrono::seconds(20));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  const auto error = final_state.at("output").at("error");
  EXPECT_EQ(error.at("Error"), "Veriff.Unknown") << json::serialize(error);
  EXPECT_NE(std::string(error.at("Cause").as_string()).find("timed out"), std::string::npos)
      << json::serialize(error);
  // Veriff takes no idempotency key: the create is not sent again behind the workflow's back.
  const auto recorded = veriff_.recorded();
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].status, 0u);
}

TEST(LiveVeriffConfig, ALiveVeriffOnASimulatedClockIsRefused) {
  TempDir dir;
  DaemonProcess daemon(
      SETTLED_BINARY,
      {"--http=127.0.0.1:0", "--data-dir=" + dir.path() + "/var",
       "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows",
       "--veriff-mode=live", "--veriff-base-url=https://127.0.0.1:1", "--veriff-api-key=k",
       "--veriff-shared-secrets=[\"s\"]", "--clock=simulated"});
  std::string out;
  try {
    daemon.wait_ready(std::chrono::seconds(20));
    ADD_FAILURE() << "settled started a live Veriff on a simulated clock";
  } catch (const std::exception& e) {
    out = e.what();
  }
  EXPECT_NE(out.find("refused with veriff-mode=live"), std::string::npos) << out;
}

}  // namespace
}  // namespace settled::testing
