// Veriff's decisions: codes and statuses, the simulator's choice by first name, the webhook body
// it builds read back by the route's parser, the keys a decision is routed and deduplicated by,
// refusals of bodies that are not decisions, and the stored row's round trip.

#include "domain/veriff/decision.hpp"
#include "domain/records/veriff_decision_row.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::veriff {
namespace {

namespace json = boost::json;

TEST(VeriffDecision, CodesAreVeriffs) {
  EXPECT_EQ(code_of("approved"), 9001);
  EXPECT_EQ(code_of("declined"), 9102);
  EXPECT_EQ(code_of("resubmission_requested"), 9103);
  EXPECT_EQ(code_of("expired"), 9104);
  EXPECT_EQ(code_of("abandoned"), 9104);
  EXPECT_EQ(code_of("review"), 9121);
  EXPECT_EQ(code_of("maybe"), std::nullopt);
  EXPECT_EQ(status_of(9102), std::optional<std::string_view>("declined"));
  EXPECT_EQ(status_of(1234), std::nullopt);
}

TEST(VeriffDecision, TheSimulatorDecidesByTheFirstName) {
  const auto with = [](const char* name) {
    return json::object{{"person", {{"firstName", name}, {"lastName", "Doe"}}}};
  };
  EXPECT_EQ(simulated_status(with("Approved")), "approved");
  EXPECT_EQ(simulated_status(with("Declined")), "declined");
  EXPECT_EQ(simulated_status(with("declined")), "declined");
  EXPECT_EQ(simulated_status(with("Resubmit")), "resubmission_requested");
  EXPECT_EQ(simulated_status(with("Review")), "review");
  EXPECT_EQ(simulated_status(with("Expired")), "expired");
  EXPECT_EQ(simulated_status(with("Abandoned")), "abandoned");
  EXPECT_EQ(simulated_status(with("Jane")), "approved");
  EXPECT_EQ(simulated_status(json::object{}), "approved");
}

DecisionInput input(const char* status) {
  DecisionInput in;
  in.session_id = "12df6045-3846-3e45-946a-14fa6136d78b";
  in.attempt_id = "a1b2c3d4-0000-4000-8000-000000000001";
  in.status = status;
  in.verification = json::object{{"person", {{"firstName", "Declined"}}}, {"vendorData", "kyc-9"}};
  in.created_at = 1767603600000;
  in.decided_at = 1767603660000;
  return in;
}

TEST(VeriffDecision, TheWebhookBodyReadsBack) {
  const auto body = decision_body(input("declined"));
  EXPECT_EQ(body.at("status"), "success");
  const auto& v = body.at("verification").as_object();
  EXPECT_EQ(v.at("code"), 9102);
  EXPECT_EQ(v.at("status"), "declined");
  EXPECT_EQ(v.at("vendorData"), "kyc-9");
  EXPECT_EQ(v.at("person").at("firstName"), "Declined");
  EXPECT_EQ(v.at("decisionTime"), "2026-01-05T09:01:00.000Z");
  auto parsed = parse_decision(json::serialize(body), 42);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->session_id, "12df6045-3846-3e45-946a-14fa6136d78b");
  EXPECT_EQ(parsed->code, 9102);
  EXPECT_EQ(parsed->status, "declined");
  EXPECT_EQ(parsed->vendor_data, "kyc-9");
  EXPECT_EQ(parsed->received_at, 42);
  EXPECT_EQ(parsed->correlation_keys,
            (std::vector<std::string>{"12df6045-3846-3e45-946a-14fa6136d78b", "kyc-9"}));
  EXPECT_EQ(parsed->key(),
            "12df6045-3846-3e45-946a-14fa6136d78b/a1b2c3d4-0000-4000-8000-000000000001/9102");
}

TEST(VeriffDecision, RefusesBodiesThatAreNotDecisions) {
  for (const char* bad :
       {R"([])", R"({"status":"success"})", R"({"verification":{"code":9001,"status":"approved"}})",
        R"({"verification":{"id":"a/b","code":9001,"status":"approved"}})",
        R"({"verification":{"id":"s1","code":1234,"status":"approved"}})",
        R"({"verification":{"id":"s1","code":"9001","status":"approved"}})",
        R"({"verification":{"id":"s1","code":9001}})",
        R"({"verification":{"id":"s1","code":9001,"status":"approved","vendorData":5}})"}) {
    auto parsed = parse_decision(bad, 0);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidRequest) << bad;
  }
  auto not_json = parse_decision("{not json", 0);
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().code, ErrorCode::kInvalidJson);
}

TEST(VeriffDecision, TheStoredRowRoundTrips) {
  auto decision = parse_decision(json::serialize(decision_body(input("approved"))), 7);
  ASSERT_TRUE(decision);
  auto row = records::decode_veriff_decision_row(records::encode(*decision));
  ASSERT_TRUE(row) << row.error().message;
  EXPECT_EQ(row->key(), decision->key());
  EXPECT_EQ(row->status, "approved");
  EXPECT_EQ(row->correlation_keys, decision->correlation_keys);
  EXPECT_EQ(row->body, decision->body);
  EXPECT_EQ(row->received_at, 7);
  auto corrupt = records::decode_veriff_decision_row(R"({"v":1,"sessionId":"s"})");
  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().code, ErrorCode::kRecordCorrupt);
}

}  // namespace
}  // namespace settled::veriff
