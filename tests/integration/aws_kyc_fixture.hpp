#pragma once
// Seed 001's identity workflows as a team on AWS writes them (examples/aws/seed-001/workflows:
// kyc-verification, contractor-onboarding; docs/aws-seeds.md), run unchanged by the daemon with
// the example's settled.conf in place of the shipped definitions, on a simulated clock with the
// Veriff simulator. The tests play the team's handlers: each reads the task token a definition
// stored in the OnboardingCallbacks table (or KycReviews) and answers it with the Step Functions
// API's SendTaskSuccess, as the application's upload, invitation and signing handlers and
// processVeriffWebhook (Veriff's decision webhook) would.

#include "integration/aws_example_fixture.hpp"
#include "integration/kyc_fixture.hpp"
#include "support/eventually.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace settled::testing {

class AwsKycTest : public AwsExampleTest<KycTest> {
 protected:
  AwsKycTest() : AwsExampleTest("seed-001") {}

  // An execution's ARN from its settled id, in the region and account of the example's
  // settled.conf (execution_arn(machine, name) is the fixture's).
  static std::string arn_of(const std::string& execution_id) {
    return AwsScopeFlags{"us-east-1", "123456789012"}.execution_arn(execution_id);
  }

  using AwsExampleTest::answer_callback;

  std::string answer_callback(const std::string& callback_id, const boost::json::value& output) {
    return answer_callback("OnboardingCallbacks", callback_id, output);
  }

  // An event as the application put it on EventBridge; its handler forwards it as the output.
  static boost::json::object event(const std::string& detail_type, const std::string& entity_id,
                                   const std::string& actor_id, boost::json::object metadata) {
    return {{"version", "0"},
            {"id", "evt-" + detail_type + "-" + entity_id},
            {"source", "mindlinks.app"},
            {"detail-type", detail_type},
            {"time", "2026-02-02T10:00:00Z"},
            {"detail",
             {{"entityId", entity_id},
              {"entityType", "contractor"},
              {"action", "updated"},
              {"actorId", actor_id},
              {"actorType", "contractor"},
              {"metadata", std::move(metadata)}}}};
  }

  // The upload handler: kyc.documents.uploaded, with the person Veriff's simulator decides by,
  // answers whichever execution waits for the contractor's documents.
  std::string upload(const std::string& contractor, const std::string& first_name) {
    return answer_callback(
        "documents-" + contractor,
        event("kyc.documents.uploaded", contractor, contractor,
              {{"person", {{"firstName", first_name}, {"lastName", "Okafor"}}},
               {"documents", boost::json::array{"s3://kyc/" + contractor + "/passport.jpg"}}}));
  }

  // The `n`th Veriff session of `kyc_id` once the simulator decided it: its id and the decision
  // webhook's body.
  std::pair<std::string, boost::json::object> decided_session(const std::string& kyc_id,
                                                              std::size_t n = 1) {
    boost::json::object session;
    const bool decided = eventually(
        [&] {
          const auto sessions = veriff_sessions(kyc_id);
          if (sessions.size() < n) return false;
          session = sessions[n - 1];
          return session.contains("decision");
        },
        std::chrono::seconds(30));
    EXPECT_TRUE(decided) << "session " << n << " of " << kyc_id << " undecided";
    if (!decided) return {};
    return {std::string(session.at("id").as_string()), session.at("decision").as_object()};
  }

  // processVeriffWebhook: the decision of `kyc_id`'s `n`th session answers the token stored
  // under veriff-<session id>, with the webhook's body. Returns the session id.
  std::string veriff_webhook(const std::string& kyc_id, std::size_t n = 1) {
    const auto [session, body] = decided_session(kyc_id, n);
    if (session.empty()) return session;
    answer_callback("veriff-" + session, body);
    return session;
  }

  boost::json::array notifications(const std::string& user) {
    auto res = client_->get("/v1/users/" + user + "/notifications");
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200 ? res.json().at("notifications").as_array() : boost::json::array{};
  }
};

}  // namespace settled::testing
