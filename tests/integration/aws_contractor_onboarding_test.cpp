// Seed 001's contractor onboarding as a team on AWS writes it
// (examples/aws/seed-001/workflows/contractor-onboarding.asl.json, docs/aws-seeds.md), run
// unchanged with the example's settled.conf: sendInvitationEmail, createContractorProfile,
// generateContractPDF and sendNotification by ARN, the invitation, contractor and contract as
// DynamoDB items, the waits as OnboardingCallbacks tokens the application's handlers answer with
// SendTaskSuccess, and kyc-verification as a nested startExecution.sync:2 named after the KYC
// id, described through the Step Functions API. A contractor invited, accepting, reminded,
// declined once and verified on the resubmission (with a kill -9 while the child awaits Veriff),
// contracted and complete; an invitation that expires after exactly 7 days; a KYC child
// abandoned after 30 days and a second one started on the contractor's later upload.

#include "integration/aws_kyc_fixture.hpp"

#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;

constexpr const char* kKycMachineArn =
    "arn:aws:states:us-east-1:123456789012:stateMachine:kyc-verification";

class AwsContractorOnboarding : public AwsKycTest {
 protected:
  std::string invite(const std::string& invitation) {
    auto res = start_execution("contractor-onboarding", invitation,
                               {{"invitationId", invitation},
                                {"clientId", "client-acme"},
                                {"email", invitation + "@contractors.example"}});
    EXPECT_EQ(res.status, 201u) << res.body;
    return "contractor-onboarding:" + invitation;
  }

  // The invitation link's handler: invitation.accepted, the contractor as its actor.
  std::string accept(const std::string& invitation, const std::string& contractor) {
    return answer_callback("invitation-" + invitation,
                           event("invitation.accepted", invitation, contractor,
                                 {{"firstName", "Ada"}, {"lastName", "Okafor"}}));
  }

  json::object describe(const std::string& arn) {
    auto res = sfn("DescribeExecution", {{"executionArn", arn}});
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200 ? res.json().as_object() : json::object{};
  }

  // The execution whose token is stored under `callback_id` ("" when none is).
  std::string waiting_for(const std::string& callback_id) {
    auto res = client_->get("/v1/records/OnboardingCallbacks/" + callback_id);
    if (res.status != 200) return "";
    return std::string(res.json().at("record").at("executionId").as_string());
  }

  // The KYC child's ARN ($$.Execution.Id inside it), from the item it keeps.
  std::string kyc_execution(const std::string& kyc_id) {
    return std::string(record("KycVerifications", kyc_id).at("execution").as_string());
  }
};

TEST_F(AwsContractorOnboarding,
       AContractorIsInvitedRemindedVerifiedByANestedExecutionAndContracted) {
  const auto id = invite("inv-1");
  await_entered(id, "WaitForAcceptance");
  const auto invitation = record("Invitations", "inv-1");
  EXPECT_EQ(invitation.at("status"), "sent");
  EXPECT_EQ(invitation.at("token").as_string().size(), 36u);
  const auto invited = notifications("inv-1@contractors.example");  // sendInvitationEmail
  ASSERT_EQ(invited.size(), 1u);
  EXPECT_NE(
      std::string(invited[0].at("message").as_string()).find(invitation.at("token").as_string()),
      std::string::npos);

  accept("inv-1", "c-ada");
  await_entered(id, "WaitForKYCSubmission");
  EXPECT_EQ(record("Contractors", "c-ada").at("status"), "registered");
  EXPECT_EQ(record("Invitations", "inv-1").at("status"), "accepted");
  EXPECT_EQ(record("Invitations", "inv-1").at("contractorId"), "c-ada");

  // A reminder every 3 days without documents, not before.
  await_token("OnboardingCallbacks", "documents-c-ada");
  advance("2d");
  advance("23h");
  EXPECT_EQ(entered(id, "KYCReminder"), 0u);
  advance("1h");
  await_entered(id, "WaitForKYCSubmission", 2);
  EXPECT_EQ(entered(id, "KYCReminder"), 1u);

  // The first upload is declined by Veriff; the child waits for a resubmission.
  upload("c-ada", "Declined");
  await_entered(id, "KYCVerification");
  const auto child_arn = execution_arn("kyc-verification", "kyc-c-ada-1");
  ASSERT_TRUE(eventually([&] { return veriff_sessions("kyc-c-ada-1").size() == 1; },
                         std::chrono::seconds(30)));
  const auto child = kyc_execution("kyc-c-ada-1");
  // $$.Execution.Id inside the nested run: the child's own ARN, which finds it.
  EXPECT_EQ(child, child_arn);
  await_entered(child, "AutomatedVerification");
  const auto running = describe(child_arn);
  EXPECT_EQ(running.at("status"), "RUNNING");
  EXPECT_EQ(running.at("stateMachineArn"), kKycMachineArn);
  EXPECT_EQ(json::parse(running.at("input").as_string()).at("kycId"), "kyc-c-ada-1");
  kill_and_restart();
  advance("1m");
  veriff_webhook("kyc-c-ada-1");  // the token stored before the kill answers after it
  await_entered(child, "WaitForResubmission");
  EXPECT_EQ(record("KycVerifications", "kyc-c-ada-1").at("status"), "rejected");
  EXPECT_EQ(status_of(id), "RUNNING");

  upload("c-ada", "Approved");  // now the child holds the contractor's documents token
  await_entered(child, "AutomatedVerification", 2);
  advance("1m");
  veriff_webhook("kyc-c-ada-1", 2);
  await_entered(id, "WaitForContractSignature");
  const auto verified = describe(child_arn);
  EXPECT_EQ(verified.at("status"), "SUCCEEDED");
  EXPECT_EQ(verified.at("name"), "kyc-c-ada-1");
  EXPECT_EQ(json::parse(verified.at("output").as_string()).at("status"), "approved");
  EXPECT_EQ(status_of(child), "SUCCEEDED");
  const auto contractor = record("Contractors", "c-ada");
  EXPECT_EQ(contractor.at("status"), "kyc_approved");
  EXPECT_EQ(contractor.at("kycId"), "kyc-c-ada-1");
  EXPECT_EQ(contractor.at("email"), "inv-1@contractors.example");  // updateItem kept the rest
  const auto contract = record("Contracts", "contract-inv-1");
  EXPECT_EQ(contract.at("status"), "pending_signature");
  EXPECT_EQ(contract.at("contractorId"), "c-ada");
  EXPECT_EQ(contract.at("document"), "contracts/contract-inv-1.pdf");

  answer_callback("contract-contract-inv-1",
                  event("contract.signed.both", "contract-inv-1", "c-ada", {}));
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  EXPECT_EQ(final_state.at("output"), json::value(json::object{{"contractorId", "c-ada"},
                                                               {"contractId", "contract-inv-1"},
                                                               {"kycId", "kyc-c-ada-1"},
                                                               {"status", "active"}}));
  EXPECT_EQ(record("Contractors", "c-ada").at("status"), "active");
  EXPECT_EQ(record("Contracts", "contract-inv-1").at("status"), "active");
  EXPECT_EQ(record("Contracts", "contract-inv-1").at("signedAt"), "2026-02-02T10:00:00Z");
  // One session per upload, none made again by the restart; one nested execution.
  EXPECT_EQ(veriff_sessions("kyc-c-ada").size(), 2u);
  EXPECT_EQ(entered(id, "KYCVerification"), 1u);
  const auto scheduled = resources_scheduled(execution_arn("contractor-onboarding", "inv-1"));
  for (const auto& expected : std::vector<std::string>{
           lambda("sendInvitationEmail"), lambda("createContractorProfile"),
           lambda("generateContractPDF"), lambda("sendNotification"), "dynamodb:putItem",
           "dynamodb:putItem.waitForTaskToken", "dynamodb:updateItem", "events:putEvents",
           "states:startExecution.sync:2"})
    EXPECT_TRUE(has(scheduled, expected)) << expected;
}

