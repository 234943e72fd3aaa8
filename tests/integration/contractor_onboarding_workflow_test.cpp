// Seed 001's contractor onboarding (config/workflows/contractor-onboarding.asl.json,
// docs/contractor-onboarding.md), the shipped definition on a simulated clock with its real
// 7-day invitation expiry and 3-day KYC reminders: a contractor invited, accepting, reminded
// twice, verified by the kyc-verification child (declined once, then resubmitted and approved),
// contracted and complete, with a kill -9 while the child awaits Veriff; an invitation that
// expires after exactly 7 days; a KYC child abandoned after 30 days and a second child started
// on the contractor's later resubmission.

#include "integration/kyc_fixture.hpp"
#include "support/eventually.hpp"

#include <chrono>
#include <string>

namespace settled::testing {
namespace {

namespace json = boost::json;

class ContractorOnboarding : public KycTest {
 protected:
  const AwsScopeFlags aws_{"eu-north-1", "777788889999"};

  std::vector<std::string> daemon_flags() const override {
    auto flags = KycTest::daemon_flags();
    for (auto& flag : aws_.flags()) flags.push_back(std::move(flag));
    return flags;
  }

  std::string invite(const std::string& invitation) {
    auto res = start_execution("contractor-onboarding", invitation,
                               {{"invitationId", invitation},
                                {"clientId", "client-acme"},
                                {"email", invitation + "@contractors.example"}});
    EXPECT_EQ(res.status, 201u) << res.body;
    return "contractor-onboarding:" + invitation;
  }

  void accept(const std::string& invitation, const std::string& contractor) {
    post_event("invitation.accepted", invitation, contractor,
               {{"firstName", "Ada"}, {"lastName", "Okafor"}});
  }

  // The KYC child's ARN ($$.Execution.Id inside it), from the record it keeps.
  std::string kyc_execution(const std::string& kyc_id) {
    return std::string(record("kyc", kyc_id).at("execution").as_string());
  }
};

TEST_F(ContractorOnboarding, AContractorIsInvitedRemindedVerifiedAfterAResubmissionAndContracted) {
  const auto id = invite("inv-1");
  await_entered(id, "WaitForAcceptance");
  const auto invitation = record("invitations", "inv-1");
  EXPECT_EQ(invitation.at("status"), "sent");
  EXPECT_EQ(invitation.at("token").as_string().size(), 36u);

  accept("inv-1", "c-ada");
  await_entered(id, "WaitForKYCSubmission");
  EXPECT_EQ(record("contractors", "c-ada").at("status"), "registered");
  EXPECT_EQ(record("invitations", "inv-1").at("status"), "accepted");

  // A reminder every 3 days without documents, not before.
  advance("2d");
  advance("23h");
  EXPECT_EQ(entered(id, "KYCReminder"), 0u);
  advance("1h");
  await_entered(id, "WaitForKYCSubmission", 2);
  advance("3d");
  await_entered(id, "WaitForKYCSubmission", 3);
  EXPECT_EQ(entered(id, "KYCReminder"), 2u);

  // The first upload is declined by Veriff; the child waits for a resubmission.
  upload_documents("c-ada", "Declined");
  await_entered(id, "KYCVerification");
  ASSERT_TRUE(eventually([&] { return veriff_sessions("kyc-c-ada-1").size() == 1; },
                         std::chrono::seconds(30)));
  const auto child = kyc_execution("kyc-c-ada-1");
  // A child of this onboarding, named as Step Functions names a child started without Name:
  // its own state machine and a UUID, the ARN that finds it.
  EXPECT_EQ(child.rfind(aws_.execution_arn("kyc-verification:"), 0), 0u) << child;
  auto described = client_->get("/v1/executions/" + child);
  ASSERT_EQ(described.status, 200u) << described.body;
  EXPECT_EQ(described.json().at("parentExecutionId"), json::value(id));
  await_entered(child, "AutomatedVerification");
  kill_and_restart();
  advance("1m");
  await_entered(child, "WaitForResubmission");
  EXPECT_EQ(record("kyc", "kyc-c-ada-1").at("status"), "rejected");
  EXPECT_EQ(status_of(id), "RUNNING");

  upload_documents("c-ada", "Approved");
  await_entered(child, "AutomatedVerification", 2);
  advance("1m");
  await_entered(id, "WaitForContractSignature");
  EXPECT_EQ(status_of(child), "SUCCEEDED");
  EXPECT_EQ(record("contractors", "c-ada").at("status"), "kyc_approved");
  const auto contract = record("contracts", "contract-inv-1");
  EXPECT_EQ(contract.at("status"), "pending_signature");
  EXPECT_EQ(contract.at("contractorId"), "c-ada");

  post_event("contract.signed.both", "contract-inv-1", "c-ada", {});
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  EXPECT_EQ(final_state.at("output").at("status"), "active");
  EXPECT_EQ(final_state.at("output").at("kycId"), "kyc-c-ada-1");
  EXPECT_EQ(record("contractors", "c-ada").at("status"), "active");
  EXPECT_EQ(record("contracts", "contract-inv-1").at("status"), "active");
  // One session per upload, none made again by the restart.
  EXPECT_EQ(veriff_sessions("kyc-c-ada").size(), 2u);
  EXPECT_EQ(entered(id, "KYCVerification"), 1u);
}

TEST_F(ContractorOnboarding, AnInvitationNotAcceptedWithinSevenDaysExpires) {
  const auto id = invite("inv-late");
  await_entered(id, "WaitForAcceptance");
  advance("6d");
  advance("23h");
  advance("59m");
  EXPECT_EQ(status_of(id), "RUNNING");
  advance("1m");
  const auto final_state = wait_final(id, std::chrono::seconds(30));
  ASSERT_EQ(final_state.at("status"), "SUCCEEDED") << json::serialize(final_state);
  EXPECT_EQ(final_state.at("output").at("status"), "expired");
  EXPECT_EQ(record("invitations", "inv-late").at("status"), "expired");
  EXPECT_EQ(entered(id, "InvitationAccepted"), 0u);
}

TEST_F(ContractorOnboarding, AnAbandonedKycIsRejectedAndALaterUploadStartsANewOne) {
  const auto id = invite("inv-2");
  await_entered(id, "WaitForAcceptance");
  accept("inv-2", "c-bo");
  await_entered(id, "WaitForKYCSubmission");
  upload_documents("c-bo", "Declined");
  ASSERT_TRUE(eventually([&] { return veriff_sessions("kyc-c-bo-1").size() == 1; },
                         std::chrono::seconds(30)));
  const auto first_child = kyc_execution("kyc-c-bo-1");
  await_entered(first_child, "AutomatedVerification");
  advance("1m");
  await_entered(first_child, "WaitForResubmission");
  advance("30d");
  await_entered(id, "WaitForKYCResubmission");
  EXPECT_EQ(status_of(first_child), "FAILED");
  EXPECT_EQ(record("kyc", "kyc-c-bo-1").at("status"), "abandoned");
  EXPECT_EQ(record("contractors", "c-bo").at("status"), "kyc_rejected");

  upload_documents("c-bo", "Approved");
  ASSERT_TRUE(eventually([&] { return veriff_sessions("kyc-c-bo-2").size() == 1; },
                         std::chrono::seconds(30)));
  await_entered(kyc_execution("kyc-c-bo-2"), "AutomatedVerification");
  advance("1m");
  await_entered(id, "WaitForContractSignature");
  EXPECT_EQ(record("contractors", "c-bo").at("kycId"), "kyc-c-bo-2");
}

}  // namespace
}  // namespace settled::testing
