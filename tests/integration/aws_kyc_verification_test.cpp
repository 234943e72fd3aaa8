// Seed 001's KYC verification as a team on AWS writes it
// (examples/aws/seed-001/workflows/kyc-verification.asl.json, docs/aws-seeds.md), run unchanged
// with the example's settled.conf: createVeriffSession and getVeriffDecision by ARN, the KYC
// status in DynamoDB, Veriff's decision through processVeriffWebhook's SendTaskSuccess, the
// admin review queue as a KycReviews item carrying the task token; the approval, a decline and
// a resubmission through the upload handler, a review, abandonment after exactly 30 days, and a
// lost decision webhook answered by asking Veriff after 8 days.

#include "integration/aws_kyc_fixture.hpp"

#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;

class AwsKycVerification : public AwsKycTest {
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
    answer_callback(
        "KycReviews", kyc_id,
        json::object{{"decision", decision}, {"reviewerId", "admin-7"}, {"note", "checked"}});
  }
};

TEST_F(AwsKycVerification, AnApprovalComesThroughProcessVeriffWebhookAndIsRecordedAndAudited) {
  const auto id = start_kyc("c-approved", "Approved");
  await_entered(id, "AutomatedVerification");
  const auto verifying = record("KycVerifications", "kyc-c-approved");
  EXPECT_EQ(verifying.at("status"), "verifying");
  EXPECT_EQ(verifying.at("documents"), R"(["s3://kyc/c-approved/passport.jpg"])");
  const std::string session(verifying.at("sessionId").as_string());
  await_token("OnboardingCallbacks", "veriff-" + session);
  EXPECT_EQ(record("OnboardingCallbacks", "veriff-" + session).at("executionId").as_string(),
            arn_of(id));
  ASSERT_EQ(veriff_sessions("kyc-c-approved").size(), 1u);
  EXPECT_FALSE(veriff_sessions("kyc-c-approved")[0].contains("decision"));  // not before 60 s

  advance("1m");
  // processVeriffWebhook: the decision webhook's body answers the session's token.
  const auto [decided, webhook] = decided_session("kyc-c-approved");
  ASSERT_EQ(decided, session);
  const auto token = answer_callback("veriff-" + session, webhook);
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  const auto& output = final_state.at("output");
  EXPECT_EQ(output.at("status"), "approved");
  EXPECT_EQ(output.at("sessionId").as_string(), session);
  EXPECT_EQ(output.at("approvedBy"), json::value(json::object{{"by", "veriff"}}));
  const auto kyc = record("KycVerifications", "kyc-c-approved");
  EXPECT_EQ(kyc.at("status"), "approved");
  EXPECT_EQ(kyc.at("code"), 9001);  // DynamoDB's N, a number again
  EXPECT_EQ(kyc.at("approvedBy"), "veriff");
  const auto audit = record("KycAuditLog", "kyc-c-approved-" + session);
  EXPECT_EQ(audit.at("code"), 9001);
  EXPECT_EQ(json::parse(audit.at("decision").as_string()).at("status"), "approved");
  EXPECT_EQ(entered(id, "KYCApproved"), 1u);
  EXPECT_EQ(entered(id, "KYCRejected"), 0u);
  EXPECT_EQ(entered(id, "Ask For Decision"), 0u);

  // Veriff sends its webhook again: the token is answered already, nothing moves.
  auto replay = sfn("SendTaskSuccess", {{"taskToken", token}, {"output", "{}"}});
  EXPECT_EQ(replay.status, 400u) << replay.body;
  EXPECT_EQ(replay.json().at("__type"), "TaskTimedOut") << replay.body;

  const auto arn = execution_arn("kyc-verification", "c-approved");
  auto described = sfn("DescribeExecution", {{"executionArn", arn}});
  ASSERT_EQ(described.status, 200u) << described.body;
  EXPECT_EQ(described.json().at("status"), "SUCCEEDED");
  EXPECT_EQ(described.json().at("stateMachineArn"),
            "arn:aws:states:us-east-1:123456789012:stateMachine:kyc-verification");
  const auto scheduled = resources_scheduled(arn);
  for (const auto& expected :
       std::vector<std::string>{lambda("createVeriffSession"), "dynamodb:putItem",
                                "dynamodb:putItem.waitForTaskToken", "events:putEvents"})
    EXPECT_TRUE(has(scheduled, expected)) << expected;
}

TEST_F(AwsKycVerification, ADeclineIsNotifiedAndAResubmissionThroughTheUploadHandlerIsVerified) {
  const auto id = start_kyc("c-declined", "Declined");
  await_entered(id, "AutomatedVerification");
  advance("1m");
  veriff_webhook("kyc-c-declined");
  await_entered(id, "WaitForResubmission");
  const auto rejected = record("KycVerifications", "kyc-c-declined");
  EXPECT_EQ(rejected.at("status"), "rejected");
  EXPECT_EQ(rejected.at("code"), 9102);
  EXPECT_EQ(rejected.at("rejectedBy"), "veriff");
  const auto mail = notifications("c-declined");
  ASSERT_EQ(mail.size(), 1u);  // sendNotification
  EXPECT_EQ(mail[0].at("subject"), "Your identity verification was not approved");
  EXPECT_EQ(status_of(id), "RUNNING");

  upload("c-declined", "Approved");
  await_entered(id, "AutomatedVerification", 2);
  advance("1m");
  const auto second = veriff_webhook("kyc-c-declined", 2);
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  // Two sessions: Veriff decides a session once, so the resubmission is a new one.
  ASSERT_EQ(veriff_sessions("kyc-c-declined").size(), 2u);
  EXPECT_EQ(final_state.at("output").at("sessionId").as_string(), second);
  EXPECT_EQ(record("KycVerifications", "kyc-c-declined").at("status"), "approved");
  EXPECT_EQ(entered(id, "DocumentsUploaded"), 2u);
}

TEST_F(AwsKycVerification, AReviewIsAnsweredFromTheKycReviewsTableWithSendTaskSuccess) {
  const auto id = start_kyc("c-review", "Review");
  await_entered(id, "AutomatedVerification");
  advance("1m");
  veriff_webhook("kyc-c-review");
  await_entered(id, "WaitForAdminReview");
  await_token("KycReviews", "kyc-c-review");
  EXPECT_EQ(record("KycVerifications", "kyc-c-review").at("status"), "review");
  const auto review = record("KycReviews", "kyc-c-review");
  EXPECT_EQ(review.at("status"), "pending");
  EXPECT_EQ(review.at("code"), 9121);
  // The admins' SNS topic runs as a notification to kyc-admins.
  const auto admins = notifications("kyc-admins");
  ASSERT_EQ(admins.size(), 1u);
  EXPECT_EQ(admins[0].at("title"), "KYC needs a manual review");
  EXPECT_EQ(admins[0].at("type"), "kyc.review");

  answer_review("kyc-c-review", "approved");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  EXPECT_EQ(final_state.at("output").at("approvedBy").at("by"), "admin");
  EXPECT_EQ(final_state.at("output").at("approvedBy").at("reviewerId"), "admin-7");
  EXPECT_EQ(record("KycVerifications", "kyc-c-review").at("approvedBy"), "admin");
  EXPECT_TRUE(
      has(resources_scheduled(execution_arn("kyc-verification", "c-review")), "sns:publish"));
}

TEST_F(AwsKycVerification, AnAdminRejectionWithoutResubmissionIsAbandonedAfterThirtyDays) {
  const auto id = start_kyc("c-silent", "Review");
  await_entered(id, "AutomatedVerification");
  advance("1m");
  veriff_webhook("kyc-c-silent");
  await_entered(id, "WaitForAdminReview");
  answer_review("kyc-c-silent", "rejected");
  await_entered(id, "WaitForResubmission");
  EXPECT_EQ(record("KycVerifications", "kyc-c-silent").at("rejectedBy"), "admin");
  await_token("OnboardingCallbacks", "documents-c-silent");  // the 30 days run from here
  EXPECT_EQ(record("OnboardingCallbacks", "documents-c-silent").at("executionId").as_string(),
            arn_of(id));
  advance("29d");
  advance("23h");
  advance("59m");
  EXPECT_EQ(status_of(id), "RUNNING");
  advance("1m");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "FAILED") << json::serialize(final_state);
  EXPECT_EQ(final_state.at("error"), "KYC.Abandoned");
  EXPECT_EQ(record("KycVerifications", "kyc-c-silent").at("status"), "abandoned");
  // A late upload finds its token timed out.
  const auto late = record("OnboardingCallbacks", "documents-c-silent");
  auto res = sfn("SendTaskSuccess", {{"taskToken", late.at("taskToken")}, {"output", "{}"}});
  EXPECT_EQ(res.status, 400u) << res.body;
  EXPECT_EQ(res.json().at("__type"), "TaskTimedOut") << res.body;
}