TEST_F(AwsContractorOnboarding, AnInvitationNotAcceptedWithinSevenDaysExpires) {
  const auto id = invite("inv-late");
  await_entered(id, "WaitForAcceptance");
  const auto token = await_token("OnboardingCallbacks", "invitation-inv-late");
  advance("6d");
  advance("23h");
  advance("59m");
  EXPECT_EQ(status_of(id), "RUNNING");
  advance("1m");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  EXPECT_EQ(final_state.at("output"), json::value(json::object{{"status", "expired"}}));
  EXPECT_EQ(record("Invitations", "inv-late").at("status"), "expired");
  EXPECT_EQ(entered(id, "InvitationAccepted"), 0u);
  // The link clicked too late: the handler's SendTaskSuccess finds the token timed out.
  auto late = sfn("SendTaskSuccess", {{"taskToken", token}, {"output", "{}"}});
  EXPECT_EQ(late.status, 400u) << late.body;
  EXPECT_EQ(late.json().at("__type"), "TaskTimedOut") << late.body;
}

TEST_F(AwsContractorOnboarding, AnAbandonedKycIsRejectedAndALaterUploadStartsASecondNestedOne) {
  const auto id = invite("inv-2");
  await_entered(id, "WaitForAcceptance");
  accept("inv-2", "c-bo");
  await_entered(id, "WaitForKYCSubmission");
  upload("c-bo", "Declined");
  ASSERT_TRUE(eventually([&] { return veriff_sessions("kyc-c-bo-1").size() == 1; },
                         std::chrono::seconds(30)));
  const auto first_child = kyc_execution("kyc-c-bo-1");
  await_entered(first_child, "AutomatedVerification");
  advance("1m");
  veriff_webhook("kyc-c-bo-1");
  await_entered(first_child, "WaitForResubmission");
  await_token("OnboardingCallbacks", "documents-c-bo");  // the child's; 30 days from here
  advance("30d");
  await_entered(id, "WaitForKYCResubmission");
  const auto abandoned = describe(execution_arn("kyc-verification", "kyc-c-bo-1"));
  EXPECT_EQ(abandoned.at("status"), "FAILED");
  EXPECT_EQ(abandoned.at("error"), "KYC.Abandoned");
  EXPECT_EQ(record("KycVerifications", "kyc-c-bo-1").at("status"), "abandoned");
  EXPECT_EQ(record("Contractors", "c-bo").at("status"), "kyc_rejected");

  // The child's token (timed out) is replaced by the onboarding's before the upload answers it.
  ASSERT_TRUE(eventually([&] { return waiting_for("documents-c-bo") == arn_of(id); },
                         std::chrono::seconds(30)));
  upload("c-bo", "Approved");
  ASSERT_TRUE(eventually([&] { return veriff_sessions("kyc-c-bo-2").size() == 1; },
                         std::chrono::seconds(30)));
  await_entered(kyc_execution("kyc-c-bo-2"), "AutomatedVerification");
  advance("1m");
  veriff_webhook("kyc-c-bo-2");
  await_entered(id, "WaitForContractSignature");
  EXPECT_EQ(record("Contractors", "c-bo").at("kycId"), "kyc-c-bo-2");
  EXPECT_EQ(describe(execution_arn("kyc-verification", "kyc-c-bo-2")).at("status"), "SUCCEEDED");
  EXPECT_EQ(entered(id, "KYCVerification"), 2u);
}

}  // namespace
}  // namespace settled::testing
