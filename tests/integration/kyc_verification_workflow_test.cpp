// Seed 001's KYC verification (config/workflows/kyc-verification.asl.json,
// docs/kyc-verification.md), the shipped definition on a simulated clock with its real waits: a
// Veriff session per upload, its decision (chosen by the simulator from the first name) arriving
// as a signed webhook, an approval recorded and audited; a decline followed by a resubmission; a
// manual review answered by an admin through its task token; abandonment after exactly 30 days
// without a resubmission; a kill -9 while the decision is awaited.

#include "integration/kyc_fixture.hpp"

#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;

class KycVerification : public KycTest {
 protected:
  std::string start_kyc(const std::string& contractor, const std::string& first_name) {
    json::object input{{"kycId", "kyc-" + contractor},
                       {"contractorId", contractor},
                       {"person", {{"firstName", first_name}, {"lastName", "Okafor"}}},
                       {"documents", json::array{"s3://kyc/" + contractor + "/passport.jpg"}}};
    auto res = start_execution("kyc-verification", contractor, std::move(input));
    EXPECT_EQ(res.status, 201u) << res.body;
    return "kyc-verification:" + contractor;
  }

  void answer_review(const std::string& kyc_id, const std::string& decision) {
    const auto review = record("kyc-reviews", kyc_id);
    ASSERT_TRUE(review.contains("taskToken")) << json::serialize(review);
    auto res = client_->post(
        "/v1/tasks/success",
        json::serialize(json::object{
            {"taskToken", review.at("taskToken")},
            {"output", {{"decision", decision}, {"reviewerId", "admin-7"}, {"note", "checked"}}}}));
    ASSERT_EQ(res.status, 200u) << res.body;
  }
};

TEST_F(KycVerification, AnApprovedDecisionIsRecordedEmittedAndAudited) {
  const auto id = start_kyc("c-approved", "Approved");
  await_entered(id, "AutomatedVerification");
  EXPECT_EQ(record("kyc", "kyc-c-approved").at("status"), "verifying");
  // Veriff decides after its delay, not before.
  advance("59s");
  EXPECT_EQ(status_of(id), "RUNNING");
  advance("1s");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  const auto& output = final_state.at("output");
  EXPECT_EQ(output.at("status"), "approved");
  EXPECT_EQ(output.at("approvedBy").at("by"), "veriff");
  const auto kyc = record("kyc", "kyc-c-approved");
  EXPECT_EQ(kyc.at("status"), "approved");
  EXPECT_EQ(kyc.at("code"), 9001);
  const std::string session(output.at("sessionId").as_string());
  EXPECT_EQ(record("kyc-audit", "kyc-c-approved-" + session).at("decision").at("code"), 9001);
  EXPECT_EQ(veriff_sessions("kyc-c-approved").size(), 1u);
  EXPECT_EQ(entered(id, "KYCApproved"), 1u);
  EXPECT_EQ(entered(id, "KYCRejected"), 0u);
}

TEST_F(KycVerification, ADeclinedApplicantIsNotifiedAndVerifiedAgainOnResubmission) {
  const auto id = start_kyc("c-declined", "Declined");
  await_entered(id, "AutomatedVerification");
  advance("1m");
  await_entered(id, "WaitForResubmission");
  const auto rejected = record("kyc", "kyc-c-declined");
  EXPECT_EQ(rejected.at("status"), "rejected");
  EXPECT_EQ(rejected.at("rejection").at("code"), 9102);
  EXPECT_EQ(entered(id, "NotifyContractor"), 1u);
  EXPECT_EQ(status_of(id), "RUNNING");

  upload_documents("c-declined", "Approved");
  await_entered(id, "AutomatedVerification", 2);
  advance("1m");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  // Two sessions: Veriff decides a session once, so the resubmission is a new one.
  const auto sessions = veriff_sessions("kyc-c-declined");
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(final_state.at("output").at("sessionId"), sessions[1].at("id"));
  EXPECT_EQ(record("kyc", "kyc-c-declined").at("status"), "approved");
}

TEST_F(KycVerification, AReviewIsDecidedByAnAdminThroughItsTaskToken) {
  const auto id = start_kyc("c-review", "Review");
  await_entered(id, "AutomatedVerification");
  advance("1m");
  await_entered(id, "WaitForAdminReview");
  EXPECT_EQ(record("kyc", "kyc-c-review").at("status"), "review");
  answer_review("kyc-c-review", "approved");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  EXPECT_EQ(final_state.at("output").at("approvedBy").at("by"), "admin");
  EXPECT_EQ(final_state.at("output").at("approvedBy").at("reviewerId"), "admin-7");
  // The token asks for scope admin (requiredScope): who answered is recorded by the daemon
  // (local-only mode's caller here), not taken from the answer.
  EXPECT_EQ(final_state.at("output").at("approvedBy").at("answeredBy"), "local");
}

TEST_F(KycVerification, AnAdminRejectionWithoutResubmissionIsAbandonedAfterThirtyDays) {
  const auto id = start_kyc("c-silent", "Review");
  await_entered(id, "AutomatedVerification");
  advance("1m");
  await_entered(id, "WaitForAdminReview");
  answer_review("kyc-c-silent", "rejected");
  await_entered(id, "WaitForResubmission");
  EXPECT_EQ(record("kyc", "kyc-c-silent").at("rejection").at("by"), "admin");
  advance("29d");
  advance("23h");
  advance("59m");
  EXPECT_EQ(status_of(id), "RUNNING");
  advance("1m");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "FAILED") << json::serialize(final_state);
  EXPECT_EQ(final_state.at("error"), "KYC.Abandoned");
  EXPECT_EQ(record("kyc", "kyc-c-silent").at("status"), "abandoned");
}

TEST_F(KycVerification, AKillWhileTheDecisionIsAwaitedLosesNothingAndMakesOneSession) {
  const auto id = start_kyc("c-killed", "Approved");
  await_entered(id, "AutomatedVerification");
  kill_and_restart();
  advance("1m");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  EXPECT_EQ(veriff_sessions("kyc-c-killed").size(), 1u);
  EXPECT_EQ(entered(id, "VeriffSessionCreated"), 1u);
}

}  // namespace
}  // namespace settled::testing