TEST_F(AwsKycVerification, ALostDecisionWebhookIsAskedOfVeriffWithGetVeriffDecisionAfterEightDays) {
  const auto id = start_kyc("c-lost", "Approved");
  await_entered(id, "AutomatedVerification");
  advance("1m");
  // Decided, but the handler never answers the token.
  await_token("OnboardingCallbacks", "veriff-" + decided_session("kyc-c-lost").first);
  advance("7d");
  advance("23h");
  advance("58m");
  EXPECT_EQ(status_of(id), "RUNNING");
  EXPECT_EQ(entered(id, "Ask For Decision"), 0u);
  advance("1m");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  EXPECT_EQ(final_state.at("output").at("approvedBy").at("by"), "veriff");
  EXPECT_EQ(entered(id, "Ask For Decision"), 1u);
  EXPECT_EQ(entered(id, "Take Polled Decision"), 1u);
  const auto kyc = record("KycVerifications", "kyc-c-lost");
  EXPECT_EQ(kyc.at("code"), 9001);
  const std::string session(kyc.at("sessionId").as_string());
  EXPECT_TRUE(json::parse(record("KycAuditLog", "kyc-c-lost-" + session).at("decision").as_string())
                  .at("attemptId")
                  .is_null());
  EXPECT_TRUE(has(resources_scheduled(execution_arn("kyc-verification", "c-lost")),
                  lambda("getVeriffDecision")));
}

}  // namespace
}  // namespace settled::testing
