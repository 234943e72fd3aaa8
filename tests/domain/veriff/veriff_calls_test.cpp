// The Veriff calls' plans: sessions.create sends {"verification": parameters} signed over the
// body; decision.get puts the session id in the path and signs it; refusals before anything is
// sent; HTTP statuses to ASL error names.

#include "domain/veriff/veriff_calls.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace settled::veriff {
namespace {

namespace json = boost::json;

TEST(VeriffCalls, SessionsCreateWrapsTheVerificationAndSignsTheBody) {
  auto plan = plan_veriff_request(
      kSessionsCreate,
      json::parse(R"({"person":{"firstName":"Approved","lastName":"Doe"},"vendorData":"kyc-7",
                     "callback":"https://example.com/back"})"));
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->method, "POST");
  EXPECT_EQ(plan->path, "/v1/sessions");
  const auto body = json::parse(plan->body);
  EXPECT_EQ(body.at("verification").at("vendorData"), "kyc-7");
  EXPECT_EQ(body.at("verification").at("person").at("firstName"), "Approved");
  EXPECT_EQ(plan->signed_payload, plan->body);
}

TEST(VeriffCalls, DecisionGetPutsTheSessionInThePathAndSignsIt) {
  auto plan = plan_veriff_request(kDecisionGet,
                                  json::parse(R"({"id":"12df6045-3846-3e45-946a-14fa6136d78b"})"));
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_EQ(plan->method, "GET");
  EXPECT_EQ(plan->path, "/v1/sessions/12df6045-3846-3e45-946a-14fa6136d78b/decision");
  EXPECT_EQ(plan->signed_payload, "12df6045-3846-3e45-946a-14fa6136d78b");
  EXPECT_TRUE(plan->body.empty());
}

TEST(VeriffCalls, RefusesWhatVeriffCannotTakeBeforeSending) {
  for (const char* bad : {R"([1])", R"({"vendorData":7})", R"({"person":"Jane"})"}) {
    auto plan = plan_veriff_request(kSessionsCreate, json::parse(bad));
    ASSERT_FALSE(plan) << bad;
    EXPECT_EQ(plan.error().error, kInvalidRequest);
    EXPECT_EQ(json::parse(plan.error().cause()).at("status"), "fail");
  }
  EXPECT_FALSE(plan_veriff_request(
      kSessionsCreate, json::object{{"vendorData", std::string(kMaxVendorDataBytes + 1, 'x')}}));
  for (const char* bad : {R"({})", R"({"id":"../x"})", R"({"id":"a/b"})", R"({"id":""})",
                          R"({"id":"abc","extra":1})", R"({"id":5})"})
    EXPECT_FALSE(plan_veriff_request(kDecisionGet, json::parse(bad))) << bad;
  EXPECT_FALSE(plan_veriff_request("settled:veriff.nothing", json::object{}));
}

TEST(VeriffCalls, StatusesMapToCatchableNames) {
  EXPECT_STREQ(error_for_status(400), "Veriff.InvalidRequest");
  EXPECT_STREQ(error_for_status(401), "Veriff.AuthenticationError");
  EXPECT_STREQ(error_for_status(403), "Veriff.AuthenticationError");
  EXPECT_STREQ(error_for_status(404), "Veriff.NotFound");
  EXPECT_STREQ(error_for_status(429), "Veriff.RateLimitError");
  EXPECT_STREQ(error_for_status(500), "Veriff.APIError");
  EXPECT_STREQ(error_for_status(503), "Veriff.APIError");
  EXPECT_TRUE(is_veriff_call("settled:veriff.sessions.create"));
  EXPECT_TRUE(is_veriff_call("settled:veriff.decision.get"));
  EXPECT_FALSE(is_veriff_call("settled:stripe.refunds.create"));
}

}  // namespace
}  // namespace settled::veriff
