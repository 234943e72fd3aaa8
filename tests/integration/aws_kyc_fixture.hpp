#pragma once
// Seed 001's identity workflows as a team on AWS writes them (examples/aws/seed-001/workflows:
// kyc-verification, contractor-onboarding; docs/aws-seeds.md), run unchanged by the daemon with
// the example's settled.conf in place of the shipped definitions, on a simulated clock with the
// Veriff simulator. The tests play the team's handlers: each reads the task token a definition
// stored in the OnboardingCallbacks table (or KycReviews) and answers it with the Step Functions
// API's SendTaskSuccess, as the application's upload, invitation and signing handlers and
// processVeriffWebhook (Veriff's decision webhook) would.

#include "integration/kyc_fixture.hpp"
#include "support/eventually.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace settled::testing {

class AwsKycTest : public KycTest {
 protected:
  static std::string example() {
    return std::string(SETTLED_SOURCE_DIR) + "/examples/aws/seed-001";
  }

  // In the region and account of the example's settled.conf.
  static std::string execution_arn(const std::string& machine, const std::string& name) {
    return arn_of(machine + ":" + name);
  }
  static std::string arn_of(const std::string& execution_id) {
    return AwsScopeFlags{"us-east-1", "123456789012"}.execution_arn(execution_id);
  }

  std::vector<std::string> daemon_flags() const override {
    auto flags = KycTest::daemon_flags();
    flags.push_back("--config=" + example() + "/settled.conf");
    return flags;
  }

  void add_workflows() override {
    for (const auto& entry : std::filesystem::directory_iterator(example() + "/workflows"))
      std::filesystem::copy_file(entry.path(),
                                 workflows_dir() + "/" + entry.path().filename().string(),
                                 std::filesystem::copy_options::overwrite_existing);
  }

  HttpResult sfn(const std::string& operation, const boost::json::object& body) {
    return client_->post("/", boost::json::serialize(body),
                         {{"Content-Type", "application/x-amz-json-1.0"},
                          {"X-Amz-Target", "AWSStepFunctions." + operation}});
  }

  // The task token stored under `key` in `table`, once it differs from the last one answered
  // there ("" when none comes: a failed expectation).
  std::string await_token(const std::string& table, const std::string& key) {
    std::string token;
    const std::string previous = answered_[table + "/" + key];
    const bool stored = eventually(
        [&] {
          auto res = client_->get("/v1/records/" + table + "/" + key);
          if (res.status != 200) return false;
          token = std::string(res.json().at("record").at("taskToken").as_string());
          return token != previous;
        },
        std::chrono::seconds(30), std::chrono::milliseconds(20));
    EXPECT_TRUE(stored) << "no new token under " << table << "/" << key;
    return stored ? token : std::string();
  }

  // What a handler does: the token stored under `key`, answered with SendTaskSuccess. Returns
  // the token.
  std::string answer(const std::string& table, const std::string& key,
                     const boost::json::value& output) {
    const auto token = await_token(table, key);
    if (token.empty()) return token;
    auto res =
        sfn("SendTaskSuccess", {{"taskToken", token}, {"output", boost::json::serialize(output)}});
    EXPECT_EQ(res.status, 200u) << res.body;
    answered_[table + "/" + key] = token;
    return token;
  }

  std::string answer_callback(const std::string& callback_id, const boost::json::value& output) {
    return answer("OnboardingCallbacks", callback_id, output);
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

  // Each scheduled task's resource as GetExecutionHistory gives it: "<resourceType>:<resource>"
  // for a service integration, "function:<name>" for a Lambda function.
  std::vector<std::string> resources_scheduled(const std::string& arn) {
    auto res = sfn("GetExecutionHistory", {{"executionArn", arn}, {"maxResults", 1000}});
    EXPECT_EQ(res.status, 200u) << res.body;
    std::vector<std::string> out;
    if (res.status != 200) return out;
    const auto body = res.json();
    for (const auto& e : body.at("events").as_array()) {
      if (const auto* task = e.as_object().if_contains("taskScheduledEventDetails"))
        out.push_back(std::string(task->at("resourceType").as_string()) + ":" +
                      std::string(task->at("resource").as_string()));
      if (const auto* fn = e.as_object().if_contains("lambdaFunctionScheduledEventDetails")) {
        const std::string resource(fn->at("resource").as_string());
        out.push_back("function:" + resource.substr(resource.rfind(':') + 1));
      }
    }
    return out;
  }

  static bool has(const std::vector<std::string>& resources, const std::string& resource) {
    return std::find(resources.begin(), resources.end(), resource) != resources.end();
  }

  boost::json::array notifications(const std::string& user) {
    auto res = client_->get("/v1/users/" + user + "/notifications");
    EXPECT_EQ(res.status, 200u) << res.body;
    return res.status == 200 ? res.json().at("notifications").as_array() : boost::json::array{};
  }

 private:
  std::map<std::string, std::string> answered_;  // table/key -> the last token answered there
};

}  // namespace settled::testing
